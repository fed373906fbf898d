//! Runs a demo script through the core with no window: the same session,
//! guard, channel and journal as the app, on a manual clock that jumps from
//! deadline to deadline (so a 15-minute window takes no time at all). One
//! report per step; the journal it writes must verify.

use super::{Action, Deliberate, REFLEX_DOUBLE_CLICK, Script, Step};
use crate::core::clock::{Clock, ManualClock, ms_between};
use crate::core::code::{CardSecret, check_code, mask_code_like_runs};
use crate::core::event::{Event, ReleaseMode};
use crate::core::evidence::{verify_bundle, verify_dir};
use crate::core::exports::{BundleOf, export_bundle};
use crate::core::guard::{BehaviourGuard, ConfirmGuard, GuardInput, Verdict};
use crate::core::money::Fen;
use crate::core::session::{Paths, Session, SessionError};
use crate::core::settings::Settings;
use crate::i18n::Texts;
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use std::sync::Arc;

/// How long the demo person took to type a code (not a fast paste).
const TYPED_ENTRY_MS: u64 = 12_000;

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

struct Current {
    id: String,
    secret: CardSecret,
}

struct Review {
    guard: BehaviourGuard,
    shown_at: DateTime<Utc>,
}

pub struct Runner {
    session: Session,
    clock: Arc<ManualClock>,
    tr: Texts,
    current: Option<Current>,
    review: Option<Review>,
    bundle: Option<PathBuf>,
    swallowed: u32,
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
            current: None,
            review: None,
            bundle: None,
            swallowed: 0,
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

    fn current(&self) -> Result<&Current, String> {
        self.current
            .as_ref()
            .ok_or_else(|| "no order yet (a new_order step comes first)".to_owned())
    }

    fn record(&mut self, order: Option<&str>, e: Event) -> Result<(), String> {
        self.session.record(order, e).map_err(|e| e.to_string())
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
                let id = self.current()?.id.clone();
                self.session.undo(&id).map_err(|e| e.to_string())?;
                self.show_review()?;
                Ok(tr.fmt("demo_run.undone", &[("order", &id)]))
            }
            Action::Wait { seconds } => self.wait(*seconds),
            Action::Cancel => {
                let id = self.current()?.id.clone();
                match self.session.cancel(&id).map_err(|e| e.to_string())? {
                    Event::Cancelled { fee_fen } => {
                        Ok(tr.fmt("demo_run.cancelled", &[("order", &id), ("fee", &fee_fen)]))
                    }
                    other => Err(format!("cancel gave {}", other.kind())),
                }
            }
            Action::ExportEvidence => {
                let id = self.current()?.id.clone();
                let now = self.now();
                let local = now.with_timezone(&self.session.clock().offset_at(now));
                let (dir, m) = export_bundle(
                    &self.session.paths().data_dir,
                    BundleOf::Order(&id),
                    now,
                    local,
                )
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

    fn new_order(&mut self, channel: &str, card: &str, face: Fen) -> Result<String, String> {
        let profile = self
            .session
            .profile(channel)
            // Script text is never echoed as it is: it could hold a code.
            .ok_or_else(|| format!("no channel {}", mask_code_like_runs(channel)))?
            .clone();
        let secret = check_code(card, &profile.alphabet())
            .secret()
            .ok_or_else(|| format!("{card} is not a valid code on {channel}"))?;
        let id = self.session.new_order_id();
        let fp = self.session.fingerprint(&secret);
        let duplicate_of = self.session.ledger().released_with(&fp).map(str::to_owned);
        let retyped = face > self.session.settings().retype_threshold_fen;
        for e in [
            Event::ChannelChosen {
                channel: channel.to_owned(),
            },
            Event::CodeEntered {
                masked: secret.masked(),
                fingerprint: fp.clone(),
                pasted: false,
                confusables: 0,
                duplicate_of,
            },
            Event::FaceValueSet {
                face_value_fen: face,
                retyped,
            },
            Event::ReviewShown {
                channel: channel.to_owned(),
                face_value_fen: face,
                payout_fen: profile.payout(face),
                masked: secret.masked(),
                fingerprint: fp,
                cancel_window_ms: profile.effective_window_ms(),
                release_mode: ReleaseMode::Simulated,
                batch: None,
            },
        ] {
            self.record(Some(&id), e)?;
        }
        let masked = secret.masked();
        self.current = Some(Current {
            id: id.clone(),
            secret,
        });
        let plan = self.show_review()?;
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
        let id = self.current()?.id.clone();
        let ctx = self
            .session
            .guard_context(&id, false, TYPED_ENTRY_MS)
            .ok_or("no such order")?;
        let guard = BehaviourGuard::shown(&ctx, false);
        let plan = guard.plan().clone();
        self.record(
            Some(&id),
            Event::guard_decided(&plan, ctx.sensitivity, None),
        )?;
        self.review = Some(Review {
            guard,
            shown_at: self.now(),
        });
        Ok(format!(
            "{:?}, {:.1} s",
            plan.level,
            plan.travel_dwell_ms as f64 / 1000.0
        )
        .to_lowercase())
    }

    /// Feeds one input at `at_ms` after the review showed (moving the clock
    /// there); journals an ignored attempt. True when it confirmed.
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
        let at = ms_between(r.shown_at, self.session.now());
        match r.guard.observe(at, input) {
            Verdict::Confirmed => Ok(true),
            Verdict::Swallowed(reason) => {
                self.swallowed += 1;
                let id = self.current()?.id.clone();
                self.record(
                    Some(&id),
                    Event::ConfirmSwallowed {
                        at_ms: at,
                        reason: reason.key().to_owned(),
                        batch: None,
                    },
                )?;
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
        let id = self.current()?.id.clone();
        let shown_at = self.review.as_ref().ok_or("no review on screen")?.shown_at;
        let mut d = Deliberate::default();
        let mut at = ms_between(shown_at, self.now());
        for _ in 0..32 {
            let view = self.review.as_ref().ok_or("no review")?.guard.view(at);
            for input in d.next(&view, at) {
                if self.feed(at, input)? {
                    self.session.confirm(&id).map_err(|e| e.to_string())?;
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
                let result = match self.current.as_ref().filter(|c| c.id == id) {
                    Some(c) => {
                        released += 1;
                        self.session.release(&id, &c.secret).map(|_| ())
                    }
                    // Not ours to send (its code is gone): as the app does.
                    None => self.session.record(Some(&id), Event::HoldInterrupted {}),
                };
                result.map_err(|e| e.to_string())?;
            }
            if next >= target {
                break;
            }
        }
        let phase = self
            .current
            .as_ref()
            .and_then(|c| self.session.order(&c.id))
            .map(|o| self.tr.get(o.phase.label_key()).to_owned())
            .unwrap_or_default();
        Ok(self.tr.fmt(
            "demo_run.waited",
            &[("s", &seconds), ("released", &released), ("phase", &phase)],
        ))
    }

    /// The step's expectations, checked against the ledger.
    fn check(&self, step: &Step) -> Option<String> {
        let order = self
            .current
            .as_ref()
            .and_then(|c| self.session.order(&c.id));
        super::unmet(&step.expect, order, Some(self.swallowed))
    }
}
