//! A key as the terminal gave it, made a message: typed text in a prompt, else an action.

use ratatui::crossterm::event::{self, KeyCode};

use crate::tui::input::message::{Action, CursorMove, Message};
use crate::tui::state::app::App;

/// Turn a key into a message: text prompts take characters, everything else goes through the keymap.
pub fn key_message(app: &App, key: &event::KeyEvent) -> Option<Message> {
    if app.edit.prompt.is_some() {
        // the keys of a shell's line: Ctrl-U, Ctrl-W, Ctrl-A, Ctrl-E, and Ctrl-C cancels
        if key.modifiers.contains(event::KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('u') => Some(Message::Cursor(CursorMove::ClearToStart)),
                KeyCode::Char('w') => Some(Message::Cursor(CursorMove::DeleteWord)),
                KeyCode::Char('a') => Some(Message::Cursor(CursorMove::Home)),
                KeyCode::Char('e') => Some(Message::Cursor(CursorMove::End)),
                KeyCode::Char('c') => Some(Message::Action(Action::Cancel)),
                _ => None,
            };
        }
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
