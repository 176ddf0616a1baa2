//! The [data] and [columns] sections.

use std::ops::Range;

use toml_edit::{TableLike, Value};

use super::*;
use crate::engine::data::postgres;

const FILE_KEYS: [&str; 12] = [
    "path",
    "format",
    "delimiter",
    "encoding",
    "sheet",
    "table",
    "query",
    "date_format",
    "decimal_comma",
    "bad_values",
    "bad_rows",
    "missing",
];

/// The keys of a database table's entry.
const DB_KEYS: [&str; 7] = [
    "url",
    "table",
    "query",
    "password_env",
    "refresh_after",
    "bad_values",
    "missing",
];

/// Keys that belong to one file's table, not to `[data]` itself.
const PER_FILE: [&str; 11] = [
    "format",
    "delimiter",
    "encoding",
    "sheet",
    "table",
    "query",
    "date_format",
    "decimal_comma",
    "bad_values",
    "bad_rows",
    "missing",
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
                    Some("one of: csv, tsv, txt, parquet, json, ndjson, xlsx, sqlite".into()),
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
        let (table, query) = (self.string(t, path, "table"), self.string(t, path, "query"));
        if let (Some(_), Some(q)) = (&table, &query) {
            self.diag(
                q.span.clone(),
                &join_key(path, "query"),
                "a SQLite entry reads a table or a query, not both",
                Some("keep `table = \"…\"` or `query = \"SELECT …\"`".into()),
            );
        }
        o.table = table.map(|s| s.value);
        o.query = query.map(|s| s.value);
        o.date_format = self.string(t, path, "date_format").map(|s| s.value);
        o.decimal_comma = self.boolean(t, path, "decimal_comma").unwrap_or(false);
        o.bad_values = self
            .choice(
                t,
                path,
                "bad_values",
                &[("error", BadValues::Error), ("missing", BadValues::Missing)],
            )
            .unwrap_or_default();
        o.bad_rows = self
            .choice(
                t,
                path,
                "bad_rows",
                &[("error", BadRows::Error), ("skip", BadRows::Skip)],
            )
            .unwrap_or_default();
        o.missing = self.missing_words(t, path);
        o
    }

    /// `missing = ["?", "unknown"]` (or one word): words read as missing in every column.
    fn missing_words(&mut self, t: &dyn TableLike, path: &str) -> Vec<String> {
        let Some(n) = self.node(t, "missing") else {
            return vec![];
        };
        let key = join_key(path, "missing");
        let hint = "missing lists words read as missing, e.g. missing = [\"?\", \"unknown\"]";
        match n.value() {
            Some(Value::String(s)) => vec![s.value().clone()],
            Some(Value::Array(a)) => {
                let mut words = Vec::new();
                for v in a.iter() {
                    match v.as_str() {
                        Some(s) => words.push(s.to_string()),
                        None => self.diag(value_span(v), &key, hint, None),
                    }
                }
                words
            }
            _ => {
                self.diag(n.span(), &key, hint, None);
                vec![]
            }
        }
    }

    /// A per-file key written under `[data]` itself: say where it goes.
    fn misplaced_file_keys(&mut self, t: &dyn TableLike) {
        let example = ["customers", "orders"]
            .into_iter()
            .find(|k| t.contains_key(k))
            .unwrap_or("orders");
        for k in PER_FILE {
            if t.contains_key(k) {
                let span = self.key_span(t, k);
                let file = t
                    .get(example)
                    .and_then(|i| i.as_str())
                    .unwrap_or("orders.csv")
                    .to_string();
                let shown = t
                    .get(k)
                    .and_then(|i| i.as_value())
                    .map(|v| v.to_string().trim().to_string())
                    .unwrap_or_else(|| "…".into());
                self.diag(
                    span,
                    &join_key("data", k),
                    format!("`{k}` is set per file, not for [data] as a whole"),
                    Some(format!(
                        "put it in the file's entry: {example} = {{ path = \"{file}\", {k} = {shown} }}"
                    )),
                );
            }
        }
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
                db: None,
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
        if tbl.contains_key("url") {
            self.known_keys(tbl, &key, &DB_KEYS);
            return self.db_ref(tbl, key, n.span());
        }
        self.known_keys(tbl, &key, &FILE_KEYS);
        let options = self.file_options(tbl, &key);
        match self.string(tbl, &key, "path") {
            Some(p) => Some(FileRef {
                path: p,
                key,
                options,
                db: None,
            }),
            None => {
                self.diag(n.span(), &key, "the file table needs a `path`", None);
                None
            }
        }
    }

    /// A database entry's `refresh_after` (default one hour).
    fn refresh_after(&mut self, t: &dyn TableLike, key: &str) -> std::time::Duration {
        match self.string(t, key, "refresh_after") {
            None => postgres::source::DEFAULT_REFRESH,
            Some(r) => match postgres::source::parse_duration(&r.value) {
                Some(d) => d,
                None => {
                    self.diag(
                        r.span.clone(),
                        &join_key(key, "refresh_after"),
                        format!("refresh_after \"{}\" is not a duration", r.value),
                        Some("e.g. \"30m\", \"1h\", \"2d\" or a number of seconds".into()),
                    );
                    postgres::source::DEFAULT_REFRESH
                }
            },
        }
    }

    /// `{ url = "postgresql://…", table = "schema.table" }` or `{ url = …, query = "SELECT …" }`,
    /// with `password_env`, `refresh_after`, `bad_values` and `missing`.
    fn db_ref(&mut self, t: &dyn TableLike, key: String, span: Range<usize>) -> Option<FileRef> {
        let url = self.string(t, &key, "url")?;
        if let Err(m) = postgres::source::parse_url(&url.value) {
            self.diag(url.span.clone(), &join_key(&key, "url"), m, None);
            return None;
        }
        let read = match (self.string(t, &key, "table"), self.string(t, &key, "query")) {
            (Some(tb), None) => postgres::Read::Table(tb.value),
            (None, Some(q)) => postgres::Read::Query(q.value),
            (a, b) => {
                let both = a.is_some() && b.is_some();
                self.diag(
                    span,
                    &key,
                    if both {
                        "a database entry reads a table or a query, not both"
                    } else {
                        "a database entry needs `table` or `query`"
                    },
                    Some(
                        "e.g. { url = \"postgresql://me@db:5432/shop\", table = \"public.customers\" }"
                            .into(),
                    ),
                );
                return None;
            }
        };
        let refresh_after = self.refresh_after(t, &key);
        let options = ReadOptions {
            bad_values: self
                .choice(
                    t,
                    &key,
                    "bad_values",
                    &[("error", BadValues::Error), ("missing", BadValues::Missing)],
                )
                .unwrap_or_default(),
            missing: self.missing_words(t, &key),
            ..Default::default()
        };
        let password_env = self.string(t, &key, "password_env").map(|s| s.value);
        let mut db = postgres::DbSource {
            url: url.value.clone(),
            read,
            password_env,
            refresh_after,
            local: Default::default(),
        };
        db.local = postgres::source::local_path(&db.identity(), &db.read);
        Some(FileRef {
            path: Spanned::new(db.label(), url.span),
            key,
            options,
            db: Some(Box::new(db)),
        })
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
        let data_keys = [
            "customers",
            "orders",
            "as_of",
            "orders_filter",
            "join",
            "duplicate_ids",
        ];
        self.misplaced_file_keys(t);
        let mut allowed = data_keys.to_vec();
        allowed.extend(PER_FILE);
        self.known_keys(t, "data", &allowed);
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
            let db = jt.contains_key("url");
            let mut allowed = if db {
                DB_KEYS.to_vec()
            } else {
                FILE_KEYS.to_vec()
            };
            allowed.push("key");
            self.known_keys(jt, &path, &allowed);
            let k = self.string(jt, &path, "key");
            let file = if db {
                self.db_ref(jt, path.clone(), span.clone())
            } else {
                let options = self.file_options(jt, &path);
                self.string(jt, &path, "path").map(|p| FileRef {
                    path: p,
                    key: path.clone(),
                    options,
                    db: None,
                })
            };
            match (file, k) {
                (Some(file), Some(k)) => joins.push(JoinRef { file, key: k }),
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
