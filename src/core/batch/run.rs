//! Releasing a confirmed batch. The whole batch is held on this device for
//! the hold window (undo drops it, nothing sent); then its orders are
//! released one after another, one per [`RELEASE_PACE_MS`], through the
//! same channel trait as a single card, so the operator can watch, pause,
//! and cancel what is still cancellable. The codes live only in this
//! struct's memory: a stop mid-batch means the rest is never sent
//! (`batch_interrupted` on the next start).
//!
//! Each order is journaled like a single card (`review_shown` with the
//! batch id, `confirmed` with a zero hold because the batch's hold already
//! ran, `released`), so the orders list, evidence export and verification
//! treat batch orders exactly like any other.

use super::{Batch, Status};
use crate::core::code::{CardSecret, check_code};
use crate::core::event::Event;
use crate::core::flow::{Cancelled, review_shown};
use crate::core::ids::{BatchId, ChannelId, OrderId};
use crate::core::money::Fen;
use crate::core::order::Phase;
use crate::core::session::{Session, SessionError};
use chrono::{DateTime, Duration, Utc};

/// Time between two releases (demo time scales it like every deadline).
pub const RELEASE_PACE_MS: i64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseReason {
    Operator,
    /// The test card went out: check it arrived before the rest follow.
    TestCard,
    /// The journal refused a write: nothing more is sent until resumed.
    Error,
    CancelAll,
}

impl PauseReason {
    pub fn name(self) -> &'static str {
        match self {
            PauseReason::Operator => "operator",
            PauseReason::TestCard => "test_card",
            PauseReason::Error => "error",
            PauseReason::CancelAll => "cancel_all",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    Holding,
    Releasing,
    Paused(PauseReason),
    Finished,
    Undone,
}

/// One card of the batch.
#[derive(Debug)]
pub struct RunItem {
    /// The row in the source file.
    pub row: usize,
    pub masked: String,
    pub face_value: Fen,
    secret: Option<CardSecret>,
    /// The order created for it once its turn came.
    pub order: Option<OrderId>,
}

/// What "cancel all still cancellable" did to one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled {
        fee: Fen,
    },
    /// Manual hand-off: asked on the platform; its outcome is the platform's.
    Requested,
    Refused {
        reason: String,
    },
    /// Its window had closed (or the channel has none): nothing to do.
    NotCancellable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelLine {
    pub order: OrderId,
    pub masked: String,
    pub face_value: Fen,
    pub outcome: CancelOutcome,
}

#[derive(Debug)]
pub struct BatchRun {
    pub id: BatchId,
    pub channel: ChannelId,
    pub items: Vec<RunItem>,
    pub phase: RunPhase,
    pub hold_until: DateTime<Utc>,
    /// The hold's length as confirmed (the setting may change meanwhile).
    pub hold_s: u32,
    next_release: DateTime<Utc>,
    test_first: bool,
    /// The last "cancel all" report, one line per released order.
    pub cancel_report: Vec<CancelLine>,
}

impl BatchRun {
    /// The batch passed its confirmation: journal it and start the hold.
    /// Only valid rows are taken (the screen allows this only when every
    /// remaining row is valid). With `test_first` the smallest card goes
    /// first and the run pauses after it.
    pub fn confirm(
        session: &mut Session,
        id: &BatchId,
        channel: &ChannelId,
        batch: &Batch,
        test_first: bool,
    ) -> Result<Self, SessionError> {
        let profile = session
            .profile(channel)
            .ok_or_else(|| SessionError::UnknownChannel(channel.clone()))?
            .clone();
        let alphabet = profile.alphabet();
        let mut items: Vec<RunItem> = batch
            .rows
            .iter()
            .filter(|r| r.status != Status::Error)
            .filter_map(|r| {
                let secret = check_code(&r.code_raw, &alphabet).secret()?;
                Some(RunItem {
                    row: r.row,
                    masked: secret.masked(),
                    face_value: r.face_value?,
                    secret: Some(secret),
                    order: None,
                })
            })
            .collect();
        if test_first
            && let Some(smallest) = (0..items.len()).min_by_key(|&i| (items[i].face_value, i))
        {
            let item = items.remove(smallest);
            items.insert(0, item);
        }
        let face: Fen = items.iter().map(|i| i.face_value).sum();
        let payout: Fen = items.iter().map(|i| profile.payout(i.face_value)).sum();
        let hold_s = session.settings().hold_s;
        let hold_until = session.now() + Duration::seconds(hold_s as i64);
        session.record(
            None,
            Event::BatchConfirmed {
                batch: id.clone(),
                channel: channel.clone(),
                count: items.len(),
                face_value_fen: face,
                payout_fen: payout,
                hold_s,
                hold_until,
                test_first,
            },
        )?;
        Ok(Self {
            id: id.clone(),
            channel: channel.clone(),
            items,
            phase: RunPhase::Holding,
            hold_until,
            hold_s,
            next_release: hold_until,
            test_first,
            cancel_report: Vec::new(),
        })
    }

