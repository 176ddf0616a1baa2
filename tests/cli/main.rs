//! End-to-end tests of the real `strata` binary: every command on real and broken data, and the wizard in a pseudo-terminal.

mod corpus;
mod data;
mod rules;
mod run;
mod sql;
mod tui;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn datasets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets")
}

fn strata() -> Command {
    Command::cargo_bin("strata").unwrap()
}

/// Run and return (status code, stdout, stderr); a panic anywhere fails the test.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = strata().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic for {args:?}: {stderr}");
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn ds(rel: &str) -> String {
    datasets().join(rel).to_string_lossy().to_string()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().to_string()
}

fn demo_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("w");
    run(&["demo", "--out", &o.to_string_lossy(), "--customers", "50"]);
    d
}

/// A Python with `duckdb` and `pandas` (`STRATA_PYTHON`, else `python3`); None (the test is
/// skipped, saying so) outside CI when there is none; in CI its absence fails the test.
fn duckdb_python() -> Option<String> {
    let python = std::env::var("STRATA_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(&python)
        .args(["-c", "import duckdb, pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "DuckDB is missing in CI: .ci/run must install it (python {python})"
        );
        eprintln!(
            "SKIPPED: DuckDB (python package) is not installed for {python}; set STRATA_PYTHON to a python that has duckdb and pandas"
        );
        return None;
    }
    Some(python)
}
