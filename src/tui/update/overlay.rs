//! What is open over the step takes every key: the help, the teach page, a page the engine
//! filled. Its own keys scroll it, sort it or close it; any other key does nothing to the
//! screen behind it, and the status line says how to close it.

use crate::tui::input::message::Action;
use crate::tui::state::app::{App, Page, SegmentSort};
use crate::tui::state::effect::Effect;

/// What is open over the step, topmost first (as drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Teach,
    Explain,
    Record,
    Frequency,
    Predictive,
}

impl Overlay {
    /// The overlay on top, if one is open.
    pub fn on_top(app: &App) -> Option<Overlay> {
        if app.show_help {
            return Some(Overlay::Help);
        }
        if app.teach_overlay {
            return Some(Overlay::Teach);
        }
        app.page.as_ref().map(|p| match p {
            Page::Explain(_) => Overlay::Explain,
            Page::Record(..) => Overlay::Record,
            Page::Frequency(..) => Overlay::Frequency,
            Page::Predictive => Overlay::Predictive,
        })
    }

    /// What the status line calls it.
    fn name(self) -> &'static str {
        match self {
            Overlay::Help => "the keys",
            Overlay::Teach => "the teach text",
            Overlay::Explain => "the explanation",
            Overlay::Record => "the customer's record",
            Overlay::Frequency => "the frequency table",
            Overlay::Predictive => "the predictive models",
        }
    }

    /// Whether `a` is one of its own keys (besides scrolling, closing and quitting).
    fn takes(self, a: Action) -> bool {
        match self {
            Overlay::Frequency => a == Action::Sort,
            Overlay::Explain | Overlay::Record => a == Action::MaskPii,
            Overlay::Teach => a == Action::Teach,
            Overlay::Help | Overlay::Predictive => false,
        }
    }
}

/// A key while `o` is open: scrolling, its own keys, `?` (the keys over it), Esc (closes the
/// top), `q`, Ctrl-Z; anything else is refused with a word on how to close it.
pub fn key(app: &mut App, o: Overlay, a: Action) -> Vec<Effect> {
    use Action::*;
    match a {
        Quit => app.quit = true,
        Suspend => return vec![Effect::Suspend],
        Cancel => close(app, o),
        Help if o == Overlay::Help => app.show_help = false,
        Help => {
            app.show_help = true;
            app.nav.explain_scroll = 0;
        }
        Up | Down | PageUp | PageDown | Top | Bottom => scroll(app, a),
        Sort if o.takes(a) => sort_frequencies(app),
        MaskPii if o.takes(a) => crate::tui::steps::shared::mask_pii(app),
        Teach if o.takes(a) => {
            app.teach_overlay = false;
            app.prefs.show_teach = false;
        }
        _ => {
            let close = if o == Overlay::Teach {
                "t or Esc"
            } else {
                "Esc"
            };
            app.status = format!(
                "{} is open: {close} closes it first (j k scroll it)",
                o.name()
            );
        }
    }
    vec![]
}

/// Esc: the overlay on top goes (a page takes a proposal made meanwhile with it).
fn close(app: &mut App, o: Overlay) {
    match o {
        Overlay::Help => app.show_help = false,
        Overlay::Teach => app.teach_overlay = false,
        _ => {
            app.page = None;
            app.edit.proposal = None;
        }
    }
}

/// The frequency table in its next order: customers, value, name.
fn sort_frequencies(app: &mut App) {
    if let Some(Page::Frequency(_, rows, sort)) = &mut app.page {
        *sort = match sort {
            SegmentSort::Customers => SegmentSort::Value,
            SegmentSort::Value => SegmentSort::Name,
            SegmentSort::Name => SegmentSort::Customers,
        };
        crate::tui::view::pages::sort_frequencies(rows, *sort);
    }
}

/// The moving keys scroll the overlay on top (End shows its last page).
fn scroll(app: &mut App, a: Action) {
    use Action::*;
    let Some(n) = crate::tui::view::pages::popup_lines(app) else {
        return;
    };
    let rows = crate::tui::view::pages::rows(app);
    let (last, page) = (n.saturating_sub(rows) as u16, rows.max(1) as u16);
    let s = if app.teach_overlay && !app.show_help {
        &mut app.nav.teach_scroll
    } else {
        &mut app.nav.explain_scroll
    };
    *s = match a {
        Up => s.saturating_sub(1),
        Down => (*s + 1).min(last),
        PageUp => s.saturating_sub(page),
        PageDown => (*s + page).min(last),
        Top => 0,
        _ => last,
    };
}
