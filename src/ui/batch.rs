//! Batch screen (operators): import a CSV/TSV file (browse, type a path or
//! drop it on the window) or pasted text, see every row validated like
//! single entry, sort and filter, fix or drop rows, see the totals and the
//! thresholds this batch crosses (each needs a journaled acknowledgement),
//! then review and release. The checks are the same as `cardguard batch
//! check`; the release itself is in `batch_release.rs`.

use super::app::{App, Command, Level, Notice, ReviewStep, Screen, Subject, TypeToConfirm};
use super::file_picker::FilePicker;
use super::shots::ShotSubject;
use super::widgets::{DANGER, OK, WARN};
use crate::core::batch::limits::{Crossing, LimitKind, covered, crossings};
use crate::core::batch::run::{BatchRun, PauseReason, RunPhase};
use crate::core::batch::{Batch, BatchRow, MAX_BYTES, Status, Totals, import};
use crate::core::event::Event;
use crate::core::guard::{BehaviourGuard, GuardContext};
use crate::core::money::Fen;
use crate::core::safe_file::{FileError, Links, read_capped};
use crate::core::screenshot::ShotStep;
use crate::core::session::Session;
use crate::i18n::Texts;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

const ROW_HEIGHT: f32 = 26.0;

#[derive(Debug, Clone)]
pub enum BatchCommand {
    Channel(String),
    ImportFile(String),
    ImportPaste,
    /// A file dropped on the window.
    ImportDropped(std::path::PathBuf),
    /// The file picker: open it, or it chose a file.
    Browse,
    Drop(usize),
    Fix(usize),
    ApplyFix,
    SortBy(SortKey),
    Acknowledge(LimitKind),
    /// To the batch's review and guarded confirmation.
    Review {
        from: Option<egui::Rect>,
    },
    Undo,
    Pause,
    Resume,
    CancelAll,
    ExportResults,
    /// The batch's evidence bundle (its events, every order, screenshots).
    ExportEvidence,
    /// Put a finished (or undone) batch away and start a new one.
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Row,
    Code,
    Face,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Problems,
    Errors,
    Warnings,
}

#[derive(Default)]
pub struct BatchView {
    pub paste: zeroize::Zeroizing<String>,
    pub path: String,
    pub channel: Option<String>,
    pub batch: Option<Batch>,
    /// The journaled id of the current import.
    pub id: Option<String>,
    pub filter: StatusFilter,
    /// Matches the masked code's visible characters, the row number or a reason.
    pub search: String,
    pub sort: SortKey,
    pub sort_descending: bool,
    /// Pasted codes are masked unless the operator shows them.
    pub reveal_paste: bool,
    /// The row being fixed: (source row, code text, face text).
    pub fixing: Option<(usize, zeroize::Zeroizing<String>, String)>,
    /// None: the default (on for a channel's first batch).
    pub test_first: Option<bool>,
    pub run: Option<BatchRun>,
    pub picker: Option<FilePicker>,
    /// A chosen file being read on a worker thread (never on the UI thread:
    /// a FIFO or a slow disk must not freeze the window).
    pub importing: Option<Importing>,
}

/// A batch file being read off the UI thread.
pub struct Importing {
    pub source: String,
    rx: std::sync::mpsc::Receiver<Result<Vec<u8>, FileError>>,
}

impl BatchView {
    /// Imports bytes (a file or pasted text) and validates every row.
    /// A bad file changes nothing: the previous batch stays.
    pub fn load(
        &mut self,
        bytes: &[u8],
        source: &str,
        session: &mut Session,
    ) -> Result<(), Notice> {
        let batch =
            import(bytes).map_err(|e| Notice::new(Level::Error, e.key()).arg("file", source))?;
        self.batch = Some(batch);
        self.fixing = None;
        self.revalidate(session);
        let id = session.new_batch_id();
        let b = self.batch.as_ref().expect("just set");
        let t = self.totals(session).unwrap_or_default();
        let name = std::path::Path::new(source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.to_owned());
        let name = crate::core::code::mask_code_like_runs(&name);
        session
            .record(
                None,
                Event::BatchImported {
                    batch: id.clone(),
                    source: name,
                    encoding: b.encoding.name().to_owned(),
                    rows: t.rows,
                    errors: t.errors,
                    warnings: t.warnings,
                },
            )
            .map_err(|e| Notice::new(Level::Error, "error.journal_write").arg("error", e))?;
        self.id = Some(id);
        Ok(())
    }

