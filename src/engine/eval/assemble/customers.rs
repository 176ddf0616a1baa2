//! The customers: the table in id order (duplicates refused or dropped), or the distinct buyers;
//! and the joined tables' columns beside them.

use std::collections::HashMap;
use std::path::PathBuf;

use super::super::frame::{Frame, Vector};
use super::ids::{id_order, id_text, normalize_ids, null_out, same_id, take_frame, totals_rows};
use super::{col_name, order_cid};
use crate::engine::data::locate::{locate, place_of};
use crate::engine::data::quality::{self, NAMED, Place};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{DuplicateIds, FileRef, Workspace};

/// The customers file, for messages about its lines.
fn customers_file(ws: &Workspace) -> PathBuf {
    ws.data
        .customers
        .as_ref()
        .map(|c| c.resolve(&ws.base_dir()))
        .unwrap_or(ws.file.clone())
}

/// The places in `file` of table rows (from 0), or the rows as lines after a header when the
/// file cannot be read again.
fn places(ws: &Workspace, file: Option<&FileRef>, rows: &[usize]) -> (Vec<usize>, Place) {
    match file {
        Some(f) => {
            let path = f.resolve(&ws.base_dir());
            let place = place_of(&path, &f.options);
            match locate(&path, &f.options, rows) {
                Ok(l) => (l, place),
                Err(_) => (rows.iter().map(|r| r + 2).collect(), Place::Line),
            }
        }
        None => (rows.iter().map(|r| r + 2).collect(), Place::Line),
    }
}

/// The warning for table rows `rows` (from 0) of `file` left out as a report's totals: their
/// lines and ids (`v`), and that they are no `what` (`("a customer", "customers")`).
pub(super) fn totals_left_out(
    ws: &Workspace,
    file: Option<&FileRef>,
    v: &Vector,
    rows: &[usize],
    (one, many): (&str, &str),
) -> String {
    let named = &rows[..rows.len().min(NAMED)];
    let (lines, place) = places(ws, file, named);
    let at: Vec<String> = lines
        .iter()
        .zip(named)
        .map(|(l, &r)| format!("{l} ({:?})", id_text(v, r).unwrap_or_default()))
        .collect();
    let name = file.map_or_else(String::new, |f| format!("{} ", f.path.value));
    let more = if rows.len() > named.len() {
        format!(" and {} more", rows.len() - named.len())
    } else {
        String::new()
    };
    let (s, rows_are) = match rows.len() {
        1 => ("", format!("a report's totals row, not {one}")),
        _ => ("s", format!("a report's totals rows, not {many}")),
    };
    format!(
        "{name}{}{s} {}{more}: {rows_are}; left out (delete from the file to silence this)",
        place.word(),
        at.join(", ")
    )
}

/// Ids on several rows, each with its table rows (from 0): the first few located in `file`.
fn duplicate_ids(
    ws: &Workspace,
    file: Option<&FileRef>,
    mut groups: Vec<(String, Vec<usize>)>,
) -> quality::DuplicateIds {
    for g in &mut groups {
        g.1.sort_unstable();
    }
    groups.sort_by_key(|g| g.1[0]);
    let extra_rows = groups.iter().map(|g| g.1.len() - 1).sum();
    let ids = groups.len();
    groups.truncate(NAMED);
    for g in &mut groups {
        g.1.truncate(NAMED + 1);
    }
    let rows: Vec<usize> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
    let (lines, place) = places(ws, file, &rows);
    let mut it = lines.into_iter();
    for g in &mut groups {
        for r in &mut g.1 {
            *r = it.next().unwrap_or(0);
        }
    }
    quality::DuplicateIds {
        ids,
        extra_rows,
        first: groups,
        place,
    }
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
    // runs of equal ids in sorted order, each with its rows in the file
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for &i in &dup {
        let id = id_text(&ids, i).unwrap_or_default();
        match groups.last_mut() {
            Some(g) if g.0 == id => g.1.push(order[i]),
            _ => groups.push((id, vec![order[i - 1], order[i]])),
        }
    }
    let d = duplicate_ids(ws, ws.data.customers.as_ref(), groups);
    if ws.data.duplicate_ids == DuplicateIds::First {
        warnings.push(format!(
            "{}: {}; the first row of each is kept (duplicate_ids = \"first\")",
            crate::engine::data::read::file_label(&customers_file(ws)),
            d.message()
        ));
        let mut is_dup = vec![false; ids.len()];
        dup.iter().for_each(|&i| is_dup[i] = true);
        let keep: Vec<usize> = (0..ids.len()).filter(|&i| !is_dup[i]).collect();
        return Ok((take_frame(&f, &keep), ids.take(&keep)));
    }
    Err(EngineError::data(&customers_file(ws), d.error()))
}

/// The ids of column `col` of a customers or joined table (as read from `file`) that are on
/// more than one row, located in the file; `None` when every id is on one row.
pub(crate) fn duplicates_in(
    ws: &Workspace,
    file: &FileRef,
    table: &Frame,
    col: &str,
) -> Option<quality::DuplicateIds> {
    let key = table.get(col)?;
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for r in 0..table.len {
        if let Some(k) = id_text(key, r) {
            rows.entry(k).or_default().push(r);
        }
    }
    let groups: Vec<(String, Vec<usize>)> = rows.into_iter().filter(|g| g.1.len() > 1).collect();
    (!groups.is_empty()).then(|| duplicate_ids(ws, Some(file), groups))
}

