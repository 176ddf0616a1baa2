//! Following the workspace file: a change made in another editor is noticed and loaded live.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the file's size and time are looked at (cheap: one `stat`).
pub const EVERY: Duration = Duration::from_millis(300);

pub struct Watch {
    path: PathBuf,
    stamp: Option<(SystemTime, u64)>,
    /// The text last read or written by us: a change to exactly this is not news.
    known: String,
    checked: Instant,
}

fn stamp(p: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(p).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Watch {
    pub fn new(path: &Path) -> Watch {
        Watch {
            path: path.to_path_buf(),
            stamp: stamp(path),
            known: std::fs::read_to_string(path).unwrap_or_default(),
            checked: Instant::now(),
        }
    }

    /// We just wrote the file: remember its text so that our own save is not reloaded.
    pub fn saved(&mut self) {
        self.stamp = stamp(&self.path);
        self.known = std::fs::read_to_string(&self.path).unwrap_or_default();
    }

    /// The file's new text, once per change made by someone else; None most of the time.
    pub fn poll(&mut self) -> Option<String> {
        if self.checked.elapsed() < EVERY {
            return None;
        }
        self.checked = Instant::now();
        let now = stamp(&self.path);
        if now == self.stamp || now.is_none() {
            return None;
        }
        self.stamp = now;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_other_peoples_changes_once_and_not_our_own() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("w.strata.toml");
        std::fs::write(&p, "version = 1\n").unwrap();
        let mut w = Watch::new(&p);
        w.checked -= EVERY;
        assert_eq!(w.poll(), None);
        std::fs::write(&p, "version = 1\n# ours\n").unwrap();
        w.saved();
        w.checked -= EVERY;
        assert_eq!(w.poll(), None, "our own save");
        std::fs::write(&p, "version = 1\n# theirs, longer\n").unwrap();
        w.checked -= EVERY;
        assert_eq!(w.poll().as_deref(), Some("version = 1\n# theirs, longer\n"));
        w.checked -= EVERY;
        assert_eq!(w.poll(), None, "once per change");
    }
}
