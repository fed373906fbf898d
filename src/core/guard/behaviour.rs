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
    /// The person's own pace, once there is enough of it (see [`super::pace`]).
    pub pace: Option<super::PaceFit>,
    /// What makes this order unlike the person's usual ones (a channel
    /// never used, more than they usually send). Adds no wait: the review
    /// answers it by naming the fact on the confirm button itself.
    pub unusual: Unusual,
}

/// How an order differs from the person's usual ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unusual {
    pub new_channel: bool,
    /// The most the person sent in one recent order, when this is more.
    pub above_usual: Option<Fen>,
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
    /// A pointer resting on the button since the step appeared needs this
    /// much more. Small: a reflex click in place comes 0.33–0.58 s after the
    /// previous one (real data, p10–p90), a deliberate one after a still
    /// pause of 0.58–5.6 s, so the travel dwell already parts them.
    pub const PARKED_EXTRA_MS: u64 = 100;
    /// A habitual approach (the pointer set off within this long of the
    /// step appearing and went straight to Confirm, past every fact) needs
    /// this dwell by level: a habituated click comes 0.2–1.3 s after the
    /// review at low risk, up to 2 s at high risk. A reader's still pause
    /// before an aimed movement is ≥ 0.58 s for nine people in ten.
    pub const HABIT_ONSET_MS: u64 = 450;
    pub const HABIT_DWELL_MS: [u64; 4] = [2_100, 2_400, 2_800, 3_000];
    /// Straight: the path's length at most this much over the distance
    /// (in percent); shorter than this many points it says nothing.
    pub const STRAIGHT_PCT: f32 = 130.0;
    pub const STRAIGHT_MIN_PX: f32 = 30.0;
    /// Moves smaller than this are a resting hand (drift, tremor), not a
    /// movement.
    pub const JITTER_PX: f32 = 4.0;
    /// Over the facts for less than this is passing by, not a look.
    pub const FACT_LOOK_MS: u64 = 200;
    /// Early clicks push arming out only while they come this close
    /// together (spam); a lone early click after a still pause does not.
    pub const SPAM_WINDOW_MS: u64 = 1_000;
    /// No position for this long means the pointer stood still: reports
    /// come every 16 ms, or about every 110 ms, while it moves.
    pub const STILL_GAP_MS: u64 = 400;
    /// A pace never lowers the dwell below the show cooldown and this, nor
    /// raises it past the cap.
    pub const PACE_FLOOR_EXTRA_MS: u64 = 100;
    pub const PACE_CAP_MS: u64 = 2_000;
    /// Whatever the pace or sensitivity, a pointer resting on Confirm waits
    /// this long: a reflex click in place comes up to ~0.6 s after the
    /// last one.
    pub const RESTING_MIN_MS: u64 = 900;
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
    pub habit_dwell_ms: u64,
    /// The person's pace the dwell was fitted to, and whether it raised the
    /// dwell above the default (a departure from their habit is refused).
    pub pace: Option<super::PaceFit>,
    pub pace_raised: bool,
    /// The pace changed the dwell (lowered or raised it): only then is the
    /// decision said to be fitted to the person.
    pub pace_fitted: bool,
    pub parked_dwell_ms: u64,
    pub key_dwell_ms: u64,
    pub friction: Friction,
    pub reasons: Vec<Reason>,
}

impl Plan {
    /// The plan a low-risk order gets with this pace and sensitivity (what
    /// Settings shows the person: its dwells).
    pub fn low_risk(pace: Option<super::PaceFit>, sensitivity: Sensitivity) -> Plan {
        let ctx = GuardContext {
            cancel_window_s: 900,
            local_hour: 12,
            sensitivity,
            pace,
            ..GuardContext::default()
        };
        Plan::for_context(&ctx)
    }

