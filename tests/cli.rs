//! End-to-end tests of the real `strata` binary: audit, check and demo on real and broken data.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn datasets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets")
}

fn strata() -> Command {
    Command::cargo_bin("strata").unwrap()
}

/// Run and return (status code, stdout, stderr); a panic anywhere fails the test.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = strata().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic for {args:?}: {stderr}");
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn ds(rel: &str) -> String {
    datasets().join(rel).to_string_lossy().to_string()
}

#[test]
fn audit_online_retail_gzip_csv() {
    let (code, out, _) = run(&["audit", &ds("online_retail/online_retail.csv.gz")]);
    assert_eq!(code, 0);
    assert!(out.contains("541,909 rows × 8 columns"), "{out}");
    assert!(
        out.contains("135,080 of 541,909 rows have no customer id (CustomerID)"),
        "{out}"
    );
    assert!(out.contains("3,836 cancellation invoices"), "{out}");
    assert!(
        out.contains("5,268 rows repeat an earlier row exactly"),
        "{out}"
    );
    // InvoiceNo stays text because of C536379 and friends, wherever they are in the file
    assert!(
        out.lines()
            .any(|l| l.starts_with("InvoiceNo") && l.contains("text")),
        "{out}"
    );
}

#[test]
fn audit_json_is_machine_readable() {
    let (code, out, _) = run(&[
        "audit",
        "--json",
        &ds("online_retail/online_retail.parquet"),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 541_909);
    let cid = v["profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "CustomerID")
        .unwrap();
    assert_eq!(cid["nulls"], 135_080);
    assert_eq!(cid["distinct"], 4_372);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"missing_ids") && codes.contains(&"cancellations"),
        "{codes:?}"
    );
}

#[test]
fn audit_tab_separated_with_day_first_dates() {
    let (code, out, _) = run(&[
        "audit",
        "--json",
        &ds("marketing_campaign/marketing_campaign.csv"),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["delimiter"], "TAB");
    assert_eq!(v["rows"], 2240);
    let p = |n: &str| {
        v["profile"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(p("Income")["nulls"], 24);
    assert_eq!(p("Dt_Customer")["kind"], "date");
    assert_eq!(p("Dt_Customer")["min"], "2012-07-30");
}

#[test]
fn audit_semicolon_quoted_bank() {
    let (code, out, _) = run(&["audit", "--json", &ds("bank_marketing/bank.csv")]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["delimiter"], "';'");
    assert_eq!(v["rows"], 4521);
    assert_eq!(v["columns"], 17);
    assert_eq!(v["profile"][0]["name"], "age");
    assert_eq!(v["profile"][0]["kind"], "integer");
}

#[test]
fn audit_excel_and_csv_telco_agree() {
    let (code, out, _) = run(&[
        "audit",
        "--json",
        &ds("telco_churn/Telco_customer_churn.xlsx"),
    ]);
    assert_eq!(code, 0);
    let x: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(x["rows"], 7043);
    let (code, out, _) = run(&[
        "audit",
        "--json",
        &ds("telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"),
    ]);
    assert_eq!(code, 0);
    let c: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(c["rows"], 7043);
    // TotalCharges: 11 blank values are read as missing, the rest as numbers
    let tc = c["profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "TotalCharges")
        .unwrap();
    assert_eq!(tc["kind"], "number");
    assert_eq!(tc["nulls"], 11);
}

#[test]
fn audit_headers_with_spaces_and_symbols() {
    let (code, out, _) = run(&["audit", &ds("mall_customers/mall_customers.csv")]);
    assert_eq!(code, 0);
    assert!(out.contains("Annual Income (k$)"));
    assert!(
        out.lines()
            .any(|l| l.starts_with("Annual Income (k$)") && l.contains("income")),
        "{out}"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().to_string()
}

#[test]
fn broken_inputs_fail_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all("a,b\n".repeat(5000).as_bytes()).unwrap();
        let full = e.finish().unwrap();
        full[..full.len() / 2].to_vec()
    };
    let cases: Vec<(String, &str)> = vec![
        (write(d.path(), "empty.csv", b""), "empty"),
        (
            write(d.path(), "ragged.csv", b"a,b\n1,2\n1,2,3\n"),
            "line 3 has 3 fields",
        ),
        (
            write(d.path(), "bad.csv", b"name,city\nok,Riga\nbad,\xff\xfeX\n"),
            "not valid UTF-8 at byte 22 (line 3",
        ),
        (write(d.path(), "trunc.csv.gz", &gz), "gzip"),
        (
            write(
                d.path(),
                "noise.parquet",
                b"\x00\x01garbage bytes that are not parquet",
            ),
            "Parquet",
        ),
        (
            write(d.path(), "noise.xlsx", b"PK\x03\x04 not really a zip"),
            "spreadsheet",
        ),
        (write(d.path(), "dup.csv", b"a,a\n1,2\n"), "twice"),
        (write(d.path(), "x.doc", b"a,b\n"), "unknown file type"),
    ];
    for (path, expect) in cases {
        let (code, _, err) = run(&["audit", &path]);
        assert_eq!(code, 1, "{path}: {err}");
        assert!(err.starts_with("error: "), "{path}: {err}");
        assert!(err.contains(expect), "{path}: expected {expect:?} in {err}");
    }
    let (code, _, err) = run(&["audit", "/no/such/file.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the file"), "{err}");
}

#[test]
fn header_only_and_latin1_files_work() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "h.csv", b"id,age\n");
    let (code, out, _) = run(&["audit", &p]);
    assert_eq!(code, 0);
    assert!(out.contains("0 rows × 2 columns"), "{out}");
    let p = write(d.path(), "l1.csv", b"id,city\n1,K\xf8benhavn\n2,Li\xe8ge\n");
    let (code, _, err) = run(&["audit", &p]);
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = run(&["audit", "--json", "--encoding", "latin-1", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("København") && out.contains("Liège"), "{out}");
}

#[test]
fn leading_zero_ids_stay_text() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "c.csv",
        b"customer_id,age\n00001,30\n00002,40\n10,50\n",
    );
    let (_, out, _) = run(&["audit", "--json", &p]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["profile"][0]["kind"], "text");
    assert_eq!(v["profile"][0]["samples"][0], "00001");
}

