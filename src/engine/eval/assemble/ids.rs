//! Customer ids across tables: their type, their order, and finding a customer's row by id.

use std::collections::HashMap;

use super::super::frame::{Cells, Frame, NULL_CODE, TextVec, Vector};
use crate::engine::data::totals::{is_plain_int as plain_int, is_totals_word};

/// Text form of an id for matching ids across tables.
pub(super) fn id_text(v: &Vector, i: usize) -> Option<String> {
    v.text_at(i)
}

/// Whether rows `a` and `b` hold the same id, as their text forms compare (without making them).
pub(super) fn same_id(ids: &Vector, a: usize, b: usize) -> bool {
    match ids {
        Vector::Int(x) => x.get(a) == x.get(b),
        Vector::Text(t) => t.get(a) == t.get(b),
        _ => id_text(ids, a) == id_text(ids, b),
    }
}

/// Integer ids: every value an integer with no sign (SPEC §2); otherwise text.
pub(super) fn normalize_ids(v: Vector) -> Vector {
    match v {
        Vector::Int(x) if x.present().all(|i| i >= 0) => Vector::Int(x),
        Vector::Float(x)
            if x.present()
                .all(|f| f >= 0.0 && f.fract() == 0.0 && f < 9e15) =>
        {
            Vector::Int(x.into_map(|f| f as i64))
        }
        Vector::Text(t) => without_error_cells(t),
        other => {
            let n = other.len();
            let t: Vec<Option<String>> = (0..n).map(|i| other.text_at(i)).collect();
            Vector::Text(TextVec::from_values(t.iter().map(|x| x.as_deref())))
        }
    }
}

/// The error values a spreadsheet shows for a failed formula.
const SPREADSHEET_ERRORS: [&str; 10] = [
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
];

/// Which entries of a text column's dictionary its rows use (a row taken out leaves its word).
fn used(t: &TextVec) -> Vec<bool> {
    let mut used = vec![false; t.dict.len()];
    for &c in t.codes.iter().filter(|&&c| c != NULL_CODE) {
        used[c as usize] = true;
    }
    used
}

/// Text ids with a spreadsheet's error cells (`#REF!`: a failed formula, no id) taken as
/// missing; the ids are integers again when all the others are (the error cell alone made
/// them text, or a row taken out, such as a totals row).
fn without_error_cells(t: TextVec) -> Vector {
    let errors: Vec<bool> = t
        .dict
        .iter()
        .map(|w| SPREADSHEET_ERRORS.contains(&w))
        .collect();
    let used = used(&t);
    let all_int = t
        .dict
        .iter()
        .zip(errors.iter().zip(&used))
        .all(|(w, (e, u))| *e || !u || plain_int(w));
    if !all_int && !errors.iter().any(|e| *e) {
        return Vector::Text(t);
    }
    let code = |c: u32| (c != NULL_CODE && !errors[c as usize]).then_some(c);
    if all_int {
        return Vector::Int(
            t.codes
                .iter()
                .map(|&c| code(c).and_then(|c| t.dict[c as usize].parse().ok()))
                .collect(),
        );
    }
    let codes = t
        .codes
        .iter()
        .map(|&c| code(c).unwrap_or(NULL_CODE))
        .collect();
    Vector::Text(TextVec {
        codes,
        dict: t.dict,
    })
}

/// Of `rows`, those whose id is a totals row's word ("Total", "ALL", "Grand total:") in a
/// column whose other ids are all plain integers: a spreadsheet's totals left in the data, not
/// a customer (only such a word made the column text).
/// (In row order, as `rows` come.)
pub(super) fn totals_rows(v: &Vector, rows: impl Iterator<Item = usize>) -> Vec<usize> {
    let Vector::Text(t) = v else {
        return vec![];
    };
    let totals: Vec<bool> = t.dict.iter().map(is_totals_word).collect();
    let used = used(t);
    let others_int = t
        .dict
        .iter()
        .zip(totals.iter().zip(&used))
        .all(|(w, (tw, u))| *tw || !u || plain_int(w) || SPREADSHEET_ERRORS.contains(&w));
    if !others_int || !totals.iter().any(|x| *x) {
        return vec![];
    }
    rows.filter(|&i| t.codes[i] != NULL_CODE && totals[t.codes[i] as usize])
        .collect()
}

/// Row order that sorts ids naturally (integers numerically, text lexically).
pub(super) fn id_order(ids: &Vector) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..ids.len()).collect();
    match ids {
        Vector::Int(x) => idx.sort_by_key(|&i| x.get(i)),
        Vector::Text(t) => idx.sort_by(|&a, &b| t.get(a).cmp(&t.get(b))),
        _ => {}
    }
    idx
}

pub(super) fn take_frame(f: &Frame, idx: &[usize]) -> Frame {
    let mut out = Frame::new(idx.len());
    for (n, c) in f.names.iter().zip(f.columns()) {
        out.set(n, c.take(idx));
    }
    out
}

/// Row of each integer customer id: a table by value when the ids are dense, else a hash map.
pub(super) enum IdIndex {
    Dense { min: i64, row: Vec<u32> },
    Map(HashMap<i64, u32, foldhash::fast::RandomState>),
}

impl IdIndex {
    pub(super) fn new(ids: &Cells<i64>) -> IdIndex {
        let (lo, hi) = ids
            .present()
            .fold((i64::MAX, i64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
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

    pub(super) fn get(&self, x: i64) -> Option<u32> {
        match self {
            IdIndex::Dense { min, row } => {
                let k = usize::try_from(x.checked_sub(*min)?).ok()?;
                row.get(k).copied().filter(|&r| r != u32::MAX)
            }
            IdIndex::Map(m) => m.get(&x).copied(),
        }
    }
}

/// Blank the rows of `v` whose customer has no row in the joined table.
pub(super) fn null_out(v: &mut Vector, idx: &[Option<usize>]) {
    let missing: Vec<usize> = idx
        .iter()
        .enumerate()
        .filter(|(_, x)| x.is_none())
        .map(|(i, _)| i)
        .collect();
    match v {
        Vector::Bool(x) => missing.iter().for_each(|&i| x.set_null(i)),
        Vector::Int(x) => missing.iter().for_each(|&i| x.set_null(i)),
        Vector::Float(x) => missing.iter().for_each(|&i| x.set_null(i)),
        Vector::Date(x) => missing.iter().for_each(|&i| x.set_null(i)),
        Vector::Text(t) => missing
            .iter()
            .for_each(|&i| t.codes[i] = super::super::frame::NULL_CODE),
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
            let ix = IdIndex::new(&ids.iter().copied().collect());
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
