//! `strata report WS -o FILE.md|FILE.html`: a document to hand on, with tables and charts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::engine::data::audit::audit_workspace_tables;
use crate::engine::eval::session::Session;
use crate::engine::out::membership::refuse_inputs;
use crate::engine::out::report::{Format, report};
use crate::engine::rules::parse::load_workspace;
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// The report to write: .md (Markdown, text charts) or .html (one self-contained page, SVG charts)
    #[arg(long, short)]
    pub out: PathBuf,
}

pub fn run(a: ReportArgs) -> Result<ExitCode> {
    let Some(format) = Format::from_path(&a.out) else {
        bail!(
            "{}: name the report .md (Markdown) or .html",
            a.out.display()
        );
    };
    let ws = load_workspace(&a.workspace)?;
    // each file is read once: audited, then evaluated
    let (audits, mut frames): (Vec<_>, std::collections::VecDeque<_>) =
        audit_workspace_tables(&ws)?.into_iter().unzip();
    let customers = ws.data.customers.as_ref().and_then(|_| frames.pop_front());
    let orders = ws.data.orders.as_ref().and_then(|_| frames.pop_front());
    let joins: Vec<_> = frames.into_iter().collect();
    let mut s = Session::from_frames(ws, customers.as_ref(), orders.as_ref(), &joins)?;
    refuse_inputs(&s, &a.out)?;
    // a calibration date asks for the holdout chart, so the models are fitted for it
    if s.clv.is_none()
        && s.ws.purchase_history.clv.calibration_end.is_some()
        && let Err(e) = s.fit_clv()
    {
        eprintln!("warning: the report has no predictive-value section: {e}");
    }
    let text = report(&s, &audits, format);
    write_atomic(&a.out, text.as_bytes())?;
    eprintln!(
        "wrote {} — {} criteria, {} customers",
        a.out.display(),
        s.ws.criteria.len(),
        s.base.len
    );
    Ok(ExitCode::SUCCESS)
}
