//! `run --in-database`: the segmentation computed on the PostgreSQL server its tables are on, by the queries `strata sql` writes.
//!
//! Three queries run in one repeatable-read transaction (so they see the same rows): the
//! membership, the valuation, and the audit row (customers, value total, the 80/20 parts,
//! each criterion's exclusivity counts). Only their results cross the network; the summary
//! is assembled from them by the same code as a local run's.

mod rows;
mod schema;

use std::collections::HashMap;

use polars::prelude::DataFrame;
use postgres::IsolationLevel;
use postgres::types::Type;

use rows::{Values, frame, rows_of, segment_sums};
use schema::typed_schema;

use crate::engine::data::postgres::DbSource;
use crate::engine::data::postgres::client::server_error;
use crate::engine::data::postgres::client::{connect_to, watching};
use crate::engine::data::postgres::source::{Url, parse_url};
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::valuation::{SegmentValue, segments_from_sums};
use crate::engine::out::sql::audit::{Audit, Cell, read};
use crate::engine::out::sql::{
    Dialect, SqlOptions, generate, generate_audit, generate_staged, join_table_name, name_parts,
    server_tables,
};
use crate::engine::out::summary::Figures;
use crate::engine::rules::Workspace;

/// What to compute and where to leave it.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Purchase-history fields appended to the membership (as `run --with`).
    pub with: Vec<String>,
    /// `schema.table` on the server to replace with the membership.
    pub into: Option<String>,
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
    let membership = frame(members)?;
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
        .map(|j| join_table_name(&j.file))
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
            let name = join_table_name(&j.file);
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
    /// What the server computed, as a local run's summary and tables say it.
    pub fn figures<'a>(&'a self, ws: &'a Workspace) -> Figures<'a> {
        Figures {
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
        }
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

/// Refuse the predictive-value fields, naming the rule that reads one: their models are fitted
/// on this machine, from every buyer's history (and two of them have no SQL form at all).
fn refuse_local_only(ws: &Workspace, with: &[String]) -> Result<()> {
    let fields = crate::engine::eval::clv::MODEL_FIELDS;
    let found = ws.first_reader(&fields).or_else(|| {
        let w = with.iter().find(|w| fields.contains(&w.as_str()))?;
        Some(("--with".to_string(), w.clone()))
    });
    match found {
        Some((place, field)) => Err(EngineError::Invalid(format!(
            "{place} reads {field}, which cannot be computed in the database: the predictive \
             models are fitted on this machine, from every buyer's history; run without \
             --in-database"
        ))),
        None => Ok(()),
    }
}
