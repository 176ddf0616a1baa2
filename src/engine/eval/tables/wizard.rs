//! The wizard's load of a workspace's tables: every column, profiles kept beside them, checked leniently.

use super::*;

impl Frames {
    /// The wizard's tables for a `plan` (`LoadPlan::new(ws, (None, false), cache)`): every
    /// column, and the profile of the first table (the customers, or else the orders), taken
    /// from `cache` when it holds them all; the tables read to keep there are left to the
    /// caller (the wizard writes them after its first frame). The profiles are kept with the
    /// tables, so the wizard's entries are apart from others'.
    pub(in crate::engine::eval) fn load_planned_for_wizard(
        ws: &Workspace,
        plan: &LoadPlan,
        p: &Progress,
        cache: &Cache,
    ) -> Result<(Frames, Vec<ColumnProfile>, CacheWrites)> {
        let keys = plan.wizard_keys();
        let mut notes = Vec::new();
        let mut writes = CacheWrites::default();
        if let Some(keys) = &keys
            && let Some((frames, profiles)) = Self::wizard_hit(ws, plan, keys, p, cache, &mut notes)
        {
            return Ok((frames, profiles, writes));
        }
        let uses = typed_uses(ws);
        let (tables, profiles, read_rows) = read_profiled(ws, plan, p, true)?;
        let mut frames = Self::for_wizard(tables, vec![], false);
        if let Some(keys) = keys {
            let meta = crate::engine::eval::cache::profiles::encode(&profiles);
            let all = frames
                .customers
                .iter()
                .chain(&frames.orders)
                .chain(&frames.joins);
            let mut unchanged = true;
            for (i, ((f, key), fp)) in all.zip(&keys).zip(&plan.files).enumerate() {
                if fp.unchanged(cache) {
                    let (rows, read) = &read_rows[i];
                    let m = join_meta(rows, read, if i == 0 { meta.as_str() } else { "" });
                    let shown = file_label(&fp.path);
                    writes.add(key, m, f.clone(), (plan.largest(), shown));
                } else {
                    unchanged = false;
                }
            }
            // what is built from these tables may be kept under their keys
            frames.unchanged = unchanged;
        }
        frames.notes = notes;
        let mut profiles = profiles;
        frames.check_leniently(ws, plan, &uses, read_rows, &mut profiles);
        Ok((frames, profiles, writes))
    }

    /// The tables as the wizard reads them, with only the columns the rules, the roles and
    /// every purchase field need: what a session that let its order rows go takes them back
    /// from (see [`crate::engine::eval::session::Session::take_orders`]).
    pub fn load_for_order_rows(ws: &Workspace, p: &Progress, cache: &Cache) -> Result<Frames> {
        let mut fields: Vec<String> = crate::engine::eval::purchase::LATE_FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect();
        fields.push("discount_share".into());
        let plan = LoadPlan::new(ws, (Some(&fields), false), cache)?.lenient(cache);
        // (nothing shows their profiles: none are made)
        Ok(Self::load_first_stage(ws, &plan, p, (&[], false))?.0)
    }

    /// The first stage of the wizard's open of large files: the columns `plan` reads (those the
    /// rules need, as a run reads them) checked as the wizard checks them, with `profile` the
    /// profiles of the first table's columns read, and the `late` purchase fields (whose
    /// columns were not read) left out.
    pub(in crate::engine::eval) fn load_first_stage(
        ws: &Workspace,
        plan: &LoadPlan,
        p: &Progress,
        (late, profile): (&[String], bool),
    ) -> Result<(Frames, Vec<ColumnProfile>)> {
        let (tables, mut profiles, rows) = read_profiled(ws, plan, p, profile)?;
        let mut frames = Self::for_wizard(tables, vec![], false);
        frames.pruned = late.to_vec();
        frames.check_leniently(ws, plan, &typed_uses(ws), rows, &mut profiles);
        Ok((frames, profiles))
    }

    /// The wizard's check of its tables: the columns the rules read as numbers or dates made so,
    /// bad values read as missing and bad rows left out, whatever the files' options say (it
    /// opens anyway and says what it found).
    fn check_leniently(
        &mut self,
        ws: &Workspace,
        plan: &LoadPlan,
        uses: &[crate::engine::eval::uses::Use],
        rows: Vec<Found>,
        profiles: &mut [ColumnProfile],
    ) {
        let has_customers = ws.data.customers.is_some();
        let all = self
            .customers
            .iter_mut()
            .chain(self.orders.iter_mut())
            .chain(self.joins.iter_mut());
        for ((frame, f), rows) in all.zip(&plan.files).zip(rows) {
            let uses = conform::uses_for(uses, &f.file.key, has_customers);
            // the workspace's own options say what a run would do about what is found
            let file = (f.path.as_path(), &f.file.options, &f.file);
            if let Ok(q) = conform::check_table(frame, file, (rows.0, &rows.1), &uses, true)
                && q.says_something()
            {
                self.quality.push(q);
            }
        }
        // the first table's columns read again as numbers or dates are profiled as such
        let first = self.customers.as_ref().or(self.orders.as_ref());
        if let Some(frame) = first {
            for p in profiles.iter_mut().filter(|p| p.kind == "text") {
                if let Some(s) = frame.get(&p.name).and_then(|v| series_of(&p.name, v)) {
                    *p = crate::engine::data::profile::profile_column(&s);
                }
            }
        }
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
        let mut rows = Vec::new();
        for (key, f) in keys.iter().zip(&plan.files) {
            let (meta, frame) = cache.get(key, &file_label(&f.path), notes)?;
            let (read_rows, read, rest) = split_meta(&meta);
            if profiles.is_none() {
                profiles = Some(crate::engine::eval::cache::profiles::decode(rest)?);
            }
            crate::engine::eval::cache::read_whole(p, &f.path);
            got.push_back(frame);
            rows.push((read_rows, read));
        }
        let customers = ws.data.customers.as_ref().and_then(|_| got.pop_front());
        let orders = ws.data.orders.as_ref().and_then(|_| got.pop_front());
        let tables = (customers, orders, got.into_iter().collect());
        let mut frames = Self::for_wizard(tables, std::mem::take(notes), true);
        let mut profiles = profiles?;
        frames.check_leniently(ws, plan, &typed_uses(ws), rows, &mut profiles);
        Some((frames, profiles))
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
            quality: vec![],
            unchanged,
            interactive: true,
        }
    }
}

