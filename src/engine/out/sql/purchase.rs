//! SQL for the purchase-history fields (SPEC §4.3): filtered orders, aggregates, modes and RFM scores.

use super::expr::{date_literal, print};
use super::{Dialect, ID, Query, SqlSchema, compiled};
use crate::engine::error::Result;
use crate::engine::rules::{RfmMethod, Workspace};

/// `strata_order_rows` (the orders the filter keeps), `strata_as_of` and `strata_orders` (rows with
/// a customer, dated up to `as_of`), then `strata_purchases` (one row per buyer).
pub(super) fn orders_ctes(
    q: &mut Query,
    ws: &Workspace,
    schema: &SqlSchema,
    orders_table: &str,
) -> Result<()> {
    let d = q.d;
    let sel = order_columns(d, ws, schema);
    // a query read as a derived table needs a name of its own
    let alias = if orders_table.starts_with('(') {
        " AS strata_o"
    } else {
        ""
    };
    let mut body = format!(
        "SELECT\n  {}\nFROM {orders_table}{alias}",
        sel.join(",\n  ")
    );
    if let Some(f) = &ws.data.orders_filter {
        let e = compiled(ws, f, "data.orders_filter", &schema.orders)?;
        body.push_str(&format!("\nWHERE {}", print(d, &e, &|n| d.ident(n))));
    }
    q.cte_inline("strata_order_rows", body);
    as_of_ctes(q, ws);
    purchases_cte(q, ws);
    let c = &ws.columns;
    if c.category.is_some() {
        mode_cte(q, "strata_top_category", "category", true, true);
    }
    if c.channel.is_some() {
        mode_cte(q, "strata_main_channel", "channel", true, true);
    }
    Ok(())
}

/// The columns of `strata_order_rows`: the roles under fixed names, and (without a customers
/// table) the attributes the rules read.
fn order_columns(d: Dialect, ws: &Workspace, schema: &SqlSchema) -> Vec<String> {
    let c = &ws.columns;
    let col =
        |r: &Option<crate::engine::rules::Spanned<String>>| r.as_ref().map(|x| d.ident(&x.value));
    let cid = col(&c.order_customer_id)
        .or(col(&c.customer_id))
        .unwrap_or_else(|| "NULL".into());
    let mut sel = vec![format!("{cid} AS cid")];
    if let Some(o) = col(&c.order_id) {
        sel.push(format!("{o} AS oid"));
    }
    sel.push(match col(&c.order_date) {
        Some(x) => format!("CAST({x} AS DATE) AS day"),
        None => "CAST(NULL AS DATE) AS day".into(),
    });
    let amount = match (col(&c.amount), col(&c.quantity), col(&c.unit_price)) {
        (Some(a), _, _) => d.to_double(&a),
        (None, Some(qn), Some(p)) => format!("({} * {})", d.to_double(&qn), d.to_double(&p)),
        _ => d.to_double("NULL"),
    };
    sel.push(format!("{amount} AS amount"));
    for (role, alias) in [
        (&c.product, "product"),
        (&c.category, "category"),
        (&c.channel, "channel"),
        (&c.discount, "discount"),
    ] {
        if let Some(x) = col(role) {
            sel.push(format!("{x} AS {alias}"));
        }
    }
    // attributes of customers known only from their orders travel with the rows
    if ws.data.customers.is_none() {
        let roles: Vec<&str> = c
            .order_line_roles()
            .iter()
            .filter_map(|r| r.as_ref().map(|x| x.value.as_str()))
            .collect();
        let derived = crate::engine::eval::fields::derived_fields(ws);
        let mut names: Vec<&String> = schema
            .orders
            .keys()
            .filter(|n| !roles.contains(&n.as_str()) && !derived.contains(n))
            .filter(|n| ws.referenced_names().contains(n))
            .collect();
        names.sort();
        for n in names {
            let x = d.ident(n);
            if !sel.iter().any(|s| s == &format!("{x} AS {x}")) {
                sel.push(format!("{x} AS {x}"));
            }
        }
    }
    sel
}

