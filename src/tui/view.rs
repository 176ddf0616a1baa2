//! Drawing the whole screen from the app state: step list, the step, teach panel, footer, overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{App, Prompt};
use super::message::Action;
use super::steps::{Mark, StepId, mark};
use super::theme::Theme;

pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;
/// Below this width the teach panel gives way (it can still be shown over the view with `t`).
pub const TEACH_MIN_W: u16 = 110;

/// Text from data, safe to put on a terminal: control characters (escape sequences included),
/// bidi overrides and zero-width characters are shown as visible escapes.
pub fn safe(s: &str) -> String {
    crate::engine::format::visible(s)
}

/// The keys that work on the current screen, for the footer and the help.
pub fn screen_actions(app: &App) -> Vec<Action> {
    use Action::*;
    let mut v = vec![Help, Teach, NextStep, PrevStep];
    match app.step {
        StepId::List => v.extend([
            Up, Down, PageUp, PageDown, Top, Bottom, Search, Sort, Explain, Copy, MaskPii,
        ]),
        StepId::Classify => v.extend([Up, Down, Confirm, Edit, MaskPii]),
        StepId::Exclusivity => v.extend([Left, Right, Confirm]),
        StepId::Valuation => v.extend([Left, Right, CrossTab, Transitions, Edit]),
        _ => {
            v.extend([Left, Right]);
            if app.current_criterion().is_some() {
                v.extend([Up, Down, Edit, AddRule, DeleteRule, Rename]);
                v.extend([MoveRuleUp, MoveRuleDown, EditOtherwise, NextPane, Copy]);
                v.extend([RenameCriterion, DeleteCriterion]);
            }
            v.push(NewCriterion);
            if app.current_criterion().is_some_and(|i| {
                matches!(
                    app.criteria[i].criterion.rule,
                    crate::engine::rules::Rule::Bins { .. }
                )
            }) {
                v.extend([Increase, Decrease, NextEdge, PrevEdge]);
            }
            v.extend([Undo, Redo]);
        }
    }
    v.push(Quit);
    v
}

fn footer(app: &App, t: &Theme) -> Line<'static> {
    if let Some(p) = &app.prompt {
        let (label, text) = match p {
            Prompt::Search(s) => ("find customer id: ", s),
            Prompt::Palette(s) => (":", s),
            Prompt::Edit(_) if !app.status.is_empty() => {
                return Line::from(Span::styled(safe(&app.status), t.warn));
            }
            Prompt::Edit(_) => {
                return Line::from(Span::styled(
                    "typing is checked at once · Enter applies and saves · Esc cancels · ←→ Home End move",
                    t.dim,
                ));
            }
        };
        return Line::from(vec![
            Span::styled(label.to_string(), t.accent),
            Span::styled(format!("{}█", safe(text)), t.text),
            Span::styled("   Enter go · Esc cancel", t.dim),
        ]);
    }
    if let Some(l) = &app.loading {
        let pct = if l.total > 0 {
            format!(" {:.0} %", 100.0 * l.done as f64 / l.total as f64)
        } else {
            String::new()
        };
        return Line::from(vec![
            Span::styled(format!("reading {}{pct}", safe(&l.label)), t.accent),
            Span::styled("   Esc cancels (the data read before stays)", t.dim),
        ]);
    }
    if !app.status.is_empty() {
        return Line::from(Span::styled(safe(&app.status), t.warn));
    }
    let mut spans = Vec::new();
    let short = |a: Action| match a {
        Action::Help => "help",
        Action::Teach => "teach",
        Action::NextStep => "next",
        Action::PrevStep => "prev",
        Action::Up | Action::Down => "move",
        Action::Left | Action::Right => "criterion",
        Action::Increase | Action::Decrease => "nudge cut",
        Action::NextEdge | Action::PrevEdge => "pick cut",
        Action::Undo => "undo",
        Action::Redo => "redo",
        Action::Search => "find",
        Action::MaskPii => "pii",
        Action::Quit => "quit",
        Action::PageUp | Action::PageDown => "page",
        Action::Top | Action::Bottom => "ends",
        Action::Edit => "edit",
        Action::AddRule => "add",
        Action::DeleteRule => "del",
        Action::Rename => "rename",
        Action::NextPane => "pane",
        Action::Copy => "copy",
        Action::CrossTab => "cross-tab",
        Action::Explain => "explain",
        Action::Sort => "sort",
        Action::Transitions => "moves",
        Action::Confirm if app.step == StepId::Classify => "accept role",
        Action::Confirm => "open rules",
        _ => "",
    };
    let mut seen = std::collections::HashSet::new();
    // help and quit first, so that a narrow footer never loses them
    let mut actions = vec![Action::Help, Action::Quit];
    actions.extend(screen_actions(app));
    for a in actions {
        let label = short(a);
        if label.is_empty() || !seen.insert(label) {
            continue;
        }
        let key = app
            .keymap
            .keys_for(a)
            .into_iter()
            .next()
            .unwrap_or_default();
        let first = |x: Action| app.keymap.keys_for(x).first().cloned().unwrap_or_default();
        let pair = match a {
            Action::Up => format!("{key}{}", first(Action::Down)),
            Action::Left => format!("{key}{}", first(Action::Right)),
            Action::Increase => format!("{key}{}", first(Action::Decrease)),
            Action::NextEdge => format!("{}{key}", first(Action::PrevEdge)),
            _ => key,
        };
        spans.push(Span::styled(pair, t.accent));
        spans.push(Span::styled(format!(" {label}  "), t.dim));
    }
    Line::from(spans)
}

