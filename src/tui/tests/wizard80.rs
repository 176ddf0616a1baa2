//! The wizard at 80×24 and its editing history: personal data masked everywhere, explain and teach scroll,
//! selections in sight, numbers never cut, stable columns, undo that survives every kind of edit.

use crate::engine::eval::explain::{CriterionExplain, Explanation, RuleTrial};
use crate::engine::rules::Rule;
use crate::tui::input::message::{Action, Message};
use crate::tui::state::app::Prompt;
use crate::tui::steps::StepId;
use crate::tui::tests::{act, demo, named, screen, settle, typ};
use crate::tui::update::update;

fn at(app: &mut crate::tui::state::app::App, w: u16, h: u16) -> String {
    update(app, Message::Resize(w, h));
    screen(app, w, h)
}

/// Masked names and e-mails never reach Classify's detail (range, quartiles, samples, top
/// values) or the explain popup; `m` shows them.
#[test]
fn masked_personal_data_stays_masked_in_classify_and_explain() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(1));
    let row = app
        .model
        .data
        .profiles
        .iter()
        .position(|p| p.name == "name")
        .unwrap();
    let p = app.model.data.profiles[row].clone();
    for _ in 0..row {
        act(&mut app, Action::Down);
    }
    let lo = p.min.clone().expect("a range of names");
    assert!(app.prefs.mask_pii);
    let s = at(&mut app, 100, 30);
    assert!(s.contains("range •••"), "{s}");
    assert!(!s.contains(&lo), "a name leaks: {lo}\n{s}");
    for v in p.samples.iter().chain(p.top.iter().map(|t| &t.0)) {
        assert!(!s.contains(v.as_str()), "{v} leaks\n{s}");
    }
    act(&mut app, Action::MaskPii);
    assert!(at(&mut app, 100, 30).contains(&lo), "m shows them");
    act(&mut app, Action::MaskPii);
    // explain: a value read from a personal column is masked, others are shown
    let ex = Explanation {
        id: "17".into(),
        criteria: vec![CriterionExplain {
            criterion: "who".into(),
            step: "demographic",
            segment: "a".into(),
            rules: vec![RuleTrial {
                segment: "a".into(),
                rule: "name LIKE 'A%' AND age > 30".into(),
                result: Some(true),
                values: vec![
                    ("name".into(), "Anja Böhm".into()),
                    ("age".into(), "49".into()),
                ],
                parts: vec![],
            }],
        }],
        scores: vec![],
    };
    app.page = Some(crate::tui::state::app::Page::Explain(ex));
    let s = at(&mut app, 80, 24);
    assert!(s.contains("name = •••") && s.contains("age = 49"), "{s}");
    assert!(!s.contains("Anja Böhm"), "{s}");
}

