//! The evaluation session: loads and derives once, then re-evaluates one criterion at a time.

use std::collections::HashMap;

use super::assemble::PreparedOrders;
pub use super::cache::Cache;
use super::criteria::{Assignment, RuleError, assign, compile_criterion};
use super::expr::{compile, eval_bool, eval_shared};
use super::frame::{Cells, Frame, Vector};
use super::purchase::{OrderCols, derive};
use super::scores::{ScoreInfo, add_scores};
pub use super::tables::{Frames, PolarsTables};
use super::valuation::{Measures, Pareto, SegmentValue, pareto, value_segments};
use crate::engine::error::{Diagnostic, EngineError, Result};
use crate::engine::rules::condition::{ConditionError, parse_condition};
use crate::engine::rules::{Criterion, MeasureKind, PurchaseConfig, Spanned, Workspace};
pub use crate::engine::timing::Timing;
pub use staged::{Late, LateRead, STAGED_FROM_BYTES};

mod alarm;
mod open;
mod staged;
mod wizard;

/// One criterion's evaluated state.
#[derive(Debug, Clone)]
pub struct CriterionResult {
    pub assignment: Assignment,
    pub valuation: Vec<SegmentValue>,
    /// Customers per segment name before the latest change (for +312 / −40).
    pub previous: HashMap<String, usize>,
}

/// A workspace evaluated over its data.
pub struct Session {
    pub ws: Workspace,
    /// One row per customer in customer-id order: attributes, purchase fields, scores.
    pub base: Frame,
    /// Customer ids, same order.
    pub ids: std::sync::Arc<Vector>,
    pub as_of: Option<i32>,
    /// The kept order rows, to derive purchase fields again when their settings change.
    pub(super) orders: Option<PreparedOrders>,
    /// The type of every column of the orders (for the SQL writer).
    order_types: HashMap<String, super::frame::DType>,
    /// The order rows were let go after deriving (a one-shot evaluation).
    pub(super) orders_released: bool,
    /// Purchase fields left out because nothing asked for them (see [`Frames::pruned`]).
    pruned: Vec<String>,
    /// Fields asked for besides those the rules name (`--with`).
    pub(super) requested: Vec<String>,
    /// The predictive-value models, once something asked for their fields.
    pub clv: Option<super::clv::ClvFit>,
    /// How many times the models were fitted (a rule edit never refits).
    pub clv_fits: usize,
    /// Why the models could not be fitted with these settings (the wizard goes on without them).
    pub clv_failed: Option<(crate::engine::rules::ClvConfig, String)>,
    /// Model failures leave the fields empty instead of failing (the wizard).
    pub(super) lenient: bool,
    pub scores: Vec<ScoreInfo>,
    pub warnings: Vec<String>,
    /// Per file with bad values read as missing or bad rows left out: what was found.
    pub quality: Vec<crate::engine::data::quality::FileQuality>,
    /// The first this many warnings are about the cache, not the data.
    cache_notes: usize,
    /// Each customer's value (shared with the wizard's List, never copied).
    pub value: std::sync::Arc<Cells<f64>>,
    pub cost: Option<Cells<f64>>,
    pub measures: Vec<(String, MeasureKind, Cells<f64>)>,
    pub pareto: Pareto,
    /// Rows by value, largest first ([`super::valuation::value_order`]), for the wizard's List:
    /// kept when the session is the wizard's (its 80/20 figures come from it, so the values are
    /// sorted once). Before the values are evaluated it may hold the rows the cache kept: a
    /// hint, used only once checked (see `pareto_figures`).
    pub value_order: Option<std::sync::Arc<Vec<usize>>>,
    pub results: Vec<CriterionResult>,
    /// The wizard's cache entries being written after its first frame (see
    /// [`Session::wait_for_cache`]).
    pub(super) writing: Option<std::thread::JoinHandle<()>>,
    /// What the wizard's first stage left for the second (see [`Session::take_late`]).
    late: Option<staged::Late>,
}

impl Session {
    /// Wait until the cache entries of the wizard's open are written (the next open of the
    /// same workspace finds them then).
    pub fn wait_for_cache(&mut self) {
        if let Some(h) = self.writing.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.wait_for_cache();
    }
}

/// The purchase-history settings of `a` and `b` differ (the purchase fields are derived again).
fn purchase_changed(a: &Workspace, b: &Workspace) -> bool {
    serde_json::to_string(&a.purchase_history).ok()
        != serde_json::to_string(&b.purchase_history).ok()
}

