//! The cache file format: a checked, columnar image of a loaded table that reads back without parsing.
//!
//! Layout: `MAGIC`, the body's length (u64), the body, then the CRC-32 of the body (u32), all
//! little-endian. The body is the entry's key text and the key's own CRC-32 (a damaged key is
//! told from another key's entry), the meta text (what the caller keeps beside the columns),
//! the row count, then each column: its name, a type tag and its data. Numbers are a validity
//! bitmap and fixed-width values; whole numbers and dates are stored as the smallest value and
//! each value's distance from it in the fewest bytes that hold the largest distance (a score
//! takes one byte, a customer id four); text is a dictionary (the words' lengths, stored the
//! same way, then their bytes) and codes stored the same way. Reading checks every length
//! against the file and the checksum at the end, so a truncated or damaged file is refused,
//! never half-read.

use std::io::{self, Read, Write};
use std::sync::Arc;

use crate::engine::eval::frame::{Cells, Frame, NULL_CODE, TextVec, Vector, Words};

mod narrow;

use narrow::{Narrow, POW10, decimal_places, scaled, span, validity_bytes, width_for, words};

pub const MAGIC: &[u8; 8] = b"STRATAC\x01";
/// The longest key, meta text, column name and text value an entry may hold: a damaged length
/// beyond these is refused before it is allocated.
const MAX_KEY: u64 = 1 << 20;
const MAX_META: u64 = 1 << 30;
const MAX_NAME: u64 = 1 << 16;
/// Values are written and read this many at a time (bounded buffers).
const CHUNK: usize = 1 << 16;
/// Column type tags.
const BOOL: u8 = 0;
const FLOAT: u8 = 2;
const TEXT: u8 = 4;
const INT: u8 = 5;
const DATE: u8 = 6;
const DECIMAL: u8 = 7;

/// Why a cache file could not be read back.
#[derive(Debug)]
pub enum Refused {
    /// The file is not a complete, intact entry (truncated, a byte changed, another format).
    Damaged(String),
    /// An intact entry for another key (a hash collision or an older strata).
    OtherKey,
}

/// A writer that checksums what passes through it (when it has a checksum to keep).
struct Summed<W> {
    inner: W,
    crc: Option<crc32fast::Hasher>,
    len: u64,
}

