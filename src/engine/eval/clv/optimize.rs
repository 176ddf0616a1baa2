//! Maximum likelihood over log-parameters with argmin's L-BFGS, falling back to Nelder-Mead.

use argmin::core::{CostFunction, Error, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::neldermead::NelderMead;
use argmin::solver::quasinewton::LBFGS;

/// The outcome of a fit: the best log-parameters, the log-likelihood there, and whether the
/// optimiser stopped because it converged.
#[derive(Debug, Clone)]
pub struct Optimum {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u64,
}

/// A point, and the cost and gradient there.
type Evaluated = (Vec<f64>, f64, Vec<f64>);

/// A log-likelihood in log-parameters, with its gradient; minimised as −LL / n. The optimiser
/// asks for the cost and the gradient at a point separately: both come from one evaluation, kept.
struct Problem<'a, F: Fn(&[f64]) -> (f64, Vec<f64>)> {
    ll: &'a F,
    n: f64,
    last: std::sync::Mutex<Option<Evaluated>>,
}

/// Parameters stay within e^±30: beyond that the likelihood is flat (a parameter runs away).
const BOUND: f64 = 30.0;

impl<F: Fn(&[f64]) -> (f64, Vec<f64>)> Problem<'_, F> {
    fn eval(&self, p: &[f64]) -> (f64, Vec<f64>) {
        if let Ok(last) = self.last.lock()
            && let Some((at, c, g)) = last.as_ref()
            && at.as_slice() == p
        {
            return (*c, g.clone());
        }
        let r = self.compute(p);
        if let Ok(mut last) = self.last.lock() {
            *last = Some((p.to_vec(), r.0, r.1.clone()));
        }
        r
    }

    fn compute(&self, p: &[f64]) -> (f64, Vec<f64>) {
        if p.iter().any(|v| !v.is_finite() || v.abs() > BOUND) {
            return (f64::INFINITY, vec![0.0; p.len()]);
        }
        let (ll, g) = (self.ll)(p);
        if !ll.is_finite() {
            return (f64::INFINITY, vec![0.0; p.len()]);
        }
        (-ll / self.n, g.iter().map(|v| -v / self.n).collect())
    }
}

impl<F: Fn(&[f64]) -> (f64, Vec<f64>)> CostFunction for Problem<'_, F> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Self::Param) -> Result<f64, Error> {
        Ok(self.eval(p).0)
    }
}

impl<F: Fn(&[f64]) -> (f64, Vec<f64>)> Gradient for Problem<'_, F> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Self::Param) -> Result<Vec<f64>, Error> {
        Ok(self.eval(p).1)
    }
}

/// The best point a run found (its start when none), whether it converged, its iterations.
fn outcome<S: State<Param = Vec<f64>>>(st: &S, start: &[f64]) -> (Vec<f64>, bool, u64) {
    let best = st
        .get_best_param()
        .cloned()
        .unwrap_or_else(|| start.to_vec());
    let converged = matches!(
        st.get_termination_reason(),
        Some(TerminationReason::SolverConverged)
    );
    (best, converged, st.get_iter())
}

fn lbfgs<F: Fn(&[f64]) -> (f64, Vec<f64>)>(
    problem: Problem<'_, F>,
    start: &[f64],
) -> Result<(Vec<f64>, bool, u64), Error> {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-8)?
        .with_tolerance_cost(1e-12)?;
    let res = Executor::new(problem, solver)
        .configure(|s| s.param(start.to_vec()).max_iters(500))
        .run()?;
    Ok(outcome(res.state(), start))
}

fn nelder_mead<F: Fn(&[f64]) -> (f64, Vec<f64>)>(
    problem: Problem<'_, F>,
    start: &[f64],
) -> Result<(Vec<f64>, bool, u64), Error> {
    let mut simplex = vec![start.to_vec()];
    for k in 0..start.len() {
        let mut v = start.to_vec();
        v[k] += 0.5;
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex).with_sd_tolerance(1e-12)?;
    let res = Executor::new(problem, solver)
        .configure(|s| s.max_iters(1500))
        .run()?;
    Ok(outcome(res.state(), start))
}

/// Maximise `ll` (log-likelihood and gradient in log-parameters) over `n` customers from `start`.
pub fn maximise<F: Fn(&[f64]) -> (f64, Vec<f64>)>(ll: &F, n: f64, start: &[f64]) -> Optimum {
    let first = lbfgs_only(ll, n, start);
    if first.converged {
        return first;
    }
    polish(ll, n, &first)
}

/// L-BFGS alone: where it stopped, and whether it converged.
pub fn lbfgs_only<F: Fn(&[f64]) -> (f64, Vec<f64>)>(ll: &F, n: f64, start: &[f64]) -> Optimum {
    match lbfgs(problem(ll, n), start) {
        Ok((p, c, i)) => finish(ll, p, c, i),
        Err(_) => finish(ll, start.to_vec(), false, 0),
    }
}

/// The simplex from where L-BFGS stopped (its line search gave up, or its iterations ran out).
pub fn polish<F: Fn(&[f64]) -> (f64, Vec<f64>)>(ll: &F, n: f64, from: &Optimum) -> Optimum {
    match nelder_mead(problem(ll, n), &from.params) {
        Ok((q, c, j)) => finish(ll, q, c, from.iterations + j),
        Err(_) => from.clone(),
    }
}

fn problem<F: Fn(&[f64]) -> (f64, Vec<f64>)>(ll: &F, n: f64) -> Problem<'_, F> {
    Problem {
        ll,
        n,
        last: std::sync::Mutex::new(None),
    }
}

fn finish<F: Fn(&[f64]) -> (f64, Vec<f64>)>(
    ll: &F,
    params: Vec<f64>,
    converged: bool,
    iterations: u64,
) -> Optimum {
    let log_likelihood = ll(&params).0;
    Optimum {
        params,
        log_likelihood,
        converged,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_maximum_of_a_smooth_function() {
        // −(x−1)² − 2(y+0.5)²
        let f = |p: &[f64]| {
            let (x, y) = (p[0], p[1]);
            (
                -(x - 1.0).powi(2) - 2.0 * (y + 0.5).powi(2),
                vec![-2.0 * (x - 1.0), -4.0 * (y + 0.5)],
            )
        };
        let o = maximise(&f, 1.0, &[0.0, 0.0]);
        assert!(o.converged);
        assert!((o.params[0] - 1.0).abs() < 1e-6 && (o.params[1] + 0.5).abs() < 1e-6);
        assert!(o.log_likelihood.abs() < 1e-10);
    }
}
