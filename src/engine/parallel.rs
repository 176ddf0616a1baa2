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

/// `K` columns of items for `0..n`, filled in parallel ranges and then moved together in order:
/// `f(range, parts)` writes the range's items at the start of its share of each column (as
/// long as the range) and says how many it wrote, with a side result (returned in range order).
/// The columns are made once, at full length, so nothing is copied into them afterwards.
pub fn fill_ranges<T, S, const K: usize>(
    n: usize,
    f: impl Fn(Range<usize>, [&mut [T]; K]) -> (usize, S) + Sync,
) -> ([Vec<T>; K], Vec<S>)
where
    T: Copy + Default + Send,
    S: Send,
{
    let mut cols: [Vec<T>; K] = std::array::from_fn(|_| vec![T::default(); n]);
    let parts = rayon::current_num_threads().min(n / MIN_ITEMS).max(1);
    let step = n.div_ceil(parts).max(1);
    let mut chunks = cols.each_mut().map(|c| c.chunks_mut(step));
    let work: Vec<(usize, [&mut [T]; K])> = (0..parts)
        .map(|p| (p, chunks.each_mut().map(|c| c.next().unwrap_or_default())))
        .collect();
    let done: Vec<(usize, S)> = work
        .into_par_iter()
        .map(|(p, slices)| f(p * step..((p + 1) * step).min(n), slices))
        .collect();
    let mut at = 0;
    let mut sides = Vec::with_capacity(done.len());
    for (p, (written, side)) in done.into_iter().enumerate() {
        let start = p * step;
        if start != at {
            for c in &mut cols {
                c.copy_within(start..start + written, at);
            }
        }
        at += written;
        sides.push(side);
    }
    for c in &mut cols {
        c.truncate(at);
    }
    (cols, sides)
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

    #[test]
    fn filled_ranges_keep_their_items_in_order() {
        for threads in [1, 3, 7, 16] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                for n in [0, 1, 19_999, 20_000, 40_000, 60_001, 140_003] {
                    for every in [1, 3, 1000] {
                        // every `every`-th index kept, as itself and doubled; the side result
                        // is the range, so that the ranges can be checked to cover 0..n
                        let ([idx, twice], ranges) = fill_ranges(n, |range, [a, b]| {
                            let mut k = 0;
                            for i in range.clone().filter(|i| i % every == 0) {
                                a[k] = i;
                                b[k] = 2 * i;
                                k += 1;
                            }
                            (k, range)
                        });
                        let want: Vec<usize> = (0..n).filter(|i| i % every == 0).collect();
                        assert_eq!(idx, want, "{n} {every} {threads}");
                        assert_eq!(twice, want.iter().map(|i| 2 * i).collect::<Vec<_>>());
                        let mut at = 0;
                        for r in &ranges {
                            assert_eq!(r.start, at);
                            at = r.end;
                        }
                        assert_eq!(at, n);
                    }
                }
            });
        }
    }
}
