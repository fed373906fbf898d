//! The one place a [`Command`] changes anything: the session (through its
//! journal-first methods), the window's state, the OS (through ports).

use super::App;
use crate::core::event::ReleaseMode;
use crate::core::screenshot::ShotStep;
use crate::core::settings::Settings;
use crate::i18n::Lang;
use crate::ui::command::{Command, JournalCommand, Level, Notice, Screen};
use crate::ui::shots::ShotSubject;
use eframe::egui;

impl App {
    pub(super) fn apply(&mut self, command: Command, ctx: &egui::Context) {
        if self.session.is_none() {
            // Nothing opened: only the language and the notices work.
            match command {
                Command::SetLanguage(l) => self.state.tr.set_lang(l.unwrap_or_else(Lang::system)),
                Command::DismissNotice(id) => self.state.notices.dismiss(id),
                _ => {}
            }
            return;
        }
        match command {
            Command::Navigate(screen) => self.navigate(screen),
            Command::SetLanguage(lang) => self.set_language(lang),
            Command::ChooseChannel(id) => self.choose_channel(id),
            Command::ChooseFaceValue(f) => {
                let d = &mut self.state.order.draft;
                if d.face_value != Some(f) {
                    d.face_value = Some(f);
                    d.face_retyped_raw.clear();
                }
            }
            Command::CodeEdited { pasted } => self.code_edited(pasted),
            Command::AcknowledgeDuplicate(ack) => self.state.order.draft.duplicate_ack = ack,
            Command::GoToReview { from } => self.go_to_review(from, ctx),
            Command::BackToEntry => {
                self.state.review = None;
                // Back where the confirmation came from: a batch's to the batch.
                self.state.screen = if self.state.screen == Screen::BatchReview {
                    Screen::Batch
                } else {
                    Screen::Entry
                };
            }
            // While the walkthrough plays, the script is the only hand on
            // the confirmation step (the presenter's pointer is not).
            Command::Guard(_) if self.state.demo_player.is_some() => {}
            Command::Guard(input) => self.guard_input(input),
            Command::Batch(c) => self.apply_batch(c, ctx),
            Command::Journal(c) => self.apply_journal(c, ctx),
            Command::Demo(c) => self.apply_demo(c, ctx),
            Command::Remedy(c) => self.apply_remedy(c, ctx),
            Command::ExportEvidence(id) => {
                self.export_evidence(crate::core::flow::Subject::Order(id), ctx)
            }
            Command::TakeScreenshot => {
                let subject = self.screen_subject();
                // A batch's bundle picks its screenshots by a `batch_` step.
                let step = ShotStep::manual(subject.batch().is_some());
                self.state.shots.request(subject, step);
            }
            Command::TypedLast4(text) => {
                if let Some(r) = self.state.review.as_mut() {
                    r.typed = text;
                }
            }
            Command::Undo => self.undo(),
            Command::RetryRelease(id) => {
                self.state.release_blocked = None;
                self.release(&id);
            }
            Command::PlatformSubmitted(id) => {
                if let Some(Err(e)) = self.session.as_mut().map(|s| s.platform_submitted(&id)) {
                    self.session_error("error.journal_write", &e);
                }
            }
            Command::Cancel(id) => self.cancel(&id),
            Command::ShowMoreOrders => {
                self.state.orders_shown += crate::ui::screens::orders::PAGE;
            }
            Command::SaveSettings(mut s) => {
                if self.demo.is_some() {
                    // Demo mode only ever uses the simulated channel.
                    s.release_mode = ReleaseMode::Simulated;
                }
                self.save_settings(s)
            }
            Command::ResetPace => {
                let Some(session) = self.session.as_mut() else {
                    return;
                };
                match session.reset_pace() {
                    Ok(()) => self.notify(Notice::new(Level::Info, "settings.pace_forgotten")),
                    Err(e) => self.session_error("error.journal_write", &e),
                }
            }
            Command::OpenDataDir => {
                let Some(dir) = self.session.as_ref().map(|s| s.paths().data_dir.clone()) else {
                    return;
                };
                if let Err(e) = self.desktop.open_folder(&dir) {
                    self.notify(
                        Notice::new(Level::Warning, "error.open_folder")
                            .arg("path", dir.display())
                            .arg("error", e),
                    );
                }
            }
            Command::DismissNotice(id) => self.state.notices.dismiss(id),
        }
    }

