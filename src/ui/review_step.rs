//! The confirmation step on show: the guard deciding, plus what only the
//! window knows (where the previous button was, the pointer, a press in
//! progress, the type-to-confirm field).

use crate::core::clock::ms_between;
use crate::core::guard::{BehaviourGuard, ConfirmGuard, Reason, Target};
use crate::core::money::Fen;
use chrono::{DateTime, Utc};
use eframe::egui;

/// What the confirmation step confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Order(String),
    Batch(String),
}

impl Subject {
    pub fn order(&self) -> Option<&str> {
        match self {
            Subject::Order(id) => Some(id),
            Subject::Batch(_) => None,
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
            TypeToConfirm::Total(t) => crate::core::money::parse_yuan(typed).is_ok_and(|f| f == *t),
        }
    }
}

/// The confirmation step in progress.
pub struct ReviewStep {
    pub subject: Subject,
    pub guard: Box<dyn ConfirmGuard>,
    pub shown_at: DateTime<Utc>,
    /// Where the previous step's button was: the confirm button avoids it.
    pub avoid: Option<egui::Rect>,
    pub swallowed: Option<(Reason, DateTime<Utc>)>,
    /// What the pointer was last reported over (moves are sent on change).
    pub pointer_on: Target,
    /// When the current press on confirm began (for the hold progress).
    pub press_started: Option<DateTime<Utc>>,
    /// The type-to-confirm field.
    pub typed: String,
    pub expected: TypeToConfirm,
}

impl ReviewStep {
    /// A confirmation step that has just appeared.
    pub fn new(
        subject: Subject,
        guard: BehaviourGuard,
        shown_at: DateTime<Utc>,
        avoid: Option<egui::Rect>,
        expected: TypeToConfirm,
    ) -> Self {
        Self {
            subject,
            guard: Box::new(guard),
            shown_at,
            avoid,
            swallowed: None,
            pointer_on: Target::Other,
            press_started: None,
            typed: String::new(),
            expected,
        }
    }

    pub fn at_ms(&self, now: DateTime<Utc>) -> u64 {
        ms_between(self.shown_at, now)
    }
}
