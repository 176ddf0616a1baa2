//! The cache as a store: hits, misses, damage, concurrent writers, dead writers, limits, privacy.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use super::*;
use crate::engine::eval::frame::Vector;

fn data_file(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("orders.csv");
    fs::write(&p, text).unwrap();
    p
}

fn frame(x: i64) -> Frame {
    let mut f = Frame::new(2);
    f.set("x", Vector::Int(vec![Some(x), None].into()));
    f
}

/// Load `path` through `cache`, counting the reads of the file in `reads`.
fn load(cache: &Cache, path: &Path, reads: &Cell<usize>, notes: &mut Vec<String>) -> Frame {
    load_with(cache, path, notes, || {
        reads.set(reads.get() + 1);
        Ok(frame(fs::read_to_string(path).unwrap().len() as i64))
    })
}

/// The same with `read` as the file's read.
fn load_with(
    cache: &Cache,
    path: &Path,
    notes: &mut Vec<String>,
    read: impl FnOnce() -> Result<Frame>,
) -> Frame {
    let opts = ReadOptions::default();
    let key = cache.table_key(path, &opts, None);
    let unchanged = || cache.table_key(path, &opts, None) == key;
    cache
        .table(
            (path, key.as_deref()),
            (1 << 20, true),
            (&Progress::default(), notes),
            || read().map(|f| (f, String::new())),
            unchanged,
        )
        .unwrap()
        .0
}

fn entry_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == EXT))
        .collect();
    v.sort();
    v
}

fn setup() -> (tempfile::TempDir, Cache, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let cache = Cache::At {
        dir: t.path().join("cache"),
        limit: None,
    };
    let data = data_file(t.path(), "id,x\n1,2\n");
    (t, cache, data)
}

#[test]
fn a_second_load_reads_the_entry_not_the_file_and_a_change_reads_the_file() {
    let (_t, cache, data) = setup();
    let (reads, mut notes) = (Cell::new(0), vec![]);
    let a = load(&cache, &data, &reads, &mut notes);
    let b = load(&cache, &data, &reads, &mut notes);
    assert_eq!(reads.get(), 1);
    assert_eq!(a.raw_columns(), b.raw_columns());
    fs::write(&data, "id,x\n1,2\n3,4\n").unwrap();
    let c = load(&cache, &data, &reads, &mut notes);
    assert_eq!(reads.get(), 2);
    assert_ne!(a.raw_columns(), c.raw_columns());
    assert!(notes.is_empty(), "{notes:?}");
    // off: always the file
    load(&Cache::Off, &data, &reads, &mut notes);
    assert_eq!(reads.get(), 3);
}

#[test]
fn a_flipped_byte_or_a_cut_entry_is_read_again_with_a_note_and_rebuilt() {
    let (t, cache, data) = setup();
    let (reads, mut notes) = (Cell::new(0), vec![]);
    let good = load(&cache, &data, &reads, &mut notes);
    let entry = entry_files(&t.path().join("cache")).pop().unwrap();
    let bytes = fs::read(&entry).unwrap();
    for damage in [
        {
            let mut b = bytes.clone();
            let mid = b.len() / 2;
            b[mid] ^= 1;
            b
        },
        bytes[..bytes.len() - 3].to_vec(),
        vec![],
    ] {
        fs::write(&entry, &damage).unwrap();
        let before = reads.get();
        let got = load(&cache, &data, &reads, &mut notes);
        assert_eq!(got.raw_columns(), good.raw_columns());
        assert_eq!(reads.get(), before + 1);
        let note = notes.pop().expect("a note");
        assert!(note.contains("orders.csv was damaged"), "{note}");
        // rebuilt: the next load is a hit without a note
        load(&cache, &data, &reads, &mut notes);
        assert_eq!(reads.get(), before + 1);
        assert!(notes.is_empty());
    }
}

#[test]
fn two_writers_of_one_entry_at_once_leave_one_whole_entry() {
    let (t, cache, data) = setup();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let (reads, mut notes) = (Cell::new(0), vec![]);
                let f = load(&cache, &data, &reads, &mut notes);
                assert_eq!(f.raw_columns(), frame(9).raw_columns());
                assert!(notes.is_empty(), "{notes:?}");
            });
        }
    });
    let dir = t.path().join("cache");
    assert_eq!(entry_files(&dir).len(), 1);
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "tmp")
        })
        .collect();
    assert!(leftovers.is_empty());
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &data, &reads, &mut notes);
    assert_eq!(reads.get(), 0);
}

