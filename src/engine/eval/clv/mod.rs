//! Predictive customer value: BG/NBD and Gamma-Gamma fitted on the purchase history, scored per customer.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod holdout;
mod optimize;
pub mod special;

use crate::engine::data::Cells;
use bgnbd::{BgNbd, Grouped, Triple};
use gamma_gamma::{GammaGamma, Spender, Spenders};

pub use crate::engine::rules::{ClvConfig, TimeUnit};

/// The fields the models add, in the order they are documented.
pub const MODEL_FIELDS: [&str; 3] = ["p_alive", "expected_purchases", "predicted_value"];
/// The model fields and their spend input.
pub const CLV_FIELDS: [&str; 4] = [
    "p_alive",
    "expected_purchases",
    "predicted_value",
    "repeat_avg_value",
];

/// Where each frequency's run starts and ends in rows sorted by frequency.
fn runs<T>(rows: &[T], x: impl Fn(&T) -> u32) -> Vec<(u32, std::ops::Range<usize>)> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || x(&rows[i]) != x(&rows[start]) {
            runs.push((x(&rows[start]), start..i));
            start = i;
        }
    }
    runs
}

/// Check an analytic gradient against central differences of `ll` around `base`.
#[cfg(test)]
fn check_gradient(ll: impl Fn(&[f64]) -> f64, grad: &[f64], base: &[f64]) {
    for k in 0..base.len() {
        let h = 1e-6;
        let (mut up, mut down) = (base.to_vec(), base.to_vec());
        up[k] += h;
        down[k] -= h;
        let num = (ll(&up) - ll(&down)) / (2.0 * h);
        assert!(
            (num - grad[k]).abs() < 1e-6,
            "parameter {k}: {num} vs {}",
            grad[k]
        );
    }
}

/// Fewest repeat buyers a model is fitted on.
pub const MIN_REPEAT_BUYERS: usize = 10;
/// A correlation between frequency and spend above this (in size) is worth a warning.
const STRONG_CORRELATION: f64 = 0.3;

pub use crate::engine::error::ClvError;

/// What the fit reads per customer, as derived from the orders (days; `None` without orders).
pub struct History<'a> {
    pub first: &'a Cells<i32>,
    pub last: &'a Cells<i32>,
    pub purchase_days: &'a Cells<i64>,
    pub repeat_avg_value: &'a Cells<f64>,
    /// The end of the period, as a day number.
    pub as_of: i32,
}

/// One customer's model inputs, in the model's time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    pub x: u32,
    pub t_x: f64,
    pub t: f64,
}

impl History<'_> {
    /// The inputs of customer `i`, `None` without orders up to `as_of`.
    pub fn inputs(&self, i: usize, unit: TimeUnit) -> Option<Inputs> {
        let (f, l, d) = (
            self.first.get(i)?,
            self.last.get(i)?,
            self.purchase_days.get(i)?,
        );
        if d < 1 || f > self.as_of {
            return None;
        }
        let k = unit.days();
        Some(Inputs {
            x: (d - 1) as u32,
            t_x: (l - f) as f64 / k,
            t: (self.as_of - f) as f64 / k,
        })
    }
}

/// The BG/NBD fit and its diagnostics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BgNbdFit {
    #[serde(flatten)]
    pub params: BgNbd,
    pub unit: TimeUnit,
    pub customers: usize,
    /// Distinct (frequency, recency, age) triples the likelihood was evaluated on.
    pub distinct_histories: usize,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u64,
    /// Said about the fit when two parameters grew large together.
    #[serde(skip)]
    pub note: Option<String>,
    /// Buyers who bought on one day only (p_alive is 1 for them, however long ago).
    #[serde(skip)]
    pub one_time: usize,
}

/// The Gamma-Gamma fit and its diagnostics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GammaGammaFit {
    #[serde(flatten)]
    pub params: GammaGamma,
    pub customers: usize,
    /// Customers with orders left out of the fit: without a repeat purchase, or whose repeat
    /// purchases are worth nothing or less.
    pub excluded: usize,
    pub excluded_no_repeat: usize,
    pub excluded_not_positive: usize,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u64,
    /// Between repeat purchases and their mean value (the model assumes none).
    pub correlation: Option<f64>,
    /// Said about the fit when two parameters grew large together.
    #[serde(skip)]
    pub note: Option<String>,
}

/// Both models fitted on one purchase history.
#[derive(Debug, Clone)]
pub struct ClvFit {
    pub config: ClvConfig,
    pub bgnbd: BgNbdFit,
    /// The spend model, or why it could not be fitted (then `predicted_value` is not available).
    pub gamma_gamma: Result<GammaGammaFit, ClvError>,
    pub warnings: Vec<String>,
}

