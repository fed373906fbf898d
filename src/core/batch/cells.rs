//! What a row's reasons may say about its cells. A cell can hold a secret
//! in the wrong column (a card code or a verification code pasted into the
//! face-value column), so a reason describes the cell — its shape and
//! length — and never repeats what is in it.

use super::RowReason;
use crate::core::code::{CodeProblem, fold_width};
use crate::core::money::{AmountProblem, Fen, parse_yuan};
use crate::core::profile::ChannelProfile;

/// No card is worth this much; above it a face value is a mistake (most
/// likely a verification code or card code in the wrong column).
pub const MAX_FACE: Fen = Fen(9_999_999);

/// The cell without spaces and the separators codes are written with.
fn compact(raw: &str) -> Vec<char> {
    raw.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_'))
        .collect()
}

/// The face value of a cell, or the error (and no value) it is. A warning
/// for an unusual (but plausible) amount comes with the value.
pub fn face_value(raw: &str, profile: &ChannelProfile) -> (Option<Fen>, Option<RowReason>) {
    let raw = raw.trim();
    if raw.is_empty() {
        return (None, Some(RowReason::error("batch.face_missing")));
    }
    let c = compact(raw);
    if c.iter().all(char::is_ascii_alphanumeric) && c.len() >= 6 {
        // Six or more digits is ¥100 000 or more — no card — and the shape
        // of a verification code; letters and digits are a code's shape.
        let key = if c.iter().any(char::is_ascii_alphabetic) {
            "batch.face_code_like"
        } else {
            "batch.face_digits_like_secret"
        };
        return (None, Some(RowReason::error(key).arg("len", c.len())));
    }
    match parse_yuan(raw) {
        Ok(f) if f == Fen::ZERO => (None, Some(RowReason::error("batch.face_zero"))),
        Ok(f) if f > MAX_FACE => (
            None,
            Some(RowReason::error("batch.face_too_large").arg("max", MAX_FACE)),
        ),
        Ok(f) => {
            // A plausible amount (at most five whole digits) is a face value,
            // not a secret, so naming it is safe and helps find the row.
            let unusual = (!profile.denominations_fen.contains(&f.0))
                .then(|| RowReason::warning("batch.face_unusual").arg("face", f));
            (Some(f), unusual)
        }
        Err(AmountProblem::Invalid { ch: ',', .. }) => {
            (None, Some(RowReason::error("batch.face_comma")))
        }
        Err(AmountProblem::TooManyDecimals) => {
            (None, Some(RowReason::error("batch.face_decimals")))
        }
        Err(AmountProblem::TooLarge) => (
            None,
            Some(RowReason::error("batch.face_too_large").arg("max", MAX_FACE)),
        ),
        Err(AmountProblem::Invalid { .. }) | Err(AmountProblem::Empty) => {
            (None, Some(RowReason::error("batch.face_invalid")))
        }
    }
}

/// The reason for a code cell's problem; a character is placed, not named
/// (it may be one of the code's own).
pub fn code_reason(problem: &CodeProblem) -> RowReason {
    match problem {
        CodeProblem::Empty => RowReason::error("batch.code_missing"),
        CodeProblem::TooShort { have } | CodeProblem::TooLong { have } => {
            RowReason::error("batch.code_length").arg("have", have)
        }
        CodeProblem::InvalidChar { position, .. } => {
            RowReason::error("batch.code_char").arg("pos", position)
        }
        CodeProblem::NotInAlphabet { position, .. } => {
            RowReason::error("batch.code_char_alphabet").arg("pos", position)
        }
        CodeProblem::SeveralCodes { count } => {
            RowReason::error("batch.code_several").arg("count", count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::batch::Status;
    use crate::core::profile::builtin_profiles;

    fn kqm() -> ChannelProfile {
        builtin_profiles()
            .into_iter()
            .find(|p| p.id == "kaquanmao")
            .unwrap()
    }

    fn key(raw: &str) -> (&'static str, Status) {
        let r = face_value(raw, &kqm()).1.expect("a reason");
        (r.key, r.status)
    }

    #[test]
    fn secrets_in_the_face_column_are_errors_described_by_shape() {
        use Status::Error;
        assert_eq!(key("QW23ABCD5678EFGH"), ("batch.face_code_like", Error));
        assert_eq!(key("qw23-abcd-5678-efgh"), ("batch.face_code_like", Error));
        assert_eq!(key("654321"), ("batch.face_digits_like_secret", Error));
        assert_eq!(
            key("６５４３２１"),
            ("batch.face_digits_like_secret", Error)
        );
        assert_eq!(
            key("1234 5678 1234 5678"),
            ("batch.face_digits_like_secret", Error)
        );
        let r = face_value("QW23 ABCD 5678 EFGH", &kqm()).1.unwrap();
        assert_eq!(r.args, vec![("len", "16".to_owned())]);
    }

    #[test]
    fn money_cells_that_are_not_plain_amounts_are_errors() {
        use Status::Error;
        assert_eq!(key("0"), ("batch.face_zero", Error));
        assert_eq!(key("¥0.00"), ("batch.face_zero", Error));
        assert_eq!(key("50,00"), ("batch.face_comma", Error));
        assert_eq!(key("1,00"), ("batch.face_comma", Error));
        assert_eq!(key("100.001"), ("batch.face_decimals", Error));
        assert_eq!(key("-100"), ("batch.face_invalid", Error));
        assert_eq!(key("1e30"), ("batch.face_invalid", Error));
        assert_eq!(key("NaN"), ("batch.face_invalid", Error));
        assert_eq!(key("¥"), ("batch.face_invalid", Error));
        assert_eq!(key("100,000.00"), ("batch.face_too_large", Error));
        assert_eq!(
            key(&i64::MAX.to_string()),
            ("batch.face_digits_like_secret", Error)
        );
        assert_eq!(
            key("9223372036854775807.00"),
            ("batch.face_too_large", Error)
        );
        assert_eq!(key(""), ("batch.face_missing", Error));
        // Thousands separators in the exact Excel shape are fine.
        assert_eq!(face_value("1,000", &kqm()).0, Some(Fen(100_000)));
        assert_eq!(face_value("¥100", &kqm()), (Some(Fen(10_000)), None));
        assert_eq!(key("75"), ("batch.face_unusual", Status::Warning));
    }
}
