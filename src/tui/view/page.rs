//! A page over the view: bordered, titled, scrolled, saying which lines it shows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::view::table::clip;
use crate::tui::view::theme::Theme;

/// A page over the view: `lines` from `scroll` (kept so that the last page is full), framed,
/// with what is above and below noted at the bottom.
pub fn page(
    f: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    scroll: u16,
    title: String,
    t: &Theme,
) {
    let h = area.height.saturating_sub(2) as usize;
    let top = (scroll as usize).min(lines.len().saturating_sub(h));
    let end = (top + h).min(lines.len());
    let note = crate::tui::view::table::rows_note(top, end, lines.len());
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines[top..end].to_vec()).block(
            Block::bordered()
                .border_style(t.accent)
                .title(Span::styled(
                    clip(&title, area.width.saturating_sub(2)),
                    t.header,
                ))
                .title_bottom(Span::styled(note, t.dim)),
        ),
        area,
    );
}
