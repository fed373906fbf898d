//! "Something went wrong?" in the real window, driven as a person does:
//! from an order (or a batch's run panel), at most one question, one path
//! with its deadline, the evidence and a message with the last four only;
//! every step journaled; a broken remedies.json said and replaced.

mod common;
use cardguard::core::journal::sha256_hex;
use cardguard::i18n::{Lang, Texts};
use cardguard::ui::Screen;
use common::*;
use egui_kittest::kittest::{NodeT, Queryable};

const CODE: &str = "ABCD1234EFGH5678";

fn of_kind(rig: &Rig, kind: &str) -> Vec<serde_json::Value> {
    rig.events()
        .into_iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// A journal line's time as a message writes it: local, to the second, with its offset.
fn local_time(line: &serde_json::Value) -> String {
    let tz: chrono::FixedOffset = line["tz"].as_str().unwrap().parse().unwrap();
    chrono::DateTime::parse_from_rfc3339(line["ts"].as_str().unwrap())
        .unwrap()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// The paths `remedy_path_chosen` put on record, in order.
fn paths_chosen(rig: &Rig) -> Vec<String> {
    of_kind(rig, "remedy_path_chosen")
        .iter()
        .map(|e| e["data"]["path"].as_str().unwrap().to_owned())
        .collect()
}

/// The message box's text (the one value on screen starting with `start`).
fn message_box(h: &egui_kittest::Harness<'static, cardguard::ui::App>, start: &str) -> String {
    h.query_all_by(|n| n.value().is_some_and(|v| v.starts_with(start)))
        .filter_map(|n| n.value().map(|v| v.to_string()))
        .next()
        .unwrap_or_else(|| panic!("no message starting {start:?}: {}", screen_text(h)))
}

/// The orders list (the tab, not the list's own heading).
fn to_orders(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>) {
    if h.state().screen() != Screen::Orders {
        let tab = Texts::new(h.state().lang()).get("nav.orders").to_owned();
        h.query_all_by_label(&tab).next().unwrap().click();
        h.run();
    }
    assert_eq!(h.state().screen(), Screen::Orders);
}

/// A Kaquanmao order for ¥100 (8-minute window, 10 % fee), released, and
/// the time moved past the cancel button's settle time.
fn sent_kaquanmao(rig: &Rig, lang: Lang) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(lang);
    if lang == Lang::En {
        enter_small_order(&mut h);
        review_confirm_release(&mut h, rig);
    }
    tick(&mut h, rig, 1_000);
    h
}

#[test]
fn window_open_the_assistant_leads_to_cancel_in_the_app_in_two_clicks() {
    let rig = Rig::new();
    let mut h = sent_kaquanmao(&rig, Lang::En);
    to_orders(&mut h);
    // Click 1: from the order. The app answers "can it still be
    // cancelled?" itself, and with a window open that is the path,
    // whatever happened: no question stands before the button.
    click_starting(&mut h, "Something went wrong");
    assert_eq!(h.state().screen(), Screen::Remedy);
    assert_has(&h, "The cancel window is open: 07:59 left.");
    assert!(!has(&h, "What happened?"));
    assert_has(&h, "Cancel now, in this app");
    assert_has(&h, "Deadline");
    assert_shows(&h, "07:59");
    tick(&mut h, &rig, 2_000);
    assert_shows(&h, "07:57");
    // Click 2: the action itself.
    click(&mut h, "Cancel this order now (cost: ¥10.00)");
    assert_eq!(of_kind(&rig, "cancelled").len(), 1);
    assert_has(&h, "Cancelled: the card came back to you (cost: ¥10.00).");
    assert_has(&h, "Nothing more to do: the cancel went through.");

    let opened = of_kind(&rig, "remedy_opened");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["data"]["standing"], "cancel_in_app");
    let chosen = of_kind(&rig, "remedy_path_chosen");
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0]["data"]["path"], "cancel_in_app");
    assert!(chosen[0]["data"]["problem"].is_null());
    assert_eq!(chosen[0]["order"], opened[0]["order"]);
}

