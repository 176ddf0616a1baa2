//! `strata sql`: the generated query run in DuckDB gives exactly what `strata run` gives.

use super::*;

/// One workspace checked in DuckDB: membership (`run --out`) and valuation (`run --summary`).
pub(super) struct Case<'a> {
    pub ws: &'a Path,
    /// `TABLE=PATH` for every table the query reads.
    pub tables: Vec<String>,
    pub valuation: bool,
    /// Purchase fields appended to the membership on both sides (`--with`), or "".
    pub with: &'a str,
}

pub(super) fn check_in_duckdb(python: &str, c: &Case) {
    check_in(python, "duckdb", c);
}

/// Generate the query for `engine`, run it there through `tests/support/sql_<engine>.py` and
/// compare with `strata run`.
fn check_in(python: &str, engine: &str, c: &Case) {
    let d = tempfile::tempdir().unwrap();
    let ws = c.ws.to_string_lossy().to_string();
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/support/sql_{engine}.py"));
    let compare = |query: &Path, expected: &Path| {
        let out = std::process::Command::new(python)
            .arg(&script)
            .arg(query)
            .arg(expected)
            .args(&c.tables)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "{ws}: {engine} differs from strata:\n{text}"
        );
        assert!(text.starts_with("equal:"), "{text}");
    };
    let (q, m, s) = (
        d.path().join("q.sql"),
        d.path().join("m.csv"),
        d.path().join("s.json"),
    );
    let with: Vec<&str> = if c.with.is_empty() {
        vec![]
    } else {
        vec!["--with", c.with]
    };
    let q_out = q.to_string_lossy().to_string();
    let mut sql = vec![
        "sql",
        ws.as_str(),
        "--dialect",
        engine,
        "-o",
        q_out.as_str(),
    ];
    sql.extend(&with);
    let (code, _, err) = run(&sql);
    assert_eq!(code, 0, "{err}");
    let (m_out, s_out) = (m.to_string_lossy(), s.to_string_lossy());
    let mut r = vec!["run", ws.as_str(), "--out", &m_out, "--summary", &s_out];
    r.extend(&with);
    let (code, _, err) = run(&r);
    assert_eq!(code, 0, "{err}");
    compare(&q, &m);
    if c.valuation {
        let v = d.path().join("v.sql");
        let (code, _, err) = run(&[
            "sql",
            &ws,
            "--dialect",
            engine,
            "--valuation",
            "-o",
            &v.to_string_lossy(),
        ]);
        assert_eq!(code, 0, "{err}");
        compare(&v, &s);
    }
}

