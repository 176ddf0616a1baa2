//! strata: step-by-step customer segmentation — the engine, and the command line that drives it.

pub mod cli;
pub mod engine;
pub mod tui;
