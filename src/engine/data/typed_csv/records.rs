//! Finding records and fields in delimited text: blocks of whole records, chunks per core, quotes.

use std::borrow::Cow;
use std::io::Read;

/// 0x01 and 0x80 in every byte of a word.
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Bytes per chunk below which splitting a block is not worth a thread (small in tests).
pub(super) const MIN_CHUNK_BYTES: usize = if cfg!(test) { 1024 } else { 1 << 20 };

/// How rows are laid out: the text, its delimiter and width, and where each kept column goes.
pub(super) struct Shape<'a> {
    pub text: &'a str,
    pub delim: u8,
    pub ncols: usize,
    /// Per column of the file: its place among the kept columns.
    pub slot: &'a [Option<usize>],
    /// Bytes that end an unquoted field or make it unusual: delimiter, newline, return, quote.
    stops: [bool; 256],
    /// The same four bytes, each repeated in every byte of a word.
    words: [u64; 4],
}

impl<'a> Shape<'a> {
    pub fn new(text: &'a str, delim: u8, ncols: usize, slot: &'a [Option<usize>]) -> Shape<'a> {
        let mut stops = [false; 256];
        for b in [delim, b'\n', b'\r', b'"'] {
            stops[b as usize] = true;
        }
        Shape {
            text,
            delim,
            ncols,
            slot,
            stops,
            words: [delim, b'\n', b'\r', b'"'].map(|b| u64::from(b) * LOW_BITS),
        }
    }

    /// Where the first byte of `s` that ends a field is, eight bytes at a time.
    #[inline]
    pub(super) fn stop_in(&self, s: &[u8]) -> Option<usize> {
        let mut at = 0;
        while let Some(w) = s.get(at..at + 8) {
            let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
            // a byte equal to a stop becomes zero; the lowest flagged byte is the first zero
            // (flags above a zero byte may be false, never those below it)
            let mut hit = 0;
            for m in self.words {
                let x = w ^ m;
                hit |= x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS;
            }
            if hit != 0 {
                return Some(at + (hit.trailing_zeros() / 8) as usize);
            }
            at += 8;
        }
        s[at..]
            .iter()
            .position(|&c| self.stops[c as usize])
            .map(|k| at + k)
    }

    /// Per column of the file, its place among the kept columns.
    pub fn slots(ncols: usize, keep: &[usize]) -> Vec<Option<usize>> {
        let mut slot = vec![None; ncols];
        for (k, &i) in keep.iter().enumerate() {
            if i < ncols {
                slot[i] = Some(k);
            }
        }
        slot
    }
}

/// Where the first record ends (the byte after its newline), quotes respected.
pub(super) fn record_end(b: &[u8]) -> Option<usize> {
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

/// Where the last whole record of `b` ends (the byte after its newline), quotes respected.
fn last_record_end(b: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', b).is_none() {
        return memchr::memrchr(b'\n', b).map(|p| p + 1);
    }
    let mut in_q = false;
    let mut last = None;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            in_q = !in_q;
        } else if c == b'\n' && !in_q {
            last = Some(i + 1);
        }
    }
    last
}

