//! The warm cache: tables read once are kept as checked columnar files and read back without parsing.
//!
//! An entry is one data file as one load read it (see [`key::key_text`] for what must match).
//! Entries live in a folder only the owner can read, are written to a temporary name and renamed
//! into place (two writers of one entry both leave a whole file), and are checked when read: a
//! damaged entry is removed and the file read again, with a note. The folder is kept under a
//! size limit by removing the entries used longest ago.

mod codec;
mod evaluated;
mod key;
pub mod profiles;
mod report;

pub use evaluated::{Evaluated, evaluated_entry, key as evaluated_key};
pub use report::KeptReport;

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::frame::Frame;
use crate::engine::data::ReadOptions;
use crate::engine::data::private::{create_private, make_private_dir, trusted};
use crate::engine::data::progress::{Progress, show_bytes};
use crate::engine::data::read::file_label;
use crate::engine::error::Result;

/// A data file's identity as read with `opts` (path, size, time, inode, both ends hashed), to
/// tell whether it changed between two reads; `None` when it cannot be looked at.
pub fn file_stamp(path: &Path, opts: &ReadOptions) -> Option<String> {
    key::key_text(path, opts, None).ok()
}

/// The version of the entry format (part of every key). 4: tables keep the bad rows their read
/// left out; evaluated customers were made with the columns rules read as numbers made so (an
/// entry of 3 may hold a messy file's text column as if it were numbers). 5: tables keep what
/// their read noted (markers counted, date patterns that fit alike), which a run warns of.
pub const FORMAT: u32 = 5;
/// The extension of entry files.
pub const EXT: &str = "table";
/// The line that marks a table's key as the wizard's read (every column, with the first
/// table's column profiles kept beside it).
pub const WIZARD_READ: &str = "read for the wizard, with its column profiles";
/// The limit when none is set: twice the largest input, but never more than this,
const MAX_DEFAULT_LIMIT: u64 = 10 << 30;
/// and never less than this (small files would otherwise not fit their own entries).
const MIN_DEFAULT_LIMIT: u64 = 256 << 20;
/// Temporary files older than this were left by a writer that died.
const STALE: Duration = Duration::from_secs(600);

/// Where loaded tables are kept between runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Cache {
    /// Read every file every time (`--no-cache`).
    Off,
    /// Keep them in `dir`, within `limit` bytes (`None`: twice the largest input, at most 10 GB).
    At { dir: PathBuf, limit: Option<u64> },
}

/// One kept table, as `strata cache` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    pub bytes: u64,
    pub last_used: SystemTime,
    /// The data file it holds (from its key; empty when the entry cannot be read); for the
    /// evaluated customers, every data file they were made from.
    pub source: String,
    /// `*` for every column, else how many.
    pub columns: String,
    /// What it is: `table`, `table (wizard)`, `evaluated customers` (or `(wizard)`), `audit`
    /// (one file's findings, for the report) or `report`.
    pub kind: &'static str,
}

