//! The engine on its own thread: jobs in, results out; for each criterion only the newest job runs.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

use crate::engine::data::progress::Progress;

use crate::engine::eval::explain::explanation;
use crate::engine::eval::session::Session;
use crate::engine::rules::Workspace;
use crate::tui::input::message::Message;
use crate::tui::state::app::CriterionView;
use crate::tui::state::app::HistogramCache;
pub use crate::tui::state::job::Job;
use crate::tui::state::model::Evaluated;
use crate::tui::update::WAITING_FOR_LATE;

/// The engine side: owns the session and turns a job into a message.
pub struct Engine {
    pub session: Session,
    /// Column histograms, kept until the rules are replaced as a whole (purchase fields may change).
    pub histograms: HistogramCache,
    /// The tables themselves when they have no file (the built-in demo), for transitions.
    pub tables: Option<crate::engine::eval::session::Frames>,
    /// The progress of the data being read again, while it is (the UI shows it; Esc cancels).
    pub loading: LoadSlot,
    /// Where tables read are kept between runs (reopening and transitions use it too).
    pub cache: crate::engine::eval::cache::Cache,
    /// The last holdout check, kept while the model settings and calibration date are the same.
    holdout: Option<HoldoutCache>,
    /// The page's view of the models, kept for the fit it was made from (`Session::clv_fits`):
    /// a rule edit does not sort a million predicted values again.
    view: Option<(usize, Box<crate::tui::view::predictive::ClvView>)>,
    /// What the first stage of a large file's open left, being read (see [`Engine::finish_open`]).
    pub late: Option<super::late::LateReading>,
}

/// A holdout check and the settings it was made with.
type HoldoutCache = (
    crate::engine::rules::ClvConfig,
    chrono::NaiveDate,
    Result<crate::engine::eval::clv::holdout::Holdout, String>,
);

/// Where the engine puts the progress of a long load for the UI to read and cancel.
pub type LoadSlot = Arc<Mutex<Option<Arc<Progress>>>>;

impl Engine {
    pub fn new(session: Session) -> Engine {
        Engine {
            session,
            histograms: HistogramCache::default(),
            tables: None,
            loading: LoadSlot::default(),
            cache: crate::engine::eval::cache::Cache::Off,
            holdout: None,
            view: None,
            late: None,
        }
    }

    /// Whether columns left for after the first frame are still to be taken.
    pub fn late_pending(&self) -> bool {
        self.late.is_some()
    }

    /// Wait for the columns the first stage left and put them in the session; what to tell
    /// the app, when anything was left.
    pub fn finish_open(&mut self) -> Option<Message> {
        let answer = self.late.take()?.wait();
        Some(self.take_late(answer))
    }

    /// The same if the reading has ended; nothing (and still pending) if not.
    pub fn finish_open_if_read(&mut self) -> Option<Message> {
        match self.late.take()?.if_ended() {
            Ok(answer) => Some(self.take_late(answer)),
            Err(reading) => {
                self.late = Some(reading);
                None
            }
        }
    }

    fn take_late(
        &mut self,
        answer: Result<crate::engine::eval::session::LateRead, String>,
    ) -> Message {
        Message::ColumnsRead(match answer {
            Ok(r) => {
                let profiles = self.session.add_late(r, &self.cache);
                let late = crate::tui::state::model::LateColumns::new(&self.session, profiles);
                Ok(Box::new(late))
            }
            Err(e) => Err(e.lines().next().unwrap_or_default().to_string()),
        })
    }

    /// Stop the columns left for later being read (the data is read again as a whole); what
    /// to tell the app, when they were being read.
    pub fn stop_late(&mut self) -> Option<Message> {
        self.late.take()?.cancel();
        Some(Message::ColumnsRead(Err(
            "stopped: the data is read again".into()
        )))
    }

    /// Whether `job` can run before the columns left for later are read
    /// ([`super::late::goes_ahead`]).
    pub fn goes_ahead(&self, job: &Job) -> bool {
        super::late::goes_ahead(&self.session, job)
    }
}

