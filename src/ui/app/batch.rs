//! The batch screens' commands: import (a file read on a worker, a paste,
//! a dropped file), fixes, acknowledgements, the guarded review, the run
//! (hold, one card a second, pause, cancel all) and its exports.

use super::App;
use super::order::avoid_rect;
use crate::core::batch::MAX_BYTES;
use crate::core::batch::run::{BatchRun, PauseReason, RunPhase};
use crate::core::event::Event;
use crate::core::guard::{BehaviourGuard, GuardContext};
use crate::core::safe_file::{FileError, Links, read_capped};
use crate::core::session::{Session, SessionError};
use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Level, Notice, PickerCommand, Screen};
use crate::ui::review_step::{ReviewStep, Subject, TypeToConfirm};
use crate::ui::screens::batch::Importing;
use crate::ui::shots::ShotSubject;
use crate::ui::widgets::file_picker::FilePicker;
use eframe::egui;

impl App {
    pub(super) fn apply_batch(&mut self, c: BatchCommand, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let v = &mut self.state.batch;
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
                v.importing = Some(read_on_worker(path, ctx));
            }
            BatchCommand::ImportDropped(path) => {
                self.state.screen = Screen::Batch;
                if v.run.is_some() {
                    // A batch is being released: never swap it out from under it.
                    self.notify(Notice::new(Level::Warning, "batch.busy"));
                    return;
                }
                v.path = path.display().to_string();
                self.apply_batch(BatchCommand::ImportFile(path.display().to_string()), ctx);
            }
            BatchCommand::Browse => {
                let start = std::path::Path::new(v.path.trim())
                    .parent()
                    .filter(|p| p.is_dir())
                    .map(std::path::Path::to_path_buf)
                    .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
                    .unwrap_or_else(|| std::path::PathBuf::from("."));
                v.picker = Some(FilePicker::open(&start));
            }
            BatchCommand::Picker(p) => self.apply_picker(p, ctx),
            BatchCommand::ImportPaste => {
                let text = v.paste.clone();
                match v.load(text.as_bytes(), "-", session) {
                    // The rows hold the codes now: no second copy in the field.
                    Ok(()) => v.paste = Default::default(),
                    Err(n) => self.notify(n),
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
                    self.record_batch_event(ev);
                }
            }
            BatchCommand::TestFirst(on) => v.test_first = Some(on),
            BatchCommand::Review { from } => self.batch_review(from, ctx),
            BatchCommand::Undo => self.run_step(|run, s| run.undo(s)),
            BatchCommand::Pause => self.run_step(|run, s| run.pause(s, PauseReason::Operator)),
            BatchCommand::Resume => self.run_step(|run, s| run.resume(s)),
            BatchCommand::CancelAll => {
                self.run_step(|run, s| run.cancel_all(s));
                if let Some(id) = self.state.batch.run.as_ref().map(|r| r.id.clone()) {
                    self.state
                        .shots
                        .request(ShotSubject::Batch(id), "batch_cancel_all");
                }
            }
            BatchCommand::ExportResults => self.export_batch_results(),
            BatchCommand::ExportEvidence => {
                let Some(id) = v.run.as_ref().map(|r| r.id.clone()) else {
                    return;
                };
                let result = super::apply::export_bundle(
                    session,
                    crate::core::exports::BundleOf::Batch(&id),
                    &self.state.tr,
                );
                self.state.last_export = result.as_ref().ok().cloned();
                self.notify(super::apply::export_notice(result));
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

    /// The in-window file picker: its folder is read here, never while drawing.
    fn apply_picker(&mut self, p: PickerCommand, ctx: &egui::Context) {
        let v = &mut self.state.batch;
        let Some(picker) = v.picker.as_mut() else {
            return;
        };
        match p {
            PickerCommand::Enter(name) => picker.enter(&name),
            PickerCommand::Up => picker.up(),
            PickerCommand::ShowAll(all) => picker.show_all(all),
            PickerCommand::Close => v.picker = None,
            PickerCommand::Choose(name) => {
                let path = picker.path_of(&name);
                v.picker = None;
                v.path = path.display().to_string();
                self.apply_batch(BatchCommand::ImportFile(path.display().to_string()), ctx);
            }
        }
    }

    /// Each frame: a file read on the worker is checked and loaded here.
    pub(super) fn poll_batch_import(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let v = &mut self.state.batch;
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
            .map_err(|e| read_notice(&e, &source, &self.state.tr))
            .and_then(|bytes| v.load(&bytes, &source, session));
        if let Err(n) = loaded {
            self.notify(n);
        }
    }

    /// Runs one step of the batch run; a refused journal write is shown.
    fn run_step(
        &mut self,
        f: impl FnOnce(&mut BatchRun, &mut Session) -> Result<(), SessionError>,
    ) {
        let (Some(session), Some(run)) = (self.session.as_mut(), self.state.batch.run.as_mut())
        else {
            return;
        };
        if let Err(e) = f(run, session) {
            self.error("error.journal_write", e);
        }
    }

    /// The guarded confirmation for the whole batch: its total is the value,
    /// its count and cancellability are part of the risk.
    fn batch_review(&mut self, from: Option<egui::Rect>, ctx: &egui::Context) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let v = &self.state.batch;
        if v.run.is_some() || v.not_ready(session).is_some() {
            return;
        }
        let (Some(id), Some(t), Some(profile)) =
            (v.id.clone(), v.totals(session), v.profile(session))
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
        let (avoid, pointer_down) = avoid_rect(from, ctx);
        let guard = BehaviourGuard::shown(&context, pointer_down);
        let decided = Event::guard_decided(guard.plan(), context.sensitivity, Some(id.clone()));
        if !self.record_batch_event(decided) {
            return;
        }
        self.state.review = Some(ReviewStep::new(
            Subject::Batch(id.clone()),
            guard,
            now,
            avoid,
            TypeToConfirm::Total(t.face_value),
        ));
        self.state.screen = Screen::BatchReview;
        self.state
            .shots
            .request(ShotSubject::Batch(id), "batch_review");
    }

