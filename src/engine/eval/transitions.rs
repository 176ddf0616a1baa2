//! Transitions: how customers and value moved between the segments of each criterion from one
//! date to another, with purchase-history fields recomputed from the orders up to each date.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::session::{Frames, Session};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Spanned, Workspace};

/// Label of customers who are not customers yet at the first date (known only from later orders).
pub const NOT_YET: &str = "(not a customer yet)";

/// One criterion's moves: `customers[r][c]` went from segment `from[r]` at the first date to
/// `to[c]` at the second; `value[r][c]` is their value at the second date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Transition {
    pub criterion: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub customers: Vec<Vec<usize>>,
    pub value: Vec<Vec<f64>>,
    /// Customers whose segment changed.
    pub moved: usize,
    pub total: usize,
}

/// Evaluate the workspace as of `a` and as of `b` (orders after each date are left out) and
/// cross the two assignments of every criterion.
pub fn compare(
    ws: &Workspace,
    a: NaiveDate,
    b: NaiveDate,
    cache: &super::cache::Cache,
) -> Result<(Vec<Transition>, Vec<String>)> {
    if ws.data.orders.is_none() {
        return Err(no_orders());
    }
    let t = Frames::load_cached(ws, Some(&[]), &Default::default(), cache)?;
    // what was read as missing or left out on the way
    let warnings = t.quality.iter().flat_map(|q| q.warnings()).collect();
    Ok((compare_tables(ws, &t, a, b)?, warnings))
}

fn no_orders() -> EngineError {
    EngineError::Invalid(
        "transitions need orders: without them segments do not change with the date".into(),
    )
}

/// The same over tables already in memory.
pub fn compare_tables(
    ws: &Workspace,
    t: &Frames,
    a: NaiveDate,
    b: NaiveDate,
) -> Result<Vec<Transition>> {
    if ws.data.orders.is_none() || t.orders.is_none() {
        return Err(no_orders());
    }
    let at = |d: NaiveDate| -> Result<Session> {
        let mut w = ws.clone();
        w.data.as_of = Some(Spanned::bare(d));
        Session::from_tables(w, t.clone())
    };
    let (sa, sb) = (at(a)?, at(b)?);
    let row_of: HashMap<String, usize> = (0..sa.ids.len())
        .filter_map(|i| sa.ids.text_at(i).map(|id| (id, i)))
        .collect();
    let mut out = Vec::new();
    for (k, c) in sb.ws.criteria.iter().enumerate() {
        let (ra, rb) = (&sa.results[k].assignment, &sb.results[k].assignment);
        let mut from = ra.names.clone();
        from.push(NOT_YET.into());
        let not_yet = from.len() - 1;
        let mut customers = vec![vec![0usize; rb.names.len()]; from.len()];
        let mut value = vec![vec![0f64; rb.names.len()]; from.len()];
        let mut moved = 0;
        for j in 0..sb.ids.len() {
            let r = sb
                .ids
                .text_at(j)
                .and_then(|id| row_of.get(&id))
                .map_or(not_yet, |&i| ra.label[i] as usize);
            let col = rb.label[j] as usize;
            customers[r][col] += 1;
            value[r][col] += sb.value.get(j).unwrap_or(0.0);
            if r == not_yet || from[r] != rb.names[col] {
                moved += 1;
            }
        }
        // keep the segments someone is in, at either date
        let rows: Vec<usize> = (0..from.len())
            .filter(|&r| customers[r].iter().any(|&n| n > 0))
            .collect();
        let cols: Vec<usize> = (0..rb.names.len())
            .filter(|&c| customers.iter().any(|row| row[c] > 0))
            .collect();
        out.push(Transition {
            criterion: c.name.value.clone(),
            from: rows.iter().map(|&r| from[r].clone()).collect(),
            to: cols.iter().map(|&c| rb.names[c].clone()).collect(),
            customers: rows
                .iter()
                .map(|&r| cols.iter().map(|&c| customers[r][c]).collect())
                .collect(),
            value: rows
                .iter()
                .map(|&r| cols.iter().map(|&c| value[r][c]).collect())
                .collect(),
            moved,
            total: sb.ids.len(),
        });
    }
    Ok(out)
}
