//! Embedded CJK font so Chinese renders on machines without one.

use eframe::egui;
use std::sync::Arc;

/// WenQuanYi Micro Hei, subset to GB2312 + ASCII (Apache-2.0; see assets/fonts).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-gb2312.ttf");

/// egui's default fonts first (Latin looks as usual), the CJK font as fallback.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "wqy-microhei".into(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("wqy-microhei".into());
    }
    ctx.set_fonts(fonts);
}
