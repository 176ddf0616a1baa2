//! The cache file format: a checked, columnar image of a loaded table that reads back without parsing.
//!
//! Layout: `MAGIC`, the body's length (u64), the body, then the CRC-32 of the body (u32), all
//! little-endian. The body is the entry's key text and the key's own CRC-32 (a damaged key is
//! told from another key's entry), the meta text (what the caller keeps beside the columns),
//! the row count, then each column: its name,
//! a type tag and its data (a validity bitmap and fixed-width values; text as a dictionary and
//! u32 codes). Reading checks every length against the file and the checksum at the end, so a
//! truncated or damaged file is refused, never half-read.

use std::io::{self, Read, Write};
use std::sync::Arc;

use crate::engine::eval::frame::{Cells, Frame, NULL_CODE, TextVec, Vector};

pub const MAGIC: &[u8; 8] = b"STRATAC\x01";
/// The longest key, meta text, column name and text value an entry may hold: a damaged length
/// beyond these is refused before it is allocated.
const MAX_KEY: u64 = 1 << 20;
const MAX_META: u64 = 1 << 30;
const MAX_NAME: u64 = 1 << 16;
const MAX_VALUE: u64 = 1 << 30;
/// Values are written and read this many at a time (bounded buffers).
const CHUNK: usize = 1 << 16;

/// Why a cache file could not be read back.
#[derive(Debug)]
pub enum Refused {
    /// The file is not a complete, intact entry (truncated, a byte changed, another format).
    Damaged(String),
    /// An intact entry for another key (a hash collision or an older strata).
    OtherKey,
}

