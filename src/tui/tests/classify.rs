//! Classify as step 2 of the method: each column's characteristic suggested, confirmed with
//! Enter (or A for all, e to type another), kept in the workspace with undo, and used by the
//! later steps' `N` (a birth year gives age bands).

use crate::engine::rules::Rule;
use crate::engine::rules::characteristics::Characteristic;
use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::worker::Engine;
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::effect::{Effect, Job};
use crate::tui::steps::classify::characteristics::{confirmed, to_confirm};
use crate::tui::steps::{Mark, StepId, mark};
use crate::tui::tests::{act, demo, named, screen, settle, typ};
use crate::tui::update::update;

/// The marketing campaign export opened alone, as `strata open` makes its workspace.
fn campaign() -> (tempfile::TempDir, std::path::PathBuf, App, Engine) {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("marketing_campaign.csv");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/marketing_campaign_600.csv"),
        &data,
    )
    .unwrap();
    let ws = crate::engine::rules::scaffold::open_or_create(&data).unwrap();
    let (app, engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws.clone())).unwrap();
    (d, ws, app, engine)
}

/// Run effects as the wizard does: writes go to the file, then their engine jobs.
fn run(app: &mut App, engine: &mut Engine, ws: &std::path::Path, effects: Vec<Effect>) {
    for e in effects {
        let m = match e {
            Effect::Write { edit, then, undo } => Message::Saved {
                result: crate::tui::runtime::effects::save_to(ws, &edit),
                then,
                undo,
            },
            Effect::Engine(
                job @ (Job::Restructure(_) | Job::Propose { .. } | Job::Recompute { .. }),
            ) => engine.handle(job),
            _ => continue,
        };
        let more = update(app, m);
        run(app, engine, ws, more);
    }
}

fn row_of(app: &App, column: &str) -> usize {
    app.model
        .data
        .profiles
        .iter()
        .position(|p| p.name == column)
        .unwrap()
}

#[test]
fn enter_confirms_a_suggestion_and_goes_on_a_confirms_the_rest_u_takes_them_back() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(1));
    assert_eq!(mark(&app, StepId::Classify), Mark::Todo);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("id 95 %?"),
        "a suggestion shows its confidence: {s}"
    );
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(confirmed(&app, "customer_id"), Some(Characteristic::Id));
    assert_eq!(app.nav.row, 1, "the next column waits");
    assert!(screen(&app, 80, 24).contains("✓ id"));
    assert!(app.status.contains("to go"), "{}", app.status);
    let fx = act(&mut app, Action::ConfirmAll);
    settle(&mut app, &mut engine, fx);
    assert_eq!(to_confirm(&app), 0);
    assert_eq!(mark(&app, StepId::Classify), Mark::Done);
    assert!(!screen(&app, 80, 24).contains("%?"), "no ? mark stays");
    // the personal data confirmed is masked
    assert!(app.is_pii("email"));
    // one u takes the whole A back, the next the first Enter
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(to_confirm(&app), app.model.data.profiles.len() - 1);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(confirmed(&app, "customer_id"), None);
    assert_eq!(mark(&app, StepId::Classify), Mark::Todo);
}

#[test]
fn e_types_a_characteristic_tab_lists_them_and_empty_is_not_valid() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(1));
    app.nav.row = row_of(&app, "climate");
    act(&mut app, Action::Edit);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("a prompt")
    };
    assert_eq!(p.text, "region", "it opens on the suggestion");
    update(
        &mut app,
        Message::Cursor(crate::tui::input::message::CursorMove::ClearToStart),
    );
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("a prompt")
    };
    assert!(p.error.is_some(), "an empty field is not valid");
    assert!(act(&mut app, Action::Confirm).is_empty());
    typ(&mut app, "li");
    act(&mut app, Action::NextPane);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("a prompt")
    };
    assert_eq!(p.text, "lifestyle", "Tab completes: {}", app.status);
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Edit);
    act(&mut app, Action::NextPane);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("characteristics (Tab completes)")
            && shown.contains("birth year")
            && shown.contains("ignore"),
        "the box lists them all while the suggestion is selected: {shown}"
    );
    update(
        &mut app,
        Message::Cursor(crate::tui::input::message::CursorMove::ClearToStart),
    );
    typ(&mut app, "lifestyle");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(confirmed(&app, "climate"), Some(Characteristic::Lifestyle));
}

/// On the bare export: confirmations are written to `[characteristics]`, survive a reopen, and
/// step 3's N offers the birth year first and makes age bands over it.
#[test]
fn the_workspace_keeps_them_and_n_makes_age_bands_from_a_birth_year() {
    let (_d, ws, mut app, mut engine) = campaign();
    act(&mut app, Action::GoTo(1));
    app.nav.row = row_of(&app, "Year_Birth");
    let fx = act(&mut app, Action::Confirm);
    run(&mut app, &mut engine, &ws, fx);
    let text = std::fs::read_to_string(&ws).unwrap();
    assert!(
        text.contains("[characteristics]\nYear_Birth = \"birth_year\""),
        "{text}"
    );
    let back = crate::engine::rules::parse::load_workspace(&ws).unwrap();
    assert_eq!(back.characteristics.len(), 1);
    // u takes it out of the file too
    let fx = act(&mut app, Action::Undo);
    run(&mut app, &mut engine, &ws, fx);
    assert!(
        !std::fs::read_to_string(&ws)
            .unwrap()
            .contains("Year_Birth =")
    );
    let fx = act(&mut app, Action::ConfirmAll);
    run(&mut app, &mut engine, &ws, fx);
    assert_eq!(mark(&app, StepId::Classify), Mark::Done);
    let (again, _) = crate::tui::prepare(&crate::tui::Source::Workspace(ws.clone())).unwrap();
    assert_eq!(to_confirm(&again), 0, "they are read back");

    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::NewCriterion);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("a prompt")
    };
    assert_eq!(p.text, "Year_Birth", "{}", app.status);
    assert!(app.status.contains("Education"), "{}", app.status);
    let fx = act(&mut app, Action::Confirm);
    run(&mut app, &mut engine, &ws, fx);
    let c = named(&app, "age").expect("an age criterion");
    let Rule::Bins {
        column, expr: true, ..
    } = &c.criterion.rule
    else {
        panic!("bins over an expression: {:?}", c.criterion.rule)
    };
    // no as_of: the age when the data was taken, the year of the last sign-up (Dt_Customer)
    assert_eq!(column.value, "2014 - Year_Birth");
}

/// A confirmation is the file's and the screen's only: it asks no evaluation, so an evaluation
/// coming back later (from an edit made before) cannot take it away.
#[test]
fn a_confirmation_outlives_an_evaluation_coming_back() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(8));
    // an edit whose evaluation is still on its way…
    let slow = act(&mut app, Action::Edit);
    assert!(slow.is_empty());
    typ(&mut app, "3 %, 3 %");
    let slow = act(&mut app, Action::Confirm);
    assert!(
        slow.iter()
            .any(|e| matches!(e, Effect::Write { then: Some(_), .. }))
    );
    // …while a column is confirmed
    act(&mut app, Action::GoTo(1));
    let fx = act(&mut app, Action::ConfirmAll);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Engine(_) | Effect::Write { then: Some(_), .. })),
        "no evaluation asked: {fx:?}"
    );
    settle(&mut app, &mut engine, fx);
    settle(&mut app, &mut engine, slow);
    assert_eq!(
        to_confirm(&app),
        0,
        "the evaluation that came back kept them"
    );
}
