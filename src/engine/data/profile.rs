//! A profile of every column: type, nulls, distinct values, range, quartiles, top values, histogram.

use std::borrow::Cow;
use std::collections::HashMap;

use polars::prelude::*;

use super::tally::{Tally, sorted_tally, text_tally};
use super::typed_csv::{NO_CODE, Values};
use super::values::{as_f64, as_text, is_numeric, is_temporal, kind_name, show_number};
use super::{TableBody, TableData};
use crate::engine::stats::{histogram, quantile7};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ColumnProfile {
    pub name: String,
    /// integer, number, text, boolean, date, datetime
    pub kind: String,
    pub rows: usize,
    pub nulls: usize,
    pub distinct: usize,
    pub min: Option<String>,
    pub max: Option<String>,
    pub mean: Option<f64>,
    /// 25 %, 50 %, 75 % (type-7), shown in the column's kind.
    pub quartiles: Option<[String; 3]>,
    /// The most frequent values with their counts (at most 5; ties by value).
    pub top: Vec<(String, usize)>,
    /// Equal-width bins over numeric and date columns (10 bins).
    pub histogram: Vec<HistBin>,
    /// Up to three example values, in file order.
    pub samples: Vec<String>,
}

pub const TOP_N: usize = 5;
pub const HIST_BINS: usize = 10;

/// A column to profile: a polars series, or values as the typed reader read them.
enum Source<'a> {
    Series(&'a Series),
    Values(&'a str, &'a Values),
}

/// Nullable numbers of a column, row by row.
type Numbers<'a> = Box<dyn Iterator<Item = Option<f64>> + 'a>;

impl<'a> Source<'a> {
    fn name(&self) -> &str {
        match self {
            Source::Series(s) => s.name(),
            Source::Values(n, _) => n,
        }
    }

    /// The polars type the values have (or would have as a series).
    fn dtype(&self) -> DataType {
        match self {
            Source::Series(s) => s.dtype().clone(),
            Source::Values(_, v) => match v {
                Values::Int(_) => DataType::Int64,
                Values::Float(_) => DataType::Float64,
                Values::Bool(_) => DataType::Boolean,
                Values::Days(_) => DataType::Date,
                Values::Millis(_) => DataType::Datetime(TimeUnit::Milliseconds, None),
                Values::Text { .. } => DataType::String,
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Source::Series(s) => s.len(),
            Source::Values(_, v) => v.len(),
        }
    }

    fn null_count(&self) -> usize {
        match self {
            Source::Series(s) => s.null_count(),
            Source::Values(_, v) => match v {
                Values::Int(c) | Values::Millis(c) => c.null_count(),
                Values::Float(c) => c.null_count(),
                Values::Bool(c) => c.null_count(),
                Values::Days(c) => c.null_count(),
                Values::Text { codes, .. } => codes.iter().filter(|&&c| c == NO_CODE).count(),
            },
        }
    }

    /// The numbers of a numeric or temporal column (as [`as_f64`] gives them).
    fn numbers(&self) -> Option<Numbers<'a>> {
        match *self {
            Source::Series(s) => Some(Box::new(as_f64(s)?.into_iter())),
            Source::Values(_, v) => match v {
                Values::Int(c) => Some(Box::new(c.iter().map(|x| x.map(|x| x as f64)))),
                Values::Float(c) => Some(Box::new(c.iter())),
                Values::Days(c) => Some(Box::new(c.iter().map(|x| x.map(f64::from)))),
                Values::Millis(c) => Some(Box::new(
                    c.iter().map(|x| x.map(|x| x as f64 / 86_400_000.0)),
                )),
                Values::Bool(_) | Values::Text { .. } => None,
            },
        }
    }
}

/// Every distinct value as the profile shows it: `(text, count, first row)`, for the columns
/// [`text_tally`] and [`sorted_tally`] do not count. Values are counted by their typed form
/// first and only the distinct ones are turned into text (equal texts, such as numbers that
/// show alike, are then merged).
fn value_counts<'a>(src: &Source<'a>) -> Vec<(Cow<'a, str>, usize, usize)> {
    type Fast = foldhash::fast::RandomState;
    let mut by_text: HashMap<String, (usize, usize), Fast> = HashMap::default();
    let mut add = |text: String, count: usize, first: usize| {
        let e = by_text.entry(text).or_insert((0, first));
        e.0 += count;
        e.1 = e.1.min(first);
    };
    let dt = src.dtype();
    if let Source::Series(s) = src
        && let Ok(ca) = s.str()
    {
        let mut m: HashMap<&str, (usize, usize), Fast> = HashMap::default();
        for (i, v) in ca.iter().enumerate() {
            if let Some(v) = v {
                m.entry(v).or_insert((0, i)).0 += 1;
            }
        }
        for (k, (c, f)) in m {
            add(k.to_string(), c, f);
        }
    } else if let Some(nums) = (is_numeric(&dt) || is_temporal(&dt))
        .then(|| src.numbers())
        .flatten()
    {
        let mut m: HashMap<u64, (usize, usize), Fast> = HashMap::default();
        for (i, v) in nums.enumerate() {
            if let Some(v) = v {
                m.entry(v.to_bits()).or_insert((0, i)).0 += 1;
            }
        }
        for (k, (c, f)) in m {
            add(show_number(&dt, f64::from_bits(k)), c, f);
        }
    } else {
        let texts: Vec<Option<String>> = match src {
            Source::Series(s) => as_text(s),
            Source::Values(_, Values::Bool(c)) => {
                c.iter().map(|b| b.map(|b| b.to_string())).collect()
            }
            Source::Values(..) => vec![],
        };
        for (i, v) in texts.into_iter().enumerate() {
            if let Some(v) = v {
                add(v, 1, i);
            }
        }
    }
    by_text
        .into_iter()
        .map(|(t, (c, f))| (Cow::Owned(t), c, f))
        .collect()
}

