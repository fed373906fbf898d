//! Shared test rig: the real `App` in a kittest harness, on a temporary
//! data dir, with a manual clock and an in-memory clipboard.
#![allow(dead_code)]

use cardguard::core::clock::ManualClock;
use cardguard::core::session::Paths;
use cardguard::i18n::{Lang, Texts};
use cardguard::ui::clipboard::MemoryClipboard;
use cardguard::ui::{App, AppConfig};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;

/// The desktop in tests: no file manager, no restart, and no file dialog
/// of its own (so Browse… opens the window's list, never a real dialog on
/// a developer's desktop). tests/desktop_port.rs records what is asked.
pub struct NoDesktop;

impl cardguard::ui::app::DesktopPort for NoDesktop {
    fn open_folder(&self, _dir: &std::path::Path) -> std::io::Result<()> {
        Err(std::io::Error::other("no desktop in tests"))
    }
    fn relaunch(&self, _demo: bool) -> std::io::Result<()> {
        Err(std::io::Error::other("no desktop in tests"))
    }
}

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
        self.open_with(lang, |app| app)
    }

    /// The app with something changed before its first frame (a port).
    pub fn open_with(
        &self,
        lang: Lang,
        change: impl FnOnce(App) -> App + 'static,
    ) -> Harness<'static, App> {
        let config = AppConfig {
            paths: Some(Paths::in_one_dir(self.dir.path())),
            clock: self.clock.clone(),
            lang: Some(lang),
            clipboard: Box::new(self.clipboard.clone()),
            screenshot_to: None,
            started: None,
            demo: None,
        };
        // Screenshot thumbnails are decoded on workers, each asking for a
        // frame when done: settling may take more than egui's default 4.
        let mut h = Harness::builder()
            .with_size([1000.0, 1100.0])
            .with_max_steps(32)
            .build_eframe(move |cc| change(App::new(cc, config).with_desktop(Box::new(NoDesktop))));
        h.run();
        h
    }

    /// The rig's data dir opened without a window (to lay down a history
    /// before the app starts), with the rig's clock; and the local time now.
    pub fn session(
        &self,
    ) -> (
        cardguard::core::session::Session,
        chrono::DateTime<chrono::FixedOffset>,
    ) {
        use cardguard::core::clock::Clock;
        let s = cardguard::core::session::Session::open(
            Paths::in_one_dir(self.dir.path()),
            self.clock.clone(),
        )
        .unwrap();
        let now = self.clock.now();
        (s, now.with_timezone(&self.clock.offset_at(now)))
    }

    pub fn advance_ms(&self, ms: i64) {
        self.clock.advance_ms(ms);
    }

    pub fn journal(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("journal.jsonl")).unwrap_or_default()
    }

    pub fn kinds(&self) -> Vec<String> {
        self.events()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Every journal line, parsed.
    pub fn events(&self) -> Vec<serde_json::Value> {
        journal_events(self.dir.path())
    }

    /// The orders named by the journal's events of `kind`, in journal order.
    pub fn orders_of(&self, kind: &str) -> Vec<String> {
        orders_of(self.dir.path(), kind)
    }

    /// The journal without its digests (`hash`, `prev`, keyed fingerprints):
    /// 64 random hex digits can hold any short run of hex characters, so a
    /// search for a leaked secret looks only at what was written as words.
    pub fn journal_without_digests(&self) -> String {
        without_digests(&self.journal())
    }
}

/// The journal in data folder `dir`, parsed line by line.
pub fn journal_events(dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .collect()
}

/// The orders named by the events of `kind` (any kind when empty) in data
/// folder `dir`, in journal order, each once.
pub fn orders_of(dir: &std::path::Path, kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in journal_events(dir) {
        if let Some(o) = e["order"].as_str()
            && (kind.is_empty() || e["kind"] == kind)
            && !out.iter().any(|x| x == o)
        {
            out.push(o.to_owned());
        }
    }
    out
}

