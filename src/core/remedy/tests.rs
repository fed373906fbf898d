use super::*;
use crate::core::event::Event;
use crate::core::ids::{BatchId, ChannelId, OrderId};
use crate::core::order::Ledger;
use crate::core::profile::builtin_profiles;
use crate::i18n::Lang;
use chrono::TimeZone;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

const SHA: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// An order on `channel` released at 09:00:10 local (01:00:10 UTC).
fn released(ledger: &mut Ledger, id: &str, channel: &str, mode: ReleaseMode, window_s: i64) {
    let id = OrderId::new(id);
    let at = |s| t(&format!("2026-11-30T01:00:{s}Z"));
    let events = [
        (
            at("00"),
            Event::ReviewShown {
                channel: ChannelId::from(channel),
                face_value_fen: Fen(50_000),
                payout_fen: Fen(46_000),
                masked: "•••• •••• •••• 7F3K".into(),
                fingerprint: "fp".into(),
                cancel_window_ms: (window_s * 1000) as u64,
                release_mode: mode,
                batch: None,
            },
        ),
        (
            at("01"),
            Event::ScreenshotTaken {
                path: "screenshots/2026-11/20261130-090001_CG-20261130-0001_review.png".into(),
                width: 8,
                height: 4,
                sha256: SHA.into(),
                step: "review".into(),
                batch: None,
            },
        ),
        (
            at("02"),
            Event::Confirmed {
                hold_s: 8,
                hold_until: at("10"),
            },
        ),
        (
            at("10"),
            match mode {
                ReleaseMode::Simulated => Event::Released {
                    mode,
                    window_ends: Some(at("10") + chrono::Duration::seconds(window_s)),
                    verify_at: None,
                    clipboard_until: None,
                },
                ReleaseMode::Manual => Event::Released {
                    mode,
                    window_ends: None,
                    verify_at: None,
                    clipboard_until: Some(at("40")),
                },
            },
        ),
    ];
    for (at, e) in events {
        assert!(ledger.apply(Some(&id), at, &e), "{e:?}");
    }
}

fn standing(ledger: &Ledger, id: &str, now: &str) -> Standing {
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(OrderId::new(id)), ledger).unwrap();
    case.standing(|o| profiles.iter().find(|p| p.id == o.channel), t(now))
}

#[test]
fn an_open_window_means_cancel_whatever_happened_then_the_row_once_closed() {
    let book = RemedyBook::builtin();
    let mut ledger = Ledger::default();
    // Kaquanmao: 8 minutes to cancel, for 10 % of the face value.
    released(
        &mut ledger,
        "CG-1",
        "kaquanmao",
        ReleaseMode::Simulated,
        480,
    );
    let open = standing(&ledger, "CG-1", "2026-11-30T01:03:00Z");
    assert_eq!(
        open,
        Standing::CancelInApp {
            count: 1,
            fee: Fen(5_000),
            closes: t("2026-11-30T01:08:10Z")
        }
    );
    let twice = book.problem("submitted_twice");
    let r = route(&book, open, twice, None, &|_| cst()).unwrap();
    assert_eq!(r.path_id(), CANCEL_IN_APP);
    assert_eq!(r.deadline(), Some(t("2026-11-30T01:08:10Z")));

    let closed = standing(&ledger, "CG-1", "2026-11-30T01:08:10Z");
    assert_eq!(closed, Standing::Closed);
    let release = Some(t("2026-11-30T01:00:10Z"));
    // Each answer's row and its deadline: a freeze the same (local) day,
    // 24:00 +08:00; a difference refund within 24 h; the police the same
    // day too (the freeze comes first).
    for (problem, path, deadline) in [
        ("submitted_twice", "freeze", Some(t("2026-11-30T16:00:00Z"))),
        (
            "wrong_face_value",
            "difference_refund",
            Some(t("2026-12-01T01:00:10Z")),
        ),
        ("theft_or_fraud", "police", Some(t("2026-11-30T16:00:00Z"))),
    ] {
        let r = route(&book, closed, book.problem(problem), release, &|_| cst()).unwrap();
        assert_eq!((r.path_id(), r.deadline()), (path, deadline), "{problem}");
    }
    // Nothing chosen yet: no path.
    assert_eq!(route(&book, closed, None, release, &|_| cst()), None);
}

