//! `strata run`: the R rfm fixture, every output, strict overlaps, condition errors, DuckDB parity.

use super::*;

/// The published expectations of R's `rfm` 0.3.0 on its own fixture (method rfm_r, 5 bins).
#[test]
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
    // the workspace's [valuation.measures] are columns of the text too, and the rest of a
    // criterion (no rule matched) is not rated worth a campaign
    let head = out.lines().find(|l| l.contains("per customer")).unwrap();
    assert!(
        head.contains("avg_age") && head.contains("deal_share"),
        "{head}"
    );
    let rest: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("unassigned"))
        .collect();
    assert!(!rest.is_empty(), "{out}");
    assert!(rest.iter().all(|l| l.contains("no: the rest")), "{out}");
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
    // `--summary -`: the same summary onto standard output, and no file named "-"
    let out = strata()
        .current_dir(dir)
        .args([
            "run",
            &ws,
            "--summary",
            "-",
            "--with",
            "r_score,f_score,m_score,name",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let piped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(piped, v);
    assert!(!dir.join("-").exists());
    // a crosstab would follow the summary on standard output: refused, naming the way out
    let (code, _, err) = run(&["run", &ws, "--summary", "-", "--crosstab", "a,b"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--summary s.json"), "{err}");
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

/// A hand-checked order log: a cancellation counts negatively, a return-only customer has a
/// negative revenue, a free sample is an order of no value, a customer without orders has 0, and
/// an order of an unknown customer is left out with a warning that counts it.
#[test]
fn run_counts_returns_and_cancellations_in_a_small_order_log() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m.csv");
    let (code, _, err) = run(&[
        "run",
        &fixture("shop/shop.strata.toml"),
        "--out",
        &m.to_string_lossy(),
        "--with",
        "orders,revenue,purchase_days",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 order row") || err.contains("1 order"),
        "{err}"
    );
    let text = std::fs::read_to_string(&m).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "customer_id,buyers,orders,revenue,purchase_days");
    assert_eq!(
        &rows[1..],
        [
            "1,buyer,3,25.5,3",
            "2,buyer,3,56.5,2",
            "3,net returner,1,-40.0,1",
            "4,none,0,0.0,0"
        ],
        "{text}"
    );
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
#[ignore = "needs the bench kit (STRATA_BENCH) and Python with duckdb (STRATA_PYTHON)"]
fn run_equals_duckdb_on_the_benchmark_kit() {
    let python = duckdb_python();
    let d = tempfile::tempdir().unwrap();
    let bench = bench_kit();
    let dir = d.path().to_string_lossy().to_string();
    kit_10k(&python, &bench, d.path());
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

/// `strata export`: one segment's customers equal that segment in `run --out`; every segment
/// into a folder; personal data only when named; inputs never overwritten.
#[test]
fn export_writes_segments_for_other_tools() {
    let d = demo_dir();
    let w = d.path().join("w");
    let ws = w.join("demo.strata.toml").to_string_lossy().to_string();
    let m = w.join("m.csv");
    let (code, _, err) = run(&["run", &ws, "--out", &m.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let membership = std::fs::read_to_string(&m).unwrap();
    let header: Vec<&str> = membership.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "lifecycle").unwrap();
    let want: Vec<String> = membership
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(col) == Some("repeat"))
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert!(!want.is_empty());
    let out = w.join("repeat.csv");
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle=repeat",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{} customers", want.len())), "{err}");
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        got.lines().next(),
        Some("customer_id"),
        "no other column unless asked"
    );
    let ids: Vec<String> = got.lines().skip(1).map(String::from).collect();
    assert_eq!(ids, want);
    // named columns, personal data included only because it is named (and said so)
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle=repeat",
        "--columns",
        "email,revenue",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("email is personal data"), "{err}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("customer_id,email,revenue\n")
    );
    // every segment, one file each
    let dir = w.join("all");
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle",
        "-o",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rows = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        assert!(
            f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("lifecycle--")
        );
        rows += std::fs::read_to_string(&f).unwrap().lines().count() - 1;
    }
    assert_eq!(rows, membership.lines().count() - 1, "every customer once");
    // mistakes
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle=repet",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean \"repeat\""), "{err}");
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle=repeat",
        "--columns",
        "emial",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean \"email\""), "{err}");
    let input = w.join("customers.csv");
    let before = std::fs::read(&input).unwrap();
    let (code, _, _) = run(&[
        "export",
        &ws,
        "--segment",
        "lifecycle=repeat",
        "-o",
        &input.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// `strata report`: Markdown and HTML with every section, the summary's numbers, charts, and
/// hostile labels shown as text.
#[test]
fn report_in_markdown_and_html() {
    let d = demo_dir();
    let w = d.path().join("w");
    let wsp = w.join("demo.strata.toml");
    let text = std::fs::read_to_string(&wsp).unwrap();
    // a hostile segment name must stay text in both formats
    std::fs::write(
        &wsp,
        text.replace(
            "{ name = \"repeat\", when = \"TRUE\" }",
            "{ name = \"<script>alert(1)</script> | `x` *y*\", when = \"TRUE\" }",
        ),
    )
    .unwrap();
    let ws = wsp.to_string_lossy().to_string();
    let sp = w.join("s.json");
    let (code, _, err) = run(&["run", &ws, "--summary", &sp.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sp).unwrap()).unwrap();
    let md = w.join("r.md");
    let (code, _, err) = run(&["report", &ws, "-o", &md.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(&md).unwrap();
    let html_path = w.join("r.html");
    let (code, _, err) = run(&["report", &ws, "-o", &html_path.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&html_path).unwrap();
    for c in s["criteria"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        assert!(
            md.contains(&format!("## {}", name.replace('_', "\\_"))),
            "{name}"
        );
        assert!(html.contains(&format!("<h2>{name} ")), "{name}");
        for seg in c["segments"].as_array().unwrap() {
            let customers = seg["customers"].as_u64().unwrap();
            let value = seg["value"].as_f64().unwrap();
            let cells = format!("{} | ", strata_thousands(customers));
            assert!(md.contains(&cells), "{name}: {cells}");
            assert!(md.contains(&strata_amount(value)), "{name}: value {value}");
            assert!(
                html.contains(&strata_amount(value)),
                "{name}: value {value}"
            );
        }
    }
    for section in [
        "## Data",
        "## Value concentration",
        "### Rules",
        "### Exclusivity",
        "### Valuation",
        "### Distribution of age",
    ] {
        assert!(md.contains(section), "{section}");
    }
    assert!(md.contains("← top 20 %"));
    assert!(html.contains("<svg") && html.contains("class=\"cut\"") && html.contains("top 20 %"));
    // hostile text is text
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        md.contains("\\<script\\>alert(1)\\</script\\> \\| \\`x\\` \\*y\\*"),
        "markdown escapes"
    );
    // self-contained: nothing is fetched from anywhere
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
    // the page is well formed (every element closed)
    let check = "import sys, html.parser\nvoid = {'meta','br','hr','img','input','link','rect','line','circle','polyline'}\nclass P(html.parser.HTMLParser):\n    def __init__(s):\n        super().__init__(); s.stack = []\n    def handle_starttag(s, t, a):\n        if t not in void: s.stack.append(t)\n    def handle_startendtag(s, t, a): pass\n    def handle_endtag(s, t):\n        if t in void: return\n        assert s.stack and s.stack[-1] == t, (t, s.stack[-3:])\n        s.stack.pop()\np = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); assert not p.stack, p.stack\nprint('ok')\n";
    let out = std::process::Command::new("python3")
        .args(["-c", check, &html_path.to_string_lossy()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, _, err) = run(&["report", &ws, "-o", &w.join("r.pdf").to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains(".md") && err.contains(".html"), "{err}");
}

fn strata_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn strata_amount(v: f64) -> String {
    let cents = (v.abs() * 100.0).round() as u64;
    format!(
        "{}{}.{:02}",
        if v < 0.0 { "-" } else { "" },
        strata_thousands(cents / 100),
        cents % 100
    )
}

/// `strata compare` on an order log where every move is known.
#[test]
fn compare_shows_moves_between_two_dates() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    write(dir, "c.csv", b"id\n1\n2\n3\n");
    write(
        dir,
        "o.csv",
        b"cust,day,amount\n1,2024-01-10,10\n1,2024-03-01,20\n1,2024-05-01,30\n2,2023-01-01,5\n3,2024-03-01,7\n4,2024-05-01,9\n",
    );
    let rules = "[columns]\ncustomer_id = \"id\"\norder_customer_id = \"cust\"\norder_date = \"day\"\namount = \"amount\"\n[criteria.life]\nstep = \"purchase_history\"\nsegments = [\n  { name = \"prospect\", when = \"orders = 0\" },\n  { name = \"lapsed\", when = \"recency_days > 365\" },\n  { name = \"one-time\", when = \"orders = 1\" },\n  { name = \"repeat\", when = \"TRUE\" },\n]\n";
    let ws = write(
        dir,
        "w.strata.toml",
        format!("version = 1\n[data]\ncustomers = \"c.csv\"\norders = \"o.csv\"\n{rules}")
            .as_bytes(),
    );
    let json = dir.join("t.json");
    let (code, out, err) = run(&[
        "compare",
        &ws,
        "--as-of",
        "2024-02-01",
        "--as-of",
        "2024-06-01",
        "--json",
        &json.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("life — 2 of 3 customers (66.7 %) changed segment"),
        "{out}"
    );
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let t = &t[0];
    let cell = |from: &str, to: &str| -> (u64, f64) {
        let r = t["from"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x == from)
            .unwrap();
        let c = t["to"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x == to)
            .unwrap();
        (
            t["customers"][r][c].as_u64().unwrap(),
            t["value"][r][c].as_f64().unwrap(),
        )
    };
    assert_eq!(cell("one-time", "repeat"), (1, 60.0));
    assert_eq!(cell("lapsed", "lapsed"), (1, 5.0));
    assert_eq!(cell("prospect", "one-time"), (1, 7.0));
    // customers known only from their orders: the one who first bought after the first date
    let ws2 = write(
        dir,
        "w2.strata.toml",
        format!(
            "version = 1\n[data]\norders = \"o.csv\"\n{}",
            rules.replace("customer_id = \"id\"\n", "")
        )
        .as_bytes(),
    );
    let (code, out, err) = run(&[
        "compare",
        &ws2,
        "--as-of",
        "2024-02-01",
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(not a customer yet)"), "{out}");
    assert!(out.contains("life — 3 of 4 customers"), "{out}");
    // mistakes
    let (code, _, err) = run(&[
        "compare",
        &ws,
        "--as-of",
        "2024-06-01",
        "--as-of",
        "2024-02-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("must come before"), "{err}");
    let (code, _, err) = run(&[
        "compare",
        &ws,
        "--as-of",
        "2024-13-01",
        "--as-of",
        "2024-02-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("write a date like"), "{err}");
}

#[test]
fn output_piped_into_a_reader_that_stops_early_ends_quietly() {
    // `strata compare … | head -2`: the reader goes away; no panic, no backtrace
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .env("STRATA_CACHE_DIR", super::TEST_CACHE)
        .args(["run", ws.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}
