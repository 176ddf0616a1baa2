//! Step 6's predictive-value page: the fitted models, how p_alive spreads, and the holdout check.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::engine::eval::clv::holdout::Holdout;
use crate::engine::format::thousands;
use crate::tui::state::app::App;
pub use crate::tui::state::views::ClvView;
use crate::tui::view::table::wrap;
use crate::tui::view::theme::Theme;

/// Bars of the p_alive histogram.
pub const ALIVE_BINS: usize = 10;
/// Calibration frequencies of this many and more share the holdout chart's last row.
pub const HOLDOUT_MAX_FREQUENCY: u32 = 7;

/// A fitted parameter: four decimals, fewer as it grows, powers of ten once it is huge (a
/// dropout too rare to measure sends a and b far out).
fn param(v: f64) -> String {
    match v.abs() {
        x if x >= 1e5 => format!("{v:.2e}"),
        x if x >= 100.0 => format!("{v:.1}"),
        _ => format!("{v:.4}"),
    }
}

/// A bar of `n` out of `max` in `w` cells, in eighths.
fn bar(n: f64, max: f64, w: usize) -> String {
    if max <= 0.0 || w == 0 {
        return String::new();
    }
    let eighths = ((n / max) * (w * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8 - 1]);
    }
    s
}

/// A bar in whole shaded cells (eighth blocks are solid, and would mix two glyphs in one bar).
fn shade_bar(n: f64, max: f64, w: usize) -> String {
    if max <= 0.0 {
        return String::new();
    }
    "▒".repeat(((n / max) * w as f64).round() as usize)
}

fn fits(v: &ClvView, t: &Theme) -> Vec<Line<'static>> {
    let b = &v.fit.bgnbd;
    let mut out = vec![
        Line::from(Span::styled(
            format!(
                "BG/NBD · {} buyers · time in {}s · {}",
                thousands(b.customers as u64),
                b.unit.as_str(),
                if b.converged {
                    "converged"
                } else {
                    "NOT converged"
                }
            ),
            t.accent,
        )),
        Line::from(Span::styled(
            format!(
                "  r {}  α {}  a {}  b {}  log-likelihood {:.1}",
                param(b.params.r),
                param(b.params.alpha),
                param(b.params.a),
                param(b.params.b),
                b.log_likelihood
            ),
            t.text,
        )),
    ];
    match &v.fit.gamma_gamma {
        Ok(g) => {
            out.push(Line::from(Span::styled(
                format!(
                    "Gamma-Gamma · {} repeat buyers · {} left out · {}",
                    thousands(g.customers as u64),
                    thousands(g.excluded as u64),
                    if g.converged {
                        "converged"
                    } else {
                        "NOT converged"
                    }
                ),
                t.accent,
            )));
            out.push(Line::from(Span::styled(
                format!(
                    "  p {}  q {}  γ {}  frequency–spend correlation {}",
                    param(g.params.p),
                    param(g.params.q),
                    param(g.params.gamma),
                    crate::engine::format::correlation(g.correlation)
                ),
                t.text,
            )));
        }
        Err(e) => out.push(Line::from(Span::styled(
            format!("Gamma-Gamma not fitted: {e}"),
            t.warn,
        ))),
    }
    out.push(Line::from(Span::styled(
        format!(
            "expected_purchases and predicted_value look {} {}s ahead",
            crate::engine::format::plain_number(v.fit.config.horizon),
            b.unit.as_str()
        ),
        t.dim,
    )));
    out.extend(
        v.fit
            .warnings
            .iter()
            .map(|w| Line::from(Span::styled(format!("! {w}"), t.warn))),
    );
    out
}

fn histogram(v: &ClvView, w: usize, t: &Theme) -> Vec<Line<'static>> {
    let max = v.alive.iter().copied().max().unwrap_or(0) as f64;
    let n = thousands(max as u64).len();
    let mut out = vec![Line::from(Span::styled(
        "p_alive: buyers per tenth".to_string(),
        t.header,
    ))];
    let k = v.alive.len().max(1) as f64;
    for (i, c) in v.alive.iter().enumerate() {
        let label = format!("{:.1}–{:.1} ", i as f64 / k, (i + 1) as f64 / k);
        let room = w.saturating_sub(label.len() + n + 2);
        out.push(Line::from(vec![
            Span::styled(label, t.dim),
            Span::styled(format!("{:>n$} ", thousands(*c as u64)), t.text),
            Span::styled(bar(*c as f64, max, room), t.accent),
        ]));
    }
    out
}

