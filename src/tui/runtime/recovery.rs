//! The recovery file: the text of an edit being typed, kept beside the workspace so that a crash
//! or `kill -9` loses nothing; offered again on the next start.

use std::path::{Path, PathBuf};

use crate::tui::state::app::App;
pub use crate::tui::state::recovery::Unfinished;

/// `.NAME.recover` beside `ws.strata.toml`.
pub fn path_for(workspace: &Path) -> PathBuf {
    let name = workspace
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "workspace".into());
    workspace.with_file_name(format!(".{name}.recover"))
}

/// Keep the record on disk (or remove it when nothing is being typed).
pub fn store(workspace: &Path, r: Option<&Unfinished>) -> std::io::Result<()> {
    let p = path_for(workspace);
    match r {
        Some(r) => {
            let text = serde_json::to_string(r).map_err(std::io::Error::other)?;
            crate::engine::rules::save::write_atomic(&p, text.as_bytes())
                .map_err(|e| std::io::Error::other(e.to_string()))
        }
        None if p.exists() => std::fs::remove_file(&p),
        None => Ok(()),
    }
}

/// Reopen an edit left unfinished by a crash: the prompt comes back with its text.
pub fn offer(app: &mut App, workspace: &Path) {
    let p = path_for(workspace);
    let Ok(text) = std::fs::read_to_string(&p) else {
        return;
    };
    let Ok(r) = serde_json::from_str::<Unfinished>(&text) else {
        app.status = format!(
            "{} is not a recovery file strata wrote; left as it is",
            p.display()
        );
        return;
    };
    crate::tui::update::recover::resume(app, r, &p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::prompt::Target;
    use crate::tui::state::recovery::{target_of, target_parts};

    #[test]
    fn records_round_trip_through_the_file() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("w.strata.toml");
        let r = Unfinished {
            criterion: "life".into(),
            target: "condition".into(),
            index: 2,
            text: "orders > 'O''Brien'\n".into(),
        };
        store(&ws, Some(&r)).unwrap();
        assert!(path_for(&ws).ends_with(".w.strata.toml.recover"));
        let back: Unfinished =
            serde_json::from_str(&std::fs::read_to_string(path_for(&ws)).unwrap()).unwrap();
        assert_eq!(back, r);
        store(&ws, None).unwrap();
        assert!(!path_for(&ws).exists());
        for t in [
            Target::Condition(3),
            Target::Name(1),
            Target::Edges,
            Target::Values(2),
            Target::Otherwise,
            Target::CriterionName,
            Target::Thresholds,
        ] {
            let (k, i) = target_parts(t);
            assert_eq!(target_of(k, i), Some(t));
        }
    }
}
