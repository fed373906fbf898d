//! Time: what fell due since the last frame (closed windows, ended holds,
//! the batch's next card, finished screenshots, the clipboard), and when
//! the display next changes, so the app sleeps until exactly then.

use super::App;
use crate::core::clock::ms_between;
use crate::core::code::{Alphabet, check_code};
use crate::core::event::Event;
use crate::core::guard::ConfirmGuard;
use crate::core::guard::Friction;
use crate::core::ids::OrderId;
use crate::core::order::Phase;
use crate::core::screenshot::ShotStep;
use crate::ui::command::{Level, Notice, Screen};
use crate::ui::style::SWALLOWED_NOTE_MS;
use std::time::Duration;

impl App {
    /// Applies everything that fell due: closed windows, verifications,
    /// ended holds (released here, since only we hold the code), clipboard.
    pub(super) fn tick(&mut self, ctx: &eframe::egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let caught_up = match session.catch_up() {
            Ok(d) => d,
            Err(e) => {
                self.session_error("error.journal_write", &e);
                return;
            }
        };
        for (id, event) in &caught_up.applied {
            if matches!(event, Event::WindowClosed { .. }) {
                self.state.shots.request_order(id, ShotStep::WindowClosed);
            }
        }
        for id in caught_up.holds_due {
            // A batch's orders are released by its run, which holds their codes.
            let in_batch = self
                .session
                .as_ref()
                .and_then(|s| s.order(&id))
                .is_some_and(|o| o.batch.is_some());
            if !in_batch && self.state.release_blocked.as_ref() != Some(&id) {
                self.release(&id);
            }
        }
        self.advance_batch_run();
        self.poll_batch_import(ctx);
        self.poll_export_folder();
        self.journal_screenshots();
        self.clear_clipboard_if_due();
        self.follow_remedy();
        if let Some(s) = &self.session {
            let signed = s.last_checkpoint();
            let urls = &s.settings().tsa_urls;
            self.state
                .stamper
                .poll(&s.paths().data_dir, urls, signed, std::time::Instant::now());
        }
    }

    /// Journals screenshots the worker finished (path, size, SHA-256).
    fn journal_screenshots(&mut self) {
        for (request, result) in self.state.shots.finished() {
            let Some(session) = self.session.as_mut() else {
                return;
            };
            match result {
                Ok(saved) => {
                    let event = Event::ScreenshotTaken {
                        path: saved.path.clone(),
                        width: saved.width,
                        height: saved.height,
                        sha256: saved.sha256,
                        step: request.step.as_str().to_owned(),
                        batch: request.subject.batch().cloned(),
                    };
                    if let Err(e) = session.record(request.subject.order(), event) {
                        self.session_error("error.journal_write", &e);
                    } else if request.step.is_manual() {
                        self.notify(
                            Notice::new(Level::Info, "notice.screenshot_saved")
                                .arg("path", saved.path),
                        );
                    }
                }
                Err(e) => self.notify(
                    Notice::new(Level::Error, "error.screenshot")
                        .arg_said("error", |tr| crate::core::safe_file::describe(&e, tr)),
                ),
            }
        }
    }

    fn clear_clipboard_if_due(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let now = session.now();
        let due: Vec<(OrderId, String)> = session
            .ledger()
            .orders()
            .iter()
            .filter(|o| o.clipboard_until.is_some_and(|c| c <= now))
            .map(|o| (o.id.clone(), o.fingerprint.clone()))
            .collect();
        for (id, fp) in due {
            // Only clear what is still ours: compare fingerprints, never the code.
            let ours = self
                .clipboard
                .get_text()
                .and_then(|t| check_code(&t, &Alphabet::full()).secret())
                .is_some_and(|s| session.fingerprint(&s) == fp);
            if ours {
                self.clipboard.clear();
            }
            if let Err(e) = session.clipboard_cleared(&id, ours) {
                self.session_error("error.journal_write", &e);
                return;
            }
        }
    }

    /// When the display next changes: a countdown's next second, a guard
    /// arming, a note timing out, a deadline. None when nothing will change.
    pub fn next_wake(&self) -> Option<Duration> {
        let session = self.session.as_ref()?;
        let now = session.now();
        let mut wake: Option<u64> = None;
        let mut at = |ms: u64| wake = Some(wake.map_or(ms, |w| w.min(ms)));
        for o in session.ledger().orders() {
            for left in [o.hold_left_ms(now), o.window_left_ms(now)]
                .into_iter()
                .flatten()
            {
                at(next_second_change(left));
            }
            if let Some(d) = o.next_deadline() {
                at(ms_between(now, d).max(1));
            }
            if let Some(c) = o.clipboard_until {
                at(next_second_change(ms_between(now, c)));
            }
            // "Done in ≈ 7 min": refresh once per displayed unit.
            if let (Phase::Verifying, Some(v)) = (o.phase, o.verify_at) {
                let left = ms_between(now, v);
                let unit = match left {
                    0..120_000 => 1_000,
                    120_000..7_200_000 => 60_000,
                    7_200_000..172_800_000 => 3_600_000,
                    _ => 86_400_000,
                };
                at(match left % unit {
                    0 => unit,
                    r => r,
                });
            }
        }
        let st = &self.state;
        if let Some(r) = st.review.as_ref().filter(|_| st.screen.is_review()) {
            let v = r.guard.view(r.at_ms(now));
            // The countdown on the button, and the moment a press without
            // a pointer is taken (a screen reader reads that state).
            for ms in [v.arms_in_ms, v.keys_arms_in_ms].into_iter().flatten() {
                at(next_second_change(ms));
            }
            // The hold-to-confirm progress is an animation while the press lasts.
            if r.press_started.is_some() && matches!(v.friction, Friction::HoldMs(_)) {
                at(16);
            }
            if let Some((_, when)) = &r.swallowed {
                let shown = ms_between(*when, now);
                if shown < SWALLOWED_NOTE_MS {
                    at(SWALLOWED_NOTE_MS - shown);
                }
            }
        }
        // The remedy's deadline counts down by the second while on show.
        if let Some(d) = st
            .remedy
            .as_ref()
            .filter(|_| st.screen == Screen::Remedy)
            .and_then(|d| d.assistant.advice(session))
            .and_then(|a| a.route.and_then(|r| r.deadline()))
            .filter(|&d| d > now)
        {
            at(next_second_change(ms_between(now, d)));
        }
        if let Some(d) = st.batch_desk.run.as_ref().and_then(|r| r.next_deadline()) {
            let left = ms_between(now, d);
            at(next_second_change(left).min(left.max(1)));
        }
        if let Some(p) = &st.demo_player {
            if let Some(d) = p.next_deadline() {
                at(ms_between(now, d).max(1));
            }
            if p.confirming() {
                // A scripted confirm moves in small steps.
                at(50);
            }
        }
        // Demo time runs `factor` times faster than the wall clock.
        let factor = self.demo.as_ref().map_or(1, |d| d.factor()).max(1) as u64;
        let wake = wake.map(|ms| Duration::from_millis((ms / factor).max(1)));
        // Time-stamping runs on wall-clock time: check back for its result.
        let stamps = if st.stamper.busy() {
            Some(Duration::from_millis(250))
        } else {
            st.stamper.retry_in(std::time::Instant::now())
        };
        match (wake, stamps) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Milliseconds until a seconds display of `left_ms` (rounded up) changes.
pub fn next_second_change(left_ms: u64) -> u64 {
    match left_ms % 1000 {
        0 if left_ms == 0 => 1,
        0 => 1000,
        r => r,
    }
}
