//! Messy files (tests/fixtures/messy): every bad value, bad row and duplicate id named with its
//! file, line, column and value; never a silently wrong number.

use std::path::Path;

use super::{fixture, run, write};

/// A workspace over the messy order log `orders` (its entry's extra options in `orders_opts`),
/// the customers file `customers` when given, and `extra` TOML at the end.
fn workspace(
    dir: &Path,
    orders: &str,
    orders_opts: &str,
    customers: Option<&str>,
    extra: &str,
) -> String {
    let customers = customers
        .map(|c| format!("customers = \"{}\"\n", fixture(&format!("messy/{c}"))))
        .unwrap_or_default();
    let text = format!(
        "version = 1\n\n[data]\n{customers}orders = {{ path = \"{}\"{orders_opts} }}\nas_of = \"2024-07-01\"\n\n\
         [columns]\ncustomer_id = \"customer_id\"\norder_id = \"invoice\"\norder_date = \"date\"\n\
         quantity = \"qty\"\nunit_price = \"price\"\nproduct = \"product\"\n\n\
         [criteria.buyers]\nstep = \"purchase_history\"\nsegments = [\n\
         {{ name = \"big\", when = \"revenue >= 40\" }},\n{{ name = \"small\", when = \"TRUE\" }},\n]\n{extra}",
        fixture(&format!("messy/{orders}"))
    );
    write(dir, "w.strata.toml", text.as_bytes())
}

/// Bins on the customers' income, for the customers files.
const INCOME: &str = "\n[criteria.income]\nstep = \"demographic\"\nbins = { column = \"income\", edges = [40000, 60000] }\n";

/// Every command that computes, on workspace `ws` (outputs into `dir`).
fn computing(dir: &Path, ws: &str) -> Vec<Vec<String>> {
    let out = |n: &str| dir.join(n).to_string_lossy().to_string();
    [
        vec!["run", ws],
        vec!["sql", ws],
        vec!["report", ws, "-o", &out("r.md")],
        vec!["export", ws, "--segment", "buyers=big", "-o", &out("e.csv")],
        vec![
            "compare",
            ws,
            "--as-of",
            "2024-04-01",
            "--as-of",
            "2024-07-01",
        ],
        vec!["clv", ws],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect()
}

fn run_s(args: &[String]) -> (i32, String, String) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&a)
}

