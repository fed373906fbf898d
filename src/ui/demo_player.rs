//! Plays a demo script in the real window at a watchable pace: each step's
//! caption shows first for 3 s at ×1 (reading must not cost demo time, or
//! a 10-second hold would be over before its caption was read), then the
//! step acts at the script's speed through the same commands a person's
//! clicks produce, and waits let demo time run. A step whose expectation
//! fails stops the walkthrough with a notice (what a presenter needs).

use super::command::{Command, DemoCommand, RemedyCommand, Screen};
use super::review_step::ReviewStep;
use super::view::CommandSender;
use crate::core::clock::ms_between;
use crate::core::demo::{Action, Deliberate, REFLEX_DOUBLE_CLICK, Script, unmet};
use crate::core::flow::Subject;
use crate::core::flow::TypeToConfirm;
use crate::core::guard::ConfirmGuard;
use crate::core::ids::OrderId;
use crate::core::money::Fen;
use crate::core::session::Session;
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
    order: Option<OrderId>,
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

/// What the walkthrough sees of the window each frame (read-only).
pub struct PlayerSees<'a> {
    pub now: DateTime<Utc>,
    /// The demo clock's current speed.
    pub factor: u32,
    /// The confirmation step on show, if any.
    pub review: Option<&'a ReviewStep>,
}

impl DemoPlayer {
    /// One frame of the walkthrough: the commands its step needs now.
    pub fn drive(&mut self, sees: &PlayerSees<'_>) -> Vec<Command> {
        let mut out = Vec::new();
        let (now, factor) = (sees.now, sees.factor);
        if self.finished {
            return out;
        }
        let Some(step) = self.script.steps.get(self.step).cloned() else {
            self.finished = true;
            return out;
        };
        if let Stage::Caption(until) = self.stage
            && now < until
        {
            if factor != 1 {
                out.push(demo(DemoCommand::Speed(1)));
            }
            return out;
        }
        let done = match &mut self.stage {
            Stage::Caption(_) => {
                if let Action::Speed { factor } = step.action {
                    self.speed = factor;
                }
                if self.speed != factor {
                    out.push(demo(DemoCommand::Speed(self.speed)));
                }
                self.act(&step.action, now, &mut out)
            }
            Stage::Waiting(until) => now >= *until,
            Stage::Confirming(d) => {
                let mut d = std::mem::take(d);
                let finished = self.confirm_frame(sees, &mut d, &mut out);
                self.stage = Stage::Confirming(d);
                finished
            }
        };
        if done {
            self.stage = Stage::Caption(now + caption_time());
            self.check = Some(self.step);
            self.step += 1;
            if self.step >= self.script.steps.len() {
                self.finished = true;
            }
        }
        out
    }

    /// Checks the step that just finished, once its commands have applied:
    /// (1-based step, what was not as expected).
    pub fn check_finished_step(
        &mut self,
        session: &Session,
        remedy_path: Option<&str>,
    ) -> Option<(usize, String)> {
        let i = self.check.take()?;
        let step = self.script.steps.get(i)?;
        let order = self.order.as_ref().and_then(|id| session.order(id));
        unmet(&step.expect, order, None, remedy_path).map(|problem| (i + 1, problem))
    }

    /// Remembers the order the script works on (the draft's, once it has one).
    pub fn track_order(&mut self, id: OrderId) {
        self.order = Some(id);
    }

    /// Starts a step's action; true when it is already complete.
    fn act(&mut self, action: &Action, now: DateTime<Utc>, out: &mut Vec<Command>) -> bool {
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
                out.push(demo(DemoCommand::FillCard {
                    card: card.clone(),
                    face: Fen::from_yuan(*face_value_yuan),
                }));
                out.push(Command::GoToReview { from: None });
                true
            }
            Action::ReflexDoubleClick => {
                out.push(demo(DemoCommand::ShowReviewAgain));
                // A double click faster than any reading: all inside the cooldown.
                out.extend(
                    REFLEX_DOUBLE_CLICK
                        .iter()
                        .map(|(_, i)| demo(DemoCommand::Guard(*i))),
                );
                true
            }
            Action::Confirm => {
                self.stage = Stage::Confirming(Deliberate::default());
                false
            }
            Action::Undo => {
                out.push(Command::Undo);
                true
            }
            Action::Wait { seconds } => {
                self.stage = Stage::Waiting(now + Duration::seconds(*seconds as i64));
                false
            }
            Action::Cancel => {
                if let Some(id) = self.order.clone() {
                    out.push(Command::Cancel(id));
                }
                true
            }
            Action::Remedy { problem } => {
                if let Some(id) = self.order.clone() {
                    let remedy = |c| Command::Remedy(c);
                    out.push(remedy(RemedyCommand::Open(Subject::Order(id))));
                    out.push(remedy(RemedyCommand::Answer(problem.clone())));
                    out.push(remedy(RemedyCommand::SaveMessage));
                }
                true
            }
            Action::ExportEvidence => {
                if let Some(id) = self.order.clone() {
                    out.push(Command::ExportEvidence(id.clone()));
                    out.push(demo(DemoCommand::ShowJournal(id)));
                }
                true
            }
            Action::Verify => {
                out.push(demo(DemoCommand::Verify));
                true
            }
        }
    }

    /// One frame of a deliberate confirm; true once the review is gone (confirmed).
    fn confirm_frame(
        &mut self,
        sees: &PlayerSees<'_>,
        d: &mut Deliberate,
        out: &mut Vec<Command>,
    ) -> bool {
        let Some(r) = sees.review else {
            return true;
        };
        if let Some(id) = r.subject.order() {
            self.order = Some(id.to_owned());
        }
        let at = ms_between(r.shown_at, sees.now);
        let view = r.guard.view(at);
        for input in d.next(&view, at) {
            if matches!(input, crate::core::guard::GuardInput::Typed { .. }) {
                let text = match &r.expected {
                    TypeToConfirm::Last4(l) => l.clone(),
                    TypeToConfirm::Total(t) => t.yuan_input_text(),
                };
                out.push(Command::TypedLast4(text));
            }
            out.push(demo(DemoCommand::Guard(input)));
        }
        d.done()
    }
}

fn demo(c: DemoCommand) -> Command {
    Command::Demo(c)
}

/// The caption bar at the bottom of the window while a walkthrough plays.
pub fn caption_bar(ui: &mut egui::Ui, tr: &Texts, p: &DemoPlayer, out: &CommandSender) {
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
                out.send(demo(DemoCommand::Stop));
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