#[test]
fn window_closed_on_a_no_cancel_channel_leads_to_a_freeze_request_with_its_message() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Duidui (third party)");
    type_code(&mut h, CODE);
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    confirm_whatever_friction(&mut h, &rig);
    tick(&mut h, &rig, 10_000);
    to_orders(&mut h);
    click_starting(&mut h, "Something went wrong");
    assert_has(
        &h,
        "This channel cannot cancel at all: the sale was final once the code was sent.",
    );
    click(&mut h, "The same card code was submitted twice");
    assert_has(&h, "Ask the card issuer to freeze the card");
    assert_has(&h, "Today (2026-11-27), before midnight. Left:");
    assert_shows(&h, "6:59:47");
    assert_has(
        &h,
        "Success in the source: 45 %–60 %. Time: about 2 working days.",
    );
    assert_has(&h, "for orientation, not a promise");
    let order = rig.orders_of("released")[0].clone();
    let text = message_box(&h, "Freeze request");
    for want in [
        format!("Order: {order}"),
        "Channel: Duidui (third party)".into(),
        "Card code (last four only): •••• •••• •••• 5678".into(),
        "Face value: ¥100.00".into(),
        "Confirmed in cardguard at: ".into(),
        "Code released at: ".into(),
        "Problem: The same card code was submitted twice".into(),
        "SHA-256".into(),
    ] {
        assert!(text.contains(&want), "{want:?} missing from\n{text}");
    }
    assert!(!text.contains("ABCD1234"), "{text}");
    // No cancel was asked: the line is left out rather than saying "none".
    assert!(!text.contains("Cancel requested at"), "{text}");
    // The times are the journal's, in the journal's local offset.
    for (kind, label) in [
        ("confirmed", "Confirmed in cardguard at: "),
        ("released", "Code released at: "),
    ] {
        let want = format!("{label}{}", local_time(&of_kind(&rig, kind)[0]));
        assert!(text.contains(&want), "{want:?} missing from\n{text}");
    }

    click(&mut h, "Copy the message");
    let copied = rig.clipboard.text.lock().unwrap().clone().unwrap();
    assert!(copied.starts_with("Freeze request") && !copied.contains("ABCD1234"));
    click(&mut h, "Chinese version");
    let zh = message_box(&h, "冻结申请");
    assert!(zh.contains("卡密（仅末四位）：•••• •••• •••• 5678"), "{zh}");
    assert_eq!(
        h.state().lang(),
        Lang::En,
        "only the message changed language"
    );
    click(&mut h, "Save as a file");
    let saved: Vec<_> = std::fs::read_dir(rig.dir.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1);
    let on_disk = std::fs::read_to_string(&saved[0]).unwrap();
    assert!(on_disk.starts_with("冻结申请") && !on_disk.contains("ABCD1234"));
    click(&mut h, "Export the evidence bundle");
    assert_has(&h, "Evidence exported");

    // Said beside the buttons, where the person is looking.
    assert_has(&h, "✓ Saved as exports");
    let prepared = of_kind(&rig, "remedy_message_prepared");
    assert_eq!(prepared.len(), 2);
    assert_eq!(prepared[0]["data"]["action"], "copy");
    assert_eq!(prepared[0]["data"]["lang"], "en");
    assert_eq!(prepared[0]["data"]["path"], "freeze");
    assert_eq!(prepared[0]["data"]["sha256"], sha256_hex(copied.as_bytes()));
    assert_eq!(prepared[1]["data"]["action"], "save");
    assert_eq!(
        prepared[1]["data"]["sha256"],
        sha256_hex(on_disk.as_bytes())
    );
    let chosen = of_kind(&rig, "remedy_path_chosen");
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0]["data"]["path"], "freeze");
    assert!(chosen[0]["data"]["deadline"].is_string());
    assert!(!rig.journal_without_digests().contains("ABCD1234"));
    // The journal tab says it in words, the path as the book names it.
    click(&mut h, "Journal");
    assert_has(
        &h,
        "Remedy shown: Ask the card issuer to freeze the card; deadline ",
    );
    assert!(!has(&h, "→ freeze"), "{}", screen_text(&h));
}

