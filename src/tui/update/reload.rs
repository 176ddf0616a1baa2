//! The workspace as another editor saved it: its rules loaded, or why the last good ones stay.

use std::path::Path;

use crate::engine::rules::parse::parse_workspace;
use crate::tui::state::app::App;
use crate::tui::state::effect::{Effect, Job};

/// The workspace as another editor saved it: its rules to load, or why the last good ones stay.
pub fn file_changed(app: &mut App, path: &Path, text: &str) -> Vec<Effect> {
    match parse_workspace(path, text) {
        Ok(ws) => {
            app.status = "the workspace changed on disk: loaded".into();
            app.model.data.characteristics = ws.characteristics.clone();
            vec![Effect::Engine(Job::Reload { ws: Box::new(ws) })]
        }
        Err(e) => {
            app.status = format!(
                "the workspace on disk has a problem, the last good rules stay: {}",
                problem_in_short(&e)
            );
            vec![]
        }
    }
}

/// The first problem of a workspace as the status line says it: where, what, and the hint
/// (the file is the one on screen, so its name is left out).
fn problem_in_short(e: &crate::engine::error::EngineError) -> String {
    use crate::engine::error::EngineError;
    match e {
        EngineError::Workspace(d) if !d.is_empty() => {
            let x = &d[0];
            let mut s = match (x.line, x.column) {
                (Some(l), Some(c)) => format!("line {l}, column {c}: {}", x.message),
                _ => x.message.clone(),
            };
            if let Some(h) = &x.hint {
                s.push_str(&format!(" ({h})"));
            }
            if d.len() > 1 {
                s.push_str(&format!(", and {} more problems", d.len() - 1));
            }
            s
        }
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}
