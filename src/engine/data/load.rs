//! Reading a data file of any supported format into a typed table.

use std::path::Path;

use polars::prelude::*;

use super::delimited::{
    CsvRead, TableBody, TableData, Typed, load_csv, read_csv, read_whole_again, typed_from_file,
};
use super::options::{FileFormat, ReadOptions};
use super::progress::Progress;
use super::read::{
    check_header, decode, delimited_text, err, file_label, file_size, format_of, read_bytes,
    read_prefix, short, text_and_delimiter,
};
use super::table::{ReadNotes, Table, infer_text_columns, plain_table};
use super::typed_csv::ReadColumn;
use super::{sniff, sqlite, xlsx};
use crate::engine::error::Result;

/// The column names of a file, reading as little as possible.
pub fn read_headers(path: &Path, opts: &ReadOptions) -> Result<Vec<String>> {
    match format_of(path, opts)? {
        FileFormat::Csv => {
            let (text, delim) = text_and_delimiter(path, read_prefix(path, 1 << 20)?, opts)?;
            let names = sniff::header(&text, delim);
            check_header(path, &names)?;
            Ok(names)
        }
        FileFormat::Sqlite => {
            sqlite::column_names(path, opts.table.as_deref(), opts.query.as_deref())
        }
        _ => Ok(load_table(path, opts, None)?
            .df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()),
    }
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
            let fmt = if lines {
                JsonFormat::JsonLines
            } else {
                JsonFormat::Json
            };
            let df = JsonReader::new(std::io::Cursor::new(text.as_bytes()))
                .with_json_format(fmt)
                .infer_schema_len(None)
                .finish()
                .map_err(|e| {
                    let what = json_problem(&text, lines).unwrap_or_else(|| short(&e));
                    err(path, format!("not readable JSON: {what}"))
                })?;
            plain_table(path, format, df)
        }
        FileFormat::Xlsx => {
            let df = xlsx::read_sheet(path, opts.sheet.as_deref())?;
            plain_table(path, format, df)
        }
        FileFormat::Sqlite => {
            let read = (opts.table.as_deref(), opts.query.as_deref());
            let df = sqlite::read_table(path, read, columns, p)?;
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

/// Where JSON text stops being JSON, as a person finds it: "line 3, column 75: trailing comma"
/// (`lines`: one value per line). `None` when it reads as JSON (the reader refused it for
/// another reason).
fn json_problem(text: &str, lines: bool) -> Option<String> {
    let at = |e: serde_json::Error, line: usize| {
        if e.is_eof() {
            return format!(
                "line {line}: the text ends before the JSON does (an unclosed [, {{ or \")"
            );
        }
        // serde's words without its own "at line 1 column 75", in a person's words where
        // they are the parser's
        let words = e.to_string();
        let words = match words.split(" at line ").next().unwrap_or_default() {
            "expected ident" | "expected value" => {
                "not a JSON value (text needs quotes)".to_string()
            }
            w => w.to_string(),
        };
        format!("line {line}, column {}: {words}", e.column())
    };
    if !lines {
        return serde_json::from_str::<serde_json::Value>(text)
            .err()
            .map(|e| {
                let line = e.line();
                at(e, line)
            });
    }
    text.lines().enumerate().find_map(|(i, l)| {
        if l.trim().is_empty() {
            return None;
        }
        serde_json::from_str::<serde_json::Value>(l)
            .err()
            .map(|e| format!("{} (each line holds one JSON object)", at(e, i + 1)))
    })
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
        let t = load_table_watched(path, opts, columns, p)?;
        return Ok(TableData {
            body: TableBody::Frame(t.df),
            bad_rows: t.bad_rows,
            read: t.read,
        });
    }
    let typed = |cols: Vec<(String, ReadColumn)>, bad_rows| {
        let mut read = ReadNotes::default();
        for (n, rc) in &cols {
            read.note(n, &rc.kind, rc.null_tokens, &rc.ambiguous_with);
        }
        TableData {
            body: TableBody::Columns {
                height: cols.first().map_or(0, |c| c.1.values.len()),
                columns: cols.into_iter().map(|(n, rc)| (n, rc.values)).collect(),
            },
            bad_rows,
            read,
        }
    };
    let opened = std::cell::Cell::new(false);
    if let Some((cols, _)) = typed_from_file(path, opts, columns, (p, &opened))? {
        return Ok(typed(cols, Default::default()));
    }
    let (text, delim) = delimited_text(path, opts)?;
    read_whole_again(path, p, &opened);
    // the typed reader already declined this file
    Ok(
        match read_csv(path, text, delim, opts, columns, Typed::AfterCleaning)? {
            CsvRead::Table(t) => TableData {
                body: TableBody::Frame(t.df),
                bad_rows: t.bad_rows,
                read: t.read,
            },
            CsvRead::Typed(cols, bad_rows) => typed(cols, bad_rows),
        },
    )
}
