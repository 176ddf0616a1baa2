//! Reading well-formed delimited text straight into typed columns, in parallel chunks of rows.
//!
//! The general path parses every field as text and then infers each column's type; at millions
//! of rows that text copy costs more time and memory than the data itself. This reader splits
//! the rows into one chunk per core, reads each value once into the type the column still fits
//! (with exactly the inference rules of [`super::infer`]), keeps text dictionary-encoded, and
//! re-reads a chunk's column only when a later row changes the column's type. Anything unusual
//! (rows of another width, quotes inside a field, blank lines) returns `None`, and the caller
//! takes the general path, which reports it.

use std::borrow::Cow;
use std::collections::HashMap;

use polars::prelude::*;

use super::infer::{Cell, Choice, Inferred, MS_PER_DAY, Parsed, Reading, Verdict, cell, parse_as};

/// Bytes per chunk below which splitting is not worth a thread (small in tests, to split often).
const MIN_CHUNK_BYTES: usize = if cfg!(test) { 4096 } else { 1 << 20 };

/// Marks a missing value in [`Values::Text`] codes.
pub const NO_CODE: u32 = u32::MAX;

/// One column's values in its inferred type.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    /// Days since 1970-01-01.
    Days(Vec<Option<i32>>),
    /// Milliseconds since 1970-01-01 (date-times).
    Millis(Vec<Option<i64>>),
    /// Text stored once per distinct value; [`NO_CODE`] for missing.
    Text {
        codes: Vec<u32>,
        dict: Vec<String>,
    },
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) | Values::Millis(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Days(v) => v.len(),
            Values::Text { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same values as a polars series.
    pub fn into_series(self, name: &str) -> Series {
        let name = PlSmallStr::from(name);
        match self {
            Values::Int(v) => Series::new(name, v),
            Values::Float(v) => Series::new(name, v),
            Values::Bool(v) => Series::new(name, v),
            Values::Days(v) => Series::new(name, v).into_date(),
            Values::Millis(v) => Series::new(name, v).into_datetime(TimeUnit::Milliseconds, None),
            Values::Text { codes, dict } => {
                let mut b = StringChunkedBuilder::new(name, codes.len());
                for c in codes {
                    match c {
                        NO_CODE => b.append_null(),
                        c => b.append_value(&dict[c as usize]),
                    }
                }
                b.finish().into_series()
            }
        }
    }
}

/// One column as read: its values and how they were interpreted.
pub struct ReadColumn {
    pub values: Values,
    pub kind: Inferred,
    /// Values read as missing because they were a null token (`NA`, `NaN`, ...).
    pub null_tokens: usize,
    /// When a date pattern was chosen among several that fit, the others.
    pub ambiguous_with: Vec<String>,
}

/// The typed columns of `text` (whose first record is the header of `names`), for the columns
/// whose index is in `keep` (in file order); `None` when the text needs the general path.
pub(crate) fn read(
    text: &str,
    delim: u8,
    names: &[String],
    keep: &[usize],
    date_format: Option<&str>,
    decimal_comma: bool,
) -> Option<Vec<ReadColumn>> {
    if !delim.is_ascii() || matches!(delim, b'"' | b'\n' | b'\r') {
        return None;
    }
    let bytes = text.as_bytes();
    let body = header_end(bytes)?;
    let threads = if cfg!(test) {
        4
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let chunks = split(bytes, body, threads)?;
    let r = Reading::new(date_format, decimal_comma);
    let shape = Shape {
        text,
        delim,
        ncols: names.len(),
        slot: slots(names.len(), keep),
    };
    let timing = crate::engine::eval::session::Timing::new();
    // first pass: every chunk reads its values into the type they fit so far
    let states: Vec<Vec<Column1>> = on_chunks(chunks.clone(), |(a, b)| {
        first_pass(&shape, a, b, keep.len(), &r)
    })?;
    timing.mark("  first pass");
    // the column's type over all chunks
    let verdicts: Vec<Verdict> = (0..keep.len())
        .map(|c| {
            let mut v = Verdict::new(&r);
            for st in &states {
                v.merge(&st[c].verdict);
            }
            v
        })
        .collect();
    let choices: Vec<Choice> = verdicts.iter().map(Verdict::choice).collect();
    // second pass where a chunk's buffer does not hold the final type
    let work: Vec<((usize, usize), Vec<Column1>)> = chunks.iter().copied().zip(states).collect();
    let parts: Vec<Vec<Values>> = on_chunks(work, |((a, b), st)| {
        finish_chunk(&shape, a, b, st, &choices, &r)
    })?;
    timing.mark("  second pass");
    let mut out = Vec::with_capacity(keep.len());
    let mut parts: Vec<std::vec::IntoIter<Values>> =
        parts.into_iter().map(|p| p.into_iter()).collect();
    for (c, v) in verdicts.iter().enumerate() {
        let bufs: Vec<Values> = parts.iter_mut().map(|p| p.next()).collect::<Option<_>>()?;
        let (kind, ambiguous_with) = v.kind(&r);
        let text = choices[c] == Choice::Text;
        out.push(ReadColumn {
            values: join(bufs)?,
            kind,
            null_tokens: if text { 0 } else { v.tokens },
            ambiguous_with,
        });
    }
    timing.mark("  joined");
    Some(out)
}

/// Run `f` on every item (a chunk and its state), one thread each; `None` when any says so.
fn on_chunks<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> Option<T> + Sync) -> Option<Vec<T>> {
    if items.len() == 1 {
        return Some(vec![f(items.into_iter().next()?)?]);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                let f = &f;
                s.spawn(move || f(item))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect::<Option<Vec<_>>>()
    })
}

