//! Runs a demo script through the core with no window: the same session,
//! guard, channel and journal as the app, on a manual clock that jumps from
//! deadline to deadline (so a 15-minute window takes no time at all). One
//! report per step; the journal it writes must verify.

use super::{Action, Deliberate, REFLEX_DOUBLE_CLICK, Script, Step};
use crate::core::clock::{Clock, ManualClock, ms_between};
use crate::core::code::{check_code, mask_code_like_runs};
use crate::core::event::ReleaseMode;
use crate::core::evidence::{verify_bundle, verify_dir};
use crate::core::exports::BundleOf;
use crate::core::flow::{Cancelled, Confirmation, OrderFlow, Released};
use crate::core::guard::{ConfirmGuard, GuardInput, Verdict};
use crate::core::ids::{ChannelId, OrderId};
use crate::core::money::Fen;
use crate::core::session::{Paths, Session, SessionError};
use crate::core::settings::Settings;
use crate::i18n::Texts;
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// 1-based.
    pub n: usize,
    pub action: &'static str,
    pub summary: String,
    /// A failed expectation or an action that could not be done.
    pub problem: Option<String>,
}

impl StepReport {
    /// The one line printed per step.
    pub fn line(&self, total: usize) -> String {
        let status = if self.problem.is_some() { "FAIL" } else { "ok" };
        let mut s = format!(
            "[{}/{total}] {status} {}: {}",
            self.n, self.action, self.summary
        );
        if let Some(p) = &self.problem {
            s += &format!(" — {p}");
        }
        s
    }
}

pub struct Runner {
    session: Session,
    clock: Arc<ManualClock>,
    tr: Texts,
    /// The order being entered, exactly as the window's.
    flow: OrderFlow,
    /// The order the script works on (still known once its release has
    /// started the draft afresh).
    current: Option<OrderId>,
    review: Option<Confirmation>,
    bundle: Option<PathBuf>,
    swallowed: u32,
    /// The path the remedy assistant led to in the last remedy step.
    remedy_path: Option<String>,
}

#[derive(Debug)]
pub struct Outcome {
    pub reports: Vec<StepReport>,
    /// The journal verified after the run (events).
    pub journal: Result<u64, String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.journal.is_ok() && self.reports.iter().all(|r| r.problem.is_none())
    }
}