fn summary(dir: &Path, ws: &str) -> serde_json::Value {
    let p = dir.join("s.json").to_string_lossy().to_string();
    let (code, _, err) = run(&["run", ws, "--summary", &p]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[test]
fn one_word_in_a_quantity_stops_every_computing_command_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(d.path(), "orders_word.csv", "", None, "");
    for args in computing(d.path(), &ws) {
        let (code, _, err) = run_s(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        // the file, its line (a quoted newline before it), the column, the value, the way on
        assert!(
            err.contains("orders_word.csv: 1 bad value in column qty"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("line 8, qty: \"twelve\" is not a number"),
            "{args:?}: {err}"
        );
        assert!(err.contains("bad_values = \"missing\""), "{args:?}: {err}");
    }
    // check says what it did not read; check --data reads it and stops as run does
    let (code, out, _) = run(&["check", &ws]);
    assert_eq!(code, 0);
    assert!(out.contains("the data was not read"), "{out}");
    let (code, _, err) = run(&["check", "--data", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 8, qty: \"twelve\" is not a number"),
        "{err}"
    );
    // the audit names it with its line and the option
    let (code, out, err) = run(&["audit", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("column qty: 1 of its 14 values is not a number: line 8 \"twelve\""),
        "{out}"
    );
    assert!(out.contains("bad_values = \"missing\""), "{out}");
}

#[test]
fn bad_values_read_as_missing_give_the_totals_of_the_file_with_them_blanked() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_word.csv",
        ", bad_values = \"missing\"",
        None,
        "",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: orders_word.csv: 1 bad value in column qty, read as numbers (the quantity role); read as missing"),
        "{err}"
    );
    assert!(err.contains("line 8, qty: \"twelve\""), "{err}");
    let got = summary(d.path(), &ws);
    let q = &got["data_quality"][0];
    assert_eq!(q["bad_values"]["policy"], "missing");
    assert_eq!(q["bad_values"]["count"], 1);
    assert_eq!(q["bad_values"]["columns"][0]["column"], "qty");
    assert_eq!(q["bad_values"]["columns"][0]["first"][0]["line"], 8);
    assert_eq!(q["bad_values"]["columns"][0]["first"][0]["value"], "twelve");
    // the same file with that cell blank
    let text = std::fs::read_to_string(fixture("messy/orders_word.csv"))
        .unwrap()
        .replace(",twelve,", ",,");
    let blank = d.path().join("blank");
    std::fs::create_dir(&blank).unwrap();
    write(&blank, "orders.csv", text.as_bytes());
    let ws2 = std::fs::read_to_string(&ws).unwrap().replace(
        &fixture("messy/orders_word.csv"),
        &blank.join("orders.csv").to_string_lossy(),
    );
    let ws2 = write(&blank, "w.strata.toml", ws2.as_bytes());
    let want = summary(&blank, &ws2);
    assert_eq!(got["value_total"], want["value_total"]);
    assert_eq!(got["criteria"], want["criteria"]);
}

#[test]
fn many_bad_values_name_the_first_five_in_file_order_and_count_all() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(d.path(), "orders_many_words.csv", "", None, "");
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("7 bad values in columns read as numbers or dates (qty 4, price 3)"),
        "{err}"
    );
    let named: Vec<&str> = err.lines().filter(|l| l.starts_with("  line ")).collect();
    assert_eq!(
        named,
        [
            "  line 3, qty: \"two\" is not a number",
            "  line 6, price: \"10,00\" is not a number",
            "  line 8, qty: \"twelve\" is not a number",
            "  line 9, price: \"free\" is not a number",
            "  line 10, qty: \"1 pc\" is not a number",
        ],
        "{err}"
    );
    assert!(err.contains("  … and 2 more"), "{err}");
}

#[test]
fn rows_of_another_width_stop_a_run_and_the_audit_names_them() {
    let d = tempfile::tempdir().unwrap();
    for (file, line, fields) in [
        ("orders_short_row.csv", 9, 3),
        ("orders_long_row.csv", 12, 9),
    ] {
        let ws = workspace(d.path(), file, "", None, "");
        let told = format!("line {line} has {fields} fields but the header has 7");
        let (code, _, err) = run(&["run", &ws]);
        assert_eq!(code, 1, "{file}");
        assert!(err.contains(&told), "{file}: {err}");
        assert!(err.contains("bad_rows = \"skip\""), "{file}: {err}");
        let (code, _, err) = run(&["check", "--data", &ws]);
        assert_eq!(code, 1);
        assert!(err.contains(&told), "{file}: {err}");
        let (code, out, _) = run(&["audit", &ws]);
        assert_eq!(code, 0);
        assert!(
            out.contains(&format!("line {line} ({fields} fields)")),
            "{file}: {out}"
        );
        assert!(out.contains("bad_rows = \"skip\""), "{out}");
        // left out, counted and named
        let ws = workspace(d.path(), file, ", bad_rows = \"skip\"", None, "");
        let (code, _, err) = run(&["run", &ws]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("1 row with the wrong number of fields left out"),
            "{err}"
        );
        assert!(err.contains(&told), "{err}");
        let s = summary(d.path(), &ws);
        assert_eq!(s["data_quality"][0]["bad_rows"]["first"][0]["line"], line);
        assert_eq!(
            s["data_quality"][0]["bad_rows"]["first"][0]["fields"],
            fields
        );
    }
}

#[test]
fn a_duplicate_customer_id_is_named_with_its_lines_by_run_check_and_audit() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_clean.csv",
        "",
        Some("customers_dup.csv"),
        "",
    );
    let told = "1 customer id appears more than once (1 extra row): 2 on lines 3, 6";
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains(told), "{err}");
    let (code, _, err) = run(&["check", "--data", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains(told), "{err}");
    let (code, out, _) = run(&["audit", &ws]);
    assert_eq!(code, 0);
    assert!(out.contains(told), "{out}");
    // on its own too: a few repeated ids do not make a customer list an order log
    let (code, out, _) = run(&["audit", &fixture("messy/customers_dup.csv")]);
    assert_eq!(code, 0);
    assert!(out.contains(told), "{out}");
    assert!(out.contains("one row per customer"), "{out}");
}

