//! Evaluation: purchase-history fields, scores, criteria, exclusivity, valuation, the session cache.

pub mod fields;
