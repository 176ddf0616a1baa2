//! Reading a text column's words again as numbers or dates: what each is, and which are bad.

use super::infer::{Cell, Reading, best_date_pattern, lenient_day, lenient_number};

/// What a column's cells must parse as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Want {
    Number,
    Date,
}

impl Want {
    pub fn noun(self) -> &'static str {
        match self {
            Want::Number => "number",
            Want::Date => "date",
        }
    }
}

/// What one distinct word of a text column reads as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Word {
    Missing,
    Number(f64),
    Day(i32),
    Bad,
}

/// Each of `words` read as `want`: blanks and markers of a missing value are missing; numbers
/// may have leading zeros and the file's decimal mark; dates take the one pattern that reads
/// the most of them.
pub(crate) fn read_words<'w>(
    words: impl Iterator<Item = &'w str> + Clone,
    want: Want,
    r: &Reading,
) -> Vec<Word> {
    let value = |w: &'w str| match r.cell(Some(w)) {
        Cell::Value(v) => Some(v),
        _ => None,
    };
    match want {
        Want::Number => words
            .map(|w| match value(w) {
                None => Word::Missing,
                Some(v) => {
                    lenient_number(v, r.decimal_comma()).map_or(Word::Bad, |x| Word::Number(x.0))
                }
            })
            .collect(),
        Want::Date => {
            let pattern = best_date_pattern(words.clone().filter_map(value), r);
            words
                .map(|w| match value(w) {
                    None => Word::Missing,
                    Some(v) => pattern
                        .and_then(|p| lenient_day(v, r, Some(p)))
                        .map_or(Word::Bad, Word::Day),
                })
                .collect()
        }
    }
}

/// The cells of a text column that are not `want`: how many, the first few with their rows
/// (from 0), and how many are good; `None` for a column that is not text or has none.
pub fn bad_cells(
    s: &polars::prelude::Series,
    want: Want,
    opts: &super::ReadOptions,
) -> Option<(usize, Vec<super::quality::BadCell>, usize)> {
    let ca = s.str().ok()?;
    let r = Reading::with_missing(
        opts.date_format.as_deref(),
        opts.decimal_comma,
        &opts.missing,
    );
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let codes: Vec<Option<usize>> = ca
        .iter()
        .map(|v| {
            v.map(|w| {
                *index.entry(w).or_insert_with(|| {
                    distinct.push(w);
                    distinct.len() - 1
                })
            })
        })
        .collect();
    let words = read_words(distinct.iter().copied(), want, &r);
    let (mut count, mut first, mut good) = (0usize, Vec::new(), 0usize);
    for (row, c) in codes.iter().enumerate() {
        if let Some(c) = c
            && matches!(words[*c], Word::Number(_) | Word::Day(_))
        {
            good += 1;
        }
        if let Some(c) = c
            && words[*c] == Word::Bad
        {
            count += 1;
            if first.len() < super::quality::KEPT {
                first.push(super::quality::BadCell {
                    row,
                    line: 0,
                    value: distinct[*c].to_string(),
                });
            }
        }
    }
    (count > 0).then_some((count, first, good))
}

/// The share of a text column's values (markers of a missing value aside) that read as `want`.
pub fn share_as(s: &polars::prelude::Series, want: Want, opts: &super::ReadOptions) -> f64 {
    let Ok(ca) = s.str() else { return 0.0 };
    let r = Reading::with_missing(
        opts.date_format.as_deref(),
        opts.decimal_comma,
        &opts.missing,
    );
    let mut distinct: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for v in ca.iter().flatten() {
        *distinct.entry(v).or_default() += 1;
    }
    let words: Vec<&str> = distinct.keys().copied().collect();
    let read = read_words(words.iter().copied(), want, &r);
    let (mut good, mut bad) = (0usize, 0usize);
    for (w, x) in words.iter().zip(read) {
        match x {
            Word::Bad => bad += distinct[w],
            Word::Missing => {}
            _ => good += distinct[w],
        }
    }
    if good + bad == 0 {
        0.0
    } else {
        good as f64 / (good + bad) as f64
    }
}
