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
        channel: crate::core::ids::ChannelId,
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
    /// "Something went wrong?" on the current order: answered with this
    /// problem id when the window is closed, its message saved.
    Remedy { problem: String },
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
            Action::Remedy { .. } => "remedy",
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
    /// The remedy assistant led to this path (`freeze`, `cancel_in_app`…).
    pub remedy_path: Option<String>,
}

/// What a step expected and did not find (None when all holds). `swallowed`
/// is None where it was not counted.
pub fn unmet(
    e: &Expect,
    order: Option<&super::order::Order>,
    swallowed: Option<u32>,
    remedy_path: Option<&str>,
) -> Option<String> {
    if let Some(want) = &e.remedy_path
        && remedy_path != Some(want.as_str())
    {
        let want = crate::core::code::mask_code_like_runs(want);
        return Some(format!(
            "expected the remedy path {want}, found {}",
            remedy_path.unwrap_or("none")
        ));
    }
    if let Some(want) = &e.phase {
        let have = order
            .map(|o| o.phase.label_key().trim_start_matches("phase."))
            .unwrap_or("none");
        if have != want {
            let want = crate::core::code::mask_code_like_runs(want);
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

/// Bounds on a script: it is a file a person may have edited or been sent.
pub const MAX_SCRIPT_BYTES: u64 = 1024 * 1024;
pub const MAX_STEPS: usize = 1_000;
/// The longest wait in one step: 30 days (the longest built-in window is 3).
pub const MAX_WAIT_S: u64 = 30 * 24 * 3600;
/// Demo face values are whole yuan in the range of real cards.
pub const MAX_FACE_YUAN: i64 = 99_999;
/// Card and channel texts are short.
pub const MAX_TEXT_CHARS: usize = 64;

/// The folder a demo works in for a data dir: `DATA/demo`, for the window
/// (`--demo`) and for `demo --headless` alike, never the data dir itself.
pub fn demo_paths(base: &super::session::Paths) -> super::session::Paths {
    // Made inside the data dir without following a link: a planted
    // `demo` link must not carry demo data (or a reset) elsewhere.
    super::session::Paths::in_subdir(base, "demo")
}

/// How long the demo person took to type a code (not a fast paste).
const TYPED_ENTRY_MS: i64 = 12_000;
/// An obviously fake verification code, for a channel that asks for one.
const DEMO_VERIFICATION: &str = "000000";

/// The scripted person fills a new order, in the window's walkthrough and
/// the headless demo alike: a fresh draft on `profile` (a hold still running
/// for the previous one can no longer be sent), the card typed by hand over
/// a few seconds, the face value chosen and retyped, an obviously fake
/// verification code where the channel asks for one, and "go on anyway"
/// when a demo card was submitted before (scripts reuse their cards).
pub fn fill_as_typed(
    flow: &mut super::flow::OrderFlow,
    profile: &super::profile::ChannelProfile,
    card: &str,
    face: super::money::Fen,
    now: chrono::DateTime<chrono::Utc>,
) {
    flow.reset_keeping_channel();
    flow.choose_channel(profile.id.clone());
    let draft = &mut flow.draft;
    *draft.code_raw = card.to_owned();
    draft.code_pasted = false;
    draft.code_started = Some(now - chrono::Duration::milliseconds(TYPED_ENTRY_MS));
    draft.face_value = Some(face);
    draft.face_retyped_raw = face.yuan_input_text();
    if profile.needs_verification_code {
        *draft.verification_raw = DEMO_VERIFICATION.to_owned();
    }
    draft.duplicate_ack = true;
}

/// Demo mode's "Reset": deletes the demo folder (the session on it must
/// be closed first); one already gone is fine. Never follows a link: a
/// `demo` link is removed as a link, not what it points to.
pub fn wipe(demo: &super::session::Paths) -> std::io::Result<()> {
    match std::fs::remove_dir_all(&demo.data_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `DEMO` followed by digits only (separators allowed): a real code after
/// a `DEMO ` prefix has letters and is refused, so a script cannot carry
/// one into a demo (or into its messages).
pub fn is_demo_card(card: &str) -> bool {
    let chars: Vec<char> = card.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    chars.len() <= 16
        && chars
            .iter()
            .take(4)
            .collect::<String>()
            .eq_ignore_ascii_case("DEMO")
        && chars[4..].iter().all(char::is_ascii_digit)
}

/// What is wrong with one field of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepProblem {
    /// A card that does not start with DEMO (it could be a real code).
    NotDemoCard,
    Speed(u64),
    OutOfRange {
        min: i128,
        max: i128,
        found: i128,
    },
    TooLong {
        max: usize,
    },
}

#[derive(Debug)]
pub enum ScriptError {
    Json(serde_json::Error),
    NoSteps,
    TooManySteps(usize),
    /// Step (1-based), the field, and what is wrong with it.
    Step(usize, &'static str, StepProblem),
}

impl ScriptError {
    /// In the person's language, naming the step and field.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        match self {
            ScriptError::Json(e) => tr.fmt(
                "demo_script.json",
                &[("line", &e.line()), ("error", &e.to_string())],
            ),
            ScriptError::NoSteps => tr.get("demo_script.no_steps").to_owned(),
            ScriptError::TooManySteps(n) => tr.fmt(
                "demo_script.too_many_steps",
                &[("count", n), ("max", &MAX_STEPS)],
            ),
            ScriptError::Step(n, field, p) => {
                let why = match p {
                    StepProblem::NotDemoCard => tr.get("demo_script.not_demo_card").to_owned(),
                    StepProblem::Speed(v) => tr.fmt("demo_script.speed", &[("found", v)]),
                    StepProblem::OutOfRange { min, max, found } => tr.fmt(
                        "demo_script.range",
                        &[("min", min), ("max", max), ("found", found)],
                    ),
                    StepProblem::TooLong { max } => tr.fmt("demo_script.too_long", &[("max", max)]),
                };
                tr.fmt(
                    "demo_script.step",
                    &[("step", n), ("field", field), ("why", &why)],
                )
            }
        }
    }
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(&crate::i18n::Texts::new(crate::i18n::Lang::En)))
    }
}

/// Checks one step's values (1-based `n`): speeds are 1/10/60, waits and
/// face values in range, cards obviously fake, texts short.
fn check_step(n: usize, action: &Action) -> Result<(), ScriptError> {
    let range = |field, min: i128, max: i128, found: i128| {
        if (min..=max).contains(&found) {
            Ok(())
        } else {
            Err(ScriptError::Step(
                n,
                field,
                StepProblem::OutOfRange { min, max, found },
            ))
        }
    };
    let short = |field, text: &str| {
        if text.chars().count() > MAX_TEXT_CHARS {
            Err(ScriptError::Step(
                n,
                field,
                StepProblem::TooLong {
                    max: MAX_TEXT_CHARS,
                },
            ))
        } else {
            Ok(())
        }
    };
    match action {
        Action::Speed { factor } if ![1, 10, 60].contains(factor) => Err(ScriptError::Step(
            n,
            "factor",
            StepProblem::Speed(*factor as u64),
        )),
        Action::Wait { seconds } => range("seconds", 0, MAX_WAIT_S as i128, *seconds as i128),
        Action::NewOrder {
            channel,
            card,
            face_value_yuan,
        } => {
            short("channel", channel.as_str())?;
            short("card", card)?;
            if !is_demo_card(card) {
                return Err(ScriptError::Step(n, "card", StepProblem::NotDemoCard));
            }
            range(
                "face_value_yuan",
                1,
                MAX_FACE_YUAN as i128,
                *face_value_yuan as i128,
            )
        }
        Action::Remedy { problem } => short("problem", problem),
        _ => Ok(()),
    }
}

/// Parses and checks a script: at most [`MAX_STEPS`] steps, each within
/// its bounds (see [`check_step`]).
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    let script: Script = serde_json::from_str(text).map_err(ScriptError::Json)?;
    if script.steps.is_empty() {
        return Err(ScriptError::NoSteps);
    }
    if script.steps.len() > MAX_STEPS {
        return Err(ScriptError::TooManySteps(script.steps.len()));
    }
    for (i, s) in script.steps.iter().enumerate() {
        check_step(i + 1, &s.action)?;
    }
    Ok(script)
}

