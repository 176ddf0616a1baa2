//! The workspace's tables loaded for evaluation: which columns to read, whether they fit in memory.

use std::path::Path;

use polars::prelude::DataFrame;

use super::frame::Frame;
use crate::engine::data::load::load_table_watched;
use crate::engine::data::progress::{Progress, memory_available, show_bytes};
use crate::engine::data::{ReadOptions, load_data};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Spanned, Workspace};

/// The tables a workspace reads, as loaded from disk.
pub struct Tables {
    pub customers: Option<DataFrame>,
    pub orders: Option<DataFrame>,
    pub joins: Vec<DataFrame>,
}

/// Order columns that feed one purchase field each: `(role, field)`.
fn single_use_roles(ws: &Workspace) -> [(&Option<Spanned<String>>, &'static str); 4] {
    let c = &ws.columns;
    [
        (&c.product, "distinct_products"),
        (&c.category, "top_category"),
        (&c.channel, "main_channel"),
        (&c.discount, "discount_share"),
    ]
}

/// The purchase fields left out when reading for `extra`: those whose only source column is
/// not otherwise needed (with a customers table; without one, order columns become attributes).
/// The predictive-value fields' spend input is left out too when no such field is asked for.
fn pruned_fields(ws: &Workspace, extra: Option<&[String]>) -> Vec<String> {
    let Some(x) = extra else { return vec![] };
    let mut used = ws.referenced_names();
    used.extend(x.iter().cloned());
    let mut pruned = Vec::new();
    if !super::clv::CLV_FIELDS
        .iter()
        .any(|f| used.iter().any(|u| u == f))
    {
        pruned.push("repeat_avg_value".to_string());
    }
    if ws.data.customers.is_none() {
        return pruned;
    }
    pruned.extend(
        single_use_roles(ws)
            .into_iter()
            .filter_map(|(role, field)| {
                let col = role.as_ref()?;
                let needed = used.iter().any(|u| u == field || *u == col.value);
                (!needed).then(|| field.to_string())
            }),
    );
    pruned
}

/// The columns to read: with `extra`, only those the rules and roles need plus `extra`.
fn needed_columns(ws: &Workspace, extra: Option<&[String]>) -> Option<Vec<String>> {
    let pruned = pruned_fields(ws, extra);
    extra.map(|x| {
        let mut v = ws.referenced_names();
        v.extend(x.iter().cloned());
        let c = &ws.columns;
        let roles = [
            &c.customer_id,
            &c.order_customer_id,
            &c.order_id,
            &c.order_date,
            &c.amount,
            &c.quantity,
            &c.unit_price,
        ];
        v.extend(roles.into_iter().flatten().map(|s| s.value.clone()));
        for (role, field) in single_use_roles(ws) {
            if let Some(col) = role
                && !pruned.iter().any(|p| p == field)
            {
                v.push(col.value.clone());
            }
        }
        v.extend(ws.data.joins.iter().map(|j| j.key.value.clone()));
        v
    })
}

/// Memory a load takes per byte of the columns it reads (typed values, the per-customer table,
/// purchase fields), measured on the benchmark data.
const MEMORY_PER_BYTE_READ: u64 = 3;

/// Read every file of the workspace with `read(path, options, columns, progress)`, after
/// checking that the columns to read fit in the memory available.
/// With `check`, the headers read for that are also checked against the workspace (as `strata
/// check` does: a role naming a column the file lacks would leave its fields empty).
fn load_each<T>(
    ws: &Workspace,
    (extra, check): (Option<&[String]>, bool),
    p: &Progress,
    read: impl Fn(&Path, &ReadOptions, Option<&[String]>, &Progress) -> Result<T>,
) -> Result<(Option<T>, Option<T>, Vec<T>)> {
    let base = ws.base_dir();
    let need = needed_columns(ws, extra);
    let mut files: Vec<&crate::engine::rules::FileRef> = Vec::new();
    files.extend(ws.data.customers.as_ref());
    files.extend(ws.data.orders.as_ref());
    files.extend(ws.data.joins.iter().map(|j| &j.file));
    let mut plans = Vec::new();
    let mut all_headers = Vec::new();
    for f in &files {
        let path = f.resolve(&base);
        let headers = crate::engine::data::read_headers(&path, &f.options)?;
        let cols = need.as_ref().map(|need| {
            headers
                .iter()
                .filter(|h| need.contains(h))
                .cloned()
                .collect::<Vec<_>>()
        });
        plans.push((path, cols, headers.len()));
        all_headers.push(headers);
    }
    if check {
        let mut it = all_headers.into_iter();
        let h = crate::engine::rules::check::Headers {
            customers: ws.data.customers.as_ref().and_then(|_| it.next()),
            orders: ws.data.orders.as_ref().and_then(|_| it.next()),
            joins: it.collect(),
        };
        let problems = crate::engine::rules::check::check_against(ws, &h);
        if !problems.is_empty() {
            return Err(EngineError::Workspace(problems));
        }
    }
    check_memory(&plans)?;
    let mut loaded = std::collections::VecDeque::new();
    for ((path, cols, _), f) in plans.iter().zip(&files) {
        loaded.push_back(read(path, &f.options, cols.as_deref(), p)?);
    }
    // in the order `files` lists them: customers, orders, then the joins
    let customers = ws.data.customers.as_ref().and_then(|_| loaded.pop_front());
    let orders = ws.data.orders.as_ref().and_then(|_| loaded.pop_front());
    let joins = loaded.into_iter().collect();
    Ok((customers, orders, joins))
}

/// Refuse, before reading, a load that cannot fit in memory (see `MEMORY_PER_BYTE_READ`).
fn check_memory(plans: &[(std::path::PathBuf, Option<Vec<String>>, usize)]) -> Result<()> {
    let Some(avail) = memory_available() else {
        return Ok(());
    };
    let mut read = 0u64;
    for (path, cols, ncols) in plans {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        // compressed text holds about five times its size
        let text = if crate::engine::data::load::is_gzip(path) {
            size.saturating_mul(5)
        } else {
            size
        };
        let share = cols
            .as_ref()
            .map_or(1.0, |c| c.len() as f64 / (*ncols).max(1) as f64);
        read += (text as f64 * share) as u64;
    }
    let need = read.saturating_mul(MEMORY_PER_BYTE_READ);
    if need > avail {
        let names: Vec<String> = plans
            .iter()
            .filter_map(|(p, _, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        return Err(EngineError::Invalid(format!(
            "evaluating this workspace needs about {} of memory ({}× the {} of columns read from {}) \
             but {} is available; read a sample or fewer columns, or run it in a database with \
             `strata sql` (STRATA_MEMORY_LIMIT sets the limit this check uses)",
            show_bytes(need),
            MEMORY_PER_BYTE_READ,
            show_bytes(read),
            names.join(", "),
            show_bytes(avail)
        )));
    }
    Ok(())
}

impl Tables {
    /// Load every table; with `extra`, only the columns the rules need plus those (e.g. `--with`
    /// fields); `None` reads every column (the wizard shows them all).
    pub fn load(ws: &Workspace, extra: Option<&[String]>) -> Result<Tables> {
        Self::load_watched(ws, extra, &Progress::default())
    }

    /// The same, counting the bytes read into `p` and stopping when it is cancelled.
    pub fn load_watched(ws: &Workspace, extra: Option<&[String]>, p: &Progress) -> Result<Tables> {
        let (customers, orders, joins) = load_each(ws, (extra, false), p, |path, o, c, p| {
            Ok(load_table_watched(path, o, c, p)?.df)
        })?;
        Ok(Tables {
            customers,
            orders,
            joins,
        })
    }
}

/// The same tables as typed columns, ready for evaluation.
#[derive(Clone)]
pub struct Frames {
    pub customers: Option<Frame>,
    pub orders: Option<Frame>,
    pub joins: Vec<Frame>,
    /// Purchase fields not to derive, their source columns not read (nothing asked for them).
    pub pruned: Vec<String>,
    /// Fields asked for besides those the rules name (`--with`).
    pub requested: Vec<String>,
    /// For the wizard: predictive models that cannot be fitted leave their fields empty (with
    /// the reason kept) instead of failing the evaluation, so the rules can still be changed.
    pub interactive: bool,
}

impl Frames {
    /// Load every table straight into typed columns (see [`Tables::load`] for `extra`).
    pub fn load(ws: &Workspace, extra: Option<&[String]>) -> Result<Frames> {
        Self::load_watched(ws, extra, &Progress::default())
    }

    /// The same, counting the bytes read into `p` and stopping when it is cancelled.
    pub fn load_watched(ws: &Workspace, extra: Option<&[String]>, p: &Progress) -> Result<Frames> {
        let (customers, orders, joins) = load_each(ws, (extra, true), p, |path, o, c, p| {
            Frame::from_data(load_data(path, o, c, p)?)
                .map_err(|e| EngineError::data(path, crate::engine::data::load::short(&e)))
        })?;
        Ok(Frames {
            customers,
            orders,
            joins,
            pruned: pruned_fields(ws, extra),
            requested: extra.map(<[String]>::to_vec).unwrap_or_default(),
            interactive: false,
        })
    }

    /// Convert tables already in memory.
    pub fn from_dfs(
        ws: &Workspace,
        customers: Option<&DataFrame>,
        orders: Option<&DataFrame>,
        joins: &[DataFrame],
    ) -> Result<Frames> {
        let conv = |df: &DataFrame, what: &str| {
            Frame::from_df(df, None)
                .map_err(|e| EngineError::data(&ws.file, format!("{what}: {e}")))
        };
        Ok(Frames {
            customers: customers.map(|d| conv(d, "customers")).transpose()?,
            orders: orders.map(|d| conv(d, "orders")).transpose()?,
            joins: joins
                .iter()
                .map(|d| conv(d, "joined table"))
                .collect::<Result<_>>()?,
            pruned: vec![],
            requested: vec![],
            interactive: false,
        })
    }
}
