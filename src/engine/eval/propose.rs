//! New criteria proposed from a column's values: bins at rounded quartiles, or a map of its most frequent values.

use super::frame::{DType, Vector};
use super::session::Session;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Criterion, MapValue, Overlap, Rule, Spanned, Step};
use crate::engine::stats::quantile7;

/// Groups a proposed map gets at most; other values go to `otherwise`.
pub const MAP_GROUPS: usize = 8;

/// A number rounded to two significant digits (`43.7` → `44`, `1287` → `1300`), so that cut
/// points read like a person chose them.
pub fn round_number(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    // printed with two significant digits and read back: the nearest double to the decimal
    // (3.9, not 3.9000000000000004 from multiplying back by a power of ten)
    let digits = (1 - x.abs().log10().floor() as i32).max(0) as usize;
    let mag = 10f64.powf(x.abs().log10().floor() - 1.0);
    let r = (x / mag).round() * mag;
    format!("{r:.digits$}").parse().unwrap_or(r)
}

/// Cut points for a numeric column: its quartiles, rounded, without repeats; the median alone
/// when the quartiles coincide.
pub fn cut_points(values: &mut [f64]) -> Vec<f64> {
    values.sort_by(|a, b| a.total_cmp(b));
    if values.is_empty() {
        return vec![];
    }
    let mut cuts: Vec<f64> = [0.25, 0.5, 0.75]
        .iter()
        .map(|&p| round_number(quantile7(values, p)))
        .collect();
    cuts.dedup();
    let (lo, hi) = (values[0], values[values.len() - 1]);
    // a cut at the very bottom would leave an empty first bin
    cuts.retain(|&c| c > lo && c <= hi);
    if cuts.is_empty() && hi > lo {
        cuts.push(round_number((lo + hi) / 2.0));
    }
    cuts
}

/// The most frequent values of a text column, most frequent first (ties by value), at most `n`.
fn top_values(v: &Vector, n: usize) -> Vec<String> {
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for k in 0..v.len() {
        if let Some(t) = v.text_at(k) {
            *counts.entry(t).or_default() += 1;
        }
    }
    let mut all: Vec<(String, usize)> = counts.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.into_iter().take(n).map(|x| x.0).collect()
}

/// A criterion name from a column: lower case, words joined by `_`, not one already taken.
fn fresh_name(column: &str, taken: &[String]) -> String {
    let base: String = column
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let base = if base.is_empty() {
        "split".into()
    } else {
        base
    };
    crate::engine::rules::unused_name(&base, taken)
}

/// A rule list cutting a numeric expression (an age from a birth year, say) at its rounded
/// quartiles: `< 35`, `35–50`, …, `≥ 65`; customers for whom it is NULL go to `otherwise`.
fn from_expression(s: &Session, step: Step, text: &str, taken: &[String]) -> Result<Criterion> {
    let e = crate::engine::rules::condition::parse_condition(text)
        .and_then(|e| super::compile::compile(&e, &|n| s.base.dtype_of(n), &s.base.names))
        .map_err(|e| EngineError::Invalid(format!("{text}: {}", e.message)))?;
    if !e.1.is_some_and(|t| t.is_numeric()) {
        return Err(EngineError::Invalid(format!(
            "{text} is not a number: a criterion needs a column or a numeric expression"
        )));
    }
    let v = super::expr::eval(&e.0, &s.base);
    let mut values: Vec<f64> = (0..v.len()).filter_map(|k| v.f64_at(k)).collect();
    let edges = cut_points(&mut values);
    if edges.is_empty() {
        return Err(EngineError::Invalid(format!(
            "{text} has a single value: nothing to cut"
        )));
    }
    let labels = crate::engine::rules::parse::criteria::default_bin_labels(&edges);
    Ok(Criterion {
        name: Spanned::bare(fresh_name(text, taken)),
        step,
        // bins over the expression: cut points that + and - nudge, labels that never overlap
        rule: Rule::Bins {
            column: Spanned::bare(text.trim().to_string()),
            edges,
            labels,
            expr: true,
        },
        overlap: Overlap::FirstMatch,
        otherwise: "unknown".into(),
    })
}

