//! The shape every criteria step shares: the criteria of the step, the rules, the distribution
//! with its cut points, and the live segment table.

pub mod keys;
pub mod nudge;
pub mod rules;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline, Table, Wrap};

use crate::engine::format::{amount, percent, plain_number, signed, thousands};
use crate::engine::rules::{Rule, Step};
use crate::tui::input::action::Action;
use crate::tui::state::app::{App, CriterionView, Distribution, Pane};
use crate::tui::view::table::safe;
use crate::tui::view::table::{Col, Plan, clip, more_note, pad, rows_note, table, width, window};
use crate::tui::view::theme::Theme;

/// How to add a criterion to an empty step.
fn empty_help(app: &App, step: Step) -> String {
    let key = |a: Action| {
        app.prefs
            .keymap
            .keys_for(a)
            .first()
            .cloned()
            .unwrap_or_default()
    };
    format!(
        "No {} criterion yet.\n\n\
         Press {} to add one: from a column (bins at its quartiles, or a group per frequent value), from a numeric expression (bins over it), from a preset (rfm, lifecycle in step 6), or empty: a rule list to shape with {} (edit a rule), {} (add a rule) and {} (rename the criterion).\n\n\
         Or write one in the workspace file, for example:\n\n\
         [criteria.my_split]\nstep = \"{}\"\nbins = {{ column = \"…\", edges = [ … ] }}\n\n\
         (or map = {{ column = \"…\", groups = {{ … }} }}, or segments = [ {{ name = \"a\", when = \"…\" }} ]); \
         the screen follows the file as soon as it is saved.",
        step.as_str().replace('_', " "),
        key(Action::NewCriterion),
        key(Action::Edit),
        key(Action::AddRule),
        key(Action::RenameCriterion),
        step.as_str()
    )
}

/// The tabs line: this step's criteria, the selected one highlighted.
/// The step's criteria on one line, the selected one highlighted; the hint gives way on a
/// narrow screen, and the names end with `…` when even they do not fit.
fn tabs(app: &App, idx: &[usize], sel: usize, w: u16, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled("criteria: ", t.dim)];
    for (k, &i) in idx.iter().enumerate() {
        if k > 0 {
            spans.push(Span::styled(" · ", t.dim));
        }
        let name = safe(&app.model.rules.criteria[i].criterion.name.value);
        spans.push(Span::styled(
            name,
            if k == sel { t.selected } else { t.text },
        ));
    }
    let used: u16 = spans.iter().map(|s| width(&s.content)).sum();
    if used + 18 <= w {
        spans.push(Span::styled("   (← → to switch)", t.dim));
    } else if used > w {
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        return Line::from(Span::styled(clip(&text, w), t.text));
    }
    Line::from(spans)
}

/// The cut points of bins on one line, the selected one highlighted and always in sight: when
/// they do not all fit, `‹` and `›` say that more are on either side.
fn cut_line(edges: &[f64], edge: usize, w: u16, t: &Theme) -> Line<'static> {
    let label = "cut points:";
    let texts: Vec<String> = edges
        .iter()
        .map(|e| format!(" {} ", plain_number(*e)))
        .collect();
    let room = w.saturating_sub(width(label) + 4);
    let sel = edge.min(texts.len().saturating_sub(1));
    // widen a window around the selected cut while it fits
    let (mut first, mut last) = (sel, sel);
    let mut used = texts.get(sel).map_or(0, |x| width(x));
    loop {
        let grew_right = last + 1 < texts.len() && used + width(&texts[last + 1]) <= room;
        if grew_right {
            last += 1;
            used += width(&texts[last]);
        }
        let grew_left = first > 0 && used + width(&texts[first - 1]) <= room;
        if grew_left {
            first -= 1;
            used += width(&texts[first]);
        }
        if !grew_left && !grew_right {
            break;
        }
    }
    let mut spans = vec![Span::styled(label, t.dim)];
    if first > 0 {
        spans.push(Span::styled(" ‹", t.dim));
    }
    for (k, x) in texts.iter().enumerate().take(last + 1).skip(first) {
        spans.push(Span::styled(
            x.clone(),
            if k == sel { t.selected } else { t.cut },
        ));
    }
    if last + 1 < texts.len() {
        spans.push(Span::styled("› ", t.dim));
    }
    Line::from(spans)
}

