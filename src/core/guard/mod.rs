//! The second confirmation's guard: decides when the confirm action is
//! armed, and what else (holding, typing) it takes. Time is milliseconds
//! since the confirmation step was shown. Pure: no egui, no clock.
//!
//! - [`behaviour::BehaviourGuard`]: the product's guard; reads how the
//!   person behaves and the order's risk.
//! - [`eval`]: replays recorded traces through any guard (`cardguard guard-eval`).

pub mod behaviour;
pub mod eval;
pub mod pace;
mod reason;

pub use behaviour::{BehaviourGuard, GuardContext, RiskLevel, Sensitivity, Unusual};
pub use pace::{LookHabit, Pace, PaceFit};
pub use reason::Reason;

use serde::{Deserialize, Serialize};

/// What is under the pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Confirm,
    Cancel,
    /// The summary's key facts (amount, channel, cancel policy).
    Fact,
    Other,
    #[default]
    None,
}

/// What happened on the confirmation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardInput {
    /// The step appeared; `pointer_down` when a button was already held.
    Shown {
        pointer_on: Target,
        pointer_down: bool,
    },
    /// The pointer moved; `on` is what it is over now.
    PointerMoved {
        on: Target,
    },
    /// Where the pointer is now, in points (reported as it moves; none for
    /// a still pointer, a keyboard or a touch screen). Only the path's
    /// shape is read: when it started and how straight it went.
    PointerAt {
        x: i32,
        y: i32,
    },
    PointerDown {
        on: Target,
    },
    /// A release; on the confirm button after a press there, it is a click.
    PointerUp {
        on: Target,
    },
    /// A key press; `enter` for Enter (the confirm button has keyboard focus).
    KeyDown {
        enter: bool,
        repeat: bool,
    },
    KeyUp {
        enter: bool,
    },
    FocusLost,
    FocusGained,
    /// The window moved or was resized.
    WindowChanged,
    /// The type-to-confirm field changed; `matches` when it holds the code's
    /// last four characters. The guard never sees what was typed.
    Typed {
        matches: bool,
    },
}

/// Extra work asked of the person besides waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Friction {
    None,
    /// Press and hold the confirm button this long.
    HoldMs(u64),
    /// Type to confirm: the code's last four characters, or a batch's total.
    TypeToConfirm,
}

impl Friction {
    pub fn name(self) -> &'static str {
        match self {
            Friction::None => "none",
            Friction::HoldMs(_) => "hold",
            Friction::TypeToConfirm => "type",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardView {
    pub armed: bool,
    /// Milliseconds until armed by waiting alone (None: waiting alone won't do,
    /// e.g. the window is not focused or something must be typed).
    pub arms_in_ms: Option<u64>,
    /// The same for Enter and a screen reader's press, which wait their own
    /// dwell and cannot hold: whether one is accepted now, and when.
    pub keys_armed: bool,
    pub keys_arms_in_ms: Option<u64>,
    pub friction: Friction,
    /// The standing reasons (risk), then what currently keeps it disarmed.
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The input confirms the order.
    Confirmed,
    /// A confirm attempt that was not accepted, and why (shown to the user).
    Swallowed(Reason),
    /// Nothing to report.
    Noted,
}

pub trait ConfirmGuard: Send {
    fn observe(&mut self, at_ms: u64, input: GuardInput) -> Verdict;
    fn view(&self, at_ms: u64) -> GuardView;
    /// The arming delay chosen when shown (for the journal and evaluation).
    fn arming_ms(&self) -> u64;
    /// The friction chosen when shown.
    fn friction(&self) -> Friction {
        Friction::None
    }
    /// The standing reasons behind the decision (risk factors).
    fn decision_reasons(&self) -> Vec<Reason> {
        Vec::new()
    }
}
