//! The report's predictive-value section: both fits, how p_alive spreads, and the holdout chart.

use chrono::NaiveDate;

use super::text::{bar, esc, md};

/// `v` as a share of `max` (0 when there is nothing to compare with).
fn share(v: f64, max: f64) -> f64 {
    if max > 0.0 { v / max } else { 0.0 }
}
use crate::engine::eval::clv::ClvFit;
use crate::engine::eval::clv::holdout::Holdout;
use crate::engine::eval::session::Session;
use crate::engine::format::thousands;

/// Frequencies of this many and more share the holdout chart's last group.
const MAX_FREQUENCY: u32 = 7;

/// What the section shows: the fit, buyers per tenth of p_alive, and the holdout check.
pub struct Predictive {
    pub fit: ClvFit,
    pub alive: Vec<(f64, f64, usize)>,
    pub holdout: Option<(NaiveDate, Result<Holdout, String>)>,
}

/// The section's content, when the models were fitted for this evaluation.
pub fn predictive(s: &Session) -> Option<Predictive> {
    let fit = s.clv.clone()?;
    let alive = s
        .alive_histogram(10)
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i as f64 / 10.0, (i + 1) as f64 / 10.0, n))
        .collect();
    let holdout = fit
        .config
        .calibration_end
        .map(|d| (d, s.holdout(d, MAX_FREQUENCY).map_err(|e| e.to_string())));
    Some(Predictive {
        fit,
        alive,
        holdout,
    })
}

/// The fits as (model, parameters, diagnostics) rows of plain text.
fn fit_rows(f: &ClvFit) -> Vec<[String; 3]> {
    let b = &f.bgnbd;
    let mut rows = vec![[
        format!("BG/NBD ({}s)", b.unit.as_str()),
        format!(
            "r {:.4}, α {:.4}, a {:.4}, b {:.4}",
            b.params.r, b.params.alpha, b.params.a, b.params.b
        ),
        format!(
            "{} customers, log-likelihood {:.2}, {}",
            thousands(b.customers as u64),
            b.log_likelihood,
            if b.converged {
                "converged"
            } else {
                "not converged"
            }
        ),
    ]];
    rows.push(match &f.gamma_gamma {
        Ok(g) => [
            "Gamma-Gamma".into(),
            format!(
                "p {:.4}, q {:.4}, γ {:.4}",
                g.params.p, g.params.q, g.params.gamma
            ),
            format!(
                "{} repeat buyers ({} left out), log-likelihood {:.2}, {}, frequency–spend correlation {}",
                thousands(g.customers as u64),
                thousands(g.excluded as u64),
                g.log_likelihood,
                if g.converged { "converged" } else { "not converged" },
                crate::engine::format::correlation(g.correlation)
            ),
        ],
        Err(e) => ["Gamma-Gamma".into(), "not fitted".into(), e.to_string()],
    });
    rows
}

/// The section in Markdown.
pub fn markdown(out: &mut String, p: &Predictive) {
    out.push_str("## Predictive value\n\n| model | parameters | fit |\n|---|---|---|\n");
    for [m, params, diag] in fit_rows(&p.fit) {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            md(&m),
            md(&params),
            md(&diag)
        ));
    }
    out.push_str(&format!(
        "\n`expected_purchases` and `predicted_value` look {} {}s ahead.\n\n",
        p.fit.config.horizon,
        p.fit.bgnbd.unit.as_str()
    ));
    for w in &p.fit.warnings {
        out.push_str(&format!("- **!** {}\n", md(w)));
    }
    out.push_str("### p_alive\n\n```\n");
    let max = p.alive.iter().map(|b| b.2).max().unwrap_or(0) as f64;
    for (lo, hi, n) in &p.alive {
        out.push_str(&format!(
            "{lo:.1}–{hi:.1} {:<40} {}\n",
            bar(share(*n as f64, max), 40),
            thousands(*n as u64)
        ));
    }
    out.push_str("```\n\n");
    if let Some((d, h)) = &p.holdout {
        out.push_str(&format!("### Holdout check from {d}\n\n"));
        match h {
            Err(e) => out.push_str(&format!("Not made: {}\n\n", md(e))),
            Ok(h) => {
                out.push_str(&format!(
                    "Fitted on orders up to {d}; mean repeat purchases over the {:.1} {}s after it, by repeat purchases by then.\n\n",
                    h.duration,
                    h.fit.unit.as_str()
                ));
                if let Some(n) = &h.note {
                    out.push_str(&format!("- **!** {}\n\n", md(n)));
                }
                out.push_str("```\n");
                let max = h
                    .rows
                    .iter()
                    .flat_map(|r| [r.actual, r.predicted])
                    .fold(0.0, f64::max);
                for r in &h.rows {
                    let f = format!("{}{}", r.frequency, if r.or_more { "+" } else { "" });
                    out.push_str(&format!(
                        "{f:>3} actual    {:<30} {:.2}\n    predicted {:<30} {:.2}\n",
                        bar(share(r.actual, max), 30),
                        r.actual,
                        bar(share(r.predicted, max), 30),
                        r.predicted
                    ));
                }
                out.push_str(&format!(
                    "```\n\n{} customers: {} repeat purchases, {:.1} predicted.\n\n",
                    thousands(h.customers as u64),
                    thousands(h.actual_total as u64),
                    h.predicted_total
                ));
            }
        }
    }
}

