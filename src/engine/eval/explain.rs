//! Why a customer is in each segment: every rule tried, its result, and the values it read.

use super::expr::{compile, eval_bool};
use super::session::Session;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Rule;
use crate::engine::rules::condition::{BinOp, Expr, parse_condition};

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
    /// For a condition joined by AND (or OR) at the top: each part with its own result.
    pub parts: Vec<(String, Option<bool>)>,
}

/// Where a customer stands in one RFM score's distribution.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScorePosition {
    /// `r_score`, `f_score`, `m_score`.
    pub score: String,
    pub value: Option<u32>,
    pub bins: usize,
    pub measure: String,
    pub measure_value: Option<f64>,
    /// Share of buyers with a lower measure (recency: a higher one, i.e. less recent).
    pub beats: Option<f64>,
    /// The measure's range among the customers with the same score.
    pub range: Option<(f64, f64)>,
}

/// The parts of a condition at its top level (`a AND b AND c` → a, b, c), or itself.
fn split_top(e: &Expr) -> Vec<&Expr> {
    fn walk<'a>(e: &'a Expr, op: BinOp, out: &mut Vec<&'a Expr>) {
        match e {
            Expr::Binary { op: o, l, r } if *o == op => {
                walk(l, op, out);
                walk(r, op, out);
            }
            other => out.push(other),
        }
    }
    let mut out = Vec::new();
    match e {
        Expr::Binary { op: BinOp::And, .. } => walk(e, BinOp::And, &mut out),
        Expr::Binary { op: BinOp::Or, .. } => walk(e, BinOp::Or, &mut out),
        other => out.push(other),
    }
    out
}

/// A condition part as readable text (names bare when they can be).
fn part_text(e: &Expr) -> String {
    let d = crate::engine::out::sql::Dialect::DuckDb;
    let col = crate::engine::rules::condition::print::readable_column;
    let t = crate::engine::out::sql::expr::print(d, e, &col);
    match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) if e_is_wrapped(e) => inner.to_string(),
        _ => t,
    }
}

fn e_is_wrapped(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Binary { .. }
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::IsNull { .. }
            | Expr::Like { .. }
            | Expr::Not(_)
    )
}

/// The customer's place in each score's distribution (empty without orders).
pub fn score_positions(s: &Session, row: usize) -> Vec<ScorePosition> {
    let buyers: Vec<usize> = match s.base.get("orders") {
        Some(o) => (0..o.len())
            .filter(|&i| o.f64_at(i).is_some_and(|x| x >= 1.0))
            .collect(),
        None => return vec![],
    };
    s.scores
        .iter()
        .map(|info| {
            let score = s
                .base
                .get(&info.name)
                .and_then(|v| v.f64_at(row))
                .map(|x| x as u32);
            let m = s.base.get(&info.measure);
            let x = m.and_then(|v| v.f64_at(row));
            let beats = match (m, x, buyers.is_empty()) {
                (Some(m), Some(x), false) if score.is_some() => {
                    let below = buyers
                        .iter()
                        .filter(|&&i| {
                            m.f64_at(i).is_some_and(|y| {
                                if info.measure == "recency_days" {
                                    y > x
                                } else {
                                    y < x
                                }
                            })
                        })
                        .count();
                    Some(below as f64 / buyers.len() as f64)
                }
                _ => None,
            };
            ScorePosition {
                score: info.name.clone(),
                value: score,
                bins: info.counts.len(),
                measure: info.measure.clone(),
                measure_value: x,
                beats,
                range: score.and_then(|v| info.ranges.get(v as usize - 1).copied().flatten()),
            }
        })
        .collect()
}

/// Everything the explanation of one customer holds: each criterion's rules as tried, and the
/// customer's place in each RFM score.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub id: String,
    pub criteria: Vec<CriterionExplain>,
    pub scores: Vec<ScorePosition>,
}

/// Explain customer `id`: every criterion and every score.
pub fn explanation(s: &Session, id: &str) -> Result<Explanation> {
    let criteria = explain(s, id)?;
    let row = find_customer(s, id).unwrap_or(0);
    Ok(Explanation {
        id: id.to_string(),
        criteria,
        scores: score_positions(s, row),
    })
}

