//! The nine steps of the method: names, teach texts, and per step its view and its own actions.

pub mod benefits;
pub mod classify;
pub mod criteria;
pub mod demographic;
pub mod exclusivity;
pub mod geographic;
pub mod list;
pub mod psychographic;
pub mod purchase_history;
pub mod valuation;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::App;
use super::effect::Effect;
use super::message::Action;
use super::theme::Theme;
use crate::engine::rules::Step;

/// A step's own handling of an action; None leaves it to the handling every step shares.
pub fn handle(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    (app.step.spec().handle)(app, a)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepId {
    List,
    Classify,
    Demographic,
    Geographic,
    Psychographic,
    PurchaseHistory,
    Benefits,
    Exclusivity,
    Valuation,
}

impl StepId {
    pub const ALL: [StepId; 9] = [
        StepId::List,
        StepId::Classify,
        StepId::Demographic,
        StepId::Geographic,
        StepId::Psychographic,
        StepId::PurchaseHistory,
        StepId::Benefits,
        StepId::Exclusivity,
        StepId::Valuation,
    ];

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn from_index(i: usize) -> StepId {
        Self::ALL[i.min(Self::ALL.len() - 1)]
    }

    /// The step's entry in [`STEPS`].
    pub fn spec(self) -> &'static StepSpec {
        &STEPS[self.index()]
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// The criteria step this screen edits, if it is one.
    pub fn criteria_step(self) -> Option<Step> {
        self.spec().criteria
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

/// What makes a step: its title, the criteria it edits (if any), its teach text, its view and
/// its own actions. A new step is a module and one entry here (and one in [`StepId`]).
pub struct StepSpec {
    pub id: StepId,
    pub title: &'static str,
    pub criteria: Option<Step>,
    pub teach: &'static str,
    pub draw: fn(&mut Frame, Rect, &App, &Theme),
    pub handle: fn(&mut App, Action) -> Option<Vec<Effect>>,
}

/// For steps without actions of their own.
fn no_actions(_: &mut App, _: Action) -> Option<Vec<Effect>> {
    None
}

/// The steps of the method, in their order (the same as [`StepId::ALL`]).
pub static STEPS: [StepSpec; 9] = [
    StepSpec {
        id: StepId::List,
        title: "List",
        criteria: None,
        teach: list::TEACH,
        draw: list::draw,
        handle: list::handle,
    },
    StepSpec {
        id: StepId::Classify,
        title: "Classify",
        criteria: None,
        teach: classify::TEACH,
        draw: classify::draw,
        handle: classify::handle,
    },
    StepSpec {
        id: StepId::Demographic,
        title: "Demographic",
        criteria: Some(Step::Demographic),
        teach: demographic::TEACH,
        draw: demographic::draw,
        handle: criteria::handle,
    },
    StepSpec {
        id: StepId::Geographic,
        title: "Geographic",
        criteria: Some(Step::Geographic),
        teach: geographic::TEACH,
        draw: geographic::draw,
        handle: criteria::handle,
    },
    StepSpec {
        id: StepId::Psychographic,
        title: "Psychographic",
        criteria: Some(Step::Psychographic),
        teach: psychographic::TEACH,
        draw: psychographic::draw,
        handle: criteria::handle,
    },
    StepSpec {
        id: StepId::PurchaseHistory,
        title: "Purchase history",
        criteria: Some(Step::PurchaseHistory),
        teach: purchase_history::TEACH,
        draw: purchase_history::draw,
        handle: purchase_history::handle,
    },
    StepSpec {
        id: StepId::Benefits,
        title: "Benefits",
        criteria: Some(Step::Benefits),
        teach: benefits::TEACH,
        draw: benefits::draw,
        handle: criteria::handle,
    },
    StepSpec {
        id: StepId::Exclusivity,
        title: "Exclusivity check",
        criteria: None,
        teach: exclusivity::TEACH,
        draw: exclusivity::draw,
        handle: no_actions,
    },
    StepSpec {
        id: StepId::Valuation,
        title: "Valuation",
        criteria: None,
        teach: valuation::TEACH,
        draw: valuation::draw,
        handle: valuation::handle,
    },
];

/// Done, needs attention, or not started: the mark in the step list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Done,
    Attention,
    Todo,
}

pub fn mark(app: &App, s: StepId) -> Mark {
    use crate::engine::eval::criteria::Verdict;
    match s {
        StepId::List => Mark::Done,
        StepId::Classify => {
            if app.suggestions.is_empty() {
                Mark::Todo
            } else {
                Mark::Done
            }
        }
        StepId::Exclusivity => {
            if app
                .criteria
                .iter()
                .any(|c| c.result.assignment.exclusivity.verdict == Verdict::Overlapping)
            {
                Mark::Attention
            } else if app.criteria.is_empty() {
                Mark::Todo
            } else {
                Mark::Done
            }
        }
        StepId::Valuation => {
            if app.criteria.iter().any(|c| {
                c.result
                    .valuation
                    .iter()
                    .any(|v| !v.worth_marketing && v.customers > 0)
            }) {
                Mark::Attention
            } else if app.criteria.is_empty() {
                Mark::Todo
            } else {
                Mark::Done
            }
        }
        _ => {
            let st = s.criteria_step().expect("criteria step");
            let idx = app.criteria_of(st);
            if idx.is_empty() {
                Mark::Todo
            } else if idx.iter().any(|&i| {
                app.criteria[i].result.assignment.exclusivity.verdict == Verdict::Overlapping
            }) {
                Mark::Attention
            } else {
                Mark::Done
            }
        }
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