#[test]
fn only_the_platform_can_cancel_a_manual_hand_off() {
    let mut ledger = Ledger::default();
    released(&mut ledger, "CG-2", "kaquanmao", ReleaseMode::Manual, 480);
    // On the clipboard, not yet marked submitted: perhaps nothing is sold.
    let s = standing(&ledger, "CG-2", "2026-11-30T01:00:20Z");
    assert_eq!(s, Standing::OnClipboard);
    let book = RemedyBook::builtin();
    assert_eq!(
        route(&book, s, None, None, &|_| cst()),
        Some(Route::NotSubmitted)
    );
    let id = OrderId::new("CG-2");
    let ends = t("2026-11-30T01:09:00Z");
    ledger.apply(
        Some(&id),
        t("2026-11-30T01:01:00Z"),
        &Event::PlatformSubmitted { window_ends: ends },
    );
    let s = standing(&ledger, "CG-2", "2026-11-30T01:02:00Z");
    assert_eq!(s, Standing::CancelOnPlatform { closes: Some(ends) });
    let r = route(&book, s, None, None, &|_| cst()).unwrap();
    assert_eq!(r.path_id(), CHANNEL_CANCEL);
    assert_eq!(
        standing(&ledger, "CG-2", "2026-11-30T01:09:00Z"),
        Standing::Closed
    );
}

#[test]
fn nothing_sent_asks_nothing() {
    let mut ledger = Ledger::default();
    let id = OrderId::new("CG-3");
    let at = t("2026-11-30T01:00:00Z");
    ledger.apply(
        Some(&id),
        at,
        &Event::ReviewShown {
            channel: ChannelId::from("jd_app"),
            face_value_fen: Fen(10_000),
            payout_fen: Fen(9_500),
            masked: "m".into(),
            fingerprint: "f".into(),
            cancel_window_ms: 5_000,
            release_mode: ReleaseMode::Simulated,
            batch: None,
        },
    );
    let until = at + chrono::Duration::seconds(8);
    ledger.apply(
        Some(&id),
        at,
        &Event::Confirmed {
            hold_s: 8,
            hold_until: until,
        },
    );
    let s = standing(&ledger, "CG-3", "2026-11-30T01:00:03Z");
    assert_eq!(s, Standing::Holding { until });
    assert!(!s.asks());
    let book = RemedyBook::builtin();
    assert_eq!(
        route(&book, s, None, None, &|_| cst()),
        Some(Route::Undo { until })
    );
    ledger.apply(Some(&id), at, &Event::HoldInterrupted {});
    let s = standing(&ledger, "CG-3", "2026-11-30T01:00:03Z");
    assert_eq!(s, Standing::NotSent);
    assert_eq!(
        route(&book, s, None, None, &|_| cst()),
        Some(Route::NotSent)
    );
}

fn facts<'a>(
    book: &'a RemedyBook,
    profiles: &'a [ChannelProfile],
    lang: Lang,
    problem: &str,
) -> MessageFacts<'a> {
    MessageFacts {
        problem: book.problem(problem),
        profiles,
        lang,
        now: t("2026-11-30T02:00:00Z"),
        offsets: &|_| cst(),
        cards: None,
    }
}

