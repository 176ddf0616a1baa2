//! Copying to the user's clipboard with OSC 52 (crossterm writes the sequence): the terminal does
//! it, so it works over SSH too.

use ratatui::crossterm::Command;
use ratatui::crossterm::clipboard::CopyToClipboard;

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let mut out = String::new();
    // writing to a String cannot fail
    let _ = CopyToClipboard::to_clipboard_from(text).write_ansi(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::effect::{MAX_PAYLOAD, fit_lines};

    #[test]
    fn the_sequence_is_base64_in_osc_52() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x1b\\");
    }

    #[test]
    fn long_lists_are_cut_to_one_payload() {
        let ids: Vec<String> = (0..400_000).map(|i| format!("C{i:07}")).collect();
        let (text, n) = fit_lines(ids.iter().map(String::as_str));
        assert!(n < ids.len() && n > 50_000);
        assert!(text.len().div_ceil(3) * 4 <= MAX_PAYLOAD);
    }
}
