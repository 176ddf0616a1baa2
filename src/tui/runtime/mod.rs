//! What runs the wizard: the engine's worker thread, the file watcher, the recovery file, settings, the clipboard.

pub mod clipboard;
pub mod config;
pub mod effects;
pub mod late;
pub mod open;
pub mod recovery;
pub mod signals;
pub mod watch;
pub mod worker;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

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
/// The thread blocks in the read; when the terminal is gone it ends the app as if `q` had been
/// pressed (all is saved).
fn read_terminal(tx: Sender<Message>) {
    std::thread::spawn(move || {
        loop {
            let m = match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Message::Key(k),
                Ok(Event::Resize(w, h)) => Message::Resize(w, h),
                Ok(_) => continue,
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

/// How often an idle wizard over pulled database tables draws the age of its copies again.
const AGE_REDRAWN_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The main loop, generic over the backend. It blocks on the channel and draws only after
/// something arrived: idle, the wizard uses no CPU (while data is read again, the worker sends
/// its progress as messages; over pulled database tables it wakes every few seconds and draws
/// again when their age as shown changed). `stop` is raised by SIGTERM or SIGHUP (an
/// SSH connection dropping), which also sends a message to wake the loop: it ends as if `q`
/// had been pressed.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    worker: &Worker,
    (theme, inbox): (&Theme, Inbox),
    stop: &AtomicBool,
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
    // kept alive while the loop runs: dropping it stops following the file
    let _following = watch
        .as_ref()
        .and_then(|w| crate::tui::runtime::watch::follow(Arc::clone(w), inbox.tx.clone()));
    read_terminal(inbox.tx.clone());
    let mut dirty = true;
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    // the age of the pulled tables as last drawn
    let mut drawn_age = None;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        if dirty {
            app.now = now();
            terminal.draw(|f| crate::tui::view::draw(f, app, theme))?;
            drawn_age = app.model.data.pulled_age(app.now);
            dirty = false;
        }
        // with database tables pulled, the title's "pulled … ago" is kept current: the loop
        // wakes every few seconds and draws again when the age shown has changed (else it
        // sleeps until something arrives)
        let first = if app.model.data.pulled.is_empty() {
            inbox.rx.recv().ok()
        } else {
            match inbox.rx.recv_timeout(AGE_REDRAWN_EVERY) {
                Ok(m) => Some(m),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    dirty = app.model.data.pulled_age(now()) != drawn_age;
                    continue;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
            }
        };
        let Some(first) = first else {
            break;
        };
        let msgs: Vec<Message> = std::iter::once(first).chain(inbox.rx.try_iter()).collect();
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
    // the screen cleared and everything drawn again on the next frame: a blank buffer as the
    // last one drawn. (Not `Terminal::clear`, which asks the terminal where its cursor is: an
    // answer the input thread, blocked reading the terminal, would stand in the way of.)
    use ratatui::backend::ClearType;
    terminal.backend_mut().clear_region(ClearType::All)?;
    terminal.current_buffer_mut().reset();
    terminal.swap_buffers();
    Ok(())
}

/// Elsewhere there are no job stops: Ctrl-Z does nothing.
#[cfg(not(unix))]
fn suspend<B: Backend>(_: &mut Terminal<B>) -> Result<()> {
    Ok(())
}
