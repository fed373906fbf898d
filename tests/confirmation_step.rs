//! The second confirmation in the real window: focus, auto-repeat, Enter,
//! and where the confirm button is placed.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;
use eframe::egui;
use egui_kittest::kittest::Queryable;

fn to_review(rig: &Rig) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    type_code(&mut h, "ABCD1234EFGH5678");
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    assert_eq!(h.state().screen, Screen::Review);
    h
}

fn enter(repeat: bool) -> egui::Event {
    egui::Event::Key {
        key: egui::Key::Enter,
        physical_key: None,
        pressed: true,
        repeat,
        modifiers: egui::Modifiers::default(),
    }
}

#[test]
fn losing_focus_disarms_and_focus_restarts_the_full_delay() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    tick(&mut h, &rig, 1_500);
    assert!(has(&h, "Confirm, hold 10 s"));
    h.event(egui::Event::WindowFocused(false));
    h.run();
    assert_has(&h, "Confirm (window not active)");
    tick(&mut h, &rig, 5_000);
    click(&mut h, "Confirm (window not active)");
    assert_eq!(h.state().screen, Screen::Review);
    assert_has(&h, "The window was not active.");
    h.event(egui::Event::WindowFocused(true));
    h.run();
    assert_has(&h, "Confirm (1)");
    // A click right after focus returns is swallowed too.
    click(&mut h, "Confirm (1)");
    assert_eq!(h.state().screen, Screen::Review);
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Confirm, hold 10 s");
    assert_eq!(h.state().screen, Screen::Hold);
}

#[test]
fn auto_repeated_enter_never_confirms_a_single_enter_does() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    // Held-down Enter from the previous screen: repeats before and after arming.
    for _ in 0..40 {
        h.event(enter(true));
        rig.advance_ms(50);
        h.step();
    }
    h.run();
    assert_eq!(h.state().screen, Screen::Review);
    assert_has(&h, "A held-down key never confirms.");
    let mut release = enter(false);
    if let egui::Event::Key { pressed, .. } = &mut release {
        *pressed = false;
    }
    h.event(release);
    tick(&mut h, &rig, 100);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().screen,
        Screen::Hold,
        "a deliberate Enter confirms once armed"
    );
}

#[test]
fn early_enter_is_swallowed() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().screen, Screen::Review);
    assert_has(&h, "Not yet: the confirm button arms in");
}

#[test]
fn confirm_button_is_not_under_the_review_button() {
    // Narrow window: the natural places of the two buttons would overlap.
    for width in [1000.0, 520.0, 300.0] {
        let rig = Rig::new();
        let mut h = rig.open(Lang::En);
        h.set_size(egui::vec2(width, 1100.0));
        h.run();
        choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
        type_code(&mut h, "ABCD1234EFGH5678");
        click(&mut h, "¥100");
        let review_rect = h.get_by_label("Review →").rect();
        click(&mut h, "Review →");
        let confirm_rect = h.get_by_label("Confirm (1)").rect();
        assert!(
            !confirm_rect.intersects(review_rect),
            "width {width}: {confirm_rect:?} overlaps {review_rect:?}"
        );
        assert!(!confirm_rect.contains(review_rect.center()));
        // A double click: its second half lands where Review was. It must not confirm.
        h.get_by_label("Confirm (1)").hover();
        h.event(egui::Event::PointerButton {
            pos: review_rect.center(),
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: Default::default(),
        });
        h.event(egui::Event::PointerButton {
            pos: review_rect.center(),
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: Default::default(),
        });
        h.run();
        assert_eq!(h.state().screen, Screen::Review);
    }
}

#[test]
fn window_resize_restarts_the_delay() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    tick(&mut h, &rig, 900);
    h.set_size(egui::vec2(900.0, 1000.0));
    h.run();
    tick(&mut h, &rig, 500);
    assert_has(&h, "Confirm (1)");
    tick(&mut h, &rig, 500);
    assert_has(&h, "Confirm, hold 10 s");
}
