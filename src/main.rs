//! The `strata` binary: parse the command line, run it, turn errors into `error: …` and an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    strata::cli::main()
}

/// Output piped into `head` or `less` that closes early ends strata quietly, as it ends `cat`,
/// instead of a panic on the next print (Rust ignores SIGPIPE by default).
#[cfg(unix)]
#[allow(unsafe_code)]
fn quiet_on_closed_pipe() {
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Elsewhere a closed pipe is an ordinary write error.
#[cfg(not(unix))]
fn quiet_on_closed_pipe() {}
