//! Purchase-history fields per customer (SPEC §4.3), from the filtered orders.

use super::frame::{Cells, Frame, NULL_CODE, TextVec, Vector, Words};
use counts::{distinct_products, modal_vector, order_of, orders_discounted};
pub use late::{LATE_FIELDS, LateOrderCols, derive_late};

mod counts;
mod late;

/// The order columns the aggregation reads, already converted (one entry per kept order row).
pub struct OrderCols<'a> {
    /// Customer index (into the base frame) of every row.
    pub cust: &'a [u32],
    pub order_key: Option<&'a Vector>,
    /// Calendar day of every row.
    pub day: &'a Cells<i32>,
    /// Amount per row (already quantity × unit price when that is how it is given).
    pub amount: &'a Cells<f64>,
    pub product: Option<&'a Vector>,
    pub category: Option<&'a Vector>,
    pub channel: Option<&'a Vector>,
    pub discount: Option<&'a Vector>,
    /// Row indices into the vectors above, for each kept row.
    pub rows: &'a [u32],
}

/// Kept rows grouped by customer: customer `c` owns places `offsets[c]..offsets[c + 1]`, and
/// place `k` is row [`Grouped::row`]`(k)`.
pub struct Grouped {
    pub offsets: Vec<usize>,
    /// The row at each place; `None` when the rows were grouped already (place `k` is row `k`:
    /// no list of them is made, hundreds of megabytes at tens of millions of rows).
    order: Option<Vec<u32>>,
}

impl Grouped {
    #[inline]
    pub fn row(&self, k: usize) -> u32 {
        match &self.order {
            Some(o) => o[k],
            None => k as u32,
        }
    }

    /// Customer `c`'s rows, in row order.
    pub fn rows_of(&self, c: usize) -> impl Iterator<Item = u32> + '_ {
        (self.offsets[c]..self.offsets[c + 1]).map(|k| self.row(k))
    }
}

/// Group kept rows by customer (`cust`: each row's customer, below `n_customers`).
pub fn group_by_customer(cust: &[u32], n_customers: usize) -> Grouped {
    let mut offsets = vec![0usize; n_customers + 1];
    for &c in cust {
        offsets[c as usize + 1] += 1;
    }
    for i in 0..n_customers {
        offsets[i + 1] += offsets[i];
    }
    // order files are often written customer by customer: the rows are in place already
    let in_order = crate::engine::parallel::over_ranges(cust.len(), |r| {
        let end = (r.end + 1).min(cust.len());
        cust[r.start..end].windows(2).all(|w| w[0] <= w[1])
    });
    if in_order.into_iter().all(|x| x) {
        return Grouped {
            offsets,
            order: None,
        };
    }
    let mut fill = offsets.clone();
    let mut rows = vec![0u32; cust.len()];
    for (k, &c) in cust.iter().enumerate() {
        rows[fill[c as usize]] = k as u32;
        fill[c as usize] += 1;
    }
    Grouped {
        offsets,
        order: Some(rows),
    }
}

/// A key for distinct-counting: integer value or text code.
fn key(v: &Vector, i: usize) -> Option<i64> {
    match v {
        Vector::Int(x) => x.get(i),
        Vector::Date(x) => x.get(i).map(i64::from),
        Vector::Text(t) => (t.codes[i] != NULL_CODE).then_some(t.codes[i] as i64),
        Vector::Float(x) => x.get(i).map(f64::to_bits).map(|b| b as i64),
        Vector::Bool(x) => x.get(i).map(i64::from),
    }
}

fn distinct(v: &mut Vec<i64>) -> usize {
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

/// A text column whose most frequent value per customer is wanted, with each code's place in
/// text order (ties go to the smallest text).
struct Modal<'a> {
    t: &'a TextVec,
    rank: Vec<u32>,
}

