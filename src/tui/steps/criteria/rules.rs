//! A criterion's rules edited on its screen: a new criterion, renamed or deleted, a rule edited,
//! added, deleted or moved.

use crate::engine::rules::{Criterion, Rule};
use crate::tui::input::action::Action;
use crate::tui::state::app::App;
use crate::tui::state::editing::Change;
use crate::tui::state::effect::Effect;
use crate::tui::state::prompt::{self as edit, EditPrompt, Target};
use crate::tui::steps::criteria::nudge::nudge_step;
use crate::tui::steps::shared::open;

/// A new criterion in this step: one rule that takes everyone, to be edited.
pub fn new_rule_list(app: &mut App) -> Vec<Effect> {
    let Some(step) = app.nav.step.criteria_step() else {
        return vec![];
    };
    let names: Vec<String> = app.criterion_names();
    let c = edit::new_criterion(step, &names);
    app.edit.focus = Some(c.name.value.clone());
    app.edit.remember(Change::Delete(c.name.value.clone()));
    app.status = format!(
        "added \"{}\": e edits its rule, R renames it, a adds rules",
        c.name.value
    );
    vec![Effect::restructure(
        edit::StructEdit::Add(Box::new(c)),
        None,
    )]
}

/// A criterion the engine proposed from a column: added like any other (u takes it out).
pub fn take_proposal(app: &mut App, c: crate::engine::rules::Criterion) -> Vec<Effect> {
    let what = match &c.rule {
        Rule::Bins { edges, column, .. } => format!(
            "bins on {} at {} (its quartiles, rounded): + - nudge a cut, e edits them",
            column.value,
            edges
                .iter()
                .map(|e| crate::engine::format::plain_number(*e))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Rule::Map { groups, column } => format!(
            "a map of {}: {} groups, the rest to \"{}\"; e edits a group's values",
            column.value,
            groups.len(),
            c.otherwise
        ),
        Rule::Segments(s) => format!(
            "{} rules cutting it at rounded quartiles (each true for one range); e edits a rule",
            s.len()
        ),
    };
    app.edit.focus = Some(c.name.value.clone());
    app.edit.remember(Change::Delete(c.name.value.clone()));
    app.edit.proposal = Some(c.name.value.clone());
    app.status = format!(
        "proposed \"{}\": {what} — Esc takes it back, any other key keeps it",
        c.name.value
    );
    vec![Effect::restructure(
        edit::StructEdit::Add(Box::new(c)),
        None,
    )]
}

/// How many rules the criterion on screen has (segments, groups or bin labels).
pub fn rule_count(app: &App) -> usize {
    app.current_criterion().map_or(0, |i| {
        app.model.rules.criteria[i].criterion.rule.labels().len()
    })
}

/// The columns `N` offers first on this step: those confirmed in step 2 as feeding it, and not
/// read by one of its criteria yet.
pub fn offered(app: &App) -> Vec<String> {
    let Some(step) = app.nav.step.criteria_step() else {
        return vec![];
    };
    let used: Vec<String> = app
        .criteria_of(step)
        .iter()
        .flat_map(|&i| app.model.rules.criteria[i].criterion.referenced_names())
        .collect();
    crate::tui::steps::classify::characteristics::columns_for(app, step)
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| !used.contains(c))
        .collect()
}

/// Adding, renaming and deleting whole criteria on a criteria screen.
pub fn criterion_action(app: &mut App, a: Action) -> Vec<Effect> {
    let names: Vec<String> = app.criterion_names();
    let current = app.current_criterion();
    match (a, current) {
        (Action::NewCriterion, _) => {
            let offer = offered(app);
            let first = offer.first().cloned().unwrap_or_default();
            open(app, EditPrompt::new(0, Target::NewFrom, first));
            if !offer.is_empty() {
                app.status = format!(
                    "confirmed in step 2 for this step: {} — Enter takes the first; type another column, an expression or a preset (Tab completes)",
                    offer.join(", ")
                );
            }
            vec![]
        }
        (Action::RenameCriterion, Some(i)) => {
            let text = names[i].clone();
            open(app, EditPrompt::new(i, Target::CriterionName, text));
            vec![]
        }
        (Action::DeleteCriterion, Some(i)) if app.edit.pending_delete == Some(i) => {
            app.edit.pending_delete = None;
            app.status = format!("deleted criterion \"{}\" (u brings it back)", names[i]);
            app.edit
                .remember(Change::Add(app.model.rules.criteria[i].criterion.clone()));
            vec![Effect::restructure(
                edit::StructEdit::Delete { index: i },
                Some(names[i].clone()),
            )]
        }
        (Action::DeleteCriterion, Some(i)) => {
            app.edit.pending_delete = Some(i);
            app.status = format!(
                "press D again to delete criterion \"{}\" and its rules",
                names[i]
            );
            vec![]
        }
        _ => vec![],
    }
}

