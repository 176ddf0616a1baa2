//! The pure state transition: a message in, the new state and the effects to run out.

pub mod authoring;
mod classify;
pub(crate) mod edit;
pub mod history;
pub mod nudge;
pub mod open;
pub mod prompts;
pub mod settle;

use crate::engine::rules::{Criterion, Rule};
use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::{App, Pane, Prompt};
use crate::tui::steps::StepId;
use crate::tui::update::edit::{edit_action, edit_prompt_key, rule_count};

pub use crate::tui::state::effect::Effect;

/// Columns of the wide table on screen (after its first): the overlap matrix, cross-tab or moves.
fn wide_columns(app: &App) -> usize {
    let Some(i) = app.current_criterion() else {
        return 0;
    };
    let c = &app.model.criteria[i];
    match app.nav.step {
        StepId::Exclusivity => c.result.assignment.exclusivity.matched.len(),
        StepId::Valuation => match (&app.transitions, &app.crosstab) {
            (Some(tv), _) => tv
                .criteria
                .iter()
                .find(|t| t.criterion == c.criterion.name.value)
                .map_or(0, |t| t.to.len()),
            (None, Some((_, x))) => x.cols.len(),
            // the valuation table itself
            (None, None) => crate::tui::state::app::VALUATION_COLUMNS - 1,
        },
        // the segment table of a criteria step
        _ if app.nav.step.criteria_step().is_some() => crate::tui::state::app::SEGMENT_COLUMNS - 1,
        _ => 0,
    }
}

/// Rows a page moves: the terminal's height less the frame around the lists.
fn page(app: &App) -> usize {
    (app.nav.height as usize).saturating_sub(8).max(1)
}

fn rows_on_screen(app: &App) -> usize {
    match app.nav.step {
        StepId::List => app.model.n_customers,
        StepId::Classify => app.model.profiles.len(),
        _ => 0,
    }
}

fn count_here(app: &App) -> usize {
    match app.nav.step.criteria_step() {
        Some(st) => app.criteria_of(st).len(),
        None if matches!(app.nav.step, StepId::Exclusivity | StepId::Valuation) => {
            app.model.criteria.len()
        }
        None => 0,
    }
}

/// Replace criterion `i` in the state and ask for its recomputation and saving.
pub(super) fn change(app: &mut App, i: usize, c: Criterion) -> Vec<Effect> {
    app.model.criteria[i].criterion = c.clone();
    app.next_generation += 1;
    app.generation[i] = app.next_generation;
    app.status.clear();
    vec![
        Effect::Recompute {
            index: i,
            generation: app.next_generation,
            criterion: Box::new(c.clone()),
        },
        Effect::Save {
            criterion: Box::new(c),
        },
    ]
}

/// Apply one message.
pub fn update(app: &mut App, msg: Message) -> Vec<Effect> {
    let mut effects = match msg {
        Message::Key(k) => match crate::tui::key_message(app, &k) {
            Some(m) => step(app, m),
            None => vec![],
        },
        m => step(app, m),
    };
    // the text of an edit being typed is kept beside the workspace until it is applied or dropped
    if app.workspace.is_some() {
        let r = crate::tui::runtime::recovery::record(app);
        if r != app.recovery_written {
            app.recovery_written = r.clone();
            effects.push(Effect::KeepRecovery(r));
        }
    }
    effects
}

