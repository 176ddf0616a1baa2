//! `strata run WS`: evaluate a workspace; print valuation tables or write membership and summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::table::{Align, render};
use crate::engine::eval::criteria::Verdict;
use crate::engine::eval::session::{Cache, Session};
use crate::engine::eval::valuation::crosstab;
use crate::engine::format::{amount, percent, thousands};
use crate::engine::out::membership::{refuse_inputs, write_membership};
use crate::engine::out::summary::{Figures, figures, summary};
use crate::engine::rules::Workspace;
use crate::engine::rules::save::write_atomic;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The workspace file (*.strata.toml)
    pub workspace: PathBuf,
    /// Write membership here: customer_id then one column per criterion (.csv, .parquet or .json)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the summary JSON here (`-`: to standard output)
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
    /// Also print a cross-tab of two criteria (customers and value per cell), e.g. age_band,lifecycle
    #[arg(long, value_delimiter = ',', num_args = 1)]
    pub crosstab: Vec<String>,
    /// Compute on the PostgreSQL server that holds every table of the workspace (same outputs)
    #[arg(long)]
    pub in_database: bool,
    /// With --in-database: also write the membership as this table on the server (replaced
    /// in one transaction), e.g. crm.segments
    #[arg(long, value_name = "SCHEMA.TABLE", requires = "in_database")]
    pub into: Option<String>,
}

/// The summary JSON into `p`, or onto standard output when `p` is `-`.
pub(super) fn write_summary(p: &std::path::Path, json: &str) -> Result<()> {
    if p.as_os_str() == "-" {
        println!("{json}");
        return Ok(());
    }
    Ok(write_atomic(p, json.as_bytes())?)
}

pub fn run(a: RunArgs, cache: &Cache) -> Result<ExitCode> {
    if a.summary.as_deref().is_some_and(|p| p.as_os_str() == "-") && !a.crosstab.is_empty() {
        anyhow::bail!(
            "--summary - writes the summary to standard output, where --crosstab's table would follow it: write the summary to a file (--summary s.json) to have both"
        );
    }
    if a.in_database {
        return super::in_database::run(&a);
    }
    let ws = super::workspace::load(&a.workspace, cache)?;
    let s = super::progress::watched(|p| Session::open_cached(ws, Some(&a.with), p, cache))?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(p) = &a.summary {
        refuse_inputs(&s, p)?;
        write_summary(p, &serde_json::to_string_pretty(&summary(&s))?)?;
    }
    if let Some(p) = &a.out {
        write_membership(&s, p, &a.with, a.mask_pii)?;
    }
    if a.out.is_none() && a.summary.is_none() {
        print!("{}", tables(&s));
    }
    if !a.crosstab.is_empty() {
        print!("{}", crosstab_text(&s, &a.crosstab)?);
    }
    Ok(strict_outcome(&figures(&s), a.strict))
}

/// Strict criteria whose rules overlap: a warning, or with `--strict` an error and exit 1.
pub(super) fn strict_outcome(f: &Figures, strict: bool) -> ExitCode {
    let overlapping: Vec<&str> = f
        .criteria
        .iter()
        .filter(|(_, _, e)| e.verdict == Verdict::Overlapping)
        .map(|(c, _, _)| c.name.value.as_str())
        .collect();
    if overlapping.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{}: rules overlap in strict criteria: {}",
        if strict { "error" } else { "warning" },
        overlapping.join(", ")
    );
    if strict {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A cross-tab of two criteria as text.
fn crosstab_text(s: &Session, names: &[String]) -> Result<String> {
    let [a, b] = names else {
        anyhow::bail!("--crosstab takes two criteria, e.g. --crosstab age_band,lifecycle");
    };
    let find = |n: &str| {
        s.ws.criteria
            .iter()
            .position(|c| c.name.value == n)
            .ok_or_else(|| {
                let all: Vec<&str> =
                    s.ws.criteria
                        .iter()
                        .map(|c| c.name.value.as_str())
                        .collect();
                anyhow::anyhow!(
                    "--crosstab: no criterion \"{n}\" (criteria: {})",
                    all.join(", ")
                )
            })
    };
    let (ia, ib) = (find(a)?, find(b)?);
    let t = crosstab(
        &s.results[ia].assignment,
        &s.results[ib].assignment,
        &s.value,
    );
    let mut hdr: Vec<&str> = vec![a.as_str()];
    hdr.extend(t.cols.iter().map(|c| c.as_str()));
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let mut row = vec![name.clone()];
            row.extend((0..t.cols.len()).map(|c| {
                format!(
                    "{} · {}",
                    thousands(t.customers[r][c] as u64),
                    amount(t.value[r][c])
                )
            }));
            row
        })
        .collect();
    let mut al = vec![Align::Left];
    al.extend(std::iter::repeat_n(Align::Right, t.cols.len()));
    Ok(format!(
        "\n{a} × {b} (customers · value)\n{}",
        render(&hdr, &al, &rows, 40)
    ))
}