impl Cache {
    /// The platform cache folder (`STRATA_CACHE_DIR` overrides it), with the limit from
    /// `STRATA_CACHE_LIMIT` (bytes, or with K, M or G) when set.
    pub fn from_env() -> Result<Cache> {
        let dir = match std::env::var_os("STRATA_CACHE_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => match directories::ProjectDirs::from("", "", "strata") {
                Some(d) => d.cache_dir().join("tables"),
                None => return Ok(Cache::Off),
            },
        };
        let limit = match std::env::var("STRATA_CACHE_LIMIT") {
            Ok(s) => Some(parse_size(&s).ok_or_else(|| {
                crate::engine::error::EngineError::Invalid(format!(
                    "STRATA_CACHE_LIMIT={s} is not a size: write bytes, or a number with K, M or G (e.g. 4G)"
                ))
            })?),
            Err(_) => None,
        };
        Ok(Cache::At { dir, limit })
    }

    pub fn dir(&self) -> Option<&Path> {
        match self {
            Cache::Off => None,
            Cache::At { dir, .. } => Some(dir),
        }
    }

    /// The key of the table at `path` read with `opts` and `columns` (`None` when the cache is
    /// off, or the file cannot be looked at: its read then says what is wrong).
    pub fn table_key(
        &self,
        path: &Path,
        opts: &ReadOptions,
        columns: Option<&[String]>,
    ) -> Option<String> {
        match self {
            Cache::Off => None,
            Cache::At { .. } => key::key_text(path, opts, columns).ok(),
        }
    }

    /// Whether the cache holds evaluated customers made from the tables of `table_keys` (under
    /// any settings): a run that evaluates these tables again under other settings keeps them.
    pub fn holds_evaluated_of(&self, table_keys: &[&str]) -> bool {
        let Some(dir) = self.dir() else {
            return false;
        };
        let head = evaluated::key_head(table_keys);
        let Ok(entries) = fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|e| {
            let p = e.path();
            p.extension().is_some_and(|x| x == EXT)
                && codec::read_key(&p).is_some_and(|k| k.starts_with(&head))
        })
    }

    /// The table at `path` as `read` would load it, with the meta text kept beside it, from the
    /// cache when an intact entry for `key` (see [`Cache::table_key`]) is there; otherwise `read`
    /// it and, with `keep`, keep it.
    /// Anything that goes wrong with the cache becomes a note in `notes`, never an error.
    ///
    /// `unchanged()` is asked after the read: a file that changed while it was read is not kept
    /// (what was read may be neither its old nor its new content).
    pub fn table(
        &self,
        (path, key): (&Path, Option<&str>),
        (largest_input, keep): (u64, bool),
        (p, notes): (&Progress, &mut Vec<String>),
        read: impl FnOnce() -> Result<(Frame, String)>,
        unchanged: impl FnOnce() -> bool,
    ) -> Result<(Frame, String)> {
        let Some(key) = key else { return read() };
        let shown = file_label(path);
        if let Some((meta, f)) = self.get(key, &shown, notes) {
            read_whole(p, path);
            return Ok((f, meta));
        }
        let (frame, meta) = read()?;
        if unchanged() && keep {
            self.put(key, &meta, &frame, largest_input, &shown, notes);
        }
        Ok((frame, meta))
    }

    /// The entry for `key` (its meta text and columns), if an intact one is kept. A damaged
    /// entry is removed, with a note naming `shown` (what it holds).
    pub fn get(&self, key: &str, shown: &str, notes: &mut Vec<String>) -> Option<(String, Frame)> {
        let dir = self.dir()?;
        if let Err(why) = trusted(dir) {
            if !notes.contains(&why) {
                notes.push(why);
            }
            return None;
        }
        let entry = dir.join(key::file_name(key));
        let timing = crate::engine::timing::Timing::new();
        match fetch(&entry, key) {
            Ok(Some(f)) => {
                timing.mark(&format!("  cache hit {shown}"));
                Some(f)
            }
            Ok(None) => None,
            Err(why) => {
                let _ = fs::remove_file(&entry);
                notes.push(format!(
                    "the cached copy of {shown} was {why}; it was read again from the file"
                ));
                None
            }
        }
    }

    /// Keep `frame` and `meta` under `key`; when that fails, a note naming `shown`.
    pub fn put(
        &self,
        key: &str,
        meta: &str,
        frame: &Frame,
        largest_input: u64,
        shown: &str,
        notes: &mut Vec<String>,
    ) {
        let Cache::At { dir, limit } = self else {
            return;
        };
        let limit = limit.unwrap_or_else(|| {
            largest_input
                .saturating_mul(2)
                .clamp(MIN_DEFAULT_LIMIT, MAX_DEFAULT_LIMIT)
        });
        let entry = dir.join(key::file_name(key));
        let timing = crate::engine::timing::Timing::new();
        let kept = keep(dir, &entry, (key, meta), frame, limit);
        timing.mark(&format!("  {shown} written to the cache"));
        if let Err(e) = kept {
            notes.push(format!(
                "{shown} could not be kept in the cache ({e}); the next run reads the file again"
            ));
        }
    }
}