/// Whatever the guard asks on a no-cancel channel: a click, a press and
/// hold, or the last four typed.
fn confirm_whatever_friction(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    rig: &Rig,
) {
    if has(h, "Type the last 4 characters of the card code to confirm:") {
        type_into(
            h,
            "Type the last 4 characters of the card code to confirm:",
            &CODE[12..],
        );
        tick(h, rig, 1_000);
    }
    let hold = text_of(h, "Hold to send ").or_else(|| {
        has(h, "Press and hold to confirm").then(|| "Press and hold to confirm".to_owned())
    });
    if let Some(hold) = hold {
        let button = h.get_by_label(&hold).rect().center();
        h.get_by_label(&hold).hover();
        h.run();
        press_at(h, button, true);
        tick(h, rig, 1_600);
        press_at(h, button, false);
    } else {
        // A no-cancel channel's button names the amount and the channel.
        click_armed_confirm(h);
    }
    assert_eq!(h.state().screen(), Screen::Hold, "{}", screen_text(h));
}

fn press_at(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    at: eframe::egui::Pos2,
    down: bool,
) {
    h.event(eframe::egui::Event::PointerButton {
        pos: at,
        button: eframe::egui::PointerButton::Primary,
        pressed: down,
        modifiers: eframe::egui::Modifiers::NONE,
    });
    h.run();
}

#[test]
fn a_wrong_face_value_after_the_window_leads_to_the_platforms_difference_refund() {
    let rig = Rig::new();
    let mut h = sent_kaquanmao(&rig, Lang::En);
    tick(&mut h, &rig, 8 * 60_000);
    to_orders(&mut h);
    click_starting(&mut h, "Something went wrong");
    click(&mut h, "The face value was entered wrong");
    assert_has(&h, "Ask the platform to refund the difference");
    assert_has(&h, "Success in the source: over 80 %. Time: immediate.");
    // Within 24 h of the release, which was 8 min 1 s ago.
    assert_shows(&h, "23:51:59");
    let text = message_box(&h, "Face value difference refund");
    assert!(text.contains("Face value entered: ¥100.00"), "{text}");
    // Changing the answer asks again, and a new answer is journaled too.
    click(&mut h, "Change my answer");
    click(
        &mut h,
        "The card was stolen or I was tricked into handing over the code",
    );
    assert_has(&h, "Report to the police; handled once a case is opened");
    assert_has(
        &h,
        "Success in the source: under 20 %. Time: 15 days or more.",
    );
    let paths = paths_chosen(&rig);
    assert_eq!(paths, ["difference_refund", "police"]);
}

#[test]
fn a_window_closing_while_the_person_reads_turns_the_path_and_says_so_in_the_journal() {
    let rig = Rig::new();
    let mut h = sent_kaquanmao(&rig, Lang::En);
    to_orders(&mut h);
    click_starting(&mut h, "Something went wrong");
    assert_has(&h, "Cancel now, in this app");
    tick(&mut h, &rig, 8 * 60_000);
    // Out of reach now: the question comes, then the row for the answer.
    assert_has(&h, "What happened?");
    click(
        &mut h,
        "Sent by mistake or I do not want to sell (wrong channel, meant to give it, misclick)",
    );
    assert_has(&h, "Appeal to the platform with your record");
    assert!(!has(&h, "Cancel now, in this app"));
    let paths = paths_chosen(&rig);
    assert_eq!(paths, ["cancel_in_app", "appeal"]);
}

#[test]
fn a_held_order_asks_nothing_and_undo_takes_it_back() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    review_and_confirm(&mut h, &rig);
    // Also on the hold screen itself.
    assert_eq!(h.state().screen(), Screen::Hold);
    click_starting(&mut h, "Something went wrong");
    assert_has(&h, "Still held on this device");
    assert!(!has(&h, "What happened?"));
    click(&mut h, "Undo now");
    assert_eq!(h.state().screen(), Screen::Review);
    assert_eq!(of_kind(&rig, "undone").len(), 1);
    tick(&mut h, &rig, 20_000);
    assert!(of_kind(&rig, "released").is_empty(), "nothing was sent");
}

