//! Tables that fit the screen: columns kept by priority, text cut with an ellipsis, numbers never cut, sideways scrolling.

/// Text from data, safe to put on a terminal: control characters (escape sequences included),
/// bidi overrides and zero-width characters are shown as visible escapes.
pub fn safe(s: &str) -> String {
    crate::engine::format::visible(s)
}

use std::borrow::Cow;

use ratatui::layout::{Alignment, Constraint};
use ratatui::style::Style;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Cell, Row, Table};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a column holds, which decides how it gives way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Names and labels: shrink to `min` cells, cut with an ellipsis.
    Text { min: u16 },
    /// Counts, amounts and shares: right-aligned, never cut.
    Number,
}

/// A table column that may be dropped when the screen is narrow.
#[derive(Debug, Clone)]
pub struct Col {
    pub header: Cow<'static, str>,
    /// Lower numbers are kept first; the first column is always kept.
    pub priority: u8,
    pub kind: Kind,
    /// The width the column is planned with, whatever this table's cells are, so that a screen
    /// shows the same columns for every criterion (e.g. the width of the grand total).
    pub nominal: u16,
}

impl Col {
    /// A text column (at least 8 cells, or its header).
    pub fn text(header: impl Into<Cow<'static, str>>, priority: u8) -> Col {
        Col {
            header: header.into(),
            priority,
            kind: Kind::Text { min: 8 },
            nominal: 0,
        }
    }

    /// A number column, planned at `nominal` cells (or its widest cell, if wider).
    pub fn number(header: impl Into<Cow<'static, str>>, priority: u8, nominal: usize) -> Col {
        Col {
            header: header.into(),
            priority,
            kind: Kind::Number,
            nominal: nominal as u16,
        }
    }

    /// A text column that never shrinks below `min` cells.
    pub fn min(mut self, min: u16) -> Col {
        self.kind = Kind::Text { min };
        self
    }
}

/// Display width of a text.
pub fn width(s: &str) -> u16 {
    UnicodeWidthStr::width(s).min(u16::MAX as usize) as u16
}

/// At most `w` display cells, with an ellipsis when cut.
pub fn clip(s: &str, w: u16) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0u16;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0) as u16;
        if used + cw + 1 > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    if w > 0 {
        out.push('…');
    }
    out
}

/// Exactly `w` display cells: cut with an ellipsis, or padded with spaces.
pub fn pad(s: &str, w: u16) -> String {
    let c = clip(s, w);
    let fill = w.saturating_sub(width(&c)) as usize;
    format!("{c}{}", " ".repeat(fill))
}

/// The rows to show of `total`, keeping `selected` in a window of `height` rows.
pub fn window(selected: usize, height: usize, total: usize) -> (usize, usize) {
    if height == 0 || total == 0 {
        return (0, 0);
    }
    let start = selected
        .saturating_sub(height - 1)
        .min(total.saturating_sub(height));
    (start, (start + height).min(total))
}

/// What is out of sight above and below a window: `↑ 2 more · ↓ 5 more`.
pub fn rows_note(start: usize, end: usize, total: usize) -> String {
    let above = (start > 0).then(|| format!("↑ {start} more"));
    let below = (end < total).then(|| format!("↓ {} more", total - end));
    match (above, below) {
        (None, None) => String::new(),
        (Some(a), None) => format!(" {a} "),
        (None, Some(b)) => format!(" {b} "),
        (Some(a), Some(b)) => format!(" {a} · {b} "),
    }
}

/// Words of `text` in lines of at most `w` cells, each after `indent` spaces (a word longer than a line is cut with an ellipsis, never lost silently).
pub fn wrap(text: &str, w: u16, indent: u16) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let room = w.saturating_sub(indent).max(8);
    for word in text.split(' ') {
        let next = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&next) <= room {
            line = next;
        } else {
            if !line.is_empty() {
                out.push(line);
            }
            line = clip(word, room);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out.into_iter()
        .map(|l| format!("{}{l}", " ".repeat(indent as usize)))
        .collect()
}

/// Paragraphs (split at blank lines) wrapped to `w` cells, with a blank line between them.
pub fn paragraphs(text: &str, w: u16) -> Vec<String> {
    let mut out = Vec::new();
    for (k, p) in text.split("\n\n").enumerate() {
        if k > 0 {
            out.push(String::new());
        }
        out.extend(wrap(&p.replace('\n', " "), w, 0));
    }
    out
}

/// How a table is laid out in the space it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The columns shown, in order, with their widths.
    pub shown: Vec<(usize, u16)>,
    /// Columns left out for want of room (they come back on a wider screen).
    pub hidden: usize,
    /// Columns scrolled past on the left (after the first, which stays).
    pub skipped: usize,
}

