//! Assembling the per-customer base table from the workspace's tables (SPEC §2): ids, joins, orders.

use std::collections::HashMap;
use std::sync::Arc;

use super::frame::{Frame, TextVec, Vector};
use super::purchase::{group_by_customer, mode_vector};
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::compile::compile;
use crate::engine::eval::expr::eval_bool;
use crate::engine::eval::frame::DType;
use crate::engine::rules::condition::parse_condition;
use crate::engine::rules::{DuplicateIds, Spanned, Workspace};

use super::session::{Frames, ws_error};

/// The order rows that count, ready for aggregation.
pub(super) struct PreparedOrders {
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
    pub fn day(&self) -> &[Option<i32>] {
        match &*self.day {
            Vector::Date(v) => v,
            _ => unreachable!("order days are built as dates"),
        }
    }

    pub fn amount(&self) -> &[Option<f64>] {
        match &*self.amount {
            Vector::Float(v) => v,
            _ => unreachable!("order amounts are built as numbers"),
        }
    }
}

/// The order-date column as days, shared when it is one.
fn order_days(col: Option<&Arc<Vector>>, n: usize) -> Arc<Vector> {
    match col {
        Some(v) if matches!(**v, Vector::Date(_)) => Arc::clone(v),
        Some(v) => Arc::new(Vector::Date(
            (0..n).map(|i| v.f64_at(i).map(|x| x as i32)).collect(),
        )),
        None => Arc::new(Vector::Date(vec![None; n])),
    }
}

fn data_err(path: &std::path::Path, msg: String) -> EngineError {
    EngineError::data(path, msg)
}

/// Text form of an id for matching ids across tables.
fn id_text(v: &Vector, i: usize) -> Option<String> {
    v.text_at(i)
}

/// Integer ids: every value an integer with no sign (SPEC §2); otherwise text.
fn normalize_ids(v: Vector) -> Vector {
    match v {
        Vector::Int(x) if x.iter().flatten().all(|&i| i >= 0) => Vector::Int(x),
        Vector::Float(x)
            if x.iter()
                .flatten()
                .all(|&f| f >= 0.0 && f.fract() == 0.0 && f < 9e15) =>
        {
            Vector::Int(x.into_iter().map(|f| f.map(|f| f as i64)).collect())
        }
        Vector::Text(t) => Vector::Text(t),
        other => {
            let n = other.len();
            let t: Vec<Option<String>> = (0..n).map(|i| other.text_at(i)).collect();
            Vector::Text(TextVec::from_values(t.iter().map(|x| x.as_deref())))
        }
    }
}

/// Row order that sorts ids naturally (integers numerically, text lexically).
fn id_order(ids: &Vector) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..ids.len()).collect();
    match ids {
        Vector::Int(x) => idx.sort_by_key(|&i| x[i]),
        Vector::Text(t) => idx.sort_by(|&a, &b| t.get(a).cmp(&t.get(b))),
        _ => {}
    }
    idx
}

fn take_frame(f: &Frame, idx: &[usize]) -> Frame {
    let mut out = Frame::new(idx.len());
    for (n, c) in f.names.iter().zip(&f.cols) {
        out.set(n, c.take(idx));
    }
    out
}

pub(super) struct Assembled {
    pub ws: Workspace,
    pub base: Frame,
    pub ids: Vector,
    pub as_of: Option<i32>,
    pub warnings: Vec<String>,
    pub orders: Option<PreparedOrders>,
}

