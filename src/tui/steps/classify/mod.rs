//! Step 2, Classify: every column with its type, gaps, distinct values and suggested role.

pub mod characteristics;
pub mod roles;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::format::thousands;
use crate::tui::input::action::Action::{self, *};
use crate::tui::state::app::App;
use crate::tui::state::effect::{Effect, Job};
use crate::tui::steps::keys::{On, never};
use crate::tui::steps::shared::{moved, open_measure};
use crate::tui::view::table::safe;
use crate::tui::view::table::{Col, more_note, table};
use crate::tui::view::theme::Theme;

pub const TEACH: &str = "Classify is step 2 of the method: say what each column tells about a customer, its \
characteristic: an id; where they live (country, region, city, postcode, density: the territory); who they are \
(gender, age or birth year, education, income, occupation, family, marital status); how they live (lifestyle), \
the benefit they seek; what they spend, how often and what they buy, and where (spend, purchases, product, channel); a date; personal data; or \
nothing to segment on (ignore).\n\n\
Why it matters: the later steps build on it. Step 3 offers the demographic columns first, step 4 the territory, \
step 5 the lifestyle; a birth year becomes age bands at the evaluation date. Personal data is masked.\n\n\
Look for: the suggested characteristic and its confidence (Enter confirms it, e types another, A confirms every \
suggestion at once), the share of missing values, and columns whose type is not what you expect (numbers read as \
text usually hide a stray word or symbol).\n\n\
Common mistakes: splitting everyone on a column with many gaps, and leaving names or e-mails unconfirmed as \
personal data.";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let n = app.model.data.profiles.len();
    let sel = app.nav.row.min(n.saturating_sub(1));
    let [table_area, detail] = Layout::vertical([
        Constraint::Fill(3),
        Constraint::Length(7.min(area.height / 3)),
    ])
    .areas(area);
    let height = table_area.height.saturating_sub(3) as usize;
    let (start, end) = crate::tui::view::table::window(sel, height, n);
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = app.model.data.profiles[start..end]
        .iter()
        .enumerate()
        .map(|(k, p)| {
            (
                row(app, start + k, p),
                if start + k == sel { t.selected } else { t.text },
            )
        })
        .collect();
    let rows_total = app
        .model
        .data
        .profiles
        .iter()
        .map(|p| p.rows)
        .max()
        .unwrap_or(0) as u64;
    let cols = [
        Col::text("column", 0).min(10),
        Col::text("type", 1).min(7),
        Col::number("missing", 1, "100.0 %".len()),
        Col::number("distinct", 2, thousands(rows_total).len()),
        Col::text("characteristic", 0).min(14),
        Col::text("sample values", 3),
    ];
    let (table, plan) = table(&cols, rows, table_area.width.saturating_sub(2), 0, t.header);
    let title = format!(
        " columns of the {} table ({}/{}{}){} ",
        if app.model.data.profiled_orders {
            "orders"
        } else {
            "customer"
        },
        sel + 1,
        n,
        if app.model.data.reading_late {
            ", the others being read…"
        } else {
            ""
        },
        more_note(&plan).trim_end()
    );
    let table = table.block(
        Block::bordered()
            .border_style(t.border)
            .title(Span::styled(title, t.header)),
    );
    f.render_widget(table, table_area);
    let Some(p) = app.model.data.profiles.get(sel) else {
        return;
    };
    f.render_widget(
        Paragraph::new(details(app, p, t))
            .wrap(Wrap { trim: true })
            .block(Block::bordered().border_style(t.border)),
        detail,
    );
}

/// One column's row: name, type, missing, distinct, its characteristic (confirmed ✓, or
/// suggested with its confidence and ?), samples.
fn row(app: &App, k: usize, p: &crate::engine::data::profile::ColumnProfile) -> Vec<String> {
    let kind = match characteristics::confirmed(app, &p.name) {
        Some(c) => format!("✓ {}", c.label()),
        None => characteristics::guess(app, k)
            .map(|g| format!("{} {:.0} %?", g.kind.label(), g.confidence * 100.0))
            .unwrap_or_default(),
    };
    // a column with bad values says so first
    let role = match app.model.data.bad_column(&p.name) {
        Some(_) => format!("! {kind}"),
        None => kind,
    };
    let missing = if p.rows > 0 {
        format!("{:.1} %", p.nulls as f64 * 100.0 / p.rows as f64)
    } else {
        "–".into()
    };
    let sample = crate::engine::format::clip(
        &p.samples
            .iter()
            .map(|s| app.shown(&p.name, s))
            .collect::<Vec<_>>()
            .join(", "),
        26,
    );
    vec![
        safe(&p.name),
        p.kind.clone(),
        missing,
        thousands(p.distinct as u64),
        role,
        sample,
    ]
}

/// The selected column in detail: range and quartiles, distribution or most frequent values,
/// and the role suggested for it.
fn details(
    app: &App,
    p: &crate::engine::data::profile::ColumnProfile,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(safe(&p.name), t.accent),
        Span::styled(
            format!("  {} · {} rows", p.kind, thousands(p.rows as u64)),
            t.dim,
        ),
    ])];
    // what a run would stop on comes first: a short pane shows it
    lines.extend(bad_values_line(app, p, t));
    lines.extend(spread(app, p, t));
    lines.push(characteristic_line(app, p, t));
    lines
}

