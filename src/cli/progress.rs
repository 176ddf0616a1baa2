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
    // asked once: where the terminal cannot say, finding out may start programs
    let cols = if show { columns() } else { 80 };
    while let Err(mpsc::RecvTimeoutError::Timeout) = ticks.recv_timeout(Duration::from_millis(100))
    {
        if sigint.load(Ordering::Relaxed) {
            p.cancel();
        }
        if show && start.elapsed() >= QUIET_FOR {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K{}",
                line(&p.snapshot(), p.is_cancelled(), cols)
            );
            let _ = err.flush();
            drawn = true;
        }
    }
    if drawn {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

/// Columns of the terminal standard error shows in (80 when unknown).
fn columns() -> usize {
    ratatui::crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c).max(20))
}

/// `orders.csv  ██████░░░░░░  48 %  135 MB of 281 MB  (Ctrl-C cancels)`, fitted to `cols`
/// columns (a line that wrapped could not be redrawn in place): the hint goes first, then half
/// the bar, then the end of the label.
fn line(s: &Snapshot, cancelled: bool, cols: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let label = crate::engine::format::visible(&s.label);
    let fitted = |text: &dyn Fn(&str) -> String| {
        let mut l = label.clone();
        loop {
            let t = text(&l);
            if t.width() < cols || l.is_empty() {
                return t;
            }
            l = crate::engine::format::clip(&l, l.chars().count() - 1);
            if l == "…" {
                l.clear();
            }
        }
    };
    if cancelled {
        return fitted(&|l| format!("{l}  cancelling…"));
    }
    // a size not known beforehand (rows streamed from a server): how much so far
    if s.total == 0 && s.done > 0 {
        return fitted(&|l| format!("{l}  {} so far  (Ctrl-C cancels)", show_bytes(s.done)));
    }
    if s.total == 0 {
        return fitted(&|l| format!("{l}…  (Ctrl-C cancels)"));
    }
    let frac = (s.done as f64 / s.total as f64).clamp(0.0, 1.0);
    let with = |bar: usize, hint: bool, l: &str| {
        let full = (frac * bar as f64).round() as usize;
        format!(
            "{l}  {}{}  {:>3.0} %  {} of {}{}",
            "█".repeat(full),
            "░".repeat(bar - full),
            frac * 100.0,
            show_bytes(s.done),
            show_bytes(s.total),
            if hint { "  (Ctrl-C cancels)" } else { "" }
        )
    };
    for (bar, hint) in [(20, true), (20, false)] {
        let t = with(bar, hint, &label);
        if t.width() < cols {
            return t;
        }
    }
    if with(10, false, "x").width() < cols {
        return fitted(&|l| with(10, false, l));
    }
    // a very narrow terminal: how far along, and as much of the label as fits
    fitted(&|l| format!("{l}  {:>3.0} %", frac * 100.0))
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
            line(&s, false, 100),
            "orders.csv  ██████████░░░░░░░░░░   48 %  135 MB of 281 MB  (Ctrl-C cancels)"
        );
        assert_eq!(line(&s, true, 100), "orders.csv  cancelling…");
        let ev = Snapshot {
            label: "evaluating".into(),
            done: 0,
            total: 0,
        };
        assert_eq!(line(&ev, false, 100), "evaluating…  (Ctrl-C cancels)");
        let pulled = Snapshot {
            label: "crm.customers on db:5432/shop".into(),
            done: 12 << 20,
            total: 0,
        };
        assert_eq!(
            line(&pulled, false, 100),
            "crm.customers on db:5432/shop  12 MB so far  (Ctrl-C cancels)"
        );
    }

    /// A line that wraps cannot be drawn over: it always fits the terminal, losing the hint,
    /// then half the bar, then the end of the label.
    #[test]
    fn progress_lines_fit_the_terminal() {
        let s = Snapshot {
            label: "customers.csv, orders.csv".into(),
            done: 204 << 20,
            total: 368 << 20,
        };
        assert_eq!(
            line(&s, false, 80),
            "customers.csv, orders.csv  ███████████░░░░░░░░░   55 %  204 MB of 368 MB"
        );
        assert_eq!(
            line(&s, false, 60),
            "customers.csv, orders…  ██████░░░░   55 %  204 MB of 368 MB"
        );
        assert_eq!(
            line(&s, false, 45),
            "custom…  ██████░░░░   55 %  204 MB of 368 MB"
        );
        assert_eq!(line(&s, false, 20), "customers.c…   55 %");
        for cols in 20..120 {
            use unicode_width::UnicodeWidthStr;
            assert!(line(&s, false, cols).width() < cols, "{cols}");
            assert!(line(&s, true, cols).width() < cols, "{cols}");
        }
    }
}