/// The valuation tables of every criterion, as text.
pub fn tables(s: &Session) -> String {
    let mut scores = String::new();
    if !s.scores.is_empty() {
        scores_text(&mut scores, s);
    }
    tables_of(&s.ws, &figures(s), &scores, "")
}

/// The head line (`place` after it, e.g. where it was computed), `scores`, then each
/// criterion's verdict and valuation table.
pub(super) fn tables_of(ws: &Workspace, f: &Figures, scores: &str, place: &str) -> String {
    let mut out = format!(
        "{} customers, value {}; top 20 % of customers hold {} of value; {} of customers hold 80 %{place}\n",
        thousands(f.customers as u64),
        amount(f.value_total),
        percent(f.pareto.top20_value_share),
        percent(f.pareto.customer_share_for_80pct_value)
    );
    out.push_str(scores);
    for &(c, valuation, ex) in &f.criteria {
        out.push_str(&format!(
            "\n{} ({}) — {}\n",
            c.name.value,
            c.step.as_str(),
            ex.describe()
        ));
        out.push_str(&valuation_table(
            valuation,
            ws.valuation.cost.is_some(),
            &ws.valuation.measures,
        ));
    }
    out
}

/// The RFM scores: method, cut points, customers per score, warnings.
fn scores_text(out: &mut String, s: &Session) {
    let ph = &s.ws.purchase_history;
    out.push_str(&format!(
        "\nRFM scores ({}, {} bins; buyers only)\n",
        ph.rfm_method.as_str(),
        ph.rfm_bins
    ));
    for sc in &s.scores {
        let counts: Vec<String> = sc
            .counts
            .iter()
            .enumerate()
            .map(|(k, n)| format!("{}: {}", k + 1, thousands(*n as u64)))
            .collect();
        let cuts: Vec<String> = sc
            .cuts
            .iter()
            .map(|c| format!("{}", (c * 100.0).round() / 100.0))
            .collect();
        out.push_str(&format!(
            "  {} on {}: cut at [{}]; customers per score {}\n",
            sc.name,
            sc.measure,
            cuts.join(", "),
            counts.join(", ")
        ));
        for w in &sc.warnings {
            out.push_str(&format!("    ! {w}\n"));
        }
    }
}

/// One criterion's valuation as a text table.
pub(super) fn valuation_table(
    valuation: &[crate::engine::eval::valuation::SegmentValue],
    has_cost: bool,
    measures: &[crate::engine::rules::Measure],
) -> String {
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
    hdr.push("cum. value");
    // the workspace's own measures ([valuation.measures]), before the verdict
    hdr.extend(measures.iter().map(|m| m.name.as_str()));
    hdr.push("worth it");
    let rows: Vec<Vec<String>> = valuation
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
            for (m, (_, x)) in measures.iter().zip(&v.measures) {
                row.push(m.kind.show(*x));
            }
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
    render(&hdr, &al, &rows, 60)
}