/// Which columns fit in `avail` cells (one space between columns), kept by priority; the first
/// column always stays. `scroll` skips that many of the other columns first (sideways scrolling
/// of wide tables). Widths come from the cells and headers, never below a column's nominal width.
pub fn plan(cols: &[Col], cells: &[Vec<String>], avail: u16, scroll: usize) -> Plan {
    // never scroll further than it takes to bring the last column into sight
    let mut p = plan_at(cols, cells, avail, 0);
    for s in 1..=scroll {
        if p.hidden == 0 {
            break;
        }
        p = plan_at(cols, cells, avail, s);
    }
    p
}

fn plan_at(cols: &[Col], cells: &[Vec<String>], avail: u16, scroll: usize) -> Plan {
    let content = |i: usize| {
        cells
            .iter()
            .map(|r| r.get(i).map_or(0, |s| width(s)))
            .max()
            .unwrap_or(0)
            .max(width(&cols[i].header))
    };
    // the width a column needs to be shown at all
    let need = |i: usize| match cols[i].kind {
        Kind::Number => content(i).max(cols[i].nominal),
        // planned at its minimum whatever the cells, so the same columns show for every table
        Kind::Text { min } => min.max(width(&cols[i].header)),
    };
    let skipped = scroll.min(cols.len().saturating_sub(2));
    let candidates: Vec<usize> = (0..cols.len()).filter(|&i| i == 0 || i > skipped).collect();
    let mut order = candidates.clone();
    order.sort_by_key(|&i| (i != 0, cols[i].priority, i));
    let mut used = 0u16;
    let mut keep: Vec<(usize, u16)> = Vec::new();
    for i in order {
        let w = need(i);
        let gap = if keep.is_empty() { 0 } else { 1 };
        if i == 0 {
            let w = w.min(avail);
            used += w;
            keep.push((i, w));
        } else if used + gap + w <= avail {
            used += gap + w;
            keep.push((i, w));
        }
    }
    // text columns give back what their cells do not use; what is left then goes to text
    // columns, up to their content, first column first
    keep.sort_unstable();
    for (i, w) in keep.iter_mut() {
        if let Kind::Text { .. } = cols[*i].kind {
            let fit = content(*i).min(*w);
            used -= *w - fit;
            *w = fit;
        }
    }
    for (i, w) in keep.iter_mut() {
        if let Kind::Text { .. } = cols[*i].kind {
            let more = content(*i)
                .saturating_sub(*w)
                .min(avail.saturating_sub(used));
            *w += more;
            used += more;
        }
    }
    Plan {
        hidden: candidates.len() - keep.len(),
        shown: keep,
        skipped,
    }
}

/// A table of `rows` (cells and style) laid out by [`plan`], with a header row.
pub fn table(
    cols: &[Col],
    rows: Vec<(Vec<String>, Style)>,
    avail: u16,
    scroll: usize,
    header_style: Style,
) -> (Table<'static>, Plan) {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.0.clone()).collect();
    let p = plan(cols, &cells, avail, scroll);
    let cell = |i: usize, w: u16, s: &str| -> Cell<'static> {
        match cols[i].kind {
            Kind::Number => {
                Cell::from(Text::from(Line::from(s.to_string())).alignment(Alignment::Right))
            }
            Kind::Text { .. } => Cell::from(clip(s, w)),
        }
    };
    let body: Vec<Row> = rows
        .into_iter()
        .map(|(cells, st)| {
            Row::new(
                p.shown
                    .iter()
                    .map(|&(i, w)| cell(i, w, cells.get(i).map_or("", String::as_str))),
            )
            .style(st)
        })
        .collect();
    let header =
        Row::new(p.shown.iter().map(|&(i, w)| cell(i, w, &cols[i].header))).style(header_style);
    let widths: Vec<Constraint> = p
        .shown
        .iter()
        .map(|&(_, w)| Constraint::Length(w))
        .collect();
    (Table::new(body, widths).header(header), p)
}

