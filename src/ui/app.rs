//! The application: owns the session and the screen state, gathers
//! [`Command`]s while the screens draw, applies them once per frame and
//! schedules the next repaint for exactly when the display changes.

use super::batch::BatchCommand;
use super::clipboard::ClipboardPort;
use super::shots::{ShotSubject, Shots};
use super::{entry, fonts, hold, journal_view, orders, review, settings, widgets};
use crate::core::clock::{ScaledClock, SharedClock, ms_between};
use crate::core::code::{Alphabet, check_code};
use crate::core::draft::{Draft, DraftCheck};
use crate::core::event::{Event, ReleaseMode};
use crate::core::guard::{
    BehaviourGuard, ConfirmGuard, Friction, GuardContext, GuardInput, Reason, Target, Verdict,
};
use crate::core::money::Fen;
use crate::core::order::Phase;
use crate::core::profile::ChannelProfile;
use crate::core::screenshot::ShotStep;
use crate::core::session::{Paths, Session, SessionError, StartupNote};
use crate::core::settings::Settings;
use crate::i18n::{Lang, Texts};
use chrono::{DateTime, Utc};
use eframe::egui;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the "why was my click ignored" note stays up.
pub const SWALLOWED_NOTE_MS: u64 = 3_000;
/// A paste longer than this is refused before it reaches a text field.
pub const MAX_PASTE_CHARS: usize = 4_096;
/// On the batch screen a paste is a list of rows: allow far more.
pub const MAX_BATCH_PASTE_CHARS: usize = 2 * 1024 * 1024;

pub struct AppConfig {
    /// None when no per-user folder could be found and no `--data-dir` given.
    pub paths: Option<Paths>,
    pub clock: SharedClock,
    /// `--lang`: the start language, over settings and the system locale.
    pub lang: Option<Lang>,
    pub clipboard: Box<dyn ClipboardPort>,
    /// `--screenshot PNG`: save one in-app screenshot, then exit.
    pub screenshot_to: Option<PathBuf>,
    /// `--report-startup`: print the time to the first frame.
    pub started: Option<Instant>,
    /// `--demo`: the accelerated clock (the same one as `clock`).
    pub demo: Option<Arc<ScaledClock>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Entry,
    Review,
    Hold,
    Orders,
    Batch,
    /// A batch's summary and its guarded confirmation.
    BatchReview,
    Journal,
    Settings,
}

#[derive(Debug, Clone)]
pub enum Command {
    Navigate(Screen),
    SetLanguage(Option<Lang>),
    ChooseChannel(String),
    ChooseFaceValue(Fen),
    /// The code field changed (`pasted` when by paste).
    CodeEdited {
        pasted: bool,
    },
    /// From the entry screen's review button; its rect is kept so the
    /// confirm button is never placed under it.
    GoToReview {
        from: Option<egui::Rect>,
    },
    BackToEntry,
    Guard(GuardInput),
    /// Everything on the batch screens (see `batch.rs`).
    Batch(BatchCommand),
    DemoSpeed(u32),
    DemoSampleCard,
    /// Start the app again in demo mode (true) or out of it (false).
    SwitchDemo(bool),
    /// Start / stop the scripted walkthrough (demo mode only).
    DemoPlay,
    DemoStop,
    /// The walkthrough fills the entry form (an obviously fake card).
    DemoFillCard {
        card: String,
        face: Fen,
    },
    /// The walkthrough shows the review again (a fresh confirmation step).
    DemoShowReviewAgain,
    /// The walkthrough's own input on the confirmation step.
    DemoGuard(GuardInput),
    DemoShowJournal(String),
    /// Verify the journal and the last exported bundle, and say so.
    DemoVerify,
    /// Wipe the demo data dir (only in demo mode) and start afresh.
    DemoReset,
    /// Write an evidence bundle for this order under the data dir.
    ExportEvidence(String),
    /// The manual "take screenshot" button or Ctrl+Shift+S.
    TakeScreenshot,
    /// The type-to-confirm field's text (UI state; the guard only learns
    /// whether it matches).
    TypedLast4(String),
    Undo,
    /// Try again to release a hold whose release the journal refused.
    RetryRelease(String),
    PlatformSubmitted(String),
    Cancel(String),
    SaveSettings(Settings),
    OpenDataDir,
    DismissNotice(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A message for the user: an i18n key and its arguments, rendered in the
/// current language each frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub key: &'static str,
    pub args: Vec<(&'static str, NoticeArg)>,
}

/// One value filled into a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeArg {
    /// Language-neutral (a path, a number, an id).
    Plain(String),
    /// Worded by the core (`describe(tr)`) in each language, [zh-CN, en],
    /// so a language switch re-words it.
    Said([String; 2]),
}

impl Notice {
    pub fn new(level: Level, key: &'static str) -> Self {
        Self {
            level,
            key,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, NoticeArg::Plain(value.to_string())));
        self
    }
    /// An argument the core words itself in the person's language.
    pub fn arg_said(mut self, name: &'static str, describe: impl Fn(&Texts) -> String) -> Self {
        let said = Lang::ALL.map(|l| describe(&Texts::new(l)));
        self.args.push((name, NoticeArg::Said(said)));
        self
    }
    /// A notice worded entirely by the core.
    pub fn said_by(level: Level, describe: impl Fn(&Texts) -> String) -> Self {
        Notice::new(level, "notice.said").arg_said("text", describe)
    }
    /// A refused or failed file, in the person's language.
    pub fn file(level: Level, e: &crate::core::safe_file::FileError) -> Self {
        Notice::said_by(level, |tr| crate::core::safe_file::describe(e, tr))
    }
    pub fn text(&self, tr: &Texts) -> String {
        let lang = Lang::ALL.iter().position(|l| *l == tr.lang()).unwrap_or(0);
        let args: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(k, v)| match v {
                NoticeArg::Plain(s) => (*k, s.as_str()),
                NoticeArg::Said(by_lang) => (*k, by_lang[lang].as_str()),
            })
            .collect();
        tr.fmt_pairs(self.key, &args)
    }
}