/// How rows are laid out: the text, its delimiter and width, and where each kept column goes.
struct Shape<'a> {
    text: &'a str,
    delim: u8,
    ncols: usize,
    /// Per column of the file: its place among the kept columns.
    slot: Vec<Option<usize>>,
}

fn slots(ncols: usize, keep: &[usize]) -> Vec<Option<usize>> {
    let mut slot = vec![None; ncols];
    for (k, &i) in keep.iter().enumerate() {
        if i < ncols {
            slot[i] = Some(k);
        }
    }
    slot
}

/// Where the header record ends (the byte after its newline); `None` when the header is all.
fn header_end(b: &[u8]) -> Option<usize> {
    let mut in_q = false;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            in_q = !in_q;
        } else if c == b'\n' && !in_q {
            return Some(i + 1);
        }
    }
    None
}

/// Byte ranges of whole records, about `n` of them; `None` when a quote is left open.
fn split(b: &[u8], start: usize, n: usize) -> Option<Vec<(usize, usize)>> {
    let len = b.len();
    let parts = n.min((len - start) / MIN_CHUNK_BYTES).max(1);
    let quoted = memchr::memchr(b'"', &b[start..]).is_some();
    let mut cuts = vec![start];
    if quoted {
        // follow the quotes from the start so that a cut never falls inside a quoted newline
        let mut in_q = false;
        let mut target = start + (len - start) / parts;
        for (i, &c) in b.iter().enumerate().skip(start) {
            if c == b'"' {
                in_q = !in_q;
            } else if c == b'\n' && !in_q && i + 1 >= target && cuts.len() < parts {
                cuts.push(i + 1);
                target = i + 1 + (len - start) / parts;
            }
        }
        if in_q {
            return None;
        }
    } else {
        for k in 1..parts {
            let at = (start + (len - start) * k / parts).max(*cuts.last()?);
            match memchr::memchr(b'\n', &b[at..]) {
                Some(p) if at + p + 1 < len => cuts.push(at + p + 1),
                _ => break,
            }
        }
    }
    cuts.dedup();
    let mut out: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    out.push((*cuts.last()?, len));
    Some(out)
}

/// One field: the bytes between delimiters, unquoted (a doubled quote is one quote).
type Field<'a> = Cow<'a, str>;

/// Read the fields of the records in `a..b`, calling `f(slot, value)` for kept columns.
/// Returns `None` on anything the general path should handle.
fn each_field<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    mut f: impl FnMut(usize, Option<Field<'a>>),
) -> Option<()> {
    let text = shape.text;
    let bytes = text.as_bytes();
    let delim = shape.delim;
    let mut pos = a;
    while pos < b {
        // a blank line: fine only at the very end
        if bytes[pos] == b'\n' || (bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n')) {
            if bytes[pos..].iter().all(|&c| c == b'\n' || c == b'\r') {
                return Some(());
            }
            return None;
        }
        let mut col = 0usize;
        loop {
            let (value, next, end_of_row) = if pos >= b {
                // the row ends in a delimiter at the end of the text: one more empty field
                (Cow::Borrowed(""), b, true)
            } else if bytes[pos] == b'"' {
                quoted(bytes, text, pos, delim)?
            } else {
                let mut stop = pos;
                while stop < b {
                    let c = bytes[stop];
                    if c == delim || c == b'\n' {
                        break;
                    }
                    if c == b'"' {
                        return None;
                    }
                    stop += 1;
                }
                let mut end = stop;
                let eol = stop >= b || bytes[stop] == b'\n';
                if eol && end > pos && bytes[end - 1] == b'\r' {
                    end -= 1;
                }
                (Cow::Borrowed(&text[pos..end]), stop + 1, eol)
            };
            if col >= shape.ncols {
                return None;
            }
            if let Some(s) = shape.slot[col] {
                f(s, if value.is_empty() { None } else { Some(value) });
            }
            col += 1;
            pos = next;
            if end_of_row {
                break;
            }
        }
        if col != shape.ncols {
            return None;
        }
    }
    Some(())
}

