//! A SQLite database file as a source: a table and a query give what the same rows in CSV
//! files give, a change (even one still in the write-ahead log) is read, mistakes are named.

use super::*;

const CUSTOMERS: &str = "id,city,income,joined
1,Paris,52000.5,2020-01-01
2,Lyon,31000,2021-06-30
3,,,
4,\"Nice, old port\",78000.25,2019-03-04
5,Paris,15000,2022-02-02
";
const ORDERS: &str = "order_id,customer,day,amount
1,1,2024-01-05,120
2,1,2024-03-05,80.5
3,2,2023-11-11,15.25
4,4,2024-02-29,300
5,4,2024-04-01,
6,5,2022-06-06,9.99
";

const RULES: &str = r#"
[columns]
customer_id = "id"
order_customer_id = "customer"
order_date = "day"
amount = "amount"

[criteria.income_band]
step = "demographic"
bins = { column = "income", edges = [30000, 60000] }

[criteria.place]
step = "geographic"
map = { column = "city", groups = { south = ["Nice, old port"], paris = ["Paris"] } }

[criteria.life]
step = "purchase_history"
segments = [
  { name = "prospect", when = "orders = 0" },
  { name = "one-time", when = "orders = 1" },
  { name = "repeat", when = "TRUE" },
]
"#;

/// The shop's rows in a SQLite database in write-ahead mode; the connection that wrote them.
fn shop_db(dir: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join("shop.db")).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE customers (id INTEGER PRIMARY KEY, city TEXT, income REAL, joined TEXT);
         INSERT INTO customers VALUES (1, 'Paris', 52000.5, '2020-01-01'),
           (2, 'Lyon', 31000, '2021-06-30'), (3, NULL, NULL, NULL),
           (4, 'Nice, old port', 78000.25, '2019-03-04'), (5, 'Paris', 15000, '2022-02-02');
         CREATE TABLE orders (order_id INTEGER, customer INTEGER, day TEXT, amount REAL);
         INSERT INTO orders VALUES (1, 1, '2024-01-05', 120), (2, 1, '2024-03-05', 80.5),
           (3, 2, '2023-11-11', 15.25), (4, 4, '2024-02-29', 300), (5, 4, '2024-04-01', NULL),
           (6, 5, '2022-06-06', 9.99);
         CREATE TABLE notes (id INTEGER, text TEXT);",
    )
    .unwrap();
    c
}

fn workspace(dir: &Path, data: &str) -> String {
    write(
        dir,
        "shop.strata.toml",
        format!("version = 1\n\n[data]\nas_of = \"2025-01-01\"\n{data}\n{RULES}").as_bytes(),
    )
}

/// `strata run WS --out OUT` in `cache`: the membership written.
fn membership(ws: &str, cache: &Path) -> String {
    let out = Path::new(ws).with_extension("out.csv");
    let o = strata()
        .env("STRATA_CACHE_DIR", cache)
        .args(["run", ws, "--out", &out.to_string_lossy()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn a_sqlite_table_and_query_run_like_csv_files_and_a_change_is_read() {
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let files = d.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    write(&files, "customers.csv", CUSTOMERS.as_bytes());
    write(&files, "orders.csv", ORDERS.as_bytes());
    let expected = membership(
        &workspace(
            &files,
            "customers = \"customers.csv\"\norders = \"orders.csv\"",
        ),
        &cache,
    );
    assert!(
        expected.contains("\"[30000, 60000)\",paris,repeat"),
        "{expected}"
    );
    let db = d.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let writer = shop_db(&db);
    let ws = workspace(
        &db,
        "customers = { path = \"shop.db\", table = \"customers\" }\n\
         orders = { path = \"shop.db\", query = \"SELECT * FROM orders ORDER BY order_id\" }",
    );
    assert_eq!(membership(&ws, &cache), expected);
    // again, from the cache: the same
    assert_eq!(membership(&ws, &cache), expected);
    // a new customer, still only in the write-ahead log (the writer keeps it open)
    writer
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             INSERT INTO customers VALUES (6, 'Lyon', 45000, '2023-05-05');",
        )
        .unwrap();
    let now = membership(&ws, &cache);
    assert!(now.lines().any(|l| l.starts_with("6,")), "{now}");
    drop(writer);
    // the audit says which table, or that it is a query, of the one database file
    let o = strata()
        .env("STRATA_CACHE_DIR", &cache)
        .args(["audit", &ws])
        .output()
        .unwrap();
    let audit = String::from_utf8_lossy(&o.stdout);
    assert!(
        audit.contains("SQLite database, table customers; 6 rows")
            && audit.contains("SQLite database, a query; 6 rows"),
        "{audit}"
    );
}

#[test]
fn a_sqlite_database_s_mistakes_are_named() {
    let d = tempfile::tempdir().unwrap();
    let _db = shop_db(d.path());
    let failing = |data: &str| {
        let orders = "orders = { path = \"shop.db\", table = \"orders\" }";
        let ws = workspace(d.path(), &format!("{data}\n{orders}"));
        let o = strata().args(["run", &ws]).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let e = failing("customers = \"shop.db\"");
    assert!(
        e.contains("shop.db") && e.contains("table = ") && e.contains("customers, notes, orders"),
        "{e}"
    );
    let e = failing("customers = { path = \"shop.db\", table = \"clients\" }");
    assert!(e.contains("no table or view \"clients\""), "{e}");
    let e = failing("customers = { path = \"shop.db\", query = \"SELECT nope FROM customers\" }");
    assert!(e.contains("refused") && e.contains("nope"), "{e}");
    // order dates kept as seconds since 1970: the message says how to read them as dates
    let unix = "customers = { path = \"shop.db\", table = \"customers\" }\n\
                orders = { path = \"shop.db\", query = \"SELECT order_id, customer, \
                CAST(strftime('%s', day) AS INTEGER) AS day, amount FROM orders\" }";
    let ws = write(
        d.path(),
        "unix.strata.toml",
        format!("version = 1\n\n[data]\nas_of = \"2025-01-01\"\n{unix}\n{RULES}").as_bytes(),
    );
    let o = strata().args(["run", &ws]).output().unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("holds integer, not dates") && e.contains("date(day, 'unixepoch') AS day"),
        "{e}"
    );
    write(d.path(), "customers.csv", CUSTOMERS.as_bytes());
    let e = failing("customers = { path = \"customers.csv\", table = \"customers\" }");
    assert!(
        e.contains("SQLite") && e.contains("format = \"sqlite\""),
        "{e}"
    );
}
