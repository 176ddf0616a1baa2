//! Reading `[purchase_history]`: RFM settings, windows and the predictive-value models.

use toml_edit::TableLike;

use super::{P, value_span};
use crate::engine::rules::workspace::*;

impl P<'_> {
    pub(super) fn purchase(&mut self, root: &dyn TableLike) -> PurchaseConfig {
        let mut p = PurchaseConfig::default();
        let Some(t) = self.table(root, "", "purchase_history") else {
            return p;
        };
        self.known_keys(
            t,
            "purchase_history",
            &["rfm_bins", "rfm_method", "windows", "clv"],
        );
        if let Some(b) = self.integer(t, "purchase_history", "rfm_bins") {
            if (2..=10).contains(&b) {
                p.rfm_bins = b as u32;
            } else {
                let span = self.node(t, "rfm_bins").map(|n| n.span()).unwrap_or(0..0);
                self.diag(
                    span,
                    "purchase_history.rfm_bins",
                    format!("rfm_bins must be between 2 and 10, not {b}"),
                    None,
                );
            }
        }
        p.rfm_method = self
            .choice(t, "purchase_history", "rfm_method", &RfmMethod::ALL)
            .unwrap_or_default();
        if let Some(n) = self.node(t, "windows") {
            match n.value().and_then(|v| v.as_array()) {
                Some(a) => {
                    for v in a.iter() {
                        match v.as_integer() {
                            Some(d) if d > 0 && d <= 36_500 => p.windows.push(d as u32),
                            _ => self.diag(
                                value_span(v),
                                "purchase_history.windows",
                                "windows are whole numbers of days, e.g. [90, 365]",
                                None,
                            ),
                        }
                    }
                }
                None => self.diag(
                    n.span(),
                    "purchase_history.windows",
                    "windows is a list of days, e.g. [90, 365]",
                    None,
                ),
            }
        }
        if let Some(c) = self.table(t, "purchase_history", "clv") {
            p.clv = self.clv(c);
        }
        p
    }

    /// `clv = { unit, horizon, calibration_end }`, each optional.
    fn clv(&mut self, t: &dyn TableLike) -> ClvConfig {
        const PATH: &str = "purchase_history.clv";
        let mut c = ClvConfig::default();
        self.known_keys(t, PATH, &["unit", "horizon", "calibration_end"]);
        if let Some(u) = self.choice(t, PATH, "unit", &TimeUnit::ALL) {
            c.unit = u;
        }
        if let Some(h) = self.number(t, PATH, "horizon") {
            if h > 0.0 && h <= 100_000.0 {
                c.horizon = h;
            } else {
                let span = self.node(t, "horizon").map(|n| n.span()).unwrap_or(0..0);
                self.diag(
                    span,
                    "purchase_history.clv.horizon",
                    format!(
                        "horizon must be a positive number of {}s, not {h}",
                        c.unit.as_str()
                    ),
                    Some("e.g. horizon = 52 with unit = \"week\"".into()),
                );
            }
        }
        c.calibration_end = self.date(t, PATH, "calibration_end").map(|d| d.value);
        c
    }
}
