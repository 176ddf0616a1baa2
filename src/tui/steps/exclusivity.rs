//! Step 8, Exclusivity check: per criterion, the verdict, the overlap matrix, unassigned customers, samples.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::eval::criteria::Verdict;
use crate::engine::format::thousands;
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::{App, Pane};
use crate::tui::state::effect::Effect;
use crate::tui::state::nav::StepId;
use crate::tui::steps::keys::{On, never};
use crate::tui::steps::shared::{scroll, select_criterion};
use crate::tui::view::table::safe;
use crate::tui::view::table::{Col, clip, more_note, rows_note, table, window};
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Within one criterion every customer must be in exactly one segment, or counts and values double up. \
Different criteria may overlap freely: 'rural' and 'big spender' is fine.\n\n\
Look for: customers matched by two rules (the matrix), and customers matched by none (they fall to the otherwise segment: unassigned, other, unknown, as each criterion names it).\n\n\
Common mistakes: relying on rule order without knowing it. 'resolved' means the first matching rule wins; \
set overlap = \"strict\" when overlaps should be an error.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    if app.model.rules.criteria.is_empty() {
        f.render_widget(
            Paragraph::new("No criteria yet: add some in steps 3 to 7.").style(t.text),
            area,
        );
        return;
    }
    let sel = app.current_criterion().unwrap_or(0);
    let list_h = (app.model.rules.criteria.len() as u16 + 3)
        .min(area.height / 3)
        .max(4);
    let [list, detail] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Fill(1)]).areas(area);
    draw_list(f, list, (app, sel), t);
    let c = &app.model.rules.criteria[sel];
    let ex = &c.result.assignment.exclusivity;
    let names: Vec<&str> = ex.matched.iter().map(|m| m.0.as_str()).collect();
    let matrix = overlap_matrix(ex, &names, t);
    let notes = examples(app, c, t);
    let block = Block::bordered().border_style(t.border).title(Span::styled(
        clip(
            &format!(" {} — {} ", safe(&c.criterion.name.value), ex.describe()),
            detail.width.saturating_sub(2),
        ),
        t.header,
    ));
    let inner = block.inner(detail);
    f.render_widget(block, detail);
    let notes_h = (notes.len() as u16).min(inner.height.saturating_sub(4));
    let [caption, grid, below] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(notes_h),
    ])
    .areas(inner);
    let cols: Vec<Col> = std::iter::once(Col::text("", 0).min(10))
        .chain(names.iter().map(|n| {
            Col::number(
                safe(n),
                1,
                thousands(app.model.data.n_customers as u64).len(),
            )
        }))
        .collect();
    let (grid_table, plan) = table(&cols, matrix, inner.width, app.nav.hscroll, t.header);
    f.render_widget(
        Paragraph::new(Span::styled(
            clip(
                &format!(
                    "customers matched by both rules (row × column; the diagonal: by the rule){}",
                    more_note(&plan).trim_end()
                ),
                inner.width,
            ),
            t.dim,
        )),
        caption,
    );
    f.render_widget(grid_table, grid);
    f.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), below);
}

/// Every criterion with its verdict and how many customers no rule matched.
fn draw_list(f: &mut Frame, list: Rect, (app, sel): (&App, usize), t: &Theme) {
    let list_h = list.height;
    let (start, end) = window(
        sel,
        list_h.saturating_sub(3) as usize,
        app.model.rules.criteria.len(),
    );
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = (start..end)
        .map(|i| {
            let c = &app.model.rules.criteria[i];
            let ex = &c.result.assignment.exclusivity;
            let style = match ex.verdict {
                _ if i == sel => t.selected,
                Verdict::Overlapping => t.bad,
                _ => t.text,
            };
            let cells = vec![
                safe(&c.criterion.name.value),
                ex.describe(),
                thousands(ex.unassigned as u64),
            ];
            (cells, style)
        })
        .collect();
    let cols = [
        Col::text("criterion", 0).min(12),
        Col::text("verdict", 0).min(12),
        Col::number(
            "unassigned",
            1,
            thousands(app.model.data.n_customers as u64).len(),
        ),
    ];
    let (list_table, _) = table(&cols, rows, list.width.saturating_sub(2), 0, t.header);
    f.render_widget(
        list_table.block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" every criterion ", t.header))
                .title_bottom(Span::styled(
                    rows_note(start, end, app.model.rules.criteria.len()),
                    t.dim,
                )),
        ),
        list,
    );
}

