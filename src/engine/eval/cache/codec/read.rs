//! Reading an entry back from its bytes (a mapped file): lengths and checksum checked at once, each column decoded when first used.

use std::sync::Arc;

use super::checked::Checked;
use super::narrow::{Narrow, POW10, words};
use super::{BOOL, DATE, DECIMAL, FLOAT, INT, MAGIC, MAX_KEY, MAX_META, MAX_NAME, Refused, TEXT};
use crate::engine::eval::frame::{Cells, Column, DType, Frame, NULL_CODE, TextVec, Vector, Words};

/// The bytes of an entry, shared by the columns not read yet.
pub type Shared = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One column's bytes, found but not yet turned into values.
struct Raw<'a> {
    tag: u8,
    /// Booleans and numbers: the validity bitmap, then the values.
    data: &'a [u8],
    /// Whole numbers and dates; for text, the codes.
    narrow: Narrow<'a>,
    /// Text: the words' lengths and their bytes.
    dict: (Narrow<'a>, u64, &'a [u8]),
}

/// Read an entry back (its meta text and its columns) from its `shared` bytes; `key` must be the
/// one it was written for. Every length is checked and the checksum of the whole body must match
/// the one at the end; the columns are turned into values only when first used (each from its
/// own part of the bytes, which the frame keeps meanwhile).
pub fn decode(shared: Shared, key: &str) -> Result<(String, Frame), Refused> {
    let bytes = (*shared).as_ref();
    let ends_early = || Refused::Damaged("it ends early".into());
    let head = bytes.get(..16).ok_or_else(ends_early)?;
    if &head[..8] != MAGIC {
        return Err(Refused::Damaged("it is not a strata cache file".into()));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&head[8..16]);
    let body = u64::from_le_bytes(len);
    let file_len = bytes.len() as u64;
    if body.checked_add(20) != Some(file_len) {
        return Err(Refused::Damaged(format!(
            "it holds {file_len} bytes where its header promises {}",
            body.saturating_add(20)
        )));
    }
    let end = 16 + body as usize;
    let (body, tail) = (&bytes[16..end], &bytes[end..]);
    let mut r = Checked {
        all: bytes,
        at: 16,
        end,
    };
    let stored = r.text(MAX_KEY)?;
    if r.u32()? != crc32fast::hash(stored.as_bytes()) {
        return Err(Refused::Damaged("its key is damaged".into()));
    }
    if stored != key {
        return Err(Refused::OtherKey);
    }
    let meta = r.text(MAX_META)?;
    let (crc, frame) = rayon::join(|| checksum(body), || body_frame(&mut r, &shared));
    let frame = frame?;
    if r.left() != 0 {
        return Err(Refused::Damaged(
            "bytes are left over after the last column".into(),
        ));
    }
    if u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) != crc {
        return Err(Refused::Damaged("its checksum does not match".into()));
    }
    Ok((meta, frame))
}

/// The CRC-32 of `bytes`, parts of it on all cores, combined in order.
fn checksum(bytes: &[u8]) -> u32 {
    use rayon::prelude::*;
    bytes
        .par_chunks(1 << 24)
        .map(|part| {
            let mut h = crc32fast::Hasher::new();
            h.update(part);
            h
        })
        .reduce_with(|mut a, b| {
            a.combine(&b);
            a
        })
        .unwrap_or_default()
        .finalize()
}

fn body_frame(r: &mut Checked<'_>, shared: &Shared) -> Result<Frame, Refused> {
    let len = r.u64()?;
    let ncols = r.u32()?;
    // every column takes at least its name's length, its tag and a byte per row: larger
    // counts are damage, refused before anything that size is allocated
    let least = u64::from(ncols).saturating_mul(9u64.saturating_add(len));
    if least > r.left() {
        return Err(Refused::Damaged(
            "its row or column count is impossible".into(),
        ));
    }
    let n = len as usize;
    // each column's lengths are checked now; its values are read when first used
    let mut f = Frame::new(n);
    for _ in 0..ncols {
        let name = r.text(MAX_NAME)?;
        if f.names.contains(&name) {
            return Err(Refused::Damaged(format!("column {name} appears twice")));
        }
        let start = r.at;
        let raw = raw_column(r, len)?;
        check(&raw)?;
        let dtype = raw.dtype();
        let (shared, end) = (Arc::clone(shared), r.at);
        let read = move || {
            let mut r = Checked {
                all: (*shared).as_ref(),
                at: start,
                end,
            };
            // the checksum matched and the lengths were checked: what is left to refuse (a
            // boolean that is neither, a date out of range, a code outside its dictionary)
            // only strata itself could have written; such a column reads as missing, never as
            // other values, and tests fail on it
            let values = raw_column(&mut r, len).and_then(|raw| column(raw, n));
            debug_assert!(values.is_ok(), "a cached column does not decode");
            values.unwrap_or_else(|_| missing(dtype, n))
        };
        f.push(name, Column::lazy(dtype, read));
    }
    Ok(f)
}

/// What can be checked of a column without turning it into values: its decimal places, and
/// that its dictionary's word lengths add up to its bytes.
fn check(raw: &Raw<'_>) -> Result<(), Refused> {
    match raw.tag {
        DECIMAL if usize::from(raw.data[0]) >= POW10.len() => {
            Err(Refused::Damaged(format!("{} decimal places", raw.data[0])))
        }
        TEXT => {
            let (lens, words, bytes) = &raw.dict;
            if lens.total(*words as usize) == Some(bytes.len() as u64) {
                Ok(())
            } else {
                Err(Refused::Damaged("a dictionary does not add up".into()))
            }
        }
        _ => Ok(()),
    }
}

/// A column of `n` missing values.
fn missing(dtype: DType, n: usize) -> Vector {
    match dtype {
        DType::Bool => Vector::Bool(Cells::nulls(n)),
        DType::Int => Vector::Int(Cells::nulls(n)),
        DType::Float => Vector::Float(Cells::nulls(n)),
        DType::Date => Vector::Date(Cells::nulls(n)),
        DType::Text => Vector::Text(TextVec {
            codes: vec![NULL_CODE; n],
            dict: Words::new(),
        }),
    }
}

impl Raw<'_> {
    fn dtype(&self) -> DType {
        match self.tag {
            BOOL => DType::Bool,
            FLOAT | DECIMAL => DType::Float,
            INT => DType::Int,
            DATE => DType::Date,
            _ => DType::Text,
        }
    }
}

/// The bytes of the next column of `len` rows.
fn raw_column<'a>(r: &mut Checked<'a>, len: u64) -> Result<Raw<'a>, Refused> {
    let tag = r.take(1)?[0];
    let mut raw = Raw {
        tag,
        data: &[],
        narrow: Narrow::default(),
        dict: (Narrow::default(), 0, &[]),
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
            if words > r.left() {
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
fn words_of((lens, n, bytes): (Narrow<'_>, u64, &[u8])) -> Result<Words, Refused> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Refused::Damaged("text is not UTF-8".into()))?
        .to_string();
    let (lens, _) = lens.widen(n as usize);
    // a negative length wraps to one no text is long enough for
    Words::from_lengths(text, lens.into_iter().map(|l| l as u64))
        .ok_or_else(|| Refused::Damaged("a dictionary does not add up".into()))
}

/// The values of one column of `n` rows.
fn column(c: Raw<'_>, n: usize) -> Result<Vector, Refused> {
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
