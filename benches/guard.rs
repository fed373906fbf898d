//! Guard decision latency: building the plan for an order, feeding one
//! input, and asking for the view (what the UI does each frame).

use cardguard::core::guard::{
    BehaviourGuard, ConfirmGuard, GuardContext, GuardInput, LookHabit, PaceFit, Sensitivity, Target,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn context() -> GuardContext {
    GuardContext {
        face_value_fen: 100_000,
        cancel_window_s: 0,
        first_use: false,
        recent_releases_10min: 2,
        code_pasted: true,
        entry_ms: 3_000,
        local_hour: 23,
        duplicate: false,
        batch_count: 0,
        sensitivity: Sensitivity::Standard,
        // A person with a pace: the fit is part of every plan.
        pace: Some(PaceFit {
            count: 30,
            p10_ms: 900,
            median_ms: 1_400,
            looks: Some(LookHabit { looked: 27, of: 30 }),
        }),
        unusual: Default::default(),
    }
}

fn bench(c: &mut Criterion) {
    c.bench_function("guard: plan for an order (new)", |b| {
        b.iter(|| BehaviourGuard::new(black_box(&context())))
    });
    let mut g = BehaviourGuard::new(&context());
    g.observe(
        0,
        GuardInput::Shown {
            pointer_on: Target::Other,
            pointer_down: false,
        },
    );
    g.observe(
        900,
        GuardInput::PointerMoved {
            on: Target::Confirm,
        },
    );
    // Each frame the pointer moves on a review: its position is weighed.
    g.observe(300, GuardInput::PointerAt { x: 600, y: 140 });
    c.bench_function(
        "guard: observe a pointer position (per moving frame)",
        |b| {
            b.iter(|| {
                let mut g = g.clone();
                black_box(g.observe(
                    black_box(920),
                    GuardInput::PointerAt {
                        x: black_box(150),
                        y: black_box(540),
                    },
                ))
            })
        },
    );
    c.bench_function("guard: observe a click", |b| {
        b.iter(|| {
            let mut g = g.clone();
            g.observe(
                black_box(2_000),
                GuardInput::PointerDown {
                    on: Target::Confirm,
                },
            );
            black_box(g.observe(
                black_box(2_080),
                GuardInput::PointerUp {
                    on: Target::Confirm,
                },
            ))
        })
    });
    c.bench_function("guard: view (per frame)", |b| {
        b.iter(|| black_box(g.view(black_box(1_234))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