/// The rules box: a heading, one line per rule (bin label, map group or rule), `otherwise`; the
/// selected rule highlighted and always in sight, with what is above and below it noted.
/// `bins on COLUMN`, and its bad values when it has some (read as missing, the first named).
fn bins_head(app: &App, column: &str, t: &Theme) -> Line<'static> {
    let mut line = vec![
        Span::styled("bins on ", t.dim),
        Span::styled(clip(&safe(column), 40), t.accent),
    ];
    if let Some((q, b)) = app.model.data.bad_values_of(column)
        && let Some(first) = b.first.first()
    {
        line.push(Span::styled(
            format!(
                "  ! {} bad, read as missing: {} {} \"{}\"",
                crate::engine::format::thousands(b.count as u64),
                q.place.word(),
                first.line,
                safe(&first.value)
            ),
            t.warn,
        ));
    }
    Line::from(line)
}

/// The lines above a criterion's rules (its column, cut points or how rules are tried), and its
/// rules as (name, what puts a customer in it).
fn rule_items(
    app: &App,
    cr: &crate::engine::rules::Criterion,
    inner_w: u16,
    t: &Theme,
) -> (Vec<Line<'static>>, Vec<(String, String)>) {
    let mut head: Vec<Line<'static>> = Vec::new();
    let items: Vec<(String, String)> = match &cr.rule {
        Rule::Bins { column, edges, .. } => {
            head.push(bins_head(app, &column.value, t));
            head.push(cut_line(edges, app.nav.edge, inner_w, t));
            cr.rule
                .texts()
                .into_iter()
                .map(|(label, interval)| (safe(&label), interval))
                .collect()
        }
        Rule::Map { column, groups } => {
            head.push(Line::from(vec![
                Span::styled("groups of ", t.dim),
                Span::styled(safe(&column.value), t.accent),
            ]));
            groups
                .iter()
                .map(|(g, vals)| {
                    let v: Vec<String> = vals
                        .iter()
                        .map(|v| app.shown(&column.value, &v.to_string()))
                        .collect();
                    (safe(g), v.join(", "))
                })
                .collect()
        }
        Rule::Segments(segs) => {
            head.push(Line::from(Span::styled(
                clip("first rule that is true wins:", inner_w),
                t.dim,
            )));
            segs.iter()
                .map(|s| (safe(&s.name.value), safe(&s.when.value)))
                .collect()
        }
    };
    (head, items)
}

fn draw_rules(f: &mut Frame, area: Rect, app: &App, c: &CriterionView, focus: Style, t: &Theme) {
    let cr = &c.criterion;
    let inner_w = area.width.saturating_sub(2);
    let (head, items) = rule_items(app, cr, inner_w, t);
    // names as wide as the longest, up to half the box; the rules get the rest
    let name_w = items
        .iter()
        .map(|(n, _)| width(n))
        .max()
        .unwrap_or(0)
        .clamp(6, (inner_w / 2).max(6));
    let rule_w = inner_w.saturating_sub(name_w + 1);
    let room = (area.height.saturating_sub(2) as usize).saturating_sub(head.len() + 1);
    let sel = app.nav.rule.min(items.len().saturating_sub(1));
    // the selected rule is read whole: it wraps under itself (the others end with …)
    let wrapped = items
        .get(sel)
        .map(|(_, r)| crate::tui::view::table::wrap(r, rule_w.max(1), 0))
        .unwrap_or_default();
    let extra = wrapped.len().saturating_sub(1).min(room.saturating_sub(1));
    // every part fits its line; a rule longer than the room left ends with …
    let mut wrapped: Vec<String> = wrapped.iter().map(|l| clip(l, rule_w)).collect();
    if wrapped.len() > extra + 1 {
        let rest = wrapped[extra..].join(" ");
        wrapped[extra] = clip(&format!("{rest} "), rule_w);
    }
    let (start, end) = window(sel, room - extra, items.len());
    let mut lines = head;
    for (k, (name, rule)) in items.iter().enumerate().take(end).skip(start) {
        let (style, rule_style) = if k == sel {
            (t.selected, t.accent)
        } else {
            (t.text, t.dim)
        };
        let first = if k == sel && extra > 0 {
            wrapped[0].clone()
        } else {
            clip(rule, rule_w)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", pad(name, name_w)), style),
            Span::styled(first, rule_style),
        ]));
        if k == sel {
            for more in wrapped.iter().skip(1).take(extra) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(name_w as usize + 1)),
                    Span::styled(more.clone(), rule_style),
                ]));
            }
        }
    }
    lines.push(Line::from(Span::styled(
        clip(&format!("otherwise → {}", safe(&cr.otherwise)), inner_w),
        t.dim,
    )));
    let block = Block::bordered()
        .border_style(focus)
        .title(Span::styled(
            format!(" {} ", safe(&cr.name.value)),
            t.header,
        ))
        .title_bottom(Span::styled(rows_note(start, end, items.len()), t.dim));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// The distribution: a histogram with the cut points marked, value counts, or rule matches.
