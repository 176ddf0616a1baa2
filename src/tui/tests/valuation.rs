//! Valuation in the wizard: the cross-tab, the worth-it minimums, moves between two dates.

use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::worker::Job;
use crate::tui::tests::{act, demo, screen, settle, typ};
use crate::tui::update::{Effect, update};

#[test]
fn valuation_cross_tab_and_thresholds() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::CrossTab);
    let (other, x) = app.screens.valuation.crosstab.clone().expect("a cross-tab");
    assert_eq!(other, 1);
    let cells: usize = x.customers.iter().flatten().sum();
    assert_eq!(
        cells, app.model.data.n_customers,
        "every customer in exactly one cell"
    );
    insta::assert_snapshot!("crosstab_120x40", screen(&app, 120, 40));
    // the next criterion, then, after the last one, closed
    for _ in 0..app.model.rules.criteria.len() - 2 {
        act(&mut app, Action::CrossTab);
        assert!(app.screens.valuation.crosstab.is_some());
    }
    act(&mut app, Action::CrossTab);
    assert!(app.screens.valuation.crosstab.is_none());
    // thresholds: 50 % of customers or 50 % of value, else not worth it
    act(&mut app, Action::Edit);
    for _ in 0..20 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "50, x");
    let Some(crate::tui::state::app::Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    assert_eq!(p.error.as_ref().unwrap().pos, Some(5));
    update(&mut app, Message::Backspace);
    typ(&mut app, "50 %");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.valuation.min_value_share, 0.5);
    assert!(
        app.model.rules.criteria[0]
            .result
            .valuation
            .iter()
            .any(|v| !v.worth_marketing)
    );
}

#[test]
fn transitions_between_two_dates_in_valuation() {
    use crate::tui::state::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Transitions);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("no date prompt")
    };
    assert_eq!(p.text, "2024-01-02, 2025-01-01", "a year up to as_of");
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "2025-01-01, 2024-01-01");
    assert!(
        act(&mut app, Action::Confirm).is_empty(),
        "dates out of order are refused"
    );
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "2024-01-01, 2025-01-01");
    let fx = act(&mut app, Action::Confirm);
    let Some(Effect::Engine(job @ Job::Transitions { .. })) = fx.first() else {
        panic!("no transitions effect: {fx:?}")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    let tv = app
        .screens
        .valuation
        .transitions
        .clone()
        .expect("transitions");
    assert_eq!(tv.criteria.len(), app.model.rules.criteria.len());
    let life = tv
        .criteria
        .iter()
        .find(|t| t.criterion == "lifecycle")
        .unwrap();
    let n: usize = life.customers.iter().flatten().sum();
    assert_eq!(n, app.model.data.n_customers, "every customer in one cell");
    assert!(life.moved > 0);
    act(&mut app, Action::Right);
    act(&mut app, Action::Right);
    act(&mut app, Action::Right);
    act(&mut app, Action::Right);
    act(&mut app, Action::Right);
    assert!(
        screen(&app, 120, 40).contains("moves:"),
        "{}",
        screen(&app, 120, 40)
    );
    act(&mut app, Action::Transitions);
    assert!(app.screens.valuation.transitions.is_none(), "T closes it");
}
