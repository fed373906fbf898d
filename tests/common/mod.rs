//! Shared test rig: the real `App` in a kittest harness, on a temporary
//! data dir, with a manual clock and an in-memory clipboard.
#![allow(dead_code)]

use cardguard::core::clock::ManualClock;
use cardguard::core::session::Paths;
use cardguard::i18n::Lang;
use cardguard::ui::clipboard::MemoryClipboard;
use cardguard::ui::{App, AppConfig};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub clipboard: MemoryClipboard,
}

impl Rig {
    pub fn new() -> Self {
        // As cardguard makes its own folder (0700): a looser one is tightened
        // with a notice, which tests/hostile_data_dir.rs covers.
        let dir = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Self {
            dir,
            clock: ManualClock::fixed(),
            clipboard: MemoryClipboard::default(),
        }
    }

    pub fn open(&self, lang: Lang) -> Harness<'static, App> {
        let config = AppConfig {
            paths: Some(Paths::in_one_dir(self.dir.path())),
            clock: self.clock.clone(),
            lang: Some(lang),
            clipboard: Box::new(self.clipboard.clone()),
            screenshot_to: None,
            started: None,
            demo: None,
        };
        let mut h = Harness::builder()
            .with_size([1000.0, 1100.0])
            .build_eframe(move |cc| App::new(cc, config));
        h.run();
        h
    }

    pub fn advance_ms(&self, ms: i64) {
        self.clock.advance_ms(ms);
    }

    pub fn journal(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("journal.jsonl")).unwrap_or_default()
    }

    pub fn kinds(&self) -> Vec<String> {
        self.journal()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
}

/// Advances the clock and draws one frame (plus whatever settles).
pub fn tick(h: &mut Harness<'static, App>, rig: &Rig, ms: i64) {
    rig.advance_ms(ms);
    h.step();
    h.run();
}

pub fn click(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Whether any widget's label or text contains `text`.
pub fn has(h: &Harness<'static, App>, text: &str) -> bool {
    h.query_all_by(|n| {
        n.value().is_some_and(|v| v.contains(text)) || n.label().is_some_and(|l| l.contains(text))
    })
    .next()
    .is_some()
}

/// Every text on screen, for assertion messages.
pub fn screen_text(h: &Harness<'static, App>) -> String {
    h.query_all_by(|_| true)
        .filter_map(|n| {
            n.value()
                .or_else(|| n.accesskit_node().label())
                .map(|s| s.to_string())
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[track_caller]
pub fn assert_has(h: &Harness<'static, App>, text: &str) {
    assert!(
        has(h, text),
        "expected {text:?} on screen; screen shows: {}",
        screen_text(h)
    );
}

/// Picks a channel in whichever channel box is on screen.
pub fn choose_channel_in(h: &mut Harness<'static, App>, current: &str, wanted: &str) {
    choose_channel(h, current, wanted);
}

pub fn choose_channel(h: &mut Harness<'static, App>, current: &str, wanted: &str) {
    h.get_by_value(current).click();
    h.run();
    h.get_by_label(wanted).click();
    h.run();
}

/// Focuses the field labelled `label` and types `text` into it.
pub fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

pub fn type_code(h: &mut Harness<'static, App>, text: &str) {
    type_into(h, "2. Card code (16 characters)", text);
}

/// Settings → manual hand-off → Save, then back to a new order.
pub fn use_manual_hand_off(h: &mut Harness<'static, App>) {
    click(h, "Settings");
    click(h, "Manual hand-off (I submit on the real platform)");
    click(h, "Save");
    click(h, "New order");
}

/// From the entry screen with a complete draft: review, wait for the
/// confirm button to arm, confirm, and let the 10 s hold run out.
pub fn review_confirm_release(h: &mut Harness<'static, App>, rig: &Rig) {
    click(h, "Review →");
    tick(h, rig, 1_000);
    click(h, "Confirm, hold 10 s");
    tick(h, rig, 10_000);
}

/// The usual test order: Kaquanmao (8-min window, 10 % fee), a fixed code, ¥100.
pub fn enter_small_order(h: &mut Harness<'static, App>) {
    choose_channel(h, "JD self-operated (app)", "Kaquanmao (third party)");
    type_code(h, "ABCD1234EFGH5678");
    click(h, "¥100");
}

/// Clicks the one widget whose label starts with `prefix` (for labels that
/// carry amounts or an ellipsis).
pub fn click_starting(h: &mut Harness<'static, App>, prefix: &str) {
    let label: String = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with(prefix)))
        .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
        .next()
        .unwrap_or_else(|| {
            panic!(
                "no widget starts with {prefix:?}; screen: {}",
                screen_text(h)
            )
        });
    click(h, &label);
}

/// Writes a batch file into the rig's folder and imports it on the batch screen.
pub fn import_batch(h: &mut Harness<'static, App>, rig: &Rig, name: &str, bytes: &[u8]) {
    let file = rig.dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    h.state_mut().batch_view.path.clear();
    type_into(h, "File", &file.display().to_string());
    click_then_settle_import(h, "Import file");
}

/// Clicks a widget that starts reading a batch file, then waits for it.
/// (`click` would `run` to a fixed number of frames, and the worker's
/// wake-up can land at any of them.)
pub fn click_then_settle_import(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    settle_import(h);
}

/// A chosen file is read on a worker thread: draws frames until its result
/// is applied (bounded, so a read that never ends fails the test).
pub fn settle_import(h: &mut Harness<'static, App>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.state().batch_view.importing.is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "the batch file was never read"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
        h.step();
    }
    h.run();
}

/// `n` valid rows of `face` yuan each, as a CSV with an English header.
pub fn batch_csv(n: usize, face: u32) -> Vec<u8> {
    let mut s = String::from("card,face value\n");
    for i in 0..n {
        s += &format!("BTCH{i:04}ZZZZ{:04},{face}\n", 9999 - i);
    }
    s.into_bytes()
}

/// A real file-size limit on this whole process (as a full disk would
/// refuse writes); `libc::RLIM_INFINITY` lifts it. Only for test binaries
/// of their own: the limit applies to every thread.
pub fn limit_file_size(bytes: u64) {
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: plain syscalls on this process; SIGXFSZ ignored so the write
    // fails with EFBIG instead of killing the test.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
}

/// The screenshots the app asked the window for in the last frame.
pub fn screenshot_requests(h: &Harness<'static, App>) -> Vec<egui::ScreenshotCallback> {
    h.output()
        .viewport_output
        .values()
        .flat_map(|v| v.commands.iter())
        .filter_map(|c| match c {
            egui::ViewportCommand::Screenshot(cb) => Some(cb.clone()),
            _ => None,
        })
        .collect()
}
