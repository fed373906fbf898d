//! The whole single-card flow, driven through the real window with the
//! clock advanced (never slept).

mod common;
use cardguard::core::order::Phase;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;
use egui_kittest::kittest::Queryable;

const KQM: &str = "Kaquanmao (third party)";

fn enter_kaquanmao_order(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    code: &str,
    face: &str,
) {
    choose_channel(h, "JD self-operated (app)", KQM);
    type_code(h, code);
    click(h, face);
}

#[test]
fn type_confirm_hold_undo_release_cancel() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    assert_has(&h, "First time? Start with a small test.");

    // Full-width IME input with an ideographic space and a dash.
    enter_kaquanmao_order(&mut h, "ＡＢＣＤ　1234-efgh 7f3k", "¥100");
    assert_has(&h, "Code complete: 16 characters.");
    assert_has(&h, "•••• •••• •••• 7F3K");
    assert_has(&h, "You receive ≈ ¥92.00");
    // Steps journaled once each, never the code.
    let j = rig.journal_without_digests();
    assert!(!j.to_uppercase().contains("ABCD"), "secret leaked: {j}");
    assert_eq!(
        rig.kinds().iter().filter(|k| *k == "code_entered").count(),
        1
    );

    click(&mut h, "Review →");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(&h, "Recycling is final.");
    assert_has(
        &h,
        "After submitting you can cancel for 8 min; cancel fee: ¥10.00.",
    );

    // A click right away is swallowed and says why.
    click(&mut h, "Confirm (1)");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_has(
        &h,
        "That came 0.0 s after this appeared: too fast to have read it.",
    );
    assert!(rig.journal().contains("\"kind\":\"confirm_swallowed\""));

    tick(&mut h, &rig, 1_500);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
    assert_shows(&h, "Held on this device");
    // The big countdown is a number of its own.
    assert_shows(&h, "10");

    tick(&mut h, &rig, 3_000);
    assert_shows(&h, "7");
    assert!(!shows(&h, "10"), "the countdown moved on");
    click(&mut h, "Undo");
    assert_eq!(
        h.state().screen(),
        Screen::Review,
        "undo returns to the review"
    );
    assert_has(&h, "•••• •••• •••• 7F3K");

    tick(&mut h, &rig, 1_200);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
    tick(&mut h, &rig, 9_999);
    assert_eq!(
        h.state().screen(),
        Screen::Hold,
        "nothing leaves before the hold ends"
    );
    assert!(!rig.kinds().contains(&"released".to_owned()));
    tick(&mut h, &rig, 1);
    assert_eq!(h.state().screen(), Screen::Orders);
    assert!(rig.kinds().contains(&"released".to_owned()));
    assert_shows(&h, "Submitted, in window");
    assert_shows(&h, "08:00");
    assert_has(&h, "Cancelling now costs ¥10.00.");

    tick(&mut h, &rig, 125_000);
    assert_shows(&h, "05:55");
    click(&mut h, "Cancel this order");
    assert_has(&h, "Cancelled. Fee charged: ¥10.00.");
    assert!(
        h.query_by_label("Cancel this order").is_none(),
        "cancel button gone"
    );
    let order = h
        .state()
        .session()
        .unwrap()
        .ledger()
        .orders()
        .last()
        .unwrap()
        .clone();
    assert_eq!(order.phase, Phase::Cancelled);
    let j = rig.journal_without_digests();
    assert!(!j.to_uppercase().contains("ABCD1234"), "secret leaked");
    assert!(
        !j.to_uppercase()
            .replace([' ', '-'], "")
            .contains("ABCD1234EFGH7F3K"),
        "secret leaked"
    );
}

