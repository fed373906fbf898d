use super::*;
use crate::core::guard::Verdict;
use crate::core::settings::Settings;
use crate::core::test_support::{click_confirm, events, open};
use serde_json::Value;

const GOOD: &[u8] = b"card,face\nAAAA1111BBBB2222,100\nCCCC3333DDDD4444,50\nEEEE5555FFFF6666,200\n";
/// Row 3 (the second card) is not a code.
const ONE_BAD: &[u8] = b"card,face\nAAAA1111BBBB2222,100\nXXXX,50\n";

fn loaded(s: &mut Session, bytes: &[u8]) -> BatchDesk {
    let mut desk = BatchDesk::default();
    desk.choose_channel("kaquanmao".into(), s);
    desk.load(bytes, "cards.csv", s).unwrap();
    desk
}

#[test]
fn a_load_journals_batch_imported_with_the_file_name_masked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let mut desk = BatchDesk::default();
    desk.choose_channel("kaquanmao".into(), &s);
    desk.load(GOOD, "/secret/folder/QW23ER45TY67UI89.csv", &mut s)
        .unwrap();
    let id = desk.id.clone().expect("journaled id");
    let imported = events(dir.path(), "batch_imported");
    assert_eq!(imported.len(), 1);
    let (order, data) = &imported[0];
    assert_eq!(*order, None, "batch-level");
    assert_eq!(data["batch"], Value::from(id.as_str()));
    assert_eq!(data["rows"], Value::from(3));
    assert_eq!(data["errors"], Value::from(0));
    assert_eq!(data["encoding"], Value::from("utf8"));
    let source = data["source"].as_str().unwrap();
    assert!(source.ends_with("UI89.csv"), "{source}");
    assert!(
        !source.contains("QW23") && !source.contains("folder"),
        "{source}"
    );
    assert_eq!(desk.subject(), Some(&id));
    assert!(
        desk.channel.is_some(),
        "the channel the rows were checked for"
    );
}

#[test]
fn a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let mut desk = loaded(&mut s, GOOD);
    let id = desk.id.clone();
    let lines = s.journal_next_seq();
    for bad in [&b""[..], b"card,face\n", b"\0\0\0binary"] {
        let e = desk.load(bad, "bad.csv", &mut s).unwrap_err();
        assert!(matches!(e, LoadError::Import(_)), "{e:?}");
        assert!(e.key().starts_with("batch."), "{}", e.key());
    }
    assert_eq!(desk.id, id);
    assert_eq!(desk.batch.as_ref().map(|b| b.rows.len()), Some(3));
    assert_eq!(s.journal_next_seq(), lines, "nothing journaled");
}

#[test]
fn not_ready_says_why_until_every_row_is_valid_and_every_threshold_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    assert_eq!(
        BatchDesk::default().not_ready(&s),
        None,
        "no batch: nothing to say"
    );
    let mut desk = loaded(&mut s, ONE_BAD);
    assert_eq!(desk.not_ready(&s), Some("batch.not_ready"));
    desk.apply_fix(
        3,
        Zeroizing::new("CCCC3333DDDD4444".into()),
        "50".into(),
        &s,
    );
    assert_eq!(desk.not_ready(&s), None, "fixed");
    desk.drop_row(2, &s);
    desk.drop_row(3, &s);
    assert_eq!(desk.not_ready(&s), Some("batch.not_ready_empty"));

    let low = Settings {
        batch_limit_fen: Fen(10_000),
        ..s.settings().clone()
    };
    s.update_settings(low).unwrap();
    let mut desk = loaded(&mut s, GOOD);
    assert_eq!(desk.not_ready(&s), Some("batch.not_ready_ack"));
    assert!(desk.show_confirmation(&mut s, false).unwrap().is_none());
    desk.acknowledge(&mut s, LimitKind::BatchTotal).unwrap();
    assert_eq!(desk.not_ready(&s), None);
    // A fix that grows the total past what was acknowledged asks again.
    desk.apply_fix(
        4,
        Zeroizing::new("EEEE5555FFFF6666".into()),
        "500".into(),
        &s,
    );
    assert_eq!(desk.not_ready(&s), Some("batch.not_ready_ack"));
}

#[test]
fn an_acknowledgement_is_journaled_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = open(dir.path());
    let low = Settings {
        batch_limit_fen: Fen(10_000),
        ..s.settings().clone()
    };
    s.update_settings(low).unwrap();
    let desk = loaded(&mut s, GOOD);
    // Nothing to acknowledge for a threshold this batch does not cross.
    desk.acknowledge(&mut s, LimitKind::DailyTotal).unwrap();
    for _ in 0..3 {
        desk.acknowledge(&mut s, LimitKind::BatchTotal).unwrap();
    }
    let acks = events(dir.path(), "limit_acknowledged");
    assert_eq!(acks.len(), 1, "{acks:?}");
    let (order, data) = &acks[0];
    assert_eq!(*order, None);
    assert_eq!(data["limit"], Value::from("batch_total"));
    assert_eq!(data["amount_fen"], Value::from(35_000));
    assert_eq!(data["limit_fen"], Value::from(10_000));
    assert_eq!(data["channel"], Value::from("kaquanmao"));
}

