//! `strata compare WS --as-of A --as-of B`: customers and value moving between segments over time.

use crate::engine::eval::cache::Cache;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::table::{Align, render};
use crate::engine::eval::transitions::compare;
use crate::engine::format::{amount, percent, thousands};
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// The two dates, earlier first: --as-of 2024-01-01 --as-of 2025-01-01
    #[arg(long = "as-of", value_name = "DATE", num_args = 1, required = true)]
    pub as_of: Vec<String>,
    /// Also write the matrices as JSON here
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub fn run(a: CompareArgs, cache: &Cache) -> Result<ExitCode> {
    if a.as_of.len() != 2 {
        bail!("give exactly two dates: --as-of A --as-of B");
    }
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("--as-of {s}: write a date like 2025-01-31"))
    };
    let (d1, d2) = (date(&a.as_of[0])?, date(&a.as_of[1])?);
    if d1 >= d2 {
        bail!(
            "--as-of {} must come before --as-of {}",
            a.as_of[0],
            a.as_of[1]
        );
    }
    let ws = super::workspace::load(&a.workspace, cache)?;
    let (ts, warnings) = compare(&ws, d1, d2, cache)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if let Some(p) = &a.json {
        write_atomic(p, serde_json::to_string_pretty(&ts)?.as_bytes())?;
    }
    for t in &ts {
        println!(
            "{} — {} of {} customers ({}) changed segment from {} to {}",
            t.criterion,
            thousands(t.moved as u64),
            thousands(t.total as u64),
            percent(t.moved as f64 / t.total.max(1) as f64),
            d1,
            d2
        );
        let mut header: Vec<String> = vec![format!("{d1} ↓ / {d2} →")];
        header.extend(t.to.iter().cloned());
        let mut aligns = vec![Align::Left];
        aligns.extend(t.to.iter().map(|_| Align::Right));
        let rows: Vec<Vec<String>> = t
            .from
            .iter()
            .enumerate()
            .map(|(r, name)| {
                let mut row = vec![name.clone()];
                row.extend((0..t.to.len()).map(|c| {
                    let n = t.customers[r][c];
                    if n == 0 {
                        "·".to_string()
                    } else {
                        format!("{} ({})", thousands(n as u64), amount(t.value[r][c]))
                    }
                }));
                row
            })
            .collect();
        let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
        print!("{}", render(&header_refs, &aligns, &rows, 28));
        println!("cells: customers (their value at {d2})\n");
    }
    Ok(ExitCode::SUCCESS)
}
