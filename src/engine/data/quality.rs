//! Bad values and bad rows found in a file: where they are, and how they are told.

use std::path::Path;

use super::options::{BadRows, BadValues, ReadOptions};
use crate::engine::format::thousands;

/// How many bad cells or rows a message names before it counts the rest.
pub const NAMED: usize = 5;
/// How many of each a report keeps (the audit lists this many).
pub const KEPT: usize = 20;

/// One cell that is not what its column is read as.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BadCell {
    /// The row of the table as read (from 0), before it is located in the file.
    #[serde(skip)]
    pub row: usize,
    /// Where it is in the file: a line of text (header = line 1), a spreadsheet row, a JSON
    /// record or a Parquet row, numbered as [`Place`] says.
    pub line: usize,
    pub value: String,
}

/// The bad cells of one column.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BadColumn {
    pub column: String,
    /// `number` or `date`.
    pub expected: String,
    /// Why the column is read so (`the quantity role`, `criterion age_band (bins)`).
    pub why: String,
    pub count: usize,
    /// The first few, in file order.
    pub first: Vec<BadCell>,
}

/// One row with another number of fields than the header.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BadRow {
    pub line: usize,
    pub fields: usize,
}

/// The rows of a file with the wrong number of fields.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct BadRowsFound {
    /// The header's number of fields.
    pub expected: usize,
    pub count: usize,
    /// The first few, in file order.
    pub first: Vec<BadRow>,
}

impl BadRowsFound {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Take one more bad row.
    pub fn add(&mut self, line: usize, fields: usize) {
        self.count += 1;
        if self.first.len() < KEPT {
            self.first.push(BadRow { line, fields });
        }
    }
}

/// How places in a file are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// A line of text, the header being line 1 (delimited text, NDJSON).
    #[default]
    Line,
    /// A spreadsheet row as the spreadsheet numbers it.
    Row,
    /// A record of a JSON array, from 1.
    Record,
}

impl Place {
    pub fn word(self) -> &'static str {
        match self {
            Place::Line => "line",
            Place::Row => "row",
            Place::Record => "record",
        }
    }
}

