//! Everything that can happen to the app: user actions (from the keymap) and engine results.

pub use crate::tui::input::action::{Action, CursorMove};
use crate::tui::state::app::CriterionView;

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
    Reloaded(Box<crate::tui::state::model::Evaluated>),
    /// New rules could not be taken; the previous ones stay.
    ReloadFailed(String),
    /// A rule reads a column the data was read with as text as numbers or dates: the data is
    /// to be read again for it (why, in words).
    Reread(String),
    /// The workspace opened again from disk (its data settings changed).
    Reopened(Box<crate::tui::state::model::Model>),
    /// The columns a large file's first open left for later, read (Classify fills in), or why
    /// they could not be.
    ColumnsRead(Result<Box<crate::tui::state::model::LateColumns>, String>),
    /// The database tables pulled again, and the workspace opened on them.
    Pulled(Box<crate::tui::state::model::Model>),
    /// How far the data being read again has got (`None`: not reading).
    Loading(Option<crate::engine::data::progress::Snapshot>),
    /// Segment transitions between two dates, or why they could not be computed.
    Transitions(Result<Box<crate::tui::state::app::TransitionView>, String>),
    /// Something to tell the user in the status line.
    Notice(String),
    /// The workspace file was changed as asked, or why not; `then` is for the engine once it
    /// was.
    Saved {
        result: Result<(), String>,
        then: Option<crate::tui::state::job::Job>,
        /// Where the edit's step is in the undo history (dropped when it was not written).
        undo: Option<usize>,
    },
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
    Predictive(Result<Box<crate::tui::state::views::ClvView>, String>),
    /// A criterion the engine proposed from a column, or why it could not.
    Proposed(Result<Box<crate::engine::rules::Criterion>, String>),
}
