//! Batch import + validation of 10 000 rows (target: under 1 s).

use cardguard::core::batch::import;
use cardguard::core::fingerprint::FingerprintKey;
use cardguard::core::order::Ledger;
use cardguard::core::profile::builtin_profiles;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut csv = String::from("卡密,面值\n");
    let mut rng = fastrand::Rng::with_seed(1);
    for _ in 0..10_000 {
        let code: String = (0..16)
            .map(|_| rng.alphanumeric().to_ascii_uppercase())
            .collect();
        csv += &format!(
            "{}-{}-{}-{},{}\n",
            &code[..4],
            &code[4..8],
            &code[8..12],
            &code[12..],
            [50, 100, 200][rng.usize(..3)]
        );
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let profile = builtin_profiles()
        .into_iter()
        .find(|p| p.id == "kaquanmao")
        .unwrap();
    let key = FingerprintKey::from_bytes([3; 32]);
    let ledger = Ledger::default();
    let mut g = c.benchmark_group("batch");
    g.sample_size(20);
    g.bench_function("import + validate 10 000 rows (GBK)", |b| {
        b.iter(|| {
            let mut batch = import(black_box(&gbk)).unwrap();
            batch.validate(&profile, &key, &ledger);
            black_box(batch.totals(&profile))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