impl RuleTrial {
    /// The verdict mark: `✔ match`, `✔ also true (an earlier rule won)`, `✘ false`, `∅ NULL…`.
    pub fn mark(&self, decided_before: bool) -> &'static str {
        match self.result {
            Some(true) if !decided_before => "✔ match",
            Some(true) => "✔ also true (an earlier rule won)",
            Some(false) => "✘ false",
            None => "∅ NULL (no match)",
        }
    }
}

impl ScorePosition {
    /// One line: `r_score = 4 of 5: recency_days = 12, more recent than 71.3 % of buyers; …`.
    pub fn describe(&self) -> String {
        let show = |x: f64| crate::engine::format::plain_number((x * 100.0).round() / 100.0);
        match (self.value, self.measure_value, self.beats) {
            (Some(v), Some(x), Some(b)) => {
                let than = if self.measure == "recency_days" {
                    "more recent than"
                } else {
                    "above"
                };
                let range = self
                    .range
                    .map(|(lo, hi)| format!("; score {v} spans {}–{}", show(lo), show(hi)))
                    .unwrap_or_default();
                format!(
                    "{} = {v} of {}: {} = {}, {than} {} of buyers{range}",
                    self.score,
                    self.bins,
                    self.measure,
                    show(x),
                    crate::engine::format::percent(b)
                )
            }
            _ => format!("{} = NULL (no orders)", self.score),
        }
    }
}

