//! `strata explain WS --customer ID`: for each criterion, the segment and every rule tried.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::table::sanitize;
use crate::engine::eval::explain::explain;
use crate::engine::eval::session::Session;
use crate::engine::rules::parse::load_workspace;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// The customer id to explain
    #[arg(long)]
    pub customer: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: ExplainArgs) -> Result<ExitCode> {
    let s = Session::open_reading(load_workspace(&a.workspace)?, Some(&[]))?;
    let ex = explain(&s, &a.customer)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&ex)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("customer {}", sanitize(&a.customer));
    for c in &ex {
        println!("\n{} ({}) → {}", c.criterion, c.step, sanitize(&c.segment));
        let mut decided = false;
        for r in &c.rules {
            let mark = match r.result {
                Some(true) if !decided => {
                    decided = true;
                    "✔ match"
                }
                Some(true) => "✔ also true (an earlier rule won)",
                Some(false) => "✘ false",
                None => "∅ NULL (no match)",
            };
            let vals = r
                .values
                .iter()
                .map(|(n, v)| format!("{n} = {}", sanitize(v)))
                .collect::<Vec<_>>()
                .join(", ");
            println!(
                "  {:<18} {:<34} {mark}   [{vals}]",
                sanitize(&r.segment),
                sanitize(&r.rule)
            );
        }
        if !decided {
            println!("  no rule matched → otherwise");
        }
    }
    Ok(ExitCode::SUCCESS)
}
