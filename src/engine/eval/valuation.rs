//! Valuation per segment: size, value, cost, profit, cumulative shares, worth-it verdicts, Pareto (SPEC §4.5).

use super::criteria::Assignment;
use super::frame::Cells;
use crate::engine::rules::{MeasureKind, ValuationConfig};

// the 80/20 figures, read with the valuation
pub use super::pareto::{
    Pareto, is_value_order, pareto, pareto_in_order, pareto_shares, value_order,
};

/// Per-customer measures a valuation reads.
pub struct Measures<'a> {
    pub value: &'a Cells<f64>,
    pub cost: Option<&'a Cells<f64>>,
    /// (name, kind, per-customer values: for `share` 1/0/NULL)
    pub extra: &'a [(String, MeasureKind, Cells<f64>)],
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SegmentValue {
    pub name: String,
    /// The criterion's otherwise segment: the customers no rule took (never worth a campaign).
    #[serde(skip)]
    pub rest: bool,
    pub customers: usize,
    pub customer_share: f64,
    pub value: f64,
    pub value_share: f64,
    pub value_per_customer: f64,
    pub cost: Option<f64>,
    pub profit: Option<f64>,
    pub cumulative_customer_share: f64,
    pub cumulative_value_share: f64,
    pub worth_marketing: bool,
    pub reasons: Vec<String>,
    pub measures: Vec<(String, f64)>,
}

/// Segments of one criterion in valuation order (value descending, ties by name).
pub fn value_segments(a: &Assignment, m: &Measures, cfg: &ValuationConfig) -> Vec<SegmentValue> {
    let k = a.names.len();
    let other = k - 1;
    let n = a.label.len();
    let Totals {
        cust,
        val,
        cost,
        ex,
    } = totals(a, m, k);
    let total_v: f64 = val.iter().sum();
    let total_n = n as f64;
    let rows: Vec<SegmentValue> = (0..k)
        .filter(|&s| s != other || cust[s] > 0)
        .map(|s| {
            let measures = m
                .extra
                .iter()
                .enumerate()
                .map(|(j, (name, kind, _))| {
                    let (sum, cnt) = ex[j][s];
                    let v = match kind {
                        MeasureKind::Sum => sum,
                        MeasureKind::Mean => sum / cnt as f64,
                        MeasureKind::Share => sum / cust[s] as f64,
                    };
                    (name.clone(), v)
                })
                .collect();
            let c = m.cost.map(|_| cost[s]);
            SegmentValue {
                name: a.names[s].clone(),
                rest: s == other,
                customers: cust[s],
                customer_share: cust[s] as f64 / total_n,
                value: val[s],
                value_share: share_of(val[s], total_v),
                value_per_customer: val[s] / cust[s] as f64,
                cost: c,
                profit: c.map(|c| val[s] - c),
                cumulative_customer_share: 0.0,
                cumulative_value_share: 0.0,
                worth_marketing: true,
                reasons: vec![],
                measures,
            }
        })
        .collect();
    ranked(rows, cfg)
}

/// One segment's sums as a database server computed them.
#[derive(Debug, Clone)]
pub struct SegmentSums {
    pub name: String,
    pub customers: usize,
    pub value: f64,
    pub cost: Option<f64>,
    pub measures: Vec<(String, f64)>,
}

/// Segments of one criterion from their sums (the segments listed as [`value_segments`] lists
/// them), judged as a local run judges them; `n` is the number of customers.
pub fn segments_from_sums(
    sums: Vec<SegmentSums>,
    otherwise: &str,
    n: usize,
    cfg: &ValuationConfig,
) -> Vec<SegmentValue> {
    let total_v: f64 = sums.iter().map(|s| s.value).sum();
    let rows = sums
        .into_iter()
        .map(|s| SegmentValue {
            rest: s.name == otherwise,
            customer_share: s.customers as f64 / n as f64,
            value_share: share_of(s.value, total_v),
            value_per_customer: s.value / s.customers as f64,
            profit: s.cost.map(|c| s.value - c),
            cumulative_customer_share: 0.0,
            cumulative_value_share: 0.0,
            worth_marketing: true,
            reasons: vec![],
            name: s.name,
            customers: s.customers,
            value: s.value,
            cost: s.cost,
            measures: s.measures,
        })
        .collect();
    ranked(rows, cfg)
}

