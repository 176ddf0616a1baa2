//! Counting within one customer's order rows: orders, discounted orders, products, the most frequent value.

use super::mode_per_customer;
use super::{Grouped, NULL_CODE, TextVec, Vector, Words, distinct, distinct_codes, key};

/// The order a row belongs to: its order id, or the row itself when there is none.
pub(super) fn order_of(order_key: Option<&Vector>, i: usize) -> i64 {
    order_key.and_then(|v| key(v, i)).unwrap_or(-(i as i64) - 1)
}

/// The distinct orders among a customer's rows `g`, and how many of them have a row with a
/// discount (the rows sorted by order in `ords`).
pub(super) fn orders_discounted(
    g: &[usize],
    (order_key, discount): (Option<&Vector>, Option<&Vector>),
    ords: &mut Vec<(i64, usize)>,
) -> (i64, i64) {
    ords.clear();
    ords.extend(g.iter().map(|&i| (order_of(order_key, i), i)));
    ords.sort_unstable();
    let (mut n_orders, mut n_disc) = (0i64, 0i64);
    let mut k = 0;
    while k < ords.len() {
        let mut j = k;
        let mut any = false;
        while j < ords.len() && ords[j].0 == ords[k].0 {
            if let Some(d) = discount {
                any |= d.f64_at(ords[j].1).is_some_and(|x| x > 0.0);
            }
            j += 1;
        }
        n_orders += 1;
        n_disc += any as i64;
        k = j;
    }
    (n_orders, n_disc)
}

/// The distinct products among rows `g` (0 without a product column).
pub(super) fn distinct_products(
    product: Option<&Vector>,
    g: &[usize],
    tally: &mut Vec<u32>,
    keys: &mut Vec<i64>,
) -> i64 {
    match product {
        Some(Vector::Text(t)) => distinct_codes(t, g, tally) as i64,
        Some(pr) => {
            keys.clear();
            keys.extend(g.iter().filter_map(|&i| key(pr, i)));
            distinct(keys) as i64
        }
        None => 0,
    }
}

/// The most frequent value per customer of `v` as a column: from the `codes` counted when it
/// is text, else found again per customer (all missing without the column). `rows` maps the
/// grouped places to rows (`None`: place `k` is row `k`).
pub(super) fn modal_vector(
    v: Option<&Vector>,
    codes: Vec<u32>,
    (grouped, rows): (&Grouped, Option<&[u32]>),
    n: usize,
) -> Vector {
    let group_of = |c: usize| -> Vec<usize> {
        grouped
            .rows_of(c)
            .map(|k| rows.map_or(k as usize, |r| r[k as usize] as usize))
            .collect()
    };
    match v {
        Some(Vector::Text(t)) => Vector::Text(TextVec {
            codes,
            dict: t.dict.clone(),
        }),
        Some(v) => mode_per_customer(v, group_of, n),
        None => Vector::Text(TextVec {
            codes: vec![NULL_CODE; n],
            dict: Words::new(),
        }),
    }
}