/// A quoted field starting at `pos`: its value, where the next field starts, and whether the
/// row ends after it.
fn quoted<'a>(
    bytes: &[u8],
    text: &'a str,
    pos: usize,
    delim: u8,
) -> Option<(Field<'a>, usize, bool)> {
    let mut i = pos + 1;
    let mut doubled = false;
    loop {
        let q = i + memchr::memchr(b'"', &bytes[i..])?;
        if bytes.get(q + 1) == Some(&b'"') {
            doubled = true;
            i = q + 2;
            continue;
        }
        let inner = &text[pos + 1..q];
        let value = if doubled {
            Cow::Owned(inner.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(inner)
        };
        let mut after = q + 1;
        if bytes.get(after) == Some(&b'\r') && bytes.get(after + 1) == Some(&b'\n') {
            after += 1;
        }
        return match bytes.get(after) {
            None => Some((value, after, true)),
            Some(b'\n') => Some((value, after + 1, true)),
            Some(&c) if c == delim => Some((value, after + 1, false)),
            Some(_) => None,
        };
    }
}

/// Text of one chunk, each distinct value once.
#[derive(Default)]
struct Dict<'a> {
    codes: Vec<u32>,
    at: HashMap<Cow<'a, str>, u32, foldhash::fast::RandomState>,
    words: Vec<Cow<'a, str>>,
}

impl<'a> Dict<'a> {
    fn with_nulls(n: usize, hint: usize) -> Dict<'a> {
        let mut codes = Vec::with_capacity(hint.max(n));
        codes.resize(n, NO_CODE);
        Dict {
            codes,
            ..Default::default()
        }
    }

    fn push(&mut self, v: Option<Field<'a>>) {
        let code = match v {
            None => NO_CODE,
            Some(v) => match self.at.get(v.as_ref()) {
                Some(&c) => c,
                None => {
                    let c = self.words.len() as u32;
                    self.words.push(v.clone());
                    self.at.insert(v, c);
                    c
                }
            },
        };
        self.codes.push(code);
    }
}

fn nulls<T: Clone>(n: usize, hint: usize) -> Vec<Option<T>> {
    let mut v = Vec::with_capacity(hint.max(n));
    v.resize(n, None);
    v
}

/// Values of one column in one chunk, in the type the column fits so far.
enum Buf<'a> {
    /// Only missing values so far: how many.
    Nulls(usize),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(usize, Vec<Option<i64>>),
    Text(Dict<'a>),
    /// The type changed in a way that needs the text again.
    Stale,
}

impl<'a> Buf<'a> {
    /// A buffer of `n` missing values for values like `p`.
    fn for_parsed(p: Parsed, n: usize, hint: usize) -> Buf<'a> {
        match p {
            Parsed::Int(_) => Buf::Int(nulls(n, hint)),
            Parsed::Float(_) => Buf::Float(nulls(n, hint)),
            Parsed::Bool(_) => Buf::Bool(nulls(n, hint)),
            Parsed::Date(i, _) => Buf::Date(i, nulls(n, hint)),
        }
    }

    fn push_null(&mut self) {
        match self {
            Buf::Nulls(n) => *n += 1,
            Buf::Int(v) | Buf::Date(_, v) => v.push(None),
            Buf::Float(v) => v.push(None),
            Buf::Bool(v) => v.push(None),
            Buf::Text(d) => d.codes.push(NO_CODE),
            Buf::Stale => {}
        }
    }

    /// Add a typed value, retyping the buffer if the column's type moved on.
    fn push(&mut self, p: Parsed, hint: usize) {
        match (&mut *self, p) {
            (Buf::Int(v), Parsed::Int(x)) => return v.push(Some(x)),
            (Buf::Float(v), Parsed::Float(x)) => return v.push(Some(x)),
            (Buf::Bool(v), Parsed::Bool(x)) => return v.push(Some(x)),
            (Buf::Date(i, v), Parsed::Date(j, x)) if *i == j => return v.push(Some(x)),
            _ => {}
        }
        *self = match std::mem::replace(self, Buf::Stale) {
            Buf::Nulls(n) => Buf::for_parsed(p, n, hint),
            // integers read so far are exactly the floats their text would give
            Buf::Int(v) if matches!(p, Parsed::Float(_)) => {
                Buf::Float(v.into_iter().map(|x| x.map(|x| x as f64)).collect())
            }
            _ => return,
        };
        self.push(p, hint);
    }
}