#[test]
fn a_word_in_a_binned_column_is_named_and_can_be_read_as_missing() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_clean.csv",
        "",
        Some("customers_income_word.csv"),
        INCOME,
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "1 bad value in column income, read as numbers (the bins of criterion income)"
        ),
        "{err}"
    );
    assert!(
        err.contains("line 4, income: \"unknown\" is not a number"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "customers = {{ path = \"{}\", bad_values = \"missing\" }}",
            fixture("messy/customers_income_word.csv")
        )),
        "{err}"
    );
}

#[test]
fn a_word_in_the_order_date_is_a_bad_date() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(d.path(), "orders_bad_date.csv", "", None, "");
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 11, date: \"someday\" is not a date"),
        "{err}"
    );
}

#[test]
fn markers_of_a_missing_value_are_missing_and_a_files_own_are_listed() {
    let d = tempfile::tempdir().unwrap();
    // NA and - are missing by default; ? is a bad value until the file lists it
    let ws = workspace(d.path(), "orders_markers.csv", "", None, "");
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains("1 bad value in column qty"), "{err}");
    assert!(err.contains("line 12, qty: \"?\" is not a number"), "{err}");
    let ws = workspace(
        d.path(),
        "orders_markers.csv",
        ", missing = [\"?\"]",
        None,
        "",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("bad value"), "{err}");
}

#[test]
fn every_format_names_its_bad_values_where_they_are() {
    let d = tempfile::tempdir().unwrap();
    for (file, place) in [
        ("orders_word.tsv.gz", "line 8, qty: \"twelve\""),
        ("orders_word.xlsx", "row 7, qty: \"twelve\""),
        ("orders_word.json", "record 6, qty: \"twelve\""),
        ("orders_word.ndjson", "line 6, qty: \"twelve\""),
        ("orders_word.parquet", "row 6, qty: \"twelve\""),
    ] {
        let ws = workspace(d.path(), file, "", None, "");
        let (code, _, err) = run(&["run", &ws]);
        assert_eq!(code, 1, "{file}: {err}");
        assert!(err.contains(place), "{file}: expected {place:?} in {err}");
    }
    // a spreadsheet's error cell is a bad value, not a silent blank
    let ws = workspace(d.path(), "orders_word.xlsx", "", None, "");
    let (_, _, err) = run(&["run", &ws]);
    assert!(
        err.contains("row 11, price: \"#DIV/0!\" is not a number"),
        "{err}"
    );
}

#[test]
fn per_file_options_under_data_are_refused_with_where_they_go() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(d.path(), "orders_word.csv", "", None, "");
    let text = std::fs::read_to_string(&ws)
        .unwrap()
        .replace("as_of =", "bad_values = \"missing\"\nas_of =");
    let ws = write(d.path(), "w2.strata.toml", text.as_bytes());
    let (code, _, err) = run(&["check", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains("`bad_values` is set per file"), "{err}");
    assert!(err.contains("bad_values = \"missing\" }"), "{err}");
}

#[test]
fn the_typed_reader_and_the_general_path_agree_on_messy_text() {
    use strata::engine::data::options::BadRows;
    use strata::engine::data::{ReadOptions, load_delimited_bytes, load_delimited_bytes_general};
    let opts = ReadOptions {
        bad_rows: BadRows::Skip,
        ..Default::default()
    };
    for f in [
        "orders_clean.csv",
        "orders_word.csv",
        "orders_many_words.csv",
        "orders_markers.csv",
        "orders_short_row.csv",
        "orders_long_row.csv",
        "orders_bad_date.csv",
        "orders_word.tsv.gz",
        "customers_dup.csv",
    ] {
        let bytes = std::fs::read(fixture(&format!("messy/{f}"))).unwrap();
        let p = Path::new(f);
        let typed = load_delimited_bytes(p, bytes.clone(), &opts).unwrap();
        let general = load_delimited_bytes_general(p, bytes, &opts).unwrap();
        assert!(typed.df.equals_missing(&general.df), "{f}");
        assert_eq!(typed.kinds, general.kinds, "{f}");
        assert_eq!(typed.bad_rows, general.bad_rows, "{f}");
    }
}

