//! Inference and the value readers agree with the standard ones, edge by edge.

use super::read::simple_decimal;
use super::*;

fn infer(vals: &[Option<&str>]) -> InferredColumn {
    let s = Series::new(
        "c".into(),
        vals.iter()
            .map(|v| v.map(str::to_string))
            .collect::<Vec<_>>(),
    );
    infer_column(&s, &Default::default()).unwrap()
}

#[test]
fn integers_and_leading_zeros() {
    assert_eq!(infer(&[Some("1"), Some("-20"), None]).kind, Inferred::Int);
    assert_eq!(infer(&[Some("1"), Some("00001")]).kind, Inferred::Text);
    assert_eq!(infer(&[Some("0"), Some("10")]).kind, Inferred::Int);
}

#[test]
fn whole_column_decides() {
    // one invoice number starting with C keeps the column text, wherever it stands
    let mut v: Vec<Option<&str>> = vec![Some("536365"); 5000];
    v.push(Some("C536543"));
    assert_eq!(infer(&v).kind, Inferred::Text);
}

#[test]
fn floats_but_not_overflow_or_nan_words() {
    let c = infer(&[Some("1.5"), Some("2"), Some(" "), Some("NA")]);
    assert_eq!(c.kind, Inferred::Float);
    assert_eq!(c.null_tokens, 1);
    assert_eq!(c.series.null_count(), 2);
    assert_eq!(infer(&[Some("1e400"), Some("2")]).kind, Inferred::Text);
    assert_eq!(infer(&[Some("thirty"), Some("2")]).kind, Inferred::Text);
    assert_eq!(infer(&[Some("inf")]).kind, Inferred::Text);
}

