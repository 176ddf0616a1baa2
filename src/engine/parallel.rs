//! Splitting work into one contiguous range per core, or one task per item, on rayon's pool.

use std::ops::Range;

use rayon::prelude::*;

/// Ranges below this many items are not worth a thread.
const MIN_ITEMS: usize = 20_000;

/// Run `f` on consecutive ranges covering `0..n`, in parallel on the shared pool; results in
/// range order.
pub fn over_ranges<T: Send>(n: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = rayon::current_num_threads().min(n / MIN_ITEMS).max(1);
    if parts == 1 {
        return vec![f(0..n)];
    }
    let step = n.div_ceil(parts);
    (0..parts)
        .into_par_iter()
        .map(|k| f((k * step).min(n)..((k + 1) * step).min(n)))
        .collect()
}

/// Map every item in parallel on the shared pool; results in order.
pub fn map_items<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    if items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    items.into_par_iter().map(&f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_in_order() {
        for n in [0, 1, 19_999, 20_000, 100_001] {
            let parts = over_ranges(n, |r| r);
            let flat: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(flat, (0..n).collect::<Vec<_>>());
        }
        for n in [0, 1, 2, 7] {
            let v: Vec<usize> = (0..n).collect();
            assert_eq!(
                map_items(v.clone(), |x| x * 2),
                v.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }
}