/// The window fields (`orders_Nd`, `revenue_Nd`) of `old` that `new` no longer has.
fn stale_windows(old: &Workspace, new: &Workspace) -> Vec<String> {
    let fields = |w: &Workspace| -> Vec<String> {
        w.purchase_history
            .windows
            .iter()
            .flat_map(|d| [format!("orders_{d}d"), format!("revenue_{d}d")])
            .collect()
    };
    let now = fields(new);
    fields(old)
        .into_iter()
        .filter(|f| !now.contains(f))
        .collect()
}

/// Let `what` go on a thread of its own (when no thread can be made, it goes with the error).
fn let_go(what: impl Send + 'static) {
    let _ = std::thread::Builder::new()
        .name("letting go of order rows".into())
        .spawn(move || drop(what));
}

/// Why purchase settings cannot change on a session without its order rows.
fn orders_gone() -> EngineError {
    EngineError::Invalid(
        "this evaluation let its order rows go: open the workspace again to change the purchase-history settings".into(),
    )
}

/// What becomes of the order rows once the purchase fields are derived.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum AfterDerive {
    /// Kept, to derive the fields again when the purchase settings change.
    Keep,
    /// Let go (a one-shot run).
    Release,
    /// Let go but each kept row's customer and row: what the wizard's second stage needs to
    /// derive the fields the first left out.
    KeepMatching,
}

impl Session {
    /// Purchase-history fields and scores from the kept order rows (nothing without orders).
    fn derive_purchase(&mut self) {
        self.derive_fields(AfterDerive::Keep);
    }

    /// The purchase fields, then the scores; then the order rows are kept or let go as `after`
    /// says (let go on a thread of their own, while the scores are computed).
    fn derive_fields(&mut self, after: AfterDerive) {
        let Some(o) = &self.orders else { return };
        let t = Timing::new();
        let get =
            |k: &Option<Spanned<String>>| k.as_ref().and_then(|c| o.frame.get(c)).map(|a| &**a);
        let c = &self.ws.columns;
        let cols = OrderCols {
            cust: &o.cust,
            order_key: get(&c.order_id),
            day: o.day(),
            amount: o.amount(),
            product: get(&c.product),
            category: get(&c.category),
            channel: get(&c.channel),
            discount: get(&c.discount),
            rows: &o.kept,
        };
        derive(
            &mut self.base,
            &cols,
            self.as_of.unwrap_or(0),
            &self.ws.purchase_history.windows,
            &self.pruned,
        );
        t.mark("  fields");
        match after {
            AfterDerive::Keep => {}
            AfterDerive::Release => {
                // letting go of the order rows (hundreds of megabytes at millions of rows) is
                // work of its own: done beside the scores rather than before them
                if let Some(o) = self.orders.take() {
                    let_go(o);
                }
                self.orders_released = true;
            }
            AfterDerive::KeepMatching => {
                if let Some(o) = &mut self.orders {
                    let_go(o.matching_only());
                }
                self.orders_released = true;
            }
        }
        self.scores = add_scores(
            &mut self.base,
            self.ws.purchase_history.rfm_bins,
            self.ws.purchase_history.rfm_method,
        );
    }

    /// Change the purchase-history settings: fields and scores are derived again, then the value
    /// measures and every criterion (their counts before the change are kept for display).
    pub fn set_purchase(&mut self, cfg: PurchaseConfig) -> Result<()> {
        if self.orders_released {
            return Err(orders_gone());
        }
        let refit = self.ws.purchase_history.clv != cfg.clv;
        self.ws.purchase_history = cfg;
        self.derive_purchase();
        if refit && self.clv.is_some() {
            self.fit_clv()?;
        }
        self.compute_measures()?;
        for i in 0..self.ws.criteria.len() {
            let c = self.ws.criteria[i].clone();
            self.update_criterion(i, c)?;
        }
        Ok(())
    }

    fn numeric(&self, text: &Spanned<String>, key: &str) -> Result<Cells<f64>> {
        let e = parse_condition(text)
            .and_then(|e| compile(&e, &|n| self.base.dtype_of(n), &self.base.names))
            .map_err(|e| crate::engine::rules::condition_error(&self.ws, text, key, &e))?;
        if e.1.is_some_and(|t| !t.is_numeric()) {
            let ce = ConditionError {
                message: format!(
                    "{key} must be a number, but this is {}",
                    e.1.map_or("", |t| t.name())
                ),
                pos: Some(1),
                hint: None,
            };
            return Err(crate::engine::rules::condition_error(
                &self.ws, text, key, &ce,
            ));
        }
        Ok(eval_shared(&e.0, &self.base).numbers())
    }

