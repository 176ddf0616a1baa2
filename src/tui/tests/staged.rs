//! A large file opens on the columns the rules read; the others come in without a key pressed, and jobs wait for them.

use crate::engine::data::progress::Progress;
use crate::engine::eval::cache::Cache;
use crate::tui::input::message::Message;
use crate::tui::runtime::late::LateReading;
use crate::tui::runtime::worker::{Job, Worker};
use crate::tui::state::app::App;
use crate::tui::steps::id::StepId;
use crate::tui::tests::screen;
use crate::tui::update::{READING_LATE, WAITING_FOR_LATE, update};
use crate::tui::{Source, prepare_staged};

/// The demo of `n` customers in a fresh folder, and the workspace to open.
fn demo_files(n: usize) -> (tempfile::TempDir, Source) {
    let d = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(d.path(), n, 11).unwrap();
    let ws = d.path().join("demo.strata.toml");
    (d, Source::Workspace(ws))
}

/// Opened in two stages (every file counts as large), and opened whole.
fn staged_and_whole(source: &Source) -> ((App, Worker), std::sync::mpsc::Receiver<Message>, App) {
    let off = (&Progress::default(), &Cache::Off);
    let (app, engine) = prepare_staged(source, off, false, 0).unwrap();
    let (whole, _) = prepare_staged(source, off, false, u64::MAX).unwrap();
    let (done, results) = std::sync::mpsc::channel();
    let worker = Worker::spawn(engine, done);
    ((app, worker), results, whole)
}

fn next(results: &std::sync::mpsc::Receiver<Message>) -> Message {
    results
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the worker said nothing for a minute")
}

fn names(app: &App) -> Vec<String> {
    app.model
        .data
        .profiles
        .iter()
        .map(|p| p.name.clone())
        .collect()
}

#[test]
fn classify_fills_in_when_the_other_columns_are_read() {
    let (_d, source) = demo_files(1500);
    let ((mut app, _worker), results, whole) = staged_and_whole(&source);
    // the first frame: the rules' columns, and a word about the others
    assert_eq!(app.status, READING_LATE);
    assert!(
        !names(&app).contains(&"city".to_string()),
        "{:?}",
        names(&app)
    );
    assert!(
        app.model
            .rules
            .fields
            .iter()
            .all(|(n, _)| n != "top_category")
    );
    assert_eq!(
        app.model.rules.ranking.total,
        whole.model.rules.ranking.total
    );
    // the user is on Classify, on a column read first
    app.nav.step = StepId::Classify;
    app.nav.row = names(&app).iter().position(|n| n == "lifestyle").unwrap();
    let shown = screen(&app, 100, 30);
    assert!(shown.contains("the others being read…"), "{shown}");
    // on any step, the header says the reading goes on
    app.nav.step = StepId::Demographic;
    let shown = screen(&app, 100, 30);
    assert!(shown.contains("reading the other columns…"), "{shown}");
    app.nav.step = StepId::Classify;
    // no key pressed: the other columns come
    let m = next(&results);
    assert!(matches!(m, Message::ColumnsRead(Ok(_))), "{m:?}");
    assert!(app.model.data.reading_late);
    update(&mut app, m);
    assert!(!app.model.data.reading_late);
    assert_eq!(names(&app), names(&whole));
    assert_eq!(app.model.data.profiles, whole.model.data.profiles);
    assert_eq!(
        format!("{:?}", app.model.data.suggestions),
        format!("{:?}", whole.model.data.suggestions)
    );
    assert_eq!(app.model.rules.fields, whole.model.rules.fields);
    assert_eq!(
        names(&app)[app.nav.row],
        "lifestyle",
        "the selection stays on its column"
    );
    assert!(app.status.is_empty(), "{}", app.status);
    let shown = screen(&app, 100, 30);
    assert!(!shown.contains("reading the other columns"), "{shown}");
    assert!(
        shown.contains(&format!("/{})", names(&whole).len())),
        "{shown}"
    );
}

#[test]
fn a_job_sent_meanwhile_sees_every_column() {
    let (_d, source) = demo_files(1200);
    let ((mut app, worker), results, _) = staged_and_whole(&source);
    worker.send(Job::Record { id: "7".into() });
    // (the record waits, and says so, when it comes before the reading ends)
    let mut first = next(&results);
    if matches!(&first, Message::Notice(t) if t == WAITING_FOR_LATE) {
        first = next(&results);
    }
    assert!(matches!(first, Message::ColumnsRead(Ok(_))), "{first:?}");
    update(&mut app, first);
    let Message::Record(Ok((id, fields))) = next(&results) else {
        panic!("no record")
    };
    assert_eq!(id, "7");
    for f in ["city", "top_category", "main_channel", "distinct_products"] {
        assert!(
            fields.iter().any(|(n, _)| n == f),
            "{f} missing from {fields:?}"
        );
    }
}

