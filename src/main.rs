//! The `strata` binary: parse the command line, run it, turn errors into `error: …` and an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    strata::cli::main()
}
