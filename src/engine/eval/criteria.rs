//! Assigning every customer to one segment per criterion, and the exclusivity audit (SPEC §4.1, §4.4).

use super::exclusivity::{Matches, Scan, scan};
use super::expr::compile;
use super::frame::{DType, Frame, Vector};
use crate::engine::rules::condition::{ConditionError, Expr, parse_condition};
use crate::engine::rules::{Criterion, MapValue, Overlap, Rule, Segment};

/// Where a rule's problem is: which segment and what went wrong.
#[derive(Debug, Clone)]
pub struct RuleError {
    /// Index of the segment (for `segments`), None for the criterion as a whole.
    pub segment: Option<usize>,
    pub error: ConditionError,
}

/// A criterion ready to evaluate: every condition parsed and type-checked.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub labels: Vec<String>,
    pub otherwise: String,
    pub form: Form,
    pub overlap: Overlap,
}

#[derive(Debug, Clone)]
pub enum Form {
    Bins {
        column: String,
        edges: Vec<f64>,
        /// Bins over an expression: it, compiled (`column` is then its text).
        expr: Option<Expr>,
    },
    Map {
        column: String,
        groups: Vec<Vec<MapValue>>,
    },
    Segments(Vec<Expr>),
}

/// Every rule of a rule list compiled, each a true/false condition.
fn compile_segments(segs: &[Segment], base: &Frame) -> Result<Vec<Expr>, RuleError> {
    let schema = |n: &str| base.dtype_of(n);
    let mut exprs = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let e = parse_condition(&s.when)
            .and_then(|e| compile(&e, &schema, &base.names))
            .map_err(|error| RuleError {
                segment: Some(i),
                error,
            })?;
        if e.1.is_some_and(|t| t != DType::Bool) {
            return Err(RuleError {
                segment: Some(i),
                error: ConditionError {
                    message: format!(
                        "the condition is {}, not true/false; compare it with something",
                        e.1.map_or("", |t| t.name())
                    ),
                    pos: Some(1),
                    hint: None,
                },
            });
        }
        exprs.push(e.0);
    }
    Ok(exprs)
}

/// What a bins rule cuts, per customer: its column, or its expression evaluated (None when the
/// rule is not bins, or what it reads is not there).
pub fn binned(rule: &Rule, base: &Frame) -> Option<std::sync::Arc<Vector>> {
    match rule {
        Rule::Bins {
            column, expr: true, ..
        } => {
            let e = compile_number(&column.value, base).ok()?;
            Some(super::expr::eval_shared(&e, base))
        }
        Rule::Bins { column, .. } => base.get(&column.value).cloned(),
        _ => None,
    }
}

/// A numeric expression of the customer's fields (bins over it), parsed and type-checked.
fn compile_number(text: &str, base: &Frame) -> Result<Expr, RuleError> {
    let e = parse_condition(text)
        .and_then(|e| compile(&e, &|n| base.dtype_of(n), &base.names))
        .map_err(|error| RuleError {
            segment: None,
            error,
        })?;
    match e.1 {
        Some(t) if !t.is_numeric() && t != DType::Date => Err(RuleError {
            segment: None,
            error: ConditionError {
                message: format!("bins need a number, but this expression is {}", t.name()),
                pos: Some(1),
                hint: None,
            },
        }),
        _ => Ok(e.0),
    }
}

/// Parse and type-check a criterion against the base frame's columns.
pub fn compile_criterion(c: &Criterion, base: &Frame) -> Result<Compiled, RuleError> {
    let schema = |n: &str| base.dtype_of(n);
    let whole = |msg: String| RuleError {
        segment: None,
        error: ConditionError {
            message: msg,
            pos: None,
            hint: None,
        },
    };
    let unknown = |col: &str| {
        let hint = crate::engine::error::did_you_mean(col, base.names.iter().map(|s| s.as_str()))
            .map(|m| format!("did you mean \"{m}\"?"));
        RuleError {
            segment: None,
            error: ConditionError {
                message: format!("unknown column \"{col}\""),
                pos: None,
                hint,
            },
        }
    };
    let form = match &c.rule {
        Rule::Bins {
            column,
            edges,
            expr: true,
            ..
        } => Form::Bins {
            column: column.value.clone(),
            edges: edges.clone(),
            expr: Some(compile_number(&column.value, base)?),
        },
        Rule::Bins { column, edges, .. } => {
            match schema(column) {
                None => return Err(unknown(column)),
                Some(t) if !t.is_numeric() && t != DType::Date => {
                    return Err(whole(format!(
                        "bins need a numeric column, but \"{}\" is {}",
                        column.value,
                        t.name()
                    )));
                }
                _ => {}
            }
            Form::Bins {
                column: column.value.clone(),
                edges: edges.clone(),
                expr: None,
            }
        }
        Rule::Map { column, groups } => {
            if schema(column).is_none() {
                return Err(unknown(column));
            }
            Form::Map {
                column: column.value.clone(),
                groups: groups.iter().map(|g| g.1.clone()).collect(),
            }
        }
        Rule::Segments(segs) => Form::Segments(compile_segments(segs, base)?),
    };
    Ok(Compiled {
        labels: c.rule.labels(),
        otherwise: c.otherwise.clone(),
        form,
        overlap: c.overlap,
    })
}

