//! `strata run WS`: evaluate a workspace; print valuation tables or write membership and summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::table::{Align, render};
use crate::engine::eval::criteria::Verdict;
use crate::engine::eval::session::Session;
use crate::engine::format::{amount, percent, thousands};
use crate::engine::out::membership::{refuse_inputs, write_membership};
use crate::engine::out::summary::summary;
use crate::engine::rules::parse::load_workspace;
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// Write membership here: customer_id then one column per criterion (.csv, .parquet or .json)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the summary JSON here
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Append derived fields or columns to the membership, e.g. r_score,f_score,m_score
    #[arg(long, value_delimiter = ',')]
    pub with: Vec<String>,
    /// Exit 1 (after writing) when a criterion with overlap = "strict" has overlapping rules
    #[arg(long)]
    pub strict: bool,
    /// Mask personal-data columns (the workspace's pii list) in everything written
    #[arg(long)]
    pub mask_pii: bool,
}

pub fn run(a: RunArgs) -> Result<ExitCode> {
    let ws = load_workspace(&a.workspace)?;
    let s = Session::open(ws)?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(p) = &a.summary {
        refuse_inputs(&s, p)?;
        let text = serde_json::to_string_pretty(&summary(&s))?;
        write_atomic(p, text.as_bytes())?;
    }
    if let Some(p) = &a.out {
        write_membership(&s, p, &a.with, a.mask_pii)?;
    }
    if a.out.is_none() && a.summary.is_none() {
        print!("{}", tables(&s));
    }
    let overlapping: Vec<&str> =
        s.ws.criteria
            .iter()
            .zip(&s.results)
            .filter(|(_, r)| r.assignment.exclusivity.verdict == Verdict::Overlapping)
            .map(|(c, _)| c.name.value.as_str())
            .collect();
    if !overlapping.is_empty() {
        eprintln!(
            "{}: rules overlap in strict criteria: {}",
            if a.strict { "error" } else { "warning" },
            overlapping.join(", ")
        );
        if a.strict {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The valuation tables of every criterion, as text.
pub fn tables(s: &Session) -> String {
    let mut out = String::new();
    let total: f64 = s.value.iter().flatten().sum();
    out.push_str(&format!(
        "{} customers, value {}; top 20 % of customers hold {} of value; {} of customers hold 80 %\n",
        thousands(s.base.len as u64),
        amount(total),
        percent(s.pareto.top20_value_share),
        percent(s.pareto.customer_share_for_80pct_value)
    ));
    for (c, r) in s.ws.criteria.iter().zip(&s.results) {
        let ex = &r.assignment.exclusivity;
        let verdict = match ex.verdict {
            Verdict::Exclusive => "exclusive".to_string(),
            Verdict::Resolved => format!(
                "resolved: {} customers matched several rules, first match wins",
                thousands(ex.multi_matched as u64)
            ),
            Verdict::Overlapping => format!(
                "OVERLAPPING: {} customers matched several rules",
                thousands(ex.multi_matched as u64)
            ),
        };
        out.push_str(&format!(
            "\n{} ({}) — {}\n",
            c.name.value,
            c.step.as_str(),
            verdict
        ));
        let has_cost = s.cost.is_some();
        let mut hdr = vec![
            "segment",
            "customers",
            "share",
            "value",
            "value share",
            "per customer",
        ];
        if has_cost {
            hdr.extend(["profit"]);
        }
        hdr.extend(["cum. value", "worth it"]);
        let rows: Vec<Vec<String>> = r
            .valuation
            .iter()
            .map(|v| {
                let mut row = vec![
                    v.name.clone(),
                    thousands(v.customers as u64),
                    percent(v.customer_share),
                    amount(v.value),
                    percent(v.value_share),
                    amount(v.value_per_customer),
                ];
                if has_cost {
                    row.push(v.profit.map(amount).unwrap_or_default());
                }
                row.push(percent(v.cumulative_value_share));
                row.push(if v.worth_marketing {
                    "yes".into()
                } else {
                    format!("no: {}", v.reasons.join("; "))
                });
                row
            })
            .collect();
        let mut al = vec![Align::Left];
        al.extend(std::iter::repeat_n(Align::Right, hdr.len() - 2));
        al.push(Align::Left);
        out.push_str(&render(&hdr, &al, &rows, 60));
    }
    out
}