/// A customers-only workspace over `csv` written into `dir`, with `rules` as its criteria.
fn customers_ws(dir: &Path, csv: &str, opts: &str, rules: &str) -> String {
    write(dir, "c.csv", csv.as_bytes());
    let ws = format!(
        "version = 1\n[data]\ncustomers = {{ path = \"c.csv\"{opts} }}\n[columns]\ncustomer_id = \"cid\"\n{rules}"
    );
    write(dir, "c.strata.toml", ws.as_bytes())
}

#[test]
fn a_quote_inside_a_field_is_named_never_read_into_fewer_rows() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(d.path(), "orders_clean.csv", "", None, "");
    let text = std::fs::read_to_string(fixture("messy/orders_clean.csv"))
        .unwrap()
        .replace("D1,4,2024-04-01,mug,,4", "D1,4,2024-04-01,mug,32\" TV,4");
    write(d.path(), "q.csv", text.as_bytes());
    let ws = std::fs::read_to_string(&ws)
        .unwrap()
        .replace(&fixture("messy/orders_clean.csv"), "q.csv");
    let ws = write(d.path(), "q.strata.toml", ws.as_bytes());
    for cmd in ["run", "audit"] {
        let (code, _, err) = run(&[cmd, &ws]);
        assert_eq!(code, 1, "{cmd}");
        assert!(
            err.contains("line 11 has a quote inside a field that does not start with one"),
            "{cmd}: {err}"
        );
    }
    // a quote opened and never closed
    write(d.path(), "q.csv", b"invoice,customer_id,date,product,note,qty,price\nA1,1,2024-01-05,mug,\"open,2,10\nA2,1,2024-01-06,mug,x,1,10\n");
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 2 opens a quoted field that is never closed"),
        "{err}"
    );
}

#[test]
fn two_columns_ordered_against_each_other_are_read_as_numbers() {
    let d = tempfile::tempdir().unwrap();
    let rules = "[criteria.r]\nstep = \"demographic\"\nsegments = [ { name = \"rich\", when = \"income > spend\" }, { name = \"other\", when = \"TRUE\" } ]\n";
    let ws = customers_ws(
        d.path(),
        "cid,income,spend\n1,52000,100\n2,9,10\n3,x,50\n4,100,y\n",
        "",
        rules,
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 4, income: \"x\" is not a number"),
        "{err}"
    );
    assert!(
        err.contains("line 5, spend: \"y\" is not a number"),
        "{err}"
    );
    let ws = customers_ws(
        d.path(),
        "cid,income,spend\n1,52000,100\n2,9,10\n3,x,50\n4,100,y\n",
        ", bad_values = \"missing\"",
        rules,
    );
    let p = d.path().join("m.csv").to_string_lossy().to_string();
    let (code, _, err) = run(&["run", &ws, "--out", &p]);
    assert_eq!(code, 0, "{err}");
    // 9 < 10 as numbers (never "9" > "10" as text); a missing side is no match
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "customer_id,r\n1,rich\n2,other\n3,other\n4,other\n"
    );
}

#[test]
fn the_audit_says_what_the_workspaces_options_do() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_word.csv",
        ", bad_values = \"missing\", decimal_comma = false",
        Some("customers_dup.csv"),
        "",
    );
    let text = std::fs::read_to_string(&ws)
        .unwrap()
        .replace("as_of =", "duplicate_ids = \"first\"\nas_of =");
    let ws = write(d.path(), "w.strata.toml", text.as_bytes());
    let (code, out, err) = run(&["audit", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("a run reads it as missing (bad_values = \"missing\")"),
        "{out}"
    );
    assert!(
        out.contains("a run keeps the first row of each (duplicate_ids = \"first\")"),
        "{out}"
    );
    assert!(!out.contains("a run stops"), "{out}");
    // and the run says what it kept
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("customers_dup.csv: 1 customer id appears more than once (1 extra row): 2 on lines 3, 6; the first row of each is kept"),
        "{err}"
    );
}

