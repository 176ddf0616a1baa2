//! Step 9, Valuation: per criterion, value ranking with share bars, cumulative share, profit and verdicts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::engine::format::{amount, percent, thousands};
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::App;
use crate::tui::state::effect::Effect;
use crate::tui::state::prompt::{EditPrompt, Target};
use crate::tui::steps::keys::On;
use crate::tui::steps::shared::{open, open_measure, scroll, select_criterion};
use crate::tui::view::table::safe;
use crate::tui::view::table::{Col, clip, more_note, rows_note, table};
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Valuation asks of each segment: is it worth marketing to? Big enough, valuable enough, and \
does it earn more than it costs to serve?\n\n\
Look for: segments with a small share of customers but a large share of value (protect them), and large segments with little value.\n\n\
Common mistakes: judging by size alone, and forgetting the cost to serve: a segment can bring revenue and still lose money.";

fn bar(share: f64, width: usize) -> String {
    let cells = (share.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let full = cells / 8;
    let part = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][cells % 8];
    let mut s = "█".repeat(full);
    if full < width && part != ' ' {
        s.push(part);
    }
    s
}

/// With nothing to value customers by, each counts 1: say so, and what `v` would use.
pub fn value_lines(app: &App, w: u16) -> Vec<String> {
    let counts_one = app.model.rules.valuation.value.is_none()
        && !app.model.rules.fields.iter().any(|f| f.0 == "revenue");
    if !counts_one {
        return vec![];
    }
    let text = match &app.model.data.value_hint {
        Some((e, why)) => {
            format!(
                "every customer counts 1: v sets a value ({}; v starts with it), $ a cost",
                if e.chars().count() > 24 {
                    why.clone()
                } else {
                    format!("e.g. {e}")
                }
            )
        }
        None => {
            "every customer counts 1: v sets a value (a column or an expression), $ a cost".into()
        }
    };
    crate::tui::view::table::wrap(&text, w, 0)
        .into_iter()
        .take(3)
        .collect()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let Some(sel) = app.current_criterion() else {
        draw_empty(f, area, app, t);
        return;
    };
    let c = &app.model.rules.criteria[sel];
    let moves = app.screens.valuation.transitions.as_ref().and_then(|tv| {
        tv.criteria
            .iter()
            .find(|t| t.criterion == c.criterion.name.value)
            .map(|t| (tv, t))
    });
    let head = header(app, c, area.width, t);
    let cross_h = match (&app.screens.valuation.crosstab, &moves) {
        (_, Some((_, t))) => (t.from.len() as u16 + 5).min(area.height / 2),
        (Some((_, x)), None) => (x.rows.len() as u16 + 4).min(area.height / 2),
        (None, None) => 0,
    };
    let [head_area, table_area, cross_area] = Layout::vertical([
        Constraint::Length(head.len() as u16),
        Constraint::Fill(1),
        Constraint::Length(cross_h),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(
            head.into_iter()
                .map(|(l, st)| Line::from(Span::styled(l, st)))
                .collect::<Vec<_>>(),
        ),
        head_area,
    );
    // < > scroll this table when no cross-tab or moves table is open below it
    let scroll = if cross_h == 0 { app.nav.hscroll } else { 0 };
    draw_values(f, table_area, (app, c), scroll, t);
    if let Some((tv, tr)) = moves {
        draw_moves(f, cross_area, tv, tr, app.nav.hscroll, t);
    } else if let Some((other, x)) = &app.screens.valuation.crosstab
        && cross_h > 0
    {
        draw_crosstab(f, cross_area, app, *other, x, t);
    }
}

/// No criteria yet: what to do, and the value in use.
fn draw_empty(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut lines: Vec<Line> = crate::tui::view::table::wrap(
        "No criteria yet: add some in steps 3 to 7 (N there makes one from a column).",
        area.width,
        0,
    )
    .into_iter()
    .map(|l| Line::from(Span::styled(l, t.text)))
    .collect();
    lines.extend(
        value_lines(app, area.width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, t.warn))),
    );
    if let Some(v) = &app.model.rules.valuation.value {
        let text = format!("value per customer: {}", safe(&v.value));
        lines.push(Line::from(Span::styled(
            crate::tui::view::table::clip(&text, area.width),
            t.dim,
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The lines above the table: the criterion and the thresholds, the value in use (or what is
/// wrong with it), and which criteria have segments not worth a campaign (why step 9 is `!`).
fn header(
    app: &App,
    c: &crate::tui::state::app::CriterionView,
    width: u16,
    t: &Theme,
) -> Vec<(String, ratatui::style::Style)> {
    let v = &app.model.rules.valuation;
    let head = format!(
        "{} ({}): worth a campaign unless below {} of customers and {} of value, or losing money",
        safe(&c.criterion.name.value),
        c.criterion.step.as_str().replace('_', " "),
        percent(v.min_customer_share),
        percent(v.min_value_share)
    );
    let mut head: Vec<(String, ratatui::style::Style)> =
        crate::tui::view::table::wrap(&head, width, 0)
            .into_iter()
            .map(|l| (l, t.dim))
            .collect();
    let hint = value_lines(app, width);
    if !hint.is_empty() {
        head.extend(hint.into_iter().map(|l| (l, t.warn)));
    } else if let Some(v) = &app.model.rules.valuation.value {
        let text = format!("value per customer: {}", safe(&v.value));
        head.push((crate::tui::view::table::clip(&text, width), t.dim));
    }
    // why step 9 is marked `!` in the step list
    let flagged: Vec<String> = app
        .model
        .rules
        .criteria
        .iter()
        .filter_map(|c| {
            let no: Vec<&str> = c
                .result
                .valuation
                .iter()
                .filter(|v| !v.worth_marketing && !v.rest && v.customers > 0)
                .map(|v| v.name.as_str())
                .collect();
            (!no.is_empty()).then(|| {
                format!(
                    "{} ({})",
                    safe(&c.criterion.name.value),
                    safe(&no.join(", "))
                )
            })
        })
        .collect();
    if !flagged.is_empty() {
        let text = format!("! not worth a campaign: {}", flagged.join("; "));
        let lines = crate::tui::view::table::wrap(&text, width, 0);
        let keep = lines.len().min(2);
        head.extend(lines.into_iter().take(keep).map(|l| (l, t.warn)));
    }
    head
}

/// One row per segment of the criterion on screen, in the table's order, the picked one marked.
fn value_rows(
    app: &App,
    c: &crate::tui::state::app::CriterionView,
    bar_w: usize,
    t: &Theme,
) -> Vec<(Vec<String>, ratatui::style::Style)> {
    let measures = &app.model.rules.valuation.measures;
    let i = app.current_criterion().unwrap_or(0);
    let order = app.segment_order_by(i, app.screens.valuation.sort);
    let picked = app.screens.valuation.row.min(order.len().saturating_sub(1));
    let mut rows: Vec<(Vec<String>, ratatui::style::Style)> = order
        .into_iter()
        .map(|k| &c.result.valuation[k])
        .map(|s| {
            let mut cells = vec![
                safe(&s.name),
                thousands(s.customers as u64),
                percent(s.customer_share),
                amount(s.value),
                percent(s.value_share),
                bar(s.value_share, bar_w),
                percent(s.cumulative_value_share),
                amount(s.value_per_customer),
                s.profit.map(amount).unwrap_or_default(),
                verdict(s),
            ];
            // the workspace's own measures ([valuation.measures]) after the verdict
            for (m, (_, x)) in measures.iter().zip(&s.measures) {
                cells.push(m.kind.show(*x));
            }
            let style = if s.worth_marketing || s.rest {
                t.text
            } else {
                t.warn
            };
            (cells, style)
        })
        .collect();
    if let Some(r) = rows.get_mut(picked) {
        r.1 = t.selected;
    }
    rows
}

/// Worth a campaign: yes, the rest, or no with the reasons' headlines ("small", "loses money",
/// "empty"; the CLI prints them in full).
fn verdict(s: &crate::engine::eval::valuation::SegmentValue) -> String {
    if s.worth_marketing {
        "yes".into()
    } else if s.rest {
        "– the rest".into()
    } else {
        let short: Vec<&str> = s
            .reasons
            .iter()
            .map(|r| r.split(':').next().unwrap_or(r))
            .collect();
        format!("no: {}", short.join(", "))
    }
}

/// The valuation table of the criterion on screen, scrolled `scroll` columns sideways.
fn draw_values(
    f: &mut Frame,
    table_area: Rect,
    (app, c): (&App, &crate::tui::state::app::CriterionView),
    scroll: usize,
    t: &Theme,
) {
    // a cost is set for the whole workspace, so every criterion shows the same columns
    let has_cost = app.model.rules.valuation.cost.is_some();
    let measures = &app.model.rules.valuation.measures;
    let bar_w = 10usize;
    let mut rows = value_rows(app, c, bar_w, t);
    let n = thousands(app.model.data.n_customers as u64).len();
    let money = amount(app.model.rules.ranking.total).chars().count() + 1;
    let mut cols = vec![
        // what the step compares comes first: who, how many, how much, per head, the verdict
        Col::text("segment", 0).min(8),
        Col::number("customers", 0, n),
        Col::number("share", 1, 7),
        Col::number("value", 1, money),
        Col::number("value %", 1, 8),
        Col::text("", 5).min(bar_w as u16),
        Col::number("cum. value", 4, 10),
        Col::number("per customer", 2, 12),
        Col::number("profit", 3, money),
        Col::text("worth it", 1).min(12),
    ];
    debug_assert_eq!(cols.len(), crate::tui::state::app::VALUATION_COLUMNS);
    cols.extend(
        measures
            .iter()
            .map(|m| Col::number(m.name.clone(), 3, m.name.chars().count().max(8))),
    );
    if !has_cost {
        cols.remove(8);
        for r in &mut rows.iter_mut().map(|r| &mut r.0) {
            r.remove(8);
        }
    }
    let avail = table_area.width.saturating_sub(2);
    // the rows that fit, the picked one among them
    let total = rows.len();
    let room = (table_area.height.saturating_sub(3) as usize).max(1);
    let picked = app.screens.valuation.row.min(total.saturating_sub(1));
    let (start, end) = crate::tui::view::table::window(picked, room, total);
    let rows: Vec<_> = rows.into_iter().skip(start).take(end - start).collect();
    let (table, plan) = table(&cols, rows, avail, scroll, t.header);
    f.render_widget(
        table.block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(
                    clip(
                        &format!(
                            " {}{}",
                            app.screens.valuation.sort.label(),
                            more_note(&plan)
                        ),
                        avail,
                    ),
                    t.header,
                ))
                .title_bottom(Span::styled(rows_note(start, end, total), t.dim)),
        ),
        table_area,
    );
}

/// Who moved where between two dates: customers per (from, to) cell.
fn draw_moves(
    f: &mut Frame,
    area: Rect,
    tv: &crate::tui::state::app::TransitionView,
    tr: &crate::engine::eval::transitions::Transition,
    scroll: usize,
    t: &Theme,
) {
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = tr
        .from
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let mut cells = vec![safe(name)];
            cells.extend((0..tr.to.len()).map(|c| match tr.customers[r][c] {
                0 => "·".to_string(),
                n => thousands(n as u64),
            }));
            (cells, t.text)
        })
        .collect();
    let cols: Vec<Col> = std::iter::once(Col::text(format!("{} ↓ {} →", tv.from, tv.to), 0))
        .chain(tr.to.iter().map(|c| Col::number(safe(c), 1, 5)))
        .collect();
    let avail = area.width.saturating_sub(2);
    let (table, plan) = table(&cols, rows, avail, scroll, t.header);
    f.render_widget(
        table.block(Block::bordered().border_style(t.accent).title(Span::styled(
            clip(
                &format!(
                    " moves: {} of {} changed segment ({}){} — T closes ",
                    thousands(tr.moved as u64),
                    thousands(tr.total as u64),
                    percent(tr.moved as f64 / tr.total.max(1) as f64),
                    more_note(&plan).trim_end()
                ),
                avail,
            ),
            t.header,
        ))),
        area,
    );
}

/// Customers and share of value in every cell of this criterion × another.
fn draw_crosstab(
    f: &mut Frame,
    area: Rect,
    app: &App,
    other: usize,
    x: &crate::engine::eval::valuation::CrossTab,
    t: &Theme,
) {
    let total: f64 = x.value.iter().flatten().sum();
    let share = |v: f64| if total != 0.0 { v / total } else { 0.0 };
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = x
        .rows
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let mut cells = vec![safe(name)];
            cells.extend((0..x.cols.len()).map(|c| {
                format!(
                    "{} · {}",
                    thousands(x.customers[r][c] as u64),
                    percent(share(x.value[r][c]))
                )
            }));
            (cells, t.text)
        })
        .collect();
    let cols: Vec<Col> = std::iter::once(Col::text("", 0))
        .chain(x.cols.iter().map(|c| Col::number(safe(c), 1, 9)))
        .collect();
    let avail = area.width.saturating_sub(2);
    let (table, plan) = table(&cols, rows, avail, app.nav.hscroll, t.header);
    f.render_widget(
        table.block(Block::bordered().border_style(t.accent).title(Span::styled(
            clip(
                &format!(
                    " × {} — customers · share of value{} (c: next) ",
                    safe(&app.model.rules.criteria[other].criterion.name.value),
                    more_note(&plan).trim_end()
                ),
                avail,
            ),
            t.header,
        ))),
        area,
    );
}

