//! Pulling a database table into a local file the typed reader reads: once, and again only when
//! the server says it changed (a query: when its copy is older than `refresh_after`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::client::{db, server_error};
use super::conn::Conn;
use super::copy::{Blocks, copy_to_file, fresh_part};
use super::password::password;
use super::source::{DbSource, Read, Url, parse_url};
use crate::engine::data::private::create_private;
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Workspace;

/// What a pulled copy knows of itself, kept beside it (`<copy>.json`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    /// `host:port/db`.
    pub server: String,
    /// `table public.customers` or `query`.
    pub what: String,
    /// The server's change marker for a table (none for a query or a view).
    pub marker: Option<String>,
    /// When it was pulled, in seconds since 1970.
    pub pulled_at: u64,
    pub rows: u64,
}

/// The stamp kept beside a pulled copy, when there is one.
pub fn stamp_of(local: &Path) -> Option<Stamp> {
    let text = std::fs::read_to_string(stamp_path(local)).ok()?;
    serde_json::from_str(&text).ok()
}

fn stamp_path(local: &Path) -> PathBuf {
    let mut s = local.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

/// Make sure every database table of `ws` has a current local copy: pulled when there is none,
/// when the server's table changed, when a query's copy is older than its `refresh_after`, or
/// always with `refresh` (`--no-cache`). Returns notes a user should see. The tables are pulled
/// side by side, each on a connection of its own (the server formats each one's rows on a core
/// of its own).
pub fn pull_sources(ws: &Workspace, refresh: bool, p: &Progress) -> Result<Vec<String>> {
    let mut sources: Vec<&DbSource> = Vec::new();
    for db in ws.data_files().into_iter().filter_map(|f| f.db.as_deref()) {
        // the same table twice is pulled once
        if !sources.iter().any(|s| s.local == db.local) {
            sources.push(db);
        }
    }
    // every table's first connection is made before any table opens more (for its parts):
    // a user allowed few connections then pulls each table whole rather than failing one
    let gate = Barrier::new(sources.len());
    // tables pulled side by side are one line of progress, their bytes counted together
    let group = (sources.len() > 1).then(|| p.grouped(&group_label(&sources), 0));
    let results: Vec<Result<Vec<String>>> = std::thread::scope(|s| {
        let handles: Vec<_> = sources
            .iter()
            .map(|db| {
                let gate = Gate::new(&gate);
                s.spawn(move || ensure(db, refresh, &gate, p))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(EngineError::Invalid("a pull failed".into())))
            })
            .collect()
    });
    drop(group);
    let mut notes = Vec::new();
    for r in results {
        notes.extend(r?);
    }
    Ok(notes)
}

/// `kit.customers, kit.orders on host:5432/db` (a query is "a query"; the servers named when
/// they differ).
fn group_label(sources: &[&DbSource]) -> String {
    let name = |s: &DbSource| match &s.read {
        Read::Table(t) => t.clone(),
        Read::Query(_) => "a query".into(),
    };
    let servers: Vec<String> = sources.iter().map(|s| s.server()).collect();
    if servers.iter().all(|x| *x == servers[0]) {
        let names: Vec<String> = sources.iter().map(|s| name(s)).collect();
        format!("{} on {}", names.join(", "), servers[0])
    } else {
        let each: Vec<String> = sources.iter().map(|s| s.label()).collect();
        each.join(", ")
    }
}

/// The stamps of the workspace's pulled copies (those pulled so far), in `[data]` order.
pub fn pulled(ws: &Workspace) -> Vec<Stamp> {
    ws.data_files()
        .into_iter()
        .filter_map(|f| f.db.as_deref())
        .filter(|db| db.local.exists())
        .filter_map(|db| stamp_of(&db.local))
        .collect()
}

/// How long ago, in words: `40 s`, `12 min`, `3 h`, `2 days`.
pub fn age_words(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A place every pull passes once (its first connection made, or none needed): dropped
/// unpassed, it passes then, so that no pull waits for one that ended early.
struct Gate<'a> {
    barrier: &'a Barrier,
    passed: std::cell::Cell<bool>,
}

impl<'a> Gate<'a> {
    fn new(barrier: &'a Barrier) -> Gate<'a> {
        Gate {
            barrier,
            passed: std::cell::Cell::new(false),
        }
    }

    /// Wait here until every pull has passed (only the first call waits).
    fn pass(&self) {
        if !self.passed.replace(true) {
            self.barrier.wait();
        }
    }
}

impl Drop for Gate<'_> {
    fn drop(&mut self) {
        self.pass();
    }
}

/// One source made current; notes a user should see.
fn ensure(src: &DbSource, refresh: bool, gate: &Gate, p: &Progress) -> Result<Vec<String>> {
    let url = parse_url(&src.url).map_err(EngineError::Invalid)?;
    let server = url.server();
    let kept = stamp_of(&src.local).filter(|_| src.local.exists());
    let age = kept.as_ref().map(|s| now().saturating_sub(s.pulled_at));
    let fresh_enough = age.is_some_and(|a| Duration::from_secs(a) < src.refresh_after);
    if !refresh && matches!(src.read, Read::Query(_)) && fresh_enough {
        return Ok(vec![]);
    }
    let mut notes = Vec::new();
    p.begin(&format!("connecting to {server}"), 0);
    let pw = password(&url, src.password_env.as_deref(), &mut notes).map_err(|m| db(&url, m))?;
    let conn = Conn::open(&url, pw.clone());
    gate.pass();
    let conn = match conn {
        Ok(c) => c,
        // out of reach (not a refused password): the copy pulled before serves
        Err((e, false)) => {
            if let (false, Some(a)) = (refresh, age) {
                notes.push(format!(
                    "{e}; using the rows of {} pulled {} ago",
                    src.what(),
                    age_words(a)
                ));
                return Ok(notes);
            }
            return Err(e);
        }
        Err((e, true)) => return Err(e),
    };
    let r = pull_on(&conn, (src, &url, pw), (kept, fresh_enough, refresh), p);
    conn.close();
    r.map(|()| notes)
}

