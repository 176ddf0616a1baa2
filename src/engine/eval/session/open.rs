//! Opening a session: loading (from the cache when it can), assembling, deriving, evaluating.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use super::super::assemble::assemble;
use super::super::cache::{Evaluated, evaluated_key};
use super::super::frame::{Frame, Vector};
use super::super::tables::{LoadPlan, pruned_fields};
use super::super::valuation::Pareto;
use super::{AfterDerive, Cache, Frames, Session, Timing};
use crate::engine::data::progress::Progress;
use crate::engine::error::Result;
use crate::engine::rules::Workspace;

impl Session {
    /// Load the workspace's data from disk and evaluate everything.
    pub fn open(ws: Workspace) -> Result<Session> {
        Self::open_reading(ws, None)
    }

    /// Load and evaluate reading only the columns the rules need, plus `extra` (e.g. `--with`
    /// fields); `None` reads every column (the wizard shows them all).
    pub fn open_reading(ws: Workspace, extra: Option<&[String]>) -> Result<Session> {
        Self::open_watched(ws, extra, &Progress::default())
    }

    /// The same, reporting progress into `p` and stopping when it is cancelled.
    pub fn open_watched(ws: Workspace, extra: Option<&[String]>, p: &Progress) -> Result<Session> {
        Self::open_cached(ws, extra, p, &Cache::Off)
    }

    /// The same, with the tables taken from `cache` when it holds them (kept there when not).
    pub fn open_cached(
        ws: Workspace,
        extra: Option<&[String]>,
        p: &Progress,
        cache: &Cache,
    ) -> Result<Session> {
        Self::open_with(ws, (extra, cache), p, false)
    }

    /// The same, keeping the order rows (for a holdout check, or to change purchase settings).
    pub fn open_keeping(
        ws: Workspace,
        extra: Option<&[String]>,
        p: &Progress,
        cache: &Cache,
    ) -> Result<Session> {
        Self::open_with(ws, (extra, cache), p, true)
    }

    /// A one-shot evaluation (`keep_orders` false) starts from the evaluated base the cache
    /// keeps for these tables and settings when there is one, and leaves one there when not.
    fn open_with(
        ws: Workspace,
        (extra, cache): (Option<&[String]>, &Cache),
        p: &Progress,
        keep_orders: bool,
    ) -> Result<Session> {
        let timing = Timing::new();
        let plan = LoadPlan::new(&ws, (extra, true), cache)?;
        let pruned = pruned_fields(&ws, extra);
        let requested = extra.map(<[String]>::to_vec).unwrap_or_default();
        let key = match plan.keys() {
            Some(keys) if !keep_orders => evaluated_key(&ws, &keys, &pruned),
            _ => None,
        };
        let mut notes = Vec::new();
        let uses = super::super::uses::typed_uses(&ws);
        if let Some(e) = key
            .as_ref()
            .and_then(|k| cache.evaluated(k, &mut notes))
            .filter(|e| super::super::conform::typed_as_used(&e.base, &uses))
        {
            timing.mark("evaluated base from the cache");
            p.begin("evaluating", 0);
            let s = Self::finish(Self::from_evaluated(
                ws,
                e,
                (pruned, requested),
                notes,
                false,
            ));
            timing.mark("evaluate");
            p.check()?;
            return s;
        }
        // the tables themselves are kept once a run evaluates them again under other settings
        // (a changed purchase-history setting, say): the first run of a workspace keeps only its
        // evaluated customers, which is all an unchanged or re-ruled workspace needs
        let keep_tables =
            key.is_none() || plan.keys().is_some_and(|ks| cache.holds_evaluated_of(&ks));
        let mut t = Frames::load_planned(&ws, extra, &plan, p, cache, keep_tables)?;
        t.notes.splice(0..0, notes);
        // kept only when no file changed while the load read it
        let key = key.filter(|_| t.unchanged);
        timing.mark("load tables");
        p.begin("evaluating", 0);
        let after = match keep_orders {
            true => AfterDerive::Keep,
            false => AfterDerive::Release,
        };
        let s = Self::assembled(ws, t, after).and_then(|s| {
            let Some(k) = &key else {
                return Self::finish(s);
            };
            // the evaluated base is written while the criteria are evaluated (it shares the
            // session's columns); its notes go where they would have gone, before the criteria's
            let e = s.evaluated(None);
            let at = s.warnings.len();
            std::thread::scope(|scope| {
                let kept = scope.spawn(|| {
                    let mut notes = Vec::new();
                    cache.keep_evaluated(k, e, plan.largest(), &mut notes);
                    notes
                });
                let s = Self::finish(s);
                let notes = kept.join().unwrap_or_else(|_| {
                    vec!["the evaluated customers could not be kept in the cache".into()]
                });
                timing.mark("evaluated base kept");
                s.map(|mut s| {
                    s.warnings.splice(at..at, notes);
                    s
                })
            })
        });
        timing.mark("evaluate");
        p.check()?;
        s
    }

    /// What the cache keeps of this session's assembly (its columns and ids shared, not
    /// copied), with the wizard's `profiles` when it is the wizard's.
    pub(super) fn evaluated(&self, profiles: Option<String>) -> Evaluated {
        Evaluated {
            base: self.base.clone(),
            ids: self.ids.clone(),
            as_of: self.as_of,
            warnings: self.warnings[self.cache_notes..].to_vec(),
            quality: self.quality.clone(),
            scores: self.scores.clone(),
            order_types: self.order_types.clone().into_iter().collect(),
            profiles,
            value_order: self.value_order.clone(),
        }
    }

