//! Which actions work where: the ones every screen has, each step's own (with what they are
//! called there), and the keys of the current screen for the footer, `?` and the palette.

use crate::engine::rules::Rule;
use crate::tui::input::action::Action::{self, *};
use crate::tui::input::actions::{ACTIONS, spec};
use crate::tui::state::app::App;
use crate::tui::state::nav::StepId;

/// An action on a screen: when it does something there, and what the footer and `?` call it
/// there ("" for the table's own words).
pub struct On {
    pub action: Action,
    pub when: fn(&App) -> bool,
    /// Whether the footer and `?` list it (it may work without being said).
    pub shown: fn(&App) -> bool,
    pub short: &'static str,
    pub help: &'static str,
}

impl On {
    /// `action` whenever the screen shows, in the table's words.
    pub const fn always(action: Action) -> On {
        On {
            action,
            when: |_| true,
            shown: |_| true,
            short: "",
            help: "",
        }
    }

    /// `action` when `when` says so, in the table's words.
    pub const fn when(action: Action, when: fn(&App) -> bool) -> On {
        On {
            action,
            when,
            shown: when,
            short: "",
            help: "",
        }
    }

    /// The same, listed in the footer and `?` only when `shown` says so.
    pub const fn shown(self, shown: fn(&App) -> bool) -> On {
        On { shown, ..self }
    }

    /// The same, called `short` in the footer and `help` in `?` on this screen.
    pub const fn named(
        action: Action,
        when: fn(&App) -> bool,
        short: &'static str,
        help: &'static str,
    ) -> On {
        On {
            action,
            when,
            shown: when,
            short,
            help,
        }
    }
}

/// The data has bad values or rows a run would stop on.
fn unsettled(a: &App) -> bool {
    !a.model.data.unsettled().is_empty()
}

/// The workspace reads database tables (pulled into local copies).
fn pulls(a: &App) -> bool {
    !a.model.data.pulled.is_empty()
}

/// What every screen has.
pub static COMMON: &[On] = &[
    On::always(Help),
    On::always(Quit),
    On::always(Teach),
    On::when(SettleData, unsettled),
    On::when(Repull, pulls),
    On::always(NextStep),
    On::always(PrevStep),
    On::always(Undo),
    On::always(Redo),
    On::always(GoTo(0)),
    On::always(Palette),
    On::always(Cancel),
    On::always(Suspend),
];

/// Never said (an action that works without being listed).
pub fn never(_: &App) -> bool {
    false
}

/// A criterion on screen (a criteria step with one).
pub fn criterion(a: &App) -> bool {
    a.nav.step.criteria_step().is_some() && a.current_criterion().is_some()
}

/// A `bins` criterion on screen.
pub fn bins(a: &App) -> bool {
    a.nav.step.criteria_step().is_some()
        && a.current_criterion()
            .is_some_and(|i| matches!(a.model.rules.criteria[i].criterion.rule, Rule::Bins { .. }))
}

/// The step's own entry for `a`, when `a` works on its screen now.
fn own(app: &App, a: Action) -> Option<&'static On> {
    let a = if matches!(a, GoTo(_)) { GoTo(0) } else { a };
    app.nav
        .step
        .spec()
        .keys
        .iter()
        .flat_map(|l| l.iter())
        .find(|o| o.action == a && (o.when)(app))
}

/// Whether `a` belongs to the current step's screen (its handler takes it).
pub fn is_step_action(app: &App, a: Action) -> bool {
    own(app, a).is_some()
}

/// Whether `a` works on every screen (now).
pub fn is_common(app: &App, a: Action) -> bool {
    let a = if matches!(a, GoTo(_)) { GoTo(0) } else { a };
    COMMON.iter().any(|o| o.action == a && (o.when)(app))
}

/// The actions that do something on the current screen and are said there, in the table's
/// order.
pub fn on_screen(app: &App) -> Vec<Action> {
    ACTIONS
        .iter()
        .map(|s| s.action)
        .filter(|&a| {
            COMMON.iter().any(|o| o.action == a && (o.shown)(app))
                || own(app, a).is_some_and(|o| (o.shown)(app))
        })
        .collect()
}

/// What step `on` calls `a`, in `?`: its own words, or the table's.
pub fn help_on(a: Action, on: StepId) -> &'static str {
    on.spec()
        .keys
        .iter()
        .flat_map(|l| l.iter())
        .find(|o| o.action == a && !o.help.is_empty())
        .map_or_else(|| spec(a).map_or("", |s| s.help), |o| o.help)
}

/// What step `on` calls `a` in the footer: its own word, or the table's.
pub fn short_on(a: Action, on: StepId) -> &'static str {
    on.spec()
        .keys
        .iter()
        .flat_map(|l| l.iter())
        .find(|o| o.action == a && !o.short.is_empty())
        .map_or_else(|| spec(a).map_or("", |s| s.short), |o| o.short)
}
