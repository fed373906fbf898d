//! The guarded second confirmation, for one order or a whole batch: the
//! guard's decision and every ignored attempt are journaled here, on the
//! order, or batch-level (no order) with the batch id.

use super::{Subject, TypeToConfirm};
use crate::core::clock::ms_between;
use crate::core::event::Event;
use crate::core::guard::{
    BehaviourGuard, ConfirmGuard, GuardContext, GuardInput, GuardView, Reason, Verdict,
};
use crate::core::session::{Session, SessionError};
use chrono::{DateTime, Utc};

/// A confirmation step on show.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub subject: Subject,
    /// Concrete (not a trait object) so its plan, journaled when shown, can be read.
    pub guard: BehaviourGuard,
    pub shown_at: DateTime<Utc>,
    pub expected: TypeToConfirm,
    /// The last ignored attempt and when (the screen says why for a while).
    pub swallowed: Option<(Reason, DateTime<Utc>)>,
    /// This key press's repeats were already journaled once.
    repeat_journaled: bool,
}

impl Confirmation {
    /// The step appears now: a fresh guard for `context`, its decision
    /// journaled. `pointer_down` when a button was already held as it appeared.
    pub fn show(
        session: &mut Session,
        subject: Subject,
        context: &GuardContext,
        pointer_down: bool,
        expected: TypeToConfirm,
    ) -> Result<Self, SessionError> {
        let shown_at = session.now();
        let guard = BehaviourGuard::shown(context, pointer_down);
        let batch = subject.batch().cloned();
        let decided = Event::guard_decided(guard.plan(), context.sensitivity, batch);
        session.record(subject.order(), decided)?;
        Ok(Self {
            subject,
            guard,
            shown_at,
            expected,
            swallowed: None,
            repeat_journaled: false,
        })
    }

    /// Milliseconds since the step appeared (the guard's time).
    pub fn at_ms(&self, now: DateTime<Utc>) -> u64 {
        ms_between(self.shown_at, now)
    }

    pub fn view(&self, now: DateTime<Utc>) -> GuardView {
        self.guard.view(self.at_ms(now))
    }

    /// Feeds one input at the session's now. An ignored attempt is
    /// remembered and journaled; a `Confirmed` verdict is the caller's to
    /// act on (an order is confirmed on the session, a batch starts its run).
    pub fn observe(
        &mut self,
        session: &mut Session,
        input: GuardInput,
    ) -> Result<Verdict, SessionError> {
        let now = session.now();
        let at = self.at_ms(now);
        let verdict = self.guard.observe(at, input);
        // A single low-risk order's time to an accepted confirmation is the
        // person's pace (a batch or a risky order is read more slowly, as it
        // should be).
        if verdict == Verdict::Confirmed
            && self.subject.order().is_some()
            && self.guard.plan().level == crate::core::guard::RiskLevel::Low
        {
            session.learn_pace(at, self.guard.looked_at_facts());
        }
        if let GuardInput::KeyUp { .. } = input {
            self.repeat_journaled = false;
        }
        if let Verdict::Swallowed(reason) = &verdict {
            // A held key repeats ~30 times a second: one line per press, not
            // one per repeat (the journal must not fill from a held Enter).
            let repeat = matches!(reason, Reason::KeyRepeat);
            if repeat && self.repeat_journaled {
                self.swallowed = Some((*reason, now));
                return Ok(verdict);
            }
            self.repeat_journaled = repeat;
            let event = Event::ConfirmSwallowed {
                at_ms: at,
                reason: reason.key().to_owned(),
                batch: self.subject.batch().cloned(),
            };
            // Remembered even if the journal refuses: the person still sees why.
            self.swallowed = Some((*reason, now));
            session.record(self.subject.order(), event)?;
        }
        Ok(verdict)
    }
}
