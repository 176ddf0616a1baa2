//! Looking at delimited text before parsing it: the delimiter, the header, and where rows go wrong.

/// Candidate delimiters, in order of preference when counts tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Split one record (no embedded newline handling) honouring `"` quotes.
pub fn split_record(line: &str, delim: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.is_empty() {
            in_q = true;
        } else if c as u32 == delim as u32 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Iterate over records (byte ranges), a newline inside quotes staying in its record.
/// Yields `(start, end, line_number)` where `line_number` is the 1-based line the record starts on.
pub fn records(text: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = 0usize;
    let mut line = 1usize;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let start_line = line;
        let mut in_q = false;
        while pos < text.len() {
            let b = text[pos];
            if b == b'"' {
                in_q = !in_q;
            } else if b == b'\n' {
                line += 1;
                if !in_q {
                    let mut end = pos;
                    if end > start && text[end - 1] == b'\r' {
                        end -= 1;
                    }
                    pos += 1;
                    return Some((start, end, start_line));
                }
            }
            pos += 1;
        }
        let mut end = pos;
        if end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        Some((start, end, start_line))
    })
}

/// Count fields of a record, honouring quotes.
pub fn count_fields(rec: &[u8], delim: u8) -> usize {
    let mut n = 1;
    let mut in_q = false;
    for &b in rec {
        if b == b'"' {
            in_q = !in_q;
        } else if b == delim && !in_q {
            n += 1;
        }
    }
    n
}

/// Guess the delimiter from the first records: the candidate whose count is the same,
/// and non-zero, on the most lines (ties: the larger count, then the preference order).
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let sample: Vec<&[u8]> = records(text)
        .take(50)
        .map(|(s, e, _)| &text[s..e])
        .filter(|r| !r.is_empty())
        .collect();
    if sample.is_empty() {
        return b',';
    }
    let mut best = (0usize, 0usize, b',');
    for &d in &CANDIDATES {
        let header = count_fields(sample[0], d);
        if header < 2 {
            continue;
        }
        let consistent = sample
            .iter()
            .filter(|r| count_fields(r, d) == header)
            .count();
        let cand = (consistent, header, d);
        if cand.0 > best.0 || (cand.0 == best.0 && cand.1 > best.1) {
            best = cand;
        }
    }
    best.2
}

/// The first record whose field count differs from the header's, as `(line, found, expected)`.
pub fn find_ragged(text: &[u8], delim: u8) -> Option<(usize, usize, usize)> {
    let mut it = records(text);
    let (s, e, _) = it.next()?;
    let expected = count_fields(&text[s..e], delim);
    for (s, e, line) in it {
        if s == e {
            continue;
        }
        let n = count_fields(&text[s..e], delim);
        if n != expected {
            return Some((line, n, expected));
        }
    }
    None
}

/// The header's column names.
pub fn header(text: &str, delim: u8) -> Vec<String> {
    let bytes = text.as_bytes();
    match records(bytes).next() {
        Some((s, e, _)) => split_record(&text[s..e], delim),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"\"a\";\"b\"\n\"1,5\";\"2\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n"), b'|');
        // commas inside a quoted field do not win over the real delimiter
        assert_eq!(
            sniff_delimiter(b"name;city\n\"Doe, J\";Riga\n\"Roe, K\";Baku\n"),
            b';'
        );
    }

    #[test]
    fn records_keep_quoted_newlines() {
        let t = b"a,b\r\n\"x\ny\",2\n3,4";
        let r: Vec<_> = records(t).collect();
        assert_eq!(r.len(), 3);
        assert_eq!(&t[r[1].0..r[1].1], b"\"x\ny\",2");
        assert_eq!(r[2].2, 4);
    }

    #[test]
    fn finds_ragged_rows_with_their_line() {
        assert_eq!(find_ragged(b"a,b\n1,2\n1,2,3\n", b','), Some((3, 3, 2)));
        assert_eq!(find_ragged(b"a,b\n1,2\n", b','), None);
    }

    #[test]
    fn header_unquotes() {
        assert_eq!(
            header("\"Annual Income (k$)\",\"a\"\"b\",c\n1,2,3", b','),
            vec!["Annual Income (k$)", "a\"b", "c"]
        );
    }
}
