//! Ready-made criteria for purchase history: the common RFM segment set and a buyer life cycle, as ordinary editable rules.

use super::{Criterion, Overlap, Rule, Segment, Spanned, Step};

/// The names the wizard offers, with what each makes.
pub const PRESETS: [(&str, &str); 3] = [
    ("rfm", "the RFM segment set: champions, loyal, … lost"),
    ("lifecycle", "prospect, new, one-time, lapsed, repeat"),
    (
        "at_risk",
        "at risk: valuable but probably leaving (p_alive, predicted_value)",
    ),
];

/// A score threshold for `n` bins, scaled from the usual five (`4 of 5` is `8 of 10`).
fn at(k: u32, n: u32) -> u32 {
    ((k * n) as f64 / 5.0).round().max(1.0) as u32
}

fn rules(list: &[(&str, String)]) -> Rule {
    Rule::Segments(
        list.iter()
            .map(|(name, when)| Segment {
                name: Spanned::bare(name.to_string()),
                when: Spanned::bare(when.clone()),
            })
            .collect(),
    )
}

/// The RFM segments over `r_score f_score m_score` (first true rule wins), for `n` bins.
fn rfm(n: u32) -> Rule {
    let (hi, mid, lo, one) = (at(4, n), at(3, n), at(2, n), 1);
    let s = |r: String, f: String, m: String| format!("{r} AND {f} AND {m}");
    rules(&[
        (
            "champions",
            s(
                format!("r_score >= {hi}"),
                format!("f_score >= {hi}"),
                format!("m_score >= {hi}"),
            ),
        ),
        (
            "loyal",
            s(
                format!("r_score >= {lo}"),
                format!("f_score >= {mid}"),
                format!("m_score >= {mid}"),
            ),
        ),
        ("new", format!("r_score >= {hi} AND f_score = {one}")),
        (
            "potential loyalists",
            s(
                format!("r_score >= {mid}"),
                format!("f_score <= {mid}"),
                format!("m_score <= {mid}"),
            ),
        ),
        ("promising", format!("r_score >= {mid} AND f_score = {one}")),
        (
            "need attention",
            s(
                format!("r_score BETWEEN {lo} AND {mid}"),
                format!("f_score BETWEEN {lo} AND {mid}"),
                format!("m_score BETWEEN {lo} AND {mid}"),
            ),
        ),
        (
            "about to sleep",
            format!("r_score BETWEEN {lo} AND {mid} AND f_score <= {lo}"),
        ),
        (
            "can't lose",
            s(
                format!("r_score = {one}"),
                format!("f_score >= {hi}"),
                format!("m_score >= {hi}"),
            ),
        ),
        (
            "at risk",
            s(
                format!("r_score <= {lo}"),
                format!("f_score >= {lo}"),
                format!("m_score >= {lo}"),
            ),
        ),
        ("hibernating", format!("r_score = {lo} AND f_score <= {lo}")),
        ("lost", "r_score IS NOT NULL".into()),
    ])
}

fn lifecycle() -> Rule {
    rules(&[
        ("prospect", "orders = 0".into()),
        ("new", "tenure_days <= 90".into()),
        ("one-time", "orders = 1".into()),
        ("lapsed", "recency_days > 365".into()),
        ("repeat", "TRUE".into()),
    ])
}

/// Valuable but probably leaving: p_alive below one half, and worth at least `value` over the
/// horizon if still active (`predicted_value / p_alive`; the wizard uses the top quarter's floor).
fn at_risk(value: f64) -> Rule {
    let v = crate::engine::format::plain_number(crate::engine::eval::propose::round_number(value));
    let valuable = format!("predicted_value / p_alive >= {v}");
    rules(&[
        ("at risk", format!("p_alive < 0.5 AND {valuable}")),
        ("valuable", valuable),
        ("probably gone", "p_alive < 0.5".into()),
        ("active", "p_alive >= 0.5".into()),
    ])
}

/// What a preset is made from: the RFM bins, and (once the models are fitted) the floor of the
/// top quarter of what buyers are worth over the horizon if still active.
#[derive(Debug, Clone, Copy)]
pub struct PresetData {
    pub bins: u32,
    pub valuable: Option<f64>,
}

/// The preset called `name` for the purchase-history step, named so it clashes with none of
/// `taken`; None for an unknown name (or `at_risk` before the models are fitted).
pub fn preset(name: &str, data: PresetData, taken: &[String]) -> Option<Criterion> {
    let rule = match name.trim().to_lowercase().as_str() {
        "rfm" => rfm(data.bins),
        "lifecycle" => lifecycle(),
        "at_risk" => at_risk(data.valuable?),
        _ => return None,
    };
    let base = format!("{}_segments", name.trim().to_lowercase());
    let name = crate::engine::rules::unused_name(&base, taken);
    Some(Criterion {
        name: Spanned::bare(name),
        step: Step::PurchaseHistory,
        rule,
        overlap: Overlap::FirstMatch,
        otherwise: "no purchases".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_rule_lists_that_parse() {
        let data = PresetData {
            bins: 5,
            valuable: Some(123.456),
        };
        for (name, _) in PRESETS {
            let c = preset(name, data, &[]).unwrap();
            let Rule::Segments(s) = &c.rule else { panic!() };
            for seg in s {
                crate::engine::rules::condition::parse_condition(&seg.when)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", seg.when.value));
            }
        }
        let c = preset("RFM", data, &["rfm_segments".into()]).unwrap();
        assert_eq!(c.name.value, "rfm_segments_2");
        assert_eq!(c.rule.labels().len(), 11);
        assert!(preset("nope", data, &[]).is_none());
        let Rule::Segments(s) = preset("at_risk", data, &[]).unwrap().rule else {
            panic!()
        };
        assert_eq!(
            s[0].when.value,
            "p_alive < 0.5 AND predicted_value / p_alive >= 120"
        );
        let unfitted = PresetData {
            valuable: None,
            ..data
        };
        assert!(preset("at_risk", unfitted, &[]).is_none());
        assert_eq!(at(4, 10), 8);
    }
}
