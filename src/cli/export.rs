//! `strata export WS --segment CRITERION[=LABEL]`: a segment's customers as a file for another tool.

use crate::engine::eval::cache::Cache;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::engine::eval::session::Session;
use crate::engine::out::export::{ExportSpec, export};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// CRITERION=SEGMENT for one segment, or CRITERION alone for every segment (one file each)
    #[arg(long, value_name = "CRITERION[=SEGMENT]")]
    pub segment: String,
    /// Columns after customer_id (customer columns or derived fields); personal data only when named here
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// The file to write (.csv, .parquet, .json), or a folder when every segment is exported
    #[arg(long, short)]
    pub out: PathBuf,
    /// Format of the files written into a folder: csv (default), parquet or json
    #[arg(long, default_value = "csv")]
    pub format: String,
}

pub fn run(a: ExportArgs, cache: &Cache) -> Result<ExitCode> {
    let (criterion, segment) = match a.segment.split_once('=') {
        Some((c, s)) => (c.trim().to_string(), Some(s.to_string())),
        None => (a.segment.trim().to_string(), None),
    };
    if !["csv", "parquet", "json"].contains(&a.format.as_str()) {
        bail!("--format {}: use csv, parquet or json", a.format);
    }
    let ws = super::workspace::load(&a.workspace, cache)?;
    crate::engine::out::export::check_columns(&ws, &a.columns)?;
    let pii: Vec<String> = ws.columns.pii.iter().map(|p| p.value.clone()).collect();
    let s = super::progress::watched(|p| Session::open_cached(ws, Some(&a.columns), p, cache))?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    for c in a.columns.iter().filter(|c| pii.contains(c)) {
        eprintln!("note: {c} is personal data (a pii column); it is exported because you named it");
    }
    let spec = ExportSpec {
        criterion,
        segment,
        columns: a.columns,
    };
    for w in export(&s, &spec, &a.out, &a.format)? {
        eprintln!(
            "wrote {} — {} customers of \"{}\"",
            w.path.display(),
            w.customers,
            w.segment
        );
    }
    Ok(ExitCode::SUCCESS)
}
