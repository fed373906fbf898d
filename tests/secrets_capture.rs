//! Secrets suite: every screen, in both languages, with *Show* on where the
//! screen has it, captured the way a person does it (Ctrl+Shift+S or the
//! Screenshot button). The captured frame's AccessKit tree (every node's
//! label, value and description) and its painted text must hold no card
//! code beyond its last four and no verification code; the screenshot must
//! then be saved and journaled under the subject the screen shows.
//!
//! kittest has no GPU renderer here, so the test fulfils the app's
//! `request_screenshot` callback itself with a small image: everything after
//! it (worker, PNG file, hash, journal line) is the app's real path.

mod common;
use cardguard::core::clock::{ManualClock, ScaledClock, SharedClock};
use cardguard::core::session::Paths;
use cardguard::i18n::{Lang, Texts};
use cardguard::ui::{App, AppConfig, Screen};
use common::*;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;

/// 'O' at position 4 is a look-alike (0): its hint must not name it.
const CODE: &str = "QW7OERXZTYHJUKMN";
const VERIFICATION: &str = "918273";

#[derive(Debug, Clone, PartialEq)]
enum Subject {
    None,
    Order(String),
    Batch(String),
}

#[derive(Clone, Copy)]
enum How {
    Shortcut,
    Button,
}

/// Every run of 4+ characters of the code that is not its visible tail,
/// and every run of 4+ digits of the verification code.
fn leaks(text: &str) -> Vec<String> {
    let flat: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    let mut found = Vec::new();
    let code: Vec<char> = CODE.chars().collect();
    for i in 0..code.len() - 4 {
        let w: String = code[i..i + 4].iter().collect();
        if flat.contains(&w) {
            found.push(w);
        }
    }
    let v: Vec<char> = VERIFICATION.chars().collect();
    for i in 0..=v.len() - 4 {
        let w: String = v[i..i + 4].iter().collect();
        if flat.contains(&w) {
            found.push(w);
        }
    }
    found
}

