//! Tests of `update` (with the engine run inline) and snapshots of every step on a test backend.

mod authoring;
mod classify;
mod list;
mod messy;
mod overlays;
mod predictive;
mod readme;
mod reload;
mod round2;
mod staged;
mod valuation;
mod wizard80;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::engine::rules::Rule;
use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::worker::{Engine, Job, newest_only};
use crate::tui::state::app::App;
use crate::tui::state::effect::FileEdit;
use crate::tui::steps::StepId;
use crate::tui::update::{Effect, update};
use crate::tui::view::theme::Theme;
use crate::tui::{Source, prepare, view};

pub(super) fn demo() -> (App, Engine) {
    prepare(&Source::Demo).unwrap()
}

pub(super) fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, Message::Action(a))
}

/// Run the effects' jobs on the engine at once, feeding the results back; a file write is
/// taken as saved (the demo has no file). Exports, explanations and other lookups are left to
/// the tests that ask for them.
pub(super) fn settle(app: &mut App, engine: &mut Engine, effects: Vec<Effect>) {
    for e in effects {
        let m = match e {
            Effect::Engine(
                job @ (Job::Recompute { .. }
                | Job::Restructure(_)
                | Job::Propose { .. }
                | Job::Predictive
                | Job::Reload { .. }),
            ) => engine.handle(job),
            Effect::Write { then, undo, .. } => Message::Saved {
                result: Ok(()),
                then,
                undo,
            },
            _ => continue,
        };
        // a proposal comes back as more effects (adding the criterion): run those too
        let more = update(app, m);
        settle(app, engine, more);
    }
}

pub(super) fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(f, app, &Theme::mono())).unwrap();
    t.backend().to_string()
}

pub(super) fn edges(app: &App, i: usize) -> Vec<f64> {
    match &app.model.rules.criteria[i].criterion.rule {
        Rule::Bins { edges, .. } => edges.clone(),
        _ => panic!("not bins"),
    }
}

#[test]
fn navigation_between_steps_and_rows() {
    let (mut app, _) = demo();
    assert_eq!(app.nav.step, StepId::List);
    act(&mut app, Action::GoTo(5));
    assert_eq!(app.nav.step, StepId::PurchaseHistory);
    act(&mut app, Action::NextStep);
    act(&mut app, Action::NextStep);
    act(&mut app, Action::NextStep);
    assert_eq!(app.nav.step, StepId::Valuation);
    act(&mut app, Action::NextStep);
    assert_eq!(app.nav.step, StepId::List, "wraps around");
    act(&mut app, Action::Up);
    assert_eq!(app.nav.row, 0);
    act(&mut app, Action::Bottom);
    assert_eq!(app.nav.row, app.model.data.n_customers - 1);
    // the last row's cumulative share comes from the precomputed ranking, not a sum per frame
    let r = &app.model.rules.ranking;
    assert_eq!(r.cumulative.len(), app.model.data.n_customers);
    assert!((r.cumulative[app.nav.row] - r.total).abs() < 1e-6);
    assert!(screen(&app, 100, 30).contains("100.0 %"));
    act(&mut app, Action::Down);
    assert_eq!(app.nav.row, app.model.data.n_customers - 1);
    // a page is what the terminal shows: the height less the frame around the list
    update(&mut app, Message::Resize(100, 30));
    act(&mut app, Action::Top);
    act(&mut app, Action::PageDown);
    assert_eq!(app.nav.row, 22);
    update(&mut app, Message::Resize(100, 50));
    act(&mut app, Action::PageDown);
    assert_eq!(app.nav.row, 22 + 42);
    act(&mut app, Action::Quit);
    assert!(app.quit);
}