fn step_list(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut lines = Vec::new();
    for s in StepId::ALL {
        let (m, st) = match mark(app, s) {
            Mark::Done => ("✓", t.good),
            Mark::Attention => ("!", t.bad),
            Mark::Todo => ("·", t.dim),
        };
        let name = format!("{} {}", s.index() + 1, s.title());
        let style = if s == app.step { t.selected } else { t.text };
        lines.push(Line::from(vec![
            Span::styled(format!("{m} "), st),
            Span::styled(name, style),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" steps ", t.header)),
        ),
        area,
    );
}

fn help(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut all = screen_actions(app);
    all.extend([Action::Step1, Action::Palette, Action::Cancel]);
    let mut seen = std::collections::HashSet::new();
    let entries: Vec<(String, &str)> = all
        .into_iter()
        .filter(|a| seen.insert(*a))
        .map(|a| {
            let keys = if a == Action::Step1 {
                "1 … 9".to_string()
            } else {
                app.keymap.keys_for(a).join(" ")
            };
            (keys, a.help())
        })
        .collect();
    let w = 100.min(area.width.saturating_sub(2));
    let room = area.height.saturating_sub(8) as usize;
    // two columns when one would not fit the screen
    let cols = if entries.len() > room && w >= 70 {
        2
    } else {
        1
    };
    let per = entries.len().div_ceil(cols);
    let col_w = (w.saturating_sub(2) as usize) / cols;
    let cell = |k: usize| -> Vec<Span<'static>> {
        match entries.get(k) {
            Some((keys, text)) => {
                let txt: String = text.chars().take(col_w.saturating_sub(12)).collect();
                vec![
                    Span::styled(format!("{keys:>9}  "), t.accent),
                    Span::styled(
                        format!("{txt:<width$}", width = col_w.saturating_sub(11)),
                        t.text,
                    ),
                ]
            }
            None => vec![],
        }
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("keys on {} ", app.step.title()),
            t.header,
        )),
        Line::from(""),
    ];
    for r in 0..per {
        let mut spans = cell(r);
        if cols == 2 {
            spans.extend(cell(r + per));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "every edit is saved at once; q quits at any time",
        t.dim,
    )));
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(t.accent)
                .title(" help — Esc or ? closes "),
        ),
        r,
    );
}

/// The teach text of the current step in a bordered box.
fn teach_box(
    app: &App,
    t: &Theme,
    border: ratatui::style::Style,
    title: &'static str,
) -> Paragraph<'static> {
    Paragraph::new(app.step.teach())
        .wrap(Wrap { trim: true })
        .style(t.text)
        .block(
            Block::bordered()
                .border_style(border)
                .title(Span::styled(title, t.header)),
        )
}

