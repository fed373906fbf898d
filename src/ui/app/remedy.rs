//! The remedy assistant's commands: open it on an order or a batch, take
//! the answer, and act on the path (cancel, undo, evidence, the message
//! copied or saved). The steps and their journal lines are the core's
//! (`core::remedy::Assistant`); this only wires them to the window.

use super::App;
use crate::core::exports::BundleOf;
use crate::core::flow::Subject;
use crate::core::remedy::{Assistant, Handed};
use crate::ui::command::{BatchCommand, Level, Notice, RemedyCommand, Screen};
use crate::ui::screens::remedy::RemedyDesk;
use eframe::egui;

impl App {
    pub(super) fn apply_remedy(&mut self, c: RemedyCommand, ctx: &egui::Context) {
        if let RemedyCommand::Open(subject) = c {
            self.open_remedy(subject);
            return;
        }
        let (Some(desk), Some(session)) = (self.state.remedy.as_mut(), self.session.as_mut())
        else {
            return;
        };
        let lang = desk.message_lang;
        match c {
            RemedyCommand::Open(_) => {}
            RemedyCommand::Answer(problem) => {
                if let Err(e) = desk.assistant.choose(session, &problem) {
                    self.session_error("error.journal_write", &e);
                }
            }
            RemedyCommand::ChangeAnswer => desk.assistant.change_answer(),
            RemedyCommand::MessageLang(l) => desk.message_lang = l,
            RemedyCommand::CopyMessage => {
                let Some(text) = desk.assistant.message(session, lang) else {
                    return;
                };
                if !self.clipboard.set_text(&text) {
                    self.notify(Notice::new(Level::Error, "remedy.copy_failed"));
                    return;
                }
                match desk
                    .assistant
                    .handed(session, lang, &text, Handed::Copied, None)
                {
                    Ok(()) => self.notify(Notice::new(Level::Info, "remedy.copied")),
                    Err(e) => self.session_error("error.journal_write", &e),
                }
            }
            RemedyCommand::SaveMessage => match desk.assistant.save_message(session, lang) {
                Ok(Some(path)) => self
                    .notify(Notice::new(Level::Info, "remedy.saved").arg("path", path.display())),
                Ok(None) => {}
                Err(e) => self.session_error("error.export", &e),
            },
            RemedyCommand::ExportEvidence => match desk.assistant.subject().clone() {
                Subject::Order(id) => self.export_evidence(BundleOf::Order(&id)),
                Subject::Batch(id) => self.export_evidence(BundleOf::Batch(&id)),
            },
            RemedyCommand::CancelNow => match desk.assistant.subject().clone() {
                Subject::Order(id) => self.cancel(&id),
                Subject::Batch(_) => self.apply_batch(BatchCommand::CancelAll, ctx),
            },
            RemedyCommand::Undo => match desk.assistant.subject().clone() {
                // Only the order being held can be undone: its code is in memory.
                Subject::Order(id) if self.state.order.order_id() == Some(&id) => {
                    self.close_remedy();
                    self.undo();
                }
                Subject::Order(_) => {}
                Subject::Batch(_) => {
                    self.close_remedy();
                    self.state.screen = Screen::Batch;
                    self.apply_batch(BatchCommand::Undo, ctx);
                }
            },
            RemedyCommand::Close => self.close_remedy(),
        }
    }

    fn open_remedy(&mut self, subject: Subject) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match Assistant::open(session, subject) {
            Ok(Some(assistant)) => {
                let back = match self.state.screen {
                    Screen::Remedy => self
                        .state
                        .remedy
                        .as_ref()
                        .map_or(Screen::Orders, |d| d.back),
                    // Leaving a review abandons its confirmation step.
                    s if s.is_review() => Screen::Orders,
                    s => s,
                };
                if self.state.screen.is_review() {
                    self.state.review = None;
                }
                self.state.remedy = Some(RemedyDesk {
                    assistant,
                    back,
                    message_lang: self.state.tr.lang(),
                });
                self.state.screen = Screen::Remedy;
            }
            Ok(None) => self.notify(Notice::new(Level::Warning, "remedy.unknown")),
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    pub(super) fn close_remedy(&mut self) {
        if let Some(desk) = self.state.remedy.take()
            && self.state.screen == Screen::Remedy
        {
            self.state.screen = desk.back;
        }
    }

    /// A window that closes while the person reads changes the path: the
    /// journal says so (once; a refused write is said once too).
    pub(super) fn follow_remedy(&mut self) {
        let (Some(desk), Some(session)) = (self.state.remedy.as_mut(), self.session.as_mut())
        else {
            return;
        };
        if let Err(e) = desk.assistant.follow(session) {
            self.session_error("error.journal_write", &e);
        }
    }
}
