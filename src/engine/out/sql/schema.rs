//! What the SQL writer must know of the data: every column's type and the table it comes from.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use crate::engine::error::Result;
use crate::engine::eval::frame::DType;
use crate::engine::eval::session::{Session, Tables};
use crate::engine::rules::Workspace;

/// Column types and origins, learned by evaluating the workspace on its (sample) data.
#[derive(Debug, Clone, Default)]
pub struct SqlSchema {
    /// Every column of the per-customer table (attributes and derived fields) with its type.
    pub base: HashMap<String, DType>,
    /// Columns of the orders table with their types.
    pub orders: HashMap<String, DType>,
    pub customer_cols: Vec<String>,
    /// Columns of each joined table, in the workspace's join order.
    pub join_cols: Vec<Vec<String>>,
}

impl SqlSchema {
    /// Load the columns the rules read and evaluate the whole workspace once, so a rule that
    /// does not type-check is reported (with its position) before any SQL is written.
    pub fn load(ws: &Workspace) -> Result<SqlSchema> {
        let t = Tables::load(ws, Some(&[]))?;
        Self::from_frames(ws, t.customers.as_ref(), t.orders.as_ref(), &t.joins)
    }

    /// The same from tables already in memory.
    pub fn from_frames(
        ws: &Workspace,
        customers: Option<&DataFrame>,
        orders: Option<&DataFrame>,
        joins: &[DataFrame],
    ) -> Result<SqlSchema> {
        let s = Session::from_frames(ws.clone(), customers, orders, joins)?;
        let names = |df: &DataFrame| -> Vec<String> {
            df.get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect()
        };
        Ok(SqlSchema {
            base: s
                .base
                .names
                .iter()
                .filter_map(|n| s.base.dtype_of(n).map(|t| (n.clone(), t)))
                .collect(),
            orders: s.order_types(),
            customer_cols: customers.map(names).unwrap_or_default(),
            join_cols: joins.iter().map(names).collect(),
        })
    }
}
