//! Why the guard decided what it did. Behaviour matches on the variant; the
//! key (`guard.*`) is both the i18n key and what the journal records
//! (`guard_decided.reasons`, `confirm_swallowed.reason`), so it is spelled
//! out per variant: renaming a variant never changes the journal.

use crate::core::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    // ---- standing reasons: the order's risk, decided when the step shows ----
    /// A face value at or above ¥1000.
    HighValue(Fen),
    /// A face value at or above ¥500.
    Value(Fen),
    /// The channel cannot cancel once the code is sent.
    NoCancel,
    FirstUse,
    /// This release would be the n-th within 10 minutes.
    Burst(u64),
    /// The local hour, at night.
    Night(u8),
    /// A pasted code entered in this many milliseconds.
    PastedFast(u64),
    Duplicate,
    /// Releasing a batch of this many orders.
    Batch(u32),
    /// A channel this person has never released to.
    NewChannel,
    /// More than the most this person sent in one recent order (that most).
    AboveUsual(Fen),
    // ---- what keeps confirm from counting now (milliseconds where a number) ----
    WindowUnfocused,
    /// Clicked this long after the step appeared, inside the show cooldown.
    TooSoonAfterShow(u64),
    /// Focus came back (or the window moved): arms again in this long.
    JustRefocused(u64),
    TypeFirst,
    /// The pointer rested on the button since the step appeared: this long to go.
    RestingPointer(u64),
    /// The pointer went straight to the button the moment the step
    /// appeared, past every fact (a habit, not a read): this long to go.
    StraightToConfirm(u64),
    /// Far faster than this person confirms (half their fastest tenth):
    /// this long to go.
    FasterThanYourPace(u64),
    /// This person looks at the facts before confirming and did not this
    /// time: this long to go.
    SkippedYourLook(u64),
    /// Arms in this long.
    TooEarly(u64),
    /// The press was too short for a hold of this long.
    HoldLonger(u64),
    /// Enter cannot hold: a hold of this long is needed.
    HoldNeeded(u64),
    PressBeforeShow,
    LeftButton,
    DoubleClick,
    KeyRepeat,
    WindowMoved,
    /// The third quick press in a row (or more): quick presses never
    /// confirm, so the person is told to stop and press once.
    Hurried,
}

