//! `run --in-database`: the segmentation computed on the PostgreSQL server its tables are on, by the queries `strata sql` writes.
//!
//! Three queries run in one repeatable-read transaction (so they see the same rows): the
//! membership, the valuation, and the audit row (customers, value total, the 80/20 parts,
//! each criterion's exclusivity counts). Only their results cross the network; the summary
//! is assembled from them by the same code as a local run's.

use std::collections::HashMap;

use polars::prelude::*;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{IsolationLevel, Transaction};

use crate::engine::data::postgres::DbSource;
use crate::engine::data::postgres::client::server_error;
use crate::engine::data::postgres::client::{connect_to, watching};
use crate::engine::data::postgres::source::{Url, parse_url};
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::valuation::{SegmentSums, SegmentValue, segments_from_sums};
use crate::engine::out::sql::audit::{Audit, Cell, read};
use crate::engine::out::sql::{
    Dialect, SqlOptions, SqlSchema, generate, generate_audit, generate_staged, name_parts,
    server_tables,
};
use crate::engine::out::summary::{Figures, summary_of};
use crate::engine::rules::Workspace;

/// What to compute and where to leave it.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Purchase-history fields appended to the membership (as `run --with`).
    pub with: Vec<String>,
    /// `schema.table` on the server to replace with the membership.
    pub into: Option<String>,
    /// Mask the personal-data columns among `with`.
    pub mask_pii: bool,
}

/// The outcome: the membership as a local run writes it, each criterion's segments and
/// audit, and where.
pub struct Computed {
    pub membership: DataFrame,
    /// Per criterion, in workspace order: its segments in valuation order.
    pub segments: Vec<Vec<SegmentValue>>,
    pub audit: Audit,
    /// `host:port/db`.
    pub server: String,
    /// Notes a user should see (how the password was found, say).
    pub notes: Vec<String>,
}

/// Fields with no SQL form (or none without a model fitted here).
const LOCAL_ONLY: [(&str, &str); 3] = [
    (
        "expected_purchases",
        "it sums a hypergeometric series no SQL dialect has a function for",
    ),
    (
        "predicted_value",
        "it sums a hypergeometric series no SQL dialect has a function for",
    ),
    (
        "p_alive",
        "its BG/NBD model is fitted on this machine, from every buyer's history",
    ),
];

/// Compute the segmentation of `ws` on its server.
pub fn run_in_database(ws: &Workspace, o: &Options, p: &Progress) -> Result<Computed> {
    let src = one_server(ws)?;
    refuse_local_only(ws, &o.with)?;
    let mut notes = Vec::new();
    p.begin(&format!("connecting to {}", src.server()), 0);
    let (mut client, url) = connect_to(src, &mut notes)?;
    let q = queries(ws, o, &mut client, &url)?;
    p.begin(&format!("segmenting on {}", url.server()), 0);
    let r = watching(&mut client, &url, p, |c| in_transaction(c, &q))?;
    let (members, valuation, audit) = match r {
        Ok(Ok(x)) => x,
        Ok(Err(repeated)) => {
            return Err(EngineError::Invalid(format!(
                "{}: a customer id twice is an error, as in a local run; set duplicate_ids = \
                 \"first\" in [data] to keep one row of each (on the server, an arbitrary one)",
                repeated.join("; ")
            )));
        }
        Err(_) if p.should_stop() => return Err(EngineError::Cancelled),
        Err(e) => {
            return Err(server_error(
                &url,
                &e,
                "the segmentation failed on the server",
            ));
        }
    };
    let bad =
        |what: &str| EngineError::Invalid(format!("the server's {what} had an unexpected shape"));
    let cells: Vec<Cell> = (0..audit.len())
        .map(|i| match *audit.columns()[i].type_() {
            Type::FLOAT8 => Ok(Cell::Float(audit.get(i))),
            Type::INT8 => Ok(Cell::Int(audit.get(i))),
            _ => Err(bad("audit row")),
        })
        .collect::<Result<_>>()?;
    let audit = read(ws, &cells)?;
    let sums = segment_sums(ws, &valuation).ok_or_else(|| bad("valuation"))?;
    let segments: Vec<_> = ws
        .criteria
        .iter()
        .zip(sums)
        .map(|(c, s)| segments_from_sums(s, &c.otherwise, audit.customers, &ws.valuation))
        .collect();
    let membership = frame(members, ws, o)?;
    Ok(Computed {
        membership,
        segments,
        audit,
        server: url.server(),
        notes,
    })
}