#[test]
fn the_assistant_speaks_chinese_and_the_review_says_it_exists() {
    let rig = Rig::new();
    let zh = Texts::new(Lang::Zh);
    let mut h = rig.open(Lang::Zh);
    choose_channel(&mut h, "京东自营（App）", "卡券猫（第三方）");
    type_into(&mut h, zh.get("entry.code"), CODE);
    click(&mut h, "¥100");
    click(&mut h, zh.get("entry.to_review"));
    // The review's one line, opened in place, lists the paths.
    click(&mut h, zh.get("remedy.review_link"));
    assert_has(&h, "同一张卡密提交了两次 → 联系发卡方冻结");
    assert_has(&h, "面额填错了 → 请平台差额补退");
    tick(&mut h, &rig, 1_000);
    let confirm = zh.fmt("review.confirm", &[("n", &10)]);
    click(&mut h, &confirm);
    tick(&mut h, &rig, 11_000);
    tick(&mut h, &rig, 1_000);
    to_orders(&mut h);
    // Each order's link names its order: "CG-… 出问题了？".
    h.query_all_by(|n| n.label().is_some_and(|l| l.ends_with(" 出问题了？")))
        .next()
        .expect("the order's remedy link")
        .click();
    h.run();
    assert_has(&h, "撤回窗口仍开着");
    assert_has(&h, "现在就在本应用里撤回");
    click(&mut h, &zh.fmt("remedy.cancel_now", &[("fee", &"¥10.00")]));
    assert_eq!(of_kind(&rig, "cancelled").len(), 1, "{}", screen_text(&h));
}

#[test]
fn a_malformed_remedies_json_is_said_and_the_builtin_book_is_used() {
    let rig = Rig::new();
    std::fs::write(
        rig.dir.path().join("remedies.json"),
        "{ \"version\": 1, \"problems\": [ ,",
    )
    .unwrap();
    let mut h = rig.open(Lang::En);
    assert_has(&h, "remedies.json (line 1) could not be used");
    assert_has(
        &h,
        "so the built-in ones are used and the file was left as it is",
    );
    dismiss_notices(&mut h);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    tick(&mut h, &rig, 8 * 60_000);
    to_orders(&mut h);
    click_starting(&mut h, "Something went wrong");
    click(&mut h, "The same card code was submitted twice");
    assert_has(&h, "Ask the card issuer to freeze the card");
    // The file was left as the person wrote it.
    assert_eq!(
        std::fs::read_to_string(rig.dir.path().join("remedies.json")).unwrap(),
        "{ \"version\": 1, \"problems\": [ ,"
    );
}

#[test]
fn a_persons_own_remedies_json_replaces_the_builtin_one() {
    let rig = Rig::new();
    let mut book: serde_json::Value =
        serde_json::from_str(include_str!("../assets/remedies.json")).unwrap();
    book["paths"][2]["title"]["en"] = "Call the issuer's hotline".into();
    std::fs::write(
        rig.dir.path().join("remedies.json"),
        serde_json::to_string(&book).unwrap(),
    )
    .unwrap();
    let mut h = rig.open(Lang::En);
    assert_eq!(notice_count(&h), 0, "{}", screen_text(&h));
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    tick(&mut h, &rig, 8 * 60_000);
    to_orders(&mut h);
    click_starting(&mut h, "Something went wrong");
    click(&mut h, "The same card code was submitted twice");
    assert_has(&h, "Call the issuer's hotline");
}

#[test]
fn from_a_batch_run_the_path_is_cancel_all_that_still_can_be() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Suhuishou (third party)");
    import_batch(&mut h, &rig, "three.csv", &batch_csv(3, 100));
    click_starting(&mut h, "Release the smallest card (¥100.00) first");
    click_starting(&mut h, "Review and release 3 cards (¥300.00)");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Release 3 cards");
    for _ in 0..13 {
        tick(&mut h, &rig, 1_000);
    }
    assert_has(&h, "3 of 3 released");
    click_starting(&mut h, "Something went wrong");
    assert_has(&h, "This app can still cancel 3 orders (cost: ¥15.00).");
    click(&mut h, "Cancel the 3 still cancellable (cost: ¥15.00)");
    assert_eq!(of_kind(&rig, "batch_cancel_all").len(), 1);
    let opened = of_kind(&rig, "remedy_opened");
    assert!(opened[0]["order"].is_null());
    assert!(
        opened[0]["data"]["batch"]
            .as_str()
            .unwrap()
            .starts_with('B')
    );
    // "Done" goes back to the batch.
    click(&mut h, "Close");
    assert_eq!(h.state().screen(), Screen::Batch);
}

