//! Reading one table (or a query's rows) of a SQLite database file into a table.

use std::path::Path;

use polars::prelude::*;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::engine::error::{EngineError, Result};

fn err(path: &Path, message: String) -> EngineError {
    EngineError::data(path, message)
}

/// The tables (and views) of the database, by name.
fn tables(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut s = c.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') \
         AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    s.query_map([], |r| r.get(0))?.collect()
}

/// `"name"`, quoted as SQLite quotes an identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The rows of `table` (or of `query`) in `path`, read-only: integer and real columns as
/// numbers, anything else as text (and then inferred like delimited text). Without either, the
/// database's one table, if it has only one.
pub fn read_table(path: &Path, table: Option<&str>, query: Option<&str>) -> Result<DataFrame> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = Connection::open_with_flags(path, flags)
        .map_err(|e| err(path, format!("cannot open the SQLite database: {e}")))?;
    let not_sqlite = |e: rusqlite::Error| {
        err(
            path,
            format!("not a readable SQLite database: {e} (is it another kind of file?)"),
        )
    };
    let names = tables(&c).map_err(not_sqlite)?;
    let sql = match (table, query) {
        (_, Some(q)) => q.trim().trim_end_matches(';').to_string(),
        (Some(t), None) if names.iter().any(|n| n.eq_ignore_ascii_case(t)) => {
            format!("SELECT * FROM {}", quote(t))
        }
        (Some(t), None) => {
            return Err(err(
                path,
                format!(
                    "no table or view \"{t}\" in the database; it has: {}",
                    list(&names)
                ),
            ));
        }
        (None, None) if names.len() == 1 => format!("SELECT * FROM {}", quote(&names[0])),
        (None, None) => {
            return Err(err(
                path,
                format!(
                    "a SQLite database holds several tables: name one with table = \"…\" in \
                     the workspace's entry (strata audit: --table), or give a query; it has: {}",
                    list(&names)
                ),
            ));
        }
    };
    let refused = |e: rusqlite::Error| err(path, format!("the query was refused: {e}"));
    let mut stmt = c.prepare(&sql).map_err(refused)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    if let Some(n) = names.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(err(
            path,
            format!("the query returns two columns named \"{n}\": name them apart with AS"),
        ));
    }
    let mut cols: Vec<Vec<Cell>> = vec![Vec::new(); names.len()];
    let mut rows = stmt.query([]).map_err(refused)?;
    let mut height = 0;
    while let Some(r) = rows.next().map_err(refused)? {
        for (i, col) in cols.iter_mut().enumerate() {
            col.push(Cell::of(r.get_ref(i).map_err(refused)?));
        }
        height += 1;
    }
    let series: Vec<Column> = names
        .iter()
        .zip(cols)
        .map(|(n, cells)| column(n, cells).into())
        .collect();
    DataFrame::new(height, series).map_err(|e| err(path, e.to_string()))
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "no tables".into()
    } else {
        names.join(", ")
    }
}

/// One value as SQLite stored it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    fn of(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) if f.is_nan() => Cell::Null,
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            // bytes read as their hexadecimal text (a customer table's blobs are ids at most)
            ValueRef::Blob(b) => Cell::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Int(i) => Some(i.to_string()),
            Cell::Real(f) => Some(f.to_string()),
            Cell::Text(t) => Some(t.clone()),
        }
    }
}

/// A column of integers stays integers, of numbers (some with a fraction) numbers; anything
/// else is text, read as delimited text is (dates, numbers written as text, bad values).
fn column(name: &str, cells: Vec<Cell>) -> Series {
    let name = PlSmallStr::from(name);
    let ints = cells.iter().all(|c| matches!(c, Cell::Null | Cell::Int(_)));
    let numbers = cells
        .iter()
        .all(|c| matches!(c, Cell::Null | Cell::Int(_) | Cell::Real(_)));
    let present = cells.iter().any(|c| *c != Cell::Null);
    if present && ints {
        let v: Vec<Option<i64>> = cells
            .iter()
            .map(|c| match c {
                Cell::Int(i) => Some(*i),
                _ => None,
            })
            .collect();
        return Series::new(name, v);
    }
    if present && numbers {
        let v: Vec<Option<f64>> = cells
            .iter()
            .map(|c| match c {
                Cell::Int(i) => Some(*i as f64),
                Cell::Real(f) => Some(*f),
                _ => None,
            })
            .collect();
        return Series::new(name, v);
    }
    Series::new(name, cells.iter().map(Cell::text).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(dir: &Path, sql: &str) -> std::path::PathBuf {
        let p = dir.join("shop.db");
        Connection::open(&p).unwrap().execute_batch(sql).unwrap();
        p
    }

    #[test]
    fn a_table_reads_with_its_types_and_the_one_table_needs_no_name() {
        let d = tempfile::tempdir().unwrap();
        let p = db(
            d.path(),
            "CREATE TABLE c (id INTEGER, income REAL, city TEXT, joined TEXT, n);
             INSERT INTO c VALUES (1, 52000.5, 'Paris', '2020-01-01', 3),
               (2, 31000, NULL, '2021-06-30', 'x'), (3, NULL, 'Lyon, \"old\"', NULL, NULL);",
        );
        let df = read_table(&p, None, None).unwrap();
        assert_eq!(df.height(), 3);
        assert_eq!(df.column("id").unwrap().dtype(), &DataType::Int64);
        // an integer among reals: numbers
        let income = df.column("income").unwrap();
        assert_eq!(income.dtype(), &DataType::Float64);
        assert_eq!(income.get(1).unwrap(), AnyValue::Float64(31000.0));
        assert!(income.get(2).unwrap().is_null());
        // text stays text (dates are inferred later, as for delimited text)
        let city = df.column("city").unwrap();
        assert_eq!(city.get(2).unwrap(), AnyValue::String("Lyon, \"old\""));
        // a number and a word in one column: text
        let n = df.column("n").unwrap();
        assert_eq!(n.dtype(), &DataType::String);
        assert_eq!(n.get(0).unwrap(), AnyValue::String("3"));
        assert_eq!(read_table(&p, Some("c"), None).unwrap().shape(), df.shape());
    }

    #[test]
    fn a_query_reads_its_rows_and_mistakes_are_named() {
        let d = tempfile::tempdir().unwrap();
        let p = db(
            d.path(),
            "CREATE TABLE a (id INTEGER); CREATE TABLE b (id INTEGER, v REAL);
             INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (1, 2.5);",
        );
        let df = read_table(
            &p,
            None,
            Some("SELECT a.id, b.v FROM a LEFT JOIN b USING (id);"),
        )
        .unwrap();
        assert_eq!(df.height(), 2);
        let e = read_table(&p, None, None).unwrap_err().to_string();
        assert!(e.contains("several tables") && e.contains("a, b"), "{e}");
        let e = read_table(&p, Some("c"), None).unwrap_err().to_string();
        assert!(
            e.contains("no table or view \"c\"") && e.contains("a, b"),
            "{e}"
        );
        let e = read_table(&p, None, Some("SELECT nope FROM a"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("refused") && e.contains("nope"), "{e}");
        let e = read_table(&p, None, Some("SELECT id, id FROM a"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("two columns named \"id\""), "{e}");
        let text = d.path().join("notes.db");
        std::fs::write(&text, "just some words, not a database at all").unwrap();
        let e = read_table(&text, None, None).unwrap_err().to_string();
        assert!(e.contains("not a readable SQLite database"), "{e}");
        assert!(read_table(&d.path().join("missing.db"), None, None).is_err());
    }
}