impl Reason {
    /// The i18n key, and the journal's word for this reason.
    pub fn key(self) -> &'static str {
        match self {
            Reason::HighValue(_) => "guard.r_high_value",
            Reason::Value(_) => "guard.r_value",
            Reason::NoCancel => "guard.r_no_cancel",
            Reason::FirstUse => "guard.r_first_use",
            Reason::Burst(_) => "guard.r_burst",
            Reason::Night(_) => "guard.r_night",
            Reason::PastedFast(_) => "guard.r_pasted_fast",
            Reason::Duplicate => "guard.r_duplicate",
            Reason::Batch(_) => "guard.r_batch",
            Reason::NewChannel => "guard.r_new_channel",
            Reason::AboveUsual(_) => "guard.r_above_usual",
            Reason::WindowUnfocused => "guard.window_unfocused",
            Reason::TooSoonAfterShow(_) => "guard.too_soon_after_show",
            Reason::JustRefocused(_) => "guard.just_refocused",
            Reason::TypeFirst => "guard.type_first",
            Reason::RestingPointer(_) => "guard.resting_pointer",
            Reason::StraightToConfirm(_) => "guard.straight_to_confirm",
            Reason::FasterThanYourPace(_) => "guard.faster_than_your_pace",
            Reason::SkippedYourLook(_) => "guard.skipped_your_look",
            Reason::TooEarly(_) => "guard.too_early",
            Reason::HoldLonger(_) => "guard.hold_longer",
            Reason::HoldNeeded(_) => "guard.hold_needed",
            Reason::PressBeforeShow => "guard.press_before_show",
            Reason::LeftButton => "guard.left_button",
            Reason::DoubleClick => "guard.double_click",
            Reason::KeyRepeat => "guard.key_repeat",
            Reason::WindowMoved => "guard.window_moved",
            Reason::Hurried => "guard.hurried",
        }
    }

    /// The reason's number: milliseconds, a count, an hour or an amount in
    /// fen (a negative amount as 0), depending on the variant.
    pub fn value(self) -> Option<u64> {
        match self {
            Reason::HighValue(f) | Reason::Value(f) | Reason::AboveUsual(f) => {
                Some(f.0.max(0) as u64)
            }
            Reason::Burst(n) => Some(n),
            Reason::Batch(n) => Some(n.into()),
            Reason::Night(h) => Some(h.into()),
            Reason::PastedFast(ms)
            | Reason::TooSoonAfterShow(ms)
            | Reason::JustRefocused(ms)
            | Reason::RestingPointer(ms)
            | Reason::StraightToConfirm(ms)
            | Reason::FasterThanYourPace(ms)
            | Reason::SkippedYourLook(ms)
            | Reason::TooEarly(ms)
            | Reason::HoldLonger(ms)
            | Reason::HoldNeeded(ms) => Some(ms),
            Reason::NoCancel
            | Reason::NewChannel
            | Reason::FirstUse
            | Reason::Duplicate
            | Reason::WindowUnfocused
            | Reason::TypeFirst
            | Reason::PressBeforeShow
            | Reason::LeftButton
            | Reason::DoubleClick
            | Reason::KeyRepeat
            | Reason::WindowMoved
            | Reason::Hurried => None,
        }
    }

    /// A wait for the dwell the order needs (how long to go), as opposed
    /// to a state (unfocused, type first) or a wrong press.
    pub fn is_dwell_wait(self) -> bool {
        matches!(
            self,
            Reason::TooEarly(_)
                | Reason::RestingPointer(_)
                | Reason::StraightToConfirm(_)
                | Reason::FasterThanYourPace(_)
                | Reason::SkippedYourLook(_)
        )
    }

    /// A reason that says how long is left, `elapsed` milliseconds after it
    /// was given: the same words with the time still to go, or `None` once
    /// that time has passed. Any other reason is kept as it is.
    pub fn after(self, elapsed: u64) -> Option<Reason> {
        let left = |ms: u64| Some(ms.saturating_sub(elapsed)).filter(|&l| l > 0);
        match self {
            Reason::JustRefocused(ms) => left(ms).map(Reason::JustRefocused),
            Reason::RestingPointer(ms) => left(ms).map(Reason::RestingPointer),
            Reason::StraightToConfirm(ms) => left(ms).map(Reason::StraightToConfirm),
            Reason::FasterThanYourPace(ms) => left(ms).map(Reason::FasterThanYourPace),
            Reason::SkippedYourLook(ms) => left(ms).map(Reason::SkippedYourLook),
            Reason::TooEarly(ms) => left(ms).map(Reason::TooEarly),
            other => Some(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant with the key the journal has always recorded for it.
    const PINNED: [(Reason, &str); 28] = [
        (Reason::HighValue(Fen(100_000)), "guard.r_high_value"),
        (Reason::Value(Fen(50_000)), "guard.r_value"),
        (Reason::NoCancel, "guard.r_no_cancel"),
        (Reason::FirstUse, "guard.r_first_use"),
        (Reason::Burst(3), "guard.r_burst"),
        (Reason::Night(2), "guard.r_night"),
        (Reason::PastedFast(1_500), "guard.r_pasted_fast"),
        (Reason::Duplicate, "guard.r_duplicate"),
        (Reason::Batch(40), "guard.r_batch"),
        (Reason::WindowUnfocused, "guard.window_unfocused"),
        (Reason::TooSoonAfterShow(100), "guard.too_soon_after_show"),
        (Reason::JustRefocused(700), "guard.just_refocused"),
        (Reason::TypeFirst, "guard.type_first"),
        (Reason::RestingPointer(1_100), "guard.resting_pointer"),
        (Reason::TooEarly(400), "guard.too_early"),
        (Reason::HoldLonger(1_500), "guard.hold_longer"),
        (Reason::HoldNeeded(1_500), "guard.hold_needed"),
        (Reason::PressBeforeShow, "guard.press_before_show"),
        (Reason::LeftButton, "guard.left_button"),
        (Reason::DoubleClick, "guard.double_click"),
        (Reason::KeyRepeat, "guard.key_repeat"),
        (Reason::WindowMoved, "guard.window_moved"),
        (Reason::StraightToConfirm(900), "guard.straight_to_confirm"),
        (
            Reason::FasterThanYourPace(900),
            "guard.faster_than_your_pace",
        ),
        (Reason::NewChannel, "guard.r_new_channel"),
        (Reason::AboveUsual(Fen(20_000)), "guard.r_above_usual"),
        (Reason::Hurried, "guard.hurried"),
        (Reason::SkippedYourLook(900), "guard.skipped_your_look"),
    ];

    /// A variant added without a line in [`PINNED`] stops this compiling
    /// (no wildcard arm), and the test below checks each index is pinned.
    fn index(r: Reason) -> usize {
        match r {
            Reason::HighValue(_) => 0,
            Reason::Value(_) => 1,
            Reason::NoCancel => 2,
            Reason::FirstUse => 3,
            Reason::Burst(_) => 4,
            Reason::Night(_) => 5,
            Reason::PastedFast(_) => 6,
            Reason::Duplicate => 7,
            Reason::Batch(_) => 8,
            Reason::WindowUnfocused => 9,
            Reason::TooSoonAfterShow(_) => 10,
            Reason::JustRefocused(_) => 11,
            Reason::TypeFirst => 12,
            Reason::RestingPointer(_) => 13,
            Reason::TooEarly(_) => 14,
            Reason::HoldLonger(_) => 15,
            Reason::HoldNeeded(_) => 16,
            Reason::PressBeforeShow => 17,
            Reason::LeftButton => 18,
            Reason::DoubleClick => 19,
            Reason::KeyRepeat => 20,
            Reason::WindowMoved => 21,
            Reason::StraightToConfirm(_) => 22,
            Reason::FasterThanYourPace(_) => 23,
            Reason::NewChannel => 24,
            Reason::AboveUsual(_) => 25,
            Reason::Hurried => 26,
            Reason::SkippedYourLook(_) => 27,
        }
    }

    #[test]
    fn every_reason_keeps_its_journal_key_and_is_worded_in_both_languages() {
        let mut seen: Vec<usize> = PINNED.iter().map(|(r, _)| index(*r)).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..PINNED.len()).collect::<Vec<_>>());
        let zh = crate::i18n::Texts::new(crate::i18n::Lang::Zh);
        let en = crate::i18n::Texts::new(crate::i18n::Lang::En);
        for (reason, key) in PINNED {
            assert_eq!(reason.key(), key, "{reason:?}");
            assert!(zh.has(key) && en.has(key), "{key} has no words");
        }
    }

    #[test]
    fn values_are_the_numbers_the_words_need() {
        assert_eq!(Reason::HighValue(Fen(123_456)).value(), Some(123_456));
        assert_eq!(Reason::Value(Fen(-5)).value(), Some(0));
        assert_eq!(Reason::Burst(4).value(), Some(4));
        assert_eq!(Reason::Night(3).value(), Some(3));
        assert_eq!(Reason::TooEarly(999).value(), Some(999));
        assert_eq!(Reason::KeyRepeat.value(), None);
    }

    #[test]
    fn a_countdown_reason_counts_on_and_ends() {
        assert_eq!(
            Reason::TooEarly(1_500).after(400),
            Some(Reason::TooEarly(1_100))
        );
        assert_eq!(
            Reason::RestingPointer(300).after(299),
            Some(Reason::RestingPointer(1))
        );
        assert_eq!(Reason::StraightToConfirm(900).after(900), None);
        assert_eq!(Reason::FasterThanYourPace(900).after(5_000), None);
        assert_eq!(
            Reason::JustRefocused(700).after(0),
            Some(Reason::JustRefocused(700))
        );
        // Not a countdown: kept as it is, whatever the time.
        assert_eq!(Reason::DoubleClick.after(10_000), Some(Reason::DoubleClick));
        assert_eq!(
            Reason::HoldLonger(1_500).after(10_000),
            Some(Reason::HoldLonger(1_500))
        );
        assert_eq!(
            Reason::TooSoonAfterShow(100).after(10_000),
            Some(Reason::TooSoonAfterShow(100))
        );
    }
}
