//! Everything by keyboard alone, as a person without a pointer does it:
//! Tab to move, Space or Enter to press, arrows in a list, typing into the
//! focused field. No click, no pointer event, no widget poked by name: a
//! control is reached only by tabbing to it. The clock is advanced, never
//! slept.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;
use eframe::egui::accesskit::Role;
use eframe::egui::{Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

type H = Harness<'static, cardguard::ui::App>;

/// The focused control: its name, else its value.
fn focused(h: &H) -> Option<String> {
    h.query_all_by(|_| true).find(|n| n.is_focused()).map(|n| {
        n.accesskit_node()
            .label()
            .map(|l| l.to_string())
            .or_else(|| n.value())
            .unwrap_or_default()
    })
}

fn key(h: &mut H, k: Key) {
    h.key_press(k);
    h.run();
}

/// Tabs forward until `name` has the focus (at most once round the screen).
#[track_caller]
fn tab_to(h: &mut H, name: &str) {
    tab_until(h, name, |f| f == name);
}

/// Tabs forward until a control whose name starts with `prefix` has the focus.
#[track_caller]
fn tab_to_starting(h: &mut H, prefix: &str) {
    tab_until(h, prefix, |f| f.starts_with(prefix));
}

#[track_caller]
fn tab_until(h: &mut H, what: &str, wanted: impl Fn(&str) -> bool) {
    for _ in 0..80 {
        if focused(h).is_some_and(|f| wanted(&f)) {
            return;
        }
        key(h, Key::Tab);
    }
    panic!("Tab never reached {what:?}; screen: {}", screen_text(h));
}

/// Opens the list `name` with Space, arrows down to `option`, takes it
/// with Enter.
#[track_caller]
fn choose_by_keys(h: &mut H, name: &str, option: &str) {
    tab_to(h, name);
    key(h, Key::Space);
    for _ in 0..20 {
        if focused(h).as_deref() == Some(option) {
            break;
        }
        key(h, Key::ArrowDown);
    }
    key(h, Key::Enter);
    let chosen = h.get_by_role_and_label(Role::ComboBox, name).value();
    assert_eq!(chosen.as_deref(), Some(option));
}

/// Typing into whatever has the focus.
fn type_keys(h: &mut H, text: &str) {
    h.event(Event::Text(text.to_owned()));
    h.run();
}

#[test]
fn one_card_by_keys_alone_confirm_undo_release_cancel() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_by_keys(&mut h, "1. Channel", "Kaquanmao (third party)");
    tab_to(&mut h, "2. Card code (16 characters)");
    type_keys(&mut h, "ABCD1234EFGH7F3K");
    assert_has(&h, "Code complete: 16 characters.");
    tab_to(&mut h, "¥100");
    key(&mut h, Key::Space);
    tab_to(&mut h, "Review →");
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Review);

    // Enter at once is refused, as a double press would be; after reading, taken.
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Review);
    assert!(rig.kinds().iter().any(|k| k == "confirm_swallowed"));
    tick(&mut h, &rig, 3_000);
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Hold, "{}", screen_text(&h));

    // Undo from the keyboard, then confirm again and let the hold run out.
    tab_to(&mut h, "Undo");
    key(&mut h, Key::Space);
    assert_eq!(h.state().screen(), Screen::Review);
    assert!(rig.kinds().iter().any(|k| k == "undone"));
    tick(&mut h, &rig, 3_000);
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Hold);
    tick(&mut h, &rig, 11_000);
    assert!(rig.kinds().iter().any(|k| k == "released"));

    // Cancel inside the channel's window, by keys.
    tick(&mut h, &rig, 2_000);
    tab_to(&mut h, "Cancel this order");
    key(&mut h, Key::Enter);
    assert!(
        rig.kinds()
            .iter()
            .any(|k| k == "cancel_requested" || k == "cancelled"),
        "{:?}",
        rig.kinds()
    );
}

