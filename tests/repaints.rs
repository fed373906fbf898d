//! The app asks for a repaint only when something on screen changes:
//! none when idle, about one a second while a countdown shows seconds.

mod common;
use cardguard::i18n::Lang;
use common::*;
use eframe::egui;
use std::time::Duration;

fn requested_delay(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.repaint_delay)
        .unwrap_or(Duration::MAX)
}

/// Follows the app's own repaint requests for `span_ms` of simulated time;
/// returns how many frames it asked for.
fn frames_requested_over(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    rig: &Rig,
    span_ms: u64,
) -> u64 {
    let mut elapsed = 0u64;
    let mut frames = 0u64;
    loop {
        let d = requested_delay(h);
        if d == Duration::MAX || d.as_millis() as u64 + elapsed > span_ms {
            return frames;
        }
        let step = (d.as_millis() as u64).max(1);
        rig.advance_ms(step as i64);
        elapsed += step;
        h.step();
        frames += 1;
    }
}

#[test]
fn idle_entry_screen_requests_no_repaint() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    assert_eq!(requested_delay(&h), Duration::MAX);
    assert_eq!(frames_requested_over(&mut h, &rig, 60_000), 0);
}

#[test]
fn a_running_countdown_repaints_about_once_a_second() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    // Waiting for the confirm button to arm: ~1 repaint for its one second.
    let arming = frames_requested_over(&mut h, &rig, 2_000);
    assert!((1..=3).contains(&arming), "arming repaints: {arming}");
    click(&mut h, "Confirm — 10 s to undo");
    let hold = frames_requested_over(&mut h, &rig, 10_000);
    assert!((9..=12).contains(&hold), "hold repaints: {hold}");
    // Released; the 8-minute cancel window counts down.
    h.run();
    let window = frames_requested_over(&mut h, &rig, 60_000);
    assert!(
        (58..=62).contains(&window),
        "60 s of countdown took {window} repaints"
    );
    // After the window and the verification: settled, nothing moves any more.
    rig.advance_ms(3_600_000);
    h.step();
    h.run();
    assert_shows(&h, "Settled");
    assert_eq!(requested_delay(&h), Duration::MAX);
}