    pub fn revalidate(&mut self, session: &Session) {
        let Some(profile) = self.profile(session).cloned() else {
            return;
        };
        self.channel = Some(profile.id.clone());
        if let Some(b) = &mut self.batch {
            b.validate(&profile, session.fingerprint_key(), session.ledger());
        }
    }

    fn profile<'a>(
        &self,
        session: &'a Session,
    ) -> Option<&'a crate::core::profile::ChannelProfile> {
        self.channel
            .as_deref()
            .or(session.settings().last_channel.as_deref())
            .and_then(|c| session.profile(c))
            .or(session.profiles().first())
    }

    pub fn totals(&self, session: &Session) -> Option<crate::core::batch::Totals> {
        Some(self.batch.as_ref()?.totals(self.profile(session)?))
    }

    /// The thresholds this batch crosses now, each with whether it is acknowledged.
    pub fn crossings(&self, session: &Session) -> Vec<(Crossing, bool)> {
        self.totals(session)
            .map(|t| self.crossings_for(session, t.face_value))
            .unwrap_or_default()
    }

    /// The same, for totals already computed this frame.
    fn crossings_for(&self, session: &Session, total: Fen) -> Vec<(Crossing, bool)> {
        let (Some(id), Some(p)) = (&self.id, self.profile(session)) else {
            return Vec::new();
        };
        let now = session.now();
        let acks = session
            .ledger()
            .batch(id)
            .map(|b| b.acks.clone())
            .unwrap_or_default();
        crossings(
            session.settings(),
            session.ledger(),
            &p.id,
            total,
            now,
            session.clock().offset_at(now),
        )
        .into_iter()
        .map(|c| {
            let ok = covered(&c, &acks);
            (c, ok)
        })
        .collect()
    }

    /// Whether the test-card option is on (by default for a channel's first batch).
    pub fn test_first(&self, session: &Session) -> bool {
        self.test_first.unwrap_or_else(|| {
            self.profile(session)
                .is_some_and(|p| !session.ledger().channel_used(&p.id))
        })
    }

    /// Why the batch cannot go to review yet (an i18n key), if it cannot.
    pub fn not_ready(&self, session: &Session) -> Option<&'static str> {
        let t = self.totals(session)?;
        readiness(&t, &self.crossings_for(session, t.face_value))
    }

    /// The rows to show, filtered and sorted.
    fn visible(&self, tr: &Texts) -> Vec<usize> {
        let Some(b) = &self.batch else {
            return Vec::new();
        };
        let needle = self.search.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..b.rows.len())
            .filter(|&i| {
                let r = &b.rows[i];
                let status_ok = match self.filter {
                    StatusFilter::All => true,
                    StatusFilter::Problems => r.status != Status::Ok,
                    StatusFilter::Errors => r.status == Status::Error,
                    StatusFilter::Warnings => r.status == Status::Warning,
                };
                status_ok && (needle.is_empty() || row_matches(r, &needle, tr))
            })
            .collect();
        // Masked codes show only their last characters: sort on those.
        let tail = |r: &BatchRow| r.masked.rsplit(' ').next().unwrap_or("").to_owned();
        let number = |r: &BatchRow| match self.sort {
            SortKey::Row | SortKey::Code => r.row as i64,
            SortKey::Face => r.face_value.map_or(-1, |f| f.0),
            SortKey::Status => r.status as i64,
        };
        // Keys computed once, not per comparison (10 000 rows every frame).
        let mut keyed: Vec<(String, i64, usize, usize)> = shown
            .iter()
            .map(|&i| {
                let r = &b.rows[i];
                let t = if self.sort == SortKey::Code {
                    tail(r)
                } else {
                    String::new()
                };
                (t, number(r), r.row, i)
            })
            .collect();
        keyed.sort_unstable();
        if self.sort_descending {
            keyed.reverse();
        }
        shown = keyed.into_iter().map(|k| k.3).collect();
        shown
    }
}

