//! If the journal cannot be written (here: a real file-size limit, so the
//! OS refuses the write, as on a full disk), the app refuses to confirm or
//! release, says why, and loses nothing already recorded. Its own test
//! binary: the limit applies to the whole process.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;

fn unlimit() {
    limit_file_size(libc::RLIM_INFINITY);
}

#[test]
fn an_unwritable_journal_blocks_confirm_and_release() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    tick(&mut h, &rig, 1_000);

    let before = rig.journal();
    limit_file_size(before.len() as u64);
    click(&mut h, "Confirm — 10 s to undo");
    unlimit();
    assert_eq!(h.state().screen(), Screen::Review, "not confirmed");
    assert_has(&h, "Not confirmed, because the journal could not record it");
    assert_eq!(
        rig.journal(),
        before,
        "nothing recorded was lost or half-written"
    );
    // In Chinese, the system's reason is in Chinese too.
    click(&mut h, "简体中文");
    assert_has(&h, "文件超出本系统允许的大小（系统错误 27）");
    assert!(!has(&h, "File too large"), "{}", screen_text(&h));
    click(&mut h, "English");

    tick(&mut h, &rig, 1_000);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), Screen::Hold);
    let before = rig.journal();
    limit_file_size(before.len() as u64);
    tick(&mut h, &rig, 10_000);
    unlimit();
    assert!(!rig.kinds().contains(&"released".to_owned()));
    assert_has(&h, "Not released, because the journal could not record it.");
    assert_has(&h, "Not sent: the journal could not record the release");
    assert_eq!(h.state().screen(), Screen::Hold, "still held on the device");
    assert_eq!(rig.journal(), before);
    // Nothing retries by itself; once the disk is fixed, the person retries.
    tick(&mut h, &rig, 5_000);
    assert_eq!(rig.journal(), before);
    click(&mut h, "Retry release");
    assert!(rig.kinds().contains(&"released".to_owned()));
    assert_eq!(h.state().screen(), Screen::Orders);
}
