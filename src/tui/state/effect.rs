//! What `update` asks of the world outside the state: engine jobs, saves, the terminal, files.

use crate::engine::rules::Criterion;

/// Work for the outside world; `update` itself never blocks or does I/O.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Re-evaluate criterion `index` as given (the worker keeps only the newest per criterion).
    Recompute {
        index: usize,
        generation: u64,
        criterion: Box<Criterion>,
    },
    /// Write the criterion's change to the workspace file.
    Save { criterion: Box<Criterion> },
    /// Explain one customer in every criterion.
    Explain { id: String },
    /// Stop the data being read again.
    CancelLoad,
    /// Set (or, with None, take out) data files' reading options: `(workspace key, option,
    /// value)` — what to do with bad values and bad rows.
    FileOptions(Vec<(String, String, Option<String>)>),
    /// Read the workspace and its data again from disk (a rule reads a text column as numbers).
    Reopen,
    /// Save a column's role in `[columns]` (`pii` adds to the list), then read the data again.
    SetRole { key: String, column: String },
    /// Compute segment transitions between two dates (on the worker).
    Transitions {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    /// Put text on the user's clipboard (OSC 52).
    Copy { text: String },
    /// Ctrl-Z: hand the terminal back to the shell until `fg`.
    Suspend,
    /// Write one segment's customer ids to a file (on the worker, as `strata export`).
    Export {
        criterion: String,
        segment: String,
        path: std::path::PathBuf,
    },
    /// The frequency table of a column.
    Frequency { column: String },
    /// Keep (or, with None, drop) the recovery file of the edit being typed.
    KeepRecovery(Option<crate::tui::state::editing::Record>),
    /// Fit the predictive-value models if needed, and show them.
    Predictive,
    /// Load rules saved by another editor (on the worker).
    Reload {
        ws: Box<crate::engine::rules::Workspace>,
    },
    /// Every field of one customer, for the record view.
    Record { id: String },
    /// Propose a criterion from a column (on the worker, which knows the values).
    Propose {
        step: crate::engine::rules::Step,
        column: String,
    },
    /// Add, rename or delete a criterion: in the file (`old` is its name there) and in the engine.
    Restructure {
        edit: crate::tui::state::edit::StructEdit,
        old: Option<String>,
    },
}

/// At most this much base64 is sent (terminals cap OSC 52 payloads; xterm's default is about 1 MB).
pub const MAX_PAYLOAD: usize = 1_000_000;

/// Join lines up to what fits in one OSC 52 payload; returns the text and how many lines it holds.
pub fn fit_lines<'a>(lines: impl Iterator<Item = &'a str>) -> (String, usize) {
    let mut text = String::new();
    let mut n = 0;
    for l in lines {
        if (text.len() + l.len() + 1).div_ceil(3) * 4 > MAX_PAYLOAD {
            break;
        }
        text.push_str(l);
        text.push('\n');
        n += 1;
    }
    (text, n)
}
