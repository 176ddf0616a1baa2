//! Type inference over whole text columns: integer, float, boolean, date, datetime or text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use polars::prelude::*;

/// What a text column turned out to hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Inferred {
    Int,
    Float,
    Bool,
    Date(String),
    Datetime(String),
    Text,
}

/// Date patterns tried, in order; the first that reads every value wins.
const DATE_FORMATS: [&str; 6] = [
    "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
];
const TIME_FORMATS: [&str; 3] = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"];

/// Tokens that mean "missing" in exports from other tools; read as null in numeric and date columns.
pub const NULL_TOKENS: [&str; 9] = [
    "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "#N/A", "-",
];

pub(crate) fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Plain integer text: optional `-`, digits, no leading zero (so `007` stays text), fits in i64.
fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

fn has_leading_zero(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s).as_bytes();
    d.len() > 1 && d[0] == b'0' && d[1].is_ascii_digit()
}

/// A finite decimal number; `inf`, `NaN` and overflowing values such as `1e400` are not numbers.
fn parse_float(s: &str, decimal_comma: bool) -> Option<f64> {
    if has_leading_zero(s) {
        return None;
    }
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E' | b','));
    if !ok || !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = if decimal_comma {
        if s.contains('.') {
            return None;
        }
        s.replace(',', ".").parse().ok()?
    } else {
        if s.contains(',') {
            return None;
        }
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Fast path for ISO `YYYY-MM-DD`.
fn parse_iso_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

/// A date or date-time in the given date pattern, with an optional time after a space or `T`.
fn parse_dt(s: &str, fmt: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let (d, t) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let date = if fmt == "%Y-%m-%d" {
        parse_iso_date(d.as_bytes())?
    } else {
        NaiveDate::parse_from_str(d, fmt).ok()?
    };
    // a four-digit year is required: "%Y" alone would accept "24"
    if !(1000..=9999).contains(&chrono::Datelike::year(&date)) {
        return None;
    }
    match t {
        None => Some((date, None)),
        Some(t) => TIME_FORMATS
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
            .map(|time| (date, Some(time))),
    }
}

/// With a user format: the whole text as a date-time, or as a date.
fn parse_with_user_format(s: &str, fmt: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
        return Some((dt.date(), Some(dt.time())));
    }
    NaiveDate::parse_from_str(s, fmt).ok().map(|d| (d, None))
}

fn clean(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// The result of inferring one column: the typed series and a note on how it was read.
pub struct InferredColumn {
    pub series: Series,
    pub kind: Inferred,
    /// Values read as missing because they were a null token (`NA`, `NaN`, ...).
    pub null_tokens: usize,
    /// When a date pattern was chosen among several that fit, the others.
    pub ambiguous_with: Vec<String>,
}

/// Infer the type of a text column from every value and convert it.
pub fn infer_column(
    s: &Series,
    date_format: Option<&str>,
    decimal_comma: bool,
) -> PolarsResult<InferredColumn> {
    let ca = s.str()?;
    let name = s.name().clone();
    let (mut int_ok, mut float_ok, mut bool_ok) = (true, true, true);
    let formats: Vec<&str> = match date_format {
        Some(f) => vec![f],
        None => DATE_FORMATS.to_vec(),
    };
    let mut date_ok = vec![true; formats.len()];
    let mut any_time = vec![false; formats.len()];
    let (mut non_null, mut tokens, mut blanks) = (0usize, 0usize, 0usize);
    for v in ca.iter() {
        let Some(raw) = v else { continue };
        let Some(t) = clean(Some(raw)) else {
            blanks += 1;
            continue;
        };
        if NULL_TOKENS.contains(&t) {
            tokens += 1;
            continue;
        }
        non_null += 1;
        if int_ok && parse_int(t).is_none() {
            int_ok = false;
        }
        if float_ok && !int_ok && parse_float(t, decimal_comma).is_none() {
            float_ok = false;
        }
        if bool_ok && parse_bool(t).is_none() {
            bool_ok = false;
        }
        for (i, f) in formats.iter().enumerate() {
            if date_ok[i] {
                let p = if date_format.is_some() {
                    parse_with_user_format(t, f)
                } else {
                    parse_dt(t, f)
                };
                match p {
                    Some((_, time)) => any_time[i] |= time.is_some(),
                    None => date_ok[i] = false,
                }
            }
        }
        if !int_ok && !float_ok && !bool_ok && !date_ok.iter().any(|x| *x) {
            break;
        }
    }
    let float_ok = float_ok
        && (int_ok || {
            // re-check every value as float when the column stopped being integer part way
            ca.iter()
                .filter_map(clean)
                .filter(|t| !NULL_TOKENS.contains(t))
                .all(|t| parse_float(t, decimal_comma).is_some())
        });
    let mut out = InferredColumn {
        series: s.clone(),
        kind: Inferred::Text,
        null_tokens: 0,
        ambiguous_with: vec![],
    };
    if non_null == 0 {
        if blanks > 0 {
            out.series = Series::new(
                name,
                ca.iter()
                    .map(|v| clean(v).map(str::to_string))
                    .collect::<Vec<_>>(),
            );
        }
        return Ok(out);
    }
    let values = || {
        ca.iter()
            .map(|v| clean(v).filter(|t| !NULL_TOKENS.contains(t)))
    };
    if int_ok {
        out.series = Series::new(
            name,
            values().map(|v| v.and_then(parse_int)).collect::<Vec<_>>(),
        );
        out.kind = Inferred::Int;
    } else if float_ok {
        out.series = Series::new(
            name,
            values()
                .map(|v| v.and_then(|t| parse_float(t, decimal_comma)))
                .collect::<Vec<_>>(),
        );
        out.kind = Inferred::Float;
    } else if bool_ok {
        out.series = Series::new(
            name,
            values().map(|v| v.and_then(parse_bool)).collect::<Vec<_>>(),
        );
        out.kind = Inferred::Bool;
    } else if let Some(i) = date_ok.iter().position(|x| *x) {
        let f = formats[i];
        out.ambiguous_with = formats
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i && date_ok[*j])
            .map(|(_, f)| f.to_string())
            .collect();
        let parse = |t: &str| {
            if date_format.is_some() {
                parse_with_user_format(t, f)
            } else {
                parse_dt(t, f)
            }
        };
        let ep = epoch();
        if any_time[i] {
            let v: Vec<Option<i64>> = values()
                .map(|v| {
                    v.and_then(parse).map(|(d, t)| {
                        d.and_time(t.unwrap_or_default())
                            .and_utc()
                            .timestamp_millis()
                    })
                })
                .collect();
            out.series = Series::new(name, v).into_datetime(TimeUnit::Milliseconds, None);
            out.kind = Inferred::Datetime(f.to_string());
        } else {
            let v: Vec<Option<i32>> = values()
                .map(|v| v.and_then(parse).map(|(d, _)| (d - ep).num_days() as i32))
                .collect();
            out.series = Series::new(name, v).into_date();
            out.kind = Inferred::Date(f.to_string());
        }
    } else {
        // text: blanks become missing, null tokens stay as written
        if blanks > 0 {
            out.series = Series::new(
                name,
                ca.iter()
                    .map(|v| clean(v).map(|_| v.unwrap_or_default().to_string()))
                    .collect::<Vec<_>>(),
            );
        }
        return Ok(out);
    }
    out.null_tokens = tokens;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(vals: &[Option<&str>]) -> InferredColumn {
        let s = Series::new(
            "c".into(),
            vals.iter()
                .map(|v| v.map(str::to_string))
                .collect::<Vec<_>>(),
        );
        infer_column(&s, None, false).unwrap()
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
        let c = infer_column(&s, None, true).unwrap();
        assert_eq!(c.kind, Inferred::Float);
        assert_eq!(c.series.f64().unwrap().get(0), Some(1.5));
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
        let c = infer_column(&s, Some("%d|%m|%Y"), false).unwrap();
        assert_eq!(c.kind, Inferred::Date("%d|%m|%Y".into()));
    }

    #[test]
    fn booleans() {
        assert_eq!(infer(&[Some("TRUE"), Some("false")]).kind, Inferred::Bool);
    }
}
