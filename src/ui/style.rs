//! The look in one place: colours that carry meaning, sizes of the big
//! buttons and list rows. Screens name these, never raw numbers that
//! must agree across screens.

use super::command::Level;
use crate::core::order::Phase;
use eframe::egui::{self, Color32};

pub const WARN: Color32 = Color32::from_rgb(0xE0, 0x8A, 0x00);
pub const DANGER: Color32 = Color32::from_rgb(0xD0, 0x30, 0x30);
pub const OK: Color32 = Color32::from_rgb(0x2E, 0x9E, 0x4F);
pub const INFO: Color32 = Color32::from_rgb(0x30, 0x70, 0xC0);

/// The confirmation step's two buttons (the confirm button is placed
/// away from where the previous click was).
pub const CONFIRM_SIZE: egui::Vec2 = egui::vec2(260.0, 44.0);
pub const BACK_SIZE: egui::Vec2 = egui::vec2(160.0, 44.0);

/// How long the "why was my click ignored" note stays up.
pub const SWALLOWED_NOTE_MS: u64 = 3_000;

/// Row heights of the virtualised lists (rows must all be this tall).
pub const BATCH_TABLE_ROW: f32 = 26.0;
pub const BATCH_RUN_ROW: f32 = 48.0;
pub const BATCH_RUN_LINE: f32 = 20.0;
pub const JOURNAL_ROW: f32 = 44.0;

/// The batch table's column widths: row, code, face value, status (the
/// headers and every row must agree).
pub const BATCH_COL_ROW: f32 = 48.0;
pub const BATCH_COL_CODE: f32 = 170.0;
pub const BATCH_COL_FACE: f32 = 80.0;
pub const BATCH_COL_STATUS: f32 = 60.0;

pub fn level_color(level: Level) -> Color32 {
    match level {
        Level::Info => INFO,
        Level::Warning => WARN,
        Level::Error => DANGER,
    }
}

/// Colour of a countdown: calm, then warning in the last minute, danger in the last 10 s.
pub fn countdown_color(ms_left: u64) -> Color32 {
    match ms_left {
        0..=10_000 => DANGER,
        10_001..=60_000 => WARN,
        _ => OK,
    }
}

/// An order's state at a glance: still moving (warning), done well, stopped, lost.
pub fn phase_color(p: Phase) -> Color32 {
    match p {
        Phase::InWindow | Phase::Holding | Phase::AwaitingPlatform => WARN,
        Phase::Settled => OK,
        Phase::Cancelled | Phase::CancelRequested | Phase::Interrupted => INFO,
        Phase::Expired => DANGER,
        _ => Color32::GRAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_colours() {
        assert_eq!(countdown_color(61_000), OK);
        assert_eq!(countdown_color(60_000), WARN);
        assert_eq!(countdown_color(9_000), DANGER);
    }
}
