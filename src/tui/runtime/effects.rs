//! Running what `update` asked for: jobs to the worker, edits to the workspace file, the
//! recovery file, the clipboard. Nothing here changes the app: what came of an effect goes
//! back to `update` as a message.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Sender;

use crate::engine::rules::save::WorkspaceEditor;
use crate::tui::input::message::Message;
use crate::tui::runtime::watch::Watch;
use crate::tui::runtime::worker::Worker;
use crate::tui::state::effect::{Effect, FileEdit};
use crate::tui::state::prompt::StructEdit;

/// Where effects go: the workspace file (none for the built-in demo), the engine's thread, the
/// file watcher (told when the change is ours) and the loop's inbox.
pub struct Outside<'a> {
    pub workspace: Option<&'a Path>,
    pub worker: &'a Worker,
    pub watch: Option<&'a Mutex<Watch>>,
    pub tx: &'a Sender<Message>,
}

/// Run effects in order. `Suspend` is the loop's (it holds the terminal).
pub fn apply(out: &Outside, effects: Vec<Effect>) {
    for e in effects {
        match e {
            Effect::Engine(job) => out.worker.send(job),
            Effect::Write { edit, then, undo } => {
                let result = write(out, &edit);
                let _ = out.tx.send(Message::Saved { result, then, undo });
            }
            Effect::KeepRecovery(r) => {
                if let Some(path) = out.workspace
                    && let Err(e) = crate::tui::runtime::recovery::store(path, r.as_ref())
                {
                    let text = format!("could not keep the recovery file: {e}");
                    let _ = out.tx.send(Message::Notice(text));
                }
            }
            Effect::CancelLoad => out.worker.cancel_load(),
            Effect::Suspend => {}
            Effect::Copy { text } => {
                use std::io::Write;
                let mut stdout = std::io::stdout();
                let _ = stdout.write_all(crate::tui::runtime::clipboard::osc52(&text).as_bytes());
                let _ = stdout.flush();
            }
        }
    }
}

/// Change the workspace file: read fresh (edits made elsewhere are kept), changed, written
/// atomically, the watcher told it was us. With no file (the demo) there is nothing to write.
fn write(out: &Outside, edit: &FileEdit) -> Result<(), String> {
    let Some(path) = out.workspace else {
        return Ok(());
    };
    let guard = out
        .watch
        .map(|w| w.lock().unwrap_or_else(|e| e.into_inner()));
    let saved = save_to(path, edit);
    if let Some(mut w) = guard {
        w.saved();
    }
    saved
}

/// Make one edit to the workspace file at `path` (read fresh, written atomically).
pub fn save_to(path: &Path, edit: &FileEdit) -> Result<(), String> {
    WorkspaceEditor::open(path)
        .and_then(|mut ed| {
            change(&mut ed, edit)?;
            ed.save()
        })
        .map_err(|e| e.to_string())
}

/// What one edit does to the file.
fn change(ed: &mut WorkspaceEditor, edit: &FileEdit) -> crate::engine::Result<()> {
    match edit {
        FileEdit::Rule(c) => ed.set_criterion_rule(c),
        FileEdit::Role { key, column } => ed.set_role(key, column),
        FileEdit::Options(options) => {
            for (entry, key, v) in options {
                ed.set_file_option(entry, key, v.as_deref())?;
            }
            Ok(())
        }
        FileEdit::Structure { edit, old } => match (edit, old) {
            (StructEdit::Add(c), _) => ed.set_criterion_rule(c),
            (StructEdit::Rename { name, .. }, Some(o)) => ed.rename_criterion(o, name),
            (StructEdit::Delete { .. }, Some(o)) => ed.remove_criterion(o),
            (StructEdit::Measures { value, cost }, _) => {
                for (key, v) in [("value", value), ("cost", cost)] {
                    match v {
                        Some(text) => ed.set(&["valuation"], key, text.as_str())?,
                        None => {
                            ed.remove(&["valuation"], key)?;
                        }
                    }
                }
                Ok(())
            }
            (StructEdit::Characteristics(set), _) => {
                for (column, kind) in set {
                    match kind {
                        Some(k) => ed.set(&["characteristics"], column, k.word())?,
                        None => {
                            ed.remove(&["characteristics"], column)?;
                        }
                    }
                }
                Ok(())
            }
            (StructEdit::Thresholds { customers, value }, _) => {
                ed.set(&["valuation"], "min_customer_share", *customers)?;
                ed.set(&["valuation"], "min_value_share", *value)
            }
            _ => Ok(()),
        },
    }
}
