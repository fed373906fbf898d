//! The single order's steps in the window: entry steps journaled once,
//! the review, the guarded confirmation, the hold's release, undo and
//! cancel. (Moving onto the core order flow: see `core::flow`.)

use super::{App, JournaledSteps};
use crate::core::clock::ms_between;
use crate::core::draft::{Draft, DraftCheck};
use crate::core::event::{Event, ReleaseMode};
use crate::core::guard::{BehaviourGuard, GuardContext, GuardInput, Target, Verdict};
use crate::core::order::Phase;
use crate::core::profile::ChannelProfile;
use crate::ui::command::{Level, Notice, Screen};
use crate::ui::review_step::{ReviewStep, Subject, TypeToConfirm};
use eframe::egui;

impl App {
    pub(super) fn choose_channel(&mut self, id: String) {
        if self.state.draft.channel.as_deref() == Some(&id) {
            return;
        }
        self.state.draft.channel = Some(id.clone());
        self.update_settings(|s| s.last_channel = Some(id));
        // The alphabet and verification rules changed: journal every step again.
        self.state.journaled = JournaledSteps::default();
    }

    pub(super) fn code_edited(&mut self, pasted: bool) {
        let Some(now) = self.now() else { return };
        let d = &mut self.state.draft;
        if d.code_raw.is_empty() {
            // Cleared: the next entry starts afresh.
            d.code_pasted = false;
            d.code_started = None;
        } else {
            d.code_pasted |= pasted;
            d.code_started.get_or_insert(now);
        }
        d.duplicate_ack = false;
    }