    /// The batch passed its confirmation: hold it, then release it.
    pub(super) fn start_batch_run_confirmed(&mut self, id: &str) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let v = &mut self.state.batch;
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
                self.state
                    .shots
                    .request(ShotSubject::Batch(id.to_owned()), "batch_confirmed");
            }
            Err(e) => self.error("error.not_confirmed", e),
        }
    }

    /// Each frame: release what is due; a manual hand-off's code goes to the clipboard.
    pub(super) fn advance_batch_run(&mut self) {
        let (Some(session), Some(run)) = (self.session.as_mut(), self.state.batch.run.as_mut())
        else {
            return;
        };
        let was = run.phase;
        match run.advance(session) {
            Ok(released) => {
                let mut clipboard_failed = false;
                for (_, _, code) in released {
                    if let Some(code) = code.0
                        && !self.clipboard.set_text(&code)
                    {
                        clipboard_failed = true;
                    }
                }
                let phase = run.phase;
                let id = run.id.clone();
                if clipboard_failed {
                    self.notify(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
                if phase != was && matches!(phase, RunPhase::Finished | RunPhase::Paused(_)) {
                    let step = if phase == RunPhase::Finished {
                        "batch_finished"
                    } else {
                        "batch_paused"
                    };
                    self.state.shots.request(ShotSubject::Batch(id), step);
                }
            }
            Err(e) => self.error("error.not_released", e),
        }
    }

    fn export_batch_results(&mut self) {
        let (Some(session), Some(run)) = (self.session.as_ref(), self.state.batch.run.as_ref())
        else {
            return;
        };
        let tr = &self.state.tr;
        let now = session.now();
        let offset = session.clock().offset_at(now);
        let stem = format!(
            "{}_results_{}",
            run.id,
            now.with_timezone(&offset).format("%Y%m%d-%H%M%S")
        );
        let written = crate::core::batch::results::results_csv(run, session.ledger(), tr, offset)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                crate::core::exports::write_export(&session.paths().data_dir, &stem, ".csv", &bytes)
                    .map_err(|e| crate::core::safe_file::describe(&e, tr))
            });
        self.notify(match written {
            Ok(path) => Notice::new(Level::Info, "batch.results_saved").arg("path", path.display()),
            Err(e) => Notice::new(Level::Error, "batch.results_failed").arg("error", e),
        });
    }
}

/// Reads a chosen file on a worker thread: a FIFO or device is refused
/// without blocking, a regular file is read up to the batch limit, and a
/// slow disk never freezes the window.
fn read_on_worker(path: String, ctx: &egui::Context) -> Importing {
    let (tx, rx) = std::sync::mpsc::channel();
    let (file, ctx) = (std::path::PathBuf::from(&path), ctx.clone());
    std::thread::spawn(move || {
        let _ = tx.send(read_capped(&file, MAX_BYTES as u64, Links::Follow));
        ctx.request_repaint();
    });
    Importing { source: path, rx }
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
