//! Bad input anywhere gets a clear message, loses nothing and never panics.

mod common;
use cardguard::core::evidence::verify_bytes;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;
use eframe::egui;
use egui_kittest::kittest::{NodeT, Queryable};

const CODE_FIELD: &str = "2. Card code (16 characters)";

/// What the card code field holds, read as a person does: Show, read the
/// field, Hide again (masked, the field shows only dots).
fn code_value(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>) -> String {
    click(h, "Show");
    let value = h.get_by_label(CODE_FIELD).value().unwrap_or_default();
    click(h, "Hide");
    value
}

fn paste(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, text: &str) {
    h.get_by_label(CODE_FIELD).focus();
    h.run();
    h.event(egui::Event::Paste(text.to_owned()));
    h.run();
}

fn review_enabled(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> bool {
    !h.get_by_label("Review →").accesskit_node().is_disabled()
}

#[test]
fn a_pasted_megabyte_is_refused_and_the_field_kept() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    type_code(&mut h, "ABCD");
    paste(&mut h, &"X".repeat(1 << 20));
    assert_has(&h, "far too long for a card code");
    assert_eq!(code_value(&mut h), "ABCD");
}

#[test]
fn several_codes_point_to_batch_mode_and_keep_everything() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    paste(&mut h, "ABCD1234EFGH5678\nZZZZ1111YYYY2222");
    assert_has(&h, "This looks like 2 codes.");
    // A one-line field turns the line break into a space; no character is lost.
    assert_eq!(
        code_value(&mut h),
        "ABCD1234EFGH5678 ZZZZ1111YYYY2222",
        "nothing discarded"
    );
    click(&mut h, "¥100");
    assert!(!review_enabled(&h));
}

#[test]
fn stray_characters_are_named_with_their_position() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    paste(&mut h, "ABCD12#4");
    assert_has(
        &h,
        "Character 7 ('#' (U+0023)) cannot be part of a card code.",
    );
    assert_eq!(code_value(&mut h), "ABCD12#4", "the entry is kept as typed");
    clear_field(&mut h, CODE_FIELD);
    paste(&mut h, "AB\u{7}C");
    assert_has(&h, "Character 3 (U+0007) cannot be part of a card code.");
    clear_field(&mut h, CODE_FIELD);
    // No bundled font has emoji: the app draws a box (egui's default policy),
    // which kittest only allows when asked.
    h.ctx
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    paste(&mut h, "ABCD😀");
    assert_has(&h, "Character 5 ('😀' (U+1F600))");
}

#[test]
fn invisible_characters_are_stripped() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    paste(&mut h, "\u{FEFF}ABCD\u{200B}1234 EFGH\u{200D}5678");
    assert_has(&h, "Code complete: 16 characters.");
}

#[test]
fn empty_and_blank_fields_do_not_pass() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "¥100");
    assert!(!review_enabled(&h));
    assert_has(&h, "Complete the steps above to continue.");
    paste(&mut h, "   \u{200B} ");
    assert_has(&h, "The field holds only spaces or invisible characters.");
    // JD needs a verification code: a wrong one is named.
    paste(&mut h, "ABCD1234EFGH5678");
    let field = h.get_by_label("Verification code (6 digits)");
    field.focus();
    h.run();
    h.get_by_label("Verification code (6 digits)")
        .type_text("12a");
    h.run();
    // Masked, the message names the place, not the character (a card code
    // typed there by mistake must not show through); shown, both.
    assert_has(&h, "Character 3 is not a digit (press Show to see it).");
    assert!(!has(&h, "'a'"));
    assert!(!review_enabled(&h));
    click(&mut h, "Show");
    assert_has(&h, "Character 3 ('a' (U+0061)) is not a digit.");
}

#[test]
fn high_face_value_must_be_typed_twice() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    type_code(&mut h, "ABCD1234EFGH5678");
    click(&mut h, "¥1000");
    let label = "Above ¥500.00: type the face value again to confirm it";
    assert_has(&h, label);
    assert!(!review_enabled(&h));
    type_into(&mut h, label, "100");
    assert_has(
        &h,
        "You typed ¥100.00, which differs from the face value you chose.",
    );
    assert!(!review_enabled(&h));
    h.get_by_label(label).type_text("0");
    h.run();
    assert!(review_enabled(&h));
    let face = rig
        .events()
        .into_iter()
        .rfind(|e| e["kind"] == "face_value_set")
        .unwrap();
    assert_eq!(
        face["data"],
        serde_json::json!({"face_value_fen": 100_000, "retyped": true})
    );
    assert_has(&h, "consider a test with a card of ¥100.00 or less first");
}

