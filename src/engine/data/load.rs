//! Reading a data file of any supported format into a typed table.

use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::infer::{Inferred, InferredColumn, infer_column};
use super::options::{FileFormat, ReadOptions, TextEncoding};
use super::typed_csv::{ReadColumn, Values};
use super::{sniff, typed_csv, xlsx};
use crate::engine::error::{EngineError, Result};

/// A loaded table and how it was read.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub format: FileFormat,
    pub df: DataFrame,
    /// The delimiter used, for delimited text.
    pub delimiter: Option<u8>,
    /// Per column: how its values were interpreted (only columns read from text).
    pub kinds: Vec<(String, Inferred)>,
    /// Plain-words notes on interpretations a user should know about.
    pub notes: Vec<String>,
}

fn err(path: &Path, msg: impl Into<String>) -> EngineError {
    EngineError::data(path, msg)
}

/// Read the raw bytes, looking through gzip.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    gunzip(path, raw)
}

/// The bytes themselves, or their gzip content.
pub(super) fn gunzip(path: &Path, raw: Vec<u8>) -> Result<Vec<u8>> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        let mut dec = flate2::read::MultiGzDecoder::new(&raw[..]);
        if let Err(e) = dec.read_to_end(&mut out) {
            let what = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "the gzip data ends early (truncated file?)".to_string()
            } else {
                format!("the gzip data is corrupt ({e})")
            };
            return Err(err(
                path,
                format!(
                    "{what} after {} decompressed bytes; re-download or re-compress the file",
                    out.len()
                ),
            ));
        }
        return Ok(out);
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        return Err(err(
            path,
            "named .gz but is not gzip data; rename the file or compress it with gzip",
        ));
    }
    Ok(raw)
}

/// Decode to UTF-8 text (BOM stripped), or say where the text is not valid UTF-8.
fn decode(path: &Path, bytes: Vec<u8>, enc: TextEncoding) -> Result<String> {
    let text = match enc {
        TextEncoding::Utf8 => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let b = e.as_bytes();
                let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
                return Err(err(
                    path,
                    format!(
                        "not valid UTF-8 at byte {at} (line {line}, byte 0x{:02X}); if the file is Latin-1 or \
                         Windows-1252, say so (`encoding = \"latin-1\"` in the workspace, `--encoding latin-1` on \
                         the command line), or convert it to UTF-8",
                        b[at]
                    ),
                ));
            }
        },
        TextEncoding::Latin1 | TextEncoding::Windows1252 => {
            let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            s.into_owned()
        }
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Decode delimited bytes (all of a file, or its start) and choose the delimiter.
fn text_and_delimiter(path: &Path, bytes: Vec<u8>, opts: &ReadOptions) -> Result<(String, u8)> {
    let text = decode(path, bytes, opts.encoding)?;
    if text.trim().is_empty() {
        return Err(err(
            path,
            "the file is empty: a header row naming the columns is needed",
        ));
    }
    let delim = opts
        .delimiter
        .unwrap_or_else(|| sniff::sniff_delimiter(text.as_bytes()));
    Ok((text, delim))
}

/// Read the text of a delimited file and the delimiter to use.
fn delimited_text(path: &Path, opts: &ReadOptions) -> Result<(String, u8)> {
    let timing = crate::engine::eval::session::Timing::new();
    let r = text_and_delimiter(path, read_bytes(path)?, opts);
    timing.mark("  read and decode");
    r
}

fn check_header(path: &Path, names: &[String]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if n.trim().is_empty() {
            return Err(err(
                path,
                format!(
                    "column {} of the header has no name; every column needs a name",
                    i + 1
                ),
            ));
        }
        if !seen.insert(n.as_str()) {
            return Err(err(
                path,
                format!("the header names column \"{n}\" twice; rename one of them"),
            ));
        }
    }
    Ok(())
}

