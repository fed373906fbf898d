//! The look in one place: colours that carry meaning, sizes of the big
//! buttons and list rows. Screens name these, never raw numbers that
//! must agree across screens.

use super::command::Level;
use crate::core::order::Phase;
use eframe::egui::{self, Color32};

/// The colours that carry meaning, one set per theme: each reads at
/// least 4.5:1 (WCAG AA for text) against that theme's panels, windows and
/// fields, which a test checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub danger: Color32,
    pub warn: Color32,
    pub ok: Color32,
    pub info: Color32,
    /// A filled button that acts (the armed confirm), and the text on it.
    pub act_fill: Color32,
    pub act_text: Color32,
    /// A filled button that moves on without sending anything (Review →,
    /// Import, Save): calm, unlike the confirm's red.
    pub go_fill: Color32,
}

pub const DARK: Palette = Palette {
    danger: Color32::from_rgb(0xFF, 0x6B, 0x6B),
    warn: Color32::from_rgb(0xF0, 0xA0, 0x20),
    ok: Color32::from_rgb(0x4C, 0xC3, 0x6E),
    info: Color32::from_rgb(0x6A, 0xA8, 0xF5),
    act_fill: Color32::from_rgb(0xB0, 0x34, 0x16),
    act_text: Color32::WHITE,
    go_fill: Color32::from_rgb(0x1F, 0x5F, 0xAF),
};

pub const LIGHT: Palette = Palette {
    danger: Color32::from_rgb(0xB8, 0x1E, 0x1E),
    warn: Color32::from_rgb(0x8A, 0x53, 0x00),
    ok: Color32::from_rgb(0x1B, 0x72, 0x36),
    info: Color32::from_rgb(0x1F, 0x5F, 0xAF),
    act_fill: Color32::from_rgb(0xB0, 0x34, 0x16),
    act_text: Color32::WHITE,
    go_fill: Color32::from_rgb(0x1F, 0x5F, 0xAF),
};

/// Secondary ("weak") text and links, readable at 4.5:1 too: egui's own
/// grey is 2.7:1 on its dark panels and 2.9:1 on its light ones, and its
/// light-theme link blue 2.8:1, yet they carry real words here (what is
/// still reversible, hints, statuses).
pub const DARK_WEAK_TEXT: Color32 = Color32::from_gray(150);
pub const LIGHT_WEAK_TEXT: Color32 = Color32::from_gray(100);
pub const LIGHT_LINK: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xAF);

/// The edge of a control (a field, a button) at rest, ≥ 3:1 on its panel
/// (WCAG 1.4.11): egui draws none, and a white field on a near-white panel
/// is 1.06:1.
pub const DARK_EDGE: Color32 = Color32::from_gray(120);
pub const LIGHT_EDGE: Color32 = Color32::from_gray(128);

/// Puts the readable weak text and link colours into both themes (once).
pub fn install_visuals(ctx: &egui::Context) {
    if ctx.style_of(egui::Theme::Dark).visuals.weak_text_color == Some(DARK_WEAK_TEXT) {
        return;
    }
    ctx.style_mut_of(egui::Theme::Dark, |s| {
        s.visuals.weak_text_color = Some(DARK_WEAK_TEXT);
        s.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, DARK_EDGE);
    });
    ctx.style_mut_of(egui::Theme::Light, |s| {
        s.visuals.weak_text_color = Some(LIGHT_WEAK_TEXT);
        s.visuals.hyperlink_color = LIGHT_LINK;
        s.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, LIGHT_EDGE);
    });
}

/// The palette of the theme `ui` is drawn in.
pub fn palette(ui: &egui::Ui) -> &'static Palette {
    if ui.visuals().dark_mode {
        &DARK
    } else {
        &LIGHT
    }
}

/// The confirmation step's two buttons (the confirm button is placed
/// away from where the previous click was).
pub const CONFIRM_SIZE: egui::Vec2 = egui::vec2(260.0, 44.0);
/// The confirm button when its words name the order's facts (two lines,
/// so a long channel name is still read).
pub const CONFIRM_FACTS_SIZE: egui::Vec2 = egui::vec2(260.0, 64.0);
pub const BACK_SIZE: egui::Vec2 = egui::vec2(160.0, 44.0);

