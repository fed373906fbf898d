//! Generates labelled confirmation traces: reflex patterns that must never
//! confirm, and deliberate people in low-risk and elevated-risk contexts.
//! Deterministic for a seed, so the committed sets can be checked.
//!
//! **Synthetic**, but timed on real people: every human interval is drawn
//! from the percentiles of a public mouse-dynamics data set (10 people,
//! 165 k clicks, Windows; see [`Real`]), with a split log-normal through
//! p10 / median / p90. Pointer moves are sampled every 16 ms on some traces
//! and every ~110 ms on others, so nothing may depend on fine sampling.
//! Moves carry positions (`x`, `y`, in points from the review's top left;
//! the confirm button is at [`CONFIRM`]); traces without them (v1) still
//! replay.

use serde_json::{Value, json};

/// Percentiles (p10, median, p90) in ms from the real data set.
pub struct Real;

impl Real {
    pub const DOUBLE_CLICK_PRESS_TO_PRESS: [f64; 3] = [156.0, 202.0, 359.0];
    pub const RELEASE_TO_NEXT_PRESS: [f64; 3] = [62.0, 94.0, 219.0];
    pub const PRESS: [f64; 3] = [78.0, 94.0, 156.0];
    pub const STILL_BEFORE_AIMED_MOVE: [f64; 3] = [577.0, 1_108.0, 5_554.0];
    pub const MOVE_START_TO_PRESS: [f64; 3] = [484.0, 1_092.0, 2_496.0];
    pub const QUICK_CLICK_ELSEWHERE: [f64; 3] = [328.0, 483.0, 577.0];
}

/// Where the confirm button's centre is on the review, in points; the
/// summary's key facts (amount, channel, cancel policy) sit above it.
pub const CONFIRM: (f64, f64) = (140.0, 560.0);
pub const FACTS: (f64, f64) = (260.0, 300.0);

pub struct Gen {
    rng: fastrand::Rng,
    next_id: u64,
}

/// A trace under construction: events with times in ms since shown.
struct Events {
    list: Vec<Value>,
    /// The pointer's report interval for this trace (16 ms or ~110 ms).
    sample_ms: u64,
    at: (f64, f64),
}

impl Events {
    fn shown(on: &str, down: bool, sample_ms: u64) -> Self {
        let mut e = json!({"t": 0, "type": "shown", "pointer_on": on});
        if down {
            e["pointer_down"] = json!(true);
        }
        let at = if on == "confirm" {
            CONFIRM
        } else {
            (620.0, 140.0)
        };
        Events {
            list: vec![e],
            sample_ms,
            at,
        }
    }
    fn push(&mut self, t: u64, v: Value) {
        let mut v = v;
        v["t"] = json!(t);
        self.list.push(v);
    }
    /// The pointer travels from where it is to `to` between `from_t` and
    /// `to_t`, reported once per sample; `bend` > 0 bows the path (a
    /// wandering hand), 0 is a straight aimed movement. Arrival on the
    /// confirm button is reported at the first sample inside it.
    fn travel(&mut self, from_t: u64, to_t: u64, to: (f64, f64), bend: f64, on_arrival: &str) {
        let (x0, y0) = self.at;
        let steps = ((to_t.saturating_sub(from_t)) / self.sample_ms).max(1);
        for i in 1..=steps {
            let f = i as f64 / steps as f64;
            // Minimum-jerk profile: slow start, fast middle, slow end.
            let s = f * f * f * (10.0 - 15.0 * f + 6.0 * f * f);
            let bow = bend * (std::f64::consts::PI * s).sin();
            let x = x0 + (to.0 - x0) * s - (to.1 - y0) * bow * 0.3;
            let y = y0 + (to.1 - y0) * s + (to.0 - x0) * bow * 0.3;
            let on = if i == steps { on_arrival } else { "other" };
            let t = from_t + i * self.sample_ms;
            self.push(
                t,
                json!({"type": "move", "on": on, "x": x.round(), "y": y.round()}),
            );
        }
        self.at = to;
    }
    fn click(&mut self, t: u64, len: u64) {
        self.push(t, json!({"type": "down", "on": "confirm"}));
        self.push(t + len, json!({"type": "up", "on": "confirm"}));
    }
    fn key(&mut self, t: u64, len: u64, key: &str) {
        self.push(t, json!({"type": "key_down", "key": key, "repeat": false}));
        self.push(t + len, json!({"type": "key_up", "key": key}));
    }
    /// The last time in the trace.
    fn end(&self) -> u64 {
        self.list
            .iter()
            .filter_map(|e| e["t"].as_u64())
            .max()
            .unwrap_or(0)
    }
}

