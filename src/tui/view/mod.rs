//! Drawing the whole screen from the app state: step list, the step, teach panel, footer, overlays.

pub mod fields;
pub mod page;
pub mod pages;
pub mod predictive;
pub mod table;
pub mod theme;
mod title;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::input::message::Action;
use crate::tui::state::app::{App, Prompt};
use crate::tui::view::theme::Theme;

pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;

pub use crate::tui::view::table::safe;

/// The keys that work on the current screen, for the footer and the help (from the table of
/// actions).
pub fn screen_actions(app: &App) -> Vec<Action> {
    crate::tui::steps::keys::on_screen(app)
}

/// The footer `w` cells wide: a prompt, the progress of a load, a message, or the keys of the
/// screen (whole entries only).
fn footer(app: &App, w: u16, t: &Theme) -> Line<'static> {
    if let Some(p) = &app.edit.prompt {
        return prompt_line(app, p, t);
    }
    if let Some(l) = &app.loading {
        let pct = if l.total > 0 {
            format!(
                " {:.0} %",
                (100.0 * l.done as f64 / l.total as f64).min(100.0)
            )
        } else if l.done > 0 {
            // rows streamed from a server: no size known beforehand
            format!(
                " {} so far",
                crate::engine::data::progress::show_bytes(l.done)
            )
        } else {
            String::new()
        };
        let what = format!("reading {}{pct}", safe(&l.label));
        // the longer hint when it fits (several files are read under one longer label)
        let hint = [
            "   Esc cancels (the data read before stays)",
            "   Esc cancels",
        ]
        .into_iter()
        .find(|h| {
            crate::tui::view::table::width(&what).saturating_add(crate::tui::view::table::width(h))
                <= w
        })
        .unwrap_or("");
        return Line::from(vec![
            Span::styled(what, t.accent),
            Span::styled(hint, t.dim),
        ]);
    }
    if !app.status.is_empty() {
        return Line::from(Span::styled(safe(&app.status), t.warn));
    }
    key_line(app, w, t)
}

/// The footer while a prompt is open: what is typed, or how an edit is checked.
fn prompt_line(app: &App, p: &Prompt, t: &Theme) -> Line<'static> {
    let (label, text) = match p {
        Prompt::Search(s) => ("find in customer ids: ", s),
        Prompt::Palette(s) => (":", s),
        Prompt::Edit(_) if !app.status.is_empty() => {
            return Line::from(Span::styled(safe(&app.status), t.warn));
        }
        Prompt::Edit(_) => {
            return Line::from(Span::styled(
                "checked as you type · Enter applies · Esc cancels · ←→ Home End move",
                t.dim,
            ));
        }
    };
    let hint = if app.status.is_empty() {
        "Enter go · Esc cancel".to_string()
    } else {
        safe(&app.status)
    };
    Line::from(vec![
        Span::styled(label.to_string(), t.accent),
        Span::styled(format!("{}█", safe(text)), t.text),
        Span::styled(format!("   {hint}"), t.dim),
    ])
}

/// The keys of the screen, as many whole entries as fit in `w`; help and quit first.
fn key_line(app: &App, w: u16, t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0u16;
    let short = |a: Action| crate::tui::steps::keys::short_on(a, app.nav.step);
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
            .prefs
            .keymap
            .keys_for(a)
            .into_iter()
            .next()
            .unwrap_or_default();
        let first = |x: Action| {
            app.prefs
                .keymap
                .keys_for(x)
                .first()
                .cloned()
                .unwrap_or_default()
        };
        let pair = match a {
            Action::Up => format!("{key}{}", first(Action::Down)),
            Action::Left => format!("{key}{}", first(Action::Right)),
            Action::Increase => format!("{key}{}", first(Action::Decrease)),
            Action::NextEdge => format!("{}{key}", first(Action::PrevEdge)),
            Action::ScrollLeft => format!("{key}{}", first(Action::ScrollRight)),
            _ => key,
        };
        // whole entries only: one that does not fit is left out, never cut
        let entry =
            crate::tui::view::table::width(&pair) + crate::tui::view::table::width(label) + 3;
        if used + entry > w {
            break;
        }
        used += entry;
        spans.push(Span::styled(pair, t.accent));
        spans.push(Span::styled(format!(" {label}  "), t.dim));
    }
    Line::from(spans)
}

