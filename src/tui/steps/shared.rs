//! What several steps do alike: moving through rows and criteria, scrolling wide tables, opening
//! the prompts for a value, a cost or an export, copying ids.

use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::{App, Pane, Prompt};
use crate::tui::state::effect::Effect;
use crate::tui::state::prompt::{EditPrompt, Target};

/// Rows a page moves: the terminal's height less the frame around the lists.
pub fn page(app: &App) -> usize {
    (app.nav.height as usize).saturating_sub(8).max(1)
}

/// Row `row` of `n` after `a` (up, down, a page either way, the ends).
pub fn moved(app: &App, row: usize, n: usize, a: Action) -> usize {
    if n == 0 {
        return 0;
    }
    match a {
        Up => row.saturating_sub(1),
        Down => (row + 1).min(n - 1),
        PageUp => row.saturating_sub(page(app)),
        PageDown => (row + page(app)).min(n - 1),
        Top => 0,
        _ => n - 1,
    }
}

/// Left and right on a screen of `n` criteria: the previous or next one, from the start of it.
pub fn select_criterion(app: &mut App, a: Action, n: usize) {
    if n == 0 {
        return;
    }
    let s = &mut app.nav.selected[app.nav.step.index()];
    *s = if a == Left {
        (*s + n - 1) % n
    } else {
        (*s + 1) % n
    };
    app.nav.edge = 0;
    app.nav.rule = 0;
    app.nav.seg_row = 0;
    app.nav.hscroll = 0;
    app.refresh_crosstab();
}

/// `<` `>`: a wide table of `columns` columns (after its first) scrolled sideways.
pub fn scroll(app: &mut App, a: Action, columns: usize) {
    let most = columns.saturating_sub(1);
    app.nav.hscroll = if a == ScrollLeft {
        app.nav.hscroll.saturating_sub(1)
    } else {
        (app.nav.hscroll + 1).min(most)
    };
}

/// Open a prompt (the update checks its text before the next frame).
pub fn open(app: &mut App, p: EditPrompt) {
    app.edit.prompt = Some(Prompt::Edit(p));
}

/// `v` / `$`: edit the value or the cost per customer, from what is set, else from `start`
/// (the selected column in Classify), else from the suggestion made when there are no orders.
pub fn open_measure(app: &mut App, cost: bool, start: Option<String>) {
    let v = &app.model.rules.valuation;
    let current = if cost { &v.cost } else { &v.value };
    let text = match current {
        Some(x) => x.value.clone(),
        None if !cost => start
            .or_else(|| app.model.data.value_hint.as_ref().map(|h| h.0.clone()))
            .unwrap_or_default(),
        None => String::new(),
    };
    let target = if cost { Target::Cost } else { Target::Value };
    open(app, EditPrompt::new(0, target, text));
}

/// The selected segment of the segment table: (criterion name, segment name).
pub fn selected_segment(app: &App) -> Option<(String, String)> {
    let i = app.current_criterion()?;
    let c = &app.model.rules.criteria[i];
    // Valuation selects in its own order
    let k = if app.nav.step == crate::tui::steps::StepId::Valuation {
        let v = &app.screens.valuation;
        let order = app.segment_order_by(i, v.sort);
        *order.get(v.row.min(order.len().saturating_sub(1)))?
    } else {
        app.selected_segment(i)?
    };
    let seg = c.result.valuation.get(k)?;
    Some((c.criterion.name.value.clone(), seg.name.clone()))
}

/// `w` in a segment table: ask where to write the selected segment's customer ids.
pub fn open_export(app: &mut App) {
    let table =
        app.nav.pane == Pane::Segments || app.nav.step == crate::tui::steps::StepId::Valuation;
    let Some((crit, seg)) = selected_segment(app).filter(|_| table) else {
        app.status = "w writes a segment's customers: Tab to the segment table, pick one".into();
        return;
    };
    let part = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let text = format!("{}--{}.csv", part(&crit), part(&seg));
    let i = app.current_criterion().unwrap_or(0);
    open(app, EditPrompt::new(i, Target::ExportPath, text));
}

/// `y` in a segment table: the ids of the selected segment, as many as one clipboard payload
/// holds.
pub fn copy_segment(app: &mut App) -> Vec<Effect> {
    let seg = app
        .current_criterion()
        .filter(|_| app.nav.pane == Pane::Segments);
    let Some(i) = seg else {
        app.status =
            "y copies: a customer id in step 1, or a segment's ids (Tab to the segment table)"
                .into();
        return vec![];
    };
    let res = &app.model.rules.criteria[i].result;
    let Some(row) = app.selected_segment(i).and_then(|k| res.valuation.get(k)) else {
        return vec![];
    };
    let Some(k) = res.assignment.names.iter().position(|n| *n == row.name) else {
        return vec![];
    };
    let r = &app.model.rules.ranking;
    let ids: Vec<String> = res
        .assignment
        .label
        .iter()
        .enumerate()
        .filter(|(_, l)| **l as usize == k)
        .filter_map(|(c, _)| r.ids.text_at(c))
        .collect();
    let (text, n) = crate::tui::state::effect::fit_lines(ids.iter().map(String::as_str));
    app.status = if n == ids.len() {
        format!(
            "copied the {} customer ids of \"{}\"",
            crate::engine::format::thousands(n as u64),
            row.name
        )
    } else {
        format!(
            "copied the first {n} of {} ids of \"{}\" (a clipboard payload holds no more); strata export writes them all",
            ids.len(),
            row.name
        )
    };
    vec![Effect::Copy { text }]
}

/// Show or mask personal data (List and Classify).
pub fn mask_pii(app: &mut App) {
    app.prefs.mask_pii = !app.prefs.mask_pii;
    app.status = if app.prefs.mask_pii {
        "personal data masked".into()
    } else {
        "personal data shown".into()
    };
}
