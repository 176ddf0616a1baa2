//! Assembling the per-customer base table from the workspace's tables (SPEC §2): ids, joins, orders.

mod customers;
mod filter;
mod ids;
mod orders;

use std::sync::Arc;

use super::frame::{Cells, Frame, Vector};
use super::tables::Frames;
use crate::engine::error::Result;
use crate::engine::rules::{Spanned, Workspace};

pub(crate) use customers::duplicates_in;
pub(crate) use orders::{NOTHING_COUNTS, PreparedOrders};

/// The order-date column as days, shared when it is one.
fn order_days(col: Option<&Arc<Vector>>, n: usize) -> Arc<Vector> {
    match col {
        Some(v) if matches!(**v, Vector::Date(_)) => Arc::clone(v),
        Some(v) => Arc::new(Vector::Date(
            (0..n).map(|i| v.f64_at(i).map(|x| x as i32)).collect(),
        )),
        None => Arc::new(Vector::Date(Cells::nulls(n))),
    }
}

/// The column a role names, if it is set.
fn col_name(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref().map(|x| x.value.clone())
}

/// The orders' customer id column: `order_customer_id`, else `customer_id`.
fn order_cid(ws: &Workspace) -> Option<String> {
    col_name(&ws.columns.order_customer_id).or(col_name(&ws.columns.customer_id))
}

pub(super) struct Assembled {
    pub ws: Workspace,
    pub base: Frame,
    pub ids: Vector,
    pub as_of: Option<i32>,
    pub warnings: Vec<String>,
    pub orders: Option<PreparedOrders>,
}

/// A customers table as the base table holds it: in id order, duplicates refused or dropped as
/// the workspace says; with its ids.
pub(super) fn customers_in_order(
    ws: &Workspace,
    table: Frame,
    warnings: &mut Vec<String>,
) -> Result<(Frame, Vector)> {
    customers::customers(ws, Some(table), None, warnings)
}

/// Build the per-customer base table: customers (or the distinct buyers), joined tables,
/// attributes taken from the orders, and the kept order rows.
pub(super) fn assemble(ws: Workspace, tables: Frames) -> Result<Assembled> {
    let timing = crate::engine::timing::Timing::new();
    let mut warnings = Vec::new();
    let has_customers = tables.customers.is_some();
    let mut as_of = None;
    let ord = match tables.orders {
        Some(of) => {
            let (rows, a) = filter::order_rows(&ws, &of, &mut warnings)?;
            as_of = a;
            Some((of, rows))
        }
        None => None,
    };
    timing.mark("  orders filtered");
    let (mut base, ids) = customers::customers(
        &ws,
        tables.customers,
        ord.as_ref().map(|(of, rows)| (of, rows.as_slice())),
        &mut warnings,
    )?;
    timing.mark("  customers");
    customers::join(&ws, (&mut base, &ids), tables.joins, &mut warnings)?;
    let orders = match ord {
        Some((of, rows)) => Some(orders::prepare(
            &ws,
            of,
            &rows,
            &ids,
            (&mut base, !has_customers),
            &mut warnings,
        )?),
        None => None,
    };
    Ok(Assembled {
        ws,
        base,
        ids,
        as_of,
        warnings,
        orders,
    })
}
