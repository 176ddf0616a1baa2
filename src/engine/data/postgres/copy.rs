//! A table's or a query's rows copied into a local CSV file: on one connection, or, for a large table, split by block range over several connections that read one snapshot.

use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use futures_util::TryStreamExt as _;
use tokio_postgres::types::Type;

use super::client::{db, server_error};
use super::conn::{Conn, execute};
use super::source::Url;
use crate::engine::data::private::{create_private, make_private_dir};
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};

/// How every pull's session writes values: ISO dates, times in UTC, floats that read back equal.
const SESSION: &str = "SET datestyle = 'ISO, YMD'; SET timezone = 'UTC'; \
    SET extra_float_digits = 3; SET standard_conforming_strings = on; \
    SET intervalstyle = 'iso_8601'";

/// A plain table's name as the server spells it and its size in blocks: its rows can be read
/// by block range (`ctid`), in parts, side by side.
pub(super) struct Blocks {
    pub table: String,
    pub pages: u64,
}

/// How many parts a table of `pages` blocks is read in: one per 128 MB, at most one per core
/// here and four in all; `STRATA_PULL_PARTS` sets it for every table (1: never split).
fn parts_for(pages: u64) -> usize {
    if let Some(n) = std::env::var("STRATA_PULL_PARTS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.clamp(1, 16);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (pages / 16_384).clamp(1, cores.min(4) as u64) as usize
}

/// Copy the rows of `base` (or of `blocks`' table, in parts) into `local` as CSV with a header
/// (written aside, then renamed into place); the number of rows. Cancelling `p` cancels the
/// queries on the server.
pub(super) fn copy_to_file(
    conn: &Conn,
    (url, pw): (&Url, Option<String>),
    (base, local): (&str, &Path),
    blocks: Option<Blocks>,
    (label, p): (&str, &Progress),
) -> Result<u64> {
    execute(conn, url, SESSION, "cannot set up the session")?;
    let stmt = conn
        .run(conn.client.prepare(base))
        .map_err(|e| server_error(url, &e, "the query was refused"))?;
    let cols = stmt.columns();
    if cols.is_empty() {
        return Err(db(url, "the query returns no columns".into()));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(c) = cols.iter().find(|c| !seen.insert(c.name())) {
        return Err(db(
            url,
            format!(
                "the query returns two columns named \"{}\": name them apart with AS",
                c.name()
            ),
        ));
    }
    let select = select_list(cols);
    let dir = local.parent().unwrap_or(Path::new("."));
    make_private_dir(dir)
        .map_err(|e| EngineError::data(dir, format!("cannot make the pulls folder: {e}")))?;
    let part = super::pull::fresh_part(local);
    p.begin(label, 0);
    let split = blocks
        .map(|b| (parts_for(b.pages), b))
        .filter(|(n, _)| *n > 1)
        .and_then(|(n, b)| {
            let from = format!("{} AS strata_source", b.table);
            in_parts(conn, (url, &pw), (&select, &from, b.pages, n), &part, p)
        });
    let r = split.unwrap_or_else(|| {
        let copy = format!(
            "COPY (SELECT {select} FROM (\n{base}\n) AS strata_source) TO STDOUT \
             (FORMAT csv, HEADER true)"
        );
        let stop = AtomicBool::new(false);
        conn.watched(url, (p, &stop), |c| c.run(stream_into(c, &copy, &part, p)))
            .map(|lines| lines.saturating_sub(1))
    });
    let rows = match r {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            if p.should_stop() {
                return Err(EngineError::Cancelled);
            }
            return Err(match e {
                Pulled::Server(e) => server_error(url, &e, "the rows could not be read"),
                Pulled::Disk(e) => EngineError::data(&part, format!("cannot write the pull: {e}")),
            });
        }
    };
    std::fs::rename(&part, local)
        .map_err(|e| EngineError::data(local, format!("cannot keep the pull: {e}")))?;
    p.check()?;
    Ok(rows)
}

enum Pulled {
    Server(tokio_postgres::Error),
    Disk(std::io::Error),
}

/// The rows of `from` copied in `n` parts by block range, each on a connection of its own in
/// one snapshot (exported by `lead`'s transaction), into `part` (the first part, with the
/// header) and the files after it, then appended in order; the number of rows. `None` when
/// the parts cannot be set up (an old server, too many connections…): the caller copies it
/// whole.
fn in_parts(
    lead: &Conn,
    (url, pw): (&Url, &Option<String>),
    (select, from, pages, n): (&str, &str, u64, usize),
    part: &Path,
    p: &Progress,
) -> Option<std::result::Result<u64, Pulled>> {
    let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    execute(lead, url, begin, "").ok()?;
    let snapshot: String = match lead.run(lead.client.query_one("SELECT pg_export_snapshot()", &[]))
    {
        Ok(row) => row.get(0),
        Err(_) => {
            let _ = execute(lead, url, "ROLLBACK", "");
            return None;
        }
    };
    let copy = |i: usize| {
        let lo = pages * i as u64 / n as u64;
        let hi = pages * (i as u64 + 1) / n as u64;
        let mut range = Vec::new();
        if i > 0 {
            range.push(format!("ctid >= '({lo},0)'::tid"));
        }
        if i + 1 < n {
            range.push(format!("ctid < '({hi},0)'::tid"));
        }
        let header = if i == 0 { ", HEADER true" } else { "" };
        format!(
            "COPY (SELECT {select} FROM {from} WHERE {}) TO STDOUT (FORMAT csv{header})",
            range.join(" AND ")
        )
    };
    let files: Vec<PathBuf> = (1..n).map(|i| numbered(part, i)).collect();
    let stop = AtomicBool::new(false);
    let first_failure: Mutex<Option<Pulled>> = Mutex::new(None);
    let failed = |e: Pulled| {
        if let Ok(mut f) = first_failure.lock()
            && f.is_none()
        {
            *f = Some(e);
        }
        stop.store(true, Ordering::Relaxed);
    };
    let join = format!(
        "{begin}; SET TRANSACTION SNAPSHOT '{}'; {SESSION}",
        snapshot.replace('\'', "''")
    );
    let (rows, all_ready) = std::thread::scope(|s| {
        let (ready_tx, ready_rx) = mpsc::channel::<bool>();
        let mut gos = Vec::new();
        let mut workers = Vec::new();
        for (i, file) in files.iter().enumerate() {
            let (go_tx, go_rx) = mpsc::channel::<bool>();
            gos.push(go_tx);
            let (ready, join, copy, stop, failed) =
                (ready_tx.clone(), &join, &copy, &stop, &failed);
            workers.push(s.spawn(move || {
                let conn = Conn::open(url, pw.clone())
                    .ok()
                    .filter(|c| execute(c, url, join, "").is_ok());
                let _ = ready.send(conn.is_some());
                let conn = conn.filter(|_| go_rx.recv().unwrap_or(false))?;
                let q = copy(i + 1);
                let r = conn.watched(url, (p, stop), |c| c.run(stream_into(c, &q, file, p)));
                r.map_err(failed).ok()
            }));
        }
        drop(ready_tx);
        let all_ready = (1..n).all(|_| ready_rx.recv().unwrap_or(false));
        for go in &gos {
            let _ = go.send(all_ready);
        }
        let mut rows = None;
        if all_ready {
            let q = copy(0);
            let r = lead.watched(url, (p, &stop), |c| c.run(stream_into(c, &q, part, p)));
            rows = r.map_err(&failed).ok().map(|l| l.saturating_sub(1));
        }
        for w in workers {
            let lines = w.join().ok().flatten();
            rows = rows.zip(lines).map(|(a, b)| a + b);
        }
        (rows, all_ready)
    });
    let _ = execute(lead, url, "COMMIT", "");
    if !all_ready {
        files.iter().for_each(|f| drop(std::fs::remove_file(f)));
        return None;
    }
    let failure = first_failure.into_inner().ok().flatten();
    let r = match (rows, failure) {
        (Some(rows), None) => append(part, &files).map(|()| rows).map_err(Pulled::Disk),
        (_, Some(e)) => Err(e),
        (None, None) => Err(Pulled::Disk(std::io::Error::other(
            "a part of the pull ended early",
        ))),
    };
    files.iter().for_each(|f| drop(std::fs::remove_file(f)));
    Some(r)
}

/// The file the `i`-th part of `part` is written to.
fn numbered(part: &Path, i: usize) -> PathBuf {
    let mut s = part.as_os_str().to_owned();
    s.push(format!(".{i}"));
    PathBuf::from(s)
}

/// The parts' files appended to `first`, in order.
fn append(first: &Path, parts: &[PathBuf]) -> std::io::Result<()> {
    let mut out = std::fs::OpenOptions::new().write(true).open(first)?;
    out.seek(SeekFrom::End(0))?;
    for f in parts {
        std::io::copy(&mut std::fs::File::open(f)?, &mut out)?;
    }
    Ok(())
}

/// The COPY's bytes into a new private file `to`, counted into `p`; the rows written, the
/// header's line among them (the server sends each row, and the header, as one message).
async fn stream_into(
    conn: &Conn,
    copy: &str,
    to: &Path,
    p: &Progress,
) -> std::result::Result<u64, Pulled> {
    let rows = conn.client.copy_out(copy).await.map_err(Pulled::Server)?;
    let mut rows = std::pin::pin!(rows);
    let file = create_private(to).map_err(Pulled::Disk)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let (mut lines, mut untold) = (0u64, 0u64);
    while let Some(chunk) = rows.try_next().await.map_err(Pulled::Server)? {
        lines += 1;
        out.write_all(&chunk).map_err(Pulled::Disk)?;
        // the progress is told per megabyte, not per row (a row is one message)
        untold += chunk.len() as u64;
        if untold >= 1 << 20 {
            p.advance(std::mem::take(&mut untold));
        }
    }
    p.advance(untold);
    out.flush().map_err(Pulled::Disk)?;
    Ok(lines)
}

/// Each column as the typed reader reads it best: numbers, text, booleans and ISO dates as the
/// server writes them; times with a zone in UTC; anything else as its text.
fn select_list(cols: &[tokio_postgres::Column]) -> String {
    cols.iter()
        .map(|c| {
            let q = quote(c.name());
            let e = match *c.type_() {
                Type::INT2
                | Type::INT4
                | Type::INT8
                | Type::OID
                | Type::NUMERIC
                | Type::FLOAT4
                | Type::FLOAT8
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::DATE
                | Type::TIMESTAMP => q.clone(),
                Type::TIMESTAMPTZ => format!("({q} AT TIME ZONE 'UTC')"),
                _ => format!("{q}::text"),
            };
            format!("{e} AS {q}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
