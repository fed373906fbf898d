//! Offline evaluation: replays recorded confirmation traces through a guard
//! (`cardguard guard-eval --traces FILE`). The same guard code as the app.
//!
//! Input, one JSON object per line:
//! `{"id": "t1", "context": {...}, "events": [{"t": 0, "type": "shown", "pointer_on": "confirm"}, ...]}`
//! Output, one line per trace:
//! `{"id": "t1", "confirmed_at": 2380, "arming_ms": 1800, "friction": "none", "reasons": ["..."]}`

use super::behaviour::{BehaviourGuard, GuardContext, Sensitivity};
use super::{ConfirmGuard, GuardInput, Reason, Target, Verdict};
use crate::i18n::Texts;
use serde::Deserialize;
use serde_json::{Value, json};

fn default_hour() -> u8 {
    12
}

fn default_entry_ms() -> u64 {
    60_000
}

#[derive(Debug, Clone, Deserialize)]
pub struct TraceContext {
    pub face_value_fen: i64,
    pub cancel_window_s: u64,
    #[serde(default)]
    pub first_use: bool,
    #[serde(default)]
    pub recent_releases_10min: u32,
    #[serde(default)]
    pub code_pasted: bool,
    #[serde(default = "default_entry_ms")]
    pub entry_ms: u64,
    #[serde(default = "default_hour")]
    pub local_hour: u8,
    #[serde(default)]
    pub duplicate: bool,
    #[serde(default)]
    pub code_last4: Option<String>,
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// The person's pace, when the trace replays someone with one:
    /// `{"count": 20, "p10_ms": 900, "median_ms": 1400}`, and optionally
    /// `"looked": 18`: of those, how many rested on the facts first.
    #[serde(default)]
    pub pace: Option<TracePace>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct TracePace {
    pub count: usize,
    pub p10_ms: u64,
    pub median_ms: u64,
    #[serde(default)]
    pub looked: Option<usize>,
}

impl TraceContext {
    pub fn guard_context(&self) -> GuardContext {
        GuardContext {
            face_value_fen: self.face_value_fen,
            cancel_window_s: self.cancel_window_s,
            first_use: self.first_use,
            recent_releases_10min: self.recent_releases_10min,
            code_pasted: self.code_pasted,
            entry_ms: self.entry_ms,
            local_hour: self.local_hour.min(23),
            duplicate: self.duplicate,
            batch_count: 0,
            sensitivity: self.sensitivity,
            pace: self.pace.map(|p| super::PaceFit {
                count: p.count,
                p10_ms: p.p10_ms.min(super::Pace::MAX_SAMPLE_MS),
                median_ms: p.median_ms.min(super::Pace::MAX_SAMPLE_MS),
                // As the app: a look habit only from enough confirmations.
                looks: p
                    .looked
                    .filter(|_| p.count >= super::Pace::MIN_SAMPLES)
                    .map(|l| super::LookHabit {
                        looked: l.min(p.count),
                        of: p.count,
                    }),
            }),
            unusual: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceEvent {
    Shown {
        t: u64,
        #[serde(default)]
        pointer_on: Target,
        #[serde(default)]
        pointer_down: bool,
    },
    /// `x`, `y` (points, optional): where the pointer is; from them the
    /// guard reads how the way to Confirm began and how straight it was.
    Move {
        t: u64,
        on: Target,
        #[serde(default)]
        x: Option<f64>,
        #[serde(default)]
        y: Option<f64>,
    },
    Down {
        t: u64,
        on: Target,
    },
    Up {
        t: u64,
        on: Target,
    },
    KeyDown {
        t: u64,
        key: String,
        #[serde(default)]
        repeat: bool,
    },
    KeyUp {
        t: u64,
        key: String,
    },
    Blur {
        t: u64,
    },
    Focus {
        t: u64,
    },
    /// The window moved or was resized.
    #[serde(alias = "resize", alias = "window_moved")]
    Moved {
        t: u64,
    },
    Text {
        t: u64,
        text: String,
    },
    /// Event types this version does not know are skipped.
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Trace {
    pub id: Value,
    pub context: TraceContext,
    pub events: Vec<TraceEvent>,
}

/// What a guard made of one trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `t` of the first input accepted as the confirmation.
    pub confirmed_at: Option<u64>,
    pub arming_ms: u64,
    pub friction: &'static str,
    pub reasons: Vec<Reason>,
    /// How many confirm attempts were swallowed before (or without) acceptance.
    pub swallowed: usize,
}

/// A key that presses the focused confirm button: Enter, or Space (which
/// presses any focused button).
fn is_enter(key: &str) -> bool {
    ["enter", "return", "space", " "]
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k))
}

/// Replays a trace through `guard` (already built for the trace's context).
pub fn replay(guard: &mut dyn ConfirmGuard, trace: &Trace) -> Outcome {
    let mut confirmed_at = None;
    let mut swallowed = 0;
    let starts_shown = matches!(trace.events.first(), Some(TraceEvent::Shown { .. }));
    if !starts_shown {
        guard.observe(
            0,
            GuardInput::Shown {
                pointer_on: Target::None,
                pointer_down: false,
            },
        );
    }
    for e in &trace.events {
        let (t, input) = match e {
            TraceEvent::Shown {
                t,
                pointer_on,
                pointer_down,
            } => (
                *t,
                GuardInput::Shown {
                    pointer_on: *pointer_on,
                    pointer_down: *pointer_down,
                },
            ),
            TraceEvent::Move { t, on, x, y } => {
                if let (Some(x), Some(y)) = (x, y) {
                    let at = GuardInput::PointerAt {
                        x: x.clamp(-1e6, 1e6) as i32,
                        y: y.clamp(-1e6, 1e6) as i32,
                    };
                    if let Verdict::Swallowed(_) = guard.observe(*t, at) {
                        swallowed += 1;
                    }
                }
                (*t, GuardInput::PointerMoved { on: *on })
            }
            TraceEvent::Down { t, on } => (*t, GuardInput::PointerDown { on: *on }),
            TraceEvent::Up { t, on } => (*t, GuardInput::PointerUp { on: *on }),
            TraceEvent::KeyDown { t, key, repeat } => (
                *t,
                GuardInput::KeyDown {
                    enter: is_enter(key),
                    repeat: *repeat,
                },
            ),
            TraceEvent::KeyUp { t, key } => (
                *t,
                GuardInput::KeyUp {
                    enter: is_enter(key),
                },
            ),
            TraceEvent::Blur { t } => (*t, GuardInput::FocusLost),
            TraceEvent::Focus { t } => (*t, GuardInput::FocusGained),
            TraceEvent::Moved { t } => (*t, GuardInput::WindowChanged),
            TraceEvent::Text { t, text } => {
                let matches = match &trace.context.code_last4 {
                    Some(l) => text.trim().eq_ignore_ascii_case(l.trim()),
                    None => !text.trim().is_empty(),
                };
                (*t, GuardInput::Typed { matches })
            }
            TraceEvent::Unknown => continue,
        };
        match guard.observe(t, input) {
            Verdict::Confirmed => {
                confirmed_at = Some(t);
                break;
            }
            Verdict::Swallowed(_) => swallowed += 1,
            Verdict::Noted => {}
        }
    }
    Outcome {
        confirmed_at,
        arming_ms: guard.arming_ms(),
        friction: guard.friction().name(),
        reasons: guard.decision_reasons(),
        swallowed,
    }
}

/// A guard reason as one short sentence in `tr`'s language.
pub fn describe(tr: &Texts, r: &Reason) -> String {
    let n = r.value().unwrap_or(0);
    let value = match r {
        Reason::HighValue(face) | Reason::Value(face) | Reason::AboveUsual(face) => {
            face.to_string()
        }
        Reason::Burst(_) | Reason::Night(_) | Reason::Batch(_) => n.to_string(),
        // Counts down with the button's whole seconds.
        Reason::TooEarly(_)
        | Reason::RestingPointer(_)
        | Reason::StraightToConfirm(_)
        | Reason::FasterThanYourPace(_)
        | Reason::SkippedYourLook(_) => n.div_ceil(1000).to_string(),
        // Milliseconds, said in seconds (unused by the texts without a number).
        _ => format!("{:.1}", n as f64 / 1000.0),
    };
    tr.fmt(r.key(), &[("n", &value)])
}

/// One input line → one output line (JSON, no newline). Never fails: a bad
/// line yields `{"id": …, "error": "…"}`.
pub fn evaluate_line(line: &str, tr: &Texts) -> String {
    let trace: Trace = match serde_json::from_str(line) {
        Ok(t) => t,
        Err(e) => {
            let id = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(Value::Null);
            return json!({ "id": id, "error": e.to_string() }).to_string();
        }
    };
    let mut guard = BehaviourGuard::new(&trace.context.guard_context());
    let o = replay(&mut guard, &trace);
    // A struct, not json!(), to keep the documented key order.
    #[derive(serde::Serialize)]
    struct Line {
        id: Value,
        confirmed_at: Option<u64>,
        arming_ms: u64,
        friction: &'static str,
        reasons: Vec<String>,
    }
    let line = Line {
        id: trace.id,
        confirmed_at: o.confirmed_at,
        arming_ms: o.arming_ms,
        friction: o.friction,
        reasons: o.reasons.iter().map(|r| describe(tr, r)).collect(),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const ISSUE_EXAMPLE: &str = r#"{"id": "t1",
 "context": {"face_value_fen": 50000, "cancel_window_s": 0, "first_use": false,
             "recent_releases_10min": 0, "code_pasted": true, "entry_ms": 4200,
             "local_hour": 23, "duplicate": false, "code_last4": "7F3K",
             "sensitivity": "standard"},
 "events": [
   {"t": 0,    "type": "shown", "pointer_on": "confirm"},
   {"t": 140,  "type": "move",  "on": "none"},
   {"t": 1900, "type": "move",  "on": "confirm"},
   {"t": 2300, "type": "down",  "on": "confirm"},
   {"t": 2380, "type": "up",    "on": "confirm"},
   {"t": 2500, "type": "key_down", "key": "Enter", "repeat": false},
   {"t": 2560, "type": "key_up",   "key": "Enter"},
   {"t": 3000, "type": "blur"},  {"t": 5000, "type": "focus"},
   {"t": 5100, "type": "text", "text": "7F3K"}
 ]}"#;

    #[test]
    fn the_issue_example_replays() {
        let line = ISSUE_EXAMPLE.replace('\n', " ");
        let out: Value =
            serde_json::from_str(&evaluate_line(&line, &Texts::new(Lang::En))).unwrap();
        assert_eq!(out["id"], "t1");
        // ¥500 on a no-cancel channel, pasted fast: high risk, hold to confirm;
        // the 80 ms click and the Enter do not confirm.
        assert_eq!(out["friction"], "hold");
        assert_eq!(out["confirmed_at"], Value::Null);
        assert!(out["arming_ms"].as_u64().unwrap() >= 1_800);
        let reasons = out["reasons"].as_array().unwrap();
        assert!(
            reasons
                .iter()
                .any(|r| r.as_str().unwrap().contains("cannot cancel")),
            "{reasons:?}"
        );
    }

    #[test]
    fn malformed_lines_report_and_unknown_fields_are_ignored() {
        let tr = Texts::new(Lang::En);
        let out: Value =
            serde_json::from_str(&evaluate_line(r#"{"id": "x", "context": {}}"#, &tr)).unwrap();
        assert_eq!(out["id"], "x");
        assert!(out["error"].as_str().unwrap().len() > 3);
        let out: Value = serde_json::from_str(&evaluate_line("not json", &tr)).unwrap();
        assert_eq!(out["id"], Value::Null);
        let ok = r#"{"id": 7, "extra": 1, "context": {"face_value_fen": 10000, "cancel_window_s": 480, "whatever": true},
            "events": [{"t": 0, "type": "shown"}, {"t": 10, "type": "wiggle"}, {"t": 900, "type": "move", "on": "confirm", "speed": 3},
                       {"t": 1200, "type": "down", "on": "confirm"}, {"t": 1280, "type": "up", "on": "confirm"}]}"#
            .replace('\n', " ");
        let out: Value = serde_json::from_str(&evaluate_line(&ok, &tr)).unwrap();
        assert_eq!(out["id"], 7);
        assert_eq!(out["confirmed_at"], 1280);
        assert_eq!(out["friction"], "none");
    }
}