    /// A session from an evaluated base the cache kept (`notes`: what happened to the cache;
    /// `lenient` for the wizard, see [`Frames::interactive`]).
    pub(super) fn from_evaluated(
        ws: Workspace,
        e: Evaluated,
        (pruned, requested): (Vec<String>, Vec<String>),
        notes: Vec<String>,
        lenient: bool,
    ) -> Session {
        let mut s = Self::empty(ws, (e.base, e.ids), (pruned, requested), lenient);
        s.as_of = e.as_of;
        s.order_types = e.order_types.into_iter().collect();
        s.orders_released = true;
        s.scores = e.scores;
        // a hint, checked before the 80/20 figures use it
        s.value_order = e.value_order;
        s.cache_notes = notes.len();
        s.warnings = notes;
        s.warnings.extend(e.warnings);
        s.quality = e.quality;
        s
    }

    /// Evaluate a workspace over tables already in memory.
    pub fn from_frames(
        ws: Workspace,
        customers: Option<&DataFrame>,
        orders: Option<&DataFrame>,
        joins: &[DataFrame],
    ) -> Result<Session> {
        let t = Frames::from_dfs(&ws, customers, orders, joins)?;
        Self::from_tables(ws, t)
    }

    /// The same for the wizard: predictive models that cannot be fitted leave their fields
    /// empty, with the reason in `clv_failed`, so that the rules can still be changed.
    pub fn from_frames_interactive(
        ws: Workspace,
        customers: Option<&DataFrame>,
        orders: Option<&DataFrame>,
        joins: &[DataFrame],
    ) -> Result<Session> {
        let mut t = Frames::from_dfs(&ws, customers, orders, joins)?;
        t.interactive = true;
        Self::from_tables(ws, t)
    }

    /// Evaluate a workspace over its tables as typed columns.
    pub fn from_tables(ws: Workspace, tables: Frames) -> Result<Session> {
        Self::assembled(ws, tables, AfterDerive::Keep).and_then(Self::finish)
    }

    /// A session over `base` and `ids` with nothing evaluated yet.
    fn empty(
        ws: Workspace,
        (base, ids): (Frame, std::sync::Arc<Vector>),
        (pruned, requested): (Vec<String>, Vec<String>),
        lenient: bool,
    ) -> Session {
        Session {
            ws,
            base,
            ids,
            as_of: None,
            order_types: HashMap::new(),
            orders_released: false,
            orders: None,
            pruned,
            requested,
            clv: None,
            clv_fits: 0,
            clv_failed: None,
            lenient,
            scores: vec![],
            warnings: vec![],
            quality: vec![],
            cache_notes: 0,
            value: Default::default(),
            cost: None,
            measures: vec![],
            pareto: Pareto {
                top20_value_share: f64::NAN,
                customer_share_for_80pct_value: f64::NAN,
            },
            value_order: None,
            results: vec![],
            writing: None,
            late: None,
        }
    }

    /// The base table assembled and its purchase fields and scores derived; the order rows are
    /// then kept or let go as `after` says (let go, purchase settings cannot be changed
    /// afterwards).
    pub(super) fn assembled(ws: Workspace, tables: Frames, after: AfterDerive) -> Result<Session> {
        let timing = Timing::new();
        let pruned = tables.pruned.clone();
        let requested = tables.requested.clone();
        let lenient = tables.interactive;
        let notes = tables.notes.clone();
        let quality = tables.quality.clone();
        let a = assemble(ws, tables)?;
        timing.mark("assemble base table");
        let mut s = Self::empty(
            a.ws,
            (a.base, std::sync::Arc::new(a.ids)),
            (pruned, requested),
            lenient,
        );
        s.as_of = a.as_of;
        s.order_types = a
            .orders
            .as_ref()
            .map(|o| o.types.clone())
            .unwrap_or_default();
        s.orders = a.orders;
        s.cache_notes = notes.len();
        s.warnings = notes;
        s.warnings.extend(quality.iter().flat_map(|q| q.warnings()));
        s.warnings.extend(a.warnings);
        s.quality = quality;
        s.derive_fields(after);
        timing.mark("purchase fields and scores");
        Ok(s)
    }

    /// Fit the predictive models if asked, then the value measures and every criterion.
    pub(super) fn finish(mut s: Session) -> Result<Session> {
        let timing = Timing::new();
        // the columns the rules read, from a cache entry decoded side by side, not one by one
        let mut read = s.ws.referenced_names();
        read.push("revenue".into());
        s.base.read_now(&read);
        timing.mark("the columns the rules read");
        s.fit_if_wanted()?;
        timing.mark("predictive value");
        s.compute_values()?;
        s.warn_of_values();
        timing.mark("value measures");
        // the 80/20 figures sort every value: beside the criteria, which are independent and
        // evaluated on all cores, kept in workspace order
        let (pareto, results) = rayon::join(
            || s.pareto_figures(),
            || {
                crate::engine::parallel::map_items(s.ws.criteria.iter().collect(), |c| {
                    s.evaluate_criterion(c)
                })
            },
        );
        (s.pareto, s.value_order) = pareto;
        s.results = results.into_iter().collect::<Result<_>>()?;
        timing.mark("criteria and the 80/20 figures");
        Ok(s)
    }
}