/// Open the edit prompt on `target` of criterion `i`.
fn open_edit(app: &mut App, i: usize, target: Target) {
    let text = edit::initial_text(&app.model.rules.criteria[i].criterion, target);
    open(app, EditPrompt::new(i, target, text));
}

/// An edit of the selected rule of criterion `i`.
pub fn rule_edit(app: &mut App, i: usize, a: Action) -> Vec<Effect> {
    let c = app.model.rules.criteria[i].criterion.clone();
    let k = app.nav.rule.min(c.rule.labels().len().saturating_sub(1));
    match a {
        Action::Edit => {
            let target = match &c.rule {
                Rule::Segments(_) => Target::Condition(k),
                Rule::Bins { .. } => Target::Edges,
                Rule::Map { .. } => Target::Values(k),
            };
            open_edit(app, i, target);
            vec![]
        }
        Action::Rename => {
            open_edit(app, i, Target::Name(k));
            vec![]
        }
        Action::EditOtherwise => {
            open_edit(app, i, Target::Otherwise);
            vec![]
        }
        Action::AddRule => add_rule(app, i, &c, k),
        Action::DeleteRule => delete_rule(app, i, &c, k),
        Action::MoveRuleUp | Action::MoveRuleDown => {
            match edit::move_rule(&c, k, a == Action::MoveRuleUp) {
                Some((new, to)) => {
                    app.nav.rule = to;
                    app.commit(i, new)
                }
                None if matches!(c.rule, Rule::Bins { .. }) => {
                    app.status = "bins are ordered by their cut points".into();
                    vec![]
                }
                None => vec![],
            }
        }
        _ => vec![],
    }
}

/// A rule after rule `k` (a cut point after the selected one), selected, its edit opened.
fn add_rule(app: &mut App, i: usize, c: &Criterion, k: usize) -> Vec<Effect> {
    let at = if matches!(c.rule, Rule::Bins { .. }) {
        app.nav.edge
    } else {
        k
    };
    let (new, added) = edit::add_rule(c, at, nudge_step(&app.model.rules.criteria[i].distribution));
    let effects = app.commit(i, new);
    match &app.model.rules.criteria[i].criterion.rule {
        Rule::Bins { labels, edges, .. } => {
            // the bin above the new cut point is the new one: select it, say its name
            app.nav.edge = added;
            app.nav.rule = added + 1;
            app.status = format!(
                "cut point {} added; the bin above it is named \"{}\" (r renames it)",
                crate::engine::format::plain_number(edges[added]),
                labels[added + 1]
            );
        }
        Rule::Segments(_) => {
            app.nav.rule = added;
            open_edit(app, i, Target::Condition(added));
        }
        Rule::Map { .. } => {
            app.nav.rule = added;
            open_edit(app, i, Target::Values(added));
        }
    }
    effects
}

/// Delete rule `k` (the selected cut point for bins); the last rule stays.
fn delete_rule(app: &mut App, i: usize, c: &Criterion, k: usize) -> Vec<Effect> {
    let bins = matches!(c.rule, Rule::Bins { .. });
    let at = if bins { app.nav.edge } else { k };
    match edit::delete_rule(c, at) {
        Some(new) => {
            // the selection stays where it was: on the next rule (the new last, at the end),
            // so d d d deletes the rules it is on
            if let Rule::Bins { edges, .. } = &new.rule {
                app.nav.edge = at.min(edges.len().saturating_sub(1));
            } else {
                app.nav.rule = k.min(new.rule.labels().len().saturating_sub(1));
            }
            let e = app.commit(i, new);
            app.status = "deleted (u undoes)".into();
            e
        }
        None => {
            app.status = "the last rule of a criterion stays".into();
            vec![]
        }
    }
}
