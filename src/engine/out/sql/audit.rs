//! The audit query: customers, value total, the 80/20 figures' parts and each criterion's exclusivity counts, as one row.
//!
//! `run --in-database` reads this row beside the membership and the valuation queries, and
//! [`read`] turns it into what a local run computes: the same counts, so the same summary.

use super::criteria::{source, values, whens};
use super::{Query, SqlSchema};
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::criteria::{Exclusivity, OverlapCell, verdict};
use crate::engine::eval::valuation::Pareto;
use crate::engine::rules::{Rule, Workspace};

/// The final select (and its common table expressions): columns `n`, `total`, `top_sum`,
/// `k80`, then per criterion the customers each rule matches, each pair of rules matches
/// (bins: none, they cannot overlap), the customers matching two or more and those matching none.
pub(super) fn audit(q: &mut Query, ws: &Workspace, schema: &SqlSchema) -> Result<String> {
    let d = q.d;
    values(q, ws, schema)?;
    let int = |e: &str| format!("CAST({e} AS BIGINT)");
    pareto_ctes(q);
    // each rule's condition on its own (bins: the segment given, as bins cannot overlap)
    let mut hits = Vec::new();
    let mut bins = Vec::new();
    let mut rules = Vec::new();
    let mut out = vec![
        int("p.n"),
        d.to_double("p.total"),
        d.to_double("p.top_sum"),
        int("p.k80"),
    ];
    for (k, c) in ws.criteria.iter().enumerate() {
        let w = whens(d, ws, c, schema)?;
        let r = w.len();
        if matches!(c.rule, Rule::Bins { .. }) {
            for (j, (_, label)) in w.iter().enumerate() {
                bins.push(format!(
                    "SUM(CASE WHEN strata_c{k} = {} THEN 1 ELSE 0 END) AS c{k}_m{j}",
                    d.text(label)
                ));
                out.push(int(&format!("b.c{k}_m{j}")));
            }
            bins.push(format!(
                "SUM(CASE WHEN strata_c{k} = {} THEN 1 ELSE 0 END) AS c{k}_none",
                d.text(&c.otherwise)
            ));
            out.push("CAST(0 AS BIGINT)".into());
            out.push(int(&format!("b.c{k}_none")));
            continue;
        }
        for (j, (cond, _)) in w.iter().enumerate() {
            hits.push(format!("CASE WHEN {cond} THEN 1 ELSE 0 END AS c{k}_h{j}"));
        }
        let h = |j: usize| format!("c{k}_h{j}");
        let mut agg: Vec<String> = (0..r).map(|j| format!("SUM({})", h(j))).collect();
        for a in 0..r {
            for b in a + 1..r {
                agg.push(format!("SUM({} * {})", h(a), h(b)));
            }
        }
        let all = if r == 0 {
            "0".to_string()
        } else {
            (0..r).map(h).collect::<Vec<_>>().join(" + ")
        };
        agg.push(format!("SUM(CASE WHEN {all} >= 2 THEN 1 ELSE 0 END)"));
        agg.push(format!("SUM(CASE WHEN {all} = 0 THEN 1 ELSE 0 END)"));
        for a in agg {
            let alias = format!("x{}", rules.len());
            out.push(int(&format!("x.{alias}")));
            rules.push(format!("{a} AS {alias}"));
        }
    }
    let mut from = "strata_pareto AS p".to_string();
    if !hits.is_empty() {
        q.cte(
            "strata_hits",
            format!("SELECT\n  {}\nFROM {}", hits.join(",\n  "), source(ws)),
        );
        q.cte(
            "strata_rules",
            format!("SELECT\n  {}\nFROM strata_hits", rules.join(",\n  ")),
        );
        from.push_str(" CROSS JOIN strata_rules AS x");
    }
    if !bins.is_empty() {
        q.cte(
            "strata_bins",
            format!("SELECT\n  {}\nFROM strata_membership", bins.join(",\n  ")),
        );
        from.push_str(" CROSS JOIN strata_bins AS b");
    }
    Ok(format!("SELECT\n  {}\nFROM {from}", out.join(",\n  ")))
}

