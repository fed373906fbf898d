//! An entry step the journal refused is never skipped: the review is only
//! reached once every step is on the journal. Its own test binary: the
//! file-size limit that makes the OS refuse the write applies to the whole
//! process.

mod common;
use cardguard::i18n::Lang;
use cardguard::ui::Screen;
use common::*;

#[test]
fn a_refused_entry_step_is_journaled_before_the_review_opens() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    choose_channel(&mut h, "JD self-operated (app)", "Kaquanmao (third party)");

    // The journal refuses every write while the code and amount are entered.
    limit_file_size(rig.journal().len() as u64);
    type_code(&mut h, "ABCD1234EFGH5678");
    click(&mut h, "¥100");
    click(&mut h, "Review →");
    assert_eq!(
        h.state().screen(),
        Screen::Entry,
        "no review without its steps"
    );
    limit_file_size(libc::RLIM_INFINITY);
    assert!(!rig.kinds().contains(&"code_entered".to_owned()));

    // The disk is fixed: the next "Review" journals the steps, then the review.
    click(&mut h, "Review →");
    assert_eq!(h.state().screen(), Screen::Review);
    let kinds = rig.kinds();
    let at = |k: &str| {
        kinds
            .iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k}: {kinds:?}"))
    };
    assert!(at("channel_chosen") < at("review_shown"));
    assert!(at("code_entered") < at("review_shown"));
    assert!(at("face_value_set") < at("review_shown"));
    let one_order = rig.orders_of("code_entered");
    assert_eq!(one_order, rig.orders_of("review_shown"));
}
