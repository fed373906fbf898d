//! The confirmation step on show: the core's [`Confirmation`] (the guard
//! deciding, journaling each decision) plus what only the window knows:
//! where the previous button was, what the pointer is over, a press in
//! progress and the type-to-confirm field.

use crate::core::flow::Confirmation;
use crate::core::guard::Target;
use chrono::{DateTime, Utc};
use eframe::egui;

pub struct ReviewStep {
    pub confirmation: Confirmation,
    /// Where the previous step's button was: the confirm button avoids it.
    pub avoid: Option<egui::Rect>,
    /// What the pointer was last reported over (moves are sent on change).
    pub pointer_on: Target,
    /// When the current press on confirm began (for the hold progress).
    pub press_started: Option<DateTime<Utc>>,
    /// The type-to-confirm field.
    pub typed: String,
}

impl ReviewStep {
    /// A confirmation step that has just appeared.
    pub fn new(confirmation: Confirmation, avoid: Option<egui::Rect>) -> Self {
        Self {
            confirmation,
            avoid,
            pointer_on: Target::Other,
            press_started: None,
            typed: String::new(),
        }
    }
}

/// Read access to the confirmation's subject, guard, expected text and the
/// last ignored attempt; changing it goes through `confirmation.observe`.
impl std::ops::Deref for ReviewStep {
    type Target = Confirmation;
    fn deref(&self) -> &Confirmation {
        &self.confirmation
    }
}
