//! Columns the workspace reads as numbers or dates made so (SPEC §2), and the cells that are not.
//!
//! A column is typed from all of its values when it is read; one word in a column of numbers
//! leaves it text. A column that a role or a rule reads as numbers (or dates) is read so here,
//! each distinct word once: markers of a missing value become missing, and every other cell that
//! does not parse is a *bad value*, kept with its row for the message that names it.

use std::path::Path;

use super::frame::{DType, Frame, TextVec, Vector};
use super::uses::{Source, Use, Want};
use crate::engine::data::ReadOptions;
use crate::engine::data::infer::Reading;
use crate::engine::data::locate::{locate, place_of};
use crate::engine::data::quality::{
    BadCell, BadColumn, BadRowsFound, FileQuality, KEPT, values_fail,
};
use crate::engine::data::reread::{Word, read_words};
use crate::engine::data::table::ReadNotes;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{FileRef, Workspace};

/// The uses that read from the file the workspace names under `entry` (`data.orders`, …):
/// order roles and `orders_filter` in the orders; rules and valuation in a per-customer table,
/// which the orders are when there is no customers table.
pub fn uses_for<'u>(uses: &'u [Use], entry: &str, has_customers: bool) -> Vec<&'u Use> {
    let orders = entry == "data.orders";
    uses.iter()
        .filter(|u| match u.source {
            Source::Orders => orders,
            Source::Customers => !orders || !has_customers,
        })
        .collect()
}

/// What a run is told of how the columns `uses` read were read (`file`: the file's name):
/// markers of a missing value counted, and dates whose values fit another pattern too (a
/// small file's 01/05/2024 to 12/05/2024 read day first may be May written month first).
fn read_notes(file: &str, read: &ReadNotes, uses: &[&Use]) -> Vec<String> {
    let used = |c: &str| uses.iter().any(|u| u.column == c);
    let mut notes = Vec::new();
    for (c, f, others) in read.ambiguous.iter().filter(|a| used(&a.0)) {
        let other = others.first().map_or("", String::as_str);
        notes.push(format!(
            "{file}: column {c} is read as dates written {f}, but every value also fits {}: if \
             they are written {other}, set date_format = {other:?} for this file",
            others.join(" or ")
        ));
    }
    for (c, n) in read.markers.iter().filter(|m| used(&m.0)) {
        notes.push(format!(
            "{file}: {} {} of column {c} {} a marker of a missing value (NA, -, …), read as missing",
            crate::engine::format::thousands(*n as u64),
            if *n == 1 { "value" } else { "values" },
            if *n == 1 { "is" } else { "are" }
        ));
    }
    notes
}

/// A table as read, checked: the columns `uses` want as numbers or dates made so, their bad
/// values located in the file, and the bad rows left out on the way. An error when the file's
/// options say to stop on them, unless `lenient` (the wizard opens anyway).
pub fn check_table(
    frame: &mut Frame,
    file: (&Path, &ReadOptions, &FileRef),
    (bad_rows, read): (BadRowsFound, &ReadNotes),
    uses: &[&Use],
    lenient: bool,
) -> Result<FileQuality> {
    let (path, opts, fref) = file;
    let mut q = FileQuality::new(
        path,
        (&fref.key, &fref.path.value),
        opts,
        place_of(path, opts),
    );
    q.bad_rows = bad_rows;
    q.notes = read_notes(&q.file, read, uses);
    let mut bad = conform(frame, uses, opts);
    if !bad.is_empty() {
        let rows: Vec<usize> = bad
            .iter()
            .flat_map(|c| c.first.iter().map(|b| b.row))
            .collect();
        let lines = locate(path, opts, &rows).unwrap_or_else(|_| vec![0; rows.len()]);
        let mut it = lines.into_iter();
        for c in &mut bad {
            for b in &mut c.first {
                b.line = it.next().unwrap_or(0);
            }
        }
        q.bad_values = bad;
        if !lenient && values_fail(opts) {
            return Err(EngineError::Quality {
                path: path.to_path_buf(),
                quality: Box::new(q),
                rows: false,
            });
        }
    }
    Ok(q)
}

/// A bad-rows error from the reader, told with the workspace entry that names the file (so its
/// hint shows the line to write).
pub fn with_entry(e: EngineError, fref: &FileRef) -> EngineError {
    match e {
        EngineError::Quality {
            path,
            mut quality,
            rows,
        } => {
            quality.key = fref.key.clone();
            quality.written = fref.path.value.clone();
            EngineError::Quality {
                path,
                quality,
                rows,
            }
        }
        e => e,
    }
}

/// Whether no column `uses` read from a per-customer table as numbers or dates is text in
/// `base` (the only columns conforming changes) (an evaluated base kept before a rule read one of its text columns as numbers is
/// not; it is evaluated again).
pub fn typed_as_used(base: &Frame, uses: &[Use]) -> bool {
    uses.iter()
        .filter(|u| u.source == Source::Customers)
        .all(|u| base.dtype_of(&u.column) != Some(DType::Text))
}

/// Read every column of `frame` that `uses` want as numbers or dates so, when it was read as
/// text; returns the bad cells of each (rows counted from 0 in the table as read). Bad cells
/// become missing values.
pub fn conform(frame: &mut Frame, uses: &[&Use], opts: &ReadOptions) -> Vec<BadColumn> {
    let r = Reading::with_missing(
        opts.date_format.as_deref(),
        opts.decimal_comma,
        &opts.missing,
    );
    let mut found = Vec::new();
    for u in uses {
        let Some(v) = frame.get(&u.column).cloned() else {
            continue;
        };
        let Vector::Text(t) = &*v else { continue };
        // a column of words is text a rule mistakes for numbers (the rule's type check says
        // so), not numbers with a few bad cells; a role reads every cell
        let Some((converted, bad)) = convert(t, u.want, &r, u.checked) else {
            continue;
        };
        frame.set(&u.column, converted);
        if let Some((count, first)) = bad {
            found.push(BadColumn {
                column: u.column.clone(),
                expected: u.want.noun().into(),
                why: u.why.clone(),
                count,
                first,
            });
        }
    }
    found
}