/// What the confirmation step confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Order(String),
    Batch(String),
}

impl Subject {
    pub fn order(&self) -> Option<&str> {
        match self {
            Subject::Order(id) => Some(id),
            Subject::Batch(_) => None,
        }
    }
}

/// What type-to-confirm asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeToConfirm {
    /// The code's last four characters (any case).
    Last4(String),
    /// A batch's total face value, in yuan as the person writes it.
    Total(Fen),
}

impl TypeToConfirm {
    pub fn matches(&self, typed: &str) -> bool {
        match self {
            TypeToConfirm::Last4(l) => !l.is_empty() && typed.trim().eq_ignore_ascii_case(l),
            TypeToConfirm::Total(t) => crate::core::money::parse_yuan(typed).is_ok_and(|f| f == *t),
        }
    }
}

/// The confirmation step in progress.
pub struct ReviewStep {
    pub subject: Subject,
    pub guard: Box<dyn ConfirmGuard>,
    pub shown_at: DateTime<Utc>,
    /// Where the previous step's button was: the confirm button avoids it.
    pub avoid: Option<egui::Rect>,
    pub swallowed: Option<(Reason, DateTime<Utc>)>,
    /// What the pointer was last reported over (moves are sent on change).
    pub pointer_on: Target,
    /// When the current press on confirm began (for the hold progress).
    pub press_started: Option<DateTime<Utc>>,
    /// The type-to-confirm field.
    pub typed: String,
    pub expected: TypeToConfirm,
}

impl ReviewStep {
    /// A confirmation step that has just appeared.
    pub fn new(
        subject: Subject,
        guard: BehaviourGuard,
        shown_at: DateTime<Utc>,
        avoid: Option<egui::Rect>,
        expected: TypeToConfirm,
    ) -> Self {
        Self {
            subject,
            guard: Box::new(guard),
            shown_at,
            avoid,
            swallowed: None,
            pointer_on: Target::Other,
            press_started: None,
            typed: String::new(),
            expected,
        }
    }

    pub fn at_ms(&self, now: DateTime<Utc>) -> u64 {
        ms_between(self.shown_at, now)
    }
}

/// Which entry steps were already journaled, so each is journaled once.
#[derive(Debug, Default, Clone, PartialEq)]
struct JournaledSteps {
    channel: Option<String>,
    code_fingerprint: Option<String>,
    verification: bool,
    face: Option<Fen>,
    face_retyped: bool,
}

