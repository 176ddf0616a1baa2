//! Following the workspace file: a change made in another editor is noticed and loaded live.
//!
//! The system says when the file's folder changes (inotify, FSEvents, …; the folder, because
//! many editors save by writing a new file and renaming it over the old one); the file is then
//! read and compared with the text we know, so our own saves and changes that change nothing
//! are not news. Nothing wakes while nothing happens.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::tui::input::message::Message;

pub struct Watch {
    path: PathBuf,
    /// The text last read or written by us: a change to exactly this is not news.
    known: String,
}

impl Watch {
    pub fn new(path: &Path) -> Watch {
        Watch {
            path: path.to_path_buf(),
            known: std::fs::read_to_string(path).unwrap_or_default(),
        }
    }

    /// We just wrote the file: remember its text so that our own save is not reloaded.
    pub fn saved(&mut self) {
        self.known = std::fs::read_to_string(&self.path).unwrap_or_default();
    }

    /// The file's new text, once per change made by someone else; None when it says what we
    /// know (or cannot be read: it is being replaced).
    pub fn changed(&mut self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        if text == self.known {
            return None;
        }
        self.known = text.clone();
        Some(text)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether an event means the file may now hold a finished save. On Linux a file written in
/// place is done when it is closed (its first bytes alone would read as a broken workspace);
/// one renamed into place is done at once. Elsewhere any change counts.
fn finished(kind: &EventKind) -> bool {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        matches!(
            kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(_))
        )
    } else {
        !matches!(kind, EventKind::Access(_))
    }
}

/// Follow `watch`'s file, sending its new text to the loop when someone else saves it. The
/// returned watcher must be kept: dropping it stops following. None when the system can watch
/// nothing (then neither can a poll: the folder is gone).
pub fn follow(watch: Arc<Mutex<Watch>>, tx: Sender<Message>) -> Option<Box<dyn Watcher + Send>> {
    let path = watch.lock().unwrap_or_else(|e| e.into_inner()).path.clone();
    let name: Option<OsString> = path.file_name().map(|n| n.to_os_string());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        let ours =
            event.paths.is_empty() || event.paths.iter().any(|p| p.file_name() == name.as_deref());
        if !ours || !finished(&event.kind) {
            return;
        }
        let mut w = watch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(text) = w.changed() {
            let _ = tx.send(Message::FileChanged {
                path: w.path.clone(),
                text,
            });
        }
    };
    let mut watcher: Box<dyn Watcher + Send> = match notify::recommended_watcher(handler.clone()) {
        Ok(w) => Box::new(w),
        // no notification service (or its limits reached): look at the folder now and then
        Err(_) => {
            let every =
                notify::Config::default().with_poll_interval(std::time::Duration::from_millis(500));
            Box::new(notify::PollWatcher::new(handler, every).ok()?)
        }
    };
    watcher.watch(&dir, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_other_peoples_changes_once_and_not_our_own() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("w.strata.toml");
        std::fs::write(&p, "version = 1\n").unwrap();
        let mut w = Watch::new(&p);
        assert_eq!(w.changed(), None);
        std::fs::write(&p, "version = 1\n# ours\n").unwrap();
        w.saved();
        assert_eq!(w.changed(), None, "our own save");
        std::fs::write(&p, "version = 1\n# theirs\n").unwrap();
        assert_eq!(w.changed().as_deref(), Some("version = 1\n# theirs\n"));
        assert_eq!(w.changed(), None, "once per change");
    }

    #[test]
    fn a_save_in_place_or_by_rename_reaches_the_loop_and_other_files_do_not() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("w.strata.toml");
        std::fs::write(&p, "version = 1\n").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let _w = follow(Arc::new(Mutex::new(Watch::new(&p))), tx).unwrap();
        std::fs::write(d.path().join("other.txt"), "x").unwrap();
        std::fs::write(&p, "version = 1\n# in place\n").unwrap();
        let text = |m: Message| match m {
            Message::FileChanged { text, .. } => text,
            m => panic!("{m:?}"),
        };
        let wait = std::time::Duration::from_secs(10);
        assert_eq!(
            text(rx.recv_timeout(wait).unwrap()),
            "version = 1\n# in place\n"
        );
        let tmp = d.path().join(".w.strata.toml.swp");
        std::fs::write(&tmp, "version = 1\n# renamed\n").unwrap();
        std::fs::rename(&tmp, &p).unwrap();
        assert_eq!(
            text(rx.recv_timeout(wait).unwrap()),
            "version = 1\n# renamed\n"
        );
        assert!(rx.try_recv().is_err(), "each save once");
    }
}
