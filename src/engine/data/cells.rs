//! The one nullable column storage: values side by side plus a validity bitmap (absent when all are present).

use std::fmt;

/// A column of `T` where any value may be missing.
///
/// Values are stored densely, and a bitmap says which are present: bit `i % 64` of word
/// `i / 64`; no bitmap means every value is present. Eight bytes and one bit per integer, where
/// `Vec<Option<i64>>` takes sixteen.
///
/// What is stored under a missing value is unspecified (`T::default()` when pushed, whatever
/// [`Cells::map`] made of it after): read values through [`Cells::get`] or [`Cells::iter`], or
/// mask [`Cells::values`] with [`Cells::validity`]. A column may keep a bitmap with every bit
/// set (after [`Cells::set`]); `validity() == None` is a shortcut, not the only way to say
/// "nothing missing".
#[derive(Clone, Default)]
pub struct Cells<T> {
    values: Vec<T>,
    valid: Option<Vec<u64>>,
}

/// A row number: a machine word, or 32 bits where millions of them are kept.
pub trait RowIndex: Copy {
    fn at(self) -> usize;
}

impl RowIndex for usize {
    #[inline]
    fn at(self) -> usize {
        self
    }
}

impl RowIndex for u32 {
    #[inline]
    fn at(self) -> usize {
        self as usize
    }
}

/// Up to 64 flags as one bitmap word, the first in the lowest bit.
pub fn pack_bits(flags: impl IntoIterator<Item = bool>) -> u64 {
    flags
        .into_iter()
        .take(64)
        .enumerate()
        .fold(0u64, |acc, (k, b)| acc | (u64::from(b) << k))
}

/// The words a bitmap of `n` bits takes.
fn words(n: usize) -> usize {
    n.div_ceil(64)
}

/// A bitmap of `n` bits, all set.
fn all_set(n: usize) -> Vec<u64> {
    let mut w = vec![u64::MAX; words(n)];
    if !n.is_multiple_of(64)
        && let Some(last) = w.last_mut()
    {
        *last = (1u64 << (n % 64)) - 1;
    }
    w
}

impl<T: Copy + Default> Cells<T> {
    pub fn new() -> Cells<T> {
        Cells {
            values: Vec::new(),
            valid: None,
        }
    }

    pub fn with_capacity(n: usize) -> Cells<T> {
        Cells {
            values: Vec::with_capacity(n),
            valid: None,
        }
    }

    /// `n` missing values, with room for `cap`.
    pub fn nulls_with_capacity(n: usize, cap: usize) -> Cells<T> {
        let mut values = Vec::with_capacity(cap.max(n));
        values.resize(n, T::default());
        let mut valid = Vec::with_capacity(words(cap.max(n)));
        valid.resize(words(n), 0);
        Cells {
            values,
            valid: Some(valid),
        }
    }

    /// Room for `more` values (and their validity, when there is a bitmap) without growing.
    pub fn reserve(&mut self, more: usize) {
        self.values.reserve(more);
        if let Some(v) = &mut self.valid {
            v.reserve(words(self.values.len() + more).saturating_sub(v.len()));
        }
    }

    /// `n` missing values.
    pub fn nulls(n: usize) -> Cells<T> {
        Cells::nulls_with_capacity(n, n)
    }

    /// `n` copies of `x`.
    pub fn filled(x: T, n: usize) -> Cells<T> {
        Cells {
            values: vec![x; n],
            valid: None,
        }
    }

    /// Values all present.
    pub fn from_values(values: Vec<T>) -> Cells<T> {
        Cells {
            values,
            valid: None,
        }
    }

    /// Values with a bitmap (bit set = present), fitted to their length; a bitmap with
    /// every bit set is dropped.
    pub fn from_parts(values: Vec<T>, valid: Option<Vec<u64>>) -> Cells<T> {
        let mut c = Cells { values, valid };
        let n = c.values.len();
        if let Some(v) = &mut c.valid {
            v.resize(words(n), 0);
            if n % 64 != 0
                && let Some(last) = v.last_mut()
            {
                *last &= (1u64 << (n % 64)) - 1;
            }
        }
        if c.null_count() == 0 {
            c.valid = None;
        }
        c
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether value `i` is present.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        match &self.valid {
            None => i < self.values.len(),
            Some(w) => w[i / 64] >> (i % 64) & 1 == 1,
        }
    }

