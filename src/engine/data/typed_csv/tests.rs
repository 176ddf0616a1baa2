//! The typed reader agrees with the general path (polars text, then inference), block by block.

use polars::prelude::*;

use super::records::split;
use super::*;
use crate::engine::data::infer::infer_column;

/// The general path: polars reads text, then each column is inferred.
fn general_with(
    text: &str,
    delim: u8,
) -> Vec<(Series, crate::engine::data::infer::Inferred, usize)> {
    let df = CsvReadOptions::default()
        .with_parse_options(CsvParseOptions::default().with_separator(delim))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
        .finish()
        .unwrap();
    df.columns()
        .iter()
        .map(|c| {
            let ic = infer_column(c.as_materialized_series(), &Default::default()).unwrap();
            (ic.series, ic.kind, ic.null_tokens)
        })
        .collect()
}

fn fast(text: &str) -> Option<Vec<(Series, crate::engine::data::infer::Inferred, usize)>> {
    fast_with(text, b',')
}

fn fast_with(
    text: &str,
    delim: u8,
) -> Option<Vec<(Series, crate::engine::data::infer::Inferred, usize)>> {
    let names = super::super::sniff::header(text, delim);
    let keep: Vec<usize> = (0..names.len()).collect();
    read_text(text, delim, &names, &keep, None, false).map(|v| {
        v.into_iter()
            .zip(&names)
            .map(|(ic, n)| (ic.values.into_series(n), ic.kind, ic.null_tokens))
            .collect()
    })
}

fn same_as_general(text: &str) {
    same_as_general_with(text, b',')
}

fn same_as_general_with(text: &str, delim: u8) {
    let f = fast_with(text, delim).expect("fast path taken");
    let g = general_with(text, delim);
    assert_eq!(f.len(), g.len());
    for ((fs, fk, ft), (gs, gk, gt)) in f.iter().zip(&g) {
        assert_eq!(fk, gk, "{}", fs.name());
        assert_eq!(ft, gt, "{}", fs.name());
        assert_eq!(fs.dtype(), gs.dtype(), "{}", fs.name());
        assert!(fs.equals_missing(gs), "{}: {fs:?} vs {gs:?}", fs.name());
    }
}

#[test]
fn types_change_part_way_as_in_the_general_path() {
    same_as_general(
        "id,n,x,d,t,b,e,q\n1,5,1,2024-01-02,a,TRUE,,\"x, y\"\n2,NA,2.5,2024-01-03 10:00:00,b,false,,\"say \"\"hi\"\"\"\n\
         3, 7 ,C3,NA,  ,true,,z\r\n",
    );
    // an ambiguous date pattern resolved by a later row; an integer column turned text
    same_as_general("d,k\n01/02/2011,1\n12/31/2010,007\n");
}

#[test]
fn many_chunks_agree_with_one() {
    let mut text = String::from("id,v,w\n");
    for i in 0..120_000 {
        let w = if i == 90_000 {
            "x".to_string()
        } else {
            i.to_string()
        };
        let v = if i % 7 == 0 {
            "1.5".to_string()
        } else {
            i.to_string()
        };
        text.push_str(&format!("{i},{v},{w}\n"));
    }
    let body = &text.as_bytes()[7..];
    assert_eq!(split(body, 4).unwrap().len(), 4);
    // quoted text is cut between records too, never inside a quoted newline
    let quoted = text.replace(",1.5,", ",\"1.\n5\",");
    let cuts = split(&quoted.as_bytes()[7..], 4).unwrap();
    assert_eq!(cuts.len(), 4);
    for (a, _) in &cuts[1..] {
        assert!(
            quoted.as_bytes()[7 + a - 2] != b'.',
            "cut inside quotes at {a}"
        );
    }
    same_as_general(&text);
}

/// Every file read both ways: the typed reader (when it takes the file) must read what the
/// general path reads.
fn read_the_same_both_ways(dir: &std::path::Path, files: &[&str]) {
    for f in files {
        let path = dir.join(f);
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bytes = super::super::read::gunzip(&path, raw).unwrap();
        let text = String::from_utf8(bytes).expect("UTF-8 dataset");
        let delim = super::super::sniff::sniff_delimiter(text.as_bytes());
        same_as_general_with(&text, delim);
    }
}

#[test]
fn committed_fixtures_read_the_same_both_ways() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    read_the_same_both_ways(
        &dir,
        &[
            "bank_500.csv",
            "marketing_campaign_600.csv",
            "online_retail_3000.csv.gz",
            "people.csv",
            "spaced_headers.csv",
            "shop/orders.csv",
        ],
    );
}