    /// Each customer's value, cost and measures, and the 80/20 figures from them.
    fn compute_measures(&mut self) -> Result<()> {
        self.compute_values()?;
        (self.pareto, self.value_order) = self.pareto_figures();
        Ok(())
    }

    /// Each customer's value, cost and measures (the 80/20 figures are left as they were: see
    /// [`Session::pareto_figures`]).
    fn compute_values(&mut self) -> Result<()> {
        let timing = crate::engine::timing::Timing::new();
        let n = self.base.len;
        self.value = std::sync::Arc::new(match self.ws.valuation.value.clone() {
            Some(v) => self.numeric(&v, "valuation.value")?,
            None if self.base.get("revenue").is_some() => {
                self.numeric(&Spanned::bare("revenue".into()), "valuation.value")?
            }
            None => Cells::filled(1.0, n),
        });
        self.cost = match self.ws.valuation.cost.clone() {
            Some(c) => Some(self.numeric(&c, "valuation.cost")?),
            None => None,
        };
        timing.mark("  value and cost");
        let mut ms = Vec::new();
        for m in self.ws.valuation.measures.clone() {
            let key = format!("valuation.measures.{}", m.name);
            let vals = match m.kind {
                MeasureKind::Share => {
                    let e = parse_condition(&m.expr)
                        .and_then(|e| compile(&e, &|x| self.base.dtype_of(x), &self.base.names))
                        .map_err(|e| {
                            crate::engine::rules::condition_error(&self.ws, &m.expr, &key, &e)
                        })?;
                    // 1 where the condition holds, else 0 (a missing answer too)
                    use rayon::prelude::*;
                    let b = eval_bool(&e.0, &self.base);
                    Cells::from_values(
                        (0..b.len())
                            .into_par_iter()
                            .with_min_len(1 << 14)
                            .map(|i| if b.get(i) == Some(true) { 1.0 } else { 0.0 })
                            .collect(),
                    )
                }
                _ => self.numeric(&m.expr, &key)?,
            };
            ms.push((m.name.clone(), m.kind, vals));
        }
        self.measures = ms;
        timing.mark("  measures");
        Ok(())
    }

    /// The 80/20 figures of the values, and for the wizard the rows by value they come from
    /// (its List shows them, so the values are sorted once). Rows by value already held (kept
    /// by the cache, or from before the values were evaluated again) are used when they still
    /// are the values' order, instead of sorting again.
    fn pareto_figures(&self) -> (Pareto, Option<std::sync::Arc<Vec<usize>>>) {
        if let Some(order) = &self.value_order
            && super::valuation::is_value_order(&self.value, order)
        {
            let p = super::valuation::pareto_in_order(&self.value, order);
            return (p, self.lenient.then(|| std::sync::Arc::clone(order)));
        }
        if self.lenient {
            let order = super::valuation::value_order(&self.value);
            let p = super::valuation::pareto_in_order(&self.value, &order);
            (p, Some(std::sync::Arc::new(order)))
        } else {
            (pareto(&self.value), None)
        }
    }

    /// Compile, assign and value one criterion (nothing else is recomputed).
    pub fn evaluate_criterion(&self, c: &Criterion) -> Result<CriterionResult> {
        let compiled = compile_criterion(c, &self.base).map_err(|e| self.rule_error(c, &e))?;
        let assignment = assign(&compiled, &self.base);
        let valuation = value_segments(
            &assignment,
            &Measures {
                value: &self.value,
                cost: self.cost.as_ref(),
                extra: &self.measures,
            },
            &self.ws.valuation,
        );
        Ok(CriterionResult {
            assignment,
            valuation,
            previous: HashMap::new(),
        })
    }

