//! The title line over every screen: strata, the step, the strip of steps on narrow screens, the workspace file and what goes on meanwhile.

use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::STEP_LIST_MIN_W;
use crate::tui::state::app::App;
use crate::tui::steps::{Mark, mark};
use crate::tui::view::table::safe;
use crate::tui::view::theme::Theme;

/// The title line: strata, the step, (on narrow screens) the strip of steps with their marks,
/// and the workspace file, which gives way first.
pub(super) fn title_line(app: &App, width: u16, t: &Theme) -> Paragraph<'static> {
    let count = crate::tui::steps::id::COUNT;
    let mut spans = vec![Span::styled(" strata ", t.accent)];
    let narrow = width < STEP_LIST_MIN_W;
    if narrow {
        spans.push(Span::styled(
            format!(" {} ", app.nav.step.title()),
            t.header,
        ));
        spans.push(Span::raw(" "));
        for s in crate::tui::steps::STEPS.iter().map(|s| s.id) {
            let (m, st) = mark_style(app, s, t);
            let style = if s == app.nav.step { t.selected } else { st };
            spans.push(Span::styled(format!("{m}{}", s.index() + 1), style));
            spans.push(Span::raw(" "));
        }
    } else {
        spans.push(Span::styled(
            format!(
                " {} · step {} of {count} ",
                app.nav.step.title(),
                app.nav.step.index() + 1
            ),
            t.header,
        ));
    }
    // how old the pulled database tables are (the oldest), after the file name
    let age = app
        .model
        .data
        .pulled_age(app.now)
        .map(|w| format!(" · pulled {w} ago "))
        .unwrap_or_default();
    // while a large open's other columns are read, whatever the step and the status line
    let reading = match app.model.data.reading_late {
        true => " · reading the other columns… ",
        false => "",
    };
    let used: u16 = spans
        .iter()
        .map(|s| crate::tui::view::table::width(&s.content))
        .sum::<u16>()
        + crate::tui::view::table::width(&age)
        + crate::tui::view::table::width(reading);
    // the file name gives way first
    spans.push(Span::styled(
        crate::tui::view::table::clip(
            &format!(" {}", safe(&app.title)),
            width.saturating_sub(used),
        ),
        t.dim,
    ));
    if !age.is_empty() {
        spans.push(Span::styled(age, t.header));
    }
    if !reading.is_empty() {
        spans.push(Span::styled(reading, t.header));
    }
    Paragraph::new(Line::from(spans))
}

/// A step's mark in the step list or strip, and its style.
pub(super) fn mark_style(
    app: &App,
    s: crate::tui::steps::StepId,
    t: &Theme,
) -> (&'static str, ratatui::style::Style) {
    match mark(app, s) {
        Mark::Done => ("✓", t.good),
        Mark::Attention => ("!", t.bad),
        Mark::Todo => ("·", t.dim),
    }
}
