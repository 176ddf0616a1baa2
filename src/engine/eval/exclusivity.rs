//! The exclusivity audit as bit sets: which rules each customer matches, the first that assigns them, the overlaps.
//!
//! A criterion's rules are kept as one 64-bit word per rule for every 64 customers, so counting
//! matches and overlaps is a handful of `AND`s and population counts per 64 customers, and the
//! customers are scanned in parallel parts whose results are merged in customer order (the
//! samples are the first customers in id order, as a sequential scan would find them).

use rayon::prelude::*;

/// Customers per part of the parallel scan (a multiple of 64).
const PART: usize = 1 << 16;
/// Customers kept as examples of an overlap, or of being unassigned.
const SAMPLES: usize = 5;

/// Which of `r` rules each of `n` customers matches: word `w * r + k` holds rule `k` for
/// customers `64 w .. 64 w + 63`.
pub struct Matches {
    n: usize,
    r: usize,
    words: Vec<u64>,
}

/// The rules one row matches, as [`Matches::build`] hands them over: `set(k)` for rule `k`.
pub struct RowRules<'a> {
    out: &'a mut [u64],
    bit: u64,
}

impl RowRules<'_> {
    #[inline]
    pub fn set(&mut self, k: usize) {
        self.out[k] |= self.bit;
    }
}

impl Matches {
    /// `each(i, rules)` calls `rules.set(k)` for every rule `k` customer `i` matches (no call
    /// through a pointer per row: `each` is inlined into the loop over the rows).
    pub fn build(n: usize, r: usize, each: impl Fn(usize, &mut RowRules) + Sync) -> Matches {
        Self::by_word(n, r, |w, out| {
            let start = w * 64;
            for b in 0..n.saturating_sub(start).min(64) {
                let mut rules = RowRules {
                    out: &mut *out,
                    bit: 1 << b,
                };
                each(start + b, &mut rules);
            }
        })
    }
}

impl Matches {
    /// `word(w, out)` writes `out[k]`: the rows of word `w` (rows `64w..64w+64`, the first in
    /// the lowest bit) that match rule `k`.
    pub fn by_word(n: usize, r: usize, word: impl Fn(usize, &mut [u64]) + Sync) -> Matches {
        let mut words = vec![0u64; n.div_ceil(64) * r];
        if r > 0 {
            words
                .par_chunks_mut(r)
                .enumerate()
                .for_each(|(w, out)| word(w, out));
        }
        Matches { n, r, words }
    }

    /// Whether row `i` matches rule `k`.
    #[cfg(test)]
    pub fn get(&self, i: usize, k: usize) -> bool {
        self.words[(i / 64) * self.r + k] >> (i % 64) & 1 == 1
    }
}

/// What the scan finds.
#[derive(Debug, Default)]
pub struct Scan {
    /// Per customer: the first rule it matches, else `other`.
    pub label: Vec<u16>,
    /// Per rule: customers matching it.
    pub matched: Vec<usize>,
    /// `pair[a][b]` (a < b): customers matching both.
    pub pair: Vec<Vec<usize>>,
    pub samples: Vec<Vec<Vec<usize>>>,
    /// Customers matching two rules or more.
    pub multi: usize,
    pub unassigned: usize,
    pub unassigned_sample: Vec<usize>,
}

impl Scan {
    fn empty(r: usize) -> Scan {
        Scan {
            label: vec![],
            matched: vec![0; r],
            pair: vec![vec![0; r]; r],
            samples: vec![vec![Vec::new(); r]; r],
            ..Scan::default()
        }
    }

    /// Add a later part's counts and samples (the earlier part's samples come first).
    fn merge(&mut self, p: Scan) {
        for (a, b) in self.matched.iter_mut().zip(p.matched) {
            *a += b;
        }
        for (ra, rb) in self.pair.iter_mut().zip(p.pair) {
            for (a, b) in ra.iter_mut().zip(rb) {
                *a += b;
            }
        }
        for (ra, rb) in self.samples.iter_mut().zip(p.samples) {
            for (a, b) in ra.iter_mut().zip(rb) {
                let room = SAMPLES - a.len().min(SAMPLES);
                a.extend(b.into_iter().take(room));
            }
        }
        self.multi += p.multi;
        self.unassigned += p.unassigned;
        let room = SAMPLES - self.unassigned_sample.len().min(SAMPLES);
        self.unassigned_sample
            .extend(p.unassigned_sample.into_iter().take(room));
    }
}