/// The workspace as it would be with every file's bad values read as missing, bad rows left
/// out and the first row of a duplicated id kept: what is left to go wrong.
pub fn going_on(ws: &Workspace) -> Workspace {
    let mut w = ws.clone();
    let files = w
        .data
        .customers
        .iter_mut()
        .chain(w.data.orders.iter_mut())
        .chain(w.data.joins.iter_mut().map(|j| &mut j.file));
    for f in files {
        f.options.bad_values = crate::engine::data::options::BadValues::Missing;
        f.options.bad_rows = crate::engine::data::options::BadRows::Skip;
    }
    w.data.duplicate_ids = crate::engine::rules::DuplicateIds::First;
    w
}

/// How many cells are bad, and the first few.
pub(crate) type BadCells = (usize, Vec<BadCell>);

/// The column as numbers or days, and its bad cells (`None` when there are none); with
/// `words_stay`, `None` when more cells are bad than good (a column of words stays text).
pub(crate) fn convert(
    t: &TextVec,
    want: Want,
    r: &Reading,
    words_stay: bool,
) -> Option<(Vector, Option<BadCells>)> {
    let words = read_words(t.dict.iter(), want, r);
    let at = |i: usize| match t.codes[i] {
        super::frame::NULL_CODE => Word::Missing,
        c => words[c as usize],
    };
    let n = t.codes.len();
    let (mut count, mut first, mut good) = (0usize, Vec::new(), 0usize);
    for i in 0..n {
        match at(i) {
            Word::Missing => {}
            Word::Bad => {}
            _ => good += 1,
        }
        if let Word::Bad = at(i) {
            count += 1;
            if first.len() < KEPT {
                first.push(BadCell {
                    row: i,
                    line: 0,
                    value: t.get(i).unwrap_or_default().to_string(),
                });
            }
        }
    }
    if words_stay && count > good {
        return None;
    }
    let all_int = words.iter().all(|w| match w {
        Word::Number(x) => x.fract() == 0.0 && x.abs() < 9e15,
        _ => true,
    });
    let v = match want {
        Want::Date => Vector::Date(
            (0..n)
                .map(|i| match at(i) {
                    Word::Day(d) => Some(d),
                    _ => None,
                })
                .collect(),
        ),
        Want::Number if all_int => Vector::Int(
            (0..n)
                .map(|i| match at(i) {
                    Word::Number(x) => Some(x as i64),
                    _ => None,
                })
                .collect(),
        ),
        Want::Number => Vector::Float(
            (0..n)
                .map(|i| match at(i) {
                    Word::Number(x) => Some(x),
                    _ => None,
                })
                .collect(),
        ),
    };
    Some((v, (count > 0).then_some((count, first))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[Option<&str>]) -> Vector {
        Vector::Text(TextVec::from_values(values.iter().copied()))
    }

    fn use_of(column: &str, want: Want) -> Use {
        Use {
            column: column.into(),
            want,
            source: Source::Orders,
            why: "the quantity role".into(),
            checked: false,
        }
    }

    #[test]
    fn a_word_among_numbers_is_a_bad_value_and_markers_are_missing() {
        let mut f = Frame::new(6);
        f.set(
            "q",
            text(&[
                Some("2"),
                Some("twelve"),
                None,
                Some("NA"),
                Some(" 007 "),
                Some("3"),
            ]),
        );
        let u = use_of("q", Want::Number);
        let bad = conform(&mut f, &[&u], &ReadOptions::default());
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].count, bad[0].first[0].row), (1, 1));
        assert_eq!(bad[0].first[0].value, "twelve");
        let v = f.get("q").unwrap();
        let got: Vec<Option<f64>> = (0..6).map(|i| v.f64_at(i)).collect();
        assert_eq!(got, [Some(2.0), None, None, None, Some(7.0), Some(3.0)]);
        assert!(matches!(**v, Vector::Int(_)));
    }

    #[test]
    fn the_files_own_markers_and_decimal_comma() {
        let mut f = Frame::new(3);
        f.set("p", text(&[Some("1,5"), Some("?"), Some("2")]));
        let o = ReadOptions {
            decimal_comma: true,
            missing: vec!["?".into()],
            ..Default::default()
        };
        let bad = conform(&mut f, &[&use_of("p", Want::Number)], &o);
        assert!(bad.is_empty());
        let v = f.get("p").unwrap();
        assert_eq!(v.f64_at(0), Some(1.5));
        assert_eq!(v.f64_at(1), None);
    }

    #[test]
    fn dates_take_the_pattern_most_values_fit() {
        let mut f = Frame::new(3);
        f.set(
            "d",
            text(&[Some("05/01/2024"), Some("soon"), Some("31/12/2023")]),
        );
        let bad = conform(&mut f, &[&use_of("d", Want::Date)], &ReadOptions::default());
        assert_eq!(bad[0].first[0].value, "soon");
        let v = f.get("d").unwrap();
        assert!(matches!(**v, Vector::Date(_)));
        assert!(v.f64_at(0).is_some() && v.f64_at(2).is_some());
    }
}
