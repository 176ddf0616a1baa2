//! The summary JSON of `strata run --summary` (SPEC §5), numbers unrounded, NaN as null.

use serde_json::{Map, Value, json};

use crate::engine::eval::session::Session;

fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn opt(x: Option<f64>) -> Value {
    x.map(num).unwrap_or(Value::Null)
}

/// Build the summary document.
pub fn summary(s: &Session) -> Value {
    let total: f64 = s.value.iter().flatten().sum();
    let criteria: Vec<Value> = s
        .ws
        .criteria
        .iter()
        .zip(&s.results)
        .map(|(c, r)| {
            let segments: Vec<Value> = r
                .valuation
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
            let ex = &r.assignment.exclusivity;
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
        "customers": s.base.len,
        "value_total": num(total),
        "pareto": {
            "top20_value_share": num(s.pareto.top20_value_share),
            "customer_share_for_80pct_value": num(s.pareto.customer_share_for_80pct_value),
        },
        "criteria": criteria,
    });
    if let (false, Value::Object(m)) = (s.quality.is_empty(), &mut doc) {
        let q: Vec<Value> = s.quality.iter().map(|q| q.summary()).collect();
        m.insert("data_quality".into(), Value::Array(q));
    }
    if let (Some(f), Value::Object(m)) = (&s.clv, &mut doc) {
        m.insert("purchase_history".into(), models(f));
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
