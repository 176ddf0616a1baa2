//! A messy file in the wizard: it opens, says what and where on every step, `b` writes the
//! options that let runs go on and `u` takes them back, a rule that reads a text column as
//! numbers has the data read again.

use crate::tui::input::message::{Action, Message};
use crate::tui::state::effect::{Effect, FileEdit, Job};
use crate::tui::steps::StepId;
use crate::tui::tests::{act, screen};
use crate::tui::update::update;

/// The messy order log (a word in a quantity on line 8) beside a workspace that reads it.
fn messy(extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messy");
    std::fs::copy(
        fixtures.join("orders_word.csv"),
        d.path().join("orders.csv"),
    )
    .unwrap();
    std::fs::copy(
        fixtures.join("customers_income_word.csv"),
        d.path().join("customers.csv"),
    )
    .unwrap();
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        format!(
            "version = 1\n[data]\ncustomers = \"customers.csv\"\norders = \"orders.csv\"\nas_of = \"2024-07-01\"\n\
             [columns]\ncustomer_id = \"customer_id\"\norder_id = \"invoice\"\norder_date = \"date\"\n\
             quantity = \"qty\"\nunit_price = \"price\"\n{extra}"
        ),
    )
    .unwrap();
    (d, ws)
}

#[test]
fn a_bad_value_is_shown_on_every_step_and_b_settles_it_with_undo() {
    let (_d, ws) = messy("");
    let (mut app, _engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws)).unwrap();
    let line = app.model.data.quality_line().expect("a run would stop");
    assert!(
        line.starts_with("orders.csv line 8, qty: \"twelve\" is not a number (1 bad value)"),
        "{line}"
    );
    assert!(line.ends_with("b: treat bad values as missing"), "{line}");
    for s in StepId::ALL {
        app.nav.step = s;
        update(&mut app, Message::Resize(80, 24));
        let shown = screen(&app, 80, 24);
        assert!(
            shown.contains("line 8, qty: \"twelve\" is not a number"),
            "{s:?}\n{shown}"
        );
    }
    app.nav.step = StepId::Classify;
    app.title = "w.strata.toml".into();
    insta::assert_snapshot!("messy_classify_80x24", screen(&app, 80, 24));
    let e = act(&mut app, Action::SettleData);
    assert!(
        matches!(&e[..], [Effect::Write { edit: FileEdit::Options(o), then: None, .. }] if o == &[("data.orders".to_string(), "bad_values".to_string(), Some("missing".to_string()))]),
        "{e:?}"
    );
    assert!(app.model.data.quality_line().is_none());
    assert!(app.status.contains("u undoes"), "{}", app.status);
    // settled, the bad value is still in sight: the List says it is read as missing
    app.nav.step = StepId::List;
    let shown = screen(&app, 100, 30);
    assert!(
        shown.contains("! orders.csv: 1 bad value") && shown.contains("read as missing"),
        "{shown}"
    );
    // nothing is left to settle; u puts the option back as it was
    assert!(act(&mut app, Action::SettleData).is_empty());
    let e = act(&mut app, Action::Undo);
    assert!(
        matches!(&e[..], [Effect::Write { edit: FileEdit::Options(o), then: None, .. }] if o == &[("data.orders".to_string(), "bad_values".to_string(), None)]),
        "{e:?}"
    );
    assert!(app.model.data.quality_line().is_some());
    let e = act(&mut app, Action::Redo);
    assert!(
        matches!(
            &e[..],
            [Effect::Write {
                edit: FileEdit::Options(_),
                ..
            }]
        ),
        "{e:?}"
    );
    assert!(app.model.data.quality_line().is_none());
}

