//! The second confirmation in the real window: the behaviour-driven guard's
//! delay, focus, auto-repeat, Enter, placement, hold- and type-to-confirm.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;
use eframe::egui;
use egui_kittest::kittest::{NodeT, Queryable};

fn to_review(rig: &Rig) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    assert_eq!(h.state().screen(), Screen::Review);
    h
}

fn key(key: egui::Key, pressed: bool, repeat: bool) -> egui::Event {
    egui::Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat,
        modifiers: egui::Modifiers::default(),
    }
}

fn press_at(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    pos: egui::Pos2,
    pressed: bool,
) {
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Default::default(),
    });
    h.run();
}

#[test]
fn a_low_risk_reader_confirms_without_waiting() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    // Reads for 0.9 s, moves to the button and clicks: already armed.
    tick(&mut h, &rig, 900);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
    let j = rig.journal();
    assert!(
        j.contains("\"kind\":\"guard_decided\""),
        "decision journaled"
    );
    assert!(j.contains("\"friction\":\"none\""));
}

#[test]
fn losing_focus_disarms_and_clicks_right_after_focus_returns_are_swallowed() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    tick(&mut h, &rig, 1_500);
    assert_has(&h, "Confirm — 10 s to undo");
    h.event(egui::Event::WindowFocused(false));
    h.run();
    assert_has(&h, "Confirm (window not active)");
    tick(&mut h, &rig, 5_000);
    click(&mut h, "Confirm (window not active)");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "The window is not active.");
    h.event(egui::Event::WindowFocused(true));
    h.run();
    assert_has(&h, "Confirm (1)");
    click(&mut h, "Confirm (1)");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "The window just came back into focus");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
}

#[test]
fn auto_repeated_enter_never_confirms_a_single_enter_does() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    // Enter held down from the previous screen: repeats before and after arming.
    for _ in 0..40 {
        h.event(key(egui::Key::Enter, true, true));
        rig.advance_ms(50);
        h.step();
    }
    h.run();
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "A held-down key never confirms.");
    h.event(key(egui::Key::Enter, false, false));
    tick(&mut h, &rig, 100);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().screen(),
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
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "too fast to have read it");
}

#[test]
fn click_spam_is_swallowed_and_pushes_arming_out() {
    let rig = Rig::new();
    let mut h = to_review(&rig);
    for _ in 0..12 {
        let label = h
            .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("Confirm")))
            .next()
            .and_then(|n| n.accesskit_node().label())
            .unwrap()
            .to_string();
        h.get_by_label(&label).click();
        h.run();
        rig.advance_ms(150);
        assert_eq!(h.state().screen(), Screen::Review, "spam click confirmed");
    }
    assert!(rig.journal().matches("confirm_swallowed").count() >= 12);
    // From the third quick press on, the person is told to stop.
    assert_has(&h, "Quick presses in a row never count.");
    assert!(rig.journal().contains("\"reason\":\"guard.hurried\""));
    tick(&mut h, &rig, 3_000);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
}

#[test]
fn buttons_are_not_under_the_review_button() {
    // Narrow windows: the natural places of the buttons would overlap.
    for width in [1000.0, 520.0, 300.0] {
        let rig = Rig::new();
        let mut h = rig.open(Lang::En);
        h.set_size(egui::vec2(width, 1100.0));
        h.run();
        enter_small_order(&mut h);
        let review_rect = h.get_by_label("Review →").rect();
        click(&mut h, "Review →");
        for label in ["Confirm (1)", "← Back to edit"] {
            let r = h.get_by_label(label).rect();
            assert!(
                !r.intersects(review_rect),
                "width {width}: {label} {r:?} overlaps {review_rect:?}"
            );
        }
        // A double click: its second half lands where Review was. Nothing happens.
        tick(&mut h, &rig, 1_000);
        press_at(&mut h, review_rect.center(), true);
        press_at(&mut h, review_rect.center(), false);
        assert_eq!(h.state().screen(), Screen::Review, "width {width}");
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
    assert_has(&h, "Confirm — 10 s to undo");
}

/// ¥1000 to Duidui (a channel that cannot cancel), on its review.
fn to_high_risk_review(rig: &Rig) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Duidui (third party)");
    type_code(&mut h, "ABCD1234EFGH5678");
    click(&mut h, "¥1000");
    let retype = "Above ¥500.00: type the face value again to confirm it";
    type_into(&mut h, retype, "1000");
    click(&mut h, "Review →");
    h
}

