//! `strata explain WS --customer ID`: for each criterion, the segment and every rule tried.

use crate::engine::eval::cache::Cache;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::engine::eval::explain::{explain, explain_text};
use crate::engine::eval::session::Session;

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

pub fn run(a: ExplainArgs, cache: &Cache) -> Result<ExitCode> {
    let ws = super::workspace::load(&a.workspace, cache)?;
    let s = super::progress::watched(|p| Session::open_cached(ws, Some(&[]), p, cache))?;
    let ex = explain(&s, &a.customer)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&ex)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", explain_text(&s, &a.customer)?);
    Ok(ExitCode::SUCCESS)
}