    /// Value `i`, if present (panics past the end, like indexing).
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        let x = self.values[i];
        self.is_valid(i).then_some(x)
    }

    /// The stored values, a missing one as `T::default()`.
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// The validity bitmap, `None` when every value is present.
    pub fn validity(&self) -> Option<&[u64]> {
        self.valid.as_deref()
    }

    pub fn null_count(&self) -> usize {
        match &self.valid {
            None => 0,
            Some(w) => self.values.len() - w.iter().map(|x| x.count_ones() as usize).sum::<usize>(),
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<T>> + '_ {
        (0..self.values.len()).map(move |i| self.get(i))
    }

    /// The present values.
    pub fn present(&self) -> impl Iterator<Item = T> + '_ {
        self.iter().flatten()
    }

    fn bitmap(&mut self) -> &mut Vec<u64> {
        let n = self.values.len();
        self.valid.get_or_insert_with(|| all_set(n))
    }

    #[inline]
    pub fn push(&mut self, v: Option<T>) {
        let i = self.values.len();
        match v {
            Some(x) => {
                self.values.push(x);
                if let Some(w) = &mut self.valid {
                    if i.is_multiple_of(64) {
                        w.push(0);
                    }
                    w[i / 64] |= 1 << (i % 64);
                }
            }
            None => {
                let w = self.bitmap();
                if i.is_multiple_of(64) {
                    w.push(0);
                }
                self.values.push(T::default());
            }
        }
    }

    /// Set value `i` (present or missing).
    pub fn set(&mut self, i: usize, v: Option<T>) {
        match v {
            None => self.set_null(i),
            Some(x) => {
                self.values[i] = x;
                if let Some(w) = &mut self.valid {
                    w[i / 64] |= 1 << (i % 64);
                }
            }
        }
    }

    /// Mark value `i` missing.
    pub fn set_null(&mut self, i: usize) {
        self.values[i] = T::default();
        let w = self.bitmap();
        w[i / 64] &= !(1 << (i % 64));
    }

    /// Append another column's values.
    pub fn extend(&mut self, other: Cells<T>) {
        let at = self.values.len();
        if self.valid.is_none() && other.valid.is_none() {
            self.values.extend(other.values);
            return;
        }
        let n = other.values.len();
        self.bitmap().resize(words(at + n), 0);
        let theirs = other.valid.unwrap_or_else(|| all_set(n));
        let w = self.valid.as_mut().expect("made above");
        if at.is_multiple_of(64) {
            w[at / 64..].copy_from_slice(&theirs);
        } else {
            let shift = at % 64;
            for (k, &word) in theirs.iter().enumerate() {
                let j = at / 64 + k;
                w[j] |= word << shift;
                if j + 1 < w.len() {
                    w[j + 1] |= word >> (64 - shift);
                }
            }
        }
        self.values.extend(other.values);
    }

    /// The same validity with each present value mapped (`f` also sees the filler of missing ones).
    pub fn map<U: Copy + Default>(&self, f: impl Fn(T) -> U) -> Cells<U> {
        Cells {
            values: self.values.iter().map(|&x| f(x)).collect(),
            valid: self.valid.clone(),
        }
    }

    /// Like [`Cells::map`], consuming the column.
    pub fn into_map<U: Copy + Default>(self, f: impl Fn(T) -> U) -> Cells<U> {
        Cells {
            values: self.values.into_iter().map(f).collect(),
            valid: self.valid,
        }
    }

    /// The rows at `idx`, in that order.
    pub fn take<I: RowIndex>(&self, idx: &[I]) -> Cells<T> {
        match self.valid {
            None => Cells::from_values(idx.iter().map(|&i| self.values[i.at()]).collect()),
            Some(_) => idx.iter().map(|&i| self.get(i.at())).collect(),
        }
    }

    /// The values as options, for the edges that want them so.
    pub fn to_options(&self) -> Vec<Option<T>> {
        self.iter().collect()
    }
}

