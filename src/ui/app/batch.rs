//! The batch screens' commands: import (a file read on a worker, a paste,
//! a dropped file), fixes, acknowledgements, the guarded review, the run
//! (hold, one card a second, pause, cancel all) and its exports.

use super::App;
use super::order::avoid_rect;
use crate::core::batch::MAX_BYTES;
use crate::core::batch::desk::{BatchDesk, LoadError};
use crate::core::batch::run::RunPhase;
use crate::core::safe_file::{FileError, Links, read_capped};
use crate::core::screenshot::ShotStep;
use crate::core::session::{Session, SessionError};
use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Level, Notice, PickerCommand, Screen};
use crate::ui::review_step::ReviewStep;
use crate::ui::screens::batch::Importing;
use crate::ui::shots::ShotSubject;
use crate::ui::widgets::file_picker::FilePicker;
use eframe::egui;

impl App {
    pub(super) fn apply_batch(&mut self, c: BatchCommand, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let (v, desk) = (&mut self.state.batch, &mut self.state.batch_desk);
        match c {
            BatchCommand::Channel(id) => desk.choose_channel(id, session),
            BatchCommand::ImportFile(path) => {
                if v.importing.is_some() {
                    return;
                }
                v.importing = Some(read_on_worker(path, ctx));
            }
            BatchCommand::ImportDropped(path) => {
                self.state.screen = Screen::Batch;
                if desk.run.is_some() {
                    // A batch is being released: never swap it out from under it.
                    self.notify(Notice::new(Level::Warning, "batch.busy"));
                    return;
                }
                v.path = path.display().to_string();
                self.apply_batch(BatchCommand::ImportFile(path.display().to_string()), ctx);
            }
            BatchCommand::Browse => {
                if v.choosing.is_some() {
                    return;
                }
                let start = std::path::Path::new(v.path.trim())
                    .parent()
                    .filter(|p| p.is_dir())
                    .map(std::path::Path::to_path_buf)
                    .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
                    .unwrap_or_else(|| std::path::PathBuf::from("."));
                // The desktop's own dialog where there is one, unless it
                // was just closed without a file.
                if !std::mem::take(&mut v.dialog_declined) {
                    let tr = &self.state.tr;
                    let ask = super::FileAsk {
                        title: tr.get("batch.dialog_title").to_owned(),
                        start: start.clone(),
                        filter: (
                            tr.get("batch.dialog_filter").to_owned(),
                            &super::ports::EXTENSIONS,
                        ),
                        all_files: tr.get("batch.dialog_all").to_owned(),
                    };
                    let ctx = ctx.clone();
                    let wake = Box::new(move || ctx.request_repaint());
                    if let Some(answer) = self.desktop.choose_file(ask, wake) {
                        v.picker = None;
                        v.choosing = Some(answer);
                        return;
                    }
                }
                let listing = super::ports::list_folder(&start, false);
                v.picker = Some(FilePicker::new(start, false, listing));
            }
            BatchCommand::Picker(p) => self.apply_picker(p, ctx),
            BatchCommand::ImportPaste => {
                let text = v.paste.clone();
                match self.load_batch(text.as_bytes(), "-") {
                    // The rows hold the codes now: no second copy in the field.
                    Ok(()) => self.state.batch.paste = Default::default(),
                    Err(n) => self.notify(n),
                }
            }
            BatchCommand::Drop(row) => desk.drop_row(row, session),
            BatchCommand::Fix(row) => {
                let found = desk
                    .batch
                    .as_ref()
                    .and_then(|b| b.rows.iter().find(|r| r.row == row));
                v.fixing = found.map(|r| (row, r.code_raw.clone(), r.face_raw.clone()));
            }
            BatchCommand::ApplyFix => {
                if let Some((row, code, face)) = v.fixing.take() {
                    desk.apply_fix(row, code, face, session);
                }
            }
            BatchCommand::Acknowledge(kind) => {
                if let Err(e) = desk.acknowledge(session, kind) {
                    self.session_error("error.journal_write", &e);
                }
            }
            BatchCommand::TestFirst(on) => desk.test_first = Some(on),
            BatchCommand::Review { from } => self.batch_review(from, ctx),
            BatchCommand::Undo => self.run_step(BatchDesk::undo),
            BatchCommand::Pause => self.run_step(BatchDesk::pause),
            BatchCommand::Resume => self.run_step(BatchDesk::resume),
            BatchCommand::CancelAll => {
                self.run_step(BatchDesk::cancel_all);
                if let Some(id) = self.state.batch_desk.run.as_ref().map(|r| r.id.clone()) {
                    self.state
                        .shots
                        .request(ShotSubject::Batch(id), ShotStep::BatchCancelAll);
                }
            }
            BatchCommand::ExportResults => self.export_batch_results(),
            BatchCommand::ExportEvidence => {
                let Some(id) = desk.run.as_ref().map(|r| r.id.clone()) else {
                    return;
                };
                self.export_evidence(crate::core::flow::Subject::Batch(id), ctx);
            }
            BatchCommand::Close => {
                if desk.close() {
                    v.fixing = None;
                }
            }
        }
    }

