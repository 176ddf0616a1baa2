//! The workspace changing under the wizard: an edit being typed survives a reload, a clash is asked about, reading the data again can be cancelled.

use crate::engine::data::progress::Progress;
use crate::engine::eval::cache::Cache;
use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::worker::Job;
use crate::tui::tests::{act, demo, typ};
use crate::tui::update::update;

/// The demo at `customers` (drawn with `seed`) in `DIR/w`, its workspace text passed through
/// `edit`, a cache of its own in `DIR/cache`, and the workspace to open.
fn cached_demo(
    customers: usize,
    seed: u64,
    edit: impl FnOnce(String) -> String,
) -> (tempfile::TempDir, Cache, crate::tui::Source) {
    let d = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(&d.path().join("w"), customers, seed).unwrap();
    let ws = d.path().join("w/demo.strata.toml");
    std::fs::write(&ws, edit(std::fs::read_to_string(&ws).unwrap())).unwrap();
    let cache = Cache::At {
        dir: d.path().join("cache"),
        limit: None,
    };
    (d, cache, crate::tui::Source::Workspace(ws))
}

#[test]
fn an_edit_being_typed_survives_a_reload_of_the_workspace() {
    use crate::tui::state::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    act(&mut app, Action::Edit);
    typ(&mut app, " AND orders > 1");
    // someone else deletes the first criterion: everything moves up one place
    let m = engine.handle(Job::Restructure(
        crate::tui::state::prompt::StructEdit::Delete { index: 0 },
    ));
    update(&mut app, m);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(
        app.model.rules.criteria[p.criterion].criterion.name.value,
        "lifecycle"
    );
    assert!(p.text.ends_with(" AND orders > 1"));
}

#[test]
fn a_rule_changed_on_disk_while_being_edited_is_asked_about() {
    use crate::engine::rules::Rule;
    use crate::tui::state::app::Prompt;
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(5));
    act(&mut app, Action::Edit);
    typ(&mut app, " AND orders > 1");
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("no edit")
    };
    let (name, target) = (
        app.model.rules.criteria[p.criterion]
            .criterion
            .name
            .value
            .clone(),
        p.target,
    );
    let crate::tui::state::prompt::Target::Condition(k) = target else {
        panic!("{target:?}")
    };
    let change = |engine: &mut crate::tui::runtime::worker::Engine, rule: usize, when: &str| {
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
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(p.conflict, None);
    // the very rule being edited changes: the prompt says so and keeps the typed text
    let m = change(&mut engine, k, "orders >= 7");
    update(&mut app, m);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("the edit was dropped")
    };
    assert_eq!(p.conflict.as_deref(), Some("orders >= 7"));
    assert!(p.text.ends_with(" AND orders > 1"));
    assert!(app.status.contains("changed on disk"), "{}", app.status);
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
    let (mut app, engine) =
        crate::tui::prepare(&crate::tui::Source::Workspace(ws.clone())).unwrap();
    let (done, results) = std::sync::mpsc::channel();
    let worker = crate::tui::runtime::worker::Worker::spawn(engine, done);
    worker.send(Job::Reopen { path: ws });
    let next = || {
        results
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the worker said nothing for a minute")
    };
    // the worker first says that it is reading, then how far it has got, as messages
    let started = next();
    assert!(
        matches!(&started, Message::Notice(t) if t.contains("reading the data again")),
        "{started:?}"
    );
    let progress = next();
    assert!(
        matches!(&progress, Message::Loading(Some(s)) if s.label == "c.csv" && s.total > 0),
        "{progress:?}"
    );
    update(&mut app, progress);
    assert!(app.loading.is_some());
    // Esc (no prompt open) cancels the load instead of doing anything else
    let effects = update(&mut app, Message::Action(Action::Cancel));
    assert!(matches!(
        effects.as_slice(),
        [crate::tui::state::effect::Effect::CancelLoad]
    ));
    worker.cancel_load();
    // more progress may come before the read stops; then the end of the read, then why
    let mut ended = false;
    let m = loop {
        match next() {
            Message::Loading(Some(s)) => {
                assert!(!ended, "progress after the end: {s:?}");
                update(&mut app, Message::Loading(Some(s)));
            }
            Message::Loading(None) => {
                ended = true;
                update(&mut app, Message::Loading(None));
            }
            m => break m,
        }
    };
    assert!(ended, "the end of the read was not said");
    let Message::Notice(text) = &m else {
        panic!("{m:?}")
    };
    assert!(text.contains("cancelled"), "{text}");
    update(&mut app, m);
    assert!(app.loading.is_none());
    assert!(app.status.contains("cancelled"), "{}", app.status);
}

