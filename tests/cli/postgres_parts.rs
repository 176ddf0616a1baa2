//! A large table pulled in parts, by block range over several connections in one snapshot: the
//! same copy, byte for byte, as a pull on one connection; each table pulled whole when the
//! server allows too few connections; Ctrl-C and a failing part stop every part.

use super::postgres::{
    PASSWORD, Server, ctrl_c_while_copying, customers_only, in_cache, text, walk,
};
use super::*;

/// A table of 30 000 rows over many blocks, with every kind of value a CSV copy must keep:
/// commas, quotes, line breaks, NULLs, dates, fractions; and orders for them.
const BIG: &str = "CREATE SCHEMA big;
CREATE TABLE big.customers (id integer, income double precision, note text, joined date,
  vip boolean, points numeric(12,2));
INSERT INTO big.customers
SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE g * 1.5 END,
  CASE g % 5 WHEN 0 THEN 'plain' WHEN 1 THEN 'a, \"quoted\" one' WHEN 2 THEN E'two\\nlines'
    WHEN 3 THEN NULL ELSE repeat('x', g % 40) END,
  DATE '2020-01-01' + (g % 1500), g % 3 = 0, (g % 1000) / 7.0
FROM generate_series(1, 30000) g;
DELETE FROM big.customers WHERE id % 11 = 0;
CREATE TABLE big.orders (customer integer, day date, amount double precision);
INSERT INTO big.orders SELECT g % 30000 + 1, DATE '2023-01-01' + (g % 700), (g % 500) * 1.25
FROM generate_series(1, 60000) g;";

/// A server holding [`BIG`], its statistics fresh.
fn with_big(options: &'static str) -> Server {
    let pg = Server::start_with(|_| options.into(), false);
    pg.psql(BIG);
    pg.psql("VACUUM ANALYZE big.customers");
    pg.psql("VACUUM ANALYZE big.orders");
    pg
}

/// A workspace over `url`'s big.customers, and big.orders too when `orders`.
fn big_ws(dir: &Path, name: &str, url: &str, orders: bool) -> String {
    let customers = format!("customers = {{ url = \"{url}\", table = \"big.customers\" }}");
    let (data, columns) = match orders {
        true => (
            format!(
                "as_of = \"2025-01-01\"\n{customers}\n\
                 orders = {{ url = \"{url}\", table = \"big.orders\" }}"
            ),
            "order_customer_id = \"customer\"\norder_date = \"day\"\namount = \"amount\"\n",
        ),
        false => (customers, ""),
    };
    let criteria = "[criteria.band]\nstep = \"demographic\"\n\
                    bins = { column = \"income\", edges = [10000] }\n";
    customers_only(dir, name, &data, &format!("{columns}\n{criteria}"))
}

