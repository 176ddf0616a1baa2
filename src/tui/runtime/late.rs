//! The second stage of a large open, read on a thread of its own: the engine's queue told when it ends, and which jobs go ahead meanwhile.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, Weak};

use crate::engine::data::progress::Progress;
use crate::engine::eval::session::{Late, LateRead, Session};
use crate::tui::state::job::Job;

/// The second stage of an open, being read: its answer, whom to tell once it is there, and
/// how to stop it.
pub struct LateReading {
    answer: Receiver<Result<LateRead, String>>,
    wake: Arc<Mutex<Wake>>,
    progress: Arc<Progress>,
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
            progress: Arc::default(),
        }
    }

    /// Wait for the reading's answer.
    pub fn wait(self) -> Result<LateRead, String> {
        self.answer
            .recv()
            .unwrap_or_else(|_| Err("the reading stopped".into()))
    }

    /// The answer if the reading has ended, else the reading back.
    pub fn if_ended(self) -> Result<Result<LateRead, String>, LateReading> {
        match self.answer.try_recv() {
            Ok(r) => Ok(r),
            Err(TryRecvError::Empty) => Err(self),
            Err(TryRecvError::Disconnected) => Ok(Err("the reading stopped".into())),
        }
    }

    /// Stop the reading (it ends at its next block, its answer unread).
    pub fn cancel(&self) {
        self.progress.cancel();
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
    let progress = Arc::new(Progress::default());
    let p = Arc::clone(&progress);
    let spawned = std::thread::Builder::new()
        .name("reading the other columns".into())
        .spawn(move || {
            // a reading that fails in any way still ends, with the reason, so that the wizard
            // goes on with the columns it has
            let read =
                std::panic::AssertUnwindSafe(|| late.read_with(&p).map_err(|e| e.to_string()));
            let answer = std::panic::catch_unwind(read)
                .unwrap_or_else(|_| Err("the reading stopped on an internal error".into()));
            let _ = tx.send(answer);
            ended(&reading);
        });
    if spawned.is_err() {
        ended(&wake);
    }
    LateReading {
        answer,
        wake,
        progress,
    }
}

/// Whether `job` can run on `s` before the columns left for later are read: it reads only
/// columns `s` has (a criterion's edit, an explanation, an export, a frequency table or a
/// proposal on a column read; an age proposal only with `as_of` known, as it would otherwise
/// look for the latest date in every date column). Everything else may read any column, the
/// order rows or the files, and waits.
pub fn goes_ahead(s: &Session, job: &Job) -> bool {
    let has = |n: &String| s.base.names.contains(n);
    match job {
        Job::Recompute { criterion, .. } => criterion.referenced_names().iter().all(has),
        // reading everything again stops the reading first (see `Engine::stop_late`)
        Job::Explain { .. } | Job::Export { .. } | Job::FinishOpen => true,
        Job::Reopen { .. } | Job::Repull { .. } => true,
        Job::Propose { age: true, .. } if s.as_of.is_none() => false,
        Job::Frequency { column } | Job::Propose { column, .. } => has(column),
        _ => false,
    }
}

#[cfg(test)]
impl LateReading {
    /// What says whether the reading was told to stop.
    pub fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// `reading`, its end held back until `release` is sent (for tests of what runs meanwhile).
    pub fn held(reading: LateReading) -> (LateReading, Sender<()>) {
        let (release, gate) = channel::<()>();
        let (tx, answer) = channel();
        let wake = Arc::new(Mutex::new(Wake::default()));
        let held = Arc::clone(&wake);
        let progress = Arc::clone(&reading.progress);
        std::thread::spawn(move || {
            let _ = gate.recv();
            let _ = tx.send(reading.wait());
            ended(&held);
        });
        (
            LateReading {
                answer,
                wake,
                progress,
            },
            release,
        )
    }
}
