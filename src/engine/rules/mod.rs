//! Rules: the workspace file (model, parsing, saving) and checking it against the data.

pub mod characteristics;
pub mod check;
pub mod condition;
pub mod edit;
mod names;
pub mod parse;
pub mod presets;
pub mod save;
pub mod scaffold;
pub mod workspace;

pub use workspace::*;

/// `base`, or `base_2`, `base_3` … : the first that is not in `taken` (names of criteria).
pub fn unused_name(base: &str, taken: &[String]) -> String {
    (1..)
        .map(|i| {
            if i == 1 {
                base.to_string()
            } else {
                format!("{base}_{i}")
            }
        })
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

/// A problem in a condition of the workspace (its `text`, under `key`), told at its place in
/// the file.
pub fn condition_error(
    ws: &Workspace,
    text: &Spanned<String>,
    key: &str,
    e: &condition::ConditionError,
) -> crate::engine::error::EngineError {
    let d = ws
        .diag_at(&ws.condition_span(text, e.pos), e.message.clone())
        .key(key)
        .hint_opt(e.hint.clone());
    crate::engine::error::EngineError::Workspace(vec![d])
}

impl MeasureKind {
    /// A `[valuation.measures]` figure as this kind reads: a share as a percentage, a mean or a
    /// sum as an amount.
    pub fn show(self, v: f64) -> String {
        match self {
            MeasureKind::Share => crate::engine::format::percent(v),
            _ => crate::engine::format::amount(v),
        }
    }
}
