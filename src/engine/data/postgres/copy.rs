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

/// A plain table's name as the server spells it and its size: its rows can be read by block
/// range (`ctid`), in parts, side by side.
pub(super) struct Blocks {
    pub table: String,
    pub bytes: u64,
    pub pages: u64,
}

/// How many parts a table of `bytes` is read in: one per 128 MB (from 256 MB), at most one per
/// core here and four in all; `STRATA_PULL_PARTS` sets it for every table (1: never split).
fn parts_for(bytes: u64) -> usize {
    if let Some(n) = std::env::var("STRATA_PULL_PARTS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.clamp(1, 16);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (bytes >> 27).clamp(1, cores.min(4) as u64) as usize
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
    let part = fresh_part(local);
    p.begin(label, 0);
    let split = blocks
        .map(|b| (parts_for(b.bytes), b))
        .filter(|(n, _)| *n > 1)
        .and_then(|(n, b)| in_parts(conn, (url, &pw), (&select, &b, n), &part, p));
    let r = split.unwrap_or_else(|| {
        let copy = format!(
            "COPY (SELECT {select} FROM (\n{base}\n) AS strata_source) TO STDOUT \
             (FORMAT csv, HEADER true)"
        );
        let stop = AtomicBool::new(false);
        let stop = (p, &stop);
        conn.watched(url, stop, |c| c.run(stream_into(c, &copy, &part, stop)))
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
                Pulled::Disk(f, e) => EngineError::data(&f, format!("cannot write the pull: {e}")),
                Pulled::Stopped => EngineError::Cancelled,
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
    Disk(PathBuf, std::io::Error),
    /// Stopped before its end: cancelled, or another part failed.
    Stopped,
}

/// What the parts of one pull share: whether to stop, and the failure that made them stop.
#[derive(Default)]
struct Parts {
    stop: AtomicBool,
    first_failure: Mutex<Option<Pulled>>,
}

impl Parts {
    /// A part failed: the first failure is the one told, and the other parts stop.
    fn failed(&self, e: Pulled) {
        if let Ok(mut f) = self.first_failure.lock()
            && f.is_none()
        {
            *f = Some(e);
        }
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The rows of `b`'s table copied in `n` parts by block range, each on a connection of its
/// own in one snapshot (exported by `lead`'s transaction, which holds the table against
/// changes of its storage, as pg_dump does), into `part` (the first part, with the header) and
/// the files after it, then appended in order; the number of rows. `None` when the parts
/// cannot be set up (an old server, a user allowed few connections, a table being altered):
/// the caller copies it whole.
fn in_parts(
    lead: &Conn,
    (url, pw): (&Url, &Option<String>),
    (select, b, n): (&str, &Blocks, usize),
    part: &Path,
    p: &Progress,
) -> Option<std::result::Result<u64, Pulled>> {
    let lock = format!("LOCK TABLE {} IN ACCESS SHARE MODE", b.table);
    let snapshot = export_snapshot(lead, url, &lock)?;
    // a part waits for no lock: a change of the table queued behind the lead's lock makes it
    // fail at once, and the table is copied whole
    let join = format!(
        "{BEGIN}; SET TRANSACTION SNAPSHOT '{}'; {lock} NOWAIT; {SESSION}",
        snapshot.replace('\'', "''")
    );
    let copy = |i: usize| range_copy(select, b, (i, n));
    let files: Vec<PathBuf> = (1..n).map(|i| numbered(part, i)).collect();
    let parts = Parts::default();
    let (go, rows) = std::thread::scope(|s| {
        let (ready_tx, ready_rx) = mpsc::channel::<bool>();
        let mut gos = Vec::new();
        let mut workers = Vec::new();
        for (i, file) in files.iter().enumerate() {
            let (go_tx, go_rx) = mpsc::channel::<bool>();
            gos.push(go_tx);
            let ready = ready_tx.clone();
            let (join, copy, parts) = (&join, &copy, &parts);
            workers.push(s.spawn(move || {
                let q = copy(i + 1);
                let part = Part {
                    join,
                    copy: &q,
                    to: file,
                };
                part.run((url, pw.clone()), (ready, go_rx), (p, parts))
            }));
        }
        drop(ready_tx);
        let go = all_ready(&ready_rx, n - 1, p) && !p.should_stop();
        for g in &gos {
            let _ = g.send(go);
        }
        let mut rows = None;
        if go {
            let q = copy(0);
            let stop = (p, &parts.stop);
            let r = lead.watched(url, stop, |c| c.run(stream_into(c, &q, part, stop)));
            rows = r
                .map_err(|e| parts.failed(e))
                .ok()
                .map(|l| l.saturating_sub(1));
        }
        for w in workers {
            let lines = w.join().ok().flatten();
            rows = rows.zip(lines).map(|(a, b)| a + b);
        }
        (go, rows)
    });
    let failure = parts.first_failure.into_inner().ok().flatten();
    let r = match (go, rows, failure) {
        (false, ..) => {
            let _ = execute(lead, url, "ROLLBACK", "");
            p.should_stop().then_some(Err(Pulled::Stopped))
        }
        (true, Some(rows), None) => {
            let _ = execute(lead, url, "COMMIT", "");
            Some(append(part, &files).map(|()| rows))
        }
        (true, _, Some(e)) => Some(Err(e)),
        (true, None, None) => Some(Err(Pulled::Stopped)),
    };
    files.iter().for_each(|f| drop(std::fs::remove_file(f)));
    r
}

/// A transaction of the parts' snapshot.
const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// Begin `lead`'s transaction, take `lock` and export the snapshot the parts join; its name,
/// or none (and no transaction) when the server cannot.
fn export_snapshot(lead: &Conn, url: &Url, lock: &str) -> Option<String> {
    execute(lead, url, &format!("{BEGIN}; {lock}"), "").ok()?;
    match lead.run(lead.client.query_one("SELECT pg_export_snapshot()", &[])) {
        Ok(row) => Some(row.get(0)),
        Err(_) => {
            let _ = execute(lead, url, "ROLLBACK", "");
            None
        }
    }
}

/// The COPY of the `i`-th of `n` block ranges of `b`'s table (the first with the header).
fn range_copy(select: &str, b: &Blocks, (i, n): (usize, usize)) -> String {
    let (pages, i, n) = (b.pages, i as u64, n as u64);
    let mut range = Vec::new();
    if i > 0 {
        range.push(format!("ctid >= '({},0)'::tid", pages * i / n));
    }
    if i + 1 < n {
        range.push(format!("ctid < '({},0)'::tid", pages * (i + 1) / n));
    }
    let header = if i == 0 { ", HEADER true" } else { "" };
    format!(
        "COPY (SELECT {select} FROM {} AS strata_source WHERE {}) TO STDOUT (FORMAT csv{header})",
        b.table,
        range.join(" AND ")
    )
}

/// Whether `n` parts said they are ready (each on a connection in the snapshot), waiting no
/// longer once `p` is cancelled.
fn all_ready(ready: &mpsc::Receiver<bool>, n: usize, p: &Progress) -> bool {
    let mut seen = 0;
    while seen < n {
        match ready.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(true) => seen += 1,
            Ok(false) | Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            Err(mpsc::RecvTimeoutError::Timeout) if p.should_stop() => return false,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    true
}

/// One part after the first: how it joins the lead's snapshot, its COPY and its file.
struct Part<'a> {
    join: &'a str,
    copy: &'a str,
    to: &'a Path,
}

impl Part<'_> {
    /// Connect and join the snapshot, say whether that worked, and copy when told to go; the
    /// rows copied (none when told not to go, or on a failure, which `parts` is told of).
    fn run(
        &self,
        (url, pw): (&Url, Option<String>),
        (ready, go): (mpsc::Sender<bool>, mpsc::Receiver<bool>),
        (p, parts): (&Progress, &Parts),
    ) -> Option<u64> {
        let conn = Conn::open(url, pw)
            .ok()
            .filter(|c| execute(c, url, self.join, "").is_ok());
        let _ = ready.send(conn.is_some());
        drop(ready);
        let conn = conn.filter(|_| go.recv().unwrap_or(false))?;
        let stop = (p, &parts.stop);
        let r = conn.watched(url, stop, |c| {
            c.run(stream_into(c, self.copy, self.to, stop))
        });
        match r {
            Ok(rows) => {
                let _ = execute(&conn, url, "COMMIT", "");
                conn.close();
                Some(rows)
            }
            Err(e) => {
                parts.failed(e);
                None
            }
        }
    }
}

/// The name `p` is written under until it is whole (one left by a process of the same number
/// that died is removed first).
pub(super) fn fresh_part(p: &Path) -> PathBuf {
    let part = p.with_extension(format!("part-{}", std::process::id()));
    let _ = std::fs::remove_file(&part);
    part
}

/// The file the `i`-th part of `part` is written to (one left by a process of the same number
/// that died is removed first).
fn numbered(part: &Path, i: usize) -> PathBuf {
    let mut s = part.as_os_str().to_owned();
    s.push(format!(".{i}"));
    let f = PathBuf::from(s);
    let _ = std::fs::remove_file(&f);
    f
}

/// The parts' files appended to `first`, in order.
fn append(first: &Path, parts: &[PathBuf]) -> std::result::Result<(), Pulled> {
    let disk = |e| Pulled::Disk(first.to_path_buf(), e);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .open(first)
        .map_err(disk)?;
    out.seek(SeekFrom::End(0)).map_err(disk)?;
    for f in parts {
        let mut from = std::fs::File::open(f).map_err(|e| Pulled::Disk(f.clone(), e))?;
        std::io::copy(&mut from, &mut out).map_err(disk)?;
    }
    Ok(())
}

/// The COPY's bytes into a new private file `to`, counted into `p`; the rows written, the
/// header's line among them (the server sends each row, and the header, as one message). It
/// stops early once `p` is cancelled or `stop` set; a COPY left half read marks the
/// connection to be cut.
async fn stream_into(
    conn: &Conn,
    copy: &str,
    to: &Path,
    (p, stop): (&Progress, &AtomicBool),
) -> std::result::Result<u64, Pulled> {
    let stopped = || p.should_stop() || stop.load(Ordering::Relaxed);
    if stopped() {
        return Err(Pulled::Stopped);
    }
    let rows = conn.client.copy_out(copy).await.map_err(Pulled::Server)?;
    let mut rows = std::pin::pin!(rows);
    let r = async {
        let disk = |e| Pulled::Disk(to.to_path_buf(), e);
        let file = create_private(to).map_err(disk)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let (mut lines, mut untold) = (0u64, 0u64);
        while let Some(chunk) = rows.try_next().await.map_err(Pulled::Server)? {
            lines += 1;
            out.write_all(&chunk).map_err(disk)?;
            // told per megabyte, not per row (a row is one message)
            untold += chunk.len() as u64;
            if untold >= 1 << 20 {
                p.advance(std::mem::take(&mut untold));
                if stopped() {
                    return Err(Pulled::Stopped);
                }
            }
        }
        p.advance(untold);
        out.flush().map_err(disk)?;
        Ok(lines)
    }
    .await;
    if matches!(r, Err(Pulled::Disk(..) | Pulled::Stopped)) {
        conn.cut.set(true);
    }
    r
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