/// `text` with every run of 32 or more lowercase hex digits cut out.
pub fn without_digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
            continue;
        }
        if run.len() < 32 {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    if run.len() < 32 {
        out.push_str(&run);
    }
    out
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

/// Whether some widget's whole label or text is exactly `text`.
pub fn shows(h: &Harness<'static, App>, text: &str) -> bool {
    h.query_all_by(|n| n.value().is_some_and(|v| v == text) || n.label().is_some_and(|l| l == text))
        .next()
        .is_some()
}

/// The whole text of the one widget whose label or text starts with `prefix`.
#[track_caller]
pub fn text_starting(h: &Harness<'static, App>, prefix: &str) -> String {
    let mut found: Vec<String> = h
        .query_all_by(|n| {
            n.value().is_some_and(|v| v.starts_with(prefix))
                || n.label().is_some_and(|l| l.starts_with(prefix))
        })
        .filter_map(|n| {
            let a = n.accesskit_node();
            a.value()
                .filter(|v| v.starts_with(prefix))
                .or_else(|| a.label().filter(|l| l.starts_with(prefix)))
        })
        .collect();
    // A label and the text run inside it say the same.
    found.dedup();
    assert_eq!(
        found.len(),
        1,
        "expected one text starting with {prefix:?}; screen shows: {}",
        screen_text(h)
    );
    found[0].clone()
}

/// Asserts a widget whose whole label or text is `text` (not merely one
/// that contains it).
#[track_caller]
pub fn assert_shows(h: &Harness<'static, App>, text: &str) {
    assert!(
        shows(h, text),
        "expected a widget saying exactly {text:?}; screen shows: {}",
        screen_text(h)
    );
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

/// Empties the field labelled `label` as a person does: click into it,
/// select all, Backspace.
pub fn clear_field(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    assert_eq!(
        h.get_by_label(label).value().unwrap_or_default(),
        "",
        "{label:?} was not emptied"
    );
}

/// Replaces whatever the field labelled `label` holds by `text`.
pub fn retype_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    clear_field(h, label);
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Types `path` into the batch screen's file field, over what it held.
pub fn type_path(h: &mut Harness<'static, App>, path: &std::path::Path) {
    let tr = Texts::new(h.state().lang());
    retype_into(h, tr.get("batch.file"), &path.display().to_string());
}

/// The notices on screen: one close button each.
pub fn notice_count(h: &Harness<'static, App>) -> usize {
    h.query_all_by_label(dismiss(h)).count()
}

/// The notices' close button, as a screen reader names it.
fn dismiss(h: &Harness<'static, App>) -> &'static str {
    Texts::shared(h.state().lang()).get("action.dismiss")
}

/// Closes every notice with its × button.
pub fn dismiss_notices(h: &mut Harness<'static, App>) {
    for _ in 0..100 {
        let Some(close) = h.query_all_by_label(dismiss(h)).next() else {
            return;
        };
        close.click();
        h.run();
    }
    panic!("notices keep coming: {}", screen_text(h));
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
    review_and_confirm(h, rig);
    tick(h, rig, 10_000);
}

/// From the entry screen with a complete draft: review, wait for the
/// confirm button to arm, confirm. The order is then held on this device.
pub fn review_and_confirm(h: &mut Harness<'static, App>, rig: &Rig) {
    click(h, "Review →");
    tick(h, rig, 1_000);
    click_armed_confirm(h);
}

/// The usual test order: Kaquanmao (8-min window, 10 % fee), a fixed code, ¥100.
pub fn enter_small_order(h: &mut Harness<'static, App>) {
    choose_channel(h, "JD self-operated (app)", "Kaquanmao (third party)");
    type_code(h, "ABCD1234EFGH5678");
    click(h, "¥100");
}

/// Clicks a single card's armed confirm button, whatever its words: "Confirm
/// — 10 s to undo", or an unusual order's facts ("Send ¥… to …" / "… gets
/// ¥…: send").
pub fn click_armed_confirm(h: &mut Harness<'static, App>) {
    let label: String = h
        .query_all_by(|n| {
            n.label().is_some_and(|l| {
                l.starts_with("Confirm — ") || l.starts_with("Send ¥") || l.ends_with(": send")
            })
        })
        .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
        .next()
        .unwrap_or_else(|| panic!("no armed confirm button; screen: {}", screen_text(h)));
    click(h, &label);
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
    type_path(h, &file);
    let tr = Texts::new(h.state().lang());
    click_then_settle_import(h, tr.get("batch.import_file"));
}

/// Clicks a widget that starts reading a batch file, then waits for it.
/// (`click` would `run` to a fixed number of frames, and the worker's
/// wake-up can land at any of them.)
pub fn click_then_settle_import(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    settle_import(h);
}

/// A chosen file is read on a worker thread, and the screen says "Reading
/// {file}…" until its result is applied: draws frames until it no longer
/// does (bounded, so a read that never ends fails the test). Call it after
/// the frame in which the import was asked for.
pub fn settle_import(h: &mut Harness<'static, App>) {
    let tr = Texts::new(h.state().lang());
    let (before, after) = tr
        .get("batch.reading_file")
        .split_once("{file}")
        .expect("the reading message names the file");
    let reading = |h: &Harness<'static, App>| {
        h.query_all_by(|n| {
            let says = |t: &str| t.starts_with(before) && t.ends_with(after);
            n.value().is_some_and(|v| says(&v)) || n.label().is_some_and(|l| says(&l))
        })
        .next()
        .is_some()
    };
    settle_while(h, "the batch file was never read", reading);
}

/// Draws frames while `busy` says a worker's result is still awaited
/// (bounded, so one that never ends fails the test).
pub fn settle_while(
    h: &mut Harness<'static, App>,
    never: &str,
    busy: impl Fn(&Harness<'static, App>) -> bool,
) {
    // The frame after the ask draws either the result or the wait.
    h.step();
    for _ in 0..5_000 {
        if !busy(h) {
            h.run();
            return;
        }
        // The worker needs the CPU for a moment; what is waited for is the
        // screen, not a duration.
        std::thread::sleep(std::time::Duration::from_millis(2));
        h.step();
    }
    panic!("{never}: {}", screen_text(h));
}

/// Clicks "Load older events" and waits for the search it starts.
pub fn load_older(h: &mut Harness<'static, App>) {
    let tr = Texts::new(h.state().lang());
    h.get_by_label(tr.get("journal.load_older")).click();
    // This frame takes the click; the search starts as it ends.
    h.step();
    let searching = tr.get("journal.searching_older").to_owned();
    settle_while(h, "the older events never came", |h| has(h, &searching));
}

/// The batch screen's totals line in English ("3 rows: 2 ok, …"), the one
/// text that is a count followed by " rows: ".
#[track_caller]
pub fn batch_totals(h: &Harness<'static, App>) -> String {
    let is_totals = |t: &str| {
        let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.len() < t.len() && (rest.starts_with(" rows: ") || rest.starts_with(" row: "))
    };
    let mut found: Vec<String> = h
        .query_all_by(|n| n.value().is_some_and(|v| is_totals(&v)))
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    // A label and the text run inside it say the same.
    found.dedup();
    assert_eq!(found.len(), 1, "one totals line: {}", screen_text(h));
    found[0].clone()
}

/// Asserts the totals line begins with `start` (so "1 rows" is not "11 rows").
#[track_caller]
pub fn assert_totals(h: &Harness<'static, App>, start: &str) {
    let totals = batch_totals(h);
    assert!(
        totals.starts_with(start),
        "totals {totals:?} do not begin with {start:?}"
    );
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
