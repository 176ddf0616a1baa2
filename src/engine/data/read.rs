//! Reading a data file's bytes and text: gzip, encodings, its first lines, its name and size.

use std::io::Read;
use std::path::Path;

use polars::prelude::PolarsError;

use super::options::{FileFormat, ReadOptions, TextEncoding};
use super::sniff;
use crate::engine::error::{EngineError, Result};

pub(crate) fn err(path: &Path, msg: impl Into<String>) -> EngineError {
    EngineError::data(path, msg)
}

/// Read the raw bytes, looking through gzip.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| err(path, format!("cannot read the file: {e}")))?;
    gunzip(path, raw)
}

/// The bytes themselves, or their gzip content.
pub(crate) fn gunzip(path: &Path, raw: Vec<u8>) -> Result<Vec<u8>> {
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
pub(crate) fn decode(path: &Path, bytes: Vec<u8>, enc: TextEncoding) -> Result<String> {
    let text = match enc {
        TextEncoding::Utf8 => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let b = e.as_bytes();
                let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
                let name = path
                    .file_name()
                    .map_or_else(|| "data.csv".into(), |n| n.to_string_lossy());
                return Err(err(
                    path,
                    format!(
                        "not valid UTF-8 at byte {at} (line {line}, byte 0x{:02X}); if the file is Latin-1 or \
                         Windows-1252, write its entry under [data] as `{{ path = {name:?}, \
                         encoding = \"latin-1\" }}` (`strata audit --encoding latin-1` for the file on its \
                         own); or convert it to UTF-8",
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
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    // lines ended by a carriage return alone (old Mac exports): each is a line
    if text.contains('\r') && !text.contains('\n') {
        return Ok(text.replace('\r', "\n"));
    }
    Ok(text)
}

/// Decode delimited bytes (all of a file, or its start) and choose the delimiter.
pub(crate) fn text_and_delimiter(
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
pub(crate) fn delimited_text(path: &Path, opts: &ReadOptions) -> Result<(String, u8)> {
    let timing = crate::engine::timing::Timing::new();
    let r = text_and_delimiter(path, read_bytes(path)?, opts);
    timing.mark("  read and decode");
    r
}

pub(crate) fn check_header(path: &Path, names: &[String]) -> Result<()> {
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
pub(crate) fn open_decoded(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
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
pub(crate) fn read_prefix(path: &Path, limit: u64) -> Result<Vec<u8>> {
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

pub(crate) fn format_of(path: &Path, opts: &ReadOptions) -> Result<FileFormat> {
    let format = opts.format_for(path).ok_or_else(|| {
        err(
            path,
            "unknown file type; use .csv, .tsv, .txt (optionally .gz), .parquet, .json, .ndjson, \
             .xlsx or a SQLite database (.db, .sqlite), or set `format` for this file",
        )
    })?;
    if format != FileFormat::Sqlite && (opts.table.is_some() || opts.query.is_some()) {
        return Err(err(
            path,
            format!(
                "`table` and `query` name the rows of a SQLite database file, and this file is \
                 read as {}: remove them, or say format = \"sqlite\"",
                format.label()
            ),
        ));
    }
    Ok(format)
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

/// The first line of a polars error, without its backtrace-like context.
pub(crate) fn short(e: &PolarsError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}
