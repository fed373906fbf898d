//! Journal and evidence figures: append (with and without fdatasync),
//! verify a 1 000 000-event journal, replay 100 000 events on start, and
//! encode + hash a 1280×800 screenshot.

mod support;

use cardguard::core::clock::ManualClock;
use cardguard::core::event::Event;
use cardguard::core::evidence::verify_dir;
use cardguard::core::journal::{JOURNAL_FILE, Journal};
use cardguard::core::money::Fen;
use cardguard::core::screenshot::encode_png;
use cardguard::core::session::{Paths, Session};
use chrono::FixedOffset;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use support::{ts, write_journal};

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