impl<W: Write> Summed<W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        if let Some(crc) = &mut self.crc {
            crc.update(b);
        }
        self.len += b.len() as u64;
        self.inner.write_all(b)
    }
    fn u32(&mut self, x: u32) -> io::Result<()> {
        self.put(&x.to_le_bytes())
    }
    fn u64(&mut self, x: u64) -> io::Result<()> {
        self.put(&x.to_le_bytes())
    }
    fn text(&mut self, s: &str) -> io::Result<()> {
        self.u64(s.len() as u64)?;
        self.put(s.as_bytes())
    }
    /// `n` whole numbers from `lo` to `hi` as the narrowest width that holds their span: the
    /// width (1, 2, 4 or 8 bytes) and `lo`, the validity bitmap `valid`, then each value less
    /// `lo` in that many bytes. `values` gives all `n`; what it gives for a missing one does
    /// not matter (it reads back as zero).
    fn narrow(
        &mut self,
        (n, valid): (usize, Option<&[u64]>),
        (lo, hi): (i64, i64),
        values: impl Iterator<Item = i64>,
    ) -> io::Result<()> {
        let width = width_for(hi.wrapping_sub(lo) as u64);
        self.put(&[width as u8])?;
        self.put(&lo.to_le_bytes())?;
        self.put(&validity_bytes(valid, n))?;
        match width {
            1 => self.packed::<1>(values, lo),
            2 => self.packed::<2>(values, lo),
            4 => self.packed::<4>(values, lo),
            _ => self.packed::<8>(values, lo),
        }
    }

    /// Each value less `lo` in its first `B` bytes.
    fn packed<const B: usize>(
        &mut self,
        values: impl Iterator<Item = i64>,
        lo: i64,
    ) -> io::Result<()> {
        let mut buf = Vec::with_capacity(CHUNK * B);
        for x in values {
            let d = x.wrapping_sub(lo).to_le_bytes();
            buf.extend_from_slice(&<[u8; B]>::try_from(&d[..B]).expect("B of 8 bytes"));
            if buf.len() == CHUNK * B {
                self.put(&buf)?;
                buf.clear();
            }
        }
        self.put(&buf)
    }

    /// The whole numbers of `v` (or anything `int` makes whole), narrow.
    fn narrow_cells<T: Copy + Default>(
        &mut self,
        v: &Cells<T>,
        int: impl Fn(T) -> i64,
    ) -> io::Result<()> {
        let range = span(v, &int);
        self.narrow(
            (v.len(), v.validity()),
            range,
            v.values().iter().map(|&x| int(x)),
        )
    }

    /// A dictionary: how many words, their lengths (narrow), the length of all their bytes,
    /// then those bytes one after another.
    fn dictionary(&mut self, dict: &Words) -> io::Result<()> {
        self.u64(dict.len() as u64)?;
        let longest = dict.lengths().max().unwrap_or(0) as i64;
        self.narrow(
            (dict.len(), None),
            (0, longest),
            dict.lengths().map(|l| l as i64),
        )?;
        self.u64(dict.text().len() as u64)?;
        self.put(dict.text().as_bytes())
    }

    /// The validity bitmap of `v` (bit set: a value), then each value's bytes (zeros for none).
    fn column<T: Copy + Default, const N: usize>(
        &mut self,
        v: &Cells<T>,
        bytes: impl Fn(T) -> [u8; N],
    ) -> io::Result<()> {
        let n = v.len();
        self.put(&validity_bytes(v.validity(), n))?;
        let mut buf = Vec::with_capacity(CHUNK * N);
        for start in (0..n).step_by(CHUNK) {
            buf.clear();
            let end = (start + CHUNK).min(n);
            if v.validity().is_none() {
                for &x in &v.values()[start..end] {
                    buf.extend_from_slice(&bytes(x));
                }
            } else {
                for i in start..end {
                    buf.extend_from_slice(&v.get(i).map_or([0; N], &bytes));
                }
            }
            self.put(&buf)?;
        }
        Ok(())
    }
}

/// Write `key`, then `meta` (what the caller keeps beside the columns), then `frame`. The body's
/// length is only known at the end: the caller writes into a file it can seek in.
pub fn encode<W: Write + io::Seek>(
    out: W,
    (key, meta): (&str, &str),
    frame: &Frame,
) -> io::Result<W> {
    let mut w = Summed {
        inner: out,
        crc: Some(crc32fast::Hasher::new()),
        len: 0,
    };
    w.inner.write_all(MAGIC)?;
    w.inner.write_all(&0u64.to_le_bytes())?;
    w.text(key)?;
    // the key's own checksum tells a damaged key from an entry for another key
    w.u32(crc32fast::hash(key.as_bytes()))?;
    w.text(meta)?;
    w.u64(frame.len as u64)?;
    w.u32(frame.cols.len() as u32)?;
    // columns are encoded on all cores, a few at a time (bounded memory), and written in order
    let cols: Vec<(&String, &Vector)> = frame
        .names
        .iter()
        .zip(frame.cols.iter().map(|c| &**c))
        .collect();
    for batch in cols.chunks(rayon::current_num_threads().max(1)) {
        let encoded = crate::engine::parallel::map_items(batch.to_vec(), |(_, col)| {
            let mut c = Summed {
                inner: Vec::new(),
                crc: None,
                len: 0,
            };
            encode_column(&mut c, col).map(|_| c.inner)
        });
        for ((name, _), bytes) in batch.iter().zip(encoded) {
            w.text(name)?;
            w.put(&bytes?)?;
        }
    }
    let (len, crc) = (w.len, w.crc.take().map_or(0, |c| c.finalize()));
    let mut out = w.inner;
    out.write_all(&crc.to_le_bytes())?;
    out.seek(io::SeekFrom::Start(MAGIC.len() as u64))?;
    out.write_all(&len.to_le_bytes())?;
    out.flush()?;
    Ok(out)
}

