//! The editing half of `update`: rule selection, edit prompts checked as typed, add / delete / move.

use crate::engine::rules::{Criterion, Rule};
use crate::tui::input::message::{Action, CursorMove, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::edit::{self, EditPrompt, Target};
use crate::tui::update::history::{Change, record};
use crate::tui::update::nudge::nudge_step;
use crate::tui::update::{Effect, change};

/// Record `c` as the new state of criterion `i` (undoable), recompute and save it.
fn commit(app: &mut App, i: usize, c: Criterion) -> Vec<Effect> {
    let old = app.model.criteria[i].criterion.clone();
    record(app, Change::SetRule(old));
    change(app, i, c)
}

/// A new criterion in this step: one rule that takes everyone, to be edited.
fn new_rule_list(app: &mut App) -> Vec<Effect> {
    let Some(step) = app.nav.step.criteria_step() else {
        return vec![];
    };
    let names: Vec<String> = app.criterion_names();
    let c = edit::new_criterion(step, &names);
    app.edit.focus = Some(c.name.value.clone());
    record(app, Change::Delete(c.name.value.clone()));
    app.status = format!(
        "added \"{}\": e edits its rule, R renames it, a adds rules",
        c.name.value
    );
    vec![Effect::Restructure {
        edit: edit::StructEdit::Add(Box::new(c)),
        old: None,
    }]
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
    record(app, Change::Delete(c.name.value.clone()));
    app.edit.proposal = Some(c.name.value.clone());
    app.status = format!(
        "proposed \"{}\": {what} — Esc takes it back, any other key keeps it",
        c.name.value
    );
    vec![Effect::Restructure {
        edit: edit::StructEdit::Add(Box::new(c)),
        old: None,
    }]
}

/// How many rules the criterion on screen has (segments, groups or bin labels).
pub fn rule_count(app: &App) -> usize {
    app.current_criterion()
        .map_or(0, |i| app.model.criteria[i].criterion.rule.labels().len())
}

/// Adding, renaming and deleting whole criteria on a criteria screen.
fn criterion_action(app: &mut App, a: Action) -> Vec<Effect> {
    if app.nav.step.criteria_step().is_none() {
        app.status = "criteria are added on the criteria steps, 3 to 7".into();
        return vec![];
    }
    let names: Vec<String> = app.criterion_names();
    let current = app.current_criterion();
    match (a, current) {
        (Action::NewCriterion, _) => {
            app.edit.prompt = Some(Prompt::Edit(EditPrompt::new(
                0,
                Target::NewFrom,
                String::new(),
            )));
            vec![]
        }
        (Action::RenameCriterion, Some(i)) => {
            let text = names[i].clone();
            app.edit.prompt = Some(Prompt::Edit(EditPrompt::new(
                i,
                Target::CriterionName,
                text,
            )));
            vec![]
        }
        (Action::DeleteCriterion, Some(i)) if app.edit.pending_delete == Some(i) => {
            app.edit.pending_delete = None;
            app.status = format!("deleted criterion \"{}\" (u brings it back)", names[i]);
            record(app, Change::Add(app.model.criteria[i].criterion.clone()));
            vec![Effect::Restructure {
                edit: edit::StructEdit::Delete { index: i },
                old: Some(names[i].clone()),
            }]
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

/// A criterion name as typed, checked against the other criteria's names.
fn check_name(app: &App, i: usize, text: &str) -> Result<(), edit::EditError> {
    let others: Vec<String> = app
        .model
        .criteria
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != i)
        .map(|(_, c)| c.criterion.name.value.clone())
        .collect();
    edit::check_criterion_name(text, &others)
}

/// The editing actions on a criteria screen; None when `a` is not one of them.
pub fn edit_action(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if let Some(e) = screen_edit(app, a) {
        return Some(e);
    }
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
        .filter(|_| app.nav.step.criteria_step().is_some())
    else {
        app.status = "rules are edited on the criteria steps, 3 to 7".into();
        return Some(vec![]);
    };
    Some(rule_edit(app, i, a))
}

/// The edits of a whole screen: criteria (new, rename, delete), export, the value and cost,
/// a role (Classify) and the worth-it thresholds (Valuation).
fn screen_edit(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if matches!(
        a,
        Action::NewCriterion | Action::RenameCriterion | Action::DeleteCriterion
    ) {
        return Some(criterion_action(app, a));
    }
    if a == Action::Export {
        crate::tui::update::authoring::open_export(app);
        return Some(vec![]);
    }
    if matches!(a, Action::EditValue | Action::EditCost) {
        if matches!(
            app.nav.step,
            crate::tui::steps::StepId::Valuation
                | crate::tui::steps::StepId::Classify
                | crate::tui::steps::StepId::List
        ) && !(a == Action::EditCost && app.nav.step == crate::tui::steps::StepId::Classify)
        {
            crate::tui::update::authoring::open_measure(app, a == Action::EditCost);
        } else {
            app.status =
                "v sets the value per customer (Classify, Valuation), $ the cost (Valuation)"
                    .into();
        }
        return Some(vec![]);
    }
    if a == Action::Edit && app.nav.step == crate::tui::steps::StepId::Classify {
        return Some(crate::tui::update::classify::choose(app));
    }
    if a == Action::Edit && app.nav.step == crate::tui::steps::StepId::Valuation {
        let v = &app.model.valuation;
        let pct = |x: f64| (x * 1e8).round() / 1e6;
        let text = format!(
            "{} %, {} %",
            pct(v.min_customer_share),
            pct(v.min_value_share)
        );
        app.edit.prompt = Some(Prompt::Edit(EditPrompt::new(0, Target::Thresholds, text)));
        return Some(vec![]);
    }
    None
}

/// Open the edit prompt on `target` of criterion `i`.
fn open_edit(app: &mut App, i: usize, target: Target) {
    let text = edit::initial_text(&app.model.criteria[i].criterion, target);
    app.edit.prompt = Some(Prompt::Edit(EditPrompt::new(i, target, text)));
}

/// An edit of the selected rule of criterion `i`.
fn rule_edit(app: &mut App, i: usize, a: Action) -> Vec<Effect> {
    let c = app.model.criteria[i].criterion.clone();
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
    }
}

/// A rule after rule `k` (a cut point after the selected one), selected, its edit opened.
fn add_rule(app: &mut App, i: usize, c: &Criterion, k: usize) -> Vec<Effect> {
    let at = if matches!(c.rule, Rule::Bins { .. }) {
        app.nav.edge
    } else {
        k
    };
    let (new, added) = edit::add_rule(c, at, nudge_step(&app.model.criteria[i].distribution));
    let effects = commit(app, i, new);
    match &app.model.criteria[i].criterion.rule {
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
            if bins {
                app.nav.edge = app.nav.edge.saturating_sub(1);
            } else {
                app.nav.rule = k.saturating_sub(1);
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

/// Keys while an edit prompt is open: typing re-checks the text at once; Enter applies a valid
/// text, Esc leaves everything as it was.
pub fn edit_prompt_key(app: &mut App, msg: &Message) -> Option<Vec<Effect>> {
    let Some(Prompt::Edit(p)) = app.edit.prompt.as_mut() else {
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
            app.edit.prompt = None;
            return Some(vec![]);
        }
        Message::Action(Action::NextPane) => {
            crate::tui::update::authoring::tab(app);
            return Some(vec![]);
        }
        Message::Action(Action::Confirm) => {
            let p = p.clone();
            return Some(match check(app, &p) {
                Ok(done) => {
                    app.edit.prompt = None;
                    finish(app, done)
                }
                Err(e) => {
                    if let Some(Prompt::Edit(open)) = app.edit.prompt.as_mut() {
                        open.error = Some(e);
                    }
                    app.status = "fix the text first (Esc cancels)".into();
                    vec![]
                }
            });
        }
        _ => return None,
    }
    // check what is typed now, against the columns and fields the rules can read
    let p = p.clone();
    let error = check(app, &p).err();
    if let Some(Prompt::Edit(open)) = app.edit.prompt.as_mut() {
        open.error = error;
    }
    app.status.clear();
    Some(vec![])
}

/// Check a prompt's text again (after completion, or when it opens with a suggestion).
pub fn recheck(app: &App, p: &mut EditPrompt) {
    p.error = check(app, p).err();
}

/// What a valid edit prompt does once Enter is pressed.
pub enum Done {
    /// Criterion `i` with its new rules.
    Rule(usize, crate::engine::rules::Criterion),
    Rename(usize, String),
    Thresholds(f64, f64),
    Role(String),
    Dates(chrono::NaiveDate, chrono::NaiveDate),
    /// The value (`cost` false) or cost per customer; None: the default.
    Measure {
        cost: bool,
        text: Option<String>,
    },
    /// A new criterion from this column (None: a rule list).
    NewFrom(Option<String>),
    /// A ready-made purchase-history criterion (`rfm`, `lifecycle`).
    Preset(String),
    /// Write the selected segment's customers to this file.
    Export(std::path::PathBuf),
}

/// The one check of a prompt's text, used as it is typed, on Enter and for a recovered edit.
pub fn check(app: &App, p: &EditPrompt) -> Result<Done, edit::EditError> {
    let gone = || edit::EditError {
        message: "that criterion is gone".into(),
        pos: None,
    };
    match p.target {
        Target::CriterionName => {
            let name = p.text.trim().to_string();
            check_name(app, p.criterion, &name)?;
            Ok(Done::Rename(p.criterion, name))
        }
        Target::Thresholds => edit::parse_thresholds(&p.text).map(|(c, v)| Done::Thresholds(c, v)),
        Target::Dates => edit::parse_dates(&p.text).map(|(a, b)| Done::Dates(a, b)),
        Target::Value | Target::Cost => {
            crate::tui::update::authoring::parse_measure(&p.text, &app.model.fields).map(|text| {
                Done::Measure {
                    cost: p.target == Target::Cost,
                    text,
                }
            })
        }
        Target::ExportPath => {
            crate::tui::update::authoring::check_export_path(app, &p.text).map(Done::Export)
        }
        Target::NewFrom => {
            let word = p.text.trim().to_lowercase();
            let presets = crate::tui::update::authoring::presets_here(app);
            if presets.contains(&word.as_str()) {
                Ok(Done::Preset(word))
            } else {
                crate::tui::update::authoring::check_column(&p.text, &app.model.fields)
                    .map(Done::NewFrom)
                    .map_err(|mut e| {
                        // a preset being typed: say which, rather than only "no column"
                        if let Some(n) = presets
                            .iter()
                            .find(|n| !word.is_empty() && n.starts_with(word.as_str()))
                        {
                            e.message = format!("{}; or the preset {n} (Tab completes)", e.message);
                        }
                        e
                    })
            }
        }
        Target::Role => crate::tui::update::classify::check_key(&p.text, app.model.profiled_orders)
            .map(Done::Role),
        target => {
            let view = app.model.criteria.get(p.criterion).ok_or_else(gone)?;
            edit::apply(&view.criterion, target, &p.text, &app.model.fields)
                .map(|c| Done::Rule(p.criterion, c))
        }
    }
}

/// Carry out a checked edit.
fn finish(app: &mut App, done: Done) -> Vec<Effect> {
    match done {
        Done::Rule(i, c) => commit(app, i, c),
        Done::Rename(i, name) => rename(app, i, name),
        Done::Thresholds(customers, value) => {
            let before = Change::Thresholds {
                customers: app.model.valuation.min_customer_share,
                value: app.model.valuation.min_value_share,
            };
            record(app, before);
            vec![Effect::Restructure {
                edit: edit::StructEdit::Thresholds { customers, value },
                old: None,
            }]
        }
        Done::Role(key) => {
            let column = app
                .model
                .profiles
                .get(app.nav.row)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            app.status = format!("saving {column} as {key}; the data is read again");
            vec![Effect::SetRole { key, column }]
        }
        Done::Measure { cost, text } => measure(app, cost, text),
        Done::NewFrom(None) => new_rule_list(app),
        Done::Preset(name) => preset(app, name),
        Done::NewFrom(Some(column)) => {
            let Some(step) = app.nav.step.criteria_step() else {
                return vec![];
            };
            app.status = format!("proposing a criterion from {column}…");
            vec![Effect::Propose { step, column }]
        }
        Done::Export(path) => crate::tui::update::authoring::export(app, path),
        Done::Dates(from, to) => {
            app.status = format!("computing moves from {from} to {to}…");
            vec![Effect::Transitions { from, to }]
        }
    }
}

/// Rename criterion `i` (undone by renaming it back).
fn rename(app: &mut App, i: usize, name: String) -> Vec<Effect> {
    let old = app
        .model
        .criteria
        .get(i)
        .map(|c| c.criterion.name.value.clone());
    if old.as_deref() == Some(name.as_str()) {
        return vec![];
    }
    app.edit.focus = Some(name.clone());
    if let Some(o) = &old {
        crate::tui::update::history::follow_rename(app, o, &name);
        record(
            app,
            Change::Rename {
                name: name.clone(),
                to: o.clone(),
            },
        );
    }
    vec![Effect::Restructure {
        edit: edit::StructEdit::Rename { index: i, name },
        old,
    }]
}

/// Set the value (`cost` false) or the cost per customer.
fn measure(app: &mut App, cost: bool, text: Option<String>) -> Vec<Effect> {
    let v = &app.model.valuation;
    let now =
        |x: &Option<crate::engine::rules::Spanned<String>>| x.as_ref().map(|s| s.value.clone());
    let (value, old_cost) = (now(&v.value), now(&v.cost));
    record(
        app,
        Change::Measures {
            value: value.clone(),
            cost: old_cost.clone(),
        },
    );
    let (value, cost) = if cost {
        (value, text)
    } else {
        (text, old_cost)
    };
    app.status = "valuing the customers again…".into();
    vec![Effect::Restructure {
        edit: edit::StructEdit::Measures { value, cost },
        old: None,
    }]
}

/// Propose the ready-made criterion `name`.
fn preset(app: &mut App, name: String) -> Vec<Effect> {
    let taken: Vec<String> = app.criterion_names();
    let data = crate::engine::rules::presets::PresetData {
        bins: app
            .model
            .scores
            .first()
            .map_or(5, |s| s.counts.len() as u32),
        valuable: app.clv.as_ref().and_then(|c| c.valuable),
    };
    match crate::engine::rules::presets::preset(&name, data, &taken) {
        Some(c) => {
            let added = c.name.value.clone();
            let fx = take_proposal(app, c);
            let what = crate::engine::rules::presets::PRESETS
                .iter()
                .find(|p| p.0 == name)
                .map_or("", |p| p.1);
            app.status = format!(
                "proposed \"{added}\": {what} — e edits a rule; Esc takes it back, any other key keeps it"
            );
            fx
        }
        None => {
            app.status =
                format!("{name} needs the predictive models: P in this step fits them first");
            vec![]
        }
    }
}
