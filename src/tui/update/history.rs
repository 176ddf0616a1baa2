//! The undo history: every edit kept as the change that reverses it, found by criterion name, so
//! that no reload (a criterion added, the file edited elsewhere) ever drops it.

use crate::tui::state::app::App;
pub use crate::tui::state::editing::Change;
use crate::tui::state::effect::{Effect, FileEdit};
use crate::tui::state::prompt::StructEdit;

/// A criterion was renamed: the history follows it, so its older edits can still be undone.
pub fn follow_rename(app: &mut App, old: &str, new: &str) {
    for c in app.edit.undo.iter_mut().chain(app.edit.redo.iter_mut()) {
        match c {
            Change::SetRule(x) | Change::Add(x) if x.name.value == old => {
                x.name = crate::engine::rules::Spanned::bare(new.to_string());
            }
            Change::Delete(n) if n == old => *n = new.to_string(),
            Change::Rename { name, .. } if name == old => *name = new.to_string(),
            _ => {}
        }
    }
}

/// Carry out `c`; returns its effects and the change that reverses it (None: it no longer applies).
fn apply(app: &mut App, c: Change) -> Option<(Vec<Effect>, Change, String)> {
    match c {
        Change::SetRule(to) => {
            let i = app.criterion_index(&to.name.value)?;
            let back = Change::SetRule(app.model.rules.criteria[i].criterion.clone());
            let what = format!("the rules of \"{}\"", to.name.value);
            Some((app.change(i, to), back, what))
        }
        c @ (Change::Rename { .. } | Change::Delete(_) | Change::Add(_)) => list_change(app, c),
        c @ (Change::Thresholds { .. } | Change::Measures { .. }) => valuation_change(app, c),
        Change::Characteristics(list) => {
            let n = list.len();
            let (fx, back) = crate::tui::steps::classify::characteristics::set(app, list);
            let what = if n == 1 {
                "a column's characteristic".to_string()
            } else {
                format!("{n} columns' characteristics")
            };
            Some((fx, back, what))
        }
        Change::FileOptions(options) => {
            let back = crate::tui::update::settle::current(app, &options);
            crate::tui::update::settle::take(app, &options);
            let what = "what runs do with the data's bad values and rows".into();
            Some((
                vec![Effect::Write {
                    edit: FileEdit::Options(options.clone()),
                    then: None,
                    undo: None,
                }],
                Change::FileOptions(back),
                what,
            ))
        }
    }
}

/// A criterion renamed, taken out or put back.
fn list_change(app: &mut App, c: Change) -> Option<(Vec<Effect>, Change, String)> {
    match c {
        Change::Rename { name, to } => {
            let i = app.criterion_index(&name)?;
            if app.criterion_index(&to).is_some() {
                return None;
            }
            app.edit.focus = Some(to.clone());
            follow_rename(app, &name, &to);
            let effects = vec![Effect::restructure(
                StructEdit::Rename {
                    index: i,
                    name: to.clone(),
                },
                Some(name.clone()),
            )];
            let what = format!("the name \"{to}\"");
            Some((effects, Change::Rename { name: to, to: name }, what))
        }
        Change::Delete(name) => {
            let i = app.criterion_index(&name)?;
            let back = Change::Add(app.model.rules.criteria[i].criterion.clone());
            let effects = vec![Effect::restructure(
                StructEdit::Delete { index: i },
                Some(name.clone()),
            )];
            Some((effects, back, format!("criterion \"{name}\" taken out")))
        }
        Change::Add(crit) => {
            if app.criterion_index(&crit.name.value).is_some() {
                return None;
            }
            let name = crit.name.value.clone();
            app.edit.focus = Some(name.clone());
            let effects = vec![Effect::restructure(StructEdit::Add(Box::new(crit)), None)];
            Some((
                effects,
                Change::Delete(name.clone()),
                format!("criterion \"{name}\" back (at the end of the list)"),
            ))
        }
        _ => None,
    }
}

/// The valuation's minimums or measures set.
fn valuation_change(app: &mut App, c: Change) -> Option<(Vec<Effect>, Change, String)> {
    match c {
        Change::Thresholds { customers, value } => {
            let back = Change::Thresholds {
                customers: app.model.rules.valuation.min_customer_share,
                value: app.model.rules.valuation.min_value_share,
            };
            let effects = vec![Effect::restructure(
                StructEdit::Thresholds { customers, value },
                None,
            )];
            Some((effects, back, "the worth-it minimums".into()))
        }
        Change::Measures { value, cost } => {
            let now = |x: &Option<crate::engine::rules::Spanned<String>>| {
                x.as_ref().map(|s| s.value.clone())
            };
            let back = Change::Measures {
                value: now(&app.model.rules.valuation.value),
                cost: now(&app.model.rules.valuation.cost),
            };
            let effects = vec![Effect::restructure(
                StructEdit::Measures { value, cost },
                None,
            )];
            Some((effects, back, "the value and cost per customer".into()))
        }
        _ => None,
    }
}

/// `u` and `Ctrl-r`: take the newest change of one history, carry it out, and keep its reverse
/// in the other. A change that no longer applies (its criterion was deleted in the file) is
/// dropped with a note.
pub fn undo_redo(app: &mut App, undo: bool) -> Vec<Effect> {
    let word = if undo { "undo" } else { "redo" };
    let next = if undo {
        app.edit.undo.pop()
    } else {
        app.edit.redo.pop()
    };
    let Some(c) = next else {
        app.status = format!("nothing to {word}");
        return vec![];
    };
    match apply(app, c) {
        Some((effects, back, what)) => {
            if undo {
                app.edit.redo.push(back);
            } else {
                app.edit.undo.push(back);
            }
            app.status = format!("{word}: {what}");
            effects
        }
        None => {
            app.status =
                format!("cannot {word} that edit: its criterion is no longer in the workspace");
            vec![]
        }
    }
}