    /// The journal screen's asks: files are read here and on workers.
    fn apply_journal(&mut self, c: JournalCommand, ctx: &egui::Context) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let data_dir = session.paths().data_dir.clone();
        let feed = &mut self.state.journal_feed;
        match c {
            JournalCommand::Verify => feed.start_verify(data_dir, ctx),
            JournalCommand::Checkpoint => self.checkpoint_now(),
            JournalCommand::Thumbnail(shot) => feed.want_thumb(ctx, &data_dir, shot),
            JournalCommand::Select(i) => feed.select(i, session),
            JournalCommand::LoadOlder(f) => feed.load_older(session, &f, ctx),
        }
    }

    /// "Sign a checkpoint now": says which size was sealed, or why not.
    fn checkpoint_now(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let notice = match session.checkpoint() {
            Some(size) => Notice::new(Level::Info, "notice.checkpoint_signed").arg("size", size),
            None => {
                use crate::i18n::{Lang, Texts};
                let said = session.checkpoint_fault().map(|e| {
                    Lang::ALL.map(|l| crate::core::safe_file::describe(e, Texts::shared(l)))
                });
                Notice::new(Level::Error, "error.checkpoint").arg_said("error", move |tr| {
                    let i = Lang::ALL.iter().position(|l| *l == tr.lang()).unwrap_or(0);
                    said.as_ref().map(|s| s[i].clone()).unwrap_or_default()
                })
            }
        };
        self.notify(notice);
    }

    fn navigate(&mut self, screen: Screen) {
        let st = &mut self.state;
        if screen == Screen::Settings
            && let Some(s) = &self.session
        {
            st.settings_edit = s.settings().clone();
        }
        // Leaving the review by navigation is the same as going back.
        if st.screen.is_review() && screen != st.screen {
            st.review = None;
        }
        if screen != Screen::Remedy {
            st.remedy = None;
        }
        st.screen = screen;
        if screen == Screen::Entry {
            self.new_order();
        }
    }

    fn set_language(&mut self, lang: Option<Lang>) {
        // A choice made in the window wins over --lang from now on.
        self.state.lang_override = None;
        self.update_settings(|s| s.language = lang);
        self.state.settings_edit.language = lang;
        self.state.tr.set_lang(lang.unwrap_or_else(Lang::system));
        // An open assistant's message follows the window's new language
        // (its own switch can still choose the other).
        if let Some(desk) = self.state.remedy.as_mut() {
            desk.message_lang = self.state.tr.lang();
            desk.handed = None;
        }
    }

    /// Saves one change to the settings; a refused write is shown.
    pub(super) fn update_settings(&mut self, change: impl FnOnce(&mut Settings)) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let mut s = session.settings().clone();
        change(&mut s);
        if let Err(e) = session.update_settings(s) {
            self.session_error("error.settings_save", &e);
        }
    }

    fn save_settings(&mut self, new: Settings) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match session.update_settings(new) {
            Ok(()) => {
                let st = &mut self.state;
                st.settings_edit = session.settings().clone();
                let lang = st
                    .lang_override
                    .or(st.settings_edit.language)
                    .unwrap_or_else(Lang::system);
                st.tr.set_lang(lang);
                self.notify(Notice::new(Level::Info, "notice.settings_saved"));
            }
            Err(e) => self.session_error("error.settings_save", &e),
        }
    }

    /// Exports an order's or a batch's evidence bundle: into a folder the
    /// person chooses in the desktop's own dialog where there is one,
    /// otherwise (and in demo mode, whose walkthrough exports by itself)
    /// into the data dir's `exports`.
    pub(super) fn export_evidence(
        &mut self,
        subject: crate::core::flow::Subject,
        ctx: &egui::Context,
    ) {
        if self.state.pending_export.is_some() {
            self.notify(Notice::new(Level::Info, "export.dialog_open"));
            return;
        }
        let Some(data_dir) = self.session.as_ref().map(|s| s.paths().data_dir.clone()) else {
            return;
        };
        if self.demo.is_none() && !std::mem::take(&mut self.state.export_declined) {
            let start = self
                .state
                .export_to
                .clone()
                .unwrap_or_else(|| data_dir.join("exports"));
            let start = if start.is_dir() { start } else { data_dir };
            let ctx = ctx.clone();
            let wake = Box::new(move || ctx.request_repaint());
            let title = self.state.tr.get("export.dialog_title").to_owned();
            if let Some(answer) = self.desktop.choose_folder(title, start, wake) {
                self.state.pending_export = Some((subject, answer));
                return;
            }
        }
        self.write_evidence(&subject, None);
    }

    /// Each frame: the folder dialog answered.
    pub(super) fn poll_export_folder(&mut self) {
        let Some(chosen) = self
            .state
            .pending_export
            .as_ref()
            .and_then(|(_, rx)| super::ports::answered(rx))
        else {
            return;
        };
        let Some((subject, _)) = self.state.pending_export.take() else {
            return;
        };
        match chosen {
            Some(dir) => {
                // The next dialog starts where this one went, if it went.
                if self.write_evidence(&subject, Some(&dir)) {
                    self.state.export_to = Some(dir);
                }
            }
            None => {
                self.state.export_declined = true;
                self.notify(Notice::new(Level::Info, "export.no_folder"));
            }
        }
    }

    /// Writes the bundle and says where (the walkthrough verifies the last
    /// one written); true when it was written.
    fn write_evidence(
        &mut self,
        subject: &crate::core::flow::Subject,
        into: Option<&std::path::Path>,
    ) -> bool {
        let lang = self.state.tr.lang();
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let result = session
            .export_bundle(subject.into(), into, lang)
            .map(|(dir, _)| dir)
            .map_err(|e| e.describe(&self.state.tr));
        self.state.last_export = result.as_ref().ok().cloned();
        let written = result.is_ok();
        self.notify(match result {
            Ok(p) => Notice::new(Level::Info, "notice.exported").arg("path", p.display()),
            Err(e) => Notice::new(Level::Error, "error.export").arg("error", e),
        });
        written
    }

    /// What the screen shows, for a screenshot taken now: the order on the
    /// entry, review and hold screens, the batch on the batch screens,
    /// nothing on lists and settings.
    fn screen_subject(&self) -> ShotSubject {
        let st = &self.state;
        match st.screen {
            Screen::Entry | Screen::Hold => {
                ShotSubject::from_order(st.order.draft.order_id.clone())
            }
            Screen::Review | Screen::BatchReview => match st.review.as_ref().map(|r| &r.subject) {
                Some(crate::core::flow::Subject::Order(id)) => ShotSubject::Order(id.clone()),
                Some(crate::core::flow::Subject::Batch(id)) => ShotSubject::Batch(id.clone()),
                None => ShotSubject::None,
            },
            Screen::Batch => st
                .batch_desk
                .subject()
                .map_or(ShotSubject::None, |id| ShotSubject::Batch(id.clone())),
            Screen::Remedy => match st.remedy.as_ref().map(|d| d.assistant.subject()) {
                Some(crate::core::flow::Subject::Order(id)) => ShotSubject::Order(id.clone()),
                Some(crate::core::flow::Subject::Batch(id)) => ShotSubject::Batch(id.clone()),
                None => ShotSubject::None,
            },
            Screen::Orders | Screen::Journal | Screen::Settings => ShotSubject::None,
        }
    }
}
