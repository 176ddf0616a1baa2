//! The command line: clap commands, each a thin shell over the engine.

mod audit;
mod cache;
mod check;
mod clv;
mod compare;
mod dbt;
mod demo;
mod explain;
mod export;
mod in_database;
pub mod progress;
mod report;
mod run;
mod shell;
mod sql;
mod table;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::eval::cache::Cache;

/// Customer segmentation, step by step: list, classify, demographic, geographic, psychographic,
/// purchase history, benefits, exclusivity check, valuation.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Colour theme of the wizard: dark (default), light, high-contrast, mono
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// Read every data file again instead of the copy kept from an earlier run (see `strata cache`)
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the wizard on a workspace, or on a data file (a workspace is made beside it from role suggestions)
    Open(OpenArgs),
    /// Profile a data file (or a workspace's data) and list quality findings
    Audit(audit::AuditArgs),
    /// Validate a workspace against the headers of its data; exit 1 on errors
    Check(check::CheckArgs),
    /// Segment every customer: valuation tables, or membership (--out) and summary (--summary) files
    Run(run::RunArgs),
    /// For each criterion: a customer's segment, every rule tried (true/false/NULL) and the values it read
    Explain(explain::ExplainArgs),
    /// Predictive value: the fitted BG/NBD and Gamma-Gamma models, and a holdout check (--calibration-end)
    Clv(clv::ClvArgs),
    /// Segment transitions between two dates: who moved where, with their value
    Compare(compare::CompareArgs),
    /// A Markdown or HTML report: data quality, rules, exclusivity, valuation, charts
    Report(report::ReportArgs),
    /// Write the customers of a segment (or of every segment) for a mailing or ads tool
    Export(export::ExportArgs),
    /// The whole segmentation as one SQL query (duckdb, postgres, spark, trino, bigquery)
    Sql(sql::SqlArgs),
    /// Write the segmentation into a dbt project: a model with its sources and tests
    Dbt(dbt::DbtArgs),
    /// Write the demo data (customers.csv, orders.csv) and its workspace into a new or empty folder
    Demo(demo::DemoArgs),
    /// List the tables kept from earlier runs (they make the next run of an unchanged workspace fast), or clear them
    Cache(cache::CacheArgs),
    /// Print a shell completion script: strata completions bash > ~/.local/share/bash-completion/completions/strata
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --out DIR
    Man(shell::ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct OpenArgs {
    /// A workspace (*.strata.toml) or a data file
    pub path: std::path::PathBuf,
}

/// A data or workspace problem: exit 1 (usage errors exit 2 through clap); cancelled: 130.
fn fail(e: anyhow::Error) -> ExitCode {
    if matches!(
        e.downcast_ref::<crate::engine::error::EngineError>(),
        Some(crate::engine::error::EngineError::Cancelled)
    ) {
        eprintln!("{e}");
        return ExitCode::from(130);
    }
    eprintln!("error: {e:#}");
    ExitCode::from(1)
}

/// Parse arguments and run; every error ends as `error: …` on stderr with a non-zero status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let no_cache = cli.no_cache;
    let cache = || -> anyhow::Result<Cache> {
        if no_cache {
            Ok(Cache::Off)
        } else {
            Ok(Cache::from_env()?)
        }
    };
    let result = match cli.command {
        None => {
            if crate::tui::have_terminal() {
                crate::tui::run(crate::tui::Source::Demo, cli.theme.as_deref(), load)
                    .map(|_| ExitCode::SUCCESS)
            } else {
                demo::describe_builtin()
            }
        }
        Some(Command::Open(a)) => cache().and_then(|c| open(a, cli.theme.as_deref(), &c)),
        Some(Command::Audit(a)) => cache().and_then(|c| audit::run(a, &c)),
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Clv(a)) => cache().and_then(|c| clv::run(a, &c)),
        Some(Command::Demo(a)) => demo::run(a),
        Some(Command::Run(a)) => cache().and_then(|c| run::run(a, &c)),
        Some(Command::Explain(a)) => cache().and_then(|c| explain::run(a, &c)),
        Some(Command::Sql(a)) => cache().and_then(|c| sql::run(a, &c)),
        Some(Command::Dbt(a)) => cache().and_then(|c| dbt::run(a, &c)),
        Some(Command::Export(a)) => cache().and_then(|c| export::run(a, &c)),
        Some(Command::Report(a)) => cache().and_then(|c| report::run(a, &c)),
        Some(Command::Compare(a)) => cache().and_then(|c| compare::run(a, &c)),
        Some(Command::Cache(a)) => cache().and_then(|c| cache::run(a, &c)),
        Some(Command::Completions(a)) => shell::completions(a),
        Some(Command::Man(a)) => shell::man(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn open(a: OpenArgs, theme: Option<&str>, cache: &Cache) -> anyhow::Result<ExitCode> {
    // check before writing a new workspace, so nothing is left behind when the wizard cannot start
    if !crate::tui::have_terminal() {
        anyhow::bail!("strata open needs a terminal; in scripts use strata audit, check or run");
    }
    let ws = if is_workspace(&a.path) {
        a.path
    } else {
        crate::engine::rules::scaffold::open_or_create(&a.path)?
    };
    crate::tui::run(crate::tui::Source::Workspace(ws), theme, |s| {
        progress::watched(|p| crate::tui::prepare_cached(s, p, cache))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The wizard's first load, with the progress line on standard error.
fn load(
    source: &crate::tui::Source,
) -> anyhow::Result<(
    crate::tui::state::app::App,
    crate::tui::runtime::worker::Engine,
)> {
    progress::watched(|p| crate::tui::prepare_watched(source, p))
}

/// Paths that name a workspace rather than a data file.
pub(crate) fn is_workspace(p: &std::path::Path) -> bool {
    p.to_string_lossy().to_lowercase().ends_with(".toml")
}
