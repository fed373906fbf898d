//! Releasing a batch in the real window: thresholds need a journaled
//! acknowledgement, the guard confirms the batch (typing its total when the
//! risk is high), the hold allows undo, orders go out one per second with
//! the clock advanced, pause/resume and the test card, cancel-all reports
//! each fee, results export as CSV with a BOM and masked codes only.

mod common;
use cardguard::i18n::Lang;
use common::*;
use egui_kittest::kittest::Queryable;

fn kinds_count(rig: &Rig, kind: &str) -> usize {
    rig.kinds().iter().filter(|k| *k == kind).count()
}

fn open_batch(rig: &Rig, channel: &str) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", channel);
    h
}

#[test]
fn crossing_the_batch_limit_needs_an_acknowledgement_that_is_journaled() {
    let rig = Rig::new();
    let mut h = open_batch(&rig, "Suhuishou (third party)");
    import_batch(&mut h, &rig, "big.csv", &batch_csv(11, 500));
    assert_has(
        &h,
        "This batch totals ¥5500.00, above the batch limit of ¥5000.00.",
    );
    assert_has(&h, "Acknowledge each threshold above before releasing.");
    assert!(!has(&h, "Review and release"));
    assert_eq!(kinds_count(&rig, "limit_acknowledged"), 0);
    click_starting(&mut h, "I know, and I want to go on");
    assert_eq!(kinds_count(&rig, "limit_acknowledged"), 1);
    let line = rig
        .journal()
        .lines()
        .find(|l| l.contains("limit_acknowledged"))
        .unwrap()
        .to_owned();
    assert!(line.contains(r#""amount_fen":550000"#) && line.contains(r#""limit_fen":500000"#));
    assert_has(&h, "Review and release 11 cards (¥5500.00)");

    // Growing the batch afterwards (fixing a row to a larger value) asks again.
    click(&mut h, "Fix 2");
    h.get_by_label("Corrected face value").focus();
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.get_by_label("Corrected face value").type_text("1000");
    h.run();
    click(&mut h, "Apply");
    assert_has(&h, "This batch totals ¥6000.00");
    assert!(!has(&h, "Review and release"));
}

#[test]
fn release_with_the_clock_advanced_then_cancel_all_and_export() {
    let rig = Rig::new();
    let mut h = open_batch(&rig, "Suhuishou (third party)");
    import_batch(&mut h, &rig, "three.csv", &batch_csv(3, 100));
    assert_has(&h, "First batch on this channel");
    // The test card is suggested; this operator releases all at once.
    click_starting(&mut h, "Release the smallest card (¥100.00) first");
    click_starting(&mut h, "Review and release 3 cards (¥300.00)");
    assert_has(&h, "Review the batch");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Release 3 cards");
    assert_has(&h, "Held on this device: nothing has been sent.");
    assert_eq!(kinds_count(&rig, "batch_confirmed"), 1);
    tick(&mut h, &rig, 9_000);
    assert_eq!(
        kinds_count(&rig, "released"),
        0,
        "nothing leaves in the hold"
    );
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "1 of 3 released");
    tick(&mut h, &rig, 1_000);
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "All 3 cards released.");
    assert_eq!(kinds_count(&rig, "released"), 3);
    assert_eq!(kinds_count(&rig, "batch_finished"), 1);
    // Per-order countdowns: Suhuishou's 6 min (cancel only while unverified)
    // minus the 2 s since the first release.
    assert_shows(&h, "05:58");

    click(&mut h, "Cancel all still cancellable (3, fees ¥15.00)");
    assert_eq!(kinds_count(&rig, "cancelled"), 3);
    assert_has(&h, "Total cancel fees: ¥15.00");
    assert_has(&h, "cancelled, fee ¥5.00");
    let summary = rig
        .journal()
        .lines()
        .find(|l| l.contains("batch_cancel_all"))
        .unwrap()
        .to_owned();
    assert!(summary.contains(r#""cancelled":3"#) && summary.contains(r#""fees_fen":1500"#));

    click(&mut h, "Export results (CSV)");
    let exports = rig.dir.path().join("exports");
    let csv_path = std::fs::read_dir(&exports)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .expect("results written");
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("Row,Order,Card code (masked),Face value (yuan),State"));
    assert!(lines[1].contains("•••• •••• •••• 9999") && lines[1].contains("Cancelled"));
    assert!(lines[1].contains(",100.00,") && lines[1].contains(",5.00,"));
    // The batch's evidence: one bundle with its events and all its orders.
    click(&mut h, "Export batch evidence");
    let said = text_starting(&h, "Evidence exported to ");
    let bundle = std::path::PathBuf::from(said.strip_prefix("Evidence exported to ").unwrap());
    assert_eq!(bundle.parent(), Some(exports.as_path()), "{said}");
    let intact = cardguard::core::evidence::verify_bundle(&bundle).expect("bundle verifies");
    let segment = std::fs::read_to_string(bundle.join("entries.jsonl")).unwrap();
    assert_eq!(segment.matches(r#""kind":"released""#).count(), 3);
    assert!(segment.contains("batch_imported") && segment.contains("batch_cancel_all"));
    assert_eq!(intact.events as usize, segment.lines().count());
    // The batch's id, as its heading and the journal say it.
    let confirmed: Vec<serde_json::Value> = rig
        .events()
        .into_iter()
        .filter(|e| e["kind"] == "batch_confirmed")
        .collect();
    assert_eq!(confirmed.len(), 1);
    let batch_id = confirmed[0]["data"]["batch"].as_str().unwrap().to_owned();
    assert_shows(&h, &format!("Batch {batch_id} on Suhuishou (third party)"));
    let out_dir = rig.dir.path().join("cli-bundle");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["journal", "export", "--batch", &batch_id, "--out"])
        .arg(&out_dir)
        .arg("--data-dir")
        .arg(rig.dir.path())
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(cardguard::core::evidence::verify_bundle(&out_dir).is_ok());

    // The journal tab tells the batch in plain words.
    click(&mut h, "Journal");
    assert_has(
        &h,
        "confirmed: 3 cards, ¥300.00, held on this device for 10 s",
    );
    // The order filter finds a batch's own events by its id too.
    let started = format!("cardguard {} started", env!("CARGO_PKG_VERSION"));
    assert_has(&h, &started);
    type_into(&mut h, "Order", &batch_id);
    assert_has(&h, &format!("Batch {batch_id} imported from three.csv"));
    assert!(!has(&h, &started), "events of no batch are filtered out");
    assert_has(&h, "cancel all — 3 cancelled");
    for i in 0..3 {
        let secret = format!("BTCH{i:04}ZZZZ");
        assert!(!text.contains(&secret) && !rig.journal().contains(&secret));
    }
}

#[test]
fn test_card_first_then_pause_and_resume() {
    let rig = Rig::new();
    let mut h = open_batch(&rig, "Kaquanmao (third party)");
    let mut csv = batch_csv(4, 100);
    csv.extend_from_slice(b"SMAL1111CARD2222,50\n");
    import_batch(&mut h, &rig, "five.csv", &csv);
    click_starting(&mut h, "Review and release 5 cards (¥450.00)");
    // Five cards and a first use: medium risk, a longer dwell.
    tick(&mut h, &rig, 2_000);
    click(&mut h, "Release 5 cards");
    tick(&mut h, &rig, 10_000);
    assert_has(&h, "The test card was released.");
    assert_has(&h, "1 of 5 released");
    let first: serde_json::Value = rig
        .journal()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["kind"] == "review_shown" && v["data"]["batch"].is_string())
        .unwrap();
    assert_eq!(
        first["data"]["face_value_fen"], 5000,
        "the smallest card goes first"
    );
    tick(&mut h, &rig, 5_000);
    assert_has(&h, "1 of 5 released");
    // Resuming releases the next card at once, then one per second.
    click(&mut h, "Resume");
    assert_has(&h, "2 of 5 released");
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "3 of 5 released");
    click(&mut h, "Pause");
    assert_has(&h, "Paused by you; 2 cards wait.");
    tick(&mut h, &rig, 5_000);
    assert_has(&h, "3 of 5 released");
    click(&mut h, "Resume");
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "All 5 cards released.");
    let kinds = rig.kinds();
    assert_eq!(kinds.iter().filter(|k| *k == "batch_paused").count(), 2);
    assert_eq!(kinds.iter().filter(|k| *k == "batch_resumed").count(), 2);
}

