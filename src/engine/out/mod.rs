//! Results out: membership files, the summary JSON and SQL for other engines.

pub mod export;
pub mod membership;
pub mod report;
pub mod sql;
pub mod summary;
