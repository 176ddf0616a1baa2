//! Ending tidily: the signals that end the wizard, and a watchdog for a terminal that is gone.

use std::sync::mpsc::Receiver;
use std::time::Duration;

/// Signals that end the wizard tidily: termination, and on Unix the terminal hanging up.
#[cfg(unix)]
pub const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP];
#[cfg(not(unix))]
pub const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM];

/// When the terminal is gone (an SSH connection dropped, the emulator closed), the terminal
/// library can spin on end-of-input inside its read, or a last write can hang, so the process
/// might not end although the loop was told to. The watchdog sleeps until an ending signal
/// arrives (`alarm`), then gives the loop three seconds to end and restore the terminal, and
/// ends the process itself if it has not. Every edit is already saved and a half-typed one is
/// in the recovery file, so nothing is lost. Until a signal it takes no CPU at all.
pub fn watchdog(alarm: Receiver<()>) {
    std::thread::spawn(move || {
        if alarm.recv().is_ok() {
            std::thread::sleep(Duration::from_secs(3));
            // still here: the main thread is stuck in a read or write that will never return,
            // so nothing can unwind to main; ending here is the only way out
            #[allow(clippy::exit)]
            std::process::exit(0);
        }
    });
}
