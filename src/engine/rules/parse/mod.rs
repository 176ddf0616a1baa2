//! Reading a workspace file: every problem reported with line, column, key and a hint.

mod characteristics;
pub mod criteria;
mod data;
mod purchase;
mod valuation;

pub use criteria::default_bin_labels;

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;

use toml_edit::{Document, Item, TableLike, Value};

use super::workspace::*;
use crate::engine::data::options::{BadRows, BadValues};
use crate::engine::data::{FileFormat, ReadOptions, TextEncoding};
use crate::engine::error::{Diagnostic, EngineError, Result, did_you_mean, line_col};

struct P<'a> {
    file: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

fn value_span(v: &Value) -> Range<usize> {
    v.span().unwrap_or(0..0)
}

fn item_span(i: &Item) -> Range<usize> {
    i.span().unwrap_or(0..0)
}

fn join_key(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

/// A TOML value or a table-like item under a key, whichever form the user chose.
enum Node<'a> {
    Item(&'a Item),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn span(&self) -> Range<usize> {
        match self {
            Node::Item(i) => item_span(i),
            Node::Value(v) => value_span(v),
        }
    }
    fn value(&self) -> Option<&'a Value> {
        match self {
            Node::Item(i) => i.as_value(),
            Node::Value(v) => Some(v),
        }
    }
    fn table(&self) -> Option<&'a dyn TableLike> {
        match self {
            Node::Item(i) => i.as_table_like(),
            Node::Value(v) => v.as_inline_table().map(|t| t as &dyn TableLike),
        }
    }
    fn type_name(&self) -> &'static str {
        match self {
            Node::Item(i) => i.type_name(),
            Node::Value(v) => v.type_name(),
        }
    }
}

impl<'a> P<'a> {
    fn diag(
        &mut self,
        span: Range<usize>,
        key: &str,
        msg: impl Into<String>,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::new(self.file, msg).key(key).hint_opt(hint);
        if !(span.start == 0 && span.end == 0) {
            let (l, c) = line_col(self.text, span.start);
            d = d.at(l, c);
        }
        self.diags.push(d);
    }

    fn key_span(&self, t: &dyn TableLike, k: &str) -> Range<usize> {
        t.get_key_value(k)
            .and_then(|(key, item)| key.span().or_else(|| item.span()))
            .unwrap_or(0..0)
    }

    /// Report keys not in `allowed`, with a did-you-mean hint.
    fn known_keys(&mut self, t: &dyn TableLike, path: &str, allowed: &[&str]) {
        let unknown: Vec<String> = t
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| !allowed.contains(&k.as_str()))
            .collect();
        for k in unknown {
            let span = self.key_span(t, &k);
            let hint = match did_you_mean(&k, allowed.iter().copied()) {
                Some(m) => format!("did you mean \"{m}\"?"),
                None => format!("allowed here: {}", allowed.join(", ")),
            };
            let msg = format!("unknown key \"{k}\"");
            self.diag(span, &join_key(path, &k), msg, Some(hint));
        }
    }

    fn node<'t>(&self, t: &'t dyn TableLike, k: &str) -> Option<Node<'t>> {
        t.get(k).map(|i| match i {
            Item::Value(v) => Node::Value(v),
            other => Node::Item(other),
        })
    }

    fn string(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<Spanned<String>> {
        let n = self.node(t, k)?;
        match n.value().and_then(|v| v.as_str()) {
            Some(s) => Some(Spanned::new(s.to_string(), n.span())),
            None => {
                let msg = format!("expected text (in quotes), found {}", n.type_name());
                self.diag(n.span(), &join_key(path, k), msg, None);
                None
            }
        }
    }

    fn number(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<f64> {
        let n = self.node(t, k)?;
        let v = n.value();
        match v.and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))) {
            Some(x) => Some(x),
            None => {
                let msg = format!("expected a number, found {}", n.type_name());
                self.diag(n.span(), &join_key(path, k), msg, None);
                None
            }
        }
    }

    fn integer(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<i64> {
        let n = self.node(t, k)?;
        match n.value().and_then(|v| v.as_integer()) {
            Some(x) => Some(x),
            None => {
                let msg = format!("expected a whole number, found {}", n.type_name());
                self.diag(n.span(), &join_key(path, k), msg, None);
                None
            }
        }
    }

    fn boolean(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<bool> {
        let n = self.node(t, k)?;
        match n.value().and_then(|v| v.as_bool()) {
            Some(x) => Some(x),
            None => {
                let msg = format!("expected true or false, found {}", n.type_name());
                self.diag(n.span(), &join_key(path, k), msg, None);
                None
            }
        }
    }

    /// A date, written as a TOML date (`2025-01-31`) or as text (`"2025-01-31"`).
    fn date(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<Spanned<NaiveDate>> {
        let n = self.node(t, k)?;
        let v = n.value();
        let parsed = match (v.and_then(|v| v.as_datetime()), v.and_then(|v| v.as_str())) {
            (Some(dt), _) => dt
                .date
                .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)),
            (_, Some(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.diag(
                n.span(),
                &join_key(path, k),
                format!("{k} must be a date like 2025-01-01"),
                None,
            );
        }
        parsed.map(|d| Spanned::new(d, n.span()))
    }

    /// A choice among named options.
    fn choice<T: Copy>(
        &mut self,
        t: &dyn TableLike,
        path: &str,
        k: &str,
        opts: &[(&str, T)],
    ) -> Option<T> {
        let s = self.string(t, path, k)?;
        match opts.iter().find(|(n, _)| *n == s.value) {
            Some((_, v)) => Some(*v),
            None => {
                let names: Vec<&str> = opts.iter().map(|o| o.0).collect();
                let hint = did_you_mean(&s.value, names.iter().copied())
                    .map(|m| format!("did you mean \"{m}\"?"))
                    .unwrap_or_else(|| format!("one of: {}", names.join(", ")));
                self.diag(
                    s.span.clone(),
                    &join_key(path, k),
                    format!("\"{}\" is not allowed here", s.value),
                    Some(hint),
                );
                None
            }
        }
    }

    fn table<'t>(
        &mut self,
        t: &'t dyn TableLike,
        path: &str,
        k: &str,
    ) -> Option<&'t dyn TableLike> {
        let n = self.node(t, k)?;
        match n.table() {
            Some(x) => Some(x),
            None => {
                let msg = format!("expected a table, found {}", n.type_name());
                self.diag(n.span(), &join_key(path, k), msg, None);
                None
            }
        }
    }
}

