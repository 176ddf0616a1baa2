//! Delimited text files: streamed straight into typed columns when well-formed, else via polars.

use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use super::infer::InferredColumn;
use super::options::{FileFormat, ReadOptions, TextEncoding};
use super::progress::{Counted, Progress};
use super::quality::{self, BadRowsFound, FileQuality, Place};
use super::read::{
    check_header, delimited_text, err, file_label, file_size, gunzip, open_decoded, read_prefix,
    short, text_and_delimiter,
};
use super::table::{Table, infer_text_columns, record_inference};
use super::typed_csv::{ReadColumn, Values};
use super::{sniff, typed_csv};
use crate::engine::error::{EngineError, Result};

pub(super) fn load_csv(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    p: &Progress,
) -> Result<Table> {
    let opened = std::cell::Cell::new(false);
    if let Some((cols, delim)) = typed_from_file(path, opts, columns, (p, &opened))? {
        return typed_table(path, delim, cols, BadRowsFound::default());
    }
    let (text, delim) = delimited_text(path, opts)?;
    read_whole_again(path, p, &opened);
    load_csv_text(path, text, delim, opts, columns, Typed::AfterCleaning)
}

/// The header's names, checked, and the indices of the columns to keep.
fn header_and_keep(
    path: &Path,
    text: &str,
    delim: u8,
    columns: Option<&[String]>,
) -> Result<(Vec<String>, Vec<usize>)> {
    let names = sniff::header(text, delim);
    check_header(path, &names)?;
    if let Some(cols) = columns {
        for c in cols {
            if !names.contains(c) {
                return Err(err(path, format!("has no column \"{c}\"")));
            }
        }
    }
    let keep: Vec<usize> = match columns {
        Some(cols) => (0..names.len())
            .filter(|&i| cols.contains(&names[i]))
            .collect(),
        None => (0..names.len()).collect(),
    };
    Ok((names, keep))
}

/// Typed columns with their names, in file order.
type Named = Vec<(String, ReadColumn)>;

/// The file is being read from its start: a step of its own the first time (`opened` says
/// whether there was one), read again after (a second pass, or the general path after the
/// typed reader gave up).
fn start_reading(path: &Path, p: &Progress, opened: &std::cell::Cell<bool>) {
    let (label, size) = (file_label(path), file_size(path));
    if opened.replace(true) {
        p.again(&label, size);
    } else {
        p.begin(&label, size);
    }
}

/// The general path has read the whole file: all its bytes counted.
pub(super) fn read_whole_again(path: &Path, p: &Progress, opened: &std::cell::Cell<bool>) {
    start_reading(path, p, opened);
    p.advance(file_size(path));
}

/// Delimited UTF-8 text streamed straight into typed columns; `None` when the file needs the
/// general path (another encoding, or anything unusual, which the general path reports).
/// `opened` says whether the file was opened (and its bytes counted) on the way.
pub(super) fn typed_from_file(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    (p, opened): (&Progress, &std::cell::Cell<bool>),
) -> Result<Option<(Named, u8)>> {
    let prefix = read_prefix(path, 1 << 20)?;
    // lines ended by a carriage return alone are read as text first (see `decode`)
    let cr_lines = prefix.contains(&b'\r') && !prefix.contains(&b'\n');
    let (text, delim) = text_and_delimiter(path, prefix, opts)?;
    let (names, keep) = header_and_keep(path, &text, delim, columns)?;
    if opts.encoding != TextEncoding::Utf8
        || cr_lines
        || !typed_csv::header_is_plain(&text, delim, names.len())
    {
        return Ok(None);
    }
    let timing = crate::engine::timing::Timing::new();
    let open = || -> std::io::Result<Box<dyn Read + Send + '_>> {
        // a second pass (a column's type changed part way) reads the file again
        start_reading(path, p, opened);
        Ok(Box::new(Counted {
            inner: open_decoded(path)?,
            progress: p,
        }))
    };
    // a compressed file's size says little of how many rows it holds
    let size = (!super::read::is_gzip(path)).then(|| file_size(path));
    let cols = typed_csv::read(&open, size, delim, &names, &keep, opts);
    timing.mark("  typed read");
    p.check()?;
    Ok(cols.map(|cols| {
        let named = keep.iter().map(|&i| names[i].clone()).zip(cols).collect();
        (named, delim)
    }))
}

