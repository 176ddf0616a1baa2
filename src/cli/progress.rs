//! A progress line on standard error while a long load runs, and Ctrl-C as a clean cancel.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::engine::data::progress::{Progress, Snapshot, show_bytes};

/// Loads shorter than this show no progress line at all.
const QUIET_FOR: Duration = Duration::from_millis(500);

/// Run `f` with a [`Progress`] that Ctrl-C cancels (a second Ctrl-C ends the process at once);
/// when standard error is a terminal, a line shows what is being read and how far along it is.
pub fn watched<T>(f: impl FnOnce(&Progress) -> T) -> T {
    let p = Progress::default();
    let sigint = Arc::new(AtomicBool::new(false));
    for register in [
        signal_hook::flag::register_conditional_default,
        signal_hook::flag::register,
    ] {
        // without the handler Ctrl-C still stops the process, only less tidily
        let _ = register(signal_hook::consts::SIGINT, Arc::clone(&sigint));
    }
    let show = std::io::stderr().is_terminal();
    let (stop, ticks) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(|| ticker(&p, &sigint, show, ticks));
        let r = f(&p);
        drop(stop);
        r
    })
}

fn ticker(p: &Progress, sigint: &AtomicBool, show: bool, ticks: mpsc::Receiver<()>) {
    let start = Instant::now();
    let mut drawn = false;
    while let Err(mpsc::RecvTimeoutError::Timeout) = ticks.recv_timeout(Duration::from_millis(100))
    {
        if sigint.load(Ordering::Relaxed) {
            p.cancel();
        }
        if show && start.elapsed() >= QUIET_FOR {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{}", line(&p.snapshot(), p.is_cancelled()));
            let _ = err.flush();
            drawn = true;
        }
    }
    if drawn {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

/// `orders.csv  ██████░░░░░░  48 %  135 MB of 281 MB  (Ctrl-C cancels)`
fn line(s: &Snapshot, cancelled: bool) -> String {
    let label = crate::engine::format::visible(&s.label);
    if cancelled {
        return format!("{label}  cancelling…");
    }
    if s.total == 0 {
        return format!("{label}…  (Ctrl-C cancels)");
    }
    let frac = (s.done as f64 / s.total as f64).clamp(0.0, 1.0);
    let width = 20;
    let full = (frac * width as f64).round() as usize;
    format!(
        "{label}  {}{}  {:>3.0} %  {} of {}  (Ctrl-C cancels)",
        "█".repeat(full),
        "░".repeat(width - full),
        frac * 100.0,
        show_bytes(s.done),
        show_bytes(s.total)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines() {
        let s = Snapshot {
            label: "orders.csv".into(),
            done: 135 << 20,
            total: 281 << 20,
        };
        assert_eq!(
            line(&s, false),
            "orders.csv  ██████████░░░░░░░░░░   48 %  135 MB of 281 MB  (Ctrl-C cancels)"
        );
        assert_eq!(line(&s, true), "orders.csv  cancelling…");
        let ev = Snapshot {
            label: "evaluating".into(),
            done: 0,
            total: 0,
        };
        assert_eq!(line(&ev, false), "evaluating…  (Ctrl-C cancels)");
    }
}
