//! Column buffers while reading: values in the type each column fits so far, text as codes.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use super::records::{Shape, each_field};
use super::{NO_CODE, Values};
use crate::engine::data::cells::Cells;
use crate::engine::data::infer::{Cell, Choice, MS_PER_DAY, Parsed, Reading, Verdict, parse_as};
use crate::engine::data::words::Words;

/// Text of one chunk, each distinct value once.
#[derive(Default)]
pub(super) struct Dict {
    codes: Vec<u32>,
    words: Words,
    /// Each word's hash, so that merging dictionaries hashes nothing again.
    hashes: Vec<u64>,
    /// Codes, found by their word's hash (each word is kept once, in `words`).
    at: HashTable<u32>,
    /// The read's hasher (every chunk of a read hashes alike).
    state: FixedState,
}

impl Dict {
    fn with_nulls(n: usize, hint: usize, r: &Reading) -> Dict {
        let mut codes = Vec::with_capacity(hint.max(n));
        codes.resize(n, NO_CODE);
        Dict {
            codes,
            state: r.words.clone(),
            ..Default::default()
        }
    }

    /// The code of `w` (hashing to `h`), added when it is new.
    fn find_or_add(&mut self, w: &str, h: u64) -> u32 {
        let Dict {
            words, hashes, at, ..
        } = self;
        if let Some(&c) = at.find(h, |&c| words.is(c as usize, w)) {
            return c;
        }
        let c = words.len() as u32;
        words.push(w);
        hashes.push(h);
        at.insert_unique(h, c, |&c| hashes[c as usize]);
        c
    }

    /// Append another chunk's text, mapping its codes into this dictionary.
    fn absorb(&mut self, o: Dict) {
        let map: Vec<u32> = o
            .words
            .iter()
            .zip(o.hashes)
            .map(|(w, h)| self.find_or_add(w, h))
            .collect();
        self.codes.extend(o.codes.into_iter().map(|c| match c {
            NO_CODE => NO_CODE,
            c => map[c as usize],
        }));
    }

    fn push(&mut self, v: Option<&str>) {
        let code = match v {
            None => NO_CODE,
            Some(v) => self.find_or_add(v, self.state.hash_one(v)),
        };
        self.codes.push(code);
    }
}

fn nulls<T: Copy + Default>(n: usize, hint: usize) -> Cells<T> {
    Cells::nulls_with_capacity(n, hint)
}

/// A column's buffers in row order, consecutive ones of one type merged as they come.
#[derive(Default)]
pub(super) struct Acc {
    pub bufs: Vec<Buf>,
    /// Whether room for all the rows was made.
    sized: bool,
}

impl Acc {
    /// Append a chunk's buffer; a column still of one type is given room for `expect` rows
    /// once (the rows the whole text is expected to hold), so that it never grows by copying.
    pub fn add_sized(&mut self, b: Buf, expect: usize) {
        self.add(b);
        if let [only] = &mut self.bufs[..]
            && !self.sized
            && expect > only.len()
        {
            self.sized = only.reserve(expect - only.len());
        }
    }

    pub fn add(&mut self, b: Buf) {
        match (self.bufs.last_mut(), b) {
            (Some(Buf::Nulls(n)), Buf::Nulls(m)) => *n += m,
            (Some(Buf::Int(x)), Buf::Int(y)) => x.extend(y),
            (Some(Buf::Float(x)), Buf::Float(y)) => x.extend(y),
            (Some(Buf::Bool(x)), Buf::Bool(y)) => x.extend(y),
            (Some(Buf::Date(i, x)), Buf::Date(j, y)) if *i == j => x.extend(y),
            (Some(Buf::Text(x)), Buf::Text(y)) => x.absorb(y),
            (Some(Buf::Stale), Buf::Stale) => {}
            (_, b) => self.bufs.push(b),
        }
    }
}