fn holdout(
    date: NaiveDate,
    h: &Result<Holdout, String>,
    w: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let h = match h {
        Ok(h) => h,
        Err(e) => {
            return vec![Line::from(Span::styled(
                format!("holdout check from {date}: {e}"),
                t.warn,
            ))];
        }
    };
    let mut out = vec![
        Line::from(Span::styled(
            format!(
                "holdout: fitted to {date}, then {:.1} {}s; mean repeat purchases after it, by repeat purchases by then",
                h.duration,
                h.fit.unit.as_str()
            ),
            t.header,
        )),
        Line::from(vec![
            Span::styled("  █ actual  ".to_string(), t.text),
            Span::styled("▒ predicted".to_string(), t.accent),
        ]),
    ];
    if let Some(n) = &h.note {
        out.push(Line::from(Span::styled(format!("! {n}"), t.warn)));
    }
    let max = h
        .rows
        .iter()
        .flat_map(|r| [r.actual, r.predicted])
        .fold(0.0, f64::max);
    let room = w.saturating_sub(4 + 8 + 7 + 1);
    for r in &h.rows {
        let label = format!("{:>3}{} ", r.frequency, if r.or_more { "+" } else { " " });
        out.push(Line::from(vec![
            Span::styled(label.clone(), t.dim),
            Span::styled(format!("{:>6.2}  ", r.actual), t.text),
            Span::styled(bar(r.actual, max, room), t.text),
        ]));
        out.push(Line::from(vec![
            Span::styled(" ".repeat(label.len()), t.dim),
            Span::styled(format!("{:>6.2}  ", r.predicted), t.accent),
            Span::styled(shade_bar(r.predicted, max, room), t.accent),
        ]));
    }
    out.push(Line::from(Span::styled(
        format!(
            "total over {} customers: {} actual, {:.1} predicted",
            thousands(h.customers as u64),
            thousands(h.actual_total as u64),
            h.predicted_total
        ),
        t.dim,
    )));
    out
}

/// Every line of the page at inner width `w`.
pub fn lines(app: &App, w: usize, t: &Theme) -> Vec<Line<'static>> {
    let Some(v) = &app.model.rules.clv else {
        return vec![];
    };
    let mut out = fits(v, t);
    out.push(Line::default());
    out.extend(histogram(v, w, t));
    out.push(Line::default());
    match &v.holdout {
        Some((d, h)) => out.extend(holdout(*d, h, w, t)),
        None => out.push(Line::from(Span::styled(
            "holdout check: set clv.calibration_end in the workspace (or run strata clv --calibration-end DATE)"
                .to_string(),
            t.dim,
        ))),
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        match v.valuable {
            Some(x) => format!(
                "N, then at_risk: a criterion for customers worth {} or more over the horizon if they stay, who are probably leaving (p_alive < 0.5)",
                crate::engine::format::plain_number(crate::engine::eval::propose::round_number(x))
            ),
            None => "no predicted_value, so no at-risk criterion".to_string(),
        },
        t.dim,
    )));
    // a line of text too long for the page wraps (indented); bars are sized to fit already
    out.into_iter()
        .flat_map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if unicode_width::UnicodeWidthStr::width(text.as_str()) <= w || l.spans.len() > 1 {
                return vec![l];
            }
            let style = l.spans[0].style;
            wrap(&text, w.saturating_sub(2) as u16, 0)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let lead = if i == 0 { "" } else { "  " };
                    Line::from(Span::styled(format!("{lead}{part}"), style))
                })
                .collect()
        })
        .collect()
}

pub fn draw(f: &mut Frame, body: Rect, app: &App, t: &Theme) {
    let w = body.width.saturating_sub(2) as usize;
    crate::tui::view::page::page(
        f,
        body,
        lines(app, w, t),
        app.nav.explain_scroll,
        " predictive value — j k scroll · Esc closes ".into(),
        t,
    );
}
