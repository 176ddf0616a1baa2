//! SQL for the criteria (first matching rule, or `otherwise`) and the valuation per segment.

use super::expr::print;
use super::{Dialect, ID, Query, SqlSchema, compiled};
use crate::engine::error::Result;
use crate::engine::eval::frame::DType;
use crate::engine::rules::{Criterion, MapValue, MeasureKind, Rule, Workspace};

/// The table the criteria read: with orders, the base with scores.
pub(super) fn source(ws: &Workspace) -> &'static str {
    if ws.data.orders.is_some() {
        "strata_scored"
    } else {
        "strata_base"
    }
}

/// `CASE … END` giving a customer's segment in one criterion.
fn case(d: Dialect, ws: &Workspace, c: &Criterion, schema: &SqlSchema) -> Result<String> {
    let mut s = String::from("CASE");
    for (cond, label) in whens(d, ws, c, schema)? {
        s.push_str(&format!("\n    WHEN {cond} THEN {}", d.text(&label)));
    }
    s.push_str(&format!("\n    ELSE {}\n  END", d.text(&c.otherwise)));
    Ok(s)
}

/// Each rule of a criterion as (condition, segment), in rule order; a bin's condition holds
/// only after the bins before it failed.
pub(super) fn whens(
    d: Dialect,
    ws: &Workspace,
    c: &Criterion,
    schema: &SqlSchema,
) -> Result<Vec<(String, String)>> {
    let col = |n: &str| d.ident(n);
    let mut whens: Vec<(String, String)> = Vec::new();
    match &c.rule {
        Rule::Bins {
            column,
            edges,
            labels,
            expr,
        } => {
            let x = if *expr {
                // bins over an expression: the expression, in brackets
                let key = format!("criteria.{}.bins.expr", c.name.value);
                let e = compiled(ws, column, &key, &schema.base)?;
                format!("({})", print(d, &e, &col))
            } else {
                match schema.base.get(&column.value) {
                    // bins over a date cut at day numbers since 1970-01-01
                    Some(DType::Date) => d.days_between("DATE '1970-01-01'", &col(column)),
                    _ => col(column),
                }
            };
            for (k, label) in labels.iter().enumerate() {
                let cond = match (k, edges.get(k)) {
                    (_, Some(e)) => format!("{x} < {}", number(d, *e)),
                    (0, None) => format!("{x} IS NOT NULL"),
                    (_, None) => format!("{x} >= {}", number(d, edges[k - 1])),
                };
                whens.push((cond, label.clone()));
            }
        }
        Rule::Map { column, groups } => {
            let t = schema.base.get(&column.value).copied();
            let x = col(column);
            for (label, values) in groups {
                let tests: Vec<String> = values
                    .iter()
                    .filter_map(|v| map_test(d, &x, t, v))
                    .collect();
                let cond = if tests.is_empty() {
                    "FALSE".to_string()
                } else {
                    tests.join(" OR ")
                };
                whens.push((cond, label.clone()));
            }
        }
        Rule::Segments(segs) => {
            for (i, s) in segs.iter().enumerate() {
                let key = format!("criteria.{}.segments[{i}].when", c.name.value);
                let e = compiled(ws, &s.when, &key, &schema.base)?;
                whens.push((print(d, &e, &col), s.name.value.clone()));
            }
        }
    }
    Ok(whens)
}

/// A number as the engine compares it: integers plainly, anything else as a double.
fn number(d: Dialect, x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        d.float(x)
    }
}

/// Does the column equal one listed map value (as the engine matches them)?
fn map_test(d: Dialect, x: &str, t: Option<DType>, v: &MapValue) -> Option<String> {
    Some(match (v, t) {
        (MapValue::Text(s), Some(DType::Text)) => format!("{x} = {}", d.text(s)),
        (MapValue::Text(s), _) => format!("{} = {}", d.to_text(x), d.text(s)),
        (MapValue::Number(n), Some(DType::Int | DType::Float)) => {
            format!("{x} = {}", number(d, *n))
        }
        (MapValue::Number(n), Some(DType::Date)) => format!(
            "{} = {}",
            d.days_between("DATE '1970-01-01'", x),
            number(d, *n)
        ),
        (MapValue::Bool(b), Some(DType::Bool)) => {
            format!("{x} = {}", if *b { "TRUE" } else { "FALSE" })
        }
        _ => return None,
    })
}

