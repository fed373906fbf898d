//! A small in-window file browser for choosing a batch file. Why not a
//! crate: `egui-file-dialog` trails egui by a release (0.15 needs egui
//! 0.36), and `rfd` pulls an async D-Bus stack and needs a desktop portal
//! that a bare X session (or Xvfb) lacks. This one lists folders and
//! CSV/TSV/TXT files (or all files), never follows anything by itself,
//! and works with the keyboard, the mouse and in tests. Drawing only
//! sends [`PickerCommand`]s; the app moves it and reads the folder.

use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Command, PickerCommand};
use crate::ui::style::DANGER;
use crate::ui::view::CommandSender;
use eframe::egui::{self, RichText};
use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 3] = ["csv", "tsv", "txt"];

pub struct FilePicker {
    dir: PathBuf,
    /// (name, is a folder), folders first, then by name.
    entries: Vec<(String, bool)>,
    error: Option<String>,
    all_files: bool,
}

impl FilePicker {
    /// Opens on `dir` and reads it (called by the app, not while drawing).
    pub fn open(dir: &Path) -> Self {
        let mut p = Self {
            dir: dir.to_path_buf(),
            entries: Vec::new(),
            error: None,
            all_files: false,
        };
        p.read();
        p
    }

    pub fn enter(&mut self, name: &str) {
        self.dir = self.dir.join(name);
        self.read();
    }

    pub fn up(&mut self) {
        if let Some(parent) = self.dir.parent() {
            self.dir = parent.to_path_buf();
            self.read();
        }
    }

    pub fn show_all(&mut self, all: bool) {
        self.all_files = all;
        self.read();
    }

    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read(&mut self) {
        match list_folder(&self.dir, self.all_files) {
            Ok(entries) => {
                self.entries = entries;
                self.error = None;
            }
            Err(e) => {
                self.entries.clear();
                self.error = Some(e.to_string());
            }
        }
    }

    /// Draws the browser; what the person picks is sent as a command.
    pub fn show(&self, ui: &mut egui::Ui, tr: &Texts, out: &CommandSender) {
        let send = |p| out.send(Command::Batch(BatchCommand::Picker(p)));
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.button(tr.get("picker.up")).clicked() {
                    send(PickerCommand::Up);
                }
                ui.label(RichText::new(self.dir.display().to_string()).monospace());
            });
            ui.horizontal(|ui| {
                let mut all = self.all_files;
                if ui.checkbox(&mut all, tr.get("picker.all_files")).changed() {
                    send(PickerCommand::ShowAll(all));
                }
                if ui.button(tr.get("picker.cancel")).clicked() {
                    send(PickerCommand::Close);
                }
            });
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).color(DANGER));
            }
            if self.entries.is_empty() && self.error.is_none() {
                ui.label(RichText::new(tr.get("picker.empty")).weak());
            }
            egui::ScrollArea::vertical()
                .id_salt("file_picker")
                .max_height(220.0)
                .show(ui, |ui| {
                    for (name, is_dir) in &self.entries {
                        let text = if *is_dir {
                            format!("{name}/")
                        } else {
                            name.clone()
                        };
                        if ui.selectable_label(false, text).clicked() {
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

/// A folder's sub-folders and batch files (or all files), hidden ones left
/// out, folders first then by name.
fn list_folder(dir: &Path, all_files: bool) -> std::io::Result<Vec<(String, bool)>> {
    let mut entries = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = e.path().is_dir();
        let wanted = is_dir
            || all_files
            || Path::new(&name)
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| EXTENSIONS.contains(&x.to_lowercase().as_str()));
        if wanted {
            entries.push((name, is_dir));
        }
    }
    entries.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    Ok(entries)
}
