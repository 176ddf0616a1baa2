//! `strata run WS --in-database [--into SCHEMA.TABLE]`: the run computed on the PostgreSQL server that holds the workspace's tables.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::run::{RunArgs, valuation_table};
use crate::engine::eval::criteria::Verdict;
use crate::engine::format::{amount, percent, thousands};
use crate::engine::out::membership::{refuse_workspace_files, write_frame};
use crate::engine::out::server::{Computed, Options, run_in_database};
use crate::engine::rules::Workspace;
use crate::engine::rules::parse::load_workspace;
use crate::engine::rules::save::write_atomic;

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
        mask_pii: a.mask_pii,
    };
    let mut c = super::progress::watched(|p| run_in_database(&ws, &o, p))?;
    for n in &c.notes {
        eprintln!("warning: {n}");
    }
    if let Some(p) = &a.summary {
        let text = serde_json::to_string_pretty(&c.summary(&ws))?;
        write_atomic(p, text.as_bytes())?;
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
        print!("{}", tables(&ws, &c));
    }
    let overlapping: Vec<&str> = ws
        .criteria
        .iter()
        .zip(&c.audit.exclusivity)
        .filter(|(_, e)| e.verdict == Verdict::Overlapping)
        .map(|(c, _)| c.name.value.as_str())
        .collect();
    Ok(super::run::strict_outcome(&overlapping, a.strict))
}

/// The valuation tables of every criterion, as a local run prints them (without the RFM
/// scores' cut points, which stay on the server).
fn tables(ws: &Workspace, c: &Computed) -> String {
    let a = &c.audit;
    let mut out = format!(
        "{} customers, value {}; top 20 % of customers hold {} of value; {} of customers hold 80 % (computed on {})\n",
        thousands(a.customers as u64),
        amount(a.value_total),
        percent(a.pareto.top20_value_share),
        percent(a.pareto.customer_share_for_80pct_value),
        c.server
    );
    for ((cr, segs), ex) in ws.criteria.iter().zip(&c.segments).zip(&a.exclusivity) {
        out.push_str(&format!(
            "\n{} ({}) — {}\n",
            cr.name.value,
            cr.step.as_str(),
            ex.describe()
        ));
        out.push_str(&valuation_table(
            segs,
            ws.valuation.cost.is_some(),
            &ws.valuation.measures,
        ));
    }
    out
}
