//! Editing a criterion's rules: one part replaced by typed text (checked against the columns
//! and fields), rules added, deleted or moved, cut points renamed as they move.

pub mod labels;
pub mod structure;

use crate::engine::eval::compile::compile;
use crate::engine::eval::frame::DType;
use crate::engine::rules::condition::parse_condition;
#[cfg(test)]
use crate::engine::rules::parse::criteria::default_bin_labels;
use crate::engine::rules::{Criterion, MapValue, Rule, Segment, Spanned};
use labels::{carry_labels, follow_defaults, relabel};

pub use structure::{
    StructEdit, check_criterion_name, new_criterion, parse_dates, parse_thresholds,
};

/// The part of a criterion an edit replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The `when` of segment k.
    Condition(usize),
    /// The name of segment / group / bin label k.
    Name(usize),
    /// The cut points of `bins`, as `25, 40, 60`.
    Edges,
    /// The values of map group k, as `a, b, c`.
    Values(usize),
    /// The `otherwise` label.
    Otherwise,
    /// The criterion's own name.
    CriterionName,
}

/// A problem in the text being typed, at a 1-based character position when known.
#[derive(Debug, Clone, PartialEq)]
pub struct EditError {
    pub message: String,
    pub pos: Option<usize>,
}

fn fail<T>(message: impl Into<String>, pos: Option<usize>) -> Result<T, EditError> {
    Err(EditError {
        message: message.into(),
        pos,
    })
}

