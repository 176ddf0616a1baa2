//! The user's settings under the platform's config directory: `config.toml`, `keymap.toml`, `themes/`.

use std::path::{Path, PathBuf};

use crate::tui::view::theme::Theme;

/// `$XDG_CONFIG_HOME/strata` (else `~/.config/strata`) on Linux, the platform's place elsewhere.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "strata").map(|d| d.config_dir().to_path_buf())
}

/// Settings from `config.toml`; everything optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// A theme name: built-in, or a file `themes/NAME.toml` in the config directory.
    pub theme: Option<String>,
}

impl Config {
    pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| format!("{}: {}", path.display(), e.message()))?;
        let mut c = Config::default();
        for (k, v) in doc.iter() {
            match k {
                "theme" => {
                    c.theme = Some(
                        v.as_str()
                            .ok_or_else(|| {
                                format!("{}: theme must be a name in quotes", path.display())
                            })?
                            .to_string(),
                    )
                }
                other => {
                    return Err(format!(
                        "{}: unknown setting \"{other}\" (known: theme)",
                        path.display()
                    ));
                }
            }
        }
        Ok(c)
    }

    /// `config.toml` of a config directory (defaults when there is none).
    pub fn load(dir: Option<&Path>) -> Result<Config, String> {
        match dir.map(|d| d.join("config.toml")) {
            Some(p) if p.exists() => {
                let text =
                    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                Config::parse(&p, &text)
            }
            _ => Ok(Config::default()),
        }
    }
}

/// The theme to use: `NO_COLOR` gives mono; then the `--theme` flag, then `config.toml`; a name is
/// looked up in the config directory's `themes/` first (over the built-in defaults), then built in.
pub fn choose_theme(flag: Option<&str>, dir: Option<&Path>) -> Result<Theme, String> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::mono());
    }
    let cfg = Config::load(dir)?;
    let name = flag.map(str::to_string).or(cfg.theme);
    if let (Some(n), Some(d)) = (&name, dir) {
        let p = d.join("themes").join(format!("{n}.toml"));
        if p.exists() {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            return Theme::from_toml(n, &text).map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    Theme::choose(name.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_theme_and_user_theme_files() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(Some(d.path())).unwrap(), Config::default());
        std::fs::write(d.path().join("config.toml"), "theme = \"light\"\n").unwrap();
        if std::env::var_os("NO_COLOR").is_none() {
            assert_eq!(choose_theme(None, Some(d.path())).unwrap().name, "light");
            assert_eq!(
                choose_theme(Some("high-contrast"), Some(d.path()))
                    .unwrap()
                    .name,
                "high-contrast",
                "the flag wins over the file"
            );
            std::fs::create_dir_all(d.path().join("themes")).unwrap();
            std::fs::write(
                d.path().join("themes/mine.toml"),
                "accent = \"magenta bold\"\n",
            )
            .unwrap();
            assert_eq!(
                choose_theme(Some("mine"), Some(d.path())).unwrap().name,
                "mine"
            );
            std::fs::write(d.path().join("themes/bad.toml"), "acent = \"red\"\n").unwrap();
            let e = choose_theme(Some("bad"), Some(d.path())).unwrap_err();
            assert!(e.contains("bad.toml") && e.contains("acent"), "{e}");
        }
        std::fs::write(d.path().join("config.toml"), "colour = \"x\"\n").unwrap();
        let e = Config::load(Some(d.path())).unwrap_err();
        assert!(e.contains("unknown setting \"colour\""), "{e}");
    }
}
