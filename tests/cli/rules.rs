//! Workspaces: the demo, check with positions and hints, help and usage, explain.

use super::*;

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

/// `[characteristics]`: a word strata does not know and a column the data lacks are errors at
/// their line; good ones pass.
#[test]
fn check_reads_the_characteristics() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    let good = format!("{text}\n[characteristics]\nage = \"age\"\n\"email\" = \"personal data\"\n");
    std::fs::write(&ws, &good).unwrap();
    let (code, _, err) = run(&["check", &ws.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let bad = format!("{text}\n[characteristics]\nage = \"birth_yaer\"\n");
    std::fs::write(&ws, &bad).unwrap();
    let (code, _, err) = run(&["check", &ws.to_string_lossy()]);
    assert_eq!(code, 1);
    let line = bad.lines().count();
    assert!(
        err.contains("\"birth_yaer\" is not a characteristic")
            && err.contains("did you mean \"birth_year\"?")
            && err.contains(&format!("demo.strata.toml:{line}:")),
        "{err}"
    );
    std::fs::write(&ws, format!("{text}\n[characteristics]\nagee = \"age\"\n")).unwrap();
    let (code, _, err) = run(&["check", &ws.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown column \"agee\"") && err.contains("characteristics.agee"),
        "{err}"
    );
}

/// A data file given where a workspace goes says so and what to run instead (it read as TOML
/// before: `not valid TOML: key with no value`).
#[test]
fn a_data_file_given_as_a_workspace_says_what_to_run() {
    let csv = fixture("people.csv");
    for cmd in ["check", "run"] {
        let (code, _, err) = run(&[cmd, &csv]);
        assert_eq!(code, 1, "{cmd}");
        assert!(
            err.contains("this is a data file, not a workspace") && err.contains("strata open"),
            "{cmd}: {err}"
        );
    }
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

/// `--version`, shell completions for every shell the README names, and the manual pages.
#[test]
fn version_completions_and_manual_pages() {
    strata()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "strata {}",
            env!("CARGO_PKG_VERSION")
        )));
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef strata"),
        ("fish", "complete -c strata"),
    ] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(mark), "{shell}: {out}");
        assert!(out.contains("audit") && out.contains("sql"), "{shell}");
    }
    strata().args(["completions", "tcsh"]).assert().code(2);
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH strata 1"),
        "{out}"
    );
    assert!(
        out.contains("completions") && out.contains("export"),
        "{out}"
    );
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("man1");
    let (code, _, err) = run(&["man", "--out", &dir.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    for page in ["strata.1", "strata-run.1", "strata-sql.1"] {
        assert!(dir.join(page).is_file(), "{page} missing");
    }
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
    // in depth: each part of an AND chain with its own result, and the customer's place in
    // every score's distribution
    let (code, out, err) = run(&["explain", &ws, "--customer", "7"]);
    assert_eq!(code, 0, "{err}");
    let part = out
        .lines()
        .find(|l| l.trim_start().starts_with("· r_score >= 4"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        part.ends_with("true") || part.ends_with("false") || part.ends_with("NULL"),
        "{part}"
    );
    assert!(out.contains("RFM scores"), "{out}");
    let r = out
        .lines()
        .find(|l| l.trim_start().starts_with("r_score = "))
        .unwrap();
    assert!(
        r.contains(" of 5: recency_days = ") && r.contains("of buyers")
            || r.contains("NULL (no orders)"),
        "{r}"
    );
    let (code, _, err) = run(&["explain", &ws, "--customer", "nobody"]);
    assert_eq!(code, 1);
    assert!(err.contains("no customer with id"), "{err}");
}

/// A survey-only business: `demo --survey` writes answers and a workspace; check, run, report
/// and export all work without orders, valuing segments by the stated spend.
#[test]
fn survey_only_workflow_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("survey");
    let (code, out, err) = run(&[
        "demo",
        "--survey",
        "--out",
        &dir.to_string_lossy(),
        "--customers",
        "600",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("600 survey answers"), "{out}");
    let ws = dir.join("survey.strata.toml").to_string_lossy().to_string();
    let (code, out, err) = run(&["check", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("benefits") && out.contains("psychographic"),
        "{out}"
    );
    let sp = dir.join("s.json");
    let (code, _, err) = run(&["run", &ws, "--summary", &sp.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sp).unwrap()).unwrap();
    assert_eq!(s["customers"], 600);
    let spend: f64 = std::fs::read_to_string(dir.join("survey.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(
        s["value_total"].as_f64().unwrap(),
        spend,
        "value is the stated spend"
    );
    let benefit = s["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "benefit")
        .unwrap();
    let n: u64 = benefit["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 600);
    let advocacy = s["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "advocacy")
        .unwrap();
    let promoters = advocacy["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "promoters")
        .unwrap();
    assert_eq!(
        promoters["measures"]["promoters"], 1.0,
        "every promoter answered 9 or 10"
    );
    let (code, _, err) = run(&["report", &ws, "-o", &dir.join("r.md").to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&[
        "export",
        &ws,
        "--segment",
        "advocacy=promoters",
        "--columns",
        "q3_recommend",
        "-o",
        &dir.join("p.csv").to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let p = std::fs::read_to_string(dir.join("p.csv")).unwrap();
    assert!(
        p.lines()
            .skip(1)
            .all(|l| l.ends_with(",9") || l.ends_with(",10")),
        "{p}"
    );
    // a data folder that is not empty is never written into
    let (code, _, err) = run(&["demo", "--survey", "--out", &dir.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("not empty"), "{err}");
}

/// `bins = { expr = … }`: bins over an expression of the customer's fields (age from a birth
/// year), checked, run (counts as a count of the file gives them), explained and saved back.
#[test]
fn bins_over_an_expression_of_the_fields() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("m.strata.toml");
    std::fs::write(
        &ws,
        format!(
            "version = 1\n[data]\ncustomers = {{ path = \"{}\", delimiter = \"\\t\" }}\n\
             [columns]\ncustomer_id = \"ID\"\n\
             [criteria.age]\nstep = \"demographic\"\n\
             bins = {{ expr = \"2014 - Year_Birth\", edges = [35, 50, 65], labels = [\"under 35\", \"35–49\", \"50–64\", \"65+\"] }}\n",
            fixture("marketing_campaign_600.csv")
        ),
    )
    .unwrap();
    let w = ws.to_string_lossy().to_string();
    let (code, out, err) = run(&["check", &w]);
    assert_eq!(code, 0, "{out}{err}");
    let s = d.path().join("s.json");
    let (code, _, err) = run(&["run", &w, "--summary", &s.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    // the same count from the file itself
    let text = std::fs::read_to_string(fixture("marketing_campaign_600.csv")).unwrap();
    let mut want = [0usize; 4];
    for line in text.lines().skip(1) {
        let year: f64 = line.split('\t').nth(1).unwrap().parse().unwrap();
        let age = 2014.0 - year;
        want[[35.0, 50.0, 65.0].iter().filter(|e| **e <= age).count()] += 1;
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    let segs = v["criteria"][0]["segments"].as_array().unwrap();
    for (k, name) in ["under 35", "35–49", "50–64", "65+"].iter().enumerate() {
        let got = segs
            .iter()
            .find(|x| x["name"] == *name)
            .map_or(0, |x| x["customers"].as_u64().unwrap() as usize);
        assert_eq!(got, want[k], "{name}");
    }
    assert!(want.iter().all(|n| *n > 0), "{want:?}");
    // explain shows the expression's value and the field it reads
    let (code, out, err) = run(&["explain", &w, "--customer", "5524"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2014 - Year_Birth") && out.contains("57"),
        "{out}"
    );
    // a mistake in the expression is located in the file
    std::fs::write(
        &ws,
        std::fs::read_to_string(&ws)
            .unwrap()
            .replace("2014 - Year_Birth", "2014 - Year_Brith"),
    )
    .unwrap();
    let (code, out, err) = run(&["check", &w]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        (out.clone() + &err).contains("Year_Brith") && (out + &err).contains("Year_Birth"),
        "a hint to the right name"
    );
}
