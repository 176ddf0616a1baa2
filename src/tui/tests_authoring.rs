//! Authoring without the TOML file: value and cost typed in the wizard, criteria made from a
//! column or a preset, and names completed with Tab.

use super::app::Prompt;
use super::message::{Action, Message};
use super::tests::{act, demo, settle, typ};
use super::update::update;
use crate::engine::rules::Rule;

fn clear(app: &mut super::app::App) {
    for _ in 0..80 {
        update(app, Message::Backspace);
    }
}

/// `v` in Valuation sets the value per customer (checked as typed), `$` the cost; both are
/// undone with `u`.
#[test]
fn value_and_cost_are_typed_in_valuation() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step9);
    let total = app.ranking.total;
    act(&mut app, Action::EditValue);
    clear(&mut app);
    typ(&mut app, "revenue * 2 + agee");
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!("value prompt")
    };
    assert!(
        p.error
            .as_ref()
            .unwrap()
            .message
            .contains("did you mean \"age\"")
    );
    for _ in 0..7 {
        update(&mut app, Message::Backspace);
    }
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.valuation.value.as_ref().unwrap().value, "revenue * 2");
    assert!((app.ranking.total - 2.0 * total).abs() < 1e-6 * total.abs());
    act(&mut app, Action::EditCost);
    clear(&mut app);
    typ(&mut app, "orders * 3");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.valuation.cost.as_ref().unwrap().value, "orders * 3");
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert!(
        (app.ranking.total - total).abs() < 1e-6 * total.abs(),
        "{}",
        app.status
    );
}

/// `N` then a column: numbers become bins at rounded quartiles, text a map of its values; a
/// preset makes the RFM segments; Enter with nothing, a rule list.
#[test]
fn new_criteria_come_from_a_column_or_a_preset() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step3);
    let n = app.criteria.len();
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "incom");
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!()
    };
    assert!(p.error.is_some());
    act(&mut app, Action::NextPane);
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!()
    };
    assert_eq!(p.text, "income", "Tab completes");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.criteria.len(), n + 1);
    let c = &app.criteria[n].criterion;
    let Rule::Bins { edges, .. } = &c.rule else {
        panic!("bins: {:?}", c.rule)
    };
    assert_eq!(edges.len(), 3);
    assert!(
        edges
            .iter()
            .all(|e| *e == crate::engine::eval::propose::round_number(*e))
    );
    assert!(app.status.contains("quartiles"), "{}", app.status);
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "education");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let c = &app.criteria[n + 1].criterion;
    assert!(matches!(&c.rule, Rule::Map { groups, .. } if groups.len() >= 2));
    assert_eq!(
        app.criteria[n + 1]
            .result
            .valuation
            .iter()
            .map(|s| s.customers)
            .sum::<usize>(),
        app.n_customers
    );
    // a preset in purchase history
    act(&mut app, Action::Step6);
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "rfm");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let c = app
        .criteria
        .iter()
        .find(|c| c.criterion.name.value == "rfm_segments")
        .expect("the preset");
    assert_eq!(c.criterion.rule.labels()[0], "champions");
    assert!(
        c.result
            .valuation
            .iter()
            .any(|s| s.name == "champions" && s.customers > 0)
    );
    // u takes the preset out again
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert!(
        !app.criteria
            .iter()
            .any(|c| c.criterion.name.value == "rfm_segments")
    );
}
