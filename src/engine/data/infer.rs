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
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let d = digits.as_bytes();
    if d.is_empty() || (d.len() > 1 && d[0] == b'0') {
        return None;
    }
    if d.len() <= 18 {
        // at most 18 digits cannot overflow: no check per digit
        let mut v: i64 = 0;
        for &b in d {
            let x = b.wrapping_sub(b'0');
            if x > 9 {
                return None;
            }
            v = v * 10 + i64::from(x);
        }
        return Some(if neg { -v } else { v });
    }
    // accumulate negatively so that i64::MIN fits
    let mut v: i64 = 0;
    for &b in d {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    if neg { Some(v) } else { v.checked_neg() }
}

/// Plain decimals (`-123.45`, at most 15 digits): the digits as an integer divided by a power
/// of ten, which is exact and correctly rounded (both fit a double exactly); `None` otherwise.
fn simple_decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b.as_bytes()),
        None => (false, s.as_bytes()),
    };
    let (mut m, mut digits, mut frac, mut dot) = (0u64, 0usize, 0usize, false);
    for &b in body {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                digits += 1;
                frac += usize::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 || (dot && frac == 0) {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
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
    // most numbers are plain decimals: read those before checking for exponents and commas
    if !decimal_comma && let Some(v) = simple_decimal(s) {
        return Some(v);
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

/// `YYYY-MM-DD` with a four-digit year from 1000 (as [`parse_dt`] requires) as days since
/// 1970-01-01; `None` for anything else, or a day the month does not have.
fn iso_day(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| -> Option<i64> {
        r.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if y < 1000 || d < 1 || d > days_in_month {
        return None;
    }
    // days from civil (H. Hinnant's algorithm), years starting in March
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
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
    let s = v?;
    // most values have nothing to trim: a byte at each end that is neither ASCII space nor
    // the start or end of a multi-byte character (where Unicode spaces would be)
    let b = s.as_bytes();
    // (`char::is_whitespace`, as `trim` uses, and not `is_ascii_whitespace`, which leaves out
    // the vertical tab)
    let plain = |c: u8| c < 0x80 && !(c as char).is_whitespace();
    if !b.is_empty() && plain(b[0]) && plain(b[b.len() - 1]) {
        return Some(s);
    }
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// A null token, tested cheaply first by length (most values are not one).
fn is_null_token(t: &str) -> bool {
    t.len() <= 4
        && matches!(t.as_bytes().first(), Some(b'N' | b'n' | b'#' | b'-'))
        && NULL_TOKENS.contains(&t)
}

/// One raw field as inference sees it.
pub(crate) enum Cell<'s> {
    /// No value, or only spaces.
    Blank,
    /// A word such as `NA` that means "missing" in numeric and date columns.
    Token,
    /// A value, trimmed.
    Value(&'s str),
}

impl<'s> Cell<'s> {
    pub fn value(&self) -> Option<&'s str> {
        match self {
            Cell::Value(t) => Some(t),
            _ => None,
        }
    }
}

pub(crate) fn cell(v: Option<&str>) -> Cell<'_> {
    match clean(v) {
        None => Cell::Blank,
        Some(t) if is_null_token(t) => Cell::Token,
        Some(t) => Cell::Value(t),
    }
}

/// How values are read: the date patterns tried and the decimal mark.
pub(crate) struct Reading<'a> {
    formats: Vec<&'a str>,
    user_format: bool,
    decimal_comma: bool,
}

impl<'a> Reading<'a> {
    pub fn new(date_format: Option<&'a str>, decimal_comma: bool) -> Reading<'a> {
        Reading {
            formats: match date_format {
                Some(f) => vec![f],
                None => DATE_FORMATS.to_vec(),
            },
            user_format: date_format.is_some(),
            decimal_comma,
        }
    }

    /// [`Reading::date`] as milliseconds since 1970, noting in `any_time` a time of day; ISO
    /// dates are read without going through a calendar type.
    fn date_millis(&self, t: &str, i: usize, any_time: &mut bool) -> Option<i64> {
        if !self.user_format && self.formats[i] == "%Y-%m-%d" && t.len() == 10 {
            return iso_day(t.as_bytes()).map(|d| d * MS_PER_DAY);
        }
        let (d, time) = self.date(t, i)?;
        *any_time |= time.is_some();
        Some(millis(d, time))
    }

    fn date(&self, t: &str, i: usize) -> Option<(NaiveDate, Option<NaiveTime>)> {
        if self.user_format {
            parse_with_user_format(t, self.formats[i])
        } else {
            parse_dt(t, self.formats[i])
        }
    }
}

/// The type a column is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    Int,
    Float,
    Bool,
    /// Date pattern index, and whether any value has a time of day.
    Date(usize, bool),
    Text,
}

/// One value read as the chosen type (dates as milliseconds since 1970).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Parsed {
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(usize, i64),
}

fn millis(d: NaiveDate, t: Option<NaiveTime>) -> i64 {
    /// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
    const EPOCH_FROM_CE: i64 = 719_163;
    let day = i64::from(chrono::Datelike::num_days_from_ce(&d)) - EPOCH_FROM_CE;
    let ms_of_day = t.map_or(0, |t| {
        i64::from(chrono::Timelike::num_seconds_from_midnight(&t)) * 1000
            + i64::from(chrono::Timelike::nanosecond(&t) / 1_000_000)
    });
    day * MS_PER_DAY + ms_of_day
}

pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// What the values seen so far allow a column to be.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    int_ok: bool,
    float_ok: bool,
    bool_ok: bool,
    date_ok: Vec<bool>,
    any_time: Vec<bool>,
    /// How many of `date_ok` are still true.
    dates_left: usize,
    pub non_null: usize,
    pub tokens: usize,
    pub blanks: usize,
}

