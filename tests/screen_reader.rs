//! What a screen reader gets from the window, read from the same
//! AccessKit tree the shipped build hands to AT-SPI: every control named,
//! the card code a password field that reads masked, the confirm button's
//! state said in words, and a press through the accessibility action
//! weighed by the guard like Enter. (tests/screen_reader_atspi.rs reads the
//! live tree of the real binary over the AT-SPI bus.)

mod common;
use cardguard::i18n::{Lang, Texts};
use cardguard::ui::Screen;
use common::*;
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

/// Roles a person operates or reads for state; each must say what it is for.
const CONTROLS: [Role; 10] = [
    Role::ProgressIndicator,
    Role::Button,
    Role::Link,
    Role::CheckBox,
    Role::RadioButton,
    Role::ComboBox,
    Role::TextInput,
    Role::MultilineTextInput,
    Role::PasswordInput,
    Role::Slider,
];

/// Every control on screen whose name is empty or only a sign ("×"), by
/// role: a screen reader would read nothing, or "times".
fn unnamed(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> Vec<String> {
    h.query_all_by(|n| {
        CONTROLS.contains(&n.role())
            && n.label()
                .is_none_or(|l| !l.chars().any(char::is_alphanumeric))
    })
    .map(|n| format!("{:?} {:?}", n.accesskit_node().role(), n.value()))
    .collect()
}

#[test]
fn every_control_on_every_screen_has_a_name_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let rig = Rig::new();
        let mut h = rig.open(lang);
        let tr = cardguard::i18n::Texts::new(lang);
        fill_in(&mut h, &tr);
        let mut seen = Vec::new();
        for screen in [
            "nav.new_order",
            "nav.orders",
            "nav.batch",
            "nav.journal",
            "nav.settings",
        ] {
            click(&mut h, tr.get(screen));
            if screen == "nav.journal" {
                // A notice, with its dismiss button.
                click(&mut h, tr.get("journal.checkpoint_now"));
            }
            seen.push(screen);
            let missing = unnamed(&h);
            assert!(missing.is_empty(), "{lang:?} {screen}: {missing:?}");
        }
        click(&mut h, tr.get("nav.new_order"));
        click(&mut h, tr.get("entry.to_review"));
        assert_eq!(h.state().screen(), Screen::Review);
        let missing = unnamed(&h);
        assert!(missing.is_empty(), "{lang:?} review: {missing:?}");
        tick(&mut h, &rig, 1_500);
        confirm_by_accessibility(&mut h, &tr);
        assert_eq!(h.state().screen(), Screen::Hold, "{lang:?}");
        let missing = unnamed(&h);
        assert!(missing.is_empty(), "{lang:?} hold: {missing:?}");
        assert_eq!(seen.len(), 5);
    }
}

/// A complete draft on the default channel, typed as a person types it.
fn fill_in(h: &mut egui_kittest::Harness<'static, cardguard::ui::App>, tr: &Texts) {
    type_into(h, tr.get("entry.code"), "ABCD1234EFGH5678");
    type_into(h, tr.get("entry.verification"), "123456");
    click(h, "¥100");
}

/// The confirm button: the one whose description is the guard's state.
fn confirm_node<'a>(
    h: &'a egui_kittest::Harness<'static, cardguard::ui::App>,
    tr: &Texts,
) -> egui_kittest::Node<'a> {
    let wait = tr
        .get("a11y.confirm_wait")
        .split('{')
        .next()
        .unwrap()
        .to_owned();
    let states: Vec<&str> = [
        "a11y.confirm_ready",
        "a11y.confirm_hold",
        "a11y.confirm_unfocused",
    ]
    .map(|k| tr.get(k))
    .to_vec();
    h.query_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .description()
                .is_some_and(|d| d.starts_with(&wait) || states.contains(&d.as_str()))
        })
        .expect("a confirm button with the guard's state described")
}

/// A screen reader's "press": the accessibility action, no pointer.
fn confirm_by_accessibility(
    h: &mut egui_kittest::Harness<'static, cardguard::ui::App>,
    tr: &Texts,
) {
    confirm_node(h, tr).click_accesskit();
    h.run();
}

#[test]
fn the_card_code_is_a_password_field_read_masked() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    type_code(&mut h, "ABCD1234EFGH5678");
    let field = h.get_by_role_and_label(Role::PasswordInput, "2. Card code (16 characters)");
    // A password field's value reaches assistive technology as bullets
    // only (AccessKit hides it, as it does the verification code's).
    let value = field.value().unwrap_or_default();
    assert!(
        !value.is_empty() && value.chars().all(|c| c == '•'),
        "{value:?}"
    );
    // Shown on request, it is an ordinary field again.
    click(&mut h, "Show");
    let field = h.get_by_role_and_label(Role::TextInput, "2. Card code (16 characters)");
    assert!(field.value().unwrap_or_default().contains("ABCD"));
    click(&mut h, "Hide");
    assert!(
        h.query_by_role_and_label(Role::TextInput, "2. Card code (16 characters)")
            .is_none()
    );
}

