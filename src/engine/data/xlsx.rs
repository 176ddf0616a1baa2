//! Reading one sheet of a spreadsheet workbook into a table.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use polars::prelude::*;

use crate::engine::error::{EngineError, Result};

fn cell_text(c: &Data) -> Option<String> {
    match c {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|x| x.format("%Y-%m-%d %H:%M:%S").to_string()),
    }
}

/// One column of cells as a typed series: numbers, dates and booleans keep their type; anything
/// mixed becomes text (and is then inferred like delimited text).
fn column(name: &str, cells: &[&Data]) -> Series {
    let name = PlSmallStr::from(name);
    let present: Vec<&&Data> = cells
        .iter()
        .filter(|c| !matches!(c, Data::Empty | Data::Error(_)))
        .collect();
    let errors = cells.iter().any(|c| matches!(c, Data::Error(_)));
    let numeric = present
        .iter()
        .all(|c| matches!(c, Data::Int(_) | Data::Float(_)));
    let dates = present.iter().all(|c| matches!(c, Data::DateTime(_)));
    let bools = present.iter().all(|c| matches!(c, Data::Bool(_)));
    // numbers, some typed as text ("5.25" in a text cell): read as numbers once inferred
    let numberish = present.iter().all(|c| match c {
        Data::Int(_) | Data::Float(_) => true,
        Data::String(s) => s.trim().parse::<f64>().is_ok(),
        _ => false,
    });
    if present.is_empty() {
        return Series::new(
            name,
            cells.iter().map(|_| None::<String>).collect::<Vec<_>>(),
        );
    }
    if (numberish || dates) && errors {
        // an error cell (#DIV/0!, #VALUE!, #N/A) among numbers (typed as numbers or as text) or
        // dates reads as the text the spreadsheet shows, so a column used as numbers names it
        // instead of taking it as missing (elsewhere an error cell is a missing value)
        return Series::new(
            name,
            cells
                .iter()
                .map(|c| match c {
                    Data::Error(e) => Some(e.to_string()),
                    c => cell_text(c),
                })
                .collect::<Vec<_>>(),
        );
    }
    if numeric {
        return number_column(name, cells);
    }
    if dates {
        return date_column(name, cells);
    }
    if bools {
        let v: Vec<Option<bool>> = cells
            .iter()
            .map(|c| match c {
                Data::Bool(b) => Some(*b),
                _ => None,
            })
            .collect();
        return Series::new(name, v);
    }
    Series::new(name, cells.iter().map(|c| cell_text(c)).collect::<Vec<_>>())
}

/// Cells of numbers: whole numbers as integers, else floats.
fn number_column(name: PlSmallStr, cells: &[&Data]) -> Series {
    let vals: Vec<Option<f64>> = cells
        .iter()
        .map(|c| match c {
            Data::Int(i) => Some(*i as f64),
            Data::Float(f) => Some(*f),
            _ => None,
        })
        .collect();
    if vals
        .iter()
        .flatten()
        .all(|v| v.fract() == 0.0 && v.abs() < 9e15)
    {
        return Series::new(
            name,
            vals.iter().map(|v| v.map(|x| x as i64)).collect::<Vec<_>>(),
        );
    }
    Series::new(name, vals)
}

/// Cells of dates: days when none has a time of day, else instants in milliseconds.
fn date_column(name: PlSmallStr, cells: &[&Data]) -> Series {
    let dts: Vec<Option<chrono::NaiveDateTime>> = cells
        .iter()
        .map(|c| match c {
            Data::DateTime(d) => d.as_datetime(),
            _ => None,
        })
        .collect();
    if dts
        .iter()
        .flatten()
        .all(|d| d.time() == chrono::NaiveTime::MIN)
    {
        let ep = super::infer::epoch();
        let v: Vec<Option<i32>> = dts
            .iter()
            .map(|d| d.map(|d| (d.date() - ep).num_days() as i32))
            .collect();
        return Series::new(name, v).into_date();
    }
    let v: Vec<Option<i64>> = dts
        .iter()
        .map(|d| d.map(|d| d.and_utc().timestamp_millis()))
        .collect();
    Series::new(name, v).into_datetime(TimeUnit::Milliseconds, None)
}