impl Buf {
    pub fn len(&self) -> usize {
        match self {
            Buf::Nulls(n) => *n,
            Buf::Int(v) | Buf::Date(_, v) => v.len(),
            Buf::Float(v) => v.len(),
            Buf::Bool(v) => v.len(),
            Buf::Text(d) => d.codes.len(),
            Buf::Stale => 0,
        }
    }

    /// Room for `more` values without growing; whether it holds values (rather than a count).
    fn reserve(&mut self, more: usize) -> bool {
        match self {
            Buf::Int(v) | Buf::Date(_, v) => v.reserve(more),
            Buf::Float(v) => v.reserve(more),
            Buf::Bool(v) => v.reserve(more),
            Buf::Text(d) => d.codes.reserve(more),
            Buf::Nulls(_) | Buf::Stale => return false,
        }
        true
    }
}

/// Values of one column in one chunk, in the type the column fits so far.
pub(super) enum Buf {
    /// Only missing values so far: how many.
    Nulls(usize),
    Int(Cells<i64>),
    Float(Cells<f64>),
    Bool(Cells<bool>),
    Date(usize, Cells<i64>),
    Text(Dict),
    /// The type changed in a way that needs the text again.
    Stale,
}

impl Buf {
    /// The same values in the buffer type of the final `choice` (`None` if they are not).
    fn into_choice(self, choice: Choice, r: &Reading) -> Option<Buf> {
        Some(match (choice, self) {
            (Choice::Text, Buf::Nulls(k)) => Buf::Text(Dict::with_nulls(k, k, r)),
            (Choice::Int, Buf::Nulls(k)) => Buf::Int(Cells::nulls(k)),
            (Choice::Float, Buf::Nulls(k)) => Buf::Float(Cells::nulls(k)),
            (Choice::Float, Buf::Int(v)) => Buf::Float(v.into_map(|x| x as f64)),
            (Choice::Bool, Buf::Nulls(k)) => Buf::Bool(Cells::nulls(k)),
            (Choice::Date(i, _), Buf::Nulls(k)) => Buf::Date(i, Cells::nulls(k)),
            (c, b) if fits(&b, c) => b,
            _ => return None,
        })
    }

    /// A buffer of `n` missing values for values like `p`.
    fn for_parsed(p: Parsed, n: usize, hint: usize) -> Buf {
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
            Buf::Int(v) if matches!(p, Parsed::Float(_)) => Buf::Float(v.into_map(|x| x as f64)),
            _ => return,
        };
        self.push(p, hint);
    }
}

pub(super) struct Column1 {
    pub verdict: Verdict,
    pub buf: Buf,
    /// Rows expected in the chunk.
    hint: usize,
}