/// The membership select: `customer_id`, then one column per criterion, sorted by id.
pub(super) fn membership(
    q: &Query,
    ws: &Workspace,
    schema: &SqlSchema,
    with: &[String],
) -> Result<String> {
    let d = q.d;
    let mut cols = vec![format!("{ID} AS customer_id")];
    for c in &ws.criteria {
        cols.push(format!(
            "{} AS {}",
            case(d, ws, c, schema)?,
            d.ident(&c.name.value)
        ));
    }
    cols.extend(with.iter().map(|n| d.ident(n)));
    Ok(format!(
        "SELECT\n  {}\nFROM {}\nORDER BY {}",
        cols.join(",\n  "),
        source(ws),
        d.byte_order(ID, q.id_text)
    ))
}

/// The valuation select: per criterion and segment the SPEC §4.5 columns and extra measures.
pub(super) fn valuation(q: &mut Query, ws: &Workspace, schema: &SqlSchema) -> Result<String> {
    values(q, ws, schema)?;
    labels(q, ws);
    groups(q, ws);
    rows(q, ws);
    Ok(ranked(q.d, ws))
}

/// Per customer: value, cost, each measure and each criterion's segment.
pub(super) fn values(q: &mut Query, ws: &Workspace, schema: &SqlSchema) -> Result<()> {
    let d = q.d;
    let col = |n: &str| d.ident(n);
    let num = |text: &str, key: &str| -> Result<String> {
        let e = compiled(ws, text, key, &schema.base)?;
        Ok(d.to_double(&print(d, &e, &col)))
    };
    let value = match &ws.valuation.value {
        Some(v) => num(v, "valuation.value")?,
        None if ws.data.orders.is_some() => d.to_double(&col("revenue")),
        None => d.to_double("1"),
    };
    let mut sel = vec![
        format!("{ID}"),
        format!("coalesce({value}, 0) AS strata_value"),
    ];
    if let Some(c) = &ws.valuation.cost {
        sel.push(format!(
            "coalesce({}, 0) AS strata_cost",
            num(c, "valuation.cost")?
        ));
    }
    for (k, m) in ws.valuation.measures.iter().enumerate() {
        let key = format!("valuation.measures.{}", m.name);
        let e = match m.kind {
            MeasureKind::Share => {
                let e = compiled(ws, &m.expr, &key, &schema.base)?;
                format!(
                    "CASE WHEN {} THEN {} ELSE {} END",
                    print(d, &e, &col),
                    d.float(1.0),
                    d.float(0.0)
                )
            }
            _ => num(&m.expr, &key)?,
        };
        sel.push(format!("{e} AS strata_m{k}"));
    }
    for (k, c) in ws.criteria.iter().enumerate() {
        sel.push(format!("{} AS strata_c{k}", case(d, ws, c, schema)?));
    }
    q.cte(
        "strata_membership",
        format!("SELECT\n  {}\nFROM {}", sel.join(",\n  "), source(ws)),
    );
    Ok(())
}

/// Every segment a criterion can give, so that empty ones are listed too.
fn labels(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    // every rule's segment, even when empty; otherwise only when someone is in it
    let labels: Vec<String> = ws
        .criteria
        .iter()
        .enumerate()
        .flat_map(|(k, c)| {
            let mut l: Vec<(String, bool)> =
                c.rule.labels().into_iter().map(|x| (x, false)).collect();
            l.push((c.otherwise.clone(), true));
            l.into_iter().map(move |(s, other)| {
                format!(
                    "SELECT {k} AS criterion_order, {} AS segment, {} AS is_otherwise",
                    d.text(&s),
                    if other { 1 } else { 0 }
                )
            })
        })
        .collect();
    q.cte("strata_labels", labels.join("\nUNION ALL\n"));
}

/// Customers, value, cost and measures per criterion and segment.
fn groups(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    let has_cost = ws.valuation.cost.is_some();
    let mut parts = Vec::new();
    for (k, _) in ws.criteria.iter().enumerate() {
        let mut agg = vec![
            format!("{k} AS criterion_order"),
            format!("strata_c{k} AS segment"),
            "COUNT(*) AS customers".into(),
            "SUM(strata_value) AS value".into(),
        ];
        agg.push(if has_cost {
            "SUM(strata_cost) AS cost".into()
        } else {
            format!("{} AS cost", d.to_double("NULL"))
        });
        for (j, m) in ws.valuation.measures.iter().enumerate() {
            agg.push(match m.kind {
                MeasureKind::Sum => format!("coalesce(SUM(strata_m{j}), 0) AS m{j}"),
                MeasureKind::Mean => format!("AVG(strata_m{j}) AS m{j}"),
                MeasureKind::Share => format!("SUM(strata_m{j}) / COUNT(*) AS m{j}"),
            });
        }
        parts.push(format!(
            "SELECT {} FROM strata_membership GROUP BY strata_c{k}",
            agg.join(", ")
        ));
    }
    q.cte("strata_groups", parts.join("\nUNION ALL\n"));
}

