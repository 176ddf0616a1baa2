//! The wizard's open of large files in two stages: what the rules read before the first frame, the other columns after it.

use std::path::PathBuf;
use std::sync::Arc;

use super::super::assemble::customers_in_order;
use super::super::cache::{file_stamp, profiles};
use super::super::frame::{Column, DType, Frame, Vector};
use super::super::purchase::{LATE_FIELDS, LateOrderCols, derive_late, group_by_customer};
use super::super::tables::{CacheWrites, LoadPlan, pruned_fields};
use super::{AfterDerive, Cache, Frames, Session};
use crate::engine::data::profile::{ColumnProfile, profile_data_but};
use crate::engine::data::progress::Progress;
use crate::engine::data::{ReadOptions, load_data};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Workspace;

/// Data files from this size up are opened in two stages (below it one read is quick enough).
pub const STAGED_FROM_BYTES: u64 = 32 << 20;

/// One file the second stage reads again: the columns, and the file as the first stage found it.
struct LateFile {
    path: PathBuf,
    options: ReadOptions,
    columns: Vec<String>,
    stamp: Option<String>,
}

impl LateFile {
    /// Its `columns` read as the first stage read the file (bad rows left out), with their
    /// profiles when `profile` (but those it names); refused when the file is not the one the
    /// first stage read.
    fn read(
        &self,
        profile: Option<&[String]>,
        p: &Progress,
    ) -> Result<(Frame, Vec<ColumnProfile>)> {
        let same = || file_stamp(&self.path, &self.options) == self.stamp;
        if self.stamp.is_none() {
            return Err(EngineError::data(
                &self.path,
                "could not be looked at when the wizard opened it: open the workspace again",
            ));
        }
        if !same() {
            return Err(changed(&self.path));
        }
        let columns = Some(self.columns.as_slice());
        let data = load_data(&self.path, &self.options, columns, p)?;
        let profiles = match profile {
            Some(but) => profile_data_but(&data, but),
            None => vec![],
        };
        let frame = Frame::from_data(data)
            .map_err(|e| EngineError::data(&self.path, crate::engine::data::read::short(&e)))?;
        if !same() {
            return Err(changed(&self.path));
        }
        Ok((frame, profiles))
    }
}

/// The order rows as the first stage matched them to customers (each kept row's customer and
/// row), for the purchase fields whose columns it did not read.
struct LateOrders {
    file: LateFile,
    /// Rows the first stage read (the second must read as many).
    rows: usize,
    cust: Vec<u32>,
    kept: Vec<u32>,
    fields: Vec<String>,
}

/// What the second stage reads, and what it needs to put it beside the first.
pub struct Late {
    ws: Workspace,
    customers: Option<LateFile>,
    /// The customers file's columns, in its order.
    headers: Vec<String>,
    orders: Option<LateOrders>,
    /// The first stage's profiles (of the customers' columns it read).
    first: Vec<ColumnProfile>,
    ids: Arc<Vector>,
    /// Where the evaluated customers are kept once whole, and the largest input's size.
    key: Option<String>,
    largest: u64,
}

/// What the second stage read: the customers' other columns (in id order), the purchase
/// fields left out, the profile of every customer column, the types of the order columns read.
pub struct LateRead {
    columns: Frame,
    fields: Vec<(String, Vector)>,
    profiles: Vec<ColumnProfile>,
    order_types: Vec<(String, DType)>,
    /// Where the evaluated customers are kept, and the largest input's size.
    keep: (Option<String>, u64),
}

impl Late {
    /// Read what the first stage left (the files again, only the columns it did not read),
    /// matched to the customers and order rows as it matched them.
    pub fn read(self) -> Result<LateRead> {
        self.read_with(&Progress::default())
    }

    /// The same, stopped when `p` is cancelled (`Err(Cancelled)`).
    pub fn read_with(mut self, p: &Progress) -> Result<LateRead> {
        let timing = crate::engine::timing::Timing::new();
        // the order rows first: their matching is let go before the customers are read (what
        // the first stage let go is given back before each file is read: this stage reads on
        // top of it)
        let (fields, order_types) = match self.orders.take() {
            Some(o) => self.late_fields(o, p)?,
            None => (vec![], vec![]),
        };
        timing.mark("  the purchase fields left for later");
        let mut columns = Frame::new(self.ids.len());
        let mut profiles = self.first;
        if let Some(f) = &self.customers {
            crate::engine::data::progress::give_back_freed_memory();
            let profiled: Vec<String> = profiles.iter().map(|p| p.name.clone()).collect();
            p.check()?;
            let (frame, rest) = f.read(Some(&profiled), p)?;
            let (frame, ids) = customers_in_order(&self.ws, frame, &mut Vec::new())?;
            if ids != *self.ids {
                return Err(changed(&f.path));
            }
            columns = frame;
            profiles.extend(rest);
            profiles.sort_by_key(|p| self.headers.iter().position(|h| *h == p.name));
        }
        timing.mark("  the customers' other columns");
        Ok(LateRead {
            columns,
            fields,
            profiles,
            order_types,
            keep: (self.key, self.largest),
        })
    }

