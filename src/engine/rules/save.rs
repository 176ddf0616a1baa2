//! Saving the workspace: edits that keep the user's comments and key order, written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use crate::engine::error::{EngineError, Result};

/// Write `bytes` to `path` so that a reader or a crash never sees half a file:
/// a temporary file beside it, flushed to disk, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| EngineError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// A workspace document open for editing; every change keeps comments and order.
pub struct WorkspaceEditor {
    pub path: PathBuf,
    pub doc: DocumentMut,
}

impl WorkspaceEditor {
    pub fn open(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EngineError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        Self::from_text(path, &text)
    }

    pub fn from_text(path: &Path, text: &str) -> Result<Self> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            EngineError::Invalid(format!(
                "{}: not valid TOML: {}",
                path.display(),
                e.message()
            ))
        })?;
        Ok(WorkspaceEditor {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// The table at a dotted path, created (as a standard table) when missing.
    fn table_mut(&mut self, path: &[&str]) -> Result<&mut dyn toml_edit::TableLike> {
        let mut cur: &mut dyn toml_edit::TableLike = self.doc.as_table_mut();
        for (i, k) in path.iter().enumerate() {
            if !cur.contains_key(k) {
                let mut t = Table::new();
                t.set_implicit(i + 1 < path.len());
                cur.insert(k, Item::Table(t));
            }
            cur = cur
                .get_mut(k)
                .and_then(|it| it.as_table_like_mut())
                .ok_or_else(|| {
                    EngineError::Invalid(format!("`{}` is not a table", path[..=i].join(".")))
                })?;
        }
        Ok(cur)
    }

    /// Set `key` in the table at `path` to a value, keeping its decoration when it exists.
    pub fn set(&mut self, path: &[&str], key: &str, v: impl Into<toml_edit::Value>) -> Result<()> {
        let t = self.table_mut(path)?;
        let mut new = v.into();
        if let Some(Item::Value(old)) = t.get(key) {
            *new.decor_mut() = old.decor().clone();
        }
        t.insert(key, value(new));
        Ok(())
    }

    pub fn remove(&mut self, path: &[&str], key: &str) -> Result<bool> {
        Ok(self.table_mut(path)?.remove(key).is_some())
    }

    /// Write a criterion's rule back: today the cut points of `bins` (what the TUI edits).
    pub fn set_criterion_rule(&mut self, c: &crate::engine::rules::Criterion) -> Result<()> {
        let name = c.name.value.as_str();
        if let crate::engine::rules::Rule::Bins { edges, .. } = &c.rule {
            let crit = self.table_mut(&["criteria", name])?;
            let bins = crit
                .get_mut("bins")
                .and_then(|b| b.as_table_like_mut())
                .ok_or_else(|| {
                    EngineError::Invalid(format!(
                        "criteria.{name}.bins is not in the file any more"
                    ))
                })?;
            let mut arr = toml_edit::Array::new();
            for e in edges {
                if e.fract() == 0.0 && e.abs() < 9e15 {
                    arr.push(*e as i64);
                } else {
                    arr.push(*e);
                }
            }
            let old = bins
                .get("edges")
                .and_then(|i| i.as_value())
                .map(|v| v.decor().clone());
            let mut v = toml_edit::Value::Array(arr);
            if let Some(d) = old {
                *v.decor_mut() = d;
            }
            bins.insert("edges", toml_edit::Item::Value(v));
        }
        Ok(())
    }

    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Write the document atomically to its path.
    pub fn save(&self) -> Result<()> {
        write_atomic(&self.path, self.text().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "# my segmentation\nversion = 1\n\n[data]\ncustomers = \"c.csv\" # the CRM export\n\n[criteria.age]\nstep = \"demographic\"\nbins = { column = \"age\", edges = [25, 40] }\n";

    #[test]
    fn edits_keep_comments_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.strata.toml");
        std::fs::write(&p, SRC).unwrap();
        let mut e = WorkspaceEditor::open(&p).unwrap();
        e.set(&["data"], "customers", "other.csv").unwrap();
        e.set(&["valuation"], "value", "revenue").unwrap();
        e.save().unwrap();
        let out = std::fs::read_to_string(&p).unwrap();
        assert!(out.starts_with("# my segmentation\nversion = 1\n"));
        assert!(out.contains("customers = \"other.csv\" # the CRM export"));
        assert!(out.find("[criteria.age]").unwrap() < out.find("[valuation]").unwrap());
        assert!(out.contains("value = \"revenue\""));
        // no temporary file is left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "old content that is longer").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    }
}
