//! How often each value of a column occurs, with its share of customers and of value: a frequency table.

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
    let mut map: std::collections::HashMap<String, (usize, f64)> = Default::default();
    for k in 0..v.len() {
        let key = v.text_at(k).unwrap_or_else(|| "∅ missing".into());
        let e = map.entry(key).or_default();
        e.0 += 1;
        e.1 += s.value.get(k).copied().flatten().unwrap_or(0.0);
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
