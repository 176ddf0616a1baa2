//! The interactive wizard: Elm-style (messages, a pure update, views that only read), engine on a worker.

pub mod input;
pub mod runtime;
pub mod state;
pub mod steps;
#[cfg(test)]
mod tests;
pub mod update;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind};

use input::message::{Action, CursorMove, Message};
use runtime::watch::Watch;
use runtime::worker::{Engine, Job, Worker};
use state::app::{App, Model};
use update::{Effect, update};
use view::theme::Theme;

use crate::engine::data::demo::{DEMO_CUSTOMERS, DEMO_SEED, DEMO_WORKSPACE, demo_frames};
use crate::engine::data::profile::profile;
use crate::engine::data::progress::Progress;
use crate::engine::data::roles::suggest_all;
use crate::engine::eval::session::{Cache, Frames, Session};
use crate::engine::rules::parse::{load_workspace, parse_workspace};
use crate::engine::rules::save::WorkspaceEditor;

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
            // load once: the session and the Classify profiles share the tables (warm, the
            // evaluated customers the cache keeps stand in for them)
            let (s, profiles) = Session::open_for_wizard(ws, progress, cache)?;
            let timing = crate::engine::timing::Timing::new();
            let suggestions = suggest_all(&profiles);
            let model = Model::new(&s, profiles, suggestions);
            timing.mark("the wizard's model");
            let app = App::new(model, Some(p.clone()), p.display().to_string());
            // the columns the first frame did not need are read meanwhile
            s.base.read_rest_in_background();
            let mut engine = Engine::new(s);
            engine.cache = cache.clone();
            Ok((app, engine))
        }
    }
}

/// Turn a key into a message: text prompts take characters, everything else goes through the keymap.
pub fn key_message(app: &App, key: &event::KeyEvent) -> Option<Message> {
    if app.edit.prompt.is_some() {
        return match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(event::KeyModifiers::CONTROL) => {
                Some(Message::Char(c))
            }
            KeyCode::Backspace => Some(Message::Backspace),
            KeyCode::Left => Some(Message::Cursor(CursorMove::Left)),
            KeyCode::Right => Some(Message::Cursor(CursorMove::Right)),
            KeyCode::Home => Some(Message::Cursor(CursorMove::Home)),
            KeyCode::End => Some(Message::Cursor(CursorMove::End)),
            KeyCode::Delete => Some(Message::Cursor(CursorMove::Delete)),
            KeyCode::Enter => Some(Message::Action(Action::Confirm)),
            KeyCode::Esc => Some(Message::Action(Action::Cancel)),
            // completes names in an edit prompt
            KeyCode::Tab => Some(Message::Action(Action::NextPane)),
            // the previous and next match of a search
            KeyCode::Up => Some(Message::Action(Action::Up)),
            KeyCode::Down => Some(Message::Action(Action::Down)),
            _ => None,
        };
    }
    app.prefs.keymap.action(key).map(Message::Action)
}

/// Change the workspace file (read fresh, so edits made elsewhere are kept, then written
/// atomically), and tell the watcher it was us (it waits while we write). True when saved, or
/// when there is no file (the built-in demo); false with the reason in the status line.
fn edit_file(
    app: &mut App,
    watch: Option<&Mutex<Watch>>,
    change: impl FnOnce(&mut WorkspaceEditor) -> crate::engine::Result<()>,
) -> bool {
    let Some(path) = &app.workspace else {
        return true;
    };
    let guard = watch.map(|w| w.lock().unwrap_or_else(|e| e.into_inner()));
    let saved = WorkspaceEditor::open(path).and_then(|mut ed| {
        change(&mut ed)?;
        ed.save()
    });
    if let Some(mut w) = guard {
        w.saved();
    }
    match saved {
        Ok(()) => true,
        Err(err) => {
            app.status = format!("could not save: {err}");
            false
        }
    }
}

