//! Generates labelled confirmation traces: reflex patterns that must never
//! confirm, and deliberate people (readers, keyboard users, people who
//! retry after a swallowed click) in low-risk and elevated-risk contexts.
//! Deterministic for a seed, so the committed sets can be checked.

use serde_json::{Value, json};

pub struct Gen {
    rng: fastrand::Rng,
    next_id: u64,
}

/// A trace under construction: events with times in ms since shown.
struct Events(Vec<Value>);

impl Events {
    fn shown(on: &str, down: bool) -> Self {
        let mut e = json!({"t": 0, "type": "shown", "pointer_on": on});
        if down {
            e["pointer_down"] = json!(true);
        }
        Events(vec![e])
    }
    fn push(&mut self, t: u64, v: Value) {
        let mut v = v;
        v["t"] = json!(t);
        self.0.push(v);
    }
    fn mv(&mut self, t: u64, on: &str) {
        self.push(t, json!({"type": "move", "on": on}));
    }
    fn click(&mut self, t: u64, len: u64) {
        self.push(t, json!({"type": "down", "on": "confirm"}));
        self.push(t + len, json!({"type": "up", "on": "confirm"}));
    }
    fn enter(&mut self, t: u64, len: u64) {
        self.push(
            t,
            json!({"type": "key_down", "key": "Enter", "repeat": false}),
        );
        self.push(t + len, json!({"type": "key_up", "key": "Enter"}));
    }
}

pub const REFLEX_PATTERNS: [&str; 8] = [
    "cooldown_click",
    "double_click_half",
    "click_spam",
    "key_repeat",
    "press_before_show",
    "click_after_refocus",
    "resting_pointer_click",
    "fast_habitual_click",
];

