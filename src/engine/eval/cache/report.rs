//! Reports kept whole: the same workspace text over the same files makes the same document.

use serde::{Deserialize, Serialize};

use super::Cache;
use crate::engine::eval::frame::Frame;
use crate::engine::rules::Workspace;

/// A report as written, with what its command said on the way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptReport {
    pub text: String,
    pub customers: usize,
    pub warnings: Vec<String>,
}

impl Cache {
    /// The key of `ws`'s report in `format` (`md`, `html`): strata's version, the day (the
    /// audit counts dates after today), the workspace's file (its name is the title) and its
    /// own text, and every data file's key (each read whole); `None` when the cache is off or
    /// a file cannot be looked at.
    pub fn report_key(&self, ws: &Workspace, ws_text: &str, format: &str) -> Option<String> {
        let base = ws.base_dir();
        let mut k = format!(
            "strata {} report {}\nformat {format}\ntoday {}\nworkspace file {}\n",
            env!("CARGO_PKG_VERSION"),
            super::FORMAT,
            chrono::Utc::now().date_naive(),
            std::fs::canonicalize(&ws.file).ok()?.display(),
        );
        for f in ws.data_files() {
            k.push_str(&self.table_key(&f.resolve(&base), &f.options, None)?);
        }
        k.push_str("workspace ");
        k.push_str(&serde_json::to_string(ws_text).ok()?);
        k.push('\n');
        Some(k)
    }

    /// The report kept under `key`, if an intact one is there (a damaged one becomes a note).
    pub fn report(&self, key: &str, notes: &mut Vec<String>) -> Option<KeptReport> {
        let (meta, _) = self.get(key, "the report", notes)?;
        serde_json::from_str(&meta).ok()
    }

    /// Keep `r` under `key` (`largest_input` sets the default limit).
    pub fn keep_report(
        &self,
        key: &str,
        r: &KeptReport,
        largest_input: u64,
        notes: &mut Vec<String>,
    ) {
        if let Ok(meta) = serde_json::to_string(r) {
            self.put(
                key,
                &meta,
                &Frame::new(0),
                largest_input,
                "the report",
                notes,
            );
        }
    }
}
