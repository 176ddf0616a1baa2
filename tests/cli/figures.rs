//! Figures a messy file could make wrong without a word: every run says what it read and left
//! out (totals rows, markers, dates that read two ways, orders of no customer), cold and from
//! the cache alike.

use super::{run, write};

/// A workspace over `customers` and `orders` text in `dir`, with `data` added to `[data]`.
fn workspace(dir: &std::path::Path, customers: &str, orders: &str, data: &str) -> String {
    write(dir, "customers.csv", customers.as_bytes());
    write(dir, "orders.csv", orders.as_bytes());
    let ws = format!(
        "version = 1\n[data]\ncustomers = \"customers.csv\"\norders = \"orders.csv\"\n{data}\n\
         [columns]\ncustomer_id = \"id\"\norder_customer_id = \"cust\"\norder_date = \"day\"\n\
         quantity = \"qty\"\nunit_price = \"price\"\n"
    );
    write(dir, "w.strata.toml", ws.as_bytes())
}

/// The warnings of `strata run` on `ws`, twice: from the files, then from the cache.
fn warned_twice(ws: &str) -> [String; 2] {
    [0, 1].map(|_| {
        let (code, _, err) = run(&["run", ws]);
        assert_eq!(code, 0, "{err}");
        err
    })
}

#[test]
fn markers_and_dates_that_read_two_ways_are_told() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "id,name\n1,Ann\n2,Bo\n",
        "cust,day,qty,price\n1,01/05/2024,2,5\n1,02/05/2024,NA,5\n2,03/05/2024,1,7.5\n",
        "as_of = \"2025-01-01\"",
    );
    for err in warned_twice(&ws) {
        assert!(
            err.contains(
                "orders.csv: column day is read as dates written %d/%m/%Y, but every value also \
                 fits %m/%d/%Y: if they are written %m/%d/%Y, set date_format = \"%m/%d/%Y\" for \
                 this file"
            ),
            "{err}"
        );
        assert!(
            err.contains(
                "orders.csv: 1 value of column qty is a marker of a missing value (NA, -, …), read as missing"
            ),
            "{err}"
        );
    }
    // said once which it is, nothing more is said of the dates
    let ws = workspace(
        d.path(),
        "id,name\n1,Ann\n2,Bo\n",
        "cust,day,qty,price\n1,01/05/2024,2,5\n2,03/05/2024,1,7.5\n",
        "as_of = \"2025-01-01\"\n",
    );
    let text = std::fs::read_to_string(&ws).unwrap().replace(
        "orders = \"orders.csv\"",
        "orders = { path = \"orders.csv\", date_format = \"%m/%d/%Y\" }",
    );
    std::fs::write(&ws, text).unwrap();
    let (code, _, err) = run(&["run", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("read as dates written"), "{err}");
}

/// Every order of a customer the customers' file writes otherwise ("001" against "1"): said,
/// cold and warm, and the 80/20 line has no figure of a 0 total.
#[test]
fn orders_of_no_customer_are_told_and_the_80_20_line_is_blank() {
    let d = tempfile::tempdir().unwrap();
    let ws = workspace(
        d.path(),
        "id,name\n1,Ann\n2,Bo\n",
        "cust,day,qty,price\n001,2024-05-01,2,5\n002,2024-05-03,1,7.5\n",
        "as_of = \"2025-01-01\"",
    );
    for err in warned_twice(&ws) {
        assert!(
            err.contains(
                "none of the 2 order rows' customers is in the customers table (the orders say \
                 e.g. \"001\", the customers \"1\"); every customer's purchases count as 0"
            ),
            "{err}"
        );
    }
    let (_, out, _) = run(&["run", &ws]);
    assert!(
        out.contains("top 20 % of customers hold – of value; – of customers hold 80 %"),
        "{out}"
    );
    // a quick audit of the workspace sees it too: each file is fine, the two together are not
    let (code, out, err) = run(&["audit", &ws]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("a run of this workspace\n  ! none of the 2 order rows' customers is in the customers table"),
        "{out}"
    );
}

/// A date a system writes for "no date" (1970-01-01) among real ones is named by the audit.
#[test]
fn a_placeholder_date_is_named_by_the_audit() {
    let d = tempfile::tempdir().unwrap();
    let o = write(
        d.path(),
        "orders.csv",
        b"order_id,customer_id,order_date,amount\no1,1,2024-01-05,10\no2,2,1970-01-01,20\n\
          o3,3,2024-03-01,5\no4,4,2024-04-01,7\n",
    );
    let (code, out, err) = run(&["audit", &o]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "1 dates in order_date are 1970-01-01 or 1900-01-01, which systems write for no date"
        ),
        "{out}"
    );
}
