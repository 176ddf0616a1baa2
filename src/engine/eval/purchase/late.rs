//! The purchase fields a first open can leave for later (products, category, channel), from order columns read after it.

use super::counts::{distinct_products, modal_vector};
use super::{Cells, Grouped, Modal, Vector, text_of};

/// The fields [`derive_late`] can make, in the order [`super::derive`] makes them.
/// (The discount share is not among them: its column is read as numbers, bad values as
/// missing, which only a first read with the rules' columns does as a whole read does.)
pub const LATE_FIELDS: [&str; 3] = ["distinct_products", "top_category", "main_channel"];

/// The order columns the late fields read: the kept rows grouped by customer as the first read
/// matched them (`rows` maps places to rows; `None`: every row was kept, place `k` is row `k`),
/// and the columns read since (row for row with that read).
pub struct LateOrderCols<'a> {
    pub grouped: &'a Grouped,
    pub rows: Option<&'a [u32]>,
    pub product: Option<&'a Vector>,
    pub category: Option<&'a Vector>,
    pub channel: Option<&'a Vector>,
}

/// One range of customers' late fields.
#[derive(Default)]
struct LatePart {
    dprod: Cells<i64>,
    category: Vec<u32>,
    channel: Vec<u32>,
}

/// The `fields` (of [`LATE_FIELDS`]) of `n` customers, equal to what [`super::derive`] makes
/// from the same rows, in [`LATE_FIELDS`] order.
pub fn derive_late(n: usize, o: &LateOrderCols, fields: &[String]) -> Vec<(String, Vector)> {
    let wanted = |f: &str| fields.iter().any(|x| x == f);
    let dprod = wanted("distinct_products");
    let (cat, chan) = (
        text_of(o.category)
            .filter(|_| wanted("top_category"))
            .map(Modal::new),
        text_of(o.channel)
            .filter(|_| wanted("main_channel"))
            .map(Modal::new),
    );
    let row = |k: u32| o.rows.map_or(k as usize, |r| r[k as usize] as usize);
    let parts = crate::engine::parallel::over_ranges(n, |r| {
        let mut p = LatePart::default();
        let (mut g, mut tally, mut keys) = (vec![], vec![], vec![]);
        for c in r {
            g.clear();
            g.extend(o.grouped.rows_of(c).map(row));
            if let Some(m) = &cat {
                p.category.push(m.mode(&g, &mut tally));
            }
            if let Some(m) = &chan {
                p.channel.push(m.mode(&g, &mut tally));
            }
            if dprod {
                p.dprod.push(Some(distinct_products(
                    o.product, &g, &mut tally, &mut keys,
                )));
            }
        }
        p
    });
    let mut all = LatePart::default();
    for p in parts {
        all.dprod.extend(p.dprod);
        all.category.extend(p.category);
        all.channel.extend(p.channel);
    }
    let rows = (o.grouped, o.rows);
    let mut out = Vec::new();
    if dprod {
        out.push(("distinct_products", Vector::Int(all.dprod)));
    }
    if wanted("top_category") {
        out.push((
            "top_category",
            modal_vector(o.category, all.category, rows, n),
        ));
    }
    if wanted("main_channel") {
        out.push((
            "main_channel",
            modal_vector(o.channel, all.channel, rows, n),
        ));
    }
    out.into_iter().map(|(f, v)| (f.to_string(), v)).collect()
}
