//! The evaluated base table in the cache: per-customer attributes, purchase fields and scores.
//!
//! A one-shot run that changed only criteria or valuation since the last one starts from here,
//! without reading, joining or aggregating the orders again. The key is every table's key plus
//! what assembling and deriving read from the workspace: the `[data]`, `[columns]` and
//! `[purchase_history]` sections, and the fields left out.

use super::Cache;
use crate::engine::data::quality::FileQuality;
use crate::engine::eval::frame::{Cells, Column, DType, Frame, Vector};
use crate::engine::eval::scores::ScoreInfo;
use crate::engine::rules::Workspace;

/// The customer ids travel as one more column, under a name no header can have.
const IDS: &str = "\u{0}ids";
/// So do the wizard's rows by value, when it kept them (after the ids).
const VALUE_ORDER: &str = "\u{0}value order";

/// What a one-shot evaluation keeps of its assembly.
pub struct Evaluated {
    pub base: Frame,
    pub ids: std::sync::Arc<Vector>,
    pub as_of: Option<i32>,
    pub warnings: Vec<String>,
    pub quality: Vec<FileQuality>,
    pub scores: Vec<ScoreInfo>,
    pub order_types: Vec<(String, DType)>,
    /// The wizard's Classify profiles, as [`super::profiles::encode`] writes them.
    pub profiles: Option<String>,
    /// The wizard's rows by value when the entry was written: a hint, checked before it is
    /// used (see [`crate::engine::eval::valuation::is_value_order`]), since the value may
    /// have changed since.
    pub value_order: Option<std::sync::Arc<Vec<usize>>>,
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct Meta {
    as_of: Option<i32>,
    warnings: Vec<String>,
    #[serde(default)]
    quality: Vec<FileQuality>,
    scores: Vec<Score>,
    order_types: Vec<(String, String)>,
    #[serde(default)]
    profiles: Option<String>,
}

/// A [`ScoreInfo`] with its numbers as bit patterns (JSON has no NaN or infinity).
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct Score {
    name: String,
    measure: String,
    cuts: Vec<u64>,
    counts: Vec<usize>,
    ranges: Vec<Option<(u64, u64)>>,
    warnings: Vec<String>,
}

/// The key of the evaluated base for `ws` over tables with `table_keys`, leaving out `pruned`.
pub fn key(ws: &Workspace, table_keys: &[&str], pruned: &[String]) -> Option<String> {
    let sections =
        serde_json::to_string(&(&ws.data, &ws.columns, &ws.purchase_history, pruned)).ok()?;
    let mut k = key_head(table_keys);
    k.push_str("workspace ");
    k.push_str(&sections);
    k.push('\n');
    Some(k)
}

/// The version of evaluated entries, beside [`super::FORMAT`]. 2: the warnings that explain a
/// total value of 0 (orders matched to no customer, an amount with no number, no order rows)
/// and a reference date to come, which entries of 1 lack.
const EVALUATED: u32 = 2;

/// How the key of evaluated customers made from the tables of `table_keys` begins, whatever
/// the settings.
pub(super) fn key_head(table_keys: &[&str]) -> String {
    let mut k = format!(
        "strata {} evaluated {}.{EVALUATED}\n",
        env!("CARGO_PKG_VERSION"),
        super::FORMAT
    );
    for t in table_keys {
        k.push_str(t);
    }
    k
}

impl Cache {
    /// The evaluated base kept under `key`, if any (a damaged entry becomes a note).
    pub fn evaluated(&self, key: &str, notes: &mut Vec<String>) -> Option<Evaluated> {
        let (meta, mut base) = self.get(key, "the evaluated customers", notes)?;
        let meta: Meta = serde_json::from_str(&meta).ok()?;
        let value_order = match base.names.last().map(String::as_str) {
            Some(VALUE_ORDER) => order_of(base.pop()?.1.values()),
            _ => None,
        };
        if base.names.last().map(String::as_str) != Some(IDS) {
            return None;
        }
        let ids = std::sync::Arc::clone(base.pop()?.1.values());
        let order_types = meta
            .order_types
            .into_iter()
            .map(|(n, t)| Some((n, DType::from_name(&t)?)))
            .collect::<Option<_>>()?;
        Some(Evaluated {
            base,
            ids,
            as_of: meta.as_of,
            warnings: meta.warnings,
            quality: meta.quality,
            scores: meta.scores.into_iter().map(score_info).collect(),
            order_types,
            profiles: meta.profiles,
            value_order,
        })
    }

    /// Keep `e` under `key` (with `largest_input` for the default limit); its columns are
    /// shared with the session, its ids moved in.
    pub fn keep_evaluated(
        &self,
        key: &str,
        e: Evaluated,
        largest_input: u64,
        notes: &mut Vec<String>,
    ) {
        if let Some((text, frame)) = evaluated_entry(e) {
            let shown = "the evaluated customers";
            self.put(key, &text, &frame, largest_input, shown, notes);
        }
    }
}

/// The entry `e` is kept as: its meta text and its table (the ids as one more column).
pub fn evaluated_entry(e: Evaluated) -> Option<(String, Frame)> {
    let meta = Meta {
        as_of: e.as_of,
        warnings: e.warnings,
        quality: e.quality,
        scores: e.scores.iter().map(score).collect(),
        order_types: e
            .order_types
            .iter()
            .map(|(n, t)| (n.clone(), t.name().to_string()))
            .collect(),
        profiles: e.profiles,
    };
    let text = serde_json::to_string(&meta).ok()?;
    let mut frame = e.base;
    frame.push(IDS.into(), Column::ready(e.ids));
    if let Some(order) = e.value_order {
        let rows = order.iter().map(|&i| i as i64).collect();
        frame.push(
            VALUE_ORDER.into(),
            Column::ready(std::sync::Arc::new(Vector::Int(Cells::from_values(rows)))),
        );
    }
    Some((text, frame))
}

/// Row numbers kept as an integer column (none if any is missing or negative).
fn order_of(v: &Vector) -> Option<std::sync::Arc<Vec<usize>>> {
    let Vector::Int(rows) = v else { return None };
    if rows.validity().is_some() {
        return None;
    }
    let order: Option<Vec<usize>> = rows
        .values()
        .iter()
        .map(|&i| usize::try_from(i).ok())
        .collect();
    order.map(std::sync::Arc::new)
}

fn score(s: &ScoreInfo) -> Score {
    Score {
        name: s.name.clone(),
        measure: s.measure.clone(),
        cuts: s.cuts.iter().map(|x| x.to_bits()).collect(),
        counts: s.counts.clone(),
        ranges: s
            .ranges
            .iter()
            .map(|r| r.map(|(a, b)| (a.to_bits(), b.to_bits())))
            .collect(),
        warnings: s.warnings.clone(),
    }
}

fn score_info(s: Score) -> ScoreInfo {
    ScoreInfo {
        name: s.name,
        measure: s.measure,
        cuts: s.cuts.into_iter().map(f64::from_bits).collect(),
        counts: s.counts,
        ranges: s
            .ranges
            .into_iter()
            .map(|r| r.map(|(a, b)| (f64::from_bits(a), f64::from_bits(b))))
            .collect(),
        warnings: s.warnings,
    }
}