impl Engine {
    /// The page's view of the fitted models; the holdout check is made when `check` (and kept
    /// while its settings stay), else only taken from what was kept.
    pub fn clv_view(&mut self, check: bool) -> Option<Box<crate::tui::view::predictive::ClvView>> {
        use crate::tui::view::predictive::{ALIVE_BINS, ClvView, HOLDOUT_MAX_FREQUENCY};
        let fit = self.session.clv.clone()?;
        let fits = self.session.clv_fits;
        if let Some((n, v)) = &self.view
            && *n == fits
            && (v.holdout.is_some() || !check || fit.config.calibration_end.is_none())
        {
            return Some(v.clone());
        }
        let holdout = fit.config.calibration_end.and_then(|d| {
            let fresh = self
                .holdout
                .as_ref()
                .is_some_and(|(c, day, _)| *c == fit.config && *day == d);
            if !fresh && check {
                let h = self.ensure_orders().and_then(|()| {
                    self.session
                        .holdout(d, HOLDOUT_MAX_FREQUENCY)
                        .map_err(|e| e.to_string())
                });
                self.holdout = Some((fit.config.clone(), d, h));
            }
            self.holdout
                .as_ref()
                .filter(|(c, day, _)| *c == fit.config && *day == d)
                .map(|(_, day, h)| (*day, h.clone()))
        });
        let view = Box::new(ClvView {
            alive: self.session.alive_histogram(ALIVE_BINS),
            valuable: self.session.value_if_active_quantile(0.75),
            fit,
            holdout,
        });
        self.view = Some((fits, view.clone()));
        Some(view)
    }

    /// Take the order rows back when the session let them go (it was opened from the cache's
    /// evaluated customers, or in two stages), reading the columns they need as the wizard
    /// reads them.
    fn ensure_orders(&mut self) -> Result<(), String> {
        if !self.session.orders_released() {
            return Ok(());
        }
        let progress = Progress::default();
        let tables = crate::engine::eval::session::Frames::load_for_order_rows(
            &self.session.ws,
            &progress,
            &self.cache,
        )
        .map_err(|e| e.to_string())?;
        self.session.take_orders(tables).map_err(|e| e.to_string())
    }

    fn reload(&mut self, ws: Workspace) -> Message {
        self.histograms.clear();
        // a rule reads a column of text as numbers or dates: the data is read again for it
        let uses = crate::engine::eval::uses::typed_uses(&ws);
        if !crate::engine::eval::conform::typed_as_used(&self.session.base, &uses) {
            return Message::Reread(reread_reason(&self.session.base, &uses));
        }
        if self.session.needs_orders(&ws)
            && let Err(e) = self.ensure_orders()
        {
            return Message::ReloadFailed(format!("the order rows could not be read again: {e}"));
        }
        match self.session.replace_rules(ws) {
            Ok(()) => {
                let mut r = Evaluated::build(&self.session);
                r.clv = self.clv_view(true);
                Message::Reloaded(Box::new(r))
            }
            Err(e) => {
                Message::ReloadFailed(e.to_string().lines().next().unwrap_or_default().into())
            }
        }
    }

    pub fn handle(&mut self, job: Job) -> Message {
        match job {
            Job::Reload { ws } => self.reload(*ws),
            Job::Transitions { from, to } => self.transitions(from, to),
            // (sent once the reading ended; nothing was left: nothing is loading)
            Job::FinishOpen => self.finish_open_if_read().unwrap_or(Message::Loading(None)),
            Job::Reopen { path } => self.reopen(path, false),
            Job::Repull { path } => self.reopen(path, true),
            Job::Restructure(edit) => {
                let mut ws = self.session.ws.clone();
                edit.apply(&mut ws);
                self.reload(ws)
            }
            Job::Recompute {
                index,
                generation,
                criterion,
            } => self.recompute(index, generation, criterion),
            Job::Export {
                criterion,
                segment,
                path,
            } => self.export(criterion, segment, &path),
            Job::Frequency { column } => Message::Frequency(
                crate::engine::eval::frequency::frequency(&self.session, &column)
                    .map(|rows| (column, rows))
                    .map_err(|e| e.to_string()),
            ),
            Job::Predictive => {
                if self.session.clv.is_none()
                    && let Err(e) = self.session.fit_clv()
                {
                    return Message::Predictive(Err(e.to_string()));
                }
                Message::Predictive(self.clv_view(true).ok_or_else(|| "not fitted".to_string()))
            }
            Job::Record { id } => Message::Record(
                crate::engine::eval::explain::record(&self.session, &id)
                    .map(|fields| (id, fields))
                    .map_err(|e| e.to_string()),
            ),
            Job::Propose { step, column, age } => Message::Proposed(
                if age {
                    crate::engine::eval::propose::propose_age(&self.session, step, &column)
                        .map(|(c, _)| c)
                } else {
                    crate::engine::eval::propose::propose(&self.session, step, &column)
                }
                .map(Box::new)
                .map_err(|e| e.to_string()),
            ),
            Job::Explain { id } => Message::Explained(
                explanation(&self.session, &id)
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            ),
        }
    }

