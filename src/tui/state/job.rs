//! Work for the engine's thread: what `update` asks it to compute, each answered by a message.

use crate::engine::rules::{Criterion, Workspace};
use crate::tui::state::prompt::StructEdit;

#[derive(Debug, Clone)]
pub enum Job {
    Recompute {
        index: usize,
        generation: u64,
        criterion: Criterion,
    },
    Explain {
        id: String,
    },
    /// Take a whole workspace's rules (the file changed on disk).
    Reload {
        ws: Box<Workspace>,
    },
    /// Add, rename or delete a criterion.
    Restructure(StructEdit),
    /// One segment's customer ids written to a file.
    Export {
        criterion: String,
        segment: String,
        path: std::path::PathBuf,
    },
    /// A column's frequency table.
    Frequency {
        column: String,
    },
    /// Every field of one customer.
    Record {
        id: String,
    },
    /// Fit the predictive-value models if they are not, and describe them.
    Predictive,
    /// A criterion proposed from a column's values.
    Propose {
        step: crate::engine::rules::Step,
        column: String,
        /// The column holds birth years: bins over the age at `as_of`.
        age: bool,
    },
    /// Open the workspace again from disk (its data settings changed).
    Reopen {
        path: std::path::PathBuf,
    },
    /// Pull the database tables again, then open the workspace on them.
    Repull {
        path: std::path::PathBuf,
    },
    /// Wait for the columns a large file's first open left for later, and take them.
    FinishOpen,
    /// Segment transitions between two dates.
    Transitions {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
}
