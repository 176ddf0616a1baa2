//! Figures that cannot be right: every customer's value 0 or missing, or a total too large to add up.

use super::Session;
use crate::engine::eval::assemble::NOTHING_COUNTS;

impl Session {
    /// What is wrong with the values as a whole, in words, with the warning that explains it
    /// when there is one: every customer's value is 0 or missing (the orders matched no
    /// customer, the amount column held no number, …), or the total is not a finite number.
    /// `None` for values that can be right.
    pub fn value_alarm(&self) -> Option<String> {
        if self.base.len == 0 {
            return None;
        }
        let total = crate::engine::eval::pareto::row_total(&self.value);
        if !total.is_finite() {
            return Some(format!(
                "the customers' total value is {total}: values too large to add up (an amount \
                 like 1e308?); check the amounts, or the value in Valuation"
            ));
        }
        if self.value.iter().any(|x| x.is_some_and(|v| v != 0.0)) {
            return None;
        }
        let cause = self
            .data_warnings()
            .iter()
            .find(|w| w.ends_with(NOTHING_COUNTS));
        Some(match cause {
            Some(w) => format!("every customer's value is 0: {w}"),
            None => "every customer's value is 0 or missing: check the value in Valuation and \
                     the amount role in Classify"
                .into(),
        })
    }

    /// The warnings about the data, without those about the cache.
    pub fn data_warnings(&self) -> &[String] {
        &self.warnings[self.cache_notes..]
    }

    /// How many customers have no value, when some have (they count as 0 in every total and
    /// share): it changes with the value, unlike the data's warnings.
    pub fn missing_values_note(&self) -> Option<String> {
        let missing = self.value.iter().filter(Option::is_none).count();
        if missing == 0 || self.value_alarm().is_some() {
            return None;
        }
        let from = match &self.ws.valuation.value {
            Some(v) => format!("value = {:?} reads a missing value", v.value),
            None => "no order with an amount".into(),
        };
        Some(format!(
            "{} of {} customers have no value ({from}): they count as 0 in the totals and shares",
            crate::engine::format::thousands(missing as u64),
            crate::engine::format::thousands(self.base.len as u64)
        ))
    }

    /// Add [`Session::value_alarm`] to the warnings, unless a warning already says it, or
    /// [`Session::missing_values_note`].
    pub(super) fn warn_of_values(&mut self) {
        if let Some(a) = self.value_alarm() {
            if !self.warnings.iter().any(|w| a.ends_with(w.as_str())) {
                self.warnings.push(a);
            }
        } else if let Some(n) = self.missing_values_note() {
            self.warnings.push(n);
        }
    }
}
