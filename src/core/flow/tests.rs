use super::*;
use crate::core::clock::ManualClock;
use crate::core::event::ReleaseMode;
use crate::core::guard::{GuardInput, Reason, Verdict};
use crate::core::ids::OrderId;
use crate::core::order::Phase;
use crate::core::session::Session;
use crate::core::settings::Settings;
use crate::core::test_support::{click_confirm, journal, open};
use serde_json::Value;
use std::path::Path;

const CODE: &str = "AAAA1111BBBB2222";

fn with_mode(s: &mut Session, release_mode: ReleaseMode) {
    let settings = Settings {
        release_mode,
        ..s.settings().clone()
    };
    s.update_settings(settings).unwrap();
}

fn kinds_of(dir: &Path, order: &OrderId) -> Vec<String> {
    journal(dir)
        .into_iter()
        .filter(|(o, _, _)| o.as_ref() == Some(order))
        .map(|(_, k, _)| k)
        .collect()
}

fn fill(flow: &mut OrderFlow, channel: &str, code: &str, face: Fen) {
    flow.choose_channel(channel.into());
    *flow.draft.code_raw = code.to_owned();
    flow.draft.face_value = Some(face);
}

/// Through review and confirmation to the hold; returns the order id.
fn hold(flow: &mut OrderFlow, s: &mut Session) -> OrderId {
    let id = flow.submit_for_review(s).unwrap().expect("ready");
    flow.show_confirmation(s, &id, false)
        .unwrap()
        .expect("shown");
    s.confirm(&id).unwrap();
    id
}

/// Lets the hold run out; returns the holds now due.
fn end_hold(s: &mut Session, clock: &ManualClock) -> Vec<OrderId> {
    clock.advance_ms(s.settings().hold_s as i64 * 1000 + 1);
    s.catch_up().unwrap().holds_due
}

#[test]
fn each_entry_step_is_journaled_once_when_it_becomes_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let mut flow = OrderFlow::default();
    flow.choose_channel("kaquanmao".into());
    flow.journal_entry_steps(&mut s).unwrap();
    assert_eq!(flow.order_id(), None, "nothing started: nothing journaled");
    *flow.draft.code_raw = "AAAA1111".into();
    flow.journal_entry_steps(&mut s).unwrap();
    *flow.draft.code_raw = CODE.into();
    for _ in 0..3 {
        flow.journal_entry_steps(&mut s).unwrap();
    }
    flow.draft.face_value = Some(Fen(10_000));
    for _ in 0..3 {
        flow.journal_entry_steps(&mut s).unwrap();
    }
    flow.draft.face_value = Some(Fen(20_000));
    flow.journal_entry_steps(&mut s).unwrap();
    let id = flow.order_id().expect("an order id from the first step");
    assert_eq!(
        kinds_of(dir.path(), id),
        [
            "channel_chosen",
            "code_entered",
            "face_value_set",
            "face_value_set"
        ]
    );
}

#[test]
fn a_new_channel_journals_every_step_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    flow.journal_entry_steps(&mut s).unwrap();
    flow.choose_channel("kaquanmao".into());
    flow.journal_entry_steps(&mut s).unwrap();
    flow.choose_channel("suhuishou".into());
    flow.journal_entry_steps(&mut s).unwrap();
    let id = flow.order_id().unwrap();
    let steps = ["channel_chosen", "code_entered", "face_value_set"];
    assert_eq!(kinds_of(dir.path(), id), [steps, steps].concat());
    let chosen: Vec<Value> = journal(dir.path())
        .into_iter()
        .filter(|(_, k, _)| k == "channel_chosen")
        .map(|(_, _, d)| d["channel"].clone())
        .collect();
    assert_eq!(chosen, ["kaquanmao", "suhuishou"]);
}

#[test]
fn a_duplicate_not_acknowledged_stops_at_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    let first = hold(&mut flow, &mut s);
    assert_eq!(end_hold(&mut s, &clock), vec![first.clone()]);
    flow.release_due(&mut s, &first).unwrap();

    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    assert_eq!(flow.submit_for_review(&mut s).unwrap(), None);
    let second = flow.order_id().unwrap().to_owned();
    assert_eq!(
        kinds_of(dir.path(), &second),
        ["channel_chosen", "code_entered", "face_value_set"],
        "stopped before the review"
    );
    let entered = journal(dir.path())
        .into_iter()
        .filter(|(o, k, _)| o.as_ref() == Some(&second) && k == "code_entered")
        .map(|(_, _, d)| d)
        .next()
        .unwrap();
    assert_eq!(entered["already_released"], Value::Bool(true));
    assert!(
        !entered.to_string().contains(first.as_str()),
        "names no other order: {entered}"
    );

    flow.draft.duplicate_ack = true;
    assert_eq!(
        flow.submit_for_review(&mut s).unwrap(),
        Some(second.clone())
    );
    assert_eq!(s.order(&second).unwrap().phase, Phase::Reviewing);
}