#[test]
fn bins_on_a_column_with_a_word_open_and_name_it() {
    let (_d, ws) = messy(
        "[criteria.income]\nstep = \"demographic\"\nbins = { column = \"income\", edges = [40000, 60000] }\n",
    );
    let (app, _engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws)).unwrap();
    let q: Vec<String> = app
        .model
        .data
        .quality
        .iter()
        .flat_map(|q| q.warnings())
        .collect();
    assert!(
        q.iter().any(|w| w.contains("line 4, income: \"unknown\"")),
        "{q:?}"
    );
    // the criterion works, the word read as missing
    let c = &app.model.rules.criteria[0];
    assert_eq!(
        c.result.assignment.exclusivity.unassigned, 2,
        "Ed Ots has no income, Cy Tamm a word"
    );
}

#[test]
fn a_rule_reading_a_text_column_as_numbers_reads_the_data_again() {
    let (_d, ws) = messy("");
    let (mut app, mut engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws)).unwrap();
    // income was read as text (no rule read it as numbers when the data was read)
    let mut ws = engine.session.ws.clone();
    let c = crate::engine::rules::parse::parse_workspace(
        std::path::Path::new("x.strata.toml"),
        "version = 1\n[data]\norders = \"o.csv\"\n[criteria.income]\nstep = \"demographic\"\nbins = { column = \"income\", edges = [40000] }\n",
    )
    .unwrap()
    .criteria
    .remove(0);
    ws.criteria.push(c);
    let m = engine.handle(crate::tui::runtime::worker::Job::Reload { ws: Box::new(ws) });
    assert!(
        matches!(&m, Message::Reread(why) if why.contains("reads column income as numbers")),
        "{m:?}"
    );
    let e = update(&mut app, m);
    assert!(
        matches!(&e[..], [Effect::Engine(Job::Reopen { .. })]),
        "{e:?}"
    );
}

/// Orders whose ids no customer has ("001" against "1"): every value is 0, and every step
/// says why, where a run warns of it, instead of a table of 0.00 and "20 % hold 80 %".
#[test]
fn values_that_cannot_be_right_are_said_on_every_step() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("customers.csv"), "id,name\n1,Ann\n2,Bo\n").unwrap();
    std::fs::write(
        d.path().join("orders.csv"),
        "cust,day,amount\n001,2024-01-02,10\n002,2024-02-03,300\n",
    )
    .unwrap();
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"customers.csv\"\norders = \"orders.csv\"\n\
         as_of = \"2025-01-01\"\n[columns]\ncustomer_id = \"id\"\norder_customer_id = \"cust\"\n\
         order_date = \"day\"\namount = \"amount\"\n",
    )
    .unwrap();
    let (mut app, _engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws)).unwrap();
    for s in StepId::ALL {
        app.nav.step = s;
        update(&mut app, Message::Resize(100, 30));
        let shown = screen(&app, 100, 30);
        assert!(
            shown.contains("! every customer's value is 0: none of the 2 order rows' customers"),
            "{s:?}\n{shown}"
        );
    }
    app.nav.step = StepId::List;
    let shown = screen(&app, 100, 30);
    assert!(
        shown.contains("top 20 % hold – of value; – of customers hold 80 %"),
        "{shown}"
    );
}

/// Customers with no value are the value's part, not the data's: said once on the List, from
/// the rules (a new value says it anew), not kept among the data's warnings.
#[test]
fn customers_without_a_value_are_said_with_the_value() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("customers.csv"), "id,income\n1,52000\n2,\n").unwrap();
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"customers.csv\"\n[columns]\ncustomer_id = \"id\"\n\
         [valuation]\nvalue = \"income\"\n",
    )
    .unwrap();
    let (mut app, _engine) = crate::tui::prepare(&crate::tui::Source::Workspace(ws)).unwrap();
    let note = "1 of 2 customers have no value (value = \"income\" reads a missing value)";
    assert!(
        app.model
            .rules
            .value_note
            .as_deref()
            .is_some_and(|n| n.starts_with(note))
    );
    assert!(
        app.model
            .data
            .warnings
            .iter()
            .all(|w| !w.contains("have no value"))
    );
    app.nav.step = StepId::List;
    let shown = screen(&app, 120, 30);
    assert_eq!(
        shown.matches("customers have no value").count(),
        1,
        "{shown}"
    );
}
