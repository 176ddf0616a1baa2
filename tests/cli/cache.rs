//! The warm cache through the real binary: same output cold and warm, damage and races survived, `strata cache`.

use std::path::Path;

use super::*;

/// `strata ARGS` with its own cache folder; (status, stdout, stderr).
fn in_cache(cache: &Path, args: &[&str]) -> (i32, String, String) {
    let out = strata()
        .env("STRATA_CACHE_DIR", cache)
        .env("STRATA_TIMING", "1")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// Remove the last line of the demo's `w/orders.csv` under `dir`.
fn drop_last_order(dir: &Path) {
    let orders = dir.join("w/orders.csv");
    let o = std::fs::read_to_string(&orders).unwrap();
    let mut lines: Vec<&str> = o.lines().collect();
    lines.pop();
    std::fs::write(&orders, lines.join("\n") + "\n").unwrap();
}

fn hits(stderr: &str) -> usize {
    stderr.matches("cache hit").count()
}

/// `run --summary --out` into `dir/NAME.json` and `dir/NAME.csv`: their bytes, and stderr.
fn run_once(cache: &Path, ws: &Path, dir: &Path, name: &str, more: &[&str]) -> (Vec<u8>, String) {
    let (json, csv) = (
        dir.join(format!("{name}.json")),
        dir.join(format!("{name}.csv")),
    );
    let mut args = vec![
        "run",
        ws.to_str().unwrap(),
        "--summary",
        json.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
        "--with",
        "r_score,revenue",
    ];
    args.extend(more);
    let (code, _, err) = in_cache(cache, &args);
    assert_eq!(code, 0, "{err}");
    let mut bytes = std::fs::read(json).unwrap();
    bytes.extend(std::fs::read(csv).unwrap());
    (bytes, err)
}

#[test]
fn warm_runs_write_the_same_bytes_as_cold_ones_and_a_changed_file_is_read_again() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let cache = d.path().join("cache");
    let (cold, err) = run_once(&cache, &ws, d.path(), "cold", &[]);
    assert_eq!(hits(&err), 0, "{err}");
    let (warm, err) = run_once(&cache, &ws, d.path(), "warm", &[]);
    assert_eq!(
        hits(&err),
        1,
        "the evaluated customers come from the cache: {err}"
    );
    assert!(cold == warm, "cold and warm output differ");
    let (off, err) = run_once(&cache, &ws, d.path(), "off", &["--no-cache"]);
    assert_eq!(hits(&err), 0);
    assert!(cold == off);

    // a criterion changed: the evaluated customers are still good, the counts follow the rule
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, text.replace("orders >= 10", "orders >= 3")).unwrap();
    let (edited, err) = run_once(&cache, &ws, d.path(), "edited", &[]);
    assert_eq!(hits(&err), 1, "{err}");
    let (edited_cold, _) = run_once(&cache, &ws, d.path(), "edited_cold", &["--no-cache"]);
    assert!(edited == edited_cold && edited != cold);

    // the purchase settings changed: the files are read (the first run kept only what it
    // evaluated), and the tables are kept now that they are evaluated a second way
    std::fs::write(&ws, text.replace("rfm_bins = 5", "rfm_bins = 4")).unwrap();
    let (rebinned, err) = run_once(&cache, &ws, d.path(), "rebinned", &[]);
    assert_eq!(hits(&err), 0, "{err}");
    let (rebinned_cold, _) = run_once(&cache, &ws, d.path(), "rebinned_cold", &["--no-cache"]);
    assert!(rebinned == rebinned_cold && rebinned != cold);
    // changed again: the tables come from the cache, the rest is derived again
    std::fs::write(&ws, text.replace("rfm_bins = 5", "rfm_bins = 3")).unwrap();
    let (three, err) = run_once(&cache, &ws, d.path(), "three", &[]);
    assert_eq!(
        hits(&err),
        2,
        "both tables, not the evaluated customers: {err}"
    );
    let (three_cold, _) = run_once(&cache, &ws, d.path(), "three_cold", &["--no-cache"]);
    assert!(three == three_cold && three != rebinned);

    // a data file changed: read again
    std::fs::write(&ws, &text).unwrap();
    drop_last_order(d.path());
    let (fewer, err) = run_once(&cache, &ws, d.path(), "fewer", &[]);
    assert_eq!(hits(&err), 1, "only the customers are unchanged: {err}");
    let (fewer_cold, _) = run_once(&cache, &ws, d.path(), "fewer_cold", &["--no-cache"]);
    assert!(fewer == fewer_cold && fewer != cold);
}

