//! `strata audit PATH`: profile and quality findings of a data file or of a workspace's data.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::table::{Align, render};
use crate::engine::data::audit::{Severity, TableAudit, audit_table_checked};
use crate::engine::data::options::BadRows;
use crate::engine::data::{ReadOptions, TextEncoding, load_table};
use crate::engine::eval::audit::audit_workspace;
use crate::engine::eval::session::{Cache, Session};
use crate::engine::format::thousands;
use crate::engine::rules::parse::load_workspace;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A data file (.csv .tsv .txt [.gz], .parquet, .json, .ndjson, .xlsx, a SQLite .db) or a workspace (.strata.toml)
    pub path: PathBuf,
    /// Print JSON instead of tables
    #[arg(long)]
    pub json: bool,
    /// Field delimiter of a text file (default: sniffed among , ; TAB |)
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Text encoding: utf-8 (default), latin-1, windows-1252
    #[arg(long)]
    pub encoding: Option<String>,
    /// Spreadsheet sheet (default: the first)
    #[arg(long)]
    pub sheet: Option<String>,
    /// The table of a SQLite database (default: its only table)
    #[arg(long, conflicts_with = "query")]
    pub table: Option<String>,
    /// A query of a SQLite database, e.g. "SELECT * FROM orders WHERE amount > 0"
    #[arg(long)]
    pub query: Option<String>,
    /// Date format of date columns, e.g. %d-%m-%Y (default: detected)
    #[arg(long)]
    pub date_format: Option<String>,
}

fn options(a: &AuditArgs) -> Result<ReadOptions> {
    let mut o = ReadOptions {
        sheet: a.sheet.clone(),
        table: a.table.clone(),
        query: a.query.clone(),
        date_format: a.date_format.clone(),
        // bad rows are found and named, not stopped on
        bad_rows: BadRows::Skip,
        ..Default::default()
    };
    if let Some(d) = &a.delimiter {
        o.delimiter = Some(match d.as_str() {
            "\\t" | "\t" | "tab" | "TAB" => b'\t',
            s if s.len() == 1 => s.as_bytes()[0],
            _ => anyhow::bail!("--delimiter takes one character (or \\t), not {d:?}"),
        });
    }
    if let Some(e) = &a.encoding {
        o.encoding = TextEncoding::from_name(e).with_context(|| {
            format!("unknown --encoding {e:?}; use utf-8, latin-1 or windows-1252")
        })?;
    }
    Ok(o)
}

pub fn run(a: AuditArgs, cache: &Cache) -> Result<ExitCode> {
    let mut run_said = None;
    let audits = if super::is_workspace(&a.path) {
        let ws = load_workspace(&a.path)?;
        super::workspace::pull(&ws, false)?;
        let audits = audit_workspace(&ws)?;
        // what the files' audits cannot see: the files together, as a run reads them
        if !a.json {
            run_said = Some(super::progress::watched(|p| {
                Session::open_cached(ws, None, p, cache)
            }));
        }
        audits
    } else {
        let opts = options(&a)?;
        let t = load_table(&a.path, &opts, None)?;
        vec![audit_table_checked(&t, None, &opts, None)]
    };
    if a.json {
        let v = if audits.len() == 1 {
            serde_json::to_string_pretty(&audits[0])?
        } else {
            serde_json::to_string_pretty(&audits)?
        };
        println!("{v}");
    } else {
        for (i, t) in audits.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print!("{}", human(t));
        }
        if let Some(r) = run_said {
            print!("{}", run_words(r));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a run of the workspace says: its warnings (orders of no customer, totals rows, values
/// of 0, …), or why it stops.
fn run_words(r: crate::engine::error::Result<Session>) -> String {
    let mut out = String::from("\na run of this workspace\n");
    match r {
        Ok(s) if s.data_warnings().is_empty() => out.push_str("  none: a run gives no warning\n"),
        Ok(s) => {
            for w in s.data_warnings() {
                let w = w.lines().map(str::trim).collect::<Vec<_>>().join(" ");
                out.push_str(&format!("  ! {w}\n"));
            }
        }
        Err(e) => {
            let e = e.to_string();
            let first = e.lines().next().unwrap_or_default();
            let first = match first.strip_suffix(':') {
                Some(f) => format!("{f} (the findings above name them)"),
                None => first.to_string(),
            };
            out.push_str(&format!("  ! a run stops: {first}\n"));
        }
    }
    out
}

/// Every column: type, missing and distinct values, range, median and the role suggested.
fn columns_table(t: &TableAudit) -> String {
    let rows: Vec<Vec<String>> = t
        .profile
        .iter()
        .map(|p| {
            let role = t
                .suggestions
                .iter()
                .find(|s| s.column == p.name)
                .map(|s| format!("{} ({:.0} %)", s.role.as_str(), s.confidence * 100.0))
                .unwrap_or_default();
            let range = match (&p.min, &p.max) {
                (Some(a), Some(b)) if a == b => a.clone(),
                (Some(a), Some(b)) => format!("{a} … {b}"),
                _ => String::new(),
            };
            let median = p
                .quartiles
                .as_ref()
                .map(|q| q[1].clone())
                .unwrap_or_default();
            vec![
                p.name.clone(),
                p.kind.clone(),
                thousands(p.nulls as u64),
                thousands(p.distinct as u64),
                range,
                median,
                role,
            ]
        })
        .collect();
    let hdr = [
        "column",
        "type",
        "missing",
        "distinct",
        "range",
        "median",
        "suggested role",
    ];
    let al = [
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Left,
    ];
    render(&hdr, &al, &rows, 34)
}

/// The audit of one table as readable text.
pub fn human(t: &TableAudit) -> String {
    let mut out = String::new();
    let delim = t
        .delimiter
        .as_ref()
        .map(|d| format!(", delimiter {d}"))
        .or_else(|| t.source.as_ref().map(|s| format!(", {s}")))
        .unwrap_or_default();
    out.push_str(&format!(
        "{}\n{}{delim}; {} rows × {} columns; looks like {}\n\n",
        t.path,
        t.format.label(),
        thousands(t.rows as u64),
        t.columns,
        if t.kind == "orders" {
            "an order log (several rows per customer)"
        } else {
            "one row per customer"
        }
    ));
    out.push_str(&columns_table(t));
    out.push_str("\nfindings\n");
    if t.findings.is_empty() {
        out.push_str(
            "  none: no missing ids, returns, zero prices, odd dates or mixed types found\n",
        );
    }
    for f in &t.findings {
        let mark = match f.severity {
            Severity::Warning => "!",
            Severity::Info => "·",
        };
        out.push_str(&format!("  {mark} {}\n", f.message));
    }
    if !t.notes.is_empty() {
        out.push_str("\nhow the data was read\n");
        for n in &t.notes {
            out.push_str(&format!("  · {n}\n"));
        }
    }
    out
}
