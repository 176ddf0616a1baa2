//! The steps of the method: per step its name, teach text, view, own actions and mark.

pub mod benefits;
pub mod classify;
pub mod criteria;
pub mod demographic;
pub mod exclusivity;
pub mod geographic;
pub mod id;
pub mod keys;
pub mod list;
pub mod psychographic;
pub mod purchase_history;
pub mod reference;
pub mod shared;
pub mod valuation;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::input::action::Action;
use crate::tui::state::app::App;
use crate::tui::state::effect::Effect;
use crate::tui::view::theme::Theme;

/// A step's own handling of an action on its screen (see [`keys::is_step_action`]).
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    (app.nav.step.spec().handle)(app, a)
}

pub use id::StepId;

/// What a step is, from its entry in [`STEPS`].
impl StepId {
    /// The step's entry in [`STEPS`].
    pub fn spec(self) -> &'static StepSpec {
        &STEPS[self.index()]
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// The teach panel: why the step matters, what to look for, common mistakes.
    pub fn teach(self) -> &'static str {
        self.spec().teach
    }

    /// Draw the step's main view.
    pub fn draw(self, f: &mut Frame, area: Rect, app: &App, t: &Theme) {
        (self.spec().draw)(f, area, app, t)
    }
}

/// What makes a step: its title, the criteria it edits (if any), its teach text, its view, its
/// own actions and its mark in the step list. A new step is a module, its name in [`StepId`]
/// and one entry in [`STEPS`]; the keys, the step list, `n`/`p` and the palette follow.
pub struct StepSpec {
    pub id: StepId,
    pub title: &'static str,
    pub teach: &'static str,
    pub draw: fn(&mut Frame, Rect, &App, &Theme),
    /// The step's own keys: its handler takes them; the footer, `?`, the palette and the key
    /// table of docs/wizard.md list them (with what they are called here).
    pub keys: &'static [&'static [keys::On]],
    pub handle: fn(&mut App, Action) -> Vec<Effect>,
    pub mark: fn(&App, StepId) -> Mark,
}

/// The steps of the method, in their order.
pub const STEPS: &[StepSpec] = &[
    StepSpec {
        id: StepId::List,
        title: "List",
        teach: list::TEACH,
        draw: list::draw,
        keys: &[list::KEYS],
        handle: list::handle,
        mark: done,
    },
    StepSpec {
        id: StepId::Classify,
        title: "Classify",
        teach: classify::TEACH,
        draw: classify::draw,
        keys: &[classify::KEYS],
        handle: classify::handle,
        mark: classify_mark,
    },
    StepSpec {
        id: StepId::Demographic,
        title: "Demographic",
        teach: demographic::TEACH,
        draw: demographic::draw,
        keys: &[criteria::keys::KEYS],
        handle: criteria::keys::handle,
        mark: criteria_mark,
    },
    StepSpec {
        id: StepId::Geographic,
        title: "Geographic",
        teach: geographic::TEACH,
        draw: geographic::draw,
        keys: &[criteria::keys::KEYS],
        handle: criteria::keys::handle,
        mark: criteria_mark,
    },
    StepSpec {
        id: StepId::Psychographic,
        title: "Psychographic",
        teach: psychographic::TEACH,
        draw: psychographic::draw,
        keys: &[criteria::keys::KEYS],
        handle: criteria::keys::handle,
        mark: criteria_mark,
    },
    StepSpec {
        id: StepId::PurchaseHistory,
        title: "Purchase history",
        teach: purchase_history::TEACH,
        draw: purchase_history::draw,
        keys: &[criteria::keys::KEYS, purchase_history::KEYS],
        handle: purchase_history::handle,
        mark: criteria_mark,
    },
    StepSpec {
        id: StepId::Benefits,
        title: "Benefits",
        teach: benefits::TEACH,
        draw: benefits::draw,
        keys: &[criteria::keys::KEYS],
        handle: criteria::keys::handle,
        mark: criteria_mark,
    },
    StepSpec {
        id: StepId::Exclusivity,
        title: "Exclusivity check",
        teach: exclusivity::TEACH,
        draw: exclusivity::draw,
        keys: &[exclusivity::KEYS],
        handle: exclusivity::handle,
        mark: exclusivity_mark,
    },
    StepSpec {
        id: StepId::Valuation,
        title: "Valuation",
        teach: valuation::TEACH,
        draw: valuation::draw,
        keys: &[valuation::KEYS],
        handle: valuation::handle,
        mark: valuation_mark,
    },
];

/// Done, needs attention, or not started: the mark in the step list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Done,
    Attention,
    Todo,
}

/// The mark of step `s` in the step list.
pub fn mark(app: &App, s: StepId) -> Mark {
    (s.spec().mark)(app, s)
}

fn done(_: &App, _: StepId) -> Mark {
    Mark::Done
}

fn classify_mark(app: &App, _: StepId) -> Mark {
    if !app.model.data.unsettled().is_empty() {
        // bad values or rows a run would stop on
        Mark::Attention
    } else if app.model.data.profiles.is_empty()
        || crate::tui::steps::classify::characteristics::to_confirm(app) > 0
    {
        // done once every column has its characteristic (ignore counts)
        Mark::Todo
    } else {
        Mark::Done
    }
}

fn overlapping(app: &App, i: usize) -> bool {
    use crate::engine::eval::criteria::Verdict;
    app.model.rules.criteria[i]
        .result
        .assignment
        .exclusivity
        .verdict
        == Verdict::Overlapping
}

fn exclusivity_mark(app: &App, _: StepId) -> Mark {
    if (0..app.model.rules.criteria.len()).any(|i| overlapping(app, i)) {
        Mark::Attention
    } else if app.model.rules.criteria.is_empty() {
        Mark::Todo
    } else {
        Mark::Done
    }
}

fn valuation_mark(app: &App, _: StepId) -> Mark {
    let not_worth = app.model.rules.criteria.iter().any(|c| {
        c.result
            .valuation
            .iter()
            .any(|v| !v.worth_marketing && !v.rest && v.customers > 0)
    });
    if not_worth {
        Mark::Attention
    } else if app.model.rules.criteria.is_empty() {
        Mark::Todo
    } else {
        Mark::Done
    }
}

/// A criteria step: to do without criteria, attention when one overlaps under `strict`.
fn criteria_mark(app: &App, s: StepId) -> Mark {
    let idx = s
        .criteria_step()
        .map(|st| app.criteria_of(st))
        .unwrap_or_default();
    if idx.is_empty() {
        Mark::Todo
    } else if idx.iter().any(|&i| overlapping(app, i)) {
        Mark::Attention
    } else {
        Mark::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_steps_follows_their_order() {
        assert_eq!(STEPS.len(), StepId::ALL.len());
        for (spec, id) in STEPS.iter().zip(StepId::ALL) {
            assert_eq!(spec.id, id);
            assert_eq!(id.spec().title, spec.title);
        }
    }
}
