//! An edit left unfinished by a crash, opened again from the recovery file with its text.

use std::path::Path;

use crate::tui::state::app::{App, Prompt};
use crate::tui::state::prompt::{EditPrompt, Target};
use crate::tui::state::recovery::{Unfinished, target_of};

/// Reopen the edit `r` (read from the recovery file at `p`) as a prompt with its text, or say
/// why it cannot be (and remove the file).
pub fn resume(app: &mut App, r: Unfinished, p: &Path) {
    let Some(target) = target_of(&r.target, r.index)
        .filter(|t| !matches!(t, Target::Characteristic | Target::Dates))
    else {
        let _ = std::fs::remove_file(p);
        return;
    };
    let Some(i) = app.criterion_index(&r.criterion).or(matches!(
        target,
        Target::Thresholds | Target::Value | Target::Cost
    )
    .then_some(0)) else {
        app.status = format!(
            "an unsaved edit of \"{}\" was found, but the criterion is gone; discarded",
            r.criterion
        );
        let _ = std::fs::remove_file(p);
        return;
    };
    let valuation = matches!(target, Target::Thresholds | Target::Value | Target::Cost);
    if valuation {
        app.nav.step = crate::tui::steps::valuation::SCREEN;
    } else if let Some(step) = app.model.rules.criteria.get(i).map(|c| c.criterion.step) {
        let s = crate::tui::steps::id::StepId::of_criteria(step);
        app.nav.step = s;
        if let Some(k) = app.criteria_of(step).iter().position(|&x| x == i) {
            app.nav.selected[s.index()] = k;
        }
    }
    let mut prompt = EditPrompt::new(i, target, r.text);
    // what the user typed is theirs to go on with, not a suggestion to type over
    prompt.selected = false;
    if let Some(c) = app.model.rules.criteria.get(i) {
        prompt.base = crate::tui::state::prompt::initial_text(&c.criterion, target);
    }
    prompt.error = crate::tui::update::prompt::check(app, &prompt).err();
    app.edit.prompt = Some(Prompt::Edit(prompt));
    app.status = "recovered an edit that was being typed when strata stopped: Enter applies it, Esc discards it".into();
}