#[test]
fn the_message_has_the_facts_and_the_last_four_only() {
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let mut ledger = Ledger::default();
    released(
        &mut ledger,
        "CG-1",
        "kaquanmao",
        ReleaseMode::Simulated,
        480,
    );
    let id = OrderId::new("CG-1");
    ledger.apply(
        Some(&id),
        t("2026-11-30T01:00:30Z"),
        &Event::CancelRefused {
            reason: "window closed".into(),
        },
    );
    let case = Case::of(&Subject::Order(id), &ledger).unwrap();
    let freeze = book.path("freeze").unwrap();
    let zh = message(
        freeze,
        &case,
        &facts(&book, &profiles, Lang::Zh, "submitted_twice"),
    )
    .unwrap();
    for want in [
        "订单号：CG-1",
        "卡券猫",
        "•••• •••• •••• 7F3K",
        "¥500.00",
        "2026-11-30 09:00:02 +08:00",
        "2026-11-30 09:00:10 +08:00",
        "2026-11-30 09:00:30 +08:00",
        "20261130-090001_CG-20261130-0001_review.png",
        SHA,
        "同一张卡密提交了两次",
        "2026-11-30 10:00:00 +08:00",
    ] {
        assert!(zh.contains(want), "{want} missing from\n{zh}");
    }
    assert!(!zh.contains('{'), "every placeholder filled:\n{zh}");
    let en = message(
        freeze,
        &case,
        &facts(&book, &profiles, Lang::En, "submitted_twice"),
    )
    .unwrap();
    assert!(
        en.contains("Freeze request") && en.contains("Kaquanmao"),
        "{en}"
    );
    // The cancel path in the app has nothing to send.
    let cancel = book.path(CANCEL_IN_APP).unwrap();
    assert_eq!(
        message(cancel, &case, &facts(&book, &profiles, Lang::En, "x")),
        None
    );
}

#[test]
fn a_forged_masked_field_still_gives_the_last_four_only() {
    assert_eq!(last_four_only("ABCD1234EFGH7F3K"), "•••• •••• •••• 7F3K");
    assert_eq!(last_four_only("ABCD-1234-EFGH-7F3K"), "•••• •••• •••• 7F3K");
    assert_eq!(last_four_only("{order}"), "•••• •••• •••• rder");
    assert_eq!(last_four_only(""), "•••• •••• •••• ");
    let mut ledger = Ledger::default();
    released(&mut ledger, "CG-1", "kaquanmao", ReleaseMode::Simulated, 0);
    let id = OrderId::new("CG-9");
    // A journal line claiming a whole code as its "masked" form.
    ledger.apply(
        Some(&id),
        t("2026-11-30T01:00:00Z"),
        &Event::ReviewShown {
            channel: ChannelId::from("kaquanmao"),
            face_value_fen: Fen(100),
            payout_fen: Fen(90),
            masked: "QW23ER45TY67UP9Z".into(),
            fingerprint: "f".into(),
            cancel_window_ms: 0,
            release_mode: ReleaseMode::Simulated,
            batch: None,
        },
    );
    let at = t("2026-11-30T01:00:00Z");
    for e in [
        Event::Confirmed {
            hold_s: 0,
            hold_until: at,
        },
        Event::Released {
            mode: ReleaseMode::Simulated,
            window_ends: None,
            verify_at: None,
            clipboard_until: None,
        },
    ] {
        assert!(ledger.apply(Some(&id), at, &e));
    }
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(id), &ledger).unwrap();
    let text = message(
        book.path("appeal").unwrap(),
        &case,
        &facts(&book, &profiles, Lang::En, "sent_by_mistake"),
    )
    .unwrap();
    assert!(!text.contains("QW23ER45"), "{text}");
    assert!(text.contains("•••• •••• •••• UP9Z"), "{text}");
}

