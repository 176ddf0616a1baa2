//! The workspace's tables loaded for evaluation: which columns to read, whether they fit in memory.

use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::cache::Cache;
use super::conform;
use super::frame::Frame;
use crate::engine::data::load::load_table_watched;
use crate::engine::data::profile::{ColumnProfile, profile_data};
use crate::engine::data::progress::{Progress, memory_available, show_bytes};
use crate::engine::data::quality::{BadRowsFound, FileQuality};
use crate::engine::data::read::{file_label, file_size, largest_file};
use crate::engine::data::table::ReadNotes;
use crate::engine::data::{ReadOptions, load_data};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::{Spanned, Workspace};

mod wizard;
use super::uses::typed_uses;
pub(super) use wizard::CacheWrites;

/// A cache entry's meta text: the bad rows its read left out (a first line `rows {…}`, only
/// when there are some), what it noted of how columns were read (a line `read {…}`, only when
/// there is something), then `rest`.
fn join_meta(rows: &BadRowsFound, read: &ReadNotes, rest: &str) -> String {
    let mut m = String::new();
    if !rows.is_empty() {
        m.push_str(&format!(
            "rows {}\n",
            serde_json::to_string(rows).unwrap_or_default()
        ));
    }
    if !read.is_empty() {
        m.push_str(&format!(
            "read {}\n",
            serde_json::to_string(read).unwrap_or_default()
        ));
    }
    m.push_str(rest);
    m
}

/// The bad rows and the read's notes a cache entry's meta text holds, and the rest of it.
fn split_meta(meta: &str) -> (BadRowsFound, ReadNotes, &str) {
    let (rows, meta) = match meta.strip_prefix("rows ").and_then(|r| r.split_once('\n')) {
        Some((rows, rest)) => (serde_json::from_str(rows).unwrap_or_default(), rest),
        None => (BadRowsFound::default(), meta),
    };
    match meta.strip_prefix("read ").and_then(|r| r.split_once('\n')) {
        Some((read, rest)) => (rows, serde_json::from_str(read).unwrap_or_default(), rest),
        None => (rows, ReadNotes::default(), meta),
    }
}

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

/// A file as a progress line names it: its file name; a pulled table's name (a query: the
/// entry's key), not its local copy's.
fn shown_name(f: &Plan) -> String {
    use crate::engine::data::postgres::Read;
    match f.file.db.as_deref().map(|db| &db.read) {
        Some(Read::Table(t)) => t.clone(),
        Some(Read::Query(_)) => format!("the query of {}", f.file.key),
        None => file_label(&f.path),
    }
}

