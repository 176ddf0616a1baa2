//! Classify's roles: the `[columns]` key a suggested role or a typed one is saved under.

use crate::engine::data::roles::Role;

/// The `[columns]` key a role is saved under, for the table the screen profiles.
pub fn role_key(role: Role, orders_table: bool) -> Option<&'static str> {
    Some(match role {
        Role::CustomerId if orders_table => "order_customer_id",
        Role::CustomerId => "customer_id",
        Role::Pii => "pii",
        Role::OrderId if orders_table => "order_id",
        Role::OrderDate if orders_table => "order_date",
        Role::Amount if orders_table => "amount",
        Role::Quantity if orders_table => "quantity",
        Role::UnitPrice if orders_table => "unit_price",
        Role::Product if orders_table => "product",
        Role::Category if orders_table => "category",
        Role::Channel if orders_table => "channel",
        Role::Discount if orders_table => "discount",
        _ => return None,
    })
}

/// The keys a column of the profiled table can take.
pub fn allowed_keys(orders_table: bool) -> Vec<&'static str> {
    if orders_table {
        let mut v = vec!["order_customer_id"];
        v.extend(crate::engine::rules::ORDER_ROLE_KEYS.iter().skip(1));
        v.push("pii");
        v
    } else {
        vec!["customer_id", "pii"]
    }
}