/// `strata_as_of` (the evaluation date, else the day after the last order) and `strata_orders`.
fn as_of_ctes(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    let c = &ws.columns;
    let as_of = match &ws.data.as_of {
        Some(a) => date_literal((a.value - crate::engine::data::infer::epoch()).num_days() as i32),
        None if c.order_date.is_some() => {
            format!(
                "coalesce({}, {})",
                d.add_days("MAX(day)", 1),
                date_literal(0)
            )
        }
        None => date_literal(0),
    };
    let from = if as_of.contains("MAX(day)") {
        "\nFROM strata_order_rows"
    } else {
        ""
    };
    q.cte("strata_as_of", format!("SELECT {as_of} AS as_of{from}"));
    q.cte_inline(
        "strata_orders",
        "SELECT r.*, a.as_of\nFROM strata_order_rows AS r CROSS JOIN strata_as_of AS a\nWHERE r.cid IS NOT NULL AND (r.day IS NULL OR r.day <= a.as_of)".into(),
    );
}

/// Orders counted as distinct order ids (each row without an id an order of its own), over
/// the rows where `cond` holds.
fn count_orders(has_order_id: bool, cond: Option<&str>) -> String {
    let when = |x: &str| match cond {
        Some(c) => format!("CASE WHEN {c} THEN {x} END"),
        None => x.to_string(),
    };
    let rows = |extra: &str| {
        let all: Vec<&str> = [cond, (!extra.is_empty()).then_some(extra)]
            .into_iter()
            .flatten()
            .collect();
        if all.is_empty() {
            "COUNT(*)".to_string()
        } else {
            format!("SUM(CASE WHEN {} THEN 1 ELSE 0 END)", all.join(" AND "))
        }
    };
    if has_order_id {
        format!(
            "(COUNT(DISTINCT {}) + {})",
            when("oid"),
            rows("oid IS NULL")
        )
    } else {
        rows("")
    }
}

/// `strata_purchases`: one row per buyer with every purchase aggregate.
fn purchases_cte(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    let c = &ws.columns;
    let count_orders = |cond: Option<&str>| count_orders(c.order_id.is_some(), cond);
    let mut agg = vec![
        "cid".to_string(),
        format!("{} AS orders", count_orders(None)),
        "coalesce(SUM(amount), 0) AS revenue".into(),
        "MIN(day) AS first_order".into(),
        "MAX(day) AS last_order".into(),
        "MAX(as_of) AS as_of".into(),
        "COUNT(DISTINCT day) AS purchase_days".into(),
    ];
    agg.push(if c.product.is_some() {
        "COUNT(DISTINCT product) AS distinct_products".into()
    } else {
        "0 AS distinct_products".into()
    });
    agg.push(if c.discount.is_some() {
        format!("{} AS discount_orders", count_orders(Some("discount > 0")))
    } else {
        "0 AS discount_orders".into()
    });
    for w in &ws.purchase_history.windows {
        let inside = format!("day >= {}", d.add_days("as_of", -(*w as i64)));
        agg.push(format!(
            "{} AS {}",
            count_orders(Some(&inside)),
            d.ident(&format!("orders_{w}d"))
        ));
        agg.push(format!(
            "coalesce(SUM(CASE WHEN {inside} THEN amount END), 0) AS {}",
            d.ident(&format!("revenue_{w}d"))
        ));
    }
    q.cte(
        "strata_purchases",
        format!(
            "SELECT\n  {}\nFROM strata_orders\nGROUP BY cid",
            agg.join(",\n  ")
        ),
    );
}

/// The most frequent non-null value of `expr` per customer (ties: the smallest value).
pub(super) fn mode_cte(q: &mut Query, name: &str, expr: &str, as_text: bool, is_text: bool) {
    let d = q.d;
    let v = if as_text {
        d.to_text(expr)
    } else {
        expr.to_string()
    };
    q.cte(
        name,
        format!(
            "SELECT cid, v FROM (\n  SELECT cid, v, ROW_NUMBER() OVER (PARTITION BY cid ORDER BY n DESC, {}) AS k\n  FROM (SELECT cid, {v} AS v, COUNT(*) AS n FROM strata_orders WHERE {expr} IS NOT NULL GROUP BY cid, {v}) AS t\n) AS t2\nWHERE k = 1",
            d.byte_order("v", as_text || is_text)
        ),
    );
}