/// A note for a table's title when columns are out of sight: `‹ 2 · 3 more ›`.
pub fn more_note(p: &Plan) -> String {
    let cols = |n: usize| if n == 1 { "column" } else { "columns" };
    match (p.skipped, p.hidden) {
        (0, 0) => String::new(),
        (0, h) => format!(" · {h} more {} › ", cols(h)),
        (s, 0) => format!(" · ‹ {s} {} ", cols(s)),
        (s, h) => format!(" · ‹ {s} · {h} more › "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn keeps_columns_by_priority_in_order_and_the_first_always() {
        let cols = [
            Col::text("segment", 0),
            Col::number("customers", 2, 9),
            Col::number("share", 1, 7),
            Col::number("value", 3, 20),
        ];
        let cells = rows(&[&["young", "1", "1.0 %", "3"]]);
        let shown = |avail| {
            plan(&cols, &cells, avail, 0)
                .shown
                .iter()
                .map(|x| x.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(100), vec![0, 1, 2, 3]);
        assert_eq!(shown(30), vec![0, 1, 2]);
        assert_eq!(shown(20), vec![0, 2]);
        assert_eq!(shown(3), vec![0]);
        assert_eq!(plan(&cols, &cells, 20, 0).hidden, 2);
    }

    /// Two tables with different contents show the same columns at the same width: the plan
    /// uses the nominal width of numbers and the minimum of text.
    #[test]
    fn the_same_columns_whatever_the_contents() {
        let cols = [
            Col::text("segment", 0),
            Col::number("value", 1, 12),
            Col::number("per customer", 2, 12),
        ];
        let a = rows(&[&["a", "1.00", "1.00"]]);
        let b = rows(&[&["a very long segment name indeed", "1,234,567.00", "9.00"]]);
        let set = |c: &[Vec<String>]| {
            plan(&cols, c, 36, 0)
                .shown
                .iter()
                .map(|x| x.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(set(&a), set(&b));
    }

    #[test]
    fn text_gets_an_ellipsis_and_numbers_are_never_cut() {
        let cols = [Col::text("segment", 0), Col::number("value", 1, 0)];
        let cells = vec![
            (
                vec!["middle-aged professionals".to_string(), "1,437".to_string()],
                Style::default(),
            ),
            (
                vec!["young".to_string(), "607".to_string()],
                Style::default(),
            ),
        ];
        let (t, p) = table(&cols, cells, 16, 0, Style::default());
        assert_eq!(p.shown, vec![(0, 10), (1, 5)]);
        let mut term = Terminal::new(TestBackend::new(16, 3)).unwrap();
        term.draw(|f| f.render_widget(t, f.area())).unwrap();
        let line = |y: u16| {
            (0..16)
                .map(|x| term.backend().buffer()[(x, y)].symbol().to_string())
                .collect::<String>()
        };
        assert_eq!(line(1), "middle-ag… 1,437");
        assert_eq!(line(2), "young        607");
    }

    #[test]
    fn windows_keep_the_selection_in_sight_and_say_what_is_hidden() {
        assert_eq!(window(0, 10, 1_000_000), (0, 10));
        assert_eq!(window(25, 10, 1_000_000), (16, 26));
        assert_eq!(window(999_999, 10, 1_000_000), (999_990, 1_000_000));
        assert_eq!(window(3, 10, 5), (0, 5));
        assert_eq!(window(0, 0, 5), (0, 0));
        assert_eq!(rows_note(0, 5, 5), "");
        assert_eq!(rows_note(2, 4, 9), " ↑ 2 more · ↓ 5 more ");
        assert_eq!(pad("東京都x", 5), "東京…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let l = wrap("read: age = 49, city = Riga, name = Anja Böhm", 20, 4);
        assert!(l.iter().all(|x| width(x) <= 20), "{l:?}");
        assert_eq!(l.join(" ").split_whitespace().count(), 11);
        assert!(l[1].starts_with("    "));
        let p = paragraphs("one two\n\nthree", 10);
        assert_eq!(p, vec!["one two", "", "three"]);
    }

    #[test]
    fn scrolling_sideways_keeps_the_first_column() {
        let cols: Vec<Col> = std::iter::once(Col::text("from", 0))
            .chain((0..6).map(|k| Col::number(format!("to{k}"), 1, 6)))
            .collect();
        let cells = rows(&[&["a", "1", "2", "3", "4", "5", "6"]]);
        let p = plan(&cols, &cells, 24, 0);
        assert_eq!(
            p.shown.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(p.hidden, 4);
        let p = plan(&cols, &cells, 24, 3);
        assert_eq!(
            p.shown.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![0, 4, 5]
        );
        assert_eq!((p.skipped, p.hidden), (3, 1));
        assert_eq!(more_note(&p), " · ‹ 3 · 1 more › ");
    }

    #[test]
    fn wide_and_combining_characters_keep_columns_aligned() {
        let names = ["東京都", "Rīga", "e\u{301}cole", "plain"];
        let rows: Vec<(Vec<String>, Style)> = names
            .iter()
            .map(|n| (vec![n.to_string(), "1,234".into()], Style::default()))
            .collect();
        let (table, _) = table(
            &[Col::text("segment", 0), Col::number("customers", 0, 0)],
            rows,
            40,
            0,
            Style::default(),
        );
        let mut t = Terminal::new(TestBackend::new(40, 6)).unwrap();
        t.draw(|f| f.render_widget(table, f.area())).unwrap();
        let buf = t.backend().buffer().clone();
        let ends: Vec<u16> = (1..5)
            .map(|y| {
                (0..40)
                    .find(|&x| buf[(x, y)].symbol() == "4")
                    .expect("value shown")
            })
            .collect();
        assert!(ends.iter().all(|&s| s == ends[0]), "{ends:?}");
    }
}