/// The workspace saved by another editor is a message like any other: good rules become a
/// reload for the worker, a broken file says where and why, and the last good rules stay.
#[test]
fn a_file_saved_elsewhere_goes_through_update() {
    let (mut app, _) = demo();
    let path = std::path::PathBuf::from("/tmp/elsewhere.strata.toml");
    let fx = update(
        &mut app,
        crate::tui::input::message::Message::FileChanged {
            path: path.clone(),
            text: crate::engine::data::demo::DEMO_WORKSPACE.into(),
        },
    );
    assert!(
        matches!(
            &fx[..],
            [crate::tui::state::effect::Effect::Engine(
                crate::tui::runtime::worker::Job::Reload { .. }
            )]
        ),
        "{fx:?}"
    );
    assert!(app.status.contains("loaded"));
    let fx = update(
        &mut app,
        crate::tui::input::message::Message::FileChanged {
            path,
            text: crate::engine::data::demo::DEMO_WORKSPACE.replacen(
                "step = \"demographic\"",
                "step = \"nowhere\"",
                1,
            ),
        },
    );
    assert!(fx.is_empty());
    assert!(
        app.status.contains("last good rules stay")
            && app.status.contains("line ")
            && app.status.contains("nowhere"),
        "{}",
        app.status
    );
}

/// The data read again (a role changed) replaces the model, not the user's preferences or place.
#[test]
fn a_reopened_workspace_keeps_preferences_and_place() {
    let (mut app, _) = demo();
    let (fresh, _) = demo();
    update(&mut app, Message::Resize(90, 33));
    update(&mut app, Message::Action(Action::GoTo(3)));
    app.nav.row = 3;
    app.prefs.mask_pii = false;
    app.prefs.show_teach = !app.prefs.show_teach;
    let before = (app.prefs.show_teach, app.place());
    app.screens.list.sort = crate::tui::state::ranking::ListSort::CustomerId;
    let (sort, generation) = (app.screens.list.sort, app.next_generation);
    update(&mut app, Message::Reopened(Box::new(fresh.model)));
    assert_eq!((app.prefs.show_teach, app.place()), before);
    assert!(!app.prefs.mask_pii);
    assert!(app.status.contains("read again"), "{}", app.status);
    // how the list is sorted stays; results of jobs sent before the reload are dropped
    assert_eq!(app.screens.list.sort, sort);
    assert!(app.next_generation > generation);
    assert!(app.generation.iter().all(|&g| g == app.next_generation));
}

