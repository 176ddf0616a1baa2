//! The Classify profiles kept beside the wizard's first table, their numbers as exact bit patterns.

use crate::engine::data::profile::{ColumnProfile, HistBin};

/// A [`ColumnProfile`] whose numbers survive the trip through text exactly (JSON readers may
/// round the last digit of a float).
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    name: String,
    kind: String,
    rows: usize,
    nulls: usize,
    distinct: usize,
    min: Option<String>,
    max: Option<String>,
    mean: Option<u64>,
    quartiles: Option<[String; 3]>,
    top: Vec<(String, usize)>,
    histogram: Vec<(u64, u64, usize)>,
    samples: Vec<String>,
}

pub fn encode(profiles: &[ColumnProfile]) -> String {
    let kept: Vec<Kept> = profiles
        .iter()
        .map(|p| Kept {
            name: p.name.clone(),
            kind: p.kind.clone(),
            rows: p.rows,
            nulls: p.nulls,
            distinct: p.distinct,
            min: p.min.clone(),
            max: p.max.clone(),
            mean: p.mean.map(f64::to_bits),
            quartiles: p.quartiles.clone(),
            top: p.top.clone(),
            histogram: p
                .histogram
                .iter()
                .map(|h| (h.lo.to_bits(), h.hi.to_bits(), h.count))
                .collect(),
            samples: p.samples.clone(),
        })
        .collect();
    serde_json::to_string(&kept).unwrap_or_default()
}

pub fn decode(text: &str) -> Option<Vec<ColumnProfile>> {
    let kept: Vec<Kept> = serde_json::from_str(text).ok()?;
    Some(
        kept.into_iter()
            .map(|k| ColumnProfile {
                name: k.name,
                kind: k.kind,
                rows: k.rows,
                nulls: k.nulls,
                distinct: k.distinct,
                min: k.min,
                max: k.max,
                mean: k.mean.map(f64::from_bits),
                quartiles: k.quartiles,
                top: k.top,
                histogram: k
                    .histogram
                    .into_iter()
                    .map(|(lo, hi, count)| HistBin {
                        lo: f64::from_bits(lo),
                        hi: f64::from_bits(hi),
                        count,
                    })
                    .collect(),
                samples: k.samples,
            })
            .collect(),
    )
}
