//! The pure state transition: a message in, the new state and the effects to run out.

pub mod authoring;

pub mod history;
pub mod keys;
pub mod overlay;
pub mod palette;
pub(crate) mod prompt;
pub mod recover;
pub mod reload;
pub mod settle;

use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::update::prompt::edit_prompt_key;

pub use crate::tui::state::effect::{Effect, Job};

/// Apply one message.
pub fn update(app: &mut App, msg: Message) -> Vec<Effect> {
    let undo_before = app.edit.undo.len();
    let mut effects = match msg {
        Message::Key(k) => match crate::tui::key_message(app, &k) {
            Some(m) => dispatch(app, m),
            None => vec![],
        },
        m => dispatch(app, m),
    };
    // an edit that recorded a step to undo: its file write knows which, to drop it if it fails
    if app.edit.undo.len() > undo_before {
        for e in &mut effects {
            if let Effect::Write { undo, .. } = e {
                *undo = Some(undo_before);
            }
        }
    }
    // the text of an edit being typed is kept beside the workspace until it is applied or dropped
    if app.workspace.is_some() {
        let r = crate::tui::state::recovery::unfinished(app);
        if r != app.recovery_written {
            app.recovery_written = r.clone();
            effects.push(Effect::KeepRecovery(r));
        }
    }
    effects
}

/// One message's change to the state, and what it asks the outside world to do.
fn dispatch(app: &mut App, msg: Message) -> Vec<Effect> {
    if let Some(e) = edit_prompt_key(app, &msg) {
        return e;
    }
    if app.edit.prompt.is_some()
        && let Some(typed) = crate::tui::update::palette::prompt_key(app, &msg)
    {
        return match typed {
            crate::tui::update::palette::Typed::Done(e) => e,
            crate::tui::update::palette::Typed::Run(a) => dispatch(app, Message::Action(a)),
        };
    }
    // an open prompt takes every key: no action reaches the screen behind it (but the end of
    // the terminal, or a signal, still quits: the text is in the recovery file)
    if app.edit.prompt.is_some()
        && let Message::Action(a) = msg
        && a != Action::Quit
    {
        app.status = "Enter applies, Esc or Ctrl-C cancels".into();
        return vec![];
    }
    match msg {
        Message::Loading(l) => {
            app.loading = l;
            vec![]
        }
        Message::Action(Action::Cancel) if app.loading.is_some() && app.edit.prompt.is_none() => {
            app.status = "cancelling the reading of the data…".into();
            vec![Effect::CancelLoad]
        }
        Message::FileChanged { path, text } => crate::tui::file_changed(app, &path, &text),
        Message::Resize(w, h) => {
            app.nav.width = w;
            app.nav.height = h;
            vec![]
        }
        Message::Char(_) | Message::Backspace | Message::Cursor(_) => vec![],
        Message::Action(a) => action(app, a),
        // keys are made actions (or characters) by `update` before they get here
        Message::Key(_) => vec![],
        result => engine_result(app, result),
    }
}

