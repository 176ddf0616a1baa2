//! Colours and styles, from TOML theme files over a built-in dark default; `NO_COLOR` means mono.

use ratatui::style::{Color, Modifier, Style};

/// The styles every view uses.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub dim: Style,
    pub accent: Style,
    pub header: Style,
    pub selected: Style,
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    pub border: Style,
    pub bar: Style,
    pub cut: Style,
}

pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../../themes/mono.toml")),
];

fn color(s: &str) -> Option<Color> {
    s.parse::<Color>().ok()
}

fn style(spec: &str) -> Style {
    // "fg on bg bold underline reversed"
    let mut st = Style::default();
    let mut words = spec.split_whitespace().peekable();
    while let Some(w) = words.next() {
        match w {
            "bold" => st = st.add_modifier(Modifier::BOLD),
            "dim" => st = st.add_modifier(Modifier::DIM),
            "italic" => st = st.add_modifier(Modifier::ITALIC),
            "underline" => st = st.add_modifier(Modifier::UNDERLINED),
            "reversed" => st = st.add_modifier(Modifier::REVERSED),
            "on" => {
                if let Some(c) = words.next().and_then(color) {
                    st = st.bg(c);
                }
            }
            c => {
                if let Some(c) = color(c) {
                    st = st.fg(c);
                }
            }
        }
    }
    st
}

impl Theme {
    /// Parse a theme file; missing keys keep the defaults.
    pub fn from_toml(name: &str, text: &str) -> Result<Theme, String> {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| format!("theme {name}: {}", e.message()))?;
        let mut t = Theme::mono();
        t.name = name.to_string();
        for (k, v) in doc.iter() {
            let Some(spec) = v.as_str() else {
                return Err(format!(
                    "theme {name}: {k} must be a style text like \"cyan bold\""
                ));
            };
            let s = style(spec);
            match k {
                "text" => t.text = s,
                "dim" => t.dim = s,
                "accent" => t.accent = s,
                "header" => t.header = s,
                "selected" => t.selected = s,
                "good" => t.good = s,
                "warn" => t.warn = s,
                "bad" => t.bad = s,
                "border" => t.border = s,
                "bar" => t.bar = s,
                "cut" => t.cut = s,
                other => return Err(format!("theme {name}: unknown key \"{other}\"")),
            }
        }
        Ok(t)
    }

    /// No colours at all: structure by weight and reverse video only.
    pub fn mono() -> Theme {
        let d = Style::default();
        Theme {
            name: "mono".into(),
            text: d,
            dim: d.add_modifier(Modifier::DIM),
            accent: d.add_modifier(Modifier::BOLD),
            header: d.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: d.add_modifier(Modifier::REVERSED),
            good: d,
            warn: d.add_modifier(Modifier::BOLD),
            bad: d.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            border: d,
            bar: d,
            cut: d.add_modifier(Modifier::BOLD),
        }
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, t)| Theme::from_toml(n, t).ok())
    }

    /// The theme to use: `NO_COLOR` wins, then the requested name, then dark.
    pub fn choose(requested: Option<&str>) -> Result<Theme, String> {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Ok(Theme::mono());
        }
        match requested {
            None => Ok(Theme::builtin("dark").unwrap_or_else(Theme::mono)),
            Some(n) => Theme::builtin(n).ok_or_else(|| {
                format!(
                    "unknown theme \"{n}\"; built-in themes: {}",
                    BUILTIN.iter().map(|b| b.0).collect::<Vec<_>>().join(", ")
                )
            }),
        }
    }
}