#[test]
fn a_manual_hand_off_leads_to_the_channels_own_cancel_steps_and_a_cancel_request() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    use_manual_hand_off(&mut h);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    to_orders(&mut h);
    // On the clipboard, not marked submitted: perhaps nothing is sold.
    click_starting(&mut h, "Something went wrong");
    assert_has(
        &h,
        "If you have not submitted it yet, do not: nothing is sold.",
    );
    assert_has(&h, "Do not submit it — or say that you did");
    click(&mut h, "I have submitted it on the platform");
    tick(&mut h, &rig, 1_000);
    assert_eq!(of_kind(&rig, "platform_submitted").len(), 1);
    assert_has(
        &h,
        "Only the platform can cancel now; its window closes in 07:59.",
    );
    assert_has(&h, "Ask the platform to cancel, now");
    // The channel's own steps, from its profile.
    assert_has(
        &h,
        "In Kaquanmao, open My orders, find the order, tap Request cancel",
    );
    let text = message_box(&h, "Cancel request");
    assert!(
        !text.contains("Problem:"),
        "not asked, so not said:\n{text}"
    );
    let submitted = local_time(&of_kind(&rig, "platform_submitted")[0]);
    assert!(
        text.contains(&format!("Submitted on the platform at: {submitted}")),
        "{text}"
    );
    // What happened is optional here, and goes into the message.
    click(&mut h, "The face value was entered wrong");
    let text = message_box(&h, "Cancel request");
    assert!(
        text.contains("Problem: The face value was entered wrong"),
        "{text}"
    );
    assert!(text.contains("•••• •••• •••• 5678") && !text.contains("ABCD1234"));
    // Once asked on the platform, the record says so.
    click(&mut h, "I have asked the platform to cancel");
    assert_eq!(of_kind(&rig, "cancel_requested").len(), 1);
    assert_eq!(
        paths_chosen(&rig),
        ["not_submitted", "channel_cancel", "channel_cancel"]
    );
    let chosen = of_kind(&rig, "remedy_path_chosen");
    assert_eq!(chosen[2]["data"]["problem"], "wrong_face_value");
    // The platform says no: the table's row for what happened applies.
    click(&mut h, "The platform refused, or did not cancel in time");
    assert_has(&h, "Ask the platform to refund the difference");
    assert_eq!(
        paths_chosen(&rig),
        [
            "not_submitted",
            "channel_cancel",
            "channel_cancel",
            "difference_refund"
        ]
    );
}

/// A batch of three ¥100 cards on `channel`, confirmed (test card off).
fn confirmed_batch(rig: &Rig, channel: &str) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", channel);
    import_batch(&mut h, rig, "three.csv", &batch_csv(3, 100));
    if has(&h, "Release the smallest card (¥100.00) first") {
        click_starting(&mut h, "Release the smallest card (¥100.00) first");
    }
    click_starting(&mut h, "Review and release 3 cards (¥300.00)");
    tick(&mut h, rig, 3_000);
    confirm_batch(&mut h, rig);
    h
}

/// The batch's confirm, whatever its friction (a click, or typing the total).
fn confirm_batch(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, rig: &Rig) {
    let total = "Type the batch total in yuan to confirm:";
    if has(h, total) {
        type_into(h, total, "300");
        tick(h, rig, 1_000);
    }
    click(h, "Release 3 cards");
    assert_has(h, "Held on this device: nothing has been sent.");
}

#[test]
fn a_batch_in_its_hold_is_undone_from_the_assistant() {
    let rig = Rig::new();
    let mut h = confirmed_batch(&rig, "Suhuishou (third party)");
    click_starting(&mut h, "Something went wrong");
    assert_has(&h, "Still held on this device");
    assert_has(&h, "The batch is still held here.");
    click(&mut h, "Undo now");
    assert_eq!(of_kind(&rig, "batch_undone").len(), 1);
    assert_eq!(h.state().screen(), Screen::Batch);
    assert_eq!(paths_chosen(&rig), ["undo"]);
}

