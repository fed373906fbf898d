//! Demo mode: its own folder, a persistent banner, sample cards, faster
//! time, and a reset that wipes only demo data.

mod common;
use cardguard::core::clock::{ManualClock, ScaledClock, SharedClock};
use cardguard::core::session::Paths;
use cardguard::i18n::Lang;
use cardguard::ui::{App, AppConfig, Screen};
use common::*;
use std::sync::Arc;

fn open_demo(rig: &Rig, demo: Arc<ScaledClock>) -> egui_kittest::Harness<'static, App> {
    let clock: SharedClock = demo.clone();
    let config = AppConfig {
        paths: Some(Paths::in_one_dir(&rig.dir.path().join("demo"))),
        clock,
        lang: Some(Lang::En),
        clipboard: Box::new(rig.clipboard.clone()),
        screenshot_to: None,
        started: None,
        demo: Some(demo),
    };
    let mut h = egui_kittest::Harness::builder()
        .with_size([1000.0, 1100.0])
        .build_eframe(move |cc| App::new(cc, config));
    h.run();
    h
}

#[test]
fn demo_time_runs_faster_and_reset_wipes_only_demo_data() {
    let rig = Rig::new();
    let real_journal = rig.dir.path().join("journal.jsonl");
    std::fs::write(&real_journal, "not touched by the demo\n").unwrap();
    let base = ManualClock::fixed();
    let demo = ScaledClock::new(base.clone());
    let mut h = open_demo(&rig, demo.clone());
    assert_shows(&h, " DEMO ");
    choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    click(&mut h, "Fill a sample card");
    assert_has(&h, "Code complete: 16 characters.");
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    base.advance_ms(1_000);
    h.step();
    h.run();
    click(&mut h, "Confirm — 10 s to undo");
    base.advance_ms(10_000);
    h.step();
    h.run();
    assert_shows(&h, "08:00");
    // ×60: eight demo minutes pass in eight real seconds.
    click(&mut h, "×60");
    base.advance_ms(8_000);
    h.step();
    h.run();
    assert_shows(&h, "Verifying");
    assert!(rig.dir.path().join("demo/journal.jsonl").exists());

    click(&mut h, "Reset demo data");
    assert_has(&h, "Demo data reset");
    assert_eq!(h.state().screen(), Screen::Entry);
    assert!(h.state().session().unwrap().ledger().orders().is_empty());
    assert_eq!(
        std::fs::read_to_string(&real_journal).unwrap(),
        "not touched by the demo\n"
    );
}

#[test]
fn the_walkthrough_plays_in_the_window_with_captions() {
    let rig = Rig::new();
    let base = ManualClock::fixed();
    let demo = ScaledClock::new(base.clone());
    let mut h = open_demo(&rig, demo.clone());
    click(&mut h, "▶ Play walkthrough");
    assert_has(&h, "Walkthrough · step 1 of 18");
    assert_has(&h, "This is demo mode: its own data folder");
    let mut seen_reflex_caption = false;
    let mut seen_why = false;
    let mut seen_remedy = false;
    for _ in 0..2_000 {
        base.advance_ms(100);
        // The player asks for a repaint whenever it acts: a few frames each time.
        h.run_steps(3);
        seen_reflex_caption |= has(&h, "Out of habit, Confirm is double-clicked");
        seen_why |= has(&h, "too fast to have read it") || has(&h, "second half of a double click");
        seen_remedy |= has(&h, "Ask the card issuer to freeze the card");
        if has(&h, "Walkthrough finished.") {
            break;
        }
    }
    assert_has(&h, "Walkthrough finished.");
    assert!(
        seen_reflex_caption && seen_why,
        "the reflex was shown being caught"
    );
    assert!(!has(&h, "The walkthrough stopped"), "{}", screen_text(&h));
    assert_has(&h, "evidence bundle intact");
    let journal =
        std::fs::read_to_string(rig.dir.path().join("demo").join("journal.jsonl")).unwrap();
    assert!(seen_remedy, "the remedy step was shown in the window");
    let kinds = [
        "confirm_swallowed",
        "undone",
        "cancelled",
        "window_closed",
        "remedy_opened",
        "remedy_path_chosen",
        "remedy_message_prepared",
    ];
    for kind in kinds {
        assert!(journal.contains(&format!("\"kind\":\"{kind}\"")), "{kind}");
    }
    // The sample cards are written DEMO-0000-0000-NNNN: look past separators and case.
    let flat = journal.to_uppercase().replace(['-', ' '], "");
    assert!(!flat.contains("DEMO0000"), "a sample card in the journal");
}