#[test]
fn the_review_is_journaled_by_the_one_constructor() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "suhuishou", CODE, Fen(10_000));
    let id = flow.submit_for_review(&mut s).unwrap().unwrap();
    let profile = s.profile(&"suhuishou".into()).unwrap().clone();
    let secret = flow.draft.secret(&profile).unwrap();
    let want = review_shown(
        &profile,
        Fen(10_000),
        &secret,
        s.fingerprint(&secret),
        ReleaseMode::Simulated,
        None,
    );
    let (_, _, data) = journal(dir.path())
        .into_iter()
        .rfind(|(o, k, _)| o.as_ref() == Some(&id) && k == "review_shown")
        .unwrap();
    assert_eq!(data, want.data());
    assert_eq!(
        data["payout_fen"],
        Value::from(profile.payout(Fen(10_000)).0)
    );
}

#[test]
fn a_hold_whose_code_is_gone_is_interrupted_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    let id = hold(&mut flow, &mut s);
    // A new draft: the held order's code is no longer in memory.
    flow.reset_keeping_channel();
    assert_eq!(end_hold(&mut s, &clock), vec![id.clone()]);
    assert!(matches!(
        flow.release_due(&mut s, &id).unwrap(),
        Released::Interrupted
    ));
    assert_eq!(s.order(&id).unwrap().phase, Phase::Interrupted);
    let kinds = kinds_of(dir.path(), &id);
    assert_eq!(kinds.last().unwrap(), "hold_interrupted");
    assert!(!kinds.contains(&"released".to_owned()));
}

#[test]
fn a_manual_hand_off_returns_the_code_for_the_clipboard_a_simulated_release_does_not() {
    for (mode, want) in [
        (ReleaseMode::Simulated, None),
        (ReleaseMode::Manual, Some(CODE)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, clock) = open(dir.path());
        with_mode(&mut s, mode);
        let mut flow = OrderFlow::default();
        // Typed with separators: the clipboard gets the code as it is sent.
        fill(&mut flow, "kaquanmao", "aaaa-1111-bbbb-2222", Fen(10_000));
        let id = hold(&mut flow, &mut s);
        end_hold(&mut s, &clock);
        let Released::Sent {
            event,
            for_clipboard,
        } = flow.release_due(&mut s, &id).unwrap()
        else {
            panic!("{mode:?}: not sent");
        };
        assert!(matches!(*event, Event::Released { mode: m, .. } if m == mode));
        assert_eq!(
            for_clipboard.as_deref().map(String::as_str),
            want,
            "{mode:?}"
        );
        assert!(s.order(&id).unwrap().phase.is_released());
        // The draft starts afresh on the same channel.
        assert_eq!(flow.order_id(), None);
        assert!(flow.draft.code_raw.is_empty());
        assert_eq!(flow.draft.channel, Some("kaquanmao".into()));
    }
}

#[test]
fn cancel_says_done_with_the_fee_requested_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    let id = hold(&mut flow, &mut s);
    end_hold(&mut s, &clock);
    flow.release_due(&mut s, &id).unwrap();
    let fee = s
        .profile(&"kaquanmao".into())
        .unwrap()
        .cancel_fee(Fen(10_000));
    assert_eq!(
        OrderFlow::cancel(&mut s, &id).unwrap(),
        Cancelled::Done { fee }
    );
    assert!(matches!(
        OrderFlow::cancel(&mut s, &id).unwrap(),
        Cancelled::Refused { .. }
    ));

    // A manual hand-off: the cancel is a request made on the platform.
    with_mode(&mut s, ReleaseMode::Manual);
    fill(&mut flow, "kaquanmao", "CCCC3333DDDD4444", Fen(10_000));
    let id = hold(&mut flow, &mut s);
    end_hold(&mut s, &clock);
    flow.release_due(&mut s, &id).unwrap();
    s.platform_submitted(&id).unwrap();
    assert_eq!(
        OrderFlow::cancel(&mut s, &id).unwrap(),
        Cancelled::Requested
    );
}