/// The 80/20 parts: customers by value, largest first, with the running total; the number that
/// makes the top fifth, and the first rank whose running total reaches 80 %.
fn pareto_ctes(q: &mut Query) {
    let d = q.d;
    // the 80/20 parts: customers by value, largest first, with the running total
    q.cte(
        "strata_ranked",
        "SELECT strata_value AS v, ROW_NUMBER() OVER w AS rk, SUM(strata_value) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS acc\nFROM strata_membership\nWINDOW w AS (ORDER BY strata_value DESC, strata_id)".into(),
    );
    q.cte(
        "strata_total",
        "SELECT COUNT(*) AS n, coalesce(SUM(strata_value), 0) AS total FROM strata_membership"
            .into(),
    );
    q.cte(
        "strata_pareto",
        format!(
            "SELECT t.n, t.total,\n  (SELECT coalesce(SUM(r.v), 0) FROM strata_ranked AS r WHERE r.rk <= CEIL({} * t.n)) AS top_sum,\n  (SELECT MIN(r.rk) FROM strata_ranked AS r WHERE r.acc >= {} * t.total) AS k80\nFROM strata_total AS t",
            d.to_double("0.2"),
            d.to_double("0.8")
        ),
    );
}

/// What the audit row says, as a local run computes it.
#[derive(Debug, Clone)]
pub struct Audit {
    pub customers: usize,
    pub value_total: f64,
    pub pareto: Pareto,
    /// Per criterion, in workspace order.
    pub exclusivity: Vec<Exclusivity>,
}

/// Read the audit row, its columns in the order the query above writes them.
pub fn read(ws: &Workspace, row: &[Cell]) -> Result<Audit> {
    let bad = || EngineError::Invalid("the audit query returned an unexpected row".into());
    let (n, total, top_sum, k80) = match row {
        [
            Cell::Int(n),
            Cell::Float(t),
            Cell::Float(s),
            Cell::Int(k),
            ..,
        ] => {
            let n = n.unwrap_or(0).max(0) as usize;
            (
                n,
                t.unwrap_or(0.0),
                s.unwrap_or(0.0),
                k.map_or(n, |k| k.max(0) as usize),
            )
        }
        _ => return Err(bad()),
    };
    let mut counts = row[4..].iter().map(|c| match c {
        Cell::Int(x) => Ok(x.unwrap_or(0).max(0) as usize),
        Cell::Float(_) => Err(bad()),
    });
    let mut int = || counts.next().unwrap_or_else(|| Err(bad()));
    let mut exclusivity = Vec::new();
    for c in &ws.criteria {
        let labels = c.rule.labels();
        let r = labels.len();
        let matched: Vec<usize> = (0..r).map(|_| int()).collect::<Result<_>>()?;
        let mut overlaps = Vec::new();
        if !matches!(c.rule, Rule::Bins { .. }) {
            for a in 0..r {
                for b in a + 1..r {
                    let customers = int()?;
                    if customers > 0 {
                        overlaps.push(OverlapCell {
                            a: labels[a].clone(),
                            b: labels[b].clone(),
                            customers,
                            sample: vec![],
                        });
                    }
                }
            }
        }
        let multi = int()?;
        let unassigned = int()?;
        exclusivity.push(Exclusivity {
            policy: c.overlap,
            verdict: verdict(multi, c.overlap),
            matched: labels.into_iter().zip(matched).collect(),
            overlaps,
            multi_matched: multi,
            unassigned,
            unassigned_sample: vec![],
        });
    }
    Ok(Audit {
        customers: n,
        value_total: total,
        pareto: crate::engine::eval::valuation::pareto_shares(n, top_sum, total, k80),
        exclusivity,
    })
}

/// One column of the audit row as the server returned it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Int(Option<i64>),
    Float(Option<f64>),
}
