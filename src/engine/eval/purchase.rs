//! Purchase-history fields per customer (SPEC §4.3), from the filtered orders.

use super::frame::{Frame, NULL_CODE, TextVec, Vector};

/// The order columns the aggregation reads, already converted (one entry per kept order row).
pub struct OrderCols<'a> {
    /// Customer index (into the base frame) of every row.
    pub cust: &'a [u32],
    pub order_key: Option<&'a Vector>,
    /// Calendar day of every row.
    pub day: &'a [Option<i32>],
    /// Amount per row (already quantity × unit price when that is how it is given).
    pub amount: &'a [Option<f64>],
    pub product: Option<&'a Vector>,
    pub category: Option<&'a Vector>,
    pub channel: Option<&'a Vector>,
    pub discount: Option<&'a Vector>,
    /// Row indices into the vectors above, for each kept row.
    pub rows: &'a [usize],
}

/// Group kept rows by customer: `(offsets, rows)` where customer c owns `rows[offsets[c]..offsets[c+1]]`.
pub fn group_by_customer(cust: &[u32], n_customers: usize) -> (Vec<usize>, Vec<usize>) {
    let mut offsets = vec![0usize; n_customers + 1];
    for &c in cust {
        offsets[c as usize + 1] += 1;
    }
    for i in 0..n_customers {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut rows = vec![0usize; cust.len()];
    for (k, &c) in cust.iter().enumerate() {
        rows[fill[c as usize]] = k;
        fill[c as usize] += 1;
    }
    (offsets, rows)
}

/// A key for distinct-counting: integer value or text code.
fn key(v: &Vector, i: usize) -> Option<i64> {
    match v {
        Vector::Int(x) => x[i],
        Vector::Date(x) => x[i].map(i64::from),
        Vector::Text(t) => (t.codes[i] != NULL_CODE).then_some(t.codes[i] as i64),
        Vector::Float(x) => x[i].map(f64::to_bits).map(|b| b as i64),
        Vector::Bool(x) => x[i].map(i64::from),
    }
}

fn distinct(mut v: Vec<i64>) -> usize {
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// The most frequent text value among `rows` (ties: the smallest value).
fn mode_text(v: &Vector, rows: &[usize]) -> Option<String> {
    let mut vals: Vec<String> = rows.iter().filter_map(|&i| v.text_at(i)).collect();
    if vals.is_empty() {
        return None;
    }
    vals.sort_unstable();
    let mut best: Option<(&str, usize)> = None;
    let mut i = 0;
    while i < vals.len() {
        let mut j = i;
        while j < vals.len() && vals[j] == vals[i] {
            j += 1;
        }
        if best.is_none_or(|b| j - i > b.1) {
            best = Some((&vals[i], j - i));
        }
        i = j;
    }
    best.map(|b| b.0.to_string())
}

/// The most frequent text code among `rows` (ties: the smallest text); `NULL_CODE` when all are missing.
fn mode_code(t: &TextVec, rows: &[usize], buf: &mut Vec<u32>) -> u32 {
    buf.clear();
    buf.extend(rows.iter().map(|&i| t.codes[i]).filter(|&c| c != NULL_CODE));
    buf.sort_unstable();
    let mut best = (NULL_CODE, 0usize);
    let mut i = 0;
    while i < buf.len() {
        let mut j = i;
        while j < buf.len() && buf[j] == buf[i] {
            j += 1;
        }
        let better = j - i > best.1
            || (j - i == best.1 && t.dict[buf[i] as usize] < t.dict[best.0 as usize]);
        if better {
            best = (buf[i], j - i);
        }
        i = j;
    }
    best.0
}

/// Most frequent value per customer of a text column, keeping its dictionary.
fn mode_per_customer(v: &Vector, group_of: impl Fn(usize) -> Vec<usize>, n: usize) -> Vector {
    match v {
        Vector::Text(t) => {
            let mut buf = Vec::new();
            let codes = (0..n)
                .map(|c| mode_code(t, &group_of(c), &mut buf))
                .collect();
            Vector::Text(TextVec {
                codes,
                dict: t.dict.clone(),
            })
        }
        _ => {
            let vals: Vec<Option<String>> = (0..n).map(|c| mode_text(v, &group_of(c))).collect();
            Vector::Text(TextVec::from_values(vals.iter().map(|x| x.as_deref())))
        }
    }
}

/// The most frequent value of any column among `rows`, keeping its type (ties: the smallest value).
pub fn mode_vector(v: &Vector, groups: &[&[usize]]) -> Vector {
    match v {
        Vector::Text(_) => {
            let vals: Vec<Option<String>> = groups.iter().map(|g| mode_text(v, g)).collect();
            Vector::Text(TextVec::from_values(vals.iter().map(|x| x.as_deref())))
        }
        _ => {
            let pick = |g: &[usize]| -> Option<usize> {
                let mut idx: Vec<usize> = g.iter().copied().filter(|&i| !v.is_null(i)).collect();
                idx.sort_by(|&a, &b| {
                    v.f64_at(a)
                        .partial_cmp(&v.f64_at(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                let mut best: Option<(usize, usize)> = None;
                let mut i = 0;
                while i < idx.len() {
                    let mut j = i;
                    while j < idx.len() && v.f64_at(idx[j]) == v.f64_at(idx[i]) {
                        j += 1;
                    }
                    if best.is_none_or(|b| j - i > b.1) {
                        best = Some((idx[i], j - i));
                    }
                    i = j;
                }
                best.map(|b| b.0)
            };
            let chosen: Vec<Option<usize>> = groups.iter().map(|g| pick(g)).collect();
            match v {
                Vector::Int(x) => {
                    Vector::Int(chosen.iter().map(|c| c.and_then(|i| x[i])).collect())
                }
                Vector::Float(x) => {
                    Vector::Float(chosen.iter().map(|c| c.and_then(|i| x[i])).collect())
                }
                Vector::Date(x) => {
                    Vector::Date(chosen.iter().map(|c| c.and_then(|i| x[i])).collect())
                }
                Vector::Bool(x) => {
                    Vector::Bool(chosen.iter().map(|c| c.and_then(|i| x[i])).collect())
                }
                Vector::Text(_) => unreachable!(),
            }
        }
    }
}

/// Orders and revenue of one window, per customer.
type WindowCols = (Vec<Option<i64>>, Vec<Option<f64>>);

/// Compute every purchase-history field (but the scores) into `base` (one row per customer).
pub fn derive(base: &mut Frame, o: &OrderCols, as_of: i32, windows: &[u32]) {
    let n = base.len;
    let (offsets, grouped) = group_by_customer(o.cust, n);
    let mut orders = vec![Some(0i64); n];
    let mut revenue = vec![Some(0f64); n];
    let mut first = vec![None; n];
    let mut last = vec![None; n];
    let mut recency = vec![None; n];
    let mut tenure = vec![None; n];
    let mut pdays = vec![Some(0i64); n];
    let mut repeat = vec![None; n];
    let mut aov = vec![None; n];
    let mut dprod = vec![Some(0i64); n];
    let mut disc = vec![None; n];
    let mut win: Vec<WindowCols> = windows
        .iter()
        .map(|_| (vec![Some(0); n], vec![Some(0.0); n]))
        .collect();
    for c in 0..n {
        let g: Vec<usize> = grouped[offsets[c]..offsets[c + 1]]
            .iter()
            .map(|&k| o.rows[k])
            .collect();
        if g.is_empty() {
            continue;
        }
        // orders: distinct order ids (rows when there is no order id)
        let order_of = |i: usize| -> i64 {
            o.order_key
                .and_then(|v| key(v, i))
                .unwrap_or(-(i as i64) - 1)
        };
        let mut ords: Vec<(i64, usize)> = g.iter().map(|&i| (order_of(i), i)).collect();
        ords.sort_unstable();
        let mut n_orders = 0i64;
        let mut n_disc = 0i64;
        let mut k = 0;
        while k < ords.len() {
            let mut j = k;
            let mut any = false;
            while j < ords.len() && ords[j].0 == ords[k].0 {
                if let Some(d) = o.discount {
                    any |= d.f64_at(ords[j].1).is_some_and(|x| x > 0.0);
                }
                j += 1;
            }
            n_orders += 1;
            n_disc += any as i64;
            k = j;
        }
        let rev: f64 = g.iter().filter_map(|&i| o.amount[i]).sum();
        let days: Vec<i32> = g.iter().filter_map(|&i| o.day[i]).collect();
        let (f, l) = (days.iter().min().copied(), days.iter().max().copied());
        orders[c] = Some(n_orders);
        revenue[c] = Some(rev);
        first[c] = f;
        last[c] = l;
        recency[c] = l.map(|l| (as_of - l) as i64);
        tenure[c] = f.map(|f| (as_of - f) as i64);
        let pd = distinct(days.iter().map(|&d| d as i64).collect()) as i64;
        pdays[c] = Some(pd);
        repeat[c] = Some(pd - 1);
        aov[c] = Some(rev / n_orders as f64);
        if let Some(p) = o.product {
            dprod[c] = Some(distinct(g.iter().filter_map(|&i| key(p, i)).collect()) as i64);
        }
        disc[c] = Some(n_disc as f64 / n_orders as f64);
        for (w, (wo, wr)) in windows.iter().zip(win.iter_mut()) {
            let inside: Vec<usize> = g
                .iter()
                .copied()
                .filter(|&i| o.day[i].is_some_and(|d| as_of - d <= *w as i32))
                .collect();
            wo[c] = Some(distinct(inside.iter().map(|&i| order_of(i)).collect()) as i64);
            wr[c] = Some(inside.iter().filter_map(|&i| o.amount[i]).sum());
        }
    }
    base.set("orders", Vector::Int(orders));
    base.set("revenue", Vector::Float(revenue));
    base.set("first_order", Vector::Date(first));
    base.set("last_order", Vector::Date(last));
    base.set("recency_days", Vector::Int(recency));
    base.set("tenure_days", Vector::Int(tenure));
    base.set("purchase_days", Vector::Int(pdays));
    base.set("repeat_purchases", Vector::Int(repeat));
    base.set("avg_order_value", Vector::Float(aov));
    base.set("distinct_products", Vector::Int(dprod));
    let group_of = |c: usize| -> Vec<usize> {
        grouped[offsets[c]..offsets[c + 1]]
            .iter()
            .map(|&k| o.rows[k])
            .collect()
    };
    let none = || {
        Vector::Text(TextVec {
            codes: vec![NULL_CODE; n],
            dict: vec![],
        })
    };
    base.set(
        "top_category",
        o.category
            .map(|v| mode_per_customer(v, group_of, n))
            .unwrap_or_else(none),
    );
    base.set(
        "main_channel",
        o.channel
            .map(|v| mode_per_customer(v, group_of, n))
            .unwrap_or_else(none),
    );
    base.set("discount_share", Vector::Float(disc));
    for (w, (wo, wr)) in windows.iter().zip(win) {
        base.set(&format!("orders_{w}d"), Vector::Int(wo));
        base.set(&format!("revenue_{w}d"), Vector::Float(wr));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_rows_by_customer_in_order() {
        let (off, rows) = group_by_customer(&[2, 0, 2, 1, 0], 4);
        assert_eq!(off, vec![0, 2, 3, 5, 5]);
        assert_eq!(rows, vec![1, 4, 3, 0, 2]);
    }

    #[test]
    fn hand_computed_fields() {
        // customer 0: order 10 (2 lines, one discounted) on day 100, order 11 on day 105 (a return)
        // customer 1: no orders
        let mut base = Frame::new(2);
        let order_key = Vector::Int(vec![Some(10), Some(10), Some(11)]);
        let product = Vector::Text(TextVec::from_values(
            [Some("a"), Some("b"), Some("a")].into_iter(),
        ));
        let category = Vector::Text(TextVec::from_values(
            [Some("x"), Some("y"), Some("y")].into_iter(),
        ));
        let discount = Vector::Float(vec![Some(0.1), None, Some(0.0)]);
        let o = OrderCols {
            cust: &[0, 0, 0],
            order_key: Some(&order_key),
            day: &[Some(100), Some(100), Some(105)],
            amount: &[Some(10.0), Some(5.0), Some(-4.0)],
            product: Some(&product),
            category: Some(&category),
            channel: None,
            discount: Some(&discount),
            rows: &[0, 1, 2],
        };
        derive(&mut base, &o, 110, &[7]);
        let get = |n: &str| base.get(n).unwrap().clone();
        assert_eq!(*get("orders"), Vector::Int(vec![Some(2), Some(0)]));
        assert_eq!(*get("revenue"), Vector::Float(vec![Some(11.0), Some(0.0)]));
        assert_eq!(*get("recency_days"), Vector::Int(vec![Some(5), None]));
        assert_eq!(*get("tenure_days"), Vector::Int(vec![Some(10), None]));
        assert_eq!(*get("purchase_days"), Vector::Int(vec![Some(2), Some(0)]));
        assert_eq!(*get("repeat_purchases"), Vector::Int(vec![Some(1), None]));
        assert_eq!(
            *get("avg_order_value"),
            Vector::Float(vec![Some(5.5), None])
        );
        assert_eq!(
            *get("distinct_products"),
            Vector::Int(vec![Some(2), Some(0)])
        );
        assert_eq!(get("top_category").text_at(0).as_deref(), Some("y"));
        assert_eq!(*get("discount_share"), Vector::Float(vec![Some(0.5), None]));
        assert_eq!(*get("orders_7d"), Vector::Int(vec![Some(1), Some(0)]));
        assert_eq!(
            *get("revenue_7d"),
            Vector::Float(vec![Some(-4.0), Some(0.0)])
        );
    }
}
