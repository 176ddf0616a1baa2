//! Loading and auditing: every format (committed fixtures and the real datasets), broken files, joins and derived customers.

use super::*;

#[test]
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
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

/// A profile's entry for one column of `strata audit --json`.
fn column<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {v}"))
}

fn audit_json(path: &str) -> serde_json::Value {
    let (code, out, err) = run(&["audit", "--json", path]);
    assert_eq!(code, 0, "{path}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// The first 3,000 lines of Online Retail (gzip CSV): the counts were made by DuckDB.
#[test]
fn audit_finds_what_is_wrong_in_an_online_retail_slice() {
    let (code, out, err) = run(&["audit", &fixture("online_retail_3000.csv.gz")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3,000 rows × 8 columns"), "{out}");
    assert!(
        out.contains("1,081 of 3,000 rows have no customer id (CustomerID)"),
        "{out}"
    );
    assert!(out.contains("6 cancellation invoices"), "{out}");
    assert!(out.contains("26 lines"), "{out}");
    assert!(
        out.contains("44 rows repeat an earlier row exactly"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("InvoiceNo") && l.contains("text")),
        "{out}"
    );
}

/// A spreadsheet's totals row at the end of a customer list is named by the audit, and a run
/// leaves it out saying so (a customer "Total" would hold the sum of all incomes).
#[test]
fn a_totals_row_is_found_by_the_audit_and_left_out_by_a_run() {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("customers.csv");
    std::fs::write(
        &c,
        "customer_id,income\n1,52000\n2,31000\n3,78000\nTotal,161000\n",
    )
    .unwrap();
    let j = audit_json(c.to_str().unwrap());
    let found = j.to_string();
    assert!(found.contains("totals_rows"), "{found}");
    assert!(
        found.contains(
            "1 row holds \\\"Total\\\" where the other customer ids (customer_id) are numbers"
        ),
        "{found}"
    );
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"customers.csv\"\n[columns]\ncustomer_id = \"customer_id\"\n\
         [valuation]\nvalue = \"income\"\n",
    )
    .unwrap();
    let s = d.path().join("s.json");
    let (code, _, err) = run(&[
        "run",
        ws.to_str().unwrap(),
        "--summary",
        s.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "customers.csv line 5 (\"Total\"): a report's totals row, not a customer; left out"
        ),
        "{err}"
    );
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    assert_eq!(s["customers"], 3);
    assert_eq!(s["value_total"], 161000.0);
}

/// A small file's one bad cell in a column named for numbers or dates is named by the plain
/// audit, line and value, as a run would stop on it (one in six is below "nearly all").
#[test]
fn a_small_file_s_bad_cells_are_named_by_the_plain_audit() {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("orders.csv");
    std::fs::write(
        &o,
        "order_id,customer_id,order_date,amount\no1,1,2024-01-05,10.50\no2,1,02/05/2024,1e400\n\
         o3,2,2024-03-01,12\no4,3,2024-04-01,5.25\no5,4,2024-05-01,100\no6,5,2024-06-01,7.75\n",
    )
    .unwrap();
    let (code, out, err) = run(&["audit", o.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("column amount: 1 of its 6 values is not a number: line 3 \"1e400\""),
        "{out}"
    );
    assert!(
        out.contains("column order_date: 1 of its 6 values is not a date: line 3 \"02/05/2024\""),
        "{out}"
    );
}

/// The same slice as Parquet (CustomerID stored as a float, as in the published file).
#[test]
fn audit_reads_parquet_and_answers_in_json() {
    let v = audit_json(&fixture("online_retail_3000.parquet"));
    assert_eq!(v["rows"], 3000);
    assert_eq!(column(&v, "CustomerID")["nulls"], 1081);
    assert_eq!(column(&v, "CustomerID")["distinct"], 94);
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

/// Tab-separated with day-first dates and blank incomes (600 rows of the marketing-campaign file).
#[test]
fn audit_reads_tabs_and_day_first_dates() {
    let v = audit_json(&fixture("marketing_campaign_600.csv"));
    assert_eq!(v["delimiter"], "TAB");
    assert_eq!(v["rows"], 600);
    assert_eq!(column(&v, "Income")["nulls"], 13);
    assert_eq!(column(&v, "Dt_Customer")["kind"], "date");
    assert_eq!(column(&v, "Dt_Customer")["min"], "2012-08-04");
}

/// Semicolons and quoted fields (500 rows of UCI Bank Marketing).
#[test]
fn audit_reads_semicolons_and_quotes() {
    let v = audit_json(&fixture("bank_500.csv"));
    assert_eq!(v["delimiter"], "';'");
    assert_eq!(v["rows"], 500);
    assert_eq!(v["columns"], 17);
    assert_eq!(v["profile"][0]["name"], "age");
    assert_eq!(v["profile"][0]["kind"], "integer");
}

/// One made-up table as CSV, TSV, Excel and JSON: the four read alike.
#[test]
fn csv_tsv_excel_and_json_of_the_same_table_agree() {
    let [c, tsv, x, j] =
        ["people.csv", "people.tsv", "people.xlsx", "people.json"].map(|f| audit_json(&fixture(f)));
    assert_eq!(tsv["delimiter"], "TAB");
    for (v, f) in [(&c, "csv"), (&tsv, "tsv"), (&x, "xlsx"), (&j, "json")] {
        assert_eq!(v["rows"], 40, "{f}");
        assert_eq!(column(v, "income")["nulls"], 4, "{f}");
        assert_eq!(column(v, "income")["kind"], "number", "{f}");
        assert_eq!(column(v, "age")["kind"], "integer", "{f}");
        assert_eq!(
            column(v, "city")["distinct"],
            column(&c, "city")["distinct"],
            "{f}"
        );
    }
    assert_eq!(column(&c, "joined")["kind"], "date");
    assert_eq!(column(&x, "joined")["min"], column(&c, "joined")["min"]);
}

#[test]
fn audit_keeps_headers_with_spaces_and_symbols() {
    let (code, out, _) = run(&["audit", &fixture("spaced_headers.csv")]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("Annual Income (k$)") && l.contains("income")),
        "{out}"
    );
}

/// A committed Latin-1 file: refused without an encoding (naming the byte), read with one.
#[test]
fn a_latin1_fixture_is_refused_then_decoded() {
    let p = fixture("customers_latin1.csv");
    let (code, _, err) = run(&["audit", &p]);
    assert_eq!(code, 1);
    assert!(err.contains("not valid UTF-8 at byte"), "{err}");
    let (code, out, err) = run(&["audit", "--encoding", "latin-1", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("København") || out.contains("Liège"), "{out}");
    // as a workspace's customers: the entry to write is shown whatever its key, and the
    // rules' columns of the file that could not be read are not called unknown
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(&p, d.path().join("people.csv")).unwrap();
    let ws = d.path().join("w.strata.toml");
    std::fs::write(
        &ws,
        "version = 1\n[data]\ncustomers = \"people.csv\"\n[criteria.c]\nstep = \"demographic\"\n\
         map = { column = \"city\", groups = { a = [\"x\"] } }\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--data", ws.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "write its entry under [data] as `{ path = \"people.csv\", encoding = \"latin-1\" }`"
        ),
        "{err}"
    );
    assert!(!err.contains("unknown column"), "{err}");
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
    // a row of another width is named by the audit, not stopped on
    let p = write(d.path(), "ragged.csv", b"a,b\n1,2\n1,2,3\n");
    let (code, out, err) = run(&["audit", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("line 3 (3 fields)"), "{out}");
}

#[test]
fn header_only_and_latin1_files_work() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "h.csv", b"id,age\n");
    let (code, out, _) = run(&["audit", &p]);
    assert_eq!(code, 0);
    assert!(out.contains("0 rows × 2 columns"), "{out}");
    assert!(
        out.contains("the table has no rows (a header only?)"),
        "{out}"
    );
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
    // where it stops being JSON, in a person's words: the line and the column
    let bad = write(
        d.path(),
        "bad.ndjson",
        b"{\"id\": 1}\n\n{\"id\": 2, \"x\": 3,}\n{\"id\": 4}\n",
    );
    let (code, _, err) = run(&["audit", &bad]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "not readable JSON: line 3, column 18: trailing comma (each line holds one JSON object)"
        ),
        "{err}"
    );
    let bad = write(
        d.path(),
        "bad2.json",
        b"[\n  {\"id\": 1},\n  {\"id\" 2}\n]\n",
    );
    let (code, _, err) = run(&["audit", &bad]);
    assert_eq!(code, 1);
    assert!(
        err.contains("not readable JSON: line 3, column 9: expected `:`"),
        "{err}"
    );
    // a word without quotes, and an array never closed, in words
    let bad = write(d.path(), "bad3.ndjson", b"{\"id\": 1}\nnot json\n");
    let (_, _, err) = run(&["audit", &bad]);
    assert!(
        err.contains("line 2, column 2: not a JSON value (text needs quotes)"),
        "{err}"
    );
    let bad = write(d.path(), "bad4.json", b"[{\"id\": 1},\n{\"id\": 2}\n");
    let (_, _, err) = run(&["audit", &bad]);
    assert!(err.contains("the text ends before the JSON does"), "{err}");
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
        err.contains(
            "1 order rows whose customer is not in the customers table were left out (e.g. \"9\")"
        ),
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

#[test]
fn a_load_larger_than_memory_allows_fails_before_reading() {
    let d = demo_dir();
    let ws = d.path().join("w/demo.strata.toml");
    let out = d.path().join("m.csv");
    let o = strata()
        .env("STRATA_MEMORY_LIMIT", "1K")
        .args(["run", ws.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: evaluating this workspace needs about"),
        "{err}"
    );
    assert!(
        err.contains("but 1 KB is available") && err.contains("strata sql"),
        "{err}"
    );
    assert!(!out.exists());
    // with room it runs
    let o = strata()
        .env("STRATA_MEMORY_LIMIT", "4G")
        .args(["run", ws.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
