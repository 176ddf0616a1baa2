//! Predictive value (BG/NBD, Gamma-Gamma): checked against lifetimes and the published CDNOW estimates.

use super::*;

/// A workspace over an order log with the model's settings and one rule on `p_alive`.
fn clv_workspace(
    dir: &Path,
    orders: &str,
    as_of: &str,
    cols: (&str, &str, &str),
    clv: &str,
) -> String {
    let text = format!(
        "version = 1\n[data]\norders = {orders:?}\nas_of = {as_of}\n\n[columns]\n\
         order_customer_id = {:?}\norder_date = {:?}\namount = {:?}\n\n\
         [purchase_history]\nclv = {{ {clv} }}\n\n\
         [criteria.alive]\nstep = \"purchase_history\"\n\
         segments = [{{ name = \"likely\", when = \"p_alive >= 0.5\" }}]\n",
        cols.0, cols.1, cols.2
    );
    write(dir, "clv.strata.toml", text.as_bytes())
}

/// A workspace over the simulated orders (`tests/fixtures/clv/orders.csv`).
fn simulated(dir: &Path, as_of: &str, clv: &str) -> String {
    clv_workspace(
        dir,
        &fixture("clv/orders.csv"),
        as_of,
        ("customer", "day", "amount"),
        clv,
    )
}

fn summary_of(ws: &str, dir: &Path, with: &str) -> (serde_json::Value, String) {
    let s = dir.join("s.json").to_string_lossy().to_string();
    let o = dir.join("m.csv").to_string_lossy().to_string();
    let (code, _, err) = run(&["run", ws, "--summary", &s, "--out", &o, "--with", with]);
    assert_eq!(code, 0, "{err}");
    let doc = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    (doc, std::fs::read_to_string(&o).unwrap())
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-12)
}

#[test]
fn models_and_fields_match_lifetimes_on_simulated_orders() {
    let d = tempfile::tempdir().unwrap();
    let ws = simulated(d.path(), "2024-12-31", "unit = \"week\", horizon = 26");
    let (doc, members) = summary_of(
        &ws,
        d.path(),
        "p_alive,expected_purchases,predicted_value,repeat_purchases",
    );
    let ph = &doc["purchase_history"];
    // lifetimes 0.11.3 on the same orders (BetaGeoFitter, GammaGammaFitter, default settings)
    let bg = &ph["bgnbd"];
    for (k, want) in [
        ("r", 0.290_848_701_866_311_2),
        ("alpha", 3.510_643_616_779_175_7),
        ("a", 0.713_987_251_801_893),
        ("b", 3.737_153_651_122_107_5),
    ] {
        let got = bg[k].as_f64().unwrap();
        assert!(close(got, want, 1e-5), "{k}: {got} vs lifetimes {want}");
    }
    assert_eq!(bg["unit"], "week");
    assert_eq!(bg["converged"], true);
    let gg = &ph["gamma_gamma"];
    for (k, want) in [
        ("p", 6.849_000_113_110_322),
        ("q", 3.275_544_384_572_367_7),
        ("gamma", 14.648_273_459_767_873),
    ] {
        let got = gg[k].as_f64().unwrap();
        assert!(close(got, want, 1e-5), "{k}: {got} vs lifetimes {want}");
    }
    assert_eq!(gg["customers"], 320);
    // per customer: conditional_probability_alive, conditional_expected_number_of_purchases_up_to_time(26)
    // and that times conditional_expected_average_profit
    let want = [
        (
            "C0001",
            0.838_250_942_556_189_3,
            0.961_539_626_209_029_6,
            39.466_924_716_016_45,
        ),
        (
            "C0002",
            0.793_096_366_278_530_4,
            1.258_493_118_475_655_1,
            36.720_325_774_261_61,
        ),
        (
            "C0003",
            0.871_984_702_332_638_1,
            1.297_241_796_654_536_4,
            23.252_197_363_315_585,
        ),
        ("C0010", 1.0, 0.151_150_057_553_535_1, 6.664_025_010_859_393),
    ];
    for (id, alive, expected, value) in want {
        let line = members
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id} missing"));
        let f: Vec<f64> = line
            .split(',')
            .skip(2)
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(close(f[0], alive, 1e-6), "{id} p_alive {} vs {alive}", f[0]);
        assert!(
            close(f[1], expected, 1e-6),
            "{id} expected {} vs {expected}",
            f[1]
        );
        assert!(close(f[2], value, 1e-6), "{id} value {} vs {value}", f[2]);
    }
}