/// Every text the frame exposes: AccessKit label/value/description of every
/// node, and every painted text shape.
fn frame_texts(h: &Harness<'static, App>) -> Vec<String> {
    let mut out = Vec::new();
    for n in h.query_all_by(|_| true) {
        let a = n.accesskit_node();
        out.extend(a.label());
        out.extend(a.value());
        out.extend(a.description());
    }
    fn walk(s: &egui::Shape, out: &mut Vec<String>) {
        match s {
            egui::Shape::Text(t) => out.push(t.galley.text().to_owned()),
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

fn shot_lines(rig_dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(rig_dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "screenshot_taken")
        .collect()
}

/// Asks for a screenshot as a person does, checks the captured frame, then
/// waits (bounded) for the saved file and its journal line.
fn capture(
    h: &mut Harness<'static, App>,
    dir: &std::path::Path,
    how: How,
    want: Subject,
    what: &str,
) {
    let tr = Texts::new(h.state().lang());
    h.run();
    // Where Show is on, the ordinary frame does show the code: the capture
    // frame is what masks it.
    let shown = frame_texts(h).iter().any(|t| !leaks(t).is_empty());
    assert_eq!(
        shown,
        expect_shown(what),
        "{what}: code shown before the capture"
    );
    let before = shot_lines(dir).len();
    match how {
        How::Shortcut => {
            let m = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
            h.input_mut().events.push(egui::Event::Key {
                key: egui::Key::S,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: m,
            });
            h.step();
        }
        How::Button => {
            h.get_by_label(tr.get("action.screenshot")).click();
            h.step();
        }
    }
    // The request makes the NEXT frame the captured one.
    let mut requests = Vec::new();
    for _ in 0..3 {
        h.step();
        requests = screenshot_requests(h);
        if !requests.is_empty() {
            break;
        }
    }
    assert_eq!(requests.len(), 1, "{what}: one capture frame expected");
    let texts = frame_texts(h);
    for t in &texts {
        let l = leaks(t);
        assert!(l.is_empty(), "{what}: secret {l:?} in captured text {t:?}");
    }
    // The look-alike hint names position 4 only, never its character.
    let named = tr.fmt(
        "entry.confusable_item",
        &[("pos", &4), ("ch", &'O'), ("alts", &"0")],
    );
    assert!(
        !texts.iter().any(|t| t.contains(&named)),
        "{what}: look-alike hint names a hidden character"
    );
    // The glow backend reads the pixels while painting the NEXT frame:
    // that one must be masked too.
    h.step();
    for t in &frame_texts(h) {
        let l = leaks(t);
        assert!(
            l.is_empty(),
            "{what}: secret {l:?} in the frame after the capture frame {t:?}"
        );
    }
    for cb in requests {
        cb.complete(Arc::new(egui::ColorImage::filled(
            [8, 4],
            egui::Color32::GRAY,
        )));
    }
    // The worker encodes and writes off the UI thread; the app journals it
    // on a later frame.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while shot_lines(dir).len() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: never journaled"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    let lines = shot_lines(dir);
    assert_eq!(lines.len(), before + 1, "{what}: exactly one screenshot");
    let line = &lines[before];
    let path = dir.join(line["data"]["path"].as_str().unwrap());
    assert!(path.is_file(), "{what}: {} saved", path.display());
    let got = match (line["order"].as_str(), line["data"]["batch"].as_str()) {
        (Some(o), None) => Subject::Order(o.to_owned()),
        (None, Some(b)) => Subject::Batch(b.to_owned()),
        (None, None) => Subject::None,
        (Some(o), Some(b)) => panic!("{what}: both order {o} and batch {b}"),
    };
    assert_eq!(got, want, "{what}: filed under the wrong subject: {line}");
}

/// The one order the journal in `dir` names so far (the draft's).
fn only_order(dir: &std::path::Path) -> String {
    let orders = orders_of(dir, "");
    assert_eq!(orders.len(), 1, "one order journaled: {orders:?}");
    orders[0].clone()
}

/// Whether the card code is shown: the toggle next to it offers Hide, and
/// the field holds the code in clear.
fn code_shown(h: &Harness<'static, App>, tr: &Texts) -> bool {
    let hide = h.query_by_label(tr.get("entry.hide")).is_some();
    let show = h.query_by_label(tr.get("entry.show")).is_some();
    assert_ne!(hide, show, "one toggle, saying Show or Hide");
    let value = h
        .get_by_label(tr.get("entry.code"))
        .value()
        .unwrap_or_default();
    assert_eq!(hide, !leaks(&value).is_empty(), "field {value:?}");
    hide
}

/// The screens where Show is on and the code is on screen in clear.
fn expect_shown(what: &str) -> bool {
    what.starts_with("entry")
        || what.starts_with("demo entry")
        || what.starts_with("batch table")
        || what.starts_with("journal, filtered")
}

fn type_in(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

fn click_prefix(h: &mut Harness<'static, App>, template: &str) {
    let prefix = template.split('{').next().unwrap().to_owned();
    click_starting(h, &prefix);
}

/// Entry with Show on, then review, hold and orders of that order.
fn single_order_screens(lang: Lang) {
    let rig = Rig::new();
    let mut h = rig.open(lang);
    let tr = Texts::new(lang);
    let dir = rig.dir.path().to_path_buf();
    type_in(&mut h, tr.get("entry.code"), CODE);
    click(&mut h, tr.get("entry.show"));
    type_in(&mut h, tr.get("entry.verification"), VERIFICATION);
    click(&mut h, "¥100");
    assert!(code_shown(&h, &tr), "Show is on");
    let order = only_order(&dir);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Order(order.clone()),
        "entry",
    );
    capture(
        &mut h,
        &dir,
        How::Button,
        Subject::Order(order.clone()),
        "entry (button)",
    );

    click(&mut h, tr.get("entry.to_review"));
    assert_eq!(h.state().screen(), Screen::Review);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Order(order.clone()),
        "review",
    );
    tick(&mut h, &rig, 1_000);
    click_prefix(&mut h, tr.get("review.confirm"));
    assert_eq!(h.state().screen(), Screen::Hold);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Order(order.clone()),
        "hold",
    );
    tick(&mut h, &rig, 10_000);
    assert_eq!(h.state().screen(), Screen::Orders);
    capture(&mut h, &dir, How::Shortcut, Subject::None, "orders");
    click(&mut h, tr.get("nav.journal"));
    // Someone pastes the code into the order filter, looking for its order.
    // (A text field: in Chinese its label is also the Orders tab's.)
    let filter = tr.get("journal.filter_order").to_owned();
    for typing in [false, true] {
        let node = h.get_by(|n| {
            n.role() == egui::accesskit::Role::TextInput && n.label().as_deref() == Some(&filter)
        });
        if typing {
            node.type_text(CODE);
        } else {
            node.focus();
        }
        h.run();
    }
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::None,
        "journal, filtered by code",
    );
    click(&mut h, tr.get("nav.settings"));
    capture(&mut h, &dir, How::Button, Subject::None, "settings");
}

