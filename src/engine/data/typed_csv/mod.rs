//! Reading well-formed delimited text straight into typed columns, block by block, in parallel.
//!
//! The general path parses every field as text and then infers each column's type; at millions
//! of rows that text copy costs more time and memory than the data itself. This reader streams
//! the file in blocks of whole records (reading the next while this one is parsed), splits each
//! block into two chunks per core, and reads each value once into the type its column still
//! fits (with exactly the inference rules of [`super::infer`]), keeping text
//! dictionary-encoded. Only a column whose type changed part way
//! in a way that needs its text again (an integer column that turns out to be text, say) is read
//! a second time. Anything unusual (rows of another width, quotes inside a field, blank lines,
//! bytes that are not UTF-8) returns `None`, and the caller takes the general path, which reports
//! it precisely.

mod buffers;
mod records;
#[cfg(test)]
mod tests;

use std::io::Read;

use polars::prelude::*;

use super::cells::Cells;
use super::infer::{Choice, Inferred, Reading, Verdict};
use super::words::Words;
use buffers::{Acc, first_pass, fits, forced_pass, join};
use records::{Shape, blocks, split};

/// Bytes read at a time (small in tests, so that records cross block boundaries), at least two
/// chunks' worth per core: small enough blocks let the chunks' buffers be reused from one
/// block to the next instead of being fresh pages each time.
const BLOCK_BYTES: usize = if cfg!(test) { 1 << 14 } else { 8 << 20 };

/// Marks a missing value in [`Values::Text`] codes.
pub const NO_CODE: u32 = u32::MAX;

/// One column's values in its inferred type.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Int(Cells<i64>),
    Float(Cells<f64>),
    Bool(Cells<bool>),
    /// Days since 1970-01-01.
    Days(Cells<i32>),
    /// Milliseconds since 1970-01-01 (date-times).
    Millis(Cells<i64>),
    /// Text stored once per distinct value; [`NO_CODE`] for missing.
    Text {
        codes: Vec<u32>,
        dict: Words,
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
            Values::Int(v) => Series::new(name, v.to_options()),
            Values::Float(v) => Series::new(name, v.to_options()),
            Values::Bool(v) => Series::new(name, v.to_options()),
            Values::Days(v) => Series::new(name, v.to_options()).into_date(),
            Values::Millis(v) => {
                Series::new(name, v.to_options()).into_datetime(TimeUnit::Milliseconds, None)
            }
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

/// Whether the header (the first record of `text`) is well-formed as the typed reader reads
/// records and has no doubled quotes; any other header is left to the general path, so that
/// the columns are named as polars names them.
pub(crate) fn header_is_plain(text: &str, delim: u8, ncols: usize) -> bool {
    let end = records::record_end(text.as_bytes()).unwrap_or(text.len());
    // polars keeps a doubled quote in a column name as two quotes: leave those to it
    if text[..end].contains("\"\"") {
        return false;
    }
    let slot = vec![None; ncols];
    let shape = Shape::new(&text[..end], delim, ncols, &slot);
    records::each_field(&shape, 0, end, true, |_, _| {}).is_some()
}

/// Something that can be read from the start, more than once (a column whose type changes part
/// way is read again).
pub(crate) type Open<'a> = dyn Fn() -> std::io::Result<Box<dyn Read + Send + 'a>> + 'a;

/// Where the fields of a record go, and how many chunks a block is read in.
struct Layout<'a> {
    delim: u8,
    ncols: usize,
    slot: &'a [Option<usize>],
    threads: usize,
}

/// One pass over the text `open` gives: each block of whole records split into chunks read in
/// parallel by `pass(shape, start, end, at_end)`, whose results `take` receives a block at a
/// time, in row order, each with the chunk's length in bytes.
fn each_block<T: Send>(
    open: &Open,
    layout: &Layout,
    pass: impl Fn(&Shape, usize, usize, bool) -> Option<T> + Sync,
    mut take: impl FnMut(Vec<(T, usize)>) + Send,
) -> Option<()> {
    let block = BLOCK_BYTES.max(2 * layout.threads * records::MIN_CHUNK_BYTES);
    blocks(&mut *open().ok()?, block, |text, last| {
        let shape = Shape::new(text, layout.delim, layout.ncols, layout.slot);
        // twice as many chunks as cores: one core may still be reading the next block
        let chunks = split(text.as_bytes(), 2 * layout.threads)?;
        let done = crate::engine::parallel::map_items(chunks, |(a, b)| {
            Some((pass(&shape, a, b, last && b == text.len())?, b - a))
        });
        take(done.into_iter().collect::<Option<_>>()?);
        Some(())
    })
}

/// A block's chunks, each a row of per-column parts, as one list of parts per column.
fn by_column<P>(chunks: Vec<Vec<P>>, ncols: usize) -> Vec<Vec<P>> {
    let mut cols: Vec<Vec<P>> = (0..ncols)
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    for chunk in chunks {
        for (c, part) in chunk.into_iter().enumerate() {
            cols[c].push(part);
        }
    }
    cols
}

/// How many rows the whole text holds, judged from the rows per byte seen so far.
struct RowsEstimate {
    size: Option<u64>,
    bytes: usize,
    rows: usize,
}

impl RowsEstimate {
    fn new(size: Option<u64>) -> RowsEstimate {
        RowsEstimate {
            size,
            bytes: 0,
            rows: 0,
        }
    }

    /// After a chunk of `bytes` bytes and `rows` rows: the rows expected in all (0 when unknown).
    fn after(&mut self, bytes: usize, rows: Option<usize>) -> usize {
        self.bytes += bytes;
        self.rows += rows.unwrap_or(0);
        match self.size {
            Some(size) if self.bytes > 0 => {
                (self.rows as f64 * size as f64 / self.bytes as f64 * 1.01) as usize + 64
            }
            _ => 0,
        }
    }
}

