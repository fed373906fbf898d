//! Plays a demo script in the real window at a watchable pace: each step's
//! caption shows first for 3 s at ×1 (reading must not cost demo time, or
//! a 10-second hold would be over before its caption was read), then the
//! step acts at the script's speed through the same commands a person's
//! clicks produce, and waits let demo time run. A step whose expectation
//! fails stops the walkthrough with a notice (what a presenter needs).

use super::app::{App, Command, Level, Notice, Screen, TypeToConfirm};
use crate::core::clock::ms_between;
use crate::core::demo::{Action, Deliberate, REFLEX_DOUBLE_CLICK, Script, unmet};
use crate::core::money::Fen;
use crate::i18n::Texts;
use chrono::{DateTime, Duration, Utc};
use eframe::egui::{self, RichText};

/// How long a caption stands before its step acts, in wall milliseconds.
pub const CAPTION_MS: i64 = 3_000;

enum Stage {
    /// Caption on screen until then (demo time).
    Caption(DateTime<Utc>),
    Confirming(Deliberate),
    /// Demo time passes until then.
    Waiting(DateTime<Utc>),
}

pub struct DemoPlayer {
    script: Script,
    pub step: usize,
    stage: Stage,
    /// The order the script works on.
    order: Option<String>,
    /// The step just finished: its expectations are checked once its
    /// commands have been applied.
    check: Option<usize>,
    /// The script's speed for actions (captions always read at ×1).
    speed: u32,
    pub finished: bool,
}

impl DemoPlayer {
    pub fn new(script: Script, now: DateTime<Utc>, factor: u32) -> Self {
        Self {
            script,
            step: 0,
            stage: Stage::Caption(now + caption_time()),
            order: None,
            check: None,
            speed: factor.max(1),
            finished: false,
        }
    }

    /// When the player next needs a frame (demo time).
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        match &self.stage {
            _ if self.finished => None,
            Stage::Caption(t) | Stage::Waiting(t) => Some(*t),
            Stage::Confirming(_) => None,
        }
    }

    pub fn confirming(&self) -> bool {
        matches!(self.stage, Stage::Confirming(_))
    }
}

fn caption_time() -> Duration {
    Duration::milliseconds(CAPTION_MS)
}

/// One frame of the walkthrough: returns the commands its step needs now.
pub fn drive(app: &mut App) -> Vec<Command> {
    let mut out = Vec::new();
    let factor = app.demo.as_ref().map_or(1, |d| d.factor());
    let Some(now) = app.now() else {
        return out;
    };
    let Some(p) = app.demo_player.as_mut() else {
        return out;
    };
    if p.finished {
        return out;
    }
    let Some(step) = p.script.steps.get(p.step).cloned() else {
        p.finished = true;
        return out;
    };
    if let Stage::Caption(until) = p.stage
        && now < until
    {
        if factor != 1 {
            out.push(Command::DemoSpeed(1));
        }
        return out;
    }
    let done = match &mut p.stage {
        Stage::Caption(_) => {
            if let Action::Speed { factor } = step.action {
                p.speed = factor;
            }
            if p.speed != factor {
                out.push(Command::DemoSpeed(p.speed));
            }
            act(app, &step.action, now, &mut out)
        }
        Stage::Waiting(until) => now >= *until,
        Stage::Confirming(d) => {
            let mut d = std::mem::take(d);
            let finished = confirm_frame(app, &mut d, now, &mut out);
            if let Some(p) = app.demo_player.as_mut() {
                p.stage = Stage::Confirming(d);
            }
            finished
        }
    };
    if done && let Some(p) = app.demo_player.as_mut() {
        p.stage = Stage::Caption(now + caption_time());
        p.check = Some(p.step);
        p.step += 1;
        if p.step >= p.script.steps.len() {
            p.finished = true;
        }
    }
    out
}

/// Checks the step that just finished, once its commands have applied.
pub fn check_finished_step(app: &mut App) {
    let Some(p) = app.demo_player.as_mut() else {
        return;
    };
    let Some(i) = p.check.take() else {
        return;
    };
    let Some(step) = p.script.steps.get(i) else {
        return;
    };
    let order = p
        .order
        .as_deref()
        .and_then(|id| app.session.as_ref()?.order(id));
    if let Some(problem) = unmet(&step.expect, order, None) {
        app.demo_player = None;
        app.notices.push(
            Notice::new(Level::Warning, "demo.walkthrough_failed")
                .arg("step", i + 1)
                .arg("problem", problem),
        );
    }
}

