//! A single card, from its draft to its release: the entry steps, the
//! review, the confirmation step, the hold's release and the cancel.

use super::entry::EntrySteps;
use super::{Confirmation, Subject, TypeToConfirm, review_shown};
use crate::core::clock::ms_between;
use crate::core::code::CardSecret;
use crate::core::draft::{Draft, DraftCheck};
use crate::core::event::{Event, ReleaseMode};
use crate::core::guard::GuardContext;
use crate::core::ids::{ChannelId, OrderId};
use crate::core::money::Fen;
use crate::core::profile::ChannelProfile;
use crate::core::session::{Session, SessionError};
use zeroize::Zeroizing;

/// The order being entered and, once journaled, confirmed and held.
#[derive(Debug, Default)]
pub struct OrderFlow {
    pub draft: Draft,
    steps: EntrySteps,
    /// A refused write left an entry step off the journal: the next
    /// "to review" journals every step again before anything else.
    steps_refused: bool,
}

/// What became of a hold that ran out.
pub enum Released {
    /// Handed to the channel. `for_clipboard` is the code for a manual
    /// hand-off (the person pastes it on the platform); None when simulated.
    Sent {
        /// Boxed: an event is large next to `Interrupted`.
        event: Box<Event>,
        for_clipboard: Option<Zeroizing<String>>,
    },
    /// Its code is no longer in memory: never sent, journaled as interrupted.
    Interrupted,
}

// Never print the code meant for the clipboard.
impl std::fmt::Debug for Released {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Released::Sent {
                event,
                for_clipboard,
            } => f
                .debug_struct("Sent")
                .field("event", event)
                .field("for_clipboard", &for_clipboard.as_ref().map(|_| "••••"))
                .finish(),
            Released::Interrupted => f.write_str("Interrupted"),
        }
    }
}

/// What a cancel inside the window came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled, for this fee.
    Done { fee: Fen },
    /// Asked of the platform (a manual hand-off): the person cancels there.
    Requested,
    /// The channel said no (its window closed, or it never had one).
    Refused { reason: String },
}

/// A Cancel pressed by hand on one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelByHand {
    /// Asked of the channel: what it came to.
    Sent(Cancelled),
    /// Pressed within [`CANCEL_SETTLE_MS`] of the window opening: nothing
    /// sent (the second click of a double click on the button the Cancel
    /// button took the place of). Pressed again later, it cancels.
    TooSoon { ms: u64 },
}

/// A Cancel pressed this soon after its window opened (by the person's own
/// "I have submitted it", or a release) is taken for the second half of a
/// double click: a cancel can cost a fee and cannot be undone.
pub const CANCEL_SETTLE_MS: u64 = 600;

impl OrderFlow {
    /// The journal id of the draft's order, once its first step is journaled.
    pub fn order_id(&self) -> Option<&OrderId> {
        self.draft.order_id.as_ref()
    }

    /// Another channel: its alphabet and verification rules differ, so
    /// every entry step is journaled again.
    pub fn choose_channel(&mut self, id: ChannelId) {
        if self.draft.channel.as_ref() != Some(&id) {
            self.draft.channel = Some(id);
            self.steps = EntrySteps::default();
        }
    }

    /// A fresh draft on the same channel (after a release, or a new order).
    pub fn reset_keeping_channel(&mut self) {
        self.draft = Draft {
            channel: self.draft.channel.take(),
            ..Draft::default()
        };
        self.steps = EntrySteps::default();
        self.steps_refused = false;
    }

    /// The draft's channel profile and the check of its inputs.
    fn check(&self, session: &Session) -> Option<(ChannelProfile, DraftCheck)> {
        let profile = session.profile(self.draft.channel.as_ref()?)?.clone();
        let check = self
            .draft
            .check(&profile, session.settings().retype_threshold_fen);
        Some((profile, check))
    }

    /// Journals a step of the draft, giving the draft an order id first.
    fn journal_step(
        &mut self,
        session: &mut Session,
        event: Event,
    ) -> Result<OrderId, SessionError> {
        let id = self
            .draft
            .order_id
            .get_or_insert_with(|| session.new_order_id())
            .clone();
        session.record(Some(&id), event)?;
        Ok(id)
    }