/// A column's type tag and data.
fn encode_column(w: &mut Summed<Vec<u8>>, col: &Vector) -> io::Result<()> {
    match col {
        Vector::Bool(v) => {
            w.put(&[BOOL])?;
            let bytes: Vec<u8> = v.iter().map(|b| b.map_or(2, u8::from)).collect();
            w.put(&bytes)
        }
        Vector::Int(v) => {
            w.put(&[INT])?;
            w.narrow_cells(v, |x| x)
        }
        Vector::Float(v) => match decimal_places(v) {
            Some((k, range)) => {
                // decimals as written in a file: whole numbers of hundredths, say
                w.put(&[DECIMAL, k as u8])?;
                let m = v.values().iter().map(|&x| scaled(x, POW10[k]));
                w.narrow((v.len(), v.validity()), range, m)
            }
            None => {
                w.put(&[FLOAT])?;
                w.column(v, f64::to_le_bytes)
            }
        },
        Vector::Date(v) => {
            w.put(&[DATE])?;
            w.narrow_cells(v, i64::from)
        }
        Vector::Text(t) => {
            w.put(&[TEXT])?;
            w.dictionary(&t.dict)?;
            // codes as narrow whole numbers; a missing value is one past the last word
            let none = t.dict.len() as i64;
            let codes = t.codes.iter().map(|&c| match c {
                NULL_CODE => none,
                c => i64::from(c),
            });
            w.narrow((t.codes.len(), None), (0, none), codes)
        }
    }
}

/// A reader that checksums what it reads and never reads past the body.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
    left: u64,
}

impl<R: Read> Checked<R> {
    fn take(&mut self, n: u64) -> Result<Vec<u8>, Refused> {
        if n > self.left {
            return Err(Refused::Damaged("a length points past its end".into()));
        }
        let mut b = vec![0u8; n as usize];
        self.inner.read_exact(&mut b).map_err(cut)?;
        self.crc.update(&b);
        self.left -= n;
        Ok(b)
    }
    fn u32(&mut self) -> Result<u32, Refused> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, Refused> {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    /// A text of at most `max` bytes (a damaged length is refused before it is allocated).
    fn text(&mut self, max: u64) -> Result<String, Refused> {
        let n = self.u64()?;
        if n > max {
            return Err(Refused::Damaged("a text is longer than it can be".into()));
        }
        String::from_utf8(self.take(n)?).map_err(|_| Refused::Damaged("text is not UTF-8".into()))
    }
}

fn cut(e: io::Error) -> Refused {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        Refused::Damaged("it ends early".into())
    } else {
        Refused::Damaged(format!("it cannot be read ({e})"))
    }
}

/// One column's bytes, read but not yet turned into values.
struct Raw {
    tag: u8,
    /// Booleans and numbers: the validity bitmap, then the values.
    data: Vec<u8>,
    /// Whole numbers and dates; for text, the codes.
    narrow: Narrow,
    /// Text: the words' lengths and their bytes.
    dict: (Narrow, u64, Vec<u8>),
}