/// What the worker sends back: a criterion evaluated, the rules or the data read again, a page.
fn engine_result(app: &mut App, msg: Message) -> Vec<Effect> {
    match msg {
        Message::Evaluated {
            index,
            generation,
            result,
        } => evaluated(app, index, generation, result),
        Message::Reloaded(r) => {
            app.take_rules(*r);
            // "valuing the customers again…" and the like are done now
            if app.status.ends_with('…') {
                app.status.clear();
            }
            vec![]
        }
        Message::Pulled(model) => {
            pulled_again(app, *model);
            vec![]
        }
        Message::ColumnsRead(c) => {
            columns_read(app, c);
            vec![]
        }
        Message::Reopened(model) => {
            // the data was read again (roles changed, or a rule reads a text column as
            // numbers): a new model, the user stays where they were
            app.take_model(*model);
            app.status = "saved; the data was read again".into();
            vec![]
        }
        Message::Transitions(r) => {
            match r {
                Ok(t) => {
                    app.status = format!("moves from {} to {}", t.from, t.to);
                    app.screens.valuation.crosstab = None;
                    app.screens.valuation.transitions = Some(*t);
                }
                Err(e) => app.status = format!("no transitions: {e}"),
            }
            vec![]
        }
        Message::Notice(text) => {
            app.status = text;
            vec![]
        }
        Message::Saved { result, then, undo } => match result {
            Ok(()) => then.map(Effect::Engine).into_iter().collect(),
            Err(e) => {
                // an edit that is not in the file is no step to undo
                if let Some(k) = undo.filter(|k| *k < app.edit.undo.len()) {
                    app.edit.undo.remove(k);
                }
                app.status = format!("could not save: {e}; the change shows here, not in the file");
                vec![]
            }
        },
        Message::Proposed(r) => match r {
            Ok(c) => crate::tui::steps::criteria::rules::take_proposal(app, *c),
            Err(e) => {
                app.status = format!("no criterion from that column: {e}");
                vec![]
            }
        },
        Message::Reread(why) => reread(app, why),
        Message::ReloadFailed(e) => {
            app.edit.focus = None;
            app.status = format!("not applied, the previous rules stay: {e}");
            vec![]
        }
        page => page_result(app, page),
    }
}

/// A rule reads a text column as numbers or dates: the workspace is opened again (the demo,
/// which has no file, cannot be).
fn reread(app: &mut App, why: String) -> Vec<Effect> {
    if app.workspace.is_none() {
        app.status = format!("not applied: {why}");
        return vec![];
    }
    app.status = why;
    app.workspace
        .clone()
        .map(|path| vec![Effect::Engine(Job::Reopen { path })])
        .unwrap_or_default()
}

/// The columns left for after the first frame arrived: Classify shows them all, its
/// selection staying on the column it was on.
fn columns_read(app: &mut App, c: Result<Box<crate::tui::state::model::LateColumns>, String>) {
    let c = match c {
        Ok(c) => *c,
        Err(why) => {
            app.model.data.reading_late = false;
            app.status = format!(
                "the other columns were not read ({why}); the columns the rules read are shown"
            );
            return;
        }
    };
    let on = app
        .model
        .data
        .profiles
        .get(app.nav.row)
        .map(|p| p.name.clone());
    app.model.take_late(c);
    if app.nav.step == crate::tui::steps::id::StepId::Classify
        && let Some(row) = on.and_then(|n| app.model.data.profiles.iter().position(|p| p.name == n))
    {
        app.nav.row = row;
    }
    if app.status == READING_LATE || app.status == WAITING_FOR_LATE {
        app.status.clear();
    }
}

/// The status line while the columns left for after the first frame are read.
pub const READING_LATE: &str = "reading the other columns… (Classify fills in when they are read)";

/// The status line when what was asked for waits for those columns.
pub const WAITING_FOR_LATE: &str =
    "waiting for the other columns to be read… (what you asked for comes then)";

/// A page the worker filled (frequencies, a record, an explanation, the models), or why not.
fn page_result(app: &mut App, msg: Message) -> Vec<Effect> {
    use crate::tui::state::app::{Page, SegmentSort};
    match msg {
        Message::Frequency(r) => show_page(
            app,
            r.map(|(column, rows)| Page::Frequency(column, rows, SegmentSort::Customers)),
            "no frequency table",
        ),
        Message::Record(r) => show_page(
            app,
            r.map(|(id, fields)| Page::Record(id, fields)),
            "no record",
        ),
        Message::Explained(r) => show_page(app, r.map(|ex| Page::Explain(*ex)), "cannot explain"),
        Message::Predictive(r) => {
            let r = r.map(|v| {
                app.model.rules.clv = Some(v);
                app.status.clear();
                Page::Predictive
            });
            show_page(app, r, "no predictive value")
        }
        _ => vec![],
    }
}

