//! Evaluation: purchase-history fields, scores, criteria, exclusivity, valuation, the session cache.

mod assemble;
pub mod audit;
pub mod cache;
pub mod clv;
mod column_math;
pub mod compile;
pub mod conform;
pub mod criteria;
#[cfg(test)]
mod empty_figures_tests;
mod exclusivity;
pub mod explain;
pub mod expr;
pub mod fields;
pub mod frame;
pub mod frequency;
mod functions;
pub mod like;
mod mask;
#[cfg(test)]
mod messy_tests;
pub mod pareto;
pub mod predict;
pub mod propose;
pub mod purchase;
pub mod scores;
pub mod session;
pub mod tables;
pub mod transitions;
pub mod uses;
pub mod valuation;
mod value;