#[test]
fn a_batch_by_keys_alone_import_review_release() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    tab_to(&mut h, "Batch");
    key(&mut h, Key::Space);
    assert_eq!(h.state().screen(), Screen::Batch);
    choose_by_keys(&mut h, "1. Channel", "Suhuishou (third party)");
    let file = rig.dir.path().join("three.csv");
    std::fs::write(&file, batch_csv(3, 100)).unwrap();
    tab_to(&mut h, "File");
    type_keys(&mut h, &file.display().to_string());
    tab_to(&mut h, "Import file");
    key(&mut h, Key::Space);
    settle_import(&mut h);
    assert_has(&h, "3 rows: 3 ok");
    tab_to_starting(&mut h, "Release the smallest card (¥100.00) first");
    key(&mut h, Key::Space);
    tab_to_starting(&mut h, "Review and release 3 cards (¥300.00)");
    key(&mut h, Key::Space);
    assert_has(&h, "Review the batch");
    tick(&mut h, &rig, 3_000);
    key(&mut h, Key::Enter);
    assert_has(&h, "Held on this device: nothing has been sent.");
    assert_eq!(focused(&h).as_deref(), Some("Undo the whole batch"));
    // Out one card a second after the hold.
    for _ in 0..16 {
        tick(&mut h, &rig, 1_000);
    }
    assert_eq!(
        rig.kinds().iter().filter(|k| *k == "released").count(),
        3,
        "{}",
        screen_text(&h)
    );
}

/// Enter on a review is the confirm key only with focus nowhere, on the
/// confirm button or in the type-to-confirm field: Enter on Back (or a
/// tab, or an expander) is that control's and never sends the order.
/// Space on the focused confirm button confirms, as it presses any button.
#[test]
fn enter_on_back_goes_back_and_confirms_nothing() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    tab_to(&mut h, "← Back to edit");
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Entry);
    tick(&mut h, &rig, 15_000);
    let kinds = rig.kinds();
    assert!(
        !kinds.iter().any(|k| k == "confirmed" || k == "released"),
        "{kinds:?}"
    );
    // A top-bar tab focused on the review: Enter opens it, nothing more.
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    tab_to(&mut h, "Orders");
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Orders);
    assert!(!rig.kinds().iter().any(|k| k == "confirmed"));
    // Space on the focused confirm button confirms.
    click(&mut h, "New order");
    click(&mut h, "Review →");
    tick(&mut h, &rig, 3_000);
    tab_to(&mut h, "Confirm — 10 s to undo");
    key(&mut h, Key::Space);
    assert_eq!(h.state().screen(), Screen::Hold);
}

/// A batch's Back returns to the batch, not to a new single order.
#[test]
fn a_batch_review_goes_back_to_the_batch() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Suhuishou (third party)");
    import_batch(&mut h, &rig, "three.csv", &batch_csv(3, 100));
    click_starting(&mut h, "Review and release 3 cards");
    tick(&mut h, &rig, 3_000);
    tab_to(&mut h, "← Back to edit");
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Batch);
    assert!(!rig.kinds().iter().any(|k| k == "batch_confirmed"));
}

/// The batch file browser by keys: Browse… moves focus into the listing,
/// arrows and Space walk it, Esc closes it and gives focus back to Browse….
#[test]
fn the_file_browser_by_keys_opens_walks_and_closes_with_esc() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    tab_to(&mut h, "Batch");
    key(&mut h, Key::Space);
    let outside = tempfile::tempdir().unwrap();
    let folder = outside.path().join("from-excel");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("cards.csv"), batch_csv(3, 100)).unwrap();
    tab_to(&mut h, "File");
    type_keys(&mut h, &outside.path().join("x.csv").display().to_string());
    tab_to(&mut h, "Browse…");
    key(&mut h, Key::Space);
    // Focus is in the listing already: its first entry.
    assert_eq!(
        focused(&h).as_deref(),
        Some("from-excel/"),
        "{}",
        screen_text(&h)
    );
    key(&mut h, Key::Space);
    assert_eq!(
        focused(&h).as_deref(),
        Some("cards.csv"),
        "{}",
        screen_text(&h)
    );
    key(&mut h, Key::Escape);
    assert!(!has(&h, "cards.csv"), "Esc closes the browser");
    assert_eq!(focused(&h).as_deref(), Some("Browse…"));
    // Opened again and the file taken by keys.
    key(&mut h, Key::Space);
    key(&mut h, Key::Space);
    key(&mut h, Key::Space);
    settle_import(&mut h);
    // Imported (JD's own channel wants verification codes these rows lack).
    assert_has(&h, "3 rows: 0 ok, 0 warnings, 3 errors");
}

