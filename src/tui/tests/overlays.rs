//! Overlays are modal: with the help, the teach page, a page or a prompt open, no other key
//! changes the rules, the workspace or the screen behind it; and a prompt's keys are a shell's.

use std::sync::OnceLock;

use proptest::prelude::*;

use crate::tui::input::action::CursorMove;
use crate::tui::input::actions::ACTIONS;
use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::effect::Effect;
use crate::tui::tests::{act, demo, settle, typ};
use crate::tui::update::overlay::Overlay;
use crate::tui::update::update;

/// What can be open over a step, and the keys that are its own (closing it, answering it).
#[derive(Debug, Clone, Copy)]
enum Open {
    Help,
    Teach,
    Explain,
    Record,
    Frequency,
    Predictive,
    Prompt,
}

const ALL: [Open; 7] = [
    Open::Help,
    Open::Teach,
    Open::Explain,
    Open::Record,
    Open::Frequency,
    Open::Predictive,
    Open::Prompt,
];

impl Open {
    /// Keys that close or answer it: left out of the "other" keys.
    fn own(self, a: Action) -> bool {
        use Action::*;
        matches!(a, Cancel | Quit)
            || match self {
                Open::Help => a == Help,
                Open::Teach => a == Teach,
                Open::Prompt => matches!(a, Confirm | NextPane),
                _ => false,
            }
    }

    fn is_open(self, app: &App) -> bool {
        match self {
            Open::Prompt => matches!(app.edit.prompt, Some(Prompt::Edit(_))),
            _ => Overlay::on_top(app).is_some(),
        }
    }
}

/// The demo at 80×24 with `o` open.
fn opened(o: Open) -> App {
    let (mut app, mut engine) = demo();
    update(&mut app, Message::Resize(80, 24));
    let mut run = |app: &mut App, a: Action| {
        let fx = act(app, a);
        for e in fx {
            if let Effect::Engine(job) = e {
                let m = engine.handle(job);
                let more = update(app, m);
                settle(app, &mut engine, more);
            }
        }
    };
    match o {
        Open::Help => run(&mut app, Action::Help),
        Open::Teach => {
            // the demo shows the teach strip at this width: t opens it as a page
            assert!(app.prefs.show_teach);
            run(&mut app, Action::Teach);
        }
        Open::Explain => run(&mut app, Action::Explain),
        Open::Record => run(&mut app, Action::Confirm),
        Open::Frequency => {
            run(&mut app, Action::GoTo(1));
            run(&mut app, Action::Frequency);
        }
        Open::Predictive => {
            run(&mut app, Action::GoTo(5));
            run(&mut app, Action::Predict);
        }
        Open::Prompt => {
            run(&mut app, Action::GoTo(2));
            run(&mut app, Action::Edit);
        }
    }
    assert!(o.is_open(&app), "{o:?} did not open");
    app
}

/// Each overlay opened once (the demo is evaluated once per kind, not per case).
fn prepared() -> &'static Vec<App> {
    static APPS: OnceLock<Vec<App>> = OnceLock::new();
    APPS.get_or_init(|| ALL.iter().map(|&o| opened(o)).collect())
}

fn any_action() -> impl Strategy<Value = Action> {
    let mut all: Vec<Action> = ACTIONS.iter().map(|s| s.action).collect();
    all.extend((0..9).map(Action::GoTo));
    proptest::sample::select(all)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn with_an_overlay_open_no_other_key_changes_the_rules_or_the_screen_behind(
        which in 0..ALL.len(),
        keys in proptest::collection::vec(any_action(), 1..12),
    ) {
        let o = ALL[which];
        let mut app = prepared()[which].clone();
        // the rules as the workspace would hold them (compared as written out)
        let rules = |app: &App| {
            let c: Vec<_> = app.model.rules.criteria.iter().map(|c| &c.criterion).collect();
            format!("{c:?} {:?}", app.model.rules.valuation)
        };
        let before = rules(&app);
        let (step, row, selected) = (app.nav.step, app.nav.row, app.nav.selected);
        for a in keys.into_iter().filter(|a| !o.own(*a)) {
            let fx = act(&mut app, a);
            let outside = fx.iter().any(|e| matches!(e, Effect::Write { .. } | Effect::Engine(_)));
            prop_assert!(!outside, "{o:?}: {a:?} asked {fx:?}");
            prop_assert!(o.is_open(&app), "{o:?}: {a:?} closed it");
        }
        prop_assert_eq!(rules(&app), before);
        prop_assert_eq!(app.nav.step, step);
        prop_assert_eq!(app.nav.row, row);
        prop_assert_eq!(&app.nav.selected, &selected);
    }
}