#[test]
fn undo_sends_nothing_and_the_step_shows_again_with_a_fresh_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    let id = hold(&mut flow, &mut s);
    flow.undo(&mut s).unwrap();
    assert_eq!(s.order(&id).unwrap().phase, Phase::Reviewing);
    let c = flow.show_confirmation(&mut s, &id, false).unwrap().unwrap();
    assert_eq!(c.expected, TypeToConfirm::Last4("2222".into()));
    assert!(end_hold(&mut s, &clock).is_empty(), "nothing left to send");
    let kinds = kinds_of(dir.path(), &id);
    let decided = kinds.iter().filter(|k| *k == "guard_decided").count();
    assert_eq!((decided, kinds.contains(&"undone".to_owned())), (2, true));
}

/// A ¥100 order on Kaquanmao, on its confirmation step.
fn on_review(s: &mut Session) -> (OrderId, Confirmation) {
    let mut flow = OrderFlow::default();
    fill(&mut flow, "kaquanmao", CODE, Fen(10_000));
    let id = flow.submit_for_review(s).unwrap().unwrap();
    let c = flow.show_confirmation(s, &id, false).unwrap().unwrap();
    (id, c)
}

#[test]
fn an_ignored_attempt_is_journaled_on_the_order_and_a_confirm_is_left_to_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let (id, mut c) = on_review(&mut s);
    clock.advance_ms(100);
    let v = click_confirm(&mut c, &mut s);
    assert!(matches!(v, Verdict::Swallowed(_)), "{v:?}");
    assert!(c.swallowed.is_some());
    let (order, _, data) = journal(dir.path())
        .into_iter()
        .find(|(_, k, _)| k == "confirm_swallowed")
        .unwrap();
    assert_eq!(order, Some(id.clone()));
    assert_eq!(data["at_ms"], Value::from(100));
    assert!(data.get("batch").is_none());

    // Later, deliberately: confirmed, but the order is the caller's to confirm.
    clock.advance_ms(5_000);
    let mut d = crate::core::demo::Deliberate::default();
    let mut verdicts = Vec::new();
    for _ in 0..32 {
        let now = s.now();
        for input in d.next(&c.view(now), c.at_ms(now)) {
            verdicts.push(c.observe(&mut s, input).unwrap());
        }
        match d.wait_ms(&c.view(now), c.at_ms(now)) {
            Some(ms) => clock.advance_ms(ms as i64),
            None => break,
        }
    }
    assert_eq!(verdicts.last(), Some(&Verdict::Confirmed));
    assert_eq!(s.order(&id).unwrap().phase, Phase::Reviewing);
}

#[test]
fn type_to_confirm_matches_the_last_four_or_the_total() {
    let l = TypeToConfirm::Last4("AB12".into());
    assert!(l.matches(" ab12 ") && !l.matches("AB1") && !l.matches(""));
    assert!(!TypeToConfirm::Last4(String::new()).matches(""));
    let t = TypeToConfirm::Total(Fen(35_000));
    assert!(t.matches("350") && t.matches("¥350.00") && t.matches("３５０"));
    assert!(!t.matches("35") && !t.matches("350.01") && !t.matches("x"));
}

#[test]
fn a_subject_is_an_order_or_a_batch() {
    let o = Subject::Order("CG-1".into());
    let b = Subject::Batch("B-1".into());
    assert_eq!((o.order(), o.batch()), (Some(&"CG-1".into()), None));
    assert_eq!((b.order(), b.batch()), (None, Some(&"B-1".into())));
}

#[test]
fn a_held_enter_is_journaled_once_per_press_not_once_per_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let (_, mut c) = on_review(&mut s);
    let press = |c: &mut Confirmation, s: &mut Session, repeats: usize| {
        c.observe(
            s,
            GuardInput::KeyDown {
                enter: true,
                repeat: false,
            },
        )
        .unwrap();
        for _ in 0..repeats {
            let v = c
                .observe(
                    s,
                    GuardInput::KeyDown {
                        enter: true,
                        repeat: true,
                    },
                )
                .unwrap();
            assert!(matches!(v, Verdict::Swallowed(_)), "{v:?}");
        }
        c.observe(s, GuardInput::KeyUp { enter: true }).unwrap();
    };
    let repeats = |dir: &Path| {
        crate::core::test_support::events(dir, "confirm_swallowed")
            .into_iter()
            .filter(|(_, d)| d["reason"] == "guard.key_repeat")
            .count()
    };
    clock.advance_ms(50);
    press(&mut c, &mut s, 40);
    assert_eq!(repeats(dir.path()), 1, "forty repeats of one press");
    assert!(matches!(c.swallowed, Some((Reason::KeyRepeat, _))));
    clock.advance_ms(50);
    press(&mut c, &mut s, 3);
    assert_eq!(repeats(dir.path()), 2, "a second press is a second line");
}