    /// Journals each entry step once, when it becomes valid. Every due step
    /// is attempted; the first refused write is returned (and not retried
    /// each frame: the review retries it, see `submit_for_review`).
    pub fn journal_entry_steps(&mut self, session: &mut Session) -> Result<(), SessionError> {
        let Some((profile, check)) = self.check(session) else {
            return Ok(());
        };
        let due = self.steps.due(session, &self.draft, &profile, &check);
        let mut first_error = None;
        for event in due {
            if let Err(e) = self.journal_step(session, event) {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => {
                self.steps_refused = true;
                Err(e)
            }
            None => Ok(()),
        }
    }

    /// To the review: journals what is due, then `review_shown`, and returns
    /// the order id. None when the draft is not ready, or its code was
    /// released before and the person has not said to go on anyway. An
    /// order never reaches its review with an entry step missing from the
    /// journal: after a refused write every step is journaled again first.
    pub fn submit_for_review(
        &mut self,
        session: &mut Session,
    ) -> Result<Option<OrderId>, SessionError> {
        if self.steps_refused {
            self.steps = EntrySteps::default();
        }
        if let Err(e) = self.journal_entry_steps(session) {
            // Tried again in full at the next attempt.
            self.steps = EntrySteps::default();
            return Err(e);
        }
        self.steps_refused = false;
        let Some((profile, check)) = self.check(session) else {
            return Ok(None);
        };
        let Some(secret) = check.code.secret().filter(|_| check.ready) else {
            return Ok(None);
        };
        let fp = session.fingerprint(&secret);
        if session.ledger().released_with(&fp).is_some() && !self.draft.duplicate_ack {
            return Ok(None);
        }
        let face = self.draft.face_value.unwrap_or_default();
        let mode = session.settings().release_mode;
        let event = review_shown(&profile, face, &secret, fp, mode, None);
        self.journal_step(session, event).map(Some)
    }

    /// Everything the guard weighs about this order: the session's view of
    /// it plus how the code was entered (a fast paste is a risk).
    pub fn guard_context(&self, session: &Session, order_id: &OrderId) -> Option<GuardContext> {
        let entry_ms = self
            .draft
            .code_started
            .map_or(u64::MAX, |s| ms_between(s, session.now()));
        session.guard_context(order_id, self.draft.code_pasted, entry_ms)
    }

    /// The confirmation step for this order appears now (its guard's
    /// decision journaled). None when the order is unknown.
    pub fn show_confirmation(
        &self,
        session: &mut Session,
        order_id: &OrderId,
        pointer_down: bool,
    ) -> Result<Option<Confirmation>, SessionError> {
        let Some(context) = self.guard_context(session, order_id) else {
            return Ok(None);
        };
        let last4 = self
            .draft
            .channel
            .as_ref()
            .and_then(|c| session.profile(c))
            .and_then(|p| self.draft.secret(p))
            .map(|s| s.last4().to_owned())
            .unwrap_or_default();
        let subject = Subject::Order(order_id.clone());
        let expected = TypeToConfirm::Last4(last4);
        Confirmation::show(session, subject, &context, pointer_down, expected).map(Some)
    }

    /// Undo inside the hold: nothing is sent (the order goes back to review).
    pub fn undo(&mut self, session: &mut Session) -> Result<(), SessionError> {
        match self.draft.order_id.clone() {
            Some(id) => session.undo(&id),
            None => Ok(()),
        }
    }

    /// A hold ran out: release it with the draft's code when it is the
    /// draft's order (then the draft starts afresh on the same channel);
    /// any other hold's code is gone from memory, so it is journaled as
    /// interrupted. A refused write leaves the draft and the hold as they were.
    pub fn release_due(
        &mut self,
        session: &mut Session,
        id: &OrderId,
    ) -> Result<Released, SessionError> {
        let secret = (self.order_id() == Some(id))
            .then(|| {
                self.draft
                    .channel
                    .as_ref()
                    .and_then(|c| session.profile(c))
                    .and_then(|p| self.draft.secret(p))
            })
            .flatten();
        let Some(secret) = secret else {
            session.record(Some(id), Event::HoldInterrupted {})?;
            return Ok(Released::Interrupted);
        };
        let event = session.release(id, &secret)?;
        let for_clipboard = for_clipboard(&event, &secret);
        self.reset_keeping_channel();
        Ok(Released::Sent {
            event: Box::new(event),
            for_clipboard,
        })
    }

    /// Cancels an order inside its window through its channel (the single
    /// order's Cancel and a batch's "cancel all" alike).
    pub fn cancel(session: &mut Session, id: &OrderId) -> Result<Cancelled, SessionError> {
        Ok(match session.cancel(id)? {
            Event::Cancelled { fee_fen } => Cancelled::Done { fee: fee_fen },
            Event::CancelRequested { .. } => Cancelled::Requested,
            Event::CancelRefused { reason } => Cancelled::Refused { reason },
            other => Cancelled::Refused {
                reason: other.kind(),
            },
        })
    }

    /// Cancel pressed by hand on one order: as [`OrderFlow::cancel`], unless
    /// the window opened under [`CANCEL_SETTLE_MS`] ago (nothing is sent).
    pub fn cancel_by_hand(
        session: &mut Session,
        id: &OrderId,
    ) -> Result<CancelByHand, SessionError> {
        let now = session.now();
        let opened = session.order(id).and_then(|o| o.window_started);
        if let Some(ms) = opened
            .filter(|at| *at <= now)
            .map(|at| ms_between(at, now))
            .filter(|ms| *ms < CANCEL_SETTLE_MS)
        {
            return Ok(CancelByHand::TooSoon { ms });
        }
        Self::cancel(session, id).map(CancelByHand::Sent)
    }

    /// The order passed its confirmation: its local hold starts.
    pub fn confirm(session: &mut Session, id: &OrderId) -> Result<(), SessionError> {
        session.confirm(id)
    }
}

/// What a release puts on the clipboard: the code, for a manual hand-off
/// only (the person pastes it on the platform); nothing when simulated.
/// One rule for the single order and the batch run.
pub fn for_clipboard(released: &Event, secret: &CardSecret) -> Option<Zeroizing<String>> {
    let manual = matches!(
        released,
        Event::Released {
            mode: ReleaseMode::Manual,
            ..
        }
    );
    manual.then(|| Zeroizing::new(secret.expose().to_owned()))
}