#[test]
fn a_screen_reader_press_on_confirm_follows_the_guard() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    fill_in(&mut h, &tr);
    click(&mut h, "Review →");
    // The state in words, beside the button's own text.
    let said = |h: &egui_kittest::Harness<'static, cardguard::ui::App>| {
        confirm_node(h, &tr)
            .accesskit_node()
            .description()
            .unwrap()
            .to_owned()
    };
    assert!(
        said(&h).starts_with("Not available yet: available in "),
        "{}",
        said(&h)
    );
    // Pressed at once, it is refused like an Enter at once.
    confirm_by_accessibility(&mut h, &tr);
    assert_eq!(h.state().screen(), Screen::Review);
    assert!(rig.journal().contains("\"kind\":\"confirm_swallowed\""));
    // It says when it is ready, and a press then confirms.
    let mut waited = 0;
    while said(&h) != "Available now: press to confirm." {
        assert!(waited < 10_000, "never ready: {}", said(&h));
        tick(&mut h, &rig, 250);
        waited += 250;
    }
    confirm_by_accessibility(&mut h, &tr);
    assert_eq!(h.state().screen(), Screen::Hold, "{}", rig.journal());
    assert!(rig.journal().contains("\"kind\":\"confirmed\""));
}

/// The words in the window's live node (what a reader says unasked).
fn spoken(h: &egui_kittest::Harness<'static, cardguard::ui::App>) -> Option<String> {
    h.query_by_role(Role::Status).map(|n| {
        assert_eq!(
            n.accesskit_node().live(),
            eframe::egui::accesskit::Live::Polite
        );
        n.accesskit_node().label().unwrap_or_default().to_string()
    })
}

#[test]
fn the_window_says_what_changed_and_not_every_second() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    fill_in(&mut h, &tr);
    assert_eq!(spoken(&h), None, "nothing to say while typing");
    click(&mut h, "Review →");
    assert_eq!(
        spoken(&h).as_deref(),
        Some("Review before it is final: confirm becomes available in a moment.")
    );
    // A refused press says why; then, once, that it is available.
    confirm_by_accessibility(&mut h, &tr);
    let why = spoken(&h).unwrap();
    assert!(
        why.contains("too soon") || why.contains("too fast"),
        "{why}"
    );
    let mut said = vec![why];
    for _ in 0..40 {
        tick(&mut h, &rig, 250);
        let now = spoken(&h).unwrap();
        if said.last() != Some(&now) {
            said.push(now);
        }
    }
    // The refusal shows a while; then (at most) the review's own words
    // again, and that it is available: never a per-second count.
    let review = "Review before it is final: confirm becomes available in a moment.";
    let ready = "Confirm is available now.";
    assert!(
        said[1..] == [ready] || said[1..] == [review, ready],
        "{said:?}"
    );
    confirm_by_accessibility(&mut h, &tr);
    assert_eq!(h.state().screen(), Screen::Hold);
    // The hold's countdown: said at its start and 5 s before its end, not
    // each second; the number itself says what it counts.
    let mut said = Vec::new();
    while h.state().screen() == Screen::Hold {
        let now = spoken(&h).unwrap();
        if said.last() != Some(&now) {
            said.push(now);
        }
        tick(&mut h, &rig, 250);
    }
    assert_eq!(
        said,
        [
            "Held on this device: it is sent in 10 s unless you press Undo.",
            "Held on this device: it is sent in 5 s unless you press Undo."
        ]
    );
}

#[test]
fn a_notice_is_said_when_it_appears_a_warning_at_once() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    click(&mut h, tr.get("nav.journal"));
    click(&mut h, tr.get("journal.checkpoint_now"));
    let live: Vec<_> = h
        .query_all_by(|n| n.live() != eframe::egui::accesskit::Live::Off)
        .map(|n| {
            let said = n.accesskit_node().label().map(|l| l.to_string());
            (
                n.accesskit_node().live(),
                said.or(n.value()).unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        live.iter()
            .any(|(l, t)| *l == eframe::egui::accesskit::Live::Polite
                && t.starts_with("Signed a checkpoint")),
        "{live:?}"
    );
    // A notice naming a file called like a card code: a screenshot (its
    // captured frame draws the name masked) does not change what the
    // notice is called, so it is not said again, and never says the code.
    click(&mut h, tr.get("nav.batch"));
    type_path(&mut h, &rig.dir.path().join("ABCD2345EFGH6789.csv"));
    click_then_settle_import(&mut h, tr.get("batch.import_file"));
    let names = |h: &egui_kittest::Harness<'static, cardguard::ui::App>| -> Vec<String> {
        h.query_all_by(|n| n.live() != eframe::egui::accesskit::Live::Off)
            .filter_map(|n| {
                n.accesskit_node()
                    .label()
                    .map(|l| l.to_string())
                    .or(n.value())
            })
            .collect()
    };
    let before = names(&h);
    assert!(
        before.iter().any(|n| n.contains(".csv")) && !before.iter().any(|n| n.contains("EFGH")),
        "{before:?}"
    );
    h.get_by_label(tr.get("action.screenshot")).click();
    for _ in 0..4 {
        h.step();
        assert_eq!(names(&h), before, "a capture frame renamed a live node");
    }
    h.run();
    // A pasted text too long to be a card: a warning, said at once.
    click(&mut h, tr.get("nav.new_order"));
    h.get_by_label(tr.get("entry.code")).focus();
    h.run();
    h.event(eframe::egui::Event::Paste("x".repeat(10_000)));
    h.run();
    assert!(
        h.query_all_by(|n| n.live() == eframe::egui::accesskit::Live::Assertive)
            .next()
            .is_some(),
        "{}",
        screen_text(&h)
    );
}

