//! A session's predictive-value fields: fitted when something asks for them, refitted only when their inputs change.

use chrono::NaiveDate;

use super::clv::holdout::{Holdout, holdout};
use super::clv::{ClvError, ClvFit, History, MODEL_FIELDS, fit};
use super::frame::{Cells, Vector};
use super::session::Session;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Rule;

/// A day as the engine counts them.
pub fn day_number(d: NaiveDate) -> i32 {
    (d - crate::engine::data::infer::epoch()).num_days() as i32
}

impl Session {
    /// Whether the rules, the valuation or `--with` name a model field.
    pub fn wants_model(&self) -> bool {
        self.names_used()
            .iter()
            .any(|u| MODEL_FIELDS.contains(&u.as_str()))
    }

    /// Fit both models on the purchase history and add their fields to every customer.
    pub fn fit_clv(&mut self) -> Result<&ClvFit> {
        let n = self.base.len;
        // the columns are shared, not copied: the fit only reads them
        let col = |name: &str| self.base.get(name).cloned();
        let (first, last, days, spend) = (
            col("first_order"),
            col("last_order"),
            col("purchase_days"),
            col("repeat_avg_value"),
        );
        let (Some(Vector::Date(first)), Some(Vector::Date(last))) =
            (first.as_deref(), last.as_deref())
        else {
            return Err(EngineError::Model(ClvError::NoHistory));
        };
        let none_i = Cells::nulls(n);
        let none_f = Cells::nulls(n);
        let days = match days.as_deref() {
            Some(Vector::Int(v)) => v,
            _ => &none_i,
        };
        let spend = match spend.as_deref() {
            Some(Vector::Float(v)) => v,
            _ => &none_f,
        };
        let h = History {
            first,
            last,
            purchase_days: days,
            repeat_avg_value: spend,
            as_of: self.as_of.ok_or(EngineError::Model(ClvError::NoHistory))?,
        };
        let timing = crate::engine::timing::Timing::new();
        let f = fit(&h, &self.ws.purchase_history.clv)?;
        timing.mark("  predictive models fitted");
        self.clv_fits += 1;
        if let Err(e) = &f.gamma_gamma
            && self.names_used().iter().any(|u| u == "predicted_value")
        {
            return Err(EngineError::Model(e.clone()));
        }
        let scored = f.score(&h);
        timing.mark("  customers scored");
        self.base
            .set("p_alive", Vector::Float(scored.p_alive.into()));
        self.base.set(
            "expected_purchases",
            Vector::Float(scored.expected_purchases.into()),
        );
        self.base.set(
            "predicted_value",
            Vector::Float(scored.predicted_value.into()),
        );
        if let Some(old) = self.clv.take() {
            self.warnings.retain(|w| !old.warnings.contains(w));
        }
        self.warnings.extend(f.warnings.iter().cloned());
        Ok(self.clv.insert(f))
    }

    /// Names the rules, the valuation and `--with` use.
    fn names_used(&self) -> Vec<String> {
        let mut used = self.ws.referenced_names();
        used.extend(self.requested.iter().cloned());
        used
    }

    /// Fit the models if the rules now ask for them and they have not been fitted yet. When
    /// they cannot be: a one-shot evaluation fails, pointing at the rule that reads them; an
    /// open one (the wizard) goes on with their fields empty and a warning, so that the rule
    /// can be changed.
    pub(super) fn fit_if_wanted(&mut self) -> Result<()> {
        let config = self.ws.purchase_history.clv.clone();
        let failed_before = self.clv_failed.as_ref().is_some_and(|f| f.0 == config);
        if self.clv.is_some() || !self.wants_model() || failed_before {
            return Ok(());
        }
        let fitted = self.fit_clv().map(|_| ());
        match fitted {
            Ok(()) => {
                self.clv_failed = None;
                Ok(())
            }
            Err(e) if !self.lenient => Err(self.located(e)),
            Err(e) => {
                for f in MODEL_FIELDS {
                    self.base.set(f, Vector::Float(Cells::nulls(self.base.len)));
                }
                self.warnings.push(format!(
                    "p_alive, expected_purchases and predicted_value are empty: {e}"
                ));
                self.clv_failed = Some((config, e.to_string()));
                Ok(())
            }
        }
    }

    /// Make sure the models a criterion reading `names` needs are there: fitted now if need be,
    /// or the reason they cannot be (kept, so that every edit does not fit again).
    pub(super) fn models_for(&mut self, names: &[String]) -> Result<()> {
        let wants = |f: &str| names.iter().any(|n| n == f);
        if !MODEL_FIELDS.iter().any(|f| wants(f)) {
            return Ok(());
        }
        if self.clv.is_none() {
            let config = self.ws.purchase_history.clv.clone();
            if let Some((c, why)) = &self.clv_failed
                && *c == config
            {
                return Err(EngineError::Invalid(format!("no predictive value: {why}")));
            }
            if let Err(e) = self.fit_clv() {
                self.clv_failed = Some((config, e.to_string()));
                return Err(e);
            }
        }
        match self.clv.as_ref().map(|f| &f.gamma_gamma) {
            Some(Err(e)) if wants("predicted_value") => Err(EngineError::Model(e.clone())),
            _ => Ok(()),
        }
    }