pub fn profile_column(s: &Series) -> ColumnProfile {
    profile_source(&Source::Series(s))
}

/// Up to three values, the first in file order.
fn first_three(c: &mut [(Cow<str>, usize, usize)]) -> Vec<String> {
    let k = c.len().min(3);
    if k > 0 && k < c.len() {
        c.select_nth_unstable_by_key(k - 1, |x| x.2);
    }
    let mut v: Vec<&(Cow<str>, usize, usize)> = c[..k].iter().collect();
    v.sort_by_key(|x| x.2);
    v.into_iter().map(|x| x.0.to_string()).collect::<Vec<_>>()
}

fn profile_source(src: &Source) -> ColumnProfile {
    let dt = src.dtype();
    let numeric = is_numeric(&dt) || is_temporal(&dt);
    let sorted: Option<Vec<f64>> = numeric.then(|| {
        let mut v: Vec<f64> = src.numbers().into_iter().flatten().flatten().collect();
        v.sort_by(f64::total_cmp);
        v
    });
    // text by its dictionary codes, and numbers that each show differently from their order,
    // are counted without a table of their distinct values (a column can have millions)
    let tally = match (src, &sorted) {
        (Source::Values(_, Values::Text { codes, dict }), _) => text_tally(codes, dict, TOP_N),
        (_, Some(v)) if matches!(kind_name(&dt), "integer" | "date") => {
            let rows = src.numbers().into_iter().flatten();
            sorted_tally(v, rows, |x| show_number(&dt, x), TOP_N)
        }
        _ => tally_of(value_counts(src)),
    };
    let mut p = ColumnProfile {
        name: src.name().to_string(),
        kind: kind_name(&dt).to_string(),
        rows: src.len(),
        nulls: src.null_count(),
        distinct: tally.distinct,
        min: None,
        max: None,
        mean: None,
        quartiles: None,
        top: tally.top,
        histogram: vec![],
        samples: tally.samples,
    };
    match sorted {
        Some(v) if !v.is_empty() => {
            p.min = Some(show_number(&dt, v[0]));
            p.max = Some(show_number(&dt, v[v.len() - 1]));
            p.mean = Some(v.iter().sum::<f64>() / v.len() as f64);
            p.quartiles = Some([0.25, 0.5, 0.75].map(|q| show_number(&dt, quantile7(&v, q))));
            p.histogram = histogram(&v, HIST_BINS)
                .into_iter()
                .map(|(lo, hi, count)| HistBin { lo, hi, count })
                .collect();
        }
        Some(_) => {}
        None => (p.min, p.max) = (tally.min, tally.max),
    }
    p
}

/// What a profile says of every distinct value `(text, count, first row)`.
fn tally_of(mut counts: Vec<(Cow<str>, usize, usize)>) -> Tally {
    let samples = first_three(&mut counts);
    // only the few shown are put in order
    let order = |a: &(Cow<str>, usize, usize), b: &(Cow<str>, usize, usize)| {
        b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
    };
    let k = counts.len().min(TOP_N);
    if k > 0 && k < counts.len() {
        counts.select_nth_unstable_by(k - 1, order);
    }
    counts[..k].sort_by(order);
    Tally {
        distinct: counts.len(),
        top: counts[..k].iter().map(|c| (c.0.to_string(), c.1)).collect(),
        samples,
        min: counts.iter().map(|c| &c.0).min().map(|w| w.to_string()),
        max: counts.iter().map(|c| &c.0).max().map(|w| w.to_string()),
    }
}

/// Profiles of every column of a table, in column order.
pub fn profile(df: &DataFrame) -> Vec<ColumnProfile> {
    profile_frame(df, &|_| true)
}

