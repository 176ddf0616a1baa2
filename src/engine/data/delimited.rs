//! Delimited text files: streamed straight into typed columns when well-formed, else via polars.

use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use super::infer::InferredColumn;
use super::load::{
    Table, check_header, delimited_text, err, file_label, file_size, format_of, gunzip,
    infer_text_columns, load_table_watched, open_decoded, read_prefix, record_inference, short,
    text_and_delimiter,
};
use super::options::{FileFormat, ReadOptions, TextEncoding};
use super::progress::{Counted, Progress};
use super::typed_csv::{ReadColumn, Values};
use super::{sniff, typed_csv};
use crate::engine::error::Result;

pub(super) fn load_csv(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    p: &Progress,
) -> Result<Table> {
    let opened = std::cell::Cell::new(false);
    if let Some((cols, delim)) = typed_from_file(path, opts, columns, (p, &opened))? {
        return typed_table(path, delim, cols);
    }
    let (text, delim) = delimited_text(path, opts)?;
    read_whole_again(path, p, &opened);
    load_csv_text(path, text, delim, opts, columns, false)
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
fn read_whole_again(path: &Path, p: &Progress, opened: &std::cell::Cell<bool>) {
    start_reading(path, p, opened);
    p.advance(file_size(path));
}

/// Delimited UTF-8 text streamed straight into typed columns; `None` when the file needs the
/// general path (another encoding, or anything unusual, which the general path reports).
/// `opened` says whether the file was opened (and its bytes counted) on the way.
fn typed_from_file(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    (p, opened): (&Progress, &std::cell::Cell<bool>),
) -> Result<Option<(Named, u8)>> {
    let (text, delim) = text_and_delimiter(path, read_prefix(path, 1 << 20)?, opts)?;
    let (names, keep) = header_and_keep(path, &text, delim, columns)?;
    if opts.encoding != TextEncoding::Utf8 || !typed_csv::header_is_plain(&text, delim, names.len())
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
    let size = (!super::load::is_gzip(path)).then(|| file_size(path));
    let cols = typed_csv::read(
        &open,
        size,
        delim,
        &names,
        &keep,
        opts.date_format.as_deref(),
        opts.decimal_comma,
    );
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
    load_csv_text(path, text, delim, opts, None, true)
}

/// The same through the general path only (polars reads text, then each column is inferred):
/// the reference the typed reader is checked against by the tests and the fuzzer.
pub fn load_delimited_bytes_general(
    path: &Path,
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> Result<Table> {
    let (text, delim) = text_and_delimiter(path, gunzip(path, bytes)?, opts)?;
    load_csv_text(path, text, delim, opts, None, false)
}

fn load_csv_text(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    try_typed: bool,
) -> Result<Table> {
    match read_csv(path, text, delim, opts, columns, try_typed)? {
        CsvRead::Table(t) => Ok(t),
        CsvRead::Typed(cols) => typed_table(path, delim, cols),
    }
}

/// A polars table of typed columns, with notes on how they were read.
fn typed_table(path: &Path, delim: u8, cols: Vec<(String, ReadColumn)>) -> Result<Table> {
    let mut table = Table {
        path: path.to_path_buf(),
        format: FileFormat::Csv,
        df: DataFrame::empty(),
        delimiter: Some(delim),
        kinds: vec![],
        notes: vec![],
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
enum CsvRead {
    Typed(Vec<(String, ReadColumn)>),
    Table(Table),
}

/// A table read for evaluation: typed columns when delimited text allows, otherwise polars'.
pub enum TableData {
    Columns {
        height: usize,
        columns: Vec<(String, Values)>,
    },
    Frame(DataFrame),
}

/// Load a table for evaluation, keeping only `columns` when given (in file order). Delimited
/// text goes straight to typed columns, without a polars table in between.
pub fn load_data(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    p: &Progress,
) -> Result<TableData> {
    if format_of(path, opts)? != FileFormat::Csv {
        return Ok(TableData::Frame(
            load_table_watched(path, opts, columns, p)?.df,
        ));
    }
    let typed = |cols: Vec<(String, ReadColumn)>| TableData::Columns {
        height: cols.first().map_or(0, |c| c.1.values.len()),
        columns: cols.into_iter().map(|(n, rc)| (n, rc.values)).collect(),
    };
    let opened = std::cell::Cell::new(false);
    if let Some((cols, _)) = typed_from_file(path, opts, columns, (p, &opened))? {
        return Ok(typed(cols));
    }
    let (text, delim) = delimited_text(path, opts)?;
    read_whole_again(path, p, &opened);
    // the typed reader already declined this file
    Ok(match read_csv(path, text, delim, opts, columns, false)? {
        CsvRead::Table(t) => TableData::Frame(t.df),
        CsvRead::Typed(cols) => typed(cols),
    })
}

fn read_csv(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    try_typed: bool,
) -> Result<CsvRead> {
    let (names, keep) = header_and_keep(path, &text, delim, columns)?;
    let fast = (try_typed && typed_csv::header_is_plain(&text, delim, names.len()))
        .then(|| {
            typed_csv::read_text(
                &text,
                delim,
                &names,
                &keep,
                opts.date_format.as_deref(),
                opts.decimal_comma,
            )
        })
        .flatten();
    if let Some(cols) = fast {
        let named = keep.iter().map(|&i| names[i].clone()).zip(cols).collect();
        return Ok(CsvRead::Typed(named));
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
    let result = ro
        .into_reader_with_file_handle(std::io::Cursor::new(&bytes))
        .finish();
    let df = match result {
        Ok(df) => df,
        Err(e) => {
            if let Some((line, found, expected)) = sniff::find_ragged(&bytes, delim) {
                return Err(err(
                    path,
                    format!(
                        "line {line} has {found} fields but the header has {expected} (delimiter {}); \
                         fix that row or set `delimiter` for this file",
                        show_delim(delim)
                    ),
                ));
            }
            return Err(err(
                path,
                format!("cannot parse as delimited text: {}", short(&e)),
            ));
        }
    };
    let mut table = Table {
        path: path.to_path_buf(),
        format: FileFormat::Csv,
        df,
        delimiter: Some(delim),
        kinds: vec![],
        notes: vec![],
    };
    infer_text_columns(&mut table, opts)?;
    Ok(CsvRead::Table(table))
}

pub fn show_delim(d: u8) -> String {
    match d {
        b'\t' => "TAB".into(),
        b => format!("'{}'", b as char),
    }
}