pub fn draw_distribution(f: &mut Frame, area: Rect, app: &App, c: &CriterionView, t: &Theme) {
    let block = Block::bordered()
        .border_style(t.border)
        .title(Span::styled(" distribution ", t.header));
    let inner = block.inner(area);
    f.render_widget(block, area);
    match &c.distribution {
        Distribution::Histogram {
            column, bins, cuts, ..
        } if !bins.is_empty() && inner.height >= 3 && inner.width >= 8 => {
            draw_histogram(f, inner, (column, bins, cuts), t)
        }
        Distribution::Counts { column, top } => draw_counts(f, inner, app, (column, top), t),
        _ => draw_rule_matches(f, inner, c, t),
    }
}

/// One histogram bar: from, to, count.
type Bin = (f64, f64, usize);

/// A histogram resampled to one column per character, its cut points marked under it.
fn draw_histogram(
    f: &mut Frame,
    inner: Rect,
    (column, bins, cuts): (&str, &[Bin], &[f64]),
    t: &Theme,
) {
    let w = inner.width as usize;
    let (lo, hi) = (bins[0].0, bins[bins.len() - 1].1);
    // resample the bins to one column per character
    let data: Vec<u64> = (0..w)
        .map(|x| bins[(x * bins.len() / w).min(bins.len() - 1)].2 as u64)
        .collect();
    let [chart, marks, labels] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(Sparkline::default().data(&data).style(t.bar), chart);
    let mut line = vec![' '; w];
    for cut in cuts {
        if hi > lo && *cut >= lo && *cut <= hi {
            let x = (((cut - lo) / (hi - lo)) * (w - 1) as f64).round() as usize;
            line[x.min(w - 1)] = '▲';
        }
    }
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            line.into_iter().collect::<String>(),
            t.cut,
        ))),
        marks,
    );
    let show = |v: f64| plain_number((v * 100.0).round() / 100.0);
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            axis_labels(&safe(column), &show(lo), &show(hi), w),
            t.dim,
        ))),
        labels,
    );
}

/// The axis under a histogram, `w` cells: the column and its lowest value on the left, the
/// highest on the right, never touching (the name gives way first, then the right end).
fn axis_labels(column: &str, lo: &str, hi: &str, w: usize) -> String {
    let n = |s: &str| s.chars().count();
    let named = format!("{column} {lo}");
    let left = [named.as_str(), lo]
        .into_iter()
        .find(|l| n(l) + 1 + n(hi) <= w);
    match left {
        Some(l) => format!("{l}{}{hi}", " ".repeat(w - n(l) - n(hi))),
        None => clip(lo, w as u16),
    }
}