/// The walk's finding: `3 ? D D` deleted a criterion behind the help.
#[test]
fn keys_behind_the_help_do_nothing_and_say_how_to_close_it() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    let n = app.model.rules.criteria.len();
    act(&mut app, Action::Help);
    assert!(act(&mut app, Action::DeleteCriterion).is_empty());
    assert!(act(&mut app, Action::DeleteCriterion).is_empty());
    assert_eq!(app.model.rules.criteria.len(), n);
    assert!(app.show_help);
    assert!(app.status.contains("Esc closes it"), "{}", app.status);
    act(&mut app, Action::Cancel);
    assert!(!app.show_help);
}

/// `]` `+` `+` with the teach page open moved a cut point unseen; now they do nothing.
#[test]
fn keys_behind_the_teach_page_do_nothing() {
    let (mut app, _) = demo();
    update(&mut app, Message::Resize(80, 24));
    act(&mut app, Action::GoTo(2));
    let before = crate::tui::tests::edges(&app, app.current_criterion().unwrap());
    act(&mut app, Action::Teach);
    assert!(app.teach_overlay);
    for a in [Action::NextEdge, Action::Increase, Action::Increase] {
        assert!(act(&mut app, a).is_empty());
    }
    assert_eq!(
        crate::tui::tests::edges(&app, app.current_criterion().unwrap()),
        before
    );
    assert!(app.status.contains("t or Esc"), "{}", app.status);
}

fn prompt(app: &App) -> &crate::tui::state::prompt::EditPrompt {
    match &app.edit.prompt {
        Some(Prompt::Edit(p)) => p,
        other => panic!("no edit prompt: {other:?}"),
    }
}

/// A prompt opens with its text selected: typing replaces it (`T` appended to its dates).
#[test]
fn a_prefilled_prompt_is_replaced_by_typing_and_kept_by_a_move() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Transitions);
    assert!(prompt(&app).selected && !prompt(&app).text.is_empty());
    typ(&mut app, "2024-01-01, 2025-01-01");
    assert_eq!(prompt(&app).text, "2024-01-01, 2025-01-01");
    act(&mut app, Action::Cancel);
    // a move first keeps the text: typing then adds to it
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::Edit);
    let text = prompt(&app).text.clone();
    update(&mut app, Message::Cursor(CursorMove::End));
    typ(&mut app, ", 70");
    assert_eq!(prompt(&app).text, format!("{text}, 70"));
}

/// Ctrl-U clears to the start, Ctrl-W deletes a word, Ctrl-A / Ctrl-E go home and end, and
/// Ctrl-C cancels; outside a prompt Ctrl-C quits.
#[test]
fn a_prompt_has_a_shells_line_keys() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let ctrl = |c: char| Message::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(5));
    act(&mut app, Action::NewCriterion);
    typ(&mut app, "recency_days + orders");
    update(&mut app, ctrl('w'));
    assert_eq!(prompt(&app).text, "recency_days + ");
    update(&mut app, ctrl('a'));
    assert_eq!(prompt(&app).cursor, 0);
    update(&mut app, ctrl('e'));
    assert_eq!(prompt(&app).cursor, prompt(&app).text.chars().count());
    update(&mut app, Message::Cursor(CursorMove::Left));
    update(&mut app, ctrl('u'));
    assert_eq!(prompt(&app).text, " ");
    update(&mut app, ctrl('c'));
    assert!(app.edit.prompt.is_none());
    assert!(!app.quit, "Ctrl-C in a prompt cancels it");
    update(&mut app, ctrl('c'));
    assert!(app.quit, "Ctrl-C outside a prompt quits");
}

/// Every overlay at 80×24 and 60×20.
#[test]
fn snapshots_of_every_overlay() {
    for (k, o) in ALL.iter().enumerate() {
        let mut app = prepared()[k].clone();
        for (w, h) in [(80, 24), (60, 20)] {
            update(&mut app, Message::Resize(w, h));
            let name = format!("{o:?}").to_lowercase();
            insta::assert_snapshot!(
                format!("overlay_{name}_{w}x{h}"),
                crate::tui::tests::screen(&app, w, h)
            );
        }
    }
}
