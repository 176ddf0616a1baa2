//! The summary JSON of `strata run --summary` (SPEC §5), numbers unrounded, NaN as null.

use serde_json::{Map, Value, json};

use crate::engine::eval::criteria::Exclusivity;
use crate::engine::eval::session::Session;
use crate::engine::eval::valuation::{Pareto, SegmentValue};
use crate::engine::rules::Criterion;

fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn opt(x: Option<f64>) -> Value {
    x.map(num).unwrap_or(Value::Null)
}

/// What the summary says, wherever it was computed (here, or on a database server).
pub struct Figures<'a> {
    pub customers: usize,
    pub value_total: f64,
    pub pareto: &'a Pareto,
    /// Per criterion: its rule, its segments in valuation order, its exclusivity audit.
    pub criteria: Vec<(&'a Criterion, &'a [SegmentValue], &'a Exclusivity)>,
    pub quality: &'a [crate::engine::data::quality::FileQuality],
    pub clv: Option<&'a crate::engine::eval::clv::ClvFit>,
}

/// Build the summary document.
pub fn summary(s: &Session) -> Value {
    summary_of(&figures(s))
}

/// What a session computed, as the summary and the printed tables say it.
pub fn figures(s: &Session) -> Figures<'_> {
    Figures {
        customers: s.base.len,
        value_total: s.value.iter().flatten().sum(),
        pareto: &s.pareto,
        criteria: s
            .ws
            .criteria
            .iter()
            .zip(&s.results)
            .map(|(c, r)| (c, &r.valuation[..], &r.assignment.exclusivity))
            .collect(),
        quality: &s.quality,
        clv: s.clv.as_ref(),
    }
}

/// The summary document of figures computed anywhere.
pub fn summary_of(f: &Figures) -> Value {
    let criteria: Vec<Value> = f
        .criteria
        .iter()
        .map(|&(c, valuation, ex)| {
            let segments: Vec<Value> = valuation
                .iter()
                .map(|v| {
                    let mut m = Map::new();
                    m.insert("name".into(), json!(v.name));
                    m.insert("customers".into(), json!(v.customers));
                    m.insert("customer_share".into(), num(v.customer_share));
                    m.insert("value".into(), num(v.value));
                    m.insert("value_share".into(), num(v.value_share));
                    m.insert("value_per_customer".into(), num(v.value_per_customer));
                    m.insert("cost".into(), opt(v.cost));
                    m.insert("profit".into(), opt(v.profit));
                    m.insert("cumulative_customer_share".into(), num(v.cumulative_customer_share));
                    m.insert("cumulative_value_share".into(), num(v.cumulative_value_share));
                    m.insert("worth_marketing".into(), json!(v.worth_marketing));
                    m.insert("reasons".into(), json!(v.reasons));
                    if !v.measures.is_empty() {
                        m.insert("measures".into(), Value::Object(v.measures.iter().map(|(k, x)| (k.clone(), num(*x))).collect()));
                    }
                    Value::Object(m)
                })
                .collect();
            json!({
                "name": c.name.value,
                "step": c.step.as_str(),
                "segments": segments,
                "exclusivity": {
                    "policy": ex.policy,
                    "verdict": ex.verdict,
                    "matched": Value::Object(ex.matched.iter().map(|(k, n)| (k.clone(), json!(n))).collect()),
                    "overlaps": ex.overlaps,
                    "multi_matched": ex.multi_matched,
                    "unassigned": ex.unassigned,
                },
            })
        })
        .collect();
    let mut doc = json!({
        "customers": f.customers,
        "value_total": num(f.value_total),
        "pareto": {
            "top20_value_share": num(f.pareto.top20_value_share),
            "customer_share_for_80pct_value": num(f.pareto.customer_share_for_80pct_value),
        },
        "criteria": criteria,
    });
    // the files with bad values or bad rows (notes on how the rest was read are warnings)
    let bad: Vec<Value> = (f.quality.iter())
        .filter(|q| !q.is_clean())
        .map(|q| q.summary())
        .collect();
    if let (false, Value::Object(m)) = (bad.is_empty(), &mut doc) {
        m.insert("data_quality".into(), Value::Array(bad));
    }
    if let (Some(fit), Value::Object(m)) = (f.clv, &mut doc) {
        m.insert("purchase_history".into(), models(fit));
    }
    doc
}

/// The fitted models, when something asked for their fields.
pub fn models(f: &crate::engine::eval::clv::ClvFit) -> Value {
    let mut bg = serde_json::to_value(&f.bgnbd).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut bg {
        m.insert("horizon".into(), num(f.config.horizon));
    }
    let gg = match &f.gamma_gamma {
        Ok(g) => serde_json::to_value(g).unwrap_or(Value::Null),
        Err(e) => json!({ "error": e.to_string() }),
    };
    json!({ "bgnbd": bg, "gamma_gamma": gg })
}