/// The most frequent values of a column, as bars.
fn draw_counts(
    f: &mut Frame,
    inner: Rect,
    app: &App,
    (column, top): (&str, &[(String, usize)]),
    t: &Theme,
) {
    let max = top.iter().map(|x| x.1).max().unwrap_or(1);
    let mut lines = vec![Line::from(Span::styled(
        clip(&format!("values of {}", safe(column)), inner.width),
        t.dim,
    ))];
    let room = inner.height.saturating_sub(1) as usize;
    // when not all values fit, the last line says how many are left out
    let shown = if top.len() > room {
        room.saturating_sub(1)
    } else {
        room
    };
    let names: Vec<String> = top.iter().map(|(v, _)| app.shown(column, v)).collect();
    let longest = names.iter().map(|x| width(x) as usize).max().unwrap_or(0);
    for (name, (_, n)) in names.iter().zip(top).take(shown) {
        lines.push(bar_line(name, (*n, max), (inner.width, longest), t));
    }
    if top.len() > shown {
        lines.push(Line::from(Span::styled(
            clip(&format!("… {} more values", top.len() - shown), inner.width),
            t.dim,
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// How many customers each rule matches, whatever the order.
fn draw_rule_matches(f: &mut Frame, inner: Rect, c: &CriterionView, t: &Theme) {
    let ex = &c.result.assignment.exclusivity;
    let max = ex.matched.iter().map(|x| x.1).max().unwrap_or(1);
    let mut lines = vec![Line::from(Span::styled(
        clip("customers each rule matches (any order)", inner.width),
        t.dim,
    ))];
    let longest = ex.matched.iter().map(|x| width(&safe(&x.0)) as usize).max();
    for (name, n) in &ex.matched {
        let room = (inner.width, longest.unwrap_or(0));
        lines.push(bar_line(&safe(name), (*n, max), room, t));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// One bar of a count chart `width` cells wide whose longest name is `longest` cells: name,
/// bar, count. The count is never cut; the names take what they need (at most 14 cells), and
/// when the box is narrow the bar, then the names (down to 4 cells) give way.
fn bar_line(
    name: &str,
    (n, max): (usize, usize),
    (width, longest): (u16, usize),
    t: &Theme,
) -> Line<'static> {
    let count = thousands(n as u64);
    let max_count = thousands(max as u64).len().max(count.len());
    // name + space + bar + space + count fits in `width` (a bar of one cell at least)
    let room = (width as usize).saturating_sub(max_count + 1);
    let name_w = room.saturating_sub(2).min(longest).clamp(4, 14);
    let bar_w = room.saturating_sub(name_w + 1).max(1);
    let len = (n * bar_w).div_ceil(max.max(1));
    Line::from(vec![
        Span::styled(format!("{} ", pad(name, name_w as u16)), t.text),
        Span::styled("█".repeat(len), t.bar),
        Span::styled(format!(" {count}"), t.dim),
    ])
}

/// The live segment table: customers, share, change since the last edit, value, value share;
/// `selected` is highlighted (when the table has the focus). Columns are planned with the
/// widths of the totals, so every criterion of a screen shows the same ones.
pub fn segment_table(
    app: &App,
    i: usize,
    t: &Theme,
    avail: u16,
    selected: Option<usize>,
    (start, end): (usize, usize),
) -> (Table<'static>, Plan) {
    let c = &app.model.rules.criteria[i];
    let order = app.segment_order(i);
    let rows: Vec<(Vec<String>, Style)> = order
        .iter()
        .enumerate()
        .take(end)
        .skip(start)
        .map(|(k, &row)| {
            let v = &c.result.valuation[row];
            let change = c
                .result
                .previous
                .get(&v.name)
                .map(|p| v.customers as i64 - *p as i64);
            let change_txt = match change {
                Some(0) | None => String::new(),
                Some(d) => signed(d),
            };
            let cells = vec![
                safe(&v.name),
                thousands(v.customers as u64),
                percent(v.customer_share),
                change_txt,
                amount(v.value),
                percent(v.value_share),
                if v.worth_marketing {
                    "✓".into()
                } else if v.rest {
                    "–".into()
                } else {
                    "✗".into()
                },
            ];
            let style = if selected == Some(k) {
                t.selected
            } else if v.worth_marketing || v.rest {
                t.text
            } else {
                t.warn
            };
            (cells, style)
        })
        .collect();
    let n = thousands(app.model.data.n_customers as u64).len();
    let cols = [
        Col::text("segment", 0).min(10),
        Col::number("customers", 0, n),
        Col::number("share", 1, 7),
        // narrow, the change since the last edit gives way before the value
        Col::number("change", 3, n + 1),
        Col::number(
            "value",
            1,
            amount(app.model.rules.ranking.total).chars().count() + 1,
        ),
        Col::number("value %", 1, 8),
        Col::number("worth", 2, 0),
    ];
    debug_assert_eq!(cols.len(), crate::tui::state::app::SEGMENT_COLUMNS);
    table(&cols, rows, avail, app.nav.hscroll, t.header)
}

/// A whole criteria step.
pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme, step: Step) {
    let idx = app.criteria_of(step);
    if idx.is_empty() {
        let p = Paragraph::new(empty_help(app, step))
            .style(t.text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().border_style(t.border));
        f.render_widget(p, area);
        return;
    }
    let sel = app.nav.selected[app.nav.step.index()].min(idx.len() - 1);
    let c = &app.model.rules.criteria[idx[sel]];
    let want = rules::rule_count(app) as u16 + 5;
    let rule_h = want.clamp(7, (area.height / 2).max(7));
    let [tab_area, top, table_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(rule_h),
        Constraint::Fill(1),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(tabs(app, &idx, sel, tab_area.width, t)),
        tab_area,
    );
    let [rules_area, dist_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let focus = |p: Pane| {
        if app.nav.pane == p {
            t.accent
        } else {
            t.border
        }
    };
    draw_rules(f, rules_area, app, c, focus(Pane::Rules), t);
    draw_distribution(f, dist_area, app, c, t);
    let ex = &c.result.assignment.exclusivity;
    let selected = (app.nav.pane == Pane::Segments).then_some(app.nav.seg_row);
    let total = c.result.valuation.len();
    let shown = window(
        selected.unwrap_or(0),
        table_area.height.saturating_sub(3) as usize,
        total,
    );
    let (table, plan) = segment_table(
        app,
        idx[sel],
        t,
        table_area.width.saturating_sub(2),
        selected,
        shown,
    );
    let title = format!(
        " segments {} — {}{} ",
        app.screens.criteria.sort.label(),
        ex.describe(),
        more_note(&plan).trim_end()
    );
    f.render_widget(
        table.block(
            Block::bordered()
                .border_style(focus(Pane::Segments))
                .title(Span::styled(
                    clip(&title, table_area.width.saturating_sub(2)),
                    t.header,
                ))
                .title_bottom(Span::styled(rows_note(shown.0, shown.1, total), t.dim)),
        ),
        table_area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The axis labels never run together (`Income 173066666` at 60×20): the name goes first,
    /// then the highest value; at least one space always parts them.
    #[test]
    fn axis_labels_never_touch() {
        assert_eq!(axis_labels("age", "18", "87", 12), "age 18    87");
        assert_eq!(axis_labels("Income", "1730", "666666", 12), "1730  666666");
        assert_eq!(axis_labels("Income", "1730", "666666", 8), "1730");
        for w in 1..30 {
            let l = axis_labels("Income", "1730", "666666", w);
            assert!(!l.contains("1730666666"), "{w}: {l}");
            assert!(l.chars().count() <= w.max(4), "{w}: {l}");
        }
    }

    /// In a narrow chart the count stays whole: the bar and then the name give way (down to
    /// a 4-cell name and a 1-cell bar, 14 cells with this count).
    #[test]
    fn a_narrow_bar_keeps_its_whole_count() {
        let t = Theme::mono();
        for width in [12u16, 18, 22, 30, 60] {
            let line = bar_line("repeat customers", (100_000, 100_000), (width, 16), &t);
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            assert!(text.ends_with(" 100,000"), "{width}: {text:?}");
            assert!(
                crate::tui::view::table::width(&text) <= width.max(14),
                "{width}: {text:?}"
            );
        }
    }
}