    /// Imports bytes into the desk; a bad file or a refused write changes
    /// nothing and comes back as the notice to show.
    fn load_batch(&mut self, bytes: &[u8], source: &str) -> Result<(), Notice> {
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        match self.state.batch_desk.load(bytes, source, session) {
            Ok(()) => {
                self.state.batch.fixing = None;
                Ok(())
            }
            Err(LoadError::Import(e)) => {
                Err(Notice::new(Level::Error, e.key()).arg("file", source))
            }
            Err(LoadError::Journal(e)) => Err(Notice::new(Level::Error, "error.journal_write")
                .arg_said("error", |tr| e.describe(tr))),
        }
    }

    /// The in-window file picker: its folder is read here, never while drawing.
    fn apply_picker(&mut self, p: PickerCommand, ctx: &egui::Context) {
        let v = &mut self.state.batch;
        let Some(picker) = v.picker.as_ref() else {
            return;
        };
        let (dir, all) = (picker.dir().to_path_buf(), picker.all_files());
        let go = |dir: std::path::PathBuf, all| {
            let listing = super::ports::list_folder(&dir, all);
            Some(FilePicker::new(dir, all, listing))
        };
        match p {
            PickerCommand::Enter(name) => v.picker = go(dir.join(name), all),
            PickerCommand::Up => {
                if let Some(parent) = dir.parent() {
                    v.picker = go(parent.to_path_buf(), all);
                }
            }
            PickerCommand::ShowAll(all) => v.picker = go(dir, all),
            PickerCommand::Close => {
                v.picker = None;
                v.refocus_browse = true;
            }
            PickerCommand::Choose(name) => {
                let path = dir.join(name);
                v.picker = None;
                v.path = path.display().to_string();
                self.apply_batch(BatchCommand::ImportFile(path.display().to_string()), ctx);
            }
        }
    }

    /// Each frame: the desktop's file dialog answered, or a file read on
    /// the worker is checked and loaded here.
    pub(super) fn poll_batch_import(&mut self, ctx: &egui::Context) {
        let v = &mut self.state.batch;
        if let Some(answer) = v.choosing.as_ref().and_then(super::ports::answered) {
            v.choosing = None;
            match answer {
                Some(path) => {
                    v.path = path.display().to_string();
                    self.apply_batch(BatchCommand::ImportFile(path.display().to_string()), ctx);
                }
                None => {
                    v.dialog_declined = true;
                    self.notify(Notice::new(Level::Info, "batch.dialog_none"));
                }
            }
        }
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
            .and_then(|bytes| self.load_batch(&bytes, &source));
        if let Err(n) = loaded {
            self.notify(n);
        }
    }

    /// Runs one step of the batch run; a refused journal write is shown.
    fn run_step(
        &mut self,
        f: impl FnOnce(&mut BatchDesk, &mut Session) -> Result<(), SessionError>,
    ) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Err(e) = f(&mut self.state.batch_desk, session) {
            self.session_error("error.journal_write", &e);
        }
    }

    /// The guarded confirmation for the whole batch: its total is the value,
    /// its count and cancellability are part of the risk.
    fn batch_review(&mut self, from: Option<egui::Rect>, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let (avoid, pointer_down) = avoid_rect(from, ctx);
        let st = &mut self.state;
        match st.batch_desk.show_confirmation(session, pointer_down) {
            Ok(Some(c)) => {
                let id = c.subject.batch().cloned().unwrap_or_default();
                st.review = Some(ReviewStep::new(c, avoid));
                st.screen = Screen::BatchReview;
                st.shots
                    .request(ShotSubject::Batch(id), ShotStep::BatchReview);
            }
            Ok(None) => {}
            Err(e) => self.session_error("error.journal_write", &e),
        }
    }

    /// The batch passed its confirmation: hold it, then release it.
    pub(super) fn start_batch_run(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let st = &mut self.state;
        st.review = None;
        st.screen = Screen::Batch;
        match st.batch_desk.start_run(session) {
            Ok(()) => {
                // The codes now live in the run only.
                st.batch.paste = Default::default();
                st.batch.fixing = None;
                if let Some(id) = st.batch_desk.run.as_ref().map(|r| r.id.clone()) {
                    st.shots
                        .request(ShotSubject::Batch(id), ShotStep::BatchConfirmed);
                }
            }
            Err(e) => self.session_error("error.not_confirmed", &e),
        }
    }

    /// Each frame: release what is due; a manual hand-off's code goes to the clipboard.
    pub(super) fn advance_batch_run(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let desk = &mut self.state.batch_desk;
        match desk.advance(session) {
            Ok(advanced) => {
                let clipboard_failed = advanced
                    .for_clipboard
                    .iter()
                    .any(|code| !self.clipboard.set_text(code));
                if clipboard_failed {
                    self.notify(Notice::new(Level::Warning, "notice.clipboard_unavailable"));
                }
                let id = self.state.batch_desk.run.as_ref().map(|r| r.id.clone());
                if let (Some(phase), Some(id)) = (advanced.now_finished_or_paused, id) {
                    let step = if phase == RunPhase::Finished {
                        ShotStep::BatchFinished
                    } else {
                        ShotStep::BatchPaused
                    };
                    self.state.shots.request(ShotSubject::Batch(id), step);
                }
            }
            Err(e) => self.session_error("error.not_released", &e),
        }
    }

    fn export_batch_results(&mut self) {
        let (Some(session), Some(run)) =
            (self.session.as_ref(), self.state.batch_desk.run.as_ref())
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
