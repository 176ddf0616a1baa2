//! What the user is in the middle of: the prompt being typed, the edit history, a proposal.

use std::collections::HashMap;

use crate::tui::state::app::Prompt;
use crate::tui::update::history::Change;

/// The edit in progress, kept apart from where the user is ([`crate::tui::state::nav::Nav`]) and from
/// what the engine evaluated ([`crate::tui::state::model::Model`]).
#[derive(Debug, Default)]
pub struct Editing {
    pub prompt: Option<Prompt>,
    /// How to reverse each edit, newest last, and what undoing has reversed (for redo).
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
    /// Criterion to select when the next reload arrives (a criterion just added or renamed).
    pub focus: Option<String>,
    /// A criterion waiting for a second delete key.
    pub pending_delete: Option<usize>,
    /// A criterion just proposed from a column or a preset, on screen with its distribution:
    /// Esc takes it back, any other key keeps it.
    pub proposal: Option<String>,
    /// The last `/` search, repeated by an empty one.
    pub last_search: String,
    /// While one cut point is nudged again and again: (criterion, cut point, counts before the
    /// first nudge), so the change column shows the whole move (41→42→43 as from 41).
    pub nudge_base: Option<(usize, usize, HashMap<String, usize>)>,
}