fn step_list(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let mut lines = Vec::new();
    for s in crate::tui::steps::STEPS.iter().map(|s| s.id) {
        let (m, st) = title::mark_style(app, s, t);
        // narrow screens: names end with an ellipsis rather than a cut
        let name = crate::tui::view::table::clip(
            &format!("{} {}", s.index() + 1, s.title()),
            area.width.saturating_sub(4),
        );
        let style = if s == app.nav.step {
            t.selected
        } else {
            t.text
        };
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

fn help(f: &mut Frame, body: Rect, app: &App, t: &Theme) {
    let lines: Vec<Line> = crate::tui::view::pages::help_lines(app, body.width.saturating_sub(2))
        .into_iter()
        .map(|(k, text)| Line::from(vec![Span::styled(k, t.accent), Span::styled(text, t.text)]))
        .collect();
    let title = format!(
        " keys on {} — j k scroll · Esc closes ",
        app.nav.step.title()
    );
    crate::tui::view::page::page(f, body, lines, app.nav.explain_scroll, title, t);
}

/// The teach text of the current step in a bordered box.
fn teach_box(
    app: &App,
    t: &Theme,
    border: ratatui::style::Style,
    title: &'static str,
) -> Paragraph<'static> {
    Paragraph::new(app.nav.step.teach())
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
    // a long message takes up to three lines instead of being cut
    let foot_h = match (&app.edit.prompt, &app.loading) {
        (None, None) if !app.status.is_empty() => {
            crate::tui::view::table::wrap(&safe(&app.status), area.width, 0)
                .len()
                .clamp(1, 3) as u16
        }
        _ => 1,
    };
    // while a run would stop on the data, or its values cannot be right, every step says so
    let data_line: Vec<String> = app
        .model
        .data
        .quality_line()
        .or_else(|| app.model.rules.alarm.clone())
        .map(|l| crate::tui::view::table::wrap(&format!("! {}", safe(&l)), area.width, 0))
        .unwrap_or_default();
    let data_h = data_line.len().min(2) as u16;
    let [header, data, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(data_h),
        Constraint::Fill(1),
        Constraint::Length(foot_h),
    ])
    .areas(area);
    f.render_widget(title::title_line(app, area.width, t), header);
    if data_h > 0 {
        let mut lines: Vec<Line> = data_line
            .iter()
            .take(2)
            .map(|l| Line::from(Span::styled(l.clone(), t.warn)))
            .collect();
        if data_line.len() > 2
            && let Some(last) = lines.last_mut()
        {
            *last = Line::from(Span::styled(
                crate::tui::view::table::clip(&format!("{}…", data_line[1]), area.width),
                t.warn,
            ));
        }
        f.render_widget(Paragraph::new(lines), data);
    }
    let main = draw_body(f, body, app, t);
    f.render_widget(
        Paragraph::new(footer(app, foot.width, t)).wrap(Wrap { trim: true }),
        foot,
    );
    draw_over(f, (body, main), app, t);
}

/// From this width the steps are a list on the left; below it, a strip of numbers in the
/// title line, so the tables get the whole width.
pub const STEP_LIST_MIN_W: u16 = 110;