/// What was found in one file, and what its options say to do about it.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileQuality {
    /// The file's name as messages show it.
    pub file: String,
    /// The workspace key naming the file (`data.orders`), when there is one.
    #[serde(default)]
    pub key: String,
    /// The file's path as the workspace writes it.
    #[serde(default)]
    pub written: String,
    /// The file has options of its own in the workspace (a hint must keep them).
    #[serde(default)]
    pub has_options: bool,
    pub place: Place,
    pub bad_values: Vec<BadColumn>,
    pub bad_values_policy: String,
    pub bad_rows: BadRowsFound,
    pub bad_rows_policy: String,
    /// How columns a run reads were read, worth a warning: markers of a missing value
    /// counted, a date pattern chosen among several that fit.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl FileQuality {
    /// What the summary JSON records of the file: its name, and per kind of problem the
    /// option in force, the count, and the first few with their places.
    pub fn summary(&self) -> serde_json::Value {
        let cells = |c: &BadColumn| -> Vec<serde_json::Value> {
            c.first
                .iter()
                .map(|b| serde_json::json!({ self.place.word(): b.line, "value": b.value }))
                .collect()
        };
        let columns: Vec<serde_json::Value> = self
            .bad_values
            .iter()
            .map(|c| {
                serde_json::json!({
                    "column": c.column,
                    "expected": c.expected,
                    "why": c.why,
                    "count": c.count,
                    "first": cells(c),
                })
            })
            .collect();
        let rows: Vec<serde_json::Value> = self
            .bad_rows
            .first
            .iter()
            .map(|r| serde_json::json!({ self.place.word(): r.line, "fields": r.fields }))
            .collect();
        serde_json::json!({
            "file": if self.written.is_empty() { &self.file } else { &self.written },
            "bad_values": {
                "policy": self.bad_values_policy,
                "count": self.bad_value_count(),
                "columns": columns,
            },
            "bad_rows": {
                "policy": self.bad_rows_policy,
                "count": self.bad_rows.count,
                "expected_fields": (self.bad_rows.count > 0).then_some(self.bad_rows.expected),
                "first": rows,
            },
        })
    }

    /// `key` and `written`: the workspace key naming the file and its path as written there
    /// (empty for a file read on its own).
    pub fn new(
        path: &Path,
        (key, written): (&str, &str),
        opts: &ReadOptions,
        place: Place,
    ) -> FileQuality {
        FileQuality {
            file: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            key: key.to_string(),
            written: written.to_string(),
            has_options: *opts != ReadOptions::default(),
            place,
            bad_values: vec![],
            bad_values_policy: opts.bad_values.as_str().into(),
            bad_rows: BadRowsFound::default(),
            bad_rows_policy: opts.bad_rows.as_str().into(),
            notes: vec![],
        }
    }

    pub fn is_clean(&self) -> bool {
        self.bad_values.is_empty() && self.bad_rows.is_empty()
    }

    pub fn bad_value_count(&self) -> usize {
        self.bad_values.iter().map(|c| c.count).sum()
    }

    /// The first bad cells over every column, in file order: `(column, cell)`.
    pub fn first_cells(&self, n: usize) -> Vec<(&str, &BadCell)> {
        let mut all: Vec<(&str, &BadCell)> = self
            .bad_values
            .iter()
            .flat_map(|c| c.first.iter().map(move |b| (c.column.as_str(), b)))
            .collect();
        all.sort_by_key(|(_, b)| b.line);
        all.truncate(n);
        all
    }

    fn at(&self, line: usize) -> String {
        format!("{} {line}", self.place.word())
    }

    /// One bad cell as a message names it: `line 201, Quantity: "twelve"`.
    pub fn cell_text(&self, column: &str, b: &BadCell) -> String {
        format!(
            "{}, {column}: \"{}\"",
            self.at(b.line),
            crate::engine::format::clip(&crate::engine::format::visible(&b.value), 40)
        )
    }

    /// The bad values in a few words: `1 bad value in column Quantity, read as numbers (the
    /// quantity role)`, or `3 bad values in columns read as numbers or dates (Quantity 2,
    /// UnitPrice 1)`.
    fn values_headline(&self) -> String {
        let n = self.bad_value_count();
        let what = format!(
            "{} {}",
            thousands(n as u64),
            plural(n, "bad value", "bad values")
        );
        if let [c] = self.bad_values.as_slice() {
            return format!(
                "{what} in column {}, read as {}s ({})",
                c.column, c.expected, c.why
            );
        }
        let per: Vec<String> = self
            .bad_values
            .iter()
            .map(|c| format!("{} {}", c.column, thousands(c.count as u64)))
            .collect();
        format!(
            "{what} in columns read as numbers or dates ({})",
            per.join(", ")
        )
    }

    /// The first few bad cells, one per line, and how many more there are.
    fn values_list(&self) -> String {
        let named = self.first_cells(NAMED);
        let mut s = String::new();
        for (col, b) in &named {
            let want = self
                .bad_values
                .iter()
                .find(|c| c.column == *col)
                .map_or("number", |c| c.expected.as_str());
            s.push_str(&format!("\n  {} is not a {want}", self.cell_text(col, b)));
        }
        let n = self.bad_value_count();
        if n > named.len() {
            s.push_str(&format!(
                "\n  … and {} more",
                thousands((n - named.len()) as u64)
            ));
        }
        s
    }

    /// The first few bad rows, one per line, and how many more there are.
    fn rows_list(&self) -> String {
        let r = &self.bad_rows;
        let mut s = String::new();
        for b in r.first.iter().take(NAMED) {
            s.push_str(&format!(
                "\n  {} has {} {} but the header has {}",
                self.at(b.line),
                b.fields,
                plural(b.fields, "field", "fields"),
                r.expected
            ));
        }
        if r.count > NAMED.min(r.first.len()) {
            s.push_str(&format!(
                "\n  … and {} more",
                thousands((r.count - NAMED.min(r.first.len())) as u64)
            ));
        }
        s
    }

    /// How to set a file option in the workspace, as one line of TOML.
    pub fn option_hint(&self, option: &str) -> String {
        match self.key.as_str() {
            "data.customers" | "data.orders" => format!(
                "[data] {} = {{ path = \"{}\", {}{option} }}",
                &self.key[5..],
                self.written,
                if self.has_options { "…, " } else { "" }
            ),
            k if k.starts_with("data.join") => {
                format!("`{option}` in that file's [[data.join]] table")
            }
            _ => format!("`{option}` in the file's entry under [data]"),
        }
    }

    /// The error for bad rows (`rows`) or else for bad values.
    pub fn error_message(&self, rows: bool) -> String {
        if rows {
            self.rows_error()
        } else {
            self.values_error()
        }
    }

    /// The error for bad values (the file's policy is `error`).
    pub fn values_error(&self) -> String {
        let them = plural(self.bad_value_count(), "it", "them");
        format!(
            "{}:{}\nfix {them} in the file, or read {them} as missing: {}",
            self.values_headline(),
            self.values_list(),
            self.option_hint("bad_values = \"missing\"")
        )
    }

    /// The error for bad rows (the file's policy is `error`).
    pub fn rows_error(&self) -> String {
        let n = self.bad_rows.count;
        let them = plural(n, "it", "them");
        format!(
            "{} {} the wrong number of fields:{}\nfix {them} in the file (or set `delimiter` if it was guessed wrong), or leave {them} out: {}",
            thousands(n as u64),
            plural(n, "row has", "rows have"),
            self.rows_list(),
            self.option_hint("bad_rows = \"skip\"")
        )
    }

    /// What a run that went on says about this file (nothing when it is clean).
    pub fn warnings(&self) -> Vec<String> {
        self.rows_warning()
            .into_iter()
            .chain(self.values_warning())
            .chain(self.notes.iter().cloned())
            .collect()
    }

    /// The bad values a run stops on (the file's option says `error`).
    pub fn values_stop(&self) -> bool {
        !self.bad_values.is_empty() && self.bad_values_policy == "error"
    }

    /// The bad rows a run stops on (the file's option says `error`).
    pub fn rows_stop(&self) -> bool {
        !self.bad_rows.is_empty() && self.bad_rows_policy == "error"
    }

    /// Whether there is anything to say of the file: bad values, bad rows or notes.
    pub fn says_something(&self) -> bool {
        !self.is_clean() || !self.notes.is_empty()
    }

    /// What a run that left the bad rows out says about them.
    pub fn rows_warning(&self) -> Option<String> {
        let n = self.bad_rows.count;
        (n > 0).then(|| {
            format!(
                "{}: {} {} with the wrong number of fields left out (bad_rows = \"skip\"):{}",
                self.file,
                thousands(n as u64),
                plural(n, "row", "rows"),
                self.rows_list()
            )
        })
    }

    /// What a run that read the bad values as missing says about them.
    pub fn values_warning(&self) -> Option<String> {
        (!self.bad_values.is_empty()).then(|| {
            format!(
                "{}: {}; read as missing (bad_values = \"missing\"):{}",
                self.file,
                self.values_headline(),
                self.values_list()
            )
        })
    }

    /// One line naming the first problem, for a status line: `orders.csv line 201, Quantity:
    /// "twelve" is not a number (1 bad value)`.
    pub fn headline(&self) -> Option<String> {
        if let Some((col, b)) = self.first_cells(1).first() {
            let n = self.bad_value_count();
            let want = self
                .bad_values
                .iter()
                .find(|c| c.column == *col)
                .map_or("number", |c| c.expected.as_str());
            return Some(format!(
                "{} {} is not a {want} ({} {})",
                self.file,
                self.cell_text(col, b),
                thousands(n as u64),
                plural(n, "bad value", "bad values")
            ));
        }
        let b = self.bad_rows.first.first()?;
        let n = self.bad_rows.count;
        Some(format!(
            "{} {} has {} fields, the header {} ({} bad {})",
            self.file,
            self.at(b.line),
            b.fields,
            self.bad_rows.expected,
            thousands(n as u64),
            plural(n, "row", "rows")
        ))
    }
}

