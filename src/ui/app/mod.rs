//! The application: owns the session and the window's state, gathers the
//! [`Command`]s the screens send while they draw, applies them once per
//! frame and schedules the next repaint for exactly when the display
//! changes. Split by job: `frame` (drawing), `input` (what arrives before
//! widgets see it), `apply` (the only place commands change anything),
//! `order` / `batch` / `demo` (their commands), `tick` (time), `startup`,
//! `ports` (the OS: clipboard, folders, relaunch, workers).

mod apply;
mod batch;
mod demo;
mod frame;
mod input;
mod order;
mod ports;
mod remedy;
mod startup;
mod tick;

pub use ports::{DesktopPort, FileAnswer, FileAsk, SystemDesktop};
pub use tick::next_second_change;

use super::clipboard::ClipboardPort;
use super::command::{Level, Notice, Notices, Screen};
use super::demo_player::DemoPlayer;
use super::fonts;
use super::journal_feed::JournalFeed;
use super::review_step::ReviewStep;
use super::screens::{batch::BatchForm, journal::JournalView, orders};
use super::shots::Shots;
use crate::core::batch::desk::BatchDesk;
use crate::core::clock::{ScaledClock, SharedClock};
use crate::core::flow::OrderFlow;
use crate::core::ids::OrderId;
use crate::core::session::{Paths, Session, SessionError};
use crate::core::settings::Settings;
use crate::i18n::{Lang, Texts};
use chrono::{DateTime, Utc};
use eframe::egui;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

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

/// The window's state: one field per part.
struct State {
    tr: Texts,
    /// `--lang` until the person picks a language in the window.
    lang_override: Option<Lang>,
    screen: Screen,
    notices: Notices,
    /// The single order being entered (and, while it holds, being held).
    order: OrderFlow,
    /// The confirmation step on show (an order's or a batch's).
    review: Option<ReviewStep>,
    /// A hold whose release the journal refused: not retried until asked.
    release_blocked: Option<OrderId>,
    /// The order the orders screen scrolls to and highlights.
    focus_order: Option<OrderId>,
    /// How many orders the orders screen draws (it pages long histories).
    orders_shown: usize,
    journal: JournalView,
    /// The journal as read so far (kept up to date while it is on show).
    journal_feed: JournalFeed,
    /// The batch being prepared or released (the core's desk) and its form.
    batch_desk: BatchDesk,
    batch: BatchForm,
    /// The settings form (saved only by its Save button).
    settings_edit: Settings,
    /// The scripted walkthrough, while it plays.
    demo_player: Option<DemoPlayer>,
    /// The last evidence bundle written (the walkthrough verifies it).
    last_export: Option<PathBuf>,
    /// Where evidence goes, as the person chooses it in the desktop's
    /// folder dialog: the dialog's answer being awaited (for this order or
    /// batch), the folder chosen last (the next dialog starts there), and
    /// whether the dialog was just closed without one (the next export
    /// then goes to the data dir's own `exports`).
    pending_export: Option<(crate::core::flow::Subject, FileAnswer)>,
    export_to: Option<PathBuf>,
    export_declined: bool,
    shots: Shots,
    /// "Something went wrong?", while it is open.
    remedy: Option<super::screens::remedy::RemedyDesk>,
    /// Time-stamp requests for new checkpoints, on a worker.
    stamper: super::stamper::Stamper,
}

pub struct App {
    state: State,
    session: Option<Session>,
    /// Why the data dir could not be opened (the app then shows only this).
    failure: Option<Notice>,
    clipboard: Box<dyn ClipboardPort>,
    desktop: Box<dyn DesktopPort>,
    clock: SharedClock,
    paths: Option<Paths>,
    demo: Option<Arc<ScaledClock>>,
    screenshot_to: Option<PathBuf>,
    started: Option<Instant>,
    last_window_size: Option<egui::Vec2>,
    /// Frames drawn so far (the first two lay out fonts).
    frames: u64,
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        fonts::install(&cc.egui_ctx);
        Self::with_config(config)
    }

    /// Opens on `screen` instead of the usual first one (`--screen`, for
    /// the README's gallery). A screen that needs a step in progress
    /// (review, hold, remedy) is not offered: it has nothing to show.
    pub fn start_on(mut self, screen: Screen) -> Self {
        if self.session.is_some()
            && matches!(
                screen,
                Screen::Entry | Screen::Orders | Screen::Batch | Screen::Journal | Screen::Settings
            )
        {
            self.state.screen = screen;
        }
        self
    }

    fn with_config(config: AppConfig) -> Self {
        let opened =
            startup::open_session(config.paths.as_ref(), &config.clock, config.demo.is_some());
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
        let data_dir = config
            .paths
            .as_ref()
            .map(|p| p.data_dir.clone())
            .unwrap_or_default();
        let mut app = Self {
            state: State {
                tr: Texts::new(lang),
                lang_override: config.lang,
                screen: Screen::Entry,
                notices: Notices::default(),
                order: OrderFlow::default(),
                review: None,
                release_blocked: None,
                focus_order: None,
                orders_shown: orders::PAGE,
                journal: JournalView::default(),
                journal_feed: JournalFeed::default(),
                batch_desk: BatchDesk::default(),
                batch: BatchForm::default(),
                settings_edit: settings.clone(),
                demo_player: None,
                last_export: None,
                pending_export: None,
                export_to: None,
                export_declined: false,
                shots: Shots::new(data_dir),
                remedy: None,
                stamper: Default::default(),
            },
            session,
            failure,
            clipboard: config.clipboard,
            desktop: Box::new(SystemDesktop),
            clock: config.clock,
            paths: config.paths,
            demo: config.demo,
            screenshot_to: config.screenshot_to,
            started: config.started,
            last_window_size: None,
            frames: 0,
        };
        startup::first_screen(&mut app, &settings);
        app
    }

    /// The OS actions (open a folder, start again); tests pass a recorder.
    pub fn with_desktop(mut self, desktop: Box<dyn DesktopPort>) -> Self {
        self.desktop = desktop;
        self
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The screen on show (tests read it; only commands change it).
    pub fn screen(&self) -> Screen {
        self.state.screen
    }

    /// The language the window speaks.
    pub fn lang(&self) -> Lang {
        self.state.tr.lang()
    }

    pub fn failure(&self) -> Option<&Notice> {
        self.failure.as_ref()
    }

    fn now(&self) -> Option<DateTime<Utc>> {
        self.session.as_ref().map(Session::now)
    }

    fn notify(&mut self, n: Notice) {
        self.state.notices.push(n);
    }

    fn error(&mut self, key: &'static str, e: impl std::fmt::Display) {
        self.notify(Notice::new(Level::Error, key).arg("error", e));
    }

    /// A failed session step: refused files are said in the person's language.
    fn session_error(&mut self, key: &'static str, e: &SessionError) {
        self.notify(Notice::new(Level::Error, key).arg_said("error", |tr| e.describe(tr)));
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    /// The window is closing: seal the journal as it stands.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(s) = &mut self.session {
            s.checkpoint();
        }
    }
}

/// Whether `--screenshot PNG` was written (false if it failed or never ran).
pub fn cli_screenshot_saved() -> bool {
    frame::cli_screenshot_saved()
}