/// Each listed segment with its shares of the totals.
fn rows(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    let has_cost = ws.valuation.cost.is_some();
    q.cte(
        "strata_totals",
        "SELECT COUNT(*) AS n, SUM(strata_value) AS value FROM strata_membership".into(),
    );
    let mut cols = vec![
        "l.criterion_order".to_string(),
        "l.segment".into(),
        "coalesce(g.customers, 0) AS customers".into(),
        format!(
            "{} / NULLIF(t.n, 0) AS customer_share",
            d.to_double("coalesce(g.customers, 0)")
        ),
        "coalesce(g.value, 0) AS value".into(),
        "coalesce(g.value, 0) / NULLIF(t.value, 0) AS value_share".into(),
        "coalesce(g.value, 0) / NULLIF(coalesce(g.customers, 0), 0) AS value_per_customer".into(),
    ];
    if has_cost {
        cols.push("coalesce(g.cost, 0) AS cost".into());
        cols.push("coalesce(g.value, 0) - coalesce(g.cost, 0) AS profit".into());
    }
    for (j, m) in ws.valuation.measures.iter().enumerate() {
        // an empty segment sums to 0 (its mean and share have nothing to divide)
        cols.push(match m.kind {
            MeasureKind::Sum => format!("coalesce(g.m{j}, 0) AS m{j}"),
            _ => format!("g.m{j}"),
        });
    }
    q.cte(
        "strata_rows",
        format!(
            "SELECT {}\nFROM strata_labels AS l\nCROSS JOIN strata_totals AS t\nLEFT JOIN strata_groups AS g ON g.criterion_order = l.criterion_order AND g.segment = l.segment\nWHERE l.is_otherwise = 0 OR g.customers > 0",
            cols.join(",\n  ")
        ),
    );
}

/// The final select: segments by value, cumulative shares, and whether each is worth marketing.
fn ranked(d: Dialect, ws: &Workspace) -> String {
    let has_cost = ws.valuation.cost.is_some();
    let names: Vec<String> = ws
        .criteria
        .iter()
        .enumerate()
        .map(|(k, c)| format!("WHEN {k} THEN {}", d.text(&c.name.value)))
        .collect();
    let seg = d.byte_order("segment", true);
    let w = format!(
        "OVER (PARTITION BY criterion_order ORDER BY value DESC, {seg} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    );
    let small = format!(
        "(customer_share < {} AND value_share < {})",
        d.float(ws.valuation.min_customer_share),
        d.float(ws.valuation.min_value_share)
    );
    let loses = if has_cost { " OR profit < 0" } else { "" };
    // each criterion's otherwise segment: the rest, never worth a campaign
    let rest: String = ws
        .criteria
        .iter()
        .enumerate()
        .map(|(k, c)| {
            format!(
                " OR (criterion_order = {k} AND segment = {})",
                d.text(&c.otherwise)
            )
        })
        .collect();
    let mut out = vec![
        format!("CASE criterion_order {} END AS criterion", names.join(" ")),
        "segment".into(),
        "customers".into(),
        "customer_share".into(),
        "value".into(),
        "value_share".into(),
        "value_per_customer".into(),
    ];
    if has_cost {
        out.push("cost".into());
        out.push("profit".into());
    }
    out.push(format!(
        "SUM(customer_share) {w} AS cumulative_customer_share"
    ));
    out.push(format!("SUM(value_share) {w} AS cumulative_value_share"));
    out.push(format!(
        "CASE WHEN {small}{loses}{rest} OR customers = 0 THEN FALSE ELSE TRUE END AS worth_marketing"
    ));
    for (j, m) in ws.valuation.measures.iter().enumerate() {
        out.push(format!("m{j} AS {}", d.ident(&m.name)));
    }
    format!(
        "SELECT\n  {}\nFROM strata_rows\nORDER BY criterion_order, value DESC, {seg}",
        out.join(",\n  ")
    )
}