/// The purchase-history columns of `strata_base`, and the joins they need.
pub(super) fn base_fields(
    q: &Query,
    ws: &Workspace,
    select: &mut Vec<String>,
    from: &mut String,
    key: &str,
) {
    let d = q.d;
    let id = |s: &str| d.ident(s);
    from.push_str(&format!(
        "\nLEFT JOIN strata_purchases AS p ON p.cid = {key}"
    ));
    let c = &ws.columns;
    let f = |e: &str, name: &str| format!("{e} AS {}", id(name));
    select.push(f("coalesce(p.orders, 0)", "orders"));
    select.push(f("coalesce(p.revenue, 0)", "revenue"));
    select.push(f("p.first_order", "first_order"));
    select.push(f("p.last_order", "last_order"));
    select.push(f(
        &d.days_between("p.last_order", "p.as_of"),
        "recency_days",
    ));
    select.push(f(
        &d.days_between("p.first_order", "p.as_of"),
        "tenure_days",
    ));
    select.push(f("coalesce(p.purchase_days, 0)", "purchase_days"));
    select.push(f("p.purchase_days - 1", "repeat_purchases"));
    select.push(f(
        &format!("{} / p.orders", d.to_double("p.revenue")),
        "avg_order_value",
    ));
    select.push(f("coalesce(p.distinct_products, 0)", "distinct_products"));
    for (role, cte, alias, name) in [
        (&c.category, "strata_top_category", "tc", "top_category"),
        (&c.channel, "strata_main_channel", "mc", "main_channel"),
    ] {
        if role.is_some() {
            select.push(f(&format!("{alias}.v"), name));
            from.push_str(&format!(
                "\nLEFT JOIN {cte} AS {alias} ON {alias}.cid = {key}"
            ));
        } else {
            select.push(f(&d.to_text("NULL"), name));
        }
    }
    select.push(f(
        &format!("{} / p.orders", d.to_double("p.discount_orders")),
        "discount_share",
    ));
    for w in &ws.purchase_history.windows {
        for m in ["orders", "revenue"] {
            let n = format!("{m}_{w}d");
            select.push(f(&format!("coalesce(p.{}, 0)", id(&n)), &n));
        }
    }
}

/// `expected_purchases` and `predicted_value` have no closed form any dialect computes: refused,
/// naming the rule that reads one (else they were asked for with `--with`).
fn refuse_open(ws: &Workspace, used: &[String]) -> Result<()> {
    let uses = |n: &str| used.iter().any(|u| u == n);
    let open: Vec<&str> = ["expected_purchases", "predicted_value"]
        .into_iter()
        .filter(|n| uses(n))
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    let what = match ws.first_reader(&open) {
        Some((place, field)) => format!("{place} reads {field}, which"),
        None => open.join(" and "),
    };
    Err(crate::engine::error::EngineError::Invalid(format!(
        "{what} cannot be written in SQL: it sums a hypergeometric series that the SQL \
             dialects have no function for; segment on p_alive (which has a closed form) or use \
             `strata run`"
    )))
}

