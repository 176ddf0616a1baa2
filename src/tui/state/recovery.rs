//! What is being typed, as the recovery file keeps it: the criterion, the part and the text.

use crate::tui::state::app::{App, Prompt};
pub use crate::tui::state::editing::Unfinished;
use crate::tui::state::prompt::Target;

pub(crate) fn target_parts(t: Target) -> (&'static str, usize) {
    match t {
        Target::Condition(k) => ("condition", k),
        Target::Name(k) => ("name", k),
        Target::Edges => ("edges", 0),
        Target::Values(k) => ("values", k),
        Target::Otherwise => ("otherwise", 0),
        Target::CriterionName => ("criterion_name", 0),
        Target::Thresholds => ("thresholds", 0),
        Target::Characteristic => ("characteristic", 0),
        Target::Dates => ("dates", 0),
        Target::Value => ("value", 0),
        Target::Cost => ("cost", 0),
        Target::NewFrom => ("new_from", 0),
        Target::ExportPath => ("export_path", 0),
    }
}

pub(crate) fn target_of(kind: &str, k: usize) -> Option<Target> {
    Some(match kind {
        "condition" => Target::Condition(k),
        "name" => Target::Name(k),
        "edges" => Target::Edges,
        "values" => Target::Values(k),
        "otherwise" => Target::Otherwise,
        "criterion_name" => Target::CriterionName,
        "thresholds" => Target::Thresholds,
        "characteristic" => Target::Characteristic,
        "value" => Target::Value,
        "cost" => Target::Cost,
        _ => return None,
    })
}

/// The record of the edit prompt open in `app`, if any.
pub fn unfinished(app: &App) -> Option<Unfinished> {
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        return None;
    };
    let (target, index) = target_parts(p.target);
    Some(Unfinished {
        criterion: app
            .model
            .rules
            .criteria
            .get(p.criterion)
            .map(|c| c.criterion.name.value.clone())
            .unwrap_or_default(),
        target: target.into(),
        index,
        text: p.text.clone(),
    })
}
