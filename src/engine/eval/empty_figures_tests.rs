//! Figures that cannot be right are said so or set right: orders matched to no customer, an amount column with no number, no order rows, a reference date to come, a total too large to add up, a report's totals row in the data.

use crate::engine::eval::session::Session;
use crate::engine::rules::parse::parse_workspace;

/// A session over `customers` and `orders` (CSV text), with `extra` in `[data]`.
fn open(customers: &str, orders: &str, extra: &str) -> Session {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("customers.csv"), customers).unwrap();
    std::fs::write(dir.path().join("orders.csv"), orders).unwrap();
    let ws = format!(
        "version = 1\n[data]\ncustomers = \"customers.csv\"\norders = \"orders.csv\"\n{extra}\n\
         [columns]\ncustomer_id = \"id\"\norder_customer_id = \"cust\"\norder_date = \"day\"\n\
         amount = \"amount\"\n\
         [criteria.spend]\nstep = \"purchase_history\"\n\
         segments = [ {{ name = \"big\", when = \"revenue > 100\" }}, {{ name = \"rest\", when = \"TRUE\" }} ]\n"
    );
    let path = dir.path().join("w.strata.toml");
    std::fs::write(&path, &ws).unwrap();
    Session::open(parse_workspace(&path, &ws).unwrap()).unwrap()
}

const CUSTOMERS: &str = "id,name\n1,Ann\n2,Bo\n3,Cy\n";

fn warned(s: &Session, part: &str) -> bool {
    s.warnings.iter().any(|w| w.contains(part))
}

#[test]
fn clean_figures_raise_no_alarm() {
    let s = open(
        CUSTOMERS,
        "cust,day,amount\n1,2024-01-02,10\n2,2024-02-03,300\n",
        "as_of = \"2025-01-01\"",
    );
    assert_eq!(s.value_alarm(), None);
    assert!(!warned(&s, "count as 0"), "{:?}", s.warnings);
    assert!((s.pareto.customer_share_for_80pct_value - 1.0 / 3.0).abs() < 1e-12);
}

/// Ids written "001" in the orders and "1" in the customers: no order matches.
#[test]
fn orders_matching_no_customer_are_named_with_both_ids() {
    let s = open(
        CUSTOMERS,
        "cust,day,amount\n001,2024-01-02,10\n002,2024-02-03,300\n",
        "as_of = \"2025-01-01\"",
    );
    let w = "none of the 2 order rows' customers is in the customers table (the orders say e.g. \"001\", the customers \"1\")";
    assert!(warned(&s, w), "{:?}", s.warnings);
    let alarm = s.value_alarm().expect("an alarm");
    assert!(
        alarm.starts_with("every customer's value is 0: none of the 2"),
        "{alarm}"
    );
    // no "20 % of customers hold 80 %" of nothing
    assert!(s.pareto.customer_share_for_80pct_value.is_nan());
    assert!(s.pareto.top20_value_share.is_nan());
    // and no segment is worth marketing to by a share of nothing
    assert!(s.results[0].valuation.iter().all(|v| !v.worth_marketing));
}

#[test]
fn an_amount_column_with_no_number_is_named() {
    let s = open(
        CUSTOMERS,
        "cust,day,amount\n1,2024-01-02,NA\n2,2024-02-03,\n3,2024-02-04,-\n",
        "as_of = \"2025-01-01\"",
    );
    assert!(
        warned(
            &s,
            "the amount column \"amount\" holds no number in any of the 3 order rows kept"
        ),
        "{:?}",
        s.warnings
    );
    assert!(s.value_alarm().is_some());
}

#[test]
fn an_orders_file_with_a_header_only_is_named() {
    let s = open(CUSTOMERS, "cust,day,amount\n", "as_of = \"2025-01-01\"");
    assert!(
        warned(&s, "the orders table has no rows"),
        "{:?}",
        s.warnings
    );
    assert!(s.value_alarm().unwrap().contains("no rows"));
}

/// Without as_of, one order dated in 2099 would set every recency from 2099.
#[test]
fn a_reference_date_to_come_is_named() {
    let orders = "cust,day,amount\n1,2024-01-02,10\n2,2099-02-05,300\n";
    let s = open(CUSTOMERS, orders, "");
    assert!(
        warned(
            &s,
            "as_of is not set, so it is the day after the last order: 2099-02-06"
        ),
        "{:?}",
        s.warnings
    );
    assert!(warned(&s, "1 order rows are dated after today"));
    // with as_of, the order after it is left out, as before, and said so
    let s = open(CUSTOMERS, orders, "as_of = \"2025-01-01\"");
    assert!(!warned(&s, "as_of is not set"));
    assert!(warned(&s, "1 order rows dated after as_of were left out"));
}

#[test]
fn a_total_too_large_to_add_up_is_named() {
    let s = open(
        CUSTOMERS,
        "cust,day,amount\n1,2024-01-02,1e308\n1,2024-01-03,1e308\n2,2024-02-03,5\n",
        "as_of = \"2025-01-01\"",
    );
    let alarm = s.value_alarm().expect("an alarm");
    assert!(
        alarm.starts_with("the customers' total value is inf"),
        "{alarm}"
    );
    assert!(warned(&s, "total value is inf"));
}