/// The demo with each RFM method, a joined survey, the R rfm fixture with a hostile label, and
/// Online Retail (customers known only from their orders, a filter, windows).
#[test]
#[ignore = "needs Python with duckdb and pandas (STRATA_PYTHON)"]
fn sql_reproduces_run_in_duckdb() {
    let python = duckdb_python();
    let demo = tempfile::tempdir().unwrap();
    let w = demo.path().join("w");
    let (code, _, err) = run(&["demo", "--out", &w.to_string_lossy(), "--customers", "2000"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(w.join("demo.strata.toml")).unwrap();
    let tables = |dir: &Path, names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|n| format!("{n}={}", dir.join(format!("{n}.csv")).display()))
            .collect()
    };
    check_in_duckdb(
        &python,
        &Case {
            ws: &w.join("demo.strata.toml"),
            tables: tables(&w, &["customers", "orders"]),
            valuation: true,
            with: "",
        },
    );
    for method in ["quantile", "rfm_r"] {
        let t = text.replace(
            "rfm_method = \"ntile\"",
            &format!("rfm_method = \"{method}\""),
        );
        assert!(t.contains(method));
        let p = w.join(format!("{method}.strata.toml"));
        std::fs::write(&p, t).unwrap();
        check_in_duckdb(
            &python,
            &Case {
                ws: &p,
                tables: tables(&w, &["customers", "orders"]),
                valuation: false,
                with: "",
            },
        );
    }

    // bins over an expression of the customer's fields
    let t = format!(
        "{text}\n[criteria.income_band]\nstep = \"demographic\"\n\
         bins = {{ expr = \"income / 1000 - 2 * children\", edges = [20, 40.5, 60] }}\n"
    );
    let p = w.join("expr.strata.toml");
    std::fs::write(&p, t).unwrap();
    check_in_duckdb(
        &python,
        &Case {
            ws: &p,
            tables: tables(&w, &["customers", "orders"]),
            valuation: true,
            with: "",
        },
    );

    // a joined table, dates compared with text, measures of every kind
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    write(
        dir,
        "c.csv",
        "id,city,age\n1,København,30\n2,Liège,45\n3,Rome,\n4,Rīga,22\n".as_bytes(),
    );
    write(
        dir,
        "survey.csv",
        b"customer,answer,score\n2,quality,4.5\n1,price,3\n4,,1\n",
    );
    write(
        dir,
        "o.csv",
        b"cust,day,amount\n1,2024-01-02,10.5\n1,2024-02-01,5\n2,2024-01-15,-3\n9,2024-01-01,100\n4,2024-03-01,1\n",
    );
    let ws = r#"version = 1
[data]
customers = "c.csv"
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
[criteria.keen]
step = "psychographic"
segments = [
  { name = "keen", when = "score >= 4 OR (age IS NULL AND last_order >= '2024-01-10')" },
  { name = "cool", when = "score < 4 AND answer NOT LIKE 'q%'" },
]
[criteria.spend]
step = "purchase_history"
bins = { column = "revenue", edges = [0, 10.25] }
[valuation]
cost = "orders * 0.5"
[valuation.measures]
avg_score = { mean = "score" }
keen = { share = "score > 2" }
total = { sum = "age" }
"#;
    let wp = write(dir, "w.strata.toml", ws.as_bytes());
    check_in_duckdb(
        &python,
        &Case {
            ws: Path::new(&wp),
            tables: vec![
                format!("customers={}", dir.join("c.csv").display()),
                format!("orders={}", dir.join("o.csv").display()),
                format!("survey={}", dir.join("survey.csv").display()),
            ],
            valuation: true,
            with: "",
        },
    );

    // Online Retail (a slice): customers from the orders, their country the most frequent one
    let retail = fixture("online_retail_3000.parquet");
    let ws = format!(
        r#"version = 1
[data]
orders = {retail:?}
orders_filter = "Quantity > 0 AND UnitPrice > 0 AND InvoiceNo NOT LIKE 'C%'"
[columns]
order_customer_id = "CustomerID"
order_id = "InvoiceNo"
order_date = "InvoiceDate"
quantity = "Quantity"
unit_price = "UnitPrice"
product = "StockCode"
[purchase_history]
windows = [90]
rfm_method = "quantile"
[criteria.market]
step = "geographic"
map = {{ column = "Country", groups = {{ home = ["United Kingdom"], near = ["France", "Germany", "EIRE"] }} }}
[criteria.rfm]
step = "purchase_history"
segments = [
  {{ name = "champions", when = "r_score >= 4 AND f_score >= 4 AND m_score >= 4" }},
  {{ name = "big basket", when = "avg_order_value / 2 > 300 OR revenue_90d % 7 = 1" }},
  {{ name = "wide", when = "distinct_products >= 100 AND year(first_order) = 2010 AND lower(Country) ILIKE 'united%'" }},
]
[valuation]
cost = "orders * 2"
"#
    );
    let wp = write(dir, "retail.strata.toml", ws.as_bytes());
    check_in_duckdb(
        &python,
        &Case {
            ws: Path::new(&wp),
            tables: vec![format!("orders={retail}")],
            valuation: true,
            with: "",
        },
    );
}

/// The R rfm package's fixture in DuckDB: text ids (names with apostrophes), rfm_r scores, a
/// label that tries to break out of SQL.
#[test]
#[ignore = "needs the real datasets (STRATA_DATASETS) and Python with duckdb (STRATA_PYTHON)"]
fn sql_reproduces_run_in_duckdb_on_the_rfm_fixture() {
    let python = duckdb_python();
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let orders = ds("rfm_package_fixture/rfm_data_orders.csv");
    let ws = format!(
        r#"version = 1
[data]
orders = {orders:?}
as_of = "2006-12-31"
[columns]
order_customer_id = "customer_id"
order_date = "order_date"
amount = "revenue"
[purchase_history]
rfm_method = "rfm_r"
[criteria.rfm]
step = "purchase_history"
otherwise = "Others"
segments = [
  {{ name = "Champions", when = "r_score BETWEEN 4 AND 5 AND f_score BETWEEN 4 AND 5 AND m_score BETWEEN 4 AND 5" }},
  {{ name = "O'Brien \"x\"; --", when = "rfm_cell IN ('333', '334') OR first_name = 'Ab''bey'" }},
]
[criteria.cells]
step = "purchase_history"
map = {{ column = "rfm_cell", groups = {{ top = ["555", "554"], bottom = ["111"] }} }}
[criteria.r]
step = "purchase_history"
bins = {{ column = "recency_days", edges = [30, 365.5] }}
"#
    );
    let wp = write(dir, "rfm.strata.toml", ws.as_bytes());
    check_in_duckdb(
        &python,
        &Case {
            ws: Path::new(&wp),
            tables: vec![format!("orders={orders}")],
            valuation: true,
            with: "",
        },
    );
}