impl<T: Copy + Default> FromIterator<Option<T>> for Cells<T> {
    fn from_iter<I: IntoIterator<Item = Option<T>>>(it: I) -> Cells<T> {
        // values and validity words built side by side; the bitmap is dropped if nothing is missing
        let it = it.into_iter();
        let hint = it.size_hint().0;
        let mut values = Vec::with_capacity(hint);
        let mut bits: Vec<u64> = Vec::with_capacity(words(hint));
        let (mut word, mut missing) = (0u64, false);
        for v in it {
            let bit = values.len() % 64;
            match v {
                Some(x) => {
                    values.push(x);
                    word |= 1 << bit;
                }
                None => {
                    values.push(T::default());
                    missing = true;
                }
            }
            if bit == 63 {
                bits.push(word);
                word = 0;
            }
        }
        if values.len() % 64 != 0 {
            bits.push(word);
        }
        Cells {
            values,
            valid: missing.then_some(bits),
        }
    }
}

impl<T: Copy + Default> From<Vec<Option<T>>> for Cells<T> {
    fn from(v: Vec<Option<T>>) -> Cells<T> {
        v.into_iter().collect()
    }
}

impl<T: Copy + Default + PartialEq> PartialEq for Cells<T> {
    /// Equal when the same values are present at the same rows (fillers do not count).
    fn eq(&self, o: &Cells<T>) -> bool {
        self.len() == o.len() && self.iter().eq(o.iter())
    }
}

impl<T: Copy + Default + fmt::Debug> fmt::Debug for Cells<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells(v: &[Option<i64>]) -> Cells<i64> {
        v.iter().copied().collect()
    }

    proptest! {
        #[test]
        fn round_trips_options(v in proptest::collection::vec(proptest::option::of(any::<i64>()), 0..300)) {
            let c = cells(&v);
            prop_assert_eq!(c.len(), v.len());
            prop_assert_eq!(c.to_options(), v.clone());
            prop_assert_eq!(c.null_count(), v.iter().filter(|x| x.is_none()).count());
        }

        #[test]
        fn extend_is_concatenation(
            a in proptest::collection::vec(proptest::option::of(-5i64..5), 0..200),
            b in proptest::collection::vec(proptest::option::of(-5i64..5), 0..200),
        ) {
            let mut c = cells(&a);
            c.extend(cells(&b));
            let mut both = a.clone();
            both.extend(&b);
            prop_assert_eq!(c.to_options(), both.clone());
            // a later push lands after both, in a bitmap of the right length
            c.push(None);
            c.push(Some(9));
            both.push(None);
            both.push(Some(9));
            prop_assert_eq!(c.to_options(), both);
        }

        #[test]
        fn take_and_set_null(v in proptest::collection::vec(proptest::option::of(any::<i32>()), 1..200), k in 0usize..200) {
            let mut c: Cells<i32> = v.iter().copied().collect();
            let idx: Vec<usize> = (0..v.len()).rev().collect();
            prop_assert_eq!(c.take(&idx).to_options(), v.iter().rev().copied().collect::<Vec<_>>());
            let k = k % v.len();
            c.set_null(k);
            let mut w = v.clone();
            w[k] = None;
            prop_assert_eq!(c.to_options(), w.clone());
            c.set(k / 2, Some(7));
            w[k / 2] = Some(7);
            prop_assert_eq!(c.to_options(), w);
        }
    }

    #[test]
    fn a_full_column_keeps_no_bitmap() {
        let c = cells(&[Some(1), Some(2)]);
        assert!(c.validity().is_none());
        assert_eq!(Cells::<i64>::nulls(70).null_count(), 70);
        assert_eq!(Cells::filled(3i64, 5).get(4), Some(3));
        // fillers under missing values do not make two columns differ
        let a = Cells::from_parts(vec![1i64, 7], Some(vec![0b01]));
        let b = Cells::from_parts(vec![1i64, 8], Some(vec![0b01]));
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), "[Some(1), None]");
    }
}