/// The explain popup scrolls with j, PgDn, G and End, and its rules are never broken in the
/// middle: each rule is one line, the values it read on the next.
#[test]
fn explain_scrolls_at_80x24_and_keeps_each_rule_on_its_line() {
    let (mut app, mut engine) = demo();
    update(&mut app, Message::Resize(80, 24));
    let fx = act(&mut app, Action::Explain);
    settle_explain(&mut app, &mut engine, fx);
    let first = screen(&app, 80, 24);
    assert!(first.contains("↓") && first.contains("more"), "{first}");
    act(&mut app, Action::Down);
    assert_eq!(app.nav.explain_scroll, 1);
    act(&mut app, Action::PageDown);
    assert_eq!(app.nav.explain_scroll, 21);
    act(&mut app, Action::Bottom);
    let last = screen(&app, 80, 24);
    assert!(
        last.contains("RFM scores"),
        "End shows the last page: {last}"
    );
    assert!(!last.contains("↓"), "{last}");
    // at 120 wide, a bin's rule and its verdict share one line
    let s = at(&mut app, 120, 40);
    act(&mut app, Action::Top);
    let s2 = screen(&app, 120, 40);
    let rule_line = s2
        .lines()
        .find(|l| l.contains("young") && l.contains("age < 25"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(
        rule_line.contains("false") || rule_line.contains("match"),
        "{rule_line}"
    );
}

fn settle_explain(
    app: &mut crate::tui::state::app::App,
    engine: &mut crate::tui::runtime::worker::Engine,
    fx: Vec<crate::tui::state::effect::Effect>,
) {
    for e in fx {
        if let crate::tui::state::effect::Effect::Engine(
            job @ crate::tui::runtime::worker::Job::Explain { .. },
        ) = e
        {
            let m = engine.handle(job);
            update(app, m);
        }
    }
}

/// Rename a rule, edit the worth-it minimums, then undo both, in order, and redo the first.
#[test]
fn a_rename_and_the_minimums_are_undone_in_order() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let labels = app.model.rules.criteria[i].criterion.rule.labels();
    act(&mut app, Action::Rename);
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "kids");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.criteria[i].criterion.rule.labels()[0],
        "kids"
    );
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Edit);
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "10 %, 20 %");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.valuation.min_value_share, 0.2);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.valuation.min_value_share, 0.05,
        "{}",
        app.status
    );
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.criteria[i].criterion.rule.labels(),
        labels,
        "{}",
        app.status
    );
    let fx = act(&mut app, Action::Redo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(
        app.model.rules.criteria[i].criterion.rule.labels()[0],
        "kids"
    );
}

/// A criterion deleted comes back with its rules on undo.
#[test]
fn a_deleted_criterion_is_undone() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(3));
    let n = app.model.rules.criteria.len();
    let name = app.model.rules.criteria[app.current_criterion().unwrap()]
        .criterion
        .name
        .value
        .clone();
    act(&mut app, Action::DeleteCriterion);
    let fx = act(&mut app, Action::DeleteCriterion);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), n - 1);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    assert_eq!(app.model.rules.criteria.len(), n, "{}", app.status);
    assert!(
        app.model
            .rules
            .criteria
            .iter()
            .any(|c| c.criterion.name.value == name)
    );
}

/// A nudge, then a rename of the criterion, then two undos: the name first, then the cut.
#[test]
fn an_edit_made_before_a_rename_is_still_undone() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let before = match &app.model.rules.criteria[i].criterion.rule {
        Rule::Bins { edges, .. } => edges.clone(),
        _ => panic!("bins"),
    };
    let fx = act(&mut app, Action::Increase);
    settle(&mut app, &mut engine, fx);
    act(&mut app, Action::RenameCriterion);
    for _ in 0..30 {
        update(&mut app, Message::Backspace);
    }
    typ(&mut app, "ages");
    let fx = act(&mut app, Action::Confirm);
    settle(&mut app, &mut engine, fx);
    assert!(named(&app, "ages").is_some());
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    let fx = act(&mut app, Action::Undo);
    settle(&mut app, &mut engine, fx);
    let c = named(&app, "age_band").expect("the old name is back");
    assert!(matches!(&c.criterion.rule, Rule::Bins { edges, .. } if *edges == before));
}

/// Adding a cut point keeps the names of the bins, names only the new one and says so; the
/// new bin is selected, so `r` renames it.
#[test]
fn a_new_cut_point_keeps_the_bin_names_and_the_new_bin_can_be_renamed() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let fx = act(&mut app, Action::AddRule);
    settle(&mut app, &mut engine, fx);
    let labels = app.model.rules.criteria[i].criterion.rule.labels();
    assert_eq!(labels[0], "young");
    assert_eq!(labels[1], "adult");
    assert!(labels[2].starts_with('['), "{labels:?}");
    assert_eq!(
        labels[3..],
        ["middle-aged".to_string(), "senior".to_string()]
    );
    assert!(app.status.contains("named") && app.status.contains("r renames"));
    act(&mut app, Action::Rename);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("rename prompt")
    };
    assert_eq!(p.text, labels[2]);
}