/// The least height of a button that moves the work on (Save, Import,
/// Review…): comfortable to hit with a touchpad or a shaky hand.
pub const PRIMARY_MIN: egui::Vec2 = egui::vec2(120.0, 36.0);

/// How long the "why was my click ignored" note stays up.
pub const SWALLOWED_NOTE_MS: u64 = 3_000;

/// The widest a reading screen (a card's steps, orders, settings, help)
/// grows: past it, lines get too long to read and the Review button drifts
/// far from what it reviews.
pub const CONTENT_MAX_WIDTH: f32 = 900.0;

/// Runs `add` in a column centred in the window, at most
/// [`CONTENT_MAX_WIDTH`] wide when `narrow` and the window is much wider,
/// else the whole width.
pub fn content_column(ui: &mut egui::Ui, narrow: bool, add: impl FnOnce(&mut egui::Ui)) {
    let spare = ui.available_width() - CONTENT_MAX_WIDTH;
    // A little spare room (a 1000 px window) is used rather than left as
    // two thin margins.
    if !narrow || spare < 160.0 {
        add(ui);
        return;
    }
    ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
        ui.add_space(spare / 2.0);
        ui.vertical(|ui| {
            ui.set_width(CONTENT_MAX_WIDTH);
            add(ui);
        });
    });
}

/// The screen's main way on (Review →, Import, Save): filled while it can
/// be pressed, plain while it waits, at least [`PRIMARY_MIN`] high.
pub fn primary_button(ui: &egui::Ui, text: egui::RichText, enabled: bool) -> egui::Button<'static> {
    let b = if enabled {
        egui::Button::new(text.color(palette(ui).act_text)).fill(palette(ui).go_fill)
    } else {
        egui::Button::new(text)
    };
    b.min_size(PRIMARY_MIN)
}

/// A clear ring around the focused control while the person moves by keys
/// (Tab, arrows): egui's own mark is a thin darker outline, or only an
/// underline on a link. Painted above everything, in the theme's info
/// colour (≥ 4.5:1 on its panels); a pointer press hides it again.
pub fn focus_ring(ctx: &egui::Context) {
    let id = egui::Id::unique("cardguard.keyboard_focus");
    let (keys, pointer) = ctx.input(|i| {
        let keys = i.events.iter().any(|e| {
            matches!(e, egui::Event::Key { key, pressed: true, .. }
                if matches!(key, egui::Key::Tab | egui::Key::ArrowUp | egui::Key::ArrowDown
                    | egui::Key::ArrowLeft | egui::Key::ArrowRight))
        });
        (keys, i.pointer.any_pressed())
    });
    let by_keys = ctx.data_mut(|d| {
        let flag = d.get_temp_mut_or_default::<bool>(id);
        if keys {
            *flag = true;
        } else if pointer {
            *flag = false;
        }
        *flag
    });
    let focused = ctx.memory(|m| m.focused());
    let Some(rect) = focused
        .filter(|_| by_keys)
        .and_then(|f| ctx.read_response(f))
        // The part not scrolled out of view, so the ring never covers the
        // bars above a scrolled list.
        .map(|r| r.interact_rect)
        .filter(|r| r.is_positive())
    else {
        return;
    };
    let colour = if ctx.global_style().visuals.dark_mode {
        DARK.info
    } else {
        LIGHT.info
    };
    ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, id))
        .rect_stroke(
            rect.expand(2.0),
            4.0,
            egui::Stroke::new(2.0, colour),
            egui::StrokeKind::Outside,
        );
}

/// Row heights of the virtualised lists (rows must all be this tall).
pub const BATCH_TABLE_ROW: f32 = 26.0;
pub const BATCH_RUN_ROW: f32 = 48.0;
pub const BATCH_RUN_LINE: f32 = 20.0;
pub const JOURNAL_ROW: f32 = 36.0;

/// The journal list's columns: number and time, order, screenshot
/// thumbnail (the summary takes the rest). The thumbnail fits in a row.
pub const JOURNAL_THUMB: egui::Vec2 = egui::vec2(52.0, 32.0);
pub const JOURNAL_COL_SHOT: f32 = 58.0;
pub const JOURNAL_COL_WHEN: f32 = 220.0;
pub const JOURNAL_COL_ORDER: f32 = 150.0;

