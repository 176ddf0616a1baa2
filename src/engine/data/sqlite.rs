//! Reading one table (or a query's rows) of a SQLite database file into a table.

use std::path::Path;

use polars::prelude::*;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::progress::Progress;
use crate::engine::error::{EngineError, Result};

fn err(path: &Path, message: String) -> EngineError {
    EngineError::data(path, message)
}

/// The database's failure said with what to do about it.
fn failed(path: &Path, doing: &str, e: &rusqlite::Error) -> EngineError {
    let code = e.sqlite_error_code();
    let hint = match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "; another program is writing to it: try again, or read a copy \
             (sqlite3 FILE '.backup copy.db')"
        }
        Some(ErrorCode::NotADatabase) => " (is it another kind of file?)",
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen) => {
            "; a database in write-ahead mode needs its folder to be writable, even to be read \
             while another program may write to it: read a copy, or switch it with \
             PRAGMA journal_mode = DELETE"
        }
        _ => "",
    };
    err(path, format!("{doing}: {e}{hint}"))
}

/// The database, read-only. One in write-ahead mode whose folder cannot be written (nor its
/// `-shm` file made) is opened as a file no one changes, when no write is pending (no `-wal`).
fn open(path: &Path) -> Result<Connection> {
    if !path.exists() {
        return Err(err(path, "no such file".into()));
    }
    if is_duckdb(path) {
        return Err(err(
            path,
            "a DuckDB database, which strata does not read: export the table to Parquet \
             (in DuckDB: COPY t TO 't.parquet'), which it does"
                .into(),
        ));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let probe = |c: &Connection| c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
    let c = Connection::open_with_flags(path, flags)
        .map_err(|e| failed(path, "cannot open the SQLite database", &e))?;
    let first = match probe(&c) {
        Ok(()) => return Ok(c),
        Err(e) => e,
    };
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let read_only = matches!(
        first.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
    );
    if read_only && !Path::new(&wal).exists() {
        let uri = format!("file:{}?immutable=1", uri_path(path));
        if let Ok(c) = Connection::open_with_flags(uri, flags)
            && probe(&c).is_ok()
        {
            return Ok(c);
        }
    }
    Err(failed(path, "cannot read the SQLite database", &first))
}

/// Whether the file is a DuckDB database (its header says `DUCK` after its checksum).
fn is_duckdb(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 12];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head[8..12] == b"DUCK"
}

/// A path as a `file:` URI writes it (anything but letters, digits and `/._-~` escaped).
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.to_string_lossy()
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'_' | b'-' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The tables (and views) of the database, by name (SQLite's own left out).
fn tables(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut s = c.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') \
         AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
    )?;
    s.query_map([], |r| r.get(0))?.collect()
}

/// `"name"`, quoted as SQLite quotes an identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The query reading what `table` or `query` name (without either: the only table).
fn source_sql(
    path: &Path,
    c: &Connection,
    table: Option<&str>,
    query: Option<&str>,
) -> Result<String> {
    let listed = || tables(c).map_err(|e| failed(path, "cannot read the SQLite database", &e));
    match (table, query) {
        (Some(_), Some(_)) => Err(err(
            path,
            "a SQLite entry reads a table or a query, not both".into(),
        )),
        (_, Some(q)) => Ok(q.trim().trim_end_matches(';').to_string()),
        (Some(t), None) => {
            let sql = format!("SELECT * FROM {}", quote(t));
            match c.prepare(&sql) {
                Ok(_) => Ok(sql),
                Err(e) if e.to_string().contains("no such table") => Err(err(
                    path,
                    format!(
                        "no table or view \"{t}\" in the database; it has: {}",
                        listed()?.join(", ")
                    ),
                )),
                Err(e) => Err(failed(path, "cannot read the table", &e)),
            }
        }
        (None, None) => match listed()?.as_slice() {
            [] => Err(err(path, "the SQLite database has no tables".into())),
            [one] => Ok(format!("SELECT * FROM {}", quote(one))),
            names => Err(err(
                path,
                format!(
                    "a SQLite database holds several tables: name one with table = \"…\" in \
                     the workspace's entry (strata audit: --table), or give a query; it has: {}",
                    names.join(", ")
                ),
            )),
        },
    }
}

