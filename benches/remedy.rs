//! The remedy assistant's per-frame cost: what the app knows, the path and
//! the message, for one order and for a 500-card batch (its screen redraws
//! them every frame while it is open; the countdown repaints each second).

use cardguard::core::clock::ManualClock;
use cardguard::core::event::{Event, ReleaseMode};
use cardguard::core::flow::Subject;
use cardguard::core::ids::{BatchId, OrderId};
use cardguard::core::money::Fen;
use cardguard::core::remedy::Assistant;
use cardguard::core::session::{Paths, Session};
use cardguard::i18n::Lang;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// `n` orders released (one screenshot each), in batch `batch` when given.
fn released(s: &mut Session, n: usize, batch: Option<&BatchId>) -> Vec<OrderId> {
    if let Some(b) = batch {
        let now = s.now();
        s.record(
            None,
            Event::BatchConfirmed {
                batch: b.clone(),
                channel: "kaquanmao".into(),
                count: n,
                face_value_fen: Fen(10_000 * n as i64),
                payout_fen: Fen(9_200 * n as i64),
                hold_s: 0,
                hold_until: now,
                test_first: false,
            },
        )
        .unwrap();
    }
    (0..n)
        .map(|i| {
            // Ids apart from the single order's (one id is one order).
            let id = OrderId::new(format!("CG-20261127-{}{i:04}", u8::from(batch.is_some())));
            let now = s.now();
            let events = [
                Event::ReviewShown {
                    channel: "kaquanmao".into(),
                    face_value_fen: Fen(10_000),
                    payout_fen: Fen(9_200),
                    masked: format!("•••• •••• •••• {i:04}"),
                    fingerprint: format!("fp{i}"),
                    cancel_window_ms: 480_000,
                    release_mode: ReleaseMode::Simulated,
                    batch: batch.cloned(),
                },
                Event::ScreenshotTaken {
                    path: format!("screenshots/2026-11/20261127-090000_{id}_review.png"),
                    width: 1000,
                    height: 760,
                    sha256: "ab".repeat(32),
                    step: "review".into(),
                    batch: None,
                },
                Event::Confirmed {
                    hold_s: 0,
                    hold_until: now,
                },
                Event::Released {
                    mode: ReleaseMode::Simulated,
                    window_ends: Some(now + chrono::Duration::minutes(8)),
                    verify_at: None,
                    clipboard_until: None,
                },
            ];
            for e in events {
                s.record(Some(&id), e).unwrap();
            }
            id
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::fixed();
    let mut s = Session::open(Paths::in_one_dir(dir.path()), clock.clone()).unwrap();
    let order = released(&mut s, 1, None).remove(0);
    let batch = BatchId::from("B-20261127-0001");
    let cards = released(&mut s, 500, Some(&batch));
    // Past every window: the question is answered and the message drawn.
    clock.advance_ms(600_000);
    s.catch_up().unwrap();
    for (name, subject) in [
        ("one order", Subject::Order(order)),
        ("a 500-card batch", Subject::Batch(batch)),
    ] {
        let batch = matches!(subject, Subject::Batch(_));
        let (mut a, journaled) = Assistant::open(&mut s, subject).unwrap();
        journaled.unwrap();
        a.choose(&mut s, "submitted_twice").unwrap();
        // A batch's message is about the cards ticked: all of them here.
        if batch {
            for c in &cards {
                a.tick_card(c.clone(), true);
            }
        }
        assert!(a.message(&s, Lang::Zh).is_some());
        c.bench_function(&format!("remedy: advice (per frame), {name}"), |b| {
            b.iter(|| black_box(a.advice(&s).map(|x| x.standing)))
        });
        c.bench_function(&format!("remedy: message (per frame), {name}"), |b| {
            b.iter(|| black_box(a.message(&s, Lang::Zh)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
