//! Property tests of messy files: k bad cells anywhere are named by their lines, or read as
//! missing exactly as blanks would be.

use proptest::prelude::*;

use crate::engine::error::EngineError;
use crate::engine::eval::session::Session;
use crate::engine::out::summary::summary;
use crate::engine::rules::parse::parse_workspace;

/// One order line: customer, quantity, price, and whether its note has a newline in quotes.
type Line = (u8, u8, u16, bool);

/// The order log as text, with `bad` cells (row, column 0 = qty / 1 = price) replaced by `word`
/// (or blank when `word` is empty); and each row's line in the file.
fn log(rows: &[Line], bad: &[(usize, usize)], word: &str) -> (String, Vec<usize>) {
    let mut text = String::from("invoice,customer_id,date,note,qty,price\n");
    let mut lines = Vec::new();
    let mut line = 2;
    for (i, &(c, q, p, nl)) in rows.iter().enumerate() {
        lines.push(line);
        let note = if nl { "\"two\nlines\"" } else { "plain" };
        let cell = |col: usize, v: String| {
            if bad.contains(&(i, col)) {
                word.to_string()
            } else {
                v
            }
        };
        text.push_str(&format!(
            "I{i},{c},2024-0{}-1{},{note},{},{}\n",
            1 + i % 9,
            i % 10,
            cell(0, q.to_string()),
            cell(1, format!("{}.{:02}", p / 100, p % 100)),
        ));
        line += 1 + usize::from(nl);
    }
    (text, lines)
}

fn open(dir: &std::path::Path, text: &str, opts: &str) -> Result<Session, EngineError> {
    std::fs::write(dir.join("orders.csv"), text).unwrap();
    let ws = format!(
        "version = 1\n[data]\norders = {{ path = \"orders.csv\"{opts} }}\nas_of = \"2024-12-31\"\n\
         [columns]\ncustomer_id = \"customer_id\"\norder_id = \"invoice\"\norder_date = \"date\"\n\
         quantity = \"qty\"\nunit_price = \"price\"\n\
         [criteria.spend]\nstep = \"purchase_history\"\n\
         segments = [ {{ name = \"big\", when = \"revenue > 100\" }}, {{ name = \"rest\", when = \"TRUE\" }} ]\n"
    );
    let path = dir.join("w.strata.toml");
    std::fs::write(&path, &ws).unwrap();
    Session::open(parse_workspace(&path, &ws)?)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn k_bad_cells_are_named_by_line_or_read_as_blanks(
        rows in proptest::collection::vec((1u8..8, 1u8..20, 1u16..5000, proptest::bool::weighted(0.2)), 6..60),
        picks in proptest::collection::vec((0usize..1000, 0usize..2), 1..12),
        word in "[a-z]{1,6}",
    ) {
        let mut bad: Vec<(usize, usize)> = picks.iter().map(|&(r, c)| (r % rows.len(), c)).collect();
        bad.sort();
        bad.dedup();
        let dir = tempfile::tempdir().unwrap();
        let (text, lines) = log(&rows, &bad, &word);
        // the run stops, naming the first min(k, 5) in file order
        let err = open(dir.path(), &text, "").err().expect("bad values stop a run").to_string();
        let mut want: Vec<usize> = bad.iter().map(|&(r, _)| lines[r]).collect();
        want.sort();
        want.truncate(5);
        let named: Vec<usize> = err
            .lines()
            .filter_map(|l| l.strip_prefix("  line ")?.split(',').next()?.parse().ok())
            .collect();
        prop_assert_eq!(&named, &want, "{}", err);
        prop_assert!(err.contains(&format!("{} bad value", bad.len())), "{}", err);
        // read as missing, the totals are those of the file with the cells blanked
        let s = open(dir.path(), &text, ", bad_values = \"missing\"").unwrap();
        let (blank, _) = log(&rows, &bad, "");
        let b = open(dir.path(), &blank, "").unwrap();
        let (got, clean) = (summary(&s), summary(&b));
        prop_assert_eq!(&got["value_total"], &clean["value_total"]);
        prop_assert_eq!(&got["criteria"], &clean["criteria"]);
        prop_assert_eq!(s.quality[0].bad_value_count(), bad.len());
    }
}
