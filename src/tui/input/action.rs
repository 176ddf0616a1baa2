//! What a key stands for: the actions keymaps bind keys to, and the moves of a prompt's cursor.

use serde::{Deserialize, Serialize};

/// What a key does; keymaps bind keys to these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Teach,
    /// Jump to the step at this index of `StepId::ALL` (keymaps name them `step1`, `step2`, …).
    #[serde(skip)]
    GoTo(u8),
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
    /// Classify: confirm every suggested characteristic still waiting.
    ConfirmAll,
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
    /// Pull the workspace's database tables again now.
    Repull,
}

impl Action {
    /// Its name in keymap files (`new_criterion`); none for the step jumps (`step1` …).
    pub fn name(self) -> Option<String> {
        serde_json::to_value(self)
            .ok()?
            .as_str()
            .map(str::to_string)
    }
}

/// Moving the cursor of a text prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    Left,
    Right,
    Home,
    End,
    Delete,
    /// Ctrl-U: everything before the cursor goes.
    ClearToStart,
    /// Ctrl-W: the word before the cursor goes.
    DeleteWord,
}
