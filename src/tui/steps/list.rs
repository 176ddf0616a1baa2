//! Step 1, List: every customer ranked by value, totals, and the Pareto curve with its 80/20 point.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use crate::engine::format::{amount, percent, thousands};
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::App;
use crate::tui::state::app::Prompt;
use crate::tui::state::effect::{Effect, Job};
use crate::tui::steps::id::StepId;
use crate::tui::steps::keys::On;
use crate::tui::steps::shared::{moved, open_measure};
use crate::tui::view::table::safe;
use crate::tui::view::table::{Col, table};
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "The list is where segmentation starts: every customer, ranked by the value they bring. \
Before splitting anyone, know how concentrated your value is.\n\n\
Look for: the Pareto curve. When the top 20 % of customers hold most of the value, losing a few of them hurts more than winning many small ones.\n\n\
Common mistakes: ranking by revenue without subtracting returns, and trusting a list where many orders have no customer id (run `strata audit`).";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let summary = summary(app, area.width, t);
    let head_h = (summary.len() as u16).min(area.height / 3);
    let [totals, body] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Fill(1)]).areas(area);
    f.render_widget(Paragraph::new(summary), totals);
    let wide = body.width >= 90;
    let [table_area, chart_area] = if wide {
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body)
    } else {
        Layout::vertical([Constraint::Fill(3), Constraint::Length(0)]).areas(body)
    };
    draw_ranking(f, table_area, app, t);
    if wide {
        draw_pareto(f, chart_area, app, t);
    }
}

/// Customers and total value, the 80/20 view, and what to know about the value.
fn summary(app: &App, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let r = &app.model.rules.ranking;
    let negative = r.negative;
    let mut text = vec![(
        format!(
            "{} customers · total value {}",
            thousands(app.model.data.n_customers as u64),
            amount(r.total)
        ),
        t.accent,
    )];
    text.push((
        format!(
            "top 20 % hold {} of value; {} of customers hold 80 %",
            percent(app.model.rules.pareto.top20_value_share),
            percent(app.model.rules.pareto.customer_share_for_80pct_value)
        ),
        t.text,
    ));
    for l in crate::tui::steps::valuation::value_lines(app, width) {
        text.push((l, t.warn));
    }
    // what a run would warn of, but what every step's line already says
    let shown = app
        .model
        .data
        .quality_line()
        .or_else(|| app.model.rules.alarm.clone());
    let warnings: Vec<&String> = (app.model.data.run_warnings().into_iter())
        .chain(&app.model.rules.value_note)
        .filter(|w| shown.as_ref().is_none_or(|l| !l.contains(w.as_str())))
        .collect();
    for w in warnings.iter().take(3) {
        text.push((format!("! {}", safe(w)), t.warn));
    }
    if warnings.len() > 3 {
        text.push((
            format!(
                "… and {} more (strata run prints them all)",
                warnings.len() - 3
            ),
            t.warn,
        ));
    }
    if negative > 0 {
        text.push((
            format!(
                "{} customers have a negative value (returns), so the running share passes 100 % before it ends there",
                thousands(negative as u64)
            ),
            t.dim,
        ));
    }
    text.iter()
        .flat_map(|(s, st)| {
            crate::tui::view::table::wrap(s, width, 0)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, *st)))
        })
        .collect()
}

/// The customers by value, the visible rows only.
fn draw_ranking(f: &mut Frame, table_area: Rect, app: &App, t: &Theme) {
    let r = &app.model.rules.ranking;
    // only the visible slice of rows is ever turned into text
    let height = table_area.height.saturating_sub(3) as usize;
    let (start, end) = crate::tui::view::table::window(app.nav.row, height, r.order.len());
    let share = |x: f64| if r.total != 0.0 { x / r.total } else { 0.0 };
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = (start..end)
        .map(|k| {
            let i = r.row_at(app.screens.list.sort, k);
            let rank = r.rank_of[i] as usize;
            let v = r.value.get(i).unwrap_or(0.0);
            // the value held by this customer and everyone ranked above them
            let cum = r.cumulative[rank];
            let cells = vec![
                thousands(rank as u64 + 1),
                safe(&r.ids.text_at(i).unwrap_or_default()),
                amount(v),
                percent(share(v)),
                percent(share(cum)),
            ];
            (cells, if k == app.nav.row { t.selected } else { t.text })
        })
        .collect();
    let n = thousands(r.order.len() as u64).len();
    let top = r.widest();
    let cols = [
        Col::number("rank", 1, n),
        Col::text("customer", 0).min(10),
        Col::number("value", 0, amount(top).chars().count() + 1),
        Col::number("share", 2, 7),
        Col::number("cumulative", 1, 8),
    ];
    let (table, _) = table(&cols, rows, table_area.width.saturating_sub(2), 0, t.header);
    // the title, and the key that sorts when there is room for it (never cut off midway)
    let mut title = format!(
        " customers {} ({}/{}) ",
        app.screens.list.sort.label(),
        thousands(app.nav.row as u64 + 1),
        thousands(r.order.len() as u64)
    );
    let hint = "— s sorts ";
    let room = usize::from(table_area.width.saturating_sub(2));
    if crate::tui::view::table::width(&title) as usize + hint.chars().count() <= room {
        title.push_str(hint);
    }
    let table = table.block(
        Block::bordered()
            .border_style(t.border)
            .title(Span::styled(title, t.header)),
    );
    f.render_widget(table, table_area);
}