/// The model fields per customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scored {
    pub p_alive: Vec<Option<f64>>,
    pub expected_purchases: Vec<Option<f64>>,
    pub predicted_value: Vec<Option<f64>>,
}

/// Group the customers' histories into distinct triples, counted (grouped in whole days).
fn triples(h: &History, unit: TimeUnit) -> Vec<Triple> {
    let mut counts: std::collections::HashMap<(u32, i32, i32), f64, foldhash::fast::RandomState> =
        Default::default();
    for i in 0..h.first.len() {
        if let Some(inp) = h.inputs(i, TimeUnit::Day) {
            *counts
                .entry((inp.x, inp.t_x as i32, inp.t as i32))
                .or_default() += 1.0;
        }
    }
    let k = unit.days();
    counts
        .into_iter()
        .map(|((x, tx, t), count)| Triple {
            x,
            t_x: tx as f64 / k,
            t: t as f64 / k,
            count,
        })
        .collect()
}

/// Check fitted log-parameters for one that ran away. Two parameters of a pair (`limit`) that
/// grow large together are not an error: the model tends to a simpler one (a dropout probability
/// the same for everyone; a spend scale the same for everyone) and that is said in `note`.
fn ran_away(
    model: &'static str,
    names: &[&'static str],
    p: &[f64],
    limit: (usize, usize, &str),
) -> Result<Option<String>, ClvError> {
    let (i, j, what) = limit;
    let together = p[i] > 9.0 && p[j] > 9.0;
    // shapes beyond a million (or below a millionth) say the data cannot pin them down; scales
    // (α, γ) follow the unit and the currency, so they may go further
    let bound = |name: &str| {
        if matches!(name, "alpha" | "gamma") {
            20.0
        } else {
            13.8
        }
    };
    let far = names
        .iter()
        .zip(p)
        .enumerate()
        .find(|(k, (name, v))| v.abs() > bound(name) && !(together && (*k == i || *k == j)));
    if let Some((_, (name, v))) = far {
        return Err(ClvError::Flat {
            model,
            param: name,
            value: v.exp(),
        });
    }
    Ok(together.then(|| {
        format!(
            "{model}: {} and {} grew very large together, so {what} hardly varies across \
             customers; the fit treats it as the same for everyone",
            names[i], names[j]
        )
    }))
}

/// Past this log-concentration the dropout hardly varies across customers (κ ≈ 8,100).
const RIDGE: f64 = 9.0;
/// Where the concentration is held when it runs off (κ ≈ 3.3 million).
const FAR: f64 = 15.0;

/// The optimiser moves BG/NBD's dropout as its mean m = a/(a+b) (as a logit) and its
/// concentration κ = a + b (as a logarithm): when the data cannot tell customers' dropouts apart,
/// κ grows without bound while m settles, and the likelihood flattens along κ instead of along a
/// ridge of a and b together, which the optimiser could not follow. These are the logarithms of
/// (r, α, a, b) at `th` = (ln r, ln α, logit m, ln κ).
fn log_params(th: &[f64]) -> [f64; 4] {
    // ln m and ln(1 − m) from the logit, without cancellation
    let ln_m = -(-th[2]).exp().ln_1p();
    let ln_1m = -th[2].exp().ln_1p();
    [th[0], th[1], ln_m + th[3], ln_1m + th[3]]
}

/// The gradient over (ln r, ln α, logit m, ln κ) from the one over (ln r, ln α, ln a, ln b).
fn theta_gradient(th: &[f64], g: [f64; 4]) -> [f64; 4] {
    let m = 1.0 / (1.0 + (-th[2]).exp());
    [g[0], g[1], g[2] * (1.0 - m) - g[3] * m, g[2] + g[3]]
}

/// A BG/NBD fit judged as the optimiser moved its parameters (`th`: ln r, ln α, logit m,
/// ln κ): rate and scale, then the dropout's mean, each refused when it ran off where the
/// likelihood is flat; the concentration far out is only a note (one dropout for everyone).
fn judge_bgnbd(th: &[f64]) -> Result<Option<String>, ClvError> {
    let flat = |param: &'static str, v: f64| ClvError::Flat {
        model: "BG/NBD",
        param,
        value: v,
    };
    if th[0].abs() > 13.8 {
        return Err(flat("r", th[0].exp()));
    }
    if th[1].abs() > 20.0 {
        return Err(flat("alpha", th[1].exp()));
    }
    if th[2].abs() > 13.8 {
        return Err(flat("a / (a + b)", 1.0 / (1.0 + (-th[2]).exp())));
    }
    if th[3] < -13.8 {
        return Err(flat("a + b", th[3].exp()));
    }
    Ok((th[3] > RIDGE).then(|| {
        "BG/NBD: a and b grew very large together, so the chance of leaving after a purchase \
         hardly varies across customers; the fit treats it as the same for everyone"
            .to_string()
    }))
}