pub const DELIBERATE_PATTERNS: [&str; 6] = [
    "reader_mouse",
    "fast_reader",
    "keyboard_reader",
    "resting_pointer_reader",
    "retry_after_swallowed",
    "checks_elsewhere_then_returns",
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

    /// Log-normal reading time (ms) with the given median, clamped.
    fn dwell(&mut self, median: f64, lo: u64, hi: u64) -> u64 {
        // Box-Muller for a standard normal.
        let (u1, u2) = (self.rng.f64().max(1e-12), self.rng.f64());
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        ((median * (0.45 * z).exp()) as u64).clamp(lo, hi)
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
        let mut t = json!({
            "id": format!("{}-{:04}", &label[..1], self.next_id),
            "label": label, "pattern": pattern, "risk": risk,
            "context": context, "events": events.0,
        });
        if let Some(f) = first_attempt {
            t["first_attempt"] = json!(f);
        }
        t
    }

    pub fn reflex(&mut self, pattern: &str) -> Value {
        let context = if self.rng.bool() {
            self.low_context()
        } else {
            self.elevated_context()
        };
        let mut e;
        match pattern {
            "cooldown_click" => {
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false);
                let arrive = self.r(40, 250);
                e.mv(arrive, "confirm");
                let down = self.r(arrive + 10, 480);
                e.click(down, self.r(40, 90));
            }
            "double_click_half" => {
                if self.rng.bool() {
                    e = Events::shown(["confirm", "other"][self.rng.usize(..2)], true);
                    let up = self.r(30, 120);
                    e.push(up, json!({"type": "up", "on": "confirm"}));
                } else {
                    e = Events::shown("confirm", false);
                    let down = self.r(20, 160);
                    e.click(down, self.r(50, 90));
                }
            }
            "click_spam" => {
                e = Events::shown("other", false);
                let arrive = self.r(60, 200);
                e.mv(arrive, "confirm");
                let end = self.r(1_500, 3_200);
                let mut t = arrive + self.r(20, 80);
                while t < end {
                    let len = self.r(30, 70);
                    e.click(t, len);
                    t += len + self.r(60, 160);
                }
            }
            "key_repeat" => {
                e = Events::shown("none", false);
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
                e = Events::shown(["confirm", "other"][self.rng.usize(..2)], true);
                let up = self.r(150, 1_800);
                e.push(up, json!({"type": "up", "on": "confirm"}));
            }
            "click_after_refocus" => {
                e = Events::shown("other", false);
                let arrive = self.r(300, 900);
                e.mv(arrive, "confirm");
                let blur = self.r(1_000, 3_000);
                e.push(blur, json!({"type": "blur"}));
                let focus = blur + self.r(500, 5_000);
                e.push(focus, json!({"type": "focus"}));
                e.click(focus + self.r(20, 450), self.r(40, 90));
            }
            "resting_pointer_click" => {
                e = Events::shown("confirm", false);
                e.click(self.r(500, 2_200), self.r(50, 100));
            }
            _ => {
                // fast_habitual_click: straight to the button, click before reading.
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false);
                let arrive = self.r(150, 380);
                e.mv(arrive, "confirm");
                e.click(self.r(arrive.max(450), 780), self.r(50, 90));
            }
        }
        self.trace("reflex", pattern, "mixed", context, e, None)
    }

    /// A deliberate person: reads, then confirms; retries after a swallowed
    /// attempt. In elevated contexts they read longer, type the last four
    /// when asked and press-and-hold (every attempt is a long press).
    pub fn deliberate(&mut self, pattern: &str, elevated: bool) -> Value {
        let context = if elevated {
            self.elevated_context()
        } else {
            self.low_context()
        };
        let last4 = context["code_last4"].as_str().unwrap_or("").to_owned();
        let slow = if elevated { 1.4 } else { 1.0 };
        let press_len = |g: &mut Gen| {
            if elevated {
                g.r(1_700, 2_600)
            } else {
                g.r(60, 140)
            }
        };
        let mut e;
        let mut t;
        let keyboard = pattern == "keyboard_reader";
        match pattern {
            "fast_reader" => {
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false);
                t = self.dwell(1_050.0 * slow, 850, 1_400);
                e.mv(t - self.r(250, 450), "other");
                e.mv(t - self.r(120, 240), "confirm");
            }
            "keyboard_reader" => {
                e = Events::shown("none", false);
                t = self.dwell(2_300.0 * slow, 1_350, 9_000);
            }
            "resting_pointer_reader" => {
                e = Events::shown("confirm", false);
                t = self.dwell(3_200.0 * slow, 2_000, 9_000);
            }
            "retry_after_swallowed" => {
                e = Events::shown("other", false);
                let arrive = self.r(350, 600);
                e.mv(arrive, "confirm");
                t = self.r(arrive + 150, 880);
            }
            "checks_elsewhere_then_returns" => {
                e = Events::shown("other", false);
                let blur = self.r(800, 2_000);
                e.push(blur, json!({"type": "blur"}));
                let focus = blur + self.r(2_000, 6_000);
                e.push(focus, json!({"type": "focus"}));
                e.mv(focus + self.r(200, 500), "other");
                t = focus + self.r(800, 1_800);
                e.mv(t - self.r(150, 350), "confirm");
            }
            _ => {
                // reader_mouse
                e = Events::shown(["none", "other"][self.rng.usize(..2)], false);
                t = self.dwell(2_000.0 * slow, 900, 9_000);
                let mut m = self.r(150, 500);
                while m + 700 < t {
                    e.mv(m, "other");
                    m += self.r(300, 900);
                }
                e.mv(t - self.r(300, 500), "other");
                e.mv(t - self.r(150, 290), "confirm");
            }
        }
        if elevated {
            // Asked to type: they type the last four once they have read the summary.
            let typed_at = t.saturating_sub(self.r(200, 600)).max(600);
            e.push(typed_at, json!({"type": "text", "text": last4}));
        }
        let mut first = None;
        for _ in 0..6 {
            let len = if keyboard {
                self.r(60, 120)
            } else {
                press_len(self)
            };
            if keyboard {
                e.enter(t, len);
                first.get_or_insert(t);
            } else {
                e.click(t, len);
                first.get_or_insert(t + len);
            }
            // Sees the "not yet" note, reads it, tries again.
            t += len + self.r(600, 1_300);
        }
        let risk = if elevated { "elevated" } else { "low" };
        let mut v = self.trace("deliberate", pattern, risk, context, e, first);
        // Events were appended out of order for typed text: sort by time.
        if let Some(ev) = v["events"].as_array_mut() {
            ev.sort_by_key(|x| x["t"].as_u64().unwrap_or(0));
        }
        v
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
        // Mix: mostly plain readers, some fast, keyboard, resting, retrying, switching.
        let weights = [45, 10, 15, 5, 15, 10];
        let mut deliberate = Vec::new();
        for (elevated, n) in [(false, 600), (true, 200)] {
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