#[test]
fn the_wizard_opened_from_the_cache_shows_what_it_showed_from_the_files() {
    use crate::engine::eval::cache::entries;
    let (_dir, cache, source) = cached_demo(400, 7, |t| t);
    let open = || crate::tui::prepare_cached(&source, &Progress::default(), &cache).unwrap();
    let (cold, mut cold_engine) = open();
    // the first frame does not wait for the entries: they are written meanwhile
    cold_engine.session.wait_for_cache();
    let kept = entries(cache.dir().unwrap());
    assert_eq!(
        kept.len(),
        3,
        "customers and orders read as the wizard reads them, and the evaluated customers"
    );
    assert!(!cold_engine.session.orders_released());
    let (warm, mut engine) = open();
    // warm, the session starts from the evaluated customers, without the order rows
    assert!(engine.session.orders_released());
    assert_eq!(warm.model.data.profiles, cold.model.data.profiles);
    assert_eq!(warm.model.data.n_customers, cold.model.data.n_customers);
    let counts = |a: &crate::tui::state::app::App| -> Vec<Vec<(String, usize)>> {
        a.model
            .rules
            .criteria
            .iter()
            .map(|c| {
                c.result
                    .valuation
                    .iter()
                    .map(|v| (v.name.clone(), v.customers))
                    .collect()
            })
            .collect()
    };
    assert_eq!(counts(&warm), counts(&cold));
    assert!(engine.session.warnings.iter().all(|w| !w.contains("cache")));
    assert_eq!(engine.cache, cache);
    // a purchase setting changed: the warm session reads its order rows back, and both agree
    let mut ws = engine.session.ws.clone();
    ws.purchase_history.rfm_bins = 3;
    ws.purchase_history.windows = vec![30];
    let scores = |m: Message| match m {
        Message::Reloaded(r) => r
            .scores
            .iter()
            .map(|s| (s.name.clone(), s.counts.clone()))
            .collect::<Vec<_>>(),
        other => panic!("not reloaded: {other:?}"),
    };
    let warm_scores = scores(engine.handle(Job::Reload {
        ws: Box::new(ws.clone()),
    }));
    assert!(!engine.session.orders_released());
    let cold_scores = scores(cold_engine.handle(Job::Reload {
        ws: Box::new(ws.clone()),
    }));
    assert_eq!(warm_scores, cold_scores);
    assert_eq!(warm_scores[0].1.len(), 3);
    for f in ["orders_30d", "revenue_30d", "r_score"] {
        assert_eq!(
            engine.session.base.get(f),
            cold_engine.session.base.get(f),
            "{f}"
        );
    }
}

/// Opened warm (no order rows), the predictive page's holdout check reads them back first and
/// finds what a cold open finds.
#[test]
fn a_warm_wizard_makes_the_holdout_check_as_a_cold_one() {
    let (_dir, cache, source) = cached_demo(600, 3, |t| {
        t.replace(
            "windows = [90, 365]",
            "windows = [90, 365]\nclv = { calibration_end = 2024-06-30 }",
        )
    });
    let open = || crate::tui::prepare_cached(&source, &Progress::default(), &cache).unwrap();
    let check =
        |mut engine: crate::tui::runtime::worker::Engine| match engine.handle(Job::Predictive) {
            Message::Predictive(Ok(view)) => {
                let (_, h) = view.holdout.expect("a holdout check");
                let h = h.expect("the check is made");
                (
                    h.customers,
                    h.actual_total.to_bits(),
                    h.predicted_total.to_bits(),
                )
            }
            other => panic!("{other:?}"),
        };
    let cold = check(open().1);
    let (_, warm_engine) = open();
    assert!(warm_engine.session.orders_released());
    assert_eq!(check(warm_engine), cold);
}

