//! Scripted demo walkthroughs. A script is a data file (the built-in one is
//! `assets/demo/walkthrough.json`): a title and a list of steps, each an
//! action with an optional caption and expectations. The same steps play
//! in the real window at a watchable pace (`ui/demo_player.rs`) and run
//! headless through the core (`headless.rs`, `cardguard demo --headless`).
//!
//! Also here: the two ways a person confirms that both players act out —
//! a reflex double click, and a deliberate confirm ([`Deliberate`]).

pub mod headless;

use super::guard::{Friction, GuardInput, GuardView, Target};
use super::profile::Localized;
use serde::Deserialize;

pub const BUILTIN_JSON: &str = include_str!("../../../assets/demo/walkthrough.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub title: Localized,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    #[serde(flatten)]
    pub action: Action,
    #[serde(default)]
    pub caption: Option<Localized>,
    #[serde(default)]
    pub expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// Only show the caption.
    Caption,
    /// Demo-time speed: 1, 10 or 60.
    Speed { factor: u32 },
    /// A new order: channel id, an obviously fake card (must start with
    /// DEMO) and a face value in yuan; ends on the review step.
    NewOrder {
        channel: String,
        card: String,
        face_value_yuan: i64,
    },
    /// The review appears and is double-clicked out of habit.
    ReflexDoubleClick,
    /// A person who read the summary confirms (moves, waits, holds or types).
    Confirm,
    /// Undo inside the hold window.
    Undo,
    /// Let demo time pass (holds end, windows run out).
    Wait { seconds: u64 },
    /// Cancel the current order inside its window.
    Cancel,
    /// Export the current order's evidence bundle.
    ExportEvidence,
    /// Verify the journal and the exported bundle.
    Verify,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Caption => "caption",
            Action::Speed { .. } => "speed",
            Action::NewOrder { .. } => "new_order",
            Action::ReflexDoubleClick => "reflex_double_click",
            Action::Confirm => "confirm",
            Action::Undo => "undo",
            Action::Wait { .. } => "wait",
            Action::Cancel => "cancel",
            Action::ExportEvidence => "export_evidence",
            Action::Verify => "verify",
        }
    }
}

/// What must hold after a step (a failed expectation fails the run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The current order's phase, as journaled names (`in_window`…).
    pub phase: Option<String>,
    /// The cancel fee charged, in fen.
    pub fee_fen: Option<i64>,
    /// At least this many confirm attempts were ignored in this step.
    pub swallowed_at_least: Option<u32>,
}

/// What a step expected and did not find (None when all holds). `swallowed`
/// is None where it was not counted.
pub fn unmet(
    e: &Expect,
    order: Option<&super::order::Order>,
    swallowed: Option<u32>,
) -> Option<String> {
    if let Some(want) = &e.phase {
        let have = order
            .map(|o| o.phase.label_key().trim_start_matches("phase."))
            .unwrap_or("none");
        if have != want {
            return Some(format!("expected phase {want}, found {have}"));
        }
    }
    if let Some(want) = e.fee_fen {
        let have = order.and_then(|o| o.fee_paid).map(|f| f.0);
        if have != Some(want) {
            return Some(format!("expected fee {want} fen, found {have:?}"));
        }
    }
    if let (Some(want), Some(have)) = (e.swallowed_at_least, swallowed)
        && have < want
    {
        return Some(format!(
            "expected at least {want} ignored clicks, found {have}"
        ));
    }
    None
}

#[derive(Debug)]
pub enum ScriptError {
    Json(serde_json::Error),
    /// Step (1-based) and what is wrong with it.
    Step(usize, String),
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScriptError::Json(e) => write!(f, "line {}: {e}", e.line()),
            ScriptError::Step(n, why) => write!(f, "step {n}: {why}"),
        }
    }
}

/// Parses and checks a script: speeds are 1/10/60, cards are obviously fake.
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    let script: Script = serde_json::from_str(text).map_err(ScriptError::Json)?;
    for (i, s) in script.steps.iter().enumerate() {
        match &s.action {
            Action::Speed { factor } if ![1, 10, 60].contains(factor) => {
                return Err(ScriptError::Step(i + 1, "speed must be 1, 10 or 60".into()));
            }
            Action::NewOrder {
                card,
                face_value_yuan,
                ..
            } => {
                if !card.trim().to_uppercase().starts_with("DEMO") {
                    return Err(ScriptError::Step(
                        i + 1,
                        "demo cards must start with DEMO (never a real code)".into(),
                    ));
                }
                if *face_value_yuan <= 0 {
                    return Err(ScriptError::Step(i + 1, "face value must be > 0".into()));
                }
            }
            _ => {}
        }
    }
    if script.steps.is_empty() {
        return Err(ScriptError::Step(0, "no steps".into()));
    }
    Ok(script)
}