#[test]
fn nudging_a_cut_point_recomputes_that_criterion() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    assert_eq!(app.model.rules.criteria[i].criterion.name.value, "age_band");
    let before = edges(&app, i);
    let young_before = app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .find(|v| v.name == "young")
        .unwrap()
        .customers;
    let fx = act(&mut app, Action::Increase);
    assert!(matches!(&fx[0], Effect::Engine(Job::Recompute { index, .. }) if *index == i));
    assert!(matches!(
        &fx[1],
        Effect::Write {
            edit: FileEdit::Rule(_),
            ..
        }
    ));
    assert_eq!(
        edges(&app, i)[0],
        before[0] + 1.0,
        "the screen shows the new cut at once"
    );
    settle(&mut app, &mut engine, fx);
    let young = app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .find(|v| v.name == "young")
        .unwrap();
    assert!(young.customers >= young_before);
    assert_eq!(
        app.model.rules.criteria[i].result.previous["young"],
        young_before
    );
    // the second cut point, down
    act(&mut app, Action::NextEdge);
    let fx = act(&mut app, Action::Decrease);
    settle(&mut app, &mut engine, fx);
    assert_eq!(edges(&app, i)[1], before[1] - 1.0);
}

#[test]
fn cut_points_stay_in_order() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let e = edges(&app, i);
    let mut fx = vec![];
    for _ in 0..((e[1] - e[0]) as usize + 5) {
        fx = act(&mut app, Action::Increase);
    }
    assert!(fx.is_empty());
    assert!(app.status.contains("increasing order"));
    let now = edges(&app, i);
    assert!(now[0] < now[1]);
}

#[test]
fn stale_results_are_dropped() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let first = act(&mut app, Action::Increase);
    let second = act(&mut app, Action::Increase);
    let job = |e: &Effect| match e {
        Effect::Engine(j @ Job::Recompute { .. }) => j.clone(),
        _ => unreachable!(),
    };
    let newer = engine.handle(job(&second[0]));
    let older = engine.handle(job(&first[0]));
    update(&mut app, newer);
    let applied = app.model.rules.criteria[i].result.valuation.clone();
    update(&mut app, older);
    assert_eq!(
        app.model.rules.criteria[i].result.valuation.len(),
        applied.len()
    );
    for (a, b) in app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .zip(&applied)
    {
        assert_eq!(
            (a.name.as_str(), a.customers),
            (b.name.as_str(), b.customers),
            "the older result did not overwrite the newer"
        );
    }
    // the worker itself runs only the newest job per criterion
    let kept = newest_only(vec![
        job(&first[0]),
        Job::Explain { id: "1".into() },
        job(&second[0]),
    ]);
    assert_eq!(kept.len(), 2);
    assert!(
        matches!(kept[1], Job::Recompute { generation, .. } if generation == app.generation[i])
    );
}

#[test]
fn undo_and_redo_edits() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(3));
    let i = app.current_criterion().unwrap();
    let before = edges(&app, i);
    let fx = act(&mut app, Action::Increase);
    settle(&mut app, &mut engine, fx);
    let after = edges(&app, i);
    assert_ne!(before, after);
    let fx = act(&mut app, Action::Undo);
    assert_eq!(edges(&app, i), before);
    settle(&mut app, &mut engine, fx);
    let fx = act(&mut app, Action::Redo);
    assert_eq!(edges(&app, i), after);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::Redo);
    assert_eq!(app.status, "nothing to redo");
}

#[test]
fn search_jumps_to_a_customer_and_explain_asks_the_engine() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Search);
    for c in "17".chars() {
        update(&mut app, Message::Char(c));
    }
    act(&mut app, Action::Confirm);
    assert_eq!(app.nav.step, StepId::List);
    let r = &app.model.rules.ranking;
    assert_eq!(r.ids.text_at(r.order[app.nav.row]).as_deref(), Some("17"));
    let fx = act(&mut app, Action::Explain);
    let Effect::Engine(job @ Job::Explain { .. }) = &fx[0] else {
        panic!("explain effect")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    update(&mut app, Message::Resize(120, 100));
    let text = screen(&app, 120, 100);
    assert!(
        text.contains("customer 17")
            && text.contains("age_band (demographic) → senior   [age = 66]")
            && text.contains("· r_score >= 4")
            && text.contains("RFM scores"),
        "{text}"
    );
    act(&mut app, Action::Cancel);
    assert!(app.explain().is_none());
}