#[test]
fn undo_inside_the_batch_hold_sends_nothing() {
    let rig = Rig::new();
    let mut h = open_batch(&rig, "Kaquanmao (third party)");
    import_batch(&mut h, &rig, "two.csv", &batch_csv(2, 100));
    click_starting(&mut h, "Review and release 2 cards");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Release 2 cards");
    tick(&mut h, &rig, 3_000);
    click(&mut h, "Undo the whole batch");
    tick(&mut h, &rig, 20_000);
    assert_has(&h, "Undone: nothing was sent.");
    assert_eq!(kinds_count(&rig, "released"), 0);
    assert_eq!(kinds_count(&rig, "batch_undone"), 1);
    click(&mut h, "New batch");
    assert_has(&h, "Or paste rows:");
}

#[test]
fn a_high_risk_batch_asks_to_type_its_total() {
    let rig = Rig::new();
    // Duidui: no cancel window. ¥8000 over 40 cards, first use.
    let mut h = open_batch(&rig, "Duidui (third party)");
    import_batch(&mut h, &rig, "risky.csv", &batch_csv(40, 200));
    click_starting(&mut h, "I know, and I want to go on");
    click_starting(&mut h, "Review and release 40 cards (¥8000.00)");
    assert_has(&h, "This channel cannot cancel");
    assert_has(&h, "Releasing 40 orders at once.");
    assert_has(&h, "Type the batch's total face value in yuan to confirm:");
    tick(&mut h, &rig, 5_000);
    click_starting(&mut h, "Release (type the total first)");
    assert_eq!(kinds_count(&rig, "batch_confirmed"), 0);
    assert!(kinds_count(&rig, "confirm_swallowed") >= 1);
    type_into(
        &mut h,
        "Type the batch's total face value in yuan to confirm:",
        "7000",
    );
    tick(&mut h, &rig, 1_000);
    // A wrong total keeps the button unarmed: a click is swallowed, not confirmed.
    let swallowed = kinds_count(&rig, "confirm_swallowed");
    click(&mut h, "Release (type the total first)");
    assert_eq!(kinds_count(&rig, "batch_confirmed"), 0);
    assert_eq!(kinds_count(&rig, "confirm_swallowed"), swallowed + 1);
    retype_into(
        &mut h,
        "Type the batch's total face value in yuan to confirm:",
        "8000",
    );
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Release 40 cards");
    assert_eq!(kinds_count(&rig, "batch_confirmed"), 1);
    assert!(kinds_count(&rig, "confirm_swallowed") >= 1);
}

