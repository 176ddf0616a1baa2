//! `strata check WS`: validate a workspace; every problem with its location; exit 1 on errors.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::engine::EngineError;
use crate::engine::eval::audit::check_data;
use crate::engine::rules::check::check;
use crate::engine::rules::parse::load_workspace;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// Also read the data: bad values, rows of the wrong width and duplicate ids, as `run` tells them
    #[arg(long)]
    pub data: bool,
}

pub fn run(a: CheckArgs) -> Result<ExitCode> {
    let ws = match load_workspace(&a.workspace) {
        Ok(ws) => ws,
        Err(EngineError::Workspace(d)) => return Ok(report(&d)),
        Err(e) => return Err(e.into()),
    };
    super::workspace::pull(&ws, false)?;
    let diags = check(&ws);
    if !diags.is_empty() {
        return Ok(report(&diags));
    }
    let steps: std::collections::BTreeSet<&str> =
        ws.criteria.iter().map(|c| c.step.as_str()).collect();
    let criteria = match ws.criteria.len() {
        0 => "no criteria yet".to_string(),
        1 => format!(
            "1 criterion ({})",
            steps.into_iter().collect::<Vec<_>>().join(", ")
        ),
        n => format!(
            "{n} criteria ({})",
            steps.into_iter().collect::<Vec<_>>().join(", ")
        ),
    };
    let files = ws.input_files().len();
    let files = format!("{files} data {}", if files == 1 { "file" } else { "files" });
    if !a.data {
        println!(
            "ok: {} — {criteria}, {files}; rules and headers checked; the data was not read — `strata check --data` or `strata audit` reads it",
            a.workspace.display(),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let found = super::progress::watched(|p| check_data(&ws, p))?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    if !found.errors.is_empty() {
        for e in &found.errors {
            eprintln!("error: {e}");
        }
        if found.errors.len() > 1 {
            eprintln!("{} problems found", found.errors.len());
        }
        return Ok(ExitCode::from(1));
    }
    println!(
        "ok: {} — {criteria}, {files}; rules, headers and data checked",
        a.workspace.display(),
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