#[test]
fn a_batch_still_sending_on_a_channel_without_a_window_is_paused_first() {
    let rig = Rig::new();
    let mut h = confirmed_batch(&rig, "Duidui (third party)");
    tick(&mut h, &rig, 10_000);
    let sent = of_kind(&rig, "released").len();
    assert!((1..3).contains(&sent), "{}", screen_text(&h));
    click_starting(&mut h, "Something went wrong");
    assert_has(&h, "This batch is still sending cards");
    click(&mut h, "Pause the batch");
    assert_eq!(of_kind(&rig, "batch_paused").len(), 1);
    tick(&mut h, &rig, 5_000);
    assert_eq!(of_kind(&rig, "released").len(), sent, "nothing more left");
    // Now out of reach: the question, then the row.
    assert_has(&h, "What happened?");
    click(&mut h, "The same card code was submitted twice");
    assert_has(&h, "Ask the card issuer to freeze the card");
    if sent > 1 {
        // Which cards: the message names only those ticked.
        assert_has(&h, "Which cards is this about?");
        assert!(!has(&h, "Freeze request"), "no message before a tick");
        let first = h
            .query_all_by_role(eframe::egui::accesskit::Role::CheckBox)
            .next()
            .unwrap()
            .accesskit_node()
            .label()
            .unwrap()
            .to_string();
        click(&mut h, &first);
    }
    let text = message_box(&h, "Freeze request");
    assert!(text.contains("orders (1): CG-"), "{text}");
    assert_eq!(paths_chosen(&rig), ["pause", "freeze"]);
}

#[test]
fn a_batch_message_names_only_the_cards_ticked() {
    let rig = Rig::new();
    let mut h = confirmed_batch(&rig, "Duidui (third party)");
    for _ in 0..14 {
        tick(&mut h, &rig, 1_000);
    }
    assert_eq!(of_kind(&rig, "released").len(), 3, "{}", screen_text(&h));
    click_starting(&mut h, "Something went wrong");
    assert_has(
        &h,
        "This channel cannot cancel at all: the sale of each card was final once its code was sent.",
    );
    click(&mut h, "The same card code was submitted twice");
    assert_has(&h, "Which cards is this about?");
    assert!(!has(&h, "Freeze request"), "no message before a tick");
    let cards: Vec<String> = h
        .query_all_by_role(eframe::egui::accesskit::Role::CheckBox)
        .map(|n| n.accesskit_node().label().unwrap().to_string())
        .collect();
    assert_eq!(cards.len(), 3, "{cards:?}");
    click(&mut h, &cards[1]);
    let text = message_box(&h, "Freeze request");
    let ticked = cards[1].split(" · ").next().unwrap();
    assert!(text.contains(&format!("orders (1): {ticked}")), "{text}");
    for other in [&cards[0], &cards[2]] {
        let id = other.split(" · ").next().unwrap();
        assert!(!text.contains(id), "{id} is not about this:\n{text}");
    }
    click(&mut h, "Copy the message");
    let prepared = of_kind(&rig, "remedy_message_prepared");
    assert_eq!(prepared[0]["data"]["orders"], serde_json::json!([ticked]));
    assert!(prepared[0]["data"]["batch"].is_string());
}

/// A journal edited by hand to hold a whole code where its masked form
/// belongs: every screen that shows an order rebuilds the last four.
#[test]
fn a_forged_masked_code_is_shown_by_its_last_four_only() {
    use cardguard::core::clock::ManualClock;
    use cardguard::core::event::{Event, ReleaseMode};
    use cardguard::core::ids::OrderId;
    use cardguard::core::money::Fen;
    use cardguard::core::session::{Paths, Session};
    let rig = Rig::new();
    {
        let clock = ManualClock::fixed();
        let mut s = Session::open(Paths::in_one_dir(rig.dir.path()), clock.clone()).unwrap();
        let id = OrderId::new("CG-20261127-0900");
        let now = s.now();
        for e in [
            Event::ReviewShown {
                channel: "duidui".into(),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_000),
                masked: "QW23ER45TY67UP9Z".into(),
                fingerprint: "f".into(),
                cancel_window_ms: 0,
                release_mode: ReleaseMode::Simulated,
                batch: None,
            },
            Event::Confirmed {
                hold_s: 0,
                hold_until: now,
            },
            Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: None,
                verify_at: None,
                clipboard_until: None,
            },
        ] {
            s.record(Some(&id), e).unwrap();
        }
    }
    let mut h = rig.open(Lang::En);
    to_orders(&mut h);
    assert_has(&h, "•••• •••• •••• UP9Z");
    assert!(!has(&h, "QW23ER45"), "{}", screen_text(&h));
    click_starting(&mut h, "Something went wrong");
    assert!(!has(&h, "QW23ER45"), "{}", screen_text(&h));
}

/// The whole label starting with `prefix`, if one is on screen.
fn text_of(h: &egui_kittest::Harness<'static, cardguard::ui::App>, prefix: &str) -> Option<String> {
    has(h, prefix).then(|| text_starting(h, prefix))
}
