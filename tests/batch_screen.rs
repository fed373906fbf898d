//! The batch screen: import (UTF-8, UTF-8 with BOM, GBK), fix and drop
//! rows, totals; bad files change nothing.

mod common;
use cardguard::i18n::Lang;
use common::*;
use egui_kittest::kittest::Queryable;

fn import_file(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, path: &std::path::Path) {
    type_path(h, path);
    click_then_settle_import(h, "Import file");
}

#[test]
fn import_fix_drop_and_totals() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    let (gbk, _, _) = encoding_rs::GBK.encode("卡密,面值\nABCD-1234-EFGH-5678,100\nSHORT1,50\nABCD1234EFGH5678,100\nWXYZ4321ABCD5679,75\n");
    let file = rig.dir.path().join("gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    import_file(&mut h, &file);
    assert_totals(&h, "4 rows: 1 ok, 1 warning, 2 errors");
    assert_has(&h, "6 characters: a card code has 16.");
    assert_has(&h, "Same code as row 2 of this batch.");
    assert_has(&h, "Fix or drop the rows with errors.");
    // Fix row 3 in place, drop row 4.
    click(&mut h, "Fix 3");
    // Select what is in the field and type over it.
    h.get_by_label("Corrected card code").focus();
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.run();
    h.get_by_label("Corrected card code")
        .type_text("QQQQ1111RRRR2222");
    h.run();
    click(&mut h, "Apply");
    assert_totals(&h, "4 rows: 2 ok, 1 warning, 1 error");
    click(&mut h, "Drop 4");
    assert_totals(
        &h,
        "3 rows: 2 ok, 1 warning, 0 errors · face value ¥225.00 · payout ¥207.00",
    );
    let totals = batch_totals(&h);
    assert_has(&h, "Review and release 3 cards (¥225.00)");

    // A bad file changes nothing.
    let bad = rig.dir.path().join("bad.bin");
    std::fs::write(&bad, b"\x00\x01PK\x03\x04").unwrap();
    import_file(&mut h, &bad);
    assert_has(
        &h,
        &format!("{} is not a text file (CSV/TSV expected).", bad.display()),
    );
    assert_eq!(batch_totals(&h), totals, "the batch is unchanged");
}

#[test]
fn a_long_paste_of_rows_is_accepted_on_the_batch_screen() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    let mut rows = String::new();
    for i in 0..400 {
        rows += &format!("ABCD1234EFGH{i:04},100\n");
    }
    assert!(rows.len() > 4_096);
    h.get_by_label("Or paste rows:").focus();
    h.run();
    h.event(eframe::egui::Event::Paste(rows));
    h.run();
    click(&mut h, "Check pasted rows");
    assert_totals(
        &h,
        "400 rows: 400 ok, 0 warnings, 0 errors · face value ¥40000.00",
    );
}

#[test]
fn pasted_rows_with_a_bom_and_tabs() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    h.get_by_label("Or paste rows:").focus();
    h.run();
    h.event(eframe::egui::Event::Paste(
        "\u{FEFF}card\tface value\nabcd1234efgh5678\t100\n".into(),
    ));
    h.run();
    click(&mut h, "Check pasted rows");
    // One of each is said in the singular ("1 rows", "1 cards" before).
    assert_totals(&h, "1 row: 1 ok, 0 warnings, 0 errors · face value ¥100.00");
    assert_has(&h, "Review and release 1 card (¥100.00)…");
}

