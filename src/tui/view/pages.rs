//! The pages over the view: explain (`x`, a customer's rules as tried), a customer's record, a column's frequencies and the keys (`?`); laid out for the width, personal data masked, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use crate::engine::eval::explain::{Explanation, RuleTrial};
use crate::tui::state::app::App;
use crate::tui::view::table::safe;
use crate::tui::view::table::{clip, pad, width, wrap};
use crate::tui::view::theme::Theme;

/// The explanation as lines for a popup `w` cells wide: per criterion a heading, then per rule
/// its verdict, name and rule on one line and the values it read wrapped below it.
pub fn lines(app: &App, ex: &Explanation, w: u16, t: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        format!("customer {}", safe(&ex.id)),
        t.accent,
    ))];
    let name_w = 16.min(w / 4);
    let read = |values: &[(String, String)]| {
        values
            .iter()
            .map(|(n, v)| format!("{} = {}", safe(n), app.shown(n, v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for c in &ex.criteria {
        // bins and maps read one column for every rule: say it once
        let shared = c
            .rules
            .first()
            .map(|r| &r.values)
            .filter(|v| !v.is_empty() && c.rules.iter().all(|r| &r.values == *v));
        out.push(Line::from(""));
        let mut head = vec![
            Span::styled(safe(&c.criterion), t.header),
            Span::styled(format!(" ({}) → ", c.step), t.dim),
            Span::styled(safe(&c.segment), t.accent),
        ];
        let used: u16 = head.iter().map(|s| width(&s.content)).sum();
        let below = match shared.map(|v| format!("[{}]", read(v))) {
            Some(v) if used + 3 + width(&v) <= w => {
                head.push(Span::styled(format!("   {v}"), t.dim));
                None
            }
            other => other,
        };
        out.push(Line::from(head));
        for l in below.iter().flat_map(|v| wrap(v, w, 2)) {
            out.push(Line::from(Span::styled(l, t.dim)));
        }
        let mut decided = false;
        for r in &c.rules {
            rule_lines(
                &mut out,
                (r, &mut decided),
                shared.is_some(),
                (name_w, w),
                (t, &read),
            );
        }
        if !decided {
            out.push(Line::from(Span::styled(
                "  no rule matched → otherwise",
                t.warn,
            )));
        }
    }
    if !ex.scores.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("RFM scores", t.header)));
        for p in &ex.scores {
            for l in wrap(&p.describe(), w, 2) {
                out.push(Line::from(Span::styled(l, t.text)));
            }
        }
    }
    out
}

/// Shows the values a rule read, as `name = value, …`.
type ReadText<'a> = dyn Fn(&[(String, String)]) -> String + 'a;

/// One rule as tried: verdict, name and rule on a line, the values it read and (for a
/// compound condition) each part's verdict below.
fn rule_lines(
    out: &mut Vec<Line<'static>>,
    (r, decided): (&RuleTrial, &mut bool),
    shared: bool,
    (name_w, w): (u16, u16),
    (t, read): (&Theme, &ReadText),
) {
    let mark = r.mark(*decided);
    let winner = r.result == Some(true) && !*decided;
    *decided |= r.result == Some(true);
    let (sym, style) = match r.result {
        Some(true) if winner => ("✔", t.good),
        Some(true) => ("✔", t.dim),
        Some(false) => ("✘", t.dim),
        None => ("∅", t.warn),
    };
    let verdict = mark.trim_start_matches(['✔', '✘', '∅', ' ']);
    let head = format!("{} ", pad(&safe(&r.segment), name_w));
    let rest = w.saturating_sub(width(&head) + 2 + width(verdict) + 2);
    out.push(Line::from(vec![
        Span::styled(format!("{sym} "), style),
        Span::styled(head, if winner { t.selected } else { t.text }),
        Span::styled(format!("{}  ", clip(&safe(&r.rule), rest)), t.accent),
        Span::styled(verdict.to_string(), style),
    ]));
    if !r.values.is_empty() && !shared {
        for l in wrap(&format!("read: {}", read(&r.values)), w, 4) {
            out.push(Line::from(Span::styled(l, t.dim)));
        }
    }
    if r.parts.len() > 1 {
        for (p, v) in &r.parts {
            let m = match v {
                Some(true) => "true",
                Some(false) => "false",
                None => "NULL",
            };
            for l in wrap(&format!("· {} → {m}", safe(p)), w, 4) {
                out.push(Line::from(Span::styled(l, t.dim)));
            }
        }
    }
}