/// One file a load reads: which, where, the columns (`None`: all) and its cache key.
pub(super) struct Plan {
    /// The workspace's entry for the file (its key and path as written).
    pub file: crate::engine::rules::FileRef,
    pub options: ReadOptions,
    pub path: PathBuf,
    pub columns: Option<Vec<String>>,
    /// Every column of the file, in its order.
    pub headers: Vec<String>,
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
                file: (*f).clone(),
                options: f.options.clone(),
                path,
                columns,
                headers,
                key,
            });
        }
        if check {
            let mut it = plans.iter().map(|p| p.headers.clone());
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

    /// The same plan read as the wizard reads it: rows of another width left out whatever the
    /// files say (it opens anyway, and says what it left out).
    pub fn lenient(mut self, cache: &Cache) -> LoadPlan {
        for f in &mut self.files {
            if f.options.bad_rows != crate::engine::data::options::BadRows::Skip {
                f.options.bad_rows = crate::engine::data::options::BadRows::Skip;
                f.key = cache.table_key(&f.path, &f.options, f.columns.as_deref());
            }
        }
        self
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
        // a table pulled from a server is named as the workspace names it, not by its copy
        let pulled = self.files.iter().any(|f| f.file.db.is_some());
        let group = (self.files.len() > 1 || pulled).then(|| {
            let names: Vec<String> = self.files.iter().map(shown_name).collect();
            let total = self.files.iter().map(|f| file_size(&f.path)).sum();
            p.grouped(&names.join(", "), total)
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
        headers,
        ..
    } in plans
    {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        // compressed text holds about five times its size
        let text = if crate::engine::data::read::is_gzip(path) {
            size.saturating_mul(5)
        } else {
            size
        };
        let share = cols
            .as_ref()
            .map_or(1.0, |c| c.len() as f64 / headers.len().max(1) as f64);
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
    /// Per file with bad values read as missing or bad rows left out: what was found.
    pub quality: Vec<FileQuality>,
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
        let uses = typed_uses(ws);
        let has_customers = ws.data.customers.is_some();
        // a table from its entry matches its key; one read is checked once, after its read
        let read = plan.read(ws, p, |_, f, p| {
            let key = (f.path.as_path(), f.key.as_deref());
            let read = || {
                let (path, c) = (&f.path, f.columns.as_deref());
                let data = load_data(path, &f.options, c, p)
                    .map_err(|e| conform::with_entry(e, &f.file))?;
                let meta = join_meta(&data.bad_rows, &data.read, "");
                let frame = Frame::from_data(data)
                    .map_err(|e| EngineError::data(path, crate::engine::data::read::short(&e)))?;
                Ok((frame, meta))
            };
            let (mut notes, mut same) = (Vec::new(), true);
            let (mut frame, meta) =
                cache.table(key, (plan.largest(), keep), (p, &mut notes), read, || {
                    same = f.unchanged(cache);
                    same
                })?;
            let uses = conform::uses_for(&uses, &f.file.key, has_customers);
            let file = (f.path.as_path(), &f.options, &f.file);
            let (rows, read, _) = split_meta(&meta);
            let q = conform::check_table(&mut frame, file, (rows, &read), &uses, false)?;
            Ok((frame, notes, same, q))
        })?;
        let mut notes = Vec::new();
        let mut quality = Vec::new();
        let mut unchanged = plan.keys().is_some();
        let mut take = |t: Option<(Frame, Vec<String>, bool, FileQuality)>| {
            t.map(|(frame, n, same, q)| {
                // a note on the cache itself comes from every file: once is enough
                for n in n {
                    if !notes.contains(&n) {
                        notes.push(n);
                    }
                }
                unchanged &= same;
                if q.says_something() {
                    quality.push(q);
                }
                frame
            })
        };
        let (customers, orders) = (take(read.0), take(read.1));
        let joins = read.2.into_iter().filter_map(|t| take(Some(t))).collect();
        Ok(Frames {
            notes,
            quality,
            unchanged,
            customers,
            orders,
            joins,
            pruned: pruned_fields(ws, extra),
            requested: extra.map(<[String]>::to_vec).unwrap_or_default(),
            interactive: false,
        })
    }

    /// Convert tables already in memory (read from the workspace's files, in its order), the
    /// columns its rules read as numbers or dates made so as a load does.
    pub fn from_dfs(
        ws: &Workspace,
        customers: Option<&DataFrame>,
        orders: Option<&DataFrame>,
        joins: &[DataFrame],
    ) -> Result<Frames> {
        Self::from_read(ws, (customers, orders, joins), Vec::new())
    }

    /// The same, with the bad rows each file's read left out (in the workspace's file order;
    /// missing entries: none).
    pub fn from_read(
        ws: &Workspace,
        (customers, orders, joins): (Option<&DataFrame>, Option<&DataFrame>, &[DataFrame]),
        bad_rows: Vec<BadRowsFound>,
    ) -> Result<Frames> {
        let conv = |df: &DataFrame, what: &str| {
            Frame::from_df(df, None)
                .map_err(|e| EngineError::data(&ws.file, format!("{what}: {e}")))
        };
        let mut frames = Frames {
            customers: customers.map(|d| conv(d, "customers")).transpose()?,
            orders: orders.map(|d| conv(d, "orders")).transpose()?,
            joins: joins
                .iter()
                .map(|d| conv(d, "joined table"))
                .collect::<Result<_>>()?,
            pruned: vec![],
            requested: vec![],
            notes: vec![],
            quality: vec![],
            unchanged: false,
            interactive: false,
        };
        let uses = typed_uses(ws);
        let base = ws.base_dir();
        let has_customers = ws.data.customers.is_some();
        let all = frames
            .customers
            .iter_mut()
            .chain(frames.orders.iter_mut())
            .chain(frames.joins.iter_mut());
        let mut rows = bad_rows.into_iter();
        for (frame, f) in all.zip(ws.data_files()) {
            let path = f.resolve(&base);
            let uses = conform::uses_for(&uses, &f.key, has_customers);
            let q = conform::check_table(
                frame,
                (&path, &f.options, f),
                (rows.next().unwrap_or_default(), &ReadNotes::default()),
                &uses,
                false,
            )?;
            if q.says_something() {
                frames.quality.push(q);
            }
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::postgres::{DbSource, Read};
    use crate::engine::rules::{FileRef, Spanned};

    fn plan(path: &str, db: Option<Read>) -> Plan {
        let db = db.map(|read| {
            Box::new(DbSource {
                url: "postgresql://a@db:5432/shop".into(),
                read,
                password_env: None,
                refresh_after: std::time::Duration::from_secs(60),
                local: PathBuf::from(path),
            })
        });
        Plan {
            file: FileRef {
                path: Spanned::new("as written".to_string(), 0..0),
                key: "data.orders".into(),
                options: ReadOptions::default(),
                db,
            },
            options: ReadOptions::default(),
            path: PathBuf::from(path),
            columns: None,
            headers: vec![],
            key: None,
        }
    }

    /// A progress line names a pulled table as the workspace does, never by its local copy.
    #[test]
    fn pulled_tables_are_shown_by_their_names() {
        let copy = "/cache/pulls/kit.orders-096f84f82f0fc218.csv";
        let table = Some(Read::Table("kit.orders".into()));
        assert_eq!(shown_name(&plan(copy, table)), "kit.orders");
        let query = Some(Read::Query("SELECT 1".into()));
        assert_eq!(shown_name(&plan(copy, query)), "the query of data.orders");
        assert_eq!(shown_name(&plan("/data/orders.csv", None)), "orders.csv");
    }
}
