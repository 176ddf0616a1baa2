//! RFM scores over buyers: ntile, quantile and rfm_r methods (SPEC §4.3), with cut points and counts.

use super::expr::round_half_away;
use super::frame::{Cells, Frame, TextVec, Vector, Words};
use crate::engine::rules::RfmMethod;
use crate::engine::stats::quantile7;

/// How one score was cut.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScoreInfo {
    /// `r_score`, `f_score` or `m_score`.
    pub name: String,
    /// The measure it scores (`recency_days`, `orders`, `revenue`).
    pub measure: String,
    /// Cut points (quantile methods) in measure units; for ntile the lowest value of each score above 1.
    pub cuts: Vec<f64>,
    /// Customers per score, index 0 = score 1.
    pub counts: Vec<usize>,
    /// Per score, the measure's range `(min, max)` among its customers.
    pub ranges: Vec<Option<(f64, f64)>>,
    pub warnings: Vec<String>,
}

/// SQL NTILE(k) for the row at 0-based position `p` among `n` rows.
pub fn ntile(p: usize, n: usize, k: usize) -> usize {
    let q = n / k;
    let r = n % k;
    let big = r * (q + 1);
    if p < big {
        p / (q + 1) + 1
    } else {
        r + (p - big) / q.max(1) + 1
    }
}

/// Score buyers (rows with `orders >= 1`) into 1..=bins; `order` is the customers' id order
/// (position of each row when sorted by customer id).
fn score(
    measure: &Cells<f64>,
    buyers: &[usize],
    bins: usize,
    method: RfmMethod,
    descending: bool,
    round_cents: bool,
) -> (Cells<u32>, Vec<f64>) {
    let n_all = measure.len();
    let mut out = Cells::nulls(n_all);
    if buyers.is_empty() {
        return (out, vec![]);
    }
    match method {
        RfmMethod::Ntile => {
            let val = |i: usize| {
                let v = measure.get(i).unwrap_or(f64::NAN);
                if round_cents {
                    round_half_away(v, 2)
                } else {
                    v
                }
            };
            // each value computed once, as an integer key in the order wanted; rows are in
            // customer-id order, so ties go by row
            let mut idx: Vec<(u64, usize)> = buyers
                .iter()
                .map(|&i| {
                    let k = crate::engine::stats::order_key(val(i));
                    (if descending { !k } else { k }, i)
                })
                .collect();
            idx.sort_unstable();
            let n = idx.len();
            let mut cuts = vec![];
            let mut prev = 0;
            for (p, &(_, i)) in idx.iter().enumerate() {
                let s = ntile(p, n, bins);
                if s != prev && s > 1 {
                    cuts.push(val(i));
                }
                prev = s;
                out.set(i, Some(s as u32));
            }
            (out, cuts)
        }
        RfmMethod::Quantile | RfmMethod::RfmR => {
            let mut xs: Vec<f64> = buyers.iter().filter_map(|&i| measure.get(i)).collect();
            xs.sort_by(f64::total_cmp);
            let plus = if method == RfmMethod::RfmR { 1.0 } else { 0.0 };
            let cuts: Vec<f64> = (1..bins)
                .map(|k| quantile7(&xs, k as f64 / bins as f64) + plus)
                .collect();
            for &i in buyers {
                if let Some(x) = measure.get(i) {
                    let bin = 1 + cuts.iter().filter(|&&t| t <= x).count();
                    let s = if descending { bins + 1 - bin } else { bin };
                    out.set(i, Some(s as u32));
                }
            }
            (out, cuts)
        }
    }
}

