//! The command line: clap commands, each a thin shell over the engine.

mod audit;
mod check;
mod demo;
mod explain;
mod run;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Customer segmentation, step by step: list, classify, demographic, geographic, psychographic,
/// purchase history, benefits, exclusivity check, valuation.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Profile a data file (or a workspace's data) and list quality findings
    Audit(audit::AuditArgs),
    /// Validate a workspace against the headers of its data; exit 1 on errors
    Check(check::CheckArgs),
    /// Segment every customer: valuation tables, or membership (--out) and summary (--summary) files
    Run(run::RunArgs),
    /// For each criterion: a customer's segment, every rule tried (true/false/NULL) and the values it read
    Explain(explain::ExplainArgs),
    /// Write the demo data (customers.csv, orders.csv) and its workspace into a new or empty folder
    Demo(demo::DemoArgs),
}

/// A data or workspace problem: exit 1 (usage errors exit 2 through clap).
fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("error: {e:#}");
    ExitCode::from(1)
}

/// Parse arguments and run; every error ends as `error: …` on stderr with a non-zero status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => demo::describe_builtin(),
        Some(Command::Audit(a)) => audit::run(a),
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Demo(a)) => demo::run(a),
        Some(Command::Run(a)) => run::run(a),
        Some(Command::Explain(a)) => explain::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

/// Paths that name a workspace rather than a data file.
pub(crate) fn is_workspace(p: &std::path::Path) -> bool {
    p.to_string_lossy().to_lowercase().ends_with(".toml")
}