#[test]
fn a_code_submitted_before_is_flagged_before_review() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    let [first] = rig.orders_of("released").try_into().unwrap();
    assert_has(&h, &first);
    drop(h);
    // Another session: the same code typed differently.
    let mut h = rig.open(Lang::En);
    click(&mut h, "New order");
    type_code(&mut h, "abcd-1234-efgh-5678");
    click(&mut h, "¥100");
    assert_has(
        &h,
        &format!("This code was already submitted on order {first}."),
    );
    assert!(!review_enabled(&h));
    click(&mut h, "I have checked: submit this code again anyway");
    assert!(review_enabled(&h));
    assert!(rig.journal().contains("\"already_released\":true"));
}

#[test]
fn a_malformed_profile_file_is_reported_and_left_untouched() {
    let rig = Rig::new();
    let file = rig.dir.path().join("channels.json");
    let bad = "{\n  \"channels\": [\n    { \"id\": oops }\n  ]\n}\n";
    std::fs::write(&file, bad).unwrap();
    let h = rig.open(Lang::En);
    assert_has(
        &h,
        &format!(
            "Channel profile file {} could not be used (line 3:",
            file.display()
        ),
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bad);
    assert_eq!(
        h.state().session().unwrap().profiles().len(),
        6,
        "built-ins in use"
    );
}

#[test]
fn a_damaged_settings_file_is_kept_aside() {
    let rig = Rig::new();
    std::fs::write(rig.dir.path().join("settings.json"), "{\"hold_s\": tru").unwrap();
    let h = rig.open(Lang::En);
    assert_has(
        &h,
        &format!(
            "The settings file {} was damaged (",
            rig.dir.path().join("settings.json").display()
        ),
    );
    assert_eq!(
        std::fs::read_to_string(rig.dir.path().join("settings.json.bak")).unwrap(),
        "{\"hold_s\": tru"
    );
    assert_eq!(h.state().session().unwrap().settings().hold_s, 10);
}

#[test]
fn an_unusable_data_dir_gives_a_message_not_a_panic() {
    let rig = Rig::new();
    let file = rig.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let config = cardguard::ui::AppConfig {
        paths: Some(cardguard::core::session::Paths::in_one_dir(
            &file.join("data"),
        )),
        clock: rig.clock.clone(),
        lang: Some(Lang::En),
        clipboard: Box::new(rig.clipboard.clone()),
        screenshot_to: None,
        started: None,
        demo: None,
    };
    let mut h = egui_kittest::Harness::builder()
        .with_size([900.0, 700.0])
        .build_eframe(move |cc| cardguard::ui::App::new(cc, config));
    h.run();
    assert_has(&h, "cardguard cannot start");
    assert_has(&h, "a-file is not a folder");
    click(&mut h, "简体中文");
    assert_has(&h, "卡密守护无法启动");
    assert_has(&h, "a-file 不是文件夹");
}

#[test]
fn a_second_instance_on_the_same_data_dir_is_refused() {
    let rig = Rig::new();
    let first = rig.open(Lang::En);
    let second = rig.open(Lang::En);
    assert_has(&second, "Another cardguard is already using");
    assert!(first.state().session().is_some());
    assert!(second.state().session().is_none());
}

#[test]
fn a_torn_last_line_is_repaired_and_the_repair_journaled() {
    let rig = Rig::new();
    drop(rig.open(Lang::En));
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(rig.dir.path().join("journal.jsonl"))
        .unwrap();
    f.write_all(b"{\"seq\":3,\"ts\":\"2026-11-2").unwrap();
    drop(f);
    let h = rig.open(Lang::En);
    assert_has(&h, "The journal's last line was incomplete");
    assert!(rig.kinds().contains(&"journal_repaired".to_owned()));
    assert!(verify_bytes(rig.journal().as_bytes()).is_ok());
    assert_eq!(h.state().screen(), Screen::Entry);
}

#[test]
fn look_alike_warnings_do_not_reveal_a_masked_code() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    type_code(&mut h, "WXYZ4321ABCD5678");
    assert_has(&h, "#8 (press Show to see it)");
    assert!(!has(&h, "'1'"), "masked warning names a character");
    assert_has(&h, "#16 '8' (not B)");
    click(&mut h, "Show");
    assert_has(&h, "#8 '1' (not I/L)");
}