#[test]
#[ignore = "needs the real datasets (STRATA_DATASETS)"]
fn real_datasets_read_the_same_both_ways() {
    let dir = std::env::var_os("STRATA_DATASETS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets")
        });
    assert!(
        dir.join("online_retail").is_dir(),
        "this test needs the real datasets, and {} has none: set STRATA_DATASETS",
        dir.display()
    );
    read_the_same_both_ways(
        &dir,
        &[
            "bank_marketing/bank.csv",
            "mall_customers/mall_customers.csv",
            "marketing_campaign/marketing_campaign.csv",
            "rfm_package_fixture/rfm_data_customer.csv",
            "rfm_package_fixture/rfm_data_orders.csv",
            "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv",
            "wholesale_customers/wholesale_customers.csv",
            "online_retail/online_retail.csv.gz",
        ],
    );
}

#[test]
fn unusual_text_takes_the_general_path() {
    assert!(fast("a,b\n1,2\n3\n").is_none(), "ragged row");
    assert!(fast("a,b\n1,2\n\n3,4\n").is_none(), "blank line inside");
    assert!(fast("a,b\n1,x\"y\n").is_none(), "quote inside a field");
    assert!(fast("a,b\n1,2\n\n").is_some(), "blank lines at the end");
    assert!(fast("a,b\n1,\"open\n").is_none(), "open quote");
    // found by the differential fuzzer: polars does not keep a lone carriage return
    assert!(fast("a,b\n1\r,2\n").is_none(), "a return inside a row");
    assert!(fast("a,b\r\n1,2\r\n").is_some(), "CRLF line ends");
}

#[test]
fn records_cross_block_boundaries_whole() {
    // blocks are 16 KB in tests: long quoted values with newlines and a BOM cross them
    let mut text = String::from("\u{feff}id,note,n\n");
    for i in 0..3000 {
        let note = if i % 97 == 0 {
            format!("\"line one\nline \"\"two\"\" {}\"", "x".repeat(i % 300))
        } else {
            format!("n{}", i % 13)
        };
        text.push_str(&format!("{i},{note},{}\r\n", i as f64 / 4.0));
    }
    let body = text.strip_prefix('\u{feff}').unwrap();
    same_as_general(body);
    let names = vec!["id".to_string(), "note".into(), "n".into()];
    let with_bom = read_text(&text, b',', &names, &[0, 1, 2], None, false).unwrap();
    let without = read_text(body, b',', &names, &[0, 1, 2], None, false).unwrap();
    for (a, b) in with_bom.iter().zip(&without) {
        assert_eq!(a.values, b.values);
    }
}

#[test]
fn a_type_change_late_in_the_file_reads_the_column_again() {
    // the integer column turns text in the last block, the date pattern flips part way
    let mut text = String::from("k,d\n");
    for i in 0..5000 {
        text.push_str(&format!("{},01/02/2011\n", i + 1));
    }
    text.push_str("007,12/31/2010\n");
    same_as_general(&text);
    let names = vec!["k".to_string(), "d".into()];
    let cols = read_text(&text, b',', &names, &[0, 1], None, false).unwrap();
    assert_eq!(cols[0].kind, crate::engine::data::infer::Inferred::Text);
    assert_eq!(
        cols[1].kind,
        crate::engine::data::infer::Inferred::Date("%m/%d/%Y".into())
    );
}

