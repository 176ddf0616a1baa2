//! The report as Markdown: tables, and charts drawn with Unicode blocks.

use super::text::{bar, md};
use super::{distribution, pareto_curve};
use crate::engine::data::audit::AuditDigest;
use crate::engine::eval::session::{CriterionResult, Session};
use crate::engine::format::{amount, percent, plain_number, thousands};
use crate::engine::rules::Criterion;

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| "---|").collect::<String>()
    ));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    out.push('\n');
}

pub fn data_section(out: &mut String, s: &Session, audits: &[AuditDigest]) {
    out.push_str("## Data\n\n");
    for a in audits {
        out.push_str(&format!(
            "**{}** — {} rows × {} columns ({})\n\n",
            md(&a.path),
            thousands(a.rows as u64),
            a.columns,
            a.kind
        ));
        if a.findings.is_empty() {
            out.push_str("- no quality findings\n");
        }
        for (warning, message) in &a.findings {
            let mark = if *warning { "**!**" } else { "·" };
            out.push_str(&format!("- {mark} {}\n", md(message)));
        }
        out.push('\n');
    }
    for w in &s.warnings {
        // a warning's first line, then the places it names as a list under it
        let mut lines = w.lines();
        out.push_str(&format!("- {}\n", md(lines.next().unwrap_or_default())));
        for l in lines {
            out.push_str(&format!("  - {}\n", md(l.trim())));
        }
    }
    if !s.warnings.is_empty() {
        out.push('\n');
    }
}

pub fn write(s: &Session, audits: &[AuditDigest]) -> String {
    let mut out = format!(
        "# Segmentation report: {}\n\n{}.\n\n",
        md(&super::workspace_name(s)),
        md(&super::overview(s))
    );
    data_section(&mut out, s, audits);
    concentration(&mut out, s);
    if let Some(p) = super::predictive::predictive(s) {
        super::predictive::markdown(&mut out, &p);
    }
    for (c, r) in s.ws.criteria.iter().zip(&s.results) {
        out.push_str(&format!(
            "## {} ({})\n\n",
            md(&c.name.value),
            c.step.as_str().replace('_', " ")
        ));
        rules(&mut out, s, c);
        exclusivity(&mut out, r);
        valuation(&mut out, r);
    }
    out.push_str(
        "---\n\nWritten by `strata report`; the numbers are those of `strata run --summary`.\n",
    );
    out
}

/// The value concentration: the 80/20 figures and the curve as text bars.
fn concentration(out: &mut String, s: &Session) {
    out.push_str("## Value concentration\n\n");
    out.push_str(&format!(
        "The top 20 % of customers hold **{}** of the value; **{}** of customers hold 80 % of it.\n\n",
        percent(s.pareto.top20_value_share),
        percent(s.pareto.customer_share_for_80pct_value)
    ));
    out.push_str("```\ncustomers  cumulative share of value\n");
    let curve = pareto_curve(s);
    for p in (10..=100).step_by(10) {
        if let Some((x, y)) = curve.get(p) {
            let mark = if p == 20 { " ← top 20 %" } else { "" };
            out.push_str(&format!(
                "{:>6}     {:<40} {}{mark}\n",
                percent(*x),
                bar(*y, 40),
                percent(*y)
            ));
        }
    }
    out.push_str("```\n\n");
}

/// A criterion's rules and the distribution they cut.
fn rules(out: &mut String, s: &Session, c: &Criterion) {
    out.push_str("### Rules\n\n");
    let rules: Vec<Vec<String>> = c
        .rule
        .texts()
        .into_iter()
        .map(|(seg, cond)| vec![md(&seg), format!("`{}`", cond.replace('`', "'"))])
        .collect();
    table(out, &["segment", "rule (first true wins)"], &rules);
    out.push_str(&format!(
        "Customers no rule matches: **{}**.\n\n",
        md(&c.otherwise)
    ));
    if let Some((bins, cuts, col)) = distribution(s, c) {
        out.push_str(&format!("### Distribution of {}\n\n```\n", md(&col)));
        let max = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1);
        for (lo, hi, n) in &bins {
            let cut = cuts
                .iter()
                .filter(|e| **e > *lo && **e <= *hi)
                .map(|e| format!(" ▲ cut {}", plain_number(*e)))
                .collect::<String>();
            out.push_str(&format!(
                "{:>10} {:<30} {}{cut}\n",
                plain_number((lo * 100.0).round() / 100.0),
                bar(*n as f64 / max as f64, 30),
                thousands(*n as u64)
            ));
        }
        out.push_str("```\n\n");
    }
}

/// A criterion's exclusivity: the verdict, the overlapping pairs, the customers left over.
fn exclusivity(out: &mut String, r: &CriterionResult) {
    let ex = &r.assignment.exclusivity;
    out.push_str(&format!("### Exclusivity: {}\n\n", md(&ex.describe())));
    if !ex.overlaps.is_empty() {
        let rows: Vec<Vec<String>> = ex
            .overlaps
            .iter()
            .map(|o| vec![md(&o.a), md(&o.b), thousands(o.customers as u64)])
            .collect();
        table(
            out,
            &["rule", "and rule", "customers matched by both"],
            &rows,
        );
    }
    out.push_str(&format!(
        "{} customers matched by no rule.\n\n",
        thousands(ex.unassigned as u64)
    ));
}

/// A criterion's valuation table.
fn valuation(out: &mut String, r: &CriterionResult) {
    out.push_str("### Valuation\n\n");
    let has_cost = r.valuation.iter().any(|v| v.cost.is_some());
    let header = super::valuation_header(has_cost);
    let rows: Vec<Vec<String>> = r
        .valuation
        .iter()
        .map(|v| {
            let mut row = vec![
                md(&v.name),
                thousands(v.customers as u64),
                percent(v.customer_share),
                amount(v.value),
                format!("{} {}", bar(v.value_share, 12), percent(v.value_share)),
                percent(v.cumulative_value_share),
                amount(v.value_per_customer),
            ];
            if has_cost {
                row.push(v.cost.map(amount).unwrap_or_default());
                row.push(v.profit.map(amount).unwrap_or_default());
            }
            row.push(if v.worth_marketing {
                "yes".into()
            } else {
                format!("no — {}", md(&v.reasons.join("; ")))
            });
            row
        })
        .collect();
    table(out, &header, &rows);
}