impl<'a> Modal<'a> {
    fn new(t: &'a TextVec) -> Modal<'a> {
        let mut order: Vec<u32> = (0..t.dict.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| t.dict[a as usize].cmp(&t.dict[b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        Modal { t, rank }
    }

    /// The most frequent code among `rows` (ties: the smallest text); `NULL_CODE` when all are
    /// missing. Counted in `tally` (one count per code, all zero before and after), no sort.
    fn mode(&self, rows: &[usize], tally: &mut Vec<u32>) -> u32 {
        if tally.len() < self.rank.len() {
            tally.resize(self.rank.len(), 0);
        }
        let codes = &self.t.codes;
        for &i in rows {
            if codes[i] != NULL_CODE {
                tally[codes[i] as usize] += 1;
            }
        }
        let mut best = (NULL_CODE, 0u32);
        for &i in rows {
            let c = codes[i];
            if c == NULL_CODE {
                continue;
            }
            // each code is weighed once, at its first row: its count is taken back to zero
            let k = std::mem::take(&mut tally[c as usize]);
            let better = k > best.1
                || (k > 0 && k == best.1 && self.rank[c as usize] < self.rank[best.0 as usize]);
            if better {
                best = (c, k);
            }
        }
        best.0
    }
}

/// How many distinct codes of `t` among `rows`, marked in `seen` (all zero before and after).
fn distinct_codes(t: &TextVec, rows: &[usize], seen: &mut Vec<u32>) -> usize {
    if seen.len() < t.dict.len() {
        seen.resize(t.dict.len(), 0);
    }
    let mut n = 0;
    for &i in rows {
        let c = t.codes[i];
        if c != NULL_CODE && seen[c as usize] == 0 {
            seen[c as usize] = 1;
            n += 1;
        }
    }
    for &i in rows {
        if t.codes[i] != NULL_CODE {
            seen[t.codes[i] as usize] = 0;
        }
    }
    n
}

/// Most frequent value per customer of a column that is not text, as text.
fn mode_per_customer(v: &Vector, group_of: impl Fn(usize) -> Vec<usize>, n: usize) -> Vector {
    let vals: Vec<Option<String>> = (0..n).map(|c| mode_text(v, &group_of(c))).collect();
    Vector::Text(TextVec::from_values(vals.iter().map(|x| x.as_deref())))
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
                    Vector::Int(chosen.iter().map(|c| c.and_then(|i| x.get(i))).collect())
                }
                Vector::Float(x) => {
                    Vector::Float(chosen.iter().map(|c| c.and_then(|i| x.get(i))).collect())
                }
                Vector::Date(x) => {
                    Vector::Date(chosen.iter().map(|c| c.and_then(|i| x.get(i))).collect())
                }
                Vector::Bool(x) => {
                    Vector::Bool(chosen.iter().map(|c| c.and_then(|i| x.get(i))).collect())
                }
                Vector::Text(_) => unreachable!(),
            }
        }
    }
}

/// Orders and revenue of one window, per customer.
type WindowCols = (Cells<i64>, Cells<f64>);

/// The purchase fields of a range of customers.
#[derive(Default)]
struct Part {
    orders: Cells<i64>,
    revenue: Cells<f64>,
    first: Cells<i32>,
    last: Cells<i32>,
    recency: Cells<i64>,
    tenure: Cells<i64>,
    pdays: Cells<i64>,
    repeat: Cells<i64>,
    aov: Cells<f64>,
    dprod: Cells<i64>,
    disc: Cells<f64>,
    /// Mean value of the repeat purchase days (left empty when nothing asked for it).
    spend: Cells<f64>,
    win: Vec<WindowCols>,
    /// Most frequent category and channel codes (when those columns are text).
    category: Vec<u32>,
    channel: Vec<u32>,
}

impl Part {
    /// Append `o`'s columns, each on its own task (the copying is most of the time).
    fn append(&mut self, o: Part) {
        rayon::scope(|s| {
            let Part {
                orders,
                revenue,
                first,
                last,
                recency,
                tenure,
                pdays,
                repeat,
                aov,
                dprod,
                disc,
                spend,
                win,
                category,
                channel,
            } = self;
            s.spawn(move |_| orders.extend(o.orders));
            s.spawn(move |_| revenue.extend(o.revenue));
            s.spawn(move |_| first.extend(o.first));
            s.spawn(move |_| last.extend(o.last));
            s.spawn(move |_| recency.extend(o.recency));
            s.spawn(move |_| tenure.extend(o.tenure));
            s.spawn(move |_| pdays.extend(o.pdays));
            s.spawn(move |_| repeat.extend(o.repeat));
            s.spawn(move |_| aov.extend(o.aov));
            s.spawn(move |_| dprod.extend(o.dprod));
            s.spawn(move |_| disc.extend(o.disc));
            s.spawn(move |_| spend.extend(o.spend));
            for ((ao, ar), (bo, br)) in win.iter_mut().zip(o.win) {
                s.spawn(move |_| ao.extend(bo));
                s.spawn(move |_| ar.extend(br));
            }
            s.spawn(move |_| category.extend(o.category));
            s.spawn(move |_| channel.extend(o.channel));
        });
    }
}

