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

/// The height of the one control named `name` (its laid-out rectangle).
fn height(h: &egui_kittest::Harness<'static, cardguard::ui::App>, name: &str) -> f64 {
    use egui_kittest::kittest::{NodeT, Queryable};
    let node = h.get_by_label(name);
    let r = node.accesskit_node().bounding_box().expect("laid out");
    r.y1 - r.y0
}

/// Primary actions are comfortable to hit: at least 32 px high.
#[test]
fn primary_actions_are_at_least_32_px_high() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let mut low = Vec::new();
    let mut measure = |h: &egui_kittest::Harness<'static, cardguard::ui::App>, name: &str| {
        let px = height(h, name);
        if px < 32.0 {
            low.push(format!("{name}: {px:.0} px"));
        }
    };
    enter_small_order(&mut h);
    measure(&h, "Review →");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    measure(&h, "Confirm — 10 s to undo");
    measure(&h, "← Back to edit");
    click(&mut h, "Confirm — 10 s to undo");
    measure(&h, "Undo");
    tick(&mut h, &rig, 10_000);
    measure(&h, "Cancel this order");
    click(&mut h, "Settings");
    measure(&h, "Save");
    click(&mut h, "Batch");
    measure(&h, "Import file");
    assert!(low.is_empty(), "{low:?}");
}

/// `--screen` opens a window on a chosen screen (the gallery's captures);
/// a step that needs work in progress is not a place to open on.
#[test]
fn a_window_can_open_on_a_chosen_screen() {
    use cardguard::ui::Screen;
    let rig = Rig::new();
    for screen in [
        Screen::Orders,
        Screen::Batch,
        Screen::Journal,
        Screen::Settings,
    ] {
        let h = rig.open_with(Lang::En, move |app| app.start_on(screen));
        assert_eq!(h.state().screen(), screen);
    }
    let h = rig.open_with(Lang::En, |app| app.start_on(Screen::Hold));
    assert_eq!(h.state().screen(), Screen::Entry);
}

/// The journal list: one line per event in aligned columns. A row with a
/// screenshot, one without an order and one with a very long summary all
/// start their summary at the same place; the thumbnail fits in its row;
/// the long summary ends at the window's edge (whole for a screen reader).
#[cfg(unix)]
#[test]
fn the_journal_list_is_one_aligned_line_per_event() {
    use cardguard::core::event::Event;
    use cardguard::core::screenshot::ShotStep;
    use egui_kittest::kittest::{NodeT, Queryable};
    let rig = Rig::new();
    let dir = rig.dir.path();
    let long_version = format!("9.{}", "9".repeat(300));
    {
        let (mut s, at) = rig.session();
        let px = vec![200u8; 4 * 160 * 100];
        let order = cardguard::core::ids::OrderId::new("CG-20261130-0001");
        let shot = cardguard::core::screenshot::save(
            dir,
            &px,
            160,
            100,
            at,
            Some(&order),
            ShotStep::Review,
        )
        .unwrap();
        s.record(
            Some(&order),
            Event::ScreenshotTaken {
                path: shot.path.clone(),
                width: 160,
                height: 100,
                sha256: shot.sha256.clone(),
                step: "review".into(),
                batch: None,
            },
        )
        .unwrap();
        s.record(
            None,
            Event::AppStarted {
                version: long_version.clone(),
            },
        )
        .unwrap();
    }
    let mut h = rig.open(Lang::En);
    h.get_by_label("Journal").click();
    for _ in 0..2_000 {
        if has(&h, "View full size") {
            break;
        }
        h.step();
    }
    let bounds = |label: &str| {
        h.query_all_by_label(label)
            .next()
            .expect(label)
            .accesskit_node()
            .bounding_box()
            .expect("laid out")
    };
    let shot_row = bounds("Screenshot (review), 160×100");
    let long = format!("cardguard {long_version} started");
    let long_row = bounds(&long);
    let plain_row = bounds("cardguard 0.1.0 started");
    assert_eq!(shot_row.x0, long_row.x0, "summaries line up");
    assert_eq!(shot_row.x0, plain_row.x0, "summaries line up");
    assert!(
        long_row.x1 <= 1000.0,
        "a long summary is cut at the window: {long_row:?}"
    );
    assert!(long_row.y1 - long_row.y0 < 40.0, "one line: {long_row:?}");
    let image = h
        .query_all_by(|n| n.role() == eframe::egui::accesskit::Role::Image)
        .next()
        .expect("the thumbnail")
        .accesskit_node()
        .bounding_box()
        .unwrap();
    assert!(image.y1 - image.y0 <= 36.0, "{image:?}");
    let row_mid = (shot_row.y0 + shot_row.y1) / 2.0;
    assert!(
        image.y0 <= row_mid && row_mid <= image.y1,
        "{image:?} in {shot_row:?}"
    );
}
