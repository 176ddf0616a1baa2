//! Reading one value's text as an integer, a decimal, a boolean, a date or a date-time.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::MS_PER_DAY;

pub(super) const TIME_FORMATS: [&str; 3] = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"];

/// Plain integer text: optional `-`, digits, no leading zero (so `007` stays text), fits in i64.
pub(super) fn parse_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let d = digits.as_bytes();
    if d.is_empty() || (d.len() > 1 && d[0] == b'0') {
        return None;
    }
    if d.len() <= 18 {
        // at most 18 digits cannot overflow: no check per digit
        let mut v: i64 = 0;
        for &b in d {
            let x = b.wrapping_sub(b'0');
            if x > 9 {
                return None;
            }
            v = v * 10 + i64::from(x);
        }
        return Some(if neg { -v } else { v });
    }
    // accumulate negatively so that i64::MIN fits
    let mut v: i64 = 0;
    for &b in d {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    if neg { Some(v) } else { v.checked_neg() }
}

/// Plain decimals (`-123.45`, at most 15 digits): the digits as an integer divided by a power
/// of ten, which is exact and correctly rounded (both fit a double exactly); `None` otherwise.
pub(super) fn simple_decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b.as_bytes()),
        None => (false, s.as_bytes()),
    };
    let (mut m, mut digits, mut frac, mut dot) = (0u64, 0usize, 0usize, false);
    for &b in body {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                digits += 1;
                frac += usize::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 || (dot && frac == 0) {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

fn has_leading_zero(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s).as_bytes();
    d.len() > 1 && d[0] == b'0' && d[1].is_ascii_digit()
}

/// A finite decimal number; `inf`, `NaN` and overflowing values such as `1e400` are not numbers.
pub(super) fn parse_float(s: &str, decimal_comma: bool) -> Option<f64> {
    if has_leading_zero(s) {
        return None;
    }
    // most numbers are plain decimals: read those before checking for exponents and commas
    if !decimal_comma && let Some(v) = simple_decimal(s) {
        return Some(v);
    }
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E' | b','));
    if !ok || !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = if decimal_comma {
        // dots group the thousands ("1.234.567,50"), in groups of three, before the comma
        // only (so "1,234.50", a dot after the comma, is no number here), or there are none
        let (whole, rest) = s.split_once(',').unwrap_or((s, ""));
        let whole = whole.split(['e', 'E']).next().unwrap_or_default();
        if rest.contains('.')
            || (whole.contains('.') && !thousands_grouped(whole.trim_start_matches(['-', '+'])))
        {
            return None;
        }
        s.replace('.', "").replace(',', ".").parse().ok()?
    } else {
        if s.contains(',') {
            return None;
        }
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// `1.234` or `12.345.678`: one to three digits, then groups of a dot and three digits.
fn thousands_grouped(whole: &str) -> bool {
    let mut groups = whole.split('.');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Fast path for ISO `YYYY-MM-DD`.
pub(super) fn parse_iso_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

/// `YYYY-MM-DD` with a four-digit year from 1000 (as [`parse_dt`] requires) as days since
/// 1970-01-01; `None` for anything else, or a day the month does not have.
pub(super) fn iso_day(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| -> Option<i64> {
        r.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if y < 1000 || d < 1 || d > days_in_month {
        return None;
    }
    // days from civil (H. Hinnant's algorithm), years starting in March
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// A date or date-time in the given date pattern, with an optional time after a space or `T`.
pub(super) fn parse_dt(s: &str, fmt: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let (d, t) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let date = if fmt == "%Y-%m-%d" {
        parse_iso_date(d.as_bytes())?
    } else {
        NaiveDate::parse_from_str(d, fmt).ok()?
    };
    // a four-digit year is required: "%Y" alone would accept "24"
    if !(1000..=9999).contains(&chrono::Datelike::year(&date)) {
        return None;
    }
    let Some(t) = t else {
        return Some((date, None));
    };
    let (t, offset) = split_offset(t)?;
    let time = plain_time(t.as_bytes()).or_else(|| {
        TIME_FORMATS
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
    })?;
    match offset {
        None => Some((date, Some(time))),
        // a time with its offset from UTC (ISO 8601's Z or +02:00) is read as the UTC time
        Some(minutes) => {
            let utc = date.and_time(time) - chrono::Duration::minutes(i64::from(minutes));
            Some((utc.date(), Some(utc.time())))
        }
    }
}

/// A time and its offset from UTC in minutes, if it ends with one: `Z`, `+02:00`, `-0530`,
/// `+01`. `None` for an offset out of range (beyond ±14:00, or minutes past 59).
fn split_offset(t: &str) -> Option<(&str, Option<i32>)> {
    if let Some(rest) = t.strip_suffix(['Z', 'z']) {
        return Some((rest, Some(0)));
    }
    let b = t.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let num = |r: &[u8]| r.iter().fold(0i32, |a, &c| a * 10 + i32::from(c - b'0'));
    // the sign's place for +HH:MM, +HHMM and +HH, after a time that has at least HH:MM
    for (len, hh, mm) in [
        (6usize, 1..3, Some(4..6)),
        (5, 1..3, Some(3..5)),
        (3, 1..3, None),
    ] {
        if b.len() < len + 5 {
            continue;
        }
        let at = b.len() - len;
        let o = &b[at..];
        let sign = match o[0] {
            b'+' => 1,
            b'-' => -1,
            _ => continue,
        };
        let colon_ok = len != 6 || o[3] == b':';
        let mm_ok = mm.clone().is_none_or(|r| digits(&o[r]));
        let time_before = b[..at].contains(&b':');
        if !(digits(&o[hh.clone()]) && colon_ok && mm_ok && time_before) {
            continue;
        }
        let (h, m) = (num(&o[hh]), mm.map_or(0, |r| num(&o[r])));
        if h > 14 || m > 59 {
            return None;
        }
        return Some((&t[..at], Some(sign * (h * 60 + m))));
    }
    Some((t, None))
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` (one to nine digits) with two-digit fields in range:
/// the times a file nearly always has, read without a pattern (anything else, such as a
/// one-digit hour or a leap second, is left to [`TIME_FORMATS`], which read these the same).
pub(super) fn plain_time(b: &[u8]) -> Option<NaiveTime> {
    let two = |i: usize| -> Option<u32> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
    };
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let (h, m) = (two(0)?, two(3)?);
    let (s, nano) = match b.len() {
        5 => (0, 0),
        8 if b[5] == b':' => (two(6)?, 0),
        10..=18 if b[5] == b':' && b[8] == b'.' => {
            let f = &b[9..];
            if !f.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let digits = f
                .iter()
                .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
            (two(6)?, digits * 10u32.pow(9 - f.len() as u32))
        }
        _ => return None,
    };
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nano)
}

/// With a user format: the whole text as a date-time, or as a date.
pub(super) fn parse_with_user_format(s: &str, fmt: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
        return Some((dt.date(), Some(dt.time())));
    }
    NaiveDate::parse_from_str(s, fmt).ok().map(|d| (d, None))
}

pub(super) fn millis(d: NaiveDate, t: Option<NaiveTime>) -> i64 {
    /// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
    const EPOCH_FROM_CE: i64 = 719_163;
    let day = i64::from(chrono::Datelike::num_days_from_ce(&d)) - EPOCH_FROM_CE;
    let ms_of_day = t.map_or(0, |t| {
        i64::from(chrono::Timelike::num_seconds_from_midnight(&t)) * 1000
            + i64::from(chrono::Timelike::nanosecond(&t) / 1_000_000)
    });
    day * MS_PER_DAY + ms_of_day
}
