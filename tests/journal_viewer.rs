//! The journal viewer in the real window: plain-language timeline, filters,
//! raw line, verify with its result, export from an order page, and a
//! 100 000-event journal that only lays out the visible rows.

mod common;
use cardguard::core::journal::{GENESIS, JOURNAL_FILE, render_line};
use cardguard::core::screenshot::ShotStep;
use cardguard::i18n::Lang;
use common::*;
use egui_kittest::kittest::Queryable;
use std::io::Write;

fn settle_until(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, text: &str) {
    // Verification runs on a worker thread; step until its answer shows.
    for _ in 0..2_000 {
        if has(h, text) {
            return;
        }
        h.step();
    }
    assert_has(h, text);
}

#[test]
fn timeline_filters_raw_line_verify_and_export() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    let [id] = rig.orders_of("released").try_into().unwrap();
    assert_has(&h, &id);
    click(&mut h, "Journal");
    assert_has(&h, "Card code entered: •••• •••• •••• 5678");
    assert_has(&h, "Face value set: ¥100.00");
    assert_has(&h, "Confirmed: held on this device for 10 s");
    assert_has(&h, "Released (simulated)");
    // Raw line on demand.
    click(&mut h, "Released (simulated)");
    assert_has(&h, "Raw journal line:");
    assert_has(&h, "\"kind\":\"released\"");
    // Filter by kind.
    h.get_by_value("All").click();
    h.run();
    click(&mut h, "Channel chosen");
    assert_has(&h, "Channel chosen: Kaquanmao (third party)");
    assert!(!has(&h, "Released (simulated)"));
    click(&mut h, "Clear filters");
    // The order's page, and its export.
    h.get_all_by_label(&id).next().unwrap().click();
    h.run();
    assert_has(&h, "Export evidence");
    click(&mut h, "Export evidence");
    let exports = rig.dir.path().join("exports");
    let bundle = std::fs::read_dir(&exports)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        text_starting(&h, "Evidence exported to "),
        format!("Evidence exported to {}", bundle.display())
    );
    assert!(bundle.join("manifest.json").exists());
    // Again in the same second (the clock stands still here): a second,
    // new folder, never the first one overwritten or refused.
    click(&mut h, "Export evidence");
    assert!(!has(&h, "not empty"), "{}", screen_text(&h));
    let mut bundles: Vec<_> = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    bundles.sort();
    assert_eq!(bundles.len(), 2, "{bundles:?}");
    assert!(bundles[1].ends_with("-2"), "{bundles:?}");
    // Verify, with its answer.
    h.get_by_label("Verify").click();
    h.run_ok();
    settle_until(&mut h, "Intact (");
    // Chinese, too.
    click(&mut h, "简体中文");
    assert_has(&h, "已发出（模拟）");
}

#[test]
fn a_broken_journal_is_named_in_the_viewer() {
    let rig = Rig::new();
    drop(rig.open(Lang::En));
    let path = rig.dir.path().join(JOURNAL_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"version\"", "\"versiom\"", 1)).unwrap();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Journal");
    h.get_by_label("Verify").click();
    h.run_ok();
    settle_until(&mut h, "Broken at line 1: a line was edited");
}

#[test]
fn a_hundred_thousand_events_lay_out_only_the_visible_rows() {
    let rig = Rig::new();
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let ts = chrono::DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(rig.dir.path().join(JOURNAL_FILE)).unwrap());
    let mut prev = GENESIS.to_owned();
    for seq in 1..=100_000u64 {
        let (line, hash) = render_line(
            seq,
            ts,
            tz,
            "app_started",
            None,
            &serde_json::json!({"version": "0.1.0"}),
            None,
            &prev,
        );
        out.write_all(line.as_bytes()).unwrap();
        prev = hash;
    }
    out.flush().unwrap();
    drop(out);
    let mut h = rig.open(Lang::En);
    click(&mut h, "Journal");
    // A window of the newest lines is loaded, never all of them.
    assert_has(
        &h,
        "10000 of 10000 loaded events (100001 lines in the journal)",
    );
    // Newest first: the last event is on screen before scrolling.
    assert_has(&h, "#100001 ");
    let rows = h
        .query_all_by(|n| {
            n.label()
                .is_some_and(|v| v.starts_with("cardguard 0.1.0 started"))
        })
        .count();
    assert!(rows > 5 && rows < 200, "laid out {rows} rows of 100002");
    // Scrolling keeps it that way; nothing is reloaded while the journal is unchanged.
    let over_list = h
        .query_all_by(|n| {
            n.label()
                .is_some_and(|v| v.starts_with("cardguard 0.1.0 started"))
        })
        .nth(3)
        .unwrap()
        .rect()
        .center();
    h.event(eframe::egui::Event::PointerMoved(over_list));
    h.run();
    for _ in 0..10 {
        h.event(eframe::egui::Event::MouseWheel {
            unit: eframe::egui::MouseWheelUnit::Page,
            delta: eframe::egui::vec2(0.0, -3.0),
            modifiers: Default::default(),
            phase: eframe::egui::TouchPhase::Move,
            source: eframe::egui::MouseWheelSource::Wheel,
        });
        h.run_steps(10);
    }
    let rows = h
        .query_all_by(|n| {
            n.label()
                .is_some_and(|v| v.starts_with("cardguard 0.1.0 started"))
        })
        .count();
    assert!(
        rows > 5 && rows < 200,
        "laid out {rows} rows after scrolling"
    );
    assert!(!has(&h, "#100001 "), "scrolled away from the newest events");
}

