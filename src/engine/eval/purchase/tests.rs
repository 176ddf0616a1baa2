//! Tests of the purchase fields: grouping rows by customer, each field, parts joined alike.

use super::*;

/// `f` run on a pool of `threads` threads (so that work split per core splits alike anywhere).
fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// The purchase fields of `n` customers whose order rows belong to `cust`, on `threads` threads.
fn derived(threads: usize, cust: &[u32], n: usize) -> Frame {
    let m = cust.len();
    let order_key = Vector::Int((0..m).map(|i| Some((i / 2) as i64)).collect());
    let words = Vector::Text(TextVec::from_values(
        (0..m).map(|i| Some(["tea", "mugs", "pots"][i % 3])),
    ));
    let discount = Vector::Bool((0..m).map(|i| (i % 5 != 0).then_some(i % 4 == 0)).collect());
    let day: Cells<i32> = (0..m)
        .map(|i| (i % 7 != 0).then_some((i % 300) as i32))
        .collect();
    let amount: Cells<f64> = (0..m)
        .map(|i| (i % 11 != 0).then_some(i as f64 * 0.25))
        .collect();
    let rows: Vec<u32> = (0..m as u32).collect();
    let o = OrderCols {
        cust,
        order_key: Some(&order_key),
        day: &day,
        amount: &amount,
        product: Some(&words),
        category: Some(&words),
        channel: Some(&words),
        discount: Some(&discount),
        rows: &rows,
    };
    in_pool(threads, || {
        let mut base = Frame::new(n);
        derive(&mut base, &o, 400, &[7, 30], &[]);
        base
    })
}

/// The fields computed in several ranges of customers and joined are those of one range, for
/// order rows grouped by customer or scattered.
#[test]
fn fields_in_parts_equal_fields_in_one() {
    let n = 100_000;
    let scattered: Vec<u32> = (0..300_000u32)
        .map(|i| i.wrapping_mul(2_654_435_761) % n as u32)
        .collect();
    let mut grouped = scattered.clone();
    grouped.sort_unstable();
    for cust in [scattered, grouped] {
        let one = derived(1, &cust, n);
        let five = derived(5, &cust, n);
        assert_eq!(one.names, five.names);
        for name in &one.names {
            assert_eq!(one.get(name), five.get(name), "{name}");
        }
    }
}

#[test]
fn groups_rows_by_customer_in_order() {
    let g = group_by_customer(&[2, 0, 2, 1, 0], 4);
    assert_eq!(g.offsets, vec![0, 2, 3, 5, 5]);
    assert_eq!(
        (0..5).map(|k| g.row(k)).collect::<Vec<_>>(),
        vec![1, 4, 3, 0, 2]
    );
    assert_eq!(g.rows_of(0).collect::<Vec<_>>(), vec![1, 4]);
}

#[test]
fn rows_already_grouped_by_customer_keep_their_order() {
    // the rows of each customer, in row order: as a stable sort by customer gives them
    let reference = |cust: &[u32]| {
        let mut rows: Vec<u32> = (0..cust.len() as u32).collect();
        rows.sort_by_key(|&k| cust[k as usize]);
        rows
    };
    let n = 50_000;
    let sorted: Vec<u32> = (0..n as u32).map(|k| k / 7).collect();
    // out of order at every place the check could split the rows at, and at the end
    let mut cases = vec![sorted.clone()];
    for at in [1, n / 2, n / 3, n / 4, n - 1] {
        let mut c = sorted.clone();
        c.swap(at - 1, at);
        c[at - 1] += 1;
        cases.push(c);
    }
    for cust in cases {
        let customers = *cust.iter().max().unwrap() as usize + 2;
        // checked in as many ranges as the pool makes: two here, whatever the machine
        let g = in_pool(2, || group_by_customer(&cust, customers));
        let (off, rows) = (&g.offsets, (0..n).map(|k| g.row(k)).collect::<Vec<_>>());
        assert_eq!(rows, reference(&cust));
        assert_eq!(off[customers], n);
        for c in 0..customers {
            assert!(
                rows[off[c]..off[c + 1]]
                    .iter()
                    .all(|&k| cust[k as usize] == c as u32)
            );
        }
    }
}

#[test]
fn repeat_days_are_summed_per_day_before_the_mean() {
    // day 1: 10 (first day, left out); day 3: 5 + 7; day 9: 6 and a row without a date
    let o = OrderCols {
        cust: &[0; 6],
        order_key: None,
        day: &vec![Some(3), Some(1), Some(9), Some(3), None, Some(1)].into(),
        amount: &vec![
            Some(5.0),
            Some(10.0),
            Some(6.0),
            Some(7.0),
            Some(99.0),
            None,
        ]
        .into(),
        product: None,
        category: None,
        channel: None,
        discount: None,
        rows: &[0, 1, 2, 3, 4, 5],
    };
    let mut buf = vec![];
    assert_eq!(
        repeat_day_mean(&[0, 1, 2, 3, 4, 5], &o, &mut buf),
        Some(9.0)
    );
    assert_eq!(repeat_day_mean(&[1, 5], &o, &mut buf), None);
    assert_eq!(repeat_day_mean(&[], &o, &mut buf), None);
}