/// Reads and parses a script file: a regular file of at most
/// [`MAX_SCRIPT_BYTES`] (a FIFO or device is refused before reading).
pub fn read_script(path: &std::path::Path, tr: &crate::i18n::Texts) -> Result<Script, String> {
    use crate::core::safe_file::{Links, describe, read_capped};
    let bytes = read_capped(path, MAX_SCRIPT_BYTES, Links::Follow).map_err(|e| describe(&e, tr))?;
    let text = String::from_utf8(bytes).map_err(|_| tr.get("demo_script.not_utf8").to_owned())?;
    parse(&text).map_err(|e| e.describe(tr))
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
    fn only_demo_and_digits_count_as_a_demo_card() {
        for ok in ["DEMO-0000-0000-0001", "demo 1", "DEMO1", "DEMO"] {
            assert!(is_demo_card(ok), "{ok}");
        }
        for bad in [
            "DEMO QW23ER45TY67UI89",
            "DEMO-QW23-ER45-TY67",
            "DEM",
            "",
            "QW23DEMO",
        ] {
            assert!(!is_demo_card(bad), "{bad}");
        }
    }

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
        assert!(matches!(parse(real), Err(ScriptError::Step(1, "card", _))));
        let speed =
            r#"{"title":{"zh":"x","en":"x"},"steps":[{"do":"caption"},{"do":"speed","factor":7}]}"#;
        assert!(matches!(
            parse(speed),
            Err(ScriptError::Step(2, "factor", _))
        ));
        let unknown = r#"{"title":{"zh":"x","en":"x"},"steps":[{"do":"launch_rocket"}]}"#;
        assert!(matches!(parse(unknown), Err(ScriptError::Json(_))));
    }

    fn one_step(step: &str) -> String {
        format!(r#"{{"title":{{"zh":"x","en":"x"}},"steps":[{{"do":"caption"}},{step}]}}"#)
    }

    #[test]
    fn absurd_numbers_are_errors_naming_step_and_field() {
        let order = |face: &str| {
            one_step(&format!(
                r#"{{"do":"new_order","channel":"kaquanmao","card":"DEMO-1","face_value_yuan":{face}}}"#
            ))
        };
        let cases = [
            (
                one_step(r#"{"do":"wait","seconds":1000000000000000}"#),
                "seconds",
            ),
            (
                one_step(&format!(r#"{{"do":"wait","seconds":{}}}"#, u64::MAX)),
                "seconds",
            ),
            (one_step(r#"{"do":"speed","factor":0}"#), "factor"),
            (one_step(r#"{"do":"speed","factor":1000000000}"#), "factor"),
            (order(&i64::MAX.to_string()), "face_value_yuan"),
            (order(&i64::MIN.to_string()), "face_value_yuan"),
            (order("0"), "face_value_yuan"),
            (order("100000"), "face_value_yuan"),
        ];
        for (text, field) in cases {
            match parse(&text) {
                Err(e @ ScriptError::Step(2, f, _)) if f == field => {
                    let en = e.describe(&crate::i18n::Texts::new(crate::i18n::Lang::En));
                    let zh = e.describe(&crate::i18n::Texts::new(crate::i18n::Lang::Zh));
                    assert!(en.contains("step 2") && en.contains(field), "{en}");
                    assert!(zh.contains("第 2 步") && zh.contains(field), "{zh}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        // Beyond u64 is not a number serde reads as a wait: refused, no wrap.
        let huge = one_step(r#"{"do":"wait","seconds":1000000000000000000000}"#);
        assert!(matches!(parse(&huge), Err(ScriptError::Json(_))));
        let long = one_step(&format!(
            r#"{{"do":"new_order","channel":"kaquanmao","card":"DEMO{}","face_value_yuan":100}}"#,
            "0".repeat(100)
        ));
        assert!(matches!(
            parse(&long),
            Err(ScriptError::Step(2, "card", StepProblem::TooLong { .. }))
        ));
    }

    #[test]
    fn the_step_count_is_bounded() {
        let steps = vec![r#"{"do":"caption"}"#; MAX_STEPS + 1].join(",");
        let text = format!(r#"{{"title":{{"zh":"x","en":"x"}},"steps":[{steps}]}}"#);
        assert!(matches!(parse(&text), Err(ScriptError::TooManySteps(n)) if n == MAX_STEPS + 1));
        let empty = r#"{"title":{"zh":"x","en":"x"},"steps":[]}"#;
        assert!(matches!(parse(empty), Err(ScriptError::NoSteps)));
    }
}