/// At 80×24 the selected rule is always in sight, with what is above and below it noted.
#[test]
fn the_selected_rule_stays_in_sight_at_80x24() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(5));
    update(&mut app, Message::Resize(80, 24));
    let names = app.model.rules.criteria[app.current_criterion().unwrap()]
        .criterion
        .rule
        .labels();
    for (k, name) in names.iter().enumerate() {
        let s = screen(&app, 80, 24);
        let line = s
            .lines()
            .find(|l| l.contains(name.as_str()) && !l.contains('┐'))
            .unwrap_or_else(|| panic!("rule {k} {name} not on screen:\n{s}"));
        assert!(!line.is_empty());
        act(&mut app, Action::Down);
    }
    assert!(screen(&app, 80, 24).contains("↑"), "what is above is noted");
}

/// Numbers are never cut: every count of a segment table, every score range, shows whole.
#[test]
fn numbers_are_never_cut_at_80x24() {
    let (mut app, _) = demo();
    for step in [
        StepId::PurchaseHistory,
        StepId::Valuation,
        StepId::Demographic,
    ] {
        app.nav.step = step;
        let s = at(&mut app, 80, 24);
        let i = app.current_criterion().unwrap();
        for v in &app.model.rules.criteria[i].result.valuation {
            let n = crate::engine::format::thousands(v.customers as u64);
            assert!(s.contains(&n), "{} of {} cut:\n{s}", n, v.name);
        }
    }
    app.nav.step = StepId::PurchaseHistory;
    let s = at(&mut app, 100, 45);
    for sc in &app.model.rules.scores {
        let hi = sc.ranges.iter().flatten().map(|r| r.1).fold(0.0, f64::max);
        let whole = crate::engine::format::plain_number(hi.round());
        assert!(s.contains(&whole), "{whole} cut:\n{s}");
    }
}

/// Every criterion of a step shows the same columns at a given width, whatever its names.
#[test]
fn every_criterion_shows_the_same_columns() {
    let (mut app, _) = demo();
    for w in [80, 120] {
        for step in [StepId::Valuation, StepId::PurchaseHistory] {
            app.nav.step = step;
            update(&mut app, Message::Resize(w, 40));
            let header = |app: &crate::tui::state::app::App| {
                let s = screen(app, w, 40);
                s.lines()
                    .find(|l| l.contains("│segment") && l.contains("customers"))
                    .map(|l| {
                        // the table's part of the line (right of the step list, when shown)
                        let from = l.find("│segment").unwrap_or(0) + "│".len();
                        let rest = &l[from..];
                        let table = &rest[..rest.find('│').unwrap_or(rest.len())];
                        table
                            .replace(['│', '"'], " ")
                            .split_whitespace()
                            .filter(|x| x.len() > 1)
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_else(|| panic!("no segment table header on:\n{s}"))
            };
            let first = header(&app);
            let count = if step == StepId::Valuation {
                app.model.rules.criteria.len()
            } else {
                app.criteria_of(crate::engine::rules::Step::PurchaseHistory)
                    .len()
            };
            for _ in 1..count {
                act(&mut app, Action::Right);
                assert_eq!(header(&app), first, "{step:?} at {w}");
            }
        }
    }
}

/// The teach text is on in the demo at 80×24, as a strip; `t` opens it as a page that scrolls.
#[test]
fn teach_is_readable_and_scrolls_at_80x24() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(1));
    let s = at(&mut app, 80, 24);
    assert!(s.contains("teach — t reads on"), "{s}");
    act(&mut app, Action::Teach);
    assert!(app.teach_overlay);
    let s = at(&mut app, 80, 16);
    assert!(s.contains("teach: Classify"), "{s}");
    act(&mut app, Action::Bottom);
    let s = screen(&app, 80, 16);
    assert!(
        s.contains("unconfirmed as personal data"),
        "the last words: {s}"
    );
    act(&mut app, Action::Teach);
    assert!(!app.teach_overlay && !app.prefs.show_teach);
}

