//! The kept order rows matched to their customers and made ready for aggregation.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::frame::{Cells, DType, Frame, NULL_CODE, Vector};
use super::super::purchase::{group_by_customer, mode_vector};
use super::ids::{IdIndex, id_text};
use super::{col_name, order_cid, order_days};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Spanned, Workspace};

/// The order rows that count, ready for aggregation.
pub(crate) struct PreparedOrders {
    pub frame: Frame,
    /// The type of every column the orders had (some are not kept in `frame`).
    pub types: HashMap<String, DType>,
    /// Customer index of each kept row, and the row it is.
    pub cust: Vec<u32>,
    pub kept: Vec<u32>,
    /// Calendar day (a `Date` vector) and amount (a `Float` vector) of every row of `frame`,
    /// shared with the frame's own columns when they already are of that type.
    day: Arc<Vector>,
    amount: Arc<Vector>,
}

impl PreparedOrders {
    pub fn day(&self) -> &Cells<i32> {
        match &*self.day {
            Vector::Date(v) => v,
            _ => unreachable!("order days are built as dates"),
        }
    }

    pub fn amount(&self) -> &Cells<f64> {
        match &*self.amount {
            Vector::Float(v) => v,
            _ => unreachable!("order amounts are built as numbers"),
        }
    }

    /// Keep only each kept row's customer and row: the rows stay matched to their customers,
    /// with no day, amount or column. Returns what goes, to be let go.
    pub fn matching_only(&mut self) -> (Frame, Arc<Vector>, Arc<Vector>) {
        let rows = self.frame.len;
        let all = std::mem::replace(&mut self.frame, Frame::new(rows));
        let none = || Arc::new(Vector::Float(Cells::new()));
        let day = std::mem::replace(&mut self.day, Arc::new(Vector::Date(Cells::new())));
        (all, day, std::mem::replace(&mut self.amount, none()))
    }
}

/// Each kept row's customer (its index among `ids`) and the row, and how many rows name a
/// customer `ids` does not have; rows in parallel ranges.
fn match_customers(ids: &Vector, v: &Vector, rows: &[u32]) -> (Vec<u32>, Vec<u32>, usize) {
    let each = |customer: &(dyn Fn(usize) -> Option<u32> + Sync)| {
        let ([cust, kept], _) =
            crate::engine::parallel::fill_ranges(rows.len(), |range, [c, k]| {
                let mut found = 0;
                for &r in &rows[range] {
                    if let Some(ci) = customer(r as usize) {
                        c[found] = ci;
                        k[found] = r;
                        found += 1;
                    }
                }
                (found, ())
            });
        let unknown = rows.len() - cust.len();
        (cust, kept, unknown)
    };
    if let (Vector::Int(idv), Vector::Int(ov)) = (ids, v) {
        let index = IdIndex::new(idv);
        return each(&|r| ov.get(r).and_then(|x| index.get(x)));
    }
    let map: HashMap<String, u32, foldhash::fast::RandomState> = (0..ids.len())
        .filter_map(|i| id_text(ids, i).map(|t| (t, i as u32)))
        .collect();
    match v {
        // each distinct text looked up once
        Vector::Text(t) => {
            let by_code: Vec<Option<u32>> = t.dict.iter().map(|w| map.get(w).copied()).collect();
            each(&|r| match t.codes[r] {
                NULL_CODE => None,
                c => by_code[c as usize],
            })
        }
        _ => each(&|r| v.text_at(r).and_then(|x| map.get(&x).copied())),
    }
}

/// The amount of each row: the amount column as numbers, or quantity × unit price.
fn amounts(ws: &Workspace, of: &Frame) -> Arc<Vector> {
    let get = |k: &Option<Spanned<String>>| k.as_ref().and_then(|c| of.get(c)).map(|a| &**a);
    let shared = |k: &Option<Spanned<String>>| k.as_ref().and_then(|c| of.get(c));
    match (
        shared(&ws.columns.amount),
        get(&ws.columns.quantity),
        get(&ws.columns.unit_price),
    ) {
        (Some(a), _, _) if matches!(**a, Vector::Float(_)) => Arc::clone(a),
        (Some(a), _, _) => Arc::new(Vector::Float((0..of.len).map(|i| a.f64_at(i)).collect())),
        (None, Some(q), Some(p)) => Arc::new(Vector::Float(
            (0..of.len)
                .map(|i| Some(q.f64_at(i)? * p.f64_at(i)?))
                .collect(),
        )),
        _ => Arc::new(Vector::Float(Cells::nulls(of.len))),
    }
}

/// Without a customers table, the orders' other columns become attributes: the most frequent
/// value per customer.
fn order_attributes(ws: &Workspace, of: &Frame, o: (&[u32], &[u32]), n: usize, base: &mut Frame) {
    let roles: Vec<String> = ws
        .columns
        .order_line_roles()
        .iter()
        .filter_map(|c| col_name(c))
        .collect();
    let (cust, kept) = o;
    let grouped = group_by_customer(cust, n);
    let groups: Vec<Vec<usize>> = (0..n)
        .map(|c| {
            grouped
                .rows_of(c)
                .map(|k| kept[k as usize] as usize)
                .collect()
        })
        .collect();
    let refs: Vec<&[usize]> = groups.iter().map(|g| g.as_slice()).collect();
    for (name, col) in of.names.iter().zip(of.columns()) {
        if !roles.contains(name) {
            base.set(name, mode_vector(col, &refs));
        }
    }
}