/// The text an edit of `part` starts with.
pub fn initial_text(c: &Criterion, part: Part) -> String {
    match (part, &c.rule) {
        (Part::Condition(k), Rule::Segments(s)) => {
            s.get(k).map(|s| s.when.value.clone()).unwrap_or_default()
        }
        (Part::Name(k), _) => c.rule.labels().get(k).cloned().unwrap_or_default(),
        (Part::Edges, Rule::Bins { edges, .. }) => edges
            .iter()
            .map(|e| number_text(*e))
            .collect::<Vec<_>>()
            .join(", "),
        (Part::Values(k), Rule::Map { groups, .. }) => groups
            .get(k)
            .map(|g| {
                g.1.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        (Part::Otherwise, _) => c.otherwise.clone(),
        (Part::CriterionName, _) => c.name.value.clone(),
        _ => String::new(),
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The criterion as it would be with `text` in place of the target, or why not.
pub fn apply(
    c: &Criterion,
    part: Part,
    text: &str,
    fields: &[(String, DType)],
) -> Result<Criterion, EditError> {
    let mut out = c.clone();
    match (part, &mut out.rule) {
        (Part::Condition(k), Rule::Segments(segs)) => {
            check_condition(text, fields)?;
            let Some(s) = segs.get_mut(k) else {
                return fail("that segment is gone", None);
            };
            s.when = Spanned::bare(text.to_string());
        }
        (Part::Name(k), rule) => {
            let name = segment_name(c, k, text)?;
            match rule {
                Rule::Segments(s) => s[k].name = Spanned::bare(name),
                Rule::Map { groups, .. } => groups[k].0 = name,
                Rule::Bins { labels, .. } => labels[k] = name,
            }
        }
        (Part::Edges, Rule::Bins { edges, labels, .. }) => {
            let new = cut_points(text)?;
            let new_labels = if new.len() == edges.len() {
                // the same bins with moved cut points keep their names
                follow_defaults(edges, labels, &new)
            } else {
                carry_labels(edges, labels, &new)
            };
            *edges = new;
            *labels = new_labels;
        }
        (Part::Values(k), Rule::Map { column, groups }) => {
            if k >= groups.len() {
                return fail("that group is gone (the rules changed meanwhile)", None);
            }
            let numeric = fields
                .iter()
                .find(|f| f.0 == column.value)
                .is_some_and(|f| f.1.is_numeric());
            let vals = group_values(text, numeric)?;
            // a value listed here leaves the group it was in (one edit moves it); a group this
            // edit left with no value goes (one that was empty already stays)
            let mut emptied = Vec::new();
            for (g, group) in groups.iter_mut().enumerate() {
                if g != k && group.1.iter().any(|v| vals.contains(v)) {
                    group.1.retain(|v| !vals.contains(v));
                    if group.1.is_empty() {
                        emptied.push(group.0.clone());
                    }
                }
            }
            groups[k].1 = vals;
            groups.retain(|g| !emptied.contains(&g.0));
        }
        (Part::Otherwise, _) => {
            let name = text.trim();
            if name.is_empty() {
                return fail("the otherwise label cannot be empty", Some(1));
            }
            if c.rule.labels().iter().any(|l| l == name) {
                return fail(format!("\"{name}\" is already a segment here"), Some(1));
            }
            out.otherwise = name.to_string();
        }
        (Part::CriterionName, _) => {
            check_criterion_name(text, &[])?;
            out.name = Spanned::bare(text.trim().to_string());
        }
        _ => return fail("this criterion has nothing of that kind to edit", None),
    }
    Ok(out)
}

/// A condition that reads known fields and says true or false.
fn check_condition(text: &str, fields: &[(String, DType)]) -> Result<(), EditError> {
    let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    let schema = |n: &str| fields.iter().find(|f| f.0 == n).map(|f| f.1);
    let e = parse_condition(text)
        .and_then(|e| compile(&e, &schema, &names))
        .map_err(|e| EditError {
            message: match e.hint {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            },
            pos: e.pos,
        })?;
    match e.1.filter(|t| *t != DType::Bool) {
        Some(t) => fail(
            format!(
                "this is {}, not true/false: compare it with something",
                t.name()
            ),
            Some(1),
        ),
        None => Ok(()),
    }
}

/// Segment `k`'s new name: not empty, not another segment's, not the otherwise label.
fn segment_name(c: &Criterion, k: usize, text: &str) -> Result<String, EditError> {
    let name = text.trim();
    if name.is_empty() {
        return fail("a name cannot be empty", Some(1));
    }
    let labels = c.rule.labels();
    if labels.iter().enumerate().any(|(i, l)| i != k && l == name) {
        return fail(format!("\"{name}\" is already a segment here"), Some(1));
    }
    if name == c.otherwise {
        return fail(
            format!("\"{name}\" is the otherwise label of this criterion"),
            Some(1),
        );
    }
    Ok(name.to_string())
}

/// Cut points typed as `18, 35, 50`: numbers, increasing (a mistake names its place).
fn cut_points(text: &str) -> Result<Vec<f64>, EditError> {
    let mut new = Vec::new();
    let mut pos = 1;
    for part in text.split(',') {
        let p = part.trim();
        let at = pos + part.len() - part.trim_start().len();
        pos += part.chars().count() + 1;
        if p.is_empty() {
            return fail("a cut point is missing between commas", Some(at));
        }
        match p.parse::<f64>() {
            Ok(x) if x.is_finite() => new.push(x),
            _ => return fail(format!("\"{p}\" is not a number"), Some(at)),
        }
    }
    if new.windows(2).any(|w| w[0] >= w[1]) {
        return fail("cut points must increase from left to right", None);
    }
    Ok(new)
}

/// What an edit of a map's groups moved, as people read it: each value now in another group
/// (`Together → Married`) and each group it left empty and so removed. Empty when nothing moved.
pub fn map_moves(old: &Criterion, new: &Criterion) -> Vec<String> {
    let (Rule::Map { groups: before, .. }, Rule::Map { groups: after, .. }) =
        (&old.rule, &new.rule)
    else {
        return vec![];
    };
    let mut said = Vec::new();
    for (to, vals) in after {
        for v in vals {
            if let Some((from, _)) = before.iter().find(|g| g.1.contains(v) && &g.0 != to) {
                said.push(format!("{v} moved from group {from} to {to}"));
            }
        }
    }
    for (name, _) in before
        .iter()
        .filter(|g| !g.1.is_empty() && !after.iter().any(|a| a.0 == g.0))
    {
        said.push(format!("group {name} was left empty and removed"));
    }
    said
}

/// Group `k`'s values typed as `a, b, c`: numbers when the column holds numbers, none listed
/// twice (one listed in another group moves here).
fn group_values(text: &str, numeric: bool) -> Result<Vec<MapValue>, EditError> {
    let mut vals = Vec::new();
    for p in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let v = match p.parse::<f64>() {
            Ok(x) if numeric => MapValue::Number(x),
            _ => MapValue::Text(p.to_string()),
        };
        if vals.contains(&v) {
            return fail(format!("\"{p}\" is listed twice"), None);
        }
        vals.push(v);
    }
    Ok(vals)
}

/// A name not yet used in the criterion: `base`, `base 2`, `base 3` …
fn fresh(c: &Criterion, base: &str) -> String {
    let labels = c.rule.labels();
    (1..)
        .map(|i| {
            if i == 1 {
                base.to_string()
            } else {
                format!("{base} {i}")
            }
        })
        .find(|n| !labels.contains(n) && *n != c.otherwise)
        .unwrap_or_default()
}

/// Add a rule after rule `k` (a cut point after cut point `k` for bins); returns the new
/// criterion and the index of what was added.
pub fn add_rule(c: &Criterion, k: usize, step: f64) -> (Criterion, usize) {
    let mut out = c.clone();
    let name = fresh(c, "new segment");
    let at = match &mut out.rule {
        Rule::Segments(s) => {
            let at = (k + 1).min(s.len());
            s.insert(
                at,
                Segment {
                    name: Spanned::bare(name),
                    when: Spanned::bare("FALSE".into()),
                },
            );
            at
        }
        Rule::Map { groups, .. } => {
            let at = (k + 1).min(groups.len());
            groups.insert(at, (fresh(c, "new group"), vec![]));
            at
        }
        Rule::Bins { edges, labels, .. } => {
            let at = (k + 1).min(edges.len());
            let new = match (edges.get(k), edges.get(k + 1)) {
                (Some(a), Some(b)) => (a + b) / 2.0,
                (Some(a), None) => a + step,
                _ => 0.0,
            };
            let mut e = edges.clone();
            e.insert(at, new);
            *labels = carry_labels(edges, labels, &e);
            *edges = e;
            at
        }
    };
    (out, at)
}

/// Delete rule `k` (cut point `k` for bins); None when it is the last one.
pub fn delete_rule(c: &Criterion, k: usize) -> Option<Criterion> {
    let mut out = c.clone();
    match &mut out.rule {
        Rule::Segments(s) if s.len() > 1 && k < s.len() => {
            s.remove(k);
        }
        Rule::Map { groups, .. } if groups.len() > 1 && k < groups.len() => {
            groups.remove(k);
        }
        Rule::Bins { edges, labels, .. } if edges.len() > 1 && k < edges.len() => {
            let mut e = edges.clone();
            e.remove(k);
            *labels = match relabel(edges, labels, &e) {
                Some(l) => l,
                None => {
                    // the two segments either side of the cut point become one (the first name)
                    let mut l = labels.clone();
                    l.remove(k + 1);
                    l
                }
            };
            *edges = e;
        }
        _ => return None,
    }
    Some(out)
}

/// Move rule `k` one place up or down (rule order decides who wins); None at either end or for bins.
pub fn move_rule(c: &Criterion, k: usize, up: bool) -> Option<(Criterion, usize)> {
    let mut out = c.clone();
    let n = c.rule.labels().len();
    let to = if up { k.checked_sub(1)? } else { k + 1 };
    if to >= n {
        return None;
    }
    match &mut out.rule {
        Rule::Segments(s) => s.swap(k, to),
        Rule::Map { groups, .. } => groups.swap(k, to),
        Rule::Bins { .. } => return None,
    }
    Some((out, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::{Overlap, Step};

    fn segs() -> Criterion {
        Criterion {
            name: Spanned::bare("life".into()),
            step: Step::PurchaseHistory,
            rule: Rule::Segments(vec![
                Segment {
                    name: Spanned::bare("new".into()),
                    when: Spanned::bare("orders = 1".into()),
                },
                Segment {
                    name: Spanned::bare("loyal".into()),
                    when: Spanned::bare("orders >= 10".into()),
                },
            ]),
            overlap: Overlap::FirstMatch,
            otherwise: "other".into(),
        }
    }

    fn fields() -> Vec<(String, DType)> {
        vec![
            ("orders".into(), DType::Int),
            ("country".into(), DType::Text),
        ]
    }

    #[test]
    fn conditions_are_checked_as_typed_with_positions() {
        let c = segs();
        let e = apply(&c, Part::Condition(0), "ordrs > 2", &fields()).unwrap_err();
        assert_eq!(e.pos, Some(1));
        assert!(e.message.contains("did you mean \"orders\""), "{e:?}");
        let e = apply(&c, Part::Condition(0), "orders > 'x' ", &fields()).unwrap_err();
        assert!(e.message.contains("cannot compare"), "{e:?}");
        let e = apply(&c, Part::Condition(0), "orders + 1", &fields()).unwrap_err();
        assert!(e.message.contains("not true/false"), "{e:?}");
        let ok = apply(
            &c,
            Part::Condition(1),
            "orders >= 5 AND country = 'DK'",
            &fields(),
        )
        .unwrap();
        let Rule::Segments(s) = &ok.rule else {
            unreachable!()
        };
        assert_eq!(s[1].when.value, "orders >= 5 AND country = 'DK'");
    }

    #[test]
    fn names_stay_unique() {
        let c = segs();
        assert!(apply(&c, Part::Name(0), "loyal", &fields()).is_err());
        assert!(apply(&c, Part::Name(0), "other", &fields()).is_err());
        assert!(apply(&c, Part::Name(0), "  ", &fields()).is_err());
        let ok = apply(&c, Part::Name(0), "first-timers", &fields()).unwrap();
        assert_eq!(ok.rule.labels(), vec!["first-timers", "loyal"]);
        assert!(apply(&c, Part::Otherwise, "new", &fields()).is_err());
    }

    #[test]
    fn add_move_delete_rules() {
        let c = segs();
        let (c2, at) = add_rule(&c, 0, 1.0);
        assert_eq!(at, 1);
        assert_eq!(c2.rule.labels(), vec!["new", "new segment", "loyal"]);
        let (c3, to) = move_rule(&c2, 1, false).unwrap();
        assert_eq!(to, 2);
        assert_eq!(c3.rule.labels(), vec!["new", "loyal", "new segment"]);
        assert!(move_rule(&c3, 2, false).is_none());
        let c4 = delete_rule(&c3, 0).unwrap();
        assert_eq!(c4.rule.labels(), vec!["loyal", "new segment"]);
        let one = delete_rule(&c4, 0).unwrap();
        assert!(delete_rule(&one, 0).is_none(), "the last rule stays");
    }

    #[test]
    fn bins_edges_and_default_labels_follow() {
        let c = Criterion {
            rule: Rule::Bins {
                column: Spanned::bare("age".into()),
                edges: vec![25.0, 40.0],
                labels: default_bin_labels(&[25.0, 40.0]),
                expr: false,
            },
            ..segs()
        };
        let f = vec![("age".to_string(), DType::Int)];
        let e = apply(&c, Part::Edges, "25, x", &f).unwrap_err();
        assert_eq!(e.pos, Some(5));
        assert!(apply(&c, Part::Edges, "40, 25", &f).is_err());
        let ok = apply(&c, Part::Edges, "18, 30, 65", &f).unwrap();
        assert_eq!(
            ok.rule.labels(),
            vec!["< 18", "[18, 30)", "[30, 65)", ">= 65"]
        );
        let (added, at) = add_rule(&c, 0, 1.0);
        assert_eq!(at, 1);
        let Rule::Bins { edges, .. } = &added.rule else {
            unreachable!()
        };
        assert_eq!(edges, &vec![25.0, 32.5, 40.0]);
        let named = apply(&c, Part::Name(2), "senior", &f).unwrap();
        let fewer = delete_rule(&named, 0).unwrap();
        assert_eq!(fewer.rule.labels(), vec!["< 25", "senior"]);
    }

    /// A cut point added to bins the user named keeps their names; only the new bin is named,
    /// by its interval.
    #[test]
    fn adding_a_cut_point_keeps_the_users_bin_names() {
        let c = Criterion {
            rule: Rule::Bins {
                column: Spanned::bare("age".into()),
                edges: vec![25.0, 40.0],
                labels: vec!["young".into(), "adult".into(), "senior".into()],
                expr: false,
            },
            ..segs()
        };
        let (added, at) = add_rule(&c, 0, 1.0);
        assert_eq!(at, 1);
        assert_eq!(
            added.rule.labels(),
            vec!["young", "adult", "[32.5, 40)", "senior"]
        );
        let (last, _) = add_rule(&c, 1, 5.0);
        assert_eq!(
            last.rule.labels(),
            vec!["young", "adult", "senior", ">= 45"]
        );
        let f = vec![("age".to_string(), DType::Int)];
        let moved = apply(&c, Part::Edges, "20, 45", &f).unwrap();
        assert_eq!(moved.rule.labels(), vec!["young", "adult", "senior"]);
        // a label that was its interval's text follows the moved cut point
        let (mut with_default, _) = add_rule(&c, 1, 5.0);
        let Rule::Bins { edges, labels, .. } = &mut with_default.rule else {
            unreachable!()
        };
        let moved = vec![edges[0], edges[1], 46.0];
        assert_eq!(
            follow_defaults(edges, labels, &moved),
            vec!["young", "adult", "senior", ">= 46"]
        );
        let more = apply(&c, Part::Edges, "25, 40, 60", &f).unwrap();
        assert_eq!(
            more.rule.labels(),
            vec!["young", "adult", "senior", ">= 60"]
        );
    }

    /// One edit moves a value from its group to another; a group left empty goes; the moves
    /// are said, and renaming a group is not a move.
    #[test]
    fn a_value_typed_into_a_group_leaves_its_old_group() {
        let g = |n: &str, v: &[&str]| {
            (
                n.to_string(),
                v.iter().map(|x| MapValue::Text(x.to_string())).collect(),
            )
        };
        let c = Criterion {
            rule: Rule::Map {
                column: Spanned::bare("country".into()),
                groups: vec![
                    g("married", &["Married"]),
                    g("together", &["Together"]),
                    g("single", &["Single", "Alone"]),
                ],
            },
            ..segs()
        };
        let moved = apply(&c, Part::Values(0), "Married, Together, Alone", &fields()).unwrap();
        let Rule::Map { groups, .. } = &moved.rule else {
            unreachable!()
        };
        assert_eq!(
            groups,
            &vec![
                g("married", &["Married", "Together", "Alone"]),
                g("single", &["Single"])
            ]
        );
        assert_eq!(
            map_moves(&c, &moved),
            vec![
                "Together moved from group together to married",
                "Alone moved from group single to married",
                "group together was left empty and removed"
            ]
        );
        assert!(apply(&c, Part::Values(0), "Married, Married", &fields()).is_err());
        assert!(apply(&c, Part::Values(7), "Married", &fields()).is_err());
        // a group that was empty already (just added, not filled yet) is not this edit's to drop
        let Rule::Map { groups, .. } = &c.rule else {
            unreachable!()
        };
        let mut with_new = c.clone();
        let mut g2 = groups.clone();
        g2.push(g("couple", &[]));
        with_new.rule = Rule::Map {
            column: Spanned::bare("country".into()),
            groups: g2,
        };
        let moved = apply(&with_new, Part::Values(0), "Married, Together", &fields()).unwrap();
        assert_eq!(moved.rule.labels(), vec!["married", "single", "couple"]);
        assert_eq!(
            map_moves(&with_new, &moved).len(),
            2,
            "{:?}",
            map_moves(&with_new, &moved)
        );
        let renamed = apply(&c, Part::Name(1), "couple", &fields()).unwrap();
        assert_eq!(renamed.rule.labels(), vec!["married", "couple", "single"]);
    }
}
