//! The membership file: `customer_id`, one column per criterion, optional derived fields; CSV, Parquet or JSON.

use std::path::Path;

use polars::prelude::*;

use crate::engine::error::{EngineError, Result};
use crate::engine::eval::frame::Vector;
use crate::engine::eval::session::Session;
use crate::engine::rules::save::write_atomic;

pub(super) fn series(name: &str, v: &Vector, mask: bool) -> Series {
    let name = PlSmallStr::from(name);
    if mask {
        return Series::new(
            name,
            (0..v.len())
                .map(|i| (!v.is_null(i)).then_some("***"))
                .collect::<Vec<_>>(),
        );
    }
    match v {
        Vector::Bool(x) => Series::new(name, x.to_options()),
        Vector::Int(x) => Series::new(name, x.to_options()),
        Vector::Float(x) => Series::new(name, x.to_options()),
        Vector::Date(x) => Series::new(name, x.to_options()).into_date(),
        Vector::Text(t) => Series::new(
            name,
            (0..t.codes.len()).map(|i| t.get(i)).collect::<Vec<_>>(),
        ),
    }
}

/// Membership as a table, rows in customer-id order.
pub fn membership_frame(s: &Session, with: &[String], mask_pii: bool) -> Result<DataFrame> {
    let n = s.base.len;
    let mut cols: Vec<Column> = vec![series("customer_id", &s.ids, false).into()];
    for (c, r) in s.ws.criteria.iter().zip(&s.results) {
        let labels: Vec<&str> = (0..n).map(|i| r.assignment.label_of(i)).collect();
        cols.push(Series::new(c.name.value.as_str().into(), labels).into());
    }
    let pii: Vec<&str> = s.ws.columns.pii.iter().map(|p| p.value.as_str()).collect();
    for w in with {
        let v = s.base.get(w).ok_or_else(|| {
            let hint =
                crate::engine::error::did_you_mean(w, s.base.names.iter().map(|x| x.as_str()))
                    .map(|m| format!(" — did you mean \"{m}\"?"))
                    .unwrap_or_default();
            EngineError::Invalid(format!("--with: no field \"{w}\"{hint}"))
        })?;
        cols.push(series(w, v, mask_pii && pii.contains(&w.as_str())).into());
    }
    DataFrame::new(n, cols).map_err(|e| EngineError::Invalid(format!("membership: {e}")))
}

/// Write the membership file; the format follows the extension (.csv, .parquet, .json).
pub fn write_membership(s: &Session, path: &Path, with: &[String], mask_pii: bool) -> Result<()> {
    refuse_inputs(s, path)?;
    let mut df = membership_frame(s, with, mask_pii)?;
    write_frame(&mut df, path)
}

/// Write a table atomically; the format follows the extension (.csv, .parquet, .json).
pub fn write_frame(df: &mut DataFrame, path: &Path) -> Result<()> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut buf: Vec<u8> = Vec::new();
    let fail = |e: PolarsError| EngineError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    match ext.as_str() {
        "csv" => CsvWriter::new(&mut buf).finish(df).map_err(fail)?,
        "parquet" => {
            ParquetWriter::new(&mut buf).finish(df).map_err(fail)?;
        }
        "json" => JsonWriter::new(&mut buf)
            .with_json_format(JsonFormat::Json)
            .finish(df)
            .map_err(fail)?,
        _ => {
            return Err(EngineError::Invalid(format!(
                "{}: unknown output format; use .csv, .parquet or .json",
                path.display()
            )));
        }
    }
    write_atomic(path, &buf)
}

/// An output path must never be one of the workspace's inputs (or the workspace itself).
pub fn refuse_inputs(s: &Session, path: &Path) -> Result<()> {
    refuse_workspace_files(&s.ws, path)
}

/// The same check, before anything is loaded.
pub fn refuse_workspace_files(ws: &crate::engine::rules::Workspace, path: &Path) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let target = canon(path);
    let mut inputs = ws.input_files();
    inputs.push(ws.file.clone());
    for i in inputs {
        if target.is_some() && canon(&i) == target {
            return Err(EngineError::Invalid(format!(
                "refusing to write {}: it is one of the workspace's own files (its input files or the workspace); choose another output path",
                path.display()
            )));
        }
    }
    Ok(())
}
