//! The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005): likelihood, alive and expected purchases.

use rayon::prelude::*;
use statrs::function::gamma::{digamma, ln_gamma};

use super::special::hyp2f1;

/// BG/NBD parameters: purchase rate Gamma(r, α), dropout Beta(a, b); time in the model's unit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// Customers sharing one (frequency, recency, age): the likelihood is evaluated once for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triple {
    /// Repeat purchases.
    pub x: u32,
    /// First to last purchase, in the model's unit.
    pub t_x: f64,
    /// First purchase to the end of the period, in the model's unit.
    pub t: f64,
    /// How many customers share it.
    pub count: f64,
}

/// A triple as the likelihood reads it: its recency and age as indices into the distinct values.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The frequency's run (its index in `Grouped::runs`).
    x: u32,
    t_x: u32,
    t: u32,
    count: f64,
}

/// The triples sorted by frequency, with where each frequency's run starts (the terms that depend
/// on the frequency alone are computed once per run), and the distinct recencies and ages (whose
/// logarithms are computed once per evaluation: there are far fewer of them than triples).
pub struct Grouped {
    pub triples: Vec<Triple>,
    rows: Vec<Row>,
    runs: Vec<(u32, std::ops::Range<usize>)>,
    t_values: Vec<f64>,
    tx_values: Vec<f64>,
    pub customers: f64,
}

/// The distinct values of `v` in order, and each value's index among them.
fn distinct_index(v: impl Iterator<Item = f64> + Clone) -> (Vec<f64>, Vec<u32>) {
    let mut d: Vec<f64> = v.clone().collect();
    d.sort_by(f64::total_cmp);
    d.dedup();
    let idx = v
        .map(|x| d.binary_search_by(|p| p.total_cmp(&x)).unwrap_or(0) as u32)
        .collect();
    (d, idx)
}

