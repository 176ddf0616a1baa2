//! What `update` asks of the world outside the state: engine jobs, saves, the terminal, files.

use crate::engine::rules::Criterion;
pub use crate::tui::state::job::Job;
use crate::tui::state::prompt::StructEdit;

/// Work for the outside world; `update` itself never blocks or does I/O.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Work for the engine's thread (the newest job per criterion wins); its answer comes back
    /// as a message.
    Engine(Job),
    /// Change the workspace file; once written (or not), `Message::Saved` says so, and `then`
    /// runs on the engine when it was. `undo`: the place in the undo history of the step this
    /// edit recorded, dropped if the file could not be written (set by `update`).
    Write {
        edit: FileEdit,
        then: Option<Job>,
        undo: Option<usize>,
    },
    /// Stop the data being read again.
    CancelLoad,
    /// Put text on the user's clipboard (OSC 52).
    Copy { text: String },
    /// Ctrl-Z: hand the terminal back to the shell until `fg`.
    Suspend,
    /// Keep (or, with None, drop) the recovery file of the edit being typed.
    KeepRecovery(Option<crate::tui::state::editing::Unfinished>),
}

impl Effect {
    /// Change the list of criteria or the valuation's settings: the file first, then the
    /// engine's rules.
    pub fn restructure(edit: StructEdit, old: Option<String>) -> Effect {
        Effect::Write {
            edit: FileEdit::Structure {
                edit: edit.clone(),
                old,
            },
            then: Some(Job::Restructure(edit)),
            undo: None,
        }
    }
}

/// A change to the workspace file.
#[derive(Debug, Clone)]
pub enum FileEdit {
    /// A criterion's rules.
    Rule(Box<Criterion>),
    /// A column's role in `[columns]` (`pii` adds to the list).
    Role { key: String, column: String },
    /// Data files' reading options: `(workspace key, option, value)`, `None` taking one out.
    Options(Vec<(String, String, Option<String>)>),
    /// The list of criteria or the valuation's settings (`old`: the criterion's name in the file).
    Structure {
        edit: StructEdit,
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