/// Run effects: jobs to the worker, edits to the workspace file, the recovery file.
fn apply(app: &mut App, effects: Vec<Effect>, worker: &Worker, watch: Option<&Mutex<Watch>>) {
    for e in effects {
        match e {
            Effect::KeepRecovery(r) => {
                if let Some(path) = &app.workspace
                    && let Err(e) = runtime::recovery::store(path, r.as_ref())
                {
                    app.status = format!("could not keep the recovery file: {e}");
                }
            }
            Effect::Recompute {
                index,
                generation,
                criterion,
            } => worker.send(Job::Recompute {
                index,
                generation,
                criterion: *criterion,
            }),
            Effect::Explain { id } => worker.send(Job::Explain { id }),
            Effect::Record { id } => worker.send(Job::Record { id }),
            Effect::Reload { ws } => worker.send(Job::Reload { ws }),
            Effect::Frequency { column } => worker.send(Job::Frequency { column }),
            Effect::Predictive => worker.send(Job::Predictive),
            Effect::Export {
                criterion,
                segment,
                path,
            } => worker.send(Job::Export {
                criterion,
                segment,
                path,
            }),
            Effect::Propose { step, column } => worker.send(Job::Propose { step, column }),
            Effect::Transitions { from, to } => worker.send(Job::Transitions { from, to }),
            Effect::CancelLoad => worker.cancel_load(),
            // handled by the loop, which holds the terminal
            Effect::Suspend => {}
            Effect::Copy { text } => {
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = out.write_all(runtime::clipboard::osc52(&text).as_bytes());
                let _ = out.flush();
            }
            Effect::Save { criterion } => {
                edit_file(app, watch, |ed| ed.set_criterion_rule(&criterion));
            }
            Effect::Reopen => {
                if let Some(path) = app.workspace.clone() {
                    worker.send(Job::Reopen { path });
                }
            }
            Effect::FileOptions(options) => {
                edit_file(app, watch, |ed| {
                    for (entry, key, v) in &options {
                        ed.set_file_option(entry, key, v.as_deref())?;
                    }
                    Ok(())
                });
            }
            Effect::SetRole { key, column } => {
                if let Some(path) = app.workspace.clone()
                    && edit_file(app, watch, |ed| ed.set_role(&key, &column))
                {
                    worker.send(Job::Reopen { path });
                }
            }
            Effect::Restructure { edit, old } => {
                let saved = edit_file(app, watch, |ed| match (&edit, &old) {
                    (state::edit::StructEdit::Add(c), _) => ed.set_criterion_rule(c),
                    (state::edit::StructEdit::Rename { name, .. }, Some(o)) => {
                        ed.rename_criterion(o, name)
                    }
                    (state::edit::StructEdit::Delete { .. }, Some(o)) => ed.remove_criterion(o),
                    (state::edit::StructEdit::Measures { value, cost }, _) => {
                        for (key, v) in [("value", value), ("cost", cost)] {
                            match v {
                                Some(text) => ed.set(&["valuation"], key, text.as_str())?,
                                None => {
                                    ed.remove(&["valuation"], key)?;
                                }
                            }
                        }
                        Ok(())
                    }
                    (state::edit::StructEdit::Thresholds { customers, value }, _) => {
                        ed.set(&["valuation"], "min_customer_share", *customers)?;
                        ed.set(&["valuation"], "min_value_share", *value)
                    }
                    _ => Ok(()),
                });
                if saved {
                    worker.send(Job::Restructure(edit));
                }
            }
        }
    }
}

/// Everything that reaches the loop: keys and resizes (a thread reading the terminal), engine
/// results (the worker), the workspace changed on disk (a thread following the file), a signal
/// asking to end (a thread waiting for it): one channel, one `Message` type.
pub struct Inbox {
    pub tx: Sender<Message>,
    pub rx: Receiver<Message>,
}

impl Inbox {
    pub fn new() -> Inbox {
        let (tx, rx) = channel();
        Inbox { tx, rx }
    }
}

impl Default for Inbox {
    fn default() -> Self {
        Self::new()
    }
}

/// Read the terminal on a thread of its own: key presses and resizes into the loop's channel.
/// It waits for input a quarter second at a time rather than in one blocking read, because the
/// terminal library lets only one reader in at a time, and the main thread needs a turn when it
/// asks the terminal where its cursor is (after Ctrl-Z, to draw the screen again).
fn read_terminal(tx: Sender<Message>) {
    std::thread::spawn(move || {
        loop {
            let m = match event::poll(Duration::from_millis(250)).and_then(|ready| {
                if ready {
                    event::read().map(Some)
                } else {
                    Ok(None)
                }
            }) {
                Ok(Some(Event::Key(k))) if k.kind == KeyEventKind::Press => Message::Key(k),
                Ok(Some(Event::Resize(w, h))) => Message::Resize(w, h),
                Ok(_) => continue,
                // the terminal is gone: end as if q had been pressed (all is saved)
                Err(_) => {
                    let _ = tx.send(Message::Action(Action::Quit));
                    return;
                }
            };
            if tx.send(m).is_err() {
                return;
            }
        }
    });
}