/// Why a batch with these totals and crossings cannot go to review, if it cannot.
fn readiness(t: &Totals, crossings: &[(Crossing, bool)]) -> Option<&'static str> {
    if t.rows == 0 {
        Some("batch.not_ready_empty")
    } else if t.errors > 0 {
        Some("batch.not_ready")
    } else if crossings.iter().any(|(_, ok)| !ok) {
        Some("batch.not_ready_ack")
    } else {
        None
    }
}

/// Search in what the table shows (never in the unmasked code).
fn row_matches(r: &BatchRow, needle: &str, tr: &Texts) -> bool {
    r.row.to_string() == needle
        || r.masked.to_lowercase().contains(needle)
        || r.reasons
            .iter()
            .any(|x| tr.fmt_pairs(x.key, &x.args).to_lowercase().contains(needle))
}

// ---- commands -----------------------------------------------------------

pub fn apply(app: &mut App, c: BatchCommand, ctx: &egui::Context) {
    let Some(session) = app.session.as_mut() else {
        return;
    };
    let v = &mut app.batch_view;
    match c {
        BatchCommand::Channel(id) => {
            v.channel = Some(id);
            v.test_first = None;
            v.revalidate(session);
        }
        BatchCommand::ImportFile(path) => {
            if v.importing.is_some() {
                return;
            }
            let (tx, rx) = std::sync::mpsc::channel();
            let (file, ctx) = (std::path::PathBuf::from(&path), ctx.clone());
            std::thread::spawn(move || {
                // A FIFO or device is refused without blocking; a regular
                // file is read up to the batch limit.
                let _ = tx.send(read_capped(&file, MAX_BYTES as u64, Links::Follow));
                ctx.request_repaint();
            });
            v.importing = Some(Importing { source: path, rx });
        }
        BatchCommand::ImportDropped(path) => {
            app.screen = Screen::Batch;
            if v.run.is_some() {
                // A batch is being released: never swap it out from under it.
                app.notices.push(Notice::new(Level::Warning, "batch.busy"));
                return;
            }
            v.path = path.display().to_string();
            apply(
                app,
                BatchCommand::ImportFile(path.display().to_string()),
                ctx,
            );
        }
        BatchCommand::Browse => match v.picker.as_mut().and_then(FilePicker::take_chosen) {
            Some(path) => {
                v.picker = None;
                v.path = path.display().to_string();
                apply(
                    app,
                    BatchCommand::ImportFile(path.display().to_string()),
                    ctx,
                );
            }
            None => {
                let start = std::path::Path::new(v.path.trim())
                    .parent()
                    .filter(|p| p.is_dir())
                    .map(std::path::Path::to_path_buf)
                    .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
                    .unwrap_or_else(|| std::path::PathBuf::from("."));
                v.picker = Some(FilePicker::open(&start));
            }
        },
        BatchCommand::ImportPaste => {
            let text = v.paste.clone();
            match v.load(text.as_bytes(), "-", session) {
                // The rows hold the codes now: no second copy in the field.
                Ok(()) => v.paste = Default::default(),
                Err(n) => app.notices.push(n),
            }
        }
        BatchCommand::Drop(row) => {
            if let Some(b) = &mut v.batch {
                b.drop_row(row);
            }
            v.revalidate(session);
        }
        BatchCommand::Fix(row) => {
            let found = v
                .batch
                .as_ref()
                .and_then(|b| b.rows.iter().find(|r| r.row == row));
            v.fixing = found.map(|r| (row, r.code_raw.clone(), r.face_raw.clone()));
        }
        BatchCommand::ApplyFix => {
            if let (Some((row, code, face)), Some(b)) = (v.fixing.take(), &mut v.batch)
                && let Some(r) = b.rows.iter_mut().find(|r| r.row == row)
            {
                r.code_raw = code;
                r.face_raw = face;
            }
            v.revalidate(session);
        }
        BatchCommand::SortBy(key) => {
            v.sort_descending = v.sort == key && !v.sort_descending;
            v.sort = key;
        }
        BatchCommand::Acknowledge(kind) => {
            let found = v
                .crossings(session)
                .into_iter()
                .find(|(c, ok)| c.kind == kind && !ok);
            if let (Some((c, _)), Some(id), Some(channel)) =
                (found, v.id.clone(), v.channel.clone())
            {
                let ev = Event::LimitAcknowledged {
                    batch: id,
                    limit: kind.name().to_owned(),
                    amount_fen: c.amount,
                    limit_fen: c.limit,
                    channel,
                };
                app.record_batch_event(ev);
            }
        }
        BatchCommand::Review { from } => review(app, from, ctx),
        BatchCommand::Undo => run_step(app, |run, s| run.undo(s)),
        BatchCommand::Pause => run_step(app, |run, s| run.pause(s, PauseReason::Operator)),
        BatchCommand::Resume => run_step(app, |run, s| run.resume(s)),
        BatchCommand::CancelAll => {
            run_step(app, |run, s| run.cancel_all(s));
            if let Some(id) = app.batch_view.run.as_ref().map(|r| r.id.clone()) {
                app.shots
                    .request(ShotSubject::Batch(id), ShotStep::BatchCancelAll);
            }
        }
        BatchCommand::ExportResults => export_results(app),
        BatchCommand::ExportEvidence => {
            let Some(id) = v.run.as_ref().map(|r| r.id.clone()) else {
                return;
            };
            let result = super::journal_view::export_bundle(
                session,
                crate::core::exports::BundleOf::Batch(&id),
                &app.tr,
            );
            app.last_export = result.as_ref().ok().cloned();
            app.notices.push(super::journal_view::export_notice(result));
        }
        BatchCommand::Close => {
            let done = v
                .run
                .as_ref()
                .is_none_or(|r| matches!(r.phase, RunPhase::Finished | RunPhase::Undone));
            if done {
                v.run = None;
                v.batch = None;
                v.id = None;
                v.test_first = None;
                v.fixing = None;
            }
        }
    }
}