#[test]
fn too_small_terminal_says_so() {
    let (app, _) = demo();
    let s = screen(&app, 50, 12);
    assert!(s.contains("at least 60×16"), "{s}");
}

#[test]
fn snapshots_of_every_step() {
    let (mut app, _) = demo();
    for s in StepId::ALL {
        app.nav.step = s;
        app.prefs.show_teach = true;
        let name = s.title().to_lowercase().replace(' ', "_");
        for (w, h) in [(60, 20), (80, 24), (100, 30), (160, 45)] {
            update(&mut app, Message::Resize(w, h));
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&app, w, h));
        }
    }
    app.nav.step = StepId::Demographic;
    app.show_help = true;
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
}

#[test]
fn explanation_scrolls_and_closes() {
    let (mut app, mut engine) = demo();
    let fx = act(&mut app, Action::Explain);
    let Effect::Engine(job @ Job::Explain { .. }) = &fx[0] else {
        panic!("explain effect")
    };
    let m = engine.handle(job.clone());
    update(&mut app, m);
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    assert_eq!(app.nav.explain_scroll, 2);
    assert_eq!(app.nav.row, 0, "the list underneath does not move");
    act(&mut app, Action::Bottom);
    assert!(app.nav.explain_scroll > 20);
    act(&mut app, Action::Cancel);
    assert!(app.explain().is_none());
}

pub(super) fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Message::Char(c));
    }
}

/// The criterion called `name` on screen, if there is one.
pub(super) fn named<'a>(
    app: &'a App,
    name: &str,
) -> Option<&'a crate::tui::state::views::CriterionView> {
    app.criterion_index(name)
        .map(|i| &app.model.rules.criteria[i])
}

pub(super) fn counts(app: &App, i: usize) -> Vec<(String, usize)> {
    app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .map(|v| (v.name.clone(), v.customers))
        .collect()
}

#[test]
fn editing_a_condition_is_checked_as_typed_and_recomputes() {
    use crate::tui::state::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    let i = app.current_criterion().unwrap();
    assert_eq!(
        app.model.rules.criteria[i].criterion.name.value,
        "lifecycle"
    );
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    assert_eq!(app.nav.rule, 2, "the third rule, lapsed");
    assert!(act(&mut app, Action::Edit).is_empty());
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("no edit prompt")
    };
    assert_eq!(p.text, "recency_days > 365");
    // wipe it and type a wrong name: the error points at it, nothing is recomputed
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "recency > 180");
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    let e = p.error.clone().expect("an error while typing");
    assert_eq!(e.pos, Some(1));
    assert!(e.message.contains("recency_days"), "{e:?}");
    assert!(screen(&app, 100, 30).contains("^"));
    insta::assert_snapshot!("edit_error_80x24", screen(&app, 80, 24));
    assert!(
        act(&mut app, Action::Confirm).is_empty(),
        "invalid text is not applied"
    );
    assert!(app.edit.prompt.is_some());
    // fix it with the cursor keys: Home, then insert the missing part after "recency"
    update(
        &mut app,
        Message::Cursor(crate::tui::input::message::CursorMove::Home),
    );
    for _ in 0.."recency".len() {
        update(
            &mut app,
            Message::Cursor(crate::tui::input::message::CursorMove::Right),
        );
    }
    typ(&mut app, "_days");
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    assert_eq!(p.text, "recency_days > 180");
    assert!(p.error.is_none());
    assert!(screen(&app, 100, 30).contains("✓ valid"));
    let before = counts(&app, i);
    let fx = act(&mut app, Action::Confirm);
    assert!(app.edit.prompt.is_none());
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Write {
            edit: FileEdit::Rule(_),
            ..
        }
    )));
    settle(&mut app, &mut engine, fx);
    let after = counts(&app, i);
    let lapsed = |v: &[(String, usize)]| v.iter().find(|x| x.0 == "lapsed").unwrap().1;
    assert!(lapsed(&after) > lapsed(&before), "{before:?} → {after:?}");
    // undo brings the old rule back
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(counts(&app, i), before);
}

