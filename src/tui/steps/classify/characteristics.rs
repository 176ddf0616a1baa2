//! Classify's characteristics: the one suggested for a column confirmed with Enter, every
//! suggestion at once with A, another typed with e; kept in `[characteristics]`, undoable.

use crate::engine::rules::characteristics::{Characteristic, Guess};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::editing::Change;
use crate::tui::state::effect::{Effect, FileEdit, Job};
use crate::tui::state::prompt::{EditError, EditPrompt, StructEdit, Target};

/// The characteristic confirmed for a column, if it is.
pub fn confirmed(app: &App, column: &str) -> Option<Characteristic> {
    app.model
        .data
        .characteristics
        .iter()
        .find(|(c, _)| c.value == column)
        .map(|(_, k)| *k)
}

/// The characteristic suggested for the profiled column `row`.
pub fn guess(app: &App, row: usize) -> Option<&Guess> {
    app.model.data.guesses.get(row)
}

/// The rows of the columns that still wait for their characteristic.
fn waiting(app: &App) -> Vec<usize> {
    let profiles = &app.model.data.profiles;
    (0..profiles.len())
        .filter(|&r| confirmed(app, &profiles[r].name).is_none())
        .collect()
}

/// How many columns still wait for their characteristic.
pub fn to_confirm(app: &App) -> usize {
    waiting(app).len()
}

/// The columns confirmed as feeding `step`, in the table's order.
pub fn columns_for(app: &App, step: crate::engine::rules::Step) -> Vec<(String, Characteristic)> {
    app.model
        .data
        .profiles
        .iter()
        .filter_map(|p| confirmed(app, &p.name).map(|k| (p.name.clone(), k)))
        .filter(|(_, k)| k.step() == Some(step))
        .collect()
}

/// Set characteristics now (the screen shows them at once) and in the file; returns the effects
/// and the change that puts them back.
pub fn set(app: &mut App, set: Vec<(String, Option<Characteristic>)>) -> (Vec<Effect>, Change) {
    let back = set
        .iter()
        .map(|(c, _)| (c.clone(), confirmed(app, c)))
        .collect();
    crate::engine::rules::characteristics::set_in(&mut app.model.data.characteristics, &set);
    // the file only: no result depends on them, so nothing is evaluated again
    let fx = vec![Effect::Write {
        edit: FileEdit::Structure {
            edit: StructEdit::Characteristics(set),
            old: None,
        },
        then: None,
        undo: None,
    }];
    (fx, Change::Characteristics(back))
}

/// A `[columns]` role a confirmed characteristic also sets, when its key is not set yet (an
/// existing customer id or amount is never taken away by a confirmation).
fn implied_role(app: &App, row: usize, kind: Characteristic) -> Option<(String, String)> {
    let column = app.model.data.profiles.get(row)?.name.clone();
    let orders = app.model.data.profiled_orders;
    let roles = &app.model.data.roles;
    let key = match kind {
        Characteristic::PersonalData => "pii",
        Characteristic::Id if !orders => "customer_id",
        _ => {
            let s = app
                .model
                .data
                .suggestions
                .iter()
                .find(|s| s.column == column)?;
            let same = guess(app, row).is_some_and(|g| g.kind == kind);
            if !same {
                return None;
            }
            super::roles::role_key(s.role, orders)?
        }
    };
    let taken = roles
        .iter()
        .any(|(k, c)| k == key && (k != "pii" || *c == column));
    (!taken && app.workspace.is_some()).then(|| (key.to_string(), column))
}

/// Write `[columns]` roles; the last one reads the data again.
fn write_roles(app: &App, roles: Vec<(String, String)>) -> Vec<Effect> {
    let n = roles.len();
    roles
        .into_iter()
        .enumerate()
        .map(|(k, (key, column))| Effect::Write {
            edit: FileEdit::Role { key, column },
            then: (k + 1 == n)
                .then(|| app.workspace.clone().map(|path| Job::Reopen { path }))
                .flatten(),
            undo: None,
        })
        .collect()
}

/// Confirm `kind` for the column on `row` (and the role it implies), then select the next
/// column that waits.
fn confirm(app: &mut App, row: usize, kind: Characteristic, role: Option<String>) -> Vec<Effect> {
    let Some(column) = app.model.data.profiles.get(row).map(|p| p.name.clone()) else {
        return vec![];
    };
    let role = role
        .map(|k| (k, column.clone()))
        .filter(|_| app.workspace.is_some())
        .or_else(|| implied_role(app, row, kind));
    let (mut fx, back) = set(app, vec![(column.clone(), Some(kind))]);
    app.edit.remember(back);
    // the next column that waits, after this one (else from the top)
    let waiting = waiting(app);
    let left = waiting.len();
    if let Some(&next) = waiting.iter().find(|&&r| r > row).or(waiting.first()) {
        app.nav.row = next;
    }
    let then = match kind.step() {
        Some(step) => format!(
            " (N in {} offers it)",
            crate::tui::steps::id::StepId::of_criteria(step).title()
        ),
        None => String::new(),
    };
    let also = match &role {
        Some((k, _)) => format!(", and [columns] {k} (u leaves it): the data is read again"),
        None => String::new(),
    };
    app.status = match left {
        0 => format!(
            "{column}: {}{then}{also} — every column is confirmed",
            kind.label()
        ),
        n => format!(
            "{column}: {}{then}{also} — {n} to go (A confirms every suggestion)",
            kind.label()
        ),
    };
    fx.extend(write_roles(app, role.into_iter().collect()));
    fx
}

