//! Step 7, Benefits: what customers look for — low price, quality, features, service, convenience.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::rules::Step;
use crate::tui::state::app::App;
use crate::tui::steps::criteria;
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Benefit criteria split people by what they want from you: a low price, quality, features, \
service or convenience. The same product is sold with a different message to each.\n\n\
Look for: what people do as well as what they say. A customer who buys only on discount is a deal seeker whatever the survey says.\n\n\
Common mistakes: rules that overlap without meaning to; the order of the rules decides who wins (see the Exclusivity check).";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    criteria::draw(f, area, app, t, Step::Benefits);
}
