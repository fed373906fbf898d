//! Trusted time from the window, as a person sets it up: Settings →
//! Trusted time → an authority's address → Save; every checkpoint is then
//! stamped on a worker while the window keeps drawing, and a dead
//! authority leaves the checkpoints waiting (said in Settings), never a
//! stuck window.

mod common;
#[path = "common/tsa.rs"]
mod tsa;

use cardguard::i18n::Lang;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn tokens(rig: &Rig) -> usize {
    std::fs::read_dir(rig.dir.path().join("checkpoints"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "tsr"))
            })
            .count()
        })
        .unwrap_or(0)
}

fn set_tsa(h: &mut Harness<'static, cardguard::ui::App>, url: &str) {
    click(h, "Settings");
    click(h, "Trusted time (time-stamp authorities)");
    type_into(h, "Another authority (http://…)", url);
    click(h, "Add");
    click(h, "Save");
}

/// Draws frames until `done` holds: the worker's answer is what is
/// waited for, bounded so a request that never ends fails the test.
fn frames_until(
    h: &mut Harness<'static, cardguard::ui::App>,
    done: impl Fn(&Harness<'static, cardguard::ui::App>) -> bool,
) {
    for _ in 0..3_000 {
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    panic!("never happened: {}", screen_text(h));
}

#[test]
fn an_authority_set_in_settings_stamps_every_checkpoint_in_the_background() {
    let Some(tsa) = tsa::LocalTsa::start(tsa::KeyKind::Rsa) else {
        panic!("openssl is needed (.ci/run installs it)");
    };
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    assert_eq!(
        tokens(&rig),
        0,
        "nothing is sent before an authority is chosen"
    );
    set_tsa(&mut h, &tsa.url);
    frames_until(&mut h, |h| has(h, "Every checkpoint is time-stamped"));
    let stamped = tokens(&rig);
    assert!(stamped >= 1);
    let journal = rig.journal();
    assert!(
        journal.contains("tsa_urls"),
        "the change of settings is journaled"
    );

    // A new order's confirm and release sign checkpoints: they are stamped too.
    click(&mut h, "New order");
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    click(&mut h, "Settings");
    frames_until(&mut h, |h| {
        tokens(&rig) > stamped && !has(h, "Asking for time-stamps…")
    });
    for tsr in std::fs::read_dir(rig.dir.path().join("checkpoints")).unwrap() {
        let p = tsr.unwrap().path();
        if p.extension().is_some_and(|x| x == "tsr") {
            tsa.assert_openssl_verifies(&p.with_extension("txt"), &p);
        }
    }
}

#[test]
fn a_dead_authority_leaves_checkpoints_waiting_and_says_so() {
    // A port nobody listens on: the request fails at once.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsr", dead.local_addr().unwrap());
    drop(dead);
    let rig = Rig::new();
    let mut h = rig.open(Lang::Zh);
    click(&mut h, "设置");
    click(&mut h, "可信时间（时间戳机构）");
    type_into(&mut h, "其他机构（http://…）", &url);
    click(&mut h, "添加");
    click(&mut h, "保存");
    frames_until(&mut h, |h| has(h, "等待时间戳的检查点"));
    assert_eq!(tokens(&rig), 0);
    // An address the app will not use is refused where it is typed.
    type_into(&mut h, "其他机构（http://…）", "https://example.com/tsa");
    assert!(has(&h, "必须以 http:// 开头"), "{}", screen_text(&h));
    assert!(h.get_by_label("添加").accesskit_node().is_disabled());
}
