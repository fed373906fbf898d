//! Settings: language, hold window, re-type threshold, clipboard time,
//! release mode, and where the data lives.

use super::app::Command;
use crate::core::event::ReleaseMode;
use crate::core::guard::Sensitivity;
use crate::core::money::Fen;
use crate::core::session::Session;
use crate::core::settings::{CLIPBOARD_RANGE_S, HOLD_RANGE_S, Settings};
use crate::i18n::{Lang, Texts};
use eframe::egui::{self, RichText};

pub fn show(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    edit: &mut Settings,
    out: &mut Vec<Command>,
) {
    ui.heading(tr.get("settings.title"));
    ui.add_space(6.0);
    egui::Grid::new("settings_grid")
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label(tr.get("settings.language"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut edit.language, None, tr.get("settings.language_system"));
                for l in Lang::ALL {
                    ui.radio_value(&mut edit.language, Some(l), l.native_name());
                }
            });
            ui.end_row();

            let l = ui.label(tr.get("settings.hold"));
            ui.add(egui::Slider::new(&mut edit.hold_s, HOLD_RANGE_S).suffix(" s"))
                .labelled_by(l.id);
            ui.end_row();

            let l = ui.label(tr.get("settings.retype"));
            let mut yuan = edit.retype_threshold_fen.0 / 100;
            if ui
                .add(
                    egui::DragValue::new(&mut yuan)
                        .range(0..=1_000_000)
                        .prefix("¥"),
                )
                .labelled_by(l.id)
                .changed()
            {
                edit.retype_threshold_fen = Fen::from_yuan(yuan);
            }
            ui.end_row();

            let l = ui.label(tr.get("settings.clipboard"));
            ui.add(egui::Slider::new(&mut edit.clipboard_clear_s, CLIPBOARD_RANGE_S).suffix(" s"))
                .labelled_by(l.id);
            ui.end_row();

            ui.label(tr.get("settings.sensitivity"));
            ui.horizontal(|ui| {
                for (s, key) in [
                    (Sensitivity::Relaxed, "settings.sensitivity_relaxed"),
                    (Sensitivity::Standard, "settings.sensitivity_standard"),
                    (Sensitivity::Strict, "settings.sensitivity_strict"),
                ] {
                    ui.radio_value(&mut edit.sensitivity, s, tr.get(key));
                }
            });
            ui.end_row();

            ui.label(tr.get("settings.release_mode"));
            ui.vertical(|ui| {
                ui.radio_value(
                    &mut edit.release_mode,
                    ReleaseMode::Simulated,
                    tr.get("mode.simulated"),
                );
                ui.radio_value(
                    &mut edit.release_mode,
                    ReleaseMode::Manual,
                    tr.get("mode.manual"),
                );
            });
            ui.end_row();

            ui.label(tr.get("settings.data_dir"));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(session.paths().data_dir.display().to_string()).monospace());
                if ui.button(tr.get("settings.open_folder")).clicked() {
                    out.push(Command::OpenDataDir);
                }
            });
            ui.end_row();

            ui.label(tr.get("settings.config_dir"));
            ui.label(RichText::new(session.paths().config_dir.display().to_string()).monospace());
            ui.end_row();
        });
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("settings.profiles_hint")).weak());
    ui.add_space(10.0);
    let changed = *edit != *session.settings();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(changed, egui::Button::new(tr.get("settings.save")))
            .clicked()
        {
            out.push(Command::SaveSettings(edit.clone()));
        }
        if ui
            .add_enabled(changed, egui::Button::new(tr.get("settings.revert")))
            .clicked()
        {
            *edit = session.settings().clone();
        }
    });
}
