//! Where the user is in the wizard: the step, the selections, the scrolling, the terminal size.

pub use crate::tui::steps::id::StepId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Rules,
    Segments,
}

/// Where the user is and what is selected: kept apart from the model the engine sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Nav {
    pub step: StepId,
    /// The teach text's scroll, when it is a page over the view (narrow terminals).
    pub teach_scroll: u16,
    /// Terminal size, from resize events (the teach panel needs 110 columns; a page is a page).
    pub width: u16,
    pub height: u16,
    /// Columns of a wide table (overlap matrix, cross-tab, moves) scrolled past, `<` `>`.
    pub hscroll: usize,
    /// Selections: criterion per criteria step, row in the List, column in Classify, cut point.
    pub selected: [usize; crate::tui::steps::id::COUNT],
    pub row: usize,
    pub edge: usize,
    /// The selected rule (segment, group or bin label) of the criterion on screen.
    pub rule: usize,
    /// First line shown of a page over the view (and of the keys page).
    pub explain_scroll: u16,
    pub pane: Pane,
    /// The selected row of the segment table (when the segment pane has the focus).
    pub seg_row: usize,
}

impl Default for Nav {
    fn default() -> Nav {
        Nav {
            step: StepId::default(),
            teach_scroll: 0,
            width: 0,
            height: 0,
            hscroll: 0,
            selected: [0; crate::tui::steps::id::COUNT],
            row: 0,
            edge: 0,
            rule: 0,
            explain_scroll: 0,
            pane: Pane::Rules,
            seg_row: 0,
        }
    }
}

/// Where the user is: the step and the row, and the terminal's size; kept when the data is read
/// again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub step: StepId,
    pub row: usize,
    pub width: u16,
    pub height: u16,
}
