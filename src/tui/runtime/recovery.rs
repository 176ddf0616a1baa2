//! The recovery file: the text of an edit being typed, kept beside the workspace so that a crash
//! or `kill -9` loses nothing; offered again on the next start.

use std::path::{Path, PathBuf};

use crate::tui::state::app::{App, Prompt};
use crate::tui::state::edit::{EditPrompt, Target};

/// What is being typed, and where it goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub criterion: String,
    /// condition, name, edges, values, otherwise, criterion_name, thresholds
    pub target: String,
    pub index: usize,
    pub text: String,
}

/// `.NAME.recover` beside `ws.strata.toml`.
pub fn path_for(workspace: &Path) -> PathBuf {
    let name = workspace
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "workspace".into());
    workspace.with_file_name(format!(".{name}.recover"))
}

fn target_parts(t: Target) -> (&'static str, usize) {
    match t {
        Target::Condition(k) => ("condition", k),
        Target::Name(k) => ("name", k),
        Target::Edges => ("edges", 0),
        Target::Values(k) => ("values", k),
        Target::Otherwise => ("otherwise", 0),
        Target::CriterionName => ("criterion_name", 0),
        Target::Thresholds => ("thresholds", 0),
        Target::Role => ("role", 0),
        Target::Dates => ("dates", 0),
        Target::Value => ("value", 0),
        Target::Cost => ("cost", 0),
        Target::NewFrom => ("new_from", 0),
        Target::ExportPath => ("export_path", 0),
    }
}

fn target_of(kind: &str, k: usize) -> Option<Target> {
    Some(match kind {
        "condition" => Target::Condition(k),
        "name" => Target::Name(k),
        "edges" => Target::Edges,
        "values" => Target::Values(k),
        "otherwise" => Target::Otherwise,
        "criterion_name" => Target::CriterionName,
        "thresholds" => Target::Thresholds,
        "role" => Target::Role,
        "value" => Target::Value,
        "cost" => Target::Cost,
        _ => return None,
    })
}

/// The record of the edit prompt open in `app`, if any.
pub fn record(app: &App) -> Option<Record> {
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        return None;
    };
    let (target, index) = target_parts(p.target);
    Some(Record {
        criterion: app
            .model
            .criteria
            .get(p.criterion)
            .map(|c| c.criterion.name.value.clone())
            .unwrap_or_default(),
        target: target.into(),
        index,
        text: p.text.clone(),
    })
}

/// Keep the record on disk (or remove it when nothing is being typed).
pub fn store(workspace: &Path, r: Option<&Record>) -> std::io::Result<()> {
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
    let Ok(r) = serde_json::from_str::<Record>(&text) else {
        app.status = format!(
            "{} is not a recovery file strata wrote; left as it is",
            p.display()
        );
        return;
    };
    let Some(target) =
        target_of(&r.target, r.index).filter(|t| !matches!(t, Target::Role | Target::Dates))
    else {
        let _ = std::fs::remove_file(&p);
        return;
    };
    let Some(i) = app
        .model
        .criteria
        .iter()
        .position(|c| c.criterion.name.value == r.criterion)
        .or(matches!(target, Target::Thresholds | Target::Value | Target::Cost).then_some(0))
    else {
        app.status = format!(
            "an unsaved edit of \"{}\" was found, but the criterion is gone; discarded",
            r.criterion
        );
        let _ = std::fs::remove_file(&p);
        return;
    };
    let valuation = matches!(target, Target::Thresholds | Target::Value | Target::Cost);
    if valuation {
        app.nav.step = crate::tui::steps::StepId::Valuation;
    } else if let Some(step) = app.model.criteria.get(i).map(|c| c.criterion.step)
        && let Some(s) = crate::tui::steps::StepId::ALL
            .into_iter()
            .find(|s| s.criteria_step() == Some(step))
    {
        app.nav.step = s;
        if let Some(k) = app.criteria_of(step).iter().position(|&x| x == i) {
            app.nav.selected[s.index()] = k;
        }
    }
    let mut prompt = EditPrompt::new(i, target, r.text);
    if let Some(c) = app.model.criteria.get(i) {
        prompt.base = crate::tui::state::edit::initial_text(&c.criterion, target);
    }
    prompt.error = crate::tui::update::edit::check(app, &prompt).err();
    app.edit.prompt = Some(Prompt::Edit(prompt));
    app.status = "recovered an edit that was being typed when strata stopped: Enter applies it, Esc discards it".into();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_the_file() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("w.strata.toml");
        let r = Record {
            criterion: "life".into(),
            target: "condition".into(),
            index: 2,
            text: "orders > 'O''Brien'\n".into(),
        };
        store(&ws, Some(&r)).unwrap();
        assert!(path_for(&ws).ends_with(".w.strata.toml.recover"));
        let back: Record =
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