#[test]
fn a_batch_message_names_every_order_and_the_batchs_screenshots() {
    let mut ledger = Ledger::default();
    let batch = BatchId::from("B-20261130-0001");
    let at = t("2026-11-30T01:00:00Z");
    ledger.apply(
        None,
        at,
        &Event::BatchConfirmed {
            batch: batch.clone(),
            channel: ChannelId::from("kaquanmao"),
            count: 2,
            face_value_fen: Fen(20_000),
            payout_fen: Fen(18_400),
            hold_s: 8,
            hold_until: at,
            test_first: false,
        },
    );
    ledger.apply(
        None,
        at,
        &Event::ScreenshotTaken {
            path: "screenshots/2026-11/b.png".into(),
            width: 1,
            height: 1,
            sha256: SHA.into(),
            step: "batch_review".into(),
            batch: Some(batch.clone()),
        },
    );
    for (n, last4) in [(1, "AAAA"), (2, "BBBB")] {
        let id = OrderId::new(format!("CG-{n}"));
        ledger.apply(
            Some(&id),
            at,
            &Event::ReviewShown {
                channel: ChannelId::from("kaquanmao"),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_200),
                masked: format!("•••• •••• •••• {last4}"),
                fingerprint: format!("f{n}"),
                cancel_window_ms: 480_000,
                release_mode: ReleaseMode::Simulated,
                batch: Some(batch.clone()),
            },
        );
        ledger.apply(
            Some(&id),
            at,
            &Event::Confirmed {
                hold_s: 0,
                hold_until: at,
            },
        );
        ledger.apply(
            Some(&id),
            at,
            &Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: Some(at + chrono::Duration::minutes(8)),
                verify_at: None,
                clipboard_until: None,
            },
        );
    }
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Batch(batch), &ledger).unwrap();
    let s = case.standing(
        |o| profiles.iter().find(|p| p.id == o.channel),
        at + chrono::Duration::minutes(1),
    );
    assert_eq!(
        s,
        Standing::CancelInApp {
            count: 2,
            fee: Fen(2_000),
            closes: at + chrono::Duration::minutes(8)
        }
    );
    let book = RemedyBook::builtin();
    let text = message(
        book.path("police").unwrap(),
        &case,
        &facts(&book, &profiles, Lang::En, "theft_or_fraud"),
    )
    .unwrap();
    for want in [
        "B-20261130-0001",
        "CG-1",
        "CG-2",
        "AAAA",
        "BBBB",
        "¥200.00",
        "b.png",
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
}

#[test]
fn the_same_day_deadline_follows_the_local_day() {
    let tz = cst();
    // 23:59 local on the 30th: due at midnight, a minute later.
    let late = tz
        .with_ymd_and_hms(2026, 11, 30, 23, 59, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        deadline(DeadlineRule::SameDay, Some(late), &|_| tz),
        Some(late + chrono::Duration::minutes(1))
    );
    assert_eq!(deadline(DeadlineRule::None, Some(late), &|_| tz), None);
    assert_eq!(deadline(DeadlineRule::SameDay, None, &|_| tz), None);
}

#[test]
fn screenshots_beyond_the_cap_are_counted_not_kept() {
    let mut ledger = Ledger::default();
    released(&mut ledger, "CG-1", "kaquanmao", ReleaseMode::Simulated, 0);
    let id = OrderId::new("CG-1");
    for i in 0..10_000 {
        ledger.apply(
            Some(&id),
            t("2026-11-30T01:00:00Z"),
            &Event::ScreenshotTaken {
                path: format!("screenshots/x/{i}.png"),
                width: 1,
                height: 1,
                sha256: SHA.into(),
                step: "manual".into(),
                batch: None,
            },
        );
    }
    let o = ledger.get(&id).unwrap();
    assert_eq!(o.shots.kept().len(), crate::core::order::MAX_SHOT_FACTS);
    assert_eq!(o.shots.more(), 10_001 - crate::core::order::MAX_SHOT_FACTS);
}

/// A kaquanmao order released through the real flow, on a manual clock.
fn sent_order(
    dir: &std::path::Path,
) -> (
    crate::core::session::Session,
    std::sync::Arc<crate::core::clock::ManualClock>,
    OrderId,
) {
    use crate::core::flow::OrderFlow;
    let (mut s, clock) = crate::core::test_support::open(dir);
    let mut flow = OrderFlow::default();
    flow.choose_channel("kaquanmao".into());
    *flow.draft.code_raw = "QW23ER45TY67UP9Z".to_owned();
    flow.draft.face_value = Some(Fen(50_000));
    let id = flow.submit_for_review(&mut s).unwrap().expect("ready");
    flow.show_confirmation(&mut s, &id, false)
        .unwrap()
        .expect("shown");
    s.confirm(&id).unwrap();
    clock.advance_ms(s.settings().hold_s as i64 * 1000 + 1);
    s.catch_up().unwrap();
    flow.release_due(&mut s, &id).unwrap();
    assert_eq!(s.order(&id).unwrap().phase, Phase::InWindow);
    (s, clock, id)
}

