//! Plain-text tables for the terminal: columns aligned by display width (wide and combining characters).

use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Render rows under a header, each column as wide as its widest cell (capped at `max`).
pub fn render(header: &[&str], align: &[Align], rows: &[Vec<String>], max: usize) -> String {
    let clip = |s: &str| -> String {
        if s.width() <= max {
            return s.to_string();
        }
        let mut out = String::new();
        for c in s.chars() {
            if (out.as_str().width() + c.to_string().as_str().width()) >= max {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    };
    let cells: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(
            rows.iter()
                .map(|r| r.iter().map(|c| clip(&sanitize(c))).collect()),
        )
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.width()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (ri, r) in cells.iter().enumerate() {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.width());
            if i > 0 {
                line.push_str("  ");
            }
            match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left => {
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if ri == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            out.push_str(&"─".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// Control characters (terminal escapes included) shown as visible text, never sent to the terminal.
pub fn sanitize(s: &str) -> String {
    crate::engine::format::visible(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_wide_characters() {
        let t = render(
            &["a", "n"],
            &[Align::Left, Align::Right],
            &[
                vec!["日本".into(), "1".into()],
                vec!["Rīga".into(), "22".into()],
            ],
            30,
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2].width(), lines[3].width());
    }

    #[test]
    fn escapes_are_shown_not_sent() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
    }
}
