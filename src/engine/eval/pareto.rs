//! The 80/20 view across all customers: the share of value the top fifth holds, and the share of customers that holds 80 %.

use super::frame::Cells;

/// The 80/20 view across all customers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pareto {
    pub top20_value_share: f64,
    pub customer_share_for_80pct_value: f64,
}

#[cfg(test)]
impl Pareto {
    /// Both figures as bit patterns, to compare them exactly (NaN included).
    pub fn bits(&self) -> (u64, u64) {
        (
            self.top20_value_share.to_bits(),
            self.customer_share_for_80pct_value.to_bits(),
        )
    }
}

/// `value` in customer-id order (ties in value keep id order).
pub fn pareto(value: &Cells<f64>) -> Pareto {
    let mut v: Vec<f64> = value.iter().map(|x| x.unwrap_or(0.0)).collect();
    let total = row_total(value);
    // only the values in order matter (equal values are the same number whichever customer
    // holds them), so they are sorted themselves, on all cores
    {
        use rayon::slice::ParallelSliceMut;
        v.par_sort_unstable_by(|a, b| b.total_cmp(a));
    }
    pareto_sorted(&v, total)
}

/// The total of all values, added in customer order.
pub fn row_total(value: &Cells<f64>) -> f64 {
    value.iter().map(|x| x.unwrap_or(0.0)).sum()
}

/// The same from the rows in [`value_order`] (the same figures, bit for bit: the values
/// follow one another in the same order, whichever of equal ones comes first).
pub fn pareto_in_order(value: &Cells<f64>, order: &[usize]) -> Pareto {
    let v: Vec<f64> = order.iter().map(|&i| value.get(i).unwrap_or(0.0)).collect();
    pareto_sorted(&v, row_total(value))
}

/// Rows by value, largest first (missing as 0; `f64::total_cmp` order); equal values keep
/// row order. Sorted as (key, row) pairs on all cores: no lookups while sorting.
pub fn value_order(value: &Cells<f64>) -> Vec<usize> {
    use rayon::prelude::*;
    let key = crate::engine::stats::order_key;
    let mut keyed: Vec<(u64, usize)> = (0..value.len())
        .into_par_iter()
        .map(|i| (!key(value.get(i).unwrap_or(0.0)), i))
        .collect();
    keyed.par_sort_unstable();
    keyed.into_par_iter().map(|(_, i)| i).collect()
}

/// Whether `order` is [`value_order`] of `value`: every row once, largest value first, equal
/// values in row order. (Each row's (value, row) pair comes strictly before the next one's, so
/// no row is there twice, and with as many rows as values every row is there.)
pub fn is_value_order(value: &Cells<f64>, order: &[usize]) -> bool {
    use rayon::prelude::*;
    let n = value.len();
    if order.len() != n || order.iter().any(|&i| i >= n) {
        return false;
    }
    let key = |i: usize| !crate::engine::stats::order_key(value.get(i).unwrap_or(0.0));
    order
        .par_windows(2)
        .with_min_len(1 << 14)
        .all(|w| (key(w[0]), w[0]) < (key(w[1]), w[1]))
}

/// The 80/20 figures of values sorted largest first, whose `total` is added in customer order.
fn pareto_sorted(v: &[f64], total: f64) -> Pareto {
    let n = v.len();
    let top = (0.2 * n as f64).ceil() as usize;
    let top_sum: f64 = v[..top.min(n)].iter().sum();
    let mut acc = 0.0;
    let mut k = n;
    for (i, x) in v.iter().enumerate() {
        acc += x;
        if acc >= 0.8 * total {
            k = i + 1;
            break;
        }
    }
    pareto_shares(n, top_sum, total, k)
}

/// The 80/20 figures of `n` customers whose top fifth holds `top_sum` of `total`, the first `k`
/// reaching 80 %. Both are missing (NaN) without customers or without a positive total: a
/// share of nothing (every value 0 or missing) or of a loss is no share, and saying "20 % of
/// customers hold 80 %" of a 0.00 total would be a wrong number.
pub fn pareto_shares(n: usize, top_sum: f64, total: f64, k: usize) -> Pareto {
    if n == 0 || !(total > 0.0 && total.is_finite()) {
        return Pareto {
            top20_value_share: f64::NAN,
            customer_share_for_80pct_value: f64::NAN,
        };
    }
    Pareto {
        top20_value_share: top_sum / total,
        customer_share_for_80pct_value: k as f64 / n as f64,
    }
}
