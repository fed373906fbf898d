//! Pieces several screens draw: countdowns, summary rows, the code field,
//! the file picker, and the window's chrome.

pub mod chrome;
pub mod code_field;
pub mod confirm;
pub mod file_picker;
pub mod steps;

use super::format::mm_ss;
use super::style::countdown_color;
use eframe::egui::{self, RichText};

/// A big `mm:ss` with a progress bar of the remaining share; `what` is
/// what it counts, for a screen reader (the digits alone say nothing).
pub fn countdown(ui: &mut egui::Ui, ms_left: u64, total_ms: u64, size: f32, what: &str) {
    let color = countdown_color(ui, ms_left);
    let shown = ui.label(
        RichText::new(mm_ss(ms_left))
            .size(size)
            .monospace()
            .strong()
            .color(color),
    );
    ui.ctx()
        .accesskit_node_builder(shown.id, |b| b.set_description(what.to_owned()));
    let frac = if total_ms == 0 {
        0.0
    } else {
        ms_left as f32 / total_ms as f32
    };
    let bar = ui.add(
        egui::ProgressBar::new(frac.clamp(0.0, 1.0))
            .fill(color)
            .desired_height(10.0),
    );
    ui.ctx()
        .accesskit_node_builder(bar.id, |b| b.set_label(what.to_owned()));
}

/// A key/value row for summary grids.
/// Where the row is drawn (key and value), for telling what the pointer
/// rests on.
pub fn row(ui: &mut egui::Ui, key: &str, value: impl Into<egui::WidgetText>) -> egui::Rect {
    let key = ui.label(RichText::new(key).weak());
    let value = ui.add(egui::Label::new(value).wrap());
    ui.end_row();
    key.rect.union(value.rect)
}

/// A one-line text field whose text is the person's own (a path, a search,
/// a filter) but may hold a card code: in a frame that becomes a screenshot
/// (`mask`) it is drawn, and told to screen readers, with its code-like runs
/// masked (a copy is shown for that one frame).
pub fn text_field(
    ui: &mut egui::Ui,
    text: &mut String,
    mask: bool,
    style: impl FnOnce(egui::TextEdit<'_>) -> egui::TextEdit<'_>,
) -> egui::Response {
    let mut masked;
    let shown = if mask {
        masked = crate::core::code::mask_code_like_runs(text);
        &mut masked
    } else {
        text
    };
    ui.add(style(egui::TextEdit::singleline(shown)))
}