/// Enter on Classify: confirm the selected column's suggested characteristic.
pub fn accept(app: &mut App) -> Vec<Effect> {
    let row = app.nav.row;
    let Some(g) = guess(app, row).cloned() else {
        return vec![];
    };
    let column = app.model.data.profiles[row].name.clone();
    if let Some(k) = confirmed(app, &column) {
        app.status = format!("{column} is confirmed as {} (e changes it)", k.label());
        return vec![];
    }
    confirm(app, row, g.kind, None)
}

/// A on Classify: confirm every suggestion still waiting, as one step to undo.
pub fn accept_all(app: &mut App) -> Vec<Effect> {
    let waiting = waiting(app);
    if waiting.is_empty() {
        app.status = "every column is confirmed already (e changes one)".into();
        return vec![];
    }
    // one column per [columns] key (the first that suggests it), every pii column
    let mut roles: Vec<(String, String)> = Vec::new();
    for (key, column) in waiting
        .iter()
        .filter_map(|&r| implied_role(app, r, guess(app, r)?.kind))
    {
        if key == "pii" || !roles.iter().any(|(k, _)| *k == key) {
            roles.push((key, column));
        }
    }
    let chosen: Vec<(String, Option<Characteristic>)> = waiting
        .iter()
        .filter_map(|&r| {
            let kind = guess(app, r)?.kind;
            Some((app.model.data.profiles[r].name.clone(), Some(kind)))
        })
        .collect();
    let n = chosen.len();
    let (mut fx, back) = set(app, chosen);
    app.edit.remember(back);
    let set: Vec<String> = roles.iter().map(|(k, c)| format!("{k} = {c}")).collect();
    app.status = format!(
        "confirmed {n} suggestion{} — u takes them back, e changes one{}",
        if n == 1 { "" } else { "s" },
        if set.is_empty() {
            String::new()
        } else {
            format!("; [columns] {} set too (u leaves it)", set.join(", "))
        }
    );
    fx.extend(write_roles(app, roles));
    fx
}

/// `e` on Classify: type the selected column's characteristic (Tab lists them).
pub fn choose(app: &mut App) -> Vec<Effect> {
    let row = app.nav.row;
    let Some(p) = app.model.data.profiles.get(row) else {
        return vec![];
    };
    let current = confirmed(app, &p.name)
        .or_else(|| guess(app, row).map(|g| g.kind))
        .map(Characteristic::label)
        .unwrap_or_default();
    // it opens on a characteristic (every column has a suggestion): nothing to check yet
    let prompt = EditPrompt::new(0, Target::Characteristic, current);
    app.edit.prompt = Some(Prompt::Edit(prompt));
    vec![]
}

/// A typed characteristic: its word (`birth year`), or a `[columns]` key of this table
/// (`order_date`, `pii`), which sets that role too.
pub fn check_typed(
    text: &str,
    orders: bool,
) -> Result<(Characteristic, Option<String>), EditError> {
    let t = text.trim();
    if let Some(k) = Characteristic::parse(t) {
        return Ok((k, None));
    }
    if super::roles::allowed_keys(orders).contains(&t) {
        return Ok((Characteristic::of_column_key(t), Some(t.to_string())));
    }
    Err(EditError {
        message: if t.is_empty() {
            "type a characteristic (the box above lists them)".into()
        } else {
            format!("\"{t}\" is not a characteristic (the box above lists them)")
        },
        pos: Some(1),
    })
}

/// Enter on a typed characteristic.
pub fn confirm_typed(app: &mut App, kind: Characteristic, role: Option<String>) -> Vec<Effect> {
    confirm(app, app.nav.row, kind, role)
}

/// Tab in the prompt: complete the characteristic being typed, and list those that fit.
pub fn complete(app: &mut App) {
    let Some(Prompt::Edit(p)) = app.edit.prompt.as_mut() else {
        return;
    };
    // a pre-filled text still selected is replaced by what is typed: list them all
    let typed = p.typed();
    let fits = Characteristic::starting_with(&typed);
    if let [one] = fits.as_slice() {
        p.text = one.clone();
        p.cursor = p.text.chars().count();
        p.selected = false;
        p.error = None;
    }
    app.status = match fits.len() {
        0 => format!("no characteristic starts with \"{typed}\""),
        1 => String::new(),
        n => format!("{n} characteristics fit: the box above lists them"),
    };
}
