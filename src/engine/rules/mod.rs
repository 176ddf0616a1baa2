//! Rules: the workspace file (model, parsing, saving) and checking it against the data.

pub mod check;
pub mod condition;
pub mod parse;
pub mod presets;
pub mod save;
pub mod scaffold;
pub mod workspace;

pub use workspace::*;