/// Each frame: a file read on the worker is checked and loaded here.
pub fn poll_import(app: &mut App) {
    let Some(session) = app.session.as_mut() else {
        return;
    };
    let v = &mut app.batch_view;
    let Some(read) = v.importing.as_ref().map(|i| i.rx.try_recv()) else {
        return;
    };
    let result = match read {
        Err(std::sync::mpsc::TryRecvError::Empty) => return,
        Ok(r) => r,
        Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(FileError::Io(
            std::path::PathBuf::new(),
            std::io::Error::other("reader stopped"),
        )),
    };
    let Some(Importing { source, .. }) = v.importing.take() else {
        return;
    };
    let loaded = result
        .map_err(|e| read_notice(&e, &source, &app.tr))
        .and_then(|bytes| v.load(&bytes, &source, session));
    if let Err(n) = loaded {
        app.notices.push(n);
    }
}

/// Why a chosen file was not read, in the batch screen's words.
fn read_notice(e: &FileError, source: &str, tr: &Texts) -> Notice {
    let key = match e {
        FileError::TooLarge(..) => "batch.too_large",
        FileError::NotRegular(_, "folder") => "batch.is_folder",
        _ => "batch.unreadable",
    };
    Notice::new(Level::Error, key)
        .arg("file", source)
        .arg("error", crate::core::safe_file::describe(e, tr))
}

/// Runs one step of the batch run; a refused journal write is shown.
fn run_step(
    app: &mut App,
    f: impl FnOnce(&mut BatchRun, &mut Session) -> Result<(), crate::core::session::SessionError>,
) {
    let (Some(session), Some(run)) = (app.session.as_mut(), app.batch_view.run.as_mut()) else {
        return;
    };
    if let Err(e) = f(run, session) {
        app.error("error.journal_write", e);
    }
}

