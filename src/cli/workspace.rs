//! The workspace a command names, loaded, with its database tables pulled to their local copies.

use std::path::Path;

use anyhow::Result;

use crate::engine::data::postgres::pull_sources;
use crate::engine::eval::session::Cache;
use crate::engine::rules::Workspace;
use crate::engine::rules::parse::load_workspace;

/// Load the workspace at `path`; each table it reads from a database is pulled when its local
/// copy is missing or out of date (always under `--no-cache`), with a progress line and Ctrl-C.
/// Notes (a server out of reach with a copy to fall back on, say) go to standard error.
pub fn load(path: &Path, cache: &Cache) -> Result<Workspace> {
    let ws = load_workspace(path)?;
    pull(&ws, *cache == Cache::Off)?;
    Ok(ws)
}

/// Pull the workspace's database tables that need it (all of them with `refresh`).
pub fn pull(ws: &Workspace, refresh: bool) -> Result<()> {
    if ws.data_files().iter().any(|f| f.db.is_some()) {
        let notes = super::progress::watched(|p| pull_sources(ws, refresh, p))?;
        for n in notes {
            eprintln!("warning: {n}");
        }
    }
    Ok(())
}