/// The single-card flow says where it is: one group per screen naming the
/// step, and what is still reversible.
#[test]
fn each_step_of_a_card_says_where_it_is_and_how_to_step_back() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    let step = |h: &egui_kittest::Harness<'static, cardguard::ui::App>| {
        h.query_all_by_role(Role::Group)
            .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
            .find(|l| l.starts_with("Step "))
            .unwrap_or_default()
    };
    assert_eq!(step(&h), "Step 1 of 4: Enter");
    assert_has(&h, "Nothing is sent yet: change anything.");
    fill_in(&mut h, &tr);
    click(&mut h, "Review →");
    assert_eq!(step(&h), "Step 2 of 4: Review");
    // One sentence, not the bar's pieces and arrows one by one.
    let pieces: Vec<_> = h
        .query_all_by(|n| {
            n.label()
                .is_some_and(|l| l == "→" || l == "✓ Enter" || l == "Hold" || l == "Sent")
        })
        .map(|n| n.accesskit_node().label().map(|l| l.to_string()))
        .collect();
    assert!(pieces.is_empty(), "{pieces:?}");
    assert_has(&h, "Not sent yet: “← Back to edit” changes it.");
    tick(&mut h, &rig, 3_000);
    confirm_by_accessibility(&mut h, &tr);
    assert_eq!(step(&h), "Step 3 of 4: Hold");
    assert_has(&h, "Still only on this device: Undo stops it.");
    tick(&mut h, &rig, 10_000);
    assert_eq!(h.state().screen(), Screen::Orders);
    assert_eq!(step(&h), "Step 4 of 4: Sent");
    assert_has(
        &h,
        "Sent: only the channel's cancel window can stop it now.",
    );
}

/// A sent order's cancel window is said when it opens, a minute and ten
/// seconds before it closes, and nothing in between; its countdown says
/// what it counts.
#[test]
fn the_cancel_window_is_said_at_its_start_and_near_its_end() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    assert_eq!(h.state().screen(), Screen::Orders);
    let id = rig.orders_of("released")[0].clone();
    assert!(
        h.query_all_by(|n| n.description().as_deref() == Some(&format!("Time left to cancel {id}")))
            .next()
            .is_some(),
        "the countdown says what it counts"
    );
    let mut said = Vec::new();
    for _ in 0..100 {
        if let Some(now) = spoken(&h)
            && said.last() != Some(&now)
        {
            said.push(now);
        }
        tick(&mut h, &rig, 5_000);
    }
    assert_eq!(
        said,
        [
            format!("{id} is sent: it can be cancelled for 8 min more."),
            format!("{id} is sent: it can be cancelled for 60 s more."),
            format!("{id} is sent: it can be cancelled for 10 s more."),
        ]
    );
}

/// A batch's run is said at each change of phase (the hold at its start and
/// 5 s before its end, the test card's pause, releasing, finished, what
/// "cancel all" did), never once per card; the hold's number says what it
/// counts.
#[test]
fn a_batch_run_is_said_at_each_change_not_each_card() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    let tr = Texts::new(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    import_batch(&mut h, &rig, "six.csv", &batch_csv(6, 100));
    click_starting(&mut h, "Review and release 6 cards");
    tick(&mut h, &rig, 3_000);
    confirm_by_accessibility(&mut h, &tr);
    assert!(
        h.query_all_by(|n| n.description().as_deref()
            == Some("Seconds left to undo before the batch starts going out."))
            .next()
            .is_some(),
        "{}",
        screen_text(&h)
    );
    let mut said: Vec<String> = Vec::new();
    let mut resumed = false;
    for _ in 0..200 {
        if let Some(now) = spoken(&h)
            && said.last() != Some(&now)
        {
            said.push(now);
        }
        if has(&h, "All 6 cards released.") {
            break;
        }
        if !resumed && has(&h, "Resume") {
            click(&mut h, "Resume");
            resumed = true;
        }
        tick(&mut h, &rig, 250);
    }
    click_starting(&mut h, "Cancel all still cancellable (6");
    said.push(spoken(&h).unwrap());
    assert_eq!(
        said,
        [
            "Batch held on this device: releasing starts in 10 s unless you press “Undo the whole batch”.",
            "Batch held on this device: releasing starts in 5 s unless you press “Undo the whole batch”.",
            "The test card was released. Check that it arrived on the channel, then resume for the other 5.",
            "Releasing one card a second. “Pause” stops it.",
            "All 6 cards released.",
            "What “cancel all” did: Total cancel fees: ¥60.00",
        ]
    );
}