/// PostgreSQL from Debian's packages, on a private throwaway server: numeric and text ids.
#[test]
#[ignore = "needs PostgreSQL server binaries, Python with duckdb (STRATA_PYTHON) and the real datasets (STRATA_DATASETS)"]
fn sql_reproduces_run_in_postgres() {
    let python = duckdb_python();
    let has_pg = std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|mut d| d.next().is_some())
        || std::process::Command::new("initdb")
            .arg("--version")
            .output()
            .is_ok();
    assert!(
        has_pg,
        "this test needs PostgreSQL's server binaries (initdb, pg_ctl): apt install postgresql"
    );
    let d = tempfile::tempdir().unwrap();
    let w = d.path().join("w");
    let (code, _, err) = run(&["demo", "--out", &w.to_string_lossy(), "--customers", "1500"]);
    assert_eq!(code, 0, "{err}");
    check_in(
        &python,
        "postgres",
        &Case {
            ws: &w.join("demo.strata.toml"),
            tables: ["customers", "orders"]
                .iter()
                .map(|n| format!("{n}={}", w.join(format!("{n}.csv")).display()))
                .collect(),
            valuation: false,
            with: "",
        },
    );
    let orders = ds("rfm_package_fixture/rfm_data_orders.csv");
    let ws = format!(
        "version = 1\n[data]\norders = {orders:?}\n[columns]\norder_customer_id = \"customer_id\"\norder_date = \"order_date\"\namount = \"revenue\"\n[criteria.rfm]\nstep = \"purchase_history\"\nsegments = [ {{ name = \"top\", when = \"r_score + f_score + m_score >= 12\" }}, {{ name = \"A names\", when = \"first_name LIKE 'A%'\" }} ]\n"
    );
    let wp = write(d.path(), "rfm.strata.toml", ws.as_bytes());
    check_in(
        &python,
        "postgres",
        &Case {
            ws: Path::new(&wp),
            tables: vec![format!("orders={orders}")],
            valuation: false,
            with: "",
        },
    );
}

#[test]
fn sql_dialects_quote_rename_and_refuse() {
    let d = demo_dir();
    let ws = d
        .path()
        .join("w/demo.strata.toml")
        .to_string_lossy()
        .to_string();
    let (code, duck, err) = run(&["sql", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(duck.contains("FROM \"orders\"") && duck.contains("date_diff('day'"));
    assert!(duck.contains("ORDER BY strata_id") && duck.contains("AS customer_id"));
    let (code, spark, _) = run(&["sql", &ws, "--dialect", "spark"]);
    assert_eq!(code, 0);
    assert!(spark.contains("datediff(") && spark.contains("FROM `orders`"));
    let (code, pg, _) = run(&[
        "sql",
        &ws,
        "--dialect",
        "postgres",
        "--table",
        "customers=crm.customers",
        "--valuation",
    ]);
    assert_eq!(code, 0);
    assert!(pg.contains("FROM \"crm\".\"customers\" AS c"), "{pg}");
    assert!(pg.contains("DOUBLE PRECISION") && pg.contains("worth_marketing"));
    let (code, bq, _) = run(&["sql", &ws, "--dialect", "BigQuery"]);
    assert_eq!(code, 0);
    assert!(bq.contains("DATE_DIFF(") && !bq.contains("\"amount\""));
    let (code, trino, _) = run(&["sql", &ws, "--dialect", "trino"]);
    assert_eq!(code, 0);
    assert!(trino.contains("date_add('day', -90, as_of)"), "{trino}");
    // mistakes are usage errors or clear refusals
    let (code, _, err) = run(&["sql", &ws, "--dialect", "oracle"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown dialect"), "{err}");
    let (code, _, err) = run(&["sql", &ws, "--table", "clients=crm.clients"]);
    assert_eq!(code, 1);
    assert!(err.contains("no table called clients"), "{err}");
    let input = d.path().join("w/orders.csv").to_string_lossy().to_string();
    let before = std::fs::read(&input).unwrap();
    let (code, _, err) = run(&["sql", &ws, "-o", &input]);
    assert_eq!(code, 1);
    assert!(err.contains("input files"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}