/// `v`'s share of `total`: none (NaN) of a total of 0 or of one too large to add up, whose
/// shares would read 0 % (or any number) for a segment that holds all of it.
fn share_of(v: f64, total: f64) -> f64 {
    if total != 0.0 && total.is_finite() {
        v / total
    } else {
        f64::NAN
    }
}

/// Segments in valuation order (value descending, ties by name), the rest marked, each judged.
fn ranked(mut rows: Vec<SegmentValue>, cfg: &ValuationConfig) -> Vec<SegmentValue> {
    rows.sort_by(|x, y| {
        y.value
            .total_cmp(&x.value)
            .then_with(|| x.name.cmp(&y.name))
    });
    // the customers no rule took are no segment to campaign to, whatever their size
    for r in rows.iter_mut().filter(|r| r.rest) {
        r.reasons.push("the rest: no rule matched them".into());
    }
    judge(&mut rows, cfg);
    rows
}

/// A share and the minimum it is below, as percentages with as many decimals as it takes to
/// tell them apart (1.965 % against 2 % reads 1.97 % and 2.00 %, not 2.0 % and 2.0 %).
fn below(share: f64, min: f64) -> (String, String) {
    let (a, b) = (share * 100.0, min * 100.0);
    for d in 1..=4 {
        let (x, y) = (format!("{a:.d$}"), format!("{b:.d$}"));
        if x != y {
            return (x, y);
        }
    }
    (format!("{a:.4}"), format!("{b:.4}"))
}

/// The running shares down the value order, and whether each segment is worth marketing to
/// (why not, in words).
fn judge(rows: &mut [SegmentValue], cfg: &ValuationConfig) {
    let (mut cc, mut cv) = (0.0, 0.0);
    for r in rows.iter_mut() {
        cc += r.customer_share;
        cv += r.value_share;
        r.cumulative_customer_share = cc;
        r.cumulative_value_share = cv;
        let small =
            r.customer_share < cfg.min_customer_share && r.value_share < cfg.min_value_share;
        if small {
            let (c, c_min) = below(r.customer_share, cfg.min_customer_share);
            let (v, v_min) = below(r.value_share, cfg.min_value_share);
            r.reasons.push(format!(
                "small: {c} % of customers (minimum {c_min} %) and {v} % of value (minimum {v_min} %)"
            ));
        }
        if let Some(p) = r.profit.filter(|p| *p < 0.0) {
            r.reasons.push(format!(
                "loses money: profit {}",
                crate::engine::format::amount(p)
            ));
        }
        if r.customers == 0 {
            r.reasons
                .push("empty: no customer is in this segment".into());
        }
        if r.value_share.is_nan() && r.customers > 0 {
            // a total of 0: no value was read (see the run's warnings), nothing to judge by
            r.reasons.push(
                "no value to judge by: the customers' total value is 0, or too large to add up"
                    .into(),
            );
        }
        r.worth_marketing = r.reasons.is_empty();
    }
}

/// Per segment: customers, value, cost and each measure's (sum, count).
struct Totals {
    cust: Vec<usize>,
    val: Vec<f64>,
    cost: Vec<f64>,
    ex: Vec<Vec<(f64, usize)>>,
}

fn totals(a: &Assignment, m: &Measures, k: usize) -> Totals {
    // one tight pass per column, the columns side by side on the pool; each segment's sum is
    // still taken in customer order, so the numbers are those of a single sequential pass
    // (a missing value or cost adds nothing to a sum, as 0 would)
    let mut columns: Vec<&Cells<f64>> = vec![m.value];
    columns.extend(m.cost);
    columns.extend(m.extra.iter().map(|(_, _, v)| v));
    let (cust, sums) = rayon::join(
        || {
            let mut cust = vec![0usize; k];
            for &s in a.label.iter() {
                cust[s as usize] += 1;
            }
            cust
        },
        || {
            use rayon::prelude::*;
            columns
                .par_iter()
                .map(|&v| segment_sums(&a.label, v, k))
                .collect::<Vec<_>>()
        },
    );
    let mut sums = sums.into_iter();
    let val = sums.next().map(|(v, _)| v).unwrap_or_else(|| vec![0.0; k]);
    let cost = match m.cost {
        Some(_) => sums.next().map(|(v, _)| v).unwrap_or_else(|| vec![0.0; k]),
        None => vec![0.0; k],
    };
    let ex: Vec<Vec<(f64, usize)>> = sums.map(|(v, c)| v.into_iter().zip(c).collect()).collect();
    Totals {
        cust,
        val,
        cost,
        ex,
    }
}

