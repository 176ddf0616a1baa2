//! Step 3, Demographic: age, gender, education, income, family.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::rules::Step;
use crate::tui::state::app::App;
use crate::tui::steps::criteria;
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Demographic criteria split people by who they are: age, gender, income, education, family. \
They are easy to act on because ad platforms and mailing lists target by them.\n\n\
Look for: segments whose share of value differs from their share of customers, not just in size. If every age band spends the same, age is not a useful lever.\n\n\
Common mistakes: cut points at round numbers nobody checked (nudge them with + and − and watch the table), \
and forgetting the customers with no age at all: they land in 'otherwise'.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    criteria::draw(f, area, app, t, Step::Demographic);
}