/// What runs on the server: the three queries, the id checks (what, table, id column), and
/// for `--into` the table's name, the name it is made under, and its last part.
struct Queries {
    /// The per-customer table made once, and the three queries reading it (the others compute
    /// it each, for a server where no temporary table can be made).
    staged: [String; 4],
    membership: String,
    valuation: String,
    audit: String,
    twice: Vec<(String, String, String)>,
    into: Option<(String, String, String)>,
}

/// Write the queries for `ws` on the server `client` is connected to (its column types asked).
fn queries(
    ws: &Workspace,
    o: &Options,
    client: &mut postgres::Client,
    url: &Url,
) -> Result<Queries> {
    let d = Dialect::Postgres;
    let mut names: Vec<String> = ws
        .data
        .joins
        .iter()
        .map(|j| crate::engine::out::sql::join_table_name(&j.file))
        .collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(EngineError::Invalid(format!(
            "two joined tables are both called {}: the queries cannot tell them apart; give one \
             a query of its own (query = \"SELECT * FROM …\")",
            w[0]
        )));
    }
    let mut verbatim = server_tables(ws, d);
    let schema = typed_schema(ws, client, url, &mut verbatim)?;
    let opt = SqlOptions {
        dialect: d,
        tables: HashMap::new(),
        verbatim,
        valuation: false,
        with: o.with.clone(),
    };
    let valuation = SqlOptions {
        valuation: true,
        ..opt.clone()
    };
    // an id twice stops a local run (duplicate_ids = "error"): the same here
    let mut twice = Vec::new();
    if ws.data.duplicate_ids == crate::engine::rules::DuplicateIds::Error {
        let id = ws.columns.customer_id.as_ref().map(|c| d.ident(&c.value));
        if let (Some(t), Some(id)) = (opt.verbatim.get("customers"), &id) {
            twice.push(("data.customers".to_string(), t.clone(), id.clone()));
        }
        for (k, j) in ws.data.joins.iter().enumerate() {
            let name = crate::engine::out::sql::join_table_name(&j.file);
            if let Some(t) = opt.verbatim.get(&name) {
                twice.push((format!("data.join[{k}]"), t.clone(), d.ident(&j.key.value)));
            }
        }
    }
    // --into: made under a name of its own, put in place (the old one dropped) at the end,
    // so that readers wait only for the commit
    let into = o.into.as_deref().map(|t| {
        let parts = name_parts(t);
        let last = parts.last().cloned().unwrap_or_default();
        let mut staging = parts.clone();
        if let Some(l) = staging.last_mut() {
            l.push_str("_strata_new");
        }
        let q = |p: &[String]| p.iter().map(|x| d.ident(x)).collect::<Vec<_>>().join(".");
        (q(&parts), q(&staging), d.ident(&last))
    });
    Ok(Queries {
        staged: generate_staged(ws, &schema, &opt, STAGE)?,
        membership: generate(ws, &schema, &opt)?,
        valuation: generate(ws, &schema, &valuation)?,
        audit: generate_audit(ws, &schema, &opt)?,
        twice,
        into,
    })
}

/// The temporary table the staged queries read.
const STAGE: &str = "strata_stage";

/// What the transaction brings back: the membership's columns, the valuation rows, the audit
/// row; or the tables holding a customer id twice.
type Fetched = (Vec<(String, Values)>, Vec<postgres::Row>, postgres::Row);

