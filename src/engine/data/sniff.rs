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

/// One record of delimited text as [`each_record`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Its first byte.
    pub start: usize,
    /// The byte after it, its line end included.
    pub end: usize,
    /// The line it starts on (from 1).
    pub line: usize,
    /// Its number of fields (0 for a blank line).
    pub fields: usize,
    /// A quote where no field starts (`32" TV`, or text after a closing quote): readers differ on
    /// what that means, so where its fields end is not known for sure.
    pub stray_quote: bool,
    /// It opens a quoted field that the file never closes.
    pub unclosed: bool,
}

/// Every record of `text`, in order, as a reader splits it: a quote opens a quoted field only
/// at the start of a field, where a doubled quote is a quote and delimiters and newlines are
/// text; a quote anywhere else is an ordinary character (`32"` screens), but said to be stray.
pub fn each_record(text: &[u8], delim: u8, mut f: impl FnMut(Record)) {
    let (mut pos, mut line) = (0usize, 1usize);
    while pos < text.len() {
        let (start, first_line) = (pos, line);
        let mut fields = 1usize;
        let mut field_start = true;
        let mut in_q = false;
        let mut blank = true;
        let (mut closed, mut stray_quote) = (false, false);
        while let Some(&b) = text.get(pos) {
            pos += 1;
            if in_q {
                if b == b'"' {
                    if text.get(pos) == Some(&b'"') {
                        pos += 1;
                    } else {
                        in_q = false;
                        closed = true;
                    }
                } else if b == b'\n' {
                    line += 1;
                }
                continue;
            }
            // after a closing quote only the field's end may come
            let ends = b == b'\n' || b == b'\r' || b == delim;
            stray_quote |= closed && !ends;
            closed = false;
            match b {
                b'\n' => {
                    line += 1;
                    break;
                }
                b'"' if field_start => in_q = true,
                b'"' => stray_quote = true,
                b'\r' => {}
                _ if b == delim => {
                    fields += 1;
                    field_start = true;
                    blank = false;
                    continue;
                }
                _ => {}
            }
            blank &= b == b'\r';
            field_start = false;
        }
        f(Record {
            start,
            end: pos,
            line: first_line,
            fields: if blank { 0 } else { fields },
            stray_quote,
            unclosed: in_q,
        });
    }
}

/// What a scan of delimited text found besides its rows.
#[derive(Debug, Default)]
pub struct Scan {
    /// The header's number of fields.
    pub width: usize,
    /// The records whose number of fields differs from the header's.
    pub bad: Vec<Record>,
    pub blank: Vec<Record>,
    /// The first record whose fields cannot be told for sure (a stray quote, a quote never
    /// closed).
    pub unsure: Option<Record>,
    /// The records that are rows.
    pub rows: usize,
}

/// The records after the header that are not rows of the table, and the first that cannot be
/// split for sure.
pub fn ragged(text: &[u8], delim: u8) -> Scan {
    let mut width = None;
    let mut scan = Scan::default();
    each_record(text, delim, |r| {
        if (r.stray_quote || r.unclosed) && scan.unsure.is_none() {
            scan.unsure = Some(r);
        }
        match width {
            None => width = Some(r.fields),
            Some(_) if r.fields == 0 => scan.blank.push(r),
            Some(w) if r.fields != w => scan.bad.push(r),
            Some(_) => scan.rows += 1,
        }
    });
    scan.width = width.unwrap_or(0);
    scan
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
    fn records_follow_quotes_only_at_the_start_of_a_field() {
        let text = b"a,b,c\n1,\"x,\ny\",3\n2,32\" TV,4\n\n3,\"say \"\"hi\"\"\",5,6\n";
        let mut recs = Vec::new();
        each_record(text, b',', |r| recs.push((r.line, r.fields)));
        assert_eq!(recs, [(1, 3), (2, 3), (4, 3), (5, 0), (6, 4)]);
        let scan = ragged(text, b',');
        assert_eq!((scan.width, scan.blank.len(), scan.rows), (3, 1, 2));
        let bad: Vec<(usize, usize)> = scan.bad.iter().map(|r| (r.line, r.fields)).collect();
        assert_eq!(bad, [(6, 4)]);
        // the quote of 32" is stray: line 4 is the first record that cannot be told for sure
        assert_eq!(scan.unsure.map(|r| r.line), Some(4));
        assert!(
            ragged(b"a,b\n1,\"open\n", b',')
                .unsure
                .is_some_and(|r| r.unclosed)
        );
        assert!(
            ragged(b"a,b\n1,\"x\"y\n", b',')
                .unsure
                .is_some_and(|r| r.stray_quote)
        );
        assert!(ragged(b"a,b\n1,\"x\"\"y\"\n", b',').unsure.is_none());
    }

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
