//! The second stage of a large open, read on a thread of its own: the engine told when it is read, and which jobs go ahead meanwhile.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, Weak};

use crate::engine::eval::session::{Late, LateRead};
use crate::tui::input::message::Message;
use crate::tui::runtime::worker::Engine;
use crate::tui::state::job::Job;

/// The second stage of an open, being read: its answer, and whom to tell once it is there.
pub struct LateReading {
    answer: Receiver<Result<LateRead, String>>,
    wake: Arc<Mutex<Wake>>,
}

/// Whether the reading ended, and the engine's job queue to tell when it does.
#[derive(Default)]
struct Wake {
    ended: bool,
    tell: Option<Weak<Sender<Job>>>,
}

/// A [`Job::FinishOpen`] for the engine, if its queue is still there.
fn finish(jobs: &Weak<Sender<Job>>) {
    if let Some(tx) = jobs.upgrade() {
        let _ = tx.send(Job::FinishOpen);
    }
}

/// The reading ended: the engine is told, if it asked to be.
fn ended(wake: &Mutex<Wake>) {
    if let Ok(mut w) = wake.lock() {
        w.ended = true;
        if let Some(jobs) = w.tell.take() {
            finish(&jobs);
        }
    }
}

impl LateReading {
    /// An answer given already (for tests: what a reading that ended so would send).
    pub fn answered(r: Result<LateRead, String>) -> LateReading {
        let (tx, answer) = channel();
        let _ = tx.send(r);
        let wake = Wake {
            ended: true,
            tell: None,
        };
        LateReading {
            answer,
            wake: Arc::new(Mutex::new(wake)),
        }
    }

    /// Have a [`Job::FinishOpen`] put in `jobs` once the reading ends (at once if it has).
    pub fn tell_when_read(&self, jobs: Weak<Sender<Job>>) {
        if let Ok(mut w) = self.wake.lock() {
            if w.ended {
                finish(&jobs);
            } else {
                w.tell = Some(jobs);
            }
        }
    }
}

/// Read what a first stage left on a thread of its own (when none can be made, the answer is
/// that it was not read).
pub fn read_late(late: Late) -> LateReading {
    let (tx, answer) = channel();
    let wake = Arc::new(Mutex::new(Wake::default()));
    let reading = Arc::clone(&wake);
    let spawned = std::thread::Builder::new()
        .name("reading the other columns".into())
        .spawn(move || {
            let _ = tx.send(late.read().map_err(|e| e.to_string()));
            ended(&reading);
        });
    if spawned.is_err() {
        ended(&wake);
    }
    LateReading { answer, wake }
}

impl Engine {
    /// Whether columns left for after the first frame are still to be taken.
    pub fn late_pending(&self) -> bool {
        self.late.is_some()
    }

    /// Wait for the columns the first stage left and put them in the session; what to tell
    /// the app, when anything was left.
    pub fn finish_open(&mut self) -> Option<Message> {
        let reading = self.late.take()?;
        let answer = reading
            .answer
            .recv()
            .map_err(|_| "the reading stopped".to_string());
        Some(self.take_late(answer.and_then(|r| r)))
    }

    /// The same if the reading has ended; nothing (and still pending) if not.
    pub fn finish_open_if_read(&mut self) -> Option<Message> {
        let reading = self.late.take()?;
        let answer = match reading.answer.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => {
                self.late = Some(reading);
                return None;
            }
            Err(TryRecvError::Disconnected) => Err("the reading stopped".into()),
        };
        Some(self.take_late(answer))
    }

    fn take_late(&mut self, answer: Result<LateRead, String>) -> Message {
        Message::ColumnsRead(match answer {
            Ok(r) => {
                let profiles = self.session.add_late(r, &self.cache);
                let late = crate::tui::state::model::LateColumns::new(&self.session, profiles);
                Ok(Box::new(late))
            }
            Err(e) => Err(e.lines().next().unwrap_or_default().to_string()),
        })
    }

    /// Whether `job` can run before the columns left for later are read: it reads only
    /// columns the session has (a criterion's edit, an explanation, an export, a frequency
    /// table or a proposal on a column read). Everything else may read any column, the order
    /// rows or the files, and waits.
    pub fn goes_ahead(&self, job: &Job) -> bool {
        let has = |n: &String| self.session.base.names.contains(n);
        match job {
            Job::Recompute { criterion, .. } => criterion.referenced_names().iter().all(has),
            Job::Explain { .. } | Job::Export { .. } | Job::FinishOpen => true,
            Job::Frequency { column } | Job::Propose { column, .. } => has(column),
            _ => false,
        }
    }
}

#[cfg(test)]
impl LateReading {
    /// `reading`, its end held back until `release` is sent (for tests of what runs meanwhile).
    pub fn held(reading: LateReading) -> (LateReading, Sender<()>) {
        let (release, gate) = channel::<()>();
        let (tx, answer) = channel();
        let wake = Arc::new(Mutex::new(Wake::default()));
        let held = Arc::clone(&wake);
        std::thread::spawn(move || {
            let _ = gate.recv();
            let r = reading
                .answer
                .recv()
                .unwrap_or_else(|_| Err("the reading stopped".into()));
            let _ = tx.send(r);
            ended(&held);
        });
        (LateReading { answer, wake }, release)
    }
}
