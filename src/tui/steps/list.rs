//! Step 1, List: every customer ranked by value, totals, and the Pareto curve with its 80/20 point.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Row, Table};

use crate::engine::format::{amount, percent, thousands};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::safe;

pub const TEACH: &str = "The list is where segmentation starts: every customer, ranked by the value they bring. \
Before splitting anyone, know how concentrated your value is.\n\n\
Look for: the Pareto curve. When the top 20 % of customers hold most of the value, losing a few of them hurts more than winning many small ones.\n\n\
Common mistakes: ranking by revenue without subtracting returns, and trusting a list where many orders have no customer id (run `strata audit`).";

/// Rows that fit on screen, starting so the selected row is visible.
pub fn visible_window(selected: usize, height: usize, total: usize) -> (usize, usize) {
    if height == 0 || total == 0 {
        return (0, 0);
    }
    let start = selected
        .saturating_sub(height - 1)
        .min(total.saturating_sub(height));
    (start, (start + height).min(total))
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let r = &app.ranking;
    let [totals, body] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    let summary = vec![
        Line::from(vec![
            Span::styled(
                format!("{} customers", thousands(app.n_customers as u64)),
                t.accent,
            ),
            Span::styled(format!("   total value {}", amount(r.total)), t.text),
        ]),
        Line::from(Span::styled(
            format!(
                "top 20 % hold {} of value · {} of customers hold 80 %",
                percent(app.pareto.top20_value_share),
                percent(app.pareto.customer_share_for_80pct_value)
            ),
            t.dim,
        )),
    ];
    f.render_widget(Paragraph::new(summary), totals);
    let wide = body.width >= 70;
    let [table_area, chart_area] = if wide {
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body)
    } else {
        Layout::vertical([Constraint::Fill(3), Constraint::Length(0)]).areas(body)
    };
    // only the visible slice of rows is ever turned into text
    let height = table_area.height.saturating_sub(3) as usize;
    let (start, end) = visible_window(app.row, height, r.order.len());
    let rows: Vec<Row> = (start..end)
        .map(|k| {
            let i = r.row_at(app.list_sort, k);
            let rank = r.rank_of[i] as usize;
            let v = r.value[i].unwrap_or(0.0);
            // the value held by this customer and everyone ranked above them
            let cum = r.cumulative[rank];
            let share = if r.total != 0.0 { v / r.total } else { 0.0 };
            let row = Row::new(vec![
                thousands(rank as u64 + 1),
                safe(&r.ids.text_at(i).unwrap_or_default()),
                amount(v),
                percent(share),
                percent(if r.total != 0.0 { cum / r.total } else { 0.0 }),
            ]);
            if k == app.row {
                row.style(t.selected)
            } else {
                row.style(t.text)
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Fill(1),
            Constraint::Length(14),
            Constraint::Length(8),
            Constraint::Length(10),
        ],
    )
    .header(Row::new(vec!["rank", "customer", "value", "share", "cumulative"]).style(t.header))
    .block(Block::bordered().border_style(t.border).title(Span::styled(
        format!(
            " customers {} ({}/{}) — s sorts ",
            app.list_sort.label(),
            thousands(app.row as u64 + 1),
            thousands(r.order.len() as u64)
        ),
        t.header,
    )));
    f.render_widget(table, table_area);
    if wide {
        let top20 = [(0.2, app.pareto.top20_value_share)];
        let eighty = [(app.pareto.customer_share_for_80pct_value, 0.8)];
        let datasets = vec![
            Dataset::default()
                .name("cumulative value")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.bar)
                .data(&r.curve),
            Dataset::default()
                .name("top 20 %")
                .marker(Marker::Dot)
                .graph_type(GraphType::Scatter)
                .style(t.cut)
                .data(&top20),
            Dataset::default()
                .name("80 % of value")
                .marker(Marker::Dot)
                .graph_type(GraphType::Scatter)
                .style(t.warn)
                .data(&eighty),
        ];
        let chart = Chart::new(datasets)
            .block(
                Block::bordered()
                    .border_style(t.border)
                    .title(Span::styled(" Pareto curve ", t.header)),
            )
            .x_axis(
                Axis::default()
                    .bounds([0.0, 1.0])
                    .labels(["0", "customers", "100 %"])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, 1.0])
                    .labels(["0", "50 %", "100 %"])
                    .style(t.dim),
            );
        f.render_widget(chart, chart_area);
    }
}

#[cfg(test)]
mod tests {
    use super::visible_window;

    #[test]
    fn window_follows_the_selection() {
        assert_eq!(visible_window(0, 10, 1_000_000), (0, 10));
        assert_eq!(visible_window(25, 10, 1_000_000), (16, 26));
        assert_eq!(visible_window(999_999, 10, 1_000_000), (999_990, 1_000_000));
        assert_eq!(visible_window(3, 10, 5), (0, 5));
        assert_eq!(visible_window(0, 0, 5), (0, 0));
    }
}