/// Per segment, the sum of `v` over its customers in customer order, and how many had a value.
fn segment_sums(label: &[u16], v: &Cells<f64>, k: usize) -> (Vec<f64>, Vec<usize>) {
    let (mut sum, mut count) = (vec![0f64; k], vec![0usize; k]);
    match v.validity() {
        None => {
            for (&s, x) in label.iter().zip(v.values()) {
                sum[s as usize] += x;
                count[s as usize] += 1;
            }
        }
        // 64 customers at a time with their validity word, still in customer order
        Some(valid) => {
            let blocks = label.chunks(64).zip(v.values().chunks(64)).zip(valid);
            for ((labels, values), &bits) in blocks {
                for (j, (&s, &x)) in labels.iter().zip(values).enumerate() {
                    if bits >> j & 1 == 1 {
                        sum[s as usize] += x;
                        count[s as usize] += 1;
                    }
                }
            }
        }
    }
    (sum, count)
}

/// Customers and value in every cell of two criteria.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CrossTab {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `customers[r][c]`
    pub customers: Vec<Vec<usize>>,
    pub value: Vec<Vec<f64>>,
}

/// Cross-tabulate two assignments (segments in rule order, `otherwise` last when non-empty).
pub fn crosstab(a: &Assignment, b: &Assignment, value: &Cells<f64>) -> CrossTab {
    let (ka, kb) = (a.names.len(), b.names.len());
    let mut customers = vec![vec![0usize; kb]; ka];
    let mut val = vec![vec![0f64; kb]; ka];
    for ((&r, &c), v) in a.label.iter().zip(b.label.iter()).zip(value.iter()) {
        let (r, c) = (r as usize, c as usize);
        customers[r][c] += 1;
        val[r][c] += v.unwrap_or(0.0);
    }
    let keep_rows: Vec<usize> = (0..ka)
        .filter(|&r| r + 1 < ka || customers[r].iter().sum::<usize>() > 0)
        .collect();
    let keep_cols: Vec<usize> = (0..kb)
        .filter(|&c| c + 1 < kb || (0..ka).any(|r| customers[r][c] > 0))
        .collect();
    CrossTab {
        rows: keep_rows.iter().map(|&r| a.names[r].clone()).collect(),
        cols: keep_cols.iter().map(|&c| b.names[c].clone()).collect(),
        customers: keep_rows
            .iter()
            .map(|&r| keep_cols.iter().map(|&c| customers[r][c]).collect())
            .collect(),
        value: keep_rows
            .iter()
            .map(|&r| keep_cols.iter().map(|&c| val[r][c]).collect())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_below_its_minimum_never_reads_as_equal_to_it() {
        assert_eq!(below(0.01965, 0.02), ("1.97".into(), "2.00".into()));
        assert_eq!(below(0.015, 0.02), ("1.5".into(), "2.0".into()));
        assert_eq!(below(0.019999, 0.02), ("1.9999".into(), "2.0000".into()));
    }
    use crate::engine::eval::criteria::{Exclusivity, Verdict};
    use crate::engine::rules::Overlap;

    fn assignment(names: &[&str], label: Vec<u16>) -> Assignment {
        Assignment {
            names: names.iter().map(|s| s.to_string()).collect(),
            label: std::sync::Arc::new(label),
            exclusivity: Exclusivity {
                policy: Overlap::FirstMatch,
                verdict: Verdict::Exclusive,
                matched: vec![],
                overlaps: vec![],
                multi_matched: 0,
                unassigned: 0,
                unassigned_sample: vec![],
            },
        }
    }

    #[test]
    fn hand_computed_valuation() {
        // 10 customers: a = 0..2 (value 50 each), b = 3..9 (value 10 each); empty rule c; otherwise empty
        let a = assignment(
            &["a", "b", "c", "unassigned"],
            vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
        );
        let value: Cells<f64> = (0..10)
            .map(|i| Some(if i < 3 { 50.0 } else { 10.0 }))
            .collect();
        let cost = Cells::filled(12.0, 10);
        let cfg = ValuationConfig {
            min_customer_share: 0.35,
            min_value_share: 0.5,
            ..Default::default()
        };
        let rows = value_segments(
            &a,
            &Measures {
                value: &value,
                cost: Some(&cost),
                extra: &[],
            },
            &cfg,
        );
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        let (ra, rb) = (&rows[0], &rows[1]);
        assert_eq!(
            (ra.customers, ra.value, ra.cost, ra.profit),
            (3, 150.0, Some(36.0), Some(114.0))
        );
        assert!((ra.value_share - 150.0 / 220.0).abs() < 1e-12);
        assert!((rb.cumulative_value_share - 1.0).abs() < 1e-12);
        assert!((rb.cumulative_customer_share - 1.0).abs() < 1e-12);
        // a: 30 % of customers (< 35 %) but 68 % of value: worth it
        assert!(ra.worth_marketing);
        // b: 70 % of customers; profit 70 - 84 < 0
        assert!(!rb.worth_marketing && rb.reasons[0].starts_with("loses money"));
        assert!(!rows[2].worth_marketing);
    }

    proptest::proptest! {
        /// The same order as a stable sort by value, largest first; the 80/20 figures from it
        /// are those of the values sorted themselves, bit for bit.
        #[test]
        fn rows_by_value_as_a_stable_sort(
            v in proptest::collection::vec(proptest::option::of(proptest::prop_oneof![
                proptest::strategy::Just(0.0), proptest::strategy::Just(-0.0),
                proptest::strategy::Just(1.5), proptest::strategy::Just(-2.0),
                proptest::strategy::Just(f64::INFINITY), proptest::strategy::Just(f64::NEG_INFINITY),
                proptest::strategy::Just(f64::MAX), proptest::strategy::Just(f64::MIN_POSITIVE),
                proptest::strategy::Just(0.1), -1e6..1e6f64,
            ]), 0..300)
        ) {
            let mut expected: Vec<usize> = (0..v.len()).collect();
            let x = |i: usize| v[i].unwrap_or(0.0);
            expected.sort_by(|&a, &b| x(b).total_cmp(&x(a)));
            let cells: Cells<f64> = v.iter().copied().collect();
            let order = value_order(&cells);
            proptest::prop_assert_eq!(&order, &expected);
            proptest::prop_assert!(is_value_order(&cells, &order));
            // the figures as defined: the total added in customer order, the shares in value order
            let reference = {
                let n = v.len();
                let total: f64 = (0..n).map(x).sum();
                let top = (0.2 * n as f64).ceil() as usize;
                let top_sum: f64 = expected[..top.min(n)].iter().map(|&i| x(i)).sum();
                let mut acc = 0.0;
                let k = expected
                    .iter()
                    .position(|&i| {
                        acc += x(i);
                        acc >= 0.8 * total
                    })
                    .map_or(n, |k| k + 1);
                // no shares of no customers, of nothing or of a loss
                if n == 0 || !(total > 0.0 && total.is_finite()) {
                    (f64::NAN, f64::NAN)
                } else {
                    (top_sum / total, k as f64 / n as f64)
                }
            };
            let (a, b) = (pareto(&cells), pareto_in_order(&cells, &order));
            proptest::prop_assert_eq!(a.top20_value_share.to_bits(), reference.0.to_bits());
            proptest::prop_assert_eq!(
                a.customer_share_for_80pct_value.to_bits(),
                reference.1.to_bits()
            );
            proptest::prop_assert_eq!(a.bits(), b.bits());
        }
    }

    proptest::proptest! {
        /// A kept order is used only if it is the values' order: any other arrangement of the
        /// rows (ties in another order, a row twice, a row missing) is refused.
        #[test]
        fn only_the_value_order_passes_as_one(
            (v, shuffle, dup) in proptest::strategy::Strategy::prop_flat_map(
                proptest::collection::vec(proptest::option::of(0..4i32), 0..60),
                |v| {
                    let n = v.len();
                    (
                        proptest::strategy::Just(v),
                        proptest::collection::vec(proptest::arbitrary::any::<u32>(), n),
                        proptest::arbitrary::any::<(usize, usize)>(),
                    )
                },
            )
        ) {
            let cells: Cells<f64> = v.iter().map(|x| x.map(f64::from)).collect();
            let expected = value_order(&cells);
            let mut perm: Vec<usize> = (0..v.len()).collect();
            perm.sort_by_key(|&i| shuffle[i]);
            proptest::prop_assert_eq!(is_value_order(&cells, &perm), perm == expected);
            // by value, but equal values in any order: right only in row order
            let key = |i: usize| !crate::engine::stats::order_key(cells.get(i).unwrap_or(0.0));
            perm.sort_by_key(|&i| (key(i), shuffle[i]));
            proptest::prop_assert_eq!(is_value_order(&cells, &perm), perm == expected);
            if v.len() >= 2 {
                let (a, b) = (dup.0 % v.len(), dup.1 % v.len());
                let mut twice = expected.clone();
                twice[a] = twice[b];
                proptest::prop_assert_eq!(is_value_order(&cells, &twice), a == b);
                proptest::prop_assert!(!is_value_order(&cells, &expected[1..]));
            }
        }
    }

    proptest::proptest! {
        /// Each segment's sum and count, read 64 customers at a time, are those of one pass
        /// over the customers in order, bit for bit (missing values skipped).
        #[test]
        fn segment_sums_as_one_pass(
            rows in proptest::collection::vec(
                (0u16..4, proptest::option::of(-1e6..1e6f64)),
                0..300,
            )
        ) {
            let label: Vec<u16> = rows.iter().map(|r| r.0).collect();
            let v: Cells<f64> = rows.iter().map(|r| r.1).collect();
            let (mut sum, mut count) = (vec![0f64; 4], vec![0usize; 4]);
            for &(s, x) in &rows {
                if let Some(x) = x {
                    sum[s as usize] += x;
                    count[s as usize] += 1;
                }
            }
            let (got_sum, got_count) = segment_sums(&label, &v, 4);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&got_sum), bits(&sum));
            proptest::prop_assert_eq!(got_count, count);
        }
    }

    #[test]
    fn pareto_figures() {
        let v = Cells::from_values(vec![1.0, 1.0, 1.0, 1.0, 96.0]);
        let p = pareto(&v);
        assert!((p.top20_value_share - 0.96).abs() < 1e-12);
        assert!((p.customer_share_for_80pct_value - 0.2).abs() < 1e-12);
    }

    /// Every value 0 (an amount column read as all missing, orders matched to no customer) or a
    /// loss: no 80/20 figure, not "20 % of customers hold 80 %".
    #[test]
    fn no_shares_of_nothing_or_of_a_loss() {
        for v in [vec![0.0; 5], vec![-3.0, 1.0, 0.0, 0.0, 0.0], vec![]] {
            let p = pareto(&Cells::from_values(v.clone()));
            assert!(p.top20_value_share.is_nan(), "{v:?}");
            assert!(p.customer_share_for_80pct_value.is_nan(), "{v:?}");
        }
    }

    #[test]
    fn cells_add_up() {
        let a = assignment(&["x", "y", "other"], vec![0, 0, 1, 1]);
        let b = assignment(&["p", "q", "other"], vec![0, 1, 1, 2]);
        let v = Cells::from_values(vec![1.0, 2.0, 3.0, 4.0]);
        let t = crosstab(&a, &b, &v);
        assert_eq!(t.rows, vec!["x", "y"]);
        assert_eq!(t.cols, vec!["p", "q", "other"]);
        assert_eq!(t.customers, vec![vec![1, 1, 0], vec![0, 1, 1]]);
        assert_eq!(t.value, vec![vec![1.0, 2.0, 0.0], vec![0.0, 3.0, 4.0]]);
    }
}
