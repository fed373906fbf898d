//! The signed log's figures (issue 10): opening a 1 000 000-event data dir
//! with and without a valid ledger snapshot, append + checkpoint sign,
//! an inclusion proof in a 1 000 000-line tree, and verifying an order's
//! bundle exported from a data dir made through a session.

mod support;

use cardguard::core::clock::ManualClock;
use cardguard::core::code::{Alphabet, check_code};
use cardguard::core::event::{Event, ReleaseMode};
use cardguard::core::evidence::merkle::{Hash, Tree, leaf_hash};
use cardguard::core::evidence::verify_bundle;
use cardguard::core::exports::BundleOf;
use cardguard::core::journal::{Journal, SNAPSHOT_FILE};
use cardguard::core::money::Fen;
use cardguard::core::session::{Paths, Session};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const MILLION: u64 = 1_000_000;

/// A data dir of a million events, started and stopped once so it has its
/// keys, a checkpoint at stop and `ledger.snapshot`.
fn million_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    support::write_journal(d.path(), MILLION);
    drop(Session::open(Paths::in_one_dir(d.path()), ManualClock::fixed()).unwrap());
    assert!(
        d.path().join(SNAPSHOT_FILE).exists(),
        "a stop writes the snapshot"
    );
    d
}

fn open_million(c: &mut Criterion) {
    let mut g = c.benchmark_group("start-up");
    g.sample_size(10);
    // One folder: opening a journal alone never writes a snapshot, so the
    // second half runs on the same journal without one.
    let d = million_dir();
    for (name, snapshot) in [
        ("journal open, 1 000 000 events, valid snapshot", true),
        ("journal open, 1 000 000 events, no snapshot", false),
    ] {
        if !snapshot {
            std::fs::remove_file(d.path().join(SNAPSHOT_FILE)).unwrap();
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                let o = Journal::open(black_box(d.path())).unwrap();
                assert_eq!(o.from_snapshot > 0, snapshot);
                black_box(o.ledger.orders().len())
            })
        });
    }
    // What the session pays, on the window's thread, every 20 000 lines:
    // a line and a checkpoint (see "append + checkpoint sign") and then the
    // ledger of 142 858 orders written, synced and put in place.
    let opened = Journal::open(d.path()).unwrap();
    let (mut j, ledger) = (opened.journal, opened.ledger);
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let data = Event::Undone {}.data();
    g.bench_function(
        "journal: append + checkpoint + ledger snapshot, 1 000 000 events",
        |b| {
            b.iter(|| {
                j.append(support::ts(), tz, "undone", None, &data, true)
                    .unwrap();
                j.checkpoint().unwrap();
                j.write_snapshot(black_box(&ledger)).unwrap()
            })
        },
    );
    g.finish();
}

fn append_and_sign(c: &mut Criterion) {
    let d = tempfile::tempdir().unwrap();
    support::write_journal(d.path(), 10_000);
    let mut j = Journal::open(d.path()).unwrap().journal;
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let data = Event::Undone {}.data();
    // What a sealing event costs: its line (synced), then a signed
    // checkpoint written and synced.
    c.bench_function("journal: append + checkpoint sign", |b| {
        b.iter(|| {
            j.append(
                support::ts(),
                tz,
                "undone",
                Some(&"CG-1".into()),
                &data,
                true,
            )
            .unwrap();
            black_box(j.checkpoint().unwrap())
        })
    });
}

fn inclusion_proof(c: &mut Criterion) {
    let leaves: Vec<Hash> = (0..MILLION)
        .map(|i| leaf_hash(&[0; 16], &i.to_be_bytes()))
        .collect();
    let tree = Tree::new(leaves);
    let mut m = 0u64;
    c.bench_function("merkle: inclusion proof in a 1 000 000-line log", |b| {
        b.iter(|| {
            m = (m + 104_729) % MILLION;
            black_box(tree.inclusion(m, MILLION).unwrap())
        })
    });
}

/// A few orders made through a session, one exported as a bundle.
fn exported_bundle(dir: &Path) -> std::path::PathBuf {
    let clock = ManualClock::fixed();
    let mut s = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
    let mut last = None;
    for i in 0..20 {
        let id = s.new_order_id();
        let p = s.profile(&"kaquanmao".into()).unwrap().clone();
        let face = Fen(10_000 + i);
        let ev = Event::ReviewShown {
            channel: "kaquanmao".into(),
            face_value_fen: face,
            payout_fen: p.payout(face),
            masked: "•••• •••• •••• 7F3K".into(),
            fingerprint: format!("fp-{i}"),
            cancel_window_ms: p.effective_window_ms(),
            release_mode: ReleaseMode::Simulated,
            batch: None,
        };
        s.record(Some(&id), ev).unwrap();
        s.confirm(&id).unwrap();
        clock.advance(chrono::Duration::seconds(11));
        s.catch_up().unwrap();
        let secret = check_code("ABCD2345EFGH7F3K", &Alphabet::full())
            .secret()
            .unwrap();
        s.release(&id, &secret).unwrap();
        clock.advance(chrono::Duration::minutes(10));
        s.catch_up().unwrap();
        last = Some(id);
    }
    let id = last.unwrap();
    s.export_bundle(BundleOf::Order(&id), None, cardguard::i18n::Lang::En)
        .unwrap()
        .0
}

fn bundle_verify(c: &mut Criterion) {
    let d = tempfile::tempdir().unwrap();
    let bundle = exported_bundle(d.path());
    assert!(verify_bundle(&bundle).is_ok());
    c.bench_function("evidence: verify an order's bundle", |b| {
        b.iter_batched(
            || (),
            |()| verify_bundle(black_box(&bundle)).unwrap(),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(
    benches,
    append_and_sign,
    inclusion_proof,
    bundle_verify,
    open_million
);
criterion_main!(benches);
