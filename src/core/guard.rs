//! The second confirmation's guard: decides when the confirm action is
//! armed. This issue ships a fixed arming delay (Firefox-like, 1 s); the
//! behaviour-driven guard replaces it behind the same [`ConfirmGuard`] trait.
//! Time is milliseconds since the confirmation step was shown.

/// What happened on the confirmation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardInput {
    /// The step appeared; `pointer_down` when a button was already held.
    Shown {
        pointer_down: bool,
    },
    FocusLost,
    FocusGained,
    /// Enter (or Space) on the confirm action.
    KeyDown {
        repeat: bool,
    },
    PointerDown {
        on_confirm: bool,
    },
    /// A release on the confirm button completes a click.
    PointerUp {
        on_confirm: bool,
    },
    /// The window moved or was resized.
    WindowChanged,
}

/// Extra work asked of the person besides waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Friction {
    None,
    HoldMs(u64),
    TypeLast4,
}

/// Why the guard decided what it did: an i18n key and its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub key: &'static str,
    pub ms: Option<u64>,
}

impl Reason {
    fn new(key: &'static str) -> Self {
        Self { key, ms: None }
    }
    fn with_ms(key: &'static str, ms: u64) -> Self {
        Self { key, ms: Some(ms) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardView {
    pub armed: bool,
    /// Milliseconds until armed, when not armed and a timer runs.
    pub arms_in_ms: Option<u64>,
    pub friction: Friction,
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
    /// The initial arming delay chosen when shown (for the journal).
    fn arming_ms(&self) -> u64;
}

/// A fixed arming delay: armed `delay_ms` after the step is shown or the
/// window regains focus; focus loss disarms; auto-repeat never confirms; a
/// press that began while disarmed does not confirm on release.
#[derive(Debug, Clone)]
pub struct FixedDelayGuard {
    delay_ms: u64,
    focused: bool,
    armed_at: Option<u64>,
    press_ok: bool,
}

impl FixedDelayGuard {
    pub const DEFAULT_MS: u64 = 1_000;

    pub fn new(delay_ms: u64) -> Self {
        Self {
            delay_ms,
            focused: true,
            armed_at: Some(delay_ms),
            press_ok: false,
        }
    }

    fn armed(&self, at: u64) -> bool {
        self.focused && self.armed_at.is_some_and(|a| at >= a)
    }

    fn not_yet(&self, at: u64) -> Reason {
        match self.armed_at {
            Some(a) if self.focused => Reason::with_ms("guard.too_early", a.saturating_sub(at)),
            _ => Reason::new("guard.window_unfocused"),
        }
    }
}

impl Default for FixedDelayGuard {
    fn default() -> Self {
        Self::new(Self::DEFAULT_MS)
    }
}

impl ConfirmGuard for FixedDelayGuard {
    fn observe(&mut self, at: u64, input: GuardInput) -> Verdict {
        match input {
            GuardInput::Shown { .. } => {
                *self = Self::new(self.delay_ms);
                Verdict::Noted
            }
            GuardInput::FocusLost => {
                self.focused = false;
                self.armed_at = None;
                self.press_ok = false;
                Verdict::Noted
            }
            GuardInput::FocusGained => {
                self.focused = true;
                self.armed_at = Some(at + self.delay_ms);
                Verdict::Noted
            }
            GuardInput::WindowChanged => {
                self.armed_at = Some(at + self.delay_ms);
                self.press_ok = false;
                Verdict::Noted
            }
            GuardInput::KeyDown { repeat: true } => {
                Verdict::Swallowed(Reason::new("guard.key_repeat"))
            }
            GuardInput::KeyDown { repeat: false } => {
                if self.armed(at) {
                    Verdict::Confirmed
                } else {
                    Verdict::Swallowed(self.not_yet(at))
                }
            }
            GuardInput::PointerDown { on_confirm } => {
                self.press_ok = on_confirm && self.armed(at);
                Verdict::Noted
            }
            GuardInput::PointerUp { on_confirm: false } => {
                self.press_ok = false;
                Verdict::Noted
            }
            GuardInput::PointerUp { on_confirm: true } => {
                let ok = std::mem::take(&mut self.press_ok);
                if ok && self.armed(at) {
                    Verdict::Confirmed
                } else if self.armed(at) {
                    Verdict::Swallowed(Reason::new("guard.press_began_early"))
                } else {
                    Verdict::Swallowed(self.not_yet(at))
                }
            }
        }
    }

    fn view(&self, at: u64) -> GuardView {
        let armed = self.armed(at);
        GuardView {
            armed,
            arms_in_ms: if armed || !self.focused {
                None
            } else {
                self.armed_at.map(|a| a.saturating_sub(at))
            },
            friction: Friction::None,
            reasons: if armed {
                Vec::new()
            } else {
                vec![self.not_yet(at)]
            },
        }
    }

    fn arming_ms(&self) -> u64 {
        self.delay_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(g: &mut FixedDelayGuard, down: u64, up: u64) -> Verdict {
        g.observe(down, GuardInput::PointerDown { on_confirm: true });
        g.observe(up, GuardInput::PointerUp { on_confirm: true })
    }

    #[test]
    fn arms_after_the_delay() {
        let mut g = FixedDelayGuard::default();
        g.observe(
            0,
            GuardInput::Shown {
                pointer_down: false,
            },
        );
        assert!(!g.view(999).armed);
        assert_eq!(g.view(400).arms_in_ms, Some(600));
        assert!(matches!(
            click(&mut g, 200, 260),
            Verdict::Swallowed(Reason {
                key: "guard.too_early",
                ..
            })
        ));
        assert!(g.view(1_000).armed);
        assert_eq!(click(&mut g, 1_100, 1_180), Verdict::Confirmed);
    }

    #[test]
    fn a_press_that_began_disarmed_does_not_confirm() {
        let mut g = FixedDelayGuard::default();
        g.observe(0, GuardInput::Shown { pointer_down: true });
        assert_eq!(
            click(&mut g, 900, 1_200),
            Verdict::Swallowed(Reason::new("guard.press_began_early"))
        );
    }

    #[test]
    fn focus_loss_disarms_and_focus_restarts_the_full_delay() {
        let mut g = FixedDelayGuard::default();
        g.observe(
            0,
            GuardInput::Shown {
                pointer_down: false,
            },
        );
        assert!(g.view(1_500).armed);
        g.observe(1_600, GuardInput::FocusLost);
        assert!(!g.view(5_000).armed);
        assert_eq!(g.view(5_000).arms_in_ms, None);
        assert_eq!(
            g.observe(5_000, GuardInput::KeyDown { repeat: false }),
            Verdict::Swallowed(Reason::new("guard.window_unfocused"))
        );
        g.observe(6_000, GuardInput::FocusGained);
        assert!(!g.view(6_999).armed);
        assert!(g.view(7_000).armed);
    }

    #[test]
    fn auto_repeat_never_confirms() {
        let mut g = FixedDelayGuard::default();
        g.observe(
            0,
            GuardInput::Shown {
                pointer_down: false,
            },
        );
        for t in (0..5_000).step_by(33) {
            assert_ne!(
                g.observe(t, GuardInput::KeyDown { repeat: true }),
                Verdict::Confirmed
            );
        }
        assert_eq!(
            g.observe(5_000, GuardInput::KeyDown { repeat: false }),
            Verdict::Confirmed
        );
    }

    #[test]
    fn window_change_restarts_the_delay() {
        let mut g = FixedDelayGuard::default();
        g.observe(
            0,
            GuardInput::Shown {
                pointer_down: false,
            },
        );
        g.observe(2_000, GuardInput::WindowChanged);
        assert!(!g.view(2_500).armed);
        assert!(g.view(3_000).armed);
    }
}
