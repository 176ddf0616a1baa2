//! Predictive value in step 6: the models fitted on the worker when asked, shown on a page,
//! turned into an at-risk criterion, and refitted only when their settings change.

use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::worker::Job;
use crate::tui::state::app::Page;
use crate::tui::tests::{act, demo, named, screen, settle, typ};
use crate::tui::update::update;

#[test]
fn p_fits_the_models_once_and_shows_them_at_every_size() {
    let (mut app, mut engine) = demo();
    // elsewhere P says where it works
    assert!(act(&mut app, Action::Predict).is_empty());
    assert!(app.status.contains("step 6"), "{}", app.status);
    act(&mut app, Action::GoTo(5));
    let fx = act(&mut app, Action::Predict);
    assert!(app.status.contains("fitting"), "{}", app.status);
    assert_eq!(
        engine.session.clv_fits, 0,
        "nothing asked for the models before"
    );
    settle(&mut app, &mut engine, fx);
    assert!(matches!(app.page, Some(Page::Predictive)));
    assert_eq!(engine.session.clv_fits, 1);
    let v = app.model.rules.clv.as_ref().unwrap();
    assert_eq!(v.alive.iter().sum::<usize>(), v.fit.bgnbd.customers);
    for (w, h) in [(80, 24), (100, 30), (160, 50)] {
        let s = screen(&app, w, h);
        assert!(
            s.contains("BG/NBD") && s.contains("p_alive: buyers per tenth"),
            "{s}"
        );
        insta::assert_snapshot!(format!("predictive_{w}x{h}"), s);
    }
    // the page scrolls to its end and closes with Esc
    update(&mut app, Message::Resize(80, 24));
    act(&mut app, Action::Bottom);
    assert!(screen(&app, 80, 24).contains("at_risk"));
    act(&mut app, Action::Cancel);
    assert!(app.page.is_none());
    // the page takes every key: N does nothing behind it, and says how to close it
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::NewCriterion);
    assert!(app.edit.prompt.is_none() && app.page.is_some());
    assert!(app.status.contains("Esc closes"), "{}", app.status);
    act(&mut app, Action::Cancel);
    assert!(app.page.is_none());
    // once closed, the preset is proposed; a key other than Esc keeps it
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "at_risk");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert!(app.edit.proposal.is_some());
    act(&mut app, Action::Down);
    assert!(named(&app, "at_risk_segments").is_some());
    // asked again: the same fit, no second one
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    assert_eq!(engine.session.clv_fits, 1);
}

#[test]
fn the_at_risk_preset_needs_the_fit_and_tab_completes_its_name() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    // before the fit the preset says what it needs
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "at_risk");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert!(
        app.status.contains("P in this step fits them"),
        "{}",
        app.status
    );
    act(&mut app, Action::Cancel);
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::Cancel);
    act(&mut app, Action::NewCriterion);
    // a preset being typed is named, and Tab completes it
    typ(&mut app, "at_");
    let Some(crate::tui::state::app::Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("prompt")
    };
    let e = p.error.as_ref().unwrap();
    assert!(e.message.contains("or the preset at_risk"), "{}", e.message);
    act(&mut app, Action::NextPane);
    let Some(crate::tui::state::app::Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("prompt")
    };
    assert_eq!(p.text, "at_risk");
    assert!(p.error.is_none());
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let c = named(&app, "at_risk_segments").expect("the preset");
    assert_eq!(c.criterion.rule.labels()[0], "at risk");
}

/// The demo with the models fitted and the at-risk preset added on Purchase history.
fn with_at_risk() -> (
    crate::tui::state::app::App,
    crate::tui::runtime::worker::Engine,
) {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::Cancel);
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "at_risk");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    (app, engine)
}

