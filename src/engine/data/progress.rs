//! Progress of a long load, shared between the loader and whoever shows it, and how to cancel it.

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::engine::error::{EngineError, Result};

/// Told of a load's progress as it goes (see [`Progress::told`]).
type Listener = Box<dyn Fn(Snapshot) + Send + Sync>;

/// Bytes read out of bytes to read, what is being done, and a cancel flag the loader obeys.
#[derive(Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    /// Several files are being read at once under one label (see [`Progress::begin_group`]).
    grouped: AtomicBool,
    /// One of the files read at once failed: the others stop as if cancelled (but nobody
    /// asked to cancel, so nothing says so), until [`Progress::end_group`].
    halted: AtomicBool,
    label: Mutex<String>,
    /// Told when a step begins and each time another hundredth of its bytes is read.
    listener: Option<Listener>,
    /// The hundredths last told (plus one; zero: nothing told for this step yet).
    told: AtomicU64,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("snapshot", &self.snapshot())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// What a progress display shows at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub label: String,
    pub done: u64,
    /// Zero when the step has no size (evaluating).
    pub total: u64,
}

impl Progress {
    /// A progress that tells `listener` how far the load has got: when a step begins and at
    /// each further hundredth of its bytes (so a display needs no timer of its own).
    pub fn told(listener: impl Fn(Snapshot) + Send + Sync + 'static) -> Progress {
        Progress {
            listener: Some(Box::new(listener)),
            ..Progress::default()
        }
    }

    /// Start a step: `label` (a file name, "evaluating"), with `total` bytes to read (0: unsized).
    pub fn begin(&self, label: &str, total: u64) {
        if self.grouped.load(Ordering::Relaxed) {
            return;
        }
        self.start(label, total);
    }

    /// Start reading several files at once: `label` and `total` stand for them all, and the
    /// steps each file begins only add their bytes, until [`Progress::end_group`].
    pub fn begin_group(&self, label: &str, total: u64) {
        self.start(label, total);
        self.grouped.store(true, Ordering::Relaxed);
    }

    /// [`Progress::begin_group`], ended ([`Progress::end_group`]) when the guard is dropped,
    /// however the reads end (a panic included).
    pub fn grouped(&self, label: &str, total: u64) -> Grouped<'_> {
        self.begin_group(label, total);
        Grouped(self)
    }

    /// The files read at once are done: each reads on its own again, and a halt is over.
    pub fn end_group(&self) {
        self.grouped.store(false, Ordering::Relaxed);
        self.halted.store(false, Ordering::Relaxed);
    }

    /// The file being read is read again from its start (a second pass, or another way of
    /// reading it): its bytes count from zero again, or, while several files are read at once,
    /// its size is added to the total (their bytes are counted together).
    pub fn again(&self, label: &str, total: u64) {
        if self.grouped.load(Ordering::Relaxed) {
            self.total.fetch_add(total, Ordering::Relaxed);
        } else {
            self.start(label, total);
        }
    }

    fn start(&self, label: &str, total: u64) {
        if let Ok(mut l) = self.label.lock() {
            *l = label.to_string();
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.told.store(0, Ordering::Relaxed);
        self.tell();
    }

    pub fn advance(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        if self.listener.is_some() {
            self.tell();
        }
    }

    /// Tell the listener, once per hundredth reached (whichever thread gets there first); of a
    /// step with no size (rows streamed from a server), once per 4 MB.
    fn tell(&self) {
        let Some(listener) = &self.listener else {
            return;
        };
        let s = self.snapshot();
        let hundredths = (s.done.min(s.total) * 100)
            .checked_div(s.total)
            .map_or(s.done >> 22, |h| h)
            + 1;
        let before = self.told.load(Ordering::Relaxed);
        let first = before == 0;
        if (first || hundredths > before)
            && self
                .told
                .compare_exchange(
                    before,
                    hundredths.max(1),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            listener(s);
        }
    }

    /// Ask the loader to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Stop the other reads of a group: one of its files failed, and its error is the answer
    /// (until [`Progress::end_group`]).
    pub fn halt(&self) {
        self.halted.store(true, Ordering::Relaxed);
    }

    pub fn is_halted(&self) -> bool {
        self.halted.load(Ordering::Relaxed)
    }

    /// Whether a loader should stop: cancelled, or halted.
    pub fn should_stop(&self) -> bool {
        self.is_cancelled() || self.is_halted()
    }

    /// `Err(Cancelled)` once cancelled (or halted): the loader calls this between steps.
    pub fn check(&self) -> Result<()> {
        if self.should_stop() {
            Err(EngineError::Cancelled)
        } else {
            Ok(())
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            label: self.label.lock().map(|l| l.clone()).unwrap_or_default(),
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        }
    }
}

/// Several files being read at once under one line of progress, until dropped.
pub struct Grouped<'a>(&'a Progress);

impl Drop for Grouped<'_> {
    fn drop(&mut self) {
        self.0.end_group();
    }
}