/// Fit BG/NBD on the histories.
pub fn fit_bgnbd(h: &History, unit: TimeUnit) -> Result<BgNbdFit, ClvError> {
    let g = Grouped::new(triples(h, unit));
    if g.triples.is_empty() {
        return Err(ClvError::NoHistory);
    }
    let repeat = g
        .triples
        .iter()
        .filter(|t| t.x > 0)
        .map(|t| t.count)
        .sum::<f64>() as usize;
    if repeat < MIN_REPEAT_BUYERS {
        return Err(ClvError::TooFewRepeatBuyers {
            model: "BG/NBD",
            found: repeat,
            need: MIN_REPEAT_BUYERS,
        });
    }
    // start from rates of one purchase per mean age, and a dropout of one half
    let mean_t = g.triples.iter().map(|t| t.t * t.count).sum::<f64>() / g.customers;
    let start = [0.0, mean_t.max(1e-3).ln(), 0.0, 2f64.ln()];
    let ll = |th: &[f64]| {
        let (v, gr) = BgNbd::from_log(&log_params(th)).log_likelihood(&g);
        (v, theta_gradient(th, gr).to_vec())
    };
    let mut o = optimize::lbfgs_only(&ll, g.customers, &start);
    if !o.converged && o.params[3] > RIDGE {
        // customers' dropouts cannot be told apart: the concentration runs off, and the
        // likelihood is flat along it. Fit the limit (one dropout for everyone) with the
        // concentration held far out, where it makes no difference.
        let k = FAR;
        let limit = |th: &[f64]| {
            let (v, gr) = ll(&[th[0], th[1], th[2], k]);
            (v, gr[..3].to_vec())
        };
        let l = optimize::maximise(&limit, g.customers, &o.params[..3]);
        o = optimize::Optimum {
            params: vec![l.params[0], l.params[1], l.params[2], k],
            log_likelihood: l.log_likelihood,
            converged: l.converged,
            iterations: o.iterations + l.iterations,
        };
    } else if !o.converged {
        o = optimize::polish(&ll, g.customers, &o);
    }
    let th = o.params.clone();
    let note = judge_bgnbd(&th)?;
    o.params = log_params(&th).to_vec();
    Ok(BgNbdFit {
        params: BgNbd::from_log(&o.params),
        unit,
        customers: g.customers as usize,
        distinct_histories: g.triples.len(),
        log_likelihood: o.log_likelihood,
        converged: o.converged,
        iterations: o.iterations,
        note,
        one_time: g
            .triples
            .iter()
            .filter(|t| t.x == 0)
            .map(|t| t.count)
            .sum::<f64>() as usize,
    })
}

/// Fit Gamma-Gamma on the customers with a repeat purchase of positive mean value.
pub fn fit_gamma_gamma(h: &History) -> Result<GammaGammaFit, ClvError> {
    let (mut rows, mut no_repeat, mut not_positive) = (Vec::new(), 0, 0);
    for i in 0..h.first.len() {
        let Some(inp) = h.inputs(i, TimeUnit::Day) else {
            continue;
        };
        match h.repeat_avg_value.get(i) {
            _ if inp.x == 0 => no_repeat += 1,
            Some(m) if m > 0.0 && m.is_finite() => rows.push(Spender { x: inp.x, mean: m }),
            _ => not_positive += 1,
        }
    }
    if rows.len() < MIN_REPEAT_BUYERS {
        return Err(if not_positive > 0 {
            ClvError::TooFewSpenders {
                found: rows.len(),
                repeat: rows.len() + not_positive,
                need: MIN_REPEAT_BUYERS,
            }
        } else {
            ClvError::TooFewRepeatBuyers {
                model: "Gamma-Gamma",
                found: rows.len(),
                need: MIN_REPEAT_BUYERS,
            }
        });
    }
    let s = Spenders::new(rows);
    let mean = s.mean_spend();
    let start = [0.0, 0.0, mean.max(1e-3).ln()];
    let ll = |p: &[f64]| {
        let (v, gr) = GammaGamma::from_log(p).log_likelihood(&s);
        (v, gr.to_vec())
    };
    let o = optimize::maximise(&ll, s.len() as f64, &start);
    let note = ran_away(
        "Gamma-Gamma",
        &["p", "q", "gamma"],
        &o.params,
        (1, 2, "the spend scale"),
    )?;
    Ok(GammaGammaFit {
        params: GammaGamma::from_log(&o.params),
        customers: s.len(),
        excluded: no_repeat + not_positive,
        excluded_no_repeat: no_repeat,
        excluded_not_positive: not_positive,
        log_likelihood: o.log_likelihood,
        converged: o.converged,
        iterations: o.iterations,
        correlation: s.correlation(),
        note,
    })
}