pub struct App {
    pub tr: Texts,
    lang_override: Option<Lang>,
    pub(crate) session: Option<Session>,
    /// Why the data dir could not be opened (the app then shows only this).
    failure: Option<Notice>,
    pub screen: Screen,
    pub draft: Draft,
    journaled: JournaledSteps,
    pub review: Option<ReviewStep>,
    pub notices: Vec<Notice>,
    pub(crate) clipboard: Box<dyn ClipboardPort>,
    pub settings_edit: Settings,
    /// The order the orders screen scrolls to and highlights.
    pub focus_order: Option<String>,
    screenshot_to: Option<PathBuf>,
    started: Option<Instant>,
    last_window_size: Option<egui::Vec2>,
    pub shots: Shots,
    pub demo: Option<Arc<ScaledClock>>,
    clock: SharedClock,
    paths: Option<Paths>,
    pub journal_view: journal_view::JournalView,
    pub batch_view: super::batch::BatchView,
    /// A hold whose release the journal refused: not retried until asked.
    pub release_blocked: Option<String>,
    /// The scripted walkthrough, while it plays.
    pub demo_player: Option<super::demo_player::DemoPlayer>,
    /// The last evidence bundle written (the walkthrough verifies it).
    pub last_export: Option<PathBuf>,
    /// How many orders the orders screen draws (it pages long histories).
    pub orders_shown: usize,
    /// Frames drawn so far (tests use it to count repaints).
    pub frames: u64,
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        fonts::install(&cc.egui_ctx);
        Self::with_config(config)
    }

    /// Opens the data dir; on failure, the notice the app shows instead.
    fn open_session(
        paths: Option<&Paths>,
        clock: &SharedClock,
        demo: bool,
    ) -> Result<Session, Notice> {
        let Some(paths) = paths else {
            return Err(Notice::new(Level::Error, "error.no_data_dir"));
        };
        let mut s = Session::open(paths.clone(), clock.clone()).map_err(|e| match &e {
            SessionError::Journal(crate::core::journal::JournalError::Locked(p)) => {
                Notice::new(Level::Error, "error.locked").arg("path", p.display())
            }
            SessionError::File(f)
            | SessionError::Journal(crate::core::journal::JournalError::File(f)) => {
                Notice::file(Level::Error, f)
            }
            SessionError::Journal(crate::core::journal::JournalError::LongTail(p, n)) => {
                Notice::new(Level::Error, "error.journal_long_tail")
                    .arg("path", p.display())
                    .arg("bytes", n)
            }
            other => Notice::new(Level::Error, "error.open_failed").arg("error", other),
        })?;
        if demo && s.settings().release_mode != ReleaseMode::Simulated {
            // Demo mode only ever uses the simulated channel.
            let settings = Settings {
                release_mode: ReleaseMode::Simulated,
                ..s.settings().clone()
            };
            let _ = s.update_settings(settings);
        }
        Ok(s)
    }

    fn with_config(config: AppConfig) -> Self {
        let opened =
            Self::open_session(config.paths.as_ref(), &config.clock, config.demo.is_some());
        let (session, failure) = match opened {
            Ok(s) => (Some(s), None),
            Err(n) => (None, Some(n)),
        };
        let settings = session
            .as_ref()
            .map(|s| s.settings().clone())
            .unwrap_or_default();
        let lang = config
            .lang
            .or(settings.language)
            .unwrap_or_else(Lang::system);
        let mut app = Self {
            tr: Texts::new(lang),
            lang_override: config.lang,
            session,
            failure,
            screen: Screen::Entry,
            draft: Draft::default(),
            journaled: JournaledSteps::default(),
            review: None,
            notices: Vec::new(),
            clipboard: config.clipboard,
            settings_edit: settings.clone(),
            focus_order: None,
            screenshot_to: config.screenshot_to,
            started: config.started,
            last_window_size: None,
            release_blocked: None,
            demo_player: None,
            last_export: None,
            orders_shown: orders::PAGE,
            journal_view: Default::default(),
            demo: config.demo.clone(),
            clock: config.clock.clone(),
            paths: config.paths.clone(),
            batch_view: Default::default(),
            shots: Shots::new(
                config
                    .paths
                    .as_ref()
                    .map(|p| p.data_dir.clone())
                    .unwrap_or_default(),
            ),
            frames: 0,
        };
        app.draft.channel = settings
            .last_channel
            .filter(|c| app.session.as_ref().is_some_and(|s| s.profile(c).is_some()))
            .or_else(|| {
                app.session
                    .as_ref()
                    .and_then(|s| s.profiles().first())
                    .map(|p| p.id.clone())
            });
        app.report_startup_notes();
        if app
            .session
            .as_ref()
            .is_some_and(|s| s.ledger().orders().iter().any(|o| o.phase.is_released()))
        {
            app.screen = Screen::Orders;
        }
        app
    }

    fn report_startup_notes(&mut self) {
        let Some(s) = &self.session else { return };
        for note in s.startup_notes.clone() {
            let n = match note {
                StartupNote::Profiles(p) => Notice::said_by(Level::Warning, |tr| p.describe(tr)),
                StartupNote::Settings(p) => Notice::said_by(Level::Warning, |tr| p.describe(tr)),
                StartupNote::TornTailRepaired(t) => {
                    Notice::new(Level::Warning, "notice.torn_tail").arg("bytes", t.dropped_bytes)
                }
                StartupNote::DamagedLines(lines) => {
                    Notice::new(Level::Error, "notice.damaged_lines")
                        .arg("count", lines.len())
                        .arg("line", lines.first().map(|l| l.line).unwrap_or(0))
                }
                StartupNote::FingerprintKeyReplaced => {
                    Notice::new(Level::Warning, "notice.key_replaced")
                }
                StartupNote::FingerprintKeyMadePrivate => {
                    Notice::new(Level::Warning, "notice.key_made_private")
                }
                StartupNote::FolderMadePrivate(dir) => {
                    Notice::new(Level::Info, "notice.folder_made_private")
                        .arg("path", dir.display())
                }
                StartupNote::HoldsInterrupted(ids) => {
                    Notice::new(Level::Info, "notice.holds_interrupted")
                        .arg("orders", ids.join(", "))
                }
                StartupNote::BatchInterrupted {
                    batch,
                    released,
                    not_sent,
                } => Notice::new(Level::Warning, "notice.batch_interrupted")
                    .arg("batch", batch)
                    .arg("released", released)
                    .arg("not_sent", not_sent),
            };
            self.notices.push(n);
        }
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The screen on show (tests read it; only commands change it).
    pub fn screen(&self) -> Screen {
        self.screen
    }

    /// The language the window speaks.
    pub fn lang(&self) -> Lang {
        self.tr.lang()
    }

    pub fn failure(&self) -> Option<&Notice> {
        self.failure.as_ref()
    }

    pub fn now(&self) -> Option<DateTime<Utc>> {
        self.session.as_ref().map(Session::now)
    }

    pub(crate) fn error(&mut self, key: &'static str, e: impl std::fmt::Display) {
        self.notices
            .push(Notice::new(Level::Error, key).arg("error", e));
    }

    /// A failed session step: refused files are said in the person's language.
    pub(crate) fn session_error(&mut self, key: &'static str, e: &SessionError) {
        self.notices
            .push(Notice::new(Level::Error, key).arg_said("error", |tr| e.describe(tr)));
    }

    // ---- the frame ------------------------------------------------------

    fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        if let Some(t) = self.started.take() {
            println!("first frame after {} ms", t.elapsed().as_millis());
        }
        self.tick();
        let mut commands = super::demo_player::drive(self);
        if !commands.is_empty() {
            // The walkthrough acted: show its result now, not at the next deadline.
            ctx.request_repaint();
        }
        self.read_window_input(&ctx, &mut commands);

        // Decided before anything is drawn: a frame that becomes evidence
        // never shows a secret, whichever widget draws it.
        let captured = self.shots.begin_frame() || self.screenshot_to.is_some();
        super::capture::set_capture_frame(&ctx, captured);
        widgets::top_bar(
            ui,
            &self.tr,
            self.screen,
            self.session.is_some(),
            &mut commands,
        );
        if let Some(d) = &self.demo {
            let playing = self.demo_player.is_some();
            widgets::demo_banner(ui, &self.tr, d.factor(), playing, &mut commands);
        }
        if let Some(p) = &self.demo_player {
            super::demo_player::caption_bar(ui, &self.tr, p, &mut commands);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    widgets::notices(ui, &self.tr, &self.notices, &mut commands);
                    if let Some(f) = &self.failure {
                        widgets::failure(ui, &self.tr, f);
                        return;
                    }
                    let Some(session) = &self.session else { return };
                    let now = session.now();
                    match self.screen {
                        Screen::Entry => {
                            entry::show(ui, &self.tr, session, &mut self.draft, &mut commands)
                        }
                        Screen::Review => match &self.review {
                            Some(r) => review::show(ui, &self.tr, session, r, now, &mut commands),
                            None => commands.push(Command::Navigate(Screen::Entry)),
                        },
                        Screen::Hold => hold::show(
                            ui,
                            &self.tr,
                            session,
                            self.draft.order_id.as_deref(),
                            self.release_blocked.is_some(),
                            now,
                            &mut commands,
                        ),
                        Screen::Orders => orders::show(
                            ui,
                            &self.tr,
                            session,
                            self.focus_order.as_deref(),
                            &mut self.orders_shown,
                            now,
                            &mut commands,
                        ),
                        Screen::Batch => super::batch::show(
                            ui,
                            &self.tr,
                            session,
                            &mut self.batch_view,
                            now,
                            &mut commands,
                        ),
                        Screen::BatchReview => match &self.review {
                            Some(r) => super::batch_release::review(
                                ui,
                                &self.tr,
                                session,
                                &self.batch_view,
                                r,
                                now,
                                &mut commands,
                            ),
                            None => commands.push(Command::Navigate(Screen::Batch)),
                        },
                        Screen::Journal => journal_view::show(
                            ui,
                            &self.tr,
                            session,
                            &mut self.journal_view,
                            &mut commands,
                        ),
                        Screen::Settings => settings::show(
                            ui,
                            &self.tr,
                            session,
                            &mut self.settings_edit,
                            self.demo.is_some(),
                            &mut commands,
                        ),
                    }
                });
        });

        for c in commands {
            self.apply(c, &ctx);
        }
        self.journal_entry_steps();
        super::demo_player::track_order(self);
        super::demo_player::check_finished_step(self);
        if let Some(s) = &self.session {
            let now = s.now();
            self.shots
                .end_frame(&ctx, now.with_timezone(&s.clock().offset_at(now)));
        }
        self.maybe_screenshot(&ctx);
        if let Some(wake) = self.next_wake() {
            ctx.request_repaint_after(wake);
        }
    }

    /// Focus, Enter, window changes and over-long pastes, before widgets see them.
    fn read_window_input(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let on_review = matches!(self.screen, Screen::Review | Screen::BatchReview);
        let shortcut = egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::S,
        );
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
            commands.push(Command::TakeScreenshot);
        }
        // A file dropped on the window is a batch to check.
        for f in ctx.input(|i| i.raw.dropped_files.clone()) {
            commands.push(Command::Batch(BatchCommand::ImportDropped(
                f.path().to_path_buf(),
            )));
        }
        let mut refused_paste = None;
        let limit = if self.screen == Screen::Batch {
            MAX_BATCH_PASTE_CHARS
        } else {
            MAX_PASTE_CHARS
        };
        ctx.input_mut(|i| {
            i.events.retain(|e| match e {
                egui::Event::Paste(text) if text.chars().count() > limit => {
                    refused_paste = Some(text.chars().count());
                    false
                }
                _ => true,
            });
            for e in &i.events {
                match e {
                    egui::Event::WindowFocused(false) => {
                        commands.push(Command::Guard(GuardInput::FocusLost))
                    }
                    egui::Event::WindowFocused(true) => {
                        commands.push(Command::Guard(GuardInput::FocusGained))
                    }
                    egui::Event::Key {
                        key,
                        pressed,
                        repeat,
                        ..
                    } if on_review => {
                        let enter = *key == egui::Key::Enter;
                        commands.push(Command::Guard(if *pressed {
                            GuardInput::KeyDown {
                                enter,
                                repeat: *repeat,
                            }
                        } else {
                            GuardInput::KeyUp { enter }
                        }))
                    }
                    _ => {}
                }
            }
            let size = i.content_rect().size();
            if self.last_window_size.is_some_and(|s| s != size) {
                commands.push(Command::Guard(GuardInput::WindowChanged));
            }
            self.last_window_size = Some(size);
        });
        if let Some(n) = refused_paste {
            self.notices
                .push(Notice::new(Level::Warning, "notice.paste_too_long").arg("chars", n));
        }
    }

    // ---- commands -------------------------------------------------------

    pub fn apply(&mut self, command: Command, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            if let Command::SetLanguage(l) = command {
                self.tr.set_lang(l.unwrap_or_else(Lang::system));
            }
            if let Command::DismissNotice(i) = command
                && i < self.notices.len()
            {
                self.notices.remove(i);
            }
            return;
        };
        match command {
            Command::Navigate(screen) => {
                if screen == Screen::Settings {
                    self.settings_edit = session.settings().clone();
                }
                // Leaving the review by navigation is the same as going back.
                if matches!(self.screen, Screen::Review | Screen::BatchReview)
                    && screen != self.screen
                {
                    self.review = None;
                }
                self.screen = screen;
                if screen == Screen::Entry {
                    self.new_order();
                }
            }
            Command::SetLanguage(lang) => {
                // A choice made in the window wins over --lang from now on.
                self.lang_override = None;
                let s = Settings {
                    language: lang,
                    ..session.settings().clone()
                };
                if let Err(e) = session.update_settings(s) {
                    self.session_error("error.settings_save", &e);
                }
                self.settings_edit.language = lang;
                self.tr
                    .set_lang(self.lang_override.or(lang).unwrap_or_else(Lang::system));
            }
            Command::ChooseChannel(id) => {
                if self.draft.channel.as_deref() != Some(&id) {
                    self.draft.channel = Some(id.clone());
                    let s = Settings {
                        last_channel: Some(id.clone()),
                        ..session.settings().clone()
                    };
                    if let Err(e) = session.update_settings(s) {
                        self.session_error("error.settings_save", &e);
                    }
                    // The alphabet and verification rules changed: journal every step again.
                    self.journaled = JournaledSteps::default();
                }
            }
            Command::ChooseFaceValue(f) => {
                if self.draft.face_value != Some(f) {
                    self.draft.face_value = Some(f);
                    self.draft.face_retyped_raw.clear();
                }
            }
            Command::CodeEdited { pasted } => {
                let now = session.now();
                if self.draft.code_raw.is_empty() {
                    // Cleared: the next entry starts afresh.
                    self.draft.code_pasted = false;
                    self.draft.code_started = None;
                } else {
                    self.draft.code_pasted |= pasted;
                    self.draft.code_started.get_or_insert(now);
                }
                self.draft.duplicate_ack = false;
            }
            Command::GoToReview { from } => self.go_to_review(from, ctx),
            Command::BackToEntry => {
                self.review = None;
                self.screen = Screen::Entry;
            }
            // While the walkthrough plays, the script is the only hand on
            // the confirmation step (the presenter's pointer is not).
            Command::Guard(_) if self.demo_player.is_some() => {}
            Command::Guard(input) | Command::DemoGuard(input) => self.guard_input(input),
            Command::RetryRelease(id) => {
                self.release_blocked = None;
                self.release(&id);
            }
            Command::DemoSpeed(factor) => {
                if let Some(d) = &self.demo {
                    d.set_factor(factor);
                }
            }
            Command::DemoSampleCard => {
                // Obviously fake: DEMO-0000-0000-NNNN, a new one each time.
                let n = session.ledger().orders().len() + 1;
                *self.draft.code_raw = format!("DEMO-0000-0000-{:04}", n % 10_000);
                self.draft.code_started = Some(session.now());
                self.draft.code_pasted = false;
                self.screen = Screen::Entry;
            }
            Command::DemoReset => {
                self.demo_player = None;
                self.reset_demo()
            }
            Command::DemoPlay => {
                if let Some(d) = &self.demo {
                    let script = crate::core::demo::builtin();
                    self.demo_player = Some(super::demo_player::DemoPlayer::new(
                        script,
                        session.now(),
                        d.factor(),
                    ));
                }
            }
            Command::DemoStop => self.demo_player = None,
            Command::SwitchDemo(on) => {
                // A hold or a batch in progress lives only in this process.
                let busy = self.batch_view.run.as_ref().is_some_and(|r| {
                    !matches!(
                        r.phase,
                        crate::core::batch::run::RunPhase::Finished
                            | crate::core::batch::run::RunPhase::Undone
                    )
                }) || session
                    .ledger()
                    .orders()
                    .iter()
                    .any(|o| o.phase == Phase::Holding);
                if busy {
                    self.notices
                        .push(Notice::new(Level::Warning, "demo.switch_busy"));
                    return;
                }
                // A separate process: the demo can never touch the real journal.
                let args = crate::cli::relaunch_args(&std::env::args_os().collect::<Vec<_>>(), on);
                match std::env::current_exe()
                    .and_then(|exe| std::process::Command::new(exe).args(args).spawn())
                {
                    Ok(_) => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
                    Err(e) => self.error("demo.switch_failed", e),
                }
            }
            Command::DemoFillCard { card, face } => {
                *self.draft.code_raw = card;
                self.draft.code_pasted = false;
                // As if typed by hand over a few seconds (not a fast paste).
                self.draft.code_started = Some(session.now() - chrono::Duration::seconds(12));
                self.draft.face_value = Some(face);
                self.draft.face_retyped_raw = face.yuan_input_text();
                self.draft.duplicate_ack = false;
            }
            Command::DemoShowReviewAgain => {
                if let (Screen::Review, Some(id)) = (self.screen, self.draft.order_id.clone()) {
                    self.show_review(&id, None, false);
                }
            }
            Command::DemoShowJournal(id) => {
                self.screen = Screen::Journal;
                self.journal_view.filter.order = id;
            }
            Command::DemoVerify => {
                let data_dir = session.paths().data_dir.clone();
                let journal = crate::core::evidence::verify_dir(&data_dir, &mut |_, _| {});
                let bundle = self
                    .last_export
                    .as_deref()
                    .map(crate::core::evidence::verify_bundle);
                let n = match (journal, bundle) {
                    (Ok(j), Some(Ok(b))) => Notice::new(Level::Info, "demo.verified_both")
                        .arg("events", j.events)
                        .arg("bundle_events", b.events)
                        .arg("files", b.files),
                    (Ok(j), None) => {
                        Notice::new(Level::Info, "demo.verified").arg("events", j.events)
                    }
                    (Err(e), _) => Notice::new(Level::Error, "demo.verify_failed").arg("error", e),
                    (_, Some(Err(e))) => {
                        Notice::new(Level::Error, "demo.verify_failed").arg("error", e)
                    }
                };
                self.notices.push(n);
            }
            Command::Batch(c) => super::batch::apply(self, c, ctx),
            Command::ExportEvidence(id) => {
                let result = journal_view::export_bundle(
                    session,
                    crate::core::exports::BundleOf::Order(&id),
                    &self.tr,
                );
                self.last_export = result.as_ref().ok().cloned();
                self.notices.push(journal_view::export_notice(result));
            }
            Command::TakeScreenshot => {
                let subject = self.screen_subject();
                let step = ShotStep::manual(subject.batch().is_some());
                self.shots.request(subject, step);
            }
            Command::TypedLast4(text) => {
                if let Some(r) = self.review.as_mut() {
                    r.typed = text;
                }
            }
            Command::Undo => {
                if let Some(id) = self.draft.order_id.clone() {
                    match session.undo(&id) {
                        Ok(()) => self.show_review(&id, None, false),
                        Err(e) => self.session_error("error.journal_write", &e),
                    }
                }
            }
            Command::PlatformSubmitted(id) => {
                if let Err(e) = session.platform_submitted(&id) {
                    self.session_error("error.journal_write", &e);
                }
            }
            Command::Cancel(id) => match session.cancel(&id).inspect(|_| {
                self.shots
                    .request_order(id.clone(), ShotStep::CancelRequested)
            }) {
                Ok(Event::Cancelled { fee_fen }) => self.notices.push(
                    Notice::new(Level::Info, "notice.cancelled")
                        .arg("order", &id)
                        .arg("fee", fee_fen),
                ),
                Ok(Event::CancelRequested { .. }) => self
                    .notices
                    .push(Notice::new(Level::Info, "notice.cancel_requested").arg("order", &id)),
                Ok(_) => self
                    .notices
                    .push(Notice::new(Level::Warning, "notice.cancel_refused").arg("order", &id)),
                Err(e) => self.session_error("error.journal_write", &e),
            },
            Command::SaveSettings(mut s) => {
                if self.demo.is_some() {
                    // Demo mode only ever uses the simulated channel.
                    s.release_mode = ReleaseMode::Simulated;
                }
                self.save_settings(s)
            }
            Command::OpenDataDir => {
                let dir = session.paths().data_dir.clone();
                if let Err(e) = open_folder(&dir) {
                    self.notices.push(
                        Notice::new(Level::Warning, "error.open_folder")
                            .arg("path", dir.display())
                            .arg("error", e),
                    );
                }
            }
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
        }
    }

    /// What the screen shows, for a screenshot taken now: the order on the
    /// entry, review and hold screens, the batch on the batch screens,
    /// nothing on lists and settings.
    pub fn screen_subject(&self) -> ShotSubject {
        match self.screen {
            Screen::Entry | Screen::Hold => ShotSubject::from_order(self.draft.order_id.clone()),
            Screen::Review | Screen::BatchReview => {
                match self.review.as_ref().map(|r| &r.subject) {
                    Some(Subject::Order(id)) => ShotSubject::Order(id.clone()),
                    Some(Subject::Batch(id)) => ShotSubject::Batch(id.clone()),
                    None => ShotSubject::None,
                }
            }
            Screen::Batch => self
                .batch_view
                .run
                .as_ref()
                .map(|r| r.id.clone())
                .or_else(|| self.batch_view.id.clone())
                .map_or(ShotSubject::None, ShotSubject::Batch),
            Screen::Orders | Screen::Journal | Screen::Settings => ShotSubject::None,
        }
    }

    /// Journals a step of the current draft, giving the draft an order id first.
    fn journal_step(&mut self, event: Event) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let id = self
            .draft
            .order_id
            .get_or_insert_with(|| session.new_order_id())
            .clone();
        match session.record(Some(&id), event) {
            Ok(()) => true,
            Err(e) => {
                self.session_error("error.journal_write", &e);
                false
            }
        }
    }

    /// The draft's channel profile and the check of its inputs.
    fn draft_check(&self) -> Option<(ChannelProfile, DraftCheck)> {
        let session = self.session.as_ref()?;
        let profile = self
            .draft
            .channel
            .as_deref()
            .and_then(|c| session.profile(c))?
            .clone();
        let check = self
            .draft
            .check(&profile, session.settings().retype_threshold_fen);
        Some((profile, check))
    }

    /// Journals each entry step once, when it becomes valid (never keystrokes).
    fn journal_entry_steps(&mut self) {
        if self.screen != Screen::Entry {
            return;
        }
        let Some((profile, check)) = self.draft_check() else {
            return;
        };
        let Some(session) = &self.session else { return };
        let mut steps = Vec::new();
        // The channel counts as chosen once the person starts on the draft.
        let started = !self.draft.code_raw.is_empty() || self.draft.face_value.is_some();
        if started && self.journaled.channel.as_deref() != Some(profile.id.as_str()) {
            self.journaled.channel = Some(profile.id.clone());
            steps.push(Event::ChannelChosen {
                channel: profile.id.clone(),
            });
        }
        if let Some(secret) = check.code.secret() {
            let fp = session.fingerprint(&secret);
            if self.journaled.code_fingerprint.as_ref() != Some(&fp) {
                let duplicate_of = session.ledger().released_with(&fp).map(str::to_owned);
                self.journaled.code_fingerprint = Some(fp.clone());
                steps.push(Event::CodeEntered {
                    masked: secret.masked(),
                    fingerprint: fp,
                    pasted: self.draft.code_pasted,
                    confusables: check.code.confusables.len(),
                    duplicate_of,
                });
            }
        }
        let verification_ok = matches!(check.verification, Some(Ok(())));
        if verification_ok && !self.journaled.verification {
            self.journaled.verification = true;
            steps.push(Event::VerificationCodeEntered {
                masked: "••••••".into(),
            });
        } else if !verification_ok {
            self.journaled.verification = false;
        }
        if let Some(f) = self.draft.face_value {
            let retyped = check.retype == crate::core::draft::RetypeState::Matches;
            if self.journaled.face != Some(f) || (retyped && !self.journaled.face_retyped) {
                self.journaled.face = Some(f);
                self.journaled.face_retyped = retyped;
                steps.push(Event::FaceValueSet {
                    face_value_fen: f,
                    retyped,
                });
            }
        }
        for e in steps {
            self.journal_step(e);
        }
    }

    fn go_to_review(&mut self, from: Option<egui::Rect>, ctx: &egui::Context) {
        self.journal_entry_steps();
        let Some((profile, check)) = self.draft_check() else {
            return;
        };
        let Some(session) = &self.session else { return };
        let Some(secret) = check.code.secret().filter(|_| check.ready) else {
            return;
        };
        let fp = session.fingerprint(&secret);
        if session.ledger().released_with(&fp).is_some() && !self.draft.duplicate_ack {
            return;
        }
        let face = self.draft.face_value.unwrap_or_default();
        let event = Event::ReviewShown {
            channel: profile.id.clone(),
            face_value_fen: face,
            payout_fen: profile.payout(face),
            masked: secret.masked(),
            fingerprint: fp,
            cancel_window_ms: profile.effective_window_ms(),
            release_mode: session.settings().release_mode,
            batch: None,
        };
        if self.journal_step(event) {
            let id = self.draft.order_id.clone().unwrap_or_default();
            let (avoid, pointer_down) = avoid_rect(from, ctx);
            self.show_review(&id, avoid, pointer_down);
        }
    }

    pub(crate) fn show_review(
        &mut self,
        order_id: &str,
        avoid: Option<egui::Rect>,
        pointer_down: bool,
    ) {
        let Some(session) = &self.session else { return };
        let now = session.now();
        let Some(context) = self.guard_context(order_id) else {
            return;
        };
        let guard = BehaviourGuard::shown(&context, pointer_down);
        let decided = Event::guard_decided(guard.plan(), context.sensitivity, None);
        let last4 = self
            .draft
            .channel
            .as_deref()
            .and_then(|c| session.profile(c))
            .and_then(|p| self.draft.secret(p))
            .map(|s| s.last4().to_owned())
            .unwrap_or_default();
        let avoid = avoid.or_else(|| self.review.as_ref().and_then(|r| r.avoid));
        self.review = Some(ReviewStep::new(
            Subject::Order(order_id.to_owned()),
            guard,
            now,
            avoid,
            TypeToConfirm::Last4(last4),
        ));
        self.screen = Screen::Review;
        self.journal_step(decided);
        self.shots.request_order(order_id, ShotStep::Review);
    }

    /// Everything the guard weighs about this order (see `Session::guard_context`).
    fn guard_context(&self, order_id: &str) -> Option<GuardContext> {
        let session = self.session.as_ref()?;
        let entry_ms = self
            .draft
            .code_started
            .map(|s| ms_between(s, session.now()))
            .unwrap_or(u64::MAX);
        session.guard_context(order_id, self.draft.code_pasted, entry_ms)
    }

    fn guard_input(&mut self, input: GuardInput) {
        let Some(now) = self.now() else { return };
        let on_review = matches!(self.screen, Screen::Review | Screen::BatchReview);
        let Some(r) = self.review.as_mut().filter(|_| on_review) else {
            return;
        };
        let at = r.at_ms(now);
        match input {
            GuardInput::PointerMoved { on } => r.pointer_on = on,
            GuardInput::PointerDown {
                on: Target::Confirm,
            } => r.press_started = Some(now),
            GuardInput::PointerDown { .. }
            | GuardInput::PointerUp { .. }
            | GuardInput::FocusLost => r.press_started = None,
            _ => {}
        }
        match r.guard.observe(at, input) {
            Verdict::Confirmed => {
                let id = match r.subject.clone() {
                    Subject::Order(id) => id,
                    Subject::Batch(batch) => return self.start_batch_run(&batch),
                };
                let Some(session) = self.session.as_mut() else {
                    return;
                };
                match session.confirm(&id) {
                    Ok(()) => {
                        self.review = None;
                        self.screen = Screen::Hold;
                        self.shots.request_order(id, ShotStep::Confirmed);
                    }
                    Err(e) => {
                        self.session_error("error.not_confirmed", &e);
                        self.shots.request_order(id, ShotStep::ConfirmBlocked);
                    }
                }
            }
            Verdict::Swallowed(reason) => {
                let batch = match &r.subject {
                    Subject::Batch(b) => Some(b.clone()),
                    Subject::Order(_) => None,
                };
                let event = Event::ConfirmSwallowed {
                    at_ms: at,
                    reason: reason.key().to_owned(),
                    batch: batch.clone(),
                };
                r.swallowed = Some((reason, now));
                if batch.is_some() {
                    self.record_batch_event(event);
                } else {
                    self.journal_step(event);
                }
            }
            Verdict::Noted => {}
        }
    }

    /// The batch passed its confirmation: hold it, then release it.
    fn start_batch_run(&mut self, batch: &str) {
        self.review = None;
        self.screen = Screen::Batch;
        super::batch::start_run(self, batch);
    }

    /// Journals a batch-level event (no order); a refused write is shown.
    pub(crate) fn record_batch_event(&mut self, event: Event) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        match session.record(None, event) {
            Ok(()) => true,
            Err(e) => {
                self.session_error("error.journal_write", &e);
                false
            }
        }
    }

    /// "New order" continues the one draft there is: nothing typed is ever
    /// thrown away by navigating. While its hold runs, the draft cannot be
    /// edited (it is what will be sent), so the hold screen shows instead.
    fn new_order(&mut self) {
        let holding = self
            .draft
            .order_id
            .as_deref()
            .and_then(|id| self.session.as_ref()?.order(id))
            .is_some_and(|o| o.phase == Phase::Holding);
        self.review = None;
        self.screen = if holding { Screen::Hold } else { Screen::Entry };
    }

    // ---- time -----------------------------------------------------------

    /// Applies everything that fell due: closed windows, verifications,
    /// ended holds (released here, since only we hold the code), clipboard.
    fn tick(&mut self) {
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
                self.shots.request_order(id.clone(), ShotStep::WindowClosed);
            }
        }
        for id in caught_up.holds_due {
            // A batch's orders are released by its run, which holds their codes.
            let in_batch = self
                .session
                .as_ref()
                .and_then(|s| s.order(&id))
                .is_some_and(|o| o.batch.is_some());
            if !in_batch && self.release_blocked.as_deref() != Some(id.as_str()) {
                self.release(&id);
            }
        }
        super::batch::advance_run(self);
        super::batch::poll_import(self);
        self.journal_screenshots();
        self.clear_clipboard_if_due();
    }

    fn release(&mut self, id: &str) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let secret = (self.draft.order_id.as_deref() == Some(id))
            .then(|| {
                self.draft
                    .channel
                    .as_deref()
                    .and_then(|c| session.profile(c))
                    .and_then(|p| self.draft.secret(p))
            })
            .flatten();
        let Some(secret) = secret else {
            // The code is gone from memory: this hold can never be sent.
            if let Err(e) = session.record(Some(id), Event::HoldInterrupted {}) {
                self.session_error("error.journal_write", &e);
            }
            return;
        };
        match session.release(id, &secret) {
            Ok(Event::Released {
                mode: ReleaseMode::Manual,
                ..
            }) => {
                if !self.clipboard.set_text(secret.expose()) {
                    self.notices
                        .push(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
                self.after_release(id);
            }
            Ok(_) => self.after_release(id),
            Err(e) => {
                // Fail closed: still held on this device, nothing sent, and no
                // automatic retry: the person decides (retry or undo).
                self.session_error("error.not_released", &e);
                self.release_blocked = Some(id.to_owned());
                self.screen = Screen::Hold;
                self.shots.request_order(id, ShotStep::ReleaseBlocked);
            }
        }
    }

    fn after_release(&mut self, id: &str) {
        let channel = self.draft.channel.clone();
        self.draft = Draft {
            channel,
            ..Draft::default()
        };
        self.journaled = JournaledSteps::default();
        self.focus_order = Some(id.to_owned());
        self.shots.request_order(id, ShotStep::Released);
        self.screen = Screen::Orders;
    }

    fn save_settings(&mut self, new: Settings) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match session.update_settings(new) {
            Ok(()) => {
                self.settings_edit = session.settings().clone();
                let lang = self
                    .lang_override
                    .or(self.settings_edit.language)
                    .unwrap_or_else(Lang::system);
                self.tr.set_lang(lang);
                self.notices
                    .push(Notice::new(Level::Info, "notice.settings_saved"));
            }
            Err(e) => self.session_error("error.settings_save", &e),
        }
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
        if let Err(e) = std::fs::remove_dir_all(&paths.data_dir)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            self.error("error.demo_reset", e);
        }
        match Self::open_session(Some(&paths), &self.clock, true) {
            Ok(s) => self.session = Some(s),
            Err(n) => self.failure = Some(n),
        }
        self.draft = Draft {
            channel: self.draft.channel.clone(),
            ..Draft::default()
        };
        self.journaled = JournaledSteps::default();
        self.review = None;
        self.release_blocked = None;
        self.focus_order = None;
        self.journal_view = Default::default();
        self.batch_view = Default::default();
        self.notices.clear();
        self.screen = Screen::Entry;
        self.notices
            .push(Notice::new(Level::Info, "notice.demo_reset"));
    }

    /// Journals screenshots the worker finished (path, size, SHA-256).
    fn journal_screenshots(&mut self) {
        for (request, result) in self.shots.finished() {
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
                        batch: request.subject.batch().map(str::to_owned),
                    };
                    if let Err(e) = session.record(request.subject.order(), event) {
                        self.session_error("error.journal_write", &e);
                    } else if request.step.is_manual() {
                        self.notices.push(
                            Notice::new(Level::Info, "notice.screenshot_saved")
                                .arg("path", saved.path),
                        );
                    }
                }
                Err(e) => self.notices.push(
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
        let due: Vec<(String, String)> = session
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
        if let Some(r) = self
            .review
            .as_ref()
            .filter(|_| matches!(self.screen, Screen::Review | Screen::BatchReview))
        {
            let v = r.guard.view(r.at_ms(now));
            if let Some(ms) = v.arms_in_ms {
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
        if let Some(d) = self.batch_view.run.as_ref().and_then(|r| r.next_deadline()) {
            let left = ms_between(now, d);
            at(next_second_change(left).min(left.max(1)));
        }
        if let Some(p) = &self.demo_player {
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
        wake.map(|ms| Duration::from_millis((ms / factor).max(1)))
    }

    fn maybe_screenshot(&mut self, ctx: &egui::Context) {
        // Frame 1 lays out, frame 2 has every glyph in the atlas.
        if self.frames < 3 {
            ctx.request_repaint();
            return;
        }
        let Some(path) = self.screenshot_to.take() else {
            return;
        };
        let ctx2 = ctx.clone();
        let tr = Texts::new(self.tr.lang());
        // Masked until the pixels are in: the backend may read a later frame.
        let guard = self.shots.in_flight();
        ctx.request_screenshot(move |image| {
            drop(guard);
            let [w, h] = image.size;
            let rgba = widgets::rgba_bytes(&image);
            match crate::core::screenshot::write_png_new(&path, &rgba, w as u32, h as u32) {
                Ok(()) => {
                    CLI_SCREENSHOT.store(CLI_SHOT_SAVED, std::sync::atomic::Ordering::SeqCst);
                    println!("screenshot saved to {}", path.display());
                }
                Err(e) => {
                    CLI_SCREENSHOT.store(CLI_SHOT_FAILED, std::sync::atomic::Ordering::SeqCst);
                    let why = crate::core::safe_file::describe(&e, &tr);
                    eprintln!("{}", tr.fmt("screenshot.not_saved", &[("error", &why)]));
                }
            }
            ctx2.send_viewport_cmd(egui::ViewportCommand::Close);
            ctx2.request_repaint();
        });
    }
}

const CLI_SHOT_SAVED: u8 = 1;
const CLI_SHOT_FAILED: u8 = 2;
/// What became of `--screenshot PNG` (one per process: main reads it
/// after the window closed).
static CLI_SCREENSHOT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Whether `--screenshot PNG` was written (false if it failed or never ran).
pub fn cli_screenshot_saved() -> bool {
    CLI_SCREENSHOT.load(std::sync::atomic::Ordering::SeqCst) == CLI_SHOT_SAVED
}

/// Where the next step's confirm button must not be (the previous button
/// and the pointer), and whether a button is held down right now.
pub fn avoid_rect(from: Option<egui::Rect>, ctx: &egui::Context) -> (Option<egui::Rect>, bool) {
    let pointer = ctx
        .input(|i| i.pointer.latest_pos())
        .map(|p| egui::Rect::from_center_size(p, egui::vec2(2.0, 2.0)));
    let avoid = match (from, pointer) {
        (Some(a), Some(b)) => Some(a.union(b)),
        (a, b) => a.or(b),
    };
    (avoid, ctx.input(|i| i.pointer.primary_down()))
}

/// Milliseconds until a seconds display of `left_ms` (rounded up) changes.
pub fn next_second_change(left_ms: u64) -> u64 {
    match left_ms % 1000 {
        0 if left_ms == 0 => 1,
        0 => 1000,
        r => r,
    }
}

fn open_folder(dir: &std::path::Path) -> std::io::Result<()> {
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(dir)
        .spawn()
        .map(|_| ())
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}
