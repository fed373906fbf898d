//! Reusable pieces: the top bar, notices, countdown display, the PNG writer.

use super::app::{Command, Level, Notice, Screen};
use crate::core::money::Fen;
use crate::i18n::{Lang, Texts};
use eframe::egui::{self, Color32, RichText};

pub const WARN: Color32 = Color32::from_rgb(0xE0, 0x8A, 0x00);
pub const DANGER: Color32 = Color32::from_rgb(0xD0, 0x30, 0x30);
pub const OK: Color32 = Color32::from_rgb(0x2E, 0x9E, 0x4F);

pub fn top_bar(ui: &mut egui::Ui, tr: &Texts, screen: Screen, ready: bool, out: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading(tr.get("app.title"));
            ui.separator();
            if ready {
                let tabs = [
                    (Screen::Entry, "nav.new_order"),
                    (Screen::Orders, "nav.orders"),
                    (Screen::Batch, "nav.batch"),
                    (Screen::Journal, "nav.journal"),
                    (Screen::Settings, "nav.settings"),
                ];
                for (target, key) in tabs {
                    let active = screen == target
                        || (target == Screen::Entry
                            && matches!(screen, Screen::Review | Screen::Hold));
                    if ui.selectable_label(active, tr.get(key)).clicked() && screen != target {
                        out.push(Command::Navigate(target));
                    }
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ready
                    && ui
                        .button(tr.get("action.screenshot"))
                        .on_hover_text(tr.get("action.screenshot_hint"))
                        .clicked()
                {
                    out.push(Command::TakeScreenshot);
                }
                ui.separator();
                for lang in Lang::ALL.iter().rev() {
                    if ui
                        .selectable_label(tr.lang() == *lang, lang.native_name())
                        .clicked()
                        && tr.lang() != *lang
                    {
                        out.push(Command::SetLanguage(Some(*lang)));
                    }
                }
            });
        });
    });
}

/// The persistent demo banner: speed of demo time, sample card, reset.
pub fn demo_banner(
    ui: &mut egui::Ui,
    tr: &Texts,
    factor: u32,
    playing: bool,
    out: &mut Vec<Command>,
) {
    egui::Panel::top("demo_banner").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(tr.get("demo.banner"))
                    .strong()
                    .color(Color32::WHITE)
                    .background_color(DANGER),
            );
            ui.label(tr.get("demo.speed"));
            for f in [1u32, 10, 60] {
                if ui.selectable_label(factor == f, format!("×{f}")).clicked() && factor != f {
                    out.push(Command::DemoSpeed(f));
                }
            }
            ui.separator();
            if ui.button(tr.get("demo.sample_card")).clicked() {
                out.push(Command::DemoSampleCard);
            }
            if ui.button(tr.get("demo.reset")).clicked() {
                out.push(Command::DemoReset);
            }
            ui.separator();
            if !playing && ui.button(tr.get("demo.walkthrough_play")).clicked() {
                out.push(Command::DemoPlay);
            }
            if ui.button(tr.get("demo.leave")).clicked() {
                out.push(Command::SwitchDemo(false));
            }
        });
    });
}

pub fn level_color(level: Level) -> Color32 {
    match level {
        Level::Info => Color32::from_rgb(0x30, 0x70, 0xC0),
        Level::Warning => WARN,
        Level::Error => DANGER,
    }
}

pub fn notices(ui: &mut egui::Ui, tr: &Texts, notices: &[Notice], out: &mut Vec<Command>) {
    for (i, n) in notices.iter().enumerate() {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, level_color(n.level)))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("×")
                        .on_hover_text(tr.get("action.dismiss"))
                        .clicked()
                    {
                        out.push(Command::DismissNotice(i));
                    }
                    ui.add(
                        egui::Label::new(RichText::new(n.text(tr)).color(level_color(n.level)))
                            .wrap(),
                    );
                });
            });
    }
}

pub fn failure(ui: &mut egui::Ui, tr: &Texts, n: &Notice) {
    ui.add_space(24.0);
    ui.label(
        RichText::new(tr.get("error.cannot_start"))
            .heading()
            .color(DANGER),
    );
    ui.add_space(8.0);
    ui.add(egui::Label::new(n.text(tr)).wrap());
}

/// `mm:ss` of the time left, seconds rounded up (a display never shows 0:00 early).
pub fn mm_ss(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// Colour of a countdown: calm, then warning in the last minute, danger in the last 10 s.
pub fn countdown_color(ms_left: u64) -> Color32 {
    match ms_left {
        0..=10_000 => DANGER,
        10_001..=60_000 => WARN,
        _ => OK,
    }
}

/// A big `mm:ss` with a progress bar of the remaining share.
pub fn countdown(ui: &mut egui::Ui, ms_left: u64, total_ms: u64, size: f32) {
    let color = countdown_color(ms_left);
    ui.label(
        RichText::new(mm_ss(ms_left))
            .size(size)
            .monospace()
            .strong()
            .color(color),
    );
    let frac = if total_ms == 0 {
        0.0
    } else {
        ms_left as f32 / total_ms as f32
    };
    ui.add(
        egui::ProgressBar::new(frac.clamp(0.0, 1.0))
            .fill(color)
            .desired_height(10.0),
    );
}

/// A key/value row for summary grids.
pub fn row(ui: &mut egui::Ui, key: &str, value: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(key).weak());
    ui.add(egui::Label::new(value).wrap());
    ui.end_row();
}

pub fn money(f: Fen) -> String {
    f.to_string()
}

/// A fee as the person reads it: "free" rather than "¥0.00".
pub fn fee_text(tr: &Texts, fee: Fen) -> String {
    if fee > Fen::ZERO {
        fee.to_string()
    } else {
        tr.get("channel.fee_none").to_owned()
    }
}

/// A screenshot's pixels as plain RGBA bytes.
pub fn rgba_bytes(image: &egui::ColorImage) -> Vec<u8> {
    image
        .pixels
        .iter()
        .flat_map(|p| p.to_srgba_unmultiplied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_text_and_colours() {
        assert_eq!(mm_ss(480_000), "08:00");
        assert_eq!(mm_ss(479_001), "08:00");
        assert_eq!(mm_ss(59_000), "00:59");
        assert_eq!(mm_ss(1), "00:01");
        assert_eq!(mm_ss(0), "00:00");
        assert_eq!(countdown_color(61_000), OK);
        assert_eq!(countdown_color(60_000), WARN);
        assert_eq!(countdown_color(9_000), DANGER);
    }
}
