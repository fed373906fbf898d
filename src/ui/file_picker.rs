//! A small in-window file browser for choosing a batch file. Why not a
//! crate: `egui-file-dialog` trails egui by a release (0.15 needs egui
//! 0.36), and `rfd` pulls an async D-Bus stack and needs a desktop portal
//! that a bare X session (or Xvfb) lacks. This one lists folders and
//! CSV/TSV/TXT files (or all files), never follows anything by itself,
//! and works with the keyboard, the mouse and in tests.

use crate::i18n::Texts;
use eframe::egui::{self, RichText};
use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 3] = ["csv", "tsv", "txt"];

pub struct FilePicker {
    dir: PathBuf,
    /// (name, is a folder), folders first, then by name.
    entries: Vec<(String, bool)>,
    error: Option<String>,
    chosen: Option<PathBuf>,
    all_files: bool,
    pub closed: bool,
}

impl FilePicker {
    pub fn open(dir: &Path) -> Self {
        let mut p = Self {
            dir: dir.to_path_buf(),
            entries: Vec::new(),
            error: None,
            chosen: None,
            all_files: false,
            closed: false,
        };
        p.read();
        p
    }

    fn read(&mut self) {
        self.entries.clear();
        self.error = None;
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = e.path().is_dir();
                    let wanted = is_dir
                        || self.all_files
                        || Path::new(&name)
                            .extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| EXTENSIONS.contains(&x.to_lowercase().as_str()));
                    if wanted {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then(a.0.to_lowercase().cmp(&b.0.to_lowercase()))
                });
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn go(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.read();
    }

    pub fn take_chosen(&mut self) -> Option<PathBuf> {
        self.chosen.take()
    }

    /// Draws the browser; true when a file was chosen this frame.
    pub fn show(&mut self, ui: &mut egui::Ui, tr: &Texts) -> bool {
        let mut chosen = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.button(tr.get("picker.up")).clicked()
                    && let Some(parent) = self.dir.parent()
                {
                    self.go(parent.to_path_buf());
                }
                ui.label(RichText::new(self.dir.display().to_string()).monospace());
            });
            ui.horizontal(|ui| {
                if ui
                    .checkbox(&mut self.all_files, tr.get("picker.all_files"))
                    .changed()
                {
                    self.read();
                }
                if ui.button(tr.get("picker.cancel")).clicked() {
                    self.closed = true;
                }
            });
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).color(super::widgets::DANGER));
            }
            if self.entries.is_empty() && self.error.is_none() {
                ui.label(RichText::new(tr.get("picker.empty")).weak());
            }
            let mut go_to = None;
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
                            go_to = Some((self.dir.join(name), *is_dir));
                        }
                    }
                });
            match go_to {
                Some((dir, true)) => self.go(dir),
                Some((file, false)) => {
                    self.chosen = Some(file);
                    chosen = true;
                }
                None => {}
            }
        });
        chosen
    }
}