    /// The purchase fields the first stage left out, from the order columns read again, and
    /// the types of those columns.
    fn late_fields(&self, o: LateOrders, p: &Progress) -> Result<LateFields> {
        let LateOrders {
            file,
            rows,
            cust,
            kept,
            fields,
        } = o;
        // the rows grouped by customer now, so that each row's customer can go before the
        // columns are read (as can the kept rows, when every row was kept)
        let grouped = group_by_customer(&cust, self.ids.len());
        drop(cust);
        let every = kept.len() == rows && kept.iter().enumerate().all(|(i, &r)| i == r as usize);
        let kept = (!every).then_some(kept);
        crate::engine::data::progress::give_back_freed_memory();
        // (the file lacks every column of these fields: they are empty, as in a whole read)
        let frame = match file.columns.is_empty() {
            true => Frame::new(rows),
            false => file.read(None, p)?.0,
        };
        if frame.len != rows {
            return Err(changed(&file.path));
        }
        let c = &self.ws.columns;
        let get = |r: &Option<crate::engine::rules::Spanned<String>>| {
            r.as_ref().and_then(|r| frame.get(&r.value)).map(|v| &**v)
        };
        let cols = LateOrderCols {
            grouped: &grouped,
            rows: kept.as_deref(),
            product: get(&c.product),
            category: get(&c.category),
            channel: get(&c.channel),
        };
        let fields = derive_late(self.ids.len(), &cols, &fields);
        let types = frame
            .names
            .iter()
            .filter_map(|n| frame.dtype_of(n).map(|t| (n.clone(), t)))
            .collect();
        Ok((fields, types))
    }
}

/// Purchase fields and the types of the order columns they were made from.
type LateFields = (Vec<(String, Vector)>, Vec<(String, DType)>);

/// A file found changed between the two stages.
fn changed(path: &std::path::Path) -> EngineError {
    EngineError::data(
        path,
        "changed since the wizard opened it: open the workspace again to see its other columns",
    )
}

impl Session {
    /// Whether the wizard opens `ws` in two stages: a customers table and no joins, and files
    /// of `from` bytes or more. (Even when the wizard's tables are in the cache: taken from it
    /// whole, every column and the order rows would be held at once.)
    pub(super) fn stages(ws: &Workspace, plan: &LoadPlan, from: u64) -> bool {
        ws.data.customers.is_some() && ws.data.joins.is_empty() && plan.largest() >= from
    }

    /// The first stage: the columns the rules read, as a run reads them, checked as the wizard
    /// checks them; the purchase fields of order columns no rule reads are left for the second
    /// stage ([`Session::take_late`], [`Late::read`], [`Session::add_late`]).
    pub(super) fn open_first_stage(
        ws: Workspace,
        (key, largest, notes): (Option<String>, u64, Vec<String>),
        p: &Progress,
        cache: &Cache,
    ) -> Result<(Session, Vec<ColumnProfile>)> {
        // the discounts are read now whatever the rules read: a whole read makes their column
        // numbers (bad values missing) before counting, which a second read could not repeat
        let extra = ["discount_share".to_string()];
        let plan = LoadPlan::new(&ws, (Some(&extra), false), cache)?.lenient(cache);
        let fields: Vec<String> = pruned_fields(&ws, Some(&extra))
            .into_iter()
            .filter(|f| LATE_FIELDS.contains(&f.as_str()))
            .collect();
        let stamps: Vec<Option<String>> = plan
            .files
            .iter()
            .map(|f| file_stamp(&f.path, &f.options))
            .collect();
        let (mut t, first) = Frames::load_first_stage(&ws, &plan, p, (&fields, true))?;
        t.notes.splice(0..0, notes);
        let order_rows = t.orders.as_ref().map_or(0, |f| f.len);
        let late_ws = ws.clone();
        let mut s = Self::assembled(ws, t, AfterDerive::KeepMatching)?;
        let customers = late_customers(&late_ws, &plan.files[0], &stamps[0]);
        let headers = plan.files[0].headers.clone();
        let orders = s.orders.take();
        s.orders_released = true;
        let orders = match (orders, plan.files.get(1), stamps.get(1)) {
            (Some(o), Some(file), Some(stamp)) if !fields.is_empty() => {
                let file = late_order_file(&late_ws, file, stamp, &fields);
                Some(LateOrders {
                    file,
                    rows: order_rows,
                    cust: o.cust,
                    kept: o.kept,
                    fields: fields.clone(),
                })
            }
            _ => None,
        };
        let mut s = Self::finish(s)?;
        if customers.is_some() || orders.is_some() {
            s.late = Some(Late {
                ws: late_ws,
                customers,
                headers,
                orders,
                first: first.clone(),
                ids: Arc::clone(&s.ids),
                key,
                largest,
            });
        }
        Ok((s, first))
    }

