//! Ending tidily: the signals that end the wizard, and a watchdog for a terminal that is gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Signals that end the wizard tidily: termination, and on Unix the terminal hanging up.
#[cfg(unix)]
pub const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP];
#[cfg(not(unix))]
pub const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM];

/// Whether standard input is a terminal device that no longer exists (Linux: its `/proc` link
/// says "(deleted)"); elsewhere unknown, and the watchdog relies on the signals alone.
fn stdin_terminal_gone() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_link("/proc/self/fd/0")
            .is_ok_and(|p| p.to_string_lossy().ends_with("(deleted)"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// When the terminal is gone (an SSH connection dropped, the emulator closed), the terminal
/// library can spin on end-of-input inside its read and never return to the loop, so neither a
/// signal nor anything else would end the process. The watchdog ends it: if the loop has not
/// turned for three seconds and a hang-up or termination was signalled, or standard input is a
/// terminal that no longer exists. Every edit is already saved and a half-typed one is in the
/// recovery file, so nothing is lost.
pub fn watchdog(stop: Arc<AtomicBool>, beat: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        let mut last = (beat.load(Ordering::Relaxed), std::time::Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = beat.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, std::time::Instant::now());
                continue;
            }
            let stuck = last.1.elapsed() > Duration::from_secs(3);
            if stuck && (stop.load(Ordering::Relaxed) || stdin_terminal_gone()) {
                // the main thread is stuck in a read that will never return, so nothing can
                // unwind to main: ending here is the only way out
                #[allow(clippy::exit)]
                std::process::exit(0);
            }
        }
    });
}