#[test]
fn the_batch_confirmation_is_journaled_at_batch_level_and_asks_for_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let desk = loaded(&mut s, GOOD);
    let id = desk.id.clone().unwrap();
    let mut c = desk.show_confirmation(&mut s, false).unwrap().unwrap();
    assert_eq!(c.subject, Subject::Batch(id.clone()));
    assert_eq!(c.expected, TypeToConfirm::Total(Fen(35_000)));
    let decided = events(dir.path(), "guard_decided");
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].0, None);
    assert_eq!(decided[0].1["batch"], Value::from(id.as_str()));
    // Decided on the batch: its total the value, its count part of the risk.
    let ctx = s.batch_guard_context(Fen(35_000), s.profile(&"kaquanmao".into()).unwrap(), 3);
    assert_eq!((ctx.face_value_fen, ctx.batch_count), (35_000, 3));
    assert_eq!(
        (ctx.code_pasted, ctx.duplicate, ctx.entry_ms),
        (false, false, u64::MAX)
    );
    let plan = crate::core::guard::behaviour::Plan::for_context(&ctx);
    let want = Event::guard_decided(&plan, ctx.sensitivity, Some(id.clone()));
    assert_eq!(decided[0].1, want.data());

    clock.advance_ms(100);
    let v = click_confirm(&mut c, &mut s);
    assert!(matches!(v, Verdict::Swallowed(_)), "{v:?}");
    let swallowed = events(dir.path(), "confirm_swallowed");
    assert_eq!(swallowed.len(), 1);
    assert_eq!(swallowed[0].0, None);
    assert_eq!(swallowed[0].1["batch"], Value::from(id.as_str()));
}

#[test]
fn start_run_drops_the_batch_and_its_codes_live_in_the_run_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let mut desk = loaded(&mut s, GOOD);
    desk.test_first = Some(false);
    let id = desk.id.clone().unwrap();
    desk.start_run(&mut s).unwrap();
    assert!(desk.batch.is_none(), "no second copy of the codes");
    let run = desk.run.as_ref().expect("running");
    assert_eq!((run.id.as_str(), run.items.len()), (id.as_str(), 3));
    assert_eq!(events(dir.path(), "batch_confirmed").len(), 1);
    assert!(desk.busy() && !desk.close(), "a busy run is not put away");
    assert!(desk.show_confirmation(&mut s, false).unwrap().is_none());
    assert_eq!(desk.subject(), Some(&id));

    let mut ended = Vec::new();
    for _ in 0..60 {
        clock.advance_ms(250);
        s.catch_up().unwrap();
        let a = desk.advance(&mut s).unwrap();
        assert!(
            a.for_clipboard.is_empty(),
            "simulated: nothing for the clipboard"
        );
        ended.extend(a.now_finished_or_paused);
    }
    assert_eq!(ended, [RunPhase::Finished], "said once");
    assert!(!desk.busy());
    assert!(desk.close());
    assert!(desk.run.is_none() && desk.id.is_none() && desk.subject().is_none());
    assert_eq!(desk.channel, Some("kaquanmao".into()), "the channel stays");
}

#[test]
fn a_manual_hand_off_gives_each_code_for_the_clipboard_and_the_test_card_pauses() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = open(dir.path());
    let manual = Settings {
        release_mode: crate::core::event::ReleaseMode::Manual,
        ..s.settings().clone()
    };
    s.update_settings(manual).unwrap();
    let mut desk = loaded(&mut s, GOOD);
    assert!(
        desk.test_first(&s),
        "on by default for a channel's first batch"
    );
    desk.start_run(&mut s).unwrap();
    let (mut codes, mut ended) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        clock.advance_ms(250);
        let a = desk.advance(&mut s).unwrap();
        codes.extend(a.for_clipboard.iter().map(|c| c.as_str().to_owned()));
        ended.extend(a.now_finished_or_paused);
    }
    // The smallest card first, then a pause to check it arrived.
    assert_eq!(codes, ["CCCC3333DDDD4444"]);
    assert_eq!(ended, [RunPhase::Paused(PauseReason::TestCard)]);
    assert!(
        !format!(
            "{:?}",
            Advanced {
                for_clipboard: vec![Zeroizing::new("CCCC3333DDDD4444".into())],
                now_finished_or_paused: None
            }
        )
        .contains("CCCC")
    );
}
