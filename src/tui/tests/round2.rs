//! The small things a new user met on screen, each fixed: deleting keeps the selection's place,
//! the palette knows every action, a failed save leaves no undo step, Valuation sorts and shows
//! the workspace's measures, the rest is not rated, the record shows the customer's value.

use crate::engine::rules::Rule;
use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::Prompt;
use crate::tui::state::effect::Effect;
use crate::tui::tests::{act, demo, screen, settle, typ};
use crate::tui::update::update;

/// `d d d` deletes the rules it is on: the selection stays on the same place (the next rule).
#[test]
fn deleting_a_rule_leaves_the_selection_on_the_next_one() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    let i = app.current_criterion().unwrap();
    let labels = app.model.rules.criteria[i].criterion.rule.labels();
    assert!(labels.len() >= 4, "{labels:?}");
    act(&mut app, Action::Down);
    let fx = act(&mut app, Action::DeleteRule);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.nav.rule, 1);
    let now = app.model.rules.criteria[i].criterion.rule.labels();
    assert_eq!(now[1], labels[2], "the next rule is selected");
    // at the end, the new last one
    app.nav.rule = now.len() - 1;
    let fx = act(&mut app, Action::DeleteRule);
    settle(&mut app, &mut engine, fx);
    let after = app.model.rules.criteria[i].criterion.rule.labels();
    assert_eq!(app.nav.rule, after.len() - 1);
}

/// `:` then an action's name does what its key does (`unknown command "export"` before).
#[test]
fn the_palette_runs_any_action_by_name() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::Palette);
    typ(&mut app, "new criterion");
    act(&mut app, Action::Confirm);
    assert!(
        matches!(&app.edit.prompt, Some(Prompt::Edit(p)) if p.target == crate::tui::state::prompt::Target::NewFrom),
        "{:?} {}",
        app.edit.prompt,
        app.status
    );
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Palette);
    typ(&mut app, "cross");
    act(&mut app, Action::NextPane);
    act(&mut app, Action::Confirm);
    assert_eq!(app.nav.step, crate::tui::steps::StepId::Demographic);
    // run as its key would be: here it says where it works
    assert!(app.status.contains("works in step 9"), "{}", app.status);
}

/// An edit whose save failed is not a step to undo.
#[test]
fn a_failed_save_leaves_no_undo_step() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    let before = app.edit.undo.len();
    let fx = act(&mut app, Action::Increase);
    let Some(Effect::Write { undo, then, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::Write { .. }))
        .cloned()
    else {
        panic!("no write: {fx:?}")
    };
    assert_eq!(undo, Some(before));
    assert_eq!(app.edit.undo.len(), before + 1);
    update(
        &mut app,
        Message::Saved {
            result: Err("disk full".into()),
            then,
            undo,
        },
    );
    assert_eq!(app.edit.undo.len(), before);
    assert!(
        app.status.contains("could not save: disk full"),
        "{}",
        app.status
    );
}

/// Valuation sorts with `s` (it did nothing), shows the workspace's measures, and does not
/// rate the rest (customers no rule took) as worth a campaign.
#[test]
fn valuation_sorts_shows_measures_and_leaves_the_rest_unrated() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    update(&mut app, Message::Resize(200, 40));
    let s = screen(&app, 200, 40);
    assert!(s.contains("avg_age") && s.contains("deal_share"), "{s}");
    let rest = s
        .lines()
        .find(|l| l.contains("│unassigned"))
        .expect("the rest's row");
    assert!(rest.contains("the rest") && !rest.contains("yes"), "{rest}");
    act(&mut app, Action::Sort);
    let s = screen(&app, 200, 40);
    assert!(s.contains("by customers"), "{s}");
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("│middle-aged") || l.contains("│young"))
        .collect();
    assert!(
        rows[0].contains("middle-aged"),
        "most customers first: {rows:?}"
    );
}

/// The record starts with what the customer is worth, and numbers are rounded for reading.
#[test]
fn the_record_shows_the_customers_value_and_readable_numbers() {
    let (mut app, mut engine) = demo();
    let fx = act(&mut app, Action::Confirm);
    let [Effect::Engine(job)] = &fx[..] else {
        panic!("{fx:?}")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    let (_, fields) = app.record().unwrap();
    assert_eq!(fields[0].0, "value (revenue)");
    assert_eq!(fields[0].1, "3,247.15");
    for (n, v) in fields {
        if let Some((_, frac)) = v.split_once('.') {
            assert!(frac.len() <= 7, "{n} = {v}");
        }
    }
}

/// Deleting a cut point leaves the selection on the next one.
#[test]
fn a_deleted_cut_point_keeps_its_place() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    act(&mut app, Action::NextEdge);
    let fx = act(&mut app, Action::DeleteRule);
    settle(&mut app, &mut engine, fx);
    let Rule::Bins { edges, .. } = &app.model.rules.criteria[i].criterion.rule else {
        panic!()
    };
    assert_eq!(edges, &vec![25.0, 60.0]);
    assert_eq!(app.nav.edge, 1, "on 60, the cut point after the deleted 40");
}