#[test]
fn the_at_risk_preset_counts_the_valuable_leaving_and_rule_edits_never_refit() {
    let (mut app, mut engine) = with_at_risk();
    let c = named(&app, "at_risk_segments").expect("the preset");
    let counted: usize = c.result.valuation.iter().map(|s| s.customers).sum();
    assert_eq!(counted, app.model.data.n_customers);
    let count = |name: &str| {
        c.result
            .valuation
            .iter()
            .find(|s| s.name == name)
            .map_or(0, |s| s.customers)
    };
    // the threshold, the top quarter's floor rounded, read back from the rule
    let crate::engine::rules::Rule::Segments(s) = &c.criterion.rule else {
        panic!()
    };
    let x: f64 = s[0].when.value.rsplit(' ').next().unwrap().parse().unwrap();
    let col = |n: &str| match &**engine.session.base.get(n).unwrap() {
        crate::engine::eval::frame::Vector::Float(v) => v.clone(),
        _ => panic!(),
    };
    let (alive, value) = (col("p_alive"), col("predicted_value"));
    let at_risk = (0..alive.len())
        .filter(|&i| match (alive.get(i), value.get(i)) {
            (Some(p), Some(v)) => p < 0.5 && p > 0.0 && v / p >= x,
            _ => false,
        })
        .count();
    assert!(at_risk > 0, "the demo has customers at risk");
    assert_eq!(count("at risk"), at_risk);
    let buyers = app.model.rules.clv.as_ref().unwrap().fit.bgnbd.customers;
    let valuable = count("at risk") + count("valuable");
    assert!(
        valuable > buyers / 5 && valuable < buyers / 3,
        "about a quarter of the buyers: {valuable} of {buyers}"
    );
    assert!(
        app.status.contains("valuable but probably leaving"),
        "{}",
        app.status
    );
    // editing the criterion re-evaluates it without fitting again
    let i = app
        .model
        .rules
        .criteria
        .iter()
        .position(|c| c.criterion.name.value == "at_risk_segments")
        .unwrap();
    let mut edited = app.model.rules.criteria[i].criterion.clone();
    if let crate::engine::rules::Rule::Segments(s) = &mut edited.rule {
        s[2].when.value = "p_alive < 0.3".into();
    }
    let m = engine.handle(Job::Recompute {
        index: i,
        generation: app.generation[i],
        criterion: edited,
    });
    update(&mut app, m);
    assert_eq!(engine.session.clv_fits, 1);
}

#[test]
fn new_model_settings_refit_and_a_calibration_date_adds_the_holdout_check() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    assert!(screen(&app, 100, 40).contains("set clv.calibration_end"));
    let mut ws = engine.session.ws.clone();
    ws.purchase_history.clv.unit = crate::engine::rules::TimeUnit::Month;
    ws.purchase_history.clv.calibration_end = chrono::NaiveDate::from_ymd_opt(2024, 7, 1);
    let m = engine.handle(Job::Reload { ws: Box::new(ws) });
    update(&mut app, m);
    assert_eq!(engine.session.clv_fits, 2);
    let v = app.model.rules.clv.as_ref().unwrap();
    assert_eq!(v.fit.bgnbd.unit, crate::engine::rules::TimeUnit::Month);
    let (d, h) = v.holdout.as_ref().expect("the holdout check");
    assert_eq!(d.to_string(), "2024-07-01");
    let h = h.as_ref().unwrap();
    assert_eq!(
        h.rows.iter().map(|r| r.customers).sum::<usize>(),
        h.customers
    );
    let s = screen(&app, 100, 60);
    assert!(s.contains("holdout: fitted to 2024-07-01"), "{s}");
    assert!(s.contains("time in months"), "{s}");
}

/// A workspace whose rule reads p_alive on orders the models cannot be fitted on: the wizard
/// still opens (the fields empty, a warning saying why), so the rule can be changed; `P` says
/// why; `strata run` refuses it at the rule (tested end to end).
#[test]
fn the_wizard_opens_when_the_models_cannot_be_fitted() {
    let d = tempfile::tempdir().unwrap();
    let orders =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop/orders.csv");
    let ws = d.path().join("shop.strata.toml");
    std::fs::write(
        &ws,
        format!(
            "version = 1\n[data]\norders = {:?}\n[columns]\norder_customer_id = \"customer_id\"\n\
             order_date = \"date\"\nquantity = \"qty\"\nunit_price = \"price\"\n\
             [criteria.alive]\nstep = \"purchase_history\"\n\
             segments = [{{ name = \"likely\", when = \"p_alive >= 0.5\" }}]\n",
            orders.to_string_lossy()
        ),
    )
    .unwrap();
    let (mut app, mut engine) =
        crate::tui::prepare(&crate::tui::Source::Workspace(ws)).expect("opens");
    assert!(
        engine
            .session
            .warnings
            .iter()
            .any(|w| w.contains("p_alive, expected_purchases and predicted_value are empty")),
        "{:?}",
        engine.session.warnings
    );
    // every customer is in "otherwise" until the rule changes
    let c = &app.model.rules.criteria[0];
    assert_eq!(
        c.result
            .valuation
            .iter()
            .map(|s| s.customers)
            .sum::<usize>(),
        app.model.data.n_customers
    );
    act(&mut app, Action::GoTo(5));
    let fx = act(&mut app, Action::Predict);
    settle(&mut app, &mut engine, fx);
    assert!(
        app.status.contains("no predictive value: only"),
        "{}",
        app.status
    );
    assert!(app.page.is_none());
}