/// The typed columns of delimited `text` (header first) for the columns in `keep` (file order).
#[cfg(test)]
pub(crate) fn read_text(
    text: &str,
    delim: u8,
    names: &[String],
    keep: &[usize],
    date_format: Option<&str>,
    decimal_comma: bool,
) -> Option<Vec<ReadColumn>> {
    let opts = crate::engine::data::ReadOptions {
        date_format: date_format.map(str::to_string),
        decimal_comma,
        ..Default::default()
    };
    read_text_with(text, delim, names, keep, &opts)
}

/// [`read_text`] with all of a file's reading options.
pub(crate) fn read_text_with(
    text: &str,
    delim: u8,
    names: &[String],
    keep: &[usize],
    opts: &crate::engine::data::ReadOptions,
) -> Option<Vec<ReadColumn>> {
    let open = || -> std::io::Result<Box<dyn Read + Send + '_>> { Ok(Box::new(text.as_bytes())) };
    let size = Some(text.len() as u64);
    read(&open, size, delim, names, keep, opts)
}

/// The typed columns of the delimited text `open` gives (UTF-8, header first, an optional BOM),
/// for the columns whose index is in `keep` (in file order); `None` when it needs the general path.
/// `size`, the text's length in bytes when known, lets each column be made its full size once.
pub(crate) fn read(
    open: &Open,
    size: Option<u64>,
    delim: u8,
    names: &[String],
    keep: &[usize],
    opts: &crate::engine::data::ReadOptions,
) -> Option<Vec<ReadColumn>> {
    if !delim.is_ascii() || matches!(delim, b'"' | b'\n' | b'\r') {
        return None;
    }
    let r = Reading::with_missing(
        opts.date_format.as_deref(),
        opts.decimal_comma,
        &opts.missing,
    );
    let slot = Shape::slots(names.len(), keep);
    let threads = if cfg!(test) {
        3
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let layout = Layout {
        delim,
        ncols: names.len(),
        slot: &slot,
        threads,
    };
    // first pass: every chunk reads its values into the type they fit so far
    let mut verdicts: Vec<Verdict> = (0..keep.len()).map(|_| Verdict::new(&r)).collect();
    let mut cols: Vec<Acc> = (0..keep.len()).map(|_| Acc::default()).collect();
    let mut rows = RowsEstimate::new(size);
    each_block(
        open,
        &layout,
        |shape, a, b, at_end| first_pass(shape, a, b, at_end, keep.len(), &r),
        |chunks| {
            let (mut expect, mut block) = (0, Vec::with_capacity(chunks.len()));
            for (chunk, bytes) in chunks {
                expect = rows.after(bytes, chunk.iter().map(|c| c.buf.len()).max());
                block.push(chunk);
            }
            let parts = by_column(block, keep.len());
            // each column appends its parts on its own (the copying and the dictionaries'
            // merging are most of a block's serial work)
            let work: Vec<_> = verdicts.iter_mut().zip(&mut cols).zip(parts).collect();
            crate::engine::parallel::map_items(work, |((verdict, col), parts)| {
                for part in parts {
                    verdict.merge(&part.verdict);
                    col.add_sized(part.buf, expect);
                }
            });
        },
    )?;
    // the column's type over all chunks
    let choices: Vec<Choice> = verdicts.iter().map(Verdict::choice).collect();
    let again: Vec<bool> = (0..keep.len())
        .map(|c| cols[c].bufs.iter().any(|b| !fits(b, choices[c])))
        .collect();
    if again.iter().any(|x| *x) {
        read_again(open, &layout, &mut cols, (&choices, &again), rows.rows, &r)?;
    }
    finish(cols, &verdicts, choices, &r)
}

/// The second pass, only for the columns that need their text again (`again`, forced to
/// their `choices`), whose row count (`expect`) is now known.
fn read_again(
    open: &Open,
    layout: &Layout,
    cols: &mut [Acc],
    (choices, again): (&[Choice], &[bool]),
    expect: usize,
    r: &Reading,
) -> Option<()> {
    for (c, col) in cols.iter_mut().enumerate() {
        if again[c] {
            *col = Acc::default();
        }
    }
    let n = cols.len();
    each_block(
        open,
        layout,
        |shape, a, b, at_end| forced_pass(shape, a, b, at_end, choices, again, r),
        |chunks| {
            let parts = by_column(chunks.into_iter().map(|(c, _)| c).collect(), n);
            let work: Vec<_> = (cols.iter_mut().zip(parts).zip(again))
                .filter(|(_, again)| **again)
                .map(|(col_parts, _)| col_parts)
                .collect();
            crate::engine::parallel::map_items(work, |(col, parts)| {
                for b in parts {
                    col.add_sized(b, expect);
                }
            });
        },
    )
}

/// Each column's chunks joined into one, columns in parallel.
fn finish(
    cols: Vec<Acc>,
    verdicts: &[Verdict],
    choices: Vec<Choice>,
    r: &Reading,
) -> Option<Vec<ReadColumn>> {
    let parts: Vec<_> = cols.into_iter().zip(verdicts).zip(choices).collect();
    crate::engine::parallel::map_items(parts, |((col, v), choice)| {
        let (kind, ambiguous_with) = v.kind(r);
        Some(ReadColumn {
            values: join(col.bufs, choice, r)?,
            kind,
            null_tokens: if choice == Choice::Text { 0 } else { v.tokens },
            ambiguous_with,
        })
    })
    .into_iter()
    .collect()
}
