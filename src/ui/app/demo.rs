//! Demo mode's commands (speed, sample card, reset, switching in and out)
//! and the walkthrough's hands: it sends commands like a person would,
//! applied here like any other.

use super::App;
use crate::core::order::Phase;
use crate::ui::command::{DemoCommand, Level, Notice, Screen};
use crate::ui::demo_player::{DemoPlayer, PlayerSees};
use crate::ui::view::CommandSender;
use eframe::egui;

impl App {
    pub(super) fn apply_demo(&mut self, c: DemoCommand, ctx: &egui::Context) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        match c {
            DemoCommand::Speed(factor) => {
                if let Some(d) = &self.demo {
                    d.set_factor(factor);
                }
            }
            DemoCommand::SampleCard => {
                // Obviously fake: DEMO-0000-0000-NNNN, a new one each time.
                let n = session.ledger().orders().len() + 1;
                let d = &mut self.state.order.draft;
                *d.code_raw = format!("DEMO-0000-0000-{:04}", n % 10_000);
                d.code_started = Some(session.now());
                d.code_pasted = false;
                self.state.screen = Screen::Entry;
            }
            DemoCommand::Reset => {
                self.state.demo_player = None;
                self.reset_demo()
            }
            DemoCommand::Play => {
                if let Some(d) = &self.demo {
                    let script = crate::core::demo::builtin();
                    self.state.demo_player =
                        Some(DemoPlayer::new(script, session.now(), d.factor()));
                }
            }
            DemoCommand::Stop => self.state.demo_player = None,
            DemoCommand::Switch(on) => self.switch_demo(on, ctx),
            DemoCommand::FillCard { card, face } => {
                let profile = self
                    .state
                    .order
                    .draft
                    .channel
                    .as_ref()
                    .and_then(|c| session.profile(c))
                    .cloned();
                if let Some(p) = profile {
                    let now = session.now();
                    crate::core::demo::fill_as_typed(&mut self.state.order, &p, &card, face, now);
                }
            }
            DemoCommand::ShowReviewAgain => {
                if let (Screen::Review, Some(id)) =
                    (self.state.screen, self.state.order.draft.order_id.clone())
                {
                    self.show_review(&id, None, false);
                }
            }
            DemoCommand::Guard(input) => self.guard_input(input),
            DemoCommand::ShowJournal(id) => {
                self.state.screen = Screen::Journal;
                self.state.journal.filter.order = id.to_string();
            }
            DemoCommand::Verify => self.demo_verify(),
        }
    }

    fn switch_demo(&mut self, on: bool, ctx: &egui::Context) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        // A hold or a batch in progress lives only in this process.
        let busy = self.state.batch_desk.busy()
            || session
                .ledger()
                .orders()
                .iter()
                .any(|o| o.phase == Phase::Holding);
        if busy {
            self.notify(Notice::new(Level::Warning, "demo.switch_busy"));
            return;
        }
        // A separate process: the demo can never touch the real journal.
        match self.desktop.relaunch(on) {
            Ok(()) => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Err(e) => self.error("demo.switch_failed", e),
        }
    }

    fn demo_verify(&mut self) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let data_dir = session.paths().data_dir.clone();
        let journal = crate::core::evidence::verify_dir(&data_dir, &mut |_, _| {});
        let bundle = self
            .state
            .last_export
            .as_deref()
            .map(crate::core::evidence::verify_bundle);
        let n = match (journal, bundle) {
            (Ok(j), Some(Ok(b))) => Notice::new(Level::Info, "demo.verified_both")
                .arg("events", j.events)
                .arg("bundle_events", b.events)
                .arg("files", b.files),
            (Ok(j), None) => Notice::new(Level::Info, "demo.verified").arg("events", j.events),
            (Err(e), _) => Notice::new(Level::Error, "demo.verify_failed").arg("error", e),
            (_, Some(Err(e))) => Notice::new(Level::Error, "demo.verify_failed").arg("error", e),
        };
        self.notify(n);
    }

    /// Demo mode only: closes the demo data dir, deletes it, opens it afresh.
    fn reset_demo(&mut self) {
        if self.demo.is_none() {
            return;
        }
        let Some(paths) = self.paths.clone() else {
            return;
        };
        self.session = None; // releases the lock
        if let Err(e) = crate::core::demo::wipe(&paths) {
            self.error("error.demo_reset", e);
        }
        match super::startup::open_session(Some(&paths), &self.clock, true) {
            Ok(s) => self.session = Some(s),
            Err(n) => self.failure = Some(n),
        }
        let st = &mut self.state;
        st.order.reset_keeping_channel();
        st.review = None;
        st.release_blocked = None;
        st.focus_order = None;
        st.journal = Default::default();
        st.journal_feed = Default::default();
        st.batch = Default::default();
        st.batch_desk = Default::default();
        st.notices.clear();
        st.screen = Screen::Entry;
        self.notify(Notice::new(Level::Info, "notice.demo_reset"));
    }

    /// One frame of the walkthrough: the commands its step needs now.
    /// True when it sent any.
    pub(super) fn drive_walkthrough(&mut self, out: &CommandSender) -> bool {
        let Some(now) = self.now() else { return false };
        let factor = self.demo.as_ref().map_or(1, |d| d.factor());
        let st = &mut self.state;
        let Some(p) = st.demo_player.as_mut() else {
            return false;
        };
        let sees = PlayerSees {
            now,
            factor,
            review: st.review.as_ref(),
        };
        let sent = p.drive(&sees);
        let any = !sent.is_empty();
        for c in sent {
            out.send(c);
        }
        any
    }

    /// After the frame's commands: remember the order the script works on,
    /// and check the step that just finished against the ledger.
    pub(super) fn walkthrough_after_commands(&mut self) {
        let st = &mut self.state;
        let Some(p) = st.demo_player.as_mut() else {
            return;
        };
        if let Some(id) = st.order.draft.order_id.clone() {
            p.track_order(id);
        }
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let remedy_path = st
            .remedy
            .as_ref()
            .and_then(|d| d.assistant.advice(session))
            .and_then(|a| a.route.map(|r| r.path_id().to_owned()));
        if let Some((step, problem)) = p.check_finished_step(session, remedy_path.as_deref()) {
            st.demo_player = None;
            self.notify(
                Notice::new(Level::Warning, "demo.walkthrough_failed")
                    .arg("step", step)
                    .arg("problem", problem),
            );
        }
    }
}
