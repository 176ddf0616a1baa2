//! `strata sql`: the whole segmentation as one SQL query for DuckDB, PostgreSQL, Spark, Trino or BigQuery.

pub mod audit;
mod criteria;
pub mod dialect;
pub mod expr;
mod purchase;
mod schema;

pub use dialect::Dialect;
pub use schema::SqlSchema;

use std::collections::HashMap;

use crate::engine::error::{EngineError, Result};
use crate::engine::eval::compile::compile;
use crate::engine::eval::fields::derived_fields;
use crate::engine::eval::frame::DType;
use crate::engine::rules::Workspace;
use crate::engine::rules::condition::{Expr, parse_condition};

/// What to write.
#[derive(Debug, Clone)]
pub struct SqlOptions {
    pub dialect: Dialect,
    /// Table renames: `customers`, `orders` or a joined table's stem → a (qualified) name.
    pub tables: HashMap<String, String>,
    /// Tables read from a text written as it is, not quoted (a dbt model's
    /// `{{ source('strata', 'customers') }}`).
    pub verbatim: HashMap<String, String>,
    /// The valuation query instead of membership.
    pub valuation: bool,
    /// Purchase-history fields appended to the membership (as `strata run --with` does).
    pub with: Vec<String>,
}

/// The name of the internal id column (the output calls it `customer_id`).
const ID: &str = "strata_id";

/// Common table expressions in order, then the final select.
pub(super) struct Query {
    pub d: Dialect,
    /// The customer ids are text (they sort by bytes).
    pub id_text: bool,
    /// Each with whether the server had better read it again where it is used than store it.
    ctes: Vec<(String, String, bool)>,
}

impl Query {
    fn cte(&mut self, name: &str, body: String) {
        self.ctes.push((name.to_string(), body, false));
    }

    /// A table's rows, filtered, that several parts of the query read: PostgreSQL (12 and
    /// later) would store a common table expression read more than once, here every order
    /// row; read where it is used, each part scans the table and the filters go into the
    /// scans (at 1 M customers the per-customer table took a fifth less time).
    fn cte_inline(&mut self, name: &str, body: String) {
        self.ctes.push((name.to_string(), body, true));
    }