impl Verdict {
    pub fn new(r: &Reading) -> Verdict {
        Verdict {
            int_ok: true,
            float_ok: true,
            bool_ok: true,
            date_ok: vec![true; r.formats.len()],
            any_time: vec![false; r.formats.len()],
            dates_left: r.formats.len(),
            non_null: 0,
            tokens: 0,
            blanks: 0,
        }
    }

    /// Take one non-missing value into account; returns it read as the first type still possible.
    pub fn observe(&mut self, t: &str, r: &Reading) -> Option<Parsed> {
        self.non_null += 1;
        // once one type is left, a value that fits it changes nothing but the count
        if !self.bool_ok && !self.int_ok && !self.float_ok && self.dates_left == 1 {
            let i = self
                .date_ok
                .iter()
                .position(|x| *x)
                .expect("one pattern left");
            if let Some(ms) = r.date_millis(t, i, &mut self.any_time[i]) {
                return Some(Parsed::Date(i, ms));
            }
        }
        if !self.bool_ok && self.dates_left == 0 {
            if self.int_ok {
                if let Some(v) = parse_int(t) {
                    return Some(Parsed::Int(v));
                }
            } else if self.float_ok {
                if let Some(v) = parse_float(t, r.decimal_comma) {
                    return Some(Parsed::Float(v));
                }
            } else {
                return None;
            }
        }
        let first = self.observe_all(t, r);
        self.dates_left = self.date_ok.iter().filter(|x| **x).count();
        first
    }

    fn observe_all(&mut self, t: &str, r: &Reading) -> Option<Parsed> {
        let mut first = None;
        if self.int_ok {
            match parse_int(t) {
                Some(v) => first = Some(Parsed::Int(v)),
                None => self.int_ok = false,
            }
        }
        // an integer is always also a float, so floats are only tried on non-integers
        if self.float_ok && first.is_none() {
            match parse_float(t, r.decimal_comma) {
                Some(v) => first = Some(Parsed::Float(v)),
                None => self.float_ok = false,
            }
        }
        if self.bool_ok {
            match parse_bool(t) {
                Some(b) => {
                    first = first.or(Some(Parsed::Bool(b)));
                }
                None => self.bool_ok = false,
            }
        }
        for i in 0..self.date_ok.len() {
            if self.date_ok[i] {
                match r.date(t, i) {
                    Some((d, time)) => {
                        self.any_time[i] |= time.is_some();
                        first = first.or(Some(Parsed::Date(i, millis(d, time))));
                    }
                    None => self.date_ok[i] = false,
                }
            }
        }
        first
    }

    /// Combine with the verdict over other rows of the same column.
    pub fn merge(&mut self, o: &Verdict) {
        self.int_ok &= o.int_ok;
        self.float_ok &= o.float_ok;
        self.bool_ok &= o.bool_ok;
        for i in 0..self.date_ok.len() {
            self.date_ok[i] &= o.date_ok[i];
            self.any_time[i] |= o.any_time[i];
        }
        self.dates_left = self.date_ok.iter().filter(|x| **x).count();
        self.non_null += o.non_null;
        self.tokens += o.tokens;
        self.blanks += o.blanks;
    }

    /// The type every value seen fits (text when no value was seen).
    pub fn choice(&self) -> Choice {
        if self.non_null == 0 {
            Choice::Text
        } else if self.int_ok {
            Choice::Int
        } else if self.float_ok {
            Choice::Float
        } else if self.bool_ok {
            Choice::Bool
        } else if let Some(i) = self.date_ok.iter().position(|x| *x) {
            Choice::Date(i, self.any_time[i])
        } else {
            Choice::Text
        }
    }

