//! The two-stage open ends where one whole read does: the same columns in the same places, values, profiles, results.

use super::super::{Cache, Session};
use crate::engine::data::progress::Progress;
use crate::engine::eval::frame::Frame;
use crate::engine::eval::purchase::LATE_FIELDS as LATE;
use crate::engine::rules::parse::load_workspace;

/// A demo workspace of `n` customers in a fresh folder, its rules changed by `edit`.
fn demo(n: usize, edit: impl Fn(String) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(dir.path(), n, 7).unwrap();
    let ws = dir.path().join("demo.strata.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, edit(text)).unwrap();
    (dir, ws)
}

/// Every column of `a` equals `b`'s column of the same name, value for value.
fn same_values(a: &Frame, b: &Frame) {
    assert_eq!(a.names, b.names);
    assert_eq!(a.len, b.len);
    for (name, x) in a.names.iter().zip(a.columns()) {
        let y = b.get(name).unwrap();
        assert_eq!(x.dtype(), y.dtype(), "{name}");
        for i in 0..a.len {
            assert_eq!(x.text_at(i), y.text_at(i), "{name}, row {i}");
        }
    }
}

/// Open `ws` whole and in two stages (with the cache `cache`), and check the second ends
/// where the first does.
fn staged_equals_whole(ws: &std::path::Path, cache: &Cache, late: &[&str]) -> Session {
    let p = Progress::default();
    let ws = load_workspace(ws).unwrap();
    let (whole, profiles) =
        Session::open_for_wizard_from(ws.clone(), &p, &Cache::Off, u64::MAX).unwrap();
    let (mut s, first) = Session::open_for_wizard_from(ws, &p, cache, 0).unwrap();
    // the first frame: fewer columns, the same segments and value
    assert!(first.len() < profiles.len());
    for f in late {
        assert!(s.base.get(f).is_none(), "{f} waits for the second stage");
    }
    assert_eq!(*s.value, *whole.value);
    for (a, b) in s.results.iter().zip(&whole.results) {
        assert_eq!(a.assignment.names, b.assignment.names);
        assert_eq!(a.assignment.label, b.assignment.label);
    }
    let late = s.take_late().expect("a second stage");
    let read = late.read().unwrap();
    let all = s.add_late(read, cache);
    assert_eq!(all, profiles);
    same_values(&s.base, &whole.base);
    s
}

#[test]
fn two_stages_end_where_one_read_does() {
    let (_d, ws) = demo(2000, |t| t);
    staged_equals_whole(&ws, &Cache::Off, &LATE[..3]);
}

/// Messy files: rows of another width left out and bad values read the same in both stages.
#[test]
fn messy_files_stage_alike() {
    let (d, ws) = demo(1000, |t| t);
    for (file, bad) in [("orders.csv", "1,2,3"), ("customers.csv", "7,x")] {
        let path = d.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(40, bad);
        lines.insert(400, bad);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
    let s = staged_equals_whole(&ws, &Cache::Off, &LATE[..3]);
    assert_eq!(s.quality.len(), 2, "both files' left-out rows are told");
}

/// Orders not written customer by customer, some after the evaluation date (left out), and
/// some of customers the table lacks: the second stage finds each row's customer as the first.
#[test]
fn shuffled_and_filtered_orders_stage_alike() {
    let (d, ws) = demo(1300, |t| {
        t.replace("discount_share > 0.5", "orders > 3")
            .replace("share = \"orders > 3\"", "share = \"orders > 4\"")
            .replace("as_of = \"2025-01-01\"", "as_of = \"2024-06-30\"")
    });
    let path = d.path().join("orders.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let head = lines.remove(0);
    // a fixed shuffle: every seventh line first, then the rest backwards
    let (mut a, mut b): (Vec<String>, Vec<String>) = (vec![], vec![]);
    for (i, l) in lines.into_iter().enumerate() {
        if i % 7 == 0 { a.push(l) } else { b.push(l) }
    }
    b.reverse();
    let unknown = "999001,424242,2023-01-05,Ceramic mug,home,store,1,11,0,11.00".to_string();
    let all = [vec![head], a, vec![unknown], b].concat();
    std::fs::write(&path, all.join("\n") + "\n").unwrap();
    staged_equals_whole(&ws, &Cache::Off, &LATE);
}

/// No rule reads the discounts, and some are not numbers: the discount share is made with the
/// rules' columns (its column read as numbers, bad values missing), as a whole read makes it.
#[test]
fn messy_discounts_are_read_as_a_whole_read_reads_them() {
    let (d, ws) = demo(1500, |t| {
        t.replace("discount_share > 0.5", "orders > 3")
            .replace("share = \"orders > 3\"", "share = \"orders > 4\"")
    });
    let path = d.path().join("orders.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for k in [3, 50, 700] {
        // the discount is the ninth column
        let mut cells: Vec<String> = lines[k].split(',').map(str::to_string).collect();
        cells[8] = "10%".into();
        lines[k] = cells.join(",");
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let s = staged_equals_whole(&ws, &Cache::Off, &LATE);
    let share = s.base.get("discount_share").unwrap();
    assert!((0..s.base.len).any(|i| share.f64_at(i).is_some_and(|x| x > 0.0)));
}

/// A role naming a column the orders lack leaves its field empty, as in a whole read, and
/// the other columns still come.
#[test]
fn a_role_naming_a_missing_column_stages_alike() {
    let (_d, ws) = demo(900, |t| {
        t.replace("category = \"category\"", "category = \"aisle\"")
    });
    staged_equals_whole(&ws, &Cache::Off, &LATE);
}

/// A customer column named like a field left for later gives way to the field, in its place.
#[test]
fn a_customer_column_named_like_a_late_field_gives_way() {
    let (d, ws) = demo(700, |t| t);
    let path = d.path().join("customers.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}", if i == 0 { "top_category" } else { "x" }))
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    staged_equals_whole(&ws, &Cache::Off, &LATE);
}

/// The evaluated customers are kept once whole: the next open starts from them, with every
/// column and profile.
#[test]
fn the_next_open_finds_the_whole_evaluation() {
    let (d, ws) = demo(1200, |t| t);
    let cache = Cache::At {
        dir: d.path().join("cache"),
        limit: None,
    };
    let mut s = staged_equals_whole(&ws, &cache, &LATE[..3]);
    s.wait_for_cache();
    let w = load_workspace(&ws).unwrap();
    let (warm, profiles) =
        Session::open_for_wizard_from(w.clone(), &Progress::default(), &cache, 0).unwrap();
    assert!(
        warm.orders_released(),
        "opened from the evaluated customers"
    );
    let (whole, whole_profiles) =
        Session::open_for_wizard_from(w, &Progress::default(), &Cache::Off, u64::MAX).unwrap();
    assert_eq!(profiles, whole_profiles);
    same_values(&warm.base, &whole.base);
}

/// A file changed between the stages is refused, naming it; the first stage's session stays.
#[test]
fn a_file_changed_between_the_stages_is_refused() {
    let (d, ws) = demo(800, |t| t);
    let w = load_workspace(&ws).unwrap();
    let (mut s, _) =
        Session::open_for_wizard_from(w, &Progress::default(), &Cache::Off, 0).unwrap();
    let late = s.take_late().unwrap();
    let path = d.path().join("customers.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\n", "\n\n", 2)).unwrap();
    let e = late.read().err().expect("refused").to_string();
    assert!(e.contains("customers.csv") && e.contains("changed"), "{e}");
    // the first stage's session goes on
    let c = s.ws.criteria[0].clone();
    s.update_criterion(0, c).unwrap();
}

/// The wizard's rows by value are kept with the evaluated customers; a warm open takes them
/// while they still are the values' order, and sorts again once the value changed.
#[test]
fn rows_by_value_are_kept_and_used_only_while_they_hold() {
    use crate::engine::eval::cache::evaluated_key;
    use crate::engine::eval::tables::LoadPlan;
    use crate::engine::eval::valuation::value_order;
    let (d, ws) = demo(1500, |t| t);
    let cache = Cache::At {
        dir: d.path().join("cache"),
        limit: None,
    };
    let p = Progress::default();
    let w = load_workspace(&ws).unwrap();
    let (mut cold, _) = Session::open_for_wizard_from(w.clone(), &p, &cache, u64::MAX).unwrap();
    cold.wait_for_cache();
    let keys = LoadPlan::new(&w, (None, false), &cache)
        .unwrap()
        .lenient(&cache)
        .wizard_keys()
        .unwrap();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let key = evaluated_key(&w, &keys, &[]).unwrap();
    let kept = cache.evaluated(&key, &mut vec![]).expect("the entry");
    let kept = kept.value_order.expect("the rows by value kept");
    assert_eq!(*kept, value_order(&cold.value));

    let (warm, _) = Session::open_for_wizard_from(w, &p, &cache, u64::MAX).unwrap();
    assert!(
        warm.orders_released(),
        "opened from the evaluated customers"
    );
    assert_eq!(warm.value_order, cold.value_order);
    assert_eq!(warm.pareto.bits(), cold.pareto.bits());

    // the entry's key holds no valuation: it is taken, the rows it kept are not
    let text = std::fs::read_to_string(&ws).unwrap();
    assert!(text.contains("value = \"revenue\""));
    std::fs::write(
        &ws,
        text.replace("value = \"revenue\"", "value = \"orders\""),
    )
    .unwrap();
    let w = load_workspace(&ws).unwrap();
    let (changed, _) = Session::open_for_wizard_from(w.clone(), &p, &cache, u64::MAX).unwrap();
    assert!(
        changed.orders_released(),
        "opened from the evaluated customers"
    );
    let (fresh, _) = Session::open_for_wizard_from(w, &p, &Cache::Off, u64::MAX).unwrap();
    assert_eq!(*changed.value, *fresh.value);
    assert_ne!(changed.value_order, cold.value_order);
    assert_eq!(changed.value_order, fresh.value_order);
    assert_eq!(
        changed.value_order.as_deref(),
        Some(&value_order(&fresh.value))
    );
    assert_eq!(changed.pareto.bits(), fresh.pareto.bits());
}

/// A second stage told to stop stops (the data is about to be read again as a whole), and the
/// first stage's session goes on.
#[test]
fn a_second_stage_told_to_stop_stops() {
    let (_d, ws) = demo(900, |t| t);
    let w = load_workspace(&ws).unwrap();
    let (mut s, _) =
        Session::open_for_wizard_from(w, &Progress::default(), &Cache::Off, 0).unwrap();
    let late = s.take_late().unwrap();
    let p = Progress::default();
    p.cancel();
    let e = late.read_with(&p).err().expect("stopped");
    assert!(
        matches!(e, crate::engine::error::EngineError::Cancelled),
        "{e}"
    );
    let c = s.ws.criteria[0].clone();
    s.update_criterion(0, c).unwrap();
}
