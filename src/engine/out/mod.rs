//! Results out: membership files and the summary JSON.

pub mod membership;
pub mod summary;