#[test]
fn hand_computed_fields() {
    // customer 0: order 10 (2 lines, one discounted) on day 100, order 11 on day 105 (a return)
    // customer 1: no orders
    let mut base = Frame::new(2);
    let order_key = Vector::Int(vec![Some(10), Some(10), Some(11)].into());
    let product = Vector::Text(TextVec::from_values(
        [Some("a"), Some("b"), Some("a")].into_iter(),
    ));
    let category = Vector::Text(TextVec::from_values(
        [Some("x"), Some("y"), Some("y")].into_iter(),
    ));
    let discount = Vector::Float(vec![Some(0.1), None, Some(0.0)].into());
    let o = OrderCols {
        cust: &[0, 0, 0],
        order_key: Some(&order_key),
        day: &vec![Some(100), Some(100), Some(105)].into(),
        amount: &vec![Some(10.0), Some(5.0), Some(-4.0)].into(),
        product: Some(&product),
        category: Some(&category),
        channel: None,
        discount: Some(&discount),
        rows: &[0, 1, 2],
    };
    derive(&mut base, &o, 110, &[7], &[]);
    let get = |n: &str| base.get(n).unwrap().clone();
    assert_eq!(*get("orders"), Vector::Int(vec![Some(2), Some(0)].into()));
    assert_eq!(
        *get("revenue"),
        Vector::Float(vec![Some(11.0), Some(0.0)].into())
    );
    assert_eq!(
        *get("recency_days"),
        Vector::Int(vec![Some(5), None].into())
    );
    assert_eq!(
        *get("tenure_days"),
        Vector::Int(vec![Some(10), None].into())
    );
    assert_eq!(
        *get("purchase_days"),
        Vector::Int(vec![Some(2), Some(0)].into())
    );
    assert_eq!(
        *get("repeat_purchases"),
        Vector::Int(vec![Some(1), None].into())
    );
    assert_eq!(
        *get("avg_order_value"),
        Vector::Float(vec![Some(5.5), None].into())
    );
    assert_eq!(
        *get("distinct_products"),
        Vector::Int(vec![Some(2), Some(0)].into())
    );
    assert_eq!(get("top_category").text_at(0).as_deref(), Some("y"));
    assert_eq!(
        *get("discount_share"),
        Vector::Float(vec![Some(0.5), None].into())
    );
    // one repeat day (105) worth −4
    assert_eq!(
        *get("repeat_avg_value"),
        Vector::Float(vec![Some(-4.0), None].into())
    );
    assert_eq!(
        *get("orders_7d"),
        Vector::Int(vec![Some(1), Some(0)].into())
    );
    assert_eq!(
        *get("revenue_7d"),
        Vector::Float(vec![Some(-4.0), Some(0.0)].into())
    );
    // a buyer with nothing in a window has 0 there, not -0 (which a file would show)
    derive(&mut base, &o, 110, &[1], &[]);
    let Vector::Float(r) = &**base.get("revenue_1d").unwrap() else {
        panic!("revenue is a number")
    };
    assert_eq!(r.get(0).map(f64::to_bits), Some(0f64.to_bits()));
}

/// The most frequent value and the distinct count as the plain sort-and-scan they replace.
fn plain_mode(t: &TextVec, rows: &[usize]) -> Option<String> {
    let mut v: Vec<&str> = rows.iter().filter_map(|&i| t.get(i)).collect();
    v.sort_unstable();
    let mut best: Option<(&str, usize)> = None;
    for w in v.chunk_by(|a, b| a == b) {
        if best.is_none_or(|b| w.len() > b.1) {
            best = Some((w[0], w.len()));
        }
    }
    best.map(|b| b.0.to_string())
}

proptest::proptest! {
    /// Counted in place, per customer: the same mode (ties to the smallest text, whatever the
    /// codes' order) and distinct count as sorting each customer's values, with gaps.
    #[test]
    fn modes_and_distinct_counts_counted_in_place_equal_sorting(
        cells in proptest::collection::vec(proptest::option::of(0usize..6), 0..60),
        cuts in proptest::collection::vec(0usize..60, 0..8),
    ) {
        let words = ["pots", "tea", "mugs", "Tea", "ära", "b"];
        let t = TextVec::from_values(cells.iter().map(|c| c.map(|k| words[k])));
        let m = Modal::new(&t);
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c.min(cells.len())).collect();
        bounds.extend([0, cells.len()]);
        bounds.sort_unstable();
        let (mut tally, mut seen) = (Vec::new(), Vec::new());
        for w in bounds.windows(2) {
            let rows: Vec<usize> = (w[0]..w[1]).collect();
            let got = m.mode(&rows, &mut tally);
            let got = (got != NULL_CODE).then(|| t.dict[got as usize].to_string());
            proptest::prop_assert_eq!(got, plain_mode(&t, &rows));
            let mut d: Vec<&str> = rows.iter().filter_map(|&i| t.get(i)).collect();
            d.sort_unstable();
            d.dedup();
            proptest::prop_assert_eq!(distinct_codes(&t, &rows, &mut seen), d.len());
            proptest::prop_assert!(tally.iter().chain(&seen).all(|&c| c == 0));
        }
    }
}
