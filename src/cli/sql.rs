//! `strata sql WS`: the whole segmentation as one SQL query for a warehouse engine.

use crate::engine::eval::cache::Cache;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::engine::out::membership::refuse_workspace_files;
use crate::engine::out::sql::{Dialect, SqlOptions, SqlSchema, generate, server_tables};
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The workspace file (*.strata.toml); its data is read once to learn column types
    pub workspace: PathBuf,
    /// SQL dialect: duckdb, postgres, spark, trino or bigquery
    #[arg(long, default_value = "duckdb", value_parser = parse_dialect)]
    pub dialect: Dialect,
    /// Read a table under another name, e.g. customers=crm.customers (repeatable)
    #[arg(long = "table", value_name = "NAME=QUALIFIED")]
    pub tables: Vec<String>,
    /// Write the valuation query (one row per criterion and segment) instead of membership
    #[arg(long)]
    pub valuation: bool,
    /// Append purchase-history fields to the membership, e.g. p_alive,recency_days (as run --with)
    #[arg(long, value_delimiter = ',')]
    pub with: Vec<String>,
    /// Write the query to this file instead of standard output
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub(super) fn parse_dialect(s: &str) -> std::result::Result<Dialect, String> {
    Dialect::from_name(s).ok_or_else(|| {
        format!(
            "unknown dialect {s:?}; choose one of {}",
            Dialect::ALL.map(|d| d.0).join(", ")
        )
    })
}

pub fn run(a: SqlArgs, cache: &Cache) -> Result<ExitCode> {
    let mut tables = HashMap::new();
    for t in &a.tables {
        let Some((k, v)) = t.split_once('=') else {
            bail!("--table {t}: write NAME=QUALIFIED, e.g. customers=crm.customers");
        };
        if k.trim().is_empty() || v.trim().is_empty() {
            bail!("--table {t}: both the name and the table are needed, e.g. orders=sales.orders");
        }
        tables.insert(k.trim().to_string(), v.trim().to_string());
    }
    let ws = super::workspace::load(&a.workspace, cache)?;
    if let Some(p) = &a.out {
        refuse_workspace_files(&ws, p)?;
    }
    let schema = super::progress::watched(|p| SqlSchema::load_with(&ws, &a.with, p, cache))?;
    warn_quality(&schema);
    // database tables read where they are, unless --table says otherwise
    let mut verbatim = server_tables(&ws, a.dialect);
    verbatim.retain(|k, _| !tables.contains_key(k));
    let opt = SqlOptions {
        dialect: a.dialect,
        tables,
        verbatim,
        valuation: a.valuation,
        with: a.with.clone(),
    };
    let text = generate(&ws, &schema, &opt)?;
    match &a.out {
        Some(p) => write_atomic(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// What the data's bad values mean for a query: the warehouse must read those cells as NULL.
pub(super) fn warn_quality(schema: &SqlSchema) {
    for q in &schema.quality {
        for w in q.warnings() {
            eprintln!("warning: {w}");
        }
        let cols: Vec<&str> = q.bad_values.iter().map(|c| c.column.as_str()).collect();
        if !cols.is_empty() {
            eprintln!(
                "warning: the query reads {} of {} as numbers or dates: load them into the warehouse with those cells as NULL (a safe cast such as TRY_CAST), as strata read them",
                cols.join(", "),
                q.file
            );
        }
    }
}
