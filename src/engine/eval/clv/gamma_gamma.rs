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

/// The spenders sorted by frequency, with where each frequency's run starts.
pub struct Spenders {
    rows: Vec<Spender>,
    runs: Vec<(u32, std::ops::Range<usize>)>,
}

impl Spenders {
    pub fn new(mut rows: Vec<Spender>) -> Spenders {
        rows.sort_by(|a, b| {
            (a.x, a.mean)
                .partial_cmp(&(b.x, b.mean))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut runs = Vec::new();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].x != rows[start].x {
                runs.push((rows[start].x, start..i));
                start = i;
            }
        }
        Spenders { rows, runs }
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
        let (mut ll, mut grad) = (0.0, [0.0; 3]);
        for (x, range) in &s.runs {
            let xf = *x as f64;
            let px = p * xf;
            let (lg_pxq, lg_px) = (ln_gamma(px + q), ln_gamma(px));
            let (dg_pxq, dg_px) = (digamma(px + q), digamma(px));
            let parts: Vec<[f64; 5]> = s.rows[range.clone()]
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut a = [0.0; 5];
                    for r in chunk {
                        let (ln_m, ln_d) = (r.mean.ln(), (gamma + r.mean * xf).ln());
                        a[0] += (px - 1.0) * ln_m + px * xf.ln() - (px + q) * ln_d;
                        a[1] += xf * (ln_m + xf.ln() - ln_d);
                        a[2] += ln_d;
                        a[3] += 1.0 / (gamma + r.mean * xf);
                        a[4] += 1.0;
                    }
                    a
                })
                .collect();
            let mut a = [0.0; 5];
            for part in parts {
                for k in 0..5 {
                    a[k] += part[k];
                }
            }
            let n = a[4];
            ll += n * (lg_pxq - lg_px - lg_q + q * ln_g) + a[0];
            grad[0] += p * (n * xf * (dg_pxq - dg_px) + a[1]);
            grad[1] += q * (n * (dg_pxq - dg_q + ln_g) - a[2]);
            grad[2] += gamma * (n * q / gamma - (px + q) * a[3]);
        }
        (ll, grad)
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
        for k in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (base, base);
            up[k] += h;
            down[k] -= h;
            let num = (GammaGamma::from_log(&up).log_likelihood(&s).0
                - GammaGamma::from_log(&down).log_likelihood(&s).0)
                / (2.0 * h);
            assert!(
                (num - grad[k]).abs() < 1e-6,
                "parameter {k}: {num} vs {}",
                grad[k]
            );
        }
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