/// Opened warm, then the customers file changed: new purchase settings need the order rows,
/// which no longer match the customers on screen; they are refused with a reason, and the
/// session keeps what it showed.
#[test]
fn a_warm_wizard_refuses_order_rows_of_changed_files() {
    let (d, cache, source) = cached_demo(300, 2, |t| t);
    let open = || crate::tui::prepare_cached(&source, &Progress::default(), &cache).unwrap();
    open();
    let (_, mut engine) = open();
    assert!(engine.session.orders_released());
    // one more customer in the file
    let customers = d.path().join("w/customers.csv");
    let mut text = std::fs::read_to_string(&customers).unwrap();
    let last = text.lines().last().unwrap().to_string();
    let id: usize = last.split(',').next().unwrap().parse().unwrap();
    text.push_str(&last.replacen(&id.to_string(), &(id + 1000).to_string(), 1));
    text.push('\n');
    std::fs::write(&customers, text).unwrap();
    let mut ws = engine.session.ws.clone();
    ws.purchase_history.rfm_bins = 3;
    match engine.handle(Job::Reload { ws: Box::new(ws) }) {
        Message::ReloadFailed(why) => assert!(why.contains("changed since"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(engine.session.orders_released());
    assert_eq!(engine.session.scores[0].counts.len(), 5);
}

/// New windows in the file: the fields of the old windows are gone from the session and from
/// what edits are checked against, and the new ones are there.
#[test]
fn new_windows_replace_the_old_window_fields() {
    let (mut app, mut engine) = demo();
    let mut ws = engine.session.ws.clone();
    ws.purchase_history.windows = vec![30];
    let m = engine.handle(Job::Reload { ws: Box::new(ws) });
    update(&mut app, m);
    let has = |n: &str| app.model.rules.fields.iter().any(|f| f.0 == n);
    assert!(has("orders_30d") && has("revenue_30d"));
    assert!(!has("orders_90d") && !has("revenue_365d"));
    assert!(engine.session.base.get("orders_90d").is_none());
    assert!(engine.session.base.get("revenue_30d").is_some());
}

/// Files read together show under one label; at 80 columns the footer still says how far the
/// read is and how to cancel it, with the shorter hint when the longer one does not fit.
#[test]
fn reading_several_files_fits_the_footer() {
    let (mut app, _) = crate::tui::tests::demo();
    let snap = |label: &str| crate::engine::data::progress::Snapshot {
        label: label.into(),
        done: 45,
        total: 100,
    };
    update(&mut app, Message::Loading(Some(snap("orders.csv"))));
    let s = crate::tui::tests::screen(&app, 80, 24);
    assert!(
        s.contains("reading orders.csv 45 %   Esc cancels (the data read before stays)"),
        "{s}"
    );
    update(
        &mut app,
        Message::Loading(Some(snap("customers.csv, orders.csv"))),
    );
    let s = crate::tui::tests::screen(&app, 80, 24);
    let last = s.lines().rev().find(|l| l.contains("reading")).unwrap();
    assert!(
        last.contains("reading customers.csv, orders.csv 45 %   Esc cancels"),
        "{s}"
    );
    assert!(!last.contains("(the data"), "{s}");
}

/// A workspace reading database tables: the title says how old the oldest copy is, and
/// Ctrl-P asks the engine to pull them again; without such tables Ctrl-P says where it works.
#[test]
fn the_title_tells_the_pulled_rows_age_and_ctrl_p_pulls_again() {
    use crate::tui::state::effect::Effect;
    let (mut app, _engine) = demo();
    act(&mut app, Action::Repull);
    assert!(
        app.status
            .contains("works when the workspace reads database tables"),
        "{}",
        app.status
    );
    let stamp = |at: u64| crate::engine::data::postgres::Stamp {
        server: "db.example:5432/shop".into(),
        what: "table crm.customers".into(),
        marker: None,
        pulled_at: at,
        rows: 5,
    };
    app.model.data.pulled = vec![stamp(1_000_000), stamp(1_000_000 - 3 * 3600)];
    app.now = 1_000_000 + 720;
    let s = crate::tui::tests::screen(&app, 120, 30);
    assert!(
        s.lines().next().unwrap().contains("· pulled 3 h ago"),
        "{s}"
    );
    app.workspace = Some("shop.strata.toml".into());
    let e = update(&mut app, Message::Action(Action::Repull));
    assert!(
        matches!(&e[..], [Effect::Engine(Job::Repull { path })] if path.ends_with("shop.strata.toml")),
        "{e:?}"
    );
    assert!(
        app.status.contains("pulling the database tables again"),
        "{}",
        app.status
    );
}