/// Batch table with pasted codes shown, batch review, batch run; then a
/// manual screenshot never lands under the last single order.
fn batch_screens(lang: Lang) {
    let rig = Rig::new();
    let mut h = rig.open(lang);
    let tr = Texts::new(lang);
    let dir = rig.dir.path().to_path_buf();
    // A single order first: the batch's screenshots must not be filed under it.
    type_in(&mut h, tr.get("entry.code"), "ABCD2345EFGH6789");
    type_in(&mut h, tr.get("entry.verification"), "123456");
    click(&mut h, "¥100");
    only_order(&dir);
    click(&mut h, tr.get("nav.batch"));
    let rows = format!("{CODE},100,{VERIFICATION}\nZXCV2345MNBV6789,100,246802\n");
    click(&mut h, tr.get("batch.show_paste"));
    assert_eq!(
        h.get_by_label(tr.get("batch.show_paste"))
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True),
        "pasted codes shown"
    );
    type_in(&mut h, tr.get("batch.paste"), &rows);
    click(&mut h, tr.get("batch.check_paste"));
    let imported: Vec<serde_json::Value> = journal_events(&dir)
        .into_iter()
        .filter(|e| e["kind"] == "batch_imported")
        .collect();
    assert_eq!(imported.len(), 1, "imported once");
    let batch = imported[0]["data"]["batch"].as_str().unwrap().to_owned();
    // And a second paste left in the shown field, not yet checked.
    type_in(&mut h, tr.get("batch.paste"), &rows);
    // A file named after the card, typed and tried: it is not there, and
    // the notice that says so names it.
    type_in(&mut h, tr.get("batch.file"), &format!("/tmp/{CODE}.csv"));
    click_then_settle_import(&mut h, tr.get("batch.import_file"));
    assert_eq!(notice_count(&h), 1, "the missing file is said");
    // And an operator searching the table for a whole code.
    type_in(&mut h, tr.get("batch.search"), CODE);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Batch(batch.clone()),
        "batch table",
    );
    capture(
        &mut h,
        &dir,
        How::Button,
        Subject::Batch(batch.clone()),
        "batch table (button)",
    );
    // The person has read it (it names the file in clear outside captures).
    dismiss_notices(&mut h);
    click_prefix(&mut h, tr.get("batch.review"));
    assert_eq!(h.state().screen(), Screen::BatchReview);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Batch(batch.clone()),
        "batch review",
    );
    tick(&mut h, &rig, 1_000);
    click_prefix(&mut h, tr.get("batch_review.confirm"));
    let confirmed = journal_events(&dir)
        .into_iter()
        .filter(|e| e["kind"] == "batch_confirmed")
        .map(|e| e["data"]["batch"].clone())
        .collect::<Vec<_>>();
    assert_eq!(confirmed, [serde_json::json!(batch)], "batch run started");
    assert_has(&h, tr.get("batch_run.holding"));
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Batch(batch.clone()),
        "batch run",
    );
    tick(&mut h, &rig, 12_000);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Batch(batch.clone()),
        "batch run, released",
    );
}