#[test]
fn demo_writes_data_and_a_checkable_workspace() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("demo");
    let o = out.to_string_lossy().to_string();
    let (code, stdout, err) = run(&["demo", "--out", &o, "--customers", "500", "--seed", "3"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("500 customers"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["customers.csv", "demo.strata.toml", "orders.csv"]);
    let ws = out.join("demo.strata.toml").to_string_lossy().to_string();
    let (code, stdout, err) = run(&["check", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("benefits")
            && stdout.contains("psychographic")
            && stdout.contains("geographic"),
        "{stdout}"
    );
    // a non-empty folder is refused, nothing is overwritten
    let (code, _, err) = run(&["demo", "--out", &o]);
    assert_eq!(code, 1);
    assert!(err.contains("not empty"), "{err}");
    // the same seed gives the same bytes
    let again = d.path().join("again");
    run(&[
        "demo",
        "--out",
        &again.to_string_lossy(),
        "--customers",
        "500",
        "--seed",
        "3",
    ]);
    assert_eq!(
        std::fs::read(out.join("orders.csv")).unwrap(),
        std::fs::read(again.join("orders.csv")).unwrap()
    );
    // the demo data has names in several scripts and some returns
    let c = std::fs::read_to_string(out.join("customers.csv")).unwrap();
    assert!(
        c.chars().any(|ch| ('\u{0400}'..='\u{04FF}').contains(&ch)),
        "Cyrillic"
    );
    assert!(
        c.chars().any(|ch| ('\u{0590}'..='\u{05FF}').contains(&ch)),
        "Hebrew"
    );
    assert!(
        c.contains('ø') || c.contains('Ø') || c.contains('å'),
        "Danish"
    );
    assert!(c.contains('ə') || c.contains('Ə'), "Azerbaijani");
    assert!(
        c.contains('ā') || c.contains('ņ') || c.contains('ī'),
        "Latvian"
    );
}

fn demo_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("w");
    run(&["demo", "--out", &o.to_string_lossy(), "--customers", "50"]);
    d
}

#[test]
fn check_reports_every_problem_with_location_and_hint() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    let bad = text
        .replace("column = \"age\"", "column = \"agee\"")
        .replace("rfm_method = \"ntile\"", "rfm_method = \"ntlie\"")
        .replace(
            "[criteria.family]\nstep = \"demographic\"",
            "[criteria.family]\nstepp = \"demographic\"",
        );
    std::fs::write(&ws, &bad).unwrap();
    let (code, _, err) = run(&["check", &ws.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown key \"stepp\"") && err.contains("did you mean \"step\"?"),
        "{err}"
    );
    assert!(
        err.contains("\"ntlie\" is not allowed here") && err.contains("did you mean \"ntile\"?"),
        "{err}"
    );
    let line = bad.lines().position(|l| l.contains("rfm_method")).unwrap() + 1;
    assert!(
        err.contains(&format!("demo.strata.toml:{line}:14")),
        "{err}"
    );
    // the column error is found after the file parses
    std::fs::write(&ws, text.replace("column = \"age\"", "column = \"agee\"")).unwrap();
    let (code, _, err) = run(&["check", &ws.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown column \"agee\"") && err.contains("did you mean \"age\"?"),
        "{err}"
    );
    assert!(err.contains("criteria.age_band.bins.column"), "{err}");
}

