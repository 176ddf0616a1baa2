//! Splitting work on customers into one contiguous range per core.

use std::ops::Range;

/// Ranges below this many items are not worth a thread.
const MIN_ITEMS: usize = 20_000;

/// Run `f` on consecutive ranges covering `0..n`, in parallel; results in range order.
pub fn over_ranges<T: Send>(n: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let parts = cores.min(n / MIN_ITEMS).max(1);
    if parts == 1 {
        return vec![f(0..n)];
    }
    let step = n.div_ceil(parts);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|k| {
                let f = &f;
                let r = (k * step).min(n)..((k + 1) * step).min(n);
                s.spawn(move || f(r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    })
}

/// Map every item in parallel, a contiguous share of the items per core; results in order.
pub fn map_items<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    if items.len() <= 1 || cores == 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(cores);
    let mut groups: Vec<Vec<I>> = Vec::new();
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        groups.push(it.by_ref().take(per).collect());
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|g| {
                let f = &f;
                s.spawn(move || g.into_iter().map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    })
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