/// A spreadsheet's totals row at the end of the customers: left out, named by its line, and
/// the ids are whole numbers again (in number order: 2 before 10).
#[test]
fn a_totals_row_among_the_customers_is_left_out_by_line() {
    let s = open(
        "id,name\n10,Ann\n2,Bo\n3,Cy\nTotal,\n",
        "cust,day,amount\n10,2024-01-02,10\n2,2024-02-03,300\n",
        "as_of = \"2025-01-01\"",
    );
    assert_eq!(s.base.len, 3);
    assert!(
        warned(
            &s,
            "customers.csv line 5 (\"Total\"): a report's totals row, not a customer; left out"
        ),
        "{:?}",
        s.warnings
    );
    let ids: Vec<String> = (0..3).filter_map(|i| s.ids.text_at(i)).collect();
    assert_eq!(ids, ["2", "3", "10"]);
    assert_eq!(s.value.iter().map(|v| v.unwrap_or(0.0)).sum::<f64>(), 310.0);
}

/// Orders alone, ending with a totals row whose customer is "ALL": no customer "ALL" holding
/// the total a second time.
#[test]
fn a_totals_row_among_the_orders_is_no_customer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("orders.csv"),
        "cust,day,amount\n1,2024-01-02,10\n2,2024-02-03,300\n1,2024-03-03,5\nALL,,315\n",
    )
    .unwrap();
    let ws = "version = 1\n[data]\norders = \"orders.csv\"\nas_of = \"2025-01-01\"\n\
              [columns]\norder_customer_id = \"cust\"\norder_date = \"day\"\namount = \"amount\"\n";
    let path = dir.path().join("w.strata.toml");
    std::fs::write(&path, ws).unwrap();
    let s = Session::open(parse_workspace(&path, ws).unwrap()).unwrap();
    assert_eq!(s.base.len, 2);
    assert!(warned(
        &s,
        "orders.csv line 5 (\"ALL\"): a report's totals row, not an order"
    ));
    assert_eq!(s.value.iter().map(|v| v.unwrap_or(0.0)).sum::<f64>(), 315.0);
    // a word among text ids is a customer like any other
    std::fs::write(
        dir.path().join("orders.csv"),
        "cust,day,amount\nA7,2024-01-02,10\nall,2024-02-03,300\n",
    )
    .unwrap();
    let s = Session::open(parse_workspace(&path, ws).unwrap()).unwrap();
    assert_eq!(s.base.len, 2);
    assert!(!warned(&s, "totals"));
}

/// A value read from a column with blanks: those customers count as 0, and the run says how
/// many.
#[test]
fn customers_without_a_value_are_counted() {
    let s = open(
        "id,income\n1,52000\n2,\n3,NA\n",
        "cust,day,amount\n1,2024-01-02,10\n",
        "as_of = \"2025-01-01\"\n[valuation]\nvalue = \"income\"",
    );
    assert!(
        warned(
            &s,
            "2 of 3 customers have no value (value = \"income\" reads a missing value): they count as 0"
        ),
        "{:?}",
        s.warnings
    );
    assert_eq!(s.value_alarm(), None);
}

/// A joined table whose ids match no customer ("001" against "1"), or only some: said, with
/// an id of each.
#[test]
fn a_joined_table_matching_no_customer_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("customers.csv"), "id,name\n1,Ann\n2,Bo\n").unwrap();
    let ws = "version = 1\n[data]\ncustomers = \"customers.csv\"\n[[data.join]]\n\
              path = \"survey.csv\"\nkey = \"cid\"\n[columns]\ncustomer_id = \"id\"\n";
    let path = dir.path().join("w.strata.toml");
    std::fs::write(&path, ws).unwrap();
    let open = |survey: &str| {
        std::fs::write(dir.path().join("survey.csv"), survey).unwrap();
        Session::open(parse_workspace(&path, ws).unwrap()).unwrap()
    };
    let s = open("cid,score\n001,10\n002,20\n");
    assert!(
        warned(
            &s,
            "survey.csv: none of its 2 ids matches a customer (it says e.g. \"001\", the customers \"1\")"
        ),
        "{:?}",
        s.warnings
    );
    let s = open("cid,score\n1,10\n7,20\n");
    assert!(
        warned(
            &s,
            "survey.csv: 1 of its ids matches no customer (e.g. \"7\")"
        ),
        "{:?}",
        s.warnings
    );
    let s = open("cid,score\n1,10\n2,20\n");
    assert!(!warned(&s, "survey.csv"), "{:?}", s.warnings);
    // a repeated id's later row is no example of an id that matches no customer
    let first = ws.replace("[[data.join]]", "duplicate_ids = \"first\"\n[[data.join]]");
    std::fs::write(&path, &first).unwrap();
    std::fs::write(
        dir.path().join("survey.csv"),
        "cid,score\n1,10\n1,11\n7,20\n",
    )
    .unwrap();
    let s = Session::open(parse_workspace(&path, &first).unwrap()).unwrap();
    assert!(
        warned(
            &s,
            "survey.csv: 1 of its ids matches no customer (e.g. \"7\")"
        ),
        "{:?}",
        s.warnings
    );
}