#[test]
fn every_step_is_journaled_and_a_closing_window_changes_the_path_on_record() {
    use crate::core::test_support::events;
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock, id) = sent_order(dir.path());
    let (mut a, journaled) = Assistant::open(&mut s, Subject::Order(id.clone())).unwrap();
    journaled.unwrap();
    let opened = events(dir.path(), "remedy_opened");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].0.as_ref(), Some(&id));
    assert_eq!(opened[0].1["standing"], "cancel_in_app");
    // A window is open: the path is on record at once, asking nothing.
    let chosen = events(dir.path(), "remedy_path_chosen");
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].1["path"], CANCEL_IN_APP);
    assert!(chosen[0].1["problem"].is_null());
    // An answer the book does not have changes nothing.
    a.choose(&mut s, "no_such_problem").unwrap();
    assert_eq!(a.problem(), None);
    a.choose(&mut s, "submitted_twice").unwrap();
    let advice = a.advice(&s).unwrap();
    assert_eq!(advice.route.unwrap().path_id(), CANCEL_IN_APP);
    // Nothing new happened: following journals nothing more.
    a.follow(&mut s).unwrap();
    assert_eq!(events(dir.path(), "remedy_path_chosen").len(), 2);
    // The window runs out while the person reads: now the freeze request.
    clock.advance_ms(480_000);
    s.catch_up().unwrap();
    a.follow(&mut s).unwrap();
    let chosen = events(dir.path(), "remedy_path_chosen");
    assert_eq!(chosen.len(), 3);
    assert_eq!(chosen[1].1["path"], CANCEL_IN_APP);
    assert_eq!(chosen[1].1["problem"], "submitted_twice");
    assert_eq!(chosen[2].1["path"], "freeze");
    assert_eq!(chosen[2].1["problem"], "submitted_twice");
    assert!(chosen[2].1["deadline"].is_string());

    let text = a.message(&s, Lang::En).unwrap();
    assert!(text.contains("•••• •••• •••• UP9Z"), "{text}");
    assert!(!text.contains("QW23"), "{text}");
    let saved = a.save_message(&mut s, Lang::Zh).unwrap().unwrap();
    saved.journaled.unwrap();
    let saved = saved.file;
    assert!(saved.starts_with(dir.path().join("exports")));
    let on_disk = std::fs::read_to_string(&saved).unwrap();
    assert!(on_disk.contains("冻结申请") && !on_disk.contains("QW23"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    a.handed(&mut s, Lang::En, &text, Handed::Copied, None)
        .unwrap();
    let prepared = events(dir.path(), "remedy_message_prepared");
    assert_eq!(prepared.len(), 2);
    assert_eq!(prepared[0].1["action"], "save");
    assert_eq!(prepared[0].1["lang"], "zh-CN");
    assert_eq!(
        prepared[0].1["sha256"],
        crate::core::journal::sha256_hex(on_disk.as_bytes())
    );
    assert_eq!(prepared[1].1["action"], "copy");
    assert_eq!(prepared[1].1["file"], serde_json::Value::Null);
    // Nothing in the journal holds more of the code than its last four.
    let journal = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    assert!(!journal.contains("QW23ER45"));
}

#[test]
fn an_order_the_ledger_does_not_have_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = crate::core::test_support::open(dir.path());
    let before = s.journal_next_seq();
    let a = Assistant::open(&mut s, Subject::Order(OrderId::new("CG-404")));
    assert!(a.is_none());
    assert_eq!(s.journal_next_seq(), before);
}