    /// Who moved where between two dates (from the tables kept, else read again).
    fn transitions(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Message {
        use crate::engine::eval::transitions::{compare, compare_tables};
        let ws = &self.session.ws;
        let r = match &self.tables {
            Some(t) => compare_tables(ws, t, from, to),
            // the wizard reads messy files as it opened them: bad values missing, bad rows out
            None => compare(
                &crate::engine::eval::conform::going_on(ws),
                from,
                to,
                &self.cache,
            )
            .map(|(t, _)| t),
        };
        Message::Transitions(
            r.map(|criteria| {
                Box::new(crate::tui::state::app::TransitionView { from, to, criteria })
            })
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string()),
        )
    }

    /// Read the data again (the roles changed; or, with `pull`, its database tables pulled
    /// again first), showing its progress; Esc cancels it.
    fn reopen(&mut self, path: std::path::PathBuf, pull: bool) -> Message {
        // the progress slot is set before the loop is told (see `Worker::spawn`)
        let slot = Arc::clone(&self.loading);
        let p = slot.lock().ok().and_then(|s| s.clone()).unwrap_or_default();
        if let Ok(mut s) = slot.lock() {
            *s = Some(Arc::clone(&p));
        }
        let source = crate::tui::Source::Workspace(path);
        let r = crate::tui::prepare_pulling(&source, &p, &self.cache, pull);
        if let Ok(mut s) = slot.lock() {
            *s = None;
        }
        match r {
            Ok((app, mut engine)) => {
                engine.loading = slot;
                *self = engine;
                match pull {
                    true => Message::Pulled(Box::new(app.model)),
                    false => Message::Reopened(Box::new(app.model)),
                }
            }
            Err(_) if p.is_cancelled() && pull => Message::Notice(
                "cancelled: the query was stopped on the server; the rows pulled before stay"
                    .into(),
            ),
            Err(_) if p.is_cancelled() => Message::Notice(
                "cancelled: the data read before stays; the saved role applies when the \
                 workspace is next opened"
                    .into(),
            ),
            Err(e) => Message::ReloadFailed(format!("{e:#}")),
        }
    }

    /// Evaluate one criterion again, with its exclusivity and valuation.
    fn recompute(
        &mut self,
        index: usize,
        generation: u64,
        criterion: crate::engine::rules::Criterion,
    ) -> Message {
        let uses = crate::engine::eval::uses::criterion_uses(&criterion);
        if !crate::engine::eval::conform::typed_as_used(&self.session.base, &uses) {
            return Message::Reread(reread_reason(&self.session.base, &uses));
        }
        let result = match self.session.update_criterion(index, criterion) {
            Ok(_) => Ok(Box::new(CriterionView::build_cached(
                &self.session,
                index,
                &mut self.histograms,
            ))),
            Err(e) => Err(e.to_string().lines().next().unwrap_or_default().to_string()),
        };
        Message::Evaluated {
            index,
            generation,
            result,
        }
    }

    /// Write one segment's customers to `path`.
    fn export(&self, criterion: String, segment: String, path: &std::path::Path) -> Message {
        use crate::engine::out::export::{ExportSpec, export};
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let spec = ExportSpec {
            criterion,
            segment: Some(segment),
            columns: vec![],
        };
        Message::Notice(match export(&self.session, &spec, path, &ext) {
            Ok(w) => w
                .first()
                .map(|w| {
                    format!(
                        "wrote {} — {} customers of \"{}\"",
                        w.path.display(),
                        w.customers,
                        w.segment
                    )
                })
                .unwrap_or_default(),
            Err(e) => format!("not written: {e}"),
        })
    }
}

/// Keep, of a batch of jobs, only the newest per criterion (and the newest explain); jobs that
/// change the list of criteria keep their place, and nothing is merged across them.
pub fn newest_only(jobs: Vec<Job>) -> Vec<Job> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for j in jobs {
        if matches!(
            j,
            Job::Reload { .. } | Job::Restructure(_) | Job::Reopen { .. } | Job::Repull { .. }
        ) {
            out.extend(newest_in_run(std::mem::take(&mut run)));
            out.push(j);
        } else {
            run.push(j);
        }
    }
    out.extend(newest_in_run(run));
    out
}