#[test]
fn a_writer_killed_midway_leaves_nothing_that_is_read() {
    let (t, cache, data) = setup();
    let dir = t.path().join("cache");
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &data, &reads, &mut notes);
    let entry = entry_files(&dir).pop().unwrap();
    // what a killed writer leaves: a half-written temporary file, long ago
    let tmp = dir.join("0000000000000000.77.1.tmp");
    fs::write(&tmp, &fs::read(&entry).unwrap()[..10]).unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // the next entry written sweeps it away; the half file was never taken for an entry
    fs::write(&data, "id,x\n5,6\n").unwrap();
    load(&cache, &data, &reads, &mut notes);
    assert!(!tmp.exists());
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn a_cache_that_cannot_be_written_only_notes_it() {
    let t = tempfile::tempdir().unwrap();
    // a file where the folder should be: every write fails, as on a full disk
    let blocked = t.path().join("cache");
    fs::write(&blocked, "not a folder").unwrap();
    let cache = Cache::At {
        dir: blocked,
        limit: None,
    };
    let data = data_file(t.path(), "id\n1\n");
    let (reads, mut notes) = (Cell::new(0), vec![]);
    let f = load(&cache, &data, &reads, &mut notes);
    assert_eq!(f.raw_columns(), frame(5).raw_columns());
    assert_eq!(reads.get(), 1);
    assert!(
        notes[0].contains("orders.csv could not be kept in the cache"),
        "{notes:?}"
    );
}

#[test]
fn a_failing_writer_is_reported_and_its_temporary_file_removed() {
    struct Full(usize);
    impl io::Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.0 < b.len() {
                return Err(io::Error::other("No space left on device"));
            }
            self.0 -= b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl io::Seek for Full {
        fn seek(&mut self, _: io::SeekFrom) -> io::Result<u64> {
            Ok(0)
        }
    }
    let e = codec::encode(Full(30), ("k", ""), &frame(1)).err().unwrap();
    assert!(e.to_string().contains("No space"));
}

#[test]
fn entries_and_their_folder_are_private() {
    let (t, cache, data) = setup();
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &data, &reads, &mut notes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = t.path().join("cache");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&entry_files(&dir)[0]), 0o600);
    }
}

#[test]
fn the_least_recently_used_entries_go_first_and_none_is_kept_over_the_limit() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cache");
    let one = {
        let c = Cache::At {
            dir: t.path().join("probe"),
            limit: None,
        };
        let d = data_file(t.path(), "a\n");
        load(&c, &d, &Cell::new(0), &mut vec![]);
        fs::metadata(&entry_files(&t.path().join("probe"))[0])
            .unwrap()
            .len()
    };
    // room for two entries
    let cache = Cache::At {
        dir: dir.clone(),
        limit: Some(one * 2 + one / 2),
    };
    let files: Vec<PathBuf> = (0..3)
        .map(|i| {
            let p = t.path().join(format!("f{i}.csv"));
            fs::write(&p, format!("a\n{i}\n")).unwrap();
            p
        })
        .collect();
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &files[0], &reads, &mut notes);
    load(&cache, &files[1], &reads, &mut notes);
    // f0 used an hour ago, f1 half an hour ago
    let age = |e: &Entry, secs: u64| {
        File::options()
            .write(true)
            .open(&e.path)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(secs))
            .unwrap();
    };
    for e in entries(&dir) {
        age(
            &e,
            if e.source.ends_with("f0.csv") {
                3600
            } else {
                1800
            },
        );
    }
    // f0 used again: f1 is now the one used longest ago, and goes when f2 comes
    load(&cache, &files[0], &reads, &mut notes);
    load(&cache, &files[2], &reads, &mut notes);
    assert_eq!(reads.get(), 3);
    let sources: Vec<String> = entries(&dir).into_iter().map(|e| e.source).collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    // (in either order: the two were used within one tick of the file system's clock)
    let kept = |f: &str| sources.iter().any(|s| s.ends_with(f));
    assert!(kept("f2.csv") && kept("f0.csv"), "{sources:?}");
    // an entry larger than the whole limit is not kept, with a note saying how to keep it
    let tiny = Cache::At {
        dir,
        limit: Some(10),
    };
    load(&tiny, &files[1], &reads, &mut notes);
    assert!(notes.last().unwrap().contains("STRATA_CACHE_LIMIT"));
    assert_eq!(clear(tiny.dir().unwrap()).unwrap().0, 2);
    assert!(entries(tiny.dir().unwrap()).is_empty());
}