/// Push the customers of `bits` (word `w`) onto `to`, up to `SAMPLES` in all.
fn sample(to: &mut Vec<usize>, mut bits: u64, w: usize) {
    while bits != 0 && to.len() < SAMPLES {
        to.push(w * 64 + bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// Scan customers `64 first_word ..` of `m` into `label` (their part of the labels).
fn scan_part(m: &Matches, first_word: usize, label: &mut [u16]) -> Scan {
    let r = m.r;
    let mut s = Scan::empty(r);
    for (j, lab) in label.chunks_mut(64).enumerate() {
        let w = first_word + j;
        let valid = if lab.len() == 64 {
            u64::MAX
        } else {
            (1u64 << lab.len()) - 1
        };
        let ms = &m.words[w * r..(w + 1) * r];
        let (mut remaining, mut seen1, mut seen2) = (valid, 0u64, 0u64);
        for (k, &mk) in ms.iter().enumerate() {
            let mk = mk & valid;
            s.matched[k] += mk.count_ones() as usize;
            let mut first = mk & remaining;
            while first != 0 {
                lab[first.trailing_zeros() as usize] = k as u16;
                first &= first - 1;
            }
            remaining &= !mk;
            seen2 |= seen1 & mk;
            seen1 |= mk;
        }
        s.unassigned += remaining.count_ones() as usize;
        sample(&mut s.unassigned_sample, remaining, w);
        s.multi += seen2.count_ones() as usize;
        if seen2 != 0 {
            for a in 0..r {
                for b in a + 1..r {
                    let both = ms[a] & ms[b] & valid;
                    s.pair[a][b] += both.count_ones() as usize;
                    sample(&mut s.samples[a][b], both, w);
                }
            }
        }
    }
    s
}

/// Label every customer with its first matching rule (else `other`) and count matches,
/// overlaps and the unassigned, on all cores.
pub fn scan(m: &Matches, other: u16) -> Scan {
    let mut label = vec![other; m.n];
    let parts: Vec<Scan> = label
        .par_chunks_mut(PART)
        .enumerate()
        .map(|(p, lab)| scan_part(m, p * PART / 64, lab))
        .collect();
    let mut all = Scan::empty(m.r);
    for p in parts {
        all.merge(p);
    }
    all.label = label;
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::cells::pack_bits;
    use proptest::prelude::*;

    /// The scan as a plain loop over customers: what the bit sets must agree with.
    fn plain(hits: &[Vec<bool>], r: usize, other: u16) -> Scan {
        let mut s = Scan::empty(r);
        for (i, h) in hits.iter().enumerate() {
            let ks: Vec<usize> = (0..r).filter(|&k| h[k]).collect();
            for &k in &ks {
                s.matched[k] += 1;
            }
            s.label.push(ks.first().map_or(other, |&k| k as u16));
            if ks.is_empty() {
                s.unassigned += 1;
                if s.unassigned_sample.len() < SAMPLES {
                    s.unassigned_sample.push(i);
                }
            }
            if ks.len() > 1 {
                s.multi += 1;
                for a in 0..ks.len() {
                    for b in a + 1..ks.len() {
                        s.pair[ks[a]][ks[b]] += 1;
                        if s.samples[ks[a]][ks[b]].len() < SAMPLES {
                            s.samples[ks[a]][ks[b]].push(i);
                        }
                    }
                }
            }
        }
        s
    }

    fn same(a: &Scan, b: &Scan) -> bool {
        a.label == b.label
            && a.matched == b.matched
            && a.pair == b.pair
            && a.samples == b.samples
            && a.multi == b.multi
            && a.unassigned == b.unassigned
            && a.unassigned_sample == b.unassigned_sample
    }

    proptest! {
        #[test]
        fn bit_sets_find_what_a_plain_loop_finds(
            r in 0usize..5,
            n in 0usize..700,
            seed in any::<u64>(),
        ) {
            // sparse and dense rules, with runs longer than a word
            let hits: Vec<Vec<bool>> = (0..n)
                .map(|i| (0..r).map(|k| {
                    let h = (i as u64 ^ seed).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (k * 7 + 3);
                    h.is_multiple_of(k as u64 + 2)
                }).collect())
                .collect();
            let m = Matches::build(n, r, |i, set| {
                hits[i].iter().enumerate().filter(|h| *h.1).for_each(|(k, _)| set.set(k));
            });
            let expected = plain(&hits, r, r as u16);
            prop_assert!(same(&scan(&m, r as u16), &expected));
            // the same rules a word of 64 rows at a time
            let m = Matches::by_word(n, r, |w, out| {
                for (k, o) in out.iter_mut().enumerate() {
                    let rows = w * 64..(w * 64 + 64).min(n);
                    *o = pack_bits(rows.map(|i| hits[i][k]));
                }
            });
            prop_assert!(same(&scan(&m, r as u16), &expected));
        }
    }

    #[test]
    fn parts_merge_in_customer_order() {
        // more customers than one part: the samples are still the first in id order
        let n = PART * 2 + 100;
        let hits: Vec<Vec<bool>> = (0..n)
            .map(|i| vec![i % 3 == 0 || i > PART, i % 5 == 0 || i > PART + 7])
            .collect();
        let m = Matches::build(n, 2, |i, set| {
            hits[i]
                .iter()
                .enumerate()
                .filter(|h| *h.1)
                .for_each(|(k, _)| set.set(k));
        });
        let s = scan(&m, 2);
        assert!(same(&s, &plain(&hits, 2, 2)));
        assert_eq!(s.samples[0][1], vec![0, 15, 30, 45, 60]);
    }
}