struct Column1<'a> {
    verdict: Verdict,
    buf: Buf<'a>,
    /// Rows expected in the chunk.
    hint: usize,
}

impl<'a> Column1<'a> {
    fn push(&mut self, v: Option<Field<'a>>, r: &Reading) {
        match cell(v.as_deref()) {
            Cell::Blank => {
                self.verdict.blanks += usize::from(v.is_some());
                self.buf.push_null();
            }
            Cell::Token => {
                self.verdict.tokens += 1;
                match &mut self.buf {
                    // text keeps null tokens as written
                    Buf::Text(d) => d.push(v),
                    b => b.push_null(),
                }
            }
            Cell::Value(t) => {
                if let Buf::Text(d) = &mut self.buf {
                    self.verdict.non_null += 1;
                    return d.push(v);
                }
                match self.verdict.observe(t, r) {
                    Some(p) => self.buf.push(p, self.hint),
                    None => {
                        self.buf = match std::mem::replace(&mut self.buf, Buf::Stale) {
                            // tokens seen before were dropped: they must be read again as text
                            Buf::Nulls(n) if self.verdict.tokens == 0 => {
                                let mut d = Dict::with_nulls(n, self.hint);
                                d.push(v);
                                Buf::Text(d)
                            }
                            _ => Buf::Stale,
                        }
                    }
                }
            }
        }
    }
}

fn first_pass<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    kept: usize,
    r: &Reading,
) -> Option<Vec<Column1<'a>>> {
    // rows in the chunk, estimated from its start, so that buffers rarely grow
    let sample = &shape.text.as_bytes()[a..b.min(a + (1 << 16))];
    let lines = memchr::memchr_iter(b'\n', sample).count().max(1);
    let hint = ((b - a) as f64 / sample.len().max(1) as f64 * lines as f64 * 1.02) as usize + 16;
    let mut cols: Vec<Column1> = (0..kept)
        .map(|_| Column1 {
            verdict: Verdict::new(r),
            buf: Buf::Nulls(0),
            hint,
        })
        .collect();
    each_field(shape, a, b, |s, v| cols[s].push(v, r))?;
    Some(cols)
}

/// Whether a chunk's buffer already holds the column's final type.
fn fits(buf: &Buf, tokens: usize, choice: Choice) -> bool {
    match (buf, choice) {
        (Buf::Nulls(_), Choice::Text) => tokens == 0,
        (Buf::Nulls(_), _) => true,
        (Buf::Int(_), Choice::Int | Choice::Float) => true,
        (Buf::Float(_), Choice::Float) => true,
        (Buf::Bool(_), Choice::Bool) => true,
        (Buf::Date(i, _), Choice::Date(j, _)) => *i == j,
        (Buf::Text(_), Choice::Text) => true,
        _ => false,
    }
}

/// The chunk's buffer of every kept column in its final type, re-reading where needed.
fn finish_chunk<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    states: Vec<Column1<'a>>,
    choices: &[Choice],
    r: &Reading,
) -> Option<Vec<Values>> {
    let again: Vec<bool> = states
        .iter()
        .zip(choices)
        .map(|(st, &c)| !fits(&st.buf, st.verdict.tokens, c))
        .collect();
    let hint = states.first().map_or(0, |st| st.hint);
    let mut out: Vec<Buf> = states
        .into_iter()
        .zip(&again)
        .zip(choices)
        .map(|((st, &again), &c)| match (again, c) {
            (false, _) => st.buf,
            (true, Choice::Text) => Buf::Text(Dict::with_nulls(0, hint)),
            (true, _) => Buf::Nulls(0),
        })
        .collect();
    if again.iter().any(|x| *x) {
        each_field(shape, a, b, |s, v| {
            if !again[s] {
                return;
            }
            match &mut out[s] {
                // text: blanks become missing, null tokens stay as written
                Buf::Text(d) => {
                    let blank = v.as_deref().is_none_or(|t| t.trim().is_empty());
                    d.push(if blank { None } else { v });
                }
                buf => match cell(v.as_deref())
                    .value()
                    .and_then(|t| parse_as(choices[s], t, r))
                {
                    Some(p) => buf.push(p, hint),
                    None => buf.push_null(),
                },
            }
        })?;
    }
    out.into_iter()
        .zip(choices)
        .map(|(b, &c)| finalize(b, c))
        .collect()
}