/// The sheet to read (`sheet`, or the first) and its cells.
fn open_sheet(path: &Path, sheet: Option<&str>) -> Result<(String, calamine::Range<Data>)> {
    let bad = |m: String| EngineError::data(path, m);
    let mut wb =
        open_workbook_auto(path).map_err(|e| bad(format!("not a readable spreadsheet: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                let hint = crate::engine::error::did_you_mean(s, names.iter().map(|s| s.as_str()))
                    .map(|m| format!(" — did you mean \"{m}\"?"))
                    .unwrap_or_default();
                return Err(bad(format!(
                    "has no sheet \"{s}\"{hint} (sheets: {})",
                    names.join(", ")
                )));
            }
            s.to_string()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("the workbook has no sheets".into()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| bad(format!("cannot read sheet \"{name}\": {e}")))?;
    Ok((name, range))
}

/// The sheet's row number (from 0) of the header: its first row that is not empty.
pub fn header_row(path: &Path, sheet: Option<&str>) -> Result<usize> {
    let (_, range) = open_sheet(path, sheet)?;
    let start = range.start().map_or(0, |(r, _)| r as usize);
    let empty = range
        .rows()
        .take_while(|r| r.iter().all(|c| matches!(c, Data::Empty)))
        .count();
    Ok(start + empty)
}

/// Read `sheet` (or the first sheet) with its first row as the header.
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<DataFrame> {
    let bad = |m: String| EngineError::data(path, m);
    let (name, range) = open_sheet(path, sheet)?;
    let mut rows = range
        .rows()
        .skip_while(|r| r.iter().all(|c| matches!(c, Data::Empty)));
    let header: Vec<String> = match rows.next() {
        Some(h) => h.iter().map(|c| cell_text(c).unwrap_or_default()).collect(),
        None => {
            return Err(bad(format!(
                "sheet \"{name}\" is empty: a header row naming the columns is needed"
            )));
        }
    };
    let body: Vec<&[Data]> = rows.collect();
    let mut seen = std::collections::HashSet::new();
    let mut cols = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        if h.trim().is_empty() {
            // trailing unnamed columns with no data are formatting leftovers
            if body
                .iter()
                .all(|r| r.get(i).is_none_or(|c| matches!(c, Data::Empty)))
            {
                continue;
            }
            return Err(bad(format!(
                "sheet \"{name}\": column {} of the header has no name",
                i + 1
            )));
        }
        if !seen.insert(h.clone()) {
            return Err(bad(format!(
                "sheet \"{name}\": the header names column \"{h}\" twice"
            )));
        }
        let cells: Vec<&Data> = body
            .iter()
            .map(|r| r.get(i).unwrap_or(&Data::Empty))
            .collect();
        cols.push(column(h, &cells).into());
    }
    DataFrame::new(body.len(), cols).map_err(|e| bad(super::read::short(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::CellErrorType;

    fn texts(s: &Series) -> Vec<Option<String>> {
        s.str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    /// An error cell among numbers reads as the text the spreadsheet shows (a bad value there),
    /// also when some of the numbers were typed as text; among words it is missing.
    #[test]
    fn an_error_cell_among_numbers_is_kept_to_be_named() {
        let err = Data::Error(CellErrorType::Div0);
        let (ten, five) = (Data::Float(10.5), Data::String("5.25".into()));
        let s = column("amount", &[&ten, &five, &err]);
        assert_eq!(
            texts(&s),
            [
                Some("10.5".into()),
                Some("5.25".into()),
                Some("#DIV/0!".into())
            ]
        );
        let s = column("amount", &[&ten, &err]);
        assert_eq!(s.get(1).unwrap().to_string(), "\"#DIV/0!\"");
        let word = Data::String("Ann".into());
        let s = column("name", &[&word, &err]);
        assert_eq!(texts(&s), [Some("Ann".into()), None]);
    }
}