/// Read an entry back (its meta text and its columns) from `input`, `file_len` bytes long;
/// `key` must be the one it was written for. Columns are turned into values on all cores while
/// the next are read (a few columns' bytes in memory at a time, never the whole file), and are
/// kept only when the checksum at the end matches.
pub fn decode<R: Read>(mut input: R, key: &str, file_len: u64) -> Result<(String, Frame), Refused> {
    let mut head = [0u8; 16];
    input.read_exact(&mut head).map_err(cut)?;
    if &head[..8] != MAGIC {
        return Err(Refused::Damaged("it is not a strata cache file".into()));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&head[8..16]);
    let body = u64::from_le_bytes(len);
    if body.checked_add(20) != Some(file_len) {
        return Err(Refused::Damaged(format!(
            "it holds {file_len} bytes where its header promises {}",
            body.saturating_add(20)
        )));
    }
    let mut r = Checked {
        inner: input,
        crc: crc32fast::Hasher::new(),
        left: body,
    };
    let stored = r.text(MAX_KEY)?;
    if r.u32()? != crc32fast::hash(stored.as_bytes()) {
        return Err(Refused::Damaged("its key is damaged".into()));
    }
    if stored != key {
        return Err(Refused::OtherKey);
    }
    let meta = r.text(MAX_META)?;
    let frame = body_frame(&mut r)?;
    if r.left != 0 {
        return Err(Refused::Damaged(
            "bytes are left over after the last column".into(),
        ));
    }
    let crc = r.crc.clone().finalize();
    let mut tail = [0u8; 4];
    r.inner.read_exact(&mut tail).map_err(cut)?;
    if u32::from_le_bytes(tail) != crc {
        return Err(Refused::Damaged("its checksum does not match".into()));
    }
    Ok((meta, frame))
}

/// Only the key of an entry (for listing), without reading or checking the rest.
pub fn read_key(path: impl AsRef<std::path::Path>) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 24];
    f.read_exact(&mut head).ok()?;
    if &head[..8] != MAGIC {
        return None;
    }
    let n = u64::from_le_bytes(head[16..24].try_into().ok()?);
    let mut key = Vec::new();
    f.take(n.min(1 << 16)).read_to_end(&mut key).ok()?;
    String::from_utf8(key).ok()
}

fn body_frame<R: Read>(r: &mut Checked<R>) -> Result<Frame, Refused> {
    let len = r.u64()?;
    let ncols = r.u32()?;
    // every column takes at least its name's length, its tag and a byte per row: larger
    // counts are damage, refused before anything that size is allocated
    let least = u64::from(ncols).saturating_mul(9u64.saturating_add(len));
    if least > r.left {
        return Err(Refused::Damaged(
            "its row or column count is impossible".into(),
        ));
    }
    let n = len as usize;
    let workers = rayon::current_num_threads().max(1);
    let slots: Vec<std::sync::Mutex<Option<Result<Vector, Refused>>>> =
        (0..ncols).map(|_| std::sync::Mutex::new(None)).collect();
    let mut names: Vec<String> = Vec::new();
    // this thread reads the columns in order and hands each to the pool to decode; a column
    // is read only when fewer than one per thread are waiting or decoding, so the whole entry
    // is never in memory twice
    let (done, free) = std::sync::mpsc::sync_channel::<()>(workers);
    for _ in 0..workers {
        let _ = done.send(());
    }
    let read = rayon::in_place_scope(|s| -> Result<(), Refused> {
        for i in 0..ncols as usize {
            let name = r.text(MAX_NAME)?;
            if names.contains(&name) {
                return Err(Refused::Damaged(format!("column {name} appears twice")));
            }
            names.push(name);
            free.recv()
                .map_err(|_| Refused::Damaged("a column could not be read".into()))?;
            let raw = raw_column(r, len)?;
            let (slots, done) = (&slots, done.clone());
            s.spawn(move |_| {
                let v = column(raw, n);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(v);
                }
                let _ = done.send(());
            });
        }
        Ok(())
    });
    read?;
    let mut f = Frame::new(n);
    for (name, slot) in names.into_iter().zip(slots) {
        let v = slot
            .into_inner()
            .ok()
            .flatten()
            .ok_or_else(|| Refused::Damaged("a column could not be read".into()))??;
        f.names.push(name);
        f.cols.push(Arc::new(v));
    }
    Ok(f)
}