/// A journal longer than the viewer's window: older lines come on request,
/// and with a filter set, "Load older events" searches the lines before
/// the window for it (an order whose events are all old is found).
#[test]
fn older_events_load_on_request_and_a_filter_searches_them() {
    let rig = Rig::new();
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let ts = chrono::DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(rig.dir.path().join(JOURNAL_FILE)).unwrap());
    let mut prev = GENESIS.to_owned();
    for seq in 1..=25_000u64 {
        let (kind, order, data) = if seq <= 3 {
            (
                "face_value_set",
                Some("CG-OLD".into()),
                serde_json::json!({"face_value_fen": 10_000 * seq, "retyped": false}),
            )
        } else {
            ("app_started", None, serde_json::json!({"version": "0.1.0"}))
        };
        let (line, hash) = render_line(seq, ts, tz, kind, order.as_ref(), &data, None, &prev);
        out.write_all(line.as_bytes()).unwrap();
        prev = hash;
    }
    out.flush().unwrap();
    drop(out);
    let mut h = rig.open(Lang::En);
    click(&mut h, "Journal");
    // 25 000 lines, app_started, and the old draft discarded at start.
    assert_has(
        &h,
        "10000 of 10000 loaded events (25002 lines in the journal)",
    );
    type_into(&mut h, "Order", "CG-OLD");
    assert_has(&h, "1 of 10000 loaded events");
    load_older(&mut h);
    assert_has(&h, "4 of 10003 loaded events");
    assert_has(&h, "Face value set: ¥300.00");
    assert_has(&h, "#1 ");
    // Searched to the start: nothing more to load for this filter.
    assert!(!has(&h, "Load older events"));
    click(&mut h, "Clear filters");
    assert_has(&h, "10000 of 10000 loaded events");
    load_older(&mut h);
    assert_has(&h, "20000 of 20000 loaded events");
    load_older(&mut h);
    assert_has(&h, "25002 of 25002 events");
    assert!(!has(&h, "Load older events"));
}

/// Thumbnails follow the journal's rule for screenshot paths, off the UI
/// thread: a FIFO, a link or a path outside the screenshots folder shows
/// "[screenshot missing]" and the window never stalls; a real one shows.
#[cfg(unix)]
#[test]
fn hostile_screenshot_paths_never_stall_the_viewer() {
    use cardguard::core::event::Event;
    let rig = Rig::new();
    let dir = rig.dir.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.png"), b"x").unwrap();
    let sha = cardguard::core::journal::sha256_hex(b"x");
    {
        let (mut s, at) = rig.session();
        let px = vec![200u8; 4 * 8 * 4];
        let order = cardguard::core::ids::OrderId::new("CG-V");
        let real =
            cardguard::core::screenshot::save(dir, &px, 8, 4, at, Some(&order), ShotStep::Review)
                .unwrap();
        let fifo = "screenshots/2026-11/pipe.png";
        let c = std::ffi::CString::new(dir.join(fifo).to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let link = "screenshots/2026-11/link.png";
        std::os::unix::fs::symlink(outside.path().join("x.png"), dir.join(link)).unwrap();
        let absolute = outside.path().join("x.png").display().to_string();
        for (path, sha) in [
            (real.path.as_str(), real.sha256.as_str()),
            (fifo, sha.as_str()),
            (link, sha.as_str()),
            (absolute.as_str(), sha.as_str()),
        ] {
            s.record(
                Some(&order),
                Event::ScreenshotTaken {
                    path: path.into(),
                    width: 8,
                    height: 4,
                    sha256: sha.into(),
                    step: "ok".into(),
                    batch: None,
                },
            )
            .unwrap();
        }
    }
    let mut h = rig.open(Lang::En);
    // Thumbnails arrive from worker threads, each asking for a repaint:
    // step frame by frame rather than waiting for the UI to settle.
    h.get_by_label("Journal").click();
    h.step();
    let missing = |h: &egui_kittest::Harness<'static, cardguard::ui::App>| {
        h.query_all_by(|n| {
            n.role() == eframe::egui::accesskit::Role::Label
                && n.value().is_some_and(|v| v == "[screenshot missing]")
        })
        .count()
    };
    for _ in 0..2_000 {
        if missing(&h) == 3 && has(&h, "View full size") {
            break;
        }
        h.step();
    }
    assert_eq!(missing(&h), 3, "{}", screen_text(&h));
    // The real one is shown (its hover text names the full view).
    assert!(has(&h, "View full size"), "{}", screen_text(&h));
}
