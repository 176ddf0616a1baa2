//! Order statistics shared by column profiles and RFM scores.

/// An integer that sorts as `f64::total_cmp` does (sorting keys, not floats, needs no
/// comparison function).
pub fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Type-7 quantile (linear interpolation between order statistics) of sorted, non-empty data.
pub fn quantile7(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let n = sorted.len();
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Equal-width histogram of `values` between their min and max: `(lo, hi, count)` per bin.
pub fn histogram(values: &[f64], bins: usize) -> Vec<(f64, f64, usize)> {
    histogram_of(values.len(), |i| Some(values[i]), bins)
}

/// The same of the values `at(0)`, … `at(n - 1)` that are present, read on all cores without
/// copying them out first.
pub fn histogram_of(
    n: usize,
    at: impl Fn(usize) -> Option<f64> + Sync,
    bins: usize,
) -> Vec<(f64, f64, usize)> {
    use rayon::prelude::*;
    let rows = || (0..n).into_par_iter().with_min_len(1 << 15);
    // min and max as a left-to-right reduce finds them (a NaN is passed over unless all are)
    let span = rows()
        .fold(
            || None,
            |m: Option<(f64, f64)>, i| match at(i) {
                None => m,
                Some(x) => Some(m.map_or((x, x), |(a, b)| (a.min(x), b.max(x)))),
            },
        )
        .reduce(
            || None,
            |a, b| match (a, b) {
                (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
                (a, b) => a.or(b),
            },
        );
    let Some((min, max)) = span else {
        return vec![];
    };
    if min == max {
        let present = rows().filter(|&i| at(i).is_some()).count();
        return vec![(min, max, present)];
    }
    let w = (max - min) / bins as f64;
    let counts = rows()
        .fold(
            || vec![0usize; bins],
            |mut c, i| {
                if let Some(v) = at(i) {
                    c[(((v - min) / w) as usize).min(bins - 1)] += 1;
                }
                c
            },
        )
        .reduce(
            || vec![0usize; bins],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                min + w * i as f64,
                if i + 1 == bins {
                    max
                } else {
                    min + w * (i + 1) as f64
                },
                c,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn order_keys_sort_as_total_cmp(a in proptest::num::f64::ANY, b in proptest::num::f64::ANY) {
            proptest::prop_assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b));
        }
    }

    #[test]
    fn type7_matches_r() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.2, .5, .8)) -> 1.8 3.0 5.2
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile7(&x, 0.2) - 1.8).abs() < 1e-12);
        assert_eq!(quantile7(&x, 0.5), 3.0);
        assert!((quantile7(&x, 0.8) - 5.2).abs() < 1e-12);
        assert_eq!(quantile7(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn histogram_counts_everything() {
        let h = histogram(&[0.0, 1.0, 2.0, 10.0], 5);
        assert_eq!(h.len(), 5);
        assert_eq!(h.iter().map(|b| b.2).sum::<usize>(), 4);
        assert_eq!(h[4].2, 1);
        assert_eq!(histogram(&[3.0, 3.0], 4), vec![(3.0, 3.0, 2)]);
        assert_eq!(histogram(&[], 4), vec![]);
    }

    /// Read in parallel, the histogram is the one of the present values counted one by one.
    #[test]
    fn histogram_of_many_counts_as_one_by_one() {
        let at = |i: usize| (i % 7 != 3).then(|| ((i * 7919) % 10_007) as f64 - 5_000.5);
        let n = 200_000;
        let present: Vec<f64> = (0..n).filter_map(at).collect();
        let (min, max) = present
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        let w = (max - min) / 24.0;
        let mut counts = [0usize; 24];
        for x in &present {
            counts[(((x - min) / w) as usize).min(23)] += 1;
        }
        let h = histogram_of(n, at, 24);
        assert_eq!((h[0].0, h[23].1), (min, max));
        assert_eq!(h.iter().map(|b| b.2).collect::<Vec<_>>(), counts);
        assert_eq!(
            histogram_of(n, |i| (i % 2 == 0).then_some(4.0), 5),
            vec![(4.0, 4.0, n / 2)]
        );
        assert_eq!(histogram_of(n, |_| None, 5), vec![]);
    }
}
