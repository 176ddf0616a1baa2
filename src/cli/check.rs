//! `strata check WS`: validate a workspace; every problem with its location; exit 1 on errors.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::engine::EngineError;
use crate::engine::rules::check::check;
use crate::engine::rules::parse::load_workspace;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
}

pub fn run(a: CheckArgs) -> Result<ExitCode> {
    let ws = match load_workspace(&a.workspace) {
        Ok(ws) => ws,
        Err(EngineError::Workspace(d)) => return Ok(report(&d)),
        Err(e) => return Err(e.into()),
    };
    let diags = check(&ws);
    if !diags.is_empty() {
        return Ok(report(&diags));
    }
    let steps: std::collections::BTreeSet<&str> =
        ws.criteria.iter().map(|c| c.step.as_str()).collect();
    println!(
        "ok: {} — {} criteria ({}), {} data file(s)",
        a.workspace.display(),
        ws.criteria.len(),
        steps.into_iter().collect::<Vec<_>>().join(", "),
        ws.input_files().len()
    );
    Ok(ExitCode::SUCCESS)
}

fn report(d: &[crate::engine::Diagnostic]) -> ExitCode {
    for x in d {
        eprintln!("error: {x}");
    }
    if d.len() > 1 {
        eprintln!("{} problems found", d.len());
    }
    ExitCode::from(1)
}