    fn finish(self, select: String, header: &str) -> String {
        let mut s = String::from(header);
        if !self.ctes.is_empty() {
            s.push_str("WITH\n");
            let n = self.ctes.len();
            for (i, (name, body, inline)) in self.ctes.into_iter().enumerate() {
                let how = match (inline, self.d) {
                    (true, Dialect::Postgres) => "NOT MATERIALIZED ",
                    _ => "",
                };
                s.push_str(&format!(
                    "{name} AS {how}(\n{}\n){}\n",
                    indent(&body),
                    if i + 1 < n { "," } else { "" }
                ));
            }
        }
        s.push_str(&select);
        s.push('\n');
        s
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The table name a joined file is known by: its file name up to the first dot; a database
/// table by its own name (no schema), a query by its copy's name.
pub fn join_table_name(f: &crate::engine::rules::FileRef) -> String {
    use crate::engine::data::postgres::Read;
    if let Some(db) = &f.db {
        return match &db.read {
            Read::Table(t) => t.rsplit('.').next().unwrap_or(t).replace('"', ""),
            Read::Query(_) => db
                .local
                .file_stem()
                .map(|s| s.to_string_lossy().replace('-', "_"))
                .unwrap_or_else(|| "query".into()),
        };
    }
    // a SQLite database's table: the table's name
    if let Some(t) = &f.options.table {
        return t.clone();
    }
    let file = std::path::Path::new(&f.path.value)
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    file.split('.').next().unwrap_or_default().to_string()
}

/// Parse and type-check a condition of the workspace against the per-customer columns.
pub(super) fn compiled(
    ws: &Workspace,
    text: &str,
    key: &str,
    types: &HashMap<String, DType>,
) -> Result<Expr> {
    let names: Vec<String> = types.keys().cloned().collect();
    parse_condition(text)
        .and_then(|e| compile(&e, &|n| types.get(n).copied(), &names))
        .map(|e| e.0)
        .map_err(|e| {
            EngineError::Workspace(vec![
                crate::engine::Diagnostic::new(&ws.file, e.to_string()).key(key),
            ])
        })
}

/// Write the query. `schema` comes from [`SqlSchema::load`] (or is built by hand in tests).
pub fn generate(ws: &Workspace, schema: &SqlSchema, opt: &SqlOptions) -> Result<String> {
    let (mut q, header) = prepared(ws, schema, opt)?;
    let select = if opt.valuation {
        criteria::valuation(&mut q, ws, schema)?
    } else {
        criteria::membership(&q, ws, schema, &opt.with)?
    };
    Ok(q.finish(select, &header))
}

/// The audit query (`opt.valuation` aside): one row with the customers, the value total, the
/// 80/20 figures' parts and each criterion's exclusivity counts (see [`audit`]).
pub fn generate_audit(ws: &Workspace, schema: &SqlSchema, opt: &SqlOptions) -> Result<String> {
    let (mut q, header) = prepared(ws, schema, opt)?;
    let select = audit::audit(&mut q, ws, schema)?;
    Ok(q.finish(select, &header))
}

/// The in-database run's queries over one table made once: the query that makes it (every
/// customer with the fields and scores the rules read; to be kept as `name`, e.g. a temporary
/// table), then the membership, valuation and audit queries reading `name` instead of
/// computing it again.
pub fn generate_staged(
    ws: &Workspace,
    schema: &SqlSchema,
    opt: &SqlOptions,
    name: &str,
) -> Result<[String; 4]> {
    let (q, header) = prepared(ws, schema, opt)?;
    let src = criteria::source(ws);
    let (d, id_text) = (q.d, q.id_text);
    let stage = q.finish(format!("SELECT * FROM {src}"), &header);
    let fresh = || Query {
        d,
        id_text,
        ctes: vec![(src.to_string(), format!("SELECT * FROM {name}"), false)],
    };
    let q1 = fresh();
    let m = criteria::membership(&q1, ws, schema, &opt.with)?;
    let mut q2 = fresh();
    let v = criteria::valuation(&mut q2, ws, schema)?;
    let mut q3 = fresh();
    let a = audit::audit(&mut q3, ws, schema)?;
    Ok([stage, q1.finish(m, ""), q2.finish(v, ""), q3.finish(a, "")])
}

/// The common table expressions every query starts with (orders, purchase history, the base,
/// scores) and the header comment.
fn prepared(ws: &Workspace, schema: &SqlSchema, opt: &SqlOptions) -> Result<(Query, String)> {
    let d = opt.dialect;
    let table = |logical: &str| match opt.verbatim.get(logical) {
        Some(text) => text.clone(),
        None => d.table(
            opt.tables
                .get(logical)
                .map(String::as_str)
                .unwrap_or(logical),
        ),
    };
    check_tables(ws, opt)?;
    let mut q = Query {
        d,
        id_text: id_is_text(ws, schema),
        ctes: vec![],
    };
    let derived = derived_fields(ws);
    if let Some(n) = opt.with.iter().find(|n| !derived.contains(n)) {
        return Err(EngineError::Invalid(format!(
            "--with {n}: the query can add purchase-history fields ({}); customer columns are in \
             the table already",
            derived.join(", ")
        )));
    }
    let has_orders = ws.data.orders.is_some();
    if has_orders {
        purchase::orders_ctes(&mut q, ws, schema, &table("orders"))?;
    }
    base_cte(&mut q, ws, schema, &table, &opt.with)?;
    if has_orders {
        purchase::score_ctes(&mut q, ws);
    }
    let header = header(ws, schema, opt);
    Ok((q, header))
}

/// The workspace's database tables as the query reads them on their own server: a table by its
/// name there (each part quoted, unquoted parts folded to lower case as PostgreSQL does), and,
/// in the PostgreSQL dialect, a query as a derived table of its own text: the texts for
/// [`SqlOptions::verbatim`].
pub fn server_tables(ws: &Workspace, d: Dialect) -> HashMap<String, String> {
    use crate::engine::data::postgres::Read;
    let mut verbatim = HashMap::new();
    let mut named: Vec<(String, &crate::engine::rules::FileRef)> = Vec::new();
    named.extend(
        ws.data
            .customers
            .as_ref()
            .map(|f| ("customers".to_string(), f)),
    );
    named.extend(ws.data.orders.as_ref().map(|f| ("orders".to_string(), f)));
    named.extend(
        ws.data
            .joins
            .iter()
            .map(|j| (join_table_name(&j.file), &j.file)),
    );
    for (name, f) in named {
        match f.db.as_deref().map(|db| &db.read) {
            Some(Read::Table(t)) => {
                verbatim.insert(name, quoted_name(t, d));
            }
            Some(Read::Query(q)) if d == Dialect::Postgres => {
                verbatim.insert(name, format!("(\n{}\n)", q.trim().trim_end_matches(';')));
            }
            _ => {}
        }
    }
    verbatim
}

/// A table name as written in a workspace or on the command line (`crm.customers`,
/// `"CRM"."Big"`), quoted for the dialect part by part, unquoted parts folded to lower case.
pub fn quoted_name(t: &str, d: Dialect) -> String {
    name_parts(t)
        .iter()
        .map(|p| d.ident(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// A table name's parts as PostgreSQL reads them: `crm.Customers` is crm, customers;
/// `"CRM"."Big ""x"""` is CRM, Big "x".
pub fn name_parts(t: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut chars) = (false, t.trim().chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                parts.last_mut().unwrap().push('"');
            }
            ('"', q) => quoted = !q,
            ('.', false) => parts.push(String::new()),
            (c, true) => parts.last_mut().unwrap().push(c),
            (c, false) => parts.last_mut().unwrap().extend(c.to_lowercase()),
        }
    }
    parts
}

/// Every `--table` names a table the workspace reads.
fn check_tables(ws: &Workspace, opt: &SqlOptions) -> Result<()> {
    for k in opt.tables.keys() {
        let known = k == "customers"
            || k == "orders"
            || ws.data.joins.iter().any(|j| join_table_name(&j.file) == *k);
        if !known {
            let mut names = vec!["customers".to_string(), "orders".to_string()];
            names.extend(ws.data.joins.iter().map(|j| join_table_name(&j.file)));
            return Err(EngineError::Invalid(format!(
                "--table {k}=…: the workspace reads no table called {k} (it reads {})",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// Whether customer ids are text (else integers), which decides how they sort.
fn id_is_text(ws: &Workspace, schema: &SqlSchema) -> bool {
    match (&ws.data.customers, &ws.columns.customer_id) {
        (Some(_), Some(c)) => schema.base.get(&c.value) == Some(&DType::Text),
        (Some(_), None) => false,
        (None, _) => ws
            .columns
            .order_customer_id
            .as_ref()
            .or(ws.columns.customer_id.as_ref())
            .is_some_and(|c| schema.orders.get(&c.value) == Some(&DType::Text)),
    }
}

/// The comment over the query: dialect, what it computes, the workspace, and the fitted
/// constants it holds.
fn header(ws: &Workspace, schema: &SqlSchema, opt: &SqlOptions) -> String {
    let d = opt.dialect;
    let header = format!(
        "-- strata sql ({} dialect): {} of the workspace {}\n",
        d.name(),
        if opt.valuation {
            "valuation per segment"
        } else {
            "membership per customer"
        },
        comment_safe(
            &ws.file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default()
        ),
    );
    let mut header = header;
    let mut used = ws.referenced_names();
    used.extend(opt.with.iter().cloned());
    if let Some(b) = schema
        .bgnbd
        .as_ref()
        .filter(|_| used.iter().any(|u| u == "p_alive"))
    {
        header.push_str(&format!(
            "-- p_alive: BG/NBD as strata fitted it on {} buyers' orders up to {} (time in {}s: \
             r={:?}, alpha={:?}, a={:?}, b={:?}); the constants do not follow new orders: write \
             this query again when the orders change\n",
            b.customers,
            schema
                .as_of
                .map(crate::engine::format::day_text)
                .unwrap_or_default(),
            b.unit.as_str(),
            b.params.r,
            b.params.alpha,
            b.params.a,
            b.params.b
        ));
    }
    header
}

/// Text safe inside a `--` comment: one line, printable characters only.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The table every later step reads: one row per customer with the columns the rules read and
/// every purchase-history field (`strata_base`, then `strata_scored` with the scores).
fn base_cte(
    q: &mut Query,
    ws: &Workspace,
    schema: &SqlSchema,
    table: &dyn Fn(&str) -> String,
    with: &[String],
) -> Result<()> {
    let d = q.d;
    let id = |s: &str| d.ident(s);
    let derived = derived_fields(ws);
    let mut select: Vec<String> = Vec::new();
    let mut from = String::new();
    let cust_id = ws.columns.customer_id.as_ref().map(|c| c.value.clone());
    let mut needed: Vec<String> = ws
        .referenced_names()
        .into_iter()
        .filter(|n| !derived.contains(n) && schema.base.contains_key(n))
        .collect();
    needed.sort();
    let mut modes: Vec<String> = Vec::new();
    match &ws.data.customers {
        Some(_) => from_customers(q.d, ws, schema, table, (&needed, &mut select, &mut from))?,
        None => {
            select.push(format!("c.cid AS {ID}"));
            from.push_str("FROM (SELECT DISTINCT cid FROM strata_orders) AS c");
            // attributes of customers known only from their orders: the most frequent value
            for n in &needed {
                if schema.orders.contains_key(n) {
                    modes.push(n.clone());
                }
            }
        }
    }
    for (k, n) in modes.iter().enumerate() {
        let name = format!("strata_attr{k}");
        let text = schema.orders.get(n) == Some(&DType::Text);
        purchase::mode_cte(q, &name, &id(n), false, text);
        select.push(format!("a{k}.v AS {}", id(n)));
        from.push_str(&format!("\nLEFT JOIN {name} AS a{k} ON a{k}.cid = c.{}", {
            if ws.data.customers.is_some() {
                id(cust_id.as_deref().unwrap_or_default())
            } else {
                "cid".to_string()
            }
        }));
    }
    if ws.data.orders.is_some() {
        let key = match (&ws.data.customers, &cust_id) {
            (Some(_), Some(c)) => format!("c.{}", id(c)),
            _ => "c.cid".into(),
        };
        purchase::base_fields(q, ws, &mut select, &mut from, &key);
        let mut used = ws.referenced_names();
        used.extend(with.iter().cloned());
        purchase::model_fields(q, ws, &used, schema, &mut select, &mut from, &key)?;
    }
    q.cte(
        "strata_base",
        format!("SELECT\n  {}\n{from}", select.join(",\n  ")),
    );
    Ok(())
}

/// The base's rows from the customers table (its first row per id when `duplicate_ids` says
/// so), with the columns the rules read from it and from the joined tables.
fn from_customers(
    d: Dialect,
    ws: &Workspace,
    schema: &SqlSchema,
    table: &dyn Fn(&str) -> String,
    (needed, select, from): (&[String], &mut Vec<String>, &mut String),
) -> Result<()> {
    let id = |s: &str| d.ident(s);
    let cust_id = ws.columns.customer_id.as_ref().map(|c| c.value.clone());
    let customers = match &cust_id {
        Some(_) if ws.data.duplicate_ids == crate::engine::rules::DuplicateIds::First => {
            let cid = id(cust_id.as_deref().unwrap_or_default());
            format!(
                "(SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.{cid}) AS strata_k FROM {} AS t) AS t2 WHERE strata_k = 1)",
                table("customers")
            )
        }
        _ => table("customers"),
    };
    match &cust_id {
        Some(c) => select.push(format!("c.{} AS {ID}", id(c))),
        None => select.push(format!("ROW_NUMBER() OVER () AS {ID}")),
    }
    from.push_str(&format!("FROM {customers} AS c"));
    let mut placed: Vec<String> = schema.customer_cols.clone();
    for n in needed {
        if schema.customer_cols.contains(n) {
            select.push(format!("c.{}", id(n)));
        }
    }
    for (k, (j, cols)) in ws.data.joins.iter().zip(&schema.join_cols).enumerate() {
        let alias = format!("j{k}");
        let mut any = false;
        for n in needed {
            if cols.contains(n) && *n != j.key.value && !placed.contains(n) {
                select.push(format!("{alias}.{}", id(n)));
                placed.push(n.clone());
                any = true;
            }
        }
        if any {
            let c = cust_id.as_deref().ok_or_else(|| {
                EngineError::Invalid(
                    "joined tables need a customer id column ([columns] customer_id)".into(),
                )
            })?;
            from.push_str(&format!(
                "\nLEFT JOIN {} AS {alias} ON {alias}.{} = c.{}",
                table(&join_table_name(&j.file)),
                id(&j.key.value),
                id(c)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::demo::{DEMO_WORKSPACE, demo_frames};
    use crate::engine::rules::parse::parse_workspace;
    use sqlparser::dialect::{
        BigQueryDialect, DatabricksDialect, DuckDbDialect, GenericDialect, PostgreSqlDialect,
    };
    use sqlparser::parser::Parser;

    /// Every dialect's query parses as that engine's SQL (a syntax check; DuckDB runs it in tests/).
    #[test]
    fn every_dialect_parses() {
        let (c, o) = demo_frames(300, 7).unwrap();
        for method in ["ntile", "quantile", "rfm_r"] {
            let text = DEMO_WORKSPACE.replace(
                "rfm_method = \"ntile\"",
                &format!("rfm_method = \"{method}\""),
            );
            let ws = parse_workspace(std::path::Path::new("demo.strata.toml"), &text).unwrap();
            let schema = SqlSchema::from_frames(&ws, Some(&c), Some(&o), &[]).unwrap();
            for (name, d) in Dialect::ALL {
                for valuation in [false, true] {
                    let opt = SqlOptions {
                        dialect: d,
                        tables: HashMap::new(),
                        verbatim: HashMap::new(),
                        valuation,
                        with: vec![],
                    };
                    let sql = generate(&ws, &schema, &opt).unwrap();
                    let parsed = match d {
                        Dialect::DuckDb => Parser::parse_sql(&DuckDbDialect {}, &sql),
                        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, &sql),
                        Dialect::Spark => Parser::parse_sql(&DatabricksDialect {}, &sql),
                        Dialect::Trino => Parser::parse_sql(&GenericDialect {}, &sql),
                        Dialect::BigQuery => Parser::parse_sql(&BigQueryDialect {}, &sql),
                    };
                    let stmts = parsed.unwrap_or_else(|e| panic!("{name} {method}: {e}\n{sql}"));
                    assert_eq!(stmts.len(), 1, "{name}: one query");
                }
            }
        }
    }

    /// PostgreSQL reads the order rows where they are used rather than storing every one of
    /// them; the other engines are given no such hint (most do not know the words).
    #[test]
    fn postgres_reads_the_order_rows_where_used() {
        let (c, o) = demo_frames(50, 7).unwrap();
        let ws = parse_workspace(std::path::Path::new("demo.strata.toml"), DEMO_WORKSPACE).unwrap();
        let schema = SqlSchema::from_frames(&ws, Some(&c), Some(&o), &[]).unwrap();
        for (_, d) in Dialect::ALL {
            let opt = SqlOptions {
                dialect: d,
                tables: HashMap::new(),
                verbatim: HashMap::new(),
                valuation: false,
                with: vec![],
            };
            let sql = generate(&ws, &schema, &opt).unwrap();
            let inline = d == Dialect::Postgres;
            for cte in ["strata_order_rows", "strata_orders"] {
                let hinted = sql.contains(&format!("\n{cte} AS NOT MATERIALIZED (\n"));
                assert_eq!(hinted, inline, "{d:?} {cte}:\n{sql}");
            }
            assert!(!sql.contains("strata_base AS NOT MATERIALIZED"), "{sql}");
        }
    }

    #[test]
    fn unknown_table_renames_are_refused() {
        let (c, o) = demo_frames(50, 7).unwrap();
        let ws = parse_workspace(std::path::Path::new("demo.strata.toml"), DEMO_WORKSPACE).unwrap();
        let schema = SqlSchema::from_frames(&ws, Some(&c), Some(&o), &[]).unwrap();
        let opt = SqlOptions {
            dialect: Dialect::DuckDb,
            tables: [("order".to_string(), "x.y".to_string())].into(),
            verbatim: HashMap::new(),
            valuation: false,
            with: vec![],
        };
        let e = generate(&ws, &schema, &opt).unwrap_err().to_string();
        assert!(e.contains("no table called order"), "{e}");
    }
}