/// Read until `buf` holds `upto` bytes or the input ends (returns whether it ended).
fn fill(src: &mut dyn Read, buf: &mut Vec<u8>, upto: usize) -> Option<bool> {
    while buf.len() < upto {
        let want = (upto - buf.len()) as u64;
        match src.take(want).read_to_end(buf) {
            Ok(0) => return Some(true),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(false)
}

/// A block of whole records as read: the text (from `start`), the bytes after its last record,
/// and whether the input ended.
struct Block {
    text: String,
    start: usize,
    rest: Vec<u8>,
    eof: bool,
}

/// The next block of about `block` bytes that ends with a whole record, read into `buf` (a
/// spare buffer, emptied first) after `rest` (what followed the block before); the first one
/// (`header`) starts after the header and a BOM. `None` when reading fails or the bytes are
/// not UTF-8.
fn next_block(
    src: &mut dyn Read,
    mut buf: Vec<u8>,
    rest: &[u8],
    block: usize,
    header: bool,
) -> Option<Block> {
    buf.clear();
    buf.extend_from_slice(rest);
    let mut want = block.max(buf.len() + block / 2);
    loop {
        let eof = fill(src, &mut buf, want)?;
        let mut start = 0;
        if header {
            let bom = if buf.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            match record_end(&buf[bom..]) {
                Some(e) => start = bom + e,
                None if eof => start = buf.len(),
                None => {
                    want *= 2;
                    continue;
                }
            }
        }
        let cut = if eof {
            Some(buf.len())
        } else {
            last_record_end(&buf[start..]).map(|e| start + e)
        };
        let Some(cut) = cut else {
            // one record longer than the block: read more
            want *= 2;
            continue;
        };
        let rest = buf.split_off(cut);
        return Some(Block {
            text: String::from_utf8(buf).ok()?,
            start,
            rest,
            eof,
        });
    }
}

/// Call `f` with the text of whole records, about `block` bytes at a time, after the header
/// (and a BOM), and whether it is the last. The next block is read while `f` works on this one.
/// `None` when the bytes are not UTF-8, reading fails, or `f` says so.
pub(super) fn blocks(
    src: &mut (dyn Read + Send),
    block: usize,
    mut f: impl FnMut(&str, bool) -> Option<()> + Send,
) -> Option<()> {
    let mut this = next_block(src, Vec::with_capacity(block), &[], block, true)?;
    let mut spare = Vec::with_capacity(block);
    loop {
        let Block {
            text,
            start,
            rest,
            eof,
        } = this;
        let body = &text[start..];
        let mut work = |last| {
            if body.is_empty() {
                Some(())
            } else {
                f(body, last)
            }
        };
        if eof {
            return work(true);
        }
        let (done, next) = rayon::join(
            || work(false),
            || next_block(&mut *src, spare, &rest, block, false),
        );
        done?;
        this = next?;
        // this block's buffer takes the block after next
        spare = text.into_bytes();
    }
}

/// Byte ranges of whole records of `b` (all of it whole records), about `n` of them;
/// `None` when a quote is left open.
pub(super) fn split(b: &[u8], n: usize) -> Option<Vec<(usize, usize)>> {
    let len = b.len();
    let parts = n.min(len / MIN_CHUNK_BYTES).max(1);
    let mut cuts = vec![0];
    if memchr::memchr(b'"', b).is_some() {
        // follow the quotes from the start so that a cut never falls inside a quoted newline
        let mut in_q = false;
        let mut target = len / parts;
        for (i, &c) in b.iter().enumerate() {
            if c == b'"' {
                in_q = !in_q;
            } else if c == b'\n' && !in_q && i + 1 >= target && cuts.len() < parts {
                cuts.push(i + 1);
                target = i + 1 + len / parts;
            }
        }
        if in_q {
            return None;
        }
    } else {
        for k in 1..parts {
            let at = (len * k / parts).max(*cuts.last()?);
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
pub(super) type Field<'a> = Cow<'a, str>;

/// Read the fields of the records in `a..b`, calling `f(slot, value)` for kept columns; blank
/// lines are allowed only at the end of the input (`at_end`: `b` is the end of the input).
/// Returns `None` on anything the general path should handle.
pub(super) fn each_field<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    at_end: bool,
    f: impl FnMut(usize, Option<Field<'a>>),
) -> Option<()> {
    if memchr::memchr2(b'"', b'\r', &shape.text.as_bytes()[a..b]).is_none() {
        each_plain_field(shape, a, b, at_end, f)
    } else {
        each_field_by_field(shape, a, b, at_end, f)
    }
}

/// The high bit of each byte of `w` that equals the byte repeated in `m`, exactly.
#[inline(always)]
fn equal_bytes(w: u64, m: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = w ^ m;
    !((x & LOW7).wrapping_add(LOW7) | x) & HIGH_BITS
}

/// The high bits of a word's bytes as eight bits, byte 0 lowest.
#[inline(always)]
fn gather(h: u64) -> u64 {
    // each bit 8k moves to 56 + k; no two products meet, so nothing carries
    ((h >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Of up to 64 bytes: which end a field (delimiter or newline), and which are newlines.
#[inline]
fn stop_masks(s: &[u8], delim: u64) -> (u64, u64) {
    let newline = u64::from(b'\n') * LOW_BITS;
    let (mut stops, mut lines) = (0, 0);
    for (k, w) in s.chunks(8).enumerate() {
        let w = match <[u8; 8]>::try_from(w) {
            Ok(w) => u64::from_le_bytes(w),
            Err(_) => {
                let mut pad = [0u8; 8];
                pad[..w.len()].copy_from_slice(w);
                u64::from_le_bytes(pad)
            }
        };
        let nl = equal_bytes(w, newline);
        stops |= gather(nl | equal_bytes(w, delim)) << (8 * k);
        lines |= gather(nl) << (8 * k);
    }
    // padding bytes are zero: a zero delimiter would match them
    let valid = if s.len() >= 64 {
        u64::MAX
    } else {
        (1 << s.len()) - 1
    };
    (stops & valid, lines & valid)
}

/// [`each_field`] for text with no quotes and no carriage returns: fields are found from bit
/// masks of delimiters and newlines, 64 bytes at a time, with no branch per byte.
pub(super) fn each_plain_field<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    at_end: bool,
    mut f: impl FnMut(usize, Option<Field<'a>>),
) -> Option<()> {
    let text = shape.text;
    let bytes = text.as_bytes();
    let delim = u64::from(shape.delim) * LOW_BITS;
    let (mut start, mut col) = (a, 0usize);
    let mut emit = |col: usize, from: usize, to: usize| -> Option<()> {
        if col >= shape.ncols {
            return None;
        }
        if let Some(s) = shape.slot[col] {
            f(s, (to > from).then(|| Cow::Borrowed(&text[from..to])));
        }
        Some(())
    };
    let mut base = a;
    while base < b {
        let end = (base + 64).min(b);
        let (mut stops, lines) = stop_masks(&bytes[base..end], delim);
        while stops != 0 {
            let i = stops.trailing_zeros() as usize;
            stops &= stops - 1;
            let p = base + i;
            let newline = lines >> i & 1 != 0;
            if newline && col == 0 && p == start {
                // a blank line: fine only at the very end
                return (at_end && bytes[p..b].iter().all(|&c| c == b'\n')).then_some(());
            }
            emit(col, start, p)?;
            col += 1;
            start = p + 1;
            if newline {
                if col != shape.ncols {
                    return None;
                }
                col = 0;
            }
        }
        base = end;
    }
    // the last record has no newline, or ends in a delimiter at the end of the text
    if start < b || col > 0 {
        emit(col, start, b)?;
        if col + 1 != shape.ncols {
            return None;
        }
    }
    Some(())
}

/// [`each_field`] one field at a time, for text with quotes or carriage returns.
pub(super) fn each_field_by_field<'a>(
    shape: &Shape<'a>,
    a: usize,
    b: usize,
    at_end: bool,
    mut f: impl FnMut(usize, Option<Field<'a>>),
) -> Option<()> {
    let text = shape.text;
    let bytes = text.as_bytes();
    let delim = shape.delim;
    let mut pos = a;
    while pos < b {
        // a blank line: fine only at the very end
        if bytes[pos] == b'\n' || (bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n')) {
            if at_end && bytes[pos..b].iter().all(|&c| c == b'\n' || c == b'\r') {
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
                let stop = shape.stop_in(&bytes[pos..b]).map_or(b, |k| pos + k);
                match bytes.get(stop).filter(|_| stop < b) {
                    // a quote inside a field, or a carriage return not ending a line: unusual
                    Some(b'"') => return None,
                    Some(b'\r') if bytes.get(stop + 1) != Some(&b'\n') => return None,
                    Some(b'\r') => (Cow::Borrowed(&text[pos..stop]), stop + 2, true),
                    Some(b'\n') | None => (Cow::Borrowed(&text[pos..stop]), stop + 1, true),
                    Some(_) => (Cow::Borrowed(&text[pos..stop]), stop + 1, false),
                }
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