#[test]
fn too_few_repeat_buyers_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let ws = clv_workspace(
        d.path(),
        &fixture("shop/orders.csv"),
        "2024-07-01",
        ("customer_id", "date", "price"),
        "unit = \"day\"",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bought again on a later day"), "{err}");
    assert!(err.contains("BG/NBD model needs at least 10"), "{err}");
    // placed at the rule that reads the field
    assert!(err.contains("clv.strata.toml:16:39:"), "{err}");
    assert!(err.contains("criteria.alive.segments[0].when"), "{err}");
    assert!(!err.contains("NaN"), "{err}");
    // the SQL writer and the report refuse it the same way (only the wizard goes on without)
    let report = d.path().join("r.md");
    for args in [
        vec!["sql", ws.as_str()],
        vec!["report", ws.as_str(), "--out", report.to_str().unwrap()],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("clv.strata.toml:16:39:"), "{args:?}: {err}");
        assert!(
            err.contains("bought again on a later day"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn model_settings_are_checked_with_their_place_in_the_file() {
    let d = tempfile::tempdir().unwrap();
    let ws = simulated(d.path(), "2024-12-31", "unit = \"fortnight\", horizon = -3");
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("clv.strata.toml:12:16"), "{err}");
    assert!(err.contains("\"fortnight\" is not allowed here"), "{err}");
    assert!(err.contains("horizon must be a positive number"), "{err}");
}

#[test]
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
fn cdnow_fit_matches_the_published_estimates() {
    let d = tempfile::tempdir().unwrap();
    let ws = clv_workspace(
        d.path(),
        &ds("cdnow_sample/cdnow_sample.csv"),
        "1997-09-30",
        ("customer_id", "date", "dollar_value"),
        "unit = \"week\", horizon = 39",
    );
    let (doc, members) = summary_of(
        &ws,
        d.path(),
        "repeat_purchases,first_order,last_order,tenure_days,repeat_avg_value,predicted_value",
    );
    let ph = &doc["purchase_history"];
    // Fader, Hardie & Lee (2005) and Fader & Hardie (2013), to the digits they publish
    for (model, k, want, digits) in [
        ("bgnbd", "r", 0.243, 3),
        ("bgnbd", "alpha", 4.414, 3),
        ("bgnbd", "a", 0.793, 3),
        ("bgnbd", "b", 2.426, 3),
        ("gamma_gamma", "p", 6.25, 2),
        ("gamma_gamma", "q", 3.74, 2),
        ("gamma_gamma", "gamma", 15.44, 2),
    ] {
        let got = ph[model][k].as_f64().unwrap();
        let unit = 10f64.powi(-digits);
        assert!(
            (got - want).abs() <= unit,
            "{model}.{k} = {got}, published {want}"
        );
    }
    assert_eq!(ph["bgnbd"]["customers"], 2357);
    assert_eq!(ph["gamma_gamma"]["customers"], 946);
    assert_eq!(ph["gamma_gamma"]["excluded"], 2357 - 946);
    // the derived inputs equal the published per-customer summary at its two decimals
    let published =
        std::fs::read_to_string(ds("cdnow_sample/cdnow_summary_calibration_weeks.csv")).unwrap();
    let day = |s: &str| {
        let d = chrono_day(s);
        d as f64
    };
    let mut ours = std::collections::HashMap::new();
    for l in members.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        ours.insert(
            f[0].parse::<u32>().unwrap(),
            f[2..].iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        );
    }
    let mut checked = 0;
    for l in published.lines().skip(1) {
        let f: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
        let o = &ours[&(f[0] as u32)];
        let x: f64 = o[0].parse().unwrap();
        let t_x = (day(&o[2]) - day(&o[1])) / 7.0;
        let t: f64 = o[3].parse::<f64>().unwrap() / 7.0;
        let zbar: f64 = if o[4].is_empty() {
            0.0
        } else {
            o[4].parse().unwrap()
        };
        // rounded to two decimals, ours is the published value
        let at_two = |ours: f64, published: f64| (ours - published).abs() <= 0.005 + 1e-9;
        assert_eq!(x, f[1], "customer {}: x", f[0]);
        assert!(
            at_two(t_x, f[2]),
            "customer {}: t_x {t_x} vs {}",
            f[0],
            f[2]
        );
        assert!(at_two(t, f[3]), "customer {}: T {t} vs {}", f[0], f[3]);
        assert!(
            at_two(zbar, f[4]),
            "customer {}: zbar {zbar} vs {}",
            f[0],
            f[4]
        );
        checked += 1;
    }
    assert_eq!(checked, 2357);
}

/// Days since 1970-01-01 of an ISO date.
fn chrono_day(s: &str) -> i64 {
    let p: Vec<i64> = s.split('-').map(|x| x.parse().unwrap()).collect();
    let (y, m, d) = (p[0], p[1], p[2]);
    // days from civil (Howard Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[test]
fn holdout_check_counts_what_happened_after_the_calibration_end() {
    let d = tempfile::tempdir().unwrap();
    let orders = fixture("clv/orders.csv");
    // as_of left to the data: the day after the last order (2025-06-30)
    let ws = clv_workspace(
        d.path(),
        &orders,
        "2025-07-01",
        ("customer", "day", "amount"),
        "unit = \"week\", horizon = 26, calibration_end = 2024-12-31",
    );
    let json = d.path().join("h.json");
    let (code, out, err) = run(&["clv", &ws, "--json", &json.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Holdout check: fitted on orders up to 2024-12-31"),
        "{out}"
    );
    assert!(out.contains("26 weeks ahead"), "{out}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let h = &doc["holdout"];
    // the calibration fit is the one lifetimes makes on orders up to 2024-12-31
    let r = h["fit"]["r"].as_f64().unwrap();
    assert!(close(r, 0.290_848_701_866_311_2, 1e-5), "r {r}");
    // actual repeat purchases: distinct (customer, day) after 2024-12-31 of customers who
    // bought by then, counted here from the file
    let text = std::fs::read_to_string(&orders).unwrap();
    let rows: Vec<(&str, &str)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f[1])
        })
        .collect();
    let early: std::collections::HashSet<&str> = rows
        .iter()
        .filter(|r| r.1 <= "2024-12-31")
        .map(|r| r.0)
        .collect();
    let later: std::collections::HashSet<(&str, &str)> = rows
        .iter()
        .filter(|r| r.1 > "2024-12-31" && early.contains(r.0))
        .copied()
        .collect();
    assert_eq!(h["actual_total"].as_f64().unwrap(), later.len() as f64);
    assert_eq!(h["customers"].as_u64().unwrap(), early.len() as u64);
    let per_row: u64 = h["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(per_row, early.len() as u64);
    // a fitted model predicts the period's total within a quarter of what happened
    let predicted = h["predicted_total"].as_f64().unwrap();
    assert!(
        (predicted / later.len() as f64 - 1.0).abs() < 0.25,
        "{predicted} vs {}",
        later.len()
    );
    // a calibration end after as_of leaves no holdout period
    let (code, _, err) = run(&["clv", &ws, "--calibration-end", "2025-08-01"]);
    assert_eq!(code, 1);
    assert!(err.contains("is not before as_of 2025-07-01"), "{err}");
}

/// `p_alive` in closed form and `repeat_avg_value` from the orders, per customer, in DuckDB.
#[test]
#[ignore = "needs Python with duckdb and pandas (STRATA_PYTHON)"]
fn sql_writes_p_alive_and_repeat_value_that_duckdb_computes_like_run() {
    let python = duckdb_python();
    let d = tempfile::tempdir().unwrap();
    for unit in ["week", "day", "month"] {
        let ws = simulated(d.path(), "2024-12-31", &format!("unit = \"{unit}\""));
        super::sql::check_in_duckdb(
            &python,
            &super::sql::Case {
                ws: Path::new(&ws),
                tables: vec![format!("orders={}", fixture("clv/orders.csv"))],
                valuation: false,
                with: "p_alive,repeat_avg_value,repeat_purchases",
            },
        );
    }
}

#[test]
fn sql_refuses_fields_without_a_closed_form_by_name() {
    let d = tempfile::tempdir().unwrap();
    let ws = simulated(d.path(), "2024-12-31", "unit = \"week\"");
    let (code, _, err) = run(&["sql", &ws, "--with", "predicted_value,expected_purchases"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("expected_purchases and predicted_value cannot be written in SQL"),
        "{err}"
    );
    let (code, out, err) = run(&["sql", &ws, "--dialect", "postgres"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AS \"p_alive\""), "{out}");
    // a rule reading one is named
    let with_rule = std::fs::read_to_string(&ws).unwrap()
        + "\n[criteria.future]\nstep = \"purchase_history\"\nsegments = [{ name = \"big\", when = \"predicted_value > 10\" }]\n";
    let ws2 = d.path().join("future.strata.toml");
    std::fs::write(&ws2, with_rule).unwrap();
    let (code, _, err) = run(&["sql", &ws2.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("criteria.future reads predicted_value, which cannot be written in SQL"),
        "{err}"
    );
    assert!(
        out.contains("-- p_alive: BG/NBD as strata fitted it on"),
        "{out}"
    );
    assert!(out.contains("ln("), "{out}");
}

#[test]
fn the_report_shows_the_models_and_the_holdout_chart() {
    let d = tempfile::tempdir().unwrap();
    let ws = simulated(
        d.path(),
        "2025-07-01",
        "unit = \"week\", calibration_end = 2024-12-31",
    );
    let md = d.path().join("r.md");
    let (code, _, err) = run(&["report", &ws, "--out", &md.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("## Predictive value"), "{text}");
    assert!(text.contains("| BG/NBD (weeks) | r "), "{text}");
    assert!(text.contains("### Holdout check from 2024-12-31"), "{text}");
    assert!(text.contains(" 7+ actual"), "{text}");
    // made through the cache or without it: the same bytes
    let off = d.path().join("off.md");
    let (code, _, err) = run(&["--no-cache", "report", &ws, "--out", &off.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&off).unwrap(), text);
    let html = d.path().join("r.html");
    let (code, _, err) = run(&["report", &ws, "--out", &html.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<h2>Predictive value</h2>"));
    assert!(text.contains("aria-label=\"actual and predicted repeat purchases"));
    assert!(text.contains("class=\"bar2\""));
}

/// With nothing spent there is no spend to model: `strata clv` still gives BG/NBD and says why
/// Gamma-Gamma is missing, with the counts.
#[test]
fn clv_without_spend_reports_the_purchase_model_and_why_spend_is_missing() {
    let d = tempfile::tempdir().unwrap();
    // the simulated orders, every amount 0 (free samples, say)
    let zero: String = std::fs::read_to_string(fixture("clv/orders.csv"))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| match (i, l.rsplit_once(',')) {
            (0, _) | (_, None) => format!("{l}\n"),
            (_, Some((head, _))) => format!("{head},0\n"),
        })
        .collect();
    let orders = write(d.path(), "free.csv", zero.as_bytes());
    let ws = clv_workspace(
        d.path(),
        &orders,
        "2024-12-31",
        ("customer", "day", "amount"),
        "unit = \"week\"",
    );
    let (code, out, err) = run(&["clv", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("BG/NBD, time in weeks"), "{out}");
    assert!(
        out.contains("Gamma-Gamma: not fitted: only 0 of the 320 customers who bought again"),
        "{out}"
    );
    assert!(out.contains("check the amount role"), "{out}");
}