fn newest_in_run(jobs: Vec<Job>) -> Vec<Job> {
    let mut out: Vec<Job> = Vec::new();
    for j in jobs.into_iter().rev() {
        let dup = out.iter().any(|o| match (o, &j) {
            (Job::Recompute { index: a, .. }, Job::Recompute { index: b, .. }) => a == b,
            (Job::Explain { .. }, Job::Explain { .. }) => true,
            _ => false,
        });
        if !dup {
            out.push(j);
        }
    }
    out.reverse();
    out
}

/// A handle to the engine thread.
pub struct Worker {
    /// The engine's queue; the engine thread and a second stage's reading hold it weakly, so
    /// that the thread ends with the handle.
    tx: Arc<Sender<Job>>,
    loading: LoadSlot,
}

impl Worker {
    /// The engine on its own thread, its results sent to `done` (the loop's one channel).
    pub fn spawn(mut engine: Engine, done: Sender<Message>) -> Worker {
        let loading = Arc::clone(&engine.loading);
        let (tx, jobs) = channel::<Job>();
        let tx = Arc::new(tx);
        let queue = Arc::downgrade(&tx);
        // the columns the first frame did not need come in without a key pressed
        if let Some(late) = &engine.late {
            late.tell_when_read(queue.clone());
        }
        std::thread::spawn(move || {
            while let Ok(first) = jobs.recv() {
                let mut batch = vec![first];
                batch.extend(jobs.try_iter());
                for j in newest_only(batch) {
                    // a job that may read a column still being read waits for it, and says so
                    // (a FinishOpen still in the queue after that finds nothing left)
                    if engine.late_pending() && !engine.goes_ahead(&j) {
                        let m = engine.finish_open_if_read().or_else(|| {
                            let _ = done.send(Message::Notice(WAITING_FOR_LATE.into()));
                            engine.finish_open()
                        });
                        if let Some(m) = m
                            && done.send(m).is_err()
                        {
                            return;
                        }
                    }
                    // a long read: its progress comes to the loop as messages, from the
                    // start, and the slot lets Esc cancel it
                    let reading = matches!(j, Job::Reopen { .. } | Job::Repull { .. });
                    if reading
                        && let Some(m) = engine.stop_late()
                        && done.send(m).is_err()
                    {
                        return;
                    }
                    if reading {
                        let tell = done.clone();
                        let p = Progress::told(move |s| {
                            let _ = tell.send(Message::Loading(Some(s)));
                        });
                        if let Ok(mut s) = engine.loading.lock() {
                            *s = Some(Arc::new(p));
                        }
                        let what = match j {
                            Job::Repull { .. } => {
                                "pulling the database tables again… (Esc cancels)"
                            }
                            _ => "reading the data again…",
                        };
                        let _ = done.send(Message::Notice(what.into()));
                    }
                    let answer = engine.handle(j);
                    if reading {
                        let _ = done.send(Message::Loading(None));
                        // a workspace opened again may have left columns for later too
                        if let Some(late) = &engine.late {
                            late.tell_when_read(queue.clone());
                        }
                    }
                    if done.send(answer).is_err() {
                        return;
                    }
                }
            }
        });
        Worker { tx, loading }
    }

    pub fn send(&self, job: Job) {
        let _ = self.tx.send(job);
    }

    /// Stop the data being read again (the previous data stays).
    pub fn cancel_load(&self) {
        if let Ok(slot) = self.loading.lock()
            && let Some(p) = slot.as_ref()
        {
            p.cancel();
        }
    }
}

/// Why the data is read again: the first column a rule reads as numbers or dates that was read
/// as text.
fn reread_reason(
    base: &crate::engine::eval::frame::Frame,
    uses: &[crate::engine::eval::uses::Use],
) -> String {
    let u = uses
        .iter()
        .find(|u| !crate::engine::eval::conform::typed_as_used(base, std::slice::from_ref(u)));
    match u {
        Some(u) => format!(
            "{} reads column {} as {}s: reading the data again to read it so",
            u.why,
            u.column,
            u.want.noun()
        ),
        None => "reading the data again".into(),
    }
}
