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
    match app.step {
        StepId::List => list::handle(app, a),
        StepId::Classify => classify::handle(app, a),
        StepId::PurchaseHistory => purchase_history::handle(app, a),
        StepId::Valuation => valuation::handle(app, a),
        s if s.criteria_step().is_some() => criteria::handle(app, a),
        _ => None,
    }
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
        Self::ALL[i.min(8)]
    }

    pub fn title(self) -> &'static str {
        match self {
            StepId::List => "List",
            StepId::Classify => "Classify",
            StepId::Demographic => "Demographic",
            StepId::Geographic => "Geographic",
            StepId::Psychographic => "Psychographic",
            StepId::PurchaseHistory => "Purchase history",
            StepId::Benefits => "Benefits",
            StepId::Exclusivity => "Exclusivity check",
            StepId::Valuation => "Valuation",
        }
    }

    /// The criteria step this screen edits, if it is one.
    pub fn criteria_step(self) -> Option<Step> {
        Some(match self {
            StepId::Demographic => Step::Demographic,
            StepId::Geographic => Step::Geographic,
            StepId::Psychographic => Step::Psychographic,
            StepId::PurchaseHistory => Step::PurchaseHistory,
            StepId::Benefits => Step::Benefits,
            _ => return None,
        })
    }

    /// The teach panel: why the step matters, what to look for, common mistakes.
    pub fn teach(self) -> &'static str {
        match self {
            StepId::List => list::TEACH,
            StepId::Classify => classify::TEACH,
            StepId::Demographic => demographic::TEACH,
            StepId::Geographic => geographic::TEACH,
            StepId::Psychographic => psychographic::TEACH,
            StepId::PurchaseHistory => purchase_history::TEACH,
            StepId::Benefits => benefits::TEACH,
            StepId::Exclusivity => exclusivity::TEACH,
            StepId::Valuation => valuation::TEACH,
        }
    }

    /// Draw the step's main view.
    pub fn draw(self, f: &mut Frame, area: Rect, app: &App, t: &Theme) {
        match self {
            StepId::List => list::draw(f, area, app, t),
            StepId::Classify => classify::draw(f, area, app, t),
            StepId::Demographic => demographic::draw(f, area, app, t),
            StepId::Geographic => geographic::draw(f, area, app, t),
            StepId::Psychographic => psychographic::draw(f, area, app, t),
            StepId::PurchaseHistory => purchase_history::draw(f, area, app, t),
            StepId::Benefits => benefits::draw(f, area, app, t),
            StepId::Exclusivity => exclusivity::draw(f, area, app, t),
            StepId::Valuation => valuation::draw(f, area, app, t),
        }
    }
}

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