/// Follow the workspace file on a thread of its own: another editor's save into the channel.
fn follow_file(watch: Arc<Mutex<Watch>>, tx: Sender<Message>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(runtime::watch::EVERY);
            let mut w = watch.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(text) = w.poll() {
                let m = Message::FileChanged {
                    path: w.path().to_path_buf(),
                    text,
                };
                if tx.send(m).is_err() {
                    return;
                }
            }
        }
    });
}

/// The main loop, generic over the backend. It blocks on the channel and draws only after
/// something arrived: idle, the wizard uses no CPU. While data is being read again it wakes
/// every 100 ms to show how far the read has got. `stop` is raised by SIGTERM or SIGHUP (an
/// SSH connection dropping), which also sends a message to wake the loop: it ends as if `q`
/// had been pressed. `beat` counts the loop's turns, for the watchdog.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    worker: &Worker,
    (theme, inbox): (&Theme, Inbox),
    stop: &AtomicBool,
    beat: &AtomicU64,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size()?;
    update(app, Message::Resize(size.width, size.height));
    let watch = app
        .workspace
        .as_deref()
        .map(|p| Arc::new(Mutex::new(Watch::new(p))));
    if let Some(w) = &watch {
        follow_file(Arc::clone(w), inbox.tx.clone());
    }
    read_terminal(inbox.tx.clone());
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        beat.fetch_add(1, Ordering::Relaxed);
        if dirty {
            terminal.draw(|f| view::draw(f, app, theme))?;
            dirty = false;
        }
        let loading = worker.loading();
        let reading = loading.is_some() || app.loading.is_some();
        let first = if reading {
            match inbox.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match inbox.rx.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            }
        };
        let mut msgs: Vec<Message> = first.into_iter().chain(inbox.rx.try_iter()).collect();
        if reading {
            msgs.push(Message::Loading(worker.loading()));
        }
        dirty |= !msgs.is_empty();
        for m in msgs {
            let effects = update(app, m);
            if effects.iter().any(|e| matches!(e, Effect::Suspend)) {
                suspend(terminal)?;
            }
            apply(app, effects, worker, watch.as_deref());
        }
    }
    Ok(())
}

#[cfg(unix)]
fn suspend<B: Backend>(terminal: &mut Terminal<B>) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    use ratatui::crossterm::{execute, terminal};
    ratatui::restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP).context("cannot suspend")?;
    terminal::enable_raw_mode()?;
    execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
    terminal.clear()?;
    Ok(())
}

/// Elsewhere there are no job stops: Ctrl-Z does nothing.
#[cfg(not(unix))]
fn suspend<B: Backend>(_: &mut Terminal<B>) -> Result<()> {
    Ok(())
}

/// The workspace as another editor saved it: its rules to load, or why the last good ones stay.
pub fn file_changed(app: &mut App, path: &Path, text: &str) -> Vec<Effect> {
    match parse_workspace(path, text) {
        Ok(ws) => {
            app.status = "the workspace changed on disk: loaded".into();
            vec![Effect::Reload { ws: Box::new(ws) }]
        }
        Err(e) => {
            app.status = format!(
                "the workspace on disk has a problem, the last good rules stay: {}",
                problem_in_short(&e)
            );
            vec![]
        }
    }
}

