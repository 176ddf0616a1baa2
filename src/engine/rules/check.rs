//! `strata check`: a workspace against the headers of its data, every problem at once.

use std::collections::HashSet;

use super::workspace::*;
use crate::engine::data::read_headers;
use crate::engine::error::{Diagnostic, did_you_mean};
use crate::engine::eval::fields::derived_fields;

/// Column names of every table the workspace reads.
#[derive(Debug, Default, Clone)]
pub struct Headers {
    pub customers: Option<Vec<String>>,
    pub orders: Option<Vec<String>>,
    pub joins: Vec<Vec<String>>,
}

impl Headers {
    /// Names usable as per-customer attributes: customer columns (or order columns when there
    /// is no customers table) and joined columns.
    pub fn attributes(&self) -> Vec<String> {
        let mut v = self
            .customers
            .clone()
            .or_else(|| self.orders.clone())
            .unwrap_or_default();
        for j in &self.joins {
            v.extend(j.iter().cloned());
        }
        v
    }
}

/// Read the headers of all files; unreadable files become diagnostics.
pub fn read_all_headers(ws: &Workspace, diags: &mut Vec<Diagnostic>) -> Headers {
    let base = ws.base_dir();
    let read = |f: &FileRef, diags: &mut Vec<Diagnostic>| match read_headers(
        &f.resolve(&base),
        &f.options,
    ) {
        Ok(h) => Some(h),
        Err(e) => {
            diags.push(ws.diag_at(&f.path.span, e.to_string()).key(f.key.clone()));
            None
        }
    };
    let customers = ws.data.customers.as_ref().and_then(|f| read(f, diags));
    let orders = ws.data.orders.as_ref().and_then(|f| read(f, diags));
    let joins = ws
        .data
        .joins
        .iter()
        .map(|j| read(&j.file, diags).unwrap_or_default())
        .collect();
    Headers {
        customers,
        orders,
        joins,
    }
}

fn unknown(
    ws: &Workspace,
    name: &Spanned<String>,
    key: &str,
    candidates: &[String],
    what: &str,
) -> Diagnostic {
    let hint = did_you_mean(&name.value, candidates.iter().map(|s| s.as_str()))
        .map(|m| format!("did you mean \"{m}\"?"))
        .unwrap_or_else(|| {
            let mut c = candidates.to_vec();
            c.truncate(12);
            format!("{what} has: {}", c.join(", "))
        });
    ws.diag_at(&name.span, format!("unknown column \"{}\"", name.value))
        .key(key)
        .hint(hint)
}

/// Check names and roles against the headers. Returns every problem found.
pub fn check_against(ws: &Workspace, h: &Headers) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let derived = derived_fields(ws);
    if let (Some(cust), Some(f)) = (&h.customers, &ws.data.customers) {
        if let Some(id) = &ws.columns.customer_id
            && !cust.contains(&id.value)
        {
            d.push(unknown(ws, id, "columns.customer_id", cust, &f.path.value));
        }
        if ws.data.orders.is_some() {
            for c in cust {
                if derived.contains(c)
                    && ws
                        .columns
                        .customer_id
                        .as_ref()
                        .is_none_or(|id| &id.value != c)
                {
                    d.push(
                        ws.diag_at(&f.path.span, format!("customer column \"{c}\" clashes with the purchase-history field \"{c}\""))
                            .key(f.key.clone())
                            .hint("rename the column in the file, or leave orders out of this workspace"),
                    );
                }
            }
        }
    }
    match (&h.orders, &ws.data.orders) {
        (Some(ord), Some(f)) => check_orders(ws, ord, &f.path, &mut d),
        (_, None) => roles_without_orders(ws, &mut d),
        _ => {}
    }
    for (j, cols) in ws.data.joins.iter().zip(&h.joins) {
        if !cols.is_empty() && !cols.contains(&j.key.value) {
            d.push(unknown(
                ws,
                &j.key,
                &format!("{}.key", j.file.key),
                cols,
                &j.file.path.value,
            ));
        }
    }
    let mut names = h.attributes();
    names.extend(derived.iter().cloned());
    let known: HashSet<&str> = names.iter().map(|s| s.as_str()).collect();
    let any_table_read = h.customers.is_some() || h.orders.is_some();
    let known_ref = any_table_read.then_some((&known, names.as_slice()));
    d.extend(check_conditions(ws, known_ref, h.orders.as_deref()));
    if any_table_read {
        check_names(ws, (&known, &names), &mut d);
    }
    d
}