/// Draw everything.
pub fn draw(f: &mut Frame, app: &App, t: &Theme) {
    let area = f.area();
    if area.width < MIN_W || area.height < MIN_H {
        let msg = format!(
            "strata needs a terminal of at least {MIN_W}×{MIN_H}; this one is {}×{}.\nEnlarge the window, or press q to quit.",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg).wrap(Wrap { trim: true }).style(t.warn),
            area,
        );
        return;
    }
    let [header, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" strata ", t.accent),
            Span::styled(format!(" {} ", safe(&app.title)), t.dim),
            Span::styled(
                format!(
                    " {} · step {} of 9 ",
                    app.step.title(),
                    app.step.index() + 1
                ),
                t.header,
            ),
        ])),
        header,
    );
    let teach_w = if app.show_teach && area.width >= TEACH_MIN_W {
        34
    } else {
        0
    };
    let list_w = if area.width >= 80 { 24 } else { 19 };
    let [steps, main, teach] = Layout::horizontal([
        Constraint::Length(list_w),
        Constraint::Fill(1),
        Constraint::Length(teach_w),
    ])
    .areas(body);
    step_list(f, steps, app, t);
    app.step.draw(f, main, app, t);
    if teach_w > 0 {
        f.render_widget(teach_box(app, t, t.border, " teach (t) "), teach);
    } else if app.teach_overlay && !app.show_help {
        // narrow screens: the teach text as an overlay at the bottom of the main view
        let h = 8.min(main.height / 2);
        let r = Rect {
            x: main.x,
            y: main.y + main.height - h,
            width: main.width,
            height: h,
        };
        f.render_widget(Clear, r);
        f.render_widget(teach_box(app, t, t.accent, " teach — t hides "), r);
    }
    f.render_widget(Paragraph::new(footer(app, t)), foot);
    if let Some(e) = &app.explain {
        let w = main.width.saturating_sub(2).max(20);
        let h = main.height.saturating_sub(2).max(5);
        let r = Rect {
            x: main.x + 1,
            y: main.y + 1,
            width: w,
            height: h,
        };
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(safe_lines(e))
                .wrap(Wrap { trim: false })
                .block(
                    Block::bordered()
                        .border_style(t.accent)
                        .title(" explain — Esc closes "),
                ),
            r,
        );
    }
    if let Some(Prompt::Edit(p)) = &app.prompt {
        edit_box(f, main, app, p, t);
    }
    if app.show_help {
        help(f, area, app, t);
    }
}

/// The edit prompt over the bottom of the main view: the text with its cursor, a caret under the
/// position of a problem and what the problem is, or that the text is valid.
fn edit_box(f: &mut Frame, main: Rect, app: &App, p: &crate::tui::edit::EditPrompt, t: &Theme) {
    // thresholds and roles are edited even when there is no criterion yet
    let placeholder;
    let criterion = match app.criteria.get(p.criterion) {
        Some(v) => &v.criterion,
        None => {
            placeholder =
                crate::tui::edit::new_criterion(crate::engine::rules::Step::Demographic, &[]);
            &placeholder
        }
    };
    let h = 5.min(main.height);
    let r = Rect {
        x: main.x,
        y: main.y + main.height - h,
        width: main.width,
        height: h,
    };
    let w = r.width.saturating_sub(2).max(1) as usize;
    let chars: Vec<char> = safe(&p.text).chars().collect();
    let start = (p.cursor + 1).saturating_sub(w);
    let shown: String = chars.iter().skip(start).take(w).collect();
    let at = p.cursor - start;
    let before: String = shown.chars().take(at).collect();
    let under: String = shown
        .chars()
        .nth(at)
        .map(String::from)
        .unwrap_or_else(|| " ".into());
    let after: String = shown.chars().skip(at + 1).collect();
    let text = Line::from(vec![
        Span::styled(before, t.text),
        Span::styled(under, t.selected),
        Span::styled(after, t.text),
    ]);
    let (caret, verdict) = match &p.error {
        Some(e) => {
            let caret = match e.pos {
                Some(pos) if pos > start && pos - start <= w => {
                    format!("{}^", " ".repeat(pos - start - 1))
                }
                _ => String::new(),
            };
            (
                Line::from(Span::styled(caret, t.bad)),
                Line::from(Span::styled(safe(&e.message), t.bad)),
            )
        }
        None => match &p.conflict {
            Some(disk) => (
                Line::from(Span::styled(format!("on disk now: {}", safe(disk)), t.bad)),
                Line::from(Span::styled(
                    "✓ valid — Enter saves yours over the file's version, Esc keeps the file's",
                    t.good,
                )),
            ),
            None => (
                Line::from(""),
                Line::from(Span::styled("✓ valid — Enter applies and saves", t.good)),
            ),
        },
    };
    use crate::tui::edit::Target;
    let owner = if matches!(p.target, Target::Thresholds | Target::Dates) {
        "valuation".to_string()
    } else if p.target == Target::Role {
        app.profiles
            .get(app.row)
            .map(|c| safe(&c.name))
            .unwrap_or_default()
    } else {
        safe(&criterion.name.value)
    };
    let title = format!(" {owner} · {} ", safe(&p.label(criterion)));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(vec![text, caret, verdict]).block(
            Block::bordered()
                .border_style(t.accent)
                .title(Span::styled(title, t.header)),
        ),
        r,
    );
}

