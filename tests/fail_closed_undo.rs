//! A release the journal refused blocks only that hold: after Undo and a
//! new confirmation, the new hold is released when it runs out, with no
//! Retry needed. Its own test binary: the file-size limit that makes the OS
//! refuse the write applies to the whole process.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;

#[test]
fn undo_after_a_refused_release_lets_the_next_hold_go_out_by_itself() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    enter_small_order(&mut h);
    review_and_confirm(&mut h, &rig);
    assert_eq!(h.state().screen(), Screen::Hold);

    limit_file_size(rig.journal().len() as u64);
    tick(&mut h, &rig, 10_000);
    limit_file_size(libc::RLIM_INFINITY);
    assert_has(&h, "Not sent: the journal could not record the release");

    // Undo, then confirm again: a new hold.
    click(&mut h, "Undo");
    assert_eq!(h.state().screen(), Screen::Review);
    tick(&mut h, &rig, 1_500);
    click_starting(&mut h, "Confirm — ");
    assert_eq!(h.state().screen(), Screen::Hold);
    assert!(!has(&h, "Retry release"), "the new hold is not blocked");
    tick(&mut h, &rig, 10_000);
    assert_eq!(rig.orders_of("released").len(), 1, "{:?}", rig.kinds());
    assert_eq!(h.state().screen(), Screen::Orders);
}