#[test]
fn a_clock_change_the_night_of_the_release_moves_the_same_day_deadline_with_it() {
    // A zone that goes from +01:00 to +02:00 at 2026-03-29 01:00 UTC.
    let cet = FixedOffset::east_opt(3600).unwrap();
    let cest = FixedOffset::east_opt(7200).unwrap();
    let change = t("2026-03-29T01:00:00Z");
    let offsets = move |at: DateTime<Utc>| if at < change { cet } else { cest };
    // Released 23:30 local (+01:00) on the 28th: due at local midnight,
    // still +01:00, whatever the offset when the assistant is opened.
    let released = t("2026-03-28T22:30:00Z");
    assert_eq!(
        deadline(DeadlineRule::SameDay, Some(released), &offsets),
        Some(t("2026-03-28T23:00:00Z"))
    );
    // Autumn: +02:00 → +01:00 at 2026-10-25 01:00 UTC; midnight of the
    // 24th is still +02:00.
    let back = t("2026-10-25T01:00:00Z");
    let autumn = move |at: DateTime<Utc>| if at < back { cest } else { cet };
    assert_eq!(
        deadline(
            DeadlineRule::SameDay,
            Some(t("2026-10-24T21:30:00Z")),
            &autumn
        ),
        Some(t("2026-10-24T22:00:00Z"))
    );
    // The message writes each time in the offset of its own moment.
    let mut ledger = Ledger::default();
    released_at(&mut ledger, "CG-1", t("2026-03-28T22:30:00Z"));
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(OrderId::new("CG-1")), &ledger).unwrap();
    let facts = MessageFacts {
        problem: book.problem("submitted_twice"),
        profiles: &profiles,
        lang: Lang::En,
        now: t("2026-03-29T08:00:00Z"),
        offsets: &offsets,
        cards: None,
    };
    let text = message(book.path("freeze").unwrap(), &case, &facts).unwrap();
    assert!(
        text.contains("Code released at: 2026-03-28 23:30:00 +01:00"),
        "{text}"
    );
    assert!(
        text.contains("(Message prepared at 2026-03-29 10:00:00 +02:00)"),
        "{text}"
    );
}

/// A simulated order on Duidui (no window) released at `at`.
fn released_at(ledger: &mut Ledger, id: &str, at: DateTime<Utc>) {
    let id = OrderId::new(id);
    for e in [
        Event::ReviewShown {
            channel: ChannelId::from("duidui"),
            face_value_fen: Fen(10_000),
            payout_fen: Fen(9_000),
            masked: "•••• •••• •••• 7F3K".into(),
            fingerprint: "f".into(),
            cancel_window_ms: 0,
            release_mode: ReleaseMode::Simulated,
            batch: None,
        },
        Event::Confirmed {
            hold_s: 0,
            hold_until: at,
        },
        Event::Released {
            mode: ReleaseMode::Simulated,
            window_ends: None,
            verify_at: None,
            clipboard_until: None,
        },
    ] {
        assert!(ledger.apply(Some(&id), at, &e));
    }
}

#[test]
fn ids_and_file_names_that_are_not_the_apps_own_are_masked_in_the_message() {
    let mut ledger = Ledger::default();
    let at = t("2026-11-30T01:00:00Z");
    released_at(&mut ledger, "QW23ER45TY67UP9Z", at);
    let id = OrderId::new("QW23ER45TY67UP9Z");
    for name in [
        "QW23ER45TY67UP9Z.png",
        "20261130-090000_CG-20261130-0001_review.png",
        "20261130-090000_CG-20261130-0001_window_closed-2.png",
    ] {
        ledger.apply(
            Some(&id),
            at,
            &Event::ScreenshotTaken {
                path: format!("screenshots/2026-11/{name}"),
                width: 1,
                height: 1,
                sha256: SHA.into(),
                step: "manual".into(),
                batch: None,
            },
        );
    }
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(id), &ledger).unwrap();
    let text = message(
        book.path("appeal").unwrap(),
        &case,
        &facts(&book, &profiles, Lang::En, "sent_by_mistake"),
    )
    .unwrap();
    assert!(!text.contains("QW23ER45"), "{text}");
    assert!(text.contains("Order: ••••••••••••UP9Z"), "{text}");
    // The app's own names are kept as they are, to be found in the bundle.
    assert!(text.contains("- 20261130-090000_CG-20261130-0001_review.png  SHA-256"));
    assert!(text.contains("_CG-20261130-0001_window_closed-2.png  SHA-256"));
}