    /// The order is unlike the person's usual ones (a channel never used,
    /// more than usual) or cannot be cancelled: the review answers that by
    /// naming the order's facts on the confirm button, not by a longer wait.
    pub fn names_facts(&self) -> bool {
        self.reasons.iter().any(|r| {
            matches!(
                r,
                Reason::NewChannel | Reason::AboveUsual(_) | Reason::NoCancel
            )
        })
    }

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
        // Said and answered on the review, with no points: an unusual order
        // is met with its facts on the button, not a longer wait.
        if ctx.unusual.new_channel && !ctx.first_use {
            add(0, Reason::NewChannel);
        }
        if let Some(usual) = ctx.unusual.above_usual {
            add(0, Reason::AboveUsual(usual));
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
        let base = scale(Thresholds::TRAVEL_DWELL_MS[level as usize]);
        // Fitted to the person: lowered only at low risk (a higher risk
        // keeps its wait), raised at any level for a departure.
        let travel = match ctx.pace {
            Some(fit) if level == RiskLevel::Low => fit.low_risk_dwell(
                base,
                Thresholds::SHOW_COOLDOWN_MS + Thresholds::PACE_FLOOR_EXTRA_MS,
                Thresholds::PACE_CAP_MS,
            ),
            Some(fit) => base.max(fit.departure_ms().min(Thresholds::PACE_CAP_MS)),
            None => base,
        };
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
            habit_dwell_ms: scale(Thresholds::HABIT_DWELL_MS[level as usize]).max(travel),
            pace: ctx.pace,
            pace_raised: travel > base,
            pace_fitted: travel != base,
            parked_dwell_ms: (travel + scale(Thresholds::PARKED_EXTRA_MS))
                .max(Thresholds::RESTING_MIN_MS),
            key_dwell_ms: travel + scale(Thresholds::KEY_EXTRA_MS),
            friction,
            reasons,
        }
    }
}

