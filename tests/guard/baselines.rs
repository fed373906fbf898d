//! The two baselines the guard is compared with, on the same traces.

use cardguard::core::guard::{ConfirmGuard, GuardInput, GuardView, Reason, Target, Verdict};

/// The baselines give no reasons (only how many clicks they swallow is compared).
fn swallowed() -> Verdict {
    Verdict::Swallowed(Reason::TooEarly(0))
}

fn view(armed: bool) -> GuardView {
    GuardView {
        armed,
        arms_in_ms: None,
        keys_armed: armed,
        keys_arms_in_ms: None,
        friction: cardguard::core::guard::Friction::None,
        reasons: Vec::new(),
    }
}

/// Chromium's `InputEventActivationProtector`: ignores pointer presses within
/// 500 ms of the view being shown and within 500 ms of the previous click
/// (spam, second half of a double click); ignores auto-repeat keys; the
/// window moving or resizing counts as a new show.
#[derive(Default)]
pub struct ChromiumLike {
    shown_at: u64,
    last_click: Option<u64>,
    press_ok: bool,
}

impl ChromiumLike {
    const INTERVAL: u64 = 500;
}

impl ConfirmGuard for ChromiumLike {
    fn observe(&mut self, at: u64, input: GuardInput) -> Verdict {
        let recent = |s: &Self| {
            at < s.shown_at + Self::INTERVAL
                || s.last_click.is_some_and(|c| at < c + Self::INTERVAL)
        };
        match input {
            GuardInput::WindowChanged => {
                self.shown_at = at;
                Verdict::Noted
            }
            GuardInput::PointerDown { on } => {
                self.press_ok = on == Target::Confirm && !recent(self);
                Verdict::Noted
            }
            GuardInput::PointerUp {
                on: Target::Confirm,
            } => {
                let ok = std::mem::take(&mut self.press_ok);
                self.last_click = Some(at);
                if ok { Verdict::Confirmed } else { swallowed() }
            }
            GuardInput::PointerUp { .. } => {
                self.press_ok = false;
                Verdict::Noted
            }
            GuardInput::KeyDown {
                enter: true,
                repeat: false,
            } if at >= self.shown_at + Self::INTERVAL => Verdict::Confirmed,
            GuardInput::KeyDown { enter: true, .. } => swallowed(),
            _ => Verdict::Noted,
        }
    }
    fn view(&self, at: u64) -> GuardView {
        view(at >= self.shown_at + Self::INTERVAL)
    }
    fn arming_ms(&self) -> u64 {
        Self::INTERVAL
    }
}

/// Firefox's `security.dialog_enable_delay` (1000 ms): disabled until then;
/// losing focus disables, regaining it restarts the full delay; auto-repeat
/// keys ignored. A press must begin on an enabled button.
pub struct FirefoxLike {
    armed_at: Option<u64>,
    press_ok: bool,
}

impl Default for FirefoxLike {
    fn default() -> Self {
        Self {
            armed_at: Some(Self::DELAY),
            press_ok: false,
        }
    }
}

impl FirefoxLike {
    const DELAY: u64 = 1_000;
    fn armed(&self, at: u64) -> bool {
        self.armed_at.is_some_and(|a| at >= a)
    }
}

impl ConfirmGuard for FirefoxLike {
    fn observe(&mut self, at: u64, input: GuardInput) -> Verdict {
        match input {
            GuardInput::FocusLost => {
                self.armed_at = None;
                self.press_ok = false;
                Verdict::Noted
            }
            GuardInput::FocusGained => {
                self.armed_at = Some(at + Self::DELAY);
                Verdict::Noted
            }
            GuardInput::PointerDown { on } => {
                self.press_ok = on == Target::Confirm && self.armed(at);
                Verdict::Noted
            }
            GuardInput::PointerUp {
                on: Target::Confirm,
            } => {
                let ok = std::mem::take(&mut self.press_ok);
                if ok && self.armed(at) {
                    Verdict::Confirmed
                } else {
                    swallowed()
                }
            }
            GuardInput::KeyDown {
                enter: true,
                repeat: false,
            } if self.armed(at) => Verdict::Confirmed,
            GuardInput::KeyDown { enter: true, .. } => swallowed(),
            _ => Verdict::Noted,
        }
    }
    fn view(&self, at: u64) -> GuardView {
        view(self.armed(at))
    }
    fn arming_ms(&self) -> u64 {
        Self::DELAY
    }
}