/// Show `path` as read in full: its entry stood in for it.
pub fn read_whole(p: &Progress, path: &Path) {
    let size = fs::metadata(path).map_or(0, |m| m.len());
    p.begin(&file_label(path), size);
    p.advance(size);
}

/// The bytes of an entry, mapped rather than copied (it reads back without a second image of
/// it in memory); read whole where the file cannot be mapped.
fn map(file: &File) -> io::Result<Bytes> {
    // SAFETY: an entry is written under a temporary name and renamed into place, and is only
    // ever removed after, never changed in place, so the mapped bytes do not change while they
    // are read. (A file truncated by hand meanwhile would make the process fault; a damaged
    // one is refused by its checksum.)
    #[allow(unsafe_code)]
    let mapped = unsafe { memmap2::Mmap::map(file) };
    match mapped {
        Ok(m) => {
            #[cfg(unix)]
            let _ = m.advise(memmap2::Advice::Sequential);
            Ok(Bytes::Mapped(m))
        }
        Err(_) => {
            let mut v = Vec::new();
            io::Read::read_to_end(&mut &*file, &mut v)?;
            Ok(Bytes::Read(v))
        }
    }
}

/// An entry's bytes: mapped, or read.
enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Bytes {
    /// Let the pages the checksum went through go from this process's memory (they stay in
    /// the system's file cache; a column read later brings its own pages back in).
    fn release(&self) {
        #[cfg(unix)]
        if let Bytes::Mapped(m) = self {
            // SAFETY: the mapping is read-only and of a file no one changes in place (see
            // `map`), so dropping its pages loses nothing: they read back from the file.
            #[allow(unsafe_code)]
            let _ = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

/// `Ok(None)`: no entry (or one for another key); `Err`: an entry that is damaged, and why.
fn fetch(entry: &Path, key: &str) -> std::result::Result<Option<(String, Frame)>, String> {
    let file = match File::open(entry) {
        Ok(f) => f,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(format!("unreadable ({e})")),
    };
    let bytes = std::sync::Arc::new(map(&file).map_err(|e| format!("unreadable ({e})"))?);
    let decoded = codec::decode(bytes.clone(), key);
    bytes.release();
    match decoded {
        Ok(f) => {
            // the entry was just used: the last to be evicted
            let _ = File::options()
                .write(true)
                .open(entry)
                .and_then(|w| w.set_modified(SystemTime::now()));
            Ok(Some(f))
        }
        Err(codec::Refused::OtherKey) => Ok(None),
        Err(codec::Refused::Damaged(why)) => Err(format!("damaged ({why})")),
    }
}

/// Write the entry under a temporary name, then rename it into place; then keep the folder
/// within `limit`. An entry larger than the limit is not kept.
fn keep(dir: &Path, entry: &Path, key: (&str, &str), frame: &Frame, limit: u64) -> io::Result<()> {
    make_private_dir(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot make the folder {}: {e}", dir.display()),
        )
    })?;
    let tmp = entry.with_extension(format!(
        "{}.{}.tmp",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    ));
    let written = create_private(&tmp).and_then(|f| {
        let w = codec::encode(BufWriter::with_capacity(1 << 20, f), key, frame)?;
        w.into_inner().map_err(|e| e.into_error())
    });
    let size = match written.and_then(|f| f.metadata()) {
        Ok(m) => m.len(),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if size > limit {
        let _ = fs::remove_file(&tmp);
        return Err(io::Error::other(format!(
            "it takes {} and the cache's limit is {}; set STRATA_CACHE_LIMIT to keep it",
            show_bytes(size),
            show_bytes(limit)
        )));
    }
    if let Err(e) = fs::rename(&tmp, entry) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    evict(dir, limit, entry);
    Ok(())
}

/// `0123456789abcdef.table`: an entry strata wrote (other files in the folder are not ours).
fn is_entry(name: &str) -> bool {
    name.strip_suffix(&format!(".{EXT}"))
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `0123456789abcdef.PID.NANOS.tmp`: an entry being written.
fn is_temp(name: &str) -> bool {
    let Some(rest) = name.strip_suffix(".tmp") else {
        return false;
    };
    let mut parts = rest.split('.');
    let hash = parts
        .next()
        .is_some_and(|h| is_entry(&format!("{h}.{EXT}")));
    let numbers: Vec<&str> = parts.collect();
    hash && numbers.len() == 2
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Remove the entries used longest ago until the folder holds at most `limit` bytes (never
/// `keep`, the entry just written), and temporary files left by writers that died.
fn evict(dir: &Path, limit: u64, keep: &Path) {
    let now = SystemTime::now();
    let mut entries = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let Ok(m) = e.metadata() else { continue };
        let modified = m.modified().unwrap_or(now);
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_temp(&name) {
            if now.duration_since(modified).unwrap_or_default() > STALE {
                let _ = fs::remove_file(&p);
            }
        } else if is_entry(&name) {
            entries.push((modified, m.len(), p));
        }
    }
    let mut total: u64 = entries.iter().map(|e| e.1).sum();
    entries.sort_by_key(|e| e.0);
    for (_, len, p) in entries {
        if total <= limit {
            break;
        }
        if p == keep {
            continue;
        }
        // gone already (another process, or another table of this load, evicted it): it no
        // longer counts either
        match fs::remove_file(&p) {
            Ok(()) => total -= len,
            Err(e) if e.kind() == io::ErrorKind::NotFound => total -= len,
            Err(_) => {}
        }
    }
}

/// The entries in `dir`, used most recently first.
pub fn entries(dir: &Path) -> Vec<Entry> {
    let mut out: Vec<Entry> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| is_entry(&e.file_name().to_string_lossy()))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            let key = codec::read_key(e.path()).unwrap_or_default();
            let columns = match key::part(&key, "columns") {
                Some("*") => "*".to_string(),
                Some(list) => serde_json::from_str::<Vec<String>>(list)
                    .map_or_else(|_| "?".into(), |v| v.len().to_string()),
                None => "?".into(),
            };
            let first = key.lines().next().unwrap_or_default();
            let report = first.contains(" report ");
            let audit = first.contains(" audit ");
            let evaluated = report || first.contains(" evaluated ");
            let files: Vec<&str> = key
                .lines()
                .filter_map(|l| l.strip_prefix("file "))
                .collect();
            let kind = if report {
                "report"
            } else if audit {
                "audit"
            } else if evaluated && key.contains(WIZARD_READ) {
                "evaluated customers (wizard)"
            } else if evaluated {
                "evaluated customers"
            } else if key.contains(WIZARD_READ) {
                "table (wizard)"
            } else {
                "table"
            };
            Some(Entry {
                path: e.path(),
                bytes: m.len(),
                last_used: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                source: if evaluated {
                    files.join(" + ")
                } else {
                    files.first().copied().unwrap_or_default().to_string()
                },
                columns: if evaluated { "-".into() } else { columns },
                kind,
            })
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.last_used));
    out
}

/// Remove every entry and temporary file in `dir`: how many files and bytes went.
pub fn clear(dir: &Path) -> io::Result<(usize, u64)> {
    let mut n = (0, 0);
    let list = match fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(n),
        Err(e) => return Err(e),
    };
    for e in list.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = is_entry(&name) || is_temp(&name);
        if ours {
            let len = e.metadata().map_or(0, |m| m.len());
            fs::remove_file(&p)?;
            n.0 += 1;
            n.1 += len;
        }
    }
    Ok(n)
}

/// `4G`, `512M`, `1000000`.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mul) = match s.char_indices().last()? {
        (i, 'K' | 'k') => (&s[..i], 1u64 << 10),
        (i, 'M' | 'm') => (&s[..i], 1 << 20),
        (i, 'G' | 'g') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let x: f64 = num.trim().parse().ok()?;
    (x.is_finite() && x >= 0.0).then_some((x * mul as f64) as u64)
}

#[cfg(test)]
mod tests;