/// The pointer's current movement: when and where it began (its first
/// report after the step appeared or after a pause), where it is now, and
/// how far it went.
#[derive(Debug, Clone)]
struct Path {
    /// When the current movement began, and where.
    first_at: u64,
    origin: (f32, f32),
    last: (f32, f32),
    last_at: u64,
    length: f32,
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
    /// The last refused attempt (click or key), for telling spam from a
    /// lone early click, and how many came on each other's heels.
    last_refused_at: Option<u64>,
    refused_run: u32,
    /// The pointer's path since the step appeared, when positions are
    /// reported.
    path: Option<Path>,
    /// The pointer stayed over the summary's key facts (since when, now).
    saw_facts: bool,
    fact_since: Option<u64>,
    /// The last position report, and the shortest time seen between two:
    /// how often this pointer reports (16 ms, ~110 ms…), so that a look is
    /// judged alike whatever the rate.
    last_report_at: Option<u64>,
    report_every_ms: Option<u64>,
    /// The approach to Confirm looked habitual (see [`Thresholds::HABIT_ONSET_MS`]).
    habitual: bool,
    /// A person who looks at the facts before confirming came to Confirm
    /// without a look this time (a departure from their own way).
    skipped_look: bool,
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
            last_refused_at: None,
            refused_run: 0,
            path: None,
            saw_facts: false,
            fact_since: None,
            last_report_at: None,
            report_every_ms: None,
            habitual: false,
            skipped_look: false,
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
        } else if self.habitual || self.skipped_look {
            self.plan.habit_dwell_ms
        } else {
            self.plan.travel_dwell_ms
        };
        base + self.spam_extra_ms
    }

    /// The pointer arrived on Confirm: was the way there a habit? Set off
    /// at once, straight, past every fact.
    fn judge_approach(&mut self) {
        let Some(p) = &self.path else { return };
        let dx = p.last.0 - p.origin.0;
        let dy = p.last.1 - p.origin.1;
        let direct = (dx * dx + dy * dy).sqrt();
        let straight = direct >= Thresholds::STRAIGHT_MIN_PX
            && p.length * 100.0 <= direct * Thresholds::STRAIGHT_PCT;
        self.habitual = p.first_at < Thresholds::HABIT_ONSET_MS && straight && !self.saw_facts;
        // Whatever the path's shape (a curve dodges "straight"): someone
        // whose way is to look first, arriving without a look. Only for a
        // pointer that travelled (a tap lands where it lands).
        let looks_first = self
            .plan
            .pace
            .and_then(|p| p.looks)
            .is_some_and(|l| l.looks_first());
        self.skipped_look = looks_first && !self.saw_facts && p.length > 0.0;
    }

    /// For learning the person's way: whether the pointer rested on the
    /// facts before this confirmation, when it travelled at all (`None` for
    /// a keyboard, a screen reader or a touch screen). `None` too when the
    /// look rule held this one back: a confirmation made by waiting out the
    /// rule must not teach it that not looking is the person's way (three
    /// such would have worn a 10-of-10 habit below the bar).
    pub fn looked_at_facts(&self) -> Option<bool> {
        let travelled = self.path.as_ref().is_some_and(|p| p.length > 0.0);
        (travelled && !self.skipped_look).then_some(self.saw_facts)
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
            } else if self.habitual && dwell >= self.plan.habit_dwell_ms {
                Reason::StraightToConfirm(earliest - at)
            } else if self.skipped_look && dwell >= self.plan.habit_dwell_ms {
                Reason::SkippedYourLook(earliest - at)
            } else if self.plan.pace_raised {
                Reason::FasterThanYourPace(earliest - at)
            } else {
                Reason::TooEarly(earliest - at)
            });
        }
        None
    }

    /// A refused attempt: one close on another's heels (spam) pushes
    /// arming out; a lone one, after a still pause, does not tax a person
    /// who is plainly waiting. From the third in a row the answer is to
    /// stop: a quick press never confirms, so someone retrying every half
    /// second (a pointer resting on Confirm) would otherwise wait forever
    /// without being told why.
    fn swallow(&mut self, at: u64, reason: Reason) -> Verdict {
        let on_heels = self
            .last_refused_at
            .is_some_and(|r| at < r.saturating_add(Thresholds::SPAM_WINDOW_MS));
        self.refused_run = if on_heels { self.refused_run + 1 } else { 0 };
        if on_heels || at < Thresholds::SHOW_COOLDOWN_MS {
            self.spam_extra_ms =
                (self.spam_extra_ms + Thresholds::SPAM_PUSH_MS).min(Thresholds::SPAM_CAP_MS);
        }
        self.last_refused_at = Some(at);
        let hurried =
            self.refused_run >= 2 && (reason.is_dwell_wait() || reason == Reason::DoubleClick);
        Verdict::Swallowed(if hurried { Reason::Hurried } else { reason })
    }

    fn pointer_click(&mut self, at: u64) -> Verdict {
        let Some(pressed) = self.press_at.take() else {
            return Verdict::Noted;
        };
        self.last_click_at = Some(at);
        if let Some(r) = self.press_spoiled.take() {
            return self.swallow(at, r);
        }
        if let Some(r) = self.refusal(at, self.pointer_dwell()) {
            return self.swallow(at, r);
        }
        // Typing the last four (the keyboard way) also satisfies a hold.
        if let Friction::HoldMs(hold) = self.plan.friction
            && !self.typed_ok
        {
            // A release timed before its press (a clock stepped back) is no
            // hold at all.
            let held = at.saturating_sub(pressed);
            if held < hold {
                return self.swallow(at, Reason::HoldLonger(hold));
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
                // A look at the facts is a stay over them, not a pass.
                match (self.pointer_on == Target::Fact, on == Target::Fact) {
                    (false, true) => self.fact_since = Some(at),
                    (true, false) => {
                        // Reports only say where the pointer was at each
                        // report: a pass can seem up to one interval longer
                        // than it was, so a look must outlast that too.
                        let since = self.fact_since.take().unwrap_or(at);
                        let slack = self.report_every_ms.unwrap_or(0);
                        if at.saturating_sub(since) >= Thresholds::FACT_LOOK_MS + slack {
                            self.saw_facts = true;
                        }
                    }
                    _ => {}
                }
                if on == Target::Confirm && self.pointer_on != Target::Confirm {
                    self.travelled = true;
                    self.judge_approach();
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
            GuardInput::PointerAt { x, y } => {
                if let Some(prev) = self.last_report_at.filter(|&p| at > p) {
                    // Capped: a still pointer reports nothing for a while.
                    let gap = (at - prev).min(Thresholds::STILL_GAP_MS);
                    self.report_every_ms = Some(self.report_every_ms.map_or(gap, |g| g.min(gap)));
                }
                self.last_report_at = Some(at);
                let (x, y) = (x as f32, y as f32);
                match &mut self.path {
                    None => {
                        self.path = Some(Path {
                            first_at: at,
                            origin: (x, y),
                            last: (x, y),
                            last_at: at,
                            length: 0.0,
                        })
                    }
                    Some(p) => {
                        let (dx, dy) = (x - p.last.0, y - p.last.1);
                        let step = (dx * dx + dy * dy).sqrt();
                        if step < Thresholds::JITTER_PX {
                            // Drift of a resting hand: still.
                            return Verdict::Noted;
                        }
                        // A pause (no real move for a while) ends a
                        // movement: the next one starts where it rested.
                        if at > p.last_at.saturating_add(Thresholds::STILL_GAP_MS) {
                            p.first_at = at;
                            p.origin = p.last;
                            p.length = 0.0;
                        }
                        p.length += step;
                        p.last = (x, y);
                        p.last_at = at;
                    }
                }
                Verdict::Noted
            }
            GuardInput::PointerDown { on } => {
                if on == Target::Confirm && self.pointer_on != Target::Confirm {
                    self.travelled = true;
                    self.judge_approach();
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
                    // The second half of a double click is said as one,
                    // whatever the wait it also fell in.
                    Some(r) if double && r.is_dwell_wait() => Some(Reason::DoubleClick),
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
                    return self.swallow(at, Reason::TooSoonAfterShow(at));
                }
                if let Some(r) = self.refusal(at, self.key_dwell()) {
                    return self.swallow(at, r);
                }
                if let Friction::HoldMs(hold) = self.plan.friction
                    && !self.typed_ok
                {
                    return self.swallow(at, Reason::HoldNeeded(hold));
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
                self.blocked_until = self
                    .blocked_until
                    .max(at.saturating_add(Thresholds::REFOCUS_COOLDOWN_MS));
                Verdict::Noted
            }
            GuardInput::WindowChanged => {
                self.blocked_until = self
                    .blocked_until
                    .max(at.saturating_add(Thresholds::REFOCUS_COOLDOWN_MS));
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
        let waits = |refusal: &Option<Reason>, dwell: u64| match refusal {
            Some(Reason::WindowUnfocused | Reason::TypeFirst) => None,
            Some(_) => Some(
                self.earliest(dwell)
                    .max(Thresholds::SHOW_COOLDOWN_MS)
                    .saturating_sub(at),
            ),
            None => None,
        };
        let arms_in_ms = waits(&refusal, dwell);
        // Enter as `observe` weighs it: its own dwell, and a hold only by
        // typing instead.
        let key_refusal = self.refusal(at, self.key_dwell());
        let hold_untyped = matches!(self.plan.friction, Friction::HoldMs(_)) && !self.typed_ok;
        let keys_armed = key_refusal.is_none() && !hold_untyped && !self.enter_suspect;
        let keys_arms_in_ms = waits(&key_refusal, self.key_dwell());
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
            keys_armed,
            keys_arms_in_ms,
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
mod tests;