/// The cumulative share of value over the share of customers, with the 20 % and 80 % points.
fn draw_pareto(f: &mut Frame, chart_area: Rect, app: &App, t: &Theme) {
    let r = &app.model.rules.ranking;
    let top20 = [(0.2, app.model.rules.pareto.top20_value_share)];
    let eighty = [(app.model.rules.pareto.customer_share_for_80pct_value, 0.8)];
    let datasets = vec![
        Dataset::default()
            .name("cumulative value")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.bar)
            .data(&r.curve),
        Dataset::default()
            .name("top 20 %")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(t.cut)
            .data(&top20),
        Dataset::default()
            .name("80 % of value")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(t.warn)
            .data(&eighty),
    ];
    let chart = Chart::new(datasets)
        .block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" Pareto curve ", t.header)),
        )
        .x_axis(
            Axis::default()
                .bounds([0.0, 1.0])
                .labels(["0", "customers", "100 %"])
                .style(t.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 1.0])
                .labels(["0", "50 %", "100 %"])
                .style(t.dim),
        );
    f.render_widget(chart, chart_area);
}

/// The List's screen.
const SCREEN: StepId = StepId::List;

/// The List's keys.
pub static KEYS: &[On] = &[
    On::always(Up),
    On::always(Down),
    On::always(PageUp),
    On::always(PageDown),
    On::always(Top),
    On::always(Bottom),
    On::named(
        Confirm,
        |_| true,
        "record",
        "the selected customer's record: every field",
    ),
    On::always(Search),
    On::named(Sort, |_| true, "", "sort: value ↓, value ↑, customer id"),
    On::always(Explain),
    On::always(Copy),
    On::always(EditValue),
    On::always(MaskPii),
];

/// The selected customer's id.
fn selected_id(app: &App) -> Option<String> {
    let r = &app.model.rules.ranking;
    (!r.order.is_empty())
        .then(|| {
            r.ids
                .text_at(r.row_at(app.screens.list.sort, app.nav.row.min(r.order.len() - 1)))
        })
        .flatten()
}

/// The List's own handling of its keys.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Up | Down | PageUp | PageDown | Top | Bottom => {
            app.nav.row = moved(app, app.nav.row, app.model.data.n_customers, a);
        }
        Confirm => {
            // the selected customer's record, every field
            if let Some(id) = selected_id(app) {
                return vec![Effect::Engine(Job::Record { id })];
            }
        }
        Explain => {
            if let Some(id) = selected_id(app) {
                return vec![Effect::Engine(Job::Explain { id })];
            }
        }
        Search => app.edit.prompt = Some(Prompt::Search(String::new())),
        Sort if app.model.data.n_customers > 0 => {
            // a new order is read from its top (the lowest value first, in "lowest first")
            app.screens.list.sort = app.screens.list.sort.next();
            app.nav.row = 0;
            app.status = format!("sorted {}", app.screens.list.sort.label());
        }
        Copy => {
            if let Some(id) = selected_id(app) {
                app.status = format!("copied customer id {id}");
                return vec![Effect::Copy { text: id }];
            }
        }
        EditValue => open_measure(app, false, None),
        MaskPii => crate::tui::steps::shared::mask_pii(app),
        _ => {}
    }
    vec![]
}

/// `/`: find a customer whose id contains the text, from the row after the selected one (or,
/// `back`, before it); an empty search repeats the last; an id typed whole goes to that
/// customer first. Jumps to the List.
pub fn search(app: &mut App, q: &str, back: bool) {
    let repeat = q.is_empty() || back || q == app.edit.last_search && app.nav.step == SCREEN;
    let q = if q.is_empty() {
        app.edit.last_search.clone()
    } else {
        q.to_string()
    };
    if q.is_empty() {
        return;
    }
    app.edit.last_search = q.clone();
    let r = &app.model.rules.ranking;
    let n = r.order.len();
    if n == 0 {
        return;
    }
    let from = match (app.nav.step == SCREEN, back) {
        (true, false) => app.nav.row + 1,
        (true, true) => app.nav.row + n - 1,
        (false, _) => 0,
    };
    let hit = |k: usize| {
        let i = r.row_at(app.screens.list.sort, k % n);
        r.ids.text_at(i).is_some_and(|id| id.contains(&q))
    };
    let total = (0..n).filter(|&k| hit(k)).count();
    let exact = (!repeat)
        .then(|| {
            (0..n)
                .find(|&k| r.ids.text_at(r.row_at(app.screens.list.sort, k)).as_deref() == Some(&q))
        })
        .flatten();
    let next = if back {
        (0..n).map(|d| (from + n - d) % n).find(|&k| hit(k))
    } else {
        (from..from + n).find(|&k| hit(k))
    };
    match exact.or(next) {
        Some(k) => {
            app.nav.step = SCREEN;
            app.nav.row = k % n;
            app.status = if total == 1 {
                "the one customer whose id contains it".into()
            } else {
                format!("{total} ids contain \"{q}\": ↑ ↓ in the search go to the others")
            };
        }
        None => app.status = format!("no customer id contains \"{q}\""),
    }
}
