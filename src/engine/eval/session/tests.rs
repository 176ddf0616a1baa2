//! The session's tests: one-shot and typed opens agree with polars, rules and purchase settings change in place.

use super::*;
use crate::engine::data::demo::{DEMO_WORKSPACE, demo_frames};
use crate::engine::rules::parse::parse_workspace;
use crate::engine::rules::{RfmMethod, Rule};

/// A one-shot session let its order rows go: new purchase settings are refused, never
/// shown with the old fields; other rule changes still apply.
#[test]
fn without_order_rows_purchase_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(dir.path(), 300, 5).unwrap();
    let ws =
        crate::engine::rules::parse::load_workspace(&dir.path().join("demo.strata.toml")).unwrap();
    let mut s = Session::open_reading(ws.clone(), Some(&[])).unwrap();
    let mut bins = ws.clone();
    bins.purchase_history.rfm_bins = 3;
    assert!(s.needs_orders(&bins));
    let e = s.replace_rules(bins).unwrap_err().to_string();
    assert!(e.contains("order rows"), "{e}");
    assert_eq!(s.scores[0].counts.len(), 5);
    let mut rules = ws;
    rules.criteria.truncate(1);
    assert!(!s.needs_orders(&rules));
    s.replace_rules(rules).unwrap();
    assert_eq!(s.results.len(), 1);
}

#[test]
fn files_read_as_typed_columns_evaluate_like_polars_tables() {
    let dir = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(dir.path(), 3000, 9).unwrap();
    let ws =
        crate::engine::rules::parse::load_workspace(&dir.path().join("demo.strata.toml")).unwrap();
    let t = PolarsTables::load(&ws, None).unwrap();
    let polars = Session::from_frames(
        ws.clone(),
        t.customers.as_ref(),
        t.orders.as_ref(),
        &t.joins,
    )
    .unwrap();
    let typed = Session::open_reading(ws.clone(), Some(&[])).unwrap();
    assert_eq!(typed.ids, polars.ids);
    for (a, b) in typed.results.iter().zip(&polars.results) {
        assert_eq!(a.assignment.label, b.assignment.label);
        assert_eq!(a.assignment.names, b.assignment.names);
    }
    for name in &typed.base.names {
        assert_eq!(typed.base.get(name), polars.base.get(name), "{name}");
    }
    // fields nothing asked for are left out, not filled with zeros; asking brings them back
    let unused = ["distinct_products", "top_category", "main_channel"];
    for f in unused {
        let used = ws.referenced_names().iter().any(|n| n == f);
        assert_eq!(typed.base.get(f).is_some(), used, "{f}");
    }
    let asked = Session::open_reading(ws, Some(&["top_category".to_string()])).unwrap();
    assert_eq!(
        asked.base.get("top_category"),
        polars.base.get("top_category")
    );
}

/// The demo's workspace.
fn demo_ws() -> Workspace {
    parse_workspace(std::path::Path::new("demo.strata.toml"), DEMO_WORKSPACE).unwrap()
}

fn demo() -> Session {
    let (c, o) = demo_frames(400, 5).unwrap();
    let ws = demo_ws();
    Session::from_frames(ws, Some(&c), Some(&o), &[]).unwrap()
}

#[test]
fn one_criterion_recomputes_alone_and_keeps_previous_counts() {
    let mut s = demo();
    let i =
        s.ws.criteria
            .iter()
            .position(|c| c.name.value == "age_band")
            .unwrap();
    let other_before = s.results[i + 1].valuation.clone();
    let mut c = s.ws.criteria[i].clone();
    if let Rule::Bins { edges, .. } = &mut c.rule {
        edges[0] = 30.0;
    }
    let before: usize = s.results[i]
        .valuation
        .iter()
        .find(|v| v.name == "young")
        .unwrap()
        .customers;
    let r = s.update_criterion(i, c).unwrap();
    let after = r
        .valuation
        .iter()
        .find(|v| v.name == "young")
        .unwrap()
        .customers;
    assert!(
        after > before,
        "moving the edge up puts more customers in young"
    );
    assert_eq!(r.previous["young"], before);
    assert_eq!(s.results[i + 1].valuation.len(), other_before.len());
    assert_eq!(s.ws.criteria[i].rule.labels()[0], "young");
}

