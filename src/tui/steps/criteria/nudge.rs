//! Nudging a cut point with `+` and `-`: a round step, cut points kept in order, and a run of nudges counted from its start.

use crate::engine::rules::Rule;
use crate::tui::state::app::{App, Distribution};
use crate::tui::state::effect::Effect;

/// A round step for nudging a cut point: about 1 % of the column's range, at least 1 for whole numbers.
pub fn nudge_step(d: &Distribution) -> f64 {
    let Distribution::Histogram { bins, integral, .. } = d else {
        return 1.0;
    };
    let (Some(f), Some(l)) = (bins.first(), bins.last()) else {
        return 1.0;
    };
    let raw = ((l.1 - f.0) / 100.0).abs();
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    let nice = if m < 1.5 {
        1.0
    } else if m < 3.5 {
        2.0
    } else if m < 7.5 {
        5.0
    } else {
        10.0
    };
    let step = nice * p;
    if *integral {
        step.max(1.0).round()
    } else {
        step
    }
}

pub fn nudge(app: &mut App, up: bool) -> Vec<Effect> {
    let Some(i) = app.current_criterion() else {
        return vec![];
    };
    let view = &app.model.rules.criteria[i];
    let Rule::Bins { edges, .. } = &view.criterion.rule else {
        app.status =
            "+ and - nudge the cut points of bins; e edits the selected rule of this one".into();
        return vec![];
    };
    let k = app.nav.edge.min(edges.len() - 1);
    let step = nudge_step(&view.distribution);
    let new = edges[k] + if up { step } else { -step };
    let lower_ok = k == 0 || new > edges[k - 1];
    let upper_ok = k + 1 == edges.len() || new < edges[k + 1];
    if !(lower_ok && upper_ok) {
        app.status = "cut points must stay in increasing order".into();
        return vec![];
    }
    let old = view.criterion.clone();
    let mut c = old.clone();
    if let Rule::Bins { edges, labels, .. } = &mut c.rule {
        let before = edges.clone();
        edges[k] = (new * 1e9).round() / 1e9;
        *labels = crate::engine::rules::edit::labels::follow_defaults(&before, labels, edges);
    }
    // the change column counts from before the first nudge of this cut point
    if !matches!(&app.edit.nudge_base, Some((ci, ck, _)) if *ci == i && *ck == k) {
        let counts = view
            .result
            .valuation
            .iter()
            .map(|s| (s.name.clone(), s.customers))
            .collect();
        app.edit.nudge_base = Some((i, k, counts));
    }
    app.edit
        .remember(crate::tui::state::editing::Change::SetRule(old));
    app.change(i, c)
}