/// The orders' roles against their headers, and the roles orders cannot do without.
fn check_orders(ws: &Workspace, ord: &[String], path: &Spanned<String>, d: &mut Vec<Diagnostic>) {
    for k in ORDER_ROLE_KEYS {
        if let Some(c) = ws.columns.get(k)
            && !ord.contains(&c.value)
        {
            d.push(unknown(ws, c, &format!("columns.{k}"), ord, &path.value));
        }
    }
    let order_cid = ws
        .columns
        .order_customer_id
        .as_ref()
        .or(ws.columns.customer_id.as_ref());
    match order_cid {
        None => d.push(
            ws.diag_at(&path.span, "orders need a customer id column")
                .key("columns.order_customer_id")
                .hint("set [columns] order_customer_id = \"…\""),
        ),
        Some(c) if ws.columns.order_customer_id.is_none() && !ord.contains(&c.value) => d.push(
            ws.diag_at(
                &c.span,
                format!(
                    "the orders have no column \"{}\" for the customer id",
                    c.value
                ),
            )
            .key("columns.order_customer_id")
            .hint("set [columns] order_customer_id to the orders' customer id column"),
        ),
        _ => {}
    }
    if ws.columns.order_date.is_none() {
        d.push(
            ws.diag_at(
                &path.span,
                "orders need an order date (for recency, tenure and scores)",
            )
            .key("columns.order_date")
            .hint("set [columns] order_date = \"…\""),
        );
    }
    let has_amount = ws.columns.amount.is_some();
    let has_qp = ws.columns.quantity.is_some() && ws.columns.unit_price.is_some();
    if !has_amount && !has_qp {
        d.push(
            ws.diag_at(
                &path.span,
                "orders need an amount, or a quantity and a unit price",
            )
            .key("columns.amount")
            .hint("set [columns] amount = \"…\" (or quantity and unit_price)"),
        );
    }
    if has_amount && (ws.columns.quantity.is_some() || ws.columns.unit_price.is_some()) && !has_qp {
        let c = ws
            .columns
            .quantity
            .as_ref()
            .or(ws.columns.unit_price.as_ref())
            .expect("one is set");
        d.push(
            ws.diag_at(&c.span, "quantity and unit_price go together")
                .key("columns")
                .hint("set both, or only amount"),
        );
    }
}

/// Order roles set in a workspace that reads no orders.
fn roles_without_orders(ws: &Workspace, d: &mut Vec<Diagnostic>) {
    for k in ORDER_ROLE_KEYS {
        if let Some(c) = ws.columns.get(k) {
            d.push(
                ws.diag_at(
                    &c.span,
                    format!("`{k}` names an order column, but [data] has no orders"),
                )
                .key(format!("columns.{k}")),
            );
        }
    }
}