/// Ids on more than one row of a table meant to have one row per customer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DuplicateIds {
    /// How many ids repeat.
    pub ids: usize,
    /// How many rows are repeats (beyond each id's first).
    pub extra_rows: usize,
    /// The first few ids (by their first row), each with the first few of its places.
    pub first: Vec<(String, Vec<usize>)>,
    /// How places are numbered.
    pub place: Place,
}

impl DuplicateIds {
    /// `2 customer ids appear more than once (3 extra rows): 17 on lines 5, 88; 20 on lines
    /// 9, 10, 11`.
    pub fn message(&self) -> String {
        let named: Vec<String> = self
            .first
            .iter()
            .take(NAMED)
            .map(|(id, lines)| {
                let ls: Vec<String> = lines.iter().take(NAMED).map(|l| l.to_string()).collect();
                let more = if lines.len() > NAMED { ", …" } else { "" };
                format!(
                    "{} on {}s {}{more}",
                    crate::engine::format::clip(&crate::engine::format::visible(id), 30),
                    self.place.word(),
                    ls.join(", ")
                )
            })
            .collect();
        let more = if self.ids > named.len() {
            format!("; … {} more", thousands((self.ids - named.len()) as u64))
        } else {
            String::new()
        };
        format!(
            "{} customer {} more than once ({} extra {}): {}{more}",
            thousands(self.ids as u64),
            plural(self.ids, "id appears", "ids appear"),
            thousands(self.extra_rows as u64),
            plural(self.extra_rows, "row", "rows"),
            named.join("; "),
        )
    }

