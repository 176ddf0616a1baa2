//! `strata demo --out DIR`: write the demo data and workspace; bare `strata`: describe the built-in demo.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::engine::data::demo::{
    DEMO_CUSTOMERS, DEMO_SEED, DEMO_WORKSPACE, demo_frames, write_demo,
};
use crate::engine::format::thousands;
use crate::engine::rules::parse::parse_workspace;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write into (created if missing; must be empty)
    #[arg(long)]
    pub out: PathBuf,
    /// Number of customers (respondents with --survey)
    #[arg(long, default_value_t = DEMO_CUSTOMERS)]
    pub customers: usize,
    /// Random seed: the same seed always gives the same data
    #[arg(long, default_value_t = DEMO_SEED)]
    pub seed: u64,
    /// Write a survey instead (survey.csv, one row per respondent, no orders; survey.strata.toml)
    #[arg(long)]
    pub survey: bool,
}

pub fn run(a: DemoArgs) -> Result<ExitCode> {
    if a.survey {
        let n = crate::engine::data::demo::write_survey(&a.out, a.customers, a.seed)?;
        println!(
            "wrote {} survey answers to {}, with survey.strata.toml\nnext: strata open {}",
            thousands(n as u64),
            a.out.display(),
            a.out.join("survey.strata.toml").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (c, o) = write_demo(&a.out, a.customers, a.seed)?;
    println!(
        "wrote {} customers and {} order lines to {}, with demo.strata.toml\nnext: strata check {}",
        thousands(c as u64),
        thousands(o as u64),
        a.out.display(),
        a.out.join("demo.strata.toml").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What the built-in demo contains (the interactive wizard opens here once it exists).
pub fn describe_builtin() -> Result<ExitCode> {
    let (c, o) = demo_frames(DEMO_CUSTOMERS, DEMO_SEED)?;
    let ws = parse_workspace(std::path::Path::new("demo.strata.toml"), DEMO_WORKSPACE)?;
    println!(
        "strata built-in demo: {} customers, {} order lines",
        thousands(c.height() as u64),
        thousands(o.height() as u64)
    );
    println!(
        "customer columns: {}",
        c.get_column_names()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "order columns:    {}",
        o.get_column_names()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("criteria:");
    for cr in &ws.criteria {
        println!(
            "  {:<12} {:<17} {}",
            cr.name.value,
            cr.step.as_str(),
            cr.rule.labels().join(" · ")
        );
    }
    println!("\nwrite it to disk with: strata demo --out DIR");
    Ok(ExitCode::SUCCESS)
}
