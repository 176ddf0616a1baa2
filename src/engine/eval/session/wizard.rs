//! The wizard's session: from the evaluated customers the cache keeps for it when it can, the
//! order rows read again only when a purchase setting or the holdout check needs them.

use super::super::assemble::assemble;
use super::super::cache::{evaluated_key, profiles, read_whole};
use super::super::tables::LoadPlan;
use super::{AfterDerive, Cache, Frames, Session, Timing};
use crate::engine::data::profile::ColumnProfile;
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::Workspace;

impl Session {
    /// The wizard's session over every column, and the Classify profiles.
    ///
    /// Warm (the cache holds the evaluated customers of an unchanged workspace and files), the
    /// session starts from them without the order rows: only the criteria and the valuation are
    /// evaluated. Cold, the tables are read (or taken from the cache), assembled and derived with
    /// the order rows kept, and the evaluated customers are kept for the next open; or, on
    /// large files, opened in two stages ([`Session::open_for_wizard_from`]).
    pub fn open_for_wizard(
        ws: Workspace,
        p: &Progress,
        cache: &Cache,
    ) -> Result<(Session, Vec<ColumnProfile>)> {
        Self::open_for_wizard_from(ws, p, cache, super::STAGED_FROM_BYTES)
    }

    /// The same, opening in two stages when the data files are `staged_from` bytes or more
    /// (with a customers table and no joins) and the evaluated customers are not in the cache:
    /// first the columns the rules read (the first frame), then, from [`Session::take_late`],
    /// the others. Until the second stage is added
    /// the base lacks the other customer columns and the purchase fields no rule reads, and
    /// Classify profiles only the columns read.
    pub fn open_for_wizard_from(
        ws: Workspace,
        p: &Progress,
        cache: &Cache,
        staged_from: u64,
    ) -> Result<(Session, Vec<ColumnProfile>)> {
        let timing = Timing::new();
        let plan = LoadPlan::new(&ws, (None, false), cache)?.lenient(cache);
        let key = plan.wizard_keys().and_then(|ks| {
            let ks: Vec<&str> = ks.iter().map(String::as_str).collect();
            evaluated_key(&ws, &ks, &[])
        });
        let mut notes = Vec::new();
        let uses = super::super::uses::typed_uses(&ws);
        if let Some(k) = &key
            && let Some(e) = cache.evaluated(k, &mut notes)
            && super::super::conform::typed_as_used(&e.base, &uses)
            && let Some(shown) = e.profiles.as_deref().and_then(profiles::decode)
        {
            timing.mark("evaluated base from the cache");
            for f in &plan.files {
                read_whole(p, &f.path);
            }
            let s = Self::from_evaluated(ws, e, (vec![], vec![]), notes, true);
            let s = Self::finish(s)?;
            timing.mark("evaluate");
            return Ok((s, shown));
        }
        if Self::stages(&ws, &plan, staged_from) {
            let r = Self::open_first_stage(ws, (key, plan.largest(), notes), p, cache);
            timing.mark("the first stage");
            return r;
        }
        let (mut t, shown, mut writes) = Frames::load_planned_for_wizard(&ws, &plan, p, cache)?;
        t.notes.splice(0..0, notes);
        let key = key.filter(|_| t.unchanged);
        timing.mark("load tables");
        let s = Self::assembled(ws, t, AfterDerive::Keep)?;
        // what the cache keeps is taken before the evaluation adds its notes, with the rows by
        // value the evaluation sorts
        let entry = key
            .is_some()
            .then(|| s.evaluated(Some(profiles::encode(&shown))));
        let mut s = Self::finish(s)?;
        if let (Some(k), Some(mut e)) = (&key, entry) {
            e.value_order = s.value_order.clone();
            writes.add_evaluated(k, e, plan.largest());
        }
        timing.mark("evaluate");
        // the first frame does not wait for the cache: its entries are written meanwhile
        s.writing = writes.write_later(cache);
        Ok((s, shown))
    }

    /// Whether the order rows are gone (a session from the cache's evaluated customers, or a
    /// one-shot run): changing a purchase setting or a holdout check needs them back first.
    pub fn orders_released(&self) -> bool {
        self.orders_released
    }

    /// Take the order rows back from `tables` (the workspace's tables as the wizard reads them).
    /// They are assembled as at the open, and kept only when they match the customers this
    /// session holds (the same ids in the same order, the same `as_of`): data files changed
    /// since the open are refused, never matched to the old customers.
    pub fn take_orders(&mut self, tables: Frames) -> Result<()> {
        let a = assemble(self.ws.clone(), tables)?;
        if a.ids != *self.ids || a.as_of != self.as_of {
            return Err(EngineError::Invalid(
                "the data files changed since the workspace was opened: open it again to read them"
                    .into(),
            ));
        }
        self.orders = a.orders;
        self.orders_released = false;
        Ok(())
    }
}