fn demo_screens(lang: Lang) {
    let rig = Rig::new();
    let base = ManualClock::fixed();
    let demo = ScaledClock::new(base.clone());
    let clock: SharedClock = demo.clone();
    let dir = rig.dir.path().join("demo");
    let config = AppConfig {
        paths: Some(Paths::in_one_dir(&dir)),
        clock,
        lang: Some(lang),
        clipboard: Box::new(rig.clipboard.clone()),
        screenshot_to: None,
        started: None,
        demo: Some(demo),
    };
    let mut h = Harness::builder()
        .with_size([1000.0, 1100.0])
        .build_eframe(move |cc| App::new(cc, config));
    h.run();
    let tr = Texts::new(lang);
    type_in(&mut h, tr.get("entry.code"), CODE);
    click(&mut h, tr.get("entry.show"));
    type_in(&mut h, tr.get("entry.verification"), VERIFICATION);
    assert!(code_shown(&h, &tr), "Show is on");
    let order = only_order(&dir);
    capture(
        &mut h,
        &dir,
        How::Shortcut,
        Subject::Order(order),
        "demo entry",
    );
    click(&mut h, tr.get("demo.sample_card"));
    click(&mut h, tr.get("nav.settings"));
    capture(&mut h, &dir, How::Button, Subject::None, "demo settings");
}

#[test]
fn single_order_screens_english() {
    single_order_screens(Lang::En);
}

#[test]
fn single_order_screens_chinese() {
    single_order_screens(Lang::Zh);
}

#[test]
fn batch_screens_english() {
    batch_screens(Lang::En);
}

#[test]
fn batch_screens_chinese() {
    batch_screens(Lang::Zh);
}

#[test]
fn demo_screens_english() {
    demo_screens(Lang::En);
}

#[test]
fn demo_screens_chinese() {
    demo_screens(Lang::Zh);
}

#[test]
fn the_leak_check_itself_finds_codes_grouped_or_not() {
    assert!(!leaks("QW7O ERXZ TYHJ UKMN").is_empty());
    assert!(!leaks("qw7o-erxz").is_empty());
    assert!(
        !leaks("•••• •••• ••HJ UKMN").is_empty(),
        "one hidden char shown"
    );
    assert!(!leaks("code 918273").is_empty());
    assert!(leaks("•••• •••• •••• UKMN").is_empty());
    assert!(leaks("••••••").is_empty());
}

/// With Show off, the code field tells screen readers only the mask, and
/// copying from it puts nothing on the clipboard.
#[test]
fn masked_code_field_says_and_copies_only_the_mask() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    type_in(&mut h, tr.get("entry.code"), CODE);
    assert!(!code_shown(&h, &tr), "Show is off");
    for t in frame_texts(&h) {
        assert!(leaks(&t).is_empty(), "screen reader hears {t:?}");
    }
    // Selecting it all must not hand it to the primary selection either.
    h.input_mut().events.push(egui::Event::Key {
        key: egui::Key::A,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    h.step();
    let selected =
        h.output().platform_output.commands.iter().any(
            |c| matches!(c, egui::OutputCommand::TextSelectionSettled(t) if !leaks(t).is_empty()),
        );
    assert!(!selected, "the masked code became the primary selection");
    h.run();
    h.event(egui::Event::Copy);
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if !leaks(t).is_empty()));
    assert!(!copied, "the masked code was copied to the clipboard");
    // Shown, it may be copied (the person asked to see it).
    click(&mut h, tr.get("entry.show"));
    h.get_by_label(tr.get("entry.code")).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.event(egui::Event::Copy);
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if !leaks(t).is_empty()));
    assert!(
        copied,
        "copy works when shown (so the check above can fail)"
    );
}