/// Profiles of the columns of `df` that are `wanted`, in column order.
fn profile_frame(df: &DataFrame, wanted: &(dyn Fn(&str) -> bool + Sync)) -> Vec<ColumnProfile> {
    use rayon::prelude::*;
    df.columns()
        .par_iter()
        .filter(|c| wanted(c.name().as_str()))
        .map(|c| profile_column(c.as_materialized_series()))
        .collect()
}

/// Profiles of every column of a loaded table, in column order (typed columns are profiled as
/// they are, without a copy into a polars table).
pub fn profile_data(data: &TableData) -> Vec<ColumnProfile> {
    profile_data_but(data, &[])
}

/// The same, leaving out the columns named in `but` (profiled already).
pub fn profile_data_but(data: &TableData, but: &[String]) -> Vec<ColumnProfile> {
    use rayon::prelude::*;
    let wanted = |name: &str| !but.iter().any(|b| b == name);
    match &data.body {
        TableBody::Frame(df) => profile_frame(df, &wanted),
        TableBody::Columns { columns, .. } => columns
            .par_iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, v)| profile_source(&Source::Values(name, v)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn counts_are_by_shown_text_and_samples_in_file_order() {
        // two floats that show alike count as one value; ties in count go by text
        let s = Series::new(
            "x".into(),
            [
                Some(0.12341),
                None,
                Some(0.12342),
                Some(7.0),
                Some(7.0),
                Some(-1.5),
            ],
        );
        let p = profile_column(&s);
        assert_eq!(p.distinct, 3);
        assert_eq!(
            p.top,
            vec![("0.1234".into(), 2), ("7".into(), 2), ("-1.5".into(), 1)]
        );
        assert_eq!(p.samples, vec!["0.1234", "7", "-1.5"]);
        let ids = Series::new("id".into(), (1..=20_000i64).rev().collect::<Vec<_>>());
        let p = profile_column(&ids);
        assert_eq!(p.distinct, 20_000);
        assert_eq!(p.samples, vec!["20000", "19999", "19998"]);
        // all counts tie: the smallest texts come first
        assert_eq!(p.top[0], ("1".into(), 1));
        assert_eq!(p.top[1], ("10".into(), 1));
    }

    use super::*;

    #[test]
    fn numeric_profile() {
        let s = Series::new(
            "age".into(),
            vec![Some(20i64), Some(30), None, Some(40), Some(30)],
        );
        let p = profile_column(&s);
        assert_eq!(p.kind, "integer");
        assert_eq!((p.rows, p.nulls, p.distinct), (5, 1, 3));
        assert_eq!(p.min.as_deref(), Some("20"));
        assert_eq!(p.max.as_deref(), Some("40"));
        assert_eq!(
            p.quartiles,
            Some(["27.5".into(), "30".into(), "32.5".into()])
        );
        assert_eq!(p.top[0], ("30".to_string(), 2));
        assert_eq!(p.histogram.iter().map(|b| b.count).sum::<usize>(), 4);
    }

    #[test]
    fn text_profile_orders_top_values() {
        let s = Series::new("g".into(), vec!["b", "a", "b", "c", "a"]);
        let p = profile_column(&s);
        assert_eq!(
            p.top,
            vec![("a".into(), 2), ("b".into(), 2), ("c".into(), 1)]
        );
        assert_eq!(p.samples, vec!["b", "a", "c"]);
        assert!(p.histogram.is_empty());
    }

    #[test]
    fn typed_columns_profile_as_their_polars_table_does() {
        // every kind the typed reader gives, with blanks, ties and values that show alike
        let text = "i,x,b,d,t,s\n\
            3,0.12341,true,2024-01-05,2024-01-05 10:00:00,b\n\
            ,0.12342,false,,2024-01-05 10:00:01,\n\
            3,7,true,2023-12-31,,a\n\
            -2,,,2024-01-05,2023-01-01 00:00:00,b\n\
            10,-1.5,false,2020-02-29,2024-01-05 10:00:00,c\n";
        let names: Vec<String> = ["i", "x", "b", "d", "t", "s"].map(String::from).to_vec();
        let read = || {
            crate::engine::data::typed_csv::read_text(
                text,
                b',',
                &names,
                &[0, 1, 2, 3, 4, 5],
                None,
                false,
            )
            .unwrap()
        };
        let columns: Vec<(String, Values)> = names
            .iter()
            .cloned()
            .zip(read().into_iter().map(|c| c.values))
            .collect();
        let df = DataFrame::new(
            5,
            names
                .iter()
                .zip(read())
                .map(|(n, c)| c.values.into_series(n).into())
                .collect(),
        )
        .unwrap();
        let typed = profile_data(&TableBody::Columns { height: 5, columns }.into());
        assert_eq!(typed, profile(&df));
        let kinds: Vec<&str> = typed.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["integer", "number", "boolean", "date", "datetime", "text"]
        );
    }
}