#[test]
fn a_long_order_history_is_paged() {
    use cardguard::core::batch::{import, run::BatchRun};
    use cardguard::core::session::{Paths, Session};
    let rig = Rig::new();
    {
        let mut s = Session::open(Paths::in_one_dir(rig.dir.path()), rig.clock.clone()).unwrap();
        let mut b = import(&batch_csv(60, 100)).unwrap();
        let p = s.profile(&"kaquanmao".into()).unwrap().clone();
        b.validate(&p, s.fingerprint_key(), s.ledger());
        let mut run =
            BatchRun::confirm(&mut s, &"B-long".into(), &"kaquanmao".into(), &b, false).unwrap();
        rig.advance_ms(10_000);
        for _ in 0..60 {
            run.advance(&mut s).unwrap();
            rig.advance_ms(1_000);
        }
        assert_eq!(run.released(), 60);
    }
    // With orders released, the app opens on the orders screen.
    let mut h = rig.open(Lang::En);
    assert_has(&h, "Showing 50 of 60 orders");
    // At the bottom of a long page: scroll to it as a person would.
    h.get_by_label("Show 10 more").scroll_to_me();
    h.run();
    click(&mut h, "Show 10 more");
    assert!(!has(&h, "Showing 50 of 60"));
    assert_has(&h, "•••• •••• •••• 9940");
}

#[test]
fn the_batch_flow_in_chinese() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::Zh);
    click(&mut h, "批量");
    choose_channel_in(&mut h, "京东自营（App）", "卡券猫（第三方）");
    let (gbk, _, _) =
        encoding_rs::GBK.encode("卡密,面值\nAAAA1111BBBB0001,100\nAAAA1111BBBB0002,50\n");
    let file = rig.dir.path().join("批量.csv");
    std::fs::write(&file, &gbk).unwrap();
    type_path(&mut h, &file);
    click_then_settle_import(&mut h, "导入文件");
    assert_has(&h, "这是该渠道的第一个批次");
    click_starting(&mut h, "核对并放行 2 张卡");
    assert_has(&h, "核对批次");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "放行 2 张卡");
    assert_has(&h, "已在本机暂存，尚未发送任何卡密");
    tick(&mut h, &rig, 10_000);
    assert_has(&h, "测试卡已放行");
    click(&mut h, "继续");
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "2 张卡已全部放行");
    click_starting(&mut h, "取消所有仍可取消的订单");
    assert_has(&h, "取消费用合计：¥15.00");
}
