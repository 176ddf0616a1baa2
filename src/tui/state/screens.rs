//! What a step keeps of its own between frames: how its tables are sorted, what it shows beside
//! them. Each step's part survives a reload; what was computed from the old rules is dropped.

use crate::engine::eval::valuation::CrossTab;
use crate::tui::state::ranking::{ListSort, SegmentSort};
use crate::tui::state::views::TransitionView;

/// Every step's own state.
#[derive(Debug, Clone, Default)]
pub struct Screens {
    pub list: ListScreen,
    pub criteria: CriteriaScreen,
    pub valuation: ValuationScreen,
}

/// The List: the order of the customers.
#[derive(Debug, Clone, Default)]
pub struct ListScreen {
    pub sort: ListSort,
}

/// The criteria steps: the order of the segment tables (`s`).
#[derive(Debug, Clone, Default)]
pub struct CriteriaScreen {
    pub sort: SegmentSort,
}

/// Valuation: the table's order (`s`), and what it shows under the segments.
#[derive(Debug, Clone, Default)]
pub struct ValuationScreen {
    pub sort: SegmentSort,
    /// The selected row of the table (in its order), the segment `w` writes.
    pub row: usize,
    /// Transitions between two dates.
    pub transitions: Option<TransitionView>,
    /// The cross-tab of the selected criterion with another one (by index).
    pub crosstab: Option<(usize, CrossTab)>,
}