fn text_of(v: Option<&Vector>) -> Option<&TextVec> {
    match v {
        Some(Vector::Text(t)) => Some(t),
        _ => None,
    }
}

/// The sum of `xs`, 0 when there are none (`Iterator::sum` of no floats is -0.0, which would
/// be written as `-0`).
fn total(xs: impl Iterator<Item = f64>) -> f64 {
    xs.fold(0.0, |a, x| a + x)
}

/// Buffers reused from one customer to the next.
#[derive(Default)]
struct Scratch {
    /// The customer's rows.
    g: Vec<usize>,
    ords: Vec<(i64, usize)>,
    days: Vec<i32>,
    keys: Vec<i64>,
    /// Counts per text code, all zero between customers.
    tally: Vec<u32>,
    day_values: Vec<(i32, f64)>,
}

impl Part {
    /// Columns for `n` customers, sized up front (growing by doubling could leave half unused).
    fn sized(n: usize, windows: usize, spend: bool, (cat, chan): (bool, bool)) -> Part {
        let cap = || Cells::with_capacity(n);
        let text = |is_text: bool| {
            if is_text {
                Vec::with_capacity(n)
            } else {
                vec![]
            }
        };
        Part {
            orders: cap(),
            revenue: Cells::with_capacity(n),
            first: Cells::with_capacity(n),
            last: Cells::with_capacity(n),
            recency: cap(),
            tenure: cap(),
            pdays: cap(),
            repeat: cap(),
            aov: Cells::with_capacity(n),
            dprod: cap(),
            disc: Cells::with_capacity(n),
            spend: if spend {
                Cells::with_capacity(n)
            } else {
                Cells::new()
            },
            win: (0..windows)
                .map(|_| (Cells::with_capacity(n), Cells::with_capacity(n)))
                .collect(),
            category: text(cat),
            channel: text(chan),
        }
    }

    /// A customer without orders: counts of zero, the rest missing.
    fn push_none(&mut self, spend: bool) {
        self.orders.push(Some(0));
        self.revenue.push(Some(0.0));
        self.first.push(None);
        self.last.push(None);
        self.recency.push(None);
        self.tenure.push(None);
        self.pdays.push(Some(0));
        self.repeat.push(None);
        self.aov.push(None);
        self.dprod.push(Some(0));
        self.disc.push(None);
        if spend {
            self.spend.push(None);
        }
        for (wo, wr) in self.win.iter_mut() {
            wo.push(Some(0));
            wr.push(Some(0.0));
        }
    }

    /// A customer with the order rows in `sc.g`.
    fn push_buyer(
        &mut self,
        o: &OrderCols,
        sc: &mut Scratch,
        (as_of, windows, spend): (i32, &[u32], bool),
    ) {
        let order_of = |i: usize| order_of(o.order_key, i);
        let (n_orders, n_disc) = orders_discounted(&sc.g, (o.order_key, o.discount), &mut sc.ords);
        let rev = total(sc.g.iter().filter_map(|&i| o.amount.get(i)));
        sc.days.clear();
        sc.days.extend(sc.g.iter().filter_map(|&i| o.day.get(i)));
        let (f, l) = (sc.days.iter().min().copied(), sc.days.iter().max().copied());
        self.orders.push(Some(n_orders));
        self.revenue.push(Some(rev));
        self.first.push(f);
        self.last.push(l);
        self.recency.push(l.map(|l| (as_of - l) as i64));
        self.tenure.push(f.map(|f| (as_of - f) as i64));
        sc.keys.clear();
        sc.keys.extend(sc.days.iter().map(|&d| d as i64));
        let pd = distinct(&mut sc.keys) as i64;
        self.pdays.push(Some(pd));
        self.repeat.push(Some(pd - 1));
        self.aov.push(Some(rev / n_orders as f64));
        self.dprod.push(Some(distinct_products(
            o.product,
            &sc.g,
            &mut sc.tally,
            &mut sc.keys,
        )));
        self.disc.push(Some(n_disc as f64 / n_orders as f64));
        if spend {
            self.spend
                .push(repeat_day_mean(&sc.g, o, &mut sc.day_values));
        }
        for (w, (wo, wr)) in windows.iter().zip(self.win.iter_mut()) {
            let inside = |i: &&usize| o.day.get(**i).is_some_and(|d| as_of - d <= *w as i32);
            sc.keys.clear();
            sc.keys
                .extend(sc.g.iter().filter(inside).map(|&i| order_of(i)));
            wo.push(Some(distinct(&mut sc.keys) as i64));
            wr.push(Some(total(
                sc.g.iter().filter(inside).filter_map(|&i| o.amount.get(i)),
            )));
        }
    }
}