#[test]
fn another_order_runs_out_its_window_then_settles() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_kaquanmao_order(&mut h, "ZZZZ 2222 YYYY 3333", "¥50");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 1_500);
    click(&mut h, "Confirm — 10 s to undo");
    tick(&mut h, &rig, 10_000);
    assert_shows(&h, "08:00");
    tick(&mut h, &rig, 421_000);
    assert_shows(&h, "00:59");
    tick(&mut h, &rig, 59_000);
    assert_shows(&h, "Verifying");
    assert!(
        h.query_by_label("Cancel this order").is_none(),
        "cancel disappears with the window"
    );
    tick(&mut h, &rig, 120_000);
    assert_has(&h, "Settled: payout ¥46.00.");
    let kinds = rig.kinds();
    for k in ["window_closed", "verified", "settled"] {
        assert!(kinds.contains(&k.to_owned()), "{k} journaled: {kinds:?}");
    }
}

#[test]
fn zero_window_channel_says_so_before_confirmation() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Duidui (third party)");
    assert_has(
        &h,
        "This channel cannot cancel once you submit: the sale is final.",
    );
    type_code(&mut h, "ABCD1234EFGH5678");
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    assert_has(
        &h,
        "This channel cannot cancel at all once the code is submitted.",
    );
}

#[test]
fn restart_continues_the_countdown_and_expired_shows_expired() {
    let rig = Rig::new();
    {
        let mut h = rig.open(Lang::En);
        enter_kaquanmao_order(&mut h, "ABCD1234EFGH5678", "¥100");
        review_confirm_release(&mut h, &rig);
        assert_shows(&h, "08:00");
    }
    rig.advance_ms(180_000);
    {
        let h = rig.open(Lang::En);
        assert_eq!(
            h.state().screen(),
            Screen::Orders,
            "opens on the running order"
        );
        assert_shows(&h, "05:00");
        assert_shows(&h, "Submitted, in window");
    }
    rig.advance_ms(3_600_000);
    let h = rig.open(Lang::En);
    assert_shows(&h, "Settled");
    let j = rig.journal();
    let closed = j.lines().find(|l| l.contains("\"window_closed\"")).unwrap();
    // Journaled when observed (after the restart), carrying when it really closed.
    assert!(closed.contains("\"at\":\"2026-11-27T09:08:11"), "{closed}");
}

#[test]
fn restart_during_the_hold_never_sends() {
    let rig = Rig::new();
    {
        let mut h = rig.open(Lang::En);
        enter_kaquanmao_order(&mut h, "ABCD1234EFGH5678", "¥100");
        click(&mut h, "Review →");
        tick(&mut h, &rig, 1_000);
        click(&mut h, "Confirm — 10 s to undo");
        tick(&mut h, &rig, 4_000);
    }
    rig.advance_ms(2_000);
    let h = rig.open(Lang::En);
    let kinds = rig.kinds();
    assert!(kinds.contains(&"hold_interrupted".to_owned()));
    assert!(!kinds.contains(&"released".to_owned()));
    assert_has(&h, "These orders were not sent");
}

#[test]
fn manual_hand_off_clipboard_and_expiry() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    use_manual_hand_off(&mut h);
    enter_kaquanmao_order(&mut h, "abcd 1234 efgh 5678", "¥100");
    review_confirm_release(&mut h, &rig);
    assert_eq!(
        rig.clipboard.text.lock().unwrap().as_deref(),
        Some("ABCD1234EFGH5678")
    );
    assert_shows(&h, "Released, waiting for your submit");
    assert_has(&h, "The code is on the clipboard for 60 s more.");
    tick(&mut h, &rig, 20_000);
    click(&mut h, "I have submitted it on the platform");
    assert_shows(&h, "08:00");
    tick(&mut h, &rig, 40_000);
    assert_eq!(
        *rig.clipboard.text.lock().unwrap(),
        None,
        "cleared after 60 s"
    );
    tick(&mut h, &rig, 440_000);
    assert_shows(&h, "Expired");
    assert_has(&h, "The cancel window has closed.");
}