#[test]
fn rules_are_added_renamed_moved_and_deleted() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    let i = app.current_criterion().unwrap();
    let labels = |app: &App| app.model.rules.criteria[i].criterion.rule.labels();
    // add after the first rule: the condition prompt opens on the new rule
    let fx = act(&mut app, Action::AddRule);
    settle(&mut app, &mut engine, fx);
    assert_eq!(labels(&app)[1], "new segment");
    assert!(app.edit.prompt.is_some());
    for _ in 0..5 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "orders >= 50");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::Rename);
    for _ in 0..20 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "prospect");
    act(&mut app, Action::Confirm);
    assert!(app.edit.prompt.is_some(), "a duplicate name is refused");
    for _ in 0..8 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "whales");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(&labels(&app)[..2], &["prospect", "whales"]);
    assert!(counts(&app, i).iter().any(|x| x.0 == "whales"));
    // move it first, then delete it
    let fx = act(&mut app, Action::MoveRuleUp);
    settle(&mut app, &mut engine, fx);
    assert_eq!(&labels(&app)[..2], &["whales", "prospect"]);
    assert_eq!(app.nav.rule, 0);
    let fx = act(&mut app, Action::DeleteRule);
    settle(&mut app, &mut engine, fx);
    assert_eq!(labels(&app)[0], "prospect");
    assert!(!counts(&app, i).iter().any(|x| x.0 == "whales"));
}

#[test]
fn bins_cut_points_typed_as_a_list() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    act(&mut app, Action::Edit);
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "30, 20");
    let fx = act(&mut app, Action::Confirm);
    assert!(fx.is_empty(), "decreasing cut points are refused");
    for _ in 0..2 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "50, 70");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(edges(&app, i), vec![30.0, 50.0, 70.0]);
    assert_eq!(
        app.model.rules.criteria[i].criterion.rule.labels(),
        vec!["young", "adult", "middle-aged", "senior"],
        "named labels are kept when the number of segments stays"
    );
}

#[test]
fn criteria_are_added_renamed_and_deleted() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(6));
    let before = app.model.rules.criteria.len();
    // N asks for a column; Enter with nothing makes a rule list
    act(&mut app, Action::NewCriterion);
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), before + 1);
    let i = app.current_criterion().unwrap();
    assert_eq!(
        app.model.rules.criteria[i].criterion.name.value,
        "new_benefits"
    );
    assert_eq!(
        app.model.rules.criteria[i].result.valuation[0].customers,
        app.model.data.n_customers
    );
    // rename: a taken name is refused as typed, a free one is applied
    act(&mut app, Action::RenameCriterion);
    for _ in 0..20 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "benefit");
    let Some(crate::tui::state::app::Prompt::Edit(p)) = &app.edit.prompt else {
        panic!()
    };
    assert!(
        p.error.is_some(),
        "the demo already has a criterion called benefit"
    );
    typ(&mut app, "s sought");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    let i = app.current_criterion().unwrap();
    assert_eq!(
        app.model.rules.criteria[i].criterion.name.value,
        "benefits sought"
    );
    assert_eq!(engine.session.ws.criteria[i].name.value, "benefits sought");
    // delete asks for a second key
    assert!(act(&mut app, Action::DeleteCriterion).is_empty());
    assert!(app.status.contains("press D again"));
    let fx = act(&mut app, Action::DeleteCriterion);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), before);
    assert!(named(&app, "benefits sought").is_none());
}