/// The table a new workspace reads as its customers: the only table, else the one named
/// like a customer table (`customers`, `clients`, `people`, `users`…).
pub fn customers_table(path: &Path) -> Result<String> {
    let c = open(path)?;
    let names = tables(&c).map_err(|e| failed(path, "cannot read the SQLite database", &e))?;
    if let [one] = names.as_slice() {
        return Ok(one.clone());
    }
    let likely = [
        "customers",
        "customer",
        "clients",
        "client",
        "people",
        "persons",
        "users",
        "members",
        "accounts",
    ];
    let found = likely
        .iter()
        .find_map(|l| names.iter().find(|n| n.eq_ignore_ascii_case(l)));
    match found {
        Some(t) => Ok(t.clone()),
        None if names.is_empty() => Err(err(path, "the SQLite database has no tables".into())),
        None => {
            let file = path.file_name().map(|n| n.to_string_lossy().to_string());
            let example = format!(
                "[data] customers = {{ path = {:?}, table = {:?} }}",
                file.unwrap_or_default(),
                names[0]
            );
            Err(err(
                path,
                format!(
                    "a SQLite database of several tables, none called customers ({}): write a \
                     workspace that names them, e.g. {example}, and open it",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// The column names of what `table` or `query` read (nothing is read but the schema).
pub fn column_names(path: &Path, table: Option<&str>, query: Option<&str>) -> Result<Vec<String>> {
    let c = open(path)?;
    let sql = source_sql(path, &c, table, query)?;
    let stmt = c
        .prepare(&sql)
        .map_err(|e| failed(path, "the query was refused", &e))?;
    Ok(stmt.column_names().iter().map(|s| s.to_string()).collect())
}

/// The rows of `table` (or of `query`) in `path`, read-only, only `columns` when given:
/// integer and real columns as numbers, anything else as text (then inferred as delimited
/// text is). Without either, the database's one table, if it has only one.
pub fn read_table(
    path: &Path,
    (table, query): (Option<&str>, Option<&str>),
    columns: Option<&[String]>,
    p: &Progress,
) -> Result<DataFrame> {
    let c = open(path)?;
    let mut sql = source_sql(path, &c, table, query)?;
    if let Some(cols) = columns {
        let list: Vec<String> = cols.iter().map(|n| quote(n)).collect();
        sql = format!("SELECT {} FROM ({sql})", list.join(", "));
    }
    let refused = |e: rusqlite::Error| failed(path, "the query was refused", &e);
    let mut stmt = c.prepare(&sql).map_err(refused)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    if let Some(n) = names.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(err(
            path,
            format!("the query returns two columns named \"{n}\": name them apart with AS"),
        ));
    }
    let mut cols: Vec<Col> = names.iter().map(|_| Col::Empty(0)).collect();
    let mut rows = stmt
        .query([])
        .map_err(|e| failed(path, "cannot read the rows", &e))?;
    let mut height = 0usize;
    while let Some(r) = rows
        .next()
        .map_err(|e| failed(path, "cannot read the rows", &e))?
    {
        for (i, col) in cols.iter_mut().enumerate() {
            let v = r
                .get_ref(i)
                .map_err(|e| failed(path, "cannot read the rows", &e))?;
            col.push(v).map_err(|()| {
                err(
                    path,
                    format!(
                        "row {}, column \"{}\": text that is not valid UTF-8 (SQLite keeps the \
                         bytes it was given): correct it in the database, or leave the column \
                         out with a query",
                        height + 1,
                        names[i]
                    ),
                )
            })?;
        }
        height += 1;
        if height.is_multiple_of(65_536) {
            p.check()?;
        }
    }
    let series: Vec<Column> = names
        .iter()
        .zip(cols)
        .map(|(n, col)| col.into_series(n).into())
        .collect();
    DataFrame::new(height, series).map_err(|e| err(path, e.to_string()))
}

/// A column as it is read: integers while every value is one, then numbers, then text (the
/// values before turned into their text; text goes straight into the column's buffer). Nothing
/// seen yet: the missing values so far.
enum Col {
    Empty(usize),
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(StringChunkedBuilder),
}

impl Col {
    /// Add one value; `Err` for text that is not UTF-8.
    fn push(&mut self, v: ValueRef<'_>) -> std::result::Result<(), ()> {
        match (v, &mut *self) {
            (ValueRef::Null, Col::Empty(n)) => *n += 1,
            (ValueRef::Null, Col::Int(x)) => x.push(None),
            (ValueRef::Null, Col::Real(x)) => x.push(None),
            (ValueRef::Null, Col::Text(x)) => x.append_null(),
            (ValueRef::Integer(i), Col::Empty(n)) => *self = Col::Int(nones(*n, Some(i))),
            (ValueRef::Integer(i), Col::Int(x)) => x.push(Some(i)),
            (ValueRef::Integer(i), Col::Real(x)) => x.push(Some(i as f64)),
            (ValueRef::Real(f), Col::Empty(n)) if f.is_finite() => {
                *self = Col::Real(nones(*n, Some(f)))
            }
            (ValueRef::Real(f), Col::Int(x)) if f.is_finite() => {
                let mut r: Vec<Option<f64>> = x.iter().map(|v| v.map(|i| i as f64)).collect();
                r.push(Some(f));
                *self = Col::Real(r);
            }
            (ValueRef::Real(f), Col::Real(x)) if f.is_finite() => x.push(Some(f)),
            (ValueRef::Text(t), Col::Text(x)) => {
                x.append_value(std::str::from_utf8(t).map_err(|_| ())?)
            }
            (v, _) => {
                let text = match v {
                    ValueRef::Text(t) => std::str::from_utf8(t).map_err(|_| ())?.to_string(),
                    // bytes as their hexadecimal text (a customer table's blobs are ids at most)
                    ValueRef::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
                    ValueRef::Integer(i) => i.to_string(),
                    // an infinity too: as text the column is read as a text file's would be,
                    // and the value named (a number column takes no infinity)
                    ValueRef::Real(f) => f.to_string(),
                    ValueRef::Null => String::new(),
                };
                let mut b = std::mem::replace(self, Col::Empty(0)).into_text();
                b.append_value(text);
                *self = Col::Text(b);
            }
        }
        Ok(())
    }

    /// The column's values as text (those read as numbers turned into their text).
    fn into_text(self) -> StringChunkedBuilder {
        let mut b = StringChunkedBuilder::new(PlSmallStr::EMPTY, 1024);
        match self {
            Col::Empty(n) => (0..n).for_each(|_| b.append_null()),
            Col::Int(x) => x
                .iter()
                .for_each(|v| b.append_option(v.map(|i| i.to_string()))),
            Col::Real(x) => x
                .iter()
                .for_each(|v| b.append_option(v.map(|f| f.to_string()))),
            Col::Text(t) => return t,
        }
        b
    }

    fn into_series(self, name: &str) -> Series {
        let name = PlSmallStr::from(name);
        match self {
            Col::Empty(n) => Series::new(name, nones::<String>(n, None)),
            Col::Int(x) => Series::new(name, x),
            Col::Real(x) => Series::new(name, x),
            Col::Text(x) => x.finish().into_series().with_name(name),
        }
    }
}

/// `n` missing values, then `last` when there is one.
fn nones<T>(n: usize, last: Option<T>) -> Vec<Option<T>> {
    let mut v: Vec<Option<T>> = (0..n).map(|_| None).collect();
    if last.is_some() {
        v.push(last);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(dir: &Path, sql: &str) -> std::path::PathBuf {
        let p = dir.join("shop.db");
        Connection::open(&p).unwrap().execute_batch(sql).unwrap();
        p
    }

    fn read(p: &Path, table: Option<&str>, query: Option<&str>) -> Result<DataFrame> {
        read_table(p, (table, query), None, &Progress::default())
    }

    #[test]
    fn a_table_reads_with_its_types_and_the_one_table_needs_no_name() {
        let d = tempfile::tempdir().unwrap();
        let p = db(
            d.path(),
            "CREATE TABLE c (id INTEGER, income REAL, city TEXT, joined TEXT, n, big);
             INSERT INTO c VALUES (1, 31000, 'Paris', '2020-01-01', 3, 1),
               (2, 52000.5, NULL, '2021-06-30', 'x', 9e999), (3, NULL, 'Lyon, \"old\"', NULL, NULL, 2);",
        );
        let df = read(&p, None, None).unwrap();
        assert_eq!(df.height(), 3);
        assert_eq!(df.column("id").unwrap().dtype(), &DataType::Int64);
        // an integer, then a real: numbers, the integer kept
        let income = df.column("income").unwrap();
        assert_eq!(income.dtype(), &DataType::Float64);
        assert_eq!(income.get(0).unwrap(), AnyValue::Float64(31000.0));
        assert_eq!(income.get(1).unwrap(), AnyValue::Float64(52000.5));
        assert!(income.get(2).unwrap().is_null());
        let city = df.column("city").unwrap();
        assert_eq!(city.get(2).unwrap(), AnyValue::String("Lyon, \"old\""));
        // a number and a word in one column: text, the number as its text
        let n = df.column("n").unwrap();
        assert_eq!(n.dtype(), &DataType::String);
        assert_eq!(n.get(0).unwrap(), AnyValue::String("3"));
        // an infinity is no number: the column is text, for the reader to name the value
        let big = df.column("big").unwrap();
        assert_eq!(big.get(1).unwrap(), AnyValue::String("inf"));
        assert_eq!(read(&p, Some("c"), None).unwrap().shape(), df.shape());
        // only the columns asked for
        let two = ["city".to_string(), "id".to_string()];
        let df = read_table(&p, (Some("c"), None), Some(&two), &Progress::default()).unwrap();
        assert_eq!(df.get_column_names(), ["city", "id"]);
        assert_eq!(column_names(&p, Some("c"), None).unwrap().len(), 6);
    }

    #[test]
    fn a_query_reads_its_rows_and_mistakes_are_named() {
        let d = tempfile::tempdir().unwrap();
        let p = db(
            d.path(),
            "CREATE TABLE a (id INTEGER); CREATE TABLE SqliteOrders (id INTEGER, v REAL);
             INSERT INTO a VALUES (1), (2); INSERT INTO SqliteOrders VALUES (1, 2.5);
             CREATE TABLE bad (id INTEGER, name TEXT);
             INSERT INTO bad VALUES (1, 'ok'), (2, CAST(X'4DFC6C6C6572' AS TEXT));",
        );
        let q = "SELECT a.id, o.v FROM a LEFT JOIN SqliteOrders o USING (id);";
        assert_eq!(read(&p, None, Some(q)).unwrap().height(), 2);
        // a table whose name starts like SQLite's own
        assert_eq!(read(&p, Some("SqliteOrders"), None).unwrap().height(), 1);
        let e = read(&p, None, None).unwrap_err().to_string();
        assert!(
            e.contains("several tables") && e.contains("SqliteOrders, a, bad"),
            "{e}"
        );
        let e = read(&p, Some("c"), None).unwrap_err().to_string();
        assert!(
            e.contains("no table or view \"c\"") && e.contains("a, bad"),
            "{e}"
        );
        let e = read(&p, None, Some("SELECT nope FROM a"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("refused") && e.contains("nope"), "{e}");
        let e = read(&p, None, Some("SELECT id, id FROM a"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("two columns named \"id\""), "{e}");
        let e = read(&p, Some("a"), Some("SELECT 1"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not both"), "{e}");
        // Latin-1 bytes stored as text: named, never merged into a replacement character
        let e = read(&p, Some("bad"), None).unwrap_err().to_string();
        assert!(
            e.contains("row 2, column \"name\"") && e.contains("UTF-8"),
            "{e}"
        );
        let text = d.path().join("notes.db");
        std::fs::write(
            &text,
            "just some words, not a database at all, long enough to be read",
        )
        .unwrap();
        let e = read(&text, None, None).unwrap_err().to_string();
        assert!(
            e.contains("not a database") && e.contains("another kind of file"),
            "{e}"
        );
        let e = read(&d.path().join("missing.db"), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such file"), "{e}");
        let duck = d.path().join("warehouse.db");
        std::fs::write(&duck, b"\0\0\0\0\0\0\0\0DUCK\x40\0\0\0\0\0\0\0").unwrap();
        let e = read(&duck, None, None).unwrap_err().to_string();
        assert!(e.contains("DuckDB") && e.contains("Parquet"), "{e}");
        let empty = d.path().join("empty.db");
        Connection::open(&empty)
            .unwrap()
            .execute_batch("PRAGMA user_version = 1")
            .unwrap();
        let e = read(&empty, None, None).unwrap_err().to_string();
        assert!(e.contains("has no tables"), "{e}");
    }
}