#[test]
fn check_data_also_finds_what_stops_the_rules_over_the_data() {
    let d = tempfile::tempdir().unwrap();
    // a column of words that a rule reads as numbers: the rule's type error, not bad values
    let rules = "[criteria.s]\nstep = \"psychographic\"\nsegments = [ { name = \"hi\", when = \"score >= 6\" }, { name = \"lo\", when = \"TRUE\" } ]\n";
    let ws = customers_ws(
        d.path(),
        "cid,score\n1,high\n2,low\n3,5\n4,mid\n",
        ", bad_values = \"missing\"",
        rules,
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    let (code, _, err2) = run(&["check", "--data", &ws]);
    assert_eq!(code, 1, "{err2}");
    let first = err.lines().next().unwrap().trim_start_matches("error: ");
    assert!(err2.contains(first), "run: {err}\ncheck --data: {err2}");
    let (_, out, _) = run(&["audit", &ws]);
    assert!(
        out.contains("the column is text, but segment hi of criterion s reads it as numbers"),
        "{out}"
    );
}

#[test]
fn a_hint_keeps_the_files_other_options() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_word.csv",
        ", date_format = \"%Y-%m-%d\"",
        None,
        "",
    );
    let (_, _, err) = run(&["run", &ws]);
    assert!(
        err.contains(&format!(
            "orders = {{ path = \"{}\", …, bad_values = \"missing\" }}",
            fixture("messy/orders_word.csv")
        )),
        "{err}"
    );
}

#[test]
fn every_command_that_goes_on_says_what_it_read_as_missing_or_left_out() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "orders_long_row.csv",
        ", bad_rows = \"skip\"",
        None,
        "",
    );
    let out = |n: &str| d.path().join(n).to_string_lossy().to_string();
    for args in [
        vec![
            "compare",
            &ws,
            "--as-of",
            "2024-04-01",
            "--as-of",
            "2024-07-01",
        ],
        vec!["sql", &ws],
        vec!["report", &ws, "-o", &out("r.md")],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            err.contains("left out (bad_rows = \"skip\")"),
            "{args:?}: {err}"
        );
    }
    let report = std::fs::read_to_string(out("r.md")).unwrap();
    assert!(
        report.contains("1 row with the wrong number of fields left out"),
        "{report}"
    );
    assert!(
        report.contains("  - line 12 has 9 fields but the header has 7"),
        "{report}"
    );
    // sql says the warehouse must read the bad values as missing as strata did
    let ws = workspace(
        d.path(),
        "orders_word.csv",
        ", bad_values = \"missing\"",
        None,
        "",
    );
    let (code, _, err) = run(&["sql", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the query reads qty of orders_word.csv as numbers or dates"),
        "{err}"
    );
}

#[test]
fn a_file_whose_rows_all_have_another_width_is_refused_even_when_skipping() {
    let d = tempfile::tempdir().unwrap();
    let ws = customers_ws(
        d.path(),
        "cid,a,b,c\n1,2,3,4,5\n2,3,4,5,6\n",
        ", bad_rows = \"skip\"",
        "",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no row has the header's 4 fields (line 2 has 5)"),
        "{err}"
    );
}

#[test]
fn an_error_cell_is_a_bad_number_but_no_id() {
    let d = tempfile::tempdir().unwrap();
    // among numbers, an error cell is a bad value, read as missing when asked
    let ws = workspace(
        d.path(),
        "orders_word.xlsx",
        ", bad_values = \"missing\"",
        None,
        "",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("row 11, price: \"#DIV/0!\""), "{err}");
    // as an id, it is no id: never a customer called #REF!
    let ws = workspace(
        d.path(),
        "orders_clean.csv",
        "",
        Some("customers_id_error.xlsx"),
        "",
    );
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 1);
    assert!(err.contains("row 4 has no customer id"), "{err}");
}