impl Grouped {
    pub fn new(mut triples: Vec<Triple>) -> Grouped {
        triples.sort_by(|p, q| {
            (p.x, p.t_x, p.t)
                .partial_cmp(&(q.x, q.t_x, q.t))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let runs = super::runs(&triples, |t| t.x);
        let (t_values, t_idx) = distinct_index(triples.iter().map(|t| t.t));
        let (tx_values, tx_idx) = distinct_index(triples.iter().map(|t| t.t_x));
        let mut run_of = vec![0u32; triples.len()];
        for (k, (_, range)) in runs.iter().enumerate() {
            run_of[range.clone()].fill(k as u32);
        }
        let rows = triples
            .iter()
            .zip(t_idx.iter().zip(&tx_idx))
            .zip(&run_of)
            .map(|((tr, (&t, &t_x)), &x)| Row {
                x,
                t_x,
                t,
                count: tr.count,
            })
            .collect();
        let customers = triples.iter().map(|t| t.count).sum();
        Grouped {
            triples,
            rows,
            runs,
            t_values,
            tx_values,
            customers,
        }
    }
}

/// Rows per parallel chunk: sums are taken chunk by chunk in a fixed order, so the result does not
/// depend on the number of threads.
const CHUNK: usize = 8192;

/// ln(α + v) and 1/(α + v) for each distinct value.
fn logs(values: &[f64], alpha: f64) -> Vec<(f64, f64)> {
    values
        .iter()
        .map(|v| ((alpha + v).ln(), 1.0 / (alpha + v)))
        .collect()
}

impl BgNbd {
    pub fn from_log(p: &[f64]) -> BgNbd {
        BgNbd {
            r: p[0].exp(),
            alpha: p[1].exp(),
            a: p[2].exp(),
            b: p[3].exp(),
        }
    }

    /// Log-likelihood of all customers and its gradient with respect to the logarithms of
    /// (r, α, a, b).
    pub fn log_likelihood(&self, g: &Grouped) -> (f64, [f64; 4]) {
        let BgNbd { r, alpha, a, b } = *self;
        let ln_alpha = alpha.ln();
        let (lg_ab, dg_ab) = (ln_gamma(a + b), digamma(a + b));
        let (lg_r, dg_r, lg_b, dg_b) = (ln_gamma(r), digamma(r), ln_gamma(b), digamma(b));
        let (lt, ltx) = (logs(&g.t_values, alpha), logs(&g.tx_values, alpha));
        // the terms of the frequency alone, once per frequency, weighted by its customers
        let (mut ll, mut g_r, mut g_a, mut g_b) = (0.0, 0.0, 0.0, 0.0);
        let mut per_x = Vec::with_capacity(g.runs.len());
        for (x, range) in &g.runs {
            let xf = *x as f64;
            let rx = r + xf;
            let n: f64 = g.rows[range.clone()].iter().map(|row| row.count).sum();
            let d_ab = dg_ab - digamma(a + b + xf);
            ll += n
                * (ln_gamma(rx) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + xf)
                    - lg_b
                    - ln_gamma(a + b + xf));
            g_r += n * (digamma(rx) - dg_r + ln_alpha);
            g_a += n * d_ab;
            g_b += n * (d_ab + digamma(b + xf) - dg_b);
            per_x.push(if *x > 0 {
                (rx, (a / (b + xf - 1.0)).ln(), 1.0 / (b + xf - 1.0))
            } else {
                (rx, f64::NAN, 0.0)
            });
        }
        // the terms of each history, every row in one pass over the cores
        let parts: Vec<[f64; 5]> = g
            .rows
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut s = [0.0; 5];
                for row in chunk {
                    let (rx, ln_ratio, inv_bx) = per_x[row.x as usize];
                    let (l3, i3) = lt[row.t as usize];
                    let w = row.count;
                    let a3 = -rx * l3;
                    if inv_bx == 0.0 {
                        // no repeat purchase: only the "still alive at T" term
                        s[0] += w * a3;
                        s[1] -= w * l3;
                        s[2] -= w * rx * i3;
                        continue;
                    }
                    let (l4, i4) = ltx[row.t_x as usize];
                    let a4 = ln_ratio - rx * l4;
                    // shares of the "alive at T" and "left after t_x" terms, and their log-sum
                    let e = (-(a3 - a4).abs()).exp();
                    let (p_hi, p_lo) = (1.0 / (1.0 + e), e / (1.0 + e));
                    let (p3, p4) = if a3 >= a4 { (p_hi, p_lo) } else { (p_lo, p_hi) };
                    s[0] += w * (a3.max(a4) + e.ln_1p());
                    s[1] -= w * (p3 * l3 + p4 * l4);
                    s[2] -= w * rx * (p3 * i3 + p4 * i4);
                    s[3] += w * p4;
                    s[4] += w * p4 * inv_bx;
                }
                s
            })
            .collect();
        let mut s = [0.0; 5];
        for p in parts {
            for k in 0..5 {
                s[k] += p[k];
            }
        }
        ll += s[0];
        let grad = [
            r * (g_r + s[1]),
            alpha * (g.customers * r / alpha + s[2]),
            a * (g_a + s[3] / a),
            b * (g_b - s[4]),
        ];
        (ll, grad)
    }

    /// Probability that a customer with this history is still active at the end of the period.
    pub fn p_alive(&self, x: u32, t_x: f64, t: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let xf = x as f64;
        let ln_odds = (self.a / (self.b + xf - 1.0)).ln()
            + (self.r + xf) * ((self.alpha + t) / (self.alpha + t_x)).ln();
        1.0 / (1.0 + ln_odds.exp())
    }

    /// Expected repeat purchases in the next `horizon` units; `None` when the series behind it
    /// does not converge or the value is not finite.
    pub fn expected_purchases(&self, x: u32, t_x: f64, t: f64, horizon: f64) -> Option<f64> {
        let BgNbd { r, alpha, a, b } = *self;
        let xf = x as f64;
        let z = horizon / (alpha + t + horizon);
        // Euler's transformation keeps the series' parameters small whatever the frequency:
        // 1 − ((α+T)/(α+T+h))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)
        //   = 1 − (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z)
        // (when the dropout distribution is nearly a point, a and b are huge and the direct
        // form converges where this one does not)
        let c = a + b + xf - 1.0;
        let euler = || Some(1.0 - (1.0 - z).powf(a - 1.0) * hyp2f1(c - r - xf, a - 1.0, c, z)?);
        let direct = || Some(1.0 - (1.0 - z).powf(r + xf) * hyp2f1(r + xf, b + xf, c, z)?);
        // the form whose terms start smaller first
        let second = if ((c - r - xf) * (a - 1.0)).abs() <= ((r + xf) * (b + xf)).abs() {
            euler().or_else(direct)?
        } else {
            direct().or_else(euler)?
        };
        let first = c / (a - 1.0);
        let denominator = 1.0
            + if x > 0 {
                1.0 / self.p_alive(x, t_x, t) - 1.0
            } else {
                0.0
            };
        let v = first * second / denominator;
        v.is_finite().then_some(v.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(x: u32, t_x: f64, t: f64) -> Grouped {
        Grouped::new(vec![Triple {
            x,
            t_x,
            t,
            count: 1.0,
        }])
    }

    /// The published CDNOW parameters.
    const P: BgNbd = BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn gradient_matches_finite_differences() {
        let g = Grouped::new(vec![
            Triple {
                x: 0,
                t_x: 0.0,
                t: 38.9,
                count: 3.0,
            },
            Triple {
                x: 2,
                t_x: 30.4,
                t: 38.9,
                count: 1.0,
            },
            Triple {
                x: 7,
                t_x: 12.0,
                t: 30.0,
                count: 2.0,
            },
        ]);
        let base = [P.r.ln(), P.alpha.ln(), P.a.ln(), P.b.ln()];
        let (_, grad) = BgNbd::from_log(&base).log_likelihood(&g);
        super::super::check_gradient(|p| BgNbd::from_log(p).log_likelihood(&g).0, &grad, &base);
    }

    #[test]
    fn values_agree_with_lifetimes_on_the_published_parameters() {
        // lifetimes 0.11.3, BetaGeoFitter with params r=0.243, α=4.414, a=0.793, b=2.426:
        // conditional_probability_alive(2, 30.43, 38.86) and
        // conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T)
        assert!((P.p_alive(2, 30.43, 38.86) - 0.726_578_57).abs() < 1e-8);
        assert_eq!(P.p_alive(0, 0.0, 38.86), 1.0);
        for (h, x, t_x, want) in [
            (39.0, 2, 30.43, 1.226_028_174_767_135),
            (39.0, 0, 0.0, 0.195_098_052_011_253_96),
            (52.0, 20, 30.43, 4.465_720_789_477_174),
        ] {
            let e = P.expected_purchases(x, t_x, 38.86, h).unwrap();
            assert!((e - want).abs() < 1e-9, "x={x}: {e} vs {want}");
        }
        // the single-customer likelihood, written out by hand for x = 0:
        // B(a, b)/B(a, b) · Γ(r)α^r / (Γ(r)(α+T)^r) = (α/(α+T))^r
        let (ll, _) = P.log_likelihood(&one(0, 0.0, 38.86));
        assert!((ll - P.r * (P.alpha / (P.alpha + 38.86)).ln()).abs() < 1e-12);
    }

    #[test]
    fn a_dropout_too_rare_to_measure_still_gives_expected_purchases() {
        // a, b → ∞ with a/(a+b) fixed: the series in a − 1 no longer converges, the direct one does
        let m = BgNbd {
            a: 5.8e6,
            b: 6.5e6,
            ..P
        };
        let e = m.expected_purchases(3, 20.0, 28.0, 52.0).unwrap();
        // both forms agree where both converge
        assert!(e.is_finite() && e > 0.0);
        let mild = BgNbd {
            a: 3.0,
            b: 4.0,
            ..P
        };
        let c = mild.a + mild.b + 3.0 - 1.0;
        let z = 52.0 / (mild.alpha + 28.0 + 52.0);
        let euler = 1.0
            - (1.0 - z).powf(mild.a - 1.0) * hyp2f1(c - mild.r - 3.0, mild.a - 1.0, c, z).unwrap();
        let direct =
            1.0 - (1.0 - z).powf(mild.r + 3.0) * hyp2f1(mild.r + 3.0, mild.b + 3.0, c, z).unwrap();
        assert!((euler - direct).abs() < 1e-12, "{euler} vs {direct}");
    }

    #[test]
    fn a_heavy_buyer_does_not_overflow() {
        let e = P.expected_purchases(900, 700.0, 710.0, 52.0).unwrap();
        assert!(e.is_finite() && e > 0.0);
        assert!(P.p_alive(900, 700.0, 710.0) > 0.0);
    }
}
