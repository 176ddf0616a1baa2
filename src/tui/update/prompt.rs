//! The editing half of `update`: rule selection, edit prompts checked as typed, add / delete / move.

use crate::tui::input::message::{Action, CursorMove, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::editing::Change;
use crate::tui::state::effect::{Effect, Job};
use crate::tui::state::prompt::{self as edit, EditPrompt, Target};

/// A criterion name as typed, checked against the other criteria's names.
fn check_name(app: &App, i: usize, text: &str) -> Result<(), edit::EditError> {
    let others: Vec<String> = app
        .model
        .rules
        .criteria
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != i)
        .map(|(_, c)| c.criterion.name.value.clone())
        .collect();
    edit::check_criterion_name(text, &others)
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
            CursorMove::ClearToStart => p.clear_to_start(),
            CursorMove::DeleteWord => p.delete_word(),
        },
        Message::Action(Action::Cancel) => {
            app.edit.prompt = None;
            return Some(vec![]);
        }
        Message::Action(Action::NextPane) => {
            // a characteristic's Tab lists them all while the pre-filled text is selected
            p.selected &= p.target == Target::Characteristic;
            tab(app);
            return Some(vec![]);
        }
        Message::Action(Action::Confirm) => {
            let p = p.clone();
            return Some(match check(app, &p) {
                Ok(done) => {
                    app.edit.prompt = None;
                    let group = group_edit(app, &p, &done);
                    let effects = finish(app, done);
                    if let Some((moves, at)) = group {
                        // the group edited stays selected when groups before it went
                        if let Some(k) = at {
                            app.nav.rule = k;
                        }
                        if !moves.is_empty() {
                            app.status = moves.join("; ");
                        }
                    }
                    effects
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

/// An edit of map group `k`'s values: what it took from other groups (said in the status line)
/// and where the group is once groups emptied by it went.
fn group_edit(app: &App, p: &EditPrompt, done: &Done) -> Option<(Vec<String>, Option<usize>)> {
    let (Target::Values(k), Done::Rule(i, new)) = (p.target, done) else {
        return None;
    };
    let old = &app.model.rules.criteria.get(*i)?.criterion;
    let name = old.rule.labels().get(k).cloned();
    let at = new
        .rule
        .labels()
        .iter()
        .position(|l| Some(l) == name.as_ref());
    Some((edit::map_moves(old, new), at))
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
    /// The selected column's characteristic, and the `[columns]` key typed for it.
    Characteristic(
        crate::engine::rules::characteristics::Characteristic,
        Option<String>,
    ),
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
            crate::tui::update::authoring::parse_measure(&p.text, &app.model.rules.fields).map(
                |text| Done::Measure {
                    cost: p.target == Target::Cost,
                    text,
                },
            )
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
                crate::tui::update::authoring::check_column(&p.text, &app.model.rules.fields)
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
        Target::Characteristic => crate::tui::steps::classify::characteristics::check_typed(
            &p.text,
            app.model.data.profiled_orders,
        )
        .map(|(k, role)| Done::Characteristic(k, role)),
        target => {
            let view = app.model.rules.criteria.get(p.criterion).ok_or_else(gone)?;
            edit::apply(&view.criterion, target, &p.text, &app.model.rules.fields)
                .map(|c| Done::Rule(p.criterion, c))
        }
    }
}

/// Carry out a checked edit.
fn finish(app: &mut App, done: Done) -> Vec<Effect> {
    match done {
        Done::Rule(i, c) => app.commit(i, c),
        Done::Rename(i, name) => rename(app, i, name),
        Done::Thresholds(customers, value) => {
            let before = Change::Thresholds {
                customers: app.model.rules.valuation.min_customer_share,
                value: app.model.rules.valuation.min_value_share,
            };
            app.edit.remember(before);
            vec![Effect::restructure(
                edit::StructEdit::Thresholds { customers, value },
                None,
            )]
        }
        Done::Characteristic(kind, role) => {
            crate::tui::steps::classify::characteristics::confirm_typed(app, kind, role)
        }
        Done::Measure { cost, text } => measure(app, cost, text),
        Done::NewFrom(None) => crate::tui::steps::criteria::rules::new_rule_list(app),
        Done::Preset(name) => preset(app, name),
        Done::NewFrom(Some(column)) => {
            let Some(step) = app.nav.step.criteria_step() else {
                return vec![];
            };
            let age = crate::tui::steps::classify::characteristics::confirmed(app, &column)
                == Some(crate::engine::rules::characteristics::Characteristic::BirthYear);
            app.status = if age {
                format!("proposing age bands from the birth years in {column}…")
            } else {
                format!("proposing a criterion from {column}…")
            };
            vec![Effect::Engine(Job::Propose { step, column, age })]
        }
        Done::Export(path) => crate::tui::update::authoring::export(app, path),
        Done::Dates(from, to) => {
            app.status = format!("computing moves from {from} to {to}…");
            vec![Effect::Engine(Job::Transitions { from, to })]
        }
    }
}

/// Rename criterion `i` (undone by renaming it back).
fn rename(app: &mut App, i: usize, name: String) -> Vec<Effect> {
    let old = app
        .model
        .rules
        .criteria
        .get(i)
        .map(|c| c.criterion.name.value.clone());
    if old.as_deref() == Some(name.as_str()) {
        return vec![];
    }
    app.edit.focus = Some(name.clone());
    if let Some(o) = &old {
        crate::tui::update::history::follow_rename(app, o, &name);
        app.edit.remember(Change::Rename {
            name: name.clone(),
            to: o.clone(),
        });
    }
    vec![Effect::restructure(
        edit::StructEdit::Rename { index: i, name },
        old,
    )]
}

/// Set the value (`cost` false) or the cost per customer.
fn measure(app: &mut App, cost: bool, text: Option<String>) -> Vec<Effect> {
    let v = &app.model.rules.valuation;
    let now =
        |x: &Option<crate::engine::rules::Spanned<String>>| x.as_ref().map(|s| s.value.clone());
    let (value, old_cost) = (now(&v.value), now(&v.cost));
    app.edit.remember(Change::Measures {
        value: value.clone(),
        cost: old_cost.clone(),
    });
    let (value, cost) = if cost {
        (value, text)
    } else {
        (text, old_cost)
    };
    app.status = "valuing the customers again…".into();
    vec![Effect::restructure(
        edit::StructEdit::Measures { value, cost },
        None,
    )]
}

/// Propose the ready-made criterion `name`.
fn preset(app: &mut App, name: String) -> Vec<Effect> {
    let taken: Vec<String> = app.criterion_names();
    let data = crate::engine::rules::presets::PresetData {
        bins: app
            .model
            .rules
            .scores
            .first()
            .map_or(5, |s| s.counts.len() as u32),
        valuable: app.model.rules.clv.as_ref().and_then(|c| c.valuable),
    };
    match crate::engine::rules::presets::preset(&name, data, &taken) {
        Some(c) => {
            let added = c.name.value.clone();
            let fx = crate::tui::steps::criteria::rules::take_proposal(app, c);
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

/// Tab in an edit prompt that takes names: complete the word before the cursor, and list what
/// else it could be.
pub fn tab(app: &mut App) {
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        return;
    };
    if p.target == Target::Characteristic {
        crate::tui::steps::classify::characteristics::complete(app);
        return;
    }
    if matches!(
        p.target,
        Target::Thresholds | Target::Dates | Target::Name(_) | Target::Edges
    ) {
        return;
    }
    let mut names = app.model.rules.fields.clone();
    if p.target == Target::NewFrom {
        names.extend(
            crate::tui::update::authoring::presets_here(app)
                .into_iter()
                .map(|n| (n.to_string(), crate::engine::eval::frame::DType::Text)),
        );
    }
    let (text, at, mut more) = crate::tui::update::authoring::complete(&p.text, p.cursor, &names);
    if p.target == Target::NewFrom {
        // the columns step 2 confirmed for this step come first
        let offer = crate::tui::steps::criteria::rules::offered(app);
        more.sort_by_key(|n| !offer.contains(n));
    }
    let Some(Prompt::Edit(p)) = &mut app.edit.prompt else {
        return;
    };
    p.text = text;
    p.cursor = at;
    app.status = match more.len() {
        0 => String::new(),
        n => format!(
            "{n} names fit: {}{}",
            more.iter().take(8).cloned().collect::<Vec<_>>().join(" "),
            if n > 8 { " …" } else { "" }
        ),
    };
    let p = app.edit.prompt.clone();
    if let Some(Prompt::Edit(mut p)) = p {
        recheck(app, &mut p);
        app.edit.prompt = Some(Prompt::Edit(p));
    }
}
