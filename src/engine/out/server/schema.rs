//! The column types of the server's tables, and each column read as a pulled copy reads it.

use std::collections::HashMap;

use polars::prelude::*;
use postgres::types::Type;

use crate::engine::data::postgres::client::server_error;
use crate::engine::data::postgres::source::Url;
use crate::engine::error::{EngineError, Result};
use crate::engine::out::sql::{Dialect, SqlSchema, join_table_name};
use crate::engine::rules::Workspace;

/// The column types of every table, from the server (no row is read): an empty table each,
/// evaluated once so that the rules type-check and the derived fields get their types. A table
/// with date-times is read through a subquery that makes them dates (a time zone's in UTC), as
/// a local run reads a pulled copy.
pub(super) fn typed_schema(
    ws: &Workspace,
    client: &mut postgres::Client,
    url: &Url,
    verbatim: &mut HashMap<String, String>,
) -> Result<SqlSchema> {
    let mut empty = |name: &str| -> Result<Option<DataFrame>> {
        let Some(t) = verbatim.get(name).cloned() else {
            return Ok(None);
        };
        let stmt = client
            .prepare(&format!("SELECT * FROM {t} AS strata_t LIMIT 0"))
            .map_err(|e| server_error(url, &e, &format!("cannot read the columns of {name}")))?;
        let d = Dialect::Postgres;
        let select: Vec<(String, bool)> = stmt
            .columns()
            .iter()
            .map(|c| as_pulled(&d.ident(c.name()), c.type_()))
            .collect();
        if select.iter().any(|(_, changed)| *changed) {
            let select: Vec<String> = select.into_iter().map(|(s, _)| s).collect();
            verbatim.insert(
                name.to_string(),
                format!("(SELECT {} FROM {t} AS strata_t)", select.join(", ")),
            );
        }
        let cols: Vec<Column> = stmt
            .columns()
            .iter()
            .map(|c| Series::new_empty(c.name().into(), &dtype_of(c.type_())).into())
            .collect();
        DataFrame::new(0, cols)
            .map(Some)
            .map_err(|e| EngineError::Invalid(format!("{name}: {e}")))
    };
    // every table is on the server (see `one_server`): each has its text in `verbatim`
    let customers = empty("customers")?;
    let orders = empty("orders")?;
    let mut joins = Vec::new();
    for j in &ws.data.joins {
        joins.extend(empty(&join_table_name(&j.file))?);
    }
    SqlSchema::from_frames(ws, customers.as_ref(), orders.as_ref(), &joins)
}

/// A column as a local run reads its pulled copy: date-times as dates (in UTC), blank text and
/// NaN missing, `numeric` and `real` as the doubles their text reads as, other types as their
/// text; and whether that changed anything.
fn as_pulled(q: &str, t: &Type) -> (String, bool) {
    let e = match *t {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::BOOL | Type::DATE | Type::BPCHAR => {
            return (q.to_string(), false);
        }
        Type::TIMESTAMP => format!("CAST({q} AS DATE)"),
        Type::TIMESTAMPTZ => format!("CAST(({q} AT TIME ZONE 'UTC') AS DATE)"),
        Type::NUMERIC => format!("NULLIF(CAST({q} AS DOUBLE PRECISION), 'NaN')"),
        Type::FLOAT4 => format!("NULLIF(CAST(CAST({q} AS TEXT) AS DOUBLE PRECISION), 'NaN')"),
        Type::FLOAT8 => format!("NULLIF({q}, 'NaN')"),
        Type::TEXT | Type::VARCHAR | Type::NAME => format!("NULLIF({q}, '')"),
        _ => format!("NULLIF(CAST({q} AS TEXT), '')"),
    };
    (format!("{e} AS {q}"), true)
}

/// The type a column of the server's type is read as (a local run reads a pulled copy the same).
fn dtype_of(t: &Type) -> DataType {
    match *t {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => DataType::Int64,
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => DataType::Float64,
        Type::BOOL => DataType::Boolean,
        Type::DATE | Type::TIMESTAMP | Type::TIMESTAMPTZ => DataType::Date,
        _ => DataType::String,
    }
}
