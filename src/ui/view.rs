//! What every screen receives: the texts, the session read-only, the time
//! of this frame, whether this frame becomes evidence, and a sender for
//! commands. A screen draws from it and sends; it never changes the session.

use super::command::Command;
use crate::core::session::Session;
use crate::i18n::Texts;
use chrono::{DateTime, Utc};
use std::cell::RefCell;

/// Collects the commands a frame's screens send; the app applies them
/// once, after drawing. Shared by reference so nested egui closures can send.
#[derive(Debug, Default)]
pub struct CommandSender(RefCell<Vec<Command>>);

impl CommandSender {
    pub fn send(&self, c: Command) {
        self.0.borrow_mut().push(c);
    }
    /// Everything sent so far, in order.
    pub fn take(&self) -> Vec<Command> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

pub struct ViewCtx<'a> {
    pub tr: &'a Texts,
    pub session: &'a Session,
    /// The session's time when this frame began (one instant per frame).
    pub now: DateTime<Utc>,
    /// This frame becomes a screenshot: secrets are drawn masked whatever
    /// the person asked. The same fact as `capture::is_capture_frame`, which
    /// widgets deep inside (the code field) read from the egui context.
    pub mask_secrets: bool,
    /// Demo mode (a separate data dir, the simulated channel only).
    pub demo: bool,
    pub out: &'a CommandSender,
}

impl ViewCtx<'_> {
    pub fn send(&self, c: Command) {
        self.out.send(c);
    }
}
