//! "This frame becomes evidence": one fact per frame, kept in the egui
//! context, that every widget showing a secret obeys. The app decides it
//! before the frame is drawn (a screenshot asked for in one frame captures
//! the next one); widgets never receive it as an argument, so a new screen
//! cannot forget to pass it on.

use eframe::egui;

fn key() -> egui::Id {
    egui::Id::unique("cardguard.capture_frame")
}

/// Marks the frame about to be drawn as captured (or not).
pub fn set_capture_frame(ctx: &egui::Context, captured: bool) {
    ctx.data_mut(|d| d.insert_temp(key(), captured));
}

/// Whether the frame being drawn will be saved as a screenshot.
pub fn is_capture_frame(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp(key()).unwrap_or(false))
}

/// Whether a secret the person asked to see may be drawn in clear now.
pub fn may_reveal(ctx: &egui::Context, asked: bool) -> bool {
    asked && !is_capture_frame(ctx)
}
