//! `strata run WS --in-database [--into SCHEMA.TABLE]`: the run computed on the PostgreSQL server that holds the workspace's tables.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::run::{RunArgs, strict_outcome, tables_of, write_summary};
use crate::engine::format::thousands;
use crate::engine::out::membership::{refuse_workspace_files, write_frame};
use crate::engine::out::server::{Options, run_in_database};
use crate::engine::out::summary::summary_of;
use crate::engine::rules::parse::load_workspace;

/// Compute on the server and write what a local run writes (nothing is pulled).
pub fn run(a: &RunArgs) -> Result<ExitCode> {
    if !a.crosstab.is_empty() {
        bail!(
            "--crosstab reads every customer's segments and value on this machine: run it \
             without --in-database"
        );
    }
    let ws = load_workspace(&a.workspace)?;
    for p in a.out.iter().chain(&a.summary) {
        refuse_workspace_files(&ws, p)?;
    }
    let o = Options {
        with: a.with.clone(),
        into: a.into.clone(),
    };
    let mut c = super::progress::watched(|p| run_in_database(&ws, &o, p))?;
    for n in &c.notes {
        eprintln!("warning: {n}");
    }
    if let Some(p) = &a.summary {
        write_summary(
            p,
            &serde_json::to_string_pretty(&summary_of(&c.figures(&ws)))?,
        )?;
    }
    if let Some(p) = &a.out {
        write_frame(&mut c.membership, p)?;
    }
    if let Some(t) = &a.into {
        eprintln!(
            "wrote {} rows to {t} on {}",
            thousands(c.membership.height() as u64),
            c.server
        );
    }
    if a.out.is_none() && a.summary.is_none() {
        // as a local run prints them, without the RFM scores' cut points (they stay there)
        let place = format!(" (computed on {})", c.server);
        print!("{}", tables_of(&ws, &c.figures(&ws), "", &place));
    }
    Ok(strict_outcome(&c.figures(&ws), a.strict))
}
