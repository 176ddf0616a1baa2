//! Opening the wizard: on the built-in demo or a workspace, its first model and its engine.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::engine::data::demo::{DEMO_CUSTOMERS, DEMO_SEED, DEMO_WORKSPACE, demo_frames};
use crate::engine::data::postgres::pull_sources;
use crate::engine::data::profile::profile;
use crate::engine::data::progress::Progress;
use crate::engine::data::roles::suggest_all;
use crate::engine::eval::session::{Cache, Frames, STAGED_FROM_BYTES, Session};
use crate::engine::rules::parse::{load_workspace, parse_workspace};
use crate::tui::runtime::late::read_late;
use crate::tui::runtime::worker::Engine;
use crate::tui::state::app::{App, Model};
use crate::tui::update::READING_LATE;

/// What to open.
pub enum Source {
    Demo,
    Workspace(PathBuf),
}

/// Evaluate the source and build the app state and the engine.
pub fn prepare(source: &Source) -> Result<(App, Engine)> {
    prepare_watched(source, &Progress::default())
}

/// The same, reporting the load's progress into `progress` and stopping when it is cancelled.
pub fn prepare_watched(source: &Source, progress: &Progress) -> Result<(App, Engine)> {
    prepare_cached(source, progress, &Cache::Off)
}

/// The same, taking the tables from `cache` when it holds them (and keeping them there).
pub fn prepare_cached(
    source: &Source,
    progress: &Progress,
    cache: &Cache,
) -> Result<(App, Engine)> {
    prepare_pulling(source, progress, cache, false)
}

/// The same; with `pull`, the workspace's database tables are pulled again even when the
/// server says they did not change (the wizard's pull-again key).
pub fn prepare_pulling(
    source: &Source,
    progress: &Progress,
    cache: &Cache,
    pull: bool,
) -> Result<(App, Engine)> {
    prepare_staged(source, (progress, cache), pull, STAGED_FROM_BYTES)
}

/// The same, opening data files of `staged_from` bytes or more in two stages: the columns the
/// rules read before the first frame, the others read meanwhile (the engine takes them when
/// they are read, or first when a job may need them; the app fills in when they come).
pub fn prepare_staged(
    source: &Source,
    (progress, cache): (&Progress, &Cache),
    pull: bool,
    staged_from: u64,
) -> Result<(App, Engine)> {
    match source {
        Source::Demo => {
            let (c, o) = demo_frames(DEMO_CUSTOMERS, DEMO_SEED)?;
            let ws = parse_workspace(Path::new("demo.strata.toml"), DEMO_WORKSPACE)?;
            let profiles = profile(&c);
            let suggestions = suggest_all(&profiles);
            // the demo has no files: keep its tables for the transitions view
            let mut tables = Frames::from_dfs(&ws, Some(&c), Some(&o), &[])?;
            tables.interactive = true;
            let s = Session::from_tables(ws, tables.clone())?;
            let app = App::new(
                Model::new(&s, profiles, suggestions),
                None,
                "built-in demo (edits stay in memory)".into(),
            );
            let mut engine = Engine::new(s);
            engine.tables = Some(tables);
            Ok((app, engine))
        }
        Source::Workspace(p) => {
            let ws = load_workspace(p)?;
            // its database tables pulled to their local copies first (when out of date)
            let pulled = pull_sources(&ws, pull || *cache == Cache::Off, progress)?;
            // load once: the session and the Classify profiles share the tables (warm, the
            // evaluated customers the cache keeps stand in for them)
            let (mut s, profiles) =
                Session::open_for_wizard_from(ws, progress, cache, staged_from)?;
            s.warnings.extend(pulled);
            let timing = crate::engine::timing::Timing::new();
            let suggestions = suggest_all(&profiles);
            let model = Model::new(&s, profiles, suggestions);
            timing.mark("the wizard's model");
            let mut app = App::new(model, Some(p.clone()), p.display().to_string());
            // the columns the first frame did not need are read meanwhile
            s.base.read_rest_in_background();
            let late = s.take_late().map(read_late);
            if late.is_some() {
                app.status = READING_LATE.into();
                app.model.data.reading_late = true;
            }
            let mut engine = Engine::new(s);
            engine.cache = cache.clone();
            engine.late = late;
            Ok((app, engine))
        }
    }
}