/// Propose a criterion in `step` from `column`: bins at its rounded quartiles when it holds
/// numbers, else a map with one group per frequent value (the rest to `otherwise`). Anything
/// else is read as a numeric expression, binned the same way (`bins = { expr = … }`).
pub fn propose(s: &Session, step: Step, column: &str) -> Result<Criterion> {
    let taken: Vec<String> = s.ws.criteria.iter().map(|c| c.name.value.clone()).collect();
    let Some(v) = s.base.get(column) else {
        return from_expression(s, step, column, &taken);
    };
    let rule = match v.dtype() {
        DType::Int | DType::Float => {
            let mut values: Vec<f64> = (0..v.len()).filter_map(|k| v.f64_at(k)).collect();
            let edges = cut_points(&mut values);
            if edges.is_empty() {
                return Err(EngineError::Invalid(format!(
                    "\"{column}\" has a single value: nothing to cut"
                )));
            }
            let labels = crate::engine::rules::parse::criteria::default_bin_labels(&edges);
            Rule::Bins {
                column: Spanned::bare(column.to_string()),
                edges,
                labels,
                expr: false,
            }
        }
        DType::Text | DType::Bool => {
            let top = top_values(v, MAP_GROUPS);
            if top.is_empty() {
                return Err(EngineError::Invalid(format!("\"{column}\" has no values")));
            }
            let groups = top
                .into_iter()
                .map(|t| {
                    let value = match v.dtype() {
                        DType::Bool => MapValue::Bool(t == "true"),
                        _ => MapValue::Text(t.clone()),
                    };
                    (t, vec![value])
                })
                .collect();
            Rule::Map {
                column: Spanned::bare(column.to_string()),
                groups,
            }
        }
        DType::Date => {
            return Err(EngineError::Invalid(format!(
                "\"{column}\" holds dates: use a rule list (e.g. year({column}) >= 2020)"
            )));
        }
    };
    Ok(Criterion {
        name: Spanned::bare(fresh_name(column, &taken)),
        step,
        rule,
        overlap: Overlap::FirstMatch,
        otherwise: "other".into(),
    })
}

/// Bins over the age at `as_of` from a column of birth years (`2025 - Year_Birth`), named
/// `age`. Without an `as_of`, the age when the data was taken: the year of the latest date in
/// the customers' date columns (a sign-up date), else this year. Returns the year used too.
pub fn propose_age(s: &Session, step: Step, column: &str) -> Result<(Criterion, i32)> {
    use chrono::Datelike;
    let latest = || {
        s.base
            .names
            .iter()
            .filter_map(|n| s.base.get(n))
            .filter(|c| c.dtype() == DType::Date)
            .flat_map(|c| (0..c.len()).filter_map(move |k| c.f64_at(k)))
            .reduce(f64::max)
            .map(|d| d as i32)
    };
    let year = match s.as_of.or_else(latest) {
        Some(d) => (crate::engine::data::infer::epoch() + chrono::Duration::days(d as i64)).year(),
        None => chrono::Utc::now().year(),
    };
    let plain = column.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !column.starts_with(|c: char| c.is_ascii_digit());
    let name = if plain {
        column.to_string()
    } else {
        format!("\"{}\"", column.replace('"', "\"\""))
    };
    let taken: Vec<String> = s.ws.criteria.iter().map(|c| c.name.value.clone()).collect();
    let mut c = from_expression(s, step, &format!("{year} - {name}"), &taken)?;
    c.name = Spanned::bare(fresh_name("age", &taken));
    Ok((c, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_points_are_rounded_quartiles() {
        assert_eq!(round_number(43.7), 44.0);
        assert_eq!(round_number(1287.0), 1300.0);
        assert_eq!(round_number(0.0437), 0.044);
        assert_eq!(round_number(-7.0), -7.0);
        // the decimal itself, not a neighbour made by multiplying back
        assert_eq!(round_number(3.91).to_string(), "3.9");
        assert_eq!(round_number(0.000_123_4).to_string(), "0.00012");
        let mut v: Vec<f64> = (18..=87).map(f64::from).collect();
        assert_eq!(cut_points(&mut v), vec![35.0, 53.0, 70.0]);
        let mut same = vec![1.0, 1.0, 1.0, 1.0, 5.0];
        assert_eq!(cut_points(&mut same), vec![3.0]);
        assert!(cut_points(&mut [2.0, 2.0]).is_empty());
    }

    #[test]
    fn names_are_fresh_and_plain() {
        let taken = vec!["education".to_string()];
        assert_eq!(fresh_name("Education", &taken), "education_2");
        assert_eq!(fresh_name("Annual Income (k$)", &[]), "annual_income_k");
    }
}