    /// The inferred kind, and the other date patterns that also fit.
    pub fn kind(&self, r: &Reading) -> (Inferred, Vec<String>) {
        match self.choice() {
            Choice::Int => (Inferred::Int, vec![]),
            Choice::Float => (Inferred::Float, vec![]),
            Choice::Bool => (Inferred::Bool, vec![]),
            Choice::Text => (Inferred::Text, vec![]),
            Choice::Date(i, time) => {
                let f = r.formats[i].to_string();
                let others = (0..r.formats.len())
                    .filter(|&j| j != i && self.date_ok[j])
                    .map(|j| r.formats[j].to_string())
                    .collect();
                if time {
                    (Inferred::Datetime(f), others)
                } else {
                    (Inferred::Date(f), others)
                }
            }
        }
    }
}

/// Read one value as the chosen (non-text) type.
pub(crate) fn parse_as(choice: Choice, t: &str, r: &Reading) -> Option<Parsed> {
    match choice {
        Choice::Int => parse_int(t).map(Parsed::Int),
        Choice::Float => parse_float(t, r.decimal_comma).map(Parsed::Float),
        Choice::Bool => parse_bool(t).map(Parsed::Bool),
        Choice::Date(i, _) => r
            .date(t, i)
            .map(|(d, time)| Parsed::Date(i, millis(d, time))),
        Choice::Text => None,
    }
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

/// A typed series from values already read as `choice` (`None` for missing).
pub(crate) fn typed_series(
    name: PlSmallStr,
    choice: Choice,
    vals: impl Iterator<Item = Option<Parsed>>,
) -> Series {
    match choice {
        Choice::Int => Series::new(
            name,
            vals.map(|v| match v {
                Some(Parsed::Int(x)) => Some(x),
                _ => None,
            })
            .collect::<Vec<_>>(),
        ),
        Choice::Float => Series::new(
            name,
            vals.map(|v| match v {
                Some(Parsed::Float(x)) => Some(x),
                Some(Parsed::Int(x)) => Some(x as f64),
                _ => None,
            })
            .collect::<Vec<_>>(),
        ),
        Choice::Bool => Series::new(
            name,
            vals.map(|v| match v {
                Some(Parsed::Bool(x)) => Some(x),
                _ => None,
            })
            .collect::<Vec<_>>(),
        ),
        Choice::Date(_, true) => Series::new(
            name,
            vals.map(|v| match v {
                Some(Parsed::Date(_, ms)) => Some(ms),
                _ => None,
            })
            .collect::<Vec<_>>(),
        )
        .into_datetime(TimeUnit::Milliseconds, None),
        Choice::Date(_, false) => Series::new(
            name,
            vals.map(|v| match v {
                Some(Parsed::Date(_, ms)) => Some(ms.div_euclid(MS_PER_DAY) as i32),
                _ => None,
            })
            .collect::<Vec<_>>(),
        )
        .into_date(),
        Choice::Text => Series::new_null(name, 0),
    }
}

/// Infer the type of a text column from every value and convert it.
pub fn infer_column(
    s: &Series,
    date_format: Option<&str>,
    decimal_comma: bool,
) -> PolarsResult<InferredColumn> {
    let ca = s.str()?;
    let name = s.name().clone();
    let r = Reading::new(date_format, decimal_comma);
    let mut verdict = Verdict::new(&r);
    for v in ca.iter() {
        match cell(v) {
            Cell::Blank => verdict.blanks += usize::from(v.is_some()),
            Cell::Token => verdict.tokens += 1,
            Cell::Value(t) => {
                verdict.observe(t, &r);
                if verdict.choice() == Choice::Text {
                    break;
                }
            }
        }
    }
    let choice = verdict.choice();
    let (kind, ambiguous_with) = verdict.kind(&r);
    if choice == Choice::Text {
        // text: blanks become missing, null tokens stay as written
        // (the scan above may have stopped early, so look for blanks in all of it)
        let blank = |v: &Option<&str>| v.is_some_and(|t| t.trim().is_empty());
        let series = if verdict.non_null == 0 || ca.iter().any(|v| blank(&v)) {
            Series::new(
                name,
                ca.iter()
                    .map(|v| clean(v).map(|_| v.unwrap_or_default()))
                    .collect::<Vec<_>>(),
            )
        } else {
            s.clone()
        };
        return Ok(InferredColumn {
            series,
            kind,
            null_tokens: 0,
            ambiguous_with,
        });
    }
    let vals = ca.iter().map(|v| match cell(v) {
        Cell::Value(t) => parse_as(choice, t, &r),
        _ => None,
    });
    Ok(InferredColumn {
        series: typed_series(name, choice, vals),
        kind,
        null_tokens: verdict.tokens,
        ambiguous_with,
    })
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
}