/// Customers matched by both rules, row × column (the diagonal: by the rule alone).
fn overlap_matrix(
    ex: &crate::engine::eval::criteria::Exclusivity,
    names: &[&str],
    t: &Theme,
) -> Vec<(Vec<String>, ratatui::style::Style)> {
    let count = |a: usize, b: usize| {
        if a == b {
            return ex.matched[a].1;
        }
        let (x, y) = (names[a.min(b)], names[a.max(b)]);
        ex.overlaps
            .iter()
            .find(|o| o.a == x && o.b == y)
            .map_or(0, |o| o.customers)
    };
    (0..names.len())
        .map(|a| {
            let mut cells = vec![safe(names[a])];
            cells.extend((0..names.len()).map(|b| match count(a, b) {
                0 if a != b => "·".to_string(),
                n => thousands(n as u64),
            }));
            (cells, t.text)
        })
        .collect()
}

/// A few customers of each overlap, and of those no rule matched.
fn examples(app: &App, c: &crate::tui::state::app::CriterionView, t: &Theme) -> Vec<Line<'static>> {
    let ex = &c.result.assignment.exclusivity;
    let mut notes: Vec<Line> = Vec::new();
    for o in ex.overlaps.iter().take(3) {
        let ids: Vec<String> = o
            .sample
            .iter()
            .map(|&i| safe(&app.model.rules.ranking.ids.text_at(i).unwrap_or_default()))
            .collect();
        notes.push(Line::from(Span::styled(
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
            .map(|&i| safe(&app.model.rules.ranking.ids.text_at(i).unwrap_or_default()))
            .collect();
        notes.push(Line::from(Span::styled(
            format!(
                "{} matched by no rule → {}: e.g. {}",
                thousands(ex.unassigned as u64),
                safe(&c.criterion.otherwise),
                ids.join(", ")
            ),
            t.warn,
        )));
    }
    notes
}

/// The exclusivity check's keys (up and down go through the criteria too, unsaid).
pub static KEYS: &[On] = &[
    On::named(Left, |_| true, "criterion", "previous criterion"),
    On::named(Right, |_| true, "", "next criterion"),
    On::always(Up).shown(never),
    On::always(Down).shown(never),
    On::named(
        Confirm,
        |_| true,
        "open rules",
        "open the criterion's rules",
    ),
    On::always(ScrollLeft),
    On::always(ScrollRight),
];

/// The exclusivity check's own handling of its keys.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    let n = app.model.rules.criteria.len();
    match a {
        Left | Up => select_criterion(app, Left, n),
        Right | Down => select_criterion(app, Right, n),
        ScrollLeft | ScrollRight => {
            let columns = app.current_criterion().map_or(0, |i| {
                app.model.rules.criteria[i]
                    .result
                    .assignment
                    .exclusivity
                    .matched
                    .len()
            });
            scroll(app, a, columns);
        }
        Confirm => open_rules(app),
        _ => {}
    }
    vec![]
}

/// Enter: the selected criterion's rules, in its own step.
fn open_rules(app: &mut App) {
    let Some(i) = app.current_criterion() else {
        return;
    };
    let step = app.model.rules.criteria[i].criterion.step;
    let Some(s) = StepId::ALL
        .into_iter()
        .find(|s| s.criteria_step() == Some(step))
    else {
        return;
    };
    let k = app
        .criteria_of(step)
        .iter()
        .position(|&x| x == i)
        .unwrap_or(0);
    app.nav.step = s;
    app.nav.selected[s.index()] = k;
    app.nav.rule = 0;
    app.nav.edge = 0;
    app.nav.pane = Pane::Rules;
    app.status = "the rules of this criterion: e edits one, K J reorder them".into();
}
