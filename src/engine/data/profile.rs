//! A profile of every column: type, nulls, distinct values, range, quartiles, top values, histogram.

use std::collections::HashMap;

use polars::prelude::*;

use super::values::{as_f64, as_text, is_numeric, is_temporal, kind_name, show_number};
use crate::engine::stats::{histogram, quantile7};

#[derive(Debug, Clone, serde::Serialize)]
pub struct HistBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
}

/// What one column holds.
#[derive(Debug, Clone, serde::Serialize)]
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

pub fn profile_column(s: &Series) -> ColumnProfile {
    let dt = s.dtype().clone();
    let rows = s.len();
    let nulls = s.null_count();
    let text = as_text(s);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut samples = Vec::new();
    for v in text.iter().flatten() {
        let e = counts.entry(v.as_str()).or_insert(0);
        if *e == 0 && samples.len() < 3 {
            samples.push(v.clone());
        }
        *e += 1;
    }
    let mut top: Vec<(String, usize)> = counts.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(TOP_N);
    let mut p = ColumnProfile {
        name: s.name().to_string(),
        kind: kind_name(&dt).to_string(),
        rows,
        nulls,
        distinct: counts.len(),
        min: None,
        max: None,
        mean: None,
        quartiles: None,
        top,
        histogram: vec![],
        samples,
    };
    if is_numeric(&dt) || is_temporal(&dt) {
        let mut v: Vec<f64> = as_f64(s)
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .collect();
        if !v.is_empty() {
            v.sort_by(f64::total_cmp);
            p.min = Some(show_number(&dt, v[0]));
            p.max = Some(show_number(&dt, v[v.len() - 1]));
            p.mean = Some(v.iter().sum::<f64>() / v.len() as f64);
            p.quartiles = Some([0.25, 0.5, 0.75].map(|q| show_number(&dt, quantile7(&v, q))));
            p.histogram = histogram(&v, HIST_BINS)
                .into_iter()
                .map(|(lo, hi, count)| HistBin { lo, hi, count })
                .collect();
        }
    } else if !counts.is_empty() {
        p.min = counts.keys().min().map(|s| s.to_string());
        p.max = counts.keys().max().map(|s| s.to_string());
    }
    p
}

/// Profiles of every column of a table, in column order.
pub fn profile(df: &DataFrame) -> Vec<ColumnProfile> {
    let cols: Vec<Series> = df
        .columns()
        .iter()
        .map(|c| c.as_materialized_series().clone())
        .collect();
    let chunk = cols
        .len()
        .div_ceil(
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(1),
        )
        .max(1);
    std::thread::scope(|sc| {
        let hs: Vec<_> = cols
            .chunks(chunk)
            .map(|part| sc.spawn(move || part.iter().map(profile_column).collect::<Vec<_>>()))
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("profile thread"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
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
}