    /// The error a run stops with.
    pub fn error(&self) -> String {
        format!(
            "{}; fix the data, or set [data] duplicate_ids = \"first\" to keep the first row of each",
            self.message()
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Whether bad values are an error under `opts` (the wizard reads them as missing anyway).
pub fn values_fail(opts: &ReadOptions) -> bool {
    opts.bad_values == BadValues::Error
}

/// Whether bad rows are an error under `opts`.
pub fn rows_fail(opts: &ReadOptions) -> bool {
    opts.bad_rows == BadRows::Error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality() -> FileQuality {
        let mut q = FileQuality::new(
            Path::new("/x/orders.csv"),
            ("data.orders", "orders.csv"),
            &ReadOptions::default(),
            Place::Line,
        );
        q.bad_values.push(BadColumn {
            column: "Quantity".into(),
            expected: "number".into(),
            why: "the quantity role".into(),
            count: 7,
            first: (0..6)
                .map(|i| BadCell {
                    row: i,
                    line: 200 + i * 10,
                    value: format!("bad{i}"),
                })
                .collect(),
        });
        q.bad_values.push(BadColumn {
            column: "UnitPrice".into(),
            expected: "number".into(),
            why: "the unit_price role".into(),
            count: 1,
            first: vec![BadCell {
                row: 0,
                line: 205,
                value: "twelve".into(),
            }],
        });
        q
    }

    #[test]
    fn an_error_names_the_first_five_cells_in_file_order_and_counts_all() {
        let e = quality().values_error();
        assert!(
            e.starts_with(
                "8 bad values in columns read as numbers or dates (Quantity 7, UnitPrice 1):"
            ),
            "{e}"
        );
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines[1], "  line 200, Quantity: \"bad0\" is not a number");
        assert_eq!(
            lines[2],
            "  line 205, UnitPrice: \"twelve\" is not a number"
        );
        assert_eq!(lines[5], "  line 230, Quantity: \"bad3\" is not a number");
        assert_eq!(lines[6], "  … and 3 more");
        assert!(
            lines[7]
                .ends_with("[data] orders = { path = \"orders.csv\", bad_values = \"missing\" }"),
            "{e}"
        );
    }

    #[test]
    fn the_headline_names_the_first_cell() {
        assert_eq!(
            quality().headline().unwrap(),
            "orders.csv line 200, Quantity: \"bad0\" is not a number (8 bad values)"
        );
    }
}
