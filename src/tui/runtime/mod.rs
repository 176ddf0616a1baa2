//! What runs the wizard: the engine's worker thread, the file watcher, the recovery file, settings, the clipboard.

pub mod clipboard;
pub mod config;
pub mod recovery;
pub mod watch;
pub mod worker;