/// Grouped bars: actual and predicted mean repeat purchases per calibration frequency.
fn holdout_svg(h: &Holdout) -> String {
    let (w, ph, x0, y0) = (640.0, 180.0, 50.0, 10.0);
    let n = h.rows.len().max(1) as f64;
    let group = (w - x0 - 20.0) / n;
    let max = h
        .rows
        .iter()
        .flat_map(|r| [r.actual, r.predicted])
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} 240\" width=\"{w}\" height=\"240\" role=\"img\" aria-label=\"actual and predicted repeat purchases in the holdout period\">"
    );
    for (k, r) in h.rows.iter().enumerate() {
        let gx = x0 + group * k as f64;
        for (j, (v, class)) in [(r.actual, "bar"), (r.predicted, "bar2")]
            .iter()
            .enumerate()
        {
            let bh = v / max * ph;
            s.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" class=\"{class}\"><title>{:.2}</title></rect>",
                gx + 4.0 + j as f64 * (group - 8.0) / 2.0,
                y0 + ph - bh,
                (group - 8.0) / 2.0 - 2.0,
                v
            ));
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}{}</text>",
            gx + group / 2.0,
            y0 + ph + 16.0,
            r.frequency,
            if r.or_more { "+" } else { "" }
        ));
    }
    s.push_str(&format!(
        "<text x=\"{x0}\" y=\"{:.1}\">repeat purchases before the calibration end · left: actual · right: predicted</text></svg>",
        y0 + ph + 40.0
    ));
    s
}

/// The section in HTML, with the holdout chart in SVG.
pub fn html(out: &mut String, p: &Predictive) {
    out.push_str(
        "<h2>Predictive value</h2>\n<table><tr><th>model</th><th>parameters</th><th>fit</th></tr>",
    );
    for [m, params, diag] in fit_rows(&p.fit) {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m),
            esc(&params),
            esc(&diag)
        ));
    }
    out.push_str(&format!(
        "</table>\n<p><code>expected_purchases</code> and <code>predicted_value</code> look {} {}s ahead.</p>\n",
        p.fit.config.horizon,
        p.fit.bgnbd.unit.as_str()
    ));
    for w in &p.fit.warnings {
        out.push_str(&format!("<p class=\"warn\">{}</p>\n", esc(w)));
    }
    out.push_str("<h3>p_alive</h3>\n");
    out.push_str(&super::svg::histogram(&p.alive, &[], "p_alive"));
    if let Some((d, h)) = &p.holdout {
        out.push_str(&format!("<h3>Holdout check from {d}</h3>\n"));
        match h {
            Err(e) => out.push_str(&format!("<p class=\"warn\">Not made: {}</p>\n", esc(e))),
            Ok(h) => {
                out.push_str(&format!(
                    "<p>Fitted on orders up to {d}; mean repeat purchases over the {:.1} {}s after it. {} customers: {} repeat purchases, {:.1} predicted.</p>\n",
                    h.duration,
                    h.fit.unit.as_str(),
                    thousands(h.customers as u64),
                    thousands(h.actual_total as u64),
                    h.predicted_total
                ));
                out.push_str(&holdout_svg(h));
            }
        }
    }
}
