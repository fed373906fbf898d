//! The one order flow: entry steps journaled once, the review, the guarded
//! confirmation, the hold's release and the cancel mapping. The window, the
//! batch run and the headless demo all go through here, so the rules that
//! decide what reaches the journal exist once.
//!
//! - [`OrderFlow`] (`order.rs`): a single card from its draft to its release.
//! - [`Confirmation`] (`confirmation.rs`): the guarded second confirmation,
//!   for an order or a whole batch.
//! - [`review_shown`]: the one constructor of [`Event::ReviewShown`].

mod confirmation;
mod entry;
mod order;
#[cfg(test)]
mod tests;

pub use confirmation::Confirmation;
pub use order::{CANCEL_SETTLE_MS, CancelByHand, Cancelled, OrderFlow, Released, for_clipboard};

use super::code::CardSecret;
use super::event::{Event, ReleaseMode};
use super::ids::{BatchId, OrderId};
use super::money::{Fen, parse_yuan};
use super::profile::ChannelProfile;

/// What a confirmation step confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Order(OrderId),
    Batch(BatchId),
}

impl Subject {
    pub fn order(&self) -> Option<&OrderId> {
        match self {
            Subject::Order(id) => Some(id),
            Subject::Batch(_) => None,
        }
    }

    pub fn batch(&self) -> Option<&BatchId> {
        match self {
            Subject::Order(_) => None,
            Subject::Batch(id) => Some(id),
        }
    }
}

/// What type-to-confirm asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeToConfirm {
    /// The code's last four characters (any case).
    Last4(String),
    /// A batch's total face value, in yuan as the person writes it.
    Total(Fen),
}

impl TypeToConfirm {
    pub fn matches(&self, typed: &str) -> bool {
        match self {
            TypeToConfirm::Last4(l) => !l.is_empty() && typed.trim().eq_ignore_ascii_case(l),
            TypeToConfirm::Total(t) => parse_yuan(typed).is_ok_and(|f| f == *t),
        }
    }
}

/// The review of one card as journaled: what will be sent, where, for how
/// much, and how long it stays cancellable. `batch` names the batch when
/// the card is one of a batch's.
pub fn review_shown(
    profile: &ChannelProfile,
    face: Fen,
    secret: &CardSecret,
    fingerprint: String,
    release_mode: ReleaseMode,
    batch: Option<BatchId>,
) -> Event {
    Event::ReviewShown {
        channel: profile.id.clone(),
        face_value_fen: face,
        payout_fen: profile.payout(face),
        masked: secret.masked(),
        fingerprint,
        cancel_window_ms: profile.effective_window_ms(),
        release_mode,
        batch,
    }
}
