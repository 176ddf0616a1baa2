//! Where a table's rows are in their file: lines of text, spreadsheet rows, JSON records.
//!
//! Only asked when something must be named (a bad value, a duplicate id), so it reads the file
//! again rather than keep a line number for every row of every load.

use std::path::Path;

use super::options::{FileFormat, ReadOptions};
use super::quality::Place;
use super::read::{decode, format_of, read_bytes};
use super::sniff;
use crate::engine::error::Result;

/// How places in a file of this format are numbered (a `.json` file of one object per line is
/// numbered by lines).
pub fn place_of(path: &Path, opts: &ReadOptions) -> Place {
    match opts.format_for(path) {
        Some(FileFormat::Xlsx | FileFormat::Parquet | FileFormat::Sqlite) => Place::Row,
        Some(FileFormat::Json) if json_array(path) => Place::Record,
        _ => Place::Line,
    }
}

/// Whether a JSON file is one array of records (its first character, spaces aside, is `[`).
fn json_array(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = super::read::open_decoded(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.is_ok()
        && head
            .iter()
            .find(|c| !c.is_ascii_whitespace() && !matches!(c, 0xEF | 0xBB | 0xBF))
            == Some(&b'[')
}

/// The place in the file of each table row in `rows` (rows counted from 0 as the table was read,
/// bad rows left out), in the same order as `rows`.
pub fn locate(path: &Path, opts: &ReadOptions, rows: &[usize]) -> Result<Vec<usize>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let firsts: Vec<usize> = match format_of(path, opts)? {
        FileFormat::Csv => delimited_lines(path, opts, rows)?,
        FileFormat::Ndjson => json_lines(path, opts, rows)?,
        FileFormat::Json if json_array(path) => rows.iter().map(|r| r + 1).collect(),
        FileFormat::Json => json_lines(path, opts, rows)?,
        FileFormat::Parquet | FileFormat::Sqlite => rows.iter().map(|r| r + 1).collect(),
        FileFormat::Xlsx => {
            let header = super::xlsx::header_row(path, opts.sheet.as_deref())?;
            rows.iter().map(|r| header + 1 + r + 1).collect()
        }
    };
    Ok(firsts)
}

/// For each wanted row, the line its record starts on: records after the header, blank lines
/// and records of another width (left out as bad rows) not counted.
fn delimited_lines(path: &Path, opts: &ReadOptions, rows: &[usize]) -> Result<Vec<usize>> {
    let text = decode(path, read_bytes(path)?, opts.encoding)?;
    let bytes = text.as_bytes();
    let delim = opts
        .delimiter
        .unwrap_or_else(|| sniff::sniff_delimiter(bytes));
    let (mut width, mut lines) = (None, Vec::new());
    sniff::each_record(bytes, delim, |r| match width {
        None => width = Some(r.fields),
        Some(w) => {
            if r.fields == w {
                lines.push(r.line);
            }
        }
    });
    Ok(pick(&lines, rows))
}

/// For each wanted row, its line among the non-blank lines of NDJSON text.
fn json_lines(path: &Path, opts: &ReadOptions, rows: &[usize]) -> Result<Vec<usize>> {
    let text = decode(path, read_bytes(path)?, opts.encoding)?;
    let lines: Vec<usize> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, _)| i + 1)
        .collect();
    Ok(pick(&lines, rows))
}

/// `lines[r]` for each `r` (0 when the file has fewer rows than the table: it changed).
fn pick(lines: &[usize], rows: &[usize]) -> Vec<usize> {
    rows.iter()
        .map(|&r| lines.get(r).copied().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_skip_the_header_blank_lines_bad_rows_and_count_quoted_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(
            &p,
            "id,note,x\n1,\"two\nlines\",3\n\n2,short\n3,ok,5\n4,\"a,b\",6\n",
        )
        .unwrap();
        let o = ReadOptions::default();
        // row 0 starts on line 2; line 4 is blank; line 5 has 2 fields; rows 1 and 2 are on 6, 7
        assert_eq!(locate(&p, &o, &[0, 1, 2]).unwrap(), vec![2, 6, 7]);
    }
}