#[test]
fn header_only_and_kept_columns() {
    let names = vec!["a".to_string(), "b".into(), "c".into()];
    let cols = read_text("a,b,c\n", b',', &names, &[0, 2], None, false).unwrap();
    assert_eq!(cols.len(), 2);
    assert!(cols.iter().all(|c| c.values.is_empty()));
    let cols = read_text("a,b,c\n1,x,2.5\n", b',', &names, &[0, 2], None, false).unwrap();
    assert_eq!(cols[0].values, Values::Int(vec![Some(1)].into()));
    assert_eq!(cols[1].values, Values::Float(vec![Some(2.5)].into()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Whenever the typed reader takes a file, it reads exactly what the general path reads.
    #[test]
    fn typed_reader_agrees_with_the_general_path(
        rows in proptest::collection::vec(proptest::collection::vec(0usize..22, 3), 1..400),
        crlf in proptest::bool::ANY,
    ) {
        const CELLS: [&str; 22] = [
            "", " ", "NA", "null", "-", "1", "-0", "007", "42", "1.5", "-2.25e3", "1e400",
            "TRUE", "false", "2024-01-02", "2024-01-02 10:30:00", "01/02/2011", "12/31/2010",
            "x", "\"q, r\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"",
        ];
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("a,b,c{eol}");
        for r in &rows {
            let cells: Vec<&str> = r.iter().map(|&k| CELLS[k]).collect();
            text.push_str(&cells.join(","));
            text.push_str(eol);
        }
        if fast(&text).is_some() {
            same_as_general(&text);
        }
    }

    /// Finding a field's end a word at a time finds the first stop byte, as a byte loop does.
    #[test]
    fn word_scan_finds_the_first_stop(
        bytes in proptest::collection::vec(proptest::sample::select(
            vec![b'a', b'\t', b',', b';', b'\n', b'\r', b'"', 0x80, 0xC3, 0xFF, 0x00, 0x2B, 0x2D]), 0..40),
        delim in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
    ) {
        let slot = [Some(0)];
        let shape = super::records::Shape::new("", delim, 1, &slot);
        let expected = bytes.iter().position(|&c| [delim, b'\n', b'\r', b'"'].contains(&c));
        proptest::prop_assert_eq!(shape.stop_in(&bytes), expected);
    }

    /// Finding fields by bit masks gives the same fields, and refuses the same texts, as
    /// reading field by field: blank lines, short and long rows, a missing last newline, a
    /// row ending in a delimiter, empty fields, multi-byte text, any block boundary.
    #[test]
    fn mask_scan_reads_the_fields_a_field_by_field_scan_reads(
        bytes in proptest::collection::vec(proptest::sample::select(
            vec!["a", "7", "é", "xyz", ",", ";", "\t", "\n", "\n\n", "12345678901"]), 0..120),
        delim in proptest::sample::select(vec![b',', b';', b'\t']),
        ncols in 1usize..5,
        keep in proptest::collection::vec(proptest::bool::ANY, 5),
        cut in 0usize..200,
        at_end in proptest::bool::ANY,
    ) {
        use super::records::{Shape, each_field_by_field, each_plain_field};
        let text: String = bytes.concat();
        // start at a record boundary, as chunks do
        let a = text.as_bytes()[..cut.min(text.len())]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let keep: Vec<usize> = (0..ncols).filter(|&c| keep[c]).collect();
        let slot = Shape::slots(ncols, &keep);
        let shape = Shape::new(&text, delim, ncols, &slot);
        let (mut plain, mut general) = (vec![], vec![]);
        let p = each_plain_field(&shape, a, text.len(), at_end, |s, v| {
            plain.push((s, v.map(|v| v.into_owned())))
        });
        let g = each_field_by_field(&shape, a, text.len(), at_end, |s, v| {
            general.push((s, v.map(|v| v.into_owned())))
        });
        proptest::prop_assert_eq!(p, g);
        if g.is_some() {
            proptest::prop_assert_eq!(plain, general);
        }
    }
}

/// Thousands of distinct words spread over many blocks and chunks: each chunk's dictionary is
/// merged into one, every word kept once, every row still reading its own word.
#[test]
fn many_distinct_words_across_blocks_keep_their_rows() {
    let rows = 20_000;
    let word = |i: usize| (!i.is_multiple_of(7)).then(|| format!("n{}", (i * 7919) % 5003));
    let mut text = String::from("id,name\n");
    for i in 0..rows {
        text.push_str(&format!("{i},{}\n", word(i).unwrap_or_default()));
    }
    let names = vec!["id".to_string(), "name".to_string()];
    let cols = read_text(&text, b',', &names, &[1], None, false).unwrap();
    let Values::Text { codes, dict } = &cols[0].values else {
        panic!("a text column")
    };
    let distinct: std::collections::HashSet<&str> = dict.iter().collect();
    assert_eq!(distinct.len(), dict.len(), "each word once");
    assert_eq!(codes.len(), rows);
    for (i, &c) in codes.iter().enumerate() {
        let got = (c != NO_CODE).then(|| dict[c as usize].to_string());
        assert_eq!(got, word(i), "row {i}");
    }
}

#[test]
fn headers_with_doubled_or_stray_quotes_go_to_the_general_path() {
    // found by the differential fuzzer: polars names such columns differently
    assert!(!header_is_plain("a,\"say \"\"x\"\"\"\n1,2\n", b',', 2));
    assert!(!header_is_plain("/;79;1ry\";\"no\"y2", b';', 4));
    assert!(header_is_plain("\"id\",\"full name\"\n1,x\n", b',', 2));
    assert!(
        fast("a,\"b \"\"q\"\"\"\n1,2\n").is_some(),
        "read_text itself takes it"
    );
}
