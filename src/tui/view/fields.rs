//! The names an edit can use, shown beside the edit box: the fields that start like the word being
//! typed, each with its type and an example value.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::engine::eval::frame::DType;
use crate::tui::state::app::App;
use crate::tui::state::prompt::EditPrompt;
use crate::tui::update::authoring::word_start;
use crate::tui::view::table::{clip, pad, rows_note, width};
use crate::tui::view::theme::Theme;

/// What the edit can take, in a box above it: the fields for a condition, a value, a cost or a
/// new criterion; the characteristics for a Classify edit; nothing for the others.
pub fn draw_names(f: &mut Frame, above: Rect, app: &App, p: &EditPrompt, t: &Theme) {
    use crate::tui::state::prompt::Target;
    match p.target {
        Target::Condition(_) | Target::Value | Target::Cost | Target::NewFrom => {
            draw_fields(f, above, app, p, t)
        }
        Target::Characteristic => draw_characteristics(f, above, p, t),
        _ => {}
    }
}

/// The names an edit can use, beside the edit box: the fields that start like the word being
/// typed (all of them before a word is begun), each with its type and an example value.
pub fn draw_fields(f: &mut Frame, area: Rect, app: &App, p: &EditPrompt, t: &Theme) {
    let chars: Vec<char> = p.text.chars().collect();
    let cursor = p.cursor.min(chars.len());
    let start = word_start(&chars, cursor);
    let word: String = chars[start..cursor]
        .iter()
        .collect::<String>()
        .to_lowercase();
    let fits: Vec<&(String, DType)> = app
        .model
        .rules
        .fields
        .iter()
        .filter(|f| f.0.to_lowercase().starts_with(&word))
        .collect();
    let h = (fits.len() as u16 + 2).min(area.height.min(10));
    let w = area.width.min(56);
    if h < 3 || w < 24 {
        return;
    }
    let r = Rect {
        x: area.x + area.width - w,
        y: area.y + area.height - h,
        width: w,
        height: h,
    };
    let name_w = fits
        .iter()
        .map(|f| width(&f.0))
        .max()
        .unwrap_or(0)
        .min(w / 2);
    let shown = (h - 2) as usize;
    let lines: Vec<Line> = fits
        .iter()
        .take(shown)
        .map(|(name, ty)| {
            let example = app
                .model
                .data
                .profiles
                .iter()
                .find(|p| &p.name == name)
                .and_then(|p| p.samples.first())
                .map(|s| format!(" e.g. {}", app.shown(name, s)))
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(
                    format!("{} ", pad(&crate::tui::view::table::safe(name), name_w)),
                    t.accent,
                ),
                Span::styled(
                    clip(
                        &format!("{}{example}", ty.name()),
                        w.saturating_sub(name_w + 3),
                    ),
                    t.dim,
                ),
            ])
        })
        .collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" names you can use (Tab) ", t.header))
                .title_bottom(Span::styled(
                    rows_note(0, shown.min(fits.len()), fits.len()),
                    t.dim,
                )),
        ),
        r,
    );
}

/// The characteristics a Classify edit can take, beside the edit box: those that start like
/// what is typed (all of them while the suggestion is still selected), as one wrapped list.
pub fn draw_characteristics(f: &mut Frame, area: Rect, p: &EditPrompt, t: &Theme) {
    let fits = crate::engine::rules::characteristics::Characteristic::starting_with(&p.typed());
    let w = area.width.min(60);
    let lines = crate::tui::view::table::wrap(&fits.join(" · "), w.saturating_sub(2), 0);
    let h = (lines.len() as u16 + 2).min(area.height);
    if fits.is_empty() || h < 3 || w < 24 {
        return;
    }
    let r = Rect {
        x: area.x + area.width - w,
        y: area.y + area.height - h,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .map(|l| Line::from(Span::styled(l, t.accent)))
                .collect::<Vec<_>>(),
        )
        .block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" characteristics (Tab completes) ", t.header)),
        ),
        r,
    );
}
