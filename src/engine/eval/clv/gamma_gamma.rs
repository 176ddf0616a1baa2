//! The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013): likelihood and expected spend.

use rayon::prelude::*;
use statrs::function::gamma::{digamma, ln_gamma};

/// Gamma-Gamma parameters: spend per transaction Gamma(p, ν), ν ~ Gamma(q, γ).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// One repeat buyer: repeat purchases and the mean value of those purchase days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spender {
    pub x: u32,
    pub mean: f64,
}

/// A spender as the likelihood reads it, with the logarithms that never change.
#[derive(Debug, Clone, Copy)]
struct Row {
    x: u32,
    mean: f64,
    ln_mean: f64,
    ln_x: f64,
}

/// The spenders sorted by frequency, with where each frequency's run starts.
pub struct Spenders {
    rows: Vec<Row>,
    runs: Vec<(u32, std::ops::Range<usize>)>,
    /// Spenders per run.
    counts: Vec<f64>,
}

impl Spenders {
    pub fn new(mut rows: Vec<Spender>) -> Spenders {
        rows.sort_by(|a, b| {
            (a.x, a.mean)
                .partial_cmp(&(b.x, b.mean))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let runs = super::runs(&rows, |r| r.x);
        let counts = runs.iter().map(|(_, r)| r.len() as f64).collect();
        let rows = rows
            .into_iter()
            .map(|s| Row {
                x: s.x,
                mean: s.mean,
                ln_mean: s.mean.ln(),
                ln_x: (s.x as f64).ln(),
            })
            .collect();
        Spenders { rows, runs, counts }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The mean of the spenders' mean values.
    pub fn mean_spend(&self) -> f64 {
        self.rows.iter().map(|r| r.mean).sum::<f64>() / self.rows.len().max(1) as f64
    }

    /// Pearson correlation between frequency and mean spend (the model assumes none).
    pub fn correlation(&self) -> Option<f64> {
        let n = self.rows.len() as f64;
        let (mx, mm) = self
            .rows
            .iter()
            .fold((0.0, 0.0), |s, r| (s.0 + r.x as f64 / n, s.1 + r.mean / n));
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for r in &self.rows {
            let (dx, dy) = (r.x as f64 - mx, r.mean - mm);
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        let c = sxy / (sxx * syy).sqrt();
        c.is_finite().then_some(c)
    }
}

const CHUNK: usize = 4096;

impl GammaGamma {
    pub fn from_log(v: &[f64]) -> GammaGamma {
        GammaGamma {
            p: v[0].exp(),
            q: v[1].exp(),
            gamma: v[2].exp(),
        }
    }

    /// Log-likelihood of the spenders and its gradient with respect to ln p, ln q, ln γ.
    pub fn log_likelihood(&self, s: &Spenders) -> (f64, [f64; 3]) {
        let GammaGamma { p, q, gamma } = *self;
        let (lg_q, dg_q, ln_g) = (ln_gamma(q), digamma(q), gamma.ln());
        // the terms of the frequency alone, once per frequency
        let (mut ll, mut g_p, mut g_q) = (0.0, 0.0, 0.0);
        for (k, (x, _)) in s.runs.iter().enumerate() {
            let (xf, n) = (*x as f64, s.counts[k]);
            let px = p * xf;
            let (dg_pxq, dg_px) = (digamma(px + q), digamma(px));
            ll += n * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g);
            g_p += n * xf * (dg_pxq - dg_px);
            g_q += n * (dg_pxq - dg_q + ln_g);
        }
        // each spender: ln m and ln x are fixed, only ln(γ + m x) changes
        let parts: Vec<[f64; 4]> = s
            .rows
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut a = [0.0; 4];
                for r in chunk {
                    let xf = r.x as f64;
                    let px = p * xf;
                    let d = gamma + r.mean * xf;
                    let ln_d = d.ln();
                    a[0] += (px - 1.0) * r.ln_mean + px * r.ln_x - (px + q) * ln_d;
                    a[1] += xf * (r.ln_mean + r.ln_x - ln_d);
                    a[2] += ln_d;
                    a[3] += (px + q) / d;
                }
                a
            })
            .collect();
        let mut a = [0.0; 4];
        for part in parts {
            for k in 0..4 {
                a[k] += part[k];
            }
        }
        ll += a[0];
        let n = s.rows.len() as f64;
        (
            ll,
            [
                p * (g_p + a[1]),
                q * (g_q - a[2]),
                gamma * (n * q / gamma - a[3]),
            ],
        )
    }

    /// Expected spend per purchase of a customer with `x` repeat purchases of mean value `mean`
    /// (the population mean for a customer without repeat purchases); `None` when q ≤ 1, where
    /// the model has no finite mean.
    pub fn expected_spend(&self, x: u32, mean: Option<f64>) -> Option<f64> {
        if self.q <= 1.0 {
            return None;
        }
        let xf = x as f64;
        // a repeat spend worth nothing or less counts as zero: the population's prior lifts it
        let m = if x > 0 { mean?.max(0.0) } else { 0.0 };
        let v = self.p * (self.gamma + m * xf) / (self.p * xf + self.q - 1.0);
        v.is_finite().then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: GammaGamma = GammaGamma {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };

    #[test]
    fn gradient_matches_finite_differences() {
        let s = Spenders::new(vec![
            Spender { x: 1, mean: 11.77 },
            Spender { x: 2, mean: 22.35 },
            Spender { x: 2, mean: 40.0 },
            Spender { x: 9, mean: 35.5 },
        ]);
        let base = [P.p.ln(), P.q.ln(), P.gamma.ln()];
        let (_, grad) = GammaGamma::from_log(&base).log_likelihood(&s);
        super::super::check_gradient(
            |p| GammaGamma::from_log(p).log_likelihood(&s).0,
            &grad,
            &base,
        );
    }

    #[test]
    fn expected_spend_weighs_the_customer_against_the_population() {
        // (p(γ + m x)) / (p x + q − 1), by hand
        let e = P.expected_spend(2, Some(22.35)).unwrap();
        let want = 6.25 * (15.44 + 22.35 * 2.0) / (6.25 * 2.0 + 3.74 - 1.0);
        assert!((e - want).abs() < 1e-12);
        // no repeat purchases: the population mean p γ / (q − 1)
        let pop = P.expected_spend(0, None).unwrap();
        assert!((pop - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        let heavy_tail = GammaGamma { q: 0.9, ..P };
        assert_eq!(heavy_tail.expected_spend(2, Some(10.0)), None);
    }
}
