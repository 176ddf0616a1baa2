//! `strata report WS -o FILE.md|FILE.html`: a document to hand on, with tables and charts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::engine::data::audit::AuditDigest;
use crate::engine::data::read::largest_file;
use crate::engine::eval::audit::audit_workspace_tables;
use crate::engine::eval::cache::{Cache, KeptReport};
use crate::engine::eval::session::Session;
use crate::engine::out::membership::refuse_workspace_files;
use crate::engine::out::report::{Format, report};
use crate::engine::rules::Workspace;
use crate::engine::rules::parse::read_workspace;
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// The report to write: .md (Markdown, text charts) or .html (one self-contained page, SVG charts)
    #[arg(long, short)]
    pub out: PathBuf,
}

pub fn run(a: ReportArgs, cache: &Cache) -> Result<ExitCode> {
    let Some(format) = Format::from_path(&a.out) else {
        bail!(
            "{}: name the report .md (Markdown) or .html",
            a.out.display()
        );
    };
    let (ws, ws_text) = read_workspace(&a.workspace)?;
    super::workspace::pull(&ws, *cache == Cache::Off)?;
    refuse_workspace_files(&ws, &a.out)?;
    // the same workspace text over the same files makes the same report: kept whole
    let key = cache.report_key(&ws, &ws_text, format.ext());
    let mut notes = Vec::new();
    let kept = key.as_ref().and_then(|k| cache.report(k, &mut notes));
    let r = match kept {
        Some(r) => r,
        None => {
            let r = if cache.dir().is_some() {
                make_cached(ws.clone(), format, cache, &mut notes)?
            } else {
                make(ws.clone(), format)?
            };
            // kept only when neither the workspace nor a data file changed while it was made
            let now = std::fs::read_to_string(&a.workspace).unwrap_or_default();
            if let Some(k) =
                key.filter(|k| cache.report_key(&ws, &now, format.ext()).as_ref() == Some(k))
            {
                let largest = largest_file(ws.input_files().iter().map(PathBuf::as_path));
                cache.keep_report(&k, &r, largest, &mut notes);
            }
            r
        }
    };
    for n in &notes {
        eprintln!("note: {n}");
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    write_atomic(&a.out, r.text.as_bytes())?;
    eprintln!(
        "wrote {} — {} criteria, {} customers",
        a.out.display(),
        ws.criteria.len(),
        r.customers
    );
    Ok(ExitCode::SUCCESS)
}

/// The report through the cache, as a run goes: the tables and each file's audit from their
/// entries when the files did not change, so a report after a rule change reads no file.
fn make_cached(
    ws: Workspace,
    format: Format,
    cache: &Cache,
    notes: &mut Vec<String>,
) -> Result<KeptReport> {
    // a holdout chart needs the order rows themselves
    let holdout = ws.purchase_history.clv.calibration_end.is_some();
    let mut s = super::progress::watched(|p| {
        if holdout {
            Session::open_keeping(ws.clone(), None, p, cache)
        } else {
            Session::open_cached(ws.clone(), None, p, cache)
        }
    })?;
    let audits = crate::engine::eval::audit::report_audits(&ws, cache, notes)?;
    finish(&mut s, &audits, format)
}

/// What a run says about the data, the report says too; a calibration date asks for the holdout
/// chart, so the models are fitted for it.
fn finish(s: &mut Session, audits: &[AuditDigest], format: Format) -> Result<KeptReport> {
    let mut warnings = s.warnings.clone();
    if s.clv.is_none()
        && s.ws.purchase_history.clv.calibration_end.is_some()
        && let Err(e) = s.fit_clv()
    {
        warnings.push(format!("the report has no predictive-value section: {e}"));
    }
    Ok(KeptReport {
        text: report(s, audits, format),
        customers: s.base.len,
        warnings,
    })
}

/// Read every file once (audited, then evaluated) and write the report.
fn make(ws: Workspace, format: Format) -> Result<KeptReport> {
    let (audits, tables): (Vec<_>, Vec<_>) = audit_workspace_tables(&ws, true)?.into_iter().unzip();
    let rows: Vec<_> = tables.iter().map(|t| t.bad_rows.clone()).collect();
    let mut frames: std::collections::VecDeque<_> = tables.into_iter().map(|t| t.df).collect();
    let customers = ws.data.customers.as_ref().and_then(|_| frames.pop_front());
    let orders = ws.data.orders.as_ref().and_then(|_| frames.pop_front());
    let joins: Vec<_> = frames.into_iter().collect();
    let read = (customers.as_ref(), orders.as_ref(), &joins[..]);
    let t = crate::engine::eval::session::Frames::from_read(&ws, read, rows)?;
    let mut s = Session::from_tables(ws, t)?;
    let audits: Vec<AuditDigest> = audits.iter().map(AuditDigest::from).collect();
    finish(&mut s, &audits, format)
}
