//! Type inference over whole text columns: integer, float, boolean, date, datetime or text.

use chrono::{NaiveDate, NaiveTime};
use polars::prelude::*;

mod read;

use read::{iso_day, millis, parse_bool, parse_dt, parse_float, parse_int, parse_with_user_format};

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
const DATE_FORMATS: [&str; 7] = [
    "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
];
/// Tokens that mean "missing" in exports from other tools; read as null in numeric and date columns.
pub const NULL_TOKENS: [&str; 11] = [
    "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "#N/A", "<NA>", "-",
];

pub(crate) fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
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
        && matches!(t.as_bytes().first(), Some(b'N' | b'n' | b'#' | b'-' | b'<'))
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

/// One raw field as inference sees it, with only the conventional markers as tokens.
pub(crate) fn cell(v: Option<&str>) -> Cell<'_> {
    match clean(v) {
        None => Cell::Blank,
        Some(t) if is_null_token(t) => Cell::Token,
        Some(t) => Cell::Value(t),
    }
}

/// A number as a column read as numbers takes it: an integer (leading zeros allowed), or a
/// finite decimal with the file's decimal mark; `(value, whether it is an integer)`.
pub(crate) fn lenient_number(t: &str, decimal_comma: bool) -> Option<(f64, bool)> {
    if let Some(i) = parse_int(t) {
        return Some((i as f64, true));
    }
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'-') => ("-", &t[1..]),
        Some(b'+') => ("", &t[1..]),
        _ => ("", t),
    };
    // one sign at most ("+-5" is no number), and a digit somewhere ("+", "." are none)
    if digits.starts_with(['+', '-']) || !digits.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let rest = if trimmed.is_empty() || trimmed.starts_with(['.', ',']) {
        format!("{sign}0{trimmed}")
    } else {
        format!("{sign}{trimmed}")
    };
    if let Some(i) = parse_int(&rest) {
        return Some((i as f64, true));
    }
    parse_float(&rest, decimal_comma).map(|v| (v, false))
}

/// A date in one of the patterns a column read as dates may use (`date_format` when set);
/// days since 1970-01-01, or `None`. The first pattern that reads it wins.
pub(crate) fn lenient_day(t: &str, r: &Reading, pattern: Option<usize>) -> Option<i32> {
    let tries: Vec<usize> = match pattern {
        Some(i) => vec![i],
        None => (0..r.formats.len()).collect(),
    };
    tries
        .into_iter()
        .find_map(|i| r.date(t, i).map(|(d, _)| (d - epoch()).num_days() as i32))
}

/// Of the patterns tried, the one that reads the most of `words` (ties: the earlier).
pub(crate) fn best_date_pattern<'w>(
    words: impl Iterator<Item = &'w str>,
    r: &Reading,
) -> Option<usize> {
    let mut hits = vec![0usize; r.formats.len()];
    for w in words {
        for (i, h) in hits.iter_mut().enumerate() {
            if r.date(w, i).is_some() {
                *h += 1;
            }
        }
    }
    let best = *hits.iter().max()?;
    (best > 0).then(|| hits.iter().position(|h| *h == best))?
}

/// How values are read: the date patterns tried and the decimal mark.
pub(crate) struct Reading<'a> {
    formats: Vec<&'a str>,
    /// Words read as missing besides the conventional markers (the file's `missing`).
    missing: &'a [String],
    user_format: bool,
    decimal_comma: bool,
    /// How text values are hashed into dictionaries: one seed, drawn at random, for a whole
    /// read (so that chunks' hashes can be merged, and crafted text cannot pick collisions).
    pub words: foldhash::fast::FixedState,
}

impl<'a> Reading<'a> {
    /// How values of a file read with these options are read: its date pattern (or the
    /// patterns tried), decimal mark, and own words for a missing value.
    pub fn with_missing(
        date_format: Option<&'a str>,
        decimal_comma: bool,
        missing: &'a [String],
    ) -> Reading<'a> {
        Reading {
            missing,
            formats: match date_format {
                Some(f) => vec![f],
                None => DATE_FORMATS.to_vec(),
            },
            user_format: date_format.is_some(),
            decimal_comma,
            words: foldhash::fast::FixedState::with_seed(std::hash::BuildHasher::hash_one(
                &foldhash::fast::RandomState::default(),
                0u8,
            )),
        }
    }

    /// [`Reading::date`] as milliseconds since 1970, noting in `any_time` a time of day; ISO
    /// dates are read without going through a calendar type.
    /// One raw field: blank, a marker of a missing value (conventional or the file's own),
    /// or a value.
    #[inline]
    pub fn cell<'s>(&self, v: Option<&'s str>) -> Cell<'s> {
        match cell(v) {
            Cell::Value(t) if !self.missing.is_empty() && self.missing.iter().any(|m| m == t) => {
                Cell::Token
            }
            c => c,
        }
    }

    pub fn decimal_comma(&self) -> bool {
        self.decimal_comma
    }

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
pub fn infer_column(s: &Series, opts: &super::ReadOptions) -> PolarsResult<InferredColumn> {
    let ca = s.str()?;
    let name = s.name().clone();
    let r = Reading::with_missing(
        opts.date_format.as_deref(),
        opts.decimal_comma,
        &opts.missing,
    );
    let mut verdict = Verdict::new(&r);
    for v in ca.iter() {
        match r.cell(v) {
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
    let vals = ca.iter().map(|v| match r.cell(v) {
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
mod tests;
