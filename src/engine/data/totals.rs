//! A report's totals row left in the data: the words it puts where an id goes.

/// What a report's totals row puts where an id goes.
const TOTALS_WORDS: [&str; 9] = [
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub-total",
    "sum",
    "all",
    "overall",
    "summary",
];

/// Whether `w` is such a word, in any case, with a colon after it or not ("Grand total:").
pub fn is_totals_word(w: &str) -> bool {
    let w = w.trim().trim_end_matches(':').trim().to_lowercase();
    TOTALS_WORDS.contains(&w.as_str())
}

/// A plain integer id: digits only, no leading zero (SPEC §2).
pub fn is_plain_int(w: &str) -> bool {
    let b = w.as_bytes();
    !b.is_empty()
        && b.len() <= 18
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_words_in_any_case_and_nothing_else() {
        for w in ["Total", "TOTAL", " Grand Total: ", "all", "Sum"] {
            assert!(is_totals_word(w), "{w}");
        }
        for w in ["totally", "Allison", "12", "", "sum of"] {
            assert!(!is_totals_word(w), "{w}");
        }
        assert!(is_plain_int("0") && is_plain_int("1234"));
        assert!(!is_plain_int("007") && !is_plain_int("-1") && !is_plain_int("1.0"));
    }
}
