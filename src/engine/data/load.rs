//! Reading a data file of any supported format into a typed table.

use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::delimited::load_csv;
use super::infer::{Inferred, infer_column};
use super::options::{FileFormat, ReadOptions, TextEncoding};
use super::progress::Progress;
use super::{sniff, xlsx};
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
    /// Rows of another width than the header, left out (`bad_rows = "skip"`).
    pub bad_rows: super::quality::BadRowsFound,
}

pub(super) fn err(path: &Path, msg: impl Into<String>) -> EngineError {
    EngineError::data(path, msg)
}

/// Read the raw bytes, looking through gzip.
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    gunzip(path, raw)
}

/// The bytes themselves, or their gzip content.
pub(super) fn gunzip(path: &Path, raw: Vec<u8>) -> Result<Vec<u8>> {
    if raw.starts_with(&GZIP_MAGIC) {
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
pub(super) fn decode(path: &Path, bytes: Vec<u8>, enc: TextEncoding) -> Result<String> {
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
pub(super) fn text_and_delimiter(
    path: &Path,
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> Result<(String, u8)> {
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
pub(super) fn delimited_text(path: &Path, opts: &ReadOptions) -> Result<(String, u8)> {
    let timing = crate::engine::timing::Timing::new();
    let r = text_and_delimiter(path, read_bytes(path)?, opts);
    timing.mark("  read and decode");
    r
}

pub(super) fn check_header(path: &Path, names: &[String]) -> Result<()> {
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

/// How every gzip stream begins.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether the file begins as gzip data does (false when it cannot be read).
pub fn is_gzip(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|_| magic == GZIP_MAGIC)
}

/// The file's bytes from the start, through gzip when compressed.
pub(super) fn open_decoded(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    let f = std::fs::File::open(path)?;
    Ok(if is_gzip(path) {
        Box::new(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::with_capacity(1 << 20, f),
        ))
    } else {
        Box::new(f)
    })
}

/// The first `limit` bytes of a file (decompressed when gzip), cut after the last full line.
pub(super) fn read_prefix(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let f = open_decoded(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    let mut buf = Vec::new();
    if let Err(e) = f.take(limit).read_to_end(&mut buf) {
        if is_gzip(path) {
            // reading it all says what is wrong with the compressed data
            return read_bytes(path);
        }
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

pub(super) fn format_of(path: &Path, opts: &ReadOptions) -> Result<FileFormat> {
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
    load_table_watched(path, opts, columns, &Progress::default())
}

/// The same, counting the bytes read into `p` and stopping when it is cancelled.
pub fn load_table_watched(
    path: &Path,
    opts: &ReadOptions,
    columns: Option<&[String]>,
    p: &Progress,
) -> Result<Table> {
    let format = format_of(path, opts)?;
    let size = file_size(path);
    p.begin(&file_label(path), size);
    let mut table = match format {
        FileFormat::Csv => load_csv(path, opts, columns, p)?,
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
        p.advance(size);
    }
    p.check()?;
    Ok(table)
}

pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The size of the largest of `paths` (the cache's default limit follows it).
pub fn largest_file<'a>(paths: impl IntoIterator<Item = &'a Path>) -> u64 {
    paths.into_iter().map(file_size).max().unwrap_or(0)
}

/// A file's name as a progress line shows it.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn plain_table(path: &Path, format: FileFormat, df: DataFrame) -> Table {
    Table {
        path: path.to_path_buf(),
        format,
        df,
        delimiter: None,
        kinds: vec![],
        notes: vec![],
        bad_rows: Default::default(),
    }
}

/// The first line of a polars error, without its backtrace-like context.
pub(crate) fn short(e: &PolarsError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Note how a column was read (kinds, and notes a user should know about); returns its series.
pub(super) fn record_inference(table: &mut Table, ic: super::infer::InferredColumn) -> Series {
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
pub(super) fn infer_text_columns(table: &mut Table, opts: &ReadOptions) -> Result<()> {
    let cols: Vec<Column> = table.df.columns().to_vec();
    let text_idx: Vec<usize> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.dtype() == &DataType::String)
        .map(|(i, _)| i)
        .collect();
    // on the shared pool, as many at once as there are cores (not one thread per column)
    use rayon::prelude::*;
    let results: Vec<PolarsResult<super::infer::InferredColumn>> = text_idx
        .par_iter()
        .map(|&i| {
            let series = cols[i].as_materialized_series();
            infer_column(series, opts)
        })
        .collect();
    let mut new_cols = cols;
    for (&i, r) in text_idx.iter().zip(results) {
        let ic = r.map_err(|e| err(&table.path, short(&e)))?;
        new_cols[i] = record_inference(table, ic).into();
    }
    let h = table.df.height();
    table.df = DataFrame::new(h, new_cols).map_err(|e| err(&table.path, short(&e)))?;
    Ok(())
}
