//! The interactive wizard: Elm-style (messages, a pure update, views that only read), engine on a worker.

pub mod input;
pub mod runtime;
pub mod state;
pub mod steps;
#[cfg(test)]
mod tests;
pub mod update;
pub mod view;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};

pub use runtime::open::{
    Source, prepare, prepare_cached, prepare_pulling, prepare_staged, prepare_watched,
};
pub use runtime::{Inbox, event_loop};
pub use update::keys::key_message;
pub use update::reload::file_changed;

use input::message::{Action, Message};
use runtime::signals::{ENDING_SIGNALS, watchdog};
use runtime::worker::{Engine, Worker};
use state::app::App;

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
        app.recovery_written = state::recovery::unfinished(&app);
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
    let (alarm, alarmed) = std::sync::mpsc::channel();
    watchdog(alarmed);
    std::thread::spawn(move || {
        for _ in signals.forever() {
            let _ = wake.send(Message::Action(Action::Quit));
            let _ = alarm.send(());
        }
    });
    let mut terminal = ratatui::try_init().context("cannot start the wizard on this terminal")?;
    // fault injection for the end-to-end tests: a panic once the first frame is on screen
    if std::env::var("STRATA_FAULT").is_ok_and(|v| v == "panic") {
        terminal.draw(|f| view::draw(f, &app, &theme))?;
        panic!("injected fault (STRATA_FAULT=panic)");
    }
    let result = event_loop(&mut terminal, &mut app, &worker, (&theme, inbox), &stop);
    ratatui::restore();
    result
}