/// The fields of customers `range` (their rows found through `grouped`).
fn part(
    o: &OrderCols,
    grouped: &Grouped,
    range: std::ops::Range<usize>,
    modal: (Option<&Modal>, Option<&Modal>),
    (as_of, windows, spend): (i32, &[u32], bool),
) -> Part {
    let (cat, chan) = modal;
    let mut p = Part::sized(
        range.len(),
        windows.len(),
        spend,
        (cat.is_some(), chan.is_some()),
    );
    let mut sc = Scratch::default();
    for c in range {
        sc.g.clear();
        sc.g.extend(grouped.rows_of(c).map(|k| o.rows[k as usize] as usize));
        if let Some(m) = cat {
            p.category.push(m.mode(&sc.g, &mut sc.tally));
        }
        if let Some(m) = chan {
            p.channel.push(m.mode(&sc.g, &mut sc.tally));
        }
        if sc.g.is_empty() {
            p.push_none(spend);
        } else {
            p.push_buyer(o, &mut sc, (as_of, windows, spend));
        }
    }
    p
}

/// The mean value of a customer's purchase days after the first (each day's rows summed);
/// `None` without a repeat purchase day.
fn repeat_day_mean(g: &[usize], o: &OrderCols, buf: &mut Vec<(i32, f64)>) -> Option<f64> {
    buf.clear();
    buf.extend(
        g.iter()
            .filter_map(|&i| Some((o.day.get(i)?, o.amount.get(i).unwrap_or(0.0)))),
    );
    buf.sort_unstable_by_key(|p| p.0);
    let (mut days, mut total) = (0usize, 0.0);
    let mut k = buf.iter().position(|p| p.0 != buf[0].0)?;
    while k < buf.len() {
        let day = buf[k].0;
        while k < buf.len() && buf[k].0 == day {
            total += buf[k].1;
            k += 1;
        }
        days += 1;
    }
    Some(total / days as f64)
}

/// Compute every purchase-history field (but the scores) into `base` (one row per customer),
/// a range of customers per core.
/// Fields named in `skip` are left out (their source columns were not read).
pub fn derive(base: &mut Frame, o: &OrderCols, as_of: i32, windows: &[u32], skip: &[String]) {
    let n = base.len;
    let grouped = group_by_customer(o.cust, n);
    let spend = !skip.iter().any(|s| s == "repeat_avg_value");
    let (cat, chan) = (
        text_of(o.category).map(Modal::new),
        text_of(o.channel).map(Modal::new),
    );
    let parts = crate::engine::parallel::over_ranges(n, |r| {
        let modal = (cat.as_ref(), chan.as_ref());
        part(o, &grouped, r, modal, (as_of, windows, spend))
    });
    // the first range's columns grow in place; the others are appended to them
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_else(|| Part {
        win: windows.iter().map(|_| Default::default()).collect(),
        ..Default::default()
    });
    for p in parts {
        all.append(p);
    }
    base.set("orders", Vector::Int(all.orders));
    base.set("revenue", Vector::Float(all.revenue));
    base.set("first_order", Vector::Date(all.first));
    base.set("last_order", Vector::Date(all.last));
    base.set("recency_days", Vector::Int(all.recency));
    base.set("tenure_days", Vector::Int(all.tenure));
    base.set("purchase_days", Vector::Int(all.pdays));
    base.set("repeat_purchases", Vector::Int(all.repeat));
    base.set("avg_order_value", Vector::Float(all.aov));
    base.set("distinct_products", Vector::Int(all.dprod));
    base.set(
        "top_category",
        modal_vector(o.category, all.category, (&grouped, Some(o.rows)), n),
    );
    base.set(
        "main_channel",
        modal_vector(o.channel, all.channel, (&grouped, Some(o.rows)), n),
    );
    base.set("discount_share", Vector::Float(all.disc));
    if spend {
        base.set("repeat_avg_value", Vector::Float(all.spend));
    }
    for (w, (wo, wr)) in windows.iter().zip(all.win) {
        base.set(&format!("orders_{w}d"), Vector::Int(wo));
        base.set(&format!("revenue_{w}d"), Vector::Float(wr));
    }
    base.remove(skip);
}

#[cfg(test)]
mod tests;