/// The customers table in id order, with its ids.
fn from_table(ws: &Workspace, mut f: Frame, warnings: &mut Vec<String>) -> Result<(Frame, Vector)> {
    let cust_id_col = col_name(&ws.columns.customer_id);
    // a report's totals row ("Total" where the ids are numbers) is no customer
    if let Some(v) = cust_id_col.as_ref().and_then(|c| f.get(c)) {
        let totals = totals_rows(v, 0..f.len);
        if !totals.is_empty() {
            let file = ws.data.customers.as_ref();
            let what = ("a customer", "customers");
            warnings.push(totals_left_out(ws, file, v, &totals, what));
            let keep: Vec<usize> = (0..f.len)
                .filter(|i| totals.binary_search(i).is_err())
                .collect();
            f = take_frame(&f, &keep);
        }
    }
    let ids = match cust_id_col.as_ref().and_then(|c| f.get(c)) {
        Some(v) => normalize_ids((**v).clone()),
        None => Vector::Int((1..=f.len as i64).map(Some).collect()),
    };
    if let Some(i) = (0..ids.len()).find(|&i| ids.is_null(i)) {
        let col = cust_id_col.as_deref().unwrap_or_default();
        let (at, place) = places(ws, ws.data.customers.as_ref(), &[i]);
        return Err(EngineError::data(
            &customers_file(ws),
            format!(
                "{} {} has no customer id (column \"{col}\"); fill it in or remove the row",
                place.word(),
                at[0]
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
fn from_orders(ws: &Workspace, of: &Frame, rows: &[u32]) -> Result<(Frame, Vector)> {
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
    orders: Option<(&Frame, &[u32])>,
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

/// The warning for a joined table's ids that are no customer's (`at`: each id's first row;
/// `idx`: each customer's row), with one of them and a customer's id when none is: the two
/// files most likely write the ids differently ("001" against "1").
fn unjoined(
    file: &std::path::Path,
    key: &Vector,
    at: &HashMap<String, usize>,
    idx: &[Option<usize>],
    ids: &Vector,
) -> Option<String> {
    let used: std::collections::HashSet<usize> = idx.iter().flatten().copied().collect();
    let stray = at.len().saturating_sub(used.len());
    if stray == 0 {
        return None;
    }
    let name = crate::engine::data::read::file_label(file);
    // the first id in file order whose first row no customer took (a repeated id's later
    // rows are no example: its first row may be taken)
    let example = (0..key.len())
        .filter_map(|r| key.text_at(r))
        .find(|k| at.get(k).is_some_and(|first| !used.contains(first)));
    let n = crate::engine::format::thousands(stray as u64);
    Some(if used.is_empty() {
        format!(
            "{name}: none of its {n} ids matches a customer (it says e.g. {:?}, the customers \
             {:?}); its columns are empty for everyone",
            example.unwrap_or_default(),
            id_text(ids, 0).unwrap_or_default()
        )
    } else {
        format!(
            "{name}: {n} of its ids {} no customer (e.g. {:?}); their rows are not used",
            if stray == 1 { "matches" } else { "match" },
            example.unwrap_or_default()
        )
    })
}

/// Each joined table's columns beside the customers (blank for a customer it lacks); a column
/// the table already has is not taken again.
pub(super) fn join(
    ws: &Workspace,
    (base, ids): (&mut Frame, &Vector),
    joins: Vec<Frame>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    for (j, jf) in ws.data.joins.iter().zip(joins) {
        let file = j.file.resolve(&ws.base_dir());
        let key = jf.get(&j.key).ok_or_else(|| {
            EngineError::data(&file, format!("has no column \"{}\"", j.key.value))
        })?;
        // each id's first row; the rows of ids seen before
        let mut at: HashMap<String, usize> = HashMap::new();
        let mut again: HashMap<String, Vec<usize>> = HashMap::new();
        for r in 0..jf.len {
            if let Some(k) = id_text(key, r) {
                match at.get(&k) {
                    Some(&first) => again.entry(k).or_insert_with(|| vec![first]).push(r),
                    None => {
                        at.insert(k, r);
                    }
                }
            }
        }
        if !again.is_empty() {
            let d = duplicate_ids(ws, Some(&j.file), again.into_iter().collect());
            if ws.data.duplicate_ids == DuplicateIds::Error {
                return Err(EngineError::data(&file, d.error()));
            }
            warnings.push(format!(
                "{}: {}; the first row of each is kept (duplicate_ids = \"first\")",
                crate::engine::data::read::file_label(&file),
                d.message()
            ));
        }
        let idx: Vec<Option<usize>> = (0..ids.len())
            .map(|i| id_text(ids, i).and_then(|k| at.get(&k).copied()))
            .collect();
        if let Some(w) = unjoined(&file, key, &at, &idx, ids) {
            warnings.push(w);
        }
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