/// A reader that counts its bytes into a [`Progress`] and fails once it is cancelled.
pub struct Counted<'a, R> {
    pub inner: R,
    pub progress: &'a Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.progress.should_stop() {
            return Err(std::io::Error::other("cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Memory the system can still give (Linux `MemAvailable`), or the limit set by
/// `STRATA_MEMORY_LIMIT` (bytes, with an optional K/M/G suffix); `None` when unknown.
pub fn memory_available() -> Option<u64> {
    if let Ok(v) = std::env::var("STRATA_MEMORY_LIMIT") {
        return parse_size(&v);
    }
    system_memory_available()
}

/// Give the memory freed so far back to the system. glibc keeps freed blocks in its arenas (one
/// per thread that allocated): a stage that lets much go and then reads more would otherwise
/// grow on top of what it let go.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back_freed_memory() {
    // SAFETY: malloc_trim only returns free pages of the allocator's own heaps to the system.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Elsewhere the allocator decides.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_freed_memory() {}

#[cfg(target_os = "linux")]
fn system_memory_available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Elsewhere the check is skipped unless `STRATA_MEMORY_LIMIT` sets a limit.
#[cfg(not(target_os = "linux"))]
fn system_memory_available() -> Option<u64> {
    None
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()?.to_ascii_uppercase() {
        'K' => (&s[..s.len() - 1], 1u64 << 10),
        'M' => (&s[..s.len() - 1], 1 << 20),
        'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

/// Sizes in the words a progress line or an error uses.
pub fn show_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listener_hears_each_step_and_each_hundredth_once() {
        let heard = std::sync::Arc::new(Mutex::new(Vec::new()));
        let h = std::sync::Arc::clone(&heard);
        let p = Progress::told(move |s| h.lock().unwrap().push((s.label, s.done)));
        p.begin("orders.csv", 1000);
        for _ in 0..1000 {
            p.advance(1);
        }
        p.begin("evaluating", 0);
        p.advance(5);
        let heard = heard.lock().unwrap();
        assert_eq!(heard.len(), 1 + 100 + 1, "{heard:?}");
        assert_eq!(heard[0], ("orders.csv".to_string(), 0));
        assert_eq!(heard[1], ("orders.csv".to_string(), 10));
        assert_eq!(heard[100], ("orders.csv".to_string(), 1000));
        assert_eq!(heard[101], ("evaluating".to_string(), 0));
    }

    /// Rows streamed from a server have no size: the listener hears of them every 4 MB (it
    /// heard only the step's start before, so a pull showed no bytes until it ended).
    #[test]
    fn a_step_without_a_size_is_told_every_four_megabytes() {
        let heard = std::sync::Arc::new(Mutex::new(Vec::new()));
        let h = std::sync::Arc::clone(&heard);
        let p = Progress::told(move |s| h.lock().unwrap().push(s.done));
        p.begin("kit.orders on db:5432/shop", 0);
        for _ in 0..40 {
            p.advance(1 << 20);
        }
        assert_eq!(
            *heard.lock().unwrap(),
            [
                0,
                4 << 20,
                8 << 20,
                12 << 20,
                16 << 20,
                20 << 20,
                24 << 20,
                28 << 20,
                32 << 20,
                36 << 20,
                40 << 20
            ]
        );
    }

    #[test]
    fn counts_bytes_and_stops_when_cancelled() {
        let p = Progress::default();
        p.begin("orders.csv", 10);
        let mut r = Counted {
            inner: &b"0123456789"[..],
            progress: &p,
        };
        let mut buf = [0u8; 4];
        assert_eq!(r.read(&mut buf).unwrap(), 4);
        assert_eq!(
            p.snapshot(),
            Snapshot {
                label: "orders.csv".into(),
                done: 4,
                total: 10
            }
        );
        p.cancel();
        assert!(r.read(&mut buf).is_err());
        assert!(matches!(p.check(), Err(EngineError::Cancelled)));
    }

    #[test]
    fn files_read_together_count_under_one_label() {
        let p = Progress::default();
        p.begin_group("customers.csv, orders.csv", 30);
        // each file's own start changes nothing but adds its bytes
        p.begin("customers.csv", 10);
        p.advance(10);
        p.begin("orders.csv", 20);
        p.advance(5);
        let s = p.snapshot();
        assert_eq!(
            (s.label.as_str(), s.done, s.total),
            ("customers.csv, orders.csv", 15, 30)
        );
        // a file read twice adds its size again rather than counting past the total
        p.begin_group("a.csv, b.csv", 30);
        p.advance(4);
        p.again("a.csv", 10);
        p.advance(10);
        let s = p.snapshot();
        assert_eq!((s.done, s.total), (14, 40));
        p.end_group();
        p.begin("evaluating", 0);
        assert_eq!(p.snapshot().label, "evaluating");
    }

    #[test]
    fn a_halted_read_stops_without_saying_cancelled() {
        let p = Progress::default();
        let mut r = Counted {
            inner: &b"0123456789"[..],
            progress: &p,
        };
        p.begin_group("a.csv, b.csv", 10);
        p.halt();
        assert!(r.read(&mut [0u8; 4]).is_err());
        assert!(matches!(p.check(), Err(EngineError::Cancelled)));
        // nobody cancelled: a progress line does not say "cancelling"
        assert!(!p.is_cancelled());
        p.end_group();
        assert!(p.check().is_ok());
        assert_eq!(r.read(&mut [0u8; 4]).unwrap(), 4);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size(" 2g"), Some(2 << 30));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(show_bytes(3 << 30), "3.0 GB");
        assert_eq!(show_bytes(5 << 20), "5 MB");
    }
}
