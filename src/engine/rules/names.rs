//! The column and field names rules read: per criterion, and for the whole workspace.

use super::workspace::{Criterion, Rule, Workspace};

impl Workspace {
    /// The first place that reads one of `names`: `criteria.NAME`, `valuation.value`,
    /// `valuation.cost` or `valuation.measures.NAME`, with the name it reads.
    pub fn first_reader(&self, names: &[&str]) -> Option<(String, String)> {
        let reads = |cols: Vec<String>| {
            names
                .iter()
                .find(|n| cols.iter().any(|c| c == *n))
                .map(|n| n.to_string())
        };
        let text = |t: &str| -> Vec<String> {
            crate::engine::rules::condition::parse_condition(t)
                .map(|e| e.columns().into_iter().map(|c| c.0.to_string()).collect())
                .unwrap_or_default()
        };
        let v = &self.valuation;
        let criteria = self
            .criteria
            .iter()
            .map(|c| (format!("criteria.{}", c.name.value), c.referenced_names()));
        let values = [("valuation.value", &v.value), ("valuation.cost", &v.cost)]
            .into_iter()
            .filter_map(|(k, t)| t.as_ref().map(|t| (k.to_string(), text(&t.value))));
        let measures = v
            .measures
            .iter()
            .map(|m| (format!("valuation.measures.{}", m.name), text(&m.expr)));
        criteria
            .chain(values)
            .chain(measures)
            .find_map(|(place, cols)| reads(cols).map(|n| (place, n)))
    }

    /// Every column name the rules read (criteria columns, conditions, valuation), in no
    /// particular order; conditions that do not parse are skipped (check reports them).
    pub fn referenced_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        let mut cond = |t: &str| {
            if let Ok(e) = crate::engine::rules::condition::parse_condition(t) {
                v.extend(e.columns().into_iter().map(|c| c.0.to_string()));
            }
        };
        for c in &self.criteria {
            c.conditions().iter().for_each(|t| cond(t));
        }
        for t in [&self.valuation.value, &self.valuation.cost]
            .into_iter()
            .flatten()
        {
            cond(t);
        }
        for m in &self.valuation.measures {
            cond(&m.expr);
        }
        if let Some(f) = &self.data.orders_filter {
            cond(f);
        }
        v.sort();
        v.dedup();
        v
    }
}

impl Criterion {
    /// The condition texts the criterion evaluates (a bins or map column as a quoted name).
    pub(super) fn conditions(&self) -> Vec<String> {
        match &self.rule {
            Rule::Bins {
                column, expr: true, ..
            } => vec![column.value.clone()],
            Rule::Bins { column, .. } | Rule::Map { column, .. } => {
                vec![format!("\"{}\"", column.value.replace('"', "\"\""))]
            }
            Rule::Segments(segs) => segs.iter().map(|s| s.when.value.clone()).collect(),
        }
    }

    /// Every column or field name the criterion reads.
    pub fn referenced_names(&self) -> Vec<String> {
        let mut v = Vec::new();
        for t in self.conditions() {
            if let Ok(e) = crate::engine::rules::condition::parse_condition(&t) {
                v.extend(e.columns().into_iter().map(|c| c.0.to_string()));
            }
        }
        v
    }
}