/// The batch table's column widths: row, code, face value, status (the
/// headers and every row must agree).
pub const BATCH_COL_ROW: f32 = 48.0;
pub const BATCH_COL_CODE: f32 = 170.0;
pub const BATCH_COL_FACE: f32 = 80.0;
pub const BATCH_COL_STATUS: f32 = 60.0;

pub fn level_color(ui: &egui::Ui, level: Level) -> Color32 {
    let p = palette(ui);
    match level {
        Level::Info => p.info,
        Level::Warning => p.warn,
        Level::Error => p.danger,
    }
}

/// Colour of a countdown: calm, then warning in the last minute, danger in the last 10 s.
pub fn countdown_color(ui: &egui::Ui, ms_left: u64) -> Color32 {
    countdown_in(palette(ui), ms_left)
}

fn countdown_in(p: &Palette, ms_left: u64) -> Color32 {
    match ms_left {
        0..=10_000 => p.danger,
        10_001..=60_000 => p.warn,
        _ => p.ok,
    }
}

/// An order's state at a glance: still moving (warning), done well, stopped, lost.
pub fn phase_color(ui: &egui::Ui, phase: Phase) -> Color32 {
    let p = palette(ui);
    match phase {
        Phase::InWindow | Phase::Holding | Phase::AwaitingPlatform => p.warn,
        Phase::Settled => p.ok,
        Phase::Cancelled | Phase::CancelRequested | Phase::Interrupted => p.info,
        Phase::Expired => p.danger,
        _ => ui.visuals().weak_text_color(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_colours() {
        for p in [&DARK, &LIGHT] {
            assert_eq!(countdown_in(p, 61_000), p.ok);
            assert_eq!(countdown_in(p, 60_000), p.warn);
            assert_eq!(countdown_in(p, 9_000), p.danger);
        }
    }

    /// WCAG 2.x relative luminance of an sRGB colour.
    fn luminance(c: Color32) -> f64 {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
    }

    fn contrast(a: Color32, b: Color32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_meaning_colour_reads_at_wcag_aa_on_its_theme() {
        for (p, v) in [
            (&DARK, egui::Visuals::dark()),
            (&LIGHT, egui::Visuals::light()),
        ] {
            // Panels, windows and text fields (`faint_bg_color` is a tint
            // laid over these, not a background of its own).
            for bg in [v.panel_fill, v.window_fill, v.extreme_bg_color] {
                for (name, c) in [
                    ("danger", p.danger),
                    ("warn", p.warn),
                    ("ok", p.ok),
                    ("info", p.info),
                ] {
                    let r = contrast(c, bg);
                    assert!(
                        r >= 4.5,
                        "{name} {c:?} on {bg:?}: {r:.2}:1 (dark: {})",
                        v.dark_mode
                    );
                }
            }
            assert!(contrast(p.act_text, p.act_fill) >= 4.5);
            assert!(contrast(p.act_text, p.go_fill) >= 4.5);
            // A control's edge at rest against what is around it (1.4.11).
            let edge = if v.dark_mode { DARK_EDGE } else { LIGHT_EDGE };
            for bg in [v.panel_fill, v.window_fill, v.extreme_bg_color] {
                let r = contrast(edge, bg);
                assert!(r >= 3.0, "edge {edge:?} on {bg:?}: {r:.2}:1");
            }
        }
        // Weak text and links, as installed, on each theme's backgrounds.
        let dark = egui::Visuals::dark();
        let light = egui::Visuals::light();
        for (c, v) in [
            (DARK_WEAK_TEXT, &dark),
            (dark.hyperlink_color, &dark),
            (LIGHT_WEAK_TEXT, &light),
            (LIGHT_LINK, &light),
        ] {
            for bg in [v.panel_fill, v.window_fill, v.extreme_bg_color] {
                let r = contrast(c, bg);
                assert!(r >= 4.5, "{c:?} on {bg:?}: {r:.2}:1");
            }
        }
        // egui's own weak grey, which this replaces, does not pass.
        assert!(contrast(dark.weak_text_color(), dark.panel_fill) < 4.5);
        // The check itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(DARK.ok, DARK.ok) - 1.0).abs() < 1e-9);
    }
}