/// The columns the pii list, the characteristics, bins and maps name, against every column and field there is.
fn check_names(
    ws: &Workspace,
    (known, names): (&HashSet<&str>, &[String]),
    d: &mut Vec<Diagnostic>,
) {
    for p in &ws.columns.pii {
        if !known.contains(p.value.as_str()) {
            d.push(unknown(ws, p, "columns.pii", names, "the data"));
        }
    }
    for (c, _) in &ws.characteristics {
        if !known.contains(c.value.as_str()) {
            let key = format!("characteristics.{}", c.value);
            d.push(unknown(ws, c, &key, names, "the data"));
        }
    }
    for c in &ws.criteria {
        let col = match &c.rule {
            // an expression's names are checked with the conditions
            Rule::Bins { expr: true, .. } | Rule::Segments(_) => None,
            Rule::Bins { column, .. } | Rule::Map { column, .. } => Some(column),
        };
        if let Some(col) = col
            && !known.contains(col.value.as_str())
        {
            let form = if matches!(c.rule, Rule::Bins { .. }) {
                "bins"
            } else {
                "map"
            };
            d.push(unknown(
                ws,
                col,
                &format!("criteria.{}.{form}.column", c.name.value),
                names,
                "the data",
            ));
        }
    }
}

/// A diagnostic at a position inside a condition string of the workspace.
fn at_condition(
    ws: &Workspace,
    text: &Spanned<String>,
    key: &str,
    pos: Option<usize>,
    msg: String,
    hint: Option<String>,
) -> Diagnostic {
    let span = match pos {
        Some(p) if text.span.end > text.span.start => {
            let start = text.span.start
                + 1
                + ws.source[text.span.start + 1..]
                    .chars()
                    .take(p - 1)
                    .map(char::len_utf8)
                    .sum::<usize>();
            start..start
        }
        _ => text.span.clone(),
    };
    ws.diag_at(&span, msg).key(key).hint_opt(hint)
}

/// Parse every condition and resolve every name it reads against `known` (when given).
pub fn check_conditions(
    ws: &Workspace,
    known: Option<(&HashSet<&str>, &[String])>,
    order_names: Option<&[String]>,
) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let mut conds: Vec<(&Spanned<String>, String, bool)> = Vec::new();
    if let Some(f) = &ws.data.orders_filter {
        conds.push((f, "data.orders_filter".into(), true));
    }
    for c in &ws.criteria {
        if let Rule::Bins {
            column, expr: true, ..
        } = &c.rule
        {
            conds.push((
                column,
                format!("criteria.{}.bins.expr", c.name.value),
                false,
            ));
        }
        if let Rule::Segments(segs) = &c.rule {
            for (i, s) in segs.iter().enumerate() {
                conds.push((
                    &s.when,
                    format!("criteria.{}.segments[{i}].when", c.name.value),
                    false,
                ));
            }
        }
    }
    if let Some(v) = &ws.valuation.value {
        conds.push((v, "valuation.value".into(), false));
    }
    if let Some(v) = &ws.valuation.cost {
        conds.push((v, "valuation.cost".into(), false));
    }
    for m in &ws.valuation.measures {
        conds.push((&m.expr, format!("valuation.measures.{}", m.name), false));
    }
    for (text, key, on_orders) in conds {
        match super::condition::parse_condition(text) {
            Err(e) => d.push(at_condition(ws, text, &key, e.pos, e.message, e.hint)),
            Ok(expr) => {
                let names: Option<(HashSet<&str>, &[String])> = if on_orders {
                    order_names.map(|o| (o.iter().map(|s| s.as_str()).collect(), o))
                } else {
                    known.map(|(k, n)| (k.clone(), n))
                };
                let Some((set, all)) = names else { continue };
                for (name, pos) in expr.columns() {
                    if !set.contains(name) {
                        let hint = did_you_mean(name, all.iter().map(|s| s.as_str()))
                            .map(|m| format!("did you mean \"{m}\"?"));
                        d.push(at_condition(
                            ws,
                            text,
                            &key,
                            Some(pos),
                            format!("unknown column \"{name}\""),
                            hint,
                        ));
                    }
                }
            }
        }
    }
    d
}

/// Every problem in a loaded workspace (headers only; nothing is evaluated).
pub fn check(ws: &Workspace) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let h = read_all_headers(ws, &mut d);
    // a file that cannot be read has no columns to check names against: every name of it
    // would be "unknown", which it is not
    if d.is_empty() {
        d.extend(check_against(ws, &h));
    }
    d
}