#[test]
fn bad_files_give_a_clear_message_and_change_nothing() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    import_batch(&mut h, &rig, "good.csv", &batch_csv(2, 100));
    assert_totals(
        &h,
        "2 rows: 2 ok, 0 warnings, 0 errors · face value ¥200.00",
    );
    let totals = batch_totals(&h);
    let imported = rig
        .kinds()
        .iter()
        .filter(|k| *k == "batch_imported")
        .count();
    let huge = rig.dir.path().join("huge.csv");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    // Each message names the file; `{file}` stands for its path.
    let cases: [(&str, Option<&[u8]>, &str); 5] = [
        ("empty.csv", Some(b""), "{file} holds no rows."),
        (
            "zip.csv",
            Some(b"PK\x03\x04\x00\x00binary"),
            "{file} is not a text file (CSV/TSV expected).",
        ),
        (
            "latin.csv",
            Some(&[0xFF, 0x80, 0x80, 0xFF, 0x30]),
            "{file} is neither UTF-8, UTF-16 nor GBK/GB18030 text.",
        ),
        (
            "huge.csv",
            None,
            "{file} is too large for a batch (over 20 MB).",
        ),
        ("absent.csv", None, "Cannot read {file}: "),
    ];
    for (name, bytes, message) in cases {
        let path = rig.dir.path().join(name);
        if let Some(b) = bytes {
            std::fs::write(&path, b).unwrap();
        }
        // Close what the last file said, so this file's message is the one seen.
        dismiss_notices(&mut h);
        type_path(&mut h, &path);
        click_then_settle_import(&mut h, "Import file");
        assert_eq!(notice_count(&h), 1, "{name}: {}", screen_text(&h));
        assert_has(&h, &message.replace("{file}", &path.display().to_string()));
        assert_eq!(batch_totals(&h), totals, "{name}: the batch is unchanged");
    }
    // A folder is not a file.
    dismiss_notices(&mut h);
    type_path(&mut h, rig.dir.path());
    click_then_settle_import(&mut h, "Import file");
    assert_eq!(notice_count(&h), 1, "{}", screen_text(&h));
    assert_has(
        &h,
        &format!("{} is a folder, not a file.", rig.dir.path().display()),
    );
    assert_eq!(batch_totals(&h), totals, "the batch is unchanged");
    let after = rig
        .kinds()
        .iter()
        .filter(|k| *k == "batch_imported")
        .count();
    assert_eq!(after, imported, "nothing was imported");
}

#[test]
fn the_file_browser_lists_batch_files_and_imports_the_chosen_one() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    let folder = rig.dir.path().join("exports-from-excel");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("cards.csv"), batch_csv(3, 100)).unwrap();
    std::fs::write(folder.join("photo.png"), b"not a batch").unwrap();
    // Start in the rig's folder: the path field names a file there.
    type_path(&mut h, &rig.dir.path().join("x.csv"));
    click(&mut h, "Browse…");
    click(&mut h, "exports-from-excel/");
    assert!(!has(&h, "photo.png"), "only CSV/TSV/TXT by default");
    click(&mut h, "Show all files");
    assert_has(&h, "photo.png");
    click_then_settle_import(&mut h, "cards.csv");
    assert_totals(
        &h,
        "3 rows: 3 ok, 0 warnings, 0 errors · face value ¥300.00",
    );
    assert!(!has(&h, "photo.png"), "the browser closed");
}

#[test]
fn utf8_files_with_and_without_a_bom() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    import_batch(
        &mut h,
        &rig,
        "plain.csv",
        "卡密;面值\nABCD-1234-EFGH-5678;100\n".as_bytes(),
    );
    assert_totals(&h, "1 row: 1 ok, 0 warnings, 0 errors · face value ¥100.00");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        "card,face value\r\nabcd 1234 efgh 5679,50\r\nWXYZ4321ABCD5678,100\r\n".as_bytes(),
    );
    import_batch(&mut h, &rig, "bom.csv", &bom);
    assert_totals(
        &h,
        "2 rows: 2 ok, 0 warnings, 0 errors · face value ¥150.00",
    );
    let journal = rig.journal();
    assert!(
        journal.contains(r#""encoding":"utf8bom""#) && journal.contains(r#""encoding":"utf8""#)
    );
}

/// A folder that cannot be listed (gone since the browser showed it) is
/// said in the person's language, not in the system's English.
#[test]
fn an_unreadable_folder_in_the_browser_is_said_in_chinese() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::Zh);
    click(&mut h, "批量");
    let outside = tempfile::tempdir().unwrap();
    let folder = outside.path().join("gone");
    std::fs::create_dir_all(&folder).unwrap();
    type_path(&mut h, &outside.path().join("x.csv"));
    click(&mut h, "浏览…");
    std::fs::remove_dir(&folder).unwrap();
    click(&mut h, "gone/");
    let said = text_starting(&h, "无法读取此文件夹：");
    assert_eq!(said, "无法读取此文件夹：找不到（系统错误 2）");
}

/// A folder of 20 000 files lists only the rows in view, and a name with a
/// newline in it stays one row.
#[test]
fn a_huge_folder_lays_out_only_the_rows_in_view() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    let outside = tempfile::tempdir().unwrap();
    let big = outside.path().join("big");
    std::fs::create_dir(&big).unwrap();
    for i in 0..20_000 {
        std::fs::File::create(big.join(format!("cards-{i:05}.csv"))).unwrap();
    }
    std::fs::File::create(big.join("a\nb.csv")).unwrap();
    type_path(&mut h, &outside.path().join("x.csv"));
    click(&mut h, "Browse…");
    click(&mut h, "big/");
    let rows = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("cards-")))
        .count();
    assert!(rows > 3 && rows < 100, "{rows} rows laid out");
    assert!(has(&h, "a\\nb.csv"), "{}", screen_text(&h));
}