#[test]
fn sizes_read_with_their_units() {
    assert_eq!(parse_size("4G"), Some(4 << 30));
    assert_eq!(parse_size("512m"), Some(512 << 20));
    assert_eq!(parse_size("1000"), Some(1000));
    assert_eq!(parse_size("1.5K"), Some(1536));
    assert_eq!(parse_size("lots"), None);
    assert_eq!(parse_size("-1G"), None);
}

#[test]
fn a_file_that_changes_while_it_is_read_is_not_kept() {
    let (t, cache, data) = setup();
    let mut notes = vec![];
    load_with(&cache, &data, &mut notes, || {
        // another program rewrites the file while strata reads it
        fs::write(&data, "id,x\n1,2\n7,8\n").unwrap();
        Ok(frame(1))
    });
    assert!(entries(&t.path().join("cache")).is_empty());
    // the next load reads the file as it is now, and keeps that
    let reads = Cell::new(0);
    let f = load(&cache, &data, &reads, &mut notes);
    assert_eq!((reads.get(), f.raw_columns()), (1, frame(13).raw_columns()));
    assert_eq!(entry_files(&t.path().join("cache")).len(), 1);
}

#[test]
fn a_middle_byte_changed_with_size_and_time_put_back_changes_the_key() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("big.csv");
    let mut text = "x\n".repeat(3 << 20);
    fs::write(&p, &text).unwrap();
    let before = fs::metadata(&p).unwrap().modified().unwrap();
    let o = ReadOptions::default();
    let k = key::key_text(&p, &o, None).unwrap();
    // one byte in the middle, beyond the first and last megabyte, written in place
    text.replace_range((3 << 20)..(3 << 20) + 1, "y");
    let mut f = File::options().write(true).open(&p).unwrap();
    io::Write::write_all(&mut f, text.as_bytes()).unwrap();
    f.set_modified(before).unwrap();
    drop(f);
    assert_eq!(fs::metadata(&p).unwrap().modified().unwrap(), before);
    assert_ne!(k, key::key_text(&p, &o, None).unwrap());
}

#[cfg(unix)]
#[test]
fn a_folder_others_can_write_in_is_neither_read_nor_written() {
    use std::os::unix::fs::PermissionsExt;
    let (t, cache, data) = setup();
    let dir = t.path().join("cache");
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &data, &reads, &mut notes);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    load(&cache, &data, &reads, &mut notes);
    assert_eq!(reads.get(), 2, "a planted entry could be there: not read");
    assert!(
        notes.iter().any(|n| n.contains("not yours alone")),
        "{notes:?}"
    );
    // and a folder strata did not make keeps its permissions
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o777
    );
}

