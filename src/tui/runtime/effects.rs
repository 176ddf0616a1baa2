//! Running what `update` asked for: jobs to the worker, edits to the workspace file, the
//! recovery file, the clipboard.

use std::sync::Mutex;

use crate::engine::rules::save::WorkspaceEditor;
use crate::tui::runtime::watch::Watch;
use crate::tui::runtime::worker::{Job, Worker};
use crate::tui::state::app::App;
use crate::tui::state::effect::Effect;

/// Change the workspace file (read fresh, so edits made elsewhere are kept, then written
/// atomically), and tell the watcher it was us (it waits while we write). True when saved, or
/// when there is no file (the built-in demo); false with the reason in the status line.
fn edit_file(
    app: &mut App,
    watch: Option<&Mutex<Watch>>,
    change: impl FnOnce(&mut WorkspaceEditor) -> crate::engine::Result<()>,
) -> bool {
    let Some(path) = &app.workspace else {
        return true;
    };
    let guard = watch.map(|w| w.lock().unwrap_or_else(|e| e.into_inner()));
    let saved = WorkspaceEditor::open(path).and_then(|mut ed| {
        change(&mut ed)?;
        ed.save()
    });
    if let Some(mut w) = guard {
        w.saved();
    }
    match saved {
        Ok(()) => true,
        Err(err) => {
            app.status = format!("could not save: {err}");
            false
        }
    }
}

/// Run effects: jobs to the worker, edits to the workspace file, the recovery file.
pub fn apply(app: &mut App, effects: Vec<Effect>, worker: &Worker, watch: Option<&Mutex<Watch>>) {
    for e in effects {
        match e {
            Effect::KeepRecovery(r) => {
                if let Some(path) = &app.workspace
                    && let Err(e) = crate::tui::runtime::recovery::store(path, r.as_ref())
                {
                    app.status = format!("could not keep the recovery file: {e}");
                }
            }
            Effect::Recompute {
                index,
                generation,
                criterion,
            } => worker.send(Job::Recompute {
                index,
                generation,
                criterion: *criterion,
            }),
            Effect::Explain { id } => worker.send(Job::Explain { id }),
            Effect::Record { id } => worker.send(Job::Record { id }),
            Effect::Reload { ws } => worker.send(Job::Reload { ws }),
            Effect::Frequency { column } => worker.send(Job::Frequency { column }),
            Effect::Predictive => worker.send(Job::Predictive),
            Effect::Export {
                criterion,
                segment,
                path,
            } => worker.send(Job::Export {
                criterion,
                segment,
                path,
            }),
            Effect::Propose { step, column } => worker.send(Job::Propose { step, column }),
            Effect::Transitions { from, to } => worker.send(Job::Transitions { from, to }),
            Effect::CancelLoad => worker.cancel_load(),
            // handled by the loop, which holds the terminal
            Effect::Suspend => {}
            Effect::Copy { text } => {
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = out.write_all(crate::tui::runtime::clipboard::osc52(&text).as_bytes());
                let _ = out.flush();
            }
            Effect::Save { criterion } => {
                edit_file(app, watch, |ed| ed.set_criterion_rule(&criterion));
            }
            Effect::Reopen => {
                if let Some(path) = app.workspace.clone() {
                    worker.send(Job::Reopen { path });
                }
            }
            Effect::FileOptions(options) => {
                edit_file(app, watch, |ed| {
                    for (entry, key, v) in &options {
                        ed.set_file_option(entry, key, v.as_deref())?;
                    }
                    Ok(())
                });
            }
            Effect::SetRole { key, column } => {
                if let Some(path) = app.workspace.clone()
                    && edit_file(app, watch, |ed| ed.set_role(&key, &column))
                {
                    worker.send(Job::Reopen { path });
                }
            }
            Effect::Restructure { edit, old } => {
                let saved = edit_file(app, watch, |ed| match (&edit, &old) {
                    (crate::tui::state::edit::StructEdit::Add(c), _) => ed.set_criterion_rule(c),
                    (crate::tui::state::edit::StructEdit::Rename { name, .. }, Some(o)) => {
                        ed.rename_criterion(o, name)
                    }
                    (crate::tui::state::edit::StructEdit::Delete { .. }, Some(o)) => {
                        ed.remove_criterion(o)
                    }
                    (crate::tui::state::edit::StructEdit::Measures { value, cost }, _) => {
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
                    (crate::tui::state::edit::StructEdit::Thresholds { customers, value }, _) => {
                        ed.set(&["valuation"], "min_customer_share", *customers)?;
                        ed.set(&["valuation"], "min_value_share", *value)
                    }
                    _ => Ok(()),
                });
                if saved {
                    worker.send(Job::Restructure(edit));
                }
            }
        }
    }
}
