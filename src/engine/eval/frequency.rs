//! How often each value of a column occurs, with its share of customers and of value: a frequency table.

use super::frame::Vector;
use super::session::Session;
use crate::engine::error::{EngineError, Result};

/// One value of a column: how many customers have it and the value they hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Frequency {
    /// The value as text (`∅ missing` for NULL).
    pub value: String,
    pub customers: usize,
    pub value_sum: f64,
}

/// Every distinct value of `column`, most frequent first (ties by value).
pub fn frequency(s: &Session, column: &str) -> Result<Vec<Frequency>> {
    let v = s
        .base
        .get(column)
        .ok_or_else(|| EngineError::Invalid(format!("there is no column \"{column}\"")))?;
    const MISSING: &str = "∅ missing";
    let value = |k: usize| {
        (k < s.value.len())
            .then(|| s.value.get(k))
            .flatten()
            .unwrap_or(0.0)
    };
    let mut map: std::collections::HashMap<String, (usize, f64)> = Default::default();
    match &**v {
        // text: counted per dictionary code, each row's value added in row order as below
        Vector::Text(t) => {
            let mut per = vec![(0usize, 0.0f64); t.dict.len() + 1];
            for (k, &c) in t.codes.iter().enumerate() {
                let e = &mut per[(c as usize).min(t.dict.len())];
                e.0 += 1;
                e.1 += value(k);
            }
            let words = t.dict.iter().chain([MISSING]);
            for (w, (n, sum)) in words.zip(per).filter(|x| x.1.0 > 0) {
                let e = map.entry(w.to_string()).or_default();
                e.0 += n;
                e.1 += sum;
            }
        }
        _ => {
            for k in 0..v.len() {
                let key = v.text_at(k).unwrap_or_else(|| MISSING.into());
                let e = map.entry(key).or_default();
                e.0 += 1;
                e.1 += value(k);
            }
        }
    }
    let mut out: Vec<Frequency> = map
        .into_iter()
        .map(|(value, (customers, value_sum))| Frequency {
            value,
            customers,
            value_sum,
        })
        .collect();
    out.sort_by(|a, b| {
        b.customers
            .cmp(&a.customers)
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::demo::{DEMO_WORKSPACE, demo_frames};
    use crate::engine::rules::parse::parse_workspace;

    /// Text columns are counted by dictionary code; the table is the one a row-by-row count of
    /// each value's text gives, missing values included.
    #[test]
    fn text_counted_by_code_as_row_by_row() {
        let (c, o) = demo_frames(800, 4).unwrap();
        let ws = parse_workspace(std::path::Path::new("d.strata.toml"), DEMO_WORKSPACE).unwrap();
        let s = Session::from_frames(ws, Some(&c), Some(&o), &[]).unwrap();
        for column in ["lifestyle", "city", "age"] {
            let v = s.base.get(column).unwrap();
            let mut expected: std::collections::HashMap<String, (usize, f64)> = Default::default();
            for k in 0..v.len() {
                let e = expected
                    .entry(v.text_at(k).unwrap_or_else(|| "∅ missing".into()))
                    .or_default();
                e.0 += 1;
                e.1 += s.value.get(k).unwrap_or(0.0);
            }
            let got = frequency(&s, column).unwrap();
            assert_eq!(got.len(), expected.len(), "{column}");
            for f in &got {
                assert_eq!(expected[&f.value], (f.customers, f.value_sum), "{column}");
            }
        }
        assert!(
            frequency(&s, "lifestyle")
                .unwrap()
                .iter()
                .any(|f| f.value == "∅ missing")
        );
    }
}