/// `report WS -o dir/NAME.md`: its bytes, and stderr.
fn report_once(
    cache: &Path,
    ws: &Path,
    dir: &Path,
    name: &str,
    more: &[&str],
) -> (Vec<u8>, String) {
    let out = dir.join(format!("{name}.md"));
    let mut args = vec!["report", ws.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend(more);
    let (code, _, err) = in_cache(cache, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("criteria, "), "{err}");
    (std::fs::read(out).unwrap(), err)
}

/// Whether the report came whole from the cache, and how many files' audits did.
fn report_hits(err: &str) -> (bool, usize) {
    (
        err.contains("cache hit the report"),
        err.matches("cache hit an audit").count(),
    )
}

#[test]
fn a_report_of_an_unchanged_workspace_is_kept_whole_and_any_change_makes_it_again() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let cache = d.path().join("cache");
    let (cold, err) = report_once(&cache, &ws, d.path(), "cold", &[]);
    assert_eq!(hits(&err), 0, "{err}");
    let (warm, err) = report_once(&cache, &ws, d.path(), "warm", &[]);
    assert_eq!(hits(&err), 1, "the report comes from the cache: {err}");
    assert!(report_hits(&err).0);
    assert!(cold == warm, "cold and warm reports differ");
    let (off, err) = report_once(&cache, &ws, d.path(), "off", &["--no-cache"]);
    assert_eq!(hits(&err), 0);
    assert!(cold == off);
    let (_, list, _) = in_cache(&cache, &["cache", "list"]);
    assert!(list.contains("report"), "{list}");
    assert_eq!(
        list.matches(" audit ").count(),
        2,
        "one audit per file: {list}"
    );
    // the same text under another name: its own report (the name is its title), made from
    // the tables and audits kept
    let other = d.path().join("w/other.strata.toml");
    std::fs::copy(&ws, &other).unwrap();
    let (renamed, err) = report_once(&cache, &other, d.path(), "renamed", &[]);
    assert_eq!(report_hits(&err), (false, 2), "{err}");
    assert!(renamed != cold);

    // a rule changed: made again, as without the cache, but no file is read again
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, text.replace("orders >= 10", "orders >= 3")).unwrap();
    let (edited, err) = report_once(&cache, &ws, d.path(), "edited", &[]);
    assert_eq!(report_hits(&err), (false, 2), "both audits kept: {err}");
    assert!(
        err.contains("cache hit the evaluated customers") || err.matches("cache hit").count() >= 4,
        "the tables come from the cache: {err}"
    );
    let (edited_off, _) = report_once(&cache, &ws, d.path(), "edited_off", &["--no-cache"]);
    assert!(edited == edited_off && edited != cold);

    // a data file changed: made again, its audit too
    std::fs::write(&ws, &text).unwrap();
    drop_last_order(d.path());
    let (fewer, err) = report_once(&cache, &ws, d.path(), "fewer", &[]);
    assert_eq!(
        report_hits(&err),
        (false, 1),
        "only the customers' audit: {err}"
    );
    let (fewer_off, _) = report_once(&cache, &ws, d.path(), "fewer_off", &["--no-cache"]);
    assert!(fewer == fewer_off && fewer != cold);
}

#[test]
fn a_flipped_byte_in_any_kept_table_is_noticed_and_the_result_stays_right() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let cache = d.path().join("cache");
    let (cold, _) = run_once(&cache, &ws, d.path(), "cold", &[]);
    // evaluated a second way (other RFM bins), so the tables are kept too
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, text.replace("rfm_bins = 5", "rfm_bins = 4")).unwrap();
    run_once(&cache, &ws, d.path(), "rebinned", &[]);
    std::fs::write(&ws, &text).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert_eq!(
        entries.len(),
        4,
        "customers, orders, evaluated customers twice"
    );
    // each kept table with one bit changed: the evaluated customers are noticed first, then
    // the two tables they are made again from
    for e in &entries {
        let mut b = std::fs::read(e).unwrap();
        let at = b.len() * 2 / 3;
        b[at] ^= 0x10;
        std::fs::write(e, &b).unwrap();
    }
    let (got, err) = run_once(&cache, &ws, d.path(), "flipped", &[]);
    assert!(got == cold, "different output from damaged entries");
    assert_eq!(err.matches("was damaged").count(), 3, "{err}");
    assert!(err.contains("customers.csv was damaged") && err.contains("orders.csv was damaged"));
    // rebuilt: quiet again, and warm
    let (again, err) = run_once(&cache, &ws, d.path(), "again", &[]);
    assert!(!err.contains("damaged") && hits(&err) == 1, "{err}");
    assert!(again == cold);
}

#[test]
fn two_runs_filling_the_cache_at_once_both_get_the_right_answer() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let cache = d.path().join("cache");
    let (cold, _) = run_once(
        &d.path().join("other"),
        &ws,
        d.path(),
        "cold",
        &["--no-cache"],
    );
    let outs: Vec<Vec<u8>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..3)
            .map(|i| {
                let (cache, ws, dir) = (&cache, &ws, d.path());
                s.spawn(move || run_once(cache, ws, dir, &format!("racer{i}"), &[]).0)
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(outs.iter().all(|o| *o == cold));
    let (warm, err) = run_once(&cache, &ws, d.path(), "after", &[]);
    assert_eq!(hits(&err), 1, "{err}");
    assert!(warm == cold);
}

#[test]
fn strata_cache_lists_what_is_kept_and_clears_it() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let cache = d.path().join("cache");
    let (code, out, _) = in_cache(&cache, &["cache"]);
    assert_eq!(code, 0);
    assert!(out.contains("no tables kept"), "{out}");
    run_once(&cache, &ws, d.path(), "cold", &[]);
    let (_, out, _) = in_cache(&cache, &["cache", "list"]);
    assert!(
        out.contains("1 entry") || out.contains("1 entries"),
        "{out}"
    );
    // evaluated a second way: the tables are kept too
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(&ws, text.replace("rfm_bins = 5", "rfm_bins = 4")).unwrap();
    run_once(&cache, &ws, d.path(), "rebinned", &[]);
    let (_, out, _) = in_cache(&cache, &["cache", "list"]);
    assert!(
        out.contains("orders.csv") && out.contains("customers.csv"),
        "{out}"
    );
    assert!(out.contains("4 entries"), "{out}");
    assert!(
        out.contains("evaluated customers") && out.contains("table "),
        "{out}"
    );
    let (code, out, _) = in_cache(&cache, &["cache", "clear"]);
    assert_eq!(code, 0);
    assert!(out.contains("removed 4 entries"), "{out}");
    let (_, out, _) = in_cache(&cache, &["cache"]);
    assert!(out.contains("no tables kept"), "{out}");
    // a bad limit is refused by name
    let out = strata()
        .env("STRATA_CACHE_DIR", &cache)
        .env("STRATA_CACHE_LIMIT", "lots")
        .args(["run", ws.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STRATA_CACHE_LIMIT=lots"));
}
