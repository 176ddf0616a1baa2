//! Step 9, Valuation: per criterion, value ranking with share bars, cumulative share, profit and verdicts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::engine::format::{amount, percent, thousands};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::{Col, fitted_table, safe};

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

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let Some(sel) = app.current_criterion() else {
        f.render_widget(
            Paragraph::new("No criteria yet: add some in steps 3 to 7.").style(t.text),
            area,
        );
        return;
    };
    let c = &app.criteria[sel];
    let moves = app.transitions.as_ref().and_then(|tv| {
        tv.criteria
            .iter()
            .find(|t| t.criterion == c.criterion.name.value)
            .map(|t| (tv, t))
    });
    let cross_h = match (&app.crosstab, &moves) {
        (_, Some((_, t))) => (t.from.len() as u16 + 5).min(area.height / 2),
        (Some((_, x)), None) => (x.rows.len() as u16 + 4).min(area.height / 2),
        (None, None) => 0,
    };
    let [head, table_area, cross_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(cross_h),
    ])
    .areas(area);
    let v = &app.valuation;
    f.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(format!("{} ", safe(&c.criterion.name.value)), t.accent),
                Span::styled(
                    format!(
                        "({})  ← → other criteria · c cross-tab · T moves over time",
                        c.criterion.step.as_str()
                    ),
                    t.dim,
                ),
            ]),
            Line::from(Span::styled(
                format!(
                    "worth a campaign unless below {} of customers and {} of value, or losing money",
                    percent(v.min_customer_share),
                    percent(v.min_value_share)
                ),
                t.dim,
            )),
        ]),
        head,
    );
    let has_cost = c.result.valuation.iter().any(|s| s.cost.is_some());
    let bar_w = 10usize;
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = c
        .result
        .valuation
        .iter()
        .map(|s| {
            let cells = vec![
                safe(&s.name),
                thousands(s.customers as u64),
                percent(s.customer_share),
                amount(s.value),
                format!(
                    "{:<bar_w$} {}",
                    bar(s.value_share, bar_w),
                    percent(s.value_share)
                ),
                percent(s.cumulative_value_share),
                amount(s.value_per_customer),
                s.profit.map(amount).unwrap_or_default(),
                if s.worth_marketing {
                    "yes".into()
                } else {
                    // the reason's headline ("small", "loses money", "empty"); the CLI prints them in full
                    let short: Vec<&str> = s
                        .reasons
                        .iter()
                        .map(|r| r.split(':').next().unwrap_or(r))
                        .collect();
                    format!("no: {}", short.join(", "))
                },
            ];
            (cells, if s.worth_marketing { t.text } else { t.warn })
        })
        .collect();
    let col = Col::new;
    let cols = vec![
        col("segment", 0),
        col("customers", 0),
        col("share", 3),
        col("value", 1),
        col("share of value", 2),
        col("cum. value", 3),
        col("per customer", 5),
        col("profit", if has_cost { 2 } else { 9 }),
        col("worth it", 1),
    ];
    let avail = table_area.width.saturating_sub(2);
    let table = fitted_table(cols, rows, avail, t.header);
    f.render_widget(
        table.block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" by value ", t.header)),
        ),
        table_area,
    );
    if let Some((tv, tr)) = moves {
        draw_moves(f, cross_area, tv, tr, t);
    } else if let Some((other, x)) = &app.crosstab
        && cross_h > 0
    {
        draw_crosstab(f, cross_area, app, *other, x, t);
    }
}

/// Who moved where between two dates: customers per (from, to) cell.
fn draw_moves(
    f: &mut Frame,
    area: Rect,
    tv: &crate::tui::app::TransitionView,
    tr: &crate::engine::eval::transitions::Transition,
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
    let cols: Vec<Col> = std::iter::once(Col::new(format!("{} ↓ {} →", tv.from, tv.to), 0))
        .chain(tr.to.iter().map(|c| Col::new(safe(c), 1)))
        .collect();
    let table = fitted_table(cols, rows, area.width.saturating_sub(2), t.header);
    f.render_widget(
        table.block(Block::bordered().border_style(t.accent).title(Span::styled(
            format!(
                " moves: {} of {} customers changed segment ({}) — T closes ",
                thousands(tr.moved as u64),
                thousands(tr.total as u64),
                percent(tr.moved as f64 / tr.total.max(1) as f64)
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
    let cols: Vec<Col> = std::iter::once(Col::new("", 0))
        .chain(x.cols.iter().map(|c| Col::new(safe(c), 1)))
        .collect();
    let table = fitted_table(cols, rows, area.width.saturating_sub(2), t.header);
    f.render_widget(
        table.block(Block::bordered().border_style(t.accent).title(Span::styled(
            format!(
                " × {} — customers · share of value (c: next criterion) ",
                safe(&app.criteria[other].criterion.name.value)
            ),
            t.header,
        ))),
        area,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_scale_with_share() {
        assert_eq!(super::bar(0.0, 10), "");
        assert_eq!(super::bar(1.0, 10), "██████████");
        assert_eq!(super::bar(0.5, 10), "█████");
        assert_eq!(super::bar(0.55, 10).chars().count(), 6);
    }
}