/// Add `r_score`, `f_score`, `m_score` and `rfm_cell` to the base frame (rows in customer-id order).
pub fn add_scores(base: &mut Frame, bins: u32, method: RfmMethod) -> Vec<ScoreInfo> {
    let n = base.len;
    let col = |name: &str| -> Cells<f64> {
        base.get(name)
            .map(|v| v.numbers())
            .unwrap_or_else(|| Cells::nulls(n))
    };
    let orders = col("orders");
    let buyers: Vec<usize> = (0..n)
        .filter(|&i| orders.get(i).is_some_and(|o| o >= 1.0))
        .collect();
    drop(orders);
    let b = bins as usize;
    // R: for ntile, ORDER BY recency_days DESC; for the quantile methods the score is reversed
    let specs = [
        ("r_score", "recency_days", true, false),
        ("f_score", "orders", false, false),
        ("m_score", "revenue", false, method == RfmMethod::Ntile),
    ];
    // the three scores are independent: computed on all cores
    let measures: Vec<Cells<f64>> = specs.iter().map(|sp| col(sp.1)).collect();
    let scored: Vec<(Cells<u32>, Vec<f64>)> = crate::engine::parallel::map_items(
        specs.iter().zip(&measures).collect(),
        |(&(_, _, desc, cents), m)| score(m, &buyers, b, method, desc, cents),
    );
    let mut infos = Vec::new();
    let mut scores: Vec<Cells<u32>> = Vec::new();
    for ((name, measure, _, _), (m, (s, cuts))) in
        specs.into_iter().zip(measures.into_iter().zip(scored))
    {
        infos.push(score_info(
            (name, measure),
            (&s, &m, cuts),
            &buyers,
            b,
            method,
        ));
        scores.push(s);
    }
    let cell = rfm_cells(&scores, n, b);
    for (info, s) in infos.iter().zip(scores) {
        base.set(&info.name, Vector::Int(s.into_map(i64::from)));
    }
    base.set("rfm_cell", Vector::Text(cell));
    infos
}

/// What one score holds: its cut points, customers and measure range per score, and the
/// warnings its ties call for.
fn score_info(
    (name, measure): (&str, &str),
    (s, m, cuts): (&Cells<u32>, &Cells<f64>, Vec<f64>),
    buyers: &[usize],
    b: usize,
    method: RfmMethod,
) -> ScoreInfo {
    let mut counts = vec![0usize; b];
    let mut ranges: Vec<Option<(f64, f64)>> = vec![None; b];
    for &i in buyers {
        if let (Some(sc), Some(x)) = (s.get(i), m.get(i)) {
            let k = sc as usize - 1;
            counts[k] += 1;
            ranges[k] = Some(match ranges[k] {
                None => (x, x),
                Some((lo, hi)) => (lo.min(x), hi.max(x)),
            });
        }
    }
    let mut warnings = Vec::new();
    let empty = counts.iter().filter(|c| **c == 0).count();
    if empty > 0 && !buyers.is_empty() {
        warnings.push(format!(
            "{name}: ties collapse {empty} of {b} scores (equal cut points leave them empty)"
        ));
    }
    if method == RfmMethod::Ntile {
        let split = (1..b)
            .filter(
                |&k| matches!((ranges[k - 1], ranges[k]), (Some((_, a)), Some((c, _))) if a == c),
            )
            .count();
        if split > 0 {
            warnings.push(format!("{name}: equal {measure} values are split across {split} score boundaries (ties broken by customer id)"));
        }
    }
    ScoreInfo {
        name: name.into(),
        measure: measure.into(),
        cuts,
        counts,
        ranges,
        warnings,
    }
}