/// Keep only what aggregation reads: the customer id column goes (the rows know their customer)
/// unless another role uses it, and a numeric discount becomes a there-or-not flag.
fn slim(ws: &Workspace, mut of: Frame, cid: &str) -> Frame {
    let c = &ws.columns;
    let other_roles = [
        &c.order_id,
        &c.order_date,
        &c.amount,
        &c.quantity,
        &c.unit_price,
        &c.product,
        &c.category,
        &c.channel,
        &c.discount,
    ];
    if !other_roles
        .iter()
        .any(|r| col_name(r).as_deref() == Some(cid))
    {
        of.remove(&[cid.to_string()]);
    }
    if let Some(d) = col_name(&c.discount)
        && let Some(v) = of.get(&d)
        && v.dtype().is_numeric()
    {
        let flags = Vector::Bool(match &**v {
            Vector::Float(x) => x.map(|x| x > 0.0),
            Vector::Int(x) => x.map(|x| x > 0),
            other => other.numbers().into_map(|x| x > 0.0),
        });
        of.set(&d, flags);
    }
    of
}

/// How the warnings that explain a total value of 0 end (see `Session::value_alarm`).
pub(crate) const NOTHING_COUNTS: &str = "every customer's purchases count as 0";

/// The first order's customer id and the first customer's, as each file writes it (for a
/// warning that no order matched).
fn id_examples(v: &Vector, rows: &[u32], ids: &Vector) -> String {
    let order = rows.iter().find_map(|&r| v.text_at(r as usize));
    let customer = (0..ids.len()).find_map(|i| ids.text_at(i));
    match (
        order.map(|o| format!("{o:?}")),
        customer.map(|c| format!("{c:?}")),
    ) {
        (Some(o), Some(c)) => format!("the orders say e.g. {o}, the customers {c}"),
        (Some(o), None) => format!("the orders say e.g. {o}, and there are no customers"),
        _ => "the orders' customer ids are missing".into(),
    }
}

/// The order columns the amount comes from, in words (`None`: the orders have no amount).
fn amount_words(ws: &Workspace) -> Option<String> {
    match (
        &ws.columns.amount,
        &ws.columns.quantity,
        &ws.columns.unit_price,
    ) {
        (Some(a), _, _) => Some(format!("the amount column {:?}", a.value)),
        (None, Some(q), Some(p)) => Some(format!(
            "quantity × unit price ({:?} × {:?})",
            q.value, p.value
        )),
        _ => None,
    }
}

/// Match the kept rows to the customers (`ids`), count the rows of unknown customers, and keep
/// what aggregation needs. With `attributes` (no customers table) the orders' other columns
/// become attributes of `base`.
pub(super) fn prepare(
    ws: &Workspace,
    of: Frame,
    rows: &[u32],
    ids: &Vector,
    (base, attributes): (&mut Frame, bool),
    warnings: &mut Vec<String>,
) -> Result<PreparedOrders> {
    let timing = crate::engine::timing::Timing::new();
    let c = order_cid(ws).unwrap_or_default();
    let v = of
        .get(&c)
        .ok_or_else(|| EngineError::data(&ws.file, format!("the orders have no column \"{c}\"")))?;
    let (cust, kept, unknown) = match_customers(ids, v, rows);
    timing.mark("  orders matched to customers");
    if unknown > 0 && kept.is_empty() {
        // every row: most likely the two files write the ids differently
        warnings.push(format!(
            "none of the {} order rows' customers is in the customers table ({}); {}",
            crate::engine::format::thousands(unknown as u64),
            id_examples(v, rows, ids),
            NOTHING_COUNTS
        ));
    } else if unknown > 0 {
        // the first row left out (`kept` is `rows` less those, in the same order)
        let first = rows
            .iter()
            .zip(kept.iter().map(Some).chain(std::iter::repeat(None)))
            .find(|(r, k)| k.is_none_or(|k| k != *r))
            .and_then(|(&r, _)| v.text_at(r as usize));
        warnings.push(format!(
            "{} order rows whose customer is not in the customers table were left out (e.g. {:?})",
            crate::engine::format::thousands(unknown as u64),
            first.unwrap_or_default()
        ));
    }
    let day = order_days(
        ws.columns.order_date.as_ref().and_then(|d| of.get(d)),
        of.len,
    );
    let amount = amounts(ws, &of);
    // without an amount role this matters only when the value is the revenue
    let counts = ws.columns.amount.is_some()
        || ws.columns.quantity.is_some()
        || ws.valuation.value.is_none();
    if counts && !kept.is_empty() && kept.iter().all(|&r| amount.is_null(r as usize)) {
        warnings.push(match amount_words(ws) {
            Some(cols) => format!(
                "{cols} holds no number in any of the {} order rows kept; {NOTHING_COUNTS}",
                crate::engine::format::thousands(kept.len() as u64),
            ),
            None => format!(
                "the orders have no amount (set amount, or quantity and unit_price, in \
                 Classify); {NOTHING_COUNTS}"
            ),
        });
    }
    if attributes {
        order_attributes(ws, &of, (&cust, &kept), ids.len(), base);
    }
    // the type of every column, for the SQL writer, before some are let go
    let types = of
        .names
        .iter()
        .filter_map(|n| of.dtype_of(n).map(|t| (n.clone(), t)))
        .collect();
    Ok(PreparedOrders {
        frame: slim(ws, of, &c),
        types,
        cust,
        kept,
        day,
        amount,
    })
}