/// The guarded confirmation for the whole batch: its total is the value,
/// its count and cancellability are part of the risk.
fn review(app: &mut App, from: Option<egui::Rect>, ctx: &egui::Context) {
    let Some(session) = app.session.as_ref() else {
        return;
    };
    let v = &app.batch_view;
    if v.run.is_some() || v.not_ready(session).is_some() {
        return;
    }
    let (Some(id), Some(t), Some(profile)) = (v.id.clone(), v.totals(session), v.profile(session))
    else {
        return;
    };
    let now = session.now();
    let context = GuardContext {
        face_value_fen: t.face_value.0,
        cancel_window_s: profile.effective_window_ms().div_ceil(1000),
        first_use: !session.ledger().ever_released(),
        recent_releases_10min: session.recent_releases(),
        code_pasted: false,
        entry_ms: u64::MAX,
        local_hour: session.local_hour(),
        duplicate: false,
        sensitivity: session.settings().sensitivity,
        batch_count: (t.ok + t.warnings) as u32,
    };
    let (avoid, pointer_down) = super::app::avoid_rect(from, ctx);
    let guard = BehaviourGuard::shown(&context, pointer_down);
    let decided = Event::guard_decided(guard.plan(), context.sensitivity, Some(id.clone()));
    if !app.record_batch_event(decided) {
        return;
    }
    app.review = Some(ReviewStep::new(
        Subject::Batch(id.clone()),
        guard,
        now,
        avoid,
        TypeToConfirm::Total(t.face_value),
    ));
    app.screen = Screen::BatchReview;
    app.shots
        .request(ShotSubject::Batch(id), ShotStep::BatchReview);
}

/// Called when the batch's confirmation passed.
pub fn start_run(app: &mut App, id: &str) {
    let Some(session) = app.session.as_mut() else {
        return;
    };
    let v = &mut app.batch_view;
    let test_first = v.test_first(session);
    let (Some(batch), Some(channel)) = (&v.batch, v.channel.clone()) else {
        return;
    };
    match BatchRun::confirm(session, id, &channel, batch, test_first) {
        Ok(run) => {
            // The codes now live in the run only.
            v.batch = None;
            v.paste = Default::default();
            v.fixing = None;
            v.run = Some(run);
            app.shots
                .request(ShotSubject::Batch(id.to_owned()), ShotStep::BatchConfirmed);
        }
        Err(e) => app.error("error.not_confirmed", e),
    }
}

/// Each frame: release what is due; a manual hand-off's code goes to the clipboard.
pub fn advance_run(app: &mut App) {
    let (Some(session), Some(run)) = (app.session.as_mut(), app.batch_view.run.as_mut()) else {
        return;
    };
    let was = run.phase;
    match run.advance(session) {
        Ok(released) => {
            for (_, _, code) in released {
                if let Some(code) = code.0
                    && !app.clipboard.set_text(&code)
                {
                    app.notices
                        .push(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
            }
            let phase = run.phase;
            if phase != was && matches!(phase, RunPhase::Finished | RunPhase::Paused(_)) {
                let step = if phase == RunPhase::Finished {
                    ShotStep::BatchFinished
                } else {
                    ShotStep::BatchPaused
                };
                let id = run.id.clone();
                app.shots.request(ShotSubject::Batch(id), step);
            }
        }
        Err(e) => app.error("error.not_released", e),
    }
}

fn export_results(app: &mut App) {
    let (Some(session), Some(run)) = (app.session.as_ref(), app.batch_view.run.as_ref()) else {
        return;
    };
    let now = session.now();
    let offset = session.clock().offset_at(now);
    let stem = format!(
        "{}_results_{}",
        run.id,
        now.with_timezone(&offset).format("%Y%m%d-%H%M%S")
    );
    let written = crate::core::batch::results::results_csv(run, session.ledger(), &app.tr, offset)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            crate::core::exports::write_export(&session.paths().data_dir, &stem, ".csv", &bytes)
                .map_err(|e| crate::core::safe_file::describe(&e, &app.tr))
        });
    app.notices.push(match written {
        Ok(path) => Notice::new(Level::Info, "batch.results_saved").arg("path", path.display()),
        Err(e) => Notice::new(Level::Error, "batch.results_failed").arg("error", e),
    });
}