/// Build the per-customer base table: customers (or the distinct buyers), joined tables,
/// attributes taken from the orders, and the kept order rows.
pub(super) fn assemble(ws: Workspace, tables: Frames) -> Result<Assembled> {
    let timing = crate::engine::timing::Timing::new();
    let mut warnings = Vec::new();
    let wsfile = ws.file.clone();
    let has_customers = tables.customers.is_some();
    let col_name = |s: &Option<Spanned<String>>| s.as_ref().map(|x| x.value.clone());
    // --- orders: convert and filter
    let mut ord: Option<(Frame, Vec<usize>)> = None;
    let mut as_of = ws
        .data
        .as_of
        .as_ref()
        .map(|d| (d.value - crate::engine::data::infer::epoch()).num_days() as i32);
    let order_cid = col_name(&ws.columns.order_customer_id).or(col_name(&ws.columns.customer_id));
    if let Some(of) = tables.orders {
        let mut keep: Vec<bool> = vec![true; of.len];
        if let Some(flt) = &ws.data.orders_filter {
            let e = parse_condition(flt)
                .and_then(|e| compile(&e, &|n| of.dtype_of(n), &of.names))
                .map_err(|e| ws_error(&ws, flt, "data.orders_filter", &e))?;
            for (k, b) in eval_bool(&e.0, &of).into_iter().enumerate() {
                keep[k] = b == Some(true);
            }
        }
        let date_col = col_name(&ws.columns.order_date);
        if let Some(dc) = &date_col
            && let Some(v) = of.get(dc)
        {
            if v.dtype() != DType::Date {
                return Err(data_err(
                    &wsfile,
                    format!(
                        "order date column \"{dc}\" holds {}, not dates; set date_format for the orders file",
                        v.dtype().name()
                    ),
                ));
            }
            let day_col = order_days(Some(v), of.len);
            let Vector::Date(days) = &*day_col else {
                unreachable!("order_days gives dates")
            };
            if as_of.is_none() {
                as_of = (0..of.len)
                    .filter(|&i| keep[i])
                    .filter_map(|i| days[i])
                    .max()
                    .map(|d| d + 1);
            }
            if let Some(a) = as_of {
                let late = (0..of.len)
                    .filter(|&i| keep[i] && days[i].is_some_and(|d| d > a))
                    .count();
                if late > 0 {
                    warnings.push(format!("{late} order rows dated after as_of were left out"));
                    for (i, k) in keep.iter_mut().enumerate() {
                        if days[i].is_some_and(|d| d > a) {
                            *k = false;
                        }
                    }
                }
            }
        }
        if let Some(c) = &order_cid
            && let Some(v) = of.get(c)
        {
            let missing = (0..of.len).filter(|&i| keep[i] && v.is_null(i)).count();
            if missing > 0 {
                warnings.push(format!(
                    "{missing} order rows without a customer id were left out"
                ));
                for (i, k) in keep.iter_mut().enumerate() {
                    if v.is_null(i) {
                        *k = false;
                    }
                }
            }
        }
        let rows: Vec<usize> = (0..of.len).filter(|&i| keep[i]).collect();
        ord = Some((of, rows));
        timing.mark("  orders filtered");
    }
    // --- customers: the table, or the distinct ids of the orders
    let cust_id_col = col_name(&ws.columns.customer_id);
    let (mut basef, ids) = match tables.customers {
        Some(mut f) => {
            let ids = match cust_id_col.as_ref().and_then(|c| f.get(c)) {
                Some(v) => normalize_ids((**v).clone()),
                None => Vector::Int((1..=f.len as i64).map(Some).collect()),
            };
            if let Some(i) = (0..ids.len()).find(|&i| ids.is_null(i)) {
                let file = ws
                    .data
                    .customers
                    .as_ref()
                    .map(|c| c.resolve(&ws.base_dir()))
                    .unwrap_or(wsfile.clone());
                let col = cust_id_col.as_deref().unwrap_or_default();
                return Err(data_err(
                    &file,
                    format!(
                        "line {} has no customer id (column \"{col}\"); fill it in or remove the row",
                        i + 2
                    ),
                ));
            }
            let order = id_order(&ids);
            // files are often in id order already: nothing to move then
            let (ids, order) = if order.iter().enumerate().all(|(k, &i)| k == i) {
                (ids, order)
            } else {
                f = take_frame(&f, &order);
                (ids.take(&order), order)
            };
            // duplicates are adjacent after sorting
            let dup: Vec<usize> = (1..ids.len())
                .filter(|&i| id_text(&ids, i) == id_text(&ids, i - 1))
                .collect();
            let (f, ids) = if dup.is_empty() {
                (f, ids)
            } else if ws.data.duplicate_ids == DuplicateIds::First {
                warnings.push(format!(
                    "{} duplicate customer rows were left out (duplicate_ids = \"first\")",
                    dup.len()
                ));
                let keep: Vec<usize> = (0..ids.len()).filter(|i| !dup.contains(i)).collect();
                (take_frame(&f, &keep), ids.take(&keep))
            } else {
                let id = id_text(&ids, dup[0]).unwrap_or_default();
                // file lines of that id: rows before sorting, after the header
                let mut lines: Vec<usize> = (0..ids.len())
                    .filter(|&i| id_text(&ids, i).as_deref() == Some(id.as_str()))
                    .map(|i| order[i] + 2)
                    .collect();
                lines.sort_unstable();
                let rows: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                return Err(data_err(
                    &ws.data
                        .customers
                        .as_ref()
                        .map(|c| c.resolve(&ws.base_dir()))
                        .unwrap_or(wsfile.clone()),
                    format!(
                        "customer id {id} appears more than once (lines {}); fix the data or set [data] duplicate_ids = \"first\"",
                        rows.join(", ")
                    ),
                ));
            };
            (f, ids)
        }
        None => {
            let (of, rows) = ord.as_ref().ok_or_else(|| {
                EngineError::Invalid("the workspace has no customers and no orders".into())
            })?;
            let c = order_cid.clone().ok_or_else(|| {
                EngineError::Invalid(
                    "orders need a customer id column ([columns] order_customer_id)".into(),
                )
            })?;
            let v = of
                .get(&c)
                .ok_or_else(|| data_err(&wsfile, format!("the orders have no column \"{c}\"")))?;
            let kept = normalize_ids(v.take(rows));
            let order = id_order(&kept);
            let mut uniq: Vec<usize> = Vec::new();
            for &i in &order {
                if uniq
                    .last()
                    .is_none_or(|&l| id_text(&kept, l) != id_text(&kept, i))
                {
                    uniq.push(i);
                }
            }
            let ids = kept.take(&uniq);
            (Frame::new(ids.len()), ids)
        }
    };
    timing.mark("  customers");
    // --- joined tables
    for (j, jf) in ws.data.joins.iter().zip(tables.joins) {
        let key = jf.get(&j.key).ok_or_else(|| {
            data_err(
                &j.file.resolve(&ws.base_dir()),
                format!("has no column \"{}\"", j.key.value),
            )
        })?;
        let mut at: HashMap<String, usize> = HashMap::new();
        for r in 0..jf.len {
            if let Some(k) = id_text(key, r)
                && at.insert(k.clone(), r).is_some()
                && ws.data.duplicate_ids == DuplicateIds::Error
            {
                return Err(data_err(
                    &j.file.resolve(&ws.base_dir()),
                    format!("customer id {k} appears more than once"),
                ));
            }
        }
        let idx: Vec<Option<usize>> = (0..ids.len())
            .map(|i| id_text(&ids, i).and_then(|k| at.get(&k).copied()))
            .collect();
        for (name, col) in jf.names.iter().zip(&jf.cols) {
            if *name == j.key.value || basef.get(name).is_some() {
                continue;
            }
            let present: Vec<usize> = idx.iter().map(|x| x.unwrap_or(0)).collect();
            let mut v = col.take(&present);
            null_out(&mut v, &idx);
            basef.set(name, v);
        }
    }
    // --- purchase history
    let mut prepared = None;
    if let Some((of, rows)) = ord {
        let c = order_cid.clone().unwrap_or_default();
        let v = of
            .get(&c)
            .ok_or_else(|| data_err(&wsfile, format!("the orders have no column \"{c}\"")))?;
        let ints = matches!(ids, Vector::Int(_)) && matches!(**v, Vector::Int(_));
        let mut cust = Vec::with_capacity(rows.len());
        // order rows are numbered with 32 bits (half the memory of machine words)
        if of.len > u32::MAX as usize {
            return Err(EngineError::Invalid(format!(
                "{} order lines are more than strata can number (4,294,967,295); filter the \
                 orders first or run the segmentation in a database with `strata sql`",
                of.len
            )));
        }
        let mut kept = Vec::with_capacity(rows.len());
        let mut unknown = 0usize;
        if ints {
            let Vector::Int(idv) = &ids else {
                unreachable!()
            };
            let Vector::Int(ov) = &**v else {
                unreachable!()
            };
            let index = IdIndex::new(idv);
            for &r in &rows {
                match ov[r].and_then(|x| index.get(x)) {
                    Some(ci) => {
                        cust.push(ci);
                        kept.push(r as u32);
                    }
                    None => unknown += 1,
                }
            }
        } else {
            let map: HashMap<String, u32, foldhash::fast::RandomState> = (0..ids.len())
                .filter_map(|i| id_text(&ids, i).map(|t| (t, i as u32)))
                .collect();
            for &r in &rows {
                match v.text_at(r).and_then(|x| map.get(&x)) {
                    Some(&ci) => {
                        cust.push(ci);
                        kept.push(r as u32);
                    }
                    None => unknown += 1,
                }
            }
        }
        timing.mark("  orders matched to customers");
        if unknown > 0 {
            warnings.push(format!(
                "{unknown} order rows whose customer is not in the customers table were left out"
            ));
        }
        let get = |k: &Option<Spanned<String>>| k.as_ref().and_then(|c| of.get(c)).map(|a| &**a);
        let shared = |k: &Option<Spanned<String>>| k.as_ref().and_then(|c| of.get(c));
        let day = order_days(shared(&ws.columns.order_date), of.len);
        let amount = match (
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
            _ => Arc::new(Vector::Float(vec![None; of.len])),
        };
        if !has_customers {
            // attributes of the orders: the most frequent value per customer
            let roles: Vec<String> = [
                &ws.columns.order_customer_id,
                &ws.columns.customer_id,
                &ws.columns.order_id,
                &ws.columns.order_date,
                &ws.columns.amount,
                &ws.columns.quantity,
                &ws.columns.unit_price,
            ]
            .iter()
            .filter_map(|c| col_name(c))
            .collect();
            let (off, grouped) = group_by_customer(&cust, ids.len());
            let groups: Vec<Vec<usize>> = (0..ids.len())
                .map(|c| {
                    grouped[off[c]..off[c + 1]]
                        .iter()
                        .map(|&k| kept[k as usize] as usize)
                        .collect()
                })
                .collect();
            let refs: Vec<&[usize]> = groups.iter().map(|g| g.as_slice()).collect();
            for (name, col) in of.names.iter().zip(&of.cols) {
                if !roles.contains(name) {
                    basef.set(name, mode_vector(col, &refs));
                }
            }
        }
        // the orders' customer ids are now `cust`: their column is not kept (unless it is
        // also another role's), only its type, for the SQL writer
        let types = of
            .names
            .iter()
            .filter_map(|n| of.dtype_of(n).map(|t| (n.clone(), t)))
            .collect();
        let mut of = of;
        let other_roles = [
            &ws.columns.order_id,
            &ws.columns.order_date,
            &ws.columns.amount,
            &ws.columns.quantity,
            &ws.columns.unit_price,
            &ws.columns.product,
            &ws.columns.category,
            &ws.columns.channel,
            &ws.columns.discount,
        ];
        if !other_roles.iter().any(|r| col_name(r) == Some(c.clone())) {
            of.remove(std::slice::from_ref(&c));
        }
        // a discount only counts as there or not (`discount_share`): a flag per row is enough
        if let Some(d) = col_name(&ws.columns.discount)
            && let Some(v) = of.get(&d)
            && v.dtype().is_numeric()
        {
            let flags = Vector::Bool((0..of.len).map(|i| v.f64_at(i).map(|x| x > 0.0)).collect());
            of.set(&d, flags);
        }
        prepared = Some(PreparedOrders {
            frame: of,
            types,
            cust,
            kept,
            day,
            amount,
        });
    }
    Ok(Assembled {
        ws,
        base: basef,
        ids,
        as_of,
        warnings,
        orders: prepared,
    })
}