    pub fn released(&self) -> usize {
        self.items.iter().filter(|i| i.secret.is_none()).count()
    }

    pub fn waiting(&self) -> usize {
        self.items.len() - self.released()
    }

    /// Undo inside the hold: nothing was sent; the codes are dropped.
    pub fn undo(&mut self, session: &mut Session) -> Result<(), SessionError> {
        if self.phase != RunPhase::Holding {
            return Ok(());
        }
        session.record(
            None,
            Event::BatchUndone {
                batch: self.id.clone(),
            },
        )?;
        self.phase = RunPhase::Undone;
        self.items.iter_mut().for_each(|i| i.secret = None);
        Ok(())
    }

    pub fn pause(&mut self, session: &mut Session, why: PauseReason) -> Result<(), SessionError> {
        if !matches!(self.phase, RunPhase::Releasing | RunPhase::Holding) {
            return Ok(());
        }
        session.record(
            None,
            Event::BatchPaused {
                batch: self.id.clone(),
                reason: why.name().to_owned(),
            },
        )?;
        self.phase = RunPhase::Paused(why);
        Ok(())
    }

    /// Resumes releasing (a pause during the hold resumes after it).
    pub fn resume(&mut self, session: &mut Session) -> Result<(), SessionError> {
        if !matches!(self.phase, RunPhase::Paused(_)) {
            return Ok(());
        }
        session.record(
            None,
            Event::BatchResumed {
                batch: self.id.clone(),
            },
        )?;
        let now = session.now();
        self.phase = if now < self.hold_until {
            RunPhase::Holding
        } else {
            RunPhase::Releasing
        };
        self.next_release = now.max(self.hold_until);
        Ok(())
    }

