//! Whole numbers in the fewest bytes their span needs, and decimals as whole numbers.

use super::Refused;
use super::checked::Checked;
use crate::engine::eval::frame::Cells;

/// Powers of ten for decimals stored as whole numbers.
pub(super) const POW10: [f64; 5] = [1.0, 10.0, 100.0, 1000.0, 10_000.0];

/// `x` times `scale`, rounded half away from zero (without a call into the C library).
#[inline]
pub(super) fn scaled(x: f64, scale: f64) -> i64 {
    let y = x * scale;
    (y + if y < 0.0 { -0.5 } else { 0.5 }) as i64
}

/// The fewest decimal places `k` (up to four) with which every value of `v` is a whole number
/// `m` such that `m / 10^k` gives back exactly the same double (its sign included), with the
/// smallest and largest `m`; `None` when there are none, as for sums and averages.
pub(super) fn decimal_places(v: &Cells<f64>) -> Option<(usize, (i64, i64))> {
    POW10.iter().enumerate().find_map(|(k, &scale)| {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for x in v.present() {
            let m = scaled(x, scale);
            // read back through the whole number itself (so -0.0 is not taken for 0)
            if !(x.abs() < 9.0e15 / scale && (m as f64 / scale).to_bits() == x.to_bits()) {
                return None;
            }
            lo = lo.min(m);
            hi = hi.max(m);
        }
        Some((k, if lo > hi { (0, 0) } else { (lo, hi) }))
    })
}

/// The smallest and largest present value of `v` as whole numbers ((0, 0) when none).
pub(super) fn span<T: Copy + Default>(v: &Cells<T>, int: impl Fn(T) -> i64) -> (i64, i64) {
    v.present()
        .map(int)
        .fold(None, |m: Option<(i64, i64)>, x| {
            Some(m.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
        })
        .unwrap_or((0, 0))
}

/// The validity of `n` values as bytes, bit `i % 8` of byte `i / 8` (bit set: a value).
pub(super) fn validity_bytes(valid: Option<&[u64]>, n: usize) -> Vec<u8> {
    match valid {
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
    }
}

/// The fewest bytes (1, 2, 4 or 8) that hold `span`.
pub(super) fn width_for(span: u64) -> usize {
    match span {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFFFF_FFFF => 4,
        _ => 8,
    }
}

/// Whole numbers as [`Summed::narrow`] wrote them, read but not yet widened.
#[derive(Default)]
pub(super) struct Narrow<'a> {
    width: usize,
    base: i64,
    /// The validity bitmap, then the values.
    data: &'a [u8],
}

impl<'a> Narrow<'a> {
    /// The next `n` narrow whole numbers of `r`.
    pub(super) fn read(r: &mut Checked<'a>, n: u64) -> Result<Narrow<'a>, Refused> {
        let width = usize::from(r.take(1)?[0]);
        if ![1, 2, 4, 8].contains(&width) {
            return Err(Refused::Damaged(format!("a column is {width} bytes wide")));
        }
        let base = r.u64()? as i64;
        let size = (width as u64)
            .checked_mul(n)
            .and_then(|v| v.checked_add(n.div_ceil(8)));
        let size = size.ok_or_else(|| Refused::Damaged("a column is impossibly long".into()))?;
        Ok(Narrow {
            width,
            base,
            data: r.take(size)?,
        })
    }

    /// The values (missing ones read as zero) and the validity words, for `n` rows.
    pub(super) fn widen(&self, n: usize) -> (Vec<i64>, Vec<u64>) {
        self.widen_into(n, |v| v)
    }

    /// The same, each present value turned into a `T` by `f` as it is read (no column of whole
    /// numbers in between); a missing value is `f(0)` (what is stored under it is never read:
    /// it may not even be a value of the column's type).
    pub(super) fn widen_into<T: Copy>(&self, n: usize, f: impl Fn(i64) -> T) -> (Vec<T>, Vec<u64>) {
        let valid = words(&self.data[..n.div_ceil(8).min(self.data.len())]);
        let zero = f(0);
        let mut out = Vec::with_capacity(n);
        let values = &self.data[n.div_ceil(8).min(self.data.len())..];
        let base = self.base;
        // 64 rows at a time, each block with its validity word: a block of present rows is
        // widened in one pass
        fn go<const W: usize, T: Copy>(
            (values, valid, base): (&[u8], &[u64], i64),
            read: impl Fn(&[u8]) -> i64,
            (f, zero): (&impl Fn(i64) -> T, T),
            out: &mut Vec<T>,
        ) {
            for (w, block) in values.chunks(64 * W).enumerate() {
                let rows = block.chunks_exact(W);
                match valid.get(w).copied().unwrap_or(u64::MAX) {
                    u64::MAX => out.extend(rows.map(|b| f(base.wrapping_add(read(b))))),
                    bits => out.extend(rows.enumerate().map(|(j, b)| match bits >> j & 1 {
                        1 => f(base.wrapping_add(read(b))),
                        _ => zero,
                    })),
                }
            }
        }
        let at = (values, valid.as_slice(), base);
        match self.width {
            1 => go::<1, T>(at, |b| i64::from(b[0]), (&f, zero), &mut out),
            2 => go::<2, T>(
                at,
                |b| i64::from(u16::from_le_bytes([b[0], b[1]])),
                (&f, zero),
                &mut out,
            ),
            4 => go::<4, T>(
                at,
                |b| i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                (&f, zero),
                &mut out,
            ),
            _ => go::<8, T>(
                at,
                |b| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    i64::from_le_bytes(a)
                },
                (&f, zero),
                &mut out,
            ),
        }
        (out, valid)
    }

    /// The sum of the `n` values (all present, as a dictionary's word lengths are); `None` when
    /// one is negative or the sum overflows.
    pub(super) fn total(&self, n: usize) -> Option<u64> {
        let mut t = Some(0u64);
        self.each(n, |_, x| {
            t = t.and_then(|t| t.checked_add(u64::try_from(x).ok()?));
        });
        t
    }

    /// Each stored value with its row, base added (missing ones as they are stored).
    fn each(&self, n: usize, mut f: impl FnMut(usize, i64)) {
        fn go<const W: usize>(
            values: &[u8],
            read: impl Fn(&[u8]) -> i64,
            f: impl FnMut(usize, i64),
        ) {
            let mut f = f;
            for (i, b) in values.chunks_exact(W).enumerate() {
                f(i, read(b));
            }
        }
        let values = &self.data[n.div_ceil(8).min(self.data.len())..];
        let base = self.base;
        let f = |i: usize, x: i64| f(i, base.wrapping_add(x));
        match self.width {
            1 => go::<1>(values, |b| i64::from(b[0]), f),
            2 => go::<2>(values, |b| i64::from(u16::from_le_bytes([b[0], b[1]])), f),
            4 => go::<4>(
                values,
                |b| i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                f,
            ),
            _ => go::<8>(
                values,
                |b| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    i64::from_le_bytes(a)
                },
                f,
            ),
        }
    }
}

/// A validity bitmap's bytes as words.
pub(super) fn words(bits: &[u8]) -> Vec<u64> {
    bits.chunks(8)
        .map(|b| {
            let mut a = [0u8; 8];
            a[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(a)
        })
        .collect()
}
