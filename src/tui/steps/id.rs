//! Which steps there are, in the method's order: their names in code, and the criteria step each
//! screen edits.

use crate::engine::rules::Step;

/// How many steps there are.
pub const COUNT: usize = 9;

/// The steps of the wizard, in the method's order (what each is, draws and handles: its entry
/// in `steps::STEPS`, in the same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StepId {
    #[default]
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
    /// Every step, in order.
    pub const ALL: [StepId; COUNT] = [
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

    /// The criteria step this screen edits, if it is one.
    pub fn criteria_step(self) -> Option<Step> {
        match self {
            StepId::Demographic => Some(Step::Demographic),
            StepId::Geographic => Some(Step::Geographic),
            StepId::Psychographic => Some(Step::Psychographic),
            StepId::PurchaseHistory => Some(Step::PurchaseHistory),
            StepId::Benefits => Some(Step::Benefits),
            _ => None,
        }
    }

    /// The screen of criteria step `step`.
    pub fn of_criteria(step: Step) -> StepId {
        Self::ALL
            .into_iter()
            .find(|s| s.criteria_step() == Some(step))
            .unwrap_or_default()
    }

    /// Whether the screen goes through every criterion (the exclusivity check, valuation).
    pub fn shows_all_criteria(self) -> bool {
        matches!(self, StepId::Exclusivity | StepId::Valuation)
    }

    /// The step after this one (after the last, the first), or before it.
    pub fn next(self, forward: bool) -> StepId {
        let i = self.index();
        Self::from_index(if forward {
            (i + 1) % COUNT
        } else {
            (i + COUNT - 1) % COUNT
        })
    }
}
