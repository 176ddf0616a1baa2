//! Keys to actions: built-in defaults, with a user's TOML keymap layered on top.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::input::action::Action;

/// A key as written in keymap files: `q`, `ctrl-r`, `up`, `pagedown`, `tab`, `?`.
pub fn parse_key(s: &str) -> Option<(KeyCode, KeyModifiers)> {
    let (mods, key) = match s.strip_prefix("ctrl-") {
        Some(k) => (KeyModifiers::CONTROL, k),
        None => (KeyModifiers::NONE, s),
    };
    let code = match key.to_lowercase().as_str() {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "delete" => KeyCode::Delete,
        _ if key.chars().count() == 1 => KeyCode::Char(key.chars().next()?),
        _ => return None,
    };
    Some((code, mods))
}

/// Display form of a key for the footer and help.
pub fn show_key(code: KeyCode, mods: KeyModifiers) -> String {
    let k = match code {
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("C-{k}")
    } else {
        k
    }
}

/// The user's keymap file: `keymap.toml` in the config directory (`$XDG_CONFIG_HOME/strata`,
/// else `~/.config/strata` on Linux).
pub fn user_keymap_path() -> Option<std::path::PathBuf> {
    crate::tui::runtime::config::config_dir().map(|d| d.join("keymap.toml"))
}

/// Built-in keys, overlaid with the user's keymap file when there is one.
pub fn load_user_keymap() -> Result<Keymap, String> {
    match user_keymap_path() {
        Some(p) if p.exists() => {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            Keymap::with_overrides(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
        _ => Ok(Keymap::default()),
    }
}

/// The active keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<(KeyCode, KeyModifiers), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let map = crate::tui::input::actions::default_keys()
            .filter_map(|(k, a)| parse_key(k).map(|k| (k, a)))
            .collect();
        Keymap { map }
    }
}

impl Keymap {
    /// Defaults overlaid with `[keys]` from a TOML text: `quit = "Q"` or `quit = ["Q", "ctrl-q"]`.
    pub fn with_overrides(text: &str) -> Result<Keymap, String> {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| e.to_string())?;
        let mut km = Keymap::default();
        let Some(keys) = doc.get("keys").and_then(|k| k.as_table_like()) else {
            return Ok(km);
        };
        for (name, item) in keys.iter() {
            let action = crate::tui::input::actions::by_name(name)
                .ok_or_else(|| format!("unknown action \"{name}\" in the keymap"))?;
            let list: Vec<String> = match item.as_value() {
                Some(toml_edit::Value::String(s)) => vec![s.value().clone()],
                Some(toml_edit::Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => return Err(format!("keys.{name}: give a key or a list of keys")),
            };
            km.map.retain(|_, a| *a != action);
            for k in list {
                let key =
                    parse_key(&k).ok_or_else(|| format!("keys.{name}: unknown key \"{k}\""))?;
                km.map.insert(key, action);
            }
        }
        Ok(km)
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let mods = ev.modifiers & KeyModifiers::CONTROL;
        self.map.get(&(ev.code, mods)).copied()
    }

    /// The keys bound to an action, for the footer and help.
    pub fn keys_for(&self, a: Action) -> Vec<String> {
        let mut v: Vec<String> = self
            .map
            .iter()
            .filter(|(_, x)| **x == a)
            .map(|((c, m), _)| show_key(*c, *m))
            .collect();
        v.sort_by_key(|s| (s.chars().count(), s.clone()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    #[test]
    fn user_keys_replace_the_defaults_of_an_action() {
        let km =
            Keymap::with_overrides("[keys]\nquit = [\"Q\", \"ctrl-q\"]\nhelp = \"h\"\n").unwrap();
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.action(&key('Q')), Some(Action::Quit));
        assert_eq!(
            km.action(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(km.action(&key('q')), None, "the default q no longer quits");
        assert_eq!(km.action(&key('h')), Some(Action::Help));
        assert!(
            Keymap::with_overrides("[keys]\nfly = \"f\"\n")
                .unwrap_err()
                .contains("unknown action")
        );
        // the steps by their number: step3 is the third step's jump, and there is no tenth
        let km = Keymap::with_overrides("[keys]\nstep3 = \"ctrl-t\"\n").unwrap();
        assert_eq!(
            km.action(&KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL)),
            Some(Action::GoTo(2))
        );
        assert_eq!(km.action(&key('3')), None);
        assert_eq!(km.action(&key('4')), Some(Action::GoTo(3)));
        assert!(
            Keymap::with_overrides("[keys]\nstep10 = \"x\"\n")
                .unwrap_err()
                .contains("unknown action")
        );
        assert!(
            Keymap::with_overrides("[keys]\nquit = \"hyperkey\"\n")
                .unwrap_err()
                .contains("unknown key")
        );
    }
}
