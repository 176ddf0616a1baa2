//! `strata clv WS`: the fitted predictive-value models, and the holdout check against what happened next.

use crate::engine::eval::cache::Cache;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Args;

use super::table::{Align, render};
use crate::engine::eval::clv::holdout::Holdout;
use crate::engine::eval::clv::{BgNbdFit, ClvFit};
use crate::engine::eval::session::Session;
use crate::engine::format::thousands;
use crate::engine::out::membership::refuse_workspace_files;
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct ClvArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// Fit on orders up to this date (YYYY-MM-DD) and compare predicted with actual repeat
    /// purchases from the day after it to as_of (default: the workspace's clv.calibration_end)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub calibration_end: Option<NaiveDate>,
    /// Customers with this many calibration repeat purchases or more share the holdout table's last row
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_frequency: u32,
    /// Also write the fits and the holdout table as JSON to this file
    #[arg(long)]
    pub json: Option<PathBuf>,
}

fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date like 1997-09-30"))
}

pub fn run(a: ClvArgs, cache: &Cache) -> Result<ExitCode> {
    let ws = super::workspace::load(&a.workspace, cache)?;
    if let Some(p) = &a.json {
        refuse_workspace_files(&ws, p)?;
    }
    if ws.data.orders.is_none() || ws.columns.order_date.is_none() {
        bail!(
            "{}: predictive value needs orders with a date ([data] orders and [columns] order_date)",
            a.workspace.display()
        );
    }
    let calibration = a
        .calibration_end
        .or(ws.purchase_history.clv.calibration_end);
    // p_alive asks for the models (a spend model that cannot be fitted is reported, not fatal)
    let fields: Vec<String> = ["p_alive", "repeat_avg_value"].map(String::from).to_vec();
    let mut s = super::progress::watched(|p| Session::open_keeping(ws, Some(&fields), p, cache))?;
    let fit = match s.clv.clone() {
        Some(f) => f,
        None => s.fit_clv()?.clone(),
    };
    let holdout = calibration
        .map(|d| s.holdout(d, a.max_frequency))
        .transpose()?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(d) = s.as_of {
        println!(
            "fitted on the orders up to {} (as_of)",
            crate::engine::format::day_text(d)
        );
    }
    print!("{}", describe(&fit));
    if let (Some(h), Some(d)) = (&holdout, calibration) {
        print!("\n{}", holdout_table(h, d, s.as_of));
    }
    if let Some(p) = &a.json {
        let mut doc = crate::engine::out::summary::models(&fit);
        if let (Some(h), serde_json::Value::Object(m)) = (&holdout, &mut doc) {
            let mut v = serde_json::to_value(h)?;
            if let serde_json::Value::Object(o) = &mut v {
                let day = crate::engine::format::day_text;
                o.insert("calibration_end".into(), day(h.calibration_end).into());
                o.insert("end".into(), day(h.end).into());
            }
            m.insert("holdout".into(), v);
        }
        write_atomic(p, serde_json::to_string_pretty(&doc)?.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bgnbd_lines(b: &BgNbdFit) -> String {
    let p = b.params;
    format!(
        "BG/NBD, time in {}s: {} customers ({} distinct histories)\n  r {:.4}  alpha {:.4}  a {:.4}  b {:.4}\n  log-likelihood {:.2}, {} after {} iterations\n",
        b.unit.as_str(),
        thousands(b.customers as u64),
        thousands(b.distinct_histories as u64),
        p.r,
        p.alpha,
        p.a,
        p.b,
        b.log_likelihood,
        if b.converged {
            "converged"
        } else {
            "NOT converged"
        },
        b.iterations
    )
}

/// Both fits in a few lines.
pub fn describe(f: &ClvFit) -> String {
    let mut s = bgnbd_lines(&f.bgnbd);
    match &f.gamma_gamma {
        Ok(g) => {
            s.push_str(&format!(
                "Gamma-Gamma: {} repeat buyers; left out {} without a repeat purchase and {} whose repeat purchases are worth nothing or less\n  p {:.4}  q {:.4}  gamma {:.4}\n  log-likelihood {:.2}, {}; correlation of frequency and spend {}\n",
                thousands(g.customers as u64),
                thousands(g.excluded_no_repeat as u64),
                thousands(g.excluded_not_positive as u64),
                g.params.p,
                g.params.q,
                g.params.gamma,
                g.log_likelihood,
                if g.converged { "converged" } else { "NOT converged" },
                crate::engine::format::correlation(g.correlation),
            ));
        }
        Err(e) => s.push_str(&format!("Gamma-Gamma: not fitted: {e}\n")),
    }
    s.push_str(&format!(
        "expected_purchases and predicted_value look {} {}s ahead\n",
        f.config.horizon,
        f.bgnbd.unit.as_str()
    ));
    s
}

fn holdout_table(h: &Holdout, calibration: NaiveDate, as_of: Option<i32>) -> String {
    let end = as_of
        .map(|d| crate::engine::data::infer::epoch() + chrono::Days::new(d as u64))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut out = format!(
        "Holdout check: fitted on orders up to {calibration}, predicted over the {:.1} {}s to {end}\n",
        h.duration,
        h.fit.unit.as_str()
    );
    if let Some(n) = &h.note {
        out.push_str(&format!("! {n}\n"));
    }
    out.push_str(&bgnbd_lines(&h.fit));
    let rows: Vec<Vec<String>> = h
        .rows
        .iter()
        .map(|r| {
            vec![
                format!("{}{}", r.frequency, if r.or_more { "+" } else { "" }),
                thousands(r.customers as u64),
                format!("{:.3}", r.actual),
                format!("{:.3}", r.predicted),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "repeat purchases by the calibration end",
            "customers",
            "after it: actual (mean)",
            "predicted (mean)",
        ],
        &[Align::Left, Align::Right, Align::Right, Align::Right],
        &rows,
        60,
    ));
    let off = if h.actual_total > 0.0 {
        format!(
            " ({:+.1} %)",
            (h.predicted_total / h.actual_total - 1.0) * 100.0
        )
    } else {
        String::new()
    };
    out.push_str(&format!(
        "in all, {} customers made {} repeat purchases after the calibration end; the model predicted {:.1}{off}\n",
        thousands(h.customers as u64),
        thousands(h.actual_total as u64),
        h.predicted_total
    ));
    out
}