/// The step list, the step's view, and the teach text beside it or in a strip under it; the
/// view's area is returned (the edit box goes over it).
fn draw_body(f: &mut Frame, body: Rect, app: &App, t: &Theme) -> Rect {
    let area = body;
    let teach_w = if app.prefs.show_teach && area.width >= crate::tui::state::app::TEACH_SIDE_MIN_W
    {
        34
    } else {
        0
    };
    let list_w = if area.width >= STEP_LIST_MIN_W { 24 } else { 0 };
    let [steps, main, teach] = Layout::horizontal([
        Constraint::Length(list_w),
        Constraint::Fill(1),
        Constraint::Length(teach_w),
    ])
    .areas(body);
    if list_w > 0 {
        step_list(f, steps, app, t);
    }
    // narrow screens: the teach text's first lines in a strip under the view
    let strip = if teach_w == 0 && app.prefs.show_teach && !app.teach_overlay && main.height >= 20 {
        4.min(main.height / 4)
    } else {
        0
    };
    let [view_area, strip_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(strip)]).areas(main);
    app.nav.step.draw(f, view_area, app, t);
    if teach_w > 0 {
        f.render_widget(teach_box(app, t, t.border, " teach (t) "), teach);
    } else if strip > 0 {
        f.render_widget(
            teach_box(app, t, t.border, " teach — t reads on "),
            strip_area,
        );
    }
    main
}

/// What goes over the body: a page, the edit box, the teach page, the keys.
fn draw_over(f: &mut Frame, (body, main): (Rect, Rect), app: &App, t: &Theme) {
    match &app.page {
        Some(crate::tui::state::app::Page::Explain(e)) => {
            crate::tui::view::pages::draw(f, body, app, e, t)
        }
        Some(crate::tui::state::app::Page::Record(..)) => {
            crate::tui::view::pages::draw_record(f, body, app, t)
        }
        Some(crate::tui::state::app::Page::Frequency(..)) => {
            crate::tui::view::pages::draw_frequency(f, body, app, t)
        }
        Some(crate::tui::state::app::Page::Predictive) => {
            crate::tui::view::predictive::draw(f, body, app, t)
        }
        None => {}
    }
    if let Some(Prompt::Edit(p)) = &app.edit.prompt {
        edit_box(f, main, app, p, t);
    }
    if app.teach_overlay && !app.show_help {
        teach_page(f, body, app, t);
    }
    if app.show_help {
        help(f, body, app, t);
    }
}

/// The teach text as a page over the body, for terminals too narrow for the side panel.
fn teach_page(f: &mut Frame, body: Rect, app: &App, t: &Theme) {
    let lines: Vec<Line> =
        crate::tui::view::table::paragraphs(app.nav.step.teach(), body.width.saturating_sub(2))
            .into_iter()
            .map(|l| Line::from(Span::styled(l, t.text)))
            .collect();
    let title = format!(" teach: {} — j k scroll · t closes ", app.nav.step.title());
    crate::tui::view::page::page(f, body, lines, app.nav.teach_scroll, title, t);
}

