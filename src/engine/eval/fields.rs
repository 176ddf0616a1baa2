//! The names of the purchase-history fields derived per customer (SPEC §4.3).

use crate::engine::rules::Workspace;

/// Fields every workspace with orders derives, in the order they are documented.
pub const BASE_FIELDS: [&str; 17] = [
    "orders",
    "revenue",
    "first_order",
    "last_order",
    "recency_days",
    "tenure_days",
    "purchase_days",
    "repeat_purchases",
    "avg_order_value",
    "distinct_products",
    "top_category",
    "main_channel",
    "discount_share",
    "r_score",
    "f_score",
    "m_score",
    "rfm_cell",
];

/// All derived field names of a workspace (with its windowed fields); empty without orders.
pub fn derived_fields(ws: &Workspace) -> Vec<String> {
    if ws.data.orders.is_none() {
        return vec![];
    }
    let mut v: Vec<String> = BASE_FIELDS.iter().map(|s| s.to_string()).collect();
    v.extend(super::clv::CLV_FIELDS.iter().map(|s| s.to_string()));
    for w in &ws.purchase_history.windows {
        v.push(format!("orders_{w}d"));
        v.push(format!("revenue_{w}d"));
    }
    v
}