    /// When this run next does something by itself.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        match self.phase {
            RunPhase::Holding => Some(self.hold_until),
            RunPhase::Releasing => Some(self.next_release),
            _ => None,
        }
    }

    /// Releases what is due: the hold ending, then one order per pace.
    /// A manual hand-off waits until the previous code was submitted (one
    /// code on the clipboard at a time). Returns the released orders'
    /// events (the UI puts a manual hand-off's code on the clipboard).
    pub fn advance(
        &mut self,
        session: &mut Session,
    ) -> Result<Vec<(OrderId, Event, CardSecretRef)>, SessionError> {
        let now = session.now();
        if self.phase == RunPhase::Holding && now >= self.hold_until {
            self.phase = RunPhase::Releasing;
        }
        if self.phase != RunPhase::Releasing || now < self.next_release {
            return Ok(Vec::new());
        }
        let waiting_on_platform = self.items.iter().filter_map(|i| i.order.as_ref()).any(|o| {
            session
                .order(o)
                .is_some_and(|o| o.phase == Phase::AwaitingPlatform)
        });
        if waiting_on_platform {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        if let Some(i) = self.items.iter().position(|i| i.secret.is_some()) {
            match self.release_item(session, i) {
                Ok((order, event)) => {
                    let secret = self.items[i].secret.take();
                    let code = CardSecretRef(
                        secret.and_then(|s| crate::core::flow::for_clipboard(&event, &s)),
                    );
                    out.push((order, event, code));
                }
                Err(e) => {
                    // Fail closed: nothing more goes out until the operator resumes.
                    let _ = self.pause(session, PauseReason::Error);
                    self.phase = RunPhase::Paused(PauseReason::Error);
                    return Err(e);
                }
            }
            self.next_release = now + Duration::milliseconds(RELEASE_PACE_MS);
        }
        if self.waiting() == 0 {
            session.record(
                None,
                Event::BatchFinished {
                    batch: self.id.clone(),
                    released: self.released(),
                    not_sent: 0,
                },
            )?;
            self.phase = RunPhase::Finished;
        } else if self.test_first && self.released() == 1 {
            self.test_first = false;
            self.pause(session, PauseReason::TestCard)?;
        }
        Ok(out)
    }

    fn release_item(
        &mut self,
        session: &mut Session,
        i: usize,
    ) -> Result<(OrderId, Event), SessionError> {
        let profile = session
            .profile(&self.channel)
            .ok_or_else(|| SessionError::UnknownChannel(self.channel.clone()))?
            .clone();
        let item = &mut self.items[i];
        let Some(secret) = item.secret.as_ref() else {
            return Err(SessionError::CodeGone(item.row));
        };
        // A retry after a refused write continues the order already created.
        let order = match item
            .order
            .clone()
            .filter(|o| session.order(o).is_some_and(|o| o.phase == Phase::Holding))
        {
            Some(o) => o,
            None => {
                let order = session.new_order_id();
                let now = session.now();
                let shown = review_shown(
                    &profile,
                    item.face_value,
                    secret,
                    session.fingerprint(secret),
                    session.settings().release_mode,
                    Some(self.id.clone()),
                );
                session.record(Some(&order), shown)?;
                // The batch's hold already ran: this order's own hold is zero.
                session.record(
                    Some(&order),
                    Event::Confirmed {
                        hold_s: 0,
                        hold_until: now,
                    },
                )?;
                item.order = Some(order.clone());
                order
            }
        };
        let event = session.release(&order, secret)?;
        Ok((order, event))
    }

    /// Cancels every order of this batch whose window is still open and
    /// reports what each cost. Releasing stops first (a paused batch can be
    /// resumed, but the operator has to ask).
    pub fn cancel_all(&mut self, session: &mut Session) -> Result<(), SessionError> {
        if matches!(self.phase, RunPhase::Releasing | RunPhase::Holding) {
            self.pause(session, PauseReason::CancelAll)?;
        }
        let orders: Vec<OrderId> = self.items.iter().filter_map(|i| i.order.clone()).collect();
        let mut report = Vec::new();
        for id in orders {
            let Some(o) = session.order(&id).cloned() else {
                continue;
            };
            let outcome = if o.phase == Phase::InWindow {
                match crate::core::flow::OrderFlow::cancel(session, &id)? {
                    Cancelled::Done { fee } => CancelOutcome::Cancelled { fee },
                    Cancelled::Requested => CancelOutcome::Requested,
                    Cancelled::Refused { reason } => CancelOutcome::Refused { reason },
                }
            } else {
                CancelOutcome::NotCancellable
            };
            report.push(CancelLine {
                order: id,
                masked: o.masked,
                face_value: o.face_value,
                outcome,
            });
        }
        let count = |f: fn(&CancelOutcome) -> bool| report.iter().filter(|l| f(&l.outcome)).count();
        let fees = report
            .iter()
            .map(|l| match l.outcome {
                CancelOutcome::Cancelled { fee } => fee,
                _ => Fen::ZERO,
            })
            .sum();
        session.record(
            None,
            Event::BatchCancelAll {
                batch: self.id.clone(),
                cancelled: count(|o| matches!(o, CancelOutcome::Cancelled { .. })),
                refused: count(|o| matches!(o, CancelOutcome::Refused { .. })),
                requested: count(|o| matches!(o, CancelOutcome::Requested)),
                fees_fen: fees,
            },
        )?;
        self.cancel_report = report;
        Ok(())
    }

    /// Released orders of this batch whose cancel window is open now.
    pub fn cancellable(&self, session: &Session) -> (usize, Fen) {
        let mut n = 0;
        let mut fees = Fen::ZERO;
        for o in self
            .items
            .iter()
            .filter_map(|i| i.order.as_ref())
            .filter_map(|o| session.order(o))
            .filter(|o| o.phase == Phase::InWindow)
        {
            n += 1;
            fees += session
                .profile(&o.channel)
                .map_or(Fen::ZERO, |p| p.cancel_fee(o.face_value));
        }
        (n, fees)
    }
}

/// A released code handed back to the UI for a manual hand-off's clipboard
/// (None for the simulated channel; wiped on drop).
pub struct CardSecretRef(pub Option<zeroize::Zeroizing<String>>);