/// Run the queries in one repeatable-read transaction (they see the same rows).
fn in_transaction(
    c: &mut postgres::Client,
    q: &Queries,
) -> std::result::Result<std::result::Result<Fetched, Vec<String>>, postgres::Error> {
    // read-write only for a temporary table (and --into); nothing else is written
    let mut tx = c
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .start()?;
    // text, dates, times and numbers as a local run reads them
    tx.batch_execute(
        "SET LOCAL timezone = 'UTC'; SET LOCAL datestyle = 'ISO, YMD'; \
         SET LOCAL intervalstyle = 'iso_8601'; SET LOCAL extra_float_digits = 3; \
         SET LOCAL standard_conforming_strings = on",
    )?;
    let mut repeated = Vec::new();
    for (key, t, id) in &q.twice {
        let sql = format!("SELECT COUNT({id}) - COUNT(DISTINCT {id}) FROM {t} AS strata_t");
        let n: i64 = tx.query_one(&sql, &[])?.get(0);
        if n > 0 {
            repeated.push(format!("{key} holds {n} repeated customer ids"));
        }
    }
    if !repeated.is_empty() {
        return Ok(Err(repeated));
    }
    // the per-customer table once (the queries computing it each where none can be made: a
    // replica, or no right to temporary tables)
    let mut sp = tx.transaction()?;
    let made = sp.batch_execute(&format!(
        "CREATE TEMPORARY TABLE {STAGE} ON COMMIT DROP AS\n{}",
        q.staged[0]
    ));
    let [membership, valuation, audit] = match made {
        Ok(()) => {
            sp.commit()?;
            [&q.staged[1], &q.staged[2], &q.staged[3]]
        }
        Err(e)
            if e.code()
                .is_some_and(|c| ["25006", "42501"].contains(&c.code())) =>
        {
            sp.rollback()?;
            [&q.membership, &q.valuation, &q.audit]
        }
        Err(e) => return Err(e),
    };
    let members = match &q.into {
        Some((_, staging, _)) => {
            tx.execute(&format!("DROP TABLE IF EXISTS {staging}"), &[])?;
            tx.execute(&format!("CREATE TABLE {staging} AS\n{membership}"), &[])?;
            rows_of(&mut tx, staging)?
        }
        None => rows_of(&mut tx, &format!("(\n{membership})"))?,
    };
    let valuation = tx.query(valuation.as_str(), &[])?;
    let audit = tx.query_one(audit.as_str(), &[])?;
    if let Some((target, staging, last)) = &q.into {
        tx.execute(&format!("DROP TABLE IF EXISTS {target}"), &[])?;
        tx.execute(&format!("ALTER TABLE {staging} RENAME TO {last}"), &[])?;
    }
    tx.commit()?;
    Ok(Ok((members, valuation, audit)))
}

impl Computed {
    /// The summary document, as a local run writes it.
    pub fn summary(&self, ws: &Workspace) -> serde_json::Value {
        summary_of(&Figures {
            customers: self.audit.customers,
            value_total: self.audit.value_total,
            pareto: &self.audit.pareto,
            criteria: ws
                .criteria
                .iter()
                .zip(&self.segments)
                .zip(&self.audit.exclusivity)
                .map(|((c, s), e)| (c, &s[..], e))
                .collect(),
            quality: &[],
            clv: None,
        })
    }
}

/// The one server every table of `ws` is on, or why there is none.
fn one_server(ws: &Workspace) -> Result<&DbSource> {
    let files = ws.data_files();
    let mut first: Option<(&DbSource, String)> = None;
    for f in &files {
        let Some(db) = f.db.as_deref() else {
            return Err(EngineError::Invalid(format!(
                "--in-database needs every table on one PostgreSQL server, and {} is the file {}: \
                 load it into the server (or run without --in-database)",
                f.key, f.path.value
            )));
        };
        let url = parse_url(&db.url).map_err(EngineError::Invalid)?;
        let at = format!("{}@{}", url.user, url.server());
        match &first {
            None => first = Some((db, at)),
            Some((_, a)) if *a != at => {
                return Err(EngineError::Invalid(format!(
                    "--in-database needs every table on one PostgreSQL server: {} is on {at}, \
                     the first table on {a}",
                    f.key
                )));
            }
            Some(_) => {}
        }
    }
    first
        .map(|(db, _)| db)
        .ok_or_else(|| EngineError::Invalid("--in-database: the workspace reads no table".into()))
}