/// Load delimited data given as bytes (plain or gzip); `path` only names it in messages. The
/// same path as files take: decoding, sniffing, parsing and type inference (the fuzzers use it).
pub fn load_delimited_bytes(path: &Path, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Table> {
    let (text, delim) = text_and_delimiter(path, gunzip(path, bytes)?, opts)?;
    load_csv_text(path, text, delim, opts, None, Typed::First)
}

/// The same through the general path only (polars reads text, then each column is inferred):
/// the reference the typed reader is checked against by the tests and the fuzzer.
pub fn load_delimited_bytes_general(
    path: &Path,
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> Result<Table> {
    let (text, delim) = text_and_delimiter(path, gunzip(path, bytes)?, opts)?;
    load_csv_text(path, text, delim, opts, None, Typed::Never)
}

fn load_csv_text(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    typed: Typed,
) -> Result<Table> {
    match read_csv(path, text, delim, opts, columns, typed)? {
        CsvRead::Table(t) => Ok(t),
        CsvRead::Typed(cols, bad_rows) => typed_table(path, delim, cols, bad_rows),
    }
}

/// A polars table of typed columns, with notes on how they were read.
fn typed_table(
    path: &Path,
    delim: u8,
    cols: Vec<(String, ReadColumn)>,
    bad_rows: BadRowsFound,
) -> Result<Table> {
    let mut table = Table {
        path: path.to_path_buf(),
        format: FileFormat::Csv,
        df: DataFrame::empty(),
        delimiter: Some(delim),
        kinds: vec![],
        notes: vec![],
        bad_rows,
        read: Default::default(),
    };
    let height = cols.first().map_or(0, |c| c.1.values.len());
    let series: Vec<Column> = cols
        .into_iter()
        .map(|(name, rc)| {
            let ic = InferredColumn {
                series: rc.values.into_series(&name),
                kind: rc.kind,
                null_tokens: rc.null_tokens,
                ambiguous_with: rc.ambiguous_with,
            };
            record_inference(&mut table, ic).into()
        })
        .collect();
    table.df = DataFrame::new(height, series).map_err(|e| err(path, short(&e)))?;
    Ok(table)
}

/// Delimited text read straight into typed columns, or (when unusual) through polars.
pub(super) enum CsvRead {
    /// Typed columns, and the bad rows left out.
    Typed(Vec<(String, ReadColumn)>, BadRowsFound),
    Table(Table),
}

/// A table read for evaluation: typed columns when delimited text allows, otherwise polars'.
pub enum TableBody {
    Columns {
        height: usize,
        columns: Vec<(String, Values)>,
    },
    Frame(DataFrame),
}

/// A table read for evaluation, and the rows of another width left out (`bad_rows = "skip"`).
pub struct TableData {
    pub body: TableBody,
    pub bad_rows: BadRowsFound,
    /// What a run is told of how its columns were read.
    pub read: super::table::ReadNotes,
}

impl From<TableBody> for TableData {
    fn from(body: TableBody) -> TableData {
        TableData {
            body,
            bad_rows: BadRowsFound::default(),
            read: Default::default(),
        }
    }
}

/// When delimited text that is all in memory is read by the typed reader.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Typed {
    /// First, before anything else.
    First,
    /// Once bad rows and blank lines are out (it already declined the text as it was).
    AfterCleaning,
    /// Never: polars reads it (the reference the typed reader is checked against).
    Never,
}

pub(super) fn read_csv(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    try_typed: Typed,
) -> Result<CsvRead> {
    let (names, keep) = header_and_keep(path, &text, delim, columns)?;
    let typed = |text: &str| {
        typed_csv::header_is_plain(text, delim, names.len())
            .then(|| typed_csv::read_text_with(text, delim, &names, &keep, opts))
            .flatten()
            .map(|cols| keep.iter().map(|&i| names[i].clone()).zip(cols).collect())
    };
    if try_typed == Typed::First
        && let Some(named) = typed(&text)
    {
        return Ok(CsvRead::Typed(named, BadRowsFound::default()));
    }
    let (text, bad_rows, rows) = without_bad_rows(path, text, delim, opts)?;
    if try_typed != Typed::Never
        && let Some(named) = typed(&text)
    {
        return Ok(CsvRead::Typed(named, bad_rows));
    }
    let bytes = text.into_bytes();
    let parse = CsvParseOptions::default()
        .with_separator(delim)
        .with_quote_char(Some(b'"'));
    let mut ro = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_parse_options(parse);
    if let Some(c) = columns {
        ro = ro.with_columns(Some(
            c.iter().map(|s| PlSmallStr::from(s.as_str())).collect(),
        ));
    }
    let df = ro
        .into_reader_with_file_handle(std::io::Cursor::new(&bytes))
        .finish()
        .map_err(|e| {
            err(
                path,
                format!("cannot parse as delimited text: {}", short(&e)),
            )
        })?;
    // polars must find the rows the scan found: never fewer rows in silence
    if df.height() != rows {
        return Err(err(
            path,
            format!(
                "the file has {rows} rows but only {} could be read; set `delimiter` if it was guessed wrong, or check the file's quotes",
                df.height()
            ),
        ));
    }
    let mut table = Table {
        path: path.to_path_buf(),
        format: FileFormat::Csv,
        df,
        delimiter: Some(delim),
        kinds: vec![],
        notes: vec![],
        bad_rows,
        read: Default::default(),
    };
    infer_text_columns(&mut table, opts)?;
    Ok(CsvRead::Table(table))
}

/// The text without its rows of another width than the header and its blank lines (which
/// are no rows, wherever they are), and those rows; an error naming them when the file's
/// `bad_rows` says so.
fn without_bad_rows(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
) -> Result<(String, BadRowsFound, usize)> {
    let scan = sniff::ragged(text.as_bytes(), delim);
    if let Some(r) = scan.unsure {
        return Err(unsure(path, &text, r));
    }
    let (bad, blank) = (scan.bad, scan.blank);
    let mut found = BadRowsFound::default();
    if !bad.is_empty() {
        found.expected = scan.width;
    }
    for r in &bad {
        found.add(r.line, r.fields);
    }
    if !bad.is_empty() && scan.rows == 0 {
        return Err(err(
            path,
            format!(
                "no row has the header's {} fields (line {} has {}): the delimiter may be another one (set `delimiter`), or the first line may not be the header",
                scan.width, bad[0].line, bad[0].fields
            ),
        ));
    }
    if !bad.is_empty() && quality::rows_fail(opts) {
        let mut q = FileQuality::new(path, ("", ""), opts, Place::Line);
        q.bad_rows = found;
        return Err(EngineError::Quality {
            path: path.to_path_buf(),
            quality: Box::new(q),
            rows: true,
        });
    }
    if bad.is_empty() && blank.is_empty() {
        return Ok((text, found, scan.rows));
    }
    let mut gone: Vec<sniff::Record> = bad.into_iter().chain(blank).collect();
    gone.sort_by_key(|r| r.start);
    let mut kept = String::with_capacity(text.len());
    let mut from = 0;
    for r in &gone {
        kept.push_str(&text[from..r.start]);
        from = r.end;
    }
    kept.push_str(&text[from..]);
    Ok((kept, found, scan.rows))
}

/// A record whose fields cannot be told for sure, said with its line and what to do.
fn unsure(path: &Path, text: &str, r: sniff::Record) -> EngineError {
    let rec = text[r.start..r.end].trim_end_matches(['\n', '\r']);
    let shown = crate::engine::format::clip(&crate::engine::format::visible(rec), 60);
    let what = if r.unclosed {
        "opens a quoted field that is never closed"
    } else {
        "has a quote inside a field that does not start with one"
    };
    err(
        path,
        format!(
            "line {} {what} ({shown}), so where its fields end cannot be known for sure; put the whole field in quotes and double the quotes inside it (\"32\"\" TV\"), or remove the quote",
            r.line
        ),
    )
}

pub fn show_delim(d: u8) -> String {
    match d {
        b'\t' => "TAB".into(),
        b => format!("'{}'", b as char),
    }
}
