//! What runs the wizard: the engine's worker thread, the file watcher, the recovery file, settings, the clipboard.

pub mod clipboard;
pub mod config;
pub mod effects;
pub mod open;
pub mod recovery;
pub mod signals;
pub mod watch;
pub mod worker;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::tui::input::message::{Action, Message};
use crate::tui::runtime::effects::{Outside, apply};
use crate::tui::runtime::watch::Watch;
use crate::tui::runtime::worker::Worker;
use crate::tui::state::app::App;
use crate::tui::state::effect::Effect;
use crate::tui::update::update;
use crate::tui::view::theme::Theme;

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
            std::thread::sleep(crate::tui::runtime::watch::EVERY);
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
            terminal.draw(|f| crate::tui::view::draw(f, app, theme))?;
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
            let out = Outside {
                workspace: app.workspace.as_deref(),
                worker,
                watch: watch.as_deref(),
                tx: &inbox.tx,
            };
            apply(&out, effects);
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