/// A criterion evaluated again: shown unless a newer edit of it is pending.
fn evaluated(
    app: &mut App,
    index: usize,
    generation: u64,
    result: Result<Box<crate::tui::state::app::CriterionView>, String>,
) -> Vec<Effect> {
    // a newer edit of this criterion is pending: this result is stale
    if index >= app.model.rules.criteria.len() || generation < app.generation[index] {
        return vec![];
    }
    match result {
        Ok(mut view) => {
            if let Some((i, _, base)) = &app.edit.nudge_base
                && *i == index
            {
                view.result.previous = base.clone();
            }
            app.model.rules.criteria[index] = *view;
            app.refresh_crosstab();
        }
        Err(e) => app.status = format!("not applied, last good result kept: {e}"),
    }
    vec![]
}

/// Open a page over the view from the top, or say why there is none.
fn show_page(
    app: &mut App,
    page: Result<crate::tui::state::app::Page, String>,
    none: &str,
) -> Vec<Effect> {
    match page {
        Ok(p) => {
            app.page = Some(p);
            app.nav.explain_scroll = 0;
        }
        Err(e) => app.status = format!("{none}: {e}"),
    }
    vec![]
}

fn action(app: &mut App, a: Action) -> Vec<Effect> {
    use Action::*;
    // what is open over the step takes every key
    if let Some(o) = crate::tui::update::overlay::Overlay::on_top(app) {
        app.status.clear();
        app.edit.pending_delete = None;
        app.edit.nudge_base = None;
        return crate::tui::update::overlay::key(app, o, a);
    }
    if let Some(e) = before(app, a) {
        return e;
    }
    let had_prompt = app.edit.prompt.is_some();
    // the step's own keys first: it owns what they do on its screen
    let effects = if crate::tui::steps::keys::is_step_action(app, a) {
        crate::tui::steps::handle(app, a)
    } else {
        match a {
            Quit => app.quit = true,
            Suspend => return vec![Effect::Suspend],
            Help | Cancel | Teach => toggle(app, a),
            GoTo(_) | NextStep | PrevStep => go(app, a),
            Undo | Redo => return crate::tui::update::history::undo_redo(app, a == Undo),
            Palette => app.edit.prompt = Some(Prompt::Palette(String::new())),
            // finding a customer and masking work everywhere (said where they matter)
            Search => app.edit.prompt = Some(Prompt::Search(String::new())),
            MaskPii => crate::tui::steps::shared::mask_pii(app),
            SettleData if crate::tui::steps::keys::is_common(app, a) => {
                return crate::tui::update::settle::settle(app);
            }
            Repull if crate::tui::steps::keys::is_common(app, a) => {
                if let Some(path) = app.workspace.clone() {
                    app.status = "pulling the database tables again…".into();
                    return vec![Effect::Engine(Job::Repull { path })];
                }
            }
            _ => app.status = elsewhere(app, a),
        }
        vec![]
    };
    // a prompt a step opened is checked before it is drawn
    if !had_prompt && let Some(Prompt::Edit(mut p)) = app.edit.prompt.clone() {
        crate::tui::update::prompt::recheck(app, &mut p);
        app.edit.prompt = Some(Prompt::Edit(p));
    }
    effects
}

/// The database tables pulled again and the workspace opened on them: the new model, and the
/// rows each brought in the status line.
fn pulled_again(app: &mut App, model: crate::tui::state::model::Model) {
    app.take_model(model);
    let rows: Vec<String> = app
        .model
        .data
        .pulled
        .iter()
        .map(|s| {
            format!(
                "{} ({} rows)",
                s.what,
                crate::engine::format::thousands(s.rows)
            )
        })
        .collect();
    app.status = format!("pulled again: {}", rows.join(", "));
}