    fn rule_error(&self, c: &Criterion, e: &RuleError) -> EngineError {
        let key = format!("criteria.{}", c.name.value);
        match (e.segment, &c.rule) {
            (Some(i), crate::engine::rules::Rule::Segments(s)) => {
                crate::engine::rules::condition_error(
                    &self.ws,
                    &s[i].when,
                    &format!("{key}.segments[{i}].when"),
                    &e.error,
                )
            }
            (
                _,
                crate::engine::rules::Rule::Bins {
                    column, expr: true, ..
                },
            ) => crate::engine::rules::condition_error(
                &self.ws,
                column,
                &format!("{key}.bins.expr"),
                &e.error,
            ),
            (_, crate::engine::rules::Rule::Bins { column, .. })
            | (_, crate::engine::rules::Rule::Map { column, .. }) => {
                let d: Diagnostic = self
                    .ws
                    .diag_at(&column.span, e.error.message.clone())
                    .key(format!("{key}.column"))
                    .hint_opt(e.error.hint.clone());
                EngineError::Workspace(vec![d])
            }
            _ => EngineError::Workspace(vec![
                self.ws
                    .diag_at(&c.name.span, e.error.message.clone())
                    .key(key)
                    .hint_opt(e.error.hint.clone()),
            ]),
        }
    }

    /// Every column of the orders table with its type (empty without orders).
    pub fn order_types(&self) -> HashMap<String, super::frame::DType> {
        self.order_types.clone()
    }

    /// Whether taking `ws`'s rules needs the order rows back first: its purchase-history
    /// settings differ and this session let its order rows go.
    pub fn needs_orders(&self, ws: &Workspace) -> bool {
        self.orders_released && purchase_changed(&self.ws, ws)
    }

    /// Take new rules — criteria, purchase-history settings, valuation — from a workspace whose
    /// data settings are the same (edited in the wizard or in another editor). Everything is
    /// evaluated again; counts before are kept per criterion name. On an error the session is
    /// left as it was.
    pub fn replace_rules(&mut self, ws: Workspace) -> Result<()> {
        let same = |a: &Workspace, b: &Workspace| {
            serde_json::to_string(&(&a.data, &a.columns)).ok()
                == serde_json::to_string(&(&b.data, &b.columns)).ok()
        };
        if !same(&self.ws, &ws) {
            return Err(EngineError::Invalid(
                "the data settings ([data], [columns]) changed: open the workspace again to load them"
                    .into(),
            ));
        }
        let before: HashMap<String, HashMap<String, usize>> = self
            .ws
            .criteria
            .iter()
            .zip(&self.results)
            .map(|(c, r)| {
                let counts = r
                    .valuation
                    .iter()
                    .map(|s| (s.name.clone(), s.customers))
                    .collect();
                (c.name.value.clone(), counts)
            })
            .collect();
        let rederive = purchase_changed(&self.ws, &ws);
        if rederive && self.orders_released {
            // the fields would stay those of the old settings: refuse, never show them as new
            return Err(orders_gone());
        }
        // window fields the new settings no longer have are not left behind in the base
        let stale = stale_windows(&self.ws, &ws);
        let old = std::mem::replace(&mut self.ws, ws);
        let refit = old.purchase_history.clv != self.ws.purchase_history.clv;
        let attempt = (|| -> Result<Vec<CriterionResult>> {
            if rederive {
                self.base.remove(&stale);
                self.derive_purchase();
            }
            if refit && self.clv.is_some() {
                self.fit_clv()?;
            }
            self.fit_if_wanted()?;
            self.compute_measures()?;
            self.ws
                .criteria
                .iter()
                .map(|c| self.evaluate_criterion(c))
                .collect()
        })();
        match attempt {
            Ok(mut results) => {
                for (c, r) in self.ws.criteria.iter().zip(&mut results) {
                    r.previous = before.get(&c.name.value).cloned().unwrap_or_default();
                }
                self.results = results;
                Ok(())
            }
            Err(e) => {
                self.ws = old;
                if rederive {
                    self.derive_purchase();
                }
                if refit && self.clv.is_some() {
                    self.fit_clv()?;
                }
                self.compute_measures()?;
                Err(e)
            }
        }
    }

    /// Replace criterion `i` and re-evaluate only it; counts before the change are kept for display.
    pub fn update_criterion(&mut self, i: usize, c: Criterion) -> Result<&CriterionResult> {
        self.models_for(&c.referenced_names())?;
        let mut r = self.evaluate_criterion(&c)?;
        if let Some(old) = self.results.get(i) {
            r.previous = old
                .valuation
                .iter()
                .map(|s| (s.name.clone(), s.customers))
                .collect();
        }
        self.ws.criteria[i] = c;
        self.results[i] = r;
        Ok(&self.results[i])
    }
}

#[cfg(test)]
mod tests;
