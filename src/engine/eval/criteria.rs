//! Assigning every customer to one segment per criterion, and the exclusivity audit (SPEC §4.1, §4.4).

use super::expr::{compile, eval_bool};
use super::frame::{DType, Frame, NULL_CODE, Vector};
use crate::engine::rules::condition::{ConditionError, Expr, parse_condition};
use crate::engine::rules::{Criterion, MapValue, Overlap, Rule};

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
    },
    Map {
        column: String,
        groups: Vec<Vec<MapValue>>,
    },
    Segments(Vec<Expr>),
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
        Rule::Segments(segs) => {
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
            Form::Segments(exprs)
        }
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

/// The outcome of one criterion.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Segment names: the rules' labels, then `otherwise`.
    pub names: Vec<String>,
    /// Per customer, an index into `names`.
    pub label: Vec<u16>,
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
        (MapValue::Bool(b), Vector::Bool(c)) => c[i] == Some(*b),
        (MapValue::Text(s), other) => other.text_at(i).as_deref() == Some(s.as_str()),
        _ => false,
    })
}

/// Evaluate a compiled criterion over every customer.
pub fn assign(c: &Compiled, base: &Frame) -> Assignment {
    let n = base.len;
    let r = c.labels.len();
    let mut names = c.labels.clone();
    names.push(c.otherwise.clone());
    let other = r as u16;
    // matches[k] = customers whose rule k is true
    let matches: Vec<Vec<bool>> = match &c.form {
        Form::Bins { column, edges } => {
            let v = base.get(column).expect("compiled");
            let mut m = vec![vec![false; n]; r];
            for (i, x) in (0..n).filter_map(|i| v.f64_at(i).map(|x| (i, x))) {
                let k = edges.iter().filter(|&&e| e <= x).count();
                m[k][i] = true;
            }
            m
        }
        Form::Map { column, groups } => {
            let v = base.get(column).expect("compiled");
            if let Vector::Text(t) = &**v {
                // once per distinct value
                groups
                    .iter()
                    .map(|g| {
                        let per: Vec<bool> = (0..t.dict.len())
                            .map(|d| {
                                g.iter()
                                    .any(|m| matches!(m, MapValue::Text(s) if *s == t.dict[d]))
                            })
                            .collect();
                        t.codes
                            .iter()
                            .map(|&c| c != NULL_CODE && per[c as usize])
                            .collect()
                    })
                    .collect()
            } else {
                groups
                    .iter()
                    .map(|g| (0..n).map(|i| map_match(v, i, g)).collect())
                    .collect()
            }
        }
        Form::Segments(exprs) => exprs
            .iter()
            .map(|e| {
                eval_bool(e, base)
                    .into_iter()
                    .map(|b| b == Some(true))
                    .collect()
            })
            .collect(),
    };
    let mut label = vec![other; n];
    let mut matched = vec![0usize; r];
    let mut pair = vec![vec![0usize; r]; r];
    let mut samples: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); r]; r];
    let (mut multi, mut unassigned) = (0usize, 0usize);
    let mut unassigned_sample = Vec::new();
    let mut hit: Vec<usize> = Vec::with_capacity(r);
    for i in 0..n {
        hit.clear();
        for (k, m) in matches.iter().enumerate() {
            if m[i] {
                hit.push(k);
                matched[k] += 1;
            }
        }
        match hit.first() {
            Some(&k) => label[i] = k as u16,
            None => {
                unassigned += 1;
                if unassigned_sample.len() < 5 {
                    unassigned_sample.push(i);
                }
            }
        }
        if hit.len() > 1 {
            multi += 1;
            for a in 0..hit.len() {
                for b in a + 1..hit.len() {
                    pair[hit[a]][hit[b]] += 1;
                    if samples[hit[a]][hit[b]].len() < 5 {
                        samples[hit[a]][hit[b]].push(i);
                    }
                }
            }
        }
    }
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
    let verdict = match (multi, c.overlap) {
        (0, _) => Verdict::Exclusive,
        (_, Overlap::FirstMatch) => Verdict::Resolved,
        (_, Overlap::Strict) => Verdict::Overlapping,
    };
    Assignment {
        exclusivity: Exclusivity {
            policy: c.overlap,
            verdict,
            matched: c.labels.iter().cloned().zip(matched).collect(),
            overlaps,
            multi_matched: multi,
            unassigned,
            unassigned_sample,
        },
        names,
        label,
    }
}
