//! PostgreSQL tables as sources: the workspace entry, passwords, TLS, and the pull into a local copy.

pub mod client;
mod conn;
mod copy;
mod password;
pub mod pull;
pub mod source;
mod tls;

pub use pull::{Stamp, age_words, pull_sources, pulled, stamp_of};
pub use source::{DbSource, Read};
