//! A report's totals row left in the data: the words it puts where an id goes.

/// What a report's totals row puts where an id goes (English, German, French, Dutch, Italian).
const TOTALS_WORDS: [&str; 14] = [
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub-total",
    "sum",
    "all",
    "overall",
    "summary",
    "gesamt",
    "summe",
    "somme",
    "totaal",
    "totale",
];

/// Whether `w` is such a word, in any case, alone or followed by a note that is not a word
/// ("Grand total:", "Total (EUR)", "Summe €").
pub fn is_totals_word(w: &str) -> bool {
    let w = w.trim().to_lowercase();
    TOTALS_WORDS.iter().any(|t| match w.strip_prefix(t) {
        Some(rest) => rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()),
        None => false,
    }) && !w.starts_with("all ")
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
        for w in [
            "Total",
            "TOTAL",
            " Grand Total: ",
            "all",
            "Sum",
            "Gesamt",
            "Total (EUR)",
        ] {
            assert!(is_totals_word(w), "{w}");
        }
        for w in ["totally", "Allison", "12", "", "sumo", "all stars"] {
            assert!(!is_totals_word(w), "{w}");
        }
        assert!(is_plain_int("0") && is_plain_int("1234"));
        assert!(!is_plain_int("007") && !is_plain_int("-1") && !is_plain_int("1.0"));
    }
}
