//! Trusted time in the background: when time-stamp authorities are set,
//! every checkpoint without a token is sent (its hash only) on a worker
//! thread, never blocking the window. Failures (offline, a TSA down) stay
//! pending and are retried later, backing off; the next start retries too,
//! since pending is simply "a checkpoint without its `.tsr`".

use crate::core::evidence::tsa::{StampReport, Stored, stamp_pending};
use crate::i18n::{Lang, Texts};
use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// Each request may take this long (a TSA answers in well under a second).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Waits after 1, 2, 3… failed rounds in a row.
const BACKOFF_S: [u64; 5] = [30, 120, 600, 1800, 3600];

/// What the last round did, for Settings to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampStatus {
    /// Every checkpoint has its token.
    AllStamped { stamped_now: usize },
    /// Some are still waiting, and why (the first error, said in every
    /// language, as `Lang::ALL` orders them).
    Waiting { waiting: usize, error: [String; 2] },
}

#[derive(Default)]
pub struct Stamper {
    running: Option<Receiver<StampReport>>,
    retry_at: Option<Instant>,
    failures: usize,
    /// The checkpoint size last seen, so a new checkpoint starts a round.
    seen: Option<u64>,
    pub status: Option<StampStatus>,
}

impl Stamper {
    /// Collects a finished round and starts one when there is something new
    /// or a retry is due. `signed` is the latest checkpoint's size.
    pub fn poll(&mut self, data_dir: &Path, urls: &[String], signed: u64, now: Instant) {
        if let Some(rx) = &self.running {
            match rx.try_recv() {
                Ok(report) => {
                    self.running = None;
                    self.finished(&report, now);
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => self.running = None,
            }
        }
        if urls.is_empty() {
            self.retry_at = None;
            return;
        }
        let new = self.seen != Some(signed);
        // The first round after start checks the tokens already stored
        // (one put there from outside would otherwise block its
        // checkpoint for good); later rounds trust what they stored.
        let stored = match self.seen {
            None => Stored::Recheck,
            Some(_) => Stored::Trust,
        };
        let due = self.retry_at.is_some_and(|t| now >= t);
        if !(new || due) {
            return;
        }
        self.seen = Some(signed);
        self.retry_at = None;
        let (tx, rx) = channel();
        let (dir, urls) = (data_dir.to_path_buf(), urls.to_vec());
        let spawned = std::thread::Builder::new()
            .name("tsa".into())
            .spawn(move || {
                let _ = tx.send(stamp_pending(&dir, &urls, REQUEST_TIMEOUT, stored));
            });
        match spawned {
            Ok(_) => self.running = Some(rx),
            // No thread now: try again later, like a failed round.
            Err(_) => self.retry_at = Some(now + Duration::from_secs(BACKOFF_S[0])),
        }
    }

    fn finished(&mut self, r: &StampReport, now: Instant) {
        let said = |f: &dyn Fn(&Texts) -> String| Lang::ALL.map(|l| f(Texts::shared(l)));
        let first_error = r
            .failed
            .first()
            .map(|(_, e)| said(&|tr| e.describe(tr)))
            .or_else(|| {
                r.unreadable
                    .as_ref()
                    .map(|e| said(&|tr| crate::core::safe_file::describe(e, tr)))
            });
        match first_error {
            None => {
                self.failures = 0;
                self.status = Some(StampStatus::AllStamped {
                    stamped_now: r.stamped.len(),
                });
            }
            Some(error) => {
                self.failures += 1;
                let wait = BACKOFF_S[(self.failures - 1).min(BACKOFF_S.len() - 1)];
                self.retry_at = Some(now + Duration::from_secs(wait));
                self.status = Some(StampStatus::Waiting {
                    waiting: r.failed.len(),
                    error,
                });
            }
        }
    }

    /// Whether a round is on its way (the window checks back soon).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// When the next retry is due, if one is.
    pub fn retry_in(&self, now: Instant) -> Option<Duration> {
        self.retry_at.map(|t| t.saturating_duration_since(now))
    }
}
