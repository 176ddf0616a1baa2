//! Copying to the user's clipboard with OSC 52: the terminal does it, so it works over SSH too.

use crate::tui::state::app::{App, Pane};
use crate::tui::steps::StepId;
use crate::tui::update::Effect;

/// At most this much base64 is sent (terminals cap OSC 52 payloads; xterm's default is about 1 MB).
pub const MAX_PAYLOAD: usize = 1_000_000;

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The escape sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Join lines up to what fits in one OSC 52 payload; returns the text and how many lines it holds.
pub fn fit_lines<'a>(lines: impl Iterator<Item = &'a str>) -> (String, usize) {
    let mut text = String::new();
    let mut n = 0;
    for l in lines {
        if (text.len() + l.len() + 1).div_ceil(3) * 4 > MAX_PAYLOAD {
            break;
        }
        text.push_str(l);
        text.push('\n');
        n += 1;
    }
    (text, n)
}

/// `y`: the selected customer's id (List) or the ids of the selected segment (segment pane).
pub fn copy(app: &mut App) -> Vec<Effect> {
    let r = &app.model.ranking;
    if app.nav.step == StepId::List && !r.order.is_empty() {
        let id = r
            .ids
            .text_at(r.row_at(app.list_sort, app.nav.row.min(r.order.len() - 1)))
            .unwrap_or_default();
        app.status = format!("copied customer id {id}");
        return vec![Effect::Copy { text: id }];
    }
    let seg = app
        .current_criterion()
        .filter(|_| app.nav.pane == Pane::Segments);
    let Some(i) = seg else {
        app.status =
            "y copies: a customer id in step 1, or a segment's ids (Tab to the segment table)"
                .into();
        return vec![];
    };
    let res = &app.model.criteria[i].result;
    let Some(row) = app.selected_segment(i).and_then(|k| res.valuation.get(k)) else {
        return vec![];
    };
    let Some(k) = res.assignment.names.iter().position(|n| *n == row.name) else {
        return vec![];
    };
    let ids: Vec<String> = res
        .assignment
        .label
        .iter()
        .enumerate()
        .filter(|(_, l)| **l as usize == k)
        .filter_map(|(c, _)| r.ids.text_at(c))
        .collect();
    let (text, n) = crate::tui::runtime::clipboard::fit_lines(ids.iter().map(String::as_str));
    app.status = if n == ids.len() {
        format!(
            "copied the {} customer ids of \"{}\"",
            crate::engine::format::thousands(n as u64),
            row.name
        )
    } else {
        format!(
            "copied the first {n} of {} ids of \"{}\" (a clipboard payload holds no more); strata export writes them all",
            ids.len(),
            row.name
        )
    };
    vec![Effect::Copy { text }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn long_lists_are_cut_to_one_payload() {
        let ids: Vec<String> = (0..400_000).map(|i| format!("C{i:07}")).collect();
        let (text, n) = fit_lines(ids.iter().map(String::as_str));
        assert!(n < ids.len() && n > 50_000);
        assert!(base64(text.as_bytes()).len() <= MAX_PAYLOAD);
    }
}
