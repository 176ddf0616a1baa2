//! More `update` tests: valuation cross-tab and thresholds, panes and copy, sorting, reloads, transitions.

use super::message::{Action, Message};
use super::tests::{act, demo, screen, settle, typ};
use super::update::{Effect, update};
use super::worker::Job;

#[test]
fn valuation_cross_tab_and_thresholds() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step9);
    act(&mut app, Action::CrossTab);
    let (other, x) = app.crosstab.clone().expect("a cross-tab");
    assert_eq!(other, 1);
    let cells: usize = x.customers.iter().flatten().sum();
    assert_eq!(cells, app.n_customers, "every customer in exactly one cell");
    insta::assert_snapshot!("crosstab_120x40", screen(&app, 120, 40));
    // the next criterion, then, after the last one, closed
    for _ in 0..app.criteria.len() - 2 {
        act(&mut app, Action::CrossTab);
        assert!(app.crosstab.is_some());
    }
    act(&mut app, Action::CrossTab);
    assert!(app.crosstab.is_none());
    // thresholds: 50 % of customers or 50 % of value, else not worth it
    act(&mut app, Action::Edit);
    for _ in 0..20 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "50, x");
    let Some(super::app::Prompt::Edit(p)) = &app.prompt else {
        panic!()
    };
    assert_eq!(p.error.as_ref().unwrap().pos, Some(5));
    update(&mut app, Message::Backspace);
    typ(&mut app, "50 %");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.valuation.min_value_share, 0.5);
    assert!(
        app.criteria[0]
            .result
            .valuation
            .iter()
            .any(|v| !v.worth_marketing)
    );
}

#[test]
fn tab_moves_to_the_segment_table_and_y_copies_its_ids() {
    let (mut app, _) = demo();
    act(&mut app, Action::Step3);
    let fx = act(&mut app, Action::Copy);
    assert!(fx.is_empty(), "the rules pane has nothing to copy");
    act(&mut app, Action::NextPane);
    act(&mut app, Action::Down);
    assert_eq!(app.seg_row, 1);
    let i = app.current_criterion().unwrap();
    let row = app.criteria[i].result.valuation[1].clone();
    let fx = act(&mut app, Action::Copy);
    let Some(Effect::Copy { text }) = fx.first() else {
        panic!("no copy")
    };
    assert_eq!(text.lines().count(), row.customers);
    assert!(app.status.contains(&row.name), "{}", app.status);
    act(&mut app, Action::Step1);
    let fx = act(&mut app, Action::Copy);
    assert!(matches!(fx.first(), Some(Effect::Copy { text }) if !text.is_empty()));
}

#[test]
fn the_list_sorts_and_keeps_the_selected_customer() {
    let (mut app, _) = demo();
    act(&mut app, Action::PageDown);
    let r = app.ranking.clone();
    let who = r.row_at(app.list_sort, app.row);
    act(&mut app, Action::Sort);
    assert_eq!(app.list_sort, super::app::ListSort::ValueUp);
    assert_eq!(
        r.row_at(app.list_sort, app.row),
        who,
        "still the same customer"
    );
    let first = r.row_at(app.list_sort, 0);
    let last = r.row_at(app.list_sort, app.n_customers - 1);
    assert!(r.value[first].unwrap_or(0.0) <= r.value[last].unwrap_or(0.0));
    act(&mut app, Action::Sort);
    assert_eq!(app.list_sort, super::app::ListSort::CustomerId);
    assert_eq!(
        r.ids.text_at(r.row_at(app.list_sort, 0)).as_deref(),
        Some("1")
    );
    assert_eq!(r.row_at(app.list_sort, app.row), who);
    assert!(screen(&app, 100, 30).contains("by customer id"));
    // search finds a customer in any order
    act(&mut app, Action::Search);
    typ(&mut app, "17");
    act(&mut app, Action::Confirm);
    assert_eq!(
        r.ids.text_at(r.row_at(app.list_sort, app.row)).as_deref(),
        Some("17")
    );
    act(&mut app, Action::Sort);
    assert_eq!(app.list_sort, super::app::ListSort::ValueDown);
}