#[test]
fn check_reports_toml_syntax_and_missing_files() {
    let d = tempfile::tempdir().unwrap();
    let ws = write(d.path(), "a.strata.toml", b"version = 1\n[data]\ncustomers = \"nope.csv\"\n[criteria.x]\nstep = \"demographic\"\nbins = { column = \"age\", edges = [40, 25] }\n");
    let (code, _, err) = run(&["check", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains("strictly increasing"), "{err}");
    let ws = write(
        d.path(),
        "b.strata.toml",
        b"version = 1\n[data]\ncustomers = \"nope.csv\"\n",
    );
    let (code, _, err) = run(&["check", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("b.strata.toml:3:13") && err.contains("nope.csv"),
        "{err}"
    );
    let ws = write(d.path(), "c.strata.toml", b"version = 1\n[data\n");
    let (code, _, err) = run(&["check", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("not valid TOML") && err.contains("c.strata.toml:2:"),
        "{err}"
    );
}

#[test]
fn help_for_every_command_and_usage_errors_exit_2() {
    for c in [
        vec!["--help"],
        vec!["audit", "--help"],
        vec!["check", "--help"],
        vec!["demo", "--help"],
    ] {
        strata()
            .args(&c)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
    strata().args(["audit"]).assert().code(2);
    strata().args(["frobnicate"]).assert().code(2);
}

#[test]
fn bare_strata_describes_the_builtin_demo() {
    let (code, out, _) = run(&[]);
    assert_eq!(code, 0);
    assert!(out.contains("3,000 customers"), "{out}");
    for step in [
        "demographic",
        "geographic",
        "psychographic",
        "purchase_history",
        "benefits",
    ] {
        assert!(out.contains(step), "{step} missing: {out}");
    }
}

/// The published expectations of R's `rfm` 0.3.0 on its own fixture (method rfm_r, 5 bins).
#[test]
fn run_matches_the_r_rfm_package_fixture() {
    let d = tempfile::tempdir().unwrap();
    let orders = ds("rfm_package_fixture/rfm_data_orders.csv");
    let segs = [
        ("Champions", "4 AND 5", "4 AND 5", "4 AND 5"),
        ("Loyal Customers", "2 AND 5", "3 AND 5", "3 AND 5"),
        ("Potential Loyalist", "3 AND 5", "1 AND 3", "1 AND 3"),
        ("New Customers", "4 AND 5", "1 AND 1", "1 AND 1"),
        ("Promising", "3 AND 4", "1 AND 1", "1 AND 1"),
        ("Need Attention", "2 AND 3", "2 AND 3", "2 AND 3"),
        ("About To Sleep", "2 AND 3", "1 AND 2", "1 AND 2"),
        ("At Risk", "1 AND 2", "2 AND 5", "2 AND 5"),
        ("Can't Lose Them", "1 AND 1", "4 AND 5", "4 AND 5"),
        ("Lost", "1 AND 2", "1 AND 2", "1 AND 2"),
    ];
    let rules: Vec<String> = segs
        .iter()
        .map(|(n, r, f, m)| format!("  {{ name = \"{n}\", when = \"r_score BETWEEN {r} AND f_score BETWEEN {f} AND m_score BETWEEN {m}\" }},"))
        .collect();
    let ws = format!(
        "version = 1\n[data]\norders = {orders:?}\nas_of = \"2006-12-31\"\n[columns]\norder_customer_id = \"customer_id\"\norder_date = \"order_date\"\namount = \"revenue\"\n\
         [purchase_history]\nrfm_bins = 5\nrfm_method = \"rfm_r\"\n[criteria.rfm]\nstep = \"purchase_history\"\notherwise = \"Others\"\nsegments = [\n{}\n]\n\
         [valuation.measures]\norders = {{ sum = \"orders\" }}\n",
        rules.join("\n")
    );
    let wp = write(d.path(), "rfm.strata.toml", ws.as_bytes());
    let sp = d.path().join("s.json");
    let (code, _, err) = run(&["run", &wp, "--summary", &sp.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sp).unwrap()).unwrap();
    assert_eq!(s["customers"], 995);
    let segs = s["criteria"][0]["segments"].as_array().unwrap();
    let total: f64 = segs
        .iter()
        .map(|x| x["measures"]["orders"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 4906.0);
    let champ = segs.iter().find(|x| x["name"] == "Champions").unwrap();
    assert_eq!(champ["customers"], 158);
    assert_eq!(champ["measures"]["orders"], 1234.0);
    assert_eq!(champ["value"], 120178.0);
    // every rule's segment is listed even when empty, in valuation order
    assert_eq!(segs.len(), 11);
    assert!(
        segs.windows(2)
            .all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64())
    );
}

#[test]
fn run_demo_end_to_end_with_every_output() {
    let d = demo_dir();
    let ws = d
        .path()
        .join("w/demo.strata.toml")
        .to_string_lossy()
        .to_string();
    let (code, out, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    for c in [
        "age_band",
        "family",
        "area",
        "market",
        "lifestyle",
        "lifecycle",
        "rfm",
        "benefit",
    ] {
        assert!(out.contains(&format!("\n{c} (")), "{c} missing from\n{out}");
    }
    let dir = d.path();
    let m = dir.join("m.csv");
    let s = dir.join("s.json");
    let (code, _, err) = run(&[
        "run",
        &ws,
        "--out",
        &m.to_string_lossy(),
        "--summary",
        &s.to_string_lossy(),
        "--with",
        "r_score,f_score,m_score,name",
        "--mask-pii",
    ]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(&m).unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "customer_id,age_band,family,area,market,lifestyle,lifecycle,rfm,benefit,r_score,f_score,m_score,name"
    );
    assert_eq!(csv.lines().count(), 51);
    assert!(
        csv.lines().skip(1).all(|l| l.ends_with(",***")),
        "names are masked"
    );
    let ids: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "rows sorted by customer id"
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    assert_eq!(v["customers"], 50);
    for c in v["criteria"].as_array().unwrap() {
        let segs = c["segments"].as_array().unwrap();
        let n: u64 = segs.iter().map(|x| x["customers"].as_u64().unwrap()).sum();
        assert_eq!(
            n, 50,
            "every customer in exactly one segment of {}",
            c["name"]
        );
        let share: f64 = segs
            .iter()
            .map(|x| x["customer_share"].as_f64().unwrap())
            .sum();
        assert!((share - 1.0).abs() < 1e-9);
        assert!(["exclusive", "resolved"].contains(&c["exclusivity"]["verdict"].as_str().unwrap()));
    }
    for ext in ["parquet", "json"] {
        let p = dir.join(format!("m.{ext}"));
        let (code, _, err) = run(&["run", &ws, "--out", &p.to_string_lossy()]);
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::metadata(&p).unwrap().len() > 100);
    }
    // an output path naming an input is refused and the input kept
    let input = d.path().join("w/customers.csv");
    let before = std::fs::read(&input).unwrap();
    let (code, _, err) = run(&["run", &ws, "--out", &input.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("refusing"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn run_strict_overlaps_exit_1_after_writing() {
    let d = demo_dir();
    let wsp = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&wsp).unwrap().replace(
        "[criteria.lifecycle]\nstep = \"purchase_history\"",
        "[criteria.lifecycle]\nstep = \"purchase_history\"\noverlap = \"strict\"",
    );
    std::fs::write(&wsp, text).unwrap();
    let s = d.path().join("s.json");
    let (code, _, err) = run(&[
        "run",
        &wsp.to_string_lossy(),
        "--summary",
        &s.to_string_lossy(),
        "--strict",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("lifecycle"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    let lc = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lifecycle")
        .unwrap();
    assert_eq!(lc["exclusivity"]["verdict"], "overlapping");
    // matched counts do not depend on rule order: TRUE matches everyone
    assert_eq!(lc["exclusivity"]["matched"]["repeat"], 50);
}

#[test]
fn run_condition_errors_point_into_the_workspace() {
    let d = demo_dir();
    let wsp = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&wsp).unwrap().replace(
        "when = \"orders >= 10\"",
        "when = \"orders >= 10 AND ordrs > 1\"",
    );
    std::fs::write(&wsp, &text).unwrap();
    let (code, _, err) = run(&["run", &wsp.to_string_lossy()]);
    assert_eq!(code, 1);
    let line = text.lines().position(|l| l.contains("ordrs")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("ordrs").unwrap() + 1;
    assert!(
        err.contains(&format!(":{line}:{col}: unknown column \"ordrs\"")),
        "{err}"
    );
    assert!(err.contains("did you mean \"orders\"?"), "{err}");
}

/// `strata run --out` gives exactly the membership DuckDB computes for the benchmark segmentation.
#[test]
fn run_equals_duckdb_on_the_benchmark_kit() {
    let python = std::env::var("STRATA_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_duckdb = std::process::Command::new(&python)
        .args(["-c", "import duckdb, pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_duckdb {
        assert!(
            std::env::var("CI").is_err(),
            "DuckDB is missing in CI: .ci/run must install it (python {python})"
        );
        eprintln!(
            "SKIPPED: DuckDB (python package) is not installed for {python}; set STRATA_PYTHON to a python that has duckdb and pandas"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    let dir = d.path().to_string_lossy().to_string();
    let ok = std::process::Command::new(&python)
        .arg(bench.join("gen.py"))
        .args([&dir, "10000", "5"])
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::copy(
        bench.join("bench.strata.toml"),
        d.path().join("bench.strata.toml"),
    )
    .unwrap();
    let duck = d.path().join("duck.csv");
    let ok = std::process::Command::new(&python)
        .arg(bench.join("peers.py"))
        .args([
            &dir,
            "duckdb",
            "--out",
            &duck.to_string_lossy(),
            "--repeat",
            "1",
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    let ours = d.path().join("ours.csv");
    let (code, _, err) = run(&[
        "run",
        &d.path().join("bench.strata.toml").to_string_lossy(),
        "--out",
        &ours.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let a = std::fs::read_to_string(&duck).unwrap();
    let b = std::fs::read_to_string(&ours).unwrap();
    assert_eq!(a.lines().count(), 10_001);
    assert!(a == b, "membership differs from DuckDB's");
}

#[test]
fn check_parses_conditions_and_resolves_their_names() {
    let d = demo_dir();
    let wsp = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&wsp)
        .unwrap()
        .replace(
            "when = \"orders = 1\"",
            "when = \"orders = 1 AND recncy_days < 30\"",
        )
        .replace(
            "orders_filter = \"amount <> 0\"",
            "orders_filter = \"amount <> 0 AND (SELECT 1) = 1\"",
        );
    std::fs::write(&wsp, &text).unwrap();
    let (code, _, err) = run(&["check", &wsp.to_string_lossy()]);
    assert_eq!(code, 1);
    let line = text
        .lines()
        .position(|l| l.contains("recncy_days"))
        .unwrap()
        + 1;
    let col = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("recncy_days")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(":{line}:{col}: unknown column \"recncy_days\"")),
        "{err}"
    );
    assert!(err.contains("did you mean \"recency_days\"?"), "{err}");
    assert!(
        err.contains("subquery is not allowed") && err.contains("data.orders_filter"),
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");
}

#[test]
fn explain_shows_every_rule_and_the_values_read() {
    let d = demo_dir();
    let ws = d
        .path()
        .join("w/demo.strata.toml")
        .to_string_lossy()
        .to_string();
    let (code, out, err) = run(&["explain", &ws, "--customer", "7", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let crit = v.as_array().unwrap();
    assert_eq!(crit.len(), 8);
    let lc = crit.iter().find(|c| c["criterion"] == "lifecycle").unwrap();
    let rules = lc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    // the segment is the first rule that is true
    let first_true = rules.iter().find(|r| r["result"] == true).unwrap();
    assert_eq!(lc["segment"], first_true["segment"]);
    assert_eq!(rules[0]["values"][0][0], "orders");
    // the membership file agrees
    let m = d.path().join("m.csv");
    run(&["run", &ws, "--out", &m.to_string_lossy()]);
    let row = std::fs::read_to_string(&m)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("7,"))
        .unwrap()
        .to_string();
    assert!(
        row.split(',').any(|x| x == lc["segment"].as_str().unwrap()),
        "{row}"
    );
    let (code, _, err) = run(&["explain", &ws, "--customer", "nobody"]);
    assert_eq!(code, 1);
    assert!(err.contains("no customer with id"), "{err}");
}

#[test]
fn json_and_ndjson_load_with_types() {
    let d = tempfile::tempdir().unwrap();
    let j = write(d.path(), "c.json", br#"[{"id": 1, "city": "Baku", "joined": "2024-01-31"}, {"id": 2, "city": null, "joined": "2023-05-01"}]"#);
    let (code, out, err) = run(&["audit", "--json", &j]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 2);
    assert_eq!(v["profile"][0]["kind"], "integer");
    assert_eq!(v["profile"][1]["nulls"], 1);
    assert_eq!(v["profile"][2]["kind"], "date");
    let n = write(
        d.path(),
        "c.ndjson",
        b"{\"id\": 1, \"x\": 1.5}\n{\"id\": 2, \"x\": 2}\n",
    );
    let (code, out, err) = run(&["audit", "--json", &n]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 2);
    assert_eq!(v["profile"][1]["kind"], "number");
    let bad = write(d.path(), "bad.json", b"[{\"id\": 1,");
    let (code, _, err) = run(&["audit", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("not readable JSON"), "{err}");
}

/// A workspace over a Latin-1, semicolon-separated customers file, orders only by customer, and a
/// joined survey; per-file options, joins and workspace audit all work together.
#[test]
fn workspace_file_options_joins_and_audit() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("c.txt"),
        b"id;city;age\n1;K\xf8benhavn;30\n2;Li\xe8ge;45\n3;Rome;\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("survey.csv"),
        "customer,answer\n2,quality\n1,price\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("o.csv"),
        "cust,day,amount\n1,2024-01-02,10.5\n1,2024-02-01,5\n2,2024-01-15,-3\n9,2024-01-01,100\n",
    )
    .unwrap();
    let ws = r#"version = 1
[data]
customers = { path = "c.txt", encoding = "latin-1", delimiter = ";" }
orders = "o.csv"
[[data.join]]
path = "survey.csv"
key = "customer"
[columns]
customer_id = "id"
order_customer_id = "cust"
order_date = "day"
amount = "amount"
[criteria.place]
step = "geographic"
map = { column = "city", groups = { nordic = ["København"], south = ["Rome", "Liège"] } }
[criteria.benefit]
step = "benefits"
map = { column = "answer", groups = { price = ["price"], product = ["quality"] } }
"#;
    let wp = write(d.path(), "w.strata.toml", ws.as_bytes());
    let (code, out, err) = run(&["check", &wp]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok:"), "{out}");
    let m = d.path().join("m.csv");
    let (code, _, err) = run(&[
        "run",
        &wp,
        "--out",
        &m.to_string_lossy(),
        "--with",
        "orders,revenue,answer",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 order rows whose customer is not in the customers table were left out"),
        "{err}"
    );
    let csv = std::fs::read_to_string(&m).unwrap();
    assert_eq!(
        csv,
        "customer_id,place,benefit,orders,revenue,answer\n1,nordic,price,2,15.5,price\n2,south,product,1,-3.0,quality\n3,south,unassigned,0,0.0,\n"
    );
    let (code, out, err) = run(&["audit", &wp]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("København")
            && out.contains("3 rows × 3 columns")
            && out.contains("4 rows × 3 columns"),
        "{out}"
    );
}

#[test]
fn customers_derived_from_orders_take_the_most_frequent_attribute() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("o.csv"),
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country\n1,b7,2011-01-01 10:00:00,2,1.5,UK\n1,b7,2011-01-01 10:00:00,1,2.0,UK\n2,b7,2011-01-03 09:00:00,1,1.0,France\nC3,a1,2011-01-02 12:00:00,-1,4.0,EIRE\n4,a1,2011-01-05 08:00:00,1,4.0,France\n5,,2011-01-05 08:00:00,1,9.0,UK\n",
    )
    .unwrap();
    let ws = "version = 1\n[data]\norders = \"o.csv\"\n[columns]\norder_customer_id = \"CustomerID\"\norder_id = \"InvoiceNo\"\norder_date = \"InvoiceDate\"\nquantity = \"Quantity\"\nunit_price = \"UnitPrice\"\n[criteria.c]\nstep = \"geographic\"\nmap = { column = \"Country\", groups = { uk = [\"UK\"], eu = [\"France\", \"EIRE\"] } }\n";
    let wp = write(d.path(), "w.strata.toml", ws.as_bytes());
    let m = d.path().join("m.csv");
    let (code, _, err) = run(&[
        "run",
        &wp,
        "--out",
        &m.to_string_lossy(),
        "--with",
        "Country,orders,revenue,recency_days,purchase_days",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 order rows without a customer id were left out"),
        "{err}"
    );
    // as_of defaults to the day after the latest order (2011-01-06); ties in Country go to the smallest value
    assert_eq!(
        std::fs::read_to_string(&m).unwrap(),
        "customer_id,c,Country,orders,revenue,recency_days,purchase_days\na1,eu,EIRE,2,0.0,1,2\nb7,uk,UK,2,6.0,3,2\n"
    );
}

/// A pseudo-terminal running the real binary: output parsed into a screen by a VT100 emulator.
struct Pty {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
    writer: Box<dyn std::io::Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn spawn(args: &[&str], cols: u16, rows: u16) -> Pty {
        Self::spawn_env(args, cols, rows, &[])
    }

    fn spawn_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("strata"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _keep = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            rx,
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
            ),
            raw: Vec::new(),
            writer,
            child,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Wait (up to 20 s) until the screen shows `text`.
    fn wait_for(&mut self, text: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.screen().contains(text) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => {
                    self.parser.process(&chunk);
                    self.raw.extend_from_slice(&chunk);
                }
                Err(_) => panic!("screen never showed {text:?}; it shows:\n{}", self.screen()),
            }
        }
    }

    fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the process to end and read what is left of its output.
    fn finish(mut self) -> (u32, Vec<u8>) {
        let status = self.child.wait().unwrap();
        while let Ok(chunk) = self.rx.recv_timeout(std::time::Duration::from_secs(5)) {
            self.raw.extend_from_slice(&chunk);
        }
        (status.exit_code(), self.raw)
    }
}

#[test]
fn tui_runs_in_a_pseudo_terminal_and_restores_it() {
    let mut t = Pty::spawn(&[], 100, 30);
    t.wait_for("customers by value");
    t.wait_for("1 List");
    t.keys("3");
    t.wait_for("age_band");
    t.wait_for("segments");
    t.keys("+");
    // the live table shows the change since the edit
    t.wait_for("+");
    t.keys("?");
    t.wait_for("help");
    t.keys("\x1b");
    t.keys("9");
    t.wait_for("worth it");
    t.keys("q");
    let (code, raw) = t.finish();
    assert_eq!(code, 0);
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
    assert!(
        tail.contains("\x1b[?1049l"),
        "the alternate screen was left: {tail:?}"
    );
}

#[test]
fn tui_opens_a_workspace_and_saves_nudged_cut_points() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let before = std::fs::read_to_string(&ws).unwrap();
    let mut t = Pty::spawn(&["open", &ws.to_string_lossy()], 120, 36);
    t.wait_for("customers by value");
    t.keys("3");
    t.wait_for("age_band");
    t.keys("+");
    t.wait_for(" 26 ");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let after = std::fs::read_to_string(&ws).unwrap();
    assert!(after.contains("edges = [26, 40, 60]"), "{after}");
    // everything else, comments included, is as it was
    assert_eq!(
        after.replace("edges = [26, 40, 60]", "edges = [25, 40, 60]"),
        before
    );
}

#[test]
fn tui_restores_the_terminal_on_sigterm_and_sighup() {
    for sig in ["-TERM", "-HUP"] {
        let mut t = Pty::spawn(&[], 100, 30);
        t.wait_for("customers by value");
        let pid = t.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let (code, raw) = t.finish();
        assert_eq!(code, 0, "{sig}");
        let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
        assert!(
            tail.contains("\x1b[?1049l"),
            "{sig}: the alternate screen was left: {tail:?}"
        );
    }
}

#[test]
fn tui_reads_the_users_keymap() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("strata")).unwrap();
    std::fs::write(
        d.path().join("strata/keymap.toml"),
        "[keys]\nquit = \"Q\"\n",
    )
    .unwrap();
    let cfg = d.path().to_string_lossy().to_string();
    let mut t = Pty::spawn_env(&[], 100, 30, &[("XDG_CONFIG_HOME", &cfg)]);
    t.wait_for("customers by value");
    // the footer shows the user's key, and q no longer quits
    t.wait_for("Q quit");
    t.keys("q3");
    t.wait_for("age_band");
    t.keys("Q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

#[test]
fn open_without_a_terminal_fails_cleanly_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let data = write(d.path(), "people.csv", b"id,age\n1,30\n2,40\n");
    let (code, _, err) = run(&["open", &data]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: strata open needs a terminal"),
        "{err}"
    );
    assert!(!d.path().join("people.strata.toml").exists());
}

#[test]
fn open_on_a_data_file_writes_a_starter_workspace_from_suggestions() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        datasets().join("mall_customers/mall_customers.csv"),
        d.path().join("mall.csv"),
    )
    .unwrap();
    let data = d.path().join("mall.csv").to_string_lossy().to_string();
    let mut t = Pty::spawn(&["open", &data], 100, 30);
    t.wait_for("customers by value");
    t.wait_for("200 customers");
    t.keys("2");
    t.wait_for("Annual Income (k$)");
    t.keys("q");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
    let ws = std::fs::read_to_string(d.path().join("mall.strata.toml")).unwrap();
    assert!(
        ws.contains("customers = \"mall.csv\"") && ws.contains("customer_id = \"CustomerID\""),
        "{ws}"
    );
    let (code, _, err) = run(&[
        "check",
        &d.path().join("mall.strata.toml").to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
}
