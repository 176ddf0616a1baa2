//! The [criteria.*] sections: bins, map and segments.

use std::ops::Range;

use toml_edit::{TableLike, Value};

use super::*;

/// `< 25`, `[25, 40)`, `>= 40`.
pub fn default_bin_labels(edges: &[f64]) -> Vec<String> {
    let f =
        |x: f64| crate::engine::data::values::show_number(&polars::prelude::DataType::Float64, x);
    let mut v = Vec::with_capacity(edges.len() + 1);
    if let Some(first) = edges.first() {
        v.push(format!("< {}", f(*first)));
    }
    for w in edges.windows(2) {
        v.push(format!("[{}, {})", f(w[0]), f(w[1])));
    }
    if let Some(last) = edges.last() {
        v.push(format!(">= {}", f(*last)));
    }
    v
}

impl P<'_> {
    fn str_list(&mut self, n: &Node, key: &str) -> Option<Vec<String>> {
        let Some(a) = n.value().and_then(|v| v.as_array()) else {
            self.diag(n.span(), key, "expected a list of texts", None);
            return None;
        };
        let mut out = Vec::new();
        for v in a.iter() {
            match v.as_str() {
                Some(s) => out.push(s.to_string()),
                None => {
                    self.diag(value_span(v), key, "expected text (in quotes)", None);
                    return None;
                }
            }
        }
        Some(out)
    }

    fn bins(&mut self, t: &dyn TableLike, path: &str) -> Option<Rule> {
        self.known_keys(t, path, &["column", "expr", "edges", "labels"]);
        // what is binned: a column, or a numeric expression of the customer's fields
        let expr = t.contains_key("expr");
        if expr && t.contains_key("column") {
            let span = self.key_span(t, "expr");
            self.diag(
                span,
                &join_key(path, "expr"),
                "bins take a `column` or an `expr`, not both",
                Some("keep `column` for a column, `expr` for an expression like 2024 - year_of_birth".into()),
            );
            return None;
        }
        let column = self.string(t, path, if expr { "expr" } else { "column" });
        if column.is_none() && !expr && !t.contains_key("column") {
            self.diag(
                0..0,
                path,
                "bins needs a `column` (or an `expr`)",
                Some("e.g. bins = { column = \"age\", edges = [25, 40, 60] }".into()),
            );
        }
        let edges = self.edges(t, path)?;
        let labels = match self.node(t, "labels") {
            Some(ln) => {
                let l = self.str_list(&ln, &join_key(path, "labels"))?;
                if l.len() != edges.len() + 1 {
                    let msg = format!(
                        "{} edges make {} segments, but {} labels are given",
                        edges.len(),
                        edges.len() + 1,
                        l.len()
                    );
                    self.diag(
                        ln.span(),
                        &join_key(path, "labels"),
                        msg,
                        Some("give one more label than edges".into()),
                    );
                    return None;
                }
                l
            }
            None => default_bin_labels(&edges),
        };
        self.unique_labels(&labels, t, path, "labels");
        Some(Rule::Bins {
            column: column?,
            edges,
            labels,
            expr,
        })
    }

    /// A bins rule's `edges`: numbers, at least one, strictly increasing.
    fn edges(&mut self, t: &dyn TableLike, path: &str) -> Option<Vec<f64>> {
        let edges_key = join_key(path, "edges");
        let Some(en) = self.node(t, "edges") else {
            self.diag(
                0..0,
                &edges_key,
                "bins needs `edges`, e.g. edges = [25, 40, 60]",
                None,
            );
            return None;
        };
        let Some(arr) = en.value().and_then(|v| v.as_array()) else {
            self.diag(
                en.span(),
                &edges_key,
                "edges must be a list of numbers",
                None,
            );
            return None;
        };
        let mut edges = Vec::new();
        for v in arr.iter() {
            match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                Some(x) if x.is_finite() => edges.push(x),
                _ => {
                    self.diag(value_span(v), &edges_key, "edges must be numbers", None);
                    return None;
                }
            }
        }
        if edges.is_empty() {
            self.diag(
                en.span(),
                &edges_key,
                "edges needs at least one cut point",
                None,
            );
            return None;
        }
        if edges.windows(2).any(|w| w[0] >= w[1]) {
            self.diag(
                en.span(),
                &edges_key,
                "edges must be strictly increasing",
                None,
            );
            return None;
        }
        Some(edges)
    }

    fn unique_labels(&mut self, labels: &[String], t: &dyn TableLike, path: &str, k: &str) {
        let mut seen = std::collections::HashSet::new();
        for l in labels {
            if !seen.insert(l) {
                let span = self.node(t, k).map(|n| n.span()).unwrap_or(0..0);
                self.diag(
                    span,
                    &join_key(path, k),
                    format!("label \"{l}\" is used twice"),
                    None,
                );
            }
        }
    }

    fn map(&mut self, t: &dyn TableLike, path: &str) -> Option<Rule> {
        self.known_keys(t, path, &["column", "groups"]);
        let column = self.string(t, path, "column");
        if column.is_none() && !t.contains_key("column") {
            self.diag(0..0, path, "map needs a `column`", None);
        }
        let gkey = join_key(path, "groups");
        let Some(g) = self.table(t, path, "groups") else {
            if !t.contains_key("groups") {
                self.diag(
                    0..0,
                    &gkey,
                    "map needs `groups`, e.g. groups = { eco = [\"green\"] }",
                    None,
                );
            }
            return None;
        };
        let mut groups = Vec::new();
        let mut seen: Vec<(MapValue, String)> = Vec::new();
        for (label, item) in g.iter() {
            let key = join_key(&gkey, label);
            let Some(arr) = item.as_array() else {
                self.diag(
                    item_span(item),
                    &key,
                    "each group is a list of values",
                    None,
                );
                continue;
            };
            let mut vals = Vec::new();
            for v in arr.iter() {
                let mv = match v {
                    Value::String(s) => MapValue::Text(s.value().clone()),
                    Value::Integer(i) => MapValue::Number(*i.value() as f64),
                    Value::Float(f) => MapValue::Number(*f.value()),
                    Value::Boolean(b) => MapValue::Bool(*b.value()),
                    _ => {
                        self.diag(
                            value_span(v),
                            &key,
                            "group values are texts, numbers or booleans",
                            None,
                        );
                        continue;
                    }
                };
                if let Some((_, other)) = seen.iter().find(|(x, _)| *x == mv) {
                    let msg = format!(
                        "value \"{mv}\" is listed in group \"{other}\" and again in \"{label}\""
                    );
                    self.diag(
                        value_span(v),
                        &key,
                        msg,
                        Some("a value may belong to one group only".into()),
                    );
                    continue;
                }
                seen.push((mv.clone(), label.to_string()));
                vals.push(mv);
            }
            groups.push((label.to_string(), vals));
        }
        Some(Rule::Map {
            column: column?,
            groups,
        })
    }

    fn segments(&mut self, n: &Node, path: &str) -> Option<Rule> {
        let tables: Vec<(&dyn TableLike, Range<usize>)> = match n {
            Node::Item(i) if i.as_array_of_tables().is_some() => i
                .as_array_of_tables()?
                .iter()
                .map(|t| (t as &dyn TableLike, t.span().unwrap_or(0..0)))
                .collect(),
            _ => match n.value().and_then(|v| v.as_array()) {
                Some(a) => {
                    let mut v = Vec::new();
                    for x in a.iter() {
                        match x.as_inline_table() {
                            Some(t) => v.push((t as &dyn TableLike, value_span(x))),
                            None => self.diag(
                                value_span(x),
                                path,
                                "each segment is { name = \"…\", when = \"…\" }",
                                None,
                            ),
                        }
                    }
                    v
                }
                None => {
                    self.diag(
                        n.span(),
                        path,
                        "segments is a list of { name = \"…\", when = \"…\" }",
                        None,
                    );
                    return None;
                }
            },
        };
        let mut segs = Vec::new();
        let mut names = std::collections::HashSet::new();
        for (i, (t, span)) in tables.into_iter().enumerate() {
            let p = format!("{path}[{i}]");
            self.known_keys(t, &p, &["name", "when"]);
            let name = self.string(t, &p, "name");
            let when = self.string(t, &p, "when");
            match (name, when) {
                (Some(name), Some(when)) => {
                    if !names.insert(name.value.clone()) {
                        self.diag(
                            name.span.clone(),
                            &p,
                            format!("segment \"{}\" appears twice in this criterion", name.value),
                            None,
                        );
                    }
                    segs.push(Segment { name, when });
                }
                (n, w) => {
                    let missing = if n.is_none() && !t.contains_key("name") {
                        "name"
                    } else if w.is_none() && !t.contains_key("when") {
                        "when"
                    } else {
                        continue;
                    };
                    self.diag(span, &p, format!("segment needs `{missing}`"), None);
                }
            }
        }
        Some(Rule::Segments(segs))
    }

    /// A criterion's `step`, said to be missing when it is.
    fn criterion_step(
        &mut self,
        ct: &dyn TableLike,
        path: &str,
        name_span: &Range<usize>,
    ) -> Option<Step> {
        let steps: Vec<(&str, Step)> = Step::ALL.iter().map(|s| (s.as_str(), *s)).collect();
        if ct.contains_key("step") {
            self.choice(ct, path, "step", &steps)
        } else {
            self.diag(
                name_span.clone(),
                &join_key(path, "step"),
                "criterion has no `step`",
                Some(format!(
                    "add step = one of: {}",
                    steps.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                )),
            );
            None
        }
    }

    /// A criterion's one rule form: bins, map or segments.
    fn criterion_rule(
        &mut self,
        ct: &dyn TableLike,
        path: &str,
        name_span: &Range<usize>,
    ) -> Option<Rule> {
        let forms: Vec<&str> = ["bins", "map", "segments"]
            .into_iter()
            .filter(|k| ct.contains_key(k))
            .collect();
        match forms.as_slice() {
            [] => {
                self.diag(
                    name_span.clone(),
                    path,
                    "criterion has no rule",
                    Some("add one of: bins, map, segments".into()),
                );
                None
            }
            [one] => match *one {
                "bins" => self
                    .table(ct, path, "bins")
                    .and_then(|b| self.bins(b, &join_key(path, "bins"))),
                "map" => self
                    .table(ct, path, "map")
                    .and_then(|m| self.map(m, &join_key(path, "map"))),
                _ => {
                    let n = self.node(ct, "segments").expect("present");
                    self.segments(&n, &join_key(path, "segments"))
                }
            },
            many => {
                self.diag(
                    name_span.clone(),
                    path,
                    format!(
                        "criterion has {} rule forms ({}); keep exactly one",
                        many.len(),
                        many.join(", ")
                    ),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn criteria(&mut self, root: &dyn TableLike) -> Vec<Criterion> {
        let mut out = Vec::new();
        let Some(t) = self.table(root, "", "criteria") else {
            return out;
        };
        for (name, item) in t.iter() {
            let path = format!("criteria.{name}");
            let name_span = self.key_span(t, name);
            let Some(ct) = item.as_table_like() else {
                self.diag(
                    item_span(item),
                    &path,
                    "a criterion is a table: [criteria.NAME] with step and bins/map/segments",
                    None,
                );
                continue;
            };
            self.known_keys(
                ct,
                &path,
                &[
                    "step",
                    "bins",
                    "map",
                    "segments",
                    "overlap",
                    "otherwise",
                    "description",
                ],
            );
            let step = self.criterion_step(ct, &path, &name_span);
            let rule = self.criterion_rule(ct, &path, &name_span);
            let overlap = self
                .choice(
                    ct,
                    &path,
                    "overlap",
                    &[
                        ("first_match", Overlap::FirstMatch),
                        ("strict", Overlap::Strict),
                    ],
                )
                .unwrap_or_default();
            let otherwise = self
                .string(ct, &path, "otherwise")
                .map(|s| s.value)
                .unwrap_or_else(|| "unassigned".into());
            let _ = self.string(ct, &path, "description");
            if let (Some(step), Some(rule)) = (step, rule) {
                if rule.labels().contains(&otherwise) {
                    self.diag(
                        name_span.clone(),
                        &path,
                        format!("a rule's segment is named like `otherwise` (\"{otherwise}\")"),
                        Some("rename the segment or set another otherwise label".into()),
                    );
                }
                out.push(Criterion {
                    name: Spanned::new(name.to_string(), name_span),
                    step,
                    rule,
                    overlap,
                    otherwise,
                });
            }
        }
        out
    }
}
