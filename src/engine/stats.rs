//! Order statistics shared by column profiles and RFM scores.

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
    let (Some(min), Some(max)) = (
        values.iter().copied().reduce(f64::min),
        values.iter().copied().reduce(f64::max),
    ) else {
        return vec![];
    };
    if min == max {
        return vec![(min, max, values.len())];
    }
    let w = (max - min) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &v in values {
        let i = (((v - min) / w) as usize).min(bins - 1);
        counts[i] += 1;
    }
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
    }
}
