//! Changes to the list of criteria and to the valuation minimums, and checks of what is typed for them.

use super::EditError;
use crate::engine::rules::characteristics::Characteristic;
use crate::engine::rules::{Criterion, Rule, Segment, Spanned};

fn fail<T>(message: impl Into<String>, pos: Option<usize>) -> Result<T, EditError> {
    Err(EditError {
        message: message.into(),
        pos,
    })
}

/// A change to the list of criteria (not to one criterion's rules).
#[derive(Debug, Clone)]
pub enum StructEdit {
    Add(Box<Criterion>),
    Rename {
        index: usize,
        name: String,
    },
    Delete {
        index: usize,
    },
    /// The valuation's worth-it minimums (shares, 0–1).
    Thresholds {
        customers: f64,
        value: f64,
    },
    /// The value and cost per customer (None: the default).
    Measures {
        value: Option<String>,
        cost: Option<String>,
    },
    /// Step 2: columns' characteristics confirmed (None: taken back to a suggestion).
    Characteristics(Vec<(String, Option<Characteristic>)>),
}

impl StructEdit {
    /// Apply to a workspace.
    pub fn apply(&self, ws: &mut crate::engine::rules::Workspace) {
        let criteria = &mut ws.criteria;
        match self {
            StructEdit::Thresholds { customers, value } => {
                ws.valuation.min_customer_share = *customers;
                ws.valuation.min_value_share = *value;
            }
            StructEdit::Measures { value, cost } => {
                let spanned = |x: &Option<String>| x.clone().map(Spanned::bare);
                ws.valuation.value = spanned(value);
                ws.valuation.cost = spanned(cost);
            }
            StructEdit::Characteristics(set) => {
                crate::engine::rules::characteristics::set_in(&mut ws.characteristics, set)
            }
            StructEdit::Add(c) => criteria.push((**c).clone()),
            StructEdit::Rename { index, name } => {
                if let Some(c) = criteria.get_mut(*index) {
                    c.name = Spanned::bare(name.clone());
                }
            }
            StructEdit::Delete { index } => {
                if *index < criteria.len() {
                    criteria.remove(*index);
                }
            }
        }
    }
}

/// A new criterion for a step: one rule that takes everyone, to be edited.
pub fn new_criterion(step: crate::engine::rules::Step, taken: &[String]) -> Criterion {
    let base = format!("new_{}", step.as_str());
    let name = crate::engine::rules::unused_name(&base, taken);
    Criterion {
        name: Spanned::bare(name),
        step,
        rule: Rule::Segments(vec![Segment {
            name: Spanned::bare("everyone".into()),
            when: Spanned::bare("TRUE".into()),
        }]),
        overlap: crate::engine::rules::Overlap::FirstMatch,
        otherwise: "unassigned".into(),
    }
}

/// Check a criterion name typed in the wizard.
pub fn check_criterion_name(name: &str, others: &[String]) -> Result<(), EditError> {
    let n = name.trim();
    if n.is_empty() {
        return fail("a name cannot be empty", Some(1));
    }
    if n.contains(['.', '"', '\n']) || n.chars().any(char::is_control) {
        return fail(
            "use letters, digits, spaces, - or _ (no dots or quotes)",
            n.find(['.', '"']).map(|b| n[..b].chars().count() + 1),
        );
    }
    if others.iter().any(|o| o == n) {
        return fail(format!("a criterion is already called \"{n}\""), Some(1));
    }
    Ok(())
}

/// `2024-01-01, 2025-01-01`: two dates, the first before the second.
pub fn parse_dates(text: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), EditError> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != 2 {
        return fail(
            "write two dates: from, to (e.g. 2024-01-01, 2025-01-01)",
            None,
        );
    }
    let mut out = Vec::new();
    let mut pos = 1;
    for p in &parts {
        let at = pos + p.len() - p.trim_start().len();
        pos += p.chars().count() + 1;
        match chrono::NaiveDate::parse_from_str(p.trim(), "%Y-%m-%d") {
            Ok(d) => out.push(d),
            Err(_) => {
                return fail(
                    format!("\"{}\" is not a date like 2025-01-31", p.trim()),
                    Some(at),
                );
            }
        }
    }
    if out[0] >= out[1] {
        return fail("the first date must come before the second", None);
    }
    Ok((out[0], out[1]))
}

/// `2 %, 5 %` (or `2, 5`): the two valuation minimums, as shares.
pub fn parse_thresholds(text: &str) -> Result<(f64, f64), EditError> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != 2 {
        return fail(
            "write two percentages: customers, value (e.g. 2 %, 5 %)",
            None,
        );
    }
    let mut out = [0.0; 2];
    let mut pos = 1;
    for (k, p) in parts.iter().enumerate() {
        let at = pos + p.len() - p.trim_start().len();
        pos += p.chars().count() + 1;
        let t = p.trim().trim_end_matches('%').trim();
        match t.parse::<f64>() {
            Ok(x) if (0.0..=100.0).contains(&x) => out[k] = x / 100.0,
            _ => {
                return fail(
                    format!("\"{}\" is not a percentage from 0 to 100", p.trim()),
                    Some(at),
                );
            }
        }
    }
    Ok((out[0], out[1]))
}