/// Refuse what cannot be computed on the server, naming the rule that reads it.
fn refuse_local_only(ws: &Workspace, with: &[String]) -> Result<()> {
    let why = |field: &str, place: String| {
        let (_, reason) = LOCAL_ONLY.iter().find(|(f, _)| *f == field).unwrap();
        EngineError::Invalid(format!(
            "{place} reads {field}, which cannot be computed in the database: {reason}; run \
             without --in-database"
        ))
    };
    for c in &ws.criteria {
        let names = c.referenced_names();
        if let Some((f, _)) = LOCAL_ONLY
            .iter()
            .find(|(f, _)| names.iter().any(|n| n == f))
        {
            return Err(why(f, format!("criteria.{}", c.name.value)));
        }
    }
    let v = &ws.valuation;
    let texts = [("valuation.value", &v.value), ("valuation.cost", &v.cost)];
    for (key, t) in texts {
        if let Some(f) = t.as_ref().and_then(|t| reads_local_only(&t.value)) {
            return Err(why(f, key.into()));
        }
    }
    for m in &v.measures {
        if let Some(f) = reads_local_only(&m.expr) {
            return Err(why(f, format!("valuation.measures.{}", m.name)));
        }
    }
    if let Some((f, _)) = LOCAL_ONLY.iter().find(|(f, _)| with.iter().any(|w| w == f)) {
        return Err(why(f, "--with".into()));
    }
    Ok(())
}

fn reads_local_only(text: &str) -> Option<&'static str> {
    let e = crate::engine::rules::condition::parse_condition(text).ok()?;
    let cols = e.columns();
    LOCAL_ONLY
        .iter()
        .map(|(f, _)| *f)
        .find(|f| cols.iter().any(|(c, _)| c == f))
}

/// The column types of every table, from the server (no row is read): an empty table each,
/// evaluated once so that the rules type-check and the derived fields get their types. A table
/// with date-times is read through a subquery that makes them dates (a time zone's in UTC), as
/// a local run reads a pulled copy.
fn typed_schema(
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
    let customers = ws
        .data
        .customers
        .as_ref()
        .map(|_| empty("customers"))
        .transpose()?
        .flatten();
    let orders = ws
        .data
        .orders
        .as_ref()
        .map(|_| empty("orders"))
        .transpose()?
        .flatten();
    let mut joins = Vec::new();
    for j in &ws.data.joins {
        let name = crate::engine::out::sql::join_table_name(&j.file);
        joins.extend(empty(&name)?);
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

/// One column of results as it arrives.
enum Values {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    Text(Vec<Option<String>>),
}

/// Every row of the membership in `from` (a table, or the query in brackets) in customer-id
/// order, column by column: numbers, booleans, dates and text by the server's types (a
/// `numeric` as a double, as a local run reads it; any other type as its text).
fn rows_of(
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
fn segment_sums(ws: &Workspace, rows: &[postgres::Row]) -> Option<Vec<Vec<SegmentSums>>> {
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
/// `with` fields (personal data masked when asked).
fn frame(cols: Vec<(String, Values)>, ws: &Workspace, o: &Options) -> Result<DataFrame> {
    let n = cols.first().map_or(0, |(_, v)| match v {
        Values::Int(x) => x.len(),
        Values::Float(x) => x.len(),
        Values::Bool(x) => x.len(),
        Values::Date(x) => x.len(),
        Values::Text(x) => x.len(),
    });
    let pii: Vec<&str> = ws.columns.pii.iter().map(|p| p.value.as_str()).collect();
    let columns: Vec<Column> = cols
        .into_iter()
        .map(|(name, v)| {
            let mask = o.mask_pii && o.with.contains(&name) && pii.contains(&name.as_str());
            let name = PlSmallStr::from(name.as_str());
            let s = match v {
                _ if mask => {
                    let present: Vec<Option<&str>> = match &v {
                        Values::Int(x) => x.iter().map(|c| c.map(|_| "***")).collect(),
                        Values::Float(x) => x.iter().map(|c| c.map(|_| "***")).collect(),
                        Values::Bool(x) => x.iter().map(|c| c.map(|_| "***")).collect(),
                        Values::Date(x) => x.iter().map(|c| c.map(|_| "***")).collect(),
                        Values::Text(x) => x.iter().map(|c| c.as_ref().map(|_| "***")).collect(),
                    };
                    Series::new(name, present)
                }
                Values::Int(x) => Series::new(name, x),
                Values::Float(x) => Series::new(name, x),
                Values::Bool(x) => Series::new(name, x),
                Values::Date(x) => Series::new(name, x).into_date(),
                Values::Text(x) => Series::new(name, x),
            };
            s.into()
        })
        .collect();
    DataFrame::new(n, columns).map_err(|e| EngineError::Invalid(format!("membership: {e}")))
}