/// The `rfm_cell` text of every customer, each combination once in the dictionary, in order of
/// first appearance.
fn rfm_cells(scores: &[Cells<u32>], n: usize, b: usize) -> TextVec {
    let mut cell = TextVec {
        codes: Vec::with_capacity(n),
        dict: Words::new(),
    };
    // one slot per combination of the three scores (each 1..=b)
    let mut code_of = vec![super::frame::NULL_CODE; b * b * b];
    for ((r, f), m) in scores[0].iter().zip(scores[1].iter()).zip(scores[2].iter()) {
        let code = match (r, f, m) {
            (Some(r), Some(f), Some(m)) => {
                let slot = ((r as usize - 1) * b + (f as usize - 1)) * b + (m as usize - 1);
                if code_of[slot] == super::frame::NULL_CODE {
                    cell.dict.push(&format!("{r}{f}{m}"));
                    code_of[slot] = (cell.dict.len() - 1) as u32;
                }
                code_of[slot]
            }
            _ => super::frame::NULL_CODE,
        };
        cell.codes.push(code);
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntile_matches_sql() {
        // 7 rows into 3 tiles: sizes 3, 2, 2
        let t: Vec<usize> = (0..7).map(|p| ntile(p, 7, 3)).collect();
        assert_eq!(t, vec![1, 1, 1, 2, 2, 3, 3]);
        // fewer rows than tiles: one per tile
        assert_eq!(
            (0..2).map(|p| ntile(p, 2, 5)).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn scores_ties_broken_by_id_and_non_buyers_null() {
        let mut f = Frame::new(5);
        f.set(
            "orders",
            Vector::Int(vec![Some(1), Some(1), Some(0), Some(3), Some(2)].into()),
        );
        f.set(
            "revenue",
            Vector::Float(vec![Some(10.004), Some(10.0), Some(0.0), Some(5.0), Some(7.0)].into()),
        );
        f.set(
            "recency_days",
            Vector::Int(vec![Some(10), Some(10), None, Some(1), Some(50)].into()),
        );
        add_scores(&mut f, 2, RfmMethod::Ntile);
        let get = |n: &str| {
            (0..5)
                .map(|i| f.get(n).unwrap().f64_at(i).map(|x| x as u32))
                .collect::<Vec<_>>()
        };
        // buyers 0,1,3,4 -> 4 rows, 2 tiles of 2
        // f: orders 1,1,3,2 -> order (0,1,4,3): 0,1 -> 1; 4,3 -> 2
        assert_eq!(
            get("f_score"),
            vec![Some(1), Some(1), None, Some(2), Some(2)]
        );
        // m: rounded 10.00,10.00,5,7 -> order 3,4,0,1 (0 before 1 by id)
        assert_eq!(
            get("m_score"),
            vec![Some(2), Some(2), None, Some(1), Some(1)]
        );
        // r: recency desc: 4(50), 0(10), 1(10), 3(1) -> 4,0 -> 1; 1,3 -> 2
        assert_eq!(
            get("r_score"),
            vec![Some(1), Some(2), None, Some(2), Some(1)]
        );
        assert_eq!(
            f.get("rfm_cell").unwrap().text_at(0).as_deref(),
            Some("112")
        );
    }

    #[test]
    fn quantile_methods_cut_at_type7_quantiles() {
        let mut f = Frame::new(5);
        f.set(
            "orders",
            Vector::Int(vec![Some(1), Some(2), Some(3), Some(4), Some(10)].into()),
        );
        f.set("revenue", Vector::Float(vec![Some(1.0); 5].into()));
        f.set(
            "recency_days",
            Vector::Int(vec![Some(1), Some(2), Some(3), Some(4), Some(10)].into()),
        );
        let info = add_scores(&mut f, 5, RfmMethod::Quantile);
        // quantile7 of 1,2,3,4,10 at .2 .4 .6 .8 = 1.8 2.6 3.4 5.2
        assert_eq!(info[1].cuts.len(), 4);
        assert!((info[1].cuts[3] - 5.2).abs() < 1e-9);
        let fs: Vec<_> = (0..5)
            .map(|i| f.get("f_score").unwrap().f64_at(i).unwrap() as u32)
            .collect();
        assert_eq!(fs, vec![1, 2, 3, 4, 5]);
        let rs: Vec<_> = (0..5)
            .map(|i| f.get("r_score").unwrap().f64_at(i).unwrap() as u32)
            .collect();
        assert_eq!(rs, vec![5, 4, 3, 2, 1]);
        // all revenues equal: every cut point is 1, all customers in the top bin, warning given
        assert!(!info[2].warnings.is_empty());
        let info = add_scores(&mut f, 5, RfmMethod::RfmR);
        assert!((info[1].cuts[0] - 2.8).abs() < 1e-9);
        let fs: Vec<_> = (0..5)
            .map(|i| f.get("f_score").unwrap().f64_at(i).unwrap() as u32)
            .collect();
        assert_eq!(fs, vec![1, 1, 2, 3, 5]);
    }
}
