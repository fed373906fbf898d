//! A small in-window file browser for choosing a batch file. Why not a
//! crate: `egui-file-dialog` trails egui by a release (0.15 needs egui
//! 0.36), and `rfd` pulls an async D-Bus stack and needs a desktop portal
//! that a bare X session (or Xvfb) lacks. This one lists folders and
//! CSV/TSV/TXT files (or all files), never follows anything by itself,
//! and works with the keyboard, the mouse and in tests. Drawing only
//! sends [`PickerCommand`]s; the app reads the folder (`app/ports.rs`).

use crate::core::code::mask_code_like_runs;
use crate::core::safe_file::IoDetail;
use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Command, PickerCommand};
use crate::ui::style::palette;
use crate::ui::view::CommandSender;
use eframe::egui::{self, RichText};
use std::path::{Path, PathBuf};

pub struct FilePicker {
    dir: PathBuf,
    /// (name, is a folder), folders first, then by name.
    entries: Vec<(String, bool)>,
    error: Option<IoDetail>,
    all_files: bool,
    /// Keyboard focus moves into a listing when it appears, so a person on
    /// keys does not have to Tab through the rest of the screen to reach it.
    focus_pending: bool,
}

impl FilePicker {
    /// The picker on `dir` with what the app read there.
    pub fn new(
        dir: PathBuf,
        all_files: bool,
        listing: std::io::Result<Vec<(String, bool)>>,
    ) -> Self {
        let (entries, error) = match listing {
            Ok(e) => (e, None),
            Err(e) => (Vec::new(), Some(IoDetail::of(&e))),
        };
        Self {
            dir,
            entries,
            error,
            all_files,
            focus_pending: true,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn all_files(&self) -> bool {
        self.all_files
    }

    /// Draws the browser; what the person picks is sent as a command. In a
    /// frame that becomes a screenshot (`mask`), a name that looks like a
    /// card code is drawn masked.
    /// Esc closes it, as it closes any dialog.
    pub fn show(&mut self, ui: &mut egui::Ui, tr: &Texts, mask: bool, out: &CommandSender) {
        let shown = |name: &str| {
            if mask {
                mask_code_like_runs(name)
            } else {
                name.to_owned()
            }
        };
        let send = |p| out.send(Command::Batch(BatchCommand::Picker(p)));
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            send(PickerCommand::Close);
        }
        let focus = std::mem::take(&mut self.focus_pending);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                let up = ui.button(tr.get("picker.up"));
                if focus && self.entries.is_empty() {
                    up.request_focus();
                }
                if up.clicked() {
                    send(PickerCommand::Up);
                }
                ui.label(RichText::new(shown(&self.dir.display().to_string())).monospace());
            });
            ui.horizontal(|ui| {
                let mut all = self.all_files;
                if ui.checkbox(&mut all, tr.get("picker.all_files")).changed() {
                    send(PickerCommand::ShowAll(all));
                }
                if ui.button(tr.get("picker.cancel")).clicked() {
                    send(PickerCommand::Close);
                }
                ui.label(RichText::new(tr.get("picker.keys")).weak());
            });
            if let Some(e) = &self.error {
                let said = tr.fmt("picker.unreadable", &[("detail", &e.said(tr))]);
                ui.label(RichText::new(said).color(palette(ui).danger));
            }
            if self.entries.is_empty() && self.error.is_none() {
                ui.label(RichText::new(tr.get("picker.empty")).weak());
            }
            // Only the rows in view are laid out: a folder of 100 000 files
            // stays as quick as one of ten.
            let row = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("file_picker")
                .max_height(220.0)
                .show_rows(ui, row, self.entries.len(), |ui, rows| {
                    for i in rows {
                        let (name, is_dir) = &self.entries[i];
                        // One line each: a control character in a name
                        // (a newline) is shown escaped (`\n`), never obeyed.
                        let mut name_shown = String::new();
                        for c in shown(name).chars() {
                            if c.is_control() {
                                name_shown.extend(c.escape_default());
                            } else {
                                name_shown.push(c);
                            }
                        }
                        let text = if *is_dir {
                            format!("{name_shown}/")
                        } else {
                            name_shown
                        };
                        let entry = ui.add(egui::Button::selectable(false, text).truncate());
                        if focus && i == 0 {
                            entry.request_focus();
                        }
                        if entry.clicked() {
                            send(if *is_dir {
                                PickerCommand::Enter(name.clone())
                            } else {
                                PickerCommand::Choose(name.clone())
                            });
                        }
                    }
                });
        });
    }
}