/// The predictive-value fields the rules read: `repeat_avg_value` from the orders, and `p_alive`
/// in closed form with the fitted constants. The other two have no closed form every dialect
/// computes (a hypergeometric series), so a rule that reads them is refused.
pub(super) fn model_fields(
    q: &mut Query,
    ws: &Workspace,
    used: &[String],
    schema: &SqlSchema,
    select: &mut Vec<String>,
    from: &mut String,
    key: &str,
) -> Result<()> {
    refuse_open(ws, used)?;
    let uses = |n: &str| used.iter().any(|u| u == n);
    let d = q.d;
    let name = |n: &str| d.ident(n);
    if uses("repeat_avg_value") {
        // the purchase days after the first, each day's rows summed
        q.cte(
            "strata_day_values",
            "SELECT cid, day, coalesce(SUM(amount), 0) AS v, MIN(day) OVER (PARTITION BY cid) AS first_day
             FROM strata_orders
WHERE day IS NOT NULL
GROUP BY cid, day"
                .into(),
        );
        q.cte(
            "strata_repeat_values",
            "SELECT cid, AVG(v) AS v
FROM strata_day_values
WHERE day > first_day
GROUP BY cid"
                .into(),
        );
        select.push(format!("rv.v AS {}", name("repeat_avg_value")));
        from.push_str(&format!(
            "\nLEFT JOIN strata_repeat_values AS rv ON rv.cid = {key}"
        ));
    }
    if uses("p_alive") {
        let Some(fit) = &schema.bgnbd else {
            return Err(crate::engine::error::EngineError::Invalid(
                "p_alive needs the BG/NBD fit, and none was made".into(),
            ));
        };
        let m = fit.params;
        let lit = |v: f64| d.to_double(&format!("{v:?}"));
        let k = lit(fit.unit.days());
        let x = d.to_double("(p.purchase_days - 1)");
        let t = format!(
            "({} / {k})",
            d.to_double(&d.days_between("p.first_order", "p.as_of"))
        );
        let t_x = format!(
            "({} / {k})",
            d.to_double(&d.days_between("p.first_order", "p.last_order"))
        );
        let (r, alpha, a, b) = (lit(m.r), lit(m.alpha), lit(m.a), lit(m.b));
        let odds = format!(
            "ln({a} / ({b} + {x} - 1)) + ({r} + {x}) * ln(({alpha} + {t}) / ({alpha} + {t_x}))"
        );
        select.push(format!(
            "CASE WHEN p.purchase_days IS NULL OR p.purchase_days < 1 THEN NULL \
             WHEN p.purchase_days = 1 THEN {} ELSE 1 / (1 + exp({odds})) END AS {}",
            lit(1.0),
            name("p_alive")
        ));
    }
    Ok(())
}

/// The three scores: name, measure, and whether a larger measure scores lower.
const SCORES: [(&str, &str, bool); 3] = [
    ("r", "recency_days", true),
    ("f", "orders", false),
    ("m", "revenue", false),
];

/// `strata_scores` (r/f/m over buyers) and `strata_scored` (the base with scores and `rfm_cell`).
pub(super) fn score_ctes(q: &mut Query, ws: &Workspace) {
    let d = q.d;
    let n = ws.purchase_history.rfm_bins.max(1);
    let body = match ws.purchase_history.rfm_method {
        RfmMethod::Ntile => ntile_scores(q, n),
        method => quantile_scores(q, n, method),
    };
    q.cte("strata_scores", body);
    let t = |x: &str| d.to_text(x);
    q.cte(
        "strata_scored",
        format!(
            "SELECT b.*, s.r_score, s.f_score, s.m_score,\n  {} || {} || {} AS rfm_cell\nFROM strata_base AS b LEFT JOIN strata_scores AS s ON s.{ID} = b.{ID}",
            t("s.r_score"),
            t("s.f_score"),
            t("s.m_score")
        ),
    );
}

/// Scores as `NTILE(n)` over the buyers, ties broken by customer id.
fn ntile_scores(q: &Query, n: u32) -> String {
    let d = q.d;
    let specs = SCORES;
    let cols: Vec<String> = specs
        .iter()
        .map(|(s, m, desc)| {
            let measure = if *s == "m" {
                d.round(&d.ident(m), Some("2"))
            } else {
                d.ident(m)
            };
            let dir = if *desc {
                "DESC NULLS FIRST"
            } else {
                "ASC NULLS LAST"
            };
            format!(
                "NTILE({n}) OVER (ORDER BY {measure} {dir}, {}) AS {s}_score",
                d.byte_order(ID, q.id_text)
            )
        })
        .collect();
    format!(
        "SELECT\n  {ID},\n  {}\nFROM strata_base\nWHERE orders >= 1",
        cols.join(",\n  ")
    )
}

