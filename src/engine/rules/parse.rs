//! Reading a workspace file: every problem reported with line, column, key and a hint.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use toml_edit::{Document, Item, TableLike, Value};

use super::workspace::*;
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

const FILE_KEYS: [&str; 7] = [
    "path",
    "format",
    "delimiter",
    "encoding",
    "sheet",
    "date_format",
    "decimal_comma",
];

impl P<'_> {
    fn file_options(&mut self, t: &dyn TableLike, path: &str) -> ReadOptions {
        let mut o = ReadOptions::default();
        if let Some(f) = self.string(t, path, "format") {
            match FileFormat::from_name(&f.value) {
                Some(x) => o.format = Some(x),
                None => self.diag(
                    f.span.clone(),
                    &join_key(path, "format"),
                    format!("unknown format \"{}\"", f.value),
                    Some("one of: csv, tsv, txt, parquet, json, ndjson, xlsx".into()),
                ),
            }
        }
        if let Some(d) = self.string(t, path, "delimiter") {
            let v = match d.value.as_str() {
                "\\t" | "\t" | "tab" | "TAB" => Some(b'\t'),
                s if s.len() == 1 && s.is_ascii() => Some(s.as_bytes()[0]),
                _ => None,
            };
            match v {
                Some(b) => o.delimiter = Some(b),
                None => self.diag(
                    d.span.clone(),
                    &join_key(path, "delimiter"),
                    format!("delimiter \"{}\" must be one character", d.value),
                    Some("e.g. \",\", \";\", \"|\" or \"\\t\" for tab".into()),
                ),
            }
        }
        if let Some(e) = self.string(t, path, "encoding") {
            match TextEncoding::from_name(&e.value) {
                Some(x) => o.encoding = x,
                None => self.diag(
                    e.span.clone(),
                    &join_key(path, "encoding"),
                    format!("unknown encoding \"{}\"", e.value),
                    Some("one of: utf-8, latin-1, windows-1252".into()),
                ),
            }
        }
        o.sheet = self.string(t, path, "sheet").map(|s| s.value);
        o.date_format = self.string(t, path, "date_format").map(|s| s.value);
        o.decimal_comma = self.boolean(t, path, "decimal_comma").unwrap_or(false);
        o
    }

    /// `customers = "x.csv"` or `customers = { path = "x.csv", delimiter = ";" }`.
    fn file_ref(&mut self, t: &dyn TableLike, path: &str, k: &str) -> Option<FileRef> {
        let key = join_key(path, k);
        let n = self.node(t, k)?;
        if let Some(s) = n.value().and_then(|v| v.as_str()) {
            return Some(FileRef {
                path: Spanned::new(s.to_string(), n.span()),
                key,
                options: ReadOptions::default(),
            });
        }
        let Some(tbl) = n.table() else {
            self.diag(
                n.span(),
                &key,
                format!(
                    "expected a file path (text) or a table with `path`, found {}",
                    n.type_name()
                ),
                None,
            );
            return None;
        };
        self.known_keys(tbl, &key, &FILE_KEYS);
        let options = self.file_options(tbl, &key);
        match self.string(tbl, &key, "path") {
            Some(p) => Some(FileRef {
                path: p,
                key,
                options,
            }),
            None => {
                self.diag(n.span(), &key, "the file table needs a `path`", None);
                None
            }
        }
    }

    fn data(&mut self, root: &dyn TableLike) -> DataConfig {
        let mut d = DataConfig::default();
        let Some(t) = self.table(root, "", "data") else {
            self.diag(
                0..0,
                "data",
                "missing [data] section",
                Some("add [data] with customers = \"…\" and/or orders = \"…\"".into()),
            );
            return d;
        };
        self.known_keys(
            t,
            "data",
            &[
                "customers",
                "orders",
                "as_of",
                "orders_filter",
                "join",
                "duplicate_ids",
            ],
        );
        d.customers = self.file_ref(t, "data", "customers");
        d.orders = self.file_ref(t, "data", "orders");
        if d.customers.is_none()
            && d.orders.is_none()
            && !t.contains_key("customers")
            && !t.contains_key("orders")
        {
            let span = self.key_span(root, "data");
            self.diag(
                span,
                "data",
                "[data] names no customers and no orders table",
                Some("add customers = \"customers.csv\" or orders = \"orders.csv\"".into()),
            );
        }
        if let Some(n) = self.node(t, "as_of") {
            let v = n.value();
            let parsed = match (v.and_then(|v| v.as_datetime()), v.and_then(|v| v.as_str())) {
                (Some(dt), _) => dt.date.and_then(|d| {
                    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                }),
                (_, Some(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
                _ => None,
            };
            match parsed {
                Some(date) => d.as_of = Some(Spanned::new(date, n.span())),
                None => self.diag(
                    n.span(),
                    "data.as_of",
                    "as_of must be a date like 2025-01-01",
                    None,
                ),
            }
        }
        d.orders_filter = self.string(t, "data", "orders_filter");
        d.duplicate_ids = self
            .choice(
                t,
                "data",
                "duplicate_ids",
                &[
                    ("error", DuplicateIds::Error),
                    ("first", DuplicateIds::First),
                ],
            )
            .unwrap_or_default();
        if let Some(j) = t.get("join") {
            let tables: Vec<(&dyn TableLike, Range<usize>)> =
                if let Some(aot) = j.as_array_of_tables() {
                    aot.iter()
                        .map(|x| (x as &dyn TableLike, x.span().unwrap_or(0..0)))
                        .collect()
                } else if let Some(arr) = j.as_array() {
                    arr.iter()
                        .filter_map(|v| {
                            v.as_inline_table()
                                .map(|t| (t as &dyn TableLike, value_span(v)))
                        })
                        .collect()
                } else {
                    self.diag(
                        item_span(j),
                        "data.join",
                        "expected [[data.join]] tables",
                        None,
                    );
                    vec![]
                };
            for (i, (jt, span)) in tables.into_iter().enumerate() {
                let path = format!("data.join[{i}]");
                let mut allowed = FILE_KEYS.to_vec();
                allowed.push("key");
                self.known_keys(jt, &path, &allowed);
                let options = self.file_options(jt, &path);
                let p = self.string(jt, &path, "path");
                let k = self.string(jt, &path, "key");
                match (p, k) {
                    (Some(p), Some(k)) => d.joins.push(JoinRef {
                        file: FileRef {
                            path: p,
                            key: path,
                            options,
                        },
                        key: k,
                    }),
                    _ => self.diag(
                        span,
                        &path,
                        "a joined table needs `path` and `key` (its customer id column)",
                        None,
                    ),
                }
            }
        }
        d
    }

    fn columns(&mut self, root: &dyn TableLike) -> ColumnRoles {
        let mut c = ColumnRoles::default();
        let Some(t) = self.table(root, "", "columns") else {
            return c;
        };
        let mut allowed: Vec<&str> = CUSTOMER_ROLE_KEYS.to_vec();
        allowed.extend(ORDER_ROLE_KEYS);
        allowed.push("pii");
        self.known_keys(t, "columns", &allowed);
        for k in CUSTOMER_ROLE_KEYS.iter().chain(ORDER_ROLE_KEYS.iter()) {
            let v = self.string(t, "columns", k);
            if let Some(slot) = c.slot(k) {
                *slot = v;
            }
        }
        if let Some(n) = self.node(t, "pii") {
            match n.value() {
                Some(Value::String(s)) => c.pii.push(Spanned::new(s.value().clone(), n.span())),
                Some(Value::Array(a)) => {
                    for v in a.iter() {
                        match v.as_str() {
                            Some(s) => c.pii.push(Spanned::new(s.to_string(), value_span(v))),
                            None => self.diag(
                                value_span(v),
                                "columns.pii",
                                "pii lists column names (text)",
                                None,
                            ),
                        }
                    }
                }
                _ => self.diag(
                    n.span(),
                    "columns.pii",
                    "pii lists column names, e.g. pii = [\"name\", \"email\"]",
                    None,
                ),
            }
        }
        c
    }

    fn purchase(&mut self, root: &dyn TableLike) -> PurchaseConfig {
        let mut p = PurchaseConfig::default();
        let Some(t) = self.table(root, "", "purchase_history") else {
            return p;
        };
        self.known_keys(
            t,
            "purchase_history",
            &["rfm_bins", "rfm_method", "windows"],
        );
        if let Some(b) = self.integer(t, "purchase_history", "rfm_bins") {
            if (2..=10).contains(&b) {
                p.rfm_bins = b as u32;
            } else {
                let span = self.node(t, "rfm_bins").map(|n| n.span()).unwrap_or(0..0);
                self.diag(
                    span,
                    "purchase_history.rfm_bins",
                    format!("rfm_bins must be between 2 and 10, not {b}"),
                    None,
                );
            }
        }
        p.rfm_method = self
            .choice(t, "purchase_history", "rfm_method", &RfmMethod::ALL)
            .unwrap_or_default();
        if let Some(n) = self.node(t, "windows") {
            match n.value().and_then(|v| v.as_array()) {
                Some(a) => {
                    for v in a.iter() {
                        match v.as_integer() {
                            Some(d) if d > 0 && d <= 36_500 => p.windows.push(d as u32),
                            _ => self.diag(
                                value_span(v),
                                "purchase_history.windows",
                                "windows are whole numbers of days, e.g. [90, 365]",
                                None,
                            ),
                        }
                    }
                }
                None => self.diag(
                    n.span(),
                    "purchase_history.windows",
                    "windows is a list of days, e.g. [90, 365]",
                    None,
                ),
            }
        }
        p
    }
}

/// `< 25`, `[25, 40)`, `>= 40`.
pub fn default_bin_labels(edges: &[f64]) -> Vec<String> {
    let f =
        |x: f64| crate::engine::data::values::show_number(&polars::prelude::DataType::Float64, x);
    let mut v = Vec::with_capacity(edges.len() + 1);
    if let Some(first) = edges.first() {
        v.push(format!("< {}", f(*first)));
    }
    for w in edges.windows(2) {
        v.push(format!("[{}, {})", f(w[0]), f(w[1])));
    }
    if let Some(last) = edges.last() {
        v.push(format!(">= {}", f(*last)));
    }
    v
}

impl P<'_> {
    fn str_list(&mut self, n: &Node, key: &str) -> Option<Vec<String>> {
        let Some(a) = n.value().and_then(|v| v.as_array()) else {
            self.diag(n.span(), key, "expected a list of texts", None);
            return None;
        };
        let mut out = Vec::new();
        for v in a.iter() {
            match v.as_str() {
                Some(s) => out.push(s.to_string()),
                None => {
                    self.diag(value_span(v), key, "expected text (in quotes)", None);
                    return None;
                }
            }
        }
        Some(out)
    }

    fn bins(&mut self, t: &dyn TableLike, path: &str) -> Option<Rule> {
        self.known_keys(t, path, &["column", "edges", "labels"]);
        let column = self.string(t, path, "column");
        if column.is_none() && !t.contains_key("column") {
            self.diag(0..0, path, "bins needs a `column`", None);
        }
        let edges_key = join_key(path, "edges");
        let Some(en) = self.node(t, "edges") else {
            self.diag(
                0..0,
                &edges_key,
                "bins needs `edges`, e.g. edges = [25, 40, 60]",
                None,
            );
            return None;
        };
        let Some(arr) = en.value().and_then(|v| v.as_array()) else {
            self.diag(
                en.span(),
                &edges_key,
                "edges must be a list of numbers",
                None,
            );
            return None;
        };
        let mut edges = Vec::new();
        for v in arr.iter() {
            match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                Some(x) if x.is_finite() => edges.push(x),
                _ => {
                    self.diag(value_span(v), &edges_key, "edges must be numbers", None);
                    return None;
                }
            }
        }
        if edges.is_empty() {
            self.diag(
                en.span(),
                &edges_key,
                "edges needs at least one cut point",
                None,
            );
            return None;
        }
        if edges.windows(2).any(|w| w[0] >= w[1]) {
            self.diag(
                en.span(),
                &edges_key,
                "edges must be strictly increasing",
                None,
            );
            return None;
        }
        let labels = match self.node(t, "labels") {
            Some(ln) => {
                let l = self.str_list(&ln, &join_key(path, "labels"))?;
                if l.len() != edges.len() + 1 {
                    let msg = format!(
                        "{} edges make {} segments, but {} labels are given",
                        edges.len(),
                        edges.len() + 1,
                        l.len()
                    );
                    self.diag(
                        ln.span(),
                        &join_key(path, "labels"),
                        msg,
                        Some("give one more label than edges".into()),
                    );
                    return None;
                }
                l
            }
            None => default_bin_labels(&edges),
        };
        self.unique_labels(&labels, t, path, "labels");
        Some(Rule::Bins {
            column: column?,
            edges,
            labels,
        })
    }

    fn unique_labels(&mut self, labels: &[String], t: &dyn TableLike, path: &str, k: &str) {
        let mut seen = std::collections::HashSet::new();
        for l in labels {
            if !seen.insert(l) {
                let span = self.node(t, k).map(|n| n.span()).unwrap_or(0..0);
                self.diag(
                    span,
                    &join_key(path, k),
                    format!("label \"{l}\" is used twice"),
                    None,
                );
            }
        }
    }

    fn map(&mut self, t: &dyn TableLike, path: &str) -> Option<Rule> {
        self.known_keys(t, path, &["column", "groups"]);
        let column = self.string(t, path, "column");
        if column.is_none() && !t.contains_key("column") {
            self.diag(0..0, path, "map needs a `column`", None);
        }
        let gkey = join_key(path, "groups");
        let Some(g) = self.table(t, path, "groups") else {
            if !t.contains_key("groups") {
                self.diag(
                    0..0,
                    &gkey,
                    "map needs `groups`, e.g. groups = { eco = [\"green\"] }",
                    None,
                );
            }
            return None;
        };
        let mut groups = Vec::new();
        let mut seen: Vec<(MapValue, String)> = Vec::new();
        for (label, item) in g.iter() {
            let key = join_key(&gkey, label);
            let Some(arr) = item.as_array() else {
                self.diag(
                    item_span(item),
                    &key,
                    "each group is a list of values",
                    None,
                );
                continue;
            };
            let mut vals = Vec::new();
            for v in arr.iter() {
                let mv = match v {
                    Value::String(s) => MapValue::Text(s.value().clone()),
                    Value::Integer(i) => MapValue::Number(*i.value() as f64),
                    Value::Float(f) => MapValue::Number(*f.value()),
                    Value::Boolean(b) => MapValue::Bool(*b.value()),
                    _ => {
                        self.diag(
                            value_span(v),
                            &key,
                            "group values are texts, numbers or booleans",
                            None,
                        );
                        continue;
                    }
                };
                if let Some((_, other)) = seen.iter().find(|(x, _)| *x == mv) {
                    let msg = format!(
                        "value \"{mv}\" is listed in group \"{other}\" and again in \"{label}\""
                    );
                    self.diag(
                        value_span(v),
                        &key,
                        msg,
                        Some("a value may belong to one group only".into()),
                    );
                    continue;
                }
                seen.push((mv.clone(), label.to_string()));
                vals.push(mv);
            }
            groups.push((label.to_string(), vals));
        }
        Some(Rule::Map {
            column: column?,
            groups,
        })
    }

    fn segments(&mut self, n: &Node, path: &str) -> Option<Rule> {
        let tables: Vec<(&dyn TableLike, Range<usize>)> = match n {
            Node::Item(i) if i.as_array_of_tables().is_some() => i
                .as_array_of_tables()?
                .iter()
                .map(|t| (t as &dyn TableLike, t.span().unwrap_or(0..0)))
                .collect(),
            _ => match n.value().and_then(|v| v.as_array()) {
                Some(a) => {
                    let mut v = Vec::new();
                    for x in a.iter() {
                        match x.as_inline_table() {
                            Some(t) => v.push((t as &dyn TableLike, value_span(x))),
                            None => self.diag(
                                value_span(x),
                                path,
                                "each segment is { name = \"…\", when = \"…\" }",
                                None,
                            ),
                        }
                    }
                    v
                }
                None => {
                    self.diag(
                        n.span(),
                        path,
                        "segments is a list of { name = \"…\", when = \"…\" }",
                        None,
                    );
                    return None;
                }
            },
        };
        let mut segs = Vec::new();
        let mut names = std::collections::HashSet::new();
        for (i, (t, span)) in tables.into_iter().enumerate() {
            let p = format!("{path}[{i}]");
            self.known_keys(t, &p, &["name", "when"]);
            let name = self.string(t, &p, "name");
            let when = self.string(t, &p, "when");
            match (name, when) {
                (Some(name), Some(when)) => {
                    if !names.insert(name.value.clone()) {
                        self.diag(
                            name.span.clone(),
                            &p,
                            format!("segment \"{}\" appears twice in this criterion", name.value),
                            None,
                        );
                    }
                    segs.push(Segment { name, when });
                }
                (n, w) => {
                    let missing = if n.is_none() && !t.contains_key("name") {
                        "name"
                    } else if w.is_none() && !t.contains_key("when") {
                        "when"
                    } else {
                        continue;
                    };
                    self.diag(span, &p, format!("segment needs `{missing}`"), None);
                }
            }
        }
        Some(Rule::Segments(segs))
    }

    fn criteria(&mut self, root: &dyn TableLike) -> Vec<Criterion> {
        let mut out = Vec::new();
        let Some(t) = self.table(root, "", "criteria") else {
            return out;
        };
        for (name, item) in t.iter() {
            let path = format!("criteria.{name}");
            let name_span = self.key_span(t, name);
            let Some(ct) = item.as_table_like() else {
                self.diag(
                    item_span(item),
                    &path,
                    "a criterion is a table: [criteria.NAME] with step and bins/map/segments",
                    None,
                );
                continue;
            };
            self.known_keys(
                ct,
                &path,
                &[
                    "step",
                    "bins",
                    "map",
                    "segments",
                    "overlap",
                    "otherwise",
                    "description",
                ],
            );
            let steps: Vec<(&str, Step)> = Step::ALL.iter().map(|s| (s.as_str(), *s)).collect();
            let step = if ct.contains_key("step") {
                self.choice(ct, &path, "step", &steps)
            } else {
                self.diag(
                    name_span.clone(),
                    &join_key(&path, "step"),
                    "criterion has no `step`",
                    Some(format!(
                        "add step = one of: {}",
                        steps.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                    )),
                );
                None
            };
            let forms: Vec<&str> = ["bins", "map", "segments"]
                .into_iter()
                .filter(|k| ct.contains_key(k))
                .collect();
            let rule = match forms.as_slice() {
                [] => {
                    self.diag(
                        name_span.clone(),
                        &path,
                        "criterion has no rule",
                        Some("add one of: bins, map, segments".into()),
                    );
                    None
                }
                [one] => match *one {
                    "bins" => self
                        .table(ct, &path, "bins")
                        .and_then(|b| self.bins(b, &join_key(&path, "bins"))),
                    "map" => self
                        .table(ct, &path, "map")
                        .and_then(|m| self.map(m, &join_key(&path, "map"))),
                    _ => {
                        let n = self.node(ct, "segments").expect("present");
                        self.segments(&n, &join_key(&path, "segments"))
                    }
                },
                many => {
                    self.diag(
                        name_span.clone(),
                        &path,
                        format!(
                            "criterion has {} rule forms ({}); keep exactly one",
                            many.len(),
                            many.join(", ")
                        ),
                        None,
                    );
                    None
                }
            };
            let overlap = self
                .choice(
                    ct,
                    &path,
                    "overlap",
                    &[
                        ("first_match", Overlap::FirstMatch),
                        ("strict", Overlap::Strict),
                    ],
                )
                .unwrap_or_default();
            let otherwise = self
                .string(ct, &path, "otherwise")
                .map(|s| s.value)
                .unwrap_or_else(|| "unassigned".into());
            let _ = self.string(ct, &path, "description");
            if let (Some(step), Some(rule)) = (step, rule) {
                if rule.labels().contains(&otherwise) {
                    self.diag(
                        name_span.clone(),
                        &path,
                        format!("a rule's segment is named like `otherwise` (\"{otherwise}\")"),
                        Some("rename the segment or set another otherwise label".into()),
                    );
                }
                out.push(Criterion {
                    name: Spanned::new(name.to_string(), name_span),
                    step,
                    rule,
                    overlap,
                    otherwise,
                });
            }
        }
        out
    }

    fn valuation(&mut self, root: &dyn TableLike) -> ValuationConfig {
        let mut v = ValuationConfig::default();
        let Some(t) = self.table(root, "", "valuation") else {
            return v;
        };
        self.known_keys(
            t,
            "valuation",
            &[
                "value",
                "cost",
                "min_customer_share",
                "min_value_share",
                "measures",
            ],
        );
        v.value = self.string(t, "valuation", "value");
        v.cost = self.string(t, "valuation", "cost");
        for (k, slot) in [
            ("min_customer_share", &mut v.min_customer_share),
            ("min_value_share", &mut v.min_value_share),
        ] {
            if let Some(x) = self.number(t, "valuation", k) {
                if (0.0..=1.0).contains(&x) {
                    *slot = x;
                } else {
                    let span = self.node(t, k).map(|n| n.span()).unwrap_or(0..0);
                    self.diag(
                        span,
                        &join_key("valuation", k),
                        format!("{k} is a share between 0 and 1 (e.g. 0.05 for 5 %), not {x}"),
                        None,
                    );
                }
            }
        }
        if let Some(m) = self.table(t, "valuation", "measures") {
            for (name, item) in m.iter() {
                let key = format!("valuation.measures.{name}");
                let Some(mt) = item.as_table_like() else {
                    self.diag(
                        item_span(item),
                        &key,
                        "a measure is { share = \"…\" }, { mean = \"…\" } or { sum = \"…\" }",
                        None,
                    );
                    continue;
                };
                self.known_keys(mt, &key, &["share", "mean", "sum"]);
                let kinds: Vec<(&str, MeasureKind)> = [
                    ("share", MeasureKind::Share),
                    ("mean", MeasureKind::Mean),
                    ("sum", MeasureKind::Sum),
                ]
                .into_iter()
                .filter(|(k, _)| mt.contains_key(k))
                .collect();
                if kinds.len() != 1 {
                    self.diag(
                        item_span(item),
                        &key,
                        "a measure has exactly one of share, mean, sum",
                        None,
                    );
                    continue;
                }
                if let Some(expr) = self.string(mt, &key, kinds[0].0) {
                    v.measures.push(Measure {
                        name: name.to_string(),
                        kind: kinds[0].1,
                        expr,
                    });
                }
            }
        }
        v
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
        purchase_history,
        criteria,
        valuation,
    })
}

/// Read and parse a workspace file.
pub fn load_workspace(file: &Path) -> Result<Workspace> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        EngineError::Workspace(vec![Diagnostic::new(
            file,
            format!("cannot read the workspace: {e}"),
        )])
    })?;
    parse_workspace(file, &text)
}