/// What every key does first: Esc takes a proposal back (then that is all it does), and a key
/// ends what only lasts until the next one (a message, a pending delete, a run of nudges).
fn before(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    use Action::*;
    // a proposed criterion: Esc takes it back (its add is undone), any other key keeps it
    if let Some(name) = app.edit.proposal.take()
        && a == Cancel
    {
        let effects = crate::tui::update::history::undo_redo(app, true);
        app.edit.redo.clear();
        app.status = format!("\"{name}\" taken back");
        return Some(effects);
    }
    // a message answers the key before; the next key starts afresh
    app.status.clear();
    if a != DeleteCriterion {
        app.edit.pending_delete = None;
    }
    // any other key ends a run of nudges (the change column then counts from the next one)
    if !matches!(a, Increase | Decrease) {
        app.edit.nudge_base = None;
    }
    None
}

/// Help, teach text and masking on and off; Esc closes what is open.
fn toggle(app: &mut App, a: Action) {
    use Action::*;
    match a {
        Help => {
            app.show_help = !app.show_help;
            app.nav.explain_scroll = 0;
        }
        Cancel => {
            let overlay = app.show_help || app.teach_overlay || app.page.is_some();
            app.show_help = false;
            app.teach_overlay = false;
            app.page = None;
            app.status.clear();
            // with nothing over Valuation, Esc closes its cross-tab or moves table
            if !overlay && app.nav.step == crate::tui::steps::StepId::Valuation {
                let v = &mut app.screens.valuation;
                if v.crosstab.take().is_some() | v.transitions.take().is_some() {
                    app.status = "closed the table under the segments".into();
                }
            }
        }
        Teach => {
            if app.nav.width >= crate::tui::state::app::TEACH_SIDE_MIN_W {
                app.prefs.show_teach = !app.prefs.show_teach;
                app.teach_overlay = false;
            } else if app.teach_overlay {
                // strip → page → off → strip
                app.teach_overlay = false;
                app.prefs.show_teach = false;
            } else if app.prefs.show_teach {
                app.teach_overlay = true;
                app.nav.teach_scroll = 0;
            } else {
                app.prefs.show_teach = true;
            }
        }
        MaskPii => {
            app.prefs.mask_pii = !app.prefs.mask_pii;
            app.status = if app.prefs.mask_pii {
                "personal data masked".into()
            } else {
                "personal data shown".into()
            };
        }
        _ => {}
    }
}

/// To a step: by its index, the next or the previous one (from the last, the first).
fn go(app: &mut App, a: Action) {
    app.nav.step = match a {
        Action::GoTo(i) => crate::tui::steps::id::StepId::from_index(usize::from(i)),
        Action::NextStep => app.nav.step.next(true),
        _ => app.nav.step.next(false),
    };
    app.nav.row = 0;
    app.nav.edge = 0;
    app.nav.rule = 0;
    app.nav.hscroll = 0;
    app.nav.teach_scroll = 0;
    app.page = None;
    app.status.clear();
}

/// What a key that does nothing on this screen says: where it works.
fn elsewhere(app: &App, a: Action) -> String {
    use Action::*;
    let key = app
        .prefs
        .keymap
        .keys_for(a)
        .into_iter()
        .next()
        .unwrap_or_default();
    let where_ = match a {
        Explain | Search => "in step 1, List, on a customer",
        Frequency => "in step 2, Classify, on a column",
        Predict => "in step 6, Purchase history, with buyers",
        CrossTab | Transitions | EditCost => "in step 9, Valuation",
        EditValue => "in steps 1, 2 and 9",
        MaskPii => "in steps 1 and 2",
        Edit | Rename | AddRule | DeleteRule | MoveRuleUp | MoveRuleDown | EditOtherwise
        | RenameCriterion | DeleteCriterion | NextPane | Export | Increase | Decrease
        | NextEdge | PrevEdge => "on a criterion of steps 3 to 7",
        NewCriterion => "in steps 3 to 7",
        SettleData => "when the data has bad values or rows a run would stop on",
        Repull => "when the workspace reads database tables",
        _ => "on another screen",
    };
    format!("{key} works {where_}; ? lists the keys of this one")
}
