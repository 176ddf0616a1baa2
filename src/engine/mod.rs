//! The segmentation engine: data in, rules, evaluation, results out. Knows nothing of any UI.

pub mod data;
pub mod error;
pub mod eval;
pub mod format;
pub mod out;
pub mod parallel;
pub mod rules;
pub mod stats;
pub mod timing;

pub use error::{Diagnostic, EngineError, Result};