impl Column1 {
    fn push(&mut self, v: Option<&str>, r: &Reading) {
        match r.cell(v) {
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
                                let mut d = Dict::with_nulls(n, self.hint, r);
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

/// Rows in `a..b`, estimated from its start, so that buffers rarely grow.
fn rows_hint(shape: &Shape, a: usize, b: usize) -> usize {
    let sample = &shape.text.as_bytes()[a..b.min(a + (1 << 16))];
    let lines = memchr::memchr_iter(b'\n', sample).count().max(1);
    ((b - a) as f64 / sample.len().max(1) as f64 * lines as f64 * 1.02) as usize + 16
}

/// Read a chunk's kept columns into the types they fit so far.
pub(super) fn first_pass(
    shape: &Shape,
    a: usize,
    b: usize,
    at_end: bool,
    kept: usize,
    r: &Reading,
) -> Option<Vec<Column1>> {
    let hint = rows_hint(shape, a, b);
    let mut cols: Vec<Column1> = (0..kept)
        .map(|_| Column1 {
            verdict: Verdict::new(r),
            buf: Buf::Nulls(0),
            hint,
        })
        .collect();
    each_field(shape, a, b, at_end, |s, v| cols[s].push(v.as_deref(), r))?;
    for c in &mut cols {
        // null tokens were dropped: if the column ends up text they must be read again
        if matches!(c.buf, Buf::Nulls(_)) && c.verdict.tokens > 0 {
            c.buf = Buf::Stale;
        }
    }
    Some(cols)
}

/// Whether a chunk's buffer already holds the column's final type.
pub(super) fn fits(buf: &Buf, choice: Choice) -> bool {
    match (buf, choice) {
        (Buf::Nulls(_), _) => true,
        (Buf::Int(_), Choice::Int | Choice::Float) => true,
        (Buf::Float(_), Choice::Float) => true,
        (Buf::Bool(_), Choice::Bool) => true,
        (Buf::Date(i, _), Choice::Date(j, _)) => *i == j,
        (Buf::Text(_), Choice::Text) => true,
        _ => false,
    }
}

/// Read a chunk's columns marked in `again` straight into their final types (others: empty).
pub(super) fn forced_pass(
    shape: &Shape,
    a: usize,
    b: usize,
    at_end: bool,
    choices: &[Choice],
    again: &[bool],
    r: &Reading,
) -> Option<Vec<Buf>> {
    let hint = rows_hint(shape, a, b);
    let mut out: Vec<Buf> = choices
        .iter()
        .zip(again)
        .map(|(&c, &again)| match (again, c) {
            (true, Choice::Text) => Buf::Text(Dict::with_nulls(0, hint, r)),
            _ => Buf::Nulls(0),
        })
        .collect();
    each_field(shape, a, b, at_end, |s, v| {
        if !again[s] {
            return;
        }
        match &mut out[s] {
            // text: blanks become missing, null tokens stay as written
            Buf::Text(d) => {
                let blank = v.as_deref().is_none_or(|t| t.trim().is_empty());
                d.push(if blank { None } else { v.as_deref() });
            }
            buf => match r
                .cell(v.as_deref())
                .value()
                .and_then(|t| parse_as(choices[s], t, r))
            {
                Some(p) => buf.push(p, hint),
                None => buf.push_null(),
            },
        }
    })?;
    Some(out)
}

/// A buffer already of the final type's kind, as values.
fn finalize(buf: Buf, choice: Choice) -> Option<Values> {
    Some(match (choice, buf) {
        (Choice::Text, Buf::Text(d)) => Values::Text {
            codes: d.codes,
            dict: d.words,
        },
        (Choice::Int, Buf::Int(v)) => Values::Int(v),
        (Choice::Float, Buf::Float(v)) => Values::Float(v),
        (Choice::Bool, Buf::Bool(v)) => Values::Bool(v),
        (Choice::Date(_, false), Buf::Date(_, v)) => {
            Values::Days(v.into_map(|ms| ms.div_euclid(MS_PER_DAY) as i32))
        }
        (Choice::Date(_, true), Buf::Date(_, v)) => Values::Millis(v),
        _ => return None,
    })
}

/// A column's buffers, in row order, as one: each made the final type, then merged as
/// [`Acc::add`] merges (appended to the first, text through one dictionary).
pub(super) fn join(bufs: Vec<Buf>, choice: Choice, r: &Reading) -> Option<Values> {
    let bufs: Vec<Buf> = bufs
        .into_iter()
        .map(|b| b.into_choice(choice, r))
        .collect::<Option<_>>()?;
    let total: usize = bufs.iter().map(Buf::len).sum();
    let mut one = Acc::default();
    let mut bufs = bufs.into_iter();
    if let Some(mut first) = bufs.next() {
        // the first buffer grows once, to hold them all
        first.reserve(total - first.len());
        one.add(first);
    }
    for b in bufs {
        one.add(b);
    }
    // no rows at all: an empty column of the type
    let last = match one.bufs.pop() {
        Some(b) => b,
        None => Buf::Nulls(0).into_choice(choice, r)?,
    };
    finalize(last, choice)
}
