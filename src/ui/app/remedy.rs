//! The remedy assistant's commands: open it on an order or a batch, take
//! the answer, and act on the path (cancel, undo, pause, evidence, the
//! message copied or saved). The steps and their journal lines are the
//! core's (`core::remedy::Assistant`); this only wires them to the window.
//! The assistant lives only while it is on screen: hidden, it is dropped,
//! so it never journals advice nobody saw.

use super::App;
use crate::core::flow::Subject;
use crate::core::ids::BatchId;
use crate::core::remedy::{Assistant, Handed, Saved};
use crate::core::session::SessionError;
use crate::ui::command::{BatchCommand, Level, Notice, RemedyCommand, Screen};
use crate::ui::screens::remedy::{HandedNote, RemedyDesk};
use eframe::egui;

/// A text in every language (in `Lang::ALL` order), as a note beside a
/// button keeps it.
fn said(describe: impl Fn(&crate::i18n::Texts) -> String) -> [String; 2] {
    use crate::i18n::{Lang, Texts};
    Lang::ALL.map(|l| describe(Texts::shared(l)))
}

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
                desk.handed = None;
                if let Err(e) = desk.assistant.choose(session, &problem) {
                    self.not_journaled(&e);
                }
            }
            RemedyCommand::ChangeAnswer => {
                desk.handed = None;
                desk.assistant.change_answer();
            }
            RemedyCommand::MessageLang(l) => {
                desk.handed = None;
                desk.message_lang = l;
            }
            RemedyCommand::CopyMessage => {
                let Some(text) = desk.assistant.message(session, lang) else {
                    return;
                };
                if !self.clipboard.set_text(&text) {
                    desk.handed = Some(HandedNote::Failed(said(|tr| {
                        tr.get("remedy.copy_failed").to_owned()
                    })));
                    return;
                }
                let journaled = desk
                    .assistant
                    .handed(session, lang, &text, Handed::Copied, None);
                desk.handed = Some(HandedNote::Copied);
                if let Err(e) = journaled {
                    self.not_journaled(&e);
                }
            }
            RemedyCommand::SaveMessage => match desk.assistant.save_message(session, lang) {
                Ok(Some(Saved { file, journaled })) => {
                    let data_dir = &session.paths().data_dir;
                    let shown = file.strip_prefix(data_dir).unwrap_or(&file);
                    desk.handed = Some(HandedNote::Saved(shown.display().to_string()));
                    if let Err(e) = journaled {
                        self.not_journaled(&e);
                    }
                }
                Ok(None) => {}
                // Said beside the button the person just pressed.
                Err(e) => {
                    desk.handed = Some(HandedNote::Failed(said(|tr| {
                        let why = crate::core::safe_file::describe(&e, tr);
                        tr.fmt("remedy.save_failed", &[("error", &why)])
                    })));
                }
            },
            RemedyCommand::ExportEvidence => {
                let subject = desk.assistant.subject().clone();
                self.export_evidence(subject, ctx);
            }
            RemedyCommand::CancelNow => match desk.assistant.subject().clone() {
                Subject::Order(id) => self.cancel(&id),
                Subject::Batch(b) if self.runs(&b) => {
                    self.apply_batch(BatchCommand::CancelAll, ctx)
                }
                Subject::Batch(_) => {}
            },
            RemedyCommand::PlatformRefused => {
                desk.handed = None;
                desk.assistant.platform_refused();
            }
            RemedyCommand::Card(card, on) => {
                desk.handed = None;
                desk.assistant.tick_card(card, on);
            }
            // The card must be one of the assistant's (its order, or a card
            // of its batch).
            RemedyCommand::Submitted(id) => {
                let ours = match desk.assistant.subject() {
                    Subject::Order(o) => *o == id,
                    Subject::Batch(b) => session
                        .order(&id)
                        .is_some_and(|o| o.batch.as_ref() == Some(b)),
                };
                if ours && let Err(e) = session.platform_submitted(&id) {
                    self.session_error("error.journal_write", &e);
                }
            }
            RemedyCommand::Pause => {
                if let Subject::Batch(b) = desk.assistant.subject().clone()
                    && self.runs(&b)
                {
                    self.apply_batch(BatchCommand::Pause, ctx);
                }
            }
            RemedyCommand::Undo => match desk.assistant.subject().clone() {
                // Only the order being held can be undone: its code is in memory.
                Subject::Order(id) if self.state.order.order_id() == Some(&id) => {
                    self.close_remedy();
                    self.undo();
                }
                Subject::Batch(b) if self.runs(&b) => {
                    self.close_remedy();
                    self.state.screen = Screen::Batch;
                    self.apply_batch(BatchCommand::Undo, ctx);
                }
                _ => {}
            },
            RemedyCommand::Close => self.close_remedy(),
        }
    }

    /// Whether the batch desk is running this batch (its buttons act on it).
    fn runs(&self, batch: &BatchId) -> bool {
        self.state
            .batch_desk
            .run
            .as_ref()
            .is_some_and(|r| &r.id == batch)
    }

    fn open_remedy(&mut self, subject: Subject) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let Some((assistant, journaled)) = Assistant::open(session, subject) else {
            self.notify(Notice::new(Level::Warning, "remedy.unknown"));
            return;
        };
        let st = &mut self.state;
        let back = match st.screen {
            Screen::Remedy => st.remedy.as_ref().map_or(Screen::Orders, |d| d.back),
            // Leaving a review abandons its confirmation step.
            s if s.is_review() => Screen::Orders,
            s => s,
        };
        if st.screen.is_review() {
            st.review = None;
        }
        st.remedy = Some(RemedyDesk {
            assistant,
            back,
            message_lang: st.tr.lang(),
            handed: None,
        });
        st.screen = Screen::Remedy;
        // The advice stands even when the journal refused to record it.
        if let Err(e) = journaled {
            self.not_journaled(&e);
        }
    }

    pub(super) fn close_remedy(&mut self) {
        if let Some(desk) = self.state.remedy.take()
            && self.state.screen == Screen::Remedy
        {
            self.state.screen = desk.back;
        }
    }

    /// A remedy step the journal refused: the advice on screen still holds.
    fn not_journaled(&mut self, e: &SessionError) {
        self.notify(
            Notice::new(Level::Error, "remedy.not_journaled")
                .arg_said("error", |tr| e.describe(tr)),
        );
    }

    /// A window that closes while the person reads changes the path: the
    /// journal says so (once; a refused write is said once too). An
    /// assistant no longer on screen is dropped first.
    pub(super) fn follow_remedy(&mut self) {
        if self.state.screen != Screen::Remedy {
            self.state.remedy = None;
        }
        let (Some(desk), Some(session)) = (self.state.remedy.as_mut(), self.session.as_mut())
        else {
            return;
        };
        if let Err(e) = desk.assistant.follow(session) {
            self.not_journaled(&e);
        }
    }
}