pub const REFLEX_PATTERNS: [&str; 11] = [
    "cooldown_click",
    "double_click_half",
    "click_spam",
    "key_repeat",
    "press_before_show",
    "click_after_refocus",
    "resting_pointer_click",
    "habitual_click_low_risk",
    "habitual_click_elevated_risk",
    "double_tap",
    "habitual_curved_by_a_looker",
];

pub const DELIBERATE_PATTERNS: [&str; 10] = [
    "reader_mouse",
    "fact_checker",
    "fast_reader",
    "keyboard_enter",
    "keyboard_space",
    "keyboard_tab",
    "in_place_after_still_pause",
    "touch_tap",
    "touch_long_press",
    "looker",
];

impl Gen {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            next_id: 0,
        }
    }

    fn r(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.u64(lo..=hi)
    }

    fn normal(&mut self) -> f64 {
        // Box-Muller.
        let (u1, u2) = (self.rng.f64().max(1e-12), self.rng.f64());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// A draw from the split log-normal through p10, median and p90, clamped
    /// to a tenth of p10 and three times p90.
    fn real(&mut self, p: [f64; 3]) -> u64 {
        let [p10, p50, p90] = p;
        let z = self.normal();
        // z = ±1.2816 at p10 / p90.
        let sigma = if z < 0.0 {
            (p50 / p10).ln() / 1.2816
        } else {
            (p90 / p50).ln() / 1.2816
        };
        (p50 * (sigma * z).exp()).clamp(p10 / 10.0, p90 * 3.0) as u64
    }

    /// This trace's pointer report interval: 16 ms, or about 110 ms.
    fn sampling(&mut self) -> u64 {
        if self.rng.bool() { 16 } else { self.r(95, 125) }
    }

    fn last4(&mut self) -> String {
        const A: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTUVWXYZ";
        (0..4)
            .map(|_| A[self.rng.usize(..A.len())] as char)
            .collect()
    }

    /// A context the guard should treat as low risk: small card, channel
    /// that can cancel, daytime, typed or slowly pasted, no burst.
    pub fn low_context(&mut self) -> Value {
        let face = [5_000, 10_000, 20_000, 30_000][self.rng.usize(..4)];
        let window = [480, 900, 5][self.rng.usize(..3)];
        let pasted = self.rng.bool();
        json!({
            "face_value_fen": face, "cancel_window_s": window, "first_use": false,
            "recent_releases_10min": self.r(0, 1), "code_pasted": pasted,
            "entry_ms": if pasted { self.r(6_000, 30_000) } else { self.r(9_000, 45_000) },
            "local_hour": self.r(8, 22), "duplicate": false, "code_last4": self.last4(),
            "sensitivity": "standard"
        })
    }

    /// A low-risk context for someone the app has learned: their pace, and
    /// that they rest the pointer on the facts before most confirmations.
    fn looker_context(&mut self) -> Value {
        let mut c = self.low_context();
        let p10 = self.r(900, 1_600);
        c["pace"] = json!({
            "count": 30, "p10_ms": p10, "median_ms": p10 + self.r(400, 1_500),
            "looked": self.r(25, 30)
        });
        c
    }

    /// A context with one or more risk factors (mixed levels).
    pub fn elevated_context(&mut self) -> Value {
        let mut c = self.low_context();
        let factors = self.r(1, 4);
        for _ in 0..factors {
            match self.rng.usize(..7) {
                0 => c["face_value_fen"] = json!([50_000, 100_000, 200_000][self.rng.usize(..3)]),
                1 => c["cancel_window_s"] = json!(0),
                2 => c["first_use"] = json!(true),
                3 => c["recent_releases_10min"] = json!(self.r(2, 5)),
                4 => c["local_hour"] = json!(self.r(0, 5)),
                5 => {
                    c["code_pasted"] = json!(true);
                    c["entry_ms"] = json!(self.r(700, 4_500));
                }
                _ => c["duplicate"] = json!(true),
            }
        }
        c
    }

    fn trace(
        &mut self,
        label: &str,
        pattern: &str,
        risk: &str,
        context: Value,
        events: Events,
        first_attempt: Option<u64>,
    ) -> Value {
        self.next_id += 1;
        let mut list = events.list;
        list.sort_by_key(|x| x["t"].as_u64().unwrap_or(0));
        let mut t = json!({
            "id": format!("{}-{:04}", &label[..1], self.next_id),
            "label": label, "pattern": pattern, "risk": risk,
            "context": context, "events": list,
        });
        if let Some(f) = first_attempt {
            t["first_attempt"] = json!(f);
        }
        t
    }

    /// A habitual approach: the pointer leaves within a reaction time (no
    /// still pause) and goes (nearly) straight to the button, clicking `at`
    /// ms after the review shows.
    fn habitual(&mut self, e: &mut Events, at: u64) {
        // A reaction, not a read: off within a reaction time, on a nearly
        // straight path.
        let onset = self.r(0, 400).min(at.saturating_sub(120));
        let arrive = at.saturating_sub(self.r(60, 160)).max(onset + 100);
        let bend = self.r(0, 20) as f64 / 100.0;
        e.travel(onset, arrive, CONFIRM, bend, "confirm");
        let len = self.real(Real::PRESS);
        e.click(at.max(arrive + 10), len);
    }

    pub fn reflex(&mut self, pattern: &str) -> Value {
        let context = match pattern {
            "habitual_click_low_risk" => self.low_context(),
            "habitual_curved_by_a_looker" => self.looker_context(),
            "habitual_click_elevated_risk" => self.elevated_context(),
            _ if self.rng.bool() => self.low_context(),
            _ => self.elevated_context(),
        };
        let sample = self.sampling();
        let mut e;
        match pattern {
            "cooldown_click" => {
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let down = self.r(150, 480);
                let arrive = down.saturating_sub(self.r(30, 120)).max(40);
                e.travel(0, arrive, CONFIRM, 0.0, "confirm");
                let len = self.real(Real::PRESS);
                e.click(down, len);
            }
            "double_click_half" => {
                // The first click pressed Review and showed this step; the
                // second lands here one press-to-press interval later.
                let p2p = self.real(Real::DOUBLE_CLICK_PRESS_TO_PRESS);
                let first_len = self.real(Real::PRESS).min(p2p.saturating_sub(20));
                let on = ["confirm", "other"][self.rng.usize(..2)];
                if self.rng.bool() {
                    // Shown on the first press: the button is still down.
                    e = Events::shown(on, true, sample);
                    e.push(first_len, json!({"type": "up", "on": on}));
                    let len = self.real(Real::PRESS);
                    e.push(p2p, json!({"type": "down", "on": on}));
                    e.push(p2p + len, json!({"type": "up", "on": on}));
                } else {
                    // Shown on the first release.
                    e = Events::shown(on, false, sample);
                    let len = self.real(Real::PRESS);
                    let at = p2p.saturating_sub(first_len);
                    e.push(at, json!({"type": "down", "on": on}));
                    e.push(at + len, json!({"type": "up", "on": on}));
                }
            }
            "click_spam" => {
                e = Events::shown("other", false, sample);
                let arrive = self.r(60, 250);
                e.travel(0, arrive, CONFIRM, 0.0, "confirm");
                let end = self.r(1_500, 3_200);
                let mut t = arrive + self.r(20, 80);
                while t < end {
                    let len = self.real(Real::PRESS);
                    e.click(t, len);
                    t += len + self.real(Real::RELEASE_TO_NEXT_PRESS);
                }
            }
            "key_repeat" => {
                e = Events::shown("none", false, sample);
                let mut t = self.r(0, 40);
                if self.rng.bool() {
                    e.push(
                        t,
                        json!({"type": "key_down", "key": "Enter", "repeat": false}),
                    );
                    t += self.r(250, 500);
                }
                let end = self.r(600, 3_500);
                while t < end {
                    e.push(
                        t,
                        json!({"type": "key_down", "key": "Enter", "repeat": true}),
                    );
                    t += self.r(30, 35);
                }
                e.push(t, json!({"type": "key_up", "key": "Enter"}));
            }
            "press_before_show" => {
                e = Events::shown(["confirm", "other"][self.rng.usize(..2)], true, sample);
                let up = self.r(150, 1_800);
                e.push(up, json!({"type": "up", "on": "confirm"}));
            }
            "click_after_refocus" => {
                e = Events::shown("other", false, sample);
                let arrive = self.r(300, 900);
                e.travel(self.r(0, 200), arrive, CONFIRM, 0.3, "confirm");
                let blur = self.r(1_000, 3_000);
                e.push(blur, json!({"type": "blur"}));
                let focus = blur + self.r(500, 5_000);
                e.push(focus, json!({"type": "focus"}));
                let len = self.real(Real::PRESS);
                e.click(focus + self.r(20, 450), len);
            }
            "resting_pointer_click" => {
                // The pointer already rests where Confirm appears and the
                // hand clicks again as it would elsewhere: a quick click.
                e = Events::shown("confirm", false, sample);
                let at = self.real(Real::QUICK_CLICK_ELSEWHERE);
                let len = self.real(Real::PRESS);
                e.click(at, len);
            }
            "habitual_click_low_risk" => {
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let at = self.r(200, 1_300);
                self.habitual(&mut e, at);
            }
            "habitual_click_elevated_risk" => {
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let at = self.r(200, 2_000);
                self.habitual(&mut e, at);
            }
            "habitual_curved_by_a_looker" => {
                // A habit on a bowed path (not "straight"), by someone who
                // usually looks at the facts first: only what was learned
                // of them tells it from a read.
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let at = self.r(200, 1_300);
                let onset = self.r(0, 400).min(at.saturating_sub(120));
                let arrive = at.saturating_sub(self.r(60, 160)).max(onset + 100);
                let bend = self.r(50, 90) as f64 / 100.0;
                e.travel(onset, arrive, CONFIRM, bend, "confirm");
                let len = self.real(Real::PRESS);
                e.click(at.max(arrive + 10), len);
            }
            _ => {
                // double_tap: a touch screen's two quick taps (no hover:
                // the finger lands, lifts, lands again).
                e = Events::shown("none", false, sample);
                let t1 = self.r(0, 80);
                let len = self.real(Real::PRESS);
                e.push(t1, json!({"type": "down", "on": "confirm"}));
                e.push(t1 + len, json!({"type": "up", "on": "confirm"}));
                let t2 = t1 + self.real(Real::DOUBLE_CLICK_PRESS_TO_PRESS);
                let len = self.real(Real::PRESS);
                e.push(t2, json!({"type": "down", "on": "confirm"}));
                e.push(t2 + len, json!({"type": "up", "on": "confirm"}));
            }
        }
        self.trace("reflex", pattern, "mixed", context, e, None)
    }

    /// A deliberate person: reads (a still pause, or a look at the facts),
    /// then moves to the button and confirms; retries after a swallowed
    /// attempt. In elevated contexts they read longer, type the last four
    /// when asked and press and hold.
    pub fn deliberate(&mut self, pattern: &str, elevated: bool) -> Value {
        let context = match (elevated, pattern) {
            (true, _) => self.elevated_context(),
            (false, "looker") => self.looker_context(),
            (false, _) => self.low_context(),
        };
        let last4 = context["code_last4"].as_str().unwrap_or("").to_owned();
        let slow = if elevated { 1.4 } else { 1.0 };
        let sample = self.sampling();
        let mut e;
        let t;
        // How attempts are made: pointer clicks, a key, or touch.
        let mut key = None;
        let mut touch = false;
        // Someone who usually looks at the facts first: mostly does, and
        // sometimes reads by eye alone (then pays the departure's wait).
        let way = match pattern {
            "looker" if self.rng.u32(..100) < 85 => "fact_checker",
            "looker" => "fast_reader",
            p => p,
        };
        match way {
            "fact_checker" => {
                // Reads with the pointer: over the amount and the channel,
                // then to the button.
                e = Events::shown("other", false, sample);
                let still = self.real(Real::STILL_BEFORE_AIMED_MOVE) / 2;
                let at_facts = still + self.r(300, 700);
                e.travel(still, at_facts, FACTS, 0.2, "fact");
                let dwell = (self.real(Real::STILL_BEFORE_AIMED_MOVE) as f64 * slow) as u64;
                let leave = at_facts + dwell;
                let press = leave + self.real(Real::MOVE_START_TO_PRESS);
                let arrive = press.saturating_sub(self.r(60, 200)).max(leave + 100);
                e.travel(leave, arrive, CONFIRM, 0.15, "confirm");
                t = press.max(arrive + 10);
            }
            "fast_reader" => {
                // A short still read, then one aimed movement.
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let still = (self.real(Real::STILL_BEFORE_AIMED_MOVE) as f64 * 0.6 * slow) as u64;
                let still = still.max(350);
                let press = still + self.real(Real::MOVE_START_TO_PRESS).min(900);
                let arrive = press.saturating_sub(self.r(60, 200)).max(still + 100);
                e.travel(still, arrive, CONFIRM, 0.05, "confirm");
                t = press.max(arrive + 10);
            }
            "keyboard_enter" | "keyboard_space" | "keyboard_tab" => {
                e = Events::shown("none", false, sample);
                let read = (self.real(Real::STILL_BEFORE_AIMED_MOVE) as f64 * 1.5 * slow) as u64;
                let read = read.max(900);
                if pattern == "keyboard_tab" {
                    // Tabs through Back to Confirm, then Enter.
                    let mut k = read;
                    for _ in 0..self.r(1, 3) {
                        let len = self.real(Real::PRESS);
                        e.key(k, len, "Tab");
                        k += len + self.r(250, 600);
                    }
                    t = k;
                    key = Some("Enter");
                } else {
                    t = read;
                    key = Some(if pattern == "keyboard_space" {
                        "Space"
                    } else {
                        "Enter"
                    });
                }
            }
            "in_place_after_still_pause" => {
                // The pointer rests where Confirm appears (touchpad, small
                // window); after a still pause the person clicks in place.
                e = Events::shown("confirm", false, sample);
                t = (self.real(Real::STILL_BEFORE_AIMED_MOVE) as f64 * slow) as u64;
            }
            "touch_tap" | "touch_long_press" => {
                // No hover: the finger lands on the button after reading.
                e = Events::shown("none", false, sample);
                let read =
                    self.real(Real::STILL_BEFORE_AIMED_MOVE) + self.real(Real::MOVE_START_TO_PRESS);
                t = (read as f64 * slow) as u64;
                touch = true;
            }
            _ => {
                // reader_mouse: the hand wanders while reading, then aims.
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false, sample);
                let mut m = self.r(150, 500);
                let read = (self.real(Real::STILL_BEFORE_AIMED_MOVE) as f64 * 1.6 * slow) as u64;
                let read = read.max(900);
                while m + 400 < read {
                    let to = (self.r(200, 900) as f64, self.r(100, 500) as f64);
                    let end = m + self.r(150, 350);
                    e.travel(m, end, to, 0.4, "other");
                    m = end + self.r(200, 700);
                }
                let press = read + self.real(Real::MOVE_START_TO_PRESS);
                let arrive = press.saturating_sub(self.r(60, 200)).max(read + 100);
                e.travel(read, arrive, CONFIRM, 0.2, "confirm");
                t = press.max(arrive + 10);
            }
        }
        let mut t = t;
        if elevated {
            // Asked to type: they type the last four once they have read.
            let typed_at = t.saturating_sub(self.r(200, 600)).max(600);
            e.push(typed_at, json!({"type": "text", "text": last4}));
        }
        let long_press = pattern == "touch_long_press";
        let mut first = None;
        for _ in 0..6 {
            let len = match (key, elevated || long_press) {
                (Some(_), _) => self.real(Real::PRESS),
                (None, true) => self.r(1_700, 2_600),
                (None, false) => self.real(Real::PRESS),
            };
            if let Some(k) = key {
                e.key(t, len, k);
                first.get_or_insert(t);
            } else {
                if touch {
                    // A finger arrives where it presses: on it at once.
                    e.push(t, json!({"type": "down", "on": "confirm"}));
                    e.push(t + len, json!({"type": "up", "on": "confirm"}));
                } else {
                    e.click(t, len);
                }
                first.get_or_insert(t + len);
            }
            // Sees the "not yet" note, reads it, tries again.
            t = e.end() + self.r(600, 1_300);
        }
        let risk = if elevated { "elevated" } else { "low" };
        self.trace("deliberate", pattern, risk, context, e, first)
    }

    /// The full labelled sets: (reflex, deliberate).
    pub fn sets(seed: u64) -> (Vec<Value>, Vec<Value>) {
        let mut g = Gen::new(seed);
        let mut reflex = Vec::new();
        for p in REFLEX_PATTERNS {
            for _ in 0..100 {
                reflex.push(g.reflex(p));
            }
        }
        // Mix: mostly pointer readers; keyboard, resting pointers and touch
        // each a share of their own.
        let weights = [25, 15, 10, 10, 5, 5, 10, 10, 5, 5];
        let mut deliberate = Vec::new();
        for (elevated, n) in [(false, 1_000), (true, 300)] {
            for i in 0..n {
                let mut k = i * 100 / n;
                let mut idx = 0;
                while k >= weights[idx] {
                    k -= weights[idx];
                    idx += 1;
                }
                deliberate.push(g.deliberate(DELIBERATE_PATTERNS[idx], elevated));
            }
        }
        (reflex, deliberate)
    }
}
