//! The report as one self-contained HTML page (no network): tables, inline SVG charts, print styles.

use super::text::esc;
use super::{distribution, pareto_curve, svg};
use crate::engine::data::audit::AuditDigest;
use crate::engine::eval::session::{CriterionResult, Session};
use crate::engine::format::{amount, percent, thousands};
use crate::engine::rules::Criterion;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d232b;line-height:1.45}\
h1{font-size:1.6rem;border-bottom:2px solid #2b6cb0;padding-bottom:.3rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #cbd5e0}\
h3{font-size:1.05rem;margin-bottom:.4rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}\
th,td{border:1px solid #cbd5e0;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#edf2f7}\
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.no td{color:#9b2c2c}code{background:#f1f5f9;padding:0 .2rem;border-radius:3px}\
.warn{color:#9b2c2c;font-weight:600}.chart text{font-size:11px;fill:#2d3748}.chart .bar{fill:#2b6cb0}.chart .bar2{fill:#dd6b20}\
.chart .frame{fill:none;stroke:#cbd5e0}.chart .line{fill:none;stroke:#2b6cb0;stroke-width:2}\
.chart .mark{stroke:#c05621;stroke-dasharray:4 3}.chart .dot{fill:#c05621}.chart .cut{stroke:#c53030;stroke-width:2}\
.chart .cutlabel{fill:#c53030;font-weight:600}.criterion{break-inside:avoid-page}\
@media print{body{margin:0;max-width:none}h2{break-before:auto}.criterion{break-before:page}}";

fn table(header: &[&str], rows: &[(Vec<(String, bool)>, &str)]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in header {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for (cells, class) in rows {
        if class.is_empty() {
            s.push_str("<tr>");
        } else {
            s.push_str(&format!("<tr class=\"{class}\">"));
        }
        for (c, numeric) in cells {
            if *numeric {
                s.push_str(&format!("<td class=\"n\">{c}</td>"));
            } else {
                s.push_str(&format!("<td>{c}</td>"));
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
    s
}

pub fn write(s: &Session, audits: &[AuditDigest]) -> String {
    let name = super::workspace_name(s);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Segmentation report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&name)
    );
    h.push_str(&format!(
        "<h1>Segmentation report: {}</h1>\n<p>{}.</p>\n",
        esc(&name),
        esc(&super::overview(s))
    ));
    data(&mut h, s, audits);
    h.push_str(&format!(
        "<h2>Value concentration</h2>\n<p>The top 20 % of customers hold <b>{}</b> of the value; <b>{}</b> of customers hold 80 % of it.</p>\n{}\n",
        esc(&percent(s.pareto.top20_value_share)),
        esc(&percent(s.pareto.customer_share_for_80pct_value)),
        svg::pareto(
            &pareto_curve(s),
            s.pareto.top20_value_share,
            s.pareto.customer_share_for_80pct_value
        )
    ));
    if let Some(p) = super::predictive::predictive(s) {
        super::predictive::html(&mut h, &p);
    }
    for (c, r) in s.ws.criteria.iter().zip(&s.results) {
        h.push_str(&format!(
            "<section class=\"criterion\"><h2>{} <small>({})</small></h2>\n<h3>Rules</h3>\n",
            esc(&c.name.value),
            esc(&c.step.as_str().replace('_', " "))
        ));
        rules(&mut h, s, c);
        exclusivity(&mut h, r);
        valuation(&mut h, r);
        h.push_str("</section>\n");
    }
    h.push_str("<hr><p><small>Written by <code>strata report</code>; the numbers are those of <code>strata run --summary</code>.</small></p>\n</body></html>\n");
    h
}

/// The data section: each table's size and quality findings, and the rows left out.
fn data(h: &mut String, s: &Session, audits: &[AuditDigest]) {
    h.push_str("<h2>Data</h2>\n");
    for a in audits {
        h.push_str(&format!(
            "<h3>{}</h3><p>{} rows × {} columns ({})</p><ul>",
            esc(&a.path),
            thousands(a.rows as u64),
            a.columns,
            esc(&a.kind)
        ));
        if a.findings.is_empty() {
            h.push_str("<li>no quality findings</li>");
        }
        for (warning, message) in &a.findings {
            if *warning {
                h.push_str(&format!("<li class=\"warn\">{}</li>", esc(message)))
            } else {
                h.push_str(&format!("<li>{}</li>", esc(message)))
            }
        }
        h.push_str("</ul>\n");
    }
    if !s.warnings.is_empty() {
        h.push_str("<ul>");
        for w in &s.warnings {
            // a warning's first line, then the places it names as a list under it
            let mut lines = w.lines();
            h.push_str(&format!("<li>{}", esc(lines.next().unwrap_or_default())));
            let rest: Vec<String> = lines
                .map(|l| format!("<li>{}</li>", esc(l.trim())))
                .collect();
            if !rest.is_empty() {
                h.push_str(&format!("<ul>{}</ul>", rest.concat()));
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>\n");
    }
}

/// A criterion's rules and the distribution they cut.
fn rules(h: &mut String, s: &Session, c: &Criterion) {
    let rows: Vec<(Vec<(String, bool)>, &str)> = c
        .rule
        .texts()
        .into_iter()
        .map(|(seg, cond)| {
            (
                vec![
                    (esc(&seg), false),
                    (format!("<code>{}</code>", esc(&cond)), false),
                ],
                "",
            )
        })
        .collect();
    h.push_str(&table(&["segment", "rule (first true wins)"], &rows));
    h.push_str(&format!(
        "<p>Customers no rule matches: <b>{}</b>.</p>\n",
        esc(&c.otherwise)
    ));
    if let Some((bins, cuts, col)) = distribution(s, c) {
        h.push_str(&format!(
            "<h3>Distribution of {}</h3>\n{}\n",
            esc(&col),
            svg::histogram(&bins, &cuts, &col)
        ));
    }
}

/// A criterion's exclusivity: the verdict, the overlapping pairs, the customers left over.
fn exclusivity(h: &mut String, r: &CriterionResult) {
    let ex = &r.assignment.exclusivity;
    h.push_str(&format!("<h3>Exclusivity: {}</h3>\n", esc(&ex.describe())));
    if !ex.overlaps.is_empty() {
        let rows: Vec<(Vec<(String, bool)>, &str)> = ex
            .overlaps
            .iter()
            .map(|o| {
                (
                    vec![
                        (esc(&o.a), false),
                        (esc(&o.b), false),
                        (thousands(o.customers as u64), true),
                    ],
                    "",
                )
            })
            .collect();
        h.push_str(&table(
            &["rule", "and rule", "customers matched by both"],
            &rows,
        ));
    }
    h.push_str(&format!(
        "<p>{} customers matched by no rule.</p>\n<h3>Valuation</h3>\n",
        thousands(ex.unassigned as u64)
    ));
}

/// A criterion's valuation table and value bars.
fn valuation(h: &mut String, r: &CriterionResult) {
    let has_cost = r.valuation.iter().any(|v| v.cost.is_some());
    let header = super::valuation_header(has_cost);
    let rows: Vec<(Vec<(String, bool)>, &str)> = r
        .valuation
        .iter()
        .map(|v| {
            let mut cells = vec![
                (esc(&v.name), false),
                (thousands(v.customers as u64), true),
                (esc(&percent(v.customer_share)), true),
                (esc(&amount(v.value)), true),
                (esc(&percent(v.value_share)), true),
                (esc(&percent(v.cumulative_value_share)), true),
                (esc(&amount(v.value_per_customer)), true),
            ];
            if has_cost {
                cells.push((
                    v.cost.map(amount).map(|x| esc(&x)).unwrap_or_default(),
                    true,
                ));
                cells.push((
                    v.profit.map(amount).map(|x| esc(&x)).unwrap_or_default(),
                    true,
                ));
            }
            cells.push(if v.worth_marketing {
                ("yes".into(), false)
            } else {
                (format!("no — {}", esc(&v.reasons.join("; "))), false)
            });
            (cells, if v.worth_marketing { "" } else { "no" })
        })
        .collect();
    h.push_str(&table(&header, &rows));
    let bars: Vec<(String, f64)> = r
        .valuation
        .iter()
        .map(|v| (v.name.clone(), v.value_share))
        .collect();
    h.push_str(&svg::value_bars(&bars));
}
