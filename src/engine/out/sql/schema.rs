//! What the SQL writer must know of the data: every column's type and the table it comes from.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use crate::engine::data::progress::Progress;
use crate::engine::error::Result;
use crate::engine::eval::frame::DType;
use crate::engine::eval::session::{Frames, Session};
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
    /// The BG/NBD fit, when the rules read a predictive-value field (`p_alive` is written with
    /// its constants).
    pub bgnbd: Option<crate::engine::eval::clv::BgNbdFit>,
    /// The evaluation's as_of (a day number), which the fit was made at.
    pub as_of: Option<i32>,
    /// What was read as missing or left out of the files on the way.
    pub quality: Vec<crate::engine::data::quality::FileQuality>,
}

impl SqlSchema {
    /// Load the columns the rules read and evaluate the whole workspace once, so a rule that
    /// does not type-check is reported (with its position) before any SQL is written.
    pub fn load(ws: &Workspace) -> Result<SqlSchema> {
        Self::load_watched(ws, &Progress::default())
    }

    /// The same, reporting progress into `p` and stopping when it is cancelled.
    pub fn load_watched(ws: &Workspace, p: &Progress) -> Result<SqlSchema> {
        Self::load_with(ws, &[], p, &crate::engine::eval::cache::Cache::Off)
    }

    /// The same, also deriving the fields `with` names (a predictive field is fitted for them).
    pub fn load_with(
        ws: &Workspace,
        with: &[String],
        p: &Progress,
        cache: &crate::engine::eval::cache::Cache,
    ) -> Result<SqlSchema> {
        let t = Frames::load_cached(ws, Some(with), p, cache)?;
        let customer_cols = t.customers.as_ref().map(|f| f.names.clone());
        let join_cols = t.joins.iter().map(|f| f.names.clone()).collect();
        let s = Session::from_tables(ws.clone(), t)?;
        Ok(Self::of(&s, customer_cols.unwrap_or_default(), join_cols))
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
        Ok(Self::of(
            &s,
            customers.map(names).unwrap_or_default(),
            joins.iter().map(names).collect(),
        ))
    }

    fn of(s: &Session, customer_cols: Vec<String>, join_cols: Vec<Vec<String>>) -> SqlSchema {
        SqlSchema {
            base: s
                .base
                .names
                .iter()
                .filter_map(|n| s.base.dtype_of(n).map(|t| (n.clone(), t)))
                .collect(),
            orders: s.order_types(),
            customer_cols,
            join_cols,
            bgnbd: s.clv.as_ref().map(|f| f.bgnbd.clone()),
            as_of: s.as_of,
            quality: s.quality.clone(),
        }
    }
}