// ---- drawing --------------------------------------------------------------

#[allow(clippy::too_many_arguments)]
pub fn show(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    v: &mut BatchView,
    now: DateTime<Utc>,
    out: &mut Vec<Command>,
) {
    if let Some(run) = &v.run {
        super::batch_release::run_panel(ui, tr, session, run, now, out);
        return;
    }
    let cmd = |c| Command::Batch(c);
    ui.heading(tr.get("batch.title"));
    ui.add(egui::Label::new(RichText::new(tr.get("batch.intro")).weak()).wrap());
    ui.add_space(6.0);

    // Channel.
    let current = v.profile(session);
    let l = ui.label(tr.get("entry.channel"));
    egui::ComboBox::from_id_salt("batch_channel")
        .selected_text(
            current
                .map(|p| p.name.get(tr.lang()).to_owned())
                .unwrap_or_default(),
        )
        .show_ui(ui, |ui| {
            for p in session.profiles() {
                if ui
                    .selectable_label(current.is_some_and(|c| c.id == p.id), p.name.get(tr.lang()))
                    .clicked()
                {
                    out.push(cmd(BatchCommand::Channel(p.id.clone())));
                }
            }
        })
        .response
        .labelled_by(l.id);

    // Sources: a file (browse or type its path), a dropped file, or pasted text.
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.file"));
        // A file named after a card must not put the card in a screenshot.
        let mut masked;
        let path = if super::capture::is_capture_frame(ui.ctx()) {
            masked = crate::core::code::mask_code_like_runs(&v.path);
            &mut masked
        } else {
            &mut v.path
        };
        ui.add(
            egui::TextEdit::singleline(path)
                .hint_text("/path/cards.csv")
                .desired_width(320.0),
        )
        .labelled_by(l.id);
        if ui.button(tr.get("batch.browse")).clicked() {
            out.push(cmd(BatchCommand::Browse));
        }
        if ui
            .add_enabled(
                !v.path.trim().is_empty(),
                egui::Button::new(tr.get("batch.import_file")),
            )
            .clicked()
        {
            out.push(cmd(BatchCommand::ImportFile(v.path.trim().to_owned())));
        }
    });
    if let Some(i) = &v.importing {
        // No spinner: it would redraw every frame while the worker reads.
        let file = if super::capture::is_capture_frame(ui.ctx()) {
            crate::core::code::mask_code_like_runs(&i.source)
        } else {
            i.source.clone()
        };
        ui.label(RichText::new(tr.fmt("batch.reading_file", &[("file", &file)])).weak());
    }
    if let Some(p) = &mut v.picker {
        if p.show(ui, tr) {
            out.push(cmd(BatchCommand::Browse));
        }
        if p.closed {
            v.picker = None;
        }
    }
    ui.label(RichText::new(tr.get("batch.drop_hint")).weak());
    let l = ui.label(tr.get("batch.paste"));
    ui.checkbox(&mut v.reveal_paste, tr.get("batch.show_paste"));
    // A pasted list of thousands of rows scrolls inside its box instead of
    // pushing the rest of the screen away.
    egui::ScrollArea::vertical()
        .id_salt("batch_paste")
        .max_height(120.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut *v.paste)
                    .password(!super::capture::may_reveal(ui.ctx(), v.reveal_paste))
                    .desired_rows(3)
                    .desired_width(f32::INFINITY)
                    .hint_text("卡密,面值\nABCD-1234-EFGH-5678,100"),
            )
            .labelled_by(l.id);
        });
    if ui
        .add_enabled(
            !v.paste.trim().is_empty(),
            egui::Button::new(tr.get("batch.check_paste")),
        )
        .clicked()
    {
        out.push(cmd(BatchCommand::ImportPaste));
    }

    let Some(t) = v.totals(session) else { return };
    ui.separator();
    ui.label(
        RichText::new(tr.fmt(
            "batch.totals",
            &[
                ("rows", &t.rows),
                ("ok", &t.ok),
                ("warnings", &t.warnings),
                ("errors", &t.errors),
                ("face", &t.face_value),
                ("payout", &t.payout),
                ("fees", &t.service_fees),
            ],
        ))
        .strong(),
    );
    table(ui, tr, v, out);
    fix_form(ui, tr, v, out);
    release_box(ui, tr, session, v, &t, out);
}

