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
    screen_frame(c, &csv);
}

/// One frame of the batch screen with 10 000 rows on it (table sorted by
/// code, filtered, virtualised): the CPU cost of scrolling it.
fn screen_frame(c: &mut Criterion, csv: &str) {
    use cardguard::core::clock::ManualClock;
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(dir.path(), ManualClock::fixed(), cardguard::i18n::Lang::Zh);
    h.run();
    // As an operator would: the Batch tab, paste the rows, check them,
    // then sort by the code column.
    h.get_by_label("批量").click();
    h.run();
    h.get_by_label("或粘贴多行：").focus();
    h.run();
    h.event(eframe::egui::Event::Paste(csv.to_owned()));
    h.run();
    h.get_by_label("检查粘贴的内容").click();
    h.run();
    let rows = std::fs::read_to_string(dir.path().join("journal.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"batch_imported\""))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["data"]["rows"].clone())
        .next_back();
    assert_eq!(rows, Some(serde_json::json!(10_000)));
    h.get_by_label("卡密").click();
    h.run();
    let mut g = c.benchmark_group("batch screen");
    g.sample_size(20);
    g.bench_function("one frame, 10 000 rows sorted by code", |b| {
        b.iter(|| h.step())
    });
    h.get_by_label("搜索：").focus();
    h.run();
    h.event(eframe::egui::Event::Text("a".into()));
    h.run();
    g.bench_function("one frame, 10 000 rows searched", |b| b.iter(|| h.step()));
    g.finish();
    orders_frame(c);
}

/// The orders screen after a 1 000-card batch (countdowns on screen).
fn orders_frame(c: &mut Criterion) {
    use cardguard::core::batch::run::BatchRun;
    use cardguard::core::clock::ManualClock;
    use cardguard::core::session::{Paths, Session};
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::fixed();
    {
        let mut s = Session::open(Paths::in_one_dir(dir.path()), clock.clone()).unwrap();
        let mut csv = String::from("card,face\n");
        for i in 0..1_000 {
            csv += &format!("ORDR{i:04}AAAA{:04},100\n", 9999 - i);
        }
        let mut b = import(csv.as_bytes()).unwrap();
        let p = s.profile(&"kaquanmao".into()).unwrap().clone();
        b.validate(&p, s.fingerprint_key(), s.ledger());
        let mut run =
            BatchRun::confirm(&mut s, &"B-bench".into(), &"kaquanmao".into(), &b, false).unwrap();
        clock.advance_ms(10_000);
        for _ in 0..1_000 {
            run.advance(&mut s).unwrap();
            clock.advance_ms(250);
            run.advance(&mut s).unwrap();
            clock.advance_ms(250);
            s.catch_up().unwrap();
            clock.advance_ms(500);
        }
        assert_eq!(run.released(), 1_000);
    }
    let mut h = app(dir.path(), clock, cardguard::i18n::Lang::En);
    h.run_steps(3);
    // The app opens on the orders list when orders are in play.
    assert_eq!(h.state().screen(), cardguard::ui::Screen::Orders);
    let mut g = c.benchmark_group("orders screen");
    g.sample_size(10);
    g.bench_function("one frame, 1 000 orders", |b| b.iter(|| h.step()));
    g.finish();
}

/// The real app in a kittest harness (no GPU) on `dir`.
fn app(
    dir: &std::path::Path,
    clock: std::sync::Arc<cardguard::core::clock::ManualClock>,
    lang: cardguard::i18n::Lang,
) -> egui_kittest::Harness<'static, cardguard::ui::App> {
    use cardguard::core::session::Paths;
    use cardguard::ui::clipboard::MemoryClipboard;
    use cardguard::ui::{App, AppConfig};
    let config = AppConfig {
        paths: Some(Paths::in_one_dir(dir)),
        clock,
        lang: Some(lang),
        clipboard: Box::new(MemoryClipboard::default()),
        screenshot_to: None,
        started: None,
        demo: None,
    };
    egui_kittest::Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(move |cc| App::new(cc, config))
}

criterion_group!(benches, bench);
criterion_main!(benches);
