//! Step 5, Psychographic: lifestyle, values, attitudes, personality, social class.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::rules::Step;
use crate::tui::state::app::App;
use crate::tui::steps::criteria;
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Psychographic criteria split people by how they live and what they value: lifestyle, attitudes, \
personality, social class. The data often comes from surveys, so expect gaps.\n\n\
Look for: groups that buy differently even when their demographics look alike.\n\n\
Common mistakes: one answer listed in two groups (strata refuses that), and reading too much into groups of a few dozen people.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    criteria::draw(f, area, app, t, Step::Psychographic);
}