/// What a read found beside a table's values: the rows left out, and its notes.
type Found = (BadRowsFound, ReadNotes);

/// The tables read, the first one's profiles, and what each read found.
type Profiled = (
    (Option<Frame>, Option<Frame>, Vec<Frame>),
    Vec<ColumnProfile>,
    Vec<Found>,
);

/// The tables `plan` reads, each as evaluation columns, with (when `profile`) the profiles of
/// the first (the customers, or else the orders: profiled as read, from the typed columns) and
/// what each file's read found (its bad rows left out, its notes).
fn read_profiled(ws: &Workspace, plan: &LoadPlan, p: &Progress, profile: bool) -> Result<Profiled> {
    let read = plan.read(ws, p, |i, f, p| {
        let data = load_data(&f.path, &f.options, f.columns.as_deref(), p)?;
        let profiles = (i == 0).then(|| match profile {
            true => profile_data(&data),
            false => vec![],
        });
        let rows = (data.bad_rows.clone(), data.read.clone());
        let frame = Frame::from_data(data)
            .map_err(|e| EngineError::data(&f.path, crate::engine::data::read::short(&e)))?;
        Ok((frame, profiles, rows))
    })?;
    let mut profiles = None;
    let mut read_rows = Vec::new();
    let mut take = |t: Option<(Frame, Option<Vec<ColumnProfile>>, Found)>| {
        t.map(|(frame, p, rows)| {
            profiles = profiles.take().or(p);
            read_rows.push(rows);
            frame
        })
    };
    let (customers, orders) = (take(read.0), take(read.1));
    let joins: Vec<Frame> = read.2.into_iter().filter_map(|t| take(Some(t))).collect();
    let profiles =
        profiles.ok_or_else(|| EngineError::Invalid("the workspace names no data".into()))?;
    Ok(((customers, orders, joins), profiles, read_rows))
}

/// A numeric or date column as a polars series, for its profile (`None` for text).
fn series_of(
    name: &str,
    v: &crate::engine::eval::frame::Vector,
) -> Option<polars::prelude::Series> {
    use crate::engine::eval::frame::Vector;
    use polars::prelude::*;
    let name = PlSmallStr::from(name);
    Some(match v {
        Vector::Int(c) => Series::new(name, c.to_options()),
        Vector::Float(c) => Series::new(name, c.to_options()),
        Vector::Date(c) => Series::new(name, c.to_options()).into_date(),
        Vector::Bool(_) | Vector::Text(_) => return None,
    })
}

/// Cache entries to write: (key, meta, table, (the largest input, what it is)).
#[derive(Default)]
pub struct CacheWrites(Vec<(String, String, Frame, (u64, String))>);

impl CacheWrites {
    pub fn add(&mut self, key: &str, meta: String, frame: Frame, (largest, shown): (u64, String)) {
        self.0
            .push((key.to_string(), meta, frame, (largest, shown)));
    }

    /// The evaluated customers `e`, kept under `key`.
    pub fn add_evaluated(
        &mut self,
        key: &str,
        e: crate::engine::eval::cache::Evaluated,
        largest: u64,
    ) {
        if let Some((meta, frame)) = crate::engine::eval::cache::evaluated_entry(e) {
            self.add(
                key,
                meta,
                frame,
                (largest, "the evaluated customers".into()),
            );
        }
    }

    /// Write them all now; what went wrong becomes notes.
    pub fn write(self, cache: &Cache, notes: &mut Vec<String>) {
        for (key, meta, frame, (largest, shown)) in self.0 {
            cache.put(&key, &meta, &frame, largest, &shown, notes);
        }
    }

    /// Write them on a thread of their own (none when there is nothing to write, or no thread
    /// can be made: then now). Only the cache's own notes are lost: the entries are checked
    /// when read, and one not written is read again from its file next time.
    pub fn write_later(self, cache: &Cache) -> Option<std::thread::JoinHandle<()>> {
        if self.0.is_empty() {
            return None;
        }
        let mine = cache.clone();
        let (tx, rx) = std::sync::mpsc::channel::<CacheWrites>();
        let spawned = std::thread::Builder::new()
            .name("strata cache writes".into())
            .spawn(move || {
                if let Ok(w) = rx.recv() {
                    w.write(&mine, &mut Vec::new());
                }
            });
        match spawned {
            Ok(h) => {
                let _ = tx.send(self);
                Some(h)
            }
            Err(_) => {
                self.write(cache, &mut Vec::new());
                None
            }
        }
    }
}