#[test]
fn decimal_comma() {
    let s = Series::new("c".into(), vec!["1,5", "2"]);
    let c = infer_column(
        &s,
        &crate::engine::data::ReadOptions {
            decimal_comma: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c.kind, Inferred::Float);
    assert_eq!(c.series.f64().unwrap().get(0), Some(1.5));
    // dots group thousands, in threes; a dot anywhere else is no number there
    let read = |t: &str| read::parse_float(t, true);
    assert_eq!(read("1.234,50"), Some(1234.5));
    assert_eq!(read("-12.345.678,9"), Some(-12345678.9));
    assert_eq!(read("1.234"), Some(1234.0));
    for bad in [
        "20.00",
        "1.23,5",
        "1234.567,1",
        ".123,4",
        "1..234,5",
        "1.234.5",
        "1,234.50",
        "1,2.5",
    ] {
        assert_eq!(read(bad), None, "{bad}");
    }
}

#[test]
fn dates_in_several_formats() {
    assert_eq!(
        infer(&[Some("2024-01-31"), Some("2023-12-01")]).kind,
        Inferred::Date("%Y-%m-%d".into())
    );
    let c = infer(&[Some("2010-12-01 08:26:00"), Some("2010-12-01")]);
    assert_eq!(c.kind, Inferred::Datetime("%Y-%m-%d".into()));
    assert_eq!(
        infer(&[Some("04-09-2012"), Some("21-08-2014")]).kind,
        Inferred::Date("%d-%m-%Y".into())
    );
    let us = infer(&[Some("12/31/2010"), Some("1/2/2011")]);
    assert_eq!(us.kind, Inferred::Date("%m/%d/%Y".into()));
    let amb = infer(&[Some("01/02/2011")]);
    assert_eq!(amb.kind, Inferred::Date("%d/%m/%Y".into()));
    assert_eq!(amb.ambiguous_with, vec!["%m/%d/%Y".to_string()]);
    assert_eq!(infer(&[Some("2024-13-01")]).kind, Inferred::Text);
}

#[test]
fn user_date_format() {
    let s = Series::new("c".into(), vec!["31|01|2024"]);
    let c = infer_column(
        &s,
        &crate::engine::data::ReadOptions {
            date_format: Some("%d|%m|%Y".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c.kind, Inferred::Date("%d|%m|%Y".into()));
}

proptest::proptest! {
    /// The quick readers give exactly what the standard library and chrono give.
    #[test]
    fn quick_number_and_date_readers_agree_with_the_standard_ones(
        i in proptest::num::i64::ANY,
        m in 0u64..1_000_000_000_000_000,
        frac in 0usize..16,
        days in -700_000i64..2_900_000,
        secs in 0u32..86_400,
        milli in 0u32..1000,
    ) {
        let t = i.to_string();
        proptest::prop_assert_eq!(parse_int(&t), Some(i));
        let mut d = m.to_string();
        if frac > 0 && frac < d.len() {
            d.insert(d.len() - frac, '.');
        }
        for text in [d.clone(), format!("-{d}")] {
            let std: Option<f64> = text.parse().ok();
            proptest::prop_assert_eq!(simple_decimal(&text).map(f64::to_bits), std.map(f64::to_bits), "{}", text);
        }
        let date = epoch() + chrono::Duration::days(days);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, milli * 1_000_000).unwrap();
        let want = date.and_time(time).and_utc().timestamp_millis();
        proptest::prop_assert_eq!(millis(date, Some(time)), want);
        proptest::prop_assert_eq!(millis(date, None), date.and_time(NaiveTime::MIN).and_utc().timestamp_millis());
    }
}

/// ISO dates read without chrono are the days chrono gives, and the same texts are refused:
/// month 0 or 13, 31 April, 29 February of a year that is not leap (1900, 2100), years
/// below 1000, a stray byte anywhere.
#[test]
fn quick_iso_dates_agree_with_chrono() {
    let years = [
        0, 999, 1000, 1001, 1004, 1600, 1700, 1900, 1970, 1999, 2000, 2024, 2100,
    ];
    for y in years.into_iter().chain([2400, 9999]) {
        for m in 0..=13 {
            for d in 0..=32 {
                let t = format!("{y:04}-{m:02}-{d:02}");
                let mut texts = vec![t.clone()];
                if d == 15 {
                    texts.extend((0..10).map(|k| {
                        let mut s = t.clone();
                        s.replace_range(k..k + 1, "x");
                        s
                    }));
                }
                for t in texts {
                    let want = parse_dt(&t, "%Y-%m-%d").map(|(date, time)| millis(date, time));
                    assert_eq!(iso_day(t.as_bytes()).map(|d| d * MS_PER_DAY), want, "{t}");
                }
            }
        }
    }
}

#[test]
fn cleaning_trims_exactly_what_trim_does() {
    // found by the differential fuzzer: a vertical tab alone is blank
    for v in ["\u{b}", " x", "x\u{b}", "\u{c}y", "\u{a0}z", "plain", "\t"] {
        assert_eq!(
            clean(Some(v)),
            Some(v.trim()).filter(|t| !t.is_empty()),
            "{v:?}"
        );
    }
}

#[test]
fn integer_text_edges() {
    assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
    assert_eq!(parse_int("9223372036854775808"), None);
    assert_eq!(parse_int("-"), None);
    assert_eq!(parse_int("-0"), Some(0));
    assert_eq!(parse_int("+1"), None);
    // the unchecked path (up to 18 digits) and the checked one meet exactly
    assert_eq!(
        parse_int("999999999999999999"),
        Some(999_999_999_999_999_999)
    );
    assert_eq!(
        parse_int("-999999999999999999"),
        Some(-999_999_999_999_999_999)
    );
    assert_eq!(
        parse_int("1000000000000000000"),
        Some(1_000_000_000_000_000_000)
    );
    assert_eq!(parse_int("12a"), None);
    assert_eq!(parse_int("1é"), None);
    assert_eq!(parse_int("1/2"), None);
    assert_eq!(parse_int("1:2"), None);
    assert_eq!(simple_decimal("5."), None);
    assert_eq!(simple_decimal(".5"), Some(0.5));
    assert_eq!(simple_decimal("1.2.3"), None);
}

#[test]
fn booleans() {
    assert_eq!(infer(&[Some("TRUE"), Some("false")]).kind, Inferred::Bool);
}

/// What chrono reads a time as, with the patterns [`parse_dt`] falls back to.
fn chrono_time(t: &str) -> Option<NaiveTime> {
    read::TIME_FORMATS
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
}

/// The quick time reader takes the common shapes, and never reads a time otherwise than
/// chrono would (what it leaves, chrono still reads).
#[test]
fn quick_times_agree_with_chrono() {
    for h in ["00", "07", "23", "24", "7", "x7"] {
        for m in ["00", "59", "60", "5"] {
            for s in ["", ":00", ":59", ":60", ":5", ":"] {
                for f in ["", ".", ".5", ".123456789", ".1234567891", ".12x", "Z"] {
                    let t = format!("{h}:{m}{s}{f}");
                    let quick = read::plain_time(t.as_bytes());
                    if quick.is_some() {
                        assert_eq!(quick, chrono_time(&t), "{t}");
                    }
                }
            }
        }
    }
    for t in ["08:26", "08:26:00", "23:59:59.5", "00:00:00.123456789"] {
        assert!(read::plain_time(t.as_bytes()).is_some(), "{t}");
    }
}

proptest::proptest! {
    /// On any text of digits, colons and dots, the quick time reader is chrono or silent.
    #[test]
    fn quick_times_never_differ_from_chrono(t in "[0-9:.]{0,20}") {
        if let Some(q) = read::plain_time(t.as_bytes()) {
            proptest::prop_assert_eq!(Some(q), chrono_time(&t), "{}", t);
        }
    }
}

/// ISO 8601 date-times with an offset (Z, +02:00, -0530, +01) read as their UTC time, the day
/// moving with it; offsets out of range, or half written, are refused.
#[test]
fn date_times_with_an_offset_read_as_utc() {
    let at = |t: &str| parse_dt(t, "%Y-%m-%d").map(|(d, t)| d.and_time(t.unwrap()).to_string());
    assert_eq!(
        at("2024-01-05T10:00:00Z").as_deref(),
        Some("2024-01-05 10:00:00")
    );
    assert_eq!(
        at("2024-03-01T01:00:00+02:00").as_deref(),
        Some("2024-02-29 23:00:00")
    );
    assert_eq!(
        at("2024-01-05 10:00:00-0530").as_deref(),
        Some("2024-01-05 15:30:00")
    );
    assert_eq!(
        at("2024-12-31T23:30+01").as_deref(),
        Some("2024-12-31 22:30:00")
    );
    assert_eq!(
        at("2024-01-05T10:00:00.250Z").as_deref(),
        Some("2024-01-05 10:00:00.250")
    );
    for bad in [
        "2024-01-05T10:00:00+15:00",
        "2024-01-05T10:00:00+02:60",
        "2024-01-05T10:00:00+2:00",
    ] {
        assert_eq!(at(bad), None, "{bad}");
    }
    // a column of them is read as date-times
    let c = infer(&[
        Some("2024-01-05T10:00:00Z"),
        Some("2024-03-01T12:00:00+02:00"),
    ]);
    assert!(matches!(c.kind, Inferred::Datetime(_)), "{:?}", c.kind);
}

/// pandas' lower-case `n/a` and its `<NA>` are missing markers too (they were bad values).
#[test]
fn lower_case_and_pandas_markers_are_missing() {
    let c = infer(&[Some("1"), Some("n/a"), Some("<NA>"), Some("3")]);
    assert_eq!(c.kind, Inferred::Int);
    assert_eq!(c.null_tokens, 2);
}

/// A word read again as a number takes one sign and needs a digit: "+-5", "++5", "+" and "."
/// are no numbers (they were read as -5, 5 and missing).
#[test]
fn lenient_numbers_take_one_sign_and_a_digit() {
    for bad in ["+-5", "++5", "--5", "-+5", "+", "-", ".", "+."] {
        assert_eq!(lenient_number(bad, false), None, "{bad}");
    }
    assert_eq!(lenient_number("+5", false), Some((5.0, true)));
    assert_eq!(lenient_number("-007.50", false), Some((-7.5, false)));
    assert_eq!(lenient_number(".5", false), Some((0.5, false)));
}
