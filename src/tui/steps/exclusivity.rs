//! Step 8, Exclusivity check: per criterion, the verdict, the overlap matrix, unassigned customers, samples.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::engine::eval::criteria::Verdict;
use crate::engine::format::thousands;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::{Col, fitted_table, safe};

pub const TEACH: &str = "Within one criterion every customer must be in exactly one segment, or counts and values double up. \
Different criteria may overlap freely: 'rural' and 'big spender' is fine.\n\n\
Look for: customers matched by two rules (the matrix), and customers matched by none (they fall to 'otherwise').\n\n\
Common mistakes: relying on rule order without knowing it. 'resolved' means the first matching rule wins; \
set overlap = \"strict\" when overlaps should be an error.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    if app.criteria.is_empty() {
        f.render_widget(
            Paragraph::new("No criteria yet: add some in steps 3 to 7.").style(t.text),
            area,
        );
        return;
    }
    let sel = app.current_criterion().unwrap_or(0);
    let list_h = (app.criteria.len() as u16 + 3).min(area.height / 2);
    let [list, detail] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Fill(1)]).areas(area);
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = app
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ex = &c.result.assignment.exclusivity;
            let style = match ex.verdict {
                Verdict::Overlapping => t.bad,
                _ if i == sel => t.selected,
                _ => t.text,
            };
            (
                vec![
                    safe(&c.criterion.name.value),
                    ex.describe(),
                    thousands(ex.unassigned as u64),
                ],
                if i == sel { t.selected } else { style },
            )
        })
        .collect();
    let col = Col::new;
    let table = fitted_table(
        vec![col("criterion", 0), col("verdict", 0), col("unassigned", 1)],
        rows,
        list.width.saturating_sub(2),
        t.header,
    );
    f.render_widget(
        table.block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" every criterion ", t.header)),
        ),
        list,
    );
    let c = &app.criteria[sel];
    let ex = &c.result.assignment.exclusivity;
    let names: Vec<&str> = ex.matched.iter().map(|m| m.0.as_str()).collect();
    let mut lines = vec![Line::from(Span::styled(
        "customers matched by both rules (row × column); the diagonal: matched by the rule",
        t.dim,
    ))];
    let w = 11usize;
    let mut head = format!("{:<14}", "");
    for n in &names {
        head.push_str(&format!(" {:>10.10}", safe(n)));
    }
    lines.push(Line::from(Span::styled(head, t.header)));
    for (a, na) in names.iter().enumerate() {
        let mut row = format!("{:<14.14}", safe(na));
        for (b, _) in names.iter().enumerate() {
            let n = if a == b {
                ex.matched[a].1
            } else {
                let (x, y) = (names[a.min(b)], names[a.max(b)]);
                ex.overlaps
                    .iter()
                    .find(|o| o.a == x && o.b == y)
                    .map_or(0, |o| o.customers)
            };
            row.push_str(&format!(
                "{:>w$}",
                if n == 0 && a != b {
                    "·".to_string()
                } else {
                    thousands(n as u64)
                }
            ));
        }
        lines.push(Line::from(Span::styled(row, t.text)));
    }
    lines.push(Line::from(""));
    for o in ex.overlaps.iter().take(3) {
        let ids: Vec<String> = o
            .sample
            .iter()
            .map(|&i| safe(&app.ranking.ids.text_at(i).unwrap_or_default()))
            .collect();
        lines.push(Line::from(Span::styled(
            format!(
                "{} & {}: e.g. customers {}",
                safe(&o.a),
                safe(&o.b),
                ids.join(", ")
            ),
            t.dim,
        )));
    }
    if ex.unassigned > 0 {
        let ids: Vec<String> = ex
            .unassigned_sample
            .iter()
            .map(|&i| safe(&app.ranking.ids.text_at(i).unwrap_or_default()))
            .collect();
        lines.push(Line::from(Span::styled(
            format!(
                "{} matched by no rule → {}: e.g. {}",
                thousands(ex.unassigned as u64),
                safe(&c.criterion.otherwise),
                ids.join(", ")
            ),
            t.warn,
        )));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_style(t.border).title(Span::styled(
            format!(" {} — {} ", safe(&c.criterion.name.value), ex.describe()),
            t.header,
        ))),
        detail,
    );
}