#[test]
fn files_in_the_folder_that_are_not_entries_are_left_alone() {
    let (t, _, data) = setup();
    let dir = t.path().join("cache");
    fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let theirs = ["draft.tmp", "model.table", "notes.txt", "0123.1.2.tmp"];
    let old = SystemTime::now() - Duration::from_secs(3600);
    for n in theirs {
        fs::write(dir.join(n), "someone's").unwrap();
        File::options()
            .write(true)
            .open(dir.join(n))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    // a limit that evicts everything it may
    let cache = Cache::At {
        dir: dir.clone(),
        limit: Some(1),
    };
    let (reads, mut notes) = (Cell::new(0), vec![]);
    load(&cache, &data, &reads, &mut notes);
    assert_eq!(clear(&dir).unwrap().0, 0);
    for n in theirs {
        assert!(dir.join(n).exists(), "{n} was removed");
    }
}

/// A note about the cache folder itself comes once, however many files the load reads at once.
#[cfg(unix)]
#[test]
fn a_note_on_the_folder_comes_once_for_a_load_of_several_files() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    crate::engine::data::demo::write_demo(&t.path().join("w"), 300, 5).unwrap();
    let ws =
        crate::engine::rules::parse::load_workspace(&t.path().join("w/demo.strata.toml")).unwrap();
    let dir = t.path().join("cache");
    fs::create_dir_all(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let cache = Cache::At { dir, limit: None };
    let f = crate::engine::eval::tables::Frames::load_cached(
        &ws,
        None,
        &crate::engine::data::progress::Progress::default(),
        &cache,
    )
    .unwrap();
    // once about the folder, then once for each file not kept
    let about = |n: &&String| n.starts_with("the cache folder");
    assert_eq!(f.notes.iter().filter(about).count(), 1, "{:#?}", f.notes);
    assert_eq!(f.notes.len(), 3, "{:#?}", f.notes);
}

/// Files read at once count their bytes together; one read twice (a column that turns out to
/// be text after thousands of numbers) adds its size again instead of passing the total.
#[test]
fn files_read_together_never_count_past_their_total() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("a.csv");
    let mut text = String::from("id,v\n");
    for i in 0..20_000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("x,y\n");
    fs::write(&a, &text).unwrap();
    let b = t.path().join("b.csv");
    fs::write(&b, "id\n1\n2\n").unwrap();
    let size = |p: &Path| fs::metadata(p).unwrap().len();
    let p = crate::engine::data::progress::Progress::default();
    p.begin_group("a.csv, b.csv", size(&a) + size(&b));
    let o = ReadOptions::default();
    crate::engine::data::load_data(&a, &o, None, &p).unwrap();
    crate::engine::data::load_data(&b, &o, None, &p).unwrap();
    let s = p.snapshot();
    assert!(s.done <= s.total, "{} of {}", s.done, s.total);
    assert_eq!(s.done, s.total, "every byte read is counted");
}

/// A file that fails while files are read together is the answer at once, whichever file it
/// is: the other read stops, and "cancelled" (which nobody asked for) is never what is told.
#[test]
fn a_file_that_fails_among_files_read_together_is_the_error_told() {
    for bad in ["customers.csv", "orders.csv"] {
        let t = tempfile::tempdir().unwrap();
        let big = |rows: usize, header: &str, line: &dyn Fn(usize) -> String| {
            let mut s = String::from(header);
            for i in 0..rows {
                s.push_str(&line(i));
            }
            s.into_bytes()
        };
        // the bad file is small (past the megabyte whose header is checked before reading)
        // and the other large: the large one is still being read when the small one fails
        let (c_rows, o_rows) = if bad == "customers.csv" {
            (150_000, 300_000)
        } else {
            (800_000, 60_000)
        };
        let mut customers = big(c_rows, "id,age\n", &|i| format!("{i},{}\n", 20 + i % 50));
        let mut orders = big(o_rows, "order_id,customer_id,order_date,amount\n", &|i| {
            format!(
                "{i},{},2024-01-{:02},{}.5\n",
                i % 2_000,
                1 + i % 28,
                i % 100
            )
        });
        // a byte that is not UTF-8 in the last line of the bad file
        let target = if bad == "customers.csv" {
            &mut customers
        } else {
            &mut orders
        };
        let at = target.len() - 3;
        target[at] = 0xFF;
        fs::write(t.path().join("customers.csv"), &customers).unwrap();
        fs::write(t.path().join("orders.csv"), &orders).unwrap();
        let ws_file = t.path().join("ws.strata.toml");
        fs::write(
            &ws_file,
            "version = 1\n[data]\ncustomers = \"customers.csv\"\norders = \"orders.csv\"\n\
             [columns]\ncustomer_id = \"id\"\norder_customer_id = \"customer_id\"\n\
             order_id = \"order_id\"\norder_date = \"order_date\"\namount = \"amount\"\n",
        )
        .unwrap();
        let ws = crate::engine::rules::parse::load_workspace(&ws_file).unwrap();
        let p = crate::engine::data::progress::Progress::default();
        let e = crate::engine::eval::tables::Frames::load_watched(&ws, None, &p)
            .err()
            .expect("the bad file fails the load")
            .to_string();
        assert!(
            e.contains(bad) && e.contains("not valid UTF-8"),
            "{bad}: {e}"
        );
        // and the progress is as before the load: not stopped, nobody cancelled
        assert!(p.check().is_ok() && !p.is_cancelled());
    }
}