/// The record view: one customer's every column and field, personal data masked.
pub fn draw_record(f: &mut Frame, body: Rect, app: &App, t: &Theme) {
    let Some((id, fields)) = app.record() else {
        return;
    };
    let w = body.width.saturating_sub(2);
    let name_w = fields
        .iter()
        .map(|(n, _)| width(n))
        .max()
        .unwrap_or(0)
        .min(w / 2);
    let mut all = vec![Line::from(Span::styled(
        format!("customer {}", safe(id)),
        t.accent,
    ))];
    for (n, v) in fields {
        all.push(Line::from(vec![
            Span::styled(format!("{} ", pad(&safe(n), name_w)), t.dim),
            Span::styled(clip(&app.shown(n, v), w.saturating_sub(name_w + 1)), t.text),
        ]));
    }
    let title = if app.prefs.mask_pii {
        " record — j k scroll · m shows personal data · Esc closes "
    } else {
        " record — j k scroll · m masks personal data · Esc closes "
    };
    crate::tui::view::page::page(f, body, all, app.nav.explain_scroll, title.into(), t);
}

/// The frequency table of a column: each value with its customers, their share and their
/// share of value, sorted by customers, value or name (`s`); personal data masked.
pub fn draw_frequency(f: &mut Frame, body: Rect, app: &App, t: &Theme) {
    use crate::tui::state::app::SegmentSort;
    use crate::tui::view::table::{Col, table};
    let Some((column, rows, sort)) = app.frequency() else {
        return;
    };
    // the rows are kept in the order shown (sorted by `s` in update, not per frame)
    let order: Vec<&crate::engine::eval::frequency::Frequency> = rows.iter().collect();
    let (n, total) = (app.model.data.n_customers, app.model.rules.ranking.total);
    let share = |x: f64, of: f64| if of != 0.0 { x / of } else { 0.0 };
    let h = body.height.saturating_sub(3) as usize;
    let top = (app.nav.explain_scroll as usize).min(order.len().saturating_sub(h));
    let end = (top + h).min(order.len());
    let cells: Vec<(Vec<String>, ratatui::style::Style)> = order[top..end]
        .iter()
        .map(|r| {
            (
                vec![
                    app.shown(column, &r.value),
                    crate::engine::format::thousands(r.customers as u64),
                    crate::engine::format::percent(share(r.customers as f64, n as f64)),
                    crate::engine::format::percent(share(r.value_sum, total)),
                ],
                t.text,
            )
        })
        .collect();
    let cols = [
        Col::text("value", 0).min(12),
        Col::number(
            "customers",
            0,
            crate::engine::format::thousands(n as u64).len(),
        ),
        Col::number("share", 1, 7),
        Col::number("value %", 1, 8),
    ];
    let (tbl, _) = table(&cols, cells, body.width.saturating_sub(2), 0, t.header);
    f.render_widget(Clear, body);
    f.render_widget(
        tbl.block(
            Block::bordered()
                .border_style(t.accent)
                .title(Span::styled(
                    clip(
                        &format!(
                            " {} — {} values, {} · s sorts · Esc closes ",
                            safe(column),
                            crate::engine::format::thousands(rows.len() as u64),
                            match sort {
                                SegmentSort::Customers => "by customers",
                                SegmentSort::Value => "by value",
                                SegmentSort::Name => "by value text",
                            }
                        ),
                        body.width.saturating_sub(2),
                    ),
                    t.header,
                ))
                .title_bottom(Span::styled(
                    crate::tui::view::table::rows_note(top, end, order.len()),
                    t.dim,
                )),
        ),
        body,
    );
}

