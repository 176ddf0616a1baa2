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

use crate::engine::eval::frame::{Cells, Frame, NULL_CODE, Vector, Words};

mod checked;
mod narrow;
mod read;

use narrow::{POW10, decimal_places, scaled, span, validity_bytes, width_for};
pub use read::decode;

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
    w.u32(frame.names.len() as u32)?;
    // columns are encoded on all cores, a few at a time (bounded memory), and written in order
    let cols: Vec<(&String, &Vector)> = frame
        .names
        .iter()
        .zip(frame.columns().map(|c| &**c))
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

#[cfg(test)]
mod tests;
