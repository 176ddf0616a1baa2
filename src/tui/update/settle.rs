//! Letting runs go on with a messy file: `b` writes the options a run would stop without.

use crate::tui::state::app::App;
use crate::tui::state::editing::Change;
use crate::tui::state::effect::{Effect, FileEdit};

/// `(workspace key, option, value)`: a data file's option to set (`None`: take it out).
type FileOption = (String, String, Option<String>);

/// The options as the files have them now (`None`: not set, a run stops), for each of `options`.
pub fn current(app: &App, options: &[FileOption]) -> Vec<FileOption> {
    options
        .iter()
        .map(|(entry, key, _)| {
            let now = app
                .model
                .data
                .quality
                .iter()
                .find(|q| &q.key == entry)
                .map(|q| match key.as_str() {
                    "bad_values" => q.bad_values_policy.clone(),
                    _ => q.bad_rows_policy.clone(),
                })
                .filter(|p| p != "error");
            (entry.clone(), key.clone(), now)
        })
        .collect()
}

/// Take `options` as the files' options now (what the data line and the marks show).
pub fn take(app: &mut App, options: &[FileOption]) {
    for (entry, key, v) in options {
        let policy = v.clone().unwrap_or_else(|| "error".into());
        for q in app
            .model
            .data
            .quality
            .iter_mut()
            .filter(|q| &q.key == entry)
        {
            match key.as_str() {
                "bad_values" => q.bad_values_policy = policy.clone(),
                _ => q.bad_rows_policy = policy.clone(),
            }
        }
    }
}

/// `b`: every file a run would stop on gets the options that let it go on (bad values read as
/// missing, bad rows left out, as the wizard already reads them), written to the workspace,
/// undone with `u`.
pub fn settle(app: &mut App) -> Vec<Effect> {
    let options: Vec<FileOption> = app
        .model
        .data
        .unsettled()
        .into_iter()
        .map(|(entry, key, v)| (entry, key.to_string(), Some(v.to_string())))
        .collect();
    if options.is_empty() {
        app.status = "nothing in the data would stop a run: no bad values or rows to settle".into();
        return vec![];
    }
    if app.workspace.is_none() {
        app.status = "the demo's data has no files to set options for".into();
        return vec![];
    }
    let back = current(app, &options);
    app.edit.remember(Change::FileOptions(back));
    take(app, &options);
    let set: Vec<String> = options
        .iter()
        .map(|(entry, key, v)| format!("{entry}: {key} = \"{}\"", v.as_deref().unwrap_or("")))
        .collect();
    app.status = format!(
        "written to the workspace ({}); runs now go on as the wizard does · u undoes",
        set.join(", ")
    );
    vec![Effect::Write {
        edit: FileEdit::Options(options.clone()),
        then: None,
        undo: None,
    }]
}
