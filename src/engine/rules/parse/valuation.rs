//! The [valuation] section and its measures.

use toml_edit::TableLike;

use super::*;

impl P<'_> {
    pub(super) fn valuation(&mut self, root: &dyn TableLike) -> ValuationConfig {
        let mut v = ValuationConfig::default();
        let Some(t) = self.table(root, "", "valuation") else {
            return v;
        };
        self.known_keys(
            t,
            "valuation",
            &[
                "value",
                "cost",
                "min_customer_share",
                "min_value_share",
                "measures",
            ],
        );
        v.value = self.string(t, "valuation", "value");
        v.cost = self.string(t, "valuation", "cost");
        for (k, slot) in [
            ("min_customer_share", &mut v.min_customer_share),
            ("min_value_share", &mut v.min_value_share),
        ] {
            if let Some(x) = self.number(t, "valuation", k) {
                if (0.0..=1.0).contains(&x) {
                    *slot = x;
                } else {
                    let span = self.node(t, k).map(|n| n.span()).unwrap_or(0..0);
                    self.diag(
                        span,
                        &join_key("valuation", k),
                        format!("{k} is a share between 0 and 1 (e.g. 0.05 for 5 %), not {x}"),
                        None,
                    );
                }
            }
        }
        if let Some(m) = self.table(t, "valuation", "measures") {
            for (name, item) in m.iter() {
                let key = format!("valuation.measures.{name}");
                let Some(mt) = item.as_table_like() else {
                    self.diag(
                        item_span(item),
                        &key,
                        "a measure is { share = \"…\" }, { mean = \"…\" } or { sum = \"…\" }",
                        None,
                    );
                    continue;
                };
                self.known_keys(mt, &key, &["share", "mean", "sum"]);
                let kinds: Vec<(&str, MeasureKind)> = [
                    ("share", MeasureKind::Share),
                    ("mean", MeasureKind::Mean),
                    ("sum", MeasureKind::Sum),
                ]
                .into_iter()
                .filter(|(k, _)| mt.contains_key(k))
                .collect();
                if kinds.len() != 1 {
                    self.diag(
                        item_span(item),
                        &key,
                        "a measure has exactly one of share, mean, sum",
                        None,
                    );
                    continue;
                }
                if let Some(expr) = self.string(mt, &key, kinds[0].0) {
                    v.measures.push(Measure {
                        name: name.to_string(),
                        kind: kinds[0].1,
                        expr,
                    });
                }
            }
        }
        v
    }
}
