//! `strata export`: the customers of one segment (or of each segment) as a file for a mailing or ads tool.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::membership::{refuse_inputs, series, write_frame};
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::session::Session;

/// What to export: a criterion, one of its segments (or all), and the columns after `customer_id`.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub criterion: String,
    pub segment: Option<String>,
    pub columns: Vec<String>,
}

/// One written file: its path, the segment and how many customers it lists.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub segment: String,
    pub customers: usize,
}

fn not_found(what: &str, name: &str, known: &[String]) -> EngineError {
    let hint = crate::engine::error::did_you_mean(name, known.iter().map(|s| s.as_str()))
        .map(|m| format!(" — did you mean \"{m}\"?"))
        .unwrap_or_else(|| format!(" (there are: {})", known.join(", ")));
    EngineError::Invalid(format!("no {what} \"{name}\"{hint}"))
}

/// The rows of segment `label` of criterion `ci`: `customer_id`, then the requested columns.
fn segment_frame(s: &Session, ci: usize, label: usize, columns: &[String]) -> Result<DataFrame> {
    let a = &s.results[ci].assignment;
    let rows: Vec<usize> = (0..a.label.len())
        .filter(|&i| a.label[i] as usize == label)
        .collect();
    let mut cols: Vec<Column> = vec![series("customer_id", &s.ids.take(&rows), false).into()];
    for c in columns {
        let v = s
            .base
            .get(c)
            .ok_or_else(|| not_found("column or field", c, &s.base.names))?;
        cols.push(series(c, &v.take(&rows), false).into());
    }
    DataFrame::new(rows.len(), cols).map_err(|e| EngineError::Invalid(format!("export: {e}")))
}

/// Check requested columns against the data's headers and the derived fields before loading.
pub fn check_columns(ws: &crate::engine::rules::Workspace, columns: &[String]) -> Result<()> {
    let base = ws.base_dir();
    let mut known: Vec<String> = crate::engine::eval::fields::derived_fields(ws);
    let mut files: Vec<&crate::engine::rules::FileRef> = ws.data.customers.iter().collect();
    files.extend(ws.data.joins.iter().map(|j| &j.file));
    if ws.data.customers.is_none() {
        files.extend(ws.data.orders.iter());
    }
    for f in files {
        known.extend(crate::engine::data::read_headers(
            &f.resolve(&base),
            &f.options,
        )?);
    }
    match columns.iter().find(|c| !known.contains(c)) {
        Some(c) => Err(not_found("column or field", c, &known)),
        None => Ok(()),
    }
}

/// A file name part from a segment label: letters, digits, `-` and `_` kept, the rest `_`.
fn file_part(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if t.is_empty() { "_".into() } else { t }
}

/// Export one segment to `out`, or, without a segment, every non-empty segment into the folder
/// `out` (one `CRITERION--SEGMENT.EXT` file each; `ext` is csv, parquet or json).
pub fn export(s: &Session, spec: &ExportSpec, out: &Path, ext: &str) -> Result<Vec<Written>> {
    let names: Vec<String> = s.ws.criteria.iter().map(|c| c.name.value.clone()).collect();
    let ci = names
        .iter()
        .position(|n| *n == spec.criterion)
        .ok_or_else(|| not_found("criterion", &spec.criterion, &names))?;
    let a = &s.results[ci].assignment;
    match &spec.segment {
        Some(label) => {
            let k = a
                .names
                .iter()
                .position(|n| n == label)
                .ok_or_else(|| not_found("segment", label, &a.names))?;
            refuse_inputs(s, out)?;
            let mut df = segment_frame(s, ci, k, &spec.columns)?;
            write_frame(&mut df, out)?;
            Ok(vec![Written {
                path: out.to_path_buf(),
                segment: label.clone(),
                customers: df.height(),
            }])
        }
        None => {
            if out.exists() && !out.is_dir() {
                return Err(EngineError::Invalid(format!(
                    "{} is a file; without =SEGMENT every segment is written into a folder",
                    out.display()
                )));
            }
            std::fs::create_dir_all(out).map_err(|e| EngineError::Write {
                path: out.to_path_buf(),
                message: e.to_string(),
            })?;
            let mut written = Vec::new();
            let mut used: Vec<String> = Vec::new();
            for (k, label) in a.names.iter().enumerate() {
                if !a.label.iter().any(|&l| l as usize == k) {
                    continue;
                }
                let mut stem = format!("{}--{}", file_part(&spec.criterion), file_part(label));
                while used.contains(&stem) {
                    stem.push('_');
                }
                used.push(stem.clone());
                let path = out.join(format!("{stem}.{ext}"));
                refuse_inputs(s, &path)?;
                let mut df = segment_frame(s, ci, k, &spec.columns)?;
                write_frame(&mut df, &path)?;
                written.push(Written {
                    path,
                    segment: label.clone(),
                    customers: df.height(),
                });
            }
            Ok(written)
        }
    }
}