/// Row of each integer customer id: a table by value when the ids are dense, else a hash map.
enum IdIndex {
    Dense { min: i64, row: Vec<u32> },
    Map(HashMap<i64, u32, foldhash::fast::RandomState>),
}

impl IdIndex {
    fn new(ids: &[Option<i64>]) -> IdIndex {
        let (lo, hi) = ids
            .iter()
            .flatten()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
        if lo <= hi && span <= 4 * ids.len() as u128 + 1024 {
            let mut row = vec![u32::MAX; span as usize];
            for (i, x) in ids.iter().enumerate() {
                if let Some(x) = x {
                    row[(x - lo) as usize] = i as u32;
                }
            }
            IdIndex::Dense { min: lo, row }
        } else {
            IdIndex::Map(
                ids.iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.map(|x| (x, i as u32)))
                    .collect(),
            )
        }
    }

    fn get(&self, x: i64) -> Option<u32> {
        match self {
            IdIndex::Dense { min, row } => {
                let k = usize::try_from(x.checked_sub(*min)?).ok()?;
                row.get(k).copied().filter(|&r| r != u32::MAX)
            }
            IdIndex::Map(m) => m.get(&x).copied(),
        }
    }
}

fn null_out(v: &mut Vector, idx: &[Option<usize>]) {
    let missing: Vec<usize> = idx
        .iter()
        .enumerate()
        .filter(|(_, x)| x.is_none())
        .map(|(i, _)| i)
        .collect();
    match v {
        Vector::Bool(x) => missing.iter().for_each(|&i| x[i] = None),
        Vector::Int(x) => missing.iter().for_each(|&i| x[i] = None),
        Vector::Float(x) => missing.iter().for_each(|&i| x[i] = None),
        Vector::Date(x) => missing.iter().for_each(|&i| x[i] = None),
        Vector::Text(t) => missing
            .iter()
            .for_each(|&i| t.codes[i] = super::frame::NULL_CODE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_index_finds_rows_dense_or_sparse() {
        let dense = [Some(5), Some(7), None, Some(6)];
        let sparse = [Some(-3), Some(i64::MAX), Some(1 << 40)];
        for (ids, expect_dense) in [(&dense[..], true), (&sparse[..], false)] {
            let ix = IdIndex::new(ids);
            assert_eq!(matches!(ix, IdIndex::Dense { .. }), expect_dense);
            for (row, id) in ids.iter().enumerate() {
                if let Some(id) = id {
                    assert_eq!(ix.get(*id), Some(row as u32));
                }
            }
            for absent in [4, 8, i64::MIN, -2, 1 << 41] {
                assert_eq!(ix.get(absent), None, "{absent}");
            }
        }
    }
}
