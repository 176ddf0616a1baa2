//! The workspace's tables loaded for evaluation: which columns to read, whether they fit in memory.

use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::cache::Cache;
use super::frame::Frame;
use crate::engine::data::load::load_table_watched;
use crate::engine::data::load::{file_label, file_size, largest_file};
use crate::engine::data::profile::{ColumnProfile, profile_data};
use crate::engine::data::progress::{Progress, memory_available, show_bytes};
use crate::engine::data::{ReadOptions, load_data};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Spanned, Workspace};

/// The tables a workspace reads as polars data frames (evaluation reads [`Frames`] instead;
/// these are for checking the two agree, and for tools that want polars).
pub struct PolarsTables {
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
pub(super) fn pruned_fields(ws: &Workspace, extra: Option<&[String]>) -> Vec<String> {
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

/// One file a load reads: which, where, the columns (`None`: all) and its cache key.
pub(super) struct Plan {
    pub options: ReadOptions,
    pub path: PathBuf,
    pub columns: Option<Vec<String>>,
    ncols: usize,
    pub key: Option<String>,
}

impl Plan {
    /// The file is as it was when the plan was made (so what was read from it may be kept).
    pub fn unchanged(&self, cache: &Cache) -> bool {
        self.key.is_some()
            && cache.table_key(&self.path, &self.options, self.columns.as_deref()) == self.key
    }
}

/// What a load of a workspace reads, decided from its files' headers: customers, orders, then
/// the joins, in that order.
pub(super) struct LoadPlan {
    pub files: Vec<Plan>,
    largest: u64,
}

impl LoadPlan {
    /// With `check`, the headers are also checked against the workspace (as `strata check`
    /// does: a role naming a column the file lacks would leave its fields empty).
    pub fn new(
        ws: &Workspace,
        (extra, check): (Option<&[String]>, bool),
        cache: &Cache,
    ) -> Result<LoadPlan> {
        let base = ws.base_dir();
        let need = needed_columns(ws, extra);
        let mut plans = Vec::new();
        let mut all_headers = Vec::new();
        for f in ws.data_files() {
            let path = f.resolve(&base);
            let headers = crate::engine::data::read_headers(&path, &f.options)?;
            let columns = need.as_ref().map(|need| {
                headers
                    .iter()
                    .filter(|h| need.contains(h))
                    .cloned()
                    .collect::<Vec<_>>()
            });
            let key = cache.table_key(&path, &f.options, columns.as_deref());
            plans.push(Plan {
                options: f.options.clone(),
                path,
                columns,
                ncols: headers.len(),
                key,
            });
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
        let largest = largest_file(plans.iter().map(|p| p.path.as_path()));
        Ok(LoadPlan {
            files: plans,
            largest,
        })
    }

    /// The largest file's size (the cache's default limit follows it).
    pub fn largest(&self) -> u64 {
        self.largest
    }

    /// Every file's cache key, when the cache is on and each file has one.
    pub fn keys(&self) -> Option<Vec<&str>> {
        self.files.iter().map(|p| p.key.as_deref()).collect()
    }

    /// The same keys for the wizard's read (every column, the profiles kept beside them).
    pub fn wizard_keys(&self) -> Option<Vec<String>> {
        let keys = self.keys()?;
        Some(
            keys.iter()
                .map(|k| format!("{k}{}\n", super::cache::WIZARD_READ))
                .collect(),
        )
    }

    /// Read every file with `read(index, plan, progress)`, after checking that the columns to
    /// read fit in the memory available. The files are read at the same time (each on all
    /// cores: one file's serial moments are filled with the other's work), shown as one step;
    /// the results are in plan order. A file that fails stops the others (its error is the
    /// answer, at once); the error told is the first in plan order, a read stopped that way
    /// aside.
    fn read<T: Send>(
        &self,
        ws: &Workspace,
        p: &Progress,
        read: impl Fn(usize, &Plan, &Progress) -> Result<T> + Sync,
    ) -> Result<(Option<T>, Option<T>, Vec<T>)> {
        check_memory(&self.files)?;
        /// Ends the group however the reads end (a panic included).
        struct Group<'a>(&'a Progress);
        impl Drop for Group<'_> {
            fn drop(&mut self) {
                self.0.end_group();
            }
        }
        let group = (self.files.len() > 1).then(|| {
            let names: Vec<String> = self.files.iter().map(|f| file_label(&f.path)).collect();
            let total = self.files.iter().map(|f| file_size(&f.path)).sum();
            p.begin_group(&names.join(", "), total);
            Group(p)
        });
        let items: Vec<(usize, &Plan)> = self.files.iter().enumerate().collect();
        // a file that fails stops the others: its error is the answer, at once
        let results = crate::engine::parallel::map_items(items, |(i, f)| {
            let r = read(i, f, p);
            if group.is_some()
                && r.as_ref()
                    .is_err_and(|e| !matches!(e, EngineError::Cancelled))
            {
                p.halt();
            }
            r
        });
        // the first error in plan order, a read stopped by another's failure aside
        let stopped_others = p.is_halted() && !p.is_cancelled();
        drop(group);
        let mut results = results;
        let told = results.iter().position(|r| {
            r.as_ref()
                .is_err_and(|e| !(stopped_others && matches!(e, EngineError::Cancelled)))
        });
        if let Some(Err(e)) = told.map(|i| results.swap_remove(i)) {
            return Err(e);
        }
        let mut loaded = results
            .into_iter()
            .collect::<Result<std::collections::VecDeque<T>>>()?;
        // in the order the plan lists them: customers, orders, then the joins
        let customers = ws.data.customers.as_ref().and_then(|_| loaded.pop_front());
        let orders = ws.data.orders.as_ref().and_then(|_| loaded.pop_front());
        let joins = loaded.into_iter().collect();
        Ok((customers, orders, joins))
    }
}

/// Refuse, before reading, a load that cannot fit in memory (see `MEMORY_PER_BYTE_READ`).
fn check_memory(plans: &[Plan]) -> Result<()> {
    let Some(avail) = memory_available() else {
        return Ok(());
    };
    let mut read = 0u64;
    for Plan {
        path,
        columns: cols,
        ncols,
        ..
    } in plans
    {
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
        let names: Vec<String> = plans.iter().map(|p| file_label(&p.path)).collect();
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

impl PolarsTables {
    /// Load every table; with `extra`, only the columns the rules need plus those (e.g. `--with`
    /// fields); `None` reads every column (the wizard shows them all).
    pub fn load(ws: &Workspace, extra: Option<&[String]>) -> Result<PolarsTables> {
        Self::load_watched(ws, extra, &Progress::default())
    }

    /// The same, counting the bytes read into `p` and stopping when it is cancelled.
    pub fn load_watched(
        ws: &Workspace,
        extra: Option<&[String]>,
        p: &Progress,
    ) -> Result<PolarsTables> {
        let plan = LoadPlan::new(ws, (extra, false), &Cache::Off)?;
        let (customers, orders, joins) = plan.read(ws, p, |_, f, p| {
            Ok(load_table_watched(&f.path, &f.options, f.columns.as_deref(), p)?.df)
        })?;
        Ok(PolarsTables {
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
    /// What happened to the cache on the way (a damaged entry read again, an entry not kept).
    pub notes: Vec<String>,
    /// Every file was as its cache key says while it was read (what is built from these tables
    /// may be kept under that key).
    pub unchanged: bool,
    /// For the wizard: predictive models that cannot be fitted leave their fields empty (with
    /// the reason kept) instead of failing the evaluation, so the rules can still be changed.
    pub interactive: bool,
}

impl Frames {
    /// Load every table straight into typed columns (see [`PolarsTables::load`] for `extra`).
    pub fn load(ws: &Workspace, extra: Option<&[String]>) -> Result<Frames> {
        Self::load_watched(ws, extra, &Progress::default())
    }

    /// The same, counting the bytes read into `p` and stopping when it is cancelled.
    pub fn load_watched(ws: &Workspace, extra: Option<&[String]>, p: &Progress) -> Result<Frames> {
        Self::load_cached(ws, extra, p, &Cache::Off)
    }

    /// The same, taking each table from `cache` when it holds it (and keeping it there when not).
    pub fn load_cached(
        ws: &Workspace,
        extra: Option<&[String]>,
        p: &Progress,
        cache: &Cache,
    ) -> Result<Frames> {
        let plan = LoadPlan::new(ws, (extra, true), cache)?;
        Self::load_planned(ws, extra, &plan, p, cache, true)
    }

    /// Load what `plan` says (made with the same `extra` and `cache`).
    /// With `keep` false, tables read from their files are not kept (those the cache holds are
    /// still taken from it).
    pub(super) fn load_planned(
        ws: &Workspace,
        extra: Option<&[String]>,
        plan: &LoadPlan,
        p: &Progress,
        cache: &Cache,
        keep: bool,
    ) -> Result<Frames> {
        // a table from its entry matches its key; one read is checked once, after its read
        let read = plan.read(ws, p, |_, f, p| {
            let key = (f.path.as_path(), f.key.as_deref());
            let read = || {
                let (path, c) = (&f.path, f.columns.as_deref());
                Frame::from_data(load_data(path, &f.options, c, p)?)
                    .map_err(|e| EngineError::data(path, crate::engine::data::load::short(&e)))
            };
            let (mut notes, mut same) = (Vec::new(), true);
            let frame = cache.table(key, (plan.largest(), keep), (p, &mut notes), read, || {
                same = f.unchanged(cache);
                same
            })?;
            Ok((frame, notes, same))
        })?;
        let mut notes = Vec::new();
        let mut unchanged = plan.keys().is_some();
        let mut take = |t: Option<(Frame, Vec<String>, bool)>| {
            t.map(|(frame, n, same)| {
                // a note on the cache itself comes from every file: once is enough
                for n in n {
                    if !notes.contains(&n) {
                        notes.push(n);
                    }
                }
                unchanged &= same;
                frame
            })
        };
        let (customers, orders) = (take(read.0), take(read.1));
        let joins = read.2.into_iter().filter_map(|t| take(Some(t))).collect();
        Ok(Frames {
            notes,
            unchanged,
            customers,
            orders,
            joins,
            pruned: pruned_fields(ws, extra),
            requested: extra.map(<[String]>::to_vec).unwrap_or_default(),
            interactive: false,
        })
    }

    /// The wizard's tables: every column, and the profile of the first table (the customers, or
    /// else the orders), taken from `cache` when it holds them all and kept there when not.
    /// The profiles are kept with the tables, so the wizard's entries are apart from others'.
    pub fn load_for_wizard(
        ws: &Workspace,
        p: &Progress,
        cache: &Cache,
    ) -> Result<(Frames, Vec<ColumnProfile>)> {
        let plan = LoadPlan::new(ws, (None, false), cache)?;
        Self::load_planned_for_wizard(ws, &plan, p, cache)
    }

    /// The same, for a `plan` already made (`LoadPlan::new(ws, (None, false), cache)`).
    pub(super) fn load_planned_for_wizard(
        ws: &Workspace,
        plan: &LoadPlan,
        p: &Progress,
        cache: &Cache,
    ) -> Result<(Frames, Vec<ColumnProfile>)> {
        let keys = plan.wizard_keys();
        let mut notes = Vec::new();
        if let Some(keys) = &keys
            && let Some(hit) = Self::wizard_hit(ws, plan, keys, p, cache, &mut notes)
        {
            return Ok(hit);
        }
        // the first table is profiled as read (typed columns, no polars copy), then every table
        // becomes evaluation columns
        let read = plan.read(ws, p, |i, f, p| {
            let data = load_data(&f.path, &f.options, f.columns.as_deref(), p)?;
            let profiles = (i == 0).then(|| profile_data(&data));
            let frame = Frame::from_data(data)
                .map_err(|e| EngineError::data(&f.path, crate::engine::data::load::short(&e)))?;
            Ok((frame, profiles))
        })?;
        let mut profiles = None;
        let mut take = |t: Option<(Frame, Option<Vec<ColumnProfile>>)>| {
            t.map(|(frame, p)| {
                profiles = profiles.take().or(p);
                frame
            })
        };
        let (customers, orders) = (take(read.0), take(read.1));
        let joins: Vec<Frame> = read.2.into_iter().filter_map(|t| take(Some(t))).collect();
        let profiles =
            profiles.ok_or_else(|| EngineError::Invalid("the workspace names no data".into()))?;
        let mut frames = Self::for_wizard((customers, orders, joins), vec![], false);
        if let Some(keys) = keys {
            let meta = super::cache::profiles::encode(&profiles);
            let all = frames
                .customers
                .iter()
                .chain(&frames.orders)
                .chain(&frames.joins);
            let mut unchanged = true;
            for (i, ((f, key), fp)) in all.zip(&keys).zip(&plan.files).enumerate() {
                if fp.unchanged(cache) {
                    let m = if i == 0 { meta.as_str() } else { "" };
                    let shown = file_label(&fp.path);
                    cache.put(key, m, f, plan.largest(), &shown, &mut notes);
                } else {
                    unchanged = false;
                }
            }
            // what is built from these tables may be kept under their keys
            frames.unchanged = unchanged;
        }
        frames.notes = notes;
        Ok((frames, profiles))
    }

    /// Every table of the wizard's load from the cache, or `None`.
    fn wizard_hit(
        ws: &Workspace,
        plan: &LoadPlan,
        keys: &[String],
        p: &Progress,
        cache: &Cache,
        notes: &mut Vec<String>,
    ) -> Option<(Frames, Vec<ColumnProfile>)> {
        let mut got = std::collections::VecDeque::new();
        let mut profiles = None;
        for (key, f) in keys.iter().zip(&plan.files) {
            let (meta, frame) = cache.get(key, &file_label(&f.path), notes)?;
            if profiles.is_none() {
                profiles = Some(super::cache::profiles::decode(&meta)?);
            }
            super::cache::read_whole(p, &f.path);
            got.push_back(frame);
        }
        let customers = ws.data.customers.as_ref().and_then(|_| got.pop_front());
        let orders = ws.data.orders.as_ref().and_then(|_| got.pop_front());
        let tables = (customers, orders, got.into_iter().collect());
        Some((
            Self::for_wizard(tables, std::mem::take(notes), true),
            profiles?,
        ))
    }

    /// The wizard's tables: every column, nothing pruned or asked for besides.
    fn for_wizard(
        (customers, orders, joins): (Option<Frame>, Option<Frame>, Vec<Frame>),
        notes: Vec<String>,
        unchanged: bool,
    ) -> Frames {
        Frames {
            customers,
            orders,
            joins,
            pruned: vec![],
            requested: vec![],
            notes,
            unchanged,
            interactive: true,
        }
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
            notes: vec![],
            unchanged: false,
            interactive: false,
        })
    }
}
