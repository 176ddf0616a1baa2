//! The membership and valuation rows as the server returns them, made into what a local run writes.

use polars::prelude::*;
use postgres::Transaction;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;

use crate::engine::error::{EngineError, Result};
use crate::engine::eval::valuation::SegmentSums;
use crate::engine::out::sql::Dialect;
use crate::engine::rules::Workspace;

/// One column of results as it arrives.
pub(super) enum Values {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    Text(Vec<Option<String>>),
}

/// Every row of the membership in `from` (a table, or the query in brackets) in customer-id
/// order, column by column: numbers, booleans, dates and text by the server's types (a
/// `numeric` as a double, as a local run reads it; any other type as its text).
pub(super) fn rows_of(
    tx: &mut Transaction,
    from: &str,
) -> std::result::Result<Vec<(String, Values)>, postgres::Error> {
    let d = Dialect::Postgres;
    let probe = tx.prepare(&format!("SELECT * FROM {from} AS strata_m LIMIT 0"))?;
    let select: Vec<String> = probe
        .columns()
        .iter()
        .map(|c| {
            let q = d.ident(c.name());
            match *c.type_() {
                Type::NUMERIC => format!("CAST({q} AS DOUBLE PRECISION) AS {q}"),
                Type::INT2 | Type::INT4 | Type::INT8 | Type::FLOAT4 | Type::FLOAT8 => q,
                Type::BOOL | Type::DATE | Type::TEXT | Type::VARCHAR | Type::BPCHAR => q,
                _ => format!("CAST({q} AS TEXT) AS {q}"),
            }
        })
        .collect();
    // text ids by their bytes, as a local run sorts them
    let order = match probe.columns().first() {
        Some(c) if matches!(*c.type_(), Type::TEXT | Type::VARCHAR | Type::BPCHAR) => {
            format!("{} COLLATE \"C\"", d.ident(c.name()))
        }
        Some(c) => d.ident(c.name()),
        None => "1".into(),
    };
    let sql = format!(
        "SELECT {} FROM {from} AS strata_m ORDER BY {order}",
        select.join(", ")
    );
    let stmt = tx.prepare(&sql)?;
    let mut cols: Vec<(String, Values)> = stmt
        .columns()
        .iter()
        .map(|c| {
            let v = match *c.type_() {
                Type::INT2 | Type::INT4 | Type::INT8 => Values::Int(vec![]),
                Type::FLOAT4 | Type::FLOAT8 => Values::Float(vec![]),
                Type::BOOL => Values::Bool(vec![]),
                Type::DATE => Values::Date(vec![]),
                _ => Values::Text(vec![]),
            };
            (c.name().to_string(), v)
        })
        .collect();
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    let mut it = tx.query_raw(&stmt, std::iter::empty::<&str>())?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    while let Some(row) = it.next()? {
        for (i, (_, v)) in cols.iter_mut().enumerate() {
            match v {
                Values::Int(x) => x.push(match types[i] {
                    Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(i64::from),
                    Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(i64::from),
                    _ => row.try_get(i)?,
                }),
                Values::Float(x) => x.push(match types[i] {
                    Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(f64::from),
                    _ => row.try_get(i)?,
                }),
                Values::Bool(x) => x.push(row.try_get(i)?),
                Values::Date(x) => x.push(
                    row.try_get::<_, Option<chrono::NaiveDate>>(i)?
                        .map(|d| (d - epoch).num_days() as i32),
                ),
                Values::Text(x) => x.push(row.try_get(i)?),
            }
        }
    }
    Ok(cols)
}

/// The valuation rows of each criterion, in workspace order (none when a row is not as the
/// query writes it).
pub(super) fn segment_sums(
    ws: &Workspace,
    rows: &[postgres::Row],
) -> Option<Vec<Vec<SegmentSums>>> {
    let has_cost = ws.valuation.cost.is_some();
    let m = ws.valuation.measures.len();
    let mut out: Vec<Vec<SegmentSums>> = vec![Vec::new(); ws.criteria.len()];
    for r in rows {
        let criterion: String = r.try_get(0).ok()?;
        let k = ws.criteria.iter().position(|c| c.name.value == criterion)?;
        let f = |i: usize| {
            r.try_get::<_, Option<f64>>(i)
                .ok()
                .map(|x| x.unwrap_or(f64::NAN))
        };
        let first_measure = r.len() - m;
        out[k].push(SegmentSums {
            name: r.try_get(1).ok()?,
            customers: r.try_get::<_, i64>(2).ok()?.max(0) as usize,
            value: f(4)?,
            cost: if has_cost { Some(f(7)?) } else { None },
            measures: ws
                .valuation
                .measures
                .iter()
                .enumerate()
                .map(|(j, x)| Some((x.name.clone(), f(first_measure + j)?)))
                .collect::<Option<_>>()?,
        });
    }
    Some(out)
}

/// The membership as a local run writes it: ids, one column of labels per criterion, the
/// `with` fields (purchase-history fields: never personal data, nothing to mask).
pub(super) fn frame(cols: Vec<(String, Values)>) -> Result<DataFrame> {
    let columns: Vec<Column> = cols
        .into_iter()
        .map(|(name, v)| {
            let name = PlSmallStr::from(name.as_str());
            let s = match v {
                Values::Int(x) => Series::new(name, x),
                Values::Float(x) => Series::new(name, x),
                Values::Bool(x) => Series::new(name, x),
                Values::Date(x) => Series::new(name, x).into_date(),
                Values::Text(x) => Series::new(name, x),
            };
            s.into()
        })
        .collect();
    let n = columns.first().map_or(0, |c| c.len());
    DataFrame::new(n, columns).map_err(|e| EngineError::Invalid(format!("membership: {e}")))
}