/// Parse workspace text. `file` is used for messages and to resolve relative paths.
pub fn parse_workspace(file: &Path, text: &str) -> Result<Workspace> {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let mut d = Diagnostic::new(file, format!("not valid TOML: {}", e.message().trim()));
            if let Some(span) = e.span() {
                let (l, c) = line_col(text, span.start);
                d = d.at(l, c);
            }
            return Err(EngineError::Workspace(vec![d]));
        }
    };
    let mut p = P {
        file,
        text,
        diags: Vec::new(),
    };
    let root: &dyn TableLike = doc.as_table();
    p.known_keys(
        root,
        "",
        &[
            "version",
            "data",
            "columns",
            "characteristics",
            "purchase_history",
            "criteria",
            "valuation",
        ],
    );
    let version = match p.integer(root, "", "version") {
        Some(1) | None => 1,
        Some(v) => {
            let span = p.node(root, "version").map(|n| n.span()).unwrap_or(0..0);
            p.diag(
                span,
                "version",
                format!("workspace version {v} is not supported by this strata"),
                Some("use version = 1".into()),
            );
            v
        }
    };
    let data = p.data(root);
    let columns = p.columns(root);
    let characteristics = p.characteristics(root);
    let purchase_history = p.purchase(root);
    let criteria = p.criteria(root);
    let valuation = p.valuation(root);
    if !p.diags.is_empty() {
        return Err(EngineError::Workspace(p.diags));
    }
    Ok(Workspace {
        file: file.to_path_buf(),
        source: text.to_string(),
        version,
        data,
        columns,
        characteristics,
        purchase_history,
        criteria,
        valuation,
    })
}

/// Read and parse a workspace file.
pub fn load_workspace(file: &Path) -> Result<Workspace> {
    read_workspace(file).map(|(ws, _)| ws)
}

/// The workspace in `file`, with the text it was parsed from (read once).
pub fn read_workspace(file: &Path) -> Result<(Workspace, String)> {
    let data_file = || {
        FileFormat::from_path(file).is_some().then(|| {
            EngineError::Workspace(vec![
                Diagnostic::new(file, "this is a data file, not a workspace").hint(format!(
                    "`strata open {0}` makes a workspace beside it (`strata audit {0}` reads it as it is); then pass the .strata.toml",
                    file.display()
                )),
            ])
        })
    };
    // a data file named where the workspace goes is said so only when it is there (a missing
    // file is just missing)
    let text = std::fs::read_to_string(file).map_err(|e| {
        let unreadable = || {
            EngineError::Workspace(vec![Diagnostic::new(
                file,
                format!("cannot read the workspace: {e}"),
            )])
        };
        match e.kind() {
            std::io::ErrorKind::InvalidData => data_file().unwrap_or_else(unreadable),
            _ => unreadable(),
        }
    })?;
    match parse_workspace(file, &text) {
        Ok(ws) => Ok((ws, text)),
        Err(e) => Err(data_file().unwrap_or(e)),
    }
}
