//! Step 6, Purchase history: derived fields, RFM cut points and counts per score, and its criteria.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Row, Table};

use super::criteria;
use crate::engine::format::thousands;
use crate::engine::rules::Step;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub const TEACH: &str = "Purchase history splits people by what they did: how recently, how often and how much they bought, \
through which channel. RFM scores rank buyers 1 (low) to 5 (high) on each.\n\n\
Look for: champions (high on all three), customers who used to buy a lot but stopped (at risk), and one-time buyers.\n\n\
Common mistakes: reading scores as absolute (a 5 only means the top fifth here), and ties: when many customers share a value, \
equal customers can land in different scores.";

/// Short numbers for narrow cells: whole numbers from 100 on.
fn num(v: f64) -> String {
    let r = if v.abs() >= 100.0 {
        v.round()
    } else {
        (v * 100.0).round() / 100.0
    };
    crate::engine::data::values::show_number(&polars::prelude::DataType::Float64, r)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let score_h = if app.scores.is_empty() {
        0
    } else {
        app.scores[0].counts.len() as u16 + 3
    };
    let [scores_area, rest] =
        Layout::vertical([Constraint::Length(score_h), Constraint::Fill(1)]).areas(area);
    if !app.scores.is_empty() {
        let bins = app.scores[0].counts.len();
        let rows: Vec<Row> = (0..bins)
            .map(|k| {
                let mut cells = vec![format!("{}", k + 1)];
                for s in &app.scores {
                    let range = s.ranges[k]
                        .map(|(lo, hi)| {
                            if lo == hi {
                                num(lo)
                            } else {
                                format!("{}–{}", num(lo), num(hi))
                            }
                        })
                        .unwrap_or_else(|| "empty".into());
                    cells.push(format!("{:>7} {}", thousands(s.counts[k] as u64), range));
                }
                Row::new(cells).style(t.text)
            })
            .collect();
        let warn = app.scores.iter().flat_map(|s| s.warnings.iter()).count();
        let title = format!(
            " RFM scores ({}){} ",
            app.rfm_method,
            if warn > 0 {
                format!(" — {warn} tie warnings")
            } else {
                String::new()
            }
        );
        let table = Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Fill(1),
                Constraint::Fill(1),
                Constraint::Fill(1),
            ],
        )
        .header(
            Row::new(vec![
                "score",
                "R: n, days ago",
                "F: n, orders",
                "M: n, revenue",
            ])
            .style(t.header),
        )
        .block(Block::bordered().border_style(t.border).title(Span::styled(
            title,
            if warn > 0 { t.warn } else { t.header },
        )));
        f.render_widget(table, scores_area);
    }
    criteria::draw(f, rest, app, t, Step::PurchaseHistory);
}