/// Pull `src` on `conn` unless its copy is current.
fn pull_on(
    conn: &Conn,
    (src, url, pw): (&DbSource, &Url, Option<String>),
    (kept, fresh_enough, refresh): (Option<Stamp>, bool, bool),
    p: &Progress,
) -> Result<()> {
    let (base, marker, blocks) = match &src.read {
        Read::Table(t) => table_of(conn, url, t)?,
        Read::Query(q) => (q.trim().trim_end_matches(';').to_string(), None, None),
    };
    let current = match (&marker, &kept) {
        (Some(m), Some(k)) => k.marker.as_deref() == Some(m.as_str()),
        // a view: like a query
        (None, Some(_)) => fresh_enough,
        _ => false,
    };
    if current && !refresh {
        return Ok(());
    }
    let rows = copy_to_file(
        conn,
        (url, pw),
        (&base, &src.local),
        blocks,
        (&src.label(), p),
    )?;
    let stamp = Stamp {
        server: url.server(),
        what: src.what(),
        marker,
        pulled_at: now(),
        rows,
    };
    let text = serde_json::to_string_pretty(&stamp).unwrap_or_default();
    write_private(&stamp_path(&src.local), text.as_bytes())
        .map_err(|e| EngineError::data(&src.local, format!("cannot keep the pull's stamp: {e}")))
}

/// The table's name as the server spells it, its change marker (its oid, its file: a TRUNCATE
/// or a rewrite makes a new one, and the rows inserted, updated and deleted) and, for a plain
/// table on a server that reads block ranges (PostgreSQL 14 and later), its size in blocks.
fn table_of(conn: &Conn, url: &Url, t: &str) -> Result<(String, Option<String>, Option<Blocks>)> {
    let row = conn
        .run(conn.client.query_opt(
            "SELECT c.oid::regclass::text, c.oid::bigint, \
             pg_relation_filenode(c.oid)::bigint, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, \
             pg_is_in_recovery(), \
             CASE WHEN c.relkind IN ('r', 'm') \
               AND current_setting('server_version_num')::int >= 140000 \
             THEN pg_relation_size(c.oid) END, current_setting('block_size')::bigint \
             FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid \
             WHERE c.oid = to_regclass($1)",
            &[&t],
        ))
        .map_err(|e| server_error(url, &e, &format!("cannot look up table {t}")))?;
    let Some(row) = row else {
        return Err(db(
            url,
            format!(
                "no table or view {t}: check its name and schema (e.g. table = \"public.customers\") \
                 and that user {} may read it",
                url.user
            ),
        ));
    };
    let name: String = row.get(0);
    // a replica's counts never move (its statistics are its own): like a view
    let replica: bool = row.get(6);
    let counts: [Option<i64>; 3] = match replica {
        true => [None; 3],
        false => [row.get(3), row.get(4), row.get(5)],
    };
    let marker = match counts {
        [Some(i), Some(u), Some(d)] => Some(format!(
            "oid {} file {} inserted {i} updated {u} deleted {d}",
            row.get::<_, i64>(1),
            row.get::<_, Option<i64>>(2).unwrap_or(0)
        )),
        _ => None,
    };
    let block: i64 = row.get(8);
    let blocks = row.get::<_, Option<i64>>(7).map(|bytes| Blocks {
        table: name.clone(),
        bytes: bytes.max(0) as u64,
        pages: (bytes / block.max(1)).max(0) as u64,
    });
    Ok((format!("SELECT * FROM {name}"), marker, blocks))
}

/// A file only the owner reads, written aside then renamed into place.
fn write_private(p: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let part = fresh_part(p);
    create_private(&part)?.write_all(bytes)?;
    std::fs::rename(part, p)
}

/// One pulled copy, as `strata cache` lists it.
pub struct Kept {
    pub path: PathBuf,
    pub bytes: u64,
    pub pulled: SystemTime,
    /// `table public.customers on host:5432/db` (empty when its stamp cannot be read).
    pub source: String,
}

/// The pulled copies kept in the pulls folder.
pub fn kept() -> Vec<Kept> {
    let Ok(dir) = std::fs::read_dir(super::source::pulls_dir()) else {
        return vec![];
    };
    let mut v: Vec<Kept> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|path| {
            let m = std::fs::metadata(&path).ok()?;
            let source = stamp_of(&path)
                .map(|s| format!("{} on {}", s.what, s.server))
                .unwrap_or_default();
            Some(Kept {
                bytes: m.len(),
                pulled: m.modified().unwrap_or(UNIX_EPOCH),
                source,
                path,
            })
        })
        .collect();
    v.sort_by_key(|k| std::cmp::Reverse(k.pulled));
    v
}

/// Remove every pulled copy with its stamp; how many copies and bytes.
pub fn clear_kept() -> std::io::Result<(usize, u64)> {
    let (mut n, mut bytes) = (0, 0);
    for k in kept() {
        std::fs::remove_file(&k.path)?;
        let _ = std::fs::remove_file(stamp_path(&k.path));
        n += 1;
        bytes += k.bytes;
    }
    Ok((n, bytes))
}
