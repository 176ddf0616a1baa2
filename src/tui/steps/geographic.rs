//! Step 4, Geographic: country, region, city, urban or rural, density, climate.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::rules::Step;
use crate::tui::state::app::App;
use crate::tui::steps::criteria;
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Geographic criteria split people by where they live: country, region, city, \
urban or rural, population density, climate. They decide delivery, language, seasons and which stores or channels reach people.\n\n\
Look for: places whose share of value is far above or below their share of customers.\n\n\
Common mistakes: mixing levels (a city and a country in one criterion), and groups so small that a campaign there costs more than it earns.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    criteria::draw(f, area, app, t, Step::Geographic);
}
