//! Authoring without the TOML file: value and cost typed in the wizard, criteria made from a
//! column or a preset, and names completed with Tab.

use crate::engine::rules::Rule;
use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::Prompt;
use crate::tui::steps::StepId;
use crate::tui::tests::{act, demo, named, settle, typ};
use crate::tui::update::update;

fn clear(app: &mut crate::tui::state::app::App) {
    for _ in 0..80 {
        update(app, Message::Backspace);
    }
}

/// `v` in Valuation sets the value per customer (checked as typed), `$` the cost; both are
/// undone with `u`.
#[test]
fn value_and_cost_are_typed_in_valuation() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(8));
    let total = app.model.rules.ranking.total;
    act(&mut app, Action::EditValue);
    clear(&mut app);
    typ(&mut app, "revenue * 2 + agee");
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
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
    assert_eq!(
        app.model.rules.valuation.value.as_ref().unwrap().value,
        "revenue * 2"
    );
    assert!((app.model.rules.ranking.total - 2.0 * total).abs() < 1e-6 * total.abs());
    act(&mut app, Action::EditCost);
    clear(&mut app);
    typ(&mut app, "orders * 3");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.valuation.cost.as_ref().unwrap().value,
        "orders * 3"
    );
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert!(
        (app.model.rules.ranking.total - total).abs() < 1e-6 * total.abs(),
        "{}",
        app.status
    );
}

/// `N` then a column: numbers become bins at rounded quartiles, text a map of its values; a
/// preset makes the RFM segments; Enter with nothing, a rule list.
#[test]
fn new_criteria_come_from_a_column_or_a_preset() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let n = app.model.rules.criteria.len();
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "incom");
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    assert!(p.error.is_some());
    act(&mut app, Action::NextPane);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    assert_eq!(p.text, "income", "Tab completes");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), n + 1);
    let c = &app.model.rules.criteria[n].criterion;
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
    let c = &app.model.rules.criteria[n + 1].criterion;
    assert!(matches!(&c.rule, Rule::Map { groups, .. } if groups.len() >= 2));
    assert_eq!(
        app.model.rules.criteria[n + 1]
            .result
            .valuation
            .iter()
            .map(|s| s.customers)
            .sum::<usize>(),
        app.model.data.n_customers
    );
    // a preset in purchase history
    act(&mut app, Action::GoTo(5));
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "rfm");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let c = named(&app, "rfm_segments").expect("the preset");
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
    assert!(named(&app, "rfm_segments").is_none());
}

/// `/` finds by a part of the id and, with nothing typed, goes on to the next match.
#[test]
fn search_finds_by_substring_and_goes_on_to_the_next() {
    let (mut app, _) = demo();
    let find = |app: &mut crate::tui::state::app::App, q: &str| {
        act(app, Action::Search);
        typ(app, q);
        act(app, Action::Confirm);
        let r = &app.model.rules.ranking;
        r.ids
            .text_at(r.row_at(app.screens.list.sort, app.nav.row))
            .unwrap()
    };
    let first = find(&mut app, "99");
    assert!(first.contains("99"), "{first}");
    assert!(app.status.contains("ids contain"), "{}", app.status);
    let second = find(&mut app, "");
    assert!(second.contains("99") && second != first, "{first} {second}");
    // ↑ in the search prompt: the previous match
    act(&mut app, Action::Search);
    act(&mut app, Action::Up);
    let r = &app.model.rules.ranking;
    assert_eq!(
        r.ids
            .text_at(r.row_at(app.screens.list.sort, app.nav.row))
            .unwrap(),
        first
    );
    act(&mut app, Action::Down);
    let r = &app.model.rules.ranking;
    assert_eq!(
        r.ids
            .text_at(r.row_at(app.screens.list.sort, app.nav.row))
            .unwrap(),
        second
    );
    act(&mut app, Action::Cancel);
    find(&mut app, "no-such-id");
    assert!(app.status.contains("no customer id contains"));
}

/// The palette completes step names and commands as they are typed (Tab), and goes there.
#[test]
fn the_palette_completes_and_goes() {
    let (mut app, _) = demo();
    act(&mut app, Action::Palette);
    typ(&mut app, "pu");
    act(&mut app, Action::NextPane);
    let Some(Prompt::Palette(s)) = &app.edit.prompt else {
        panic!()
    };
    assert_eq!(s, "purchase history");
    act(&mut app, Action::Confirm);
    assert_eq!(app.nav.step, crate::tui::steps::StepId::PurchaseHistory);
}