/// The column's characteristic: confirmed and the step it feeds, or suggested and why.
fn characteristic_line(
    app: &App,
    p: &crate::engine::data::profile::ColumnProfile,
    t: &Theme,
) -> Line<'static> {
    let row = app
        .model
        .data
        .profiles
        .iter()
        .position(|x| x.name == p.name);
    let feeds = |k: crate::engine::rules::characteristics::Characteristic| match k.step() {
        Some(step) => format!(
            "; N in step {} {} offers it first",
            crate::tui::steps::id::StepId::of_criteria(step).index() + 1,
            crate::tui::steps::id::StepId::of_criteria(step).title()
        ),
        None => String::new(),
    };
    let text = match (
        characteristics::confirmed(app, &p.name),
        row.and_then(|r| characteristics::guess(app, r)),
    ) {
        (Some(k), _) => format!("✓ {}{} — e changes it", k.label(), feeds(k)),
        (None, Some(g)) => format!(
            "suggested: {} ({:.0} %), {} — Enter confirms, e changes, A confirms all{}",
            g.kind.label(),
            g.confidence * 100.0,
            g.reason,
            feeds(g.kind)
        ),
        (None, None) => String::new(),
    };
    Line::from(Span::styled(text, t.dim))
}

/// How a column's values spread: range and quartiles, then a distribution or the most
/// frequent values.
fn spread(
    app: &App,
    p: &crate::engine::data::profile::ColumnProfile,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let (Some(lo), Some(hi)) = (&p.min, &p.max) {
        let q = p
            .quartiles
            .as_ref()
            .map(|q| {
                let q = q.each_ref().map(|v| app.shown(&p.name, v));
                format!("   quartiles {} | {} | {}", q[0], q[1], q[2])
            })
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!(
                "range {} … {}{q}",
                app.shown(&p.name, lo),
                app.shown(&p.name, hi)
            ),
            t.text,
        )));
    }
    if !p.histogram.is_empty() {
        let max = p
            .histogram
            .iter()
            .map(|b| b.count)
            .max()
            .unwrap_or(1)
            .max(1);
        let bars: String = p
            .histogram
            .iter()
            .map(|b| ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][(b.count * 7 / max).min(7)])
            .collect();
        lines.push(Line::from(vec![
            Span::styled("distribution ", t.dim),
            Span::styled(bars, t.bar),
        ]));
    } else if !p.top.is_empty() {
        let top: Vec<String> = p
            .top
            .iter()
            .map(|(v, c)| format!("{} ({})", app.shown(&p.name, v), thousands(*c as u64)))
            .collect();
        lines.push(Line::from(vec![
            Span::styled("most frequent ", t.dim),
            Span::styled(top.join(", "), t.text),
        ]));
    }
    lines
}

/// Classify's own actions: `f` opens the selected column's frequency table, `s` sorts it.
/// Classify's keys.
pub static KEYS: &[On] = &[
    On::always(Up),
    On::always(Down),
    On::always(PageUp).shown(never),
    On::always(PageDown).shown(never),
    On::always(Top).shown(never),
    On::always(Bottom).shown(never),
    On::named(
        Confirm,
        |_| true,
        "confirm",
        "confirm the suggested characteristic and go to the next column",
    ),
    On::named(
        Edit,
        |_| true,
        "change",
        "type the column's characteristic (Tab lists them)",
    ),
    On::always(ConfirmAll),
    On::always(Frequency),
    On::always(EditValue),
    On::always(MaskPii),
];

/// Classify's own handling of its keys.
pub fn handle(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Up | Down | PageUp | PageDown | Top | Bottom => {
            app.nav.row = moved(app, app.nav.row, app.model.data.profiles.len(), a);
        }
        Confirm => return characteristics::accept(app),
        ConfirmAll => return characteristics::accept_all(app),
        Edit => return characteristics::choose(app),
        Frequency => {
            if let Some(p) = app.model.data.profiles.get(app.nav.row) {
                return vec![Effect::Engine(Job::Frequency {
                    column: p.name.clone(),
                })];
            }
        }
        // `v` takes the selected column as each customer's value
        EditValue => {
            // the suggested value (e.g. the sum of the amount columns) first; else the
            // selected column when it holds numbers
            let column = app
                .model
                .data
                .profiles
                .get(app.nav.row)
                .filter(|p| p.kind == "integer" || p.kind == "number")
                .map(|p| p.name.clone());
            let start = app
                .model
                .data
                .value_hint
                .as_ref()
                .map(|h| h.0.clone())
                .or(column);
            open_measure(app, false, start);
        }
        MaskPii => crate::tui::steps::shared::mask_pii(app),
        _ => {}
    }
    vec![]
}

/// The selected column's bad values with their lines, when it has some.
fn bad_values_line(
    app: &App,
    p: &crate::engine::data::profile::ColumnProfile,
    t: &Theme,
) -> Option<Line<'static>> {
    let (q, c) = app.model.data.bad_column(&p.name)?;
    let cells: Vec<String> = c
        .first
        .iter()
        .map(|b| {
            format!(
                "{} {} \"{}\"",
                q.place.word(),
                b.line,
                app.shown(&p.name, &b.value)
            )
        })
        .collect();
    let more = if c.count > cells.len() {
        format!(", … {} more", thousands((c.count - cells.len()) as u64))
    } else {
        String::new()
    };
    let settled = match (q.bad_values_policy == "error", c.count == 1) {
        (true, true) => " — a run stops on it: fix the file, or b lets runs go on",
        (true, false) => " — a run stops on them: fix the file, or b lets runs go on",
        _ => "",
    };
    Some(Line::from(Span::styled(
        format!(
            "! {} {}, read as missing here ({}): {}{more}{settled}",
            thousands(c.count as u64),
            if c.count == 1 {
                format!("value is not a {}", c.expected)
            } else {
                format!("values are not {}s", c.expected)
            },
            c.why,
            cells.join(", ")
        ),
        t.warn,
    )))
}