/// The bytes of the next column of `len` rows.
fn raw_column<R: Read>(r: &mut Checked<R>, len: u64) -> Result<Raw, Refused> {
    let tag = r.take(1)?[0];
    let mut raw = Raw {
        tag,
        data: Vec::new(),
        narrow: Narrow::default(),
        dict: (Narrow::default(), 0, Vec::new()),
    };
    match tag {
        BOOL => raw.data = r.take(len)?,
        FLOAT => raw.data = r.take(len.div_ceil(8) + 8 * len)?,
        DECIMAL => {
            raw.data = r.take(1)?;
            raw.narrow = Narrow::read(r, len)?;
        }
        INT | DATE => raw.narrow = Narrow::read(r, len)?,
        TEXT => {
            let words = r.u64()?;
            if words > r.left {
                return Err(Refused::Damaged(
                    "its dictionary is longer than the file".into(),
                ));
            }
            let lens = Narrow::read(r, words)?;
            let total = r.u64()?;
            // each word is kept once, so at most one is empty: a larger count is damage,
            // refused before the lengths are widened
            if words > total.saturating_add(1) {
                return Err(Refused::Damaged(
                    "its dictionary has more words than letters".into(),
                ));
            }
            raw.dict = (lens, words, r.take(total)?);
            raw.narrow = Narrow::read(r, len)?;
        }
        _ => return Err(Refused::Damaged(format!("unknown column type {tag}"))),
    }
    Ok(raw)
}

/// The words of a dictionary from their lengths and bytes.
fn words_of((lens, n, bytes): (Narrow, u64, Vec<u8>)) -> Result<Words, Refused> {
    let text =
        String::from_utf8(bytes).map_err(|_| Refused::Damaged("text is not UTF-8".into()))?;
    let (lens, _) = lens.widen(n as usize);
    // a negative length wraps to one no text is long enough for
    Words::from_lengths(text, lens.into_iter().map(|l| l as u64))
        .ok_or_else(|| Refused::Damaged("a dictionary does not add up".into()))
}

/// The values of one column of `n` rows.
fn column(c: Raw, n: usize) -> Result<Vector, Refused> {
    Ok(match c.tag {
        BOOL => Vector::Bool(
            c.data
                .iter()
                .map(|b| match b {
                    0 => Ok(Some(false)),
                    1 => Ok(Some(true)),
                    2 => Ok(None),
                    _ => Err(Refused::Damaged("a boolean is neither".into())),
                })
                .collect::<Result<_, _>>()?,
        ),
        FLOAT => {
            let (bits, values) = c.data.split_at(n.div_ceil(8).min(c.data.len()));
            let values = values
                .chunks_exact(8)
                .map(|b| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    f64::from_le_bytes(a)
                })
                .collect();
            Vector::Float(Cells::from_parts(values, Some(words(bits))))
        }
        DECIMAL => {
            let k = usize::from(c.data[0]);
            let scale = *POW10
                .get(k)
                .ok_or_else(|| Refused::Damaged(format!("{k} decimal places")))?;
            let (values, valid) = c.narrow.widen_into(n, |m| m as f64 / scale);
            Vector::Float(Cells::from_parts(values, Some(valid)))
        }
        INT => {
            let (values, valid) = c.narrow.widen(n);
            Vector::Int(Cells::from_parts(values, Some(valid)))
        }
        DATE => {
            let bad = std::cell::Cell::new(false);
            let (days, valid) = c.narrow.widen_into(n, |v| {
                i32::try_from(v).unwrap_or_else(|_| {
                    bad.set(true);
                    0
                })
            });
            if bad.get() {
                return Err(Refused::Damaged("a date is out of range".into()));
            }
            Vector::Date(Cells::from_parts(days, Some(valid)))
        }
        _ => {
            let dict = words_of(c.dict)?;
            let none = dict.len() as i64;
            let bad = std::cell::Cell::new(false);
            let (codes, _) = c.narrow.widen_into(n, |v| match v {
                v if v == none => NULL_CODE,
                v if (0..none).contains(&v) => v as u32,
                _ => {
                    bad.set(true);
                    NULL_CODE
                }
            });
            if bad.get() {
                return Err(Refused::Damaged(
                    "a text code is outside its dictionary".into(),
                ));
            }
            Vector::Text(TextVec { codes, dict })
        }
    })
}

#[cfg(test)]
mod tests;