/// The explanation as text, for the command line.
pub fn explain_text(s: &Session, id: &str) -> Result<String> {
    let ex = explanation(s, id)?;
    let clean = crate::engine::format::visible;
    let mut out = format!("customer {}\n", clean(id));
    for c in &ex.criteria {
        out.push_str(&format!(
            "\n{} ({}) → {}\n",
            clean(&c.criterion),
            c.step,
            clean(&c.segment)
        ));
        let mut decided = false;
        for r in &c.rules {
            let mark = r.mark(decided);
            decided |= r.result == Some(true);
            let vals = r
                .values
                .iter()
                .map(|(n, v)| format!("{n} = {}", clean(v)))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!(
                "  {:<18} {:<34} {mark}   [{vals}]\n",
                clean(&r.segment),
                clean(&r.rule)
            ));
            if r.parts.len() > 1 {
                for (t, v) in &r.parts {
                    let m = match v {
                        Some(true) => "true",
                        Some(false) => "false",
                        None => "NULL",
                    };
                    out.push_str(&format!("  {:<18}   · {:<32} {m}\n", "", clean(t)));
                }
            }
        }
        if !decided {
            out.push_str("  no rule matched → otherwise\n");
        }
    }
    if !ex.scores.is_empty() {
        out.push_str("\nRFM scores\n");
        for p in &ex.scores {
            out.push_str(&format!("  {}\n", p.describe()));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CriterionExplain {
    pub criterion: String,
    pub step: &'static str,
    pub segment: String,
    pub rules: Vec<RuleTrial>,
}

/// A value as the record and the explanations show it (numbers to 15 significant digits).
fn shown(s: &Session, name: &str, row: usize) -> (String, String) {
    let v = match s.base.get(name).map(|v| &**v) {
        Some(super::frame::Vector::Float(x)) => x.get(row).map(crate::engine::format::decimal),
        Some(v) => v.text_at(row),
        None => None,
    }
    .unwrap_or_else(|| "NULL".into());
    (name.to_string(), v)
}

/// Every column and derived field of one customer, in the frame's order, as text ("NULL" when
/// missing): the record view.
pub fn record(s: &Session, id: &str) -> Result<Vec<(String, String)>> {
    let row = find_customer(s, id)
        .ok_or_else(|| EngineError::Invalid(format!("no customer with id {id:?}")))?;
    // what the customer is worth first (the valuation's measure), then every field, numbers
    // rounded for reading
    let measure =
        s.ws.valuation
            .value
            .as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_else(|| {
                if s.ws.data.orders.is_some() {
                    "revenue"
                } else {
                    "1 each"
                }
                .to_string()
            });
    let value = s
        .value
        .get(row)
        .map_or_else(|| "NULL".into(), crate::engine::format::amount);
    let mut out = vec![(format!("value ({measure})"), value)];
    out.extend(s.base.names.iter().map(|n| {
        let (name, v) = shown(s, n, row);
        match s.base.get(n).map(|v| &**v) {
            Some(super::frame::Vector::Float(x)) => {
                (name, x.get(row).map_or(v, crate::engine::format::readable))
            }
            _ => (name, v),
        }
    }));
    Ok(out)
}

/// The base-table row of a customer id (compared as text).
pub fn find_customer(s: &Session, id: &str) -> Option<usize> {
    (0..s.ids.len()).find(|&i| s.ids.text_at(i).as_deref() == Some(id))
}

/// A rule's verdict, the values it read (name, value), and its parts' verdicts.
type RuleTry = (
    Option<bool>,
    Vec<(String, String)>,
    Vec<(String, Option<bool>)>,
);

/// One rule's condition tried on the customer's row (`one`, the row `row` alone): its verdict,
/// the values it read, and each part of a top-level AND/OR with its own verdict.
fn try_rule(s: &Session, one: &super::frame::Frame, row: usize, when: &str) -> RuleTry {
    let parsed = parse_condition(when).and_then(|e| compile(&e, &|n| one.dtype_of(n), &one.names));
    match parsed {
        Ok((e, _)) => {
            let mut names: Vec<&str> = Vec::new();
            for (n, _) in e.columns() {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let parts = split_top(&e)
                .into_iter()
                .map(|p| (part_text(p), eval_bool(p, one).get(0)))
                .collect();
            (
                eval_bool(&e, one).get(0),
                names.into_iter().map(|n| shown(s, n, row)).collect(),
                parts,
            )
        }
        Err(_) => (None, vec![], vec![]),
    }
}

/// What bins read for one customer: the column, or the expression's value (`x`) and the
/// fields it reads.
fn bins_read(
    s: &Session,
    (column, expr): (&str, bool),
    x: Option<f64>,
    row: usize,
) -> Vec<(String, String)> {
    if !expr {
        return vec![shown(s, column, row)];
    }
    let mut v = vec![(
        column.to_string(),
        x.map_or_else(|| "NULL".into(), crate::engine::format::decimal),
    )];
    if let Ok(e) = parse_condition(column) {
        let mut names: Vec<&str> = e.columns().into_iter().map(|c| c.0).collect();
        names.dedup();
        v.extend(names.into_iter().map(|n| shown(s, n, row)));
    }
    v
}

/// Explain every criterion for the customer `id`.
pub fn explain(s: &Session, id: &str) -> Result<Vec<CriterionExplain>> {
    let row = find_customer(s, id)
        .ok_or_else(|| EngineError::Invalid(format!("no customer with id {id:?}")))?;
    let one = {
        let mut f = super::frame::Frame::new(1);
        for (n, c) in s.base.names.iter().zip(s.base.columns()) {
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
                expr,
                ..
            } => {
                let x = super::criteria::binned(&c.rule, &s.base).and_then(|v| v.f64_at(row));
                let read = bins_read(s, (&column.value, *expr), x, row);
                for (k, (l, text)) in c.rule.texts().into_iter().enumerate() {
                    let lo = k.checked_sub(1).map(|i| edges[i]);
                    let hi = edges.get(k).copied();
                    let result = x.map(|x| lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x < h));
                    rules.push(RuleTrial {
                        segment: l,
                        rule: text,
                        result,
                        values: read.clone(),
                        parts: vec![],
                    });
                }
            }
            Rule::Map { column, .. } => {
                for (k, (l, text)) in c.rule.texts().into_iter().enumerate() {
                    // a value belongs to one group at most, so the assignment says which group matched
                    let is_null = s.base.get(column).is_none_or(|v| v.is_null(row));
                    let result = (!is_null).then(|| r.assignment.label[row] as usize == k);
                    rules.push(RuleTrial {
                        segment: l,
                        rule: text,
                        result,
                        values: vec![shown(s, column, row)],
                        parts: vec![],
                    });
                }
            }
            Rule::Segments(segs) => {
                for sg in segs {
                    let (result, values, parts) = try_rule(s, &one, row, &sg.when.value);
                    rules.push(RuleTrial {
                        segment: sg.name.value.clone(),
                        rule: sg.when.value.clone(),
                        result,
                        values,
                        parts,
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