#[test]
fn new_rules_replace_old_ones_or_leave_the_session_as_it_was() {
    let mut s = demo();
    let n = s.results.len();
    let mut ws = s.ws.clone();
    ws.criteria.remove(0);
    let mut bad = ws.clone();
    ws.valuation.min_customer_share = 0.9;
    ws.valuation.min_value_share = 0.9;
    s.replace_rules(ws).unwrap();
    assert_eq!(s.results.len(), n - 1);
    assert!(s.results[0].valuation.iter().any(|v| !v.worth_marketing));
    assert!(
        !s.results[0].previous.is_empty(),
        "counts before are kept by name"
    );
    if let Rule::Segments(segs) = &mut bad.criteria[5].rule {
        segs[0].when.value = "nope > 1".into();
    }
    assert!(s.replace_rules(bad).is_err());
    assert_eq!(s.results.len(), n - 1, "unchanged after an error");
    let mut moved = s.ws.clone();
    moved.data.as_of = None;
    let e = s.replace_rules(moved).unwrap_err().to_string();
    assert!(e.contains("data settings"), "{e}");
}

#[test]
fn purchase_settings_rederive_scores_and_criteria() {
    let mut s = demo();
    let rfm =
        s.ws.criteria
            .iter()
            .position(|c| c.name.value == "rfm")
            .unwrap();
    let champions = |s: &Session| {
        s.results[rfm]
            .valuation
            .iter()
            .find(|v| v.name == "champions")
            .unwrap()
            .customers
    };
    let before = champions(&s);
    let mut cfg = s.ws.purchase_history.clone();
    cfg.rfm_bins = 3;
    cfg.rfm_method = RfmMethod::Quantile;
    cfg.windows = vec![30];
    s.set_purchase(cfg).unwrap();
    assert!(s.base.get("orders_30d").is_some());
    assert_eq!(s.scores[0].counts.len(), 3);
    assert_ne!(champions(&s), before);
    assert_eq!(s.results[rfm].previous["champions"], before);
}

/// The wizard's session over the demo data, under `ws`.
fn wizard_demo(ws: &Workspace) -> Session {
    let (c, o) = demo_frames(600, 5).unwrap();
    Session::from_frames_interactive(ws.clone(), Some(&c), Some(&o), &[]).unwrap()
}

/// A new value (the rules replaced) ranks the customers and makes the 80/20 figures anew, as
/// a session opened with it does.
#[test]
fn a_new_value_ranks_and_figures_anew() {
    use super::super::valuation::value_order;
    let ws = demo_ws();
    let mut s = wizard_demo(&ws);
    let before = s.value_order.clone().expect("the wizard's rows by value");
    let mut w = ws.clone();
    w.valuation.value = Some(Spanned::bare("orders".into()));
    s.replace_rules(w.clone()).unwrap();
    let fresh = wizard_demo(&w);
    assert_eq!(*s.value, *fresh.value);
    assert_ne!(s.value_order.as_deref(), Some(&*before));
    assert_eq!(s.value_order.as_deref(), Some(&value_order(&s.value)));
    assert_eq!(s.pareto.bits(), fresh.pareto.bits());
}

/// Rows by value already held are taken again, not sorted again, while they are the values'
/// order; rows in any other order are sorted anew.
#[test]
fn rows_by_value_held_are_taken_while_they_hold() {
    use super::super::valuation::value_order;
    let ws = demo_ws();
    let mut s = wizard_demo(&ws);
    let held = s.value_order.clone().unwrap();
    let figures_before = s.pareto.bits();
    s.compute_measures().unwrap();
    assert!(std::sync::Arc::ptr_eq(
        &held,
        s.value_order.as_ref().unwrap()
    ));
    assert_eq!(s.pareto.bits(), figures_before);
    // the same rows backwards: not the values' order, so sorted again
    let backwards: Vec<usize> = held.iter().rev().copied().collect();
    s.value_order = Some(std::sync::Arc::new(backwards));
    s.compute_measures().unwrap();
    assert_eq!(s.value_order.as_deref(), Some(&value_order(&s.value)));
    assert_eq!(s.pareto.bits(), figures_before);
}