/// Starts a step's action; true when it is already complete.
fn act(app: &mut App, action: &Action, now: DateTime<Utc>, out: &mut Vec<Command>) -> bool {
    match action {
        Action::Caption => true,
        // Taken into account by `drive` (actions run at the script's speed).
        Action::Speed { .. } => true,
        Action::NewOrder {
            channel,
            card,
            face_value_yuan,
        } => {
            out.push(Command::Navigate(Screen::Entry));
            out.push(Command::ChooseChannel(channel.clone()));
            out.push(Command::DemoFillCard {
                card: card.clone(),
                face: Fen::from_yuan(*face_value_yuan),
            });
            out.push(Command::GoToReview { from: None });
            true
        }
        Action::ReflexDoubleClick => {
            out.push(Command::DemoShowReviewAgain);
            // A double click faster than any reading: all inside the cooldown.
            out.extend(
                REFLEX_DOUBLE_CLICK
                    .iter()
                    .map(|(_, i)| Command::DemoGuard(*i)),
            );
            true
        }
        Action::Confirm => {
            if let Some(p) = app.demo_player.as_mut() {
                p.stage = Stage::Confirming(Deliberate::default());
            }
            false
        }
        Action::Undo => {
            out.push(Command::Undo);
            true
        }
        Action::Wait { seconds } => {
            if let Some(p) = app.demo_player.as_mut() {
                p.stage = Stage::Waiting(now + Duration::seconds(*seconds as i64));
            }
            false
        }
        Action::Cancel => {
            if let Some(id) = app.demo_player.as_ref().and_then(|p| p.order.clone()) {
                out.push(Command::Cancel(id));
            }
            true
        }
        Action::ExportEvidence => {
            if let Some(id) = app.demo_player.as_ref().and_then(|p| p.order.clone()) {
                out.push(Command::ExportEvidence(id.clone()));
                out.push(Command::DemoShowJournal(id));
            }
            true
        }
        Action::Verify => {
            out.push(Command::DemoVerify);
            true
        }
    }
}

/// One frame of a deliberate confirm; true once the review is gone (confirmed).
fn confirm_frame(
    app: &mut App,
    d: &mut Deliberate,
    now: DateTime<Utc>,
    out: &mut Vec<Command>,
) -> bool {
    let Some(r) = app.review.as_ref() else {
        return true;
    };
    if let Some(p) = app.demo_player.as_mut() {
        p.order = r.subject.order().map(str::to_owned).or(p.order.take());
    }
    let at = ms_between(r.shown_at, now);
    let view = r.guard.view(at);
    for input in d.next(&view, at) {
        if matches!(input, crate::core::guard::GuardInput::Typed { .. }) {
            let text = match &r.expected {
                TypeToConfirm::Last4(l) => l.clone(),
                TypeToConfirm::Total(t) => t.yuan_input_text(),
            };
            out.push(Command::TypedLast4(text));
        }
        out.push(Command::DemoGuard(input));
    }
    d.done()
}

/// Remembers the order the script works on (the draft's, once it has one).
pub fn track_order(app: &mut App) {
    let id = app.draft.order_id.clone();
    if let (Some(p), Some(id)) = (app.demo_player.as_mut(), id) {
        p.order = Some(id);
    }
}

/// The caption bar at the bottom of the window while a walkthrough plays.
pub fn caption_bar(ui: &mut egui::Ui, tr: &Texts, p: &DemoPlayer, out: &mut Vec<Command>) {
    egui::Panel::bottom("demo_caption").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(tr.fmt(
                    "demo.walkthrough_step",
                    &[
                        ("n", &(p.step + 1).min(p.script.steps.len())),
                        ("total", &p.script.steps.len()),
                    ],
                ))
                .weak(),
            );
            ui.label(RichText::new(p.script.title.get(tr.lang())).weak());
            if ui.button(tr.get("demo.walkthrough_stop")).clicked() {
                out.push(Command::DemoStop);
            }
        });
        let caption = if p.finished {
            tr.get("demo.walkthrough_done").to_owned()
        } else {
            p.script
                .steps
                .get(p.step)
                .and_then(|s| s.caption.as_ref())
                .map(|c| c.get(tr.lang()).to_owned())
                .unwrap_or_default()
        };
        ui.add(egui::Label::new(RichText::new(caption).size(20.0).strong()).wrap());
        ui.add_space(6.0);
    });
}