    /// What is left for the second stage, taken to be read (on a thread of its own).
    pub fn take_late(&mut self) -> Option<Late> {
        self.late.take()
    }

    /// Put what the second stage read beside the first stage's columns, in the places a whole
    /// read gives them, and keep the evaluated customers for the next open. Returns the profile
    /// of every customer column.
    pub fn add_late(&mut self, r: LateRead, cache: &Cache) -> Vec<ColumnProfile> {
        let LateRead {
            columns,
            fields,
            profiles,
            order_types,
            keep,
        } = r;
        let headers: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        for (name, c) in columns.names.iter().zip(columns.raw_columns()) {
            if self.base.get(name).is_none() {
                place(&mut self.base, (&headers, 0), name, c.clone());
            }
        }
        let mut order = vec!["avg_order_value"];
        order.extend(LATE_FIELDS);
        for (name, v) in fields {
            self.pruned.retain(|p| *p != name);
            // a customer column of the same name gives way, in its place, as in a whole read
            match self.base.get(&name) {
                Some(_) => self.base.set(&name, v),
                None => {
                    // among the fields: after the customer columns, whatever their names
                    let from = self
                        .base
                        .names
                        .iter()
                        .position(|n| n == "orders")
                        .unwrap_or(0);
                    let c = Column::ready(Arc::new(v));
                    place(&mut self.base, (&order, from), &name, c)
                }
            }
        }
        self.order_types.extend(order_types);
        if let (Some(k), largest) = keep {
            let mut writes = CacheWrites::default();
            writes.add_evaluated(
                &k,
                self.evaluated(Some(profiles::encode(&profiles))),
                largest,
            );
            self.wait_for_cache();
            self.writing = writes.write_later(cache);
        }
        profiles
    }
}

/// The customers' columns the first stage did not read, with the id column to match them by
/// (none when it read them all).
fn late_customers(
    ws: &Workspace,
    file: &super::super::tables::Plan,
    stamp: &Option<String>,
) -> Option<LateFile> {
    let read = file.columns.clone().unwrap_or_default();
    let mut rest: Vec<String> = file
        .headers
        .iter()
        .filter(|h| !read.contains(h))
        .cloned()
        .collect();
    if rest.is_empty() {
        return None;
    }
    let id = ws.columns.customer_id.as_ref();
    if let Some(id) = id.filter(|id| file.headers.contains(&id.value)) {
        rest.push(id.value.clone());
    }
    Some(LateFile {
        path: file.path.clone(),
        options: file.options.clone(),
        columns: rest,
        stamp: stamp.clone(),
    })
}

/// The order columns of the purchase `fields` left for the second stage (those the file has:
/// a role naming a column it lacks leaves its field empty, as in a whole read).
fn late_order_file(
    ws: &Workspace,
    file: &super::super::tables::Plan,
    stamp: &Option<String>,
    fields: &[String],
) -> LateFile {
    let c = &ws.columns;
    let roles = [&c.product, &c.category, &c.channel];
    let columns = LATE_FIELDS
        .iter()
        .zip(roles)
        .filter(|(f, _)| fields.iter().any(|x| x == *f))
        .filter_map(|(_, r)| r.as_ref().map(|r| r.value.clone()))
        .filter(|col| file.headers.contains(col))
        .collect();
    LateFile {
        path: file.path.clone(),
        options: file.options.clone(),
        columns,
        stamp: stamp.clone(),
    }
}

/// Put column `name` after the last name before it in `order` that `base` has at place `from`
/// or later (at `from` when none does).
fn place(base: &mut Frame, (order, from): (&[&str], usize), name: &str, c: Column) {
    let k = order.iter().position(|o| *o == name).unwrap_or(0);
    let at = order[..k]
        .iter()
        .rev()
        .find_map(|o| base.names.iter().skip(from).position(|n| n == o))
        .map_or(from, |i| from + i + 1);
    base.insert(at, name.to_string(), c);
}

#[cfg(test)]
mod tests;