/// The first `limit` bytes of a file (decompressed when gzip), cut after the last full line.
fn read_prefix(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let f =
        std::fs::File::open(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    let mut magic = [0u8; 2];
    let gz = std::io::Read::read(&mut &f, &mut magic)
        .map(|n| n == 2 && magic == [0x1f, 0x8b])
        .unwrap_or(false);
    let f =
        std::fs::File::open(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    let mut buf = Vec::new();
    let res = if gz {
        flate2::read::MultiGzDecoder::new(f)
            .take(limit)
            .read_to_end(&mut buf)
    } else {
        f.take(limit).read_to_end(&mut buf)
    };
    if let Err(e) = res {
        return Err(err(path, format!("cannot read the start of the file: {e}")));
    }
    if buf.len() as u64 == limit {
        match buf.iter().rposition(|&b| b == b'\n') {
            Some(p) => buf.truncate(p + 1),
            // a first line longer than the limit: read it all
            None => return read_bytes(path),
        }
    }
    Ok(buf)
}

/// The column names of a file, reading as little as possible.
pub fn read_headers(path: &Path, opts: &ReadOptions) -> Result<Vec<String>> {
    match format_of(path, opts)? {
        FileFormat::Csv => {
            let (text, delim) = text_and_delimiter(path, read_prefix(path, 1 << 20)?, opts)?;
            let names = sniff::header(&text, delim);
            check_header(path, &names)?;
            Ok(names)
        }
        _ => Ok(load_table(path, opts, None)?
            .df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()),
    }
}

fn format_of(path: &Path, opts: &ReadOptions) -> Result<FileFormat> {
    opts.format_for(path).ok_or_else(|| {
        err(
            path,
            "unknown file type; use .csv, .tsv, .txt (optionally .gz), .parquet, .json, .ndjson or .xlsx, \
             or set `format` for this file",
        )
    })
}

/// Load a table, keeping only `columns` when given (in file order).
pub fn load_table(path: &Path, opts: &ReadOptions, columns: Option<&[String]>) -> Result<Table> {
    let format = format_of(path, opts)?;
    let mut table = match format {
        FileFormat::Csv => load_csv(path, opts, columns)?,
        FileFormat::Parquet => {
            let f = std::fs::File::open(path)
                .map_err(|e| err(path, format!("cannot read the file: {e}")))?;
            let mut r = ParquetReader::new(f);
            if let Some(c) = columns {
                r = r.with_columns(Some(c.to_vec()));
            }
            let df = r
                .finish()
                .map_err(|e| err(path, format!("not a readable Parquet file: {}", short(&e))))?;
            plain_table(path, format, df)
        }
        FileFormat::Json | FileFormat::Ndjson => {
            let bytes = read_bytes(path)?;
            let text = decode(path, bytes, opts.encoding)?;
            let lines = format == FileFormat::Ndjson || !text.trim_start().starts_with('[');
            let cur = std::io::Cursor::new(text.into_bytes());
            let fmt = if lines {
                JsonFormat::JsonLines
            } else {
                JsonFormat::Json
            };
            let df = JsonReader::new(cur)
                .with_json_format(fmt)
                .infer_schema_len(None)
                .finish()
                .map_err(|e| err(path, format!("not readable JSON: {}", short(&e))))?;
            plain_table(path, format, df)
        }
        FileFormat::Xlsx => {
            let df = xlsx::read_sheet(path, opts.sheet.as_deref())?;
            plain_table(path, format, df)
        }
    };
    if format != FileFormat::Csv {
        if let Some(c) = columns {
            table.df = table
                .df
                .select(c.iter().map(|s| s.as_str()))
                .map_err(|e| err(path, short(&e)))?;
        }
        infer_text_columns(&mut table, opts)?;
    }
    Ok(table)
}

fn plain_table(path: &Path, format: FileFormat, df: DataFrame) -> Table {
    Table {
        path: path.to_path_buf(),
        format,
        df,
        delimiter: None,
        kinds: vec![],
        notes: vec![],
    }
}

/// The first line of a polars error, without its backtrace-like context.
pub(crate) fn short(e: &PolarsError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn load_csv(path: &Path, opts: &ReadOptions, columns: Option<&[String]>) -> Result<Table> {
    let (text, delim) = delimited_text(path, opts)?;
    load_csv_text(path, text, delim, opts, columns)
}

/// Load delimited data given as bytes (plain or gzip); `path` only names it in messages. The
/// same path as files take: decoding, sniffing, parsing and type inference (the fuzzers use it).
pub fn load_delimited_bytes(path: &Path, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Table> {
    let (text, delim) = text_and_delimiter(path, gunzip(path, bytes)?, opts)?;
    load_csv_text(path, text, delim, opts, None)
}

fn load_csv_text(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
) -> Result<Table> {
    match read_csv(path, text, delim, opts, columns)? {
        CsvRead::Table(t) => Ok(t),
        CsvRead::Typed(cols) => {
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
    }
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
pub fn load_data(path: &Path, opts: &ReadOptions, columns: Option<&[String]>) -> Result<TableData> {
    if format_of(path, opts)? != FileFormat::Csv {
        return Ok(TableData::Frame(load_table(path, opts, columns)?.df));
    }
    let (text, delim) = delimited_text(path, opts)?;
    Ok(match read_csv(path, text, delim, opts, columns)? {
        CsvRead::Table(t) => TableData::Frame(t.df),
        CsvRead::Typed(cols) => TableData::Columns {
            height: cols.first().map_or(0, |c| c.1.values.len()),
            columns: cols.into_iter().map(|(n, rc)| (n, rc.values)).collect(),
        },
    })
}

fn read_csv(
    path: &Path,
    text: String,
    delim: u8,
    opts: &ReadOptions,
    columns: Option<&[String]>,
) -> Result<CsvRead> {
    let names = sniff::header(&text, delim);
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
    let fast = typed_csv::read(
        &text,
        delim,
        &names,
        &keep,
        opts.date_format.as_deref(),
        opts.decimal_comma,
    );
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

/// Note how a column was read (kinds, and notes a user should know about); returns its series.
fn record_inference(table: &mut Table, ic: super::infer::InferredColumn) -> Series {
    let name = ic.series.name().to_string();
    if ic.null_tokens > 0 {
        table.notes.push(format!(
            "column \"{name}\": {} values like NA/NaN/null read as missing",
            ic.null_tokens
        ));
    }
    match &ic.kind {
        Inferred::Date(f) | Inferred::Datetime(f) => {
            let mut n = format!("column \"{name}\" read as dates ({f})");
            if !ic.ambiguous_with.is_empty() {
                n.push_str(&format!(
                    "; the values also fit {}: set `date_format` if that is what they mean",
                    ic.ambiguous_with.join(", ")
                ));
            }
            table.notes.push(n);
        }
        _ => {}
    }
    table.kinds.push((name, ic.kind));
    ic.series
}

/// Replace every text column by its inferred type, recording how it was read.
fn infer_text_columns(table: &mut Table, opts: &ReadOptions) -> Result<()> {
    let cols: Vec<Column> = table.df.columns().to_vec();
    let text_idx: Vec<usize> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.dtype() == &DataType::String)
        .map(|(i, _)| i)
        .collect();
    let results: Vec<PolarsResult<super::infer::InferredColumn>> = std::thread::scope(|s| {
        let handles: Vec<_> = text_idx
            .iter()
            .map(|&i| {
                let series = cols[i].as_materialized_series().clone();
                let fmt = opts.date_format.clone();
                let dc = opts.decimal_comma;
                s.spawn(move || infer_column(&series, fmt.as_deref(), dc))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("inference thread"))
            .collect()
    });
    let mut new_cols = cols;
    for (&i, r) in text_idx.iter().zip(results) {
        let ic = r.map_err(|e| err(&table.path, short(&e)))?;
        new_cols[i] = record_inference(table, ic).into();
    }
    let h = table.df.height();
    table.df = DataFrame::new(h, new_cols).map_err(|e| err(&table.path, short(&e)))?;
    Ok(())
}