/// ¥1000 on a channel that cannot cancel: the dialog asks for a press-and-hold.
#[test]
fn high_risk_needs_press_and_hold_with_visible_progress() {
    let rig = Rig::new();
    let mut h = to_high_risk_review(&rig);
    assert_has(&h, "Why this confirmation takes extra care:");
    assert_has(&h, "¥1000.00 is a high face value.");
    assert_has(&h, "This channel cannot cancel once the code is sent.");
    tick(&mut h, &rig, 2_000);
    // Unusual (no cancel): the hold names the amount and the channel.
    let hold = "Hold to send ¥1000.00 to Duidui (third party)";
    let held_rect = h.get_by_label(hold).rect();
    let button = held_rect.center();
    h.get_by_label(hold).hover();
    h.run();
    // Released too early: not confirmed, and it says why.
    press_at(&mut h, button, true);
    tick(&mut h, &rig, 700);
    press_at(&mut h, button, false);
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "Keep the button pressed for 1.5 s to confirm.");
    // Held long enough.
    tick(&mut h, &rig, 600);
    press_at(&mut h, button, true);
    tick(&mut h, &rig, 1_600);
    assert_has(&h, "Release to confirm");
    // One size in every state (red team: a wrapped label grew the button,
    // which shrank under the held press and the release missed it).
    assert_eq!(h.get_by_label("Release to confirm").rect(), held_rect);
    press_at(&mut h, button, false);
    assert_eq!(h.state().screen(), Screen::Hold);
    assert!(rig.journal().contains("\"friction\":\"hold\""));
}

/// A pasted code entered in a second, ¥1000, no cancel, first use: type the last four.
#[test]
fn very_high_risk_needs_the_last_four_typed() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Duidui (third party)");
    h.get_by_label("2. Card code (16 characters)").focus();
    h.run();
    h.event(egui::Event::Paste("ABCD1234EFGH5678".into()));
    h.run();
    click(&mut h, "¥1000");
    let retype = "Above ¥500.00: type the face value again to confirm it";
    type_into(&mut h, retype, "1000");
    click(&mut h, "Review →");
    assert_has(&h, "The code was pasted and entered in");
    assert_has(&h, "Confirm (type the last 4 first)");
    tick(&mut h, &rig, 3_000);
    click(&mut h, "Confirm (type the last 4 first)");
    assert_eq!(h.state().screen(), Screen::Review);
    let field = "Type the last 4 characters of the card code to confirm:";
    type_into(&mut h, field, "5679");
    assert_has(&h, "Confirm (type the last 4 first)");
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label(field).type_text("8");
    h.run();
    tick(&mut h, &rig, 1_000);
    // No cancel on this channel: the armed button names the amount and
    // the channel.
    click_armed_confirm(&mut h);
    assert_eq!(h.state().screen(), Screen::Hold);
    assert!(
        !rig.journal_without_digests().contains("5679"),
        "typed text is never journaled"
    );
}

/// The guard's picture of the person, in Settings: what it learned, in
/// words, and "Forget my pace", which is journaled and leaves the guard on
/// its defaults; a low-risk confirmation teaches it again.
#[test]
fn settings_show_the_learned_pace_and_forget_it() {
    let rig = Rig::new();
    // A returning person: ten confirmations kept from before.
    std::fs::write(
        rig.dir.path().join("pace.json"),
        r#"{"samples_ms":[700,700,700,700,700,700,700,700,700,700]}"#,
    )
    .unwrap();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    assert_has(
        &h,
        "Fitted to your pace (10 confirmations): confirm arms after 0.6 s.",
    );
    click(&mut h, "← Back to edit");
    click(&mut h, "Settings");
    assert_has(
        &h,
        "From your last 10 low-risk confirmations: usually 0.7 s, your fastest tenth 0.7 s. Confirm arms after 0.6 s for you; anything faster than 0.35 s is not your way and is refused.",
    );
    click(&mut h, "Forget my pace");
    assert!(rig.kinds().iter().any(|k| k == "pace_reset"));
    assert_has(
        &h,
        "Not enough yet: the guard fits itself to you after 8 low-risk confirmations (0 so far).",
    );
    // One confirmation later it has begun again.
    click(&mut h, "New order");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), cardguard::ui::Screen::Hold);
    click(&mut h, "Settings");
    assert_has(
        &h,
        "Not enough yet: the guard fits itself to you after 8 low-risk confirmations (1 so far).",
    );
}

