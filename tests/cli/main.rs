//! End-to-end tests of the real `strata` binary: every command on real and broken data, and the wizard in a pseudo-terminal.

mod cache;
mod clv;
mod corpus;
mod data;
mod dbt;
mod figures;
mod messy;
mod postgres;
mod postgres_parts;
mod postgres_tls;
mod rules;
mod run;
mod sql;
mod sqlite;
mod tui;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

/// The real datasets: `STRATA_DATASETS`, else `../shared/datasets` beside the checkout. Only
/// tests marked `#[ignore = "needs the real datasets (STRATA_DATASETS)"]` call this; it fails
/// loudly when the folder is missing.
fn datasets() -> PathBuf {
    let dir = std::env::var_os("STRATA_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"));
    assert!(
        dir.join("online_retail").is_dir(),
        "this test needs the real datasets, and {} has none: set STRATA_DATASETS to the folder \
         holding online_retail/, bank_marketing/, … (or run `cargo test` without \
         --include-ignored for the self-contained suite)",
        dir.display()
    );
    dir
}

/// The benchmark kit (`STRATA_BENCH`, else `../shared/bench`): gen.py, peers.py, bench.strata.toml.
fn bench_kit() -> PathBuf {
    let dir = std::env::var_os("STRATA_BENCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    assert!(
        dir.join("gen.py").is_file(),
        "this test needs the benchmark kit, and {} has no gen.py: set STRATA_BENCH to its folder",
        dir.display()
    );
    dir
}

/// The bench kit's data at 10 k customers (5 orders each) written into `dir` by its gen.py.
fn kit_10k(python: &str, bench: &Path, dir: &Path) {
    let ok = std::process::Command::new(python)
        .arg(bench.join("gen.py"))
        .arg(dir)
        .args(["10000", "5"])
        .status()
        .unwrap();
    assert!(ok.success(), "gen.py failed");
}

/// A file committed under `tests/fixtures/`.
fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
        .to_string_lossy()
        .to_string()
}

/// The cache folder of the tests' runs: under the target folder, never the user's own cache.
const TEST_CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/strata-cache");

fn strata() -> Command {
    let mut c = Command::cargo_bin("strata").unwrap();
    c.env("STRATA_CACHE_DIR", TEST_CACHE)
        .env_remove("STRATA_CACHE_LIMIT");
    c
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

/// A Python with `duckdb` and `pandas` (`STRATA_PYTHON`, else `python3`). Only tests marked
/// `#[ignore = "needs Python with duckdb …"]` call this; it fails loudly when there is none.
fn duckdb_python() -> String {
    let python = std::env::var("STRATA_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(&python)
        .args(["-c", "import duckdb, pandas"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "this test needs a Python with duckdb and pandas, and {python} has none: \
         `python3 -m venv V && V/bin/pip install duckdb pandas`, then set STRATA_PYTHON=V/bin/python"
    );
    python
}
