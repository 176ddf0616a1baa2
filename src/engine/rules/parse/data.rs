//! The [data] and [columns] sections.

use std::ops::Range;

use toml_edit::{TableLike, Value};

use super::*;

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

    pub(super) fn data(&mut self, root: &dyn TableLike) -> DataConfig {
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
        d.as_of = self.date(t, "data", "as_of");
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
            d.joins = self.joins(j);
        }
        d
    }

    /// The `[[data.join]]` tables, each with its file and customer id column.
    fn joins(&mut self, j: &Item) -> Vec<JoinRef> {
        let mut joins = Vec::new();
        let tables: Vec<(&dyn TableLike, Range<usize>)> = if let Some(aot) = j.as_array_of_tables()
        {
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
                (Some(p), Some(k)) => joins.push(JoinRef {
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
        joins
    }

    pub(super) fn columns(&mut self, root: &dyn TableLike) -> ColumnRoles {
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
}