fn safe_lines(s: &str) -> Vec<Line<'static>> {
    s.lines().map(|l| Line::from(safe(l))).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_escapes_and_bidi_marks_are_shown_as_text() {
        assert_eq!(super::safe("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(super::safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(super::safe("Rīga דוד"), "Rīga דוד");
    }
}

/// A table column that may be dropped when the screen is narrow.
pub struct Col {
    pub header: std::borrow::Cow<'static, str>,
    /// Width of its widest cell (header included).
    pub width: u16,
    /// Lower numbers are kept first.
    pub priority: u8,
}

impl Col {
    /// A column sized to its content when the table is built.
    pub fn new(header: impl Into<std::borrow::Cow<'static, str>>, priority: u8) -> Col {
        Col {
            header: header.into(),
            width: 0,
            priority,
        }
    }
}

/// The columns that fit in `avail` cells (one space between columns), kept by priority,
/// returned in their original order.
pub fn fit(cols: &[Col], avail: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (cols[i].priority, i));
    let mut used = 0u16;
    let mut keep = Vec::new();
    for i in order {
        let need = cols[i].width + if keep.is_empty() { 0 } else { 1 };
        if used + need <= avail {
            used += need;
            keep.push(i);
        }
    }
    keep.sort_unstable();
    keep
}

/// Build a table from rows of cells, keeping the columns that fit.
pub fn fitted_table(
    cols: Vec<Col>,
    rows: Vec<(Vec<String>, ratatui::style::Style)>,
    avail: u16,
    header_style: ratatui::style::Style,
) -> ratatui::widgets::Table<'static> {
    use ratatui::layout::Constraint;
    use ratatui::widgets::{Row, Table};
    let cols: Vec<Col> = cols
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let w = rows
                .iter()
                .map(|r| unicode_width::UnicodeWidthStr::width(r.0[i].as_str()) as u16)
                .max()
                .unwrap_or(0);
            c.width = c
                .width
                .max(w)
                .max(unicode_width::UnicodeWidthStr::width(c.header.as_ref()) as u16);
            c
        })
        .collect();
    let keep = fit(&cols, avail);
    let widths: Vec<Constraint> = keep
        .iter()
        .map(|&i| Constraint::Length(cols[i].width))
        .collect();
    let body: Vec<Row> = rows
        .into_iter()
        .map(|(cells, st)| {
            Row::new(keep.iter().map(|&i| cells[i].clone()).collect::<Vec<_>>()).style(st)
        })
        .collect();
    Table::new(body, widths).header(
        Row::new(
            keep.iter()
                .map(|&i| cols[i].header.to_string())
                .collect::<Vec<_>>(),
        )
        .style(header_style),
    )
}

#[cfg(test)]
mod fit_tests {
    use super::{Col, fit};

    #[test]
    fn keeps_columns_by_priority_in_order() {
        let c = |w, p| Col {
            header: "".into(),
            width: w,
            priority: p,
        };
        let cols = [c(10, 0), c(8, 2), c(8, 1), c(20, 3)];
        assert_eq!(fit(&cols, 100), vec![0, 1, 2, 3]);
        assert_eq!(fit(&cols, 28), vec![0, 1, 2]);
        assert_eq!(fit(&cols, 20), vec![0, 2]);
        assert_eq!(fit(&cols, 5), Vec::<usize>::new());
    }
}

#[cfg(test)]
mod width_tests {
    use super::{Col, fitted_table};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Style;

    /// Wide (CJK) and combining characters take their display width: columns stay aligned.
    #[test]
    fn wide_and_combining_characters_keep_columns_aligned() {
        let names = ["東京都", "Rīga", "e\u{301}cole", "plain"];
        let rows: Vec<(Vec<String>, Style)> = names
            .iter()
            .map(|n| (vec![n.to_string(), "1,234".into()], Style::default()))
            .collect();
        let table = fitted_table(
            vec![Col::new("segment", 0), Col::new("customers", 0)],
            rows,
            40,
            Style::default(),
        );
        let mut t = Terminal::new(TestBackend::new(40, 6)).unwrap();
        t.draw(|f| f.render_widget(table, f.area())).unwrap();
        let buf = t.backend().buffer().clone();
        // the display column where "1,234" starts, on every row
        let starts: Vec<u16> = (1..5)
            .map(|y| {
                (0..40)
                    .find(|&x| buf[(x, y)].symbol() == "1" && buf[(x + 1, y)].symbol() == ",")
                    .expect("value shown")
            })
            .collect();
        assert!(starts.iter().all(|&s| s == starts[0]), "{starts:?}");
        // "segment" (7 cells) is wider than 東京都 (6 cells), plus one space between columns
        assert_eq!(starts[0], 8);
    }
}
