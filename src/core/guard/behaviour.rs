//! The behaviour-driven guard. Two questions decide when confirm works:
//!
//! 1. **How risky is this order?** Face value, whether the channel can
//!    cancel, first use, a burst of releases, night, a pasted code entered in
//!    seconds, a duplicate. Risk sets how long the person must have had the
//!    summary in front of them, and escalates friction (hold, then type).
//! 2. **Does the input look like intent?** Reflexes never confirm: clicks in
//!    the show cooldown, the second half of a double click, click spam (each
//!    early click pushes arming out, capped), auto-repeat keys, a press that
//!    began before the step showed or while disarmed, clicks right after the
//!    window regains focus or moves. A pointer resting on the button since
//!    the step appeared is not intent: it needs a longer dwell than a
//!    pointer that travelled there.
//!
//! A person who read the summary and moved to the button is armed by the
//! time they click in the common low-risk case, so deliberate people pay
//! (almost) nothing. Thresholds are in [`Thresholds`]; `docs` in README.

use super::{ConfirmGuard, Friction, GuardInput, GuardView, Reason, Target, Verdict};
use crate::core::money::Fen;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Relaxed,
    #[default]
    Standard,
    Strict,
}

impl Sensitivity {
    pub const ALL: [Sensitivity; 3] = [
        Sensitivity::Relaxed,
        Sensitivity::Standard,
        Sensitivity::Strict,
    ];

    /// Multiplier on every dwell, in percent.
    fn dwell_pct(self) -> u64 {
        match self {
            Sensitivity::Relaxed => 75,
            Sensitivity::Standard => 100,
            Sensitivity::Strict => 150,
        }
    }

    /// Risk points at which the level becomes Medium, High, VeryHigh.
    fn level_points(self) -> [u32; 3] {
        match self {
            Sensitivity::Relaxed => [3, 5, 7],
            Sensitivity::Standard => [2, 4, 6],
            Sensitivity::Strict => [1, 3, 5],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sensitivity::Relaxed => "relaxed",
            Sensitivity::Standard => "standard",
            Sensitivity::Strict => "strict",
        }
    }
}

/// What the guard knows about the order being confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuardContext {
    pub face_value_fen: i64,
    /// The channel's cancel window after release; 0 = cannot cancel.
    pub cancel_window_s: u64,
    pub first_use: bool,
    pub recent_releases_10min: u32,
    pub code_pasted: bool,
    /// How long entering the code took.
    pub entry_ms: u64,
    /// Local hour 0–23.
    pub local_hour: u8,
    pub duplicate: bool,
    pub sensitivity: Sensitivity,
    /// Releasing a batch: how many orders (0 for a single card). Then
    /// `face_value_fen` is the batch total.
    pub batch_count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl RiskLevel {
    /// As journaled (`guard_decided.level`); "veryhigh" is what the
    /// lower-cased Debug name wrote before, kept so old journals read alike.
    pub fn name(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "veryhigh",
        }
    }
}

/// Every threshold, for the standard sensitivity (dwells scale with it).
#[derive(Debug, Clone, Copy)]
pub struct Thresholds;

impl Thresholds {
    /// Nothing confirms this soon after the step shows (Chromium: 500 ms).
    pub const SHOW_COOLDOWN_MS: u64 = 500;
    /// Dwell before a pointer that travelled to the button can confirm, by level.
    pub const TRAVEL_DWELL_MS: [u64; 4] = [800, 1_400, 1_800, 2_200];
    /// A pointer resting on the button since the step appeared needs this much more.
    pub const PARKED_EXTRA_MS: u64 = 1_500;
    /// Enter (keyboard focus is on confirm from the start) needs this much more.
    pub const KEY_EXTRA_MS: u64 = 500;
    /// Each early click pushes arming out by this, up to the cap.
    pub const SPAM_PUSH_MS: u64 = 300;
    pub const SPAM_CAP_MS: u64 = 2_000;
    /// A press this soon after the previous click is the second half of a double click.
    pub const DOUBLE_CLICK_MS: u64 = 500;
    /// After focus returns or the window moves, nothing confirms for this long.
    pub const REFOCUS_COOLDOWN_MS: u64 = 700;
    /// Press-and-hold friction length.
    pub const HOLD_MS: u64 = 1_500;
    /// Risk points: face value at or above ¥500 / ¥1000.
    pub const VALUE_FEN: [i64; 2] = [50_000, 100_000];
    /// A pasted code entered faster than this.
    pub const FAST_ENTRY_MS: u64 = 5_000;
    /// Night: local hours [0, 6).
    pub const NIGHT_END_HOUR: u8 = 6;
    /// A batch of this many orders or more adds a risk point.
    pub const BATCH_COUNT: u32 = 5;
}