/// Scores against type-7 quantile cut points computed in SQL (`rfm_r` counts a value on a cut
/// point in the lower bin).
fn quantile_scores(q: &mut Query, n: u32, method: RfmMethod) -> String {
    let d = q.d;
    let ks: Vec<String> = (1..n)
        .map(|k| format!("SELECT {k} AS k, {} AS p", d.float(k as f64 / n as f64)))
        .collect();
    if ks.is_empty() {
        q.cte(
            "strata_ks",
            "SELECT 1 AS k, 0 AS p FROM strata_as_of WHERE 1 = 0".into(),
        );
    } else {
        q.cte("strata_ks", ks.join("\nUNION ALL\n"));
    }
    let plus = if method == RfmMethod::RfmR {
        " + 1"
    } else {
        ""
    };
    let mut scores = Vec::new();
    let mut joins = String::new();
    for (s, m, desc) in SCORES {
        let x = d.ident(m);
        let above = quantile_cuts(q, n, (s, &x), plus);
        let score = if desc {
            format!("{n} - ({above})")
        } else {
            format!("1 + {above}")
        };
        scores.push(format!(
            "CASE WHEN b.{x} IS NULL THEN NULL ELSE {score} END AS {s}_score"
        ));
        joins.push_str(&format!(" CROSS JOIN strata_cuts_{s} AS c{s}"));
    }
    format!(
        "SELECT\n  b.{ID},\n  {}\nFROM strata_base AS b{joins}\nWHERE b.orders >= 1",
        scores.join(",\n  ")
    )
}

/// The CTEs of one score's cut points (`strata_sorted_S`, `strata_cut_S`, `strata_cuts_S`),
/// and the count of cut points at or below the value `x`.
fn quantile_cuts(q: &mut Query, n: u32, (s, x): (&str, &str), plus: &str) -> String {
    let d = q.d;
    q.cte(
        &format!("strata_sorted_{s}"),
        format!(
            "SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS rn, COUNT(*) OVER () AS m\nFROM (SELECT {} AS x FROM strata_base WHERE orders >= 1 AND {x} IS NOT NULL) AS t",
            d.to_double(x)
        ),
    );
    // type-7 quantile: x[lo] + (h - lo) * (x[hi] - x[lo]), h = (m - 1) * p
    q.cte(
        &format!("strata_cut_{s}"),
        format!(
            "SELECT b.k, xl.x + (b.h - b.lo) * (xh.x - xl.x){plus} AS t\nFROM (\n  SELECT k, h, lo, CASE WHEN lo + 1 < m - 1 THEN lo + 1 ELSE m - 1 END AS hi\n  FROM (SELECT ks.k, (c.m - 1) * ks.p AS h, FLOOR((c.m - 1) * ks.p) AS lo, c.m FROM strata_ks AS ks CROSS JOIN (SELECT MAX(m) AS m FROM strata_sorted_{s}) AS c) AS a\n) AS b\nJOIN strata_sorted_{s} AS xl ON xl.rn = b.lo + 1\nJOIN strata_sorted_{s} AS xh ON xh.rn = b.hi + 1"
        ),
    );
    let pivot: Vec<String> = (1..n)
        .map(|k| format!("MAX(CASE WHEN k = {k} THEN t END) AS t{k}"))
        .collect();
    let pivot = if pivot.is_empty() {
        "0 AS t0".to_string()
    } else {
        pivot.join(", ")
    };
    q.cte(
        &format!("strata_cuts_{s}"),
        format!("SELECT {pivot} FROM strata_cut_{s}"),
    );
    let above: Vec<String> = (1..n)
        .map(|k| format!("CASE WHEN c{s}.t{k} <= b.{x} THEN 1 ELSE 0 END"))
        .collect();
    if above.is_empty() {
        "0".to_string()
    } else {
        above.join(" + ")
    }
}
