//! No internal word reaches a Chinese user: every screen, with data behind
//! it (released and cancelled orders, a released batch, the journal with a
//! selected line, a verify that finds a tampered line, the remedy
//! assistant), is read in zh-CN and any shown text that is an identifier
//! (snake_case) or a bare English word fails the test.

mod common;
use cardguard::i18n::{Lang, Texts};
use common::*;
use egui_kittest::kittest::Queryable;

/// ASCII words a Chinese screen may show: names and formats people know
/// by these letters, and the app's command-line commands quoted in help.
const ALLOWED: [&str; 18] = [
    "cardguard",
    "csv",
    "tsv",
    "utf",
    "gbk",
    "excel",
    "wps",
    "sha",
    "jd",
    "http",
    "https",
    "journal",
    "verify",
    "export",
    "batch",
    "check",
    "checkpoint",
    "timestamp",
];

/// `text` without what is quoted (“card”: a header a file may have is
/// data). Text is cut into runs, so a run may open a quote it does not
/// close, or close one an earlier run opened.
fn unquoted(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in text.chars() {
        match c {
            '“' => inside = true,
            '”' if inside => inside = false,
            // Closed here, opened before this run: all so far was inside.
            '”' => out.clear(),
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The internal-looking words on screen: snake_case identifiers, and
/// lower-case English words of three letters or more outside a path, a
/// URL or an id.
fn internal_words(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> Vec<String> {
    let mut found = Vec::new();
    for text in screen_text(h).split(" | ") {
        let unquoted = unquoted(text);
        for word in unquoted.split(|c: char| !(c.is_ascii_alphanumeric() || "_-./:~".contains(c))) {
            // Paths, URLs, ids (CG-…, B-…) and file names are data; a
            // dotted lower-case word (guard.too_early) is an identifier.
            let dotted_id = word.contains('.')
                && word.contains('_')
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || "._".contains(c));
            if !dotted_id && word.contains(['/', '.', '-', ':']) {
                continue;
            }
            let snake = (word.contains('_') || dotted_id)
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || "._".contains(c));
            let english = word.len() >= 3
                && word.chars().all(|c| c.is_ascii_lowercase())
                && !ALLOWED.contains(&word);
            if snake || english {
                found.push(format!("{word:?} in {text:?}"));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// A screen's button in the top bar (a journal filter may share its name).
fn nav(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, name: &str) {
    h.get_by_role_and_label(eframe::egui::accesskit::Role::Button, name)
        .click();
    h.run();
}

#[track_caller]
fn check(
    h: &egui_kittest::Harness<'static, cardguard::ui::App>,
    place: &str,
    all: &mut Vec<String>,
) {
    for w in internal_words(h) {
        all.push(format!("{place}: {w}"));
    }
}

#[test]
fn no_internal_word_reaches_a_chinese_user() {
    let rig = Rig::new();
    // Data, made in English with the shared steps.
    {
        let mut h = rig.open(Lang::En);
        enter_small_order(&mut h);
        review_confirm_release(&mut h, &rig);
        tick(&mut h, &rig, 2_000);
        click(&mut h, "Cancel this order");
        click(&mut h, "New order");
        choose_channel(&mut h, "Kaquanmao (third party)", "Suhuishou (third party)");
        type_code(&mut h, "WXYZ2345EFGH6789");
        click(&mut h, "¥200");
        review_confirm_release(&mut h, &rig);
        tick(&mut h, &rig, 600_000);
        click(&mut h, "Batch");
        import_batch(&mut h, &rig, "three.csv", &batch_csv(3, 100));
        click_starting(&mut h, "Review and release 3 cards");
        tick(&mut h, &rig, 3_000);
        click(&mut h, "Release 3 cards");
        for _ in 0..16 {
            tick(&mut h, &rig, 1_000);
        }
    }
    // Damaged files of the person's: their notices, in Chinese.
    std::fs::write(
        rig.dir.path().join("settings.json"),
        "{\"hold_s\": \"ten\"}",
    )
    .unwrap();
    std::fs::write(rig.dir.path().join("channels.json"), "{\"channels\": [").unwrap();
    let tr = Texts::new(Lang::Zh);
    let mut h = rig.open(Lang::Zh);
    assert!(
        has(&h, "第 1 行第 16 列的值类型不对"),
        "{}",
        screen_text(&h)
    );
    let mut all = Vec::new();
    for screen in [
        "nav.new_order",
        "nav.orders",
        "nav.batch",
        "nav.settings",
        "nav.journal",
    ] {
        nav(&mut h, tr.get(screen));
        check(&h, screen, &mut all);
    }
    // Every event of the journal in words, then one line opened.
    let rows: Vec<String> = h
        .query_all_by(|n| n.value().is_some_and(|v| v.starts_with('#')))
        .filter_map(|n| n.value())
        .collect();
    assert!(rows.len() > 20, "{rows:?}");
    // The kind filter's choices.
    h.get_by_value(tr.get("journal.all")).click();
    h.run();
    check(&h, "journal kind filter", &mut all);
    h.key_press(eframe::egui::Key::Escape);
    h.run();
    // The remedy assistant on an order.
    nav(&mut h, tr.get("nav.orders"));
    // Each order's link names its order: "CG-… 出问题了？".
    h.query_all_by(|n| n.label().is_some_and(|l| l.ends_with(" 出问题了？")))
        .next()
        .expect("an order with its remedy link")
        .click();
    h.run();
    check(&h, "remedy", &mut all);
    // A verify that finds a line edited by hand.
    let journal = rig.dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(
        &journal,
        text.replacen("\"face_value_fen\":10000", "\"face_value_fen\":90000", 1),
    )
    .unwrap();
    nav(&mut h, tr.get("nav.journal"));
    click(&mut h, tr.get("journal.verify"));
    settle_while(&mut h, "verify never ended", |h| {
        has(h, tr.get("journal.verifying").split('{').next().unwrap())
    });
    check(&h, "journal verify", &mut all);
    assert!(
        all.is_empty(),
        "{} internal words:\n{}",
        all.len(),
        all.join("\n")
    );
}