/// An order unlike the person's usual ones is met with its facts on the
/// confirm button (the amount and the channel, worded one of two ways by
/// order), and says why; the usual order keeps the plain button.
#[test]
fn an_unusual_order_names_its_facts_on_the_button() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    for code in ["ABCD1234EFGH5671", "ABCD1234EFGH5672", "ABCD1234EFGH5673"] {
        type_code(&mut h, code);
        click(&mut h, "¥100");
        review_confirm_release(&mut h, &rig);
        click(&mut h, "New order");
    }
    // The usual: ¥100 on Kaquanmao.
    type_code(&mut h, "ABCD1234EFGH5674");
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    assert_has(&h, "Confirm — 10 s to undo");
    // More than usual.
    click(&mut h, "← Back to edit");
    click(&mut h, "¥200");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    assert_has(
        &h,
        "This is more than you usually send (your most lately: ¥100.00).",
    );
    let button = h
        .query_all_by(|n| {
            n.label().is_some_and(|l| {
                l == "Send ¥200.00 to Kaquanmao (third party)"
                    || l == "Kaquanmao (third party) gets ¥200.00: send"
            })
        })
        .count();
    assert_eq!(button, 1, "{}", screen_text(&h));
}

/// A refusal's seconds count down with the button's, and the note goes
/// once its time is up (it said "2 s" for three seconds before).
#[test]
fn a_refusal_counts_down_with_the_button() {
    let rig = Rig::new();
    let mut h = to_high_risk_review(&rig);
    tick(&mut h, &rig, 600);
    click_starting(&mut h, "Confirm (");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "Not yet: confirm arms in 2 s.");
    tick(&mut h, &rig, 300);
    assert_has(&h, "Not yet: confirm arms in 1 s.");
    tick(&mut h, &rig, 1_000);
    assert!(
        !screen_text(&h).contains("arms in 0 s"),
        "{}",
        screen_text(&h)
    );
    assert_has(&h, "Hold to send ¥1000.00 to Duidui (third party)");
}

/// Moves the pointer to the widget labelled `label` in a few steps, as a
/// hand does (the guard reads the way it went), and clicks there.
fn glide_and_click(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, label: &str) {
    let to = h.get_by_label(label).rect().center();
    let from = to + egui::vec2(320.0, 160.0);
    for i in 0..=6 {
        let f = i as f32 / 6.0;
        h.event(egui::Event::PointerMoved(from + (to - from) * f));
        h.run();
    }
    press_at(h, to, true);
    press_at(h, to, false);
}

/// Learned from the pointer too: someone who rests it on the facts before
/// confirming sees that in Settings; going to Confirm without a look is
/// refused and said so; a look on the way is taken, and learned.
#[test]
fn a_person_who_looks_first_is_held_to_it() {
    let rig = Rig::new();
    std::fs::write(
        rig.dir.path().join("pace.json"),
        r#"{"samples_ms":[1500,1500,1500,1500,1500,1500,1500,1500,1500,1500],
            "looks":[true,true,true,true,true,true,true,true,true,true]}"#,
    )
    .unwrap();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Settings");
    assert_has(
        &h,
        "You rested the pointer on the amount and channel before 10 of your last 10 confirmations by pointer: going to Confirm without that look waits 2.1 s.",
    );
    click(&mut h, "New order");
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    tick(&mut h, &rig, 1_200);
    glide_and_click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(
        &h,
        "You usually rest the pointer on the amount and channel before confirming, not this time",
    );
    assert!(rig.journal().contains("guard.skipped_your_look"));
    // A look at the face value, then Confirm: taken, and the refusal's
    // note is gone with the wait.
    h.get_by_label("¥100.00").hover();
    h.run();
    tick(&mut h, &rig, 600);
    let confirm = text_starting(&h, "Confirm");
    glide_and_click(&mut h, &confirm);
    assert_eq!(h.state().screen(), Screen::Hold, "{}", screen_text(&h));
    let kept = std::fs::read_to_string(rig.dir.path().join("pace.json")).unwrap();
    assert!(kept.contains("true,true]"), "the look is learned: {kept}");
    assert_eq!(kept.matches("true").count(), 11, "{kept}");
}
