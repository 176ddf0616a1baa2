//! Why a customer is in each segment: every rule tried, its result, and the values it read.

use super::expr::{compile, eval_bool};
use super::session::Session;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Rule;
use crate::engine::rules::condition::parse_condition;

/// One rule as tried for one customer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleTrial {
    pub segment: String,
    /// The rule as written (condition, interval or group).
    pub rule: String,
    /// true, false, or None for NULL (does not match).
    pub result: Option<bool>,
    /// The values the rule read: (name, value shown as text, "NULL" when missing).
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CriterionExplain {
    pub criterion: String,
    pub step: &'static str,
    pub segment: String,
    pub rules: Vec<RuleTrial>,
}

fn shown(s: &Session, name: &str, row: usize) -> (String, String) {
    let v = s
        .base
        .get(name)
        .and_then(|v| v.text_at(row))
        .unwrap_or_else(|| "NULL".into());
    (name.to_string(), v)
}

/// The base-table row of a customer id (compared as text).
pub fn find_customer(s: &Session, id: &str) -> Option<usize> {
    (0..s.ids.len()).find(|&i| s.ids.text_at(i).as_deref() == Some(id))
}

/// Explain every criterion for the customer `id`.
pub fn explain(s: &Session, id: &str) -> Result<Vec<CriterionExplain>> {
    let row = find_customer(s, id)
        .ok_or_else(|| EngineError::Invalid(format!("no customer with id {id:?}")))?;
    let one = {
        let mut f = super::frame::Frame::new(1);
        for (n, c) in s.base.names.iter().zip(&s.base.cols) {
            f.set(n, c.take(&[row]));
        }
        f
    };
    let mut out = Vec::new();
    for (c, r) in s.ws.criteria.iter().zip(&s.results) {
        let mut rules = Vec::new();
        match &c.rule {
            Rule::Bins {
                column,
                edges,
                labels,
            } => {
                let x = s.base.get(column).and_then(|v| v.f64_at(row));
                for (k, l) in labels.iter().enumerate() {
                    let lo = if k == 0 { None } else { Some(edges[k - 1]) };
                    let hi = edges.get(k).copied();
                    let text = match (lo, hi) {
                        (None, Some(h)) => format!("{} < {h}", column.value),
                        (Some(lo), Some(h)) => format!("{lo} <= {} < {h}", column.value),
                        (Some(lo), None) => format!("{} >= {lo}", column.value),
                        (None, None) => "TRUE".into(),
                    };
                    let result = x.map(|x| lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x < h));
                    rules.push(RuleTrial {
                        segment: l.clone(),
                        rule: text,
                        result,
                        values: vec![shown(s, column, row)],
                    });
                }
            }
            Rule::Map { column, groups } => {
                for (k, (l, vals)) in groups.iter().enumerate() {
                    let text = format!(
                        "{} IN ({})",
                        column.value,
                        vals.iter()
                            .map(|v| format!("'{v}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    // a value belongs to one group at most, so the assignment says which group matched
                    let is_null = s.base.get(column).is_none_or(|v| v.is_null(row));
                    let result = (!is_null).then(|| r.assignment.label[row] as usize == k);
                    rules.push(RuleTrial {
                        segment: l.clone(),
                        rule: text,
                        result,
                        values: vec![shown(s, column, row)],
                    });
                }
            }
            Rule::Segments(segs) => {
                for sg in segs {
                    let parsed = parse_condition(&sg.when)
                        .and_then(|e| compile(&e, &|n| one.dtype_of(n), &one.names));
                    let (result, values) = match parsed {
                        Ok((e, _)) => {
                            let mut names: Vec<&str> =
                                e.columns().into_iter().map(|c| c.0).collect();
                            names.dedup();
                            (
                                eval_bool(&e, &one)[0],
                                names.into_iter().map(|n| shown(s, n, row)).collect(),
                            )
                        }
                        Err(_) => (None, vec![]),
                    };
                    rules.push(RuleTrial {
                        segment: sg.name.value.clone(),
                        rule: sg.when.value.clone(),
                        result,
                        values,
                    });
                }
            }
        }
        out.push(CriterionExplain {
            criterion: c.name.value.clone(),
            step: c.step.as_str(),
            segment: r.assignment.label_of(row).to_string(),
            rules,
        });
    }
    Ok(out)
}