/// Shares never show as -0.0 %, and the footer never cuts a key's label.
#[test]
fn no_negative_zero_and_whole_footer_entries() {
    let (mut app, _) = demo();
    app.nav.row = app.model.data.n_customers - 1;
    let s = at(&mut app, 80, 24);
    assert!(!s.contains("-0.0 %"), "{s}");
    let footer = s
        .lines()
        .last()
        .unwrap()
        .trim_matches('"')
        .trim_end()
        .to_string();
    let last = footer.split("  ").last().unwrap();
    assert!(last.contains(' '), "a cut entry: {footer:?}");
}

/// A run of nudges shows its whole change (41→42→43 counts from 41), not the last step only.
#[test]
fn a_run_of_nudges_shows_the_whole_change() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    let i = app.current_criterion().unwrap();
    let before: std::collections::HashMap<String, usize> = app.model.rules.criteria[i]
        .result
        .valuation
        .iter()
        .map(|s| (s.name.clone(), s.customers))
        .collect();
    for _ in 0..3 {
        let fx = act(&mut app, Action::Increase);
        settle(&mut app, &mut engine, fx);
    }
    assert_eq!(app.model.rules.criteria[i].result.previous, before);
}

/// Status lines that explain a key are right: `+` on a rule list points to `e`, Valuation's
/// help says `e` edits the minimums, an empty step mentions `N`.
#[test]
fn hints_say_what_the_keys_do() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(5));
    act(&mut app, Action::Increase);
    assert!(!app.status.contains("workspace file"), "{}", app.status);
    assert!(app.status.contains("e edits"), "{}", app.status);
    app.model
        .rules
        .criteria
        .retain(|c| c.criterion.step != crate::engine::rules::Step::Benefits);
    act(&mut app, Action::GoTo(6));
    let s = at(&mut app, 100, 30);
    assert!(s.contains("Press N to add one"), "{s}");
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Help);
    let s = at(&mut app, 100, 40);
    assert!(s.contains("minimums"), "{s}");
    assert!(!s.contains("edit condition"), "{s}");
}

/// `T` proposes a first date at least halfway through the order history, so that most
/// customers had time to buy before it (not nine days into the data).
#[test]
fn moves_propose_dates_inside_the_order_history() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    act(&mut app, Action::Transitions);
    let Some(Prompt::Edit(p)) = &app.edit.prompt else {
        panic!("dates prompt")
    };
    let (a, f) = (
        app.model.data.as_of.unwrap(),
        app.model.data.first_order.unwrap(),
    );
    let from =
        chrono::NaiveDate::parse_from_str(p.text.split(',').next().unwrap(), "%Y-%m-%d").unwrap();
    let days = (from - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
    assert!(
        days >= f + (a - f) / 2 && days < a,
        "{} in {f}..{a}",
        p.text
    );
}

/// A long message takes more lines of the footer instead of being cut at 80 columns, and the
/// next key clears it.
#[test]
fn long_messages_wrap_and_go_with_the_next_key() {
    let (mut app, _) = demo();
    update(&mut app, Message::Resize(80, 24));
    let why = "the workspace on disk has a problem, the last good rules stay: line 39, column 47: unknown column \"agee\" (did you mean \"age\"?)";
    update(&mut app, Message::Notice(why.into()));
    let s = screen(&app, 80, 24);
    assert!(s.contains("did you mean") && s.contains("line 39"), "{s}");
    act(&mut app, Action::Down);
    assert!(app.status.is_empty());
}

