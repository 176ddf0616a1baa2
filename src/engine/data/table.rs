//! A loaded table, and how its text columns were typed (kinds and notes a user should know).

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::infer::{Inferred, infer_column};
use super::options::{FileFormat, ReadOptions};
use super::read::{err, short};
use crate::engine::error::Result;

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
    /// What a run is told of how its columns were read.
    pub read: ReadNotes,
}

/// What a read found worth telling a run of how columns were read (kept with a cached table).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReadNotes {
    /// Per column: how many values were markers of a missing value (`NA`, `-`, …).
    pub markers: Vec<(String, usize)>,
    /// Per column read as dates: the pattern chosen, and the others every value also fits.
    pub ambiguous: Vec<(String, String, Vec<String>)>,
}

impl ReadNotes {
    pub fn is_empty(&self) -> bool {
        self.markers.is_empty() && self.ambiguous.is_empty()
    }

    /// Note column `name` as read: its markers, and its date pattern when others fit too.
    pub fn note(&mut self, name: &str, kind: &Inferred, markers: usize, others: &[String]) {
        if markers > 0 {
            self.markers.push((name.to_string(), markers));
        }
        if let (Inferred::Date(f) | Inferred::Datetime(f), false) = (kind, others.is_empty()) {
            self.ambiguous
                .push((name.to_string(), f.clone(), others.to_vec()));
        }
    }
}

pub(crate) fn plain_table(path: &Path, format: FileFormat, df: DataFrame) -> Table {
    Table {
        path: path.to_path_buf(),
        format,
        df,
        delimiter: None,
        kinds: vec![],
        notes: vec![],
        bad_rows: Default::default(),
        read: ReadNotes::default(),
    }
}

/// Note how a column was read (kinds, and notes a user should know about); returns its series.
pub(crate) fn record_inference(table: &mut Table, ic: super::infer::InferredColumn) -> Series {
    let name = ic.series.name().to_string();
    (table.read).note(&name, &ic.kind, ic.null_tokens, &ic.ambiguous_with);
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
pub(crate) fn infer_text_columns(table: &mut Table, opts: &ReadOptions) -> Result<()> {
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
