//! Inline SVG charts for the HTML report: value bars, the Pareto curve, histograms with cut points.

use super::text::esc;
use crate::engine::format::{percent, plain_number, thousands};

const W: f64 = 640.0;

/// Horizontal bars: one per segment, length = share of value.
pub fn value_bars(rows: &[(String, f64)]) -> String {
    let h = 22.0 * rows.len() as f64 + 10.0;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"share of value per segment\">"
    );
    for (k, (name, share)) in rows.iter().enumerate() {
        let y = 5.0 + 22.0 * k as f64;
        let len = (share.clamp(0.0, 1.0) * 380.0).max(0.5);
        s.push_str(&format!(
            "<text x=\"170\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"178\" y=\"{y}\" width=\"{len:.1}\" height=\"16\" class=\"bar\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            y + 12.5,
            esc(&crate::engine::format::clip(name, 26)),
            178.0 + len + 6.0,
            y + 12.5,
            esc(&percent(*share))
        ));
    }
    s.push_str("</svg>");
    s
}

/// The Pareto curve: cumulative share of value against share of customers, the 80/20 point marked.
pub fn pareto(curve: &[(f64, f64)], top20: f64, for80: f64) -> String {
    let (x0, y0, pw, ph) = (50.0, 10.0, 560.0, 220.0);
    let px = |x: f64| x0 + x * pw;
    let py = |y: f64| y0 + (1.0 - y) * ph;
    let pts: Vec<String> = curve
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
        .collect();
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} 270\" width=\"{W}\" height=\"270\" role=\"img\" aria-label=\"Pareto curve\">"
    );
    s.push_str(&format!(
        "<rect x=\"{x0}\" y=\"{y0}\" width=\"{pw}\" height=\"{ph}\" class=\"frame\"/>"
    ));
    for k in 0..=5 {
        let f = k as f64 / 5.0;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            px(f),
            y0 + ph + 16.0,
            esc(&format!("{:.0} %", f * 100.0)),
            x0 - 6.0,
            py(f) + 4.0,
            esc(&format!("{:.0} %", f * 100.0))
        ));
    }
    s.push_str(&format!(
        "<polyline points=\"{}\" class=\"line\"/>",
        pts.join(" ")
    ));
    // the 80/20 marks: value held by the top 20 %, and the customers holding 80 % of the value
    s.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" class=\"mark\"/><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" class=\"dot\"/><text x=\"{:.1}\" y=\"{:.1}\">top 20 %: {}</text>",
        px(0.2),
        py(0.0),
        px(0.2),
        py(top20),
        px(0.2),
        py(top20),
        px(0.2) + 8.0,
        py(top20) + 14.0,
        esc(&percent(top20))
    ));
    if for80.is_finite() {
        s.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" class=\"mark\"/><text x=\"{:.1}\" y=\"{:.1}\">80 % of value: {} of customers</text>",
            px(0.0),
            py(0.8),
            px(for80),
            py(0.8),
            px(for80) + 8.0,
            py(0.8) - 6.0,
            esc(&percent(for80))
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"266\" text-anchor=\"middle\">share of customers, most valuable first</text></svg>",
        px(0.5)
    ));
    s
}

/// A histogram with the cut points drawn as lines.
pub fn histogram(bins: &[(f64, f64, usize)], cuts: &[f64], column: &str) -> String {
    let (x0, y0, pw, ph) = (50.0, 10.0, 560.0, 160.0);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} 210\" width=\"{W}\" height=\"210\" role=\"img\" aria-label=\"distribution of {}\">",
        esc(column)
    );
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        s.push_str("</svg>");
        return s;
    };
    let (lo, hi) = (first.0, last.1);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let max = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64;
    let px = |x: f64| x0 + (x - lo) / span * pw;
    for (a, b, n) in bins {
        let h = *n as f64 / max * ph;
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"bar\"><title>{}–{}: {}</title></rect>",
            px(*a),
            y0 + ph - h,
            (px(*b) - px(*a) - 1.0).max(0.5),
            esc(&plain_number(*a)),
            esc(&plain_number(*b)),
            esc(&thousands(*n as u64))
        ));
    }
    for c in cuts.iter().filter(|c| **c >= lo && **c <= hi) {
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{}\" class=\"cut\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"cutlabel\">{}</text>",
            y0 + ph,
            y0 + ph + 28.0,
            esc(&plain_number(*c)),
            x = px(*c)
        ));
    }
    s.push_str(&format!(
        "<text x=\"{x0}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{:.1}\" y=\"205\" text-anchor=\"middle\">{} (cut points in red)</text></svg>",
        y0 + ph + 14.0,
        esc(&plain_number((lo * 100.0).round() / 100.0)),
        x0 + pw,
        y0 + ph + 14.0,
        esc(&plain_number((hi * 100.0).round() / 100.0)),
        x0 + pw / 2.0,
        esc(column)
    ));
    s
}