/// Valuation's screen.
pub const SCREEN: crate::tui::steps::id::StepId = crate::tui::steps::id::StepId::Valuation;

/// Valuation's keys: ← → go through the criteria, ↑ ↓ through a criterion's segments.
pub static KEYS: &[On] = &[
    On::named(Left, |_| true, "criterion", "previous criterion"),
    On::named(Right, |_| true, "", "next criterion"),
    On::named(Up, |_| true, "segment", "select the segment above"),
    On::named(Down, |_| true, "", "select the segment below"),
    On::named(
        Export,
        |_| true,
        "write",
        "write the selected segment's customer ids to a file",
    ),
    On::named(Edit, |_| true, "minimums", "edit the worth-it minimums"),
    On::always(CrossTab),
    On::always(Transitions),
    On::always(EditValue),
    On::always(EditCost),
    On::named(Sort, |_| true, "", "sort the table: value, customers, name"),
    On::always(ScrollLeft),
    On::always(ScrollRight),
];

/// Valuation's own handling of its keys.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    let n = app.model.rules.criteria.len();
    match a {
        Sort => {
            app.screens.valuation.sort = app.screens.valuation.sort.next();
            app.status = format!("segments sorted {}", app.screens.valuation.sort.label());
        }
        Left | Right => {
            select_criterion(app, a, n);
            app.screens.valuation.row = 0;
        }
        Up | Down => {
            let segments = app
                .current_criterion()
                .map_or(0, |i| app.model.rules.criteria[i].result.valuation.len());
            let r = &mut app.screens.valuation.row;
            *r = if a == Up {
                r.saturating_sub(1)
            } else {
                (*r + 1).min(segments.saturating_sub(1))
            };
        }
        Export => crate::tui::steps::shared::open_export(app),
        ScrollLeft | ScrollRight => {
            let columns = wide_columns(app);
            scroll(app, a, columns);
        }
        Edit => {
            let v = &app.model.rules.valuation;
            let pct = |x: f64| (x * 1e8).round() / 1e6;
            let text = format!(
                "{} %, {} %",
                pct(v.min_customer_share),
                pct(v.min_value_share)
            );
            open(app, EditPrompt::new(0, Target::Thresholds, text));
        }
        CrossTab => cross_tab(app),
        Transitions => transitions(app),
        EditValue => open_measure(app, false, None),
        EditCost => open_measure(app, true, None),
        _ => {}
    }
    vec![]
}

