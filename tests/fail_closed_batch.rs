//! A batch whose journal stops accepting writes mid-release (a real
//! file-size limit, as on a full disk) stops sending, says why, loses
//! nothing, and only goes on when the operator resumes. Its own test
//! binary: the limit applies to the whole process.

mod common;
use cardguard::i18n::Lang;
use common::*;

#[test]
fn an_unwritable_journal_pauses_a_batch_and_sends_nothing_more() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    choose_channel_in(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");
    import_batch(&mut h, &rig, "three.csv", &batch_csv(3, 100));
    click_starting(&mut h, "Release the smallest card");
    click_starting(&mut h, "Review and release 3 cards");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Release 3 cards");
    tick(&mut h, &rig, 10_000);
    assert_has(&h, "1 of 3 released");

    let before = rig.journal();
    limit_file_size(before.len() as u64);
    tick(&mut h, &rig, 1_000);
    tick(&mut h, &rig, 5_000);
    limit_file_size(libc::RLIM_INFINITY);
    assert_eq!(rig.journal(), before, "nothing half-written, nothing sent");
    assert_has(&h, "Paused: the journal could not be written");
    assert_has(&h, "1 of 3 released");
    tick(&mut h, &rig, 5_000);
    assert_has(&h, "1 of 3 released");

    click(&mut h, "Resume");
    tick(&mut h, &rig, 1_000);
    assert_has(&h, "All 3 cards released.");
    let released = rig.kinds().iter().filter(|k| *k == "released").count();
    assert_eq!(released, 3);
    assert!(cardguard::core::evidence::verify_dir(rig.dir.path(), &mut |_, _| {}).is_ok());
}
