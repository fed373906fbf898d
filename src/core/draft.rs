//! The order being entered, before it exists on the journal as reviewed.
//! Holds the raw inputs exactly as typed (so nothing is ever lost) and
//! works out what is missing, what looks risky, and the payout preview.

use super::code::{CardSecret, CodeCheck, VerificationProblem, check_code, check_verification};
use super::ids::{ChannelId, OrderId};
use super::money::{AmountProblem, Fen, parse_yuan};
use super::profile::ChannelProfile;
use zeroize::Zeroizing;

/// A first recycle should be a small test.
pub const SMALL_TEST_FEN: Fen = Fen(10_000);

#[derive(Default, Clone)]
pub struct Draft {
    /// The journal id of this draft (assigned when its first step is journaled).
    pub order_id: Option<OrderId>,
    pub channel: Option<ChannelId>,
    /// The code field, exactly as typed or pasted.
    pub code_raw: Zeroizing<String>,
    pub code_pasted: bool,
    pub reveal: bool,
    pub verification_raw: Zeroizing<String>,
    pub face_value: Option<Fen>,
    /// The face value typed a second time (only asked above the threshold).
    pub face_retyped_raw: String,
    /// The person saw that this code was submitted before and goes on anyway.
    pub duplicate_ack: bool,
    /// When typing into the (empty) code field began: entry speed is a risk signal.
    pub code_started: Option<chrono::DateTime<chrono::Utc>>,
}

// Never print what was typed: the code field may hold a whole secret.
impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("order_id", &self.order_id)
            .field("channel", &self.channel)
            .field("code_chars", &self.code_raw.chars().count())
            .field("face_value", &self.face_value)
            .finish_non_exhaustive()
    }
}

/// Whether the retyped face value agrees with the chosen one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetypeState {
    NotNeeded,
    Missing,
    Invalid(AmountProblem),
    Mismatch(Fen),
    Matches,
}

/// Everything the entry screen needs to show about the current inputs.
#[derive(Debug, Clone)]
pub struct DraftCheck {
    pub code: CodeCheck,
    pub verification: Option<Result<(), VerificationProblem>>,
    pub retype: RetypeState,
    pub payout: Option<Fen>,
    /// Ready for review: every required input is valid.
    pub ready: bool,
}

impl Draft {
    pub fn check(&self, profile: &ChannelProfile, retype_threshold: Fen) -> DraftCheck {
        let code = check_code(&self.code_raw, &profile.alphabet());
        let verification = profile
            .needs_verification_code
            .then(|| check_verification(&self.verification_raw).map(|_| ()));
        let retype = match self.face_value {
            Some(f) if f > retype_threshold => {
                if self.face_retyped_raw.trim().is_empty() {
                    RetypeState::Missing
                } else {
                    match parse_yuan(&self.face_retyped_raw) {
                        Err(p) => RetypeState::Invalid(p),
                        Ok(t) if t == f => RetypeState::Matches,
                        Ok(t) => RetypeState::Mismatch(t),
                    }
                }
            }
            _ => RetypeState::NotNeeded,
        };
        let payout = self.face_value.map(|f| profile.payout(f));
        let ready = code.secret().is_some()
            && !matches!(verification, Some(Err(_)))
            && self.face_value.is_some()
            && matches!(retype, RetypeState::NotNeeded | RetypeState::Matches);
        DraftCheck {
            code,
            verification,
            retype,
            payout,
            ready,
        }
    }

    pub fn secret(&self, profile: &ChannelProfile) -> Option<CardSecret> {
        check_code(&self.code_raw, &profile.alphabet()).secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::profile::builtin_profiles;

    fn profile(id: &str) -> ChannelProfile {
        builtin_profiles().into_iter().find(|p| p.id == id).unwrap()
    }

    #[test]
    fn ready_needs_code_face_value_and_verification_when_asked() {
        let jd = profile("jd_app");
        let mut d = Draft {
            code_raw: Zeroizing::new("abcd-1234-efgh-5678".into()),
            ..Draft::default()
        };
        assert!(!d.check(&jd, Fen(50_000)).ready);
        d.face_value = Some(Fen(10_000));
        assert!(
            !d.check(&jd, Fen(50_000)).ready,
            "JD needs the verification code"
        );
        *d.verification_raw = "１２３４５６".into();
        let c = d.check(&jd, Fen(50_000));
        assert!(c.ready);
        assert_eq!(c.payout, Some(Fen(9_500)));
        assert!(d.check(&profile("kaquanmao"), Fen(50_000)).ready);
    }

    #[test]
    fn face_value_above_threshold_must_be_retyped() {
        let p = profile("kaquanmao");
        let mut d = Draft {
            code_raw: Zeroizing::new("ABCD1234EFGH5678".into()),
            face_value: Some(Fen(100_000)),
            ..Draft::default()
        };
        assert_eq!(d.check(&p, Fen(50_000)).retype, RetypeState::Missing);
        d.face_retyped_raw = "100".into();
        assert_eq!(
            d.check(&p, Fen(50_000)).retype,
            RetypeState::Mismatch(Fen(10_000))
        );
        assert!(!d.check(&p, Fen(50_000)).ready);
        d.face_retyped_raw = "1x".into();
        assert!(matches!(
            d.check(&p, Fen(50_000)).retype,
            RetypeState::Invalid(_)
        ));
        d.face_retyped_raw = "1,000.00".into();
        assert_eq!(d.check(&p, Fen(50_000)).retype, RetypeState::Matches);
        assert!(d.check(&p, Fen(50_000)).ready);
        // Exactly at the threshold needs no retype.
        d.face_value = Some(Fen(50_000));
        assert_eq!(d.check(&p, Fen(50_000)).retype, RetypeState::NotNeeded);
    }
}
