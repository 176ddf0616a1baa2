//! The customers: the table in id order (duplicates refused or dropped), or the distinct buyers;
//! and the joined tables' columns beside them.

use std::collections::HashMap;
use std::path::PathBuf;

use super::super::frame::{Frame, Vector};
use super::ids::{id_order, id_text, normalize_ids, null_out, same_id, take_frame};
use super::{col_name, order_cid};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{DuplicateIds, Workspace};

/// The customers file, for messages about its lines.
fn customers_file(ws: &Workspace) -> PathBuf {
    ws.data
        .customers
        .as_ref()
        .map(|c| c.resolve(&ws.base_dir()))
        .unwrap_or(ws.file.clone())
}

/// Duplicate ids (adjacent once sorted): dropped after the first with a warning, or refused
/// naming the file lines (`order` maps sorted rows back to the file's).
fn without_duplicates(
    ws: &Workspace,
    f: Frame,
    ids: Vector,
    order: &[usize],
    warnings: &mut Vec<String>,
) -> Result<(Frame, Vector)> {
    let dup: Vec<usize> = (1..ids.len())
        .filter(|&i| same_id(&ids, i, i - 1))
        .collect();
    if dup.is_empty() {
        return Ok((f, ids));
    }
    if ws.data.duplicate_ids == DuplicateIds::First {
        warnings.push(format!(
            "{} duplicate customer rows were left out (duplicate_ids = \"first\")",
            crate::engine::format::thousands(dup.len() as u64)
        ));
        let mut is_dup = vec![false; ids.len()];
        dup.iter().for_each(|&i| is_dup[i] = true);
        let keep: Vec<usize> = (0..ids.len()).filter(|&i| !is_dup[i]).collect();
        return Ok((take_frame(&f, &keep), ids.take(&keep)));
    }
    let id = id_text(&ids, dup[0]).unwrap_or_default();
    // file lines of that id: rows before sorting, after the header
    let mut lines: Vec<usize> = (0..ids.len())
        .filter(|&i| id_text(&ids, i).as_deref() == Some(id.as_str()))
        .map(|i| order[i] + 2)
        .collect();
    lines.sort_unstable();
    let rows: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    Err(EngineError::data(
        &customers_file(ws),
        format!(
            "customer id {id} appears more than once (lines {}); fix the data or set [data] duplicate_ids = \"first\"",
            rows.join(", ")
        ),
    ))
}

/// The customers table in id order, with its ids.
fn from_table(ws: &Workspace, mut f: Frame, warnings: &mut Vec<String>) -> Result<(Frame, Vector)> {
    let cust_id_col = col_name(&ws.columns.customer_id);
    let ids = match cust_id_col.as_ref().and_then(|c| f.get(c)) {
        Some(v) => normalize_ids((**v).clone()),
        None => Vector::Int((1..=f.len as i64).map(Some).collect()),
    };
    if let Some(i) = (0..ids.len()).find(|&i| ids.is_null(i)) {
        let col = cust_id_col.as_deref().unwrap_or_default();
        return Err(EngineError::data(
            &customers_file(ws),
            format!(
                "line {} has no customer id (column \"{col}\"); fill it in or remove the row",
                i + 2
            ),
        ));
    }
    let order = id_order(&ids);
    // files are often in id order already: nothing to move then
    let ids = if order.iter().enumerate().all(|(k, &i)| k == i) {
        ids
    } else {
        f = take_frame(&f, &order);
        ids.take(&order)
    };
    without_duplicates(ws, f, ids, &order, warnings)
}

/// Without a customers table: the distinct customer ids of the kept orders, in order.
fn from_orders(ws: &Workspace, of: &Frame, rows: &[usize]) -> Result<(Frame, Vector)> {
    let c = order_cid(ws).ok_or_else(|| {
        EngineError::Invalid(
            "orders need a customer id column ([columns] order_customer_id)".into(),
        )
    })?;
    let v = of
        .get(&c)
        .ok_or_else(|| EngineError::data(&ws.file, format!("the orders have no column \"{c}\"")))?;
    let kept = normalize_ids(v.take(rows));
    let order = id_order(&kept);
    let mut uniq: Vec<usize> = Vec::new();
    for &i in &order {
        if uniq.last().is_none_or(|&l| !same_id(&kept, l, i)) {
            uniq.push(i);
        }
    }
    let ids = kept.take(&uniq);
    Ok((Frame::new(ids.len()), ids))
}

/// The per-customer table and its ids: from the customers table, or from the kept orders.
pub(super) fn customers(
    ws: &Workspace,
    table: Option<Frame>,
    orders: Option<(&Frame, &[usize])>,
    warnings: &mut Vec<String>,
) -> Result<(Frame, Vector)> {
    match (table, orders) {
        (Some(f), _) => from_table(ws, f, warnings),
        (None, Some((of, rows))) => from_orders(ws, of, rows),
        (None, None) => Err(EngineError::Invalid(
            "the workspace has no customers and no orders".into(),
        )),
    }
}

/// Each joined table's columns beside the customers (blank for a customer it lacks); a column
/// the table already has is not taken again.
pub(super) fn join(
    ws: &Workspace,
    base: &mut Frame,
    ids: &Vector,
    joins: Vec<Frame>,
) -> Result<()> {
    for (j, jf) in ws.data.joins.iter().zip(joins) {
        let file = j.file.resolve(&ws.base_dir());
        let key = jf.get(&j.key).ok_or_else(|| {
            EngineError::data(&file, format!("has no column \"{}\"", j.key.value))
        })?;
        let mut at: HashMap<String, usize> = HashMap::new();
        for r in 0..jf.len {
            if let Some(k) = id_text(key, r)
                && at.insert(k.clone(), r).is_some()
                && ws.data.duplicate_ids == DuplicateIds::Error
            {
                return Err(EngineError::data(
                    &file,
                    format!("customer id {k} appears more than once"),
                ));
            }
        }
        let idx: Vec<Option<usize>> = (0..ids.len())
            .map(|i| id_text(ids, i).and_then(|k| at.get(&k).copied()))
            .collect();
        for (name, col) in jf.names.iter().zip(jf.columns()) {
            if *name == j.key.value || base.dtype_of(name).is_some() {
                continue;
            }
            let present: Vec<usize> = idx.iter().map(|x| x.unwrap_or(0)).collect();
            let mut v = col.take(&present);
            null_out(&mut v, &idx);
            base.set(name, v);
        }
    }
    Ok(())
}