/// The decision taken when the step is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub level: RiskLevel,
    pub points: u32,
    pub travel_dwell_ms: u64,
    pub parked_dwell_ms: u64,
    pub key_dwell_ms: u64,
    pub friction: Friction,
    pub reasons: Vec<Reason>,
}

impl Plan {
    pub fn for_context(ctx: &GuardContext) -> Plan {
        let mut points = 0;
        let mut reasons = Vec::new();
        let mut add = |p: u32, r: Reason| {
            points += p;
            reasons.push(r);
        };
        let face = Fen(ctx.face_value_fen.max(0));
        if ctx.face_value_fen >= Thresholds::VALUE_FEN[1] {
            add(2, Reason::HighValue(face));
        } else if ctx.face_value_fen >= Thresholds::VALUE_FEN[0] {
            add(1, Reason::Value(face));
        }
        if ctx.cancel_window_s == 0 {
            add(2, Reason::NoCancel);
        }
        if ctx.first_use {
            add(1, Reason::FirstUse);
        }
        match ctx.recent_releases_10min {
            0 | 1 => {}
            n @ 2..=3 => add(1, Reason::Burst(n as u64 + 1)),
            n => add(2, Reason::Burst(n as u64 + 1)),
        }
        if ctx.local_hour < Thresholds::NIGHT_END_HOUR {
            add(1, Reason::Night(ctx.local_hour));
        }
        if ctx.code_pasted && ctx.entry_ms < Thresholds::FAST_ENTRY_MS {
            add(1, Reason::PastedFast(ctx.entry_ms));
        }
        if ctx.duplicate {
            add(2, Reason::Duplicate);
        }
        if ctx.batch_count >= Thresholds::BATCH_COUNT {
            add(1, Reason::Batch(ctx.batch_count));
        }
        let [m, h, v] = ctx.sensitivity.level_points();
        let level = match points {
            p if p >= v => RiskLevel::VeryHigh,
            p if p >= h => RiskLevel::High,
            p if p >= m => RiskLevel::Medium,
            _ => RiskLevel::Low,
        };
        let pct = ctx.sensitivity.dwell_pct();
        let scale = |ms: u64| ms * pct / 100;
        let travel = scale(Thresholds::TRAVEL_DWELL_MS[level as usize]);
        let friction = match level {
            RiskLevel::Low | RiskLevel::Medium => Friction::None,
            // A batch at high risk: type its total (a hold is too easy to
            // do without reading the amount).
            RiskLevel::High if ctx.batch_count > 0 => Friction::TypeToConfirm,
            RiskLevel::High => Friction::HoldMs(scale(Thresholds::HOLD_MS)),
            RiskLevel::VeryHigh => Friction::TypeToConfirm,
        };
        Plan {
            level,
            points,
            travel_dwell_ms: travel,
            parked_dwell_ms: travel + scale(Thresholds::PARKED_EXTRA_MS),
            key_dwell_ms: travel + scale(Thresholds::KEY_EXTRA_MS),
            friction,
            reasons,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BehaviourGuard {
    plan: Plan,
    focused: bool,
    /// Nothing confirms before this (cooldowns after show, focus, moves).
    blocked_until: u64,
    /// Pushed out by early clicks, capped.
    spam_extra_ms: u64,
    pointer_on: Target,
    /// The pointer has rested on confirm since the step appeared.
    parked: bool,
    /// The pointer came onto confirm from elsewhere after the step appeared.
    travelled: bool,
    /// A press on confirm that may become a click: when it began.
    press_at: Option<u64>,
    /// Why the current press will not count (began early, pre-existing…).
    press_spoiled: Option<Reason>,
    last_click_at: Option<u64>,
    /// An Enter that went down early is not intent until it is released.
    enter_suspect: bool,
    typed_ok: bool,
}

impl BehaviourGuard {
    pub fn new(ctx: &GuardContext) -> Self {
        Self {
            plan: Plan::for_context(ctx),
            focused: true,
            blocked_until: Thresholds::SHOW_COOLDOWN_MS,
            spam_extra_ms: 0,
            pointer_on: Target::None,
            parked: false,
            travelled: false,
            press_at: None,
            press_spoiled: None,
            last_click_at: None,
            enter_suspect: false,
            typed_ok: false,
        }
    }

    /// A guard for a confirmation step that has just appeared. The confirm
    /// button is never placed under the pointer, so it starts elsewhere;
    /// `pointer_down` when a button was already held as it appeared.
    pub fn shown(ctx: &GuardContext, pointer_down: bool) -> Self {
        let mut g = Self::new(ctx);
        g.observe(
            0,
            GuardInput::Shown {
                pointer_on: Target::Other,
                pointer_down,
            },
        );
        g
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The dwell the current evidence needs: a pointer that travelled to the
    /// button, else one resting there (or no pointer at all).
    fn pointer_dwell(&self) -> u64 {
        let resting = self.parked && !self.travelled;
        let base = if resting {
            self.plan.parked_dwell_ms
        } else {
            self.plan.travel_dwell_ms
        };
        base + self.spam_extra_ms
    }

    fn key_dwell(&self) -> u64 {
        self.plan.key_dwell_ms + self.spam_extra_ms
    }

    fn earliest(&self, dwell: u64) -> u64 {
        dwell.max(self.blocked_until)
    }

    /// Why a confirm attempt at `at` (needing `dwell`) is not accepted, if it is not.
    fn refusal(&self, at: u64, dwell: u64) -> Option<Reason> {
        if !self.focused {
            return Some(Reason::WindowUnfocused);
        }
        if at < Thresholds::SHOW_COOLDOWN_MS {
            return Some(Reason::TooSoonAfterShow(at));
        }
        if at < self.blocked_until {
            return Some(Reason::JustRefocused(self.blocked_until - at));
        }
        if self.plan.friction == Friction::TypeToConfirm && !self.typed_ok {
            return Some(Reason::TypeFirst);
        }
        let earliest = self.earliest(dwell);
        if at < earliest {
            return Some(if self.parked && !self.travelled {
                Reason::RestingPointer(earliest - at)
            } else {
                Reason::TooEarly(earliest - at)
            });
        }
        None
    }

    fn swallow(&mut self, reason: Reason) -> Verdict {
        self.spam_extra_ms =
            (self.spam_extra_ms + Thresholds::SPAM_PUSH_MS).min(Thresholds::SPAM_CAP_MS);
        Verdict::Swallowed(reason)
    }

    fn pointer_click(&mut self, at: u64) -> Verdict {
        let Some(pressed) = self.press_at.take() else {
            return Verdict::Noted;
        };
        self.last_click_at = Some(at);
        if let Some(r) = self.press_spoiled.take() {
            return self.swallow(r);
        }
        if let Some(r) = self.refusal(at, self.pointer_dwell()) {
            return self.swallow(r);
        }
        // Typing the last four (the keyboard way) also satisfies a hold.
        if let Friction::HoldMs(hold) = self.plan.friction
            && !self.typed_ok
        {
            let held = at - pressed;
            if held < hold {
                return self.swallow(Reason::HoldLonger(hold));
            }
        }
        Verdict::Confirmed
    }
}

impl ConfirmGuard for BehaviourGuard {
    fn observe(&mut self, at: u64, input: GuardInput) -> Verdict {
        match input {
            GuardInput::Shown {
                pointer_on,
                pointer_down,
            } => {
                self.pointer_on = pointer_on;
                self.parked = pointer_on == Target::Confirm;
                if pointer_down {
                    // A press that began before the step showed never confirms.
                    self.press_at = Some(0);
                    self.press_spoiled = Some(Reason::PressBeforeShow);
                }
                Verdict::Noted
            }
            GuardInput::PointerMoved { on } => {
                if on == Target::Confirm && self.pointer_on != Target::Confirm {
                    self.travelled = true;
                }
                if on != Target::Confirm {
                    self.parked = false;
                    // Leaving the button while pressed cancels the press (and a hold).
                    if self.press_at.is_some() && self.press_spoiled.is_none() {
                        self.press_spoiled = Some(Reason::LeftButton);
                    }
                }
                self.pointer_on = on;
                Verdict::Noted
            }
            GuardInput::PointerDown { on } => {
                if on == Target::Confirm && self.pointer_on != Target::Confirm {
                    self.travelled = true;
                }
                self.pointer_on = on;
                if on != Target::Confirm {
                    self.press_at = None;
                    self.press_spoiled = None;
                    return Verdict::Noted;
                }
                self.press_at = Some(at);
                // A press counts only if it began while armed (Firefox does the same).
                let double = self
                    .last_click_at
                    .is_some_and(|c| at < c + Thresholds::DOUBLE_CLICK_MS);
                self.press_spoiled = match self.refusal(at, self.pointer_dwell()) {
                    Some(r @ (Reason::TooEarly(_) | Reason::RestingPointer(_))) => {
                        Some(if double { Reason::DoubleClick } else { r })
                    }
                    Some(r) => Some(r),
                    None if double => Some(Reason::DoubleClick),
                    None => None,
                };
                Verdict::Noted
            }
            GuardInput::PointerUp { on } => {
                if on == Target::Confirm {
                    self.pointer_click(at)
                } else {
                    self.press_at = None;
                    self.press_spoiled = None;
                    Verdict::Noted
                }
            }
            GuardInput::KeyDown { enter: false, .. } => Verdict::Noted,
            // A held key is not spam: it never confirms, but does not push arming out.
            GuardInput::KeyDown {
                enter: true,
                repeat: true,
            } => {
                self.enter_suspect = true;
                Verdict::Swallowed(Reason::KeyRepeat)
            }
            GuardInput::KeyDown {
                enter: true,
                repeat: false,
            } => {
                if self.enter_suspect {
                    return Verdict::Swallowed(Reason::KeyRepeat);
                }
                if at < Thresholds::SHOW_COOLDOWN_MS {
                    // Probably the second Enter of a double press, or still held.
                    self.enter_suspect = true;
                    return self.swallow(Reason::TooSoonAfterShow(at));
                }
                if let Some(r) = self.refusal(at, self.key_dwell()) {
                    return self.swallow(r);
                }
                if let Friction::HoldMs(hold) = self.plan.friction
                    && !self.typed_ok
                {
                    return self.swallow(Reason::HoldNeeded(hold));
                }
                Verdict::Confirmed
            }
            GuardInput::KeyUp { enter } => {
                if enter {
                    self.enter_suspect = false;
                }
                Verdict::Noted
            }
            GuardInput::FocusLost => {
                self.focused = false;
                if self.press_at.is_some() {
                    self.press_spoiled = Some(Reason::WindowUnfocused);
                }
                Verdict::Noted
            }
            GuardInput::FocusGained => {
                self.focused = true;
                self.blocked_until = self.blocked_until.max(at + Thresholds::REFOCUS_COOLDOWN_MS);
                Verdict::Noted
            }
            GuardInput::WindowChanged => {
                self.blocked_until = self.blocked_until.max(at + Thresholds::REFOCUS_COOLDOWN_MS);
                if self.press_at.is_some() {
                    self.press_spoiled = Some(Reason::WindowMoved);
                }
                Verdict::Noted
            }
            GuardInput::Typed { matches } => {
                self.typed_ok = matches;
                Verdict::Noted
            }
        }
    }

    fn view(&self, at: u64) -> GuardView {
        let dwell = self.pointer_dwell();
        let refusal = self.refusal(at, dwell);
        let armed = refusal.is_none();
        let arms_in_ms = match &refusal {
            Some(Reason::WindowUnfocused | Reason::TypeFirst) => None,
            Some(_) => Some(
                self.earliest(dwell)
                    .max(Thresholds::SHOW_COOLDOWN_MS)
                    .saturating_sub(at),
            ),
            None => None,
        };
        // What keeps it disarmed, phrased for someone who has not clicked yet.
        let state = refusal.map(|r| match r {
            Reason::WindowUnfocused | Reason::TypeFirst => r,
            _ => Reason::TooEarly(arms_in_ms.unwrap_or(0)),
        });
        let mut reasons = self.plan.reasons.clone();
        reasons.extend(state);
        GuardView {
            armed,
            arms_in_ms,
            friction: self.plan.friction,
            reasons,
        }
    }

    fn arming_ms(&self) -> u64 {
        self.plan.travel_dwell_ms
    }

    fn friction(&self) -> Friction {
        self.plan.friction
    }

    fn decision_reasons(&self) -> Vec<Reason> {
        self.plan.reasons.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn low() -> GuardContext {
        GuardContext {
            face_value_fen: 10_000,
            cancel_window_s: 480,
            first_use: false,
            recent_releases_10min: 0,
            code_pasted: false,
            entry_ms: 20_000,
            local_hour: 14,
            duplicate: false,
            batch_count: 0,
            sensitivity: Sensitivity::Standard,
        }
    }

    fn shown(ctx: &GuardContext, on: Target) -> BehaviourGuard {
        let mut g = BehaviourGuard::new(ctx);
        g.observe(
            0,
            GuardInput::Shown {
                pointer_on: on,
                pointer_down: false,
            },
        );
        g
    }

    fn click(g: &mut BehaviourGuard, down: u64, up: u64) -> Verdict {
        g.observe(
            down,
            GuardInput::PointerDown {
                on: Target::Confirm,
            },
        );
        g.observe(
            up,
            GuardInput::PointerUp {
                on: Target::Confirm,
            },
        )
    }

    fn travel(g: &mut BehaviourGuard, at: u64) {
        g.observe(at - 200, GuardInput::PointerMoved { on: Target::Other });
        g.observe(
            at,
            GuardInput::PointerMoved {
                on: Target::Confirm,
            },
        );
    }

    #[test]
    fn low_risk_reader_is_armed_when_they_click() {
        let mut g = shown(&low(), Target::None);
        travel(&mut g, 1_100);
        assert!(g.view(1_100).armed);
        assert_eq!(click(&mut g, 1_300, 1_380), Verdict::Confirmed);
        assert_eq!(g.friction(), Friction::None);
    }

    #[test]
    fn clicks_in_the_show_cooldown_never_confirm() {
        let mut g = shown(&low(), Target::Confirm);
        assert!(matches!(
            click(&mut g, 100, 160),
            Verdict::Swallowed(Reason::TooSoonAfterShow(_))
        ));
    }

    #[test]
    fn the_second_half_of_a_double_click_is_swallowed() {
        // A press that began before the step showed never counts, whether
        // released at once (double click) or much later.
        for release_at in [90, 5_000] {
            let mut g = BehaviourGuard::new(&low());
            let shown = GuardInput::Shown {
                pointer_on: Target::Confirm,
                pointer_down: true,
            };
            g.observe(0, shown);
            let up = g.observe(
                release_at,
                GuardInput::PointerUp {
                    on: Target::Confirm,
                },
            );
            assert!(
                matches!(up, Verdict::Swallowed(_)),
                "released at {release_at}: {up:?}"
            );
        }
    }

    #[test]
    fn click_spam_pushes_arming_out_and_is_capped() {
        let mut g = shown(&low(), Target::None);
        travel(&mut g, 300);
        let mut t = 350;
        while t < 2_500 {
            assert_ne!(
                click(&mut g, t, t + 40),
                Verdict::Confirmed,
                "spam click at {t}"
            );
            t += 150;
        }
        assert_eq!(g.spam_extra_ms, Thresholds::SPAM_CAP_MS);
        // After the spam stops, a deliberate click once the (capped) delay passed works.
        assert_eq!(click(&mut g, 3_200, 3_290), Verdict::Confirmed);
    }

    #[test]
    fn auto_repeat_never_confirms_and_a_held_enter_must_be_released() {
        let mut g = shown(&low(), Target::None);
        assert!(matches!(
            g.observe(
                20,
                GuardInput::KeyDown {
                    enter: true,
                    repeat: false
                }
            ),
            Verdict::Swallowed(_)
        ));
        for t in (50..3_000).step_by(33) {
            assert_ne!(
                g.observe(
                    t,
                    GuardInput::KeyDown {
                        enter: true,
                        repeat: true
                    }
                ),
                Verdict::Confirmed
            );
        }
        assert!(matches!(
            g.observe(
                3_100,
                GuardInput::KeyDown {
                    enter: true,
                    repeat: false
                }
            ),
            Verdict::Swallowed(_)
        ));
        g.observe(3_150, GuardInput::KeyUp { enter: true });
        assert_eq!(
            g.observe(
                4_000,
                GuardInput::KeyDown {
                    enter: true,
                    repeat: false
                }
            ),
            Verdict::Confirmed
        );
    }

    #[test]
    fn a_resting_pointer_is_not_intent() {
        let mut g = shown(&low(), Target::Confirm);
        let r = click(&mut g, 1_200, 1_260);
        assert!(
            matches!(r, Verdict::Swallowed(Reason::RestingPointer(_))),
            "{r:?}"
        );
        let mut g = shown(&low(), Target::Confirm);
        assert_eq!(
            click(&mut g, 2_400, 2_470),
            Verdict::Confirmed,
            "a long read is fine"
        );
    }

    #[test]
    fn focus_loss_disarms_and_clicks_right_after_focus_are_swallowed() {
        let mut g = shown(&low(), Target::None);
        travel(&mut g, 900);
        g.observe(1_000, GuardInput::FocusLost);
        assert!(!g.view(2_000).armed);
        assert!(matches!(
            click(&mut g, 2_000, 2_050),
            Verdict::Swallowed(Reason::WindowUnfocused)
        ));
        g.observe(4_000, GuardInput::FocusGained);
        assert!(matches!(
            click(&mut g, 4_200, 4_260),
            Verdict::Swallowed(Reason::JustRefocused(_))
        ));
        assert_eq!(click(&mut g, 5_300, 5_380), Verdict::Confirmed);
    }

    #[test]
    fn risk_raises_delay_and_escalates_friction() {
        let low_plan = Plan::for_context(&low());
        assert_eq!(
            (low_plan.level, low_plan.friction),
            (RiskLevel::Low, Friction::None)
        );
        let medium = GuardContext {
            face_value_fen: 50_000,
            first_use: true,
            ..low()
        };
        let p = Plan::for_context(&medium);
        assert_eq!(p.level, RiskLevel::Medium);
        assert!(p.travel_dwell_ms > low_plan.travel_dwell_ms);
        let high = GuardContext {
            face_value_fen: 100_000,
            cancel_window_s: 0,
            ..low()
        };
        let p = Plan::for_context(&high);
        assert_eq!(
            (p.level, p.friction),
            (RiskLevel::High, Friction::HoldMs(1_500))
        );
        assert_eq!(
            p.reasons,
            [Reason::HighValue(Fen(100_000)), Reason::NoCancel]
        );
        let very = GuardContext {
            local_hour: 2,
            code_pasted: true,
            entry_ms: 1_500,
            recent_releases_10min: 2,
            ..high
        };
        let p = Plan::for_context(&very);
        assert_eq!(
            (p.level, p.friction),
            (RiskLevel::VeryHigh, Friction::TypeToConfirm)
        );
    }

    #[test]
    fn a_high_risk_batch_asks_to_type_its_total_not_to_hold() {
        let batch = GuardContext {
            face_value_fen: 800_000,
            first_use: true,
            batch_count: 40,
            ..low()
        };
        let p = Plan::for_context(&batch);
        assert_eq!(
            (p.level, p.friction),
            (RiskLevel::High, Friction::TypeToConfirm)
        );
        assert!(p.reasons.contains(&Reason::Batch(40)));
        // The same risk on one card is a hold.
        let single = Plan::for_context(&GuardContext {
            batch_count: 0,
            recent_releases_10min: 2,
            ..batch
        });
        assert_eq!(single.friction, Friction::HoldMs(1_500));
    }

    #[test]
    fn hold_friction_needs_a_long_press_on_the_button() {
        let high = GuardContext {
            face_value_fen: 100_000,
            cancel_window_s: 0,
            ..low()
        };
        let mut g = shown(&high, Target::None);
        travel(&mut g, 1_000);
        assert!(matches!(
            click(&mut g, 2_000, 2_100),
            Verdict::Swallowed(Reason::HoldLonger(_))
        ));
        // Leaving the button while holding spoils the hold.
        g.observe(
            3_000,
            GuardInput::PointerDown {
                on: Target::Confirm,
            },
        );
        g.observe(3_800, GuardInput::PointerMoved { on: Target::Other });
        g.observe(
            4_000,
            GuardInput::PointerMoved {
                on: Target::Confirm,
            },
        );
        assert!(matches!(
            g.observe(
                4_700,
                GuardInput::PointerUp {
                    on: Target::Confirm
                }
            ),
            Verdict::Swallowed(_)
        ));
        let mut keyboard = g.clone();
        assert_eq!(click(&mut g, 6_000, 7_600), Verdict::Confirmed);
        // Enter alone cannot hold; typing the last four stands in for the hold.
        let enter = GuardInput::KeyDown {
            enter: true,
            repeat: false,
        };
        assert!(matches!(
            keyboard.observe(9_000, enter),
            Verdict::Swallowed(_)
        ));
        keyboard.observe(9_100, GuardInput::KeyUp { enter: true });
        keyboard.observe(9_500, GuardInput::Typed { matches: true });
        assert_eq!(keyboard.observe(10_000, enter), Verdict::Confirmed);
    }

    #[test]
    fn type_friction_needs_the_last_four() {
        let very = GuardContext {
            face_value_fen: 100_000,
            cancel_window_s: 0,
            local_hour: 2,
            duplicate: true,
            ..low()
        };
        let mut g = shown(&very, Target::None);
        travel(&mut g, 1_000);
        assert!(!g.view(5_000).armed);
        assert_eq!(g.view(5_000).arms_in_ms, None);
        assert!(matches!(
            click(&mut g, 5_000, 5_100),
            Verdict::Swallowed(Reason::TypeFirst)
        ));
        g.observe(6_000, GuardInput::Typed { matches: false });
        assert!(!g.view(6_000).armed);
        g.observe(7_000, GuardInput::Typed { matches: true });
        assert!(g.view(8_000).armed);
        assert_eq!(click(&mut g, 8_000, 8_100), Verdict::Confirmed);
    }

    #[test]
    fn journal_names_of_levels_and_sensitivities_are_pinned() {
        let levels = [
            RiskLevel::Low,
            RiskLevel::Medium,
            RiskLevel::High,
            RiskLevel::VeryHigh,
        ];
        assert_eq!(
            levels.map(RiskLevel::name),
            ["low", "medium", "high", "veryhigh"]
        );
        assert_eq!(
            Sensitivity::ALL.map(Sensitivity::name),
            ["relaxed", "standard", "strict"]
        );
        let frictions = [Friction::None, Friction::HoldMs(1), Friction::TypeToConfirm];
        assert_eq!(frictions.map(Friction::name), ["none", "hold", "type"]);
    }

    #[test]
    fn sensitivity_scales_dwells_and_levels() {
        let c = GuardContext {
            face_value_fen: 50_000,
            ..low()
        };
        let relaxed = Plan::for_context(&GuardContext {
            sensitivity: Sensitivity::Relaxed,
            ..c.clone()
        });
        let standard = Plan::for_context(&c);
        let strict = Plan::for_context(&GuardContext {
            sensitivity: Sensitivity::Strict,
            ..c
        });
        assert!(relaxed.travel_dwell_ms < standard.travel_dwell_ms);
        assert!(standard.travel_dwell_ms < strict.travel_dwell_ms);
        assert_eq!(
            (standard.level, strict.level),
            (RiskLevel::Low, RiskLevel::Medium)
        );
    }

    #[test]
    fn view_counts_down_to_arming() {
        let mut g = shown(&low(), Target::None);
        assert_eq!(
            g.view(0).arms_in_ms,
            Some(800),
            "the pointer is elsewhere: it will travel"
        );
        let parked = shown(&low(), Target::Confirm);
        assert_eq!(
            parked.view(0).arms_in_ms,
            Some(2_300),
            "a resting pointer waits longer"
        );
        travel(&mut g, 400);
        assert_eq!(g.view(400).arms_in_ms, Some(400));
        assert!(g.view(800).armed);
    }
}
