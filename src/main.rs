//! The `strata` binary: parse the command line, run it, turn errors into `error: …` and an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    // output piped into `head` or `less` that closes early ends strata quietly, as it ends
    // `cat`, instead of a panic on the next print (Rust ignores SIGPIPE by default)
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    strata::cli::main()
}