impl Runner {
    /// Opens the data dir (its own lock, as the app would) on a manual clock.
    pub fn open(paths: Paths, clock: Arc<ManualClock>, tr: Texts) -> Result<Self, SessionError> {
        let mut session = Session::open(paths, clock.clone())?;
        if session.settings().release_mode != ReleaseMode::Simulated {
            // Demos only ever use the simulated channel.
            session.update_settings(Settings {
                release_mode: ReleaseMode::Simulated,
                ..session.settings().clone()
            })?;
        }
        Ok(Self {
            session,
            clock,
            tr,
            flow: OrderFlow::default(),
            current: None,
            review: None,
            bundle: None,
            swallowed: 0,
            remedy_path: None,
        })
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Runs every step; `each` sees each report as it is made.
    pub fn run(mut self, script: &Script, each: &mut dyn FnMut(&StepReport)) -> Outcome {
        let mut reports = Vec::new();
        for (i, step) in script.steps.iter().enumerate() {
            self.swallowed = 0;
            let (summary, mut problem) = match self.step(step) {
                Ok(s) => (s, None),
                Err(p) => (String::new(), Some(p)),
            };
            if problem.is_none() {
                problem = self.check(step);
            }
            let r = StepReport {
                n: i + 1,
                action: step.action.name(),
                summary,
                problem,
            };
            each(&r);
            reports.push(r);
        }
        let journal = verify_dir(&self.session.paths().data_dir, &mut |_, _| {})
            .map(|i| i.events)
            .map_err(|e| e.to_string());
        Outcome { reports, journal }
    }

    fn now(&self) -> DateTime<Utc> {
        self.session.now()
    }

    fn current(&self) -> Result<OrderId, String> {
        self.current
            .clone()
            .ok_or_else(|| "no order yet (a new_order step comes first)".to_owned())
    }

    fn step(&mut self, step: &Step) -> Result<String, String> {
        let tr = self.tr.clone();
        match &step.action {
            Action::Caption => Ok(step
                .caption
                .as_ref()
                .map(|c| c.get(tr.lang()).to_owned())
                .unwrap_or_default()),
            Action::Speed { factor } => Ok(tr.fmt("demo_run.speed", &[("factor", factor)])),
            Action::NewOrder {
                channel,
                card,
                face_value_yuan,
            } => self.new_order(channel, card, Fen::from_yuan(*face_value_yuan)),
            Action::ReflexDoubleClick => self.reflex(),
            Action::Confirm => self.confirm(),
            Action::Undo => {
                let id = self.current()?;
                if self.flow.order_id() != Some(&id) {
                    return Err(format!("order {id} is not held on this device"));
                }
                self.flow
                    .undo(&mut self.session)
                    .map_err(|e| e.to_string())?;
                self.show_review()?;
                Ok(tr.fmt("demo_run.undone", &[("order", &id)]))
            }
            Action::Wait { seconds } => self.wait(*seconds),
            Action::Cancel => {
                let id = self.current()?;
                match OrderFlow::cancel(&mut self.session, &id).map_err(|e| e.to_string())? {
                    Cancelled::Done { fee } => {
                        Ok(tr.fmt("demo_run.cancelled", &[("order", &id), ("fee", &fee)]))
                    }
                    Cancelled::Requested => Err("cancel gave cancel_requested".into()),
                    Cancelled::Refused { .. } => Err("cancel gave cancel_refused".into()),
                }
            }
            Action::Remedy { problem } => self.remedy(problem),
            Action::ExportEvidence => {
                let id = self.current()?;
                let (dir, m) = self
                    .session
                    .export_bundle(BundleOf::Order(&id), None, tr.lang())
                    .map_err(|e| e.describe(&tr))?;
                self.bundle = Some(dir.clone());
                Ok(tr.fmt(
                    "demo_run.exported",
                    &[
                        ("order", &id),
                        ("files", &m.files.len()),
                        ("dir", &dir.display()),
                    ],
                ))
            }
            Action::Verify => {
                let j = verify_dir(&self.session.paths().data_dir, &mut |_, _| {})
                    .map_err(|e| e.to_string())?;
                let mut s = tr.fmt("demo_run.verified", &[("events", &j.events)]);
                if let Some(dir) = &self.bundle {
                    let b = verify_bundle(dir)?;
                    s += &tr.fmt(
                        "demo_run.bundle_verified",
                        &[("events", &b.events), ("files", &b.files)],
                    );
                }
                Ok(s)
            }
        }
    }

    /// Fills the draft as the window's walkthrough does (typed by hand
    /// over a few seconds, the face value retyped) and goes to the review.
    fn new_order(&mut self, channel: &ChannelId, card: &str, face: Fen) -> Result<String, String> {
        let profile = self
            .session
            .profile(channel)
            // Script text is never echoed as it is: it could hold a code.
            .ok_or_else(|| format!("no channel {}", mask_code_like_runs(channel.as_str())))?
            .clone();
        if check_code(card, &profile.alphabet()).secret().is_none() {
            // Never echoed as it is: it could be most of a real code.
            let card = mask_code_like_runs(card);
            return Err(format!("{card} is not a valid code on {channel}"));
        }
        let now = self.now();
        super::fill_as_typed(&mut self.flow, &profile, card, face, now);
        let id = self
            .flow
            .submit_for_review(&mut self.session)
            .map_err(|e| e.to_string())?
            .ok_or("the order is not ready for review")?;
        self.current = Some(id.clone());
        let plan = self.show_review()?;
        let masked = self
            .session
            .order(&id)
            .map(|o| o.masked.clone())
            .unwrap_or_default();
        Ok(self.tr.fmt(
            "demo_run.new_order",
            &[
                ("order", &id),
                ("channel", &profile.name.get(self.tr.lang())),
                ("face", &face),
                ("code", &masked),
                ("level", &plan),
            ],
        ))
    }

    /// The review (re)appears now: a fresh guard, its decision journaled.
    fn show_review(&mut self) -> Result<String, String> {
        let id = self.current()?;
        let review = self
            .flow
            .show_confirmation(&mut self.session, &id, false)
            .map_err(|e| e.to_string())?
            .ok_or("no such order")?;
        let plan = review.guard.plan();
        let summary = format!(
            "{}, {:.1} s",
            plan.level.name(),
            plan.travel_dwell_ms as f64 / 1000.0
        );
        self.review = Some(review);
        Ok(summary)
    }

    /// Feeds one input at `at_ms` after the review showed (moving the clock
    /// there); an ignored attempt is journaled. True when it confirmed.
    fn feed(&mut self, at_ms: u64, input: GuardInput) -> Result<bool, String> {
        let Some(r) = self.review.as_mut() else {
            return Err("no review on screen".into());
        };
        // Checked: a step's times come from a script file.
        let target = i64::try_from(at_ms)
            .ok()
            .and_then(Duration::try_milliseconds)
            .and_then(|d| r.shown_at.checked_add_signed(d))
            .ok_or("time out of range")?;
        if target > self.clock.now() {
            self.clock.set(target);
        }
        match r
            .observe(&mut self.session, input)
            .map_err(|e| e.to_string())?
        {
            Verdict::Confirmed => Ok(true),
            Verdict::Swallowed(_) => {
                self.swallowed += 1;
                Ok(false)
            }
            Verdict::Noted => Ok(false),
        }
    }

    fn reflex(&mut self) -> Result<String, String> {
        // The step appears again now, then is double-clicked out of habit.
        if self
            .review
            .as_ref()
            .is_none_or(|r| r.shown_at != self.now())
        {
            self.show_review()?;
        }
        for (at, input) in REFLEX_DOUBLE_CLICK {
            if self.feed(at, input)? {
                return Err("a reflex double click confirmed the order".into());
            }
        }
        Ok(self
            .tr
            .fmt("demo_run.reflex", &[("count", &self.swallowed)]))
    }

    fn confirm(&mut self) -> Result<String, String> {
        let id = self.current()?;
        let shown_at = self.review.as_ref().ok_or("no review on screen")?.shown_at;
        let mut d = Deliberate::default();
        let mut at = ms_between(shown_at, self.now());
        for _ in 0..32 {
            let view = self.review.as_ref().ok_or("no review")?.guard.view(at);
            for input in d.next(&view, at) {
                if self.feed(at, input)? {
                    OrderFlow::confirm(&mut self.session, &id).map_err(|e| e.to_string())?;
                    self.review = None;
                    return Ok(self.tr.fmt(
                        "demo_run.confirmed",
                        &[
                            ("s", &format!("{:.1}", at as f64 / 1000.0)),
                            ("hold", &self.session.settings().hold_s),
                        ],
                    ));
                }
            }
            let view = self.review.as_ref().ok_or("no review")?.guard.view(at);
            match d.wait_ms(&view, at) {
                Some(w) => at += w,
                None => break,
            }
        }
        Err("a deliberate confirm was not accepted".into())
    }

    /// Lets demo time pass, stopping at every deadline on the way so each
    /// change is journaled at its own instant (holds end, windows close).
    fn wait(&mut self, seconds: u64) -> Result<String, String> {
        // Checked: `parse` bounds waits, but a Script can be built in code.
        let target = i64::try_from(seconds)
            .ok()
            .and_then(Duration::try_seconds)
            .and_then(|d| self.now().checked_add_signed(d))
            .ok_or_else(|| format!("a wait of {seconds} s is out of range"))?;
        let mut released = 0;
        for _ in 0..10_000 {
            let next = self
                .session
                .ledger()
                .next_deadline()
                .filter(|d| *d > self.now() && *d <= target)
                .unwrap_or(target);
            self.clock.set(next);
            let due = self.session.catch_up().map_err(|e| e.to_string())?;
            for id in due.holds_due {
                // Another order's hold (its code is gone) is interrupted, as in the app.
                match self.flow.release_due(&mut self.session, &id) {
                    Ok(Released::Sent { .. }) => released += 1,
                    Ok(Released::Interrupted) => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            if next >= target {
                break;
            }
        }
        let phase = self
            .current
            .as_ref()
            .and_then(|id| self.session.order(id))
            .map(|o| self.tr.get(o.phase.label_key()).to_owned())
            .unwrap_or_default();
        Ok(self.tr.fmt(
            "demo_run.waited",
            &[("s", &seconds), ("released", &released), ("phase", &phase)],
        ))
    }

    /// "Something went wrong?" as the window's walkthrough plays it: opened
    /// on the current order, answered, the message saved (every step journaled).
    fn remedy(&mut self, problem: &str) -> Result<String, String> {
        use crate::core::flow::Subject;
        use crate::core::remedy::Assistant;
        let id = self.current()?;
        let (mut a, journaled) = Assistant::open(&mut self.session, Subject::Order(id.clone()))
            .ok_or_else(|| format!("order {id} is not in the journal"))?;
        journaled.map_err(|e| e.to_string())?;
        a.choose(&mut self.session, problem)
            .map_err(|e| e.to_string())?;
        let route = a.advice(&self.session).and_then(|adv| adv.route);
        let path = route
            .as_ref()
            .map_or_else(|| "none".into(), |r| r.path_id().to_owned());
        // Said as the book words it; the id is what expectations compare.
        let said = route
            .as_ref()
            .and_then(|r| r.path())
            .map_or_else(|| path.clone(), |p| p.title.get(self.tr.lang()).to_owned());
        let saved = a
            .save_message(&mut self.session, self.tr.lang())
            .map_err(|e| crate::core::safe_file::describe(&e, &self.tr))?;
        self.remedy_path = Some(path.clone());
        Ok(match saved {
            Some(saved) => {
                saved.journaled.map_err(|e| e.to_string())?;
                self.tr.fmt(
                    "demo_run.remedy",
                    &[
                        ("order", &id),
                        ("path", &said),
                        ("file", &saved.file.display()),
                    ],
                )
            }
            None => self.tr.fmt(
                "demo_run.remedy_no_message",
                &[("order", &id), ("path", &said)],
            ),
        })
    }

    /// The step's expectations, checked against the ledger.
    fn check(&self, step: &Step) -> Option<String> {
        let order = self.current.as_ref().and_then(|id| self.session.order(id));
        super::unmet(
            &step.expect,
            order,
            Some(self.swallowed),
            self.remedy_path.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests;