/// While the other columns are read, an edit of a criterion whose columns are there goes
/// ahead; a job that may read any column (a customer's record) waits for them, and says so.
#[test]
fn an_edit_goes_ahead_while_the_others_are_read_and_a_record_waits() {
    use crate::tui::state::effect::Effect;
    let (_d, source) = demo_files(1100);
    let off = (&Progress::default(), &Cache::Off);
    let (mut app, mut engine) = prepare_staged(&source, off, false, 0).unwrap();
    let (late, release) = LateReading::held(engine.late.take().expect("a second stage"));
    engine.late = Some(late);
    let (done, results) = std::sync::mpsc::channel();
    let worker = Worker::spawn(engine, done);
    // a cut point nudged on Demographic: no word about waiting, and its result comes first
    app.status.clear();
    app.nav.step = StepId::Demographic;
    app.nav.row = 0;
    let effects = crate::tui::tests::act(&mut app, crate::tui::input::message::Action::Increase);
    assert!(app.status.is_empty(), "{}", app.status);
    let jobs: Vec<Job> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Engine(j) => Some(j),
            Effect::Write { then, .. } => then,
            _ => None,
        })
        .collect();
    assert!(
        matches!(jobs.as_slice(), [Job::Recompute { .. }]),
        "{jobs:?}"
    );
    jobs.into_iter().for_each(|j| worker.send(j));
    let m = next(&results);
    assert!(matches!(m, Message::Evaluated { .. }), "{m:?}");
    update(&mut app, m);
    assert!(
        app.model.data.reading_late,
        "the others are still being read"
    );
    // a record may show any column: it waits, and the status line says why
    worker.send(Job::Record { id: "5".into() });
    let m = next(&results);
    assert!(
        matches!(&m, Message::Notice(t) if t == WAITING_FOR_LATE),
        "{m:?}"
    );
    update(&mut app, m);
    assert_eq!(app.status, WAITING_FOR_LATE);
    release.send(()).unwrap();
    let m = next(&results);
    assert!(matches!(m, Message::ColumnsRead(Ok(_))), "{m:?}");
    update(&mut app, m);
    assert!(app.status.is_empty(), "{}", app.status);
    let Message::Record(Ok((_, fields))) = next(&results) else {
        panic!("no record")
    };
    assert!(fields.iter().any(|(n, _)| n == "city"), "{fields:?}");
}

/// The second stage refused (a file changed meanwhile; see the engine's tests): the user is
/// told, and the wizard goes on with the columns it has.
#[test]
fn a_second_stage_refused_is_told_and_the_first_stays() {
    let (_d, source) = demo_files(900);
    let off = (&Progress::default(), &Cache::Off);
    let (mut app, mut engine) = prepare_staged(&source, off, false, 0).unwrap();
    // what the reading sends is not waited for: the answer below stands in for it
    drop(engine.late.take());
    engine.late = Some(LateReading::answered(Err(
        "customers.csv: changed since the wizard opened it".into(),
    )));
    let before = names(&app);
    let m = engine.finish_open().unwrap();
    update(&mut app, m);
    assert!(
        app.status.contains("not read") && app.status.contains("changed"),
        "{}",
        app.status
    );
    assert_eq!(names(&app), before);
    assert!(!app.model.data.reading_late, "no longer said to be coming");
    assert!(engine.finish_open().is_none(), "told once");
    // the wizard goes on: a record shows the columns there are
    let Message::Record(Ok((_, fields))) = engine.handle(Job::Record { id: "3".into() }) else {
        panic!("no record")
    };
    assert!(fields.iter().any(|(n, _)| n == "lifestyle"));
}

/// A purchase-history setting changed after a two-stage open: the order rows are read back
/// (the columns every purchase field needs) and the fields are those of a whole open.
#[test]
fn purchase_settings_change_after_a_two_stage_open_as_after_a_whole_one() {
    let (_d, source) = demo_files(1000);
    let off = (&Progress::default(), &Cache::Off);
    let (_, mut staged) = prepare_staged(&source, off, false, 0).unwrap();
    let (_, mut whole) = prepare_staged(&source, off, false, u64::MAX).unwrap();
    assert!(staged.finish_open().is_some());
    let mut ws = whole.session.ws.clone();
    ws.purchase_history.rfm_bins = 3;
    ws.purchase_history.windows = vec![30];
    for e in [&mut staged, &mut whole] {
        let m = e.handle(Job::Reload {
            ws: Box::new(ws.clone()),
        });
        assert!(matches!(m, Message::Reloaded(_)), "{m:?}");
    }
    let (a, b) = (&staged.session.base, &whole.session.base);
    assert_eq!(a.names, b.names);
    for name in [
        "r_score",
        "orders_30d",
        "top_category",
        "distinct_products",
        "discount_share",
    ] {
        let (x, y) = (a.get(name).unwrap(), b.get(name).unwrap());
        for i in 0..a.len {
            assert_eq!(x.text_at(i), y.text_at(i), "{name}, row {i}");
        }
    }
}

/// Reading the data again during the second stage stops it (everything is read again), and
/// the app is told, then reads.
#[test]
fn reading_again_during_the_second_stage_stops_it() {
    let (d, source) = demo_files(800);
    let off = (&Progress::default(), &Cache::Off);
    let (mut app, mut engine) = prepare_staged(&source, off, false, 0).unwrap();
    let (late, _release) = LateReading::held(engine.late.take().expect("a second stage"));
    let stopped = late.progress();
    engine.late = Some(late);
    let (done, results) = std::sync::mpsc::channel();
    let worker = Worker::spawn(engine, done);
    let path = d.path().join("demo.strata.toml");
    worker.send(Job::Reopen { path });
    let m = next(&results);
    assert!(matches!(&m, Message::ColumnsRead(Err(_))), "{m:?}");
    assert!(stopped.is_cancelled(), "the reading was told to stop");
    update(&mut app, m);
    assert!(!app.model.data.reading_late);
    let mut m = next(&results);
    while matches!(m, Message::Notice(_) | Message::Loading(_)) {
        m = next(&results);
    }
    assert!(matches!(m, Message::Reopened(_)), "{m:?}");
    update(&mut app, m);
    assert!(!app.model.data.reading_late, "opened whole");
    assert!(names(&app).contains(&"city".to_string()));
}