/// Enter on the List opens the customer's record: every field, personal data masked until `m`.
#[test]
fn the_record_view_shows_every_field_masked() {
    let (mut app, mut engine) = demo();
    update(&mut app, Message::Resize(100, 60));
    let fx = act(&mut app, Action::Confirm);
    let [
        crate::tui::state::effect::Effect::Engine(
            job @ crate::tui::runtime::worker::Job::Record { .. },
        ),
    ] = &fx[..]
    else {
        panic!("record effect: {fx:?}")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    let fields = app.record().unwrap().1.clone();
    let name = fields.iter().find(|f| f.0 == "name").unwrap().1.clone();
    let s = crate::tui::tests::screen(&app, 100, 60);
    assert!(s.contains("recency_days") && s.contains("r_score"), "{s}");
    assert!(!s.contains(&name) && s.contains("•••"), "{s}");
    act(&mut app, Action::MaskPii);
    assert!(crate::tui::tests::screen(&app, 100, 60).contains(&name));
    act(&mut app, Action::Cancel);
    assert!(app.record().is_none());
}

/// `w` in a segment table writes that segment's customer ids, as `strata export` does.
#[test]
fn a_segment_is_written_from_the_wizard() {
    let (mut app, mut engine) = demo();
    let dir = tempfile::tempdir().unwrap();
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::Export);
    assert!(
        app.edit.prompt.is_none(),
        "the segment table needs the focus first"
    );
    act(&mut app, Action::NextPane);
    act(&mut app, Action::Export);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("path prompt")
    };
    assert!(
        p.text.starts_with("age_band--") && p.text.ends_with(".csv"),
        "{}",
        p.text
    );
    clear(&mut app);
    let out = dir.path().join("top.csv");
    typ(&mut app, &out.to_string_lossy());
    let fx = act(&mut app, Action::Confirm);
    for e in fx {
        if let crate::tui::state::effect::Effect::Engine(
            job @ crate::tui::runtime::worker::Job::Export { .. },
        ) = e
        {
            let m = engine.handle(job);
            update(&mut app, m);
        }
    }
    let i = app.current_criterion().unwrap();
    let seg = &app.model.rules.criteria[i].result.valuation[0];
    assert!(
        app.status.contains(&format!("{} customers", seg.customers)),
        "{}",
        app.status
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), seg.customers + 1);
    assert_eq!(text.lines().next(), Some("customer_id"));
}

/// Ctrl-Z asks the loop to hand the terminal back (the loop suspends and resumes).
#[test]
fn ctrl_z_suspends() {
    let (mut app, _) = demo();
    let fx = act(&mut app, Action::Suspend);
    assert!(matches!(
        fx[..],
        [crate::tui::state::effect::Effect::Suspend]
    ));
}

/// `s` sorts a segment table by customers, then by name; copy and export follow the order shown.
#[test]
fn segment_tables_sort_by_any_column() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    act(&mut app, Action::Sort);
    let order = app.segment_order(i);
    let v = app.model.rules.criteria[i].result.valuation.clone();
    assert!(
        order
            .windows(2)
            .all(|w| v[w[0]].customers >= v[w[1]].customers)
    );
    act(&mut app, Action::Sort);
    let order = app.segment_order(i);
    assert!(order.windows(2).all(|w| v[w[0]].name <= v[w[1]].name));
    act(&mut app, Action::NextPane);
    assert_eq!(app.selected_segment(i), Some(order[0]));
    let s = crate::tui::tests::screen(&app, 100, 30);
    assert!(s.contains("segments by name"), "{s}");
}

/// `f` in Classify: a frequency table of the column, with shares of customers and of value,
/// sortable, personal data masked.
#[test]
fn a_frequency_table_of_any_column() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(1));
    let row = app
        .model
        .data
        .profiles
        .iter()
        .position(|p| p.name == "country")
        .unwrap();
    for _ in 0..row {
        act(&mut app, Action::Down);
    }
    let fx = act(&mut app, Action::Frequency);
    let [
        crate::tui::state::effect::Effect::Engine(
            job @ crate::tui::runtime::worker::Job::Frequency { .. },
        ),
    ] = &fx[..]
    else {
        panic!("frequency effect: {fx:?}")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    let rows = app.frequency().unwrap().1.clone();
    assert_eq!(
        rows.iter().map(|r| r.customers).sum::<usize>(),
        app.model.data.n_customers
    );
    assert!(rows.windows(2).all(|w| w[0].customers >= w[1].customers));
    let s = crate::tui::tests::screen(&app, 100, 30);
    assert!(
        s.contains("country — ") && s.contains(&rows[0].value),
        "{s}"
    );
    act(&mut app, Action::Sort);
    assert!(crate::tui::tests::screen(&app, 100, 30).contains("by value"));
    act(&mut app, Action::Cancel);
    assert!(app.frequency().is_none());
    // the table takes every key: another step's key does nothing until Esc closes it
    let m = engine.handle(crate::tui::runtime::worker::Job::Frequency {
        column: "country".into(),
    });
    update(&mut app, m);
    act(&mut app, Action::GoTo(0));
    assert!(app.frequency().is_some());
    assert_eq!(app.nav.step, StepId::Classify);
    assert!(app.status.contains("Esc closes"), "{}", app.status);
}

/// A proposed criterion is shown with its distribution before it is kept: Esc takes it back,
/// any other key keeps it.
#[test]
fn a_proposal_is_kept_or_taken_back() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let n = app.model.rules.criteria.len();
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "income");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), n + 1);
    assert!(app.status.contains("Esc takes it back"), "{}", app.status);
    let s = crate::tui::tests::screen(&app, 100, 30);
    assert!(s.contains("bins on income") && s.contains('▲'), "{s}");
    let fx = act(&mut app, Action::Cancel);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), n, "taken back");
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "income");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::Down);
    let fx = act(&mut app, Action::Cancel);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.criteria.len(),
        n + 1,
        "kept by the key before Esc"
    );
}