/// A chunk's buffer as values of the column's final type (text keeps its chunk dictionary).
fn finalize(buf: Buf, choice: Choice) -> Option<Values> {
    Some(match (choice, buf) {
        (Choice::Text, Buf::Nulls(k)) => Values::Text {
            codes: vec![NO_CODE; k],
            dict: vec![],
        },
        (Choice::Text, Buf::Text(d)) => Values::Text {
            codes: d.codes,
            dict: d.words.into_iter().map(Cow::into_owned).collect(),
        },
        (Choice::Int, Buf::Nulls(k)) => Values::Int(vec![None; k]),
        (Choice::Int, Buf::Int(v)) => Values::Int(v),
        (Choice::Float, Buf::Nulls(k)) => Values::Float(vec![None; k]),
        (Choice::Float, Buf::Float(v)) => Values::Float(v),
        (Choice::Float, Buf::Int(v)) => {
            Values::Float(v.into_iter().map(|x| x.map(|x| x as f64)).collect())
        }
        (Choice::Bool, Buf::Nulls(k)) => Values::Bool(vec![None; k]),
        (Choice::Bool, Buf::Bool(v)) => Values::Bool(v),
        (Choice::Date(_, false), Buf::Nulls(k)) => Values::Days(vec![None; k]),
        (Choice::Date(_, true), Buf::Nulls(k)) => Values::Millis(vec![None; k]),
        (Choice::Date(_, false), Buf::Date(_, v)) => Values::Days(
            v.into_iter()
                .map(|x| x.map(|ms| ms.div_euclid(MS_PER_DAY) as i32))
                .collect(),
        ),
        (Choice::Date(_, true), Buf::Date(_, v)) => Values::Millis(v),
        _ => return None,
    })
}