/// `?` lists every key of the screen from the one table of actions, with the keys the keymap
/// really binds, and scrolls at 80×24.
#[test]
fn help_lists_every_key_of_the_screen_and_scrolls() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    update(&mut app, Message::Resize(80, 24));
    act(&mut app, Action::Help);
    let lines = crate::tui::view::pages::help_lines(&app, 78);
    for a in crate::tui::view::screen_actions(&app) {
        let keys = app.prefs.keymap.keys_for(a);
        assert!(!keys.is_empty(), "{a:?} is listed but bound to no key");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.0.trim() == "w" && l.1.contains("write"))
    );
    act(&mut app, Action::Bottom);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("keeps edits in memory"),
        "the demo says where its edits go: {s}"
    );
    assert!(app.show_help, "scrolling keeps the help open");
    act(&mut app, Action::Cancel);
    assert!(!app.show_help);
}

/// Hidden columns can be reached: `>` scrolls the valuation table (when no cross-tab is open)
/// and a criteria step's segment table; a new cross-tab starts unscrolled.
#[test]
fn hidden_columns_are_reached_with_the_scroll_keys() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(8));
    let s = at(&mut app, 80, 24);
    assert!(s.contains("more columns ›"), "{s}");
    act(&mut app, Action::ScrollRight);
    let s = screen(&app, 80, 24);
    assert!(s.contains("‹"), "scrolled: {s}");
    act(&mut app, Action::CrossTab);
    assert_eq!(app.nav.hscroll, 0, "a new table starts at its first column");
    act(&mut app, Action::GoTo(2));
    let s = at(&mut app, 60, 20);
    assert!(s.contains("more column"), "{s}");
    act(&mut app, Action::ScrollRight);
    assert!(screen(&app, 60, 20).contains("‹"));
}

/// At 80×24 the tables show what the teach text asks to compare, without scrolling: a segment
/// table its customers, share, change, value and share of value; Valuation its customers,
/// share, value, share of value, value per customer and verdict.
#[test]
fn at_80x24_the_tables_show_what_the_step_compares() {
    let (mut app, _) = demo();
    for step in [2u8, 3, 4, 5, 6] {
        act(&mut app, Action::GoTo(step));
        let s = at(&mut app, 80, 24);
        let head = s
            .lines()
            .find(|l| l.contains("│segment"))
            .unwrap_or_else(|| panic!("no segment table on step {}:\n{s}", step + 1));
        for col in ["customers", "share", "change", "value", "value %"] {
            assert!(head.contains(col), "step {}: no {col} in {head}", step + 1);
        }
        assert!(!s.contains("more column"), "step {}:\n{s}", step + 1);
    }
    act(&mut app, Action::GoTo(8));
    let s = at(&mut app, 80, 24);
    let head = s.lines().find(|l| l.contains("│segment")).unwrap();
    for col in [
        "customers",
        "share",
        "value",
        "value %",
        "per customer",
        "worth it",
    ] {
        assert!(head.contains(col), "valuation: no {col} in {head}");
    }
}

/// With many cut points, the selected one is always on screen, and `›` `‹` say more are hidden.
#[test]
fn the_selected_cut_point_is_always_in_sight() {
    let (mut app, mut engine) = demo();
    act(&mut app, Action::GoTo(2));
    for _ in 0..4 {
        let fx = act(&mut app, Action::AddRule);
        settle(&mut app, &mut engine, fx);
    }
    let i = app.current_criterion().unwrap();
    let Rule::Bins { edges, .. } = app.model.rules.criteria[i].criterion.rule.clone() else {
        panic!()
    };
    app.nav.edge = edges.len() - 1;
    let s = at(&mut app, 80, 24);
    let last = crate::engine::format::plain_number(edges[edges.len() - 1]);
    let line = s.lines().find(|l| l.contains("cut points:")).unwrap();
    assert!(line.contains(&format!(" {last} ")), "{line}");
    assert!(line.contains('‹'), "{line}");
}

/// `w` names the criterion whose segment it writes.
#[test]
fn the_write_prompt_names_the_selected_criterion() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    act(&mut app, Action::Right);
    act(&mut app, Action::NextPane);
    act(&mut app, Action::Export);
    let s = at(&mut app, 100, 30);
    assert!(s.contains("family · write"), "{s}");
}
