//! What the user is in the middle of: the prompt being typed, the edit history, a proposal.

use std::collections::HashMap;

use crate::engine::rules::Criterion;

/// The edit in progress, kept apart from where the user is ([`crate::tui::state::nav::Nav`]) and from
/// what the engine evaluated ([`crate::tui::state::model::Model`]).
#[derive(Debug, Clone, Default)]
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

/// An open text prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    Search(String),
    Palette(String),
    /// Editing part of a criterion, checked as it is typed.
    Edit(crate::tui::state::prompt::EditPrompt),
}

/// A change to the rules, as the history keeps it (what to do to go back, or forward again).
#[derive(Debug, Clone)]
pub enum Change {
    /// Put a criterion's rules back as they were (found by its name).
    SetRule(Criterion),
    /// Rename the criterion called `name` to `to`.
    Rename { name: String, to: String },
    /// Take out the criterion called this.
    Delete(String),
    /// Put a deleted criterion back (at the end of the list).
    Add(Criterion),
    /// Set the valuation's worth-it minimums.
    Thresholds { customers: f64, value: f64 },
    /// Set the value and cost per customer.
    Measures {
        value: Option<String>,
        cost: Option<String>,
    },
    /// Set (or take out) data files' options: `(workspace key, option, value)`.
    FileOptions(Vec<(String, String, Option<String>)>),
    /// Set columns' characteristics (None: back to unconfirmed).
    Characteristics(
        Vec<(
            String,
            Option<crate::engine::rules::characteristics::Characteristic>,
        )>,
    ),
}

impl Editing {
    /// Remember how to reverse an edit the user just made; a new edit ends what could be redone.
    pub fn remember(&mut self, undo: Change) {
        self.undo.push(undo);
        self.redo.clear();
    }
}

/// An edit being typed, as the recovery file keeps it: the criterion, what part of it, the text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unfinished {
    pub criterion: String,
    /// condition, name, edges, values, otherwise, criterion_name, thresholds
    pub target: String,
    pub index: usize,
    pub text: String,
}
