//! Journal and evidence figures: append (with and without fdatasync),
//! verify a 1 000 000-event journal, replay 100 000 events on start, and
//! encode + hash a 1280×800 screenshot.

use cardguard::core::clock::ManualClock;
use cardguard::core::event::Event;
use cardguard::core::evidence::verify_dir;
use cardguard::core::ids::OrderId;
use cardguard::core::journal::{GENESIS, JOURNAL_FILE, Journal, render_line};
use cardguard::core::money::Fen;
use cardguard::core::screenshot::encode_png;
use cardguard::core::session::{Paths, Session};
use chrono::{DateTime, FixedOffset, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;

fn ts() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Writes `n` realistic order events (7 per order) as a journal file.
fn write_journal(dir: &std::path::Path, n: u64) {
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(JOURNAL_FILE)).unwrap());
    let mut prev = GENESIS.to_owned();
    let t = ts();
    for seq in 1..=n {
        let order = OrderId::new(format!("CG-20261127-{:06}", seq / 7));
        let ev = match seq % 7 {
            0 => Event::ChannelChosen {
                channel: "kaquanmao".into(),
            },
            1 => Event::FaceValueSet {
                face_value_fen: Fen(10_000),
                retyped: false,
            },
            2 => Event::ReviewShown {
                channel: "kaquanmao".into(),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_200),
                masked: "•••• •••• •••• 7F3K".into(),
                fingerprint: "6b7df9712460350c78f3ed35869d02a16f88ec49ec9c9066398f7f0618cac802"
                    .into(),
                cancel_window_ms: 480_000,
                release_mode: cardguard::core::event::ReleaseMode::Simulated,
                batch: None,
            },
            3 => Event::Confirmed {
                hold_s: 10,
                hold_until: t,
            },
            4 => Event::Released {
                mode: cardguard::core::event::ReleaseMode::Simulated,
                window_ends: Some(t),
                verify_at: Some(t),
                clipboard_until: None,
            },
            5 => Event::WindowClosed { at: t },
            _ => Event::Verified { at: t },
        };
        let (line, hash) = render_line(seq, t, tz, &ev.kind(), Some(&order), &ev.data(), &prev);
        out.write_all(line.as_bytes()).unwrap();
        prev = hash;
    }
    out.flush().unwrap();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap().journal;
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let data = Event::FaceValueSet {
        face_value_fen: Fen(10_000),
        retyped: false,
    }
    .data();
    c.bench_function("journal: append (no flush)", |b| {
        b.iter(|| {
            j.append(
                ts(),
                tz,
                "face_value_set",
                Some(&"CG-1".into()),
                black_box(&data),
                false,
            )
            .unwrap()
        })
    });
    c.bench_function("journal: append + fdatasync", |b| {
        b.iter(|| {
            j.append(
                ts(),
                tz,
                "face_value_set",
                Some(&"CG-1".into()),
                black_box(&data),
                true,
            )
            .unwrap()
        })
    });
    drop(j);

    let mut g = c.benchmark_group("slow");
    g.sample_size(10);
    let big = tempfile::tempdir().unwrap();
    write_journal(big.path(), 1_000_000);
    g.bench_function("evidence: verify 1 000 000 events", |b| {
        b.iter(|| verify_dir(black_box(big.path()), &mut |_, _| {}).unwrap())
    });
    let mid = tempfile::tempdir().unwrap();
    write_journal(mid.path(), 100_000);
    let journal = std::fs::read(mid.path().join(JOURNAL_FILE)).unwrap();
    g.bench_function("session: replay 100 000 events on start", |b| {
        b.iter_batched(
            || {
                // A fresh copy each time: opening appends app_started.
                let d = tempfile::tempdir().unwrap();
                std::fs::write(d.path().join(JOURNAL_FILE), &journal).unwrap();
                d
            },
            |d| {
                let s = Session::open(Paths::in_one_dir(d.path()), ManualClock::fixed()).unwrap();
                black_box(s.ledger().orders().len());
                drop(s);
                d
            },
            criterion::BatchSize::PerIteration,
        )
    });
    let rgba: Vec<u8> = (0..1280 * 800 * 4)
        .map(|i| ((i * 7) % 251) as u8 / 8 * 8)
        .collect();
    g.bench_function("screenshot: encode + SHA-256, 1280×800", |b| {
        b.iter(|| {
            let png = encode_png(black_box(&rgba), 1280, 800).unwrap();
            black_box(cardguard::core::journal::sha256_hex(&png))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