#[test]
fn an_edit_being_typed_survives_a_reload_of_the_workspace() {
    use super::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step6);
    act(&mut app, Action::Edit);
    typ(&mut app, " AND orders > 1");
    // someone else deletes the first criterion: everything moves up one place
    let m = engine.handle(Job::Restructure(super::edit::StructEdit::Delete {
        index: 0,
    }));
    update(&mut app, m);
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(app.criteria[p.criterion].criterion.name.value, "lifecycle");
    assert!(p.text.ends_with(" AND orders > 1"));
}

#[test]
fn a_rule_changed_on_disk_while_being_edited_is_asked_about() {
    use super::app::Prompt;
    use crate::engine::rules::Rule;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step6);
    act(&mut app, Action::Edit);
    typ(&mut app, " AND orders > 1");
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!("no edit")
    };
    let (name, target) = (
        app.criteria[p.criterion].criterion.name.value.clone(),
        p.target,
    );
    let super::edit::Target::Condition(k) = target else {
        panic!("{target:?}")
    };
    let change = |engine: &mut super::worker::Engine, rule: usize, when: &str| {
        let mut ws = engine.session.ws.clone();
        let c = ws
            .criteria
            .iter_mut()
            .find(|c| c.name.value == name)
            .unwrap();
        let Rule::Segments(segs) = &mut c.rule else {
            panic!("segments")
        };
        segs[rule].when.value = when.to_string();
        engine.handle(Job::Reload { ws: Box::new(ws) })
    };
    // another rule of the same criterion changes: nothing to ask
    let m = change(&mut engine, k + 1, "orders >= 3");
    update(&mut app, m);
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(p.conflict, None);
    // the very rule being edited changes: the prompt says so and keeps the typed text
    let m = change(&mut engine, k, "orders >= 7");
    update(&mut app, m);
    let Some(Prompt::Edit(p)) = &app.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(p.conflict.as_deref(), Some("orders >= 7"));
    assert!(p.text.ends_with(" AND orders > 1"));
    assert!(app.status.contains("changed on disk"), "{}", app.status);
}

#[test]
fn transitions_between_two_dates_in_valuation() {
    use super::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::Step9);
    act(&mut app, Action::Transitions);
    let Some(Prompt::Edit(p)) = &app.prompt else {
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
    let Some(Effect::Transitions { from, to }) = fx.first() else {
        panic!("no transitions effect")
    };
    let m = engine.handle(Job::Transitions {
        from: *from,
        to: *to,
    });
    update(&mut app, m);
    let tv = app.transitions.clone().expect("transitions");
    assert_eq!(tv.criteria.len(), app.criteria.len());
    let life = tv
        .criteria
        .iter()
        .find(|t| t.criterion == "lifecycle")
        .unwrap();
    let n: usize = life.customers.iter().flatten().sum();
    assert_eq!(n, app.n_customers, "every customer in one cell");
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
    assert!(app.transitions.is_none(), "T closes it");
}

#[test]
fn reading_the_data_again_shows_progress_and_esc_cancels_it() {
    // a workspace on disk whose data takes a moment to read
    let d = tempfile::tempdir().unwrap();
    let mut data = String::from("id,spend\n");
    for i in 1..=1_500_000u32 {
        data.push_str(&format!("{i},{}\n", i % 997));
    }
    std::fs::write(d.path().join("c.csv"), data).unwrap();
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"c.csv\"\n[columns]\ncustomer_id = \"id\"\n\
         [criteria.spend]\nstep = \"demographic\"\nbins = { column = \"spend\", edges = [100] }\n",
    )
    .unwrap();
    let (mut app, engine) = super::prepare(&super::Source::Workspace(ws.clone())).unwrap();
    let worker = super::worker::Worker::spawn(engine);
    worker.send(Job::Reopen { path: ws });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let snap = loop {
        if let Some(s) = worker.loading() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the load never showed"
        );
        std::thread::yield_now();
    };
    update(&mut app, Message::Loading(Some(snap)));
    assert!(app.loading.is_some());
    // Esc (no prompt open) cancels the load instead of doing anything else
    let effects = update(&mut app, Message::Action(Action::Cancel));
    assert!(matches!(
        effects.as_slice(),
        [super::update::Effect::CancelLoad]
    ));
    worker.cancel_load();
    let m = worker
        .rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    let Message::Notice(text) = &m else {
        panic!("{m:?}")
    };
    assert!(text.contains("cancelled"), "{text}");
    update(&mut app, Message::Loading(None));
    update(&mut app, m);
    assert!(app.loading.is_none());
    assert!(app.status.contains("cancelled"), "{}", app.status);
}