/// Customers matched by two rules at once.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverlapCell {
    pub a: String,
    pub b: String,
    pub customers: usize,
    /// Row indices of up to five such customers (in customer-id order).
    #[serde(skip)]
    pub sample: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Exclusive,
    Resolved,
    Overlapping,
}

/// The exclusivity audit of one criterion, independent of rule order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exclusivity {
    pub policy: Overlap,
    pub verdict: Verdict,
    /// Customers whose condition is true, per rule, whatever the rule order.
    pub matched: Vec<(String, usize)>,
    pub overlaps: Vec<OverlapCell>,
    pub multi_matched: usize,
    pub unassigned: usize,
    /// Up to five customers matched by no rule.
    #[serde(skip)]
    pub unassigned_sample: Vec<usize>,
}

impl Exclusivity {
    /// The verdict in words, for every face (tables, screens, reports).
    pub fn describe(&self) -> String {
        let n = crate::engine::format::thousands(self.multi_matched as u64);
        match self.verdict {
            Verdict::Exclusive => "exclusive".into(),
            Verdict::Resolved => format!("resolved: {n} matched 2+ rules, first wins"),
            Verdict::Overlapping => format!("OVERLAPPING: {n} matched 2+ rules"),
        }
    }
}

/// The outcome of one criterion.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Segment names: the rules' labels, then `otherwise`.
    pub names: Vec<String>,
    /// Per customer, an index into `names`.
    pub label: std::sync::Arc<Vec<u16>>,
    pub exclusivity: Exclusivity,
}

impl Assignment {
    pub fn label_of(&self, row: usize) -> &str {
        &self.names[self.label[row] as usize]
    }
}

fn map_match(v: &Vector, i: usize, vals: &[MapValue]) -> bool {
    vals.iter().any(|m| match (m, v) {
        (MapValue::Text(s), Vector::Text(t)) => t.get(i) == Some(s.as_str()),
        (MapValue::Number(x), _) => {
            v.f64_at(i) == Some(*x) && !matches!(v, Vector::Text(_) | Vector::Bool(_))
        }
        (MapValue::Bool(b), Vector::Bool(c)) => c.get(i) == Some(*b),
        (MapValue::Text(s), other) => other.text_at(i).as_deref() == Some(s.as_str()),
        _ => false,
    })
}

/// Each customer's bin among `edges` (the number of edges at or below its value), `at(i)`
/// giving customer `i`'s value.
fn binned_by(
    (n, r): (usize, usize),
    edges: &[f64],
    at: impl Fn(usize) -> Option<f64> + Sync,
) -> Matches {
    Matches::build(n, r, |i, set| {
        if let Some(x) = at(i) {
            set.set(edges.iter().filter(|&&e| e <= x).count());
        }
    })
}

/// Which rules of `c` each customer matches.
fn matches(c: &Compiled, base: &Frame) -> Matches {
    let (n, r) = (base.len, c.labels.len());
    match &c.form {
        Form::Bins {
            column,
            edges,
            expr,
        } => {
            let v = match expr {
                Some(e) => super::expr::eval_shared(e, base),
                None => std::sync::Arc::clone(base.get(column).expect("compiled")),
            };
            // the column's type matched once, not per row
            match &*v {
                Vector::Int(c) => binned_by((n, r), edges, |i| c.get(i).map(|x| x as f64)),
                Vector::Float(c) => binned_by((n, r), edges, |i| c.get(i)),
                other => binned_by((n, r), edges, |i| other.f64_at(i)),
            }
        }
        Form::Map { column, groups } => {
            let v = base.get(column).expect("compiled");
            if let Vector::Text(t) = &**v {
                // once per distinct value: the groups each holds
                let per: Vec<Vec<usize>> = (0..t.dict.len())
                    .map(|d| {
                        let text = |m: &MapValue| matches!(m, MapValue::Text(s) if *s == t.dict[d]);
                        (0..groups.len())
                            .filter(|&g| groups[g].iter().any(text))
                            .collect()
                    })
                    .collect();
                Matches::build(n, r, |i, set| {
                    if let Some(gs) = per.get(t.codes[i] as usize) {
                        gs.iter().for_each(|&g| set.set(g));
                    }
                })
            } else {
                Matches::build(n, r, |i, set| {
                    for (g, vals) in groups.iter().enumerate() {
                        if map_match(v, i, vals) {
                            set.set(g);
                        }
                    }
                })
            }
        }
        // every rule read in one pass over the rows, 64 at a time
        Form::Segments(exprs) => super::mask::matches_of(exprs, base),
    }
}