#[test]
fn manual_cancel_shows_the_channel_steps() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    use_manual_hand_off(&mut h);
    enter_kaquanmao_order(&mut h, "abcd 1234 efgh 5678", "¥100");
    review_confirm_release(&mut h, &rig);
    // Someone else's text replaced ours on the clipboard: leave it alone.
    *rig.clipboard.text.lock().unwrap() = Some("shopping list".into());
    click(&mut h, "I have submitted it on the platform");
    // A moment later (sooner is taken for a double click).
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Cancel this order");
    assert_shows(&h, "Cancel requested");
    assert_has(&h, "Request cancel");
    tick(&mut h, &rig, 61_000);
    assert_eq!(
        rig.clipboard.text.lock().unwrap().as_deref(),
        Some("shopping list")
    );
    assert!(rig.journal().contains("\"still_ours\":false"));
}

#[test]
fn chinese_flow_renders() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::Zh);
    assert_has(&h, "新订单：回收一张卡");
    choose_channel(&mut h, "京东自营（App）", "卡券猫（第三方）");
    let field = h.get_by_label("2. 卡密（16 位）");
    field.focus();
    h.run();
    h.get_by_label("2. 卡密（16 位）")
        .type_text("ABCD1234EFGH5678");
    h.run();
    click(&mut h, "¥100");
    assert_has(&h, "预计到账 ≈ ¥92.00");
    click(&mut h, "核对 →");
    assert_has(&h, "回收是最终的。");
    click(&mut h, "English");
    assert_has(&h, "Recycling is final.");
}

#[test]
fn navigating_never_loses_the_draft_or_edits_a_held_order() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_kaquanmao_order(&mut h, "ABCD1234EFGH5678", "¥100");
    click(&mut h, "Review →");
    click(&mut h, "Orders");
    click(&mut h, "New order");
    assert_eq!(h.state().screen(), Screen::Entry);
    assert_has(&h, "Code complete: 16 characters.");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Confirm — 10 s to undo");
    click(&mut h, "Orders");
    assert_has(&h, "Held on this device: 10 s left.");
    click(&mut h, "New order");
    assert_eq!(
        h.state().screen(),
        Screen::Hold,
        "a held order cannot be edited"
    );
    click(&mut h, "Orders");
    click(&mut h, "Open undo window");
    assert_eq!(h.state().screen(), Screen::Hold);
    tick(&mut h, &rig, 10_000);
    assert_eq!(h.state().screen(), Screen::Orders);
    click(&mut h, "+ New order");
    assert_eq!(h.state().screen(), Screen::Entry);
    assert_shows(&h, "0/16");
}

/// The leak checks above look past digests only: a secret written as words
/// is still found.
#[test]
fn the_journal_leak_check_drops_digests_and_keeps_words() {
    let digest = "0123456789abcdef".repeat(4);
    let line = format!(r#"{{"masked":"abcd1234efgh7f3k","fingerprint":"{digest}","x":"5679"}}"#);
    let kept = without_digests(&line);
    assert!(!kept.contains(&digest));
    assert!(kept.contains("abcd1234efgh7f3k") && kept.contains("5679"));
    // A hex-only secret shorter than a digest is kept too.
    assert!(without_digests("\"abcdef0123\"").contains("abcdef0123"));
}

#[test]
fn a_double_click_on_submitted_does_not_cancel_with_its_second_click() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    use_manual_hand_off(&mut h);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    // Two clicks with no time between: the first submits; the second lands
    // on Cancel, which appeared in its place (in the batch panel, at the
    // very same spot).
    h.get_by_label("I have submitted it on the platform")
        .click();
    h.run();
    assert!(rig.kinds().contains(&"platform_submitted".to_owned()));
    h.get_by_label("Cancel this order").click();
    h.run();
    assert!(
        !rig.kinds().iter().any(|k| k.starts_with("cancel")),
        "{:?}",
        rig.kinds()
    );
    assert_has(&h, "looks like the second half of a double click");
    // A deliberate press a moment later does cancel.
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Cancel this order");
    assert!(rig.kinds().contains(&"cancel_requested".to_owned()));
}
