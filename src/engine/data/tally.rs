//! A column's distinct values counted without a table of them: how many, the most frequent, the first in file order, the extremes.

use super::typed_csv::NO_CODE;
use super::words::Words;

/// What a profile says of a column's distinct values.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub distinct: usize,
    /// The most frequent values, most first (ties: the smallest text first).
    pub top: Vec<(String, usize)>,
    /// Up to three values, the first in file order.
    pub samples: Vec<String>,
    /// The smallest and largest text (for text columns; numbers are ranged by value).
    pub min: Option<String>,
    pub max: Option<String>,
}

/// The `k` most frequent values seen so far (count first, then the smallest text), each
/// value's text made only when it could be among them.
struct Top {
    k: usize,
    best: Vec<(String, usize)>,
}

impl Top {
    fn new(k: usize) -> Top {
        Top {
            k,
            best: Vec::with_capacity(k + 1),
        }
    }

    fn offer(&mut self, count: usize, text: impl FnOnce() -> String) {
        let full = self.best.len() >= self.k;
        if count == 0 || self.k == 0 || (full && count < self.best[self.k - 1].1) {
            return;
        }
        let t = text();
        let at = self
            .best
            .iter()
            .position(|(bt, bc)| count > *bc || (count == *bc && t < *bt));
        match at {
            Some(i) => {
                self.best.insert(i, (t, count));
                self.best.truncate(self.k);
            }
            None if !full => self.best.push((t, count)),
            None => {}
        }
    }
}

/// The first three distinct values of `values`, in their order (stops reading there).
fn first_three<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut first = Vec::with_capacity(3);
    for v in values {
        if first.len() == 3 {
            break;
        }
        if !first.contains(&v) {
            first.push(v);
        }
    }
    first
}

/// A text column by its dictionary codes (`NO_CODE`: missing): every code of `dict` is a
/// distinct text, so only counts per code are kept.
pub fn text_tally(codes: &[u32], dict: &Words, k: usize) -> Tally {
    let mut count = vec![0u32; dict.len()];
    for &c in codes {
        if c != NO_CODE {
            count[c as usize] += 1;
        }
    }
    let mut top = Top::new(k);
    let (mut distinct, mut min, mut max) = (0, None::<&str>, None::<&str>);
    for (c, &n) in count.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let w = &dict[c];
        distinct += 1;
        top.offer(n as usize, || w.to_string());
        min = Some(min.map_or(w, |m| m.min(w)));
        max = Some(max.map_or(w, |m| m.max(w)));
    }
    let samples = first_three(codes.iter().copied().filter(|&c| c != NO_CODE));
    Tally {
        distinct,
        top: top.best,
        samples: samples
            .iter()
            .map(|&c| dict[c as usize].to_string())
            .collect(),
        min: min.map(str::to_string),
        max: max.map(str::to_string),
    }
}

/// Numbers that each show differently (integers, days), from their values in order `sorted`
/// (by `f64::total_cmp`) and row by row (`rows`, for the first in file order), each shown by
/// `show`.
pub fn sorted_tally(
    sorted: &[f64],
    rows: impl Iterator<Item = Option<f64>>,
    show: impl Fn(f64) -> String,
    k: usize,
) -> Tally {
    let mut top = Top::new(k);
    let mut distinct = 0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j].to_bits() == sorted[i].to_bits() {
            j += 1;
        }
        distinct += 1;
        top.offer(j - i, || show(sorted[i]));
        i = j;
    }
    let samples = first_three(rows.flatten().map(f64::to_bits));
    Tally {
        distinct,
        top: top.best,
        samples: samples
            .into_iter()
            .map(|b| show(f64::from_bits(b)))
            .collect(),
        min: None,
        max: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain way: every distinct text with its count and first row, sorted.
    fn reference(values: &[Option<String>], k: usize) -> Tally {
        let mut seen: Vec<(String, usize, usize)> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            match seen.iter_mut().find(|s| s.0 == *v) {
                Some(s) => s.1 += 1,
                None => seen.push((v.clone(), 1, i)),
            }
        }
        let mut by_count = seen.clone();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Tally {
            distinct: seen.len(),
            top: by_count
                .iter()
                .take(k)
                .map(|s| (s.0.clone(), s.1))
                .collect(),
            samples: seen.iter().take(3).map(|s| s.0.clone()).collect(),
            min: seen.iter().map(|s| s.0.clone()).min(),
            max: seen.iter().map(|s| s.0.clone()).max(),
        }
    }

    proptest! {
        #[test]
        fn text_counts_agree_with_the_plain_way(
            picks in proptest::collection::vec(proptest::option::of(0usize..12), 0..200),
            k in 0usize..7,
        ) {
            let words = ["b", "a", "10", "9", "ab", "", "Z", "z", "ä", "a b", "1", "2"];
            let mut dict = Words::new();
            for w in words {
                dict.push(w);
            }
            let codes: Vec<u32> = picks.iter().map(|p| p.map_or(NO_CODE, |c| c as u32)).collect();
            let texts: Vec<Option<String>> = picks.iter().map(|p| p.map(|c| words[c].to_string())).collect();
            prop_assert_eq!(text_tally(&codes, &dict, k), reference(&texts, k));
        }

        #[test]
        fn number_counts_agree_with_the_plain_way(
            values in proptest::collection::vec(proptest::option::of(-30i64..30), 0..200),
            k in 0usize..7,
        ) {
            let nums: Vec<Option<f64>> = values.iter().map(|v| v.map(|x| x as f64)).collect();
            let mut sorted: Vec<f64> = nums.iter().flatten().copied().collect();
            sorted.sort_by(f64::total_cmp);
            let t = sorted_tally(&sorted, nums.iter().copied(), |x| format!("{x}"), k);
            let texts: Vec<Option<String>> = nums.iter().map(|v| v.map(|x| format!("{x}"))).collect();
            let want = reference(&texts, k);
            prop_assert_eq!(t.distinct, want.distinct);
            prop_assert_eq!(t.top, want.top);
            prop_assert_eq!(t.samples, want.samples);
        }
    }
}