impl std::fmt::Debug for CardSecretRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardSecretRef(••••)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::batch::import;
    use crate::core::clock::ManualClock;
    use crate::core::order::BatchState;
    use crate::core::session::Paths;

    fn open(dir: &std::path::Path, clock: &std::sync::Arc<ManualClock>) -> Session {
        Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap()
    }

    fn batch(session: &Session, channel: &str) -> Batch {
        let mut b =
            import(b"card,face\nAAAA1111BBBB2222,100\nCCCC3333DDDD4444,50\nEEEE5555FFFF6666,200\n")
                .unwrap();
        b.validate(
            session.profile(&channel.into()).unwrap(),
            session.fingerprint_key(),
            session.ledger(),
        );
        b
    }

    /// Advances demo-free time in small steps, as frames would.
    fn run_for(run: &mut BatchRun, s: &mut Session, clock: &ManualClock, ms: i64) {
        for _ in 0..ms / 250 {
            clock.advance_ms(250);
            s.catch_up().unwrap();
            run.advance(s).unwrap();
        }
    }

    #[test]
    fn held_then_released_one_by_one_then_cancel_all_reports_each_fee() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        let mut s = open(dir.path(), &clock);
        let b = batch(&s, "suhuishou");
        let mut run =
            BatchRun::confirm(&mut s, &"B-1".into(), &"suhuishou".into(), &b, false).unwrap();
        assert_eq!((run.phase, run.items.len()), (RunPhase::Holding, 3));
        run_for(&mut run, &mut s, &clock, 9_750);
        assert_eq!(run.released(), 0, "nothing leaves during the hold");
        run_for(&mut run, &mut s, &clock, 500);
        assert_eq!(run.released(), 1);
        run_for(&mut run, &mut s, &clock, 750);
        assert_eq!(run.released(), 2, "one per second");
        run.pause(&mut s, PauseReason::Operator).unwrap();
        run_for(&mut run, &mut s, &clock, 5_000);
        assert_eq!(run.released(), 2, "paused: nothing more goes out");
        run.resume(&mut s).unwrap();
        run_for(&mut run, &mut s, &clock, 250);
        assert_eq!((run.released(), run.phase), (3, RunPhase::Finished));
        assert_eq!(run.cancellable(&s), (3, Fen(1_500)));
        run.cancel_all(&mut s).unwrap();
        let fees: Vec<CancelOutcome> = run
            .cancel_report
            .iter()
            .map(|l| l.outcome.clone())
            .collect();
        assert_eq!(fees, vec![CancelOutcome::Cancelled { fee: Fen(500) }; 3]);
        assert!(
            s.ledger()
                .batch_orders(&"B-1".into())
                .all(|o| o.phase == Phase::Cancelled)
        );
        assert_eq!(
            s.ledger().batch(&"B-1".into()).unwrap().state,
            BatchState::Finished
        );
    }

    #[test]
    fn a_manual_hand_off_waits_for_each_code_to_be_submitted() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        let mut s = open(dir.path(), &clock);
        let manual = crate::core::settings::Settings {
            release_mode: crate::core::event::ReleaseMode::Manual,
            ..s.settings().clone()
        };
        s.update_settings(manual).unwrap();
        let b = batch(&s, "kaquanmao");
        let mut run =
            BatchRun::confirm(&mut s, &"B-5".into(), &"kaquanmao".into(), &b, false).unwrap();
        clock.advance_ms(10_000);
        let out = run.advance(&mut s).unwrap();
        assert_eq!(out.len(), 1);
        assert!(out[0].2.0.is_some(), "the code goes to the clipboard");
        run_for(&mut run, &mut s, &clock, 5_000);
        assert_eq!(run.released(), 1, "one code on the clipboard at a time");
        let first = out[0].0.clone();
        s.platform_submitted(&first).unwrap();
        run_for(&mut run, &mut s, &clock, 250);
        assert_eq!(run.released(), 2);
    }

    #[test]
    fn test_first_sends_the_smallest_card_then_pauses() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        let mut s = open(dir.path(), &clock);
        let b = batch(&s, "kaquanmao");
        let mut run =
            BatchRun::confirm(&mut s, &"B-2".into(), &"kaquanmao".into(), &b, true).unwrap();
        run_for(&mut run, &mut s, &clock, 12_000);
        assert_eq!(run.phase, RunPhase::Paused(PauseReason::TestCard));
        let sent: Vec<Fen> = s
            .ledger()
            .batch_orders(&"B-2".into())
            .map(|o| o.face_value)
            .collect();
        assert_eq!(sent, vec![Fen(5_000)]);
    }

    #[test]
    fn undo_in_the_hold_sends_nothing_and_a_stop_mid_batch_is_journaled() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        {
            let mut s = open(dir.path(), &clock);
            let b = batch(&s, "kaquanmao");
            let mut run =
                BatchRun::confirm(&mut s, &"B-3".into(), &"kaquanmao".into(), &b, false).unwrap();
            run_for(&mut run, &mut s, &clock, 2_000);
            run.undo(&mut s).unwrap();
            run_for(&mut run, &mut s, &clock, 20_000);
            assert_eq!(s.ledger().batch_orders(&"B-3".into()).count(), 0);
            assert_eq!(
                s.ledger().batch(&"B-3".into()).unwrap().state,
                BatchState::Undone
            );
            let mut run =
                BatchRun::confirm(&mut s, &"B-4".into(), &"kaquanmao".into(), &b, false).unwrap();
            run_for(&mut run, &mut s, &clock, 10_250);
            assert_eq!(run.released(), 1);
        }
        let s = open(dir.path(), &clock);
        assert_eq!(
            s.ledger().batch(&"B-4".into()).unwrap().state,
            BatchState::Interrupted
        );
        let text = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
        let interrupted: serde_json::Value = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["kind"] == "batch_interrupted")
            .expect("journaled");
        assert_eq!(
            interrupted["data"],
            serde_json::json!({"batch": "B-4", "released": 1, "not_sent": 2})
        );
        for secret in ["AAAA1111BBBB2222", "CCCC3333DDDD4444", "EEEE5555FFFF6666"] {
            assert!(!text.contains(secret));
        }
    }
}
