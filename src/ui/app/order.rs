//! The single order's commands in the window. The rules are the core's
//! order flow (`core::flow`); here its outcomes become screens, notices,
//! screenshots and the clipboard.

use super::App;
use crate::core::flow::{CancelByHand, Cancelled, OrderFlow, Released, Subject};
use crate::core::guard::{GuardInput, Target, Verdict};
use crate::core::ids::{ChannelId, OrderId};
use crate::core::order::Phase;
use crate::core::screenshot::ShotStep;
use crate::ui::command::{Level, Notice, Screen};
use crate::ui::review_step::ReviewStep;
use eframe::egui;

impl App {
    pub(super) fn choose_channel(&mut self, id: ChannelId) {
        if self.state.order.draft.channel.as_ref() == Some(&id) {
            return;
        }
        self.state.order.choose_channel(id.clone());
        self.update_settings(|s| s.last_channel = Some(id));
    }

    pub(super) fn code_edited(&mut self, pasted: bool) {
        let Some(now) = self.now() else { return };
        let d = &mut self.state.order.draft;
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

    /// Journals each entry step once, when it becomes valid (never keystrokes).
    pub(super) fn journal_entry_steps(&mut self) {
        if self.state.screen != Screen::Entry {
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Err(e) = self.state.order.journal_entry_steps(session) {
            self.session_error("error.journal_write", &e);
        }
    }

    pub(super) fn go_to_review(&mut self, from: Option<egui::Rect>, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match self.state.order.submit_for_review(session) {
            Ok(Some(id)) => {
                let (avoid, pointer_down) = avoid_rect(from, ctx);
                self.show_review(&id, avoid, pointer_down);
            }
            Ok(None) => {}
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    /// The order's confirmation step appears (again): a fresh guard.
    pub(super) fn show_review(
        &mut self,
        order_id: &OrderId,
        avoid: Option<egui::Rect>,
        pointer_down: bool,
    ) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let st = &mut self.state;
        match st.order.show_confirmation(session, order_id, pointer_down) {
            Ok(Some(c)) => {
                let avoid = avoid.or_else(|| st.review.as_ref().and_then(|r| r.avoid));
                st.review = Some(ReviewStep::new(c, avoid));
                st.screen = Screen::Review;
                st.shots.request_order(order_id, ShotStep::Review);
            }
            Ok(None) => {}
            Err(e) => {
                // No review without its guard's decision on the journal. The
                // entry form is where the person can try again (after an
                // undo too: the order is back before its confirmation).
                self.session_error("error.journal_write", &e);
                self.state.review = None;
                self.state.screen = Screen::Entry;
            }
        }
    }

    /// An input on the confirmation step (an order's or a batch's).
    pub(super) fn guard_input(&mut self, input: GuardInput) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let now = session.now();
        let st = &mut self.state;
        let Some(r) = st.review.as_mut().filter(|_| st.screen.is_review()) else {
            return;
        };
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
        let subject = r.subject.clone();
        match r.confirmation.observe(session, input) {
            Ok(Verdict::Confirmed) => match subject {
                Subject::Order(id) => self.confirm_order(&id),
                Subject::Batch(_) => self.start_batch_run(),
            },
            Ok(Verdict::Swallowed(_) | Verdict::Noted) => {}
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    /// The order passed its confirmation: its local hold starts.
    fn confirm_order(&mut self, id: &OrderId) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match OrderFlow::confirm(session, id) {
            Ok(()) => {
                self.clear_release_blocked(id);
                self.state.review = None;
                self.state.screen = Screen::Hold;
                self.state.shots.request_order(id, ShotStep::Confirmed);
            }
            Err(e) => {
                self.session_error("error.not_confirmed", &e);
                self.state.shots.request_order(id, ShotStep::ConfirmBlocked);
            }
        }
    }

    /// "New order" continues the one draft there is: nothing typed is ever
    /// thrown away by navigating. While its hold runs, the draft cannot be
    /// edited (it is what will be sent), so the hold screen shows instead.
    pub(super) fn new_order(&mut self) {
        let holding = self
            .state
            .order
            .order_id()
            .and_then(|id| self.session.as_ref()?.order(id))
            .is_some_and(|o| o.phase == Phase::Holding);
        self.state.review = None;
        self.state.screen = if holding { Screen::Hold } else { Screen::Entry };
    }

    pub(super) fn undo(&mut self) {
        let Some(id) = self.state.order.order_id().cloned() else {
            return;
        };
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match self.state.order.undo(session) {
            Ok(()) => {
                self.clear_release_blocked(&id);
                self.show_review(&id, None, false)
            }
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    /// A new hold (after an undo or a new confirmation) is released when it
    /// runs out again: an earlier refused release no longer blocks it.
    fn clear_release_blocked(&mut self, id: &OrderId) {
        if self.state.release_blocked.as_ref() == Some(id) {
            self.state.release_blocked = None;
        }
    }

    /// A hold ran out (or the person retries a blocked one): send it.
    pub(super) fn release(&mut self, id: &OrderId) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let ours = self.state.order.order_id() == Some(id);
        match self.state.order.release_due(session, id) {
            Ok(Released::Sent { for_clipboard, .. }) => {
                if let Some(code) = for_clipboard
                    && !self.clipboard.set_text(&code)
                {
                    self.notify(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
                let st = &mut self.state;
                st.focus_order = Some(id.clone());
                st.shots.request_order(id, ShotStep::Released);
                // Someone reading "Something went wrong?" stays there: its
                // advice turns to the cancel window that just opened.
                if st.screen != Screen::Remedy {
                    st.screen = Screen::Orders;
                }
            }
            // Its code is gone from memory: journaled, never sent.
            Ok(Released::Interrupted) => {}
            Err(e) if ours => {
                // Fail closed: still held on this device, nothing sent, and no
                // automatic retry: the person decides (retry or undo).
                self.session_error("error.not_released", &e);
                let st = &mut self.state;
                st.release_blocked = Some(id.clone());
                st.screen = Screen::Hold;
                st.shots.request_order(id, ShotStep::ReleaseBlocked);
            }
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    pub(super) fn cancel(&mut self, id: &OrderId) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let result = OrderFlow::cancel_by_hand(session, id);
        if matches!(result, Ok(CancelByHand::Sent(_))) {
            self.state
                .shots
                .request_order(id, ShotStep::CancelRequested);
        }
        match result {
            Ok(CancelByHand::Sent(Cancelled::Done { fee })) => self.notify(
                Notice::new(Level::Info, "notice.cancelled")
                    .arg("order", id)
                    .arg("fee", fee),
            ),
            Ok(CancelByHand::Sent(Cancelled::Requested)) => {
                self.notify(Notice::new(Level::Info, "notice.cancel_requested").arg("order", id))
            }
            Ok(CancelByHand::TooSoon { ms }) => self.notify(
                Notice::new(Level::Warning, "notice.cancel_too_soon")
                    .arg("order", id)
                    .arg("ms", ms),
            ),
            Ok(CancelByHand::Sent(Cancelled::Refused { .. })) => {
                self.notify(Notice::new(Level::Warning, "notice.cancel_refused").arg("order", id))
            }
            Err(e) => self.session_error("error.journal_write", &e),
        }
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