/// The verdict of a criterion whose rules `multi` customers match two or more of.
pub fn verdict(multi: usize, policy: Overlap) -> Verdict {
    match (multi, policy) {
        (0, _) => Verdict::Exclusive,
        (_, Overlap::FirstMatch) => Verdict::Resolved,
        (_, Overlap::Strict) => Verdict::Overlapping,
    }
}

/// Evaluate a compiled criterion over every customer.
pub fn assign(c: &Compiled, base: &Frame) -> Assignment {
    let r = c.labels.len();
    let mut names = c.labels.clone();
    names.push(c.otherwise.clone());
    let Scan {
        label,
        matched,
        pair,
        mut samples,
        multi,
        unassigned,
        unassigned_sample,
    } = scan(&matches(c, base), r as u16);
    let mut overlaps = Vec::new();
    for a in 0..r {
        for b in a + 1..r {
            if pair[a][b] > 0 {
                overlaps.push(OverlapCell {
                    a: names[a].clone(),
                    b: names[b].clone(),
                    customers: pair[a][b],
                    sample: std::mem::take(&mut samples[a][b]),
                });
            }
        }
    }
    Assignment {
        exclusivity: Exclusivity {
            policy: c.overlap,
            verdict: verdict(multi, c.overlap),
            matched: c.labels.iter().cloned().zip(matched).collect(),
            overlaps,
            multi_matched: multi,
            unassigned,
            unassigned_sample,
        },
        names,
        label: std::sync::Arc::new(label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::eval::frame::TextVec;
    use crate::engine::eval::valuation::{Measures, value_segments};
    use crate::engine::rules::{Segment, Spanned, Step, ValuationConfig};
    use proptest::prelude::*;

    fn frame(age: &[Option<i64>], city: &[Option<&str>]) -> Frame {
        let mut f = Frame::new(age.len());
        f.set("age", Vector::Int(age.to_vec().into()));
        f.set(
            "city",
            Vector::Text(TextVec::from_values(city.iter().copied())),
        );
        f
    }

    fn criterion(rule: Rule, overlap: Overlap) -> Criterion {
        Criterion {
            name: Spanned::bare("c".into()),
            step: Step::Demographic,
            rule,
            overlap,
            otherwise: "other".into(),
        }
    }

    fn segments(conds: &[&str]) -> Rule {
        Rule::Segments(
            conds
                .iter()
                .enumerate()
                .map(|(i, c)| Segment {
                    name: Spanned::bare(format!("s{i}")),
                    when: Spanned::bare(c.to_string()),
                })
                .collect(),
        )
    }

    #[test]
    fn bins_boundaries_and_nulls() {
        let f = frame(&[Some(24), Some(25), Some(39), Some(40), None], &[None; 5]);
        let rule = Rule::Bins {
            column: Spanned::bare("age".into()),
            edges: vec![25.0, 40.0],
            labels: vec!["a".into(), "b".into(), "c".into()],
            expr: false,
        };
        let a = assign(
            &compile_criterion(&criterion(rule, Overlap::FirstMatch), &f).unwrap(),
            &f,
        );
        let labels: Vec<&str> = (0..5).map(|i| a.label_of(i)).collect();
        // closed below, open above: 25 is in [25, 40), 40 in >= 40; NULL goes to otherwise
        assert_eq!(labels, vec!["a", "b", "b", "c", "other"]);
        assert_eq!(a.exclusivity.verdict, Verdict::Exclusive);
        assert_eq!(a.exclusivity.unassigned, 1);
    }

    #[test]
    fn map_groups_and_unlisted_values() {
        let f = frame(
            &[None; 4],
            &[Some("Rīga"), Some("Baku"), None, Some("Oslo")],
        );
        let rule = Rule::Map {
            column: Spanned::bare("city".into()),
            groups: vec![
                ("baltic".into(), vec![MapValue::Text("Rīga".into())]),
                ("caucasus".into(), vec![MapValue::Text("Baku".into())]),
            ],
        };
        let a = assign(
            &compile_criterion(&criterion(rule, Overlap::FirstMatch), &f).unwrap(),
            &f,
        );
        assert_eq!(
            (0..4).map(|i| a.label_of(i)).collect::<Vec<_>>(),
            vec!["baltic", "caucasus", "other", "other"]
        );
    }

    #[test]
    fn overlaps_counted_whatever_the_order_and_strict_flags_them() {
        let f = frame(&[Some(10), Some(30), Some(50), None], &[None; 4]);
        let c = criterion(
            segments(&["age > 20", "age > 40", "age < 100"]),
            Overlap::Strict,
        );
        let a = assign(&compile_criterion(&c, &f).unwrap(), &f);
        let ex = &a.exclusivity;
        assert_eq!(ex.verdict, Verdict::Overlapping);
        assert_eq!(
            ex.matched,
            vec![("s0".into(), 2), ("s1".into(), 1), ("s2".into(), 3)]
        );
        assert_eq!(ex.multi_matched, 2);
        assert_eq!(ex.unassigned, 1);
        let cells: Vec<(&str, &str, usize)> = ex
            .overlaps
            .iter()
            .map(|o| (o.a.as_str(), o.b.as_str(), o.customers))
            .collect();
        assert_eq!(
            cells,
            vec![("s0", "s1", 1), ("s0", "s2", 2), ("s1", "s2", 1)]
        );
        assert_eq!(ex.overlaps[1].sample, vec![1, 2]);
        assert_eq!(
            (0..4).map(|i| a.label_of(i)).collect::<Vec<_>>(),
            vec!["s2", "s0", "s0", "other"]
        );
    }

    const CONDS: [&str; 8] = [
        "age > 30",
        "age <= 45",
        "city = 'Rīga'",
        "city IS NULL",
        "age BETWEEN 20 AND 60",
        "NOT (age > 50)",
        "city IN ('Baku', 'Oslo') OR age < 18",
        "age % 2 = 0",
    ];

    proptest! {
        #[test]
        fn every_customer_in_exactly_one_segment_and_first_match_is_the_audit_resolution(
            ages in proptest::collection::vec(proptest::option::of(0i64..100), 1..60),
            city_pick in proptest::collection::vec(0usize..4, 60),
            rules in proptest::collection::vec(0usize..CONDS.len(), 1..5),
        ) {
            let cities = [Some("Rīga"), Some("Baku"), Some("Oslo"), None];
            let n = ages.len();
            let city: Vec<Option<&str>> = (0..n).map(|i| cities[city_pick[i]]).collect();
            let f = frame(&ages, &city);
            let conds: Vec<&str> = rules.iter().map(|&r| CONDS[r]).collect();
            let c = criterion(segments(&conds), Overlap::FirstMatch);
            let compiled = compile_criterion(&c, &f).unwrap();
            let a = assign(&compiled, &f);
            let Form::Segments(exprs) = &compiled.form else { unreachable!() };
            let truth: Vec<Vec<Option<bool>>> = exprs.iter().map(|e| crate::engine::eval::expr::eval_bool(e, &f).to_options()).collect();
            let mut multi = 0;
            let mut none = 0;
            for (i, &label) in a.label.iter().enumerate() {
                let hits: Vec<usize> = truth.iter().enumerate().filter(|(_, t)| t[i] == Some(true)).map(|(k, _)| k).collect();
                let expected = hits.first().copied().unwrap_or(exprs.len());
                prop_assert_eq!(label as usize, expected);
                multi += (hits.len() > 1) as usize;
                none += hits.is_empty() as usize;
            }
            prop_assert_eq!(a.exclusivity.multi_matched, multi);
            prop_assert_eq!(a.exclusivity.unassigned, none);
            let value: crate::engine::eval::frame::Cells<f64> = ages.iter().map(|a| a.map(|x| x as f64)).collect();
            let rows = value_segments(&a, &Measures { value: &value, cost: None, extra: &[] }, &ValuationConfig::default());
            prop_assert_eq!(rows.iter().map(|r| r.customers).sum::<usize>(), n);
            let share: f64 = rows.iter().map(|r| r.customer_share).sum();
            prop_assert!((share - 1.0).abs() < 1e-9);
            let last = rows.last().unwrap();
            prop_assert!((last.cumulative_customer_share - 1.0).abs() < 1e-9);
            let total: f64 = value.iter().flatten().sum();
            if total > 0.0 {
                let vs: f64 = rows.iter().map(|r| r.value_share).sum();
                prop_assert!((vs - 1.0).abs() < 1e-9);
            }
        }
    }
}