/// One column's chunks joined: appended to the first (which large allocations often extend in
/// place), text codes mapped into one dictionary.
fn join(parts: Vec<Values>) -> Option<Values> {
    let mut it = parts.into_iter();
    let mut out = it.next()?;
    let mut at: Option<HashMap<String, u32, foldhash::fast::RandomState>> = None;
    for p in it {
        match (&mut out, p) {
            (Values::Int(a), Values::Int(b)) | (Values::Millis(a), Values::Millis(b)) => {
                a.extend(b)
            }
            (Values::Float(a), Values::Float(b)) => a.extend(b),
            (Values::Bool(a), Values::Bool(b)) => a.extend(b),
            (Values::Days(a), Values::Days(b)) => a.extend(b),
            (
                Values::Text { codes, dict },
                Values::Text {
                    codes: c2,
                    dict: d2,
                },
            ) => {
                let at = at.get_or_insert_with(|| {
                    dict.iter()
                        .enumerate()
                        .map(|(i, w)| (w.clone(), i as u32))
                        .collect()
                });
                let map: Vec<u32> = d2
                    .into_iter()
                    .map(|w| match at.get(&w) {
                        Some(&c) => c,
                        None => {
                            dict.push(w.clone());
                            let c = (dict.len() - 1) as u32;
                            at.insert(w, c);
                            c
                        }
                    })
                    .collect();
                codes.extend(c2.into_iter().map(|c| match c {
                    NO_CODE => NO_CODE,
                    c => map[c as usize],
                }));
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::infer::infer_column;

    /// The general path: polars reads text, then each column is inferred.
    fn general_with(
        text: &str,
        delim: u8,
    ) -> Vec<(Series, crate::engine::data::infer::Inferred, usize)> {
        let df = CsvReadOptions::default()
            .with_parse_options(CsvParseOptions::default().with_separator(delim))
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
            .finish()
            .unwrap();
        df.columns()
            .iter()
            .map(|c| {
                let ic = infer_column(c.as_materialized_series(), None, false).unwrap();
                (ic.series, ic.kind, ic.null_tokens)
            })
            .collect()
    }

    fn fast(text: &str) -> Option<Vec<(Series, crate::engine::data::infer::Inferred, usize)>> {
        fast_with(text, b',')
    }

    fn fast_with(
        text: &str,
        delim: u8,
    ) -> Option<Vec<(Series, crate::engine::data::infer::Inferred, usize)>> {
        let names = super::super::sniff::header(text, delim);
        let keep: Vec<usize> = (0..names.len()).collect();
        read(text, delim, &names, &keep, None, false).map(|v| {
            v.into_iter()
                .zip(&names)
                .map(|(ic, n)| (ic.values.into_series(n), ic.kind, ic.null_tokens))
                .collect()
        })
    }

    fn same_as_general(text: &str) {
        same_as_general_with(text, b',')
    }

    fn same_as_general_with(text: &str, delim: u8) {
        let f = fast_with(text, delim).expect("fast path taken");
        let g = general_with(text, delim);
        assert_eq!(f.len(), g.len());
        for ((fs, fk, ft), (gs, gk, gt)) in f.iter().zip(&g) {
            assert_eq!(fk, gk, "{}", fs.name());
            assert_eq!(ft, gt, "{}", fs.name());
            assert_eq!(fs.dtype(), gs.dtype(), "{}", fs.name());
            assert!(fs.equals_missing(gs), "{}: {fs:?} vs {gs:?}", fs.name());
        }
    }

    #[test]
    fn types_change_part_way_as_in_the_general_path() {
        same_as_general(
            "id,n,x,d,t,b,e,q\n1,5,1,2024-01-02,a,TRUE,,\"x, y\"\n2,NA,2.5,2024-01-03 10:00:00,b,false,,\"say \"\"hi\"\"\"\n\
             3, 7 ,C3,NA,  ,true,,z\r\n",
        );
        // an ambiguous date pattern resolved by a later row; an integer column turned text
        same_as_general("d,k\n01/02/2011,1\n12/31/2010,007\n");
    }

    #[test]
    fn many_chunks_agree_with_one() {
        let mut text = String::from("id,v,w\n");
        for i in 0..120_000 {
            let w = if i == 90_000 {
                "x".to_string()
            } else {
                i.to_string()
            };
            let v = if i % 7 == 0 {
                "1.5".to_string()
            } else {
                i.to_string()
            };
            text.push_str(&format!("{i},{v},{w}\n"));
        }
        assert_eq!(split(text.as_bytes(), 7, 4).unwrap().len(), 4);
        // quoted text is cut between records too, never inside a quoted newline
        let quoted = text.replace(",1.5,", ",\"1.\n5\",");
        let cuts = split(quoted.as_bytes(), 7, 4).unwrap();
        assert_eq!(cuts.len(), 4);
        for (a, _) in &cuts[1..] {
            assert!(quoted.as_bytes()[a - 2] != b'.', "cut inside quotes at {a}");
        }
        same_as_general(&text);
    }

    #[test]
    fn real_datasets_read_the_same_both_ways() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
        let files = [
            "bank_marketing/bank.csv",
            "mall_customers/mall_customers.csv",
            "marketing_campaign/marketing_campaign.csv",
            "rfm_package_fixture/rfm_data_customer.csv",
            "rfm_package_fixture/rfm_data_orders.csv",
            "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv",
            "wholesale_customers/wholesale_customers.csv",
            "online_retail/online_retail.csv.gz",
        ];
        for f in files {
            let path = dir.join(f);
            let Ok(raw) = std::fs::read(&path) else {
                panic!(
                    "{} is missing: ../shared must be beside the project",
                    path.display()
                );
            };
            let bytes = super::super::load::gunzip(&path, raw).unwrap();
            let text = String::from_utf8(bytes).expect("UTF-8 dataset");
            let delim = super::super::sniff::sniff_delimiter(text.as_bytes());
            same_as_general_with(&text, delim);
        }
    }

    #[test]
    fn unusual_text_takes_the_general_path() {
        assert!(fast("a,b\n1,2\n3\n").is_none(), "ragged row");
        assert!(fast("a,b\n1,2\n\n3,4\n").is_none(), "blank line inside");
        assert!(fast("a,b\n1,x\"y\n").is_none(), "quote inside a field");
        assert!(fast("a,b\n1,2\n\n").is_some(), "blank lines at the end");
        assert!(fast("a,b\n1,\"open\n").is_none(), "open quote");
    }
}