/// The journal's filters by keys: the kind from its list with arrows, a
/// date and an order typed, "Clear filters" pressed with Space.
#[test]
fn the_journal_filters_by_keys() {
    let rig = Rig::new();
    // A journal of three starts and a change of settings.
    drop(rig.open(Lang::En));
    drop(rig.open(Lang::En));
    let mut h = rig.open(Lang::En);
    // A setting changed by keys is journaled.
    tab_to(&mut h, "Settings");
    key(&mut h, Key::Space);
    tab_to(&mut h, "Strict");
    key(&mut h, Key::Space);
    tab_to(&mut h, "Save");
    key(&mut h, Key::Space);
    tab_to(&mut h, "Journal");
    key(&mut h, Key::Space);
    let count = |h: &H| {
        let said = h
            .query_all_by(|_| true)
            .filter_map(|n| n.value())
            .find(|v| v.contains(" events, newest first"))
            .unwrap_or_default();
        let (shown, rest) = said.split_once(" of ").unwrap_or(("", ""));
        let total = rest.split(' ').next().unwrap_or("");
        (shown.to_owned(), total.to_owned())
    };
    let (shown, total) = count(&h);
    assert_eq!(shown, total, "everything shown at first");
    assert!(total.parse::<u32>().unwrap() > 3, "{total}");
    choose_by_keys(&mut h, "Kind", "App started");
    assert_eq!(count(&h), ("3".to_owned(), total.clone()));
    tab_to(&mut h, "Date");
    type_keys(&mut h, "1999-01-01");
    assert_eq!(count(&h), ("0".to_owned(), total.clone()));
    tab_to(&mut h, "Clear filters");
    key(&mut h, Key::Space);
    assert_eq!(count(&h), (total.clone(), total.clone()));
    tab_to(&mut h, "Order");
    type_keys(&mut h, "CG-NO-SUCH-ORDER");
    assert_eq!(count(&h), ("0".to_owned(), total.clone()));
}

/// In the hold, keys reach Undo at once: focus waits on it, and Esc undoes
/// from anywhere on the screen. Enter in the code field keeps focus there.
#[test]
fn the_hold_waits_on_undo_and_esc_undoes() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_by_keys(&mut h, "1. Channel", "Kaquanmao (third party)");
    tab_to(&mut h, "2. Card code (16 characters)");
    type_keys(&mut h, "ABCD1234EFGH7F3K");
    key(&mut h, Key::Enter);
    assert_eq!(
        focused(&h).as_deref(),
        Some("2. Card code (16 characters)"),
        "Enter in the field keeps focus there"
    );
    tab_to(&mut h, "¥100");
    key(&mut h, Key::Space);
    tab_to(&mut h, "Review →");
    key(&mut h, Key::Enter);
    tick(&mut h, &rig, 3_000);
    key(&mut h, Key::Enter);
    assert_eq!(h.state().screen(), Screen::Hold, "{}", screen_text(&h));
    assert_eq!(focused(&h).as_deref(), Some("Undo"));
    key(&mut h, Key::Escape);
    assert_eq!(h.state().screen(), Screen::Review);
    assert!(rig.kinds().iter().any(|k| k == "undone"));
}
