//! Number and text formatting shared by every output (thousands separators, percentages, clipping).

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Signed count change, `+312` / `−40` / `0`.
pub fn signed(n: i64) -> String {
    match n {
        0 => "0".into(),
        x if x > 0 => format!("+{}", thousands(x as u64)),
        x => format!("−{}", thousands(x.unsigned_abs())),
    }
}

/// A share as a percentage with one decimal: `0.125` → `12.5 %`; a tiny negative share shows
/// as `0.0 %`, never `-0.0 %`.
pub fn percent(share: f64) -> String {
    if share.is_nan() {
        return "–".into();
    }
    match format!("{:.1} %", share * 100.0) {
        z if z == "-0.0 %" => "0.0 %".into(),
        s => s,
    }
}

/// `n` of `total` as a percentage that shows 0 % or 100 % only when it is exactly that: one
/// decimal when that tells them apart (`12.5 %`), more when needed (`99.9998 %`), and past four
/// decimals the counts themselves (`1 of 541,909,000`).
pub fn share_of(n: usize, total: usize) -> String {
    if total == 0 {
        return "–".into();
    }
    if n == 0 {
        return "0 %".into();
    }
    if n == total {
        return "100 %".into();
    }
    let pct = n as f64 / total as f64 * 100.0;
    for places in 1..=4 {
        let s = format!("{pct:.places$}");
        let v: f64 = s.parse().unwrap_or(pct);
        if v > 0.0 && v < 100.0 {
            return format!("{s} %");
        }
    }
    format!("{} of {}", thousands(n as u64), thousands(total as u64))
}

/// `2025-01-01` for a day number since 1970-01-01.
pub fn day_text(days: i32) -> String {
    (crate::engine::data::infer::epoch() + chrono::Duration::days(days as i64))
        .format("%Y-%m-%d")
        .to_string()
}

/// Money-like amount with thousands separators and two decimals.
pub fn amount(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let neg = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u64;
    format!(
        "{}{}.{:02}",
        if neg { "-" } else { "" },
        thousands(cents / 100),
        cents % 100
    )
}

/// A correlation to two decimals, with "–" for none and never "-0.00".
pub fn correlation(c: Option<f64>) -> String {
    match c {
        Some(c) if c.abs() < 0.005 => "0.00".into(),
        Some(c) => format!("{c:.2}"),
        None => "–".into(),
    }
}

/// A number as people write it: `25`, `40.5`, `0.125` (no trailing zeros, no exponent).
pub fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Text from data, safe to print on a terminal: control characters (escape sequences included),
/// bidi overrides and zero-width characters are shown as visible escapes, newlines as ⏎.
pub fn visible(s: &str) -> String {
    let hidden = |c: char| matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
    if !s.chars().any(|c| c.is_control() || hidden(c)) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' => "⏎".to_string(),
            '\t' => "⇥".to_string(),
            c if c.is_control() => format!("\\x{:02x}", c as u32),
            c if hidden(c) => format!("\\u{{{:04x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// A number as a person reads it: to 15 significant digits, the shortest text that has them
/// (a sum of amounts in cents shows as cents, `280206.02`, not as its last binary digits,
/// `280206.01999999984`).
pub fn decimal(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    format!("{x:.14e}").parse::<f64>().unwrap_or(x).to_string()
}

/// A number for reading, not for checking: whole numbers as they are, others to six
/// significant digits without trailing zeros (`0.0869565`, `145.755`), so a rate or a mean is
/// not shown with its last binary digits. `decimal` gives the full value.
pub fn readable(x: f64) -> String {
    if !x.is_finite() || (x.fract() == 0.0 && x.abs() < 1e15) {
        return plain_number(x);
    }
    let text = format!("{x:.5e}").parse::<f64>().unwrap_or(x).to_string();
    if text.contains('e') {
        format!("{x:.6}")
    } else {
        text
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers_keep_six_significant_digits() {
        assert_eq!(readable(0.0869565217391304), "0.0869565");
        assert_eq!(readable(145.75464285714284), "145.755");
        assert_eq!(readable(3.0), "3");
        assert_eq!(readable(-2.5), "-2.5");
        assert_eq!(readable(1234567.891), "1234570");
    }

    #[test]
    fn shares_never_round_to_all_or_nothing() {
        assert_eq!(share_of(1, 8), "12.5 %");
        assert_eq!(share_of(541_908, 541_909), "99.9998 %");
        assert_eq!(share_of(1, 541_909), "0.0002 %");
        assert_eq!(share_of(1, 541_909_000), "1 of 541,909,000");
        assert_eq!(share_of(0, 5), "0 %");
        assert_eq!(share_of(5, 5), "100 %");
    }

    #[test]
    fn decimals_show_as_written() {
        assert_eq!(decimal(280206.01999999984), "280206.02");
        assert_eq!(decimal(0.1 + 0.2), "0.3");
        assert_eq!(decimal(-12.5), "-12.5");
        assert_eq!(decimal(3.0), "3");
        assert_eq!(decimal(1e-7), "0.0000001");
        assert_eq!(decimal(123456789012345.6), "123456789012346");
        assert_eq!(decimal(f64::NAN), "NaN");
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(541909), "541,909");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(signed(312), "+312");
        assert_eq!(signed(-4000), "−4,000");
        assert_eq!(percent(0.125), "12.5 %");
        assert_eq!(percent(-0.00004), "0.0 %");
        assert_eq!(percent(-0.0), "0.0 %");
        assert_eq!(percent(-0.012), "-1.2 %");
        assert_eq!(amount(-1234.5), "-1,234.50");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