/// Pull `url`'s big tables (big.customers; big.orders too when `orders`) with `parts`
/// connections each, into a cache of its own; each copy's bytes and its stamp's row count, in
/// the order of the tables' names.
fn pull_in(
    dir: &Path,
    name: &str,
    url: &str,
    (parts, orders): (&str, bool),
) -> Vec<(Vec<u8>, u64)> {
    let ws = big_ws(dir, name, url, orders);
    let cache = dir.join(format!("cache-{name}"));
    let o = in_cache(
        strata()
            .env("PGPASSWORD", PASSWORD)
            .env("STRATA_PULL_PARTS", parts)
            .args(["run", &ws, "--summary", "/dev/null"]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut files = walk(&cache.join("pulls"));
    files.sort();
    let copies: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    // nothing of the parts is left beside the copies and their stamps
    assert_eq!(files.len(), 2 * copies.len(), "{files:?}");
    assert_eq!(copies.len(), 1 + usize::from(orders), "{files:?}");
    copies
        .into_iter()
        .map(|copy| {
            let stamp = std::fs::read_to_string(copy.with_extension("csv.json")).unwrap();
            let stamp: serde_json::Value = serde_json::from_str(&stamp).unwrap();
            (
                std::fs::read(copy).unwrap(),
                stamp["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn a_table_pulled_in_parts_is_the_same_copy_as_one_pulled_whole() {
    let pg = with_big("-c log_statement=all");
    let rows: u64 = pg
        .psql("SELECT count(*) FROM big.customers")
        .parse()
        .unwrap();
    let pages: u64 = pg
        .psql("SELECT relpages FROM pg_class WHERE oid = 'big.customers'::regclass")
        .parse()
        .unwrap();
    assert!(pages >= 30, "only {pages} blocks: too few to split");
    let d = tempfile::tempdir().unwrap();
    let url = pg.url();
    let whole = pull_in(d.path(), "whole", &url, ("1", false));
    assert_eq!(whole[0].1, rows);
    let parts = pull_in(d.path(), "parts", &url, ("3", false));
    assert_eq!(parts[0].1, rows);
    assert!(
        text(&whole[0].0).contains("\"two\nlines\""),
        "values kept whole"
    );
    assert!(
        parts == whole,
        "the copy in parts differs from the copy pulled whole"
    );
    // it was read in three parts, in one snapshot, the table held against changes
    let log = std::fs::read_to_string(pg.dir.path().join("log")).unwrap();
    let ranges = log
        .lines()
        .filter(|l| l.contains("COPY (SELECT") && l.contains("ctid"))
        .count();
    assert_eq!(ranges, 3, "{log}");
    assert_eq!(log.matches("SET TRANSACTION SNAPSHOT").count(), 2, "{log}");
    assert_eq!(log.matches("IN ACCESS SHARE MODE").count(), 3, "{log}");
    // every part ended its transaction and said goodbye (a connection cut off in a
    // transaction is logged)
    assert!(!log.contains("unexpected EOF"), "{log}");
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn a_user_allowed_two_connections_pulls_two_tables_each_whole() {
    let pg = with_big("");
    pg.psql(&format!(
        "CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}' CONNECTION LIMIT 2;
         GRANT USAGE ON SCHEMA big TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA big TO reader;"
    ));
    let d = tempfile::tempdir().unwrap();
    let whole = pull_in(d.path(), "whole", &pg.url(), ("1", true));
    // the parts' extra connections are refused: each table is pulled whole, on one
    let reader = pg.url().replace("strata@", "reader@");
    let limited = pull_in(d.path(), "limited", &reader, ("3", true));
    assert!(
        limited == whole,
        "the copies differ from the copies pulled whole"
    );
}

/// A server holding [`BIG`] as user `reader` sees it: every row through `policy` (row-level
/// security, which the parts' block ranges go through as any read does).
fn big_through_policy(policy: &str) -> (Server, String) {
    let pg = with_big("");
    pg.psql(&format!(
        "CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}';
         GRANT USAGE ON SCHEMA big TO reader; GRANT SELECT ON big.customers TO reader;
         ALTER TABLE big.customers ENABLE ROW LEVEL SECURITY;
         CREATE POLICY rows ON big.customers FOR SELECT TO reader USING ({policy});"
    ));
    let url = pg.url().replace("strata@", "reader@");
    (pg, url)
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn ctrl_c_during_a_pull_in_parts_cancels_every_part_on_the_server() {
    // a millisecond a row: about 9 s for each of the three parts unless cancelled
    let (pg, url) = big_through_policy("pg_sleep(0.001) IS NOT NULL");
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let ws = big_ws(d.path(), "big", &url, false);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .env("STRATA_CACHE_DIR", &cache)
        .env("PGPASSWORD", PASSWORD)
        .env("STRATA_PULL_PARTS", "3")
        .args(["run", &ws, "--summary", "/dev/null"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    ctrl_c_while_copying(&pg, child, 3);
    let kept = walk(&cache.join("pulls"));
    assert!(kept.is_empty(), "{kept:?}");
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn a_part_the_server_fails_stops_the_others_and_keeps_nothing() {
    // the last part meets a row the server cannot read
    let (_pg, url) = big_through_policy("CASE WHEN id = 29999 THEN 1 / 0 ELSE 1 END = 1");
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let ws = big_ws(d.path(), "big", &url, false);
    let o = in_cache(
        strata()
            .env("PGPASSWORD", PASSWORD)
            .env("STRATA_PULL_PARTS", "3")
            .args(["run", &ws, "--summary", "/dev/null"]),
        &cache,
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("127.0.0.1") && err.contains("\"division by zero\""),
        "{err}"
    );
    let kept = walk(&cache.join("pulls"));
    assert!(kept.is_empty(), "{kept:?}");
}
