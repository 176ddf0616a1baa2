//! Everything that can happen to the app: user actions (from the keymap) and engine results.

use serde::Deserialize;

use crate::tui::state::app::CriterionView;

/// What a key does; keymaps bind keys to these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Teach,
    /// Jump to the step at this index of `StepId::ALL` (keymaps name them `step1`, `step2`, …).
    #[serde(skip)]
    Step(u8),
    NextStep,
    PrevStep,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Increase,
    Decrease,
    NextEdge,
    PrevEdge,
    Undo,
    Redo,
    Search,
    Palette,
    Explain,
    MaskPii,
    Cancel,
    Confirm,
    /// Edit the selected rule: its condition, the cut points or the group's values.
    Edit,
    Rename,
    AddRule,
    DeleteRule,
    MoveRuleUp,
    MoveRuleDown,
    EditOtherwise,
    NewCriterion,
    RenameCriterion,
    DeleteCriterion,
    CrossTab,
    Copy,
    NextPane,
    Sort,
    Transitions,
    ScrollLeft,
    ScrollRight,
    EditValue,
    EditCost,
    Suspend,
    Export,
    Frequency,
    /// The predictive-value page (fits the models when they are not yet).
    Predict,
    /// Let runs go on with the data's bad values (as missing) and bad rows (left out): write
    /// the files' options.
    SettleData,
}

impl Action {
    /// One line of help for the key list on step `on` (from the table of actions).
    pub fn help_on(self, on: crate::tui::steps::StepId) -> &'static str {
        crate::tui::input::actions::help_on(self, on)
    }

    /// One line of help for the key list (from the table of actions).
    pub fn help(self) -> &'static str {
        crate::tui::input::actions::spec(self).map_or("", |s| s.help)
    }
}

/// Input to `update`.
#[derive(Debug)]
pub enum Message {
    /// A key as the terminal gave it (the keymap, or an open prompt, says what it means).
    Key(ratatui::crossterm::event::KeyEvent),
    Action(Action),
    /// A typed character while a text prompt is open.
    Char(char),
    Backspace,
    /// Cursor keys inside a text prompt.
    Cursor(CursorMove),
    Resize(u16, u16),
    /// A recomputed criterion from the worker; `generation` tells stale results apart.
    Evaluated {
        index: usize,
        generation: u64,
        result: Result<Box<CriterionView>, String>,
    },
    /// The explanation of one customer, or why there is none.
    Explained(Result<Box<crate::engine::eval::explain::Explanation>, String>),
    /// The rules were replaced as a whole (criteria added, renamed or deleted, or the file
    /// edited elsewhere): everything rebuilt.
    Reloaded(Box<crate::tui::state::app::Reloaded>),
    /// New rules could not be taken; the previous ones stay.
    ReloadFailed(String),
    /// A rule reads a column the data was read with as text as numbers or dates: the data is
    /// to be read again for it (why, in words).
    Reread(String),
    /// The workspace opened again from disk (its data settings changed).
    Reopened(Box<crate::tui::state::model::Model>),
    /// How far the data being read again has got (`None`: not reading).
    Loading(Option<crate::engine::data::progress::Snapshot>),
    /// Segment transitions between two dates, or why they could not be computed.
    Transitions(Result<Box<crate::tui::state::app::TransitionView>, String>),
    /// Something to tell the user in the status line.
    Notice(String),
    /// The workspace file as another editor saved it.
    FileChanged {
        path: std::path::PathBuf,
        text: String,
    },
    /// A column's frequency table, or why not.
    Frequency(Result<(String, Vec<crate::engine::eval::frequency::Frequency>), String>),
    /// One customer's id and every field (name, value), or why not.
    Record(Result<(String, Vec<(String, String)>), String>),
    /// The predictive-value models as fitted, or why they could not be.
    Predictive(Result<Box<crate::tui::view::predictive::ClvView>, String>),
    /// A criterion the engine proposed from a column, or why it could not.
    Proposed(Result<Box<crate::engine::rules::Criterion>, String>),
}

/// Moving the cursor of a text prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    Left,
    Right,
    Home,
    End,
    Delete,
}