/// A writer that checksums what passes through it.
struct Summed<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Summed<W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.crc.update(b);
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
    /// The validity bitmap of `v` (bit set: a value), then each value's bytes (zeros for none).
    fn column<T: Copy + Default, const N: usize>(
        &mut self,
        v: &Cells<T>,
        bytes: impl Fn(T) -> [u8; N],
    ) -> io::Result<()> {
        let n = v.len();
        let bits: Vec<u8> = match v.validity() {
            // bit i of word i / 64 is bit i % 8 of byte i / 8 in little-endian words
            Some(w) => w
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .take(n.div_ceil(8))
                .collect(),
            None => {
                let mut b = vec![0xFFu8; n.div_ceil(8)];
                if !n.is_multiple_of(8)
                    && let Some(last) = b.last_mut()
                {
                    *last = (1u8 << (n % 8)) - 1;
                }
                b
            }
        };
        self.put(&bits)?;
        let mut buf = Vec::with_capacity(CHUNK * N);
        for start in (0..n).step_by(CHUNK) {
            buf.clear();
            for i in start..(start + CHUNK).min(n) {
                buf.extend_from_slice(&v.get(i).map_or([0; N], &bytes));
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
        crc: crc32fast::Hasher::new(),
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
    for (name, col) in frame.names.iter().zip(&frame.cols) {
        w.text(name)?;
        match &**col {
            Vector::Bool(v) => {
                w.put(&[0])?;
                let bytes: Vec<u8> = v.iter().map(|b| b.map_or(2, u8::from)).collect();
                w.put(&bytes)?;
            }
            Vector::Int(v) => {
                w.put(&[1])?;
                w.column(v, i64::to_le_bytes)?;
            }
            Vector::Float(v) => {
                w.put(&[2])?;
                w.column(v, f64::to_le_bytes)?;
            }
            Vector::Date(v) => {
                w.put(&[3])?;
                w.column(v, i32::to_le_bytes)?;
            }
            Vector::Text(t) => {
                w.put(&[4])?;
                w.u64(t.dict.len() as u64)?;
                for s in &t.dict {
                    w.text(s)?;
                }
                let mut buf = Vec::with_capacity(CHUNK * 4);
                for part in t.codes.chunks(CHUNK) {
                    buf.clear();
                    for c in part {
                        buf.extend_from_slice(&c.to_le_bytes());
                    }
                    w.put(&buf)?;
                }
            }
        }
    }
    let (len, crc) = (w.len, w.crc.finalize());
    let mut out = w.inner;
    out.write_all(&crc.to_le_bytes())?;
    out.seek(io::SeekFrom::Start(MAGIC.len() as u64))?;
    out.write_all(&len.to_le_bytes())?;
    out.flush()?;
    Ok(out)
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
    /// Text columns: the dictionary, already read.
    dict: Vec<String>,
    data: Vec<u8>,
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
    let bits = len.div_ceil(8);
    let (dict, size) = match tag {
        0 => (vec![], len),
        1 | 2 => (vec![], bits + 8 * len),
        3 => (vec![], bits + 4 * len),
        4 => {
            let words = r.u64()?;
            if words > r.left / 8 {
                return Err(Refused::Damaged(
                    "its dictionary is longer than the file".into(),
                ));
            }
            // grown as read (a damaged count is not allocated up front)
            let mut dict = Vec::new();
            for _ in 0..words {
                dict.push(r.text(MAX_VALUE)?);
            }
            (dict, 4 * len)
        }
        _ => return Err(Refused::Damaged(format!("unknown column type {tag}"))),
    };
    let data = r.take(size)?;
    Ok(Raw { tag, dict, data })
}

/// The values of one column of `n` rows.
fn column(c: Raw, n: usize) -> Result<Vector, Refused> {
    let (bits, values) = c.data.split_at(n.div_ceil(8).min(c.data.len()));
    Ok(match c.tag {
        0 => Vector::Bool(
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
        1 => Vector::Int(valid(bits, values, i64::from_le_bytes)),
        2 => Vector::Float(valid(bits, values, f64::from_le_bytes)),
        3 => Vector::Date(valid(bits, values, i32::from_le_bytes)),
        _ => {
            let mut codes = Vec::with_capacity(n);
            for b in c.data.chunks_exact(4) {
                let code = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                if code != NULL_CODE && code as usize >= c.dict.len() {
                    return Err(Refused::Damaged(
                        "a text code is outside its dictionary".into(),
                    ));
                }
                codes.push(code);
            }
            Vector::Text(TextVec {
                codes,
                dict: c.dict,
            })
        }
    })
}

/// Fixed-width values with their validity bitmap.
fn valid<T: Copy + Default, const N: usize>(
    bits: &[u8],
    values: &[u8],
    value: impl Fn([u8; N]) -> T,
) -> Cells<T> {
    let values: Vec<T> = values
        .chunks_exact(N)
        .map(|b| {
            let mut a = [0u8; N];
            a.copy_from_slice(b);
            value(a)
        })
        .collect();
    let words: Vec<u64> = bits
        .chunks(8)
        .map(|b| {
            let mut a = [0u8; 8];
            a[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(a)
        })
        .collect();
    Cells::from_parts(values, Some(words))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame() -> Frame {
        let mut f = Frame::new(3);
        f.set(
            "b",
            Vector::Bool(vec![Some(true), None, Some(false)].into()),
        );
        f.set(
            "i",
            Vector::Int(vec![Some(-7), Some(i64::MAX), None].into()),
        );
        f.set(
            "x",
            Vector::Float(vec![None, Some(0.1), Some(-2.5e300)].into()),
        );
        f.set("d", Vector::Date(vec![Some(-1), None, Some(20_000)].into()));
        f.set(
            "t",
            Vector::Text(TextVec::from_values(
                [Some("é ü"), None, Some("é ü")].into_iter(),
            )),
        );
        f
    }

    fn bytes(key: &str, f: &Frame) -> Vec<u8> {
        encode(io::Cursor::new(Vec::new()), (key, "meta"), f)
            .unwrap()
            .into_inner()
    }

    fn same(a: &Frame, b: &Frame) -> bool {
        a.len == b.len && a.names == b.names && a.cols == b.cols
    }

    #[test]
    fn every_column_type_reads_back_as_written() {
        let f = frame();
        let b = bytes("k", &f);
        let (meta, back) = decode(&b[..], "k", b.len() as u64).unwrap();
        assert_eq!(meta, "meta");
        assert!(same(&f, &back));
    }

    #[test]
    fn another_key_is_not_this_entry() {
        let b = bytes("k", &frame());
        assert!(matches!(
            decode(&b[..], "k2", b.len() as u64),
            Err(Refused::OtherKey)
        ));
    }

    #[test]
    fn every_single_byte_change_and_every_truncation_is_refused() {
        let b = bytes("key", &frame());
        for i in 0..b.len() {
            let mut d = b.clone();
            d[i] ^= 0x5a;
            let r = decode(&d[..], "key", d.len() as u64);
            assert!(matches!(r, Err(Refused::Damaged(_))), "byte {i}: {r:?}");
        }
        for n in 0..b.len() {
            let r = decode(&b[..n], "key", n as u64);
            assert!(matches!(r, Err(Refused::Damaged(_))), "cut at {n}");
        }
    }

    #[test]
    fn impossible_counts_are_refused_before_they_are_allocated() {
        let mut f = Frame::new(1000);
        f.set("i", Vector::Int(vec![Some(1); 1000].into()));
        let b = bytes("k", &f);
        // the column count sits after the key, its checksum, the meta text and the row count
        let at = 16 + 8 + 1 + 4 + 8 + 4 + 8;
        for (off, v) in [(at + 3, 0x01u8), (at - 1, 0x7f)] {
            let mut d = b.clone();
            d[off] = v;
            assert!(matches!(
                decode(&d[..], "k", d.len() as u64),
                Err(Refused::Damaged(_))
            ));
        }
    }

    proptest! {
        #[test]
        fn any_frame_reads_back(ints in proptest::collection::vec(proptest::option::of(any::<i64>()), 0..300),
                                words in proptest::collection::vec(proptest::option::of("[a-c]{0,3}"), 0..300)) {
            let n = ints.len().min(words.len());
            let mut f = Frame::new(n);
            f.set("i", Vector::Int(ints[..n].to_vec().into()));
            f.set("t", Vector::Text(TextVec::from_values(words[..n].iter().map(|w| w.as_deref()))));
            let b = bytes("p", &f);
            let (_, back) = decode(&b[..], "p", b.len() as u64).unwrap();
            prop_assert!(same(&f, &back));
        }
    }
}