    pub(super) fn undo(&mut self) {
        let Some(id) = self.state.draft.order_id.clone() else {
            return;
        };
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match session.undo(&id) {
            Ok(()) => self.show_review(&id, None, false),
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    pub(super) fn cancel(&mut self, id: &str) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let result = session.cancel(id);
        if result.is_ok() {
            self.state.shots.request_order(id, "cancel_requested");
        }
        match result {
            Ok(Event::Cancelled { fee_fen }) => self.notify(
                Notice::new(Level::Info, "notice.cancelled")
                    .arg("order", id)
                    .arg("fee", fee_fen),
            ),
            Ok(Event::CancelRequested { .. }) => {
                self.notify(Notice::new(Level::Info, "notice.cancel_requested").arg("order", id))
            }
            Ok(_) => {
                self.notify(Notice::new(Level::Warning, "notice.cancel_refused").arg("order", id))
            }
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    /// Journals a step of the current draft, giving the draft an order id first.
    fn journal_step(&mut self, event: Event) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let id = self
            .state
            .draft
            .order_id
            .get_or_insert_with(|| session.new_order_id())
            .clone();
        match session.record(Some(&id), event) {
            Ok(()) => true,
            Err(e) => {
                self.session_error("error.journal_write", &e);
                false
            }
        }
    }

    /// The draft's channel profile and the check of its inputs.
    fn draft_check(&self) -> Option<(ChannelProfile, DraftCheck)> {
        let session = self.session.as_ref()?;
        let profile = self
            .state
            .draft
            .channel
            .as_deref()
            .and_then(|c| session.profile(c))?
            .clone();
        let check = self
            .state
            .draft
            .check(&profile, session.settings().retype_threshold_fen);
        Some((profile, check))
    }

    /// Journals each entry step once, when it becomes valid (never keystrokes).
    pub(super) fn journal_entry_steps(&mut self) {
        if self.state.screen != Screen::Entry {
            return;
        }
        let Some((profile, check)) = self.draft_check() else {
            return;
        };
        let Some(session) = &self.session else { return };
        let mut steps = Vec::new();
        // The channel counts as chosen once the person starts on the draft.
        let started =
            !self.state.draft.code_raw.is_empty() || self.state.draft.face_value.is_some();
        if started && self.state.journaled.channel.as_deref() != Some(profile.id.as_str()) {
            self.state.journaled.channel = Some(profile.id.clone());
            steps.push(Event::ChannelChosen {
                channel: profile.id.clone(),
            });
        }
        if let Some(secret) = check.code.secret() {
            let fp = session.fingerprint(&secret);
            if self.state.journaled.code_fingerprint.as_ref() != Some(&fp) {
                let duplicate_of = session.ledger().released_with(&fp).map(str::to_owned);
                self.state.journaled.code_fingerprint = Some(fp.clone());
                steps.push(Event::CodeEntered {
                    masked: secret.masked(),
                    fingerprint: fp,
                    pasted: self.state.draft.code_pasted,
                    confusables: check.code.confusables.len(),
                    duplicate_of,
                });
            }
        }
        let verification_ok = matches!(check.verification, Some(Ok(())));
        if verification_ok && !self.state.journaled.verification {
            self.state.journaled.verification = true;
            steps.push(Event::VerificationCodeEntered {
                masked: "••••••".into(),
            });
        } else if !verification_ok {
            self.state.journaled.verification = false;
        }
        if let Some(f) = self.state.draft.face_value {
            let retyped = check.retype == crate::core::draft::RetypeState::Matches;
            if self.state.journaled.face != Some(f)
                || (retyped && !self.state.journaled.face_retyped)
            {
                self.state.journaled.face = Some(f);
                self.state.journaled.face_retyped = retyped;
                steps.push(Event::FaceValueSet {
                    face_value_fen: f,
                    retyped,
                });
            }
        }
        for e in steps {
            self.journal_step(e);
        }
    }

    pub(super) fn go_to_review(&mut self, from: Option<egui::Rect>, ctx: &egui::Context) {
        self.journal_entry_steps();
        let Some((profile, check)) = self.draft_check() else {
            return;
        };
        let Some(session) = &self.session else { return };
        let Some(secret) = check.code.secret().filter(|_| check.ready) else {
            return;
        };
        let fp = session.fingerprint(&secret);
        if session.ledger().released_with(&fp).is_some() && !self.state.draft.duplicate_ack {
            return;
        }
        let face = self.state.draft.face_value.unwrap_or_default();
        let event = Event::ReviewShown {
            channel: profile.id.clone(),
            face_value_fen: face,
            payout_fen: profile.payout(face),
            masked: secret.masked(),
            fingerprint: fp,
            cancel_window_ms: profile.effective_window_ms(),
            release_mode: session.settings().release_mode,
            batch: None,
        };
        if self.journal_step(event) {
            let id = self.state.draft.order_id.clone().unwrap_or_default();
            let (avoid, pointer_down) = avoid_rect(from, ctx);
            self.show_review(&id, avoid, pointer_down);
        }
    }

    pub(super) fn show_review(
        &mut self,
        order_id: &str,
        avoid: Option<egui::Rect>,
        pointer_down: bool,
    ) {
        let Some(session) = &self.session else { return };
        let now = session.now();
        let Some(context) = self.guard_context(order_id) else {
            return;
        };
        let guard = BehaviourGuard::shown(&context, pointer_down);
        let decided = Event::guard_decided(guard.plan(), context.sensitivity, None);
        let last4 = self
            .state
            .draft
            .channel
            .as_deref()
            .and_then(|c| session.profile(c))
            .and_then(|p| self.state.draft.secret(p))
            .map(|s| s.last4().to_owned())
            .unwrap_or_default();
        let avoid = avoid.or_else(|| self.state.review.as_ref().and_then(|r| r.avoid));
        self.state.review = Some(ReviewStep::new(
            Subject::Order(order_id.to_owned()),
            guard,
            now,
            avoid,
            TypeToConfirm::Last4(last4),
        ));
        self.state.screen = Screen::Review;
        self.journal_step(decided);
        self.state.shots.request_order(order_id, "review");
    }

    /// Everything the guard weighs about this order (see `Session::guard_context`).
    fn guard_context(&self, order_id: &str) -> Option<GuardContext> {
        let session = self.session.as_ref()?;
        let entry_ms = self
            .state
            .draft
            .code_started
            .map(|s| ms_between(s, session.now()))
            .unwrap_or(u64::MAX);
        session.guard_context(order_id, self.state.draft.code_pasted, entry_ms)
    }

    pub(super) fn guard_input(&mut self, input: GuardInput) {
        let Some(now) = self.now() else { return };
        let on_review = matches!(self.state.screen, Screen::Review | Screen::BatchReview);
        let Some(r) = self.state.review.as_mut().filter(|_| on_review) else {
            return;
        };
        let at = r.at_ms(now);
        match input {
            GuardInput::PointerMoved { on } => r.pointer_on = on,
            GuardInput::PointerDown {
                on: Target::Confirm,
            } => r.press_started = Some(now),
            GuardInput::PointerDown { .. }
            | GuardInput::PointerUp { .. }
            | GuardInput::FocusLost => r.press_started = None,
            _ => {}
        }
        match r.guard.observe(at, input) {
            Verdict::Confirmed => {
                let id = match r.subject.clone() {
                    Subject::Order(id) => id,
                    Subject::Batch(batch) => return self.start_batch_run(&batch),
                };
                let Some(session) = self.session.as_mut() else {
                    return;
                };
                match session.confirm(&id) {
                    Ok(()) => {
                        self.state.review = None;
                        self.state.screen = Screen::Hold;
                        self.state.shots.request_order(id, "confirmed");
                    }
                    Err(e) => {
                        self.session_error("error.not_confirmed", &e);
                        self.state.shots.request_order(id, "confirm_blocked");
                    }
                }
            }
            Verdict::Swallowed(reason) => {
                let batch = match &r.subject {
                    Subject::Batch(b) => Some(b.clone()),
                    Subject::Order(_) => None,
                };
                let event = Event::ConfirmSwallowed {
                    at_ms: at,
                    reason: reason.key.to_owned(),
                    batch: batch.clone(),
                };
                r.swallowed = Some((reason, now));
                if batch.is_some() {
                    self.record_batch_event(event);
                } else {
                    self.journal_step(event);
                }
            }
            Verdict::Noted => {}
        }
    }

    /// The batch passed its confirmation: hold it, then release it.
    fn start_batch_run(&mut self, batch: &str) {
        self.state.review = None;
        self.state.screen = Screen::Batch;
        self.start_batch_run_confirmed(batch);
    }

    /// "New order" continues the one draft there is: nothing typed is ever
    /// thrown away by navigating. While its hold runs, the draft cannot be
    /// edited (it is what will be sent), so the hold screen shows instead.
    pub(super) fn new_order(&mut self) {
        let holding = self
            .state
            .draft
            .order_id
            .as_deref()
            .and_then(|id| self.session.as_ref()?.order(id))
            .is_some_and(|o| o.phase == Phase::Holding);
        self.state.review = None;
        self.state.screen = if holding { Screen::Hold } else { Screen::Entry };
    }

    pub(super) fn release(&mut self, id: &str) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let secret = (self.state.draft.order_id.as_deref() == Some(id))
            .then(|| {
                self.state
                    .draft
                    .channel
                    .as_deref()
                    .and_then(|c| session.profile(c))
                    .and_then(|p| self.state.draft.secret(p))
            })
            .flatten();
        let Some(secret) = secret else {
            // The code is gone from memory: this hold can never be sent.
            if let Err(e) = session.record(Some(id), Event::HoldInterrupted {}) {
                self.session_error("error.journal_write", &e);
            }
            return;
        };
        match session.release(id, &secret) {
            Ok(Event::Released {
                mode: ReleaseMode::Manual,
                ..
            }) => {
                if !self.clipboard.set_text(secret.expose()) {
                    self.notify(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
                self.after_release(id);
            }
            Ok(_) => self.after_release(id),
            Err(e) => {
                // Fail closed: still held on this device, nothing sent, and no
                // automatic retry: the person decides (retry or undo).
                self.session_error("error.not_released", &e);
                self.state.release_blocked = Some(id.to_owned());
                self.state.screen = Screen::Hold;
                self.state.shots.request_order(id, "release_blocked");
            }
        }
    }

    fn after_release(&mut self, id: &str) {
        let channel = self.state.draft.channel.clone();
        self.state.draft = Draft {
            channel,
            ..Draft::default()
        };
        self.state.journaled = JournaledSteps::default();
        self.state.focus_order = Some(id.to_owned());
        self.state.shots.request_order(id, "released");
        self.state.screen = Screen::Orders;
    }
}

/// Where the next step's confirm button must not be (the previous button
/// and the pointer), and whether a button is held down right now.
pub(super) fn avoid_rect(
    from: Option<egui::Rect>,
    ctx: &egui::Context,
) -> (Option<egui::Rect>, bool) {
    let pointer = ctx
        .input(|i| i.pointer.latest_pos())
        .map(|p| egui::Rect::from_center_size(p, egui::vec2(2.0, 2.0)));
    let avoid = match (from, pointer) {
        (Some(a), Some(b)) => Some(a.union(b)),
        (a, b) => a.or(b),
    };
    (avoid, ctx.input(|i| i.pointer.primary_down()))
}