pub fn builtin() -> Script {
    parse(BUILTIN_JSON).expect("the built-in walkthrough parses (tested)")
}

/// A reflex double click on confirm right after the step shows:
/// (milliseconds after show, input).
pub const REFLEX_DOUBLE_CLICK: [(u64, GuardInput); 5] = [
    (
        40,
        GuardInput::PointerMoved {
            on: Target::Confirm,
        },
    ),
    (
        110,
        GuardInput::PointerDown {
            on: Target::Confirm,
        },
    ),
    (
        170,
        GuardInput::PointerUp {
            on: Target::Confirm,
        },
    ),
    (
        290,
        GuardInput::PointerDown {
            on: Target::Confirm,
        },
    ),
    (
        350,
        GuardInput::PointerUp {
            on: Target::Confirm,
        },
    ),
];

/// A deliberate confirm, one stage at a time: type if asked, move onto the
/// button, wait until it is armed, press, hold if asked, release.
#[derive(Debug, Clone, Default)]
pub struct Deliberate {
    stage: u8,
    pressed_at: u64,
}

impl Deliberate {
    /// The inputs to send now (at `at_ms`), given what the guard shows.
    pub fn next(&mut self, view: &GuardView, at_ms: u64) -> Vec<GuardInput> {
        match self.stage {
            0 => {
                self.stage = 1;
                let mut v = Vec::new();
                if view.friction == Friction::TypeToConfirm {
                    v.push(GuardInput::Typed { matches: true });
                }
                v.push(GuardInput::PointerMoved { on: Target::Other });
                v.push(GuardInput::PointerMoved {
                    on: Target::Confirm,
                });
                v
            }
            1 if view.armed => {
                self.stage = 2;
                self.pressed_at = at_ms;
                vec![GuardInput::PointerDown {
                    on: Target::Confirm,
                }]
            }
            2 => {
                let hold = match view.friction {
                    Friction::HoldMs(h) => h,
                    _ => 0,
                };
                if at_ms >= self.pressed_at + hold {
                    self.stage = 3;
                    vec![GuardInput::PointerUp {
                        on: Target::Confirm,
                    }]
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// Milliseconds until `next` has something to send (None: done).
    pub fn wait_ms(&self, view: &GuardView, at_ms: u64) -> Option<u64> {
        match self.stage {
            0 => Some(0),
            1 => Some(view.arms_in_ms.unwrap_or(100).max(1)),
            2 => Some(match view.friction {
                Friction::HoldMs(h) => (self.pressed_at + h).saturating_sub(at_ms).max(1),
                _ => 1,
            }),
            _ => None,
        }
    }

    pub fn done(&self) -> bool {
        self.stage >= 3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_walkthrough_parses_and_covers_what_a_demo_must_show() {
        let s = builtin();
        let names: Vec<&str> = s.steps.iter().map(|s| s.action.name()).collect();
        for needed in [
            "reflex_double_click",
            "undo",
            "cancel",
            "wait",
            "export_evidence",
            "verify",
        ] {
            assert!(names.contains(&needed), "{needed} missing");
        }
        assert!(s.steps.iter().all(|s| s.caption.is_some()));
    }

    #[test]
    fn bad_scripts_are_refused_with_the_step() {
        let real = r#"{"title":{"zh":"x","en":"x"},"steps":[{"do":"new_order","channel":"kaquanmao","card":"ABCD1234EFGH5678","face_value_yuan":100}]}"#;
        assert!(matches!(parse(real), Err(ScriptError::Step(1, _))));
        let speed =
            r#"{"title":{"zh":"x","en":"x"},"steps":[{"do":"caption"},{"do":"speed","factor":7}]}"#;
        assert!(matches!(parse(speed), Err(ScriptError::Step(2, _))));
        let unknown = r#"{"title":{"zh":"x","en":"x"},"steps":[{"do":"launch_rocket"}]}"#;
        assert!(matches!(parse(unknown), Err(ScriptError::Json(_))));
    }
}
