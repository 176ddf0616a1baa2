//! The editing half of `update`: rule selection, edit prompts checked as typed, add / delete / move.

use super::app::{App, Prompt};
use super::edit::{self, EditPrompt, Target};
use super::message::{Action, CursorMove, Message};
use super::update::{Effect, change, nudge_step};
use crate::engine::rules::{Criterion, Rule};

/// Record `c` as the new state of criterion `i` (undoable), recompute and save it.
fn commit(app: &mut App, i: usize, c: Criterion) -> Vec<Effect> {
    let old = app.criteria[i].criterion.clone();
    app.undo.push((i, old));
    app.redo.clear();
    change(app, i, c)
}

/// How many rules the criterion on screen has (segments, groups or bin labels).
pub fn rule_count(app: &App) -> usize {
    app.current_criterion()
        .map_or(0, |i| app.criteria[i].criterion.rule.labels().len())
}

/// The editing actions on a criteria screen; None when `a` is not one of them.
pub fn edit_action(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if !matches!(
        a,
        Action::Edit
            | Action::Rename
            | Action::AddRule
            | Action::DeleteRule
            | Action::MoveRuleUp
            | Action::MoveRuleDown
            | Action::EditOtherwise
    ) {
        return None;
    }
    let Some(i) = app
        .current_criterion()
        .filter(|_| app.step.criteria_step().is_some())
    else {
        app.status = "rules are edited on the criteria steps, 3 to 7".into();
        return Some(vec![]);
    };
    let c = app.criteria[i].criterion.clone();
    let k = app.rule.min(c.rule.labels().len().saturating_sub(1));
    let open = |app: &mut App, target: Target| {
        let text = edit::initial_text(&app.criteria[i].criterion, target);
        app.prompt = Some(Prompt::Edit(EditPrompt::new(i, target, text)));
    };
    Some(match a {
        Action::Edit => {
            let target = match &c.rule {
                Rule::Segments(_) => Target::Condition(k),
                Rule::Bins { .. } => Target::Edges,
                Rule::Map { .. } => Target::Values(k),
            };
            open(app, target);
            vec![]
        }
        Action::Rename => {
            open(app, Target::Name(k));
            vec![]
        }
        Action::EditOtherwise => {
            open(app, Target::Otherwise);
            vec![]
        }
        Action::AddRule => {
            let at = if matches!(c.rule, Rule::Bins { .. }) {
                app.edge
            } else {
                k
            };
            let (new, added) = edit::add_rule(&c, at, nudge_step(&app.criteria[i].distribution));
            let effects = commit(app, i, new);
            match &app.criteria[i].criterion.rule {
                Rule::Bins { .. } => app.edge = added,
                Rule::Segments(_) => {
                    app.rule = added;
                    open(app, Target::Condition(added));
                }
                Rule::Map { .. } => {
                    app.rule = added;
                    open(app, Target::Values(added));
                }
            }
            effects
        }
        Action::DeleteRule => {
            let bins = matches!(c.rule, Rule::Bins { .. });
            let at = if bins { app.edge } else { k };
            match edit::delete_rule(&c, at) {
                Some(new) => {
                    if bins {
                        app.edge = app.edge.saturating_sub(1);
                    } else {
                        app.rule = k.saturating_sub(1);
                    }
                    let e = commit(app, i, new);
                    app.status = "deleted (u undoes)".into();
                    e
                }
                None => {
                    app.status = "the last rule of a criterion stays".into();
                    vec![]
                }
            }
        }
        Action::MoveRuleUp | Action::MoveRuleDown => {
            match edit::move_rule(&c, k, a == Action::MoveRuleUp) {
                Some((new, to)) => {
                    app.rule = to;
                    commit(app, i, new)
                }
                None if matches!(c.rule, Rule::Bins { .. }) => {
                    app.status = "bins are ordered by their cut points".into();
                    vec![]
                }
                None => vec![],
            }
        }
        _ => vec![],
    })
}

/// Keys while an edit prompt is open: typing re-checks the text at once; Enter applies a valid
/// text, Esc leaves everything as it was.
pub fn edit_prompt_key(app: &mut App, msg: &Message) -> Option<Vec<Effect>> {
    let Some(Prompt::Edit(p)) = app.prompt.as_mut() else {
        return None;
    };
    match msg {
        Message::Char(ch) => p.insert(*ch),
        Message::Backspace => p.backspace(),
        Message::Cursor(m) => match m {
            CursorMove::Left => p.move_cursor(p.cursor as isize - 1),
            CursorMove::Right => p.move_cursor(p.cursor as isize + 1),
            CursorMove::Home => p.move_cursor(0),
            CursorMove::End => p.move_cursor(isize::MAX),
            CursorMove::Delete => p.delete(),
        },
        Message::Action(Action::Cancel) => {
            app.prompt = None;
            return Some(vec![]);
        }
        Message::Action(Action::Confirm) => {
            let (i, target, text) = (p.criterion, p.target, p.text.clone());
            let Some(view) = app.criteria.get(i) else {
                app.prompt = None;
                return Some(vec![]);
            };
            return Some(
                match edit::apply(&view.criterion, target, &text, &app.fields) {
                    Ok(new) => {
                        app.prompt = None;
                        commit(app, i, new)
                    }
                    Err(e) => {
                        p.error = Some(e);
                        app.status = "fix the text first (Esc cancels)".into();
                        vec![]
                    }
                },
            );
        }
        _ => return None,
    }
    // check what is typed now, against the columns and fields the rules can read
    let p = match app.prompt.as_mut() {
        Some(Prompt::Edit(p)) => p,
        _ => return Some(vec![]),
    };
    p.error = app
        .criteria
        .get(p.criterion)
        .and_then(|v| edit::apply(&v.criterion, p.target, &p.text, &app.fields).err());
    app.status.clear();
    Some(vec![])
}