/// Columns of the wide table on screen after its first: the moves, the cross-tab, or the
/// valuation table itself.
fn wide_columns(app: &App) -> usize {
    let Some(i) = app.current_criterion() else {
        return 0;
    };
    let c = &app.model.rules.criteria[i];
    match (
        &app.screens.valuation.transitions,
        &app.screens.valuation.crosstab,
    ) {
        (Some(tv), _) => tv
            .criteria
            .iter()
            .find(|t| t.criterion == c.criterion.name.value)
            .map_or(0, |t| t.to.len()),
        (None, Some((_, x))) => x.cols.len(),
        (None, None) => {
            crate::tui::state::app::VALUATION_COLUMNS - 1 + app.model.rules.valuation.measures.len()
        }
    }
}

/// `c`: a cross-tab with the next criterion, then the next, then none.
fn cross_tab(app: &mut App) {
    app.nav.hscroll = 0;
    if app.model.rules.criteria.len() < 2 {
        app.status = "the cross-tab needs two criteria or more".into();
        return;
    }
    let a = app.current_criterion().unwrap_or(0);
    let n = app.model.rules.criteria.len();
    // c cycles through the other criteria, then closes the cross-tab
    let next = match &app.screens.valuation.crosstab {
        None => Some((a + 1) % n),
        Some((o, _)) => {
            let k = (o + 1) % n;
            let k = if k == a { (k + 1) % n } else { k };
            (k != (a + 1) % n).then_some(k)
        }
    };
    app.screens.valuation.crosstab = next.map(|o| (o, Default::default()));
    app.refresh_crosstab();
}

/// `T`: moves between two dates, asked for (closed when open).
fn transitions(app: &mut App) {
    app.nav.hscroll = 0;
    if app.screens.valuation.transitions.take().is_none() {
        let d = |x: i32| crate::engine::format::day_text(x);
        // a year back, but never earlier than halfway through the order history, so
        // that most customers have had time to buy before the first date
        let text = app
            .model
            .data
            .as_of
            .map(|a| {
                let half = app
                    .model
                    .data
                    .first_order
                    .map_or(a - 365, |f| f + (a - f) / 2);
                format!("{}, {}", d((a - 365).max(half)), d(a))
            })
            .unwrap_or_default();
        open(app, EditPrompt::new(0, Target::Dates, text));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_scale_with_share() {
        assert_eq!(crate::tui::steps::valuation::bar(0.0, 10), "");
        assert_eq!(crate::tui::steps::valuation::bar(1.0, 10), "██████████");
        assert_eq!(crate::tui::steps::valuation::bar(0.5, 10), "█████");
        assert_eq!(
            crate::tui::steps::valuation::bar(0.55, 10).chars().count(),
            6
        );
    }
}
