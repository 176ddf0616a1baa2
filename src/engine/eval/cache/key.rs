//! What a cache entry stands for: a data file's identity, how it was read, and by which strata.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use crate::engine::data::{FileFormat, ReadOptions};

/// Bytes hashed at each end of a data file.
const END: u64 = 1 << 20;

/// The key text of one load: every part on its own line, so that listing an entry can show
/// where it came from. Two loads share an entry only when every line is the same.
pub fn key_text(path: &Path, opts: &ReadOptions, columns: Option<&[String]>) -> io::Result<String> {
    let path = std::fs::canonicalize(path)?;
    let mut f = File::open(&path)?;
    let meta = f.metadata()?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (head, tail) = end_hashes(&mut f, meta.len())?;
    let cols = match columns {
        Some(c) => serde_json::to_string(c).unwrap_or_default(),
        None => "*".into(),
    };
    // a SQLite database in write-ahead mode takes its changes in `NAME-wal` first
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let sqlite = opts.format_for(&path) == Some(FileFormat::Sqlite);
    let wal = match std::fs::metadata(&wal).ok().filter(|_| sqlite) {
        Some(m) => {
            let t = m
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!(
                "wal {} {}.{:09} {}\n",
                m.len(),
                t.as_secs(),
                t.subsec_nanos(),
                inode(&m)
            )
        }
        None => String::new(),
    };
    Ok(format!(
        "strata {} cache {}\nfile {}\nsize {}\nmodified {}.{:09}\ninode {}\nhead {head:08x} tail {tail:08x}\n{wal}options {opts:?}\ncolumns {cols}\n",
        env!("CARGO_PKG_VERSION"),
        super::FORMAT,
        path.display(),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos(),
        inode(&meta),
    ))
}

/// The line of a key text starting with `what ` (for listing entries).
pub fn part<'a>(key: &'a str, what: &str) -> Option<&'a str> {
    key.lines()
        .find_map(|l| l.strip_prefix(what)?.strip_prefix(' '))
}

/// Device, inode and status-change time: a file rewritten in place with its size and
/// modification time put back still has a new change time (which no program can set).
#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!(
        "{}:{} changed {}.{:09}",
        m.dev(),
        m.ino(),
        m.ctime(),
        m.ctime_nsec()
    )
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> String {
    "-".into()
}

/// CRC-32 of the first and of the last megabyte (the whole file when it is smaller).
fn end_hashes(f: &mut File, len: u64) -> io::Result<(u32, u32)> {
    let mut hash = |from: u64| -> io::Result<u32> {
        f.seek(SeekFrom::Start(from))?;
        let mut b = Vec::with_capacity(END.min(len) as usize);
        f.by_ref().take(END).read_to_end(&mut b)?;
        Ok(crc32fast::hash(&b))
    };
    let head = hash(0)?;
    let tail = hash(len.saturating_sub(END))?;
    Ok((head, tail))
}

/// The entry's file name: a 64-bit FNV-1a hash of the key text.
pub fn file_name(key: &str) -> String {
    let h = crate::engine::data::private::stable_hash(key.as_bytes());
    format!("{h:016x}.{}", super::EXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_in_content_options_or_columns_changes_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "id,x\n1,2\n").unwrap();
        let o = ReadOptions::default();
        let k = key_text(&p, &o, None).unwrap();
        assert_eq!(k, key_text(&p, &o, None).unwrap());
        assert_ne!(k, key_text(&p, &o, Some(&["id".to_string()])).unwrap());
        let semi = ReadOptions {
            delimiter: Some(b';'),
            ..ReadOptions::default()
        };
        assert_ne!(k, key_text(&p, &semi, None).unwrap());
        // same size, same length: only the content differs
        let before = std::fs::metadata(&p).unwrap().modified().unwrap();
        std::fs::write(&p, "id,x\n1,3\n").unwrap();
        let f = File::options().write(true).open(&p).unwrap();
        f.set_modified(before).unwrap();
        assert_ne!(k, key_text(&p, &o, None).unwrap());
        assert_eq!(part(&k, "columns"), Some("*"));
        assert!(file_name(&k).ends_with(".table"));
    }
}