fn table(ui: &mut egui::Ui, tr: &Texts, v: &mut BatchView, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.filter"));
        egui::ComboBox::from_id_salt("batch_filter")
            .selected_text(tr.get(filter_key(v.filter)))
            .show_ui(ui, |ui| {
                for f in [
                    StatusFilter::All,
                    StatusFilter::Problems,
                    StatusFilter::Errors,
                    StatusFilter::Warnings,
                ] {
                    ui.selectable_value(&mut v.filter, f, tr.get(filter_key(f)));
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(tr.get("batch.search"));
        ui.add(egui::TextEdit::singleline(&mut v.search).desired_width(160.0))
            .labelled_by(l.id);
    });
    let shown = v.visible(tr);
    let Some(batch) = &v.batch else { return };
    // Column headers sort (a second click reverses).
    ui.horizontal(|ui| {
        for (key, label, width) in [
            (SortKey::Row, "batch.col_row", 48.0),
            (SortKey::Code, "batch.col_code", 170.0),
            (SortKey::Face, "batch.col_face", 80.0),
            (SortKey::Status, "batch.col_status", 60.0),
        ] {
            let arrow = match (v.sort == key, v.sort_descending) {
                (true, false) => " ▲",
                (true, true) => " ▼",
                _ => "",
            };
            if ui
                .add_sized(
                    [width, 20.0],
                    egui::Button::new(format!("{}{arrow}", tr.get(label))).frame(false),
                )
                .clicked()
            {
                out.push(Command::Batch(BatchCommand::SortBy(key)));
            }
        }
    });
    if shown.is_empty() {
        ui.label(RichText::new(tr.get("batch.no_rows_shown")).weak());
    }
    egui::ScrollArea::vertical()
        .id_salt("batch_rows")
        .max_height(320.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, shown.len(), |ui, range| {
            for &i in &shown[range] {
                let r = &batch.rows[i];
                ui.horizontal(|ui| {
                    ui.set_height(ROW_HEIGHT);
                    ui.add_sized(
                        [48.0, ROW_HEIGHT],
                        egui::Label::new(RichText::new(r.row.to_string()).monospace().weak()),
                    );
                    ui.add_sized(
                        [170.0, ROW_HEIGHT],
                        egui::Label::new(RichText::new(&r.masked).monospace()),
                    );
                    ui.add_sized(
                        [80.0, ROW_HEIGHT],
                        egui::Label::new(
                            RichText::new(
                                r.face_value
                                    .map(|f| f.to_string())
                                    .unwrap_or_else(|| "-".into()),
                            )
                            .monospace(),
                        ),
                    );
                    let (color, key) = match r.status {
                        Status::Ok => (OK, "batch.status_ok"),
                        Status::Warning => (WARN, "batch.status_warning"),
                        Status::Error => (DANGER, "batch.status_error"),
                    };
                    let reasons: Vec<String> = r
                        .reasons
                        .iter()
                        .map(|x| tr.fmt_pairs(x.key, &x.args))
                        .collect();
                    let reasons = reasons.join(" ");
                    // In a narrow window the reasons column is cut off: the
                    // status says them on hover too.
                    let status = ui.add_sized(
                        [60.0, ROW_HEIGHT],
                        egui::Label::new(RichText::new(tr.get(key)).color(color)),
                    );
                    if !reasons.is_empty() {
                        status.on_hover_text(&reasons);
                    }
                    if ui
                        .small_button(tr.fmt("batch.fix", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.push(Command::Batch(BatchCommand::Fix(r.row)));
                    }
                    if ui
                        .small_button(tr.fmt("batch.drop", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.push(Command::Batch(BatchCommand::Drop(r.row)));
                    }
                    ui.label(RichText::new(reasons).color(color));
                });
            }
        });
}

fn filter_key(f: StatusFilter) -> &'static str {
    match f {
        StatusFilter::All => "batch.filter_all",
        StatusFilter::Problems => "batch.only_problems",
        StatusFilter::Errors => "batch.filter_errors",
        StatusFilter::Warnings => "batch.filter_warnings",
    }
}

/// Fixing one row in place: the code field is masked like single entry.
fn fix_form(ui: &mut egui::Ui, tr: &Texts, v: &mut BatchView, out: &mut Vec<Command>) {
    let Some((row, code, face)) = &mut v.fixing else {
        return;
    };
    ui.separator();
    ui.label(RichText::new(tr.fmt("batch.fixing", &[("row", row)])).strong());
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.fix_code"));
        ui.add(
            egui::TextEdit::singleline(&mut **code)
                .password(true)
                .desired_width(220.0),
        )
        .labelled_by(l.id);
        let l = ui.label(tr.get("batch.fix_face"));
        ui.add(egui::TextEdit::singleline(face).desired_width(80.0))
            .labelled_by(l.id);
        if ui.button(tr.get("batch.apply_fix")).clicked() {
            out.push(Command::Batch(BatchCommand::ApplyFix));
        }
    });
}

