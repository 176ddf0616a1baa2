//! `strata report`: one document to hand on — data quality, rules, exclusivity, valuation, charts.

mod html;
mod markdown;
mod predictive;
mod svg;
mod text;

use crate::engine::data::audit::AuditDigest;
use crate::engine::eval::session::Session;
use crate::engine::rules::{Criterion, Rule};

/// Markdown (text bars) or self-contained HTML (inline SVG charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    /// From the output file's extension: `.md`/`.markdown` or `.html`/`.htm`.
    /// Its usual extension (`md`, `html`).
    pub fn ext(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    pub fn from_path(p: &std::path::Path) -> Option<Format> {
        match p.extension()?.to_string_lossy().to_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// A histogram of a bins criterion's column with its cut points: (bins, cuts, column).
pub type Distribution = (Vec<(f64, f64, usize)>, Vec<f64>, String);

pub fn distribution(s: &Session, c: &Criterion) -> Option<Distribution> {
    let Rule::Bins { column, edges, .. } = &c.rule else {
        return None;
    };
    let v = crate::engine::eval::criteria::binned(&c.rule, &s.base)?;
    Some((v.histogram(30), edges.clone(), column.value.clone()))
}

/// The cumulative value share at each percent of customers (most valuable first).
pub fn pareto_curve(s: &Session) -> Vec<(f64, f64)> {
    let mut v: Vec<f64> = s.value.iter().map(|x| x.unwrap_or(0.0)).collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    let n = v.len();
    let mut out = vec![(0.0, 0.0)];
    if n == 0 || total == 0.0 {
        return out;
    }
    let mut acc = 0.0;
    let mut next = 1usize;
    for (i, x) in v.iter().enumerate() {
        acc += x;
        while next <= 100 && (i + 1) * 100 >= next * n {
            out.push((next as f64 / 100.0, acc / total));
            next += 1;
        }
    }
    out
}

/// The workspace's file name, for the title.
pub fn workspace_name(s: &Session) -> String {
    s.ws.file
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// `3,000 customers, total value 1,107,546.73, as of 2025-01-01` (plain text; writers escape it).
pub fn overview(s: &Session) -> String {
    let total: f64 = s.value.iter().map(|v| v.unwrap_or(0.0)).sum();
    format!(
        "{} customers, total value {}{}",
        crate::engine::format::thousands(s.base.len as u64),
        crate::engine::format::amount(total),
        s.as_of
            .map(|d| format!(", as of {}", crate::engine::format::day_text(d)))
            .unwrap_or_default()
    )
}

/// The columns of a valuation table (cost and profit only when a cost is set).
pub fn valuation_header(has_cost: bool) -> Vec<&'static str> {
    let mut h = vec![
        "segment",
        "customers",
        "share",
        "value",
        "share of value",
        "cum. value",
        "per customer",
    ];
    if has_cost {
        h.extend(["cost", "profit"]);
    }
    h.push("worth marketing");
    h
}

/// Write the report of an evaluated workspace.
pub fn report(s: &Session, audits: &[AuditDigest], format: Format) -> String {
    match format {
        Format::Markdown => markdown::write(s, audits),
        Format::Html => html::write(s, audits),
    }
}
