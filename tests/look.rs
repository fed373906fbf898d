//! The look a person chooses: light, dark or the system's, switched in
//! Settings, kept across a restart. (Each theme's meaning colours are
//! checked for WCAG AA contrast in `ui::style`.)

mod common;
use cardguard::i18n::Lang;
use common::*;

fn dark(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> bool {
    h.ctx.theme() == eframe::egui::Theme::Dark
}

#[test]
fn light_or_dark_is_chosen_in_settings_and_kept() {
    let rig = Rig::new();
    {
        let mut h = rig.open(Lang::En);
        click(&mut h, "Settings");
        click(&mut h, "Light");
        click(&mut h, "Save");
        assert!(!dark(&h), "light after saving");
        click(&mut h, "Dark");
        click(&mut h, "Save");
        assert!(dark(&h), "dark after saving");
        click(&mut h, "Light");
        click(&mut h, "Save");
    }
    let saved = std::fs::read_to_string(rig.dir.path().join("settings.json")).unwrap();
    assert!(saved.contains("\"theme\": \"light\""), "{saved}");
    let h = rig.open(Lang::Zh);
    assert!(!dark(&h), "kept across a restart");
}