/// The keys of the screen for `?`, as (key, text) lines `w` cells wide: keys right-aligned, the
/// help wrapped beside them; the nine step keys as one line; then what is always true.
pub fn help_lines(app: &App, w: u16) -> Vec<(String, String)> {
    use crate::tui::input::message::Action;
    let mut out = Vec::new();
    for a in crate::tui::steps::keys::on_screen(app) {
        let keys = if let Action::GoTo(_) = a {
            let steps = crate::tui::steps::id::COUNT.min(9);
            format!("1 … {steps}")
        } else {
            app.prefs.keymap.keys_for(a).join(" ")
        };
        let text = wrap(
            crate::tui::steps::keys::help_on(a, app.nav.step),
            w.saturating_sub(11),
            0,
        );
        for (k, l) in text.into_iter().enumerate() {
            let key = if k == 0 {
                format!("{keys:>9}  ")
            } else {
                " ".repeat(11)
            };
            out.push((key, l));
        }
    }
    out.push((String::new(), String::new()));
    let last = if app.workspace.is_some() {
        "every edit is saved at once; q quits at any time"
    } else {
        "the built-in demo keeps edits in memory (strata demo --out DIR writes it to files); q quits at any time"
    };
    for l in wrap(last, w, 0) {
        out.push((String::new(), l));
    }
    out
}

/// How many lines the page open over the view holds (None: no page is open): keys, teach text,
/// explanation, record or frequency table.
pub fn popup_lines(app: &App) -> Option<usize> {
    if app.show_help {
        return Some(help_lines(app, app.nav.width.saturating_sub(2)).len());
    }
    if app.teach_overlay {
        let w = app.nav.width.saturating_sub(2);
        return Some(crate::tui::view::table::paragraphs(app.nav.step.teach(), w).len());
    }
    match &app.page {
        Some(crate::tui::state::app::Page::Record(_, fields)) => Some(fields.len() + 1),
        Some(crate::tui::state::app::Page::Frequency(_, rows, _)) => Some(rows.len() + 1),
        Some(crate::tui::state::app::Page::Explain(e)) => Some(line_count(app, e)),
        Some(crate::tui::state::app::Page::Predictive) => Some(
            crate::tui::view::predictive::lines(
                app,
                app.nav.width.saturating_sub(2) as usize,
                &crate::tui::view::theme::Theme::mono(),
            )
            .len(),
        ),
        None => None,
    }
}

/// Put a frequency table in an order: by customers (most first, ties by value), by their
/// value (most first) or by the value's text.
pub fn sort_frequencies(
    rows: &mut [crate::engine::eval::frequency::Frequency],
    by: crate::tui::state::app::SegmentSort,
) {
    use crate::tui::state::app::SegmentSort;
    match by {
        SegmentSort::Customers => rows.sort_by(|a, b| {
            b.customers
                .cmp(&a.customers)
                .then_with(|| a.value.cmp(&b.value))
        }),
        SegmentSort::Value => rows.sort_by(|a, b| b.value_sum.total_cmp(&a.value_sum)),
        SegmentSort::Name => rows.sort_by(|a, b| a.value.cmp(&b.value)),
    }
}

/// How many lines of text the popup shows at once (the terminal less title, footer and frame).
pub fn rows(app: &App) -> usize {
    app.nav.height.saturating_sub(4) as usize
}

/// How many lines the popup holds on this terminal (it spans the whole width).
pub fn line_count(app: &App, ex: &Explanation) -> usize {
    lines(app, ex, app.nav.width.saturating_sub(2), &Theme::mono()).len()
}

/// The popup over everything between the title and the footer, scrolled to
/// `app.nav.explain_scroll` (kept within the text).
pub fn draw(f: &mut Frame, body: Rect, app: &App, ex: &Explanation, t: &Theme) {
    let all = lines(app, ex, body.width.saturating_sub(2), t);
    let title = " explain — j k PgDn PgUp g G scroll · Esc closes ".to_string();
    crate::tui::view::page::page(f, body, all, app.nav.explain_scroll, title, t);
}