#[test]
fn a_batch_still_sending_is_paused_first_and_its_message_leaves_out_cancelled_cards() {
    let mut ledger = Ledger::default();
    let batch = BatchId::from("B-20261130-0001");
    let at = t("2026-11-30T01:00:00Z");
    ledger.apply(
        None,
        at,
        &Event::BatchConfirmed {
            batch: batch.clone(),
            channel: ChannelId::from("kaquanmao"),
            count: 3,
            face_value_fen: Fen(30_000),
            payout_fen: Fen(27_600),
            hold_s: 0,
            hold_until: at,
            test_first: false,
        },
    );
    for (n, last4) in [(1, "AAAA"), (2, "BBBB")] {
        let id = OrderId::new(format!("CG-20261130-000{n}"));
        for e in [
            Event::ReviewShown {
                channel: ChannelId::from("kaquanmao"),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_200),
                masked: format!("•••• •••• •••• {last4}"),
                fingerprint: format!("f{n}"),
                cancel_window_ms: 480_000,
                release_mode: ReleaseMode::Simulated,
                batch: Some(batch.clone()),
            },
            Event::Confirmed {
                hold_s: 0,
                hold_until: at,
            },
            Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: Some(at + chrono::Duration::minutes(8)),
                verify_at: None,
                clipboard_until: None,
            },
        ] {
            ledger.apply(Some(&id), at, &e);
        }
    }
    let profiles = builtin_profiles();
    let standing_at = |ledger: &Ledger, now: DateTime<Utc>| {
        Case::of(&Subject::Batch(batch.clone()), ledger)
            .unwrap()
            .standing(|o| profiles.iter().find(|p| p.id == o.channel), now)
    };
    // Two cards out, one to go, windows open: cancelling all (which
    // pauses first) is the path.
    assert!(matches!(
        standing_at(&ledger, at),
        Standing::CancelInApp { count: 2, .. }
    ));
    // Windows closed, still sending: pause before anything else.
    let later = at + chrono::Duration::minutes(9);
    assert_eq!(standing_at(&ledger, later), Standing::Sending);
    let book = RemedyBook::builtin();
    assert_eq!(
        route(&book, Standing::Sending, None, None, &|_| cst()),
        Some(Route::Pause)
    );
    ledger.apply(
        None,
        later,
        &Event::BatchPaused {
            batch: batch.clone(),
            reason: "operator".into(),
        },
    );
    assert_eq!(standing_at(&ledger, later), Standing::Closed);
    // One of the two was cancelled in time: the message is about the other.
    let first = OrderId::new("CG-20261130-0001");
    ledger.apply(
        Some(&first),
        at,
        &Event::Cancelled {
            fee_fen: Fen(1_000),
        },
    );
    let case = Case::of(&Subject::Batch(batch.clone()), &ledger).unwrap();
    let text = message(
        book.path("freeze").unwrap(),
        &case,
        &facts(&book, &profiles, Lang::En, "submitted_twice"),
    )
    .unwrap();
    assert!(text.contains("orders (1): CG-20261130-0002"), "{text}");
    assert!(text.contains("BBBB") && !text.contains("AAAA"), "{text}");
    assert!(text.contains("Face value: ¥100.00"), "{text}");
}

#[test]
fn a_line_whose_fact_is_missing_is_left_out_rather_than_saying_none() {
    let mut ledger = Ledger::default();
    released_at(&mut ledger, "CG-1", t("2026-11-30T01:00:00Z"));
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(OrderId::new("CG-1")), &ledger).unwrap();
    let mut f = facts(&book, &profiles, Lang::En, "x");
    f.problem = None;
    let text = message(book.path(CHANNEL_CANCEL).unwrap(), &case, &f).unwrap();
    assert!(!text.contains("Problem:"), "{text}");
    // Nor a cancel asked, nor a platform submit for a simulated release.
    assert!(!text.contains("Cancel requested at"), "{text}");
    assert!(!text.contains("Submitted on the platform"), "{text}");
}