/// `N` with a numeric expression gives bins over it: cut points `+` nudges, labels that do not
/// share their ends (it gave a rule list `37–44`, `44–55` before).
#[test]
fn a_criterion_from_an_expression_is_bins_that_nudge() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "income / 1000");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let i = app.current_criterion().unwrap();
    let c = app.model.rules.criteria[i].criterion.clone();
    let Rule::Bins {
        column,
        edges,
        labels,
        expr,
    } = &c.rule
    else {
        panic!("{:?}", c.rule)
    };
    assert!(*expr && column.value == "income / 1000");
    assert_eq!(labels.len(), edges.len() + 1);
    assert_eq!(
        labels,
        &crate::engine::rules::parse::criteria::default_bin_labels(edges)
    );
    let counted: usize = app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .map(|s| s.customers)
        .sum();
    assert_eq!(counted, app.model.data.n_customers);
    // + moves the first cut point up and the table follows
    act(&mut app, Action::Down);
    let fx = act(&mut app, Action::Increase);
    settle(&mut app, &mut engine, fx);
    let Rule::Bins { edges: after, .. } = &app.model.rules.criteria[i].criterion.rule else {
        panic!()
    };
    assert!(after[0] > edges[0], "{edges:?} → {after:?}");
    assert!(screen(&app, 100, 30).contains("bins on income / 1000"));
}

/// Typing a value into a map group takes it from the group it was in, in one edit; a group left
/// empty goes, and the status line says both (`"Latvia" is already in group "baltic"` before).
#[test]
fn a_value_moves_between_map_groups_in_one_edit() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(3));
    app.nav.selected[app.nav.step.index()] = 1;
    let i = app.current_criterion().unwrap();
    assert_eq!(app.model.rules.criteria[i].criterion.name.value, "market");
    let labels = app.model.rules.criteria[i].criterion.rule.labels();
    let nordic = labels.iter().position(|l| l == "nordic").unwrap();
    app.nav.rule = nordic;
    act(&mut app, Action::Edit);
    typ(&mut app, "Denmark, Latvia");
    let fx = act(&mut app, Action::Confirm);
    assert!(!fx.is_empty(), "the edit is accepted: {}", app.status);
    assert!(
        app.status
            .contains("Latvia moved from group baltic to nordic")
            && app
                .status
                .contains("group baltic was left empty and removed"),
        "{}",
        app.status
    );
    settle(&mut app, &mut engine, fx);
    let Rule::Map { groups, .. } = &app.model.rules.criteria[i].criterion.rule else {
        panic!("a map")
    };
    assert!(!groups.iter().any(|g| g.0 == "baltic"), "{groups:?}");
    let nordic = groups.iter().find(|g| g.0 == "nordic").unwrap();
    assert_eq!(nordic.1.len(), 2);
    // the group edited stays selected, though a group before it went
    let labels_now = app.model.rules.criteria[i].criterion.rule.labels();
    assert_eq!(labels_now[app.nav.rule], "nordic", "{labels_now:?}");
    let counts = crate::tui::tests::counts(&app, i);
    assert!(!counts.iter().any(|c| c.0 == "baltic"), "{counts:?}");
    // one undo puts both groups back
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria[i].criterion.rule.labels(), labels);
}

/// Valuation: ↑ ↓ pick a segment (← → the criterion), and `w` writes the one picked, as in the
/// criteria steps (it said "w works on a criterion of steps 3 to 7"; j switched criteria).
#[test]
fn valuation_picks_a_segment_and_writes_it() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    let i = app.current_criterion().unwrap();
    act(&mut app, Action::Down);
    assert_eq!(app.current_criterion(), Some(i), "↓ stays on the criterion");
    act(&mut app, Action::Export);
    let second = app
        .segment_order_by(i, app.screens.valuation.sort)
        .get(1)
        .map(|&k| app.model.rules.criteria[i].result.valuation[k].name.clone())
        .unwrap();
    match &app.edit.prompt {
        Some(Prompt::Edit(p)) => assert!(
            p.text.ends_with(&format!("--{second}.csv")),
            "{} for {second}",
            p.text
        ),
        other => panic!("no export prompt: {other:?} {}", app.status),
    }
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Right);
    assert_ne!(app.current_criterion(), Some(i));
    assert_eq!(app.screens.valuation.row, 0);
}

/// Esc closes Valuation's cross-tab (it took pressing c through every criterion).
#[test]
fn esc_closes_the_cross_tab() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::CrossTab);
    assert!(app.screens.valuation.crosstab.is_some(), "{}", app.status);
    act(&mut app, Action::Cancel);
    assert!(app.screens.valuation.crosstab.is_none());
    assert!(app.status.contains("closed"), "{}", app.status);
}