    /// A model error placed at the first rule (or valuation setting) that reads a model field.
    fn located(&self, e: EngineError) -> EngineError {
        let EngineError::Model(m) = &e else {
            return e;
        };
        // a spend-model failure touches predicted_value only
        let fields: &[&str] = match m {
            ClvError::TooFewSpenders { .. }
            | ClvError::TooFewRepeatBuyers {
                model: "Gamma-Gamma",
                ..
            }
            | ClvError::Flat {
                model: "Gamma-Gamma",
                ..
            } => &["predicted_value"],
            _ => &MODEL_FIELDS,
        };
        let reads = |text: &str| {
            crate::engine::rules::condition::parse_condition(text)
                .is_ok_and(|x| x.columns().iter().any(|c| fields.contains(&c.0)))
        };
        let hint = "these fields need the predictive models; segment on recency_days or orders \
                    instead, or give the models more history";
        let mut place: Option<(std::ops::Range<usize>, String)> = None;
        for c in &self.ws.criteria {
            let key = format!("criteria.{}", c.name.value);
            place = match &c.rule {
                Rule::Segments(s) => s
                    .iter()
                    .enumerate()
                    .find(|(_, g)| reads(&g.when))
                    .map(|(k, g)| (g.when.span.clone(), format!("{key}.segments[{k}].when"))),
                Rule::Bins {
                    column, expr: true, ..
                } => reads(column).then(|| (column.span.clone(), format!("{key}.bins.expr"))),
                Rule::Bins { column, .. } | Rule::Map { column, .. } => fields
                    .contains(&column.value.as_str())
                    .then(|| (column.span.clone(), format!("{key}.column"))),
            };
            if place.is_some() {
                break;
            }
        }
        let v = &self.ws.valuation;
        for (text, key) in [(&v.value, "valuation.value"), (&v.cost, "valuation.cost")] {
            if place.is_none()
                && let Some(t) = text.as_ref().filter(|t| reads(t))
            {
                place = Some((t.span.clone(), key.to_string()));
            }
        }
        match place {
            Some((span, key)) => EngineError::Workspace(vec![
                self.ws.diag_at(&span, m.to_string()).key(key).hint(hint),
            ]),
            None => e,
        }
    }

    /// How many buyers have a `p_alive` in each of `bins` equal ranges of [0, 1] (1 in the last).
    pub fn alive_histogram(&self, bins: usize) -> Vec<usize> {
        let mut h = vec![0; bins.max(1)];
        if let Some(Vector::Float(v)) = self.base.get("p_alive").map(|v| &**v) {
            for p in v.present() {
                h[((p * bins as f64) as usize).min(bins - 1)] += 1;
            }
        }
        h
    }

    /// The `q` quantile (nearest rank) of what buyers are worth over the horizon if still active
    /// (`predicted_value / p_alive`), over the customers who have one.
    pub fn value_if_active_quantile(&self, q: f64) -> Option<f64> {
        let get = |n: &str| match self.base.get(n).map(|v| &**v) {
            Some(Vector::Float(v)) => Some(v.clone()),
            _ => None,
        };
        let (value, alive) = (get("predicted_value")?, get("p_alive")?);
        let mut xs: Vec<f64> = value
            .iter()
            .zip(alive.iter())
            .filter_map(|(v, p)| Some(v? / p.filter(|p| *p > 0.0)?))
            .collect();
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let k = ((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1;
        Some(xs[k])
    }

    /// The holdout check: BG/NBD fitted on orders up to `calibration_end`, its expected
    /// purchases over the rest of the period up to as_of compared with the actual ones.
    pub fn holdout(&self, calibration_end: NaiveDate, max_frequency: u32) -> Result<Holdout> {
        let o = self.orders.as_ref().ok_or_else(|| {
            EngineError::Invalid(
                "this evaluation let its order rows go; open the workspace to check a holdout"
                    .into(),
            )
        })?;
        let day = o.day();
        let purchases: Vec<(u32, i32)> = o
            .cust
            .iter()
            .zip(&o.kept)
            .filter_map(|(&c, &r)| Some((c, day.get(r as usize)?)))
            .collect();
        let end = self.as_of.ok_or(EngineError::Model(ClvError::NoHistory))?;
        Ok(holdout(
            &purchases,
            self.base.len,
            day_number(calibration_end),
            end,
            &self.ws.purchase_history.clv,
            max_frequency,
        )?)
    }
}