/// The first problem of a workspace as the status line says it: where, what, and the hint
/// (the file is the one on screen, so its name is left out).
fn problem_in_short(e: &crate::engine::error::EngineError) -> String {
    use crate::engine::error::EngineError;
    match e {
        EngineError::Workspace(d) if !d.is_empty() => {
            let x = &d[0];
            let mut s = match (x.line, x.column) {
                (Some(l), Some(c)) => format!("line {l}, column {c}: {}", x.message),
                _ => x.message.clone(),
            };
            if let Some(h) = &x.hint {
                s.push_str(&format!(" ({h})"));
            }
            if d.len() > 1 {
                s.push_str(&format!(", and {} more problems", d.len() - 1));
            }
            s
        }
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Whether the wizard can run here: standard input and output must both be a terminal.
pub fn have_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Open the wizard on a terminal on what `load` reads for `source` (the caller shows the
/// progress of that first load); the terminal is restored on exit and on panic.
pub fn run(
    source: Source,
    theme: Option<&str>,
    load: impl FnOnce(&Source) -> Result<(App, Engine)>,
) -> Result<()> {
    if !have_terminal() {
        anyhow::bail!(
            "the wizard needs a terminal (standard input and output are not one); use run, audit, check or explain in scripts"
        );
    }
    let theme = runtime::config::choose_theme(theme, runtime::config::config_dir().as_deref())
        .map_err(anyhow::Error::msg)?;
    let keymap = input::keymap::load_user_keymap().map_err(anyhow::Error::msg)?;
    let (mut app, engine) = load(&source)?;
    if let Source::Workspace(p) = &source {
        runtime::recovery::offer(&mut app, p);
        app.recovery_written = state::recovery::record(&app);
    }
    app.prefs.keymap = keymap;
    let inbox = Inbox::new();
    let worker = Worker::spawn(engine, inbox.tx.clone());
    // every edit is saved as it is made, so a signal only has to end the loop and restore the
    // terminal: it raises `stop` and wakes the loop
    let stop = Arc::new(AtomicBool::new(false));
    for &sig in ENDING_SIGNALS {
        signal_hook::flag::register(sig, Arc::clone(&stop)).context("cannot listen for signals")?;
    }
    let mut signals =
        signal_hook::iterator::Signals::new(ENDING_SIGNALS).context("cannot listen for signals")?;
    let wake = inbox.tx.clone();
    std::thread::spawn(move || {
        for _ in signals.forever() {
            let _ = wake.send(Message::Action(Action::Quit));
        }
    });
    let mut terminal = ratatui::try_init().context("cannot start the wizard on this terminal")?;
    // fault injection for the end-to-end tests: a panic once the first frame is on screen
    if std::env::var("STRATA_FAULT").is_ok_and(|v| v == "panic") {
        terminal.draw(|f| view::draw(f, &app, &theme))?;
        panic!("injected fault (STRATA_FAULT=panic)");
    }
    let beat = Arc::new(AtomicU64::new(0));
    watchdog(Arc::clone(&stop), Arc::clone(&beat));
    let result = event_loop(
        &mut terminal,
        &mut app,
        &worker,
        (&theme, inbox),
        &stop,
        &beat,
    );
    ratatui::restore();
    result
}

/// Signals that end the wizard tidily: termination, and on Unix the terminal hanging up.
#[cfg(unix)]
const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP];
#[cfg(not(unix))]
const ENDING_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM];

/// Whether standard input is a terminal device that no longer exists (Linux: its `/proc` link
/// says "(deleted)"); elsewhere unknown, and the watchdog relies on the signals alone.
fn stdin_terminal_gone() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_link("/proc/self/fd/0")
            .is_ok_and(|p| p.to_string_lossy().ends_with("(deleted)"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// When the terminal is gone (an SSH connection dropped, the emulator closed), the terminal
/// library can spin on end-of-input inside its read and never return to the loop, so neither a
/// signal nor anything else would end the process. The watchdog ends it: if the loop has not
/// turned for three seconds and a hang-up or termination was signalled, or standard input is a
/// terminal that no longer exists. Every edit is already saved and a half-typed one is in the
/// recovery file, so nothing is lost.
fn watchdog(stop: Arc<AtomicBool>, beat: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        let mut last = (beat.load(Ordering::Relaxed), std::time::Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = beat.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, std::time::Instant::now());
                continue;
            }
            let stuck = last.1.elapsed() > Duration::from_secs(3);
            if stuck && (stop.load(Ordering::Relaxed) || stdin_terminal_gone()) {
                // the main thread is stuck in a read that will never return, so nothing can
                // unwind to main: ending here is the only way out
                #[allow(clippy::exit)]
                std::process::exit(0);
            }
        }
    });
}