/// One message's change to the state, and what it asks the outside world to do.
fn step(app: &mut App, msg: Message) -> Vec<Effect> {
    if let Some(e) = edit_prompt_key(app, &msg) {
        return e;
    }
    if app.edit.prompt.is_some()
        && let Some(e) = crate::tui::update::prompts::prompt_key(app, &msg)
    {
        return e;
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
    use crate::tui::state::app::{Page, SegmentSort};
    match msg {
        Message::Evaluated {
            index,
            generation,
            result,
        } => evaluated(app, index, generation, result),
        Message::Reloaded(r) => {
            app.take_reload(*r);
            // "valuing the customers again…" and the like are done now
            if app.status.ends_with('…') {
                app.status.clear();
            }
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
                    app.crosstab = None;
                    app.transitions = Some(*t);
                }
                Err(e) => app.status = format!("no transitions: {e}"),
            }
            vec![]
        }
        Message::Notice(text) => {
            app.status = text;
            vec![]
        }
        Message::Proposed(r) => match r {
            Ok(c) => crate::tui::update::edit::take_proposal(app, *c),
            Err(e) => {
                app.status = format!("no criterion from that column: {e}");
                vec![]
            }
        },
        Message::Reread(why) => {
            if app.workspace.is_none() {
                app.status = format!("not applied: {why}");
                return vec![];
            }
            app.status = why;
            vec![Effect::Reopen]
        }
        Message::ReloadFailed(e) => {
            app.edit.focus = None;
            app.status = format!("not applied, the previous rules stay: {e}");
            vec![]
        }
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
                app.clv = Some(v);
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
    if index >= app.model.criteria.len() || generation < app.generation[index] {
        return vec![];
    }
    match result {
        Ok(mut view) => {
            if let Some((i, _, base)) = &app.edit.nudge_base
                && *i == index
            {
                view.result.previous = base.clone();
            }
            app.model.criteria[index] = *view;
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
    if let Some(e) = before(app, a) {
        return e;
    }
    if let Some(e) = edit_action(app, a) {
        return e;
    }
    if let Some(e) = crate::tui::steps::handle(app, a) {
        return e;
    }
    match a {
        Quit => app.quit = true,
        Suspend => return vec![Effect::Suspend],
        Help | Cancel | Teach | MaskPii => toggle(app, a),
        Step(_) | NextStep | PrevStep => go(app, a),
        Up | Down | PageUp | PageDown | Top | Bottom => return vertical(app, a),
        Left | Right | NextEdge | PrevEdge | ScrollLeft | ScrollRight | NextPane => {
            sideways(app, a)
        }
        Increase => return crate::tui::update::nudge::nudge(app, true),
        Decrease => return crate::tui::update::nudge::nudge(app, false),
        Undo | Redo => return crate::tui::update::history::step(app, a == Undo),
        Search => app.edit.prompt = Some(Prompt::Search(String::new())),
        Palette => app.edit.prompt = Some(Prompt::Palette(String::new())),
        Confirm => return crate::tui::update::open::confirm(app),
        Copy => return crate::tui::runtime::clipboard::copy(app),
        SettleData => return crate::tui::update::settle::settle(app),
        // the steps' own actions, pressed elsewhere: say where they work
        Explain | CrossTab | Transitions | Predict | Frequency => {
            app.status = elsewhere(a).into();
        }
        Edit | Rename | AddRule | DeleteRule | MoveRuleUp | MoveRuleDown | EditOtherwise
        | NewCriterion | RenameCriterion | DeleteCriterion | EditValue | EditCost | Export
        | Sort => {}
    }
    vec![]
}

/// What every key does first: Esc closes a page or takes a proposal back (then that is all it
/// does), and a key ends what only lasts until the next one (a message, help, a pending delete,
/// a run of nudges).
fn before(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    use Action::*;
    // Esc over a page closes the page first (a proposal made meanwhile is kept)
    if a == Cancel && app.page.is_some() {
        app.page = None;
        app.edit.proposal = None;
        return Some(vec![]);
    }
    // a proposed criterion: Esc takes it back (its add is undone), any other key keeps it
    if let Some(name) = app.edit.proposal.take()
        && a == Cancel
    {
        let effects = crate::tui::update::history::step(app, true);
        app.edit.redo.clear();
        app.status = format!("\"{name}\" taken back");
        return Some(effects);
    }
    // a message answers the key before; the next key starts afresh
    app.status.clear();
    if app.show_help
        && !matches!(
            a,
            Quit | Help | Cancel | Up | Down | PageUp | PageDown | Top | Bottom
        )
    {
        app.show_help = false;
    }
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
            app.show_help = false;
            app.teach_overlay = false;
            app.page = None;
            app.status.clear();
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
    let n = StepId::ALL.len();
    let s = match a {
        Action::Step(i) => usize::from(i).min(n - 1),
        Action::NextStep => (app.nav.step.index() + 1) % n,
        _ => (app.nav.step.index() + n - 1) % n,
    };
    app.nav.step = StepId::from_index(s);
    app.nav.row = 0;
    app.nav.edge = 0;
    app.nav.rule = 0;
    app.nav.hscroll = 0;
    app.nav.teach_scroll = 0;
    app.page = None;
    app.status.clear();
}

/// Up, down, a page, the top or the bottom: of a page over the view, of the segment table,
/// of the rules, or of the rows on screen.
fn vertical(app: &mut App, a: Action) -> Vec<Effect> {
    use Action::*;
    match a {
        Up | Down | PageUp | PageDown | Top | Bottom
            if let Some(n) = crate::tui::view::pages::popup_lines(app) =>
        {
            // a page over the view (teach, explain, record, frequencies) scrolls, not the view;
            // End shows its last page
            let rows = crate::tui::view::pages::rows(app);
            let (last, page) = (n.saturating_sub(rows) as u16, rows.max(1) as u16);
            let s = if app.teach_overlay && !app.show_help {
                &mut app.nav.teach_scroll
            } else {
                &mut app.nav.explain_scroll
            };
            *s = match a {
                Up => s.saturating_sub(1),
                Down => (*s + 1).min(last),
                PageUp => s.saturating_sub(page),
                PageDown => (*s + page).min(last),
                Top => 0,
                _ => last,
            };
        }
        Up | Down | Top | Bottom
            if app.nav.step.criteria_step().is_some() && app.nav.pane == Pane::Segments =>
        {
            let n = app
                .current_criterion()
                .map_or(0, |i| app.model.criteria[i].result.valuation.len());
            if n > 0 {
                app.nav.seg_row = match a {
                    Up => app.nav.seg_row.saturating_sub(1),
                    Down => (app.nav.seg_row + 1).min(n - 1),
                    Top => 0,
                    _ => n - 1,
                };
            }
        }
        Up | Down | Top | Bottom if app.nav.step.criteria_step().is_some() => {
            let n = rule_count(app);
            if n > 0 {
                app.nav.rule = match a {
                    Up => app.nav.rule.saturating_sub(1),
                    Down => (app.nav.rule + 1).min(n - 1),
                    Top => 0,
                    _ => n - 1,
                };
            }
        }
        Up | Down | PageUp | PageDown | Top | Bottom => {
            let n = rows_on_screen(app);
            if n == 0 {
                if matches!(a, Up | Down)
                    && matches!(app.nav.step, StepId::Exclusivity | StepId::Valuation)
                {
                    return action(app, if a == Up { Left } else { Right });
                }
                return vec![];
            }
            app.nav.row = match a {
                Up => app.nav.row.saturating_sub(1),
                Down => (app.nav.row + 1).min(n - 1),
                PageUp => app.nav.row.saturating_sub(page(app)),
                PageDown => (app.nav.row + page(app)).min(n - 1),
                Top => 0,
                _ => n - 1,
            };
        }
        _ => {}
    }
    vec![]
}

/// Left and right (the criterion shown), the cut point selected, sideways scrolling, the pane.
fn sideways(app: &mut App, a: Action) {
    use Action::*;
    match a {
        Left | Right => {
            let n = count_here(app);
            if n > 0 {
                let s = &mut app.nav.selected[app.nav.step.index()];
                *s = if a == Left {
                    (*s + n - 1) % n
                } else {
                    (*s + 1) % n
                };
                app.nav.edge = 0;
                app.nav.rule = 0;
                app.nav.seg_row = 0;
                app.nav.hscroll = 0;
                app.refresh_crosstab();
            }
        }
        NextEdge | PrevEdge => {
            if let Some(i) = app.current_criterion()
                && let Rule::Bins { edges, .. } = &app.model.criteria[i].criterion.rule
            {
                let n = edges.len();
                app.nav.edge = if a == NextEdge {
                    (app.nav.edge + 1) % n
                } else {
                    (app.nav.edge + n - 1) % n
                };
            }
        }
        ScrollLeft | ScrollRight => {
            if matches!(app.nav.step, StepId::Exclusivity | StepId::Valuation)
                || app.nav.step.criteria_step().is_some()
            {
                let most = wide_columns(app).saturating_sub(1);
                app.nav.hscroll = if a == ScrollLeft {
                    app.nav.hscroll.saturating_sub(1)
                } else {
                    (app.nav.hscroll + 1).min(most)
                };
            } else {
                app.status = "< > scroll the tables of steps 3 to 9 sideways".into();
            }
        }
        NextPane => {
            if app.nav.step.criteria_step().is_some() {
                app.nav.pane = match app.nav.pane {
                    Pane::Rules => Pane::Segments,
                    Pane::Segments => Pane::Rules,
                };
                app.nav.seg_row = 0;
            } else {
                app.status =
                    "Tab moves between the rules and the segment table on steps 3 to 7".into();
            }
        }
        _ => {}
    }
}

/// Where an action that belongs to another step works.
fn elsewhere(a: Action) -> &'static str {
    match a {
        Action::Explain => "x explains a customer: select one in step 1, List",
        Action::CrossTab => "the cross-tab is in step 9, Valuation, with two criteria or more",
        Action::Transitions => "transitions are in step 9, Valuation",
        Action::Predict => "P shows the predictive-value models: go to step 6, Purchase history",
        _ => "f counts the values of a column: pick one in step 2, Classify",
    }
}
