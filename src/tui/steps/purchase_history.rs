//! Step 6, Purchase history: derived fields, RFM cut points and counts per score, and its criteria.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};

use crate::engine::format::thousands;
use crate::engine::rules::Step;
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::App;
use crate::tui::state::effect::{Effect, Job};
use crate::tui::steps::criteria;
use crate::tui::steps::keys::On;
use crate::tui::view::table::{Col, clip, more_note, table};
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Purchase history splits people by what they did: how recently, how often and how much they bought, \
through which channel. RFM scores rank buyers 1 (low) to 5 (high) on each.\n\n\
Look for: champions (high on all three), customers who used to buy a lot but stopped (at risk), and one-time buyers.\n\n\
RFM looks back. P fits two models that look ahead: p_alive (is this customer still buying?), \
expected_purchases and predicted_value over a horizon; N then at_risk makes a criterion from them.\n\n\
Common mistakes: reading scores as absolute (a 5 only means the top fifth here), and ties: when many customers share a value, \
equal customers can land in different scores.";

/// Short numbers for narrow cells: whole numbers from 100 on.
fn num(v: f64) -> String {
    let r = if v.abs() >= 100.0 {
        v.round()
    } else {
        (v * 100.0).round() / 100.0
    };
    crate::engine::format::plain_number(r)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    // the score table when there is room beside the criteria (16 rows), else one line
    let full = app
        .model
        .rules
        .scores
        .first()
        .map_or(0, |s| s.counts.len() as u16 + 3);
    let score_h = match full {
        0 => 0,
        h if area.height >= h + 16 => h,
        _ => 1,
    };
    let [scores_area, rest] =
        Layout::vertical([Constraint::Length(score_h), Constraint::Fill(1)]).areas(area);
    if score_h == 1 {
        draw_score_line(f, scores_area, app, t);
    } else if !app.model.rules.scores.is_empty() {
        draw_score_table(f, scores_area, app, t);
    }
    criteria::draw(f, rest, app, t, Step::PurchaseHistory);
}

/// How many warnings the RFM scores carry (ties that collapse or split scores).
fn tie_warnings(app: &App) -> usize {
    app.model
        .rules
        .scores
        .iter()
        .map(|s| s.warnings.len())
        .sum()
}

/// "1 tie warning", "2 tie warnings".
fn warnings_text(n: usize) -> String {
    format!("{n} tie warning{}", if n == 1 { "" } else { "s" })
}

/// The RFM scores in one line: each measure's range (a taller screen shows the table).
fn draw_score_line(f: &mut Frame, scores_area: Rect, app: &App, t: &Theme) {
    let warn = tie_warnings(app);
    let ranges: Vec<String> = app
        .model
        .rules
        .scores
        .iter()
        .map(|s| {
            let lo = s
                .ranges
                .iter()
                .flatten()
                .map(|r| r.0)
                .fold(f64::INFINITY, f64::min);
            let hi = s
                .ranges
                .iter()
                .flatten()
                .map(|r| r.1)
                .fold(f64::NEG_INFINITY, f64::max);
            format!("{} {}–{}", &s.name[..1].to_uppercase(), num(lo), num(hi))
        })
        .collect();
    // the warnings come first: a narrow screen cuts the end of the line
    let text = format!(
        "RFM ({}){}: {} · a taller screen shows the cut points",
        app.model.rules.rfm_method,
        if warn > 0 {
            format!(", {}", warnings_text(warn))
        } else {
            String::new()
        },
        ranges.join(" · "),
    );
    f.render_widget(
        Paragraph::new(Span::styled(
            clip(&text, scores_area.width),
            if warn > 0 { t.warn } else { t.dim },
        )),
        scores_area,
    );
}

/// The RFM scores: each score's range of days, orders and revenue, and its customers.
fn draw_score_table(f: &mut Frame, scores_area: Rect, app: &App, t: &Theme) {
    let bins = app.model.rules.scores[0].counts.len();
    let range = |s: &crate::engine::eval::scores::ScoreInfo, k: usize| {
        s.ranges[k]
            .map(|(lo, hi)| {
                if lo == hi {
                    num(lo)
                } else {
                    format!("{}–{}", num(lo), num(hi))
                }
            })
            .unwrap_or_else(|| "empty".into())
    };
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = (0..bins)
        .map(|k| {
            let mut cells = vec![format!("{}", k + 1)];
            for s in &app.model.rules.scores {
                cells.push(range(s, k));
            }
            for s in &app.model.rules.scores {
                cells.push(thousands(s.counts[k] as u64));
            }
            (cells, t.text)
        })
        .collect();
    let warn = tie_warnings(app);
    let title = format!(
        " RFM scores ({}){} ",
        app.model.rules.rfm_method,
        if warn > 0 {
            format!(" — {}", warnings_text(warn))
        } else {
            String::new()
        }
    );
    let n = thousands(app.model.data.n_customers as u64).len();
    let cols = [
        Col::number("score", 0, 5),
        Col::number("R: days ago", 1, 0),
        Col::number("F: orders", 1, 0),
        Col::number("M: revenue", 1, 0),
        Col::number("n (R)", 2, n),
        Col::number("n (F)", 2, n),
        Col::number("n (M)", 2, n),
    ];
    let avail = scores_area.width.saturating_sub(2);
    let (table, plan) = table(&cols, rows, avail, 0, t.header);
    f.render_widget(
        table.block(Block::bordered().border_style(t.border).title(Span::styled(
            clip(&format!("{title}{}", more_note(&plan)), avail),
            if warn > 0 { t.warn } else { t.header },
        ))),
        scores_area,
    );
}

/// Purchase history's own action: `P` fits the predictive models (on the worker) and shows them.
/// Purchase history's own key: the predictive-value page (the models need buyers).
pub static KEYS: &[On] = &[On::when(Predict, buyers)];

/// There are buyers, so the models can be fitted.
fn buyers(a: &App) -> bool {
    a.model.rules.fields.iter().any(|f| f.0 == "first_order")
}

/// Purchase history's own handling: the predictive page, then what every criteria step does.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Predict => {
            app.status = "fitting BG/NBD and Gamma-Gamma…".into();
            vec![Effect::Engine(Job::Predictive)]
        }
        _ => criteria::keys::handle(app, a),
    }
}
