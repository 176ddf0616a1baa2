//! The keys every criteria step has, and what they do there: the criterion, its rules and cut
//! points, the segment table, new criteria.

use crate::engine::rules::Rule;
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::{App, Pane};
use crate::tui::state::effect::Effect;
use crate::tui::steps::keys::{On, bins, criterion, never};
use crate::tui::steps::shared::{copy_segment, open_export, scroll, select_criterion};

use super::nudge::nudge;
use super::rules::{criterion_action, rule_count, rule_edit};

/// The keys of a criteria step.
pub static KEYS: &[On] = &[
    On::named(Left, |_| true, "criterion", "previous criterion"),
    On::named(Right, |_| true, "", "next criterion"),
    On::when(Up, criterion),
    On::when(Down, criterion),
    On::when(Top, criterion).shown(never),
    On::when(Bottom, criterion).shown(never),
    On::when(Edit, criterion),
    On::when(AddRule, criterion),
    On::when(DeleteRule, criterion),
    On::when(Rename, criterion),
    // on other rules + and - say how to change them
    On::when(Increase, criterion).shown(bins),
    On::when(Decrease, criterion).shown(bins),
    On::when(NextEdge, bins),
    On::when(PrevEdge, bins),
    On::when(MoveRuleUp, criterion),
    On::when(MoveRuleDown, criterion),
    On::when(EditOtherwise, criterion),
    On::when(NextPane, criterion),
    On::always(NewCriterion),
    On::when(RenameCriterion, criterion),
    On::when(DeleteCriterion, criterion),
    On::named(
        Sort,
        criterion,
        "",
        "sort the segment table: value, customers, name",
    ),
    On::when(Copy, criterion),
    On::when(Export, criterion),
    On::when(ScrollLeft, criterion),
    On::when(ScrollRight, criterion),
];

/// A criteria step's own handling of its keys.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    let here = app
        .nav
        .step
        .criteria_step()
        .map_or(0, |st| app.criteria_of(st).len());
    match a {
        Left | Right => select_criterion(app, a, here),
        Up | Down | Top | Bottom => select_row(app, a),
        Increase | Decrease => return nudge(app, a == Increase),
        NextEdge | PrevEdge => next_edge(app, a),
        NextPane => {
            app.nav.pane = match app.nav.pane {
                Pane::Rules => Pane::Segments,
                Pane::Segments => Pane::Rules,
            };
            app.nav.seg_row = 0;
        }
        Sort => {
            app.screens.criteria.sort = app.screens.criteria.sort.next();
            app.nav.seg_row = 0;
            app.status = format!("segments sorted {}", app.screens.criteria.sort.label());
        }
        Copy => return copy_segment(app),
        Export => open_export(app),
        ScrollLeft | ScrollRight => scroll(app, a, crate::tui::state::app::SEGMENT_COLUMNS - 1),
        NewCriterion | RenameCriterion | DeleteCriterion => return criterion_action(app, a),
        Edit | Rename | AddRule | DeleteRule | MoveRuleUp | MoveRuleDown | EditOtherwise => {
            if let Some(i) = app.current_criterion() {
                return rule_edit(app, i, a);
            }
        }
        _ => {}
    }
    vec![]
}

/// Up and down: the rule selected, or the segment when the segment table has the focus.
fn select_row(app: &mut App, a: Action) {
    let pick = |row: usize, n: usize| match a {
        Up => row.saturating_sub(1),
        Down => (row + 1).min(n - 1),
        Top => 0,
        _ => n - 1,
    };
    if app.nav.pane == Pane::Segments {
        let n = app
            .current_criterion()
            .map_or(0, |i| app.model.rules.criteria[i].result.valuation.len());
        if n > 0 {
            app.nav.seg_row = pick(app.nav.seg_row, n);
        }
    } else {
        let n = rule_count(app);
        if n > 0 {
            app.nav.rule = pick(app.nav.rule, n);
        }
    }
}

/// `]` `[`: the next or previous cut point of a `bins` criterion.
fn next_edge(app: &mut App, a: Action) {
    if let Some(i) = app.current_criterion()
        && let Rule::Bins { edges, .. } = &app.model.rules.criteria[i].criterion.rule
    {
        let n = edges.len();
        app.nav.edge = if a == NextEdge {
            (app.nav.edge + 1) % n
        } else {
            (app.nav.edge + n - 1) % n
        };
    }
}