/// Fit both models; the spend model's failure is kept (and warned about), not raised.
pub fn fit(h: &History, config: &ClvConfig) -> Result<ClvFit, ClvError> {
    let bgnbd = fit_bgnbd(h, config.unit)?;
    let gamma_gamma = fit_gamma_gamma(h);
    let mut warnings: Vec<String> = bgnbd.note.iter().cloned().collect();
    if let Ok(Some(n)) = gamma_gamma.as_ref().map(|g| g.note.clone()) {
        warnings.push(n);
    }
    if !bgnbd.converged {
        warnings.push(
            "the BG/NBD fit stopped before it converged; its parameters may be rough".to_string(),
        );
    }
    let once = bgnbd.one_time;
    if once > 0 {
        warnings.push(format!(
            "{} buyers bought on one day only: BG/NBD gives them p_alive = 1 however long ago \
             that was (the model lets customers leave only after a repeat purchase); use \
             recency_days for them",
            crate::engine::format::thousands(once as u64)
        ));
    }
    match &gamma_gamma {
        Ok(gg) => {
            if !gg.converged {
                warnings.push(
                    "the Gamma-Gamma fit stopped before it converged; its parameters may be rough"
                        .into(),
                );
            }
            if let Some(c) = gg.correlation.filter(|c| c.abs() >= STRONG_CORRELATION) {
                warnings.push(format!(
                    "repeat purchases and their mean value are correlated ({c:.2}); the \
                     Gamma-Gamma model assumes they are independent, so predicted_value is biased"
                ));
            }
            if gg.params.q <= 1.0 {
                warnings.push(format!(
                    "the spend model's q is {:.3} (≤ 1): spend per purchase has no finite mean, \
                     so predicted_value is empty",
                    gg.params.q
                ));
            }
        }
        Err(e) => warnings.push(format!("predicted_value is empty: {e}")),
    }
    Ok(ClvFit {
        config: config.clone(),
        bgnbd,
        gamma_gamma,
        warnings,
    })
}

impl ClvFit {
    /// The model fields of every customer (`None` without orders, or where a value is undefined).
    pub fn score(&self, h: &History) -> Scored {
        use rayon::prelude::*;
        let unit = self.config.unit;
        let m = self.bgnbd.params;
        let gg = self.gamma_gamma.as_ref().ok().map(|g| g.params);
        let n = h.first.len();
        let inputs: Vec<Option<Inputs>> = (0..n).map(|i| h.inputs(i, TimeUnit::Day)).collect();
        // the expected purchases are a series per customer: summed once per distinct history,
        // the histories shared out over the cores
        let mut keys: Vec<(u32, i32, i32)> = inputs
            .iter()
            .flatten()
            .map(|d| (d.x, d.t_x as i32, d.t as i32))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let k = unit.days();
        let expected: Vec<Option<f64>> = keys
            .par_iter()
            .map(|&(x, tx, t)| {
                m.expected_purchases(x, tx as f64 / k, t as f64 / k, self.config.horizon)
            })
            .collect();
        let mut out = Scored {
            p_alive: Vec::with_capacity(n),
            expected_purchases: Vec::with_capacity(n),
            predicted_value: Vec::with_capacity(n),
        };
        for (i, days) in inputs.iter().enumerate() {
            let Some(d) = days else {
                out.p_alive.push(None);
                out.expected_purchases.push(None);
                out.predicted_value.push(None);
                continue;
            };
            let e = keys
                .binary_search(&(d.x, d.t_x as i32, d.t as i32))
                .ok()
                .and_then(|j| expected[j]);
            out.p_alive.push(Some(m.p_alive(d.x, d.t_x / k, d.t / k)));
            out.expected_purchases.push(e);
            let spend = gg.and_then(|g| g.expected_spend(d.x, h.repeat_avg_value.get(i)));
            out.predicted_value.push(e.zip(spend).map(|(e, s)| e * s));
        }
        out
    }
}

#[cfg(test)]
mod tests;
