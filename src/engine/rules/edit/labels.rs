//! The names of bins when their cut points change: default names follow, the user's names stay with their bins.

use crate::engine::rules::parse::criteria::default_bin_labels;

/// Labels of bins follow the cut points when they were the default interval texts.
pub fn relabel(old_edges: &[f64], labels: &[String], new_edges: &[f64]) -> Option<Vec<String>> {
    (labels == default_bin_labels(old_edges).as_slice()).then(|| default_bin_labels(new_edges))
}

/// Labels for the same bins with moved cut points: a label that was its interval's text follows
/// the interval (`>= 63` becomes `>= 64`); a name the user gave stays.
pub fn follow_defaults(old_edges: &[f64], labels: &[String], new_edges: &[f64]) -> Vec<String> {
    let (old, new) = (default_bin_labels(old_edges), default_bin_labels(new_edges));
    labels
        .iter()
        .enumerate()
        .map(|(j, l)| match (old.get(j), new.get(j)) {
            (Some(o), Some(n)) if o == l => n.clone(),
            _ => l.clone(),
        })
        .collect()
}

/// Labels for new cut points: default labels follow the cut points; a name the user gave stays
/// with the bin that starts where it started (the first bin keeps the first name), and only a
/// bin that is new gets its interval text.
pub fn carry_labels(old_edges: &[f64], labels: &[String], new_edges: &[f64]) -> Vec<String> {
    if let Some(l) = relabel(old_edges, labels, new_edges) {
        return l;
    }
    let defaults = default_bin_labels(new_edges);
    (0..=new_edges.len())
        .map(|j| {
            let lo = j.checked_sub(1).map(|i| new_edges[i]);
            let old = (0..=old_edges.len()).find(|&i| i.checked_sub(1).map(|k| old_edges[k]) == lo);
            match old.and_then(|i| labels.get(i)) {
                Some(l) => l.clone(),
                None => defaults[j].clone(),
            }
        })
        .collect()
}