/// Thresholds, the test-card suggestion and the way to the review.
fn release_box(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    v: &mut BatchView,
    t: &crate::core::batch::Totals,
    out: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    // Computed once a frame: each scans the rows or the ledger.
    let crossings = v.crossings_for(session, t.face_value);
    let profile = v.profile(session);
    let channel = profile
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_default();
    let first_on_channel = profile.is_some_and(|p| !session.ledger().channel_used(&p.id));
    for (c, acked) in &crossings {
        let (c, acked) = (c, *acked);
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, WARN))
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        RichText::new(tr.fmt(
                            c.kind.key(),
                            &[
                                ("amount", &c.amount),
                                ("limit", &c.limit),
                                ("today", &c.before),
                                ("channel", &channel),
                            ],
                        ))
                        .color(WARN),
                    )
                    .wrap(),
                );
                let mut ticked = acked;
                if ui
                    .add_enabled(
                        !acked,
                        egui::Checkbox::new(&mut ticked, tr.get("limit.acknowledge")),
                    )
                    .clicked()
                    && ticked
                {
                    out.push(Command::Batch(BatchCommand::Acknowledge(c.kind)));
                }
            });
    }
    let smallest = v.batch.as_ref().and_then(|b| {
        b.rows
            .iter()
            .filter(|r| r.status != Status::Error)
            .filter_map(|r| r.face_value)
            .min()
    });
    // Only when there is a valid card to test with.
    if let Some(smallest) = smallest {
        if first_on_channel {
            ui.label(RichText::new(tr.get("batch.first_on_channel")).color(WARN));
        }
        let mut test_first = v.test_first.unwrap_or(first_on_channel);
        if ui
            .checkbox(
                &mut test_first,
                tr.fmt("batch.test_first", &[("face", &smallest)]),
            )
            .changed()
        {
            v.test_first = Some(test_first);
        }
    }
    ui.add_space(6.0);
    match readiness(t, &crossings) {
        Some(key) => {
            ui.label(RichText::new(tr.get(key)).color(WARN));
        }
        None => {
            let count = t.ok + t.warnings;
            let b = ui.add(
                egui::Button::new(
                    RichText::new(tr.fmt(
                        "batch.review",
                        &[("count", &count), ("face", &t.face_value)],
                    ))
                    .size(16.0),
                )
                .min_size(egui::vec2(260.0, 40.0)),
            );
            if b.clicked() {
                out.push(Command::Batch(BatchCommand::Review { from: Some(b.rect) }));
            }
        }
    }
}