/// The edit prompt over the bottom of the main view: the text with its cursor, a caret under the
/// position of a problem and what the problem is, or that the text is valid.
fn edit_box(
    f: &mut Frame,
    main: Rect,
    app: &App,
    p: &crate::tui::state::prompt::EditPrompt,
    t: &Theme,
) {
    // thresholds and roles are edited even when there is no criterion yet
    let placeholder;
    let criterion = match app.model.rules.criteria.get(p.criterion) {
        Some(v) => &v.criterion,
        None => {
            placeholder = crate::tui::state::prompt::new_criterion(
                crate::engine::rules::Step::Demographic,
                &[],
            );
            &placeholder
        }
    };
    let w = main.width.saturating_sub(2).max(1) as usize;
    let (caret, verdict, style) = verdict(app, p, t);
    // the verdict wraps (up to three lines) instead of being cut
    let verdict: Vec<Line> = crate::tui::view::table::wrap(&verdict, w as u16, 0)
        .into_iter()
        .take(3)
        .map(|l| Line::from(Span::styled(l, style)))
        .collect();
    let h = (4 + verdict.len() as u16).min(main.height);
    let r = Rect {
        x: main.x,
        y: main.y + main.height - h,
        width: main.width,
        height: h,
    };
    let above = Rect {
        x: main.x,
        y: main.y,
        width: main.width,
        height: main.height.saturating_sub(h),
    };
    crate::tui::view::fields::draw_names(f, above, app, p, t);
    let (text, start) = text_line(p, w, t);
    let caret = match (caret, &p.conflict) {
        (Some((pos, st)), _) if pos > start && pos - start <= w => Line::from(Span::styled(
            format!("{}^", " ".repeat(pos - start - 1)),
            st,
        )),
        (_, Some(disk)) if p.error.is_none() => Line::from(Span::styled(
            crate::tui::view::table::clip(&format!("on disk now: {}", safe(disk)), w as u16),
            t.bad,
        )),
        _ => Line::from(""),
    };
    let owner = owner(app, p, criterion);
    let title = crate::tui::view::table::clip(
        &format!(" {owner} · {} ", safe(&p.label(criterion))),
        main.width.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new([vec![text, caret], verdict].concat()).block(
            Block::bordered()
                .border_style(t.accent)
                .title(Span::styled(title, t.header)),
        ),
        r,
    );
}

/// Where the text is wrong (a caret position), what the edit box says of it, and its style.
fn verdict(
    app: &App,
    p: &crate::tui::state::prompt::EditPrompt,
    t: &Theme,
) -> (
    Option<(usize, ratatui::style::Style)>,
    String,
    ratatui::style::Style,
) {
    match &p.error {
        Some(e) => (e.pos.map(|pos| (pos, t.bad)), safe(&e.message), t.bad),
        None => match &p.conflict {
            Some(_) => (
                None,
                "✓ valid — Enter saves yours over the file's version, Esc keeps the file's".into(),
                t.good,
            ),
            None => (
                None,
                if p.target == crate::tui::state::prompt::Target::ExportPath {
                    "✓ Enter writes the file".to_string()
                } else if app.workspace.is_some() {
                    "✓ valid — Enter applies and saves".to_string()
                } else {
                    "✓ valid — Enter applies (the demo keeps edits in memory)".to_string()
                },
                t.good,
            ),
        },
    }
}

/// The text being typed, scrolled so the cursor shows, `w` cells wide; and where it starts.
fn text_line(
    p: &crate::tui::state::prompt::EditPrompt,
    w: usize,
    t: &Theme,
) -> (Line<'static>, usize) {
    let chars: Vec<char> = safe(&p.text).chars().collect();
    if p.selected {
        // the text it opened with, selected: typing replaces it
        let shown: String = chars.iter().take(w.saturating_sub(1)).collect();
        let text = Line::from(vec![
            Span::styled(shown, t.selected),
            Span::styled(" ", t.text),
        ]);
        return (text, 0);
    }
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
    (text, start)
}

/// What the edit belongs to, for the box's title: a criterion, the valuation, a column.
fn owner(
    app: &App,
    p: &crate::tui::state::prompt::EditPrompt,
    criterion: &crate::engine::rules::Criterion,
) -> String {
    use crate::tui::state::prompt::Target;
    if matches!(
        p.target,
        Target::Thresholds | Target::Dates | Target::Value | Target::Cost
    ) {
        "valuation".to_string()
    } else if p.target == Target::NewFrom {
        "new criterion".to_string()
    } else if p.target == Target::Characteristic {
        app.model
            .data
            .profiles
            .get(app.nav.row)
            .map(|c| safe(&c.name))
            .unwrap_or_default()
    } else {
        safe(&criterion.name.value)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_escapes_and_bidi_marks_are_shown_as_text() {
        assert_eq!(crate::tui::view::safe("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(crate::tui::view::safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(crate::tui::view::safe("Rīga דוד"), "Rīga דוד");
    }
}
