//! Results out: membership files, the summary JSON, SQL for other engines, and the run on a database server.

pub mod export;
pub mod membership;
pub mod report;
pub mod server;
pub mod sql;
pub mod summary;
