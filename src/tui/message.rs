//! Everything that can happen to the app: user actions (from the keymap) and engine results.

use serde::Deserialize;

use super::app::CriterionView;

/// What a key does; keymaps bind keys to these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Teach,
    Step1,
    Step2,
    Step3,
    Step4,
    Step5,
    Step6,
    Step7,
    Step8,
    Step9,
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
}

impl Action {
    /// One line of help for the key list on step `on`: where a key means something else on a
    /// step, that meaning.
    pub fn help_on(self, on: super::steps::StepId) -> &'static str {
        use super::steps::StepId;
        match (self, on) {
            (Action::Edit, StepId::Classify) => "type the selected column's role",
            (Action::Edit, StepId::Valuation) => "edit the worth-it minimums",
            (Action::Confirm, StepId::Classify) => "save the suggested role",
            (Action::Confirm, StepId::Exclusivity) => "open the criterion's rules",
            (Action::Confirm, StepId::List) => "the selected customer's record: every field",
            (Action::Sort, StepId::List) => "sort: value ↓, value ↑, customer id",
            (Action::Sort, _) => "sort the segment table: value, customers, name",
            (Action::Left | Action::Right, StepId::List | StepId::Classify) => "",
            _ => self.help(),
        }
    }

    /// One line of help for the key list.
    pub fn help(self) -> &'static str {
        match self {
            Action::Quit => "quit (all is saved)",
            Action::Help => "this help",
            Action::Teach => "teach panel on/off",
            Action::Step1 | Action::Step2 | Action::Step3 | Action::Step4 | Action::Step5 => {
                "jump to a step"
            }
            Action::Step6 | Action::Step7 | Action::Step8 | Action::Step9 => "jump to a step",
            Action::NextStep => "next step",
            Action::PrevStep => "previous step",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Left => "previous criterion/column",
            Action::Right => "next criterion/column",
            Action::Increase => "raise the selected cut",
            Action::Decrease => "lower the selected cut",
            Action::NextEdge => "select the next cut",
            Action::PrevEdge => "select the previous cut",
            Action::Undo => "undo the last edit",
            Action::Redo => "redo",
            Action::Search => "search customers by id",
            Action::Palette => "command palette",
            Action::Explain => "explain selected customer",
            Action::MaskPii => "show / mask personal data",
            Action::Cancel => "close / cancel",
            Action::Confirm => "accept role / open rules",
            Action::Edit => "edit the rule: condition, cut points or values",
            Action::Rename => "rename the segment",
            Action::AddRule => "add a rule or cut point",
            Action::DeleteRule => "delete rule or cut point",
            Action::MoveRuleUp => "move rule up (first wins)",
            Action::MoveRuleDown => "move rule down",
            Action::EditOtherwise => "rename otherwise segment",
            Action::NewCriterion => "new criterion in this step",
            Action::RenameCriterion => "rename this criterion",
            Action::DeleteCriterion => "delete this criterion",
            Action::CrossTab => "cross-tab with the next criterion",
            Action::Copy => "copy id(s) to the clipboard (OSC 52)",
            Action::NextPane => "next pane",
            Action::Sort => "sort: value ↓, value ↑, customer id",
            Action::Transitions => "moves between two dates",
            Action::ScrollLeft => "scroll a wide table left",
            Action::ScrollRight => "scroll a wide table right",
            Action::EditValue => "set each customer's value (a column or an expression)",
            Action::EditCost => "set each customer's cost to serve (an expression)",
            Action::Suspend => "suspend to the shell (fg resumes)",
            Action::Export => "write the selected segment's customer ids to a file",
            Action::Frequency => "frequency table of the selected column (s sorts it)",
        }
    }
}

/// Input to `update`.
#[derive(Debug)]
pub enum Message {
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
    Reloaded(Box<super::app::Reloaded>),
    /// New rules could not be taken; the previous ones stay.
    ReloadFailed(String),
    /// The workspace opened again from disk (its data settings changed).
    Reopened(Box<super::app::App>),
    /// How far the data being read again has got (`None`: not reading).
    Loading(Option<crate::engine::data::progress::Snapshot>),
    /// Segment transitions between two dates, or why they could not be computed.
    Transitions(Result<Box<super::app::TransitionView>, String>),
    /// Something to tell the user in the status line.
    Notice(String),
    /// A column's frequency table, or why not.
    Frequency(Result<(String, Vec<crate::engine::eval::frequency::Frequency>), String>),
    /// One customer's id and every field (name, value), or why not.
    Record(Result<(String, Vec<(String, String)>), String>),
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