#[test]
fn several_cards_each_keep_their_own_times_and_a_clipboard_card_waits_behind_a_window() {
    let mut ledger = Ledger::default();
    let batch = BatchId::from("B-20261130-0001");
    let at = t("2026-11-30T01:00:00Z");
    ledger.apply(
        None,
        at,
        &Event::BatchConfirmed {
            batch: batch.clone(),
            channel: ChannelId::from("kaquanmao"),
            count: 3,
            face_value_fen: Fen(15_000),
            payout_fen: Fen(13_800),
            hold_s: 0,
            hold_until: at,
            test_first: false,
        },
    );
    for (n, released_s, submitted_s) in [(1, 0, Some(10)), (2, 20, Some(30)), (3, 40, None)] {
        let id = OrderId::new(format!("CG-20261130-000{n}"));
        let rel = at + chrono::Duration::seconds(released_s);
        for e in [
            Event::ReviewShown {
                channel: ChannelId::from("kaquanmao"),
                face_value_fen: Fen(5_000),
                payout_fen: Fen(4_600),
                masked: format!("•••• •••• •••• 000{n}"),
                fingerprint: format!("f{n}"),
                cancel_window_ms: 480_000,
                release_mode: ReleaseMode::Manual,
                batch: Some(batch.clone()),
            },
            Event::Confirmed {
                hold_s: 0,
                hold_until: rel,
            },
            Event::Released {
                mode: ReleaseMode::Manual,
                window_ends: None,
                verify_at: None,
                clipboard_until: Some(rel + chrono::Duration::seconds(60)),
            },
        ] {
            ledger.apply(Some(&id), rel, &e);
        }
        if let Some(s) = submitted_s {
            let sub = at + chrono::Duration::seconds(s);
            ledger.apply(
                Some(&id),
                sub,
                &Event::PlatformSubmitted {
                    window_ends: sub + chrono::Duration::minutes(8),
                },
            );
        }
    }
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Batch(batch), &ledger).unwrap();
    let now = at + chrono::Duration::minutes(1);
    // Card 3 is still on the clipboard, but cards 1 and 2 have a window
    // open on the platform: that comes first.
    assert!(matches!(
        case.standing(|o| profiles.iter().find(|p| p.id == o.channel), now),
        Standing::CancelOnPlatform { .. }
    ));
    let on_platform: Vec<&str> = case
        .on_platform(now)
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(on_platform, ["CG-20261130-0001", "CG-20261130-0002"]);
    let book = RemedyBook::builtin();
    let ids: Vec<OrderId> = case.on_platform(now).iter().map(|o| o.id.clone()).collect();
    let mut f = facts(&book, &profiles, Lang::En, "x");
    f.problem = None;
    f.cards = Some(&ids);
    let text = message(book.path(CHANNEL_CANCEL).unwrap(), &case, &f).unwrap();
    // Each card's own release and submit time, by its id; card 3 nowhere.
    assert!(
        text.contains(
            "Code released at: CG-20261130-0001 2026-11-30 09:00:00 +08:00, \
             CG-20261130-0002 2026-11-30 09:00:20 +08:00"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Submitted on the platform at: CG-20261130-0001 2026-11-30 09:00:10 +08:00, \
             CG-20261130-0002 2026-11-30 09:00:30 +08:00"
        ),
        "{text}"
    );
    assert!(!text.contains("0003"), "{text}");
    assert!(
        !text.contains("inside your published cancel time"),
        "no claim it cannot know"
    );
}

#[test]
fn a_simulated_release_has_no_separate_platform_submit_line() {
    let mut ledger = Ledger::default();
    released(
        &mut ledger,
        "CG-1",
        "kaquanmao",
        ReleaseMode::Simulated,
        480,
    );
    let book = RemedyBook::builtin();
    let profiles = builtin_profiles();
    let case = Case::of(&Subject::Order(OrderId::new("CG-1")), &ledger).unwrap();
    let text = message(
        book.path("freeze").unwrap(),
        &case,
        &facts(&book, &profiles, Lang::En, "submitted_twice"),
    )
    .unwrap();
    assert!(text.contains("Code released at: "), "{text}");
    assert!(!text.contains("Submitted on the platform"), "{text}");
}
