//! Money is integer fen (1/100 yuan), never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// `self × basis_points / 10 000`, rounded down (channels round in their favour).
    pub fn times_bp(self, basis_points: u32) -> Fen {
        Fen((self.0 as i128 * basis_points as i128 / 10_000) as i64)
    }

    pub fn saturating_sub(self, other: Fen) -> Fen {
        Fen(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for Fen {
    /// `¥1234.50`; negative amounts as `-¥3.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

/// Why a typed amount is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountProblem {
    Empty,
    Invalid { ch: char, position: usize },
    TooManyDecimals,
    TooLarge,
}

/// Parses a yuan amount as a person types it: `500`, `500.5`, `¥500.00`,
/// `５００`, `1,000`. At most two decimals; at most ¥100 000 000.
pub fn parse_yuan(raw: &str) -> Result<Fen, AmountProblem> {
    let mut whole: i64 = 0;
    let mut frac = String::new();
    let mut seen_digit = false;
    let mut in_frac = false;
    for (i, c) in raw.trim().chars().enumerate() {
        let c = match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF0E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        match c {
            '0'..='9' if in_frac => {
                if frac.len() == 2 {
                    return Err(AmountProblem::TooManyDecimals);
                }
                frac.push(c);
                seen_digit = true;
            }
            '0'..='9' => {
                whole = whole * 10 + (c as i64 - '0' as i64);
                if whole > 100_000_000 {
                    return Err(AmountProblem::TooLarge);
                }
                seen_digit = true;
            }
            '.' if !in_frac => in_frac = true,
            '¥' | '￥' | ',' | ' ' | '元' if !in_frac => {}
            '元' => {}
            _ => {
                return Err(AmountProblem::Invalid {
                    ch: c,
                    position: i + 1,
                });
            }
        }
    }
    if !seen_digit {
        return Err(AmountProblem::Empty);
    }
    let frac_fen = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().unwrap_or(0) * 10,
        _ => frac.parse::<i64>().unwrap_or(0),
    };
    Ok(Fen(whole * 100 + frac_fen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_fen_precision() {
        assert_eq!(Fen(50_000).to_string(), "¥500.00");
        assert_eq!(Fen(46_505).to_string(), "¥465.05");
        assert_eq!(Fen(-300).to_string(), "-¥3.00");
        assert_eq!(Fen(7).to_string(), "¥0.07");
    }

    #[test]
    fn basis_points_round_down() {
        assert_eq!(Fen(50_000).times_bp(9_300), Fen(46_500));
        assert_eq!(Fen(333).times_bp(9_250), Fen(308)); // 308.025
        assert_eq!(Fen(i64::MAX).times_bp(10_000), Fen(i64::MAX));
    }

    #[test]
    fn parses_amounts_as_typed() {
        assert_eq!(parse_yuan("500"), Ok(Fen(50_000)));
        assert_eq!(parse_yuan("¥1,000.5"), Ok(Fen(100_050)));
        assert_eq!(parse_yuan("５００元"), Ok(Fen(50_000)));
        assert_eq!(parse_yuan("0.07"), Ok(Fen(7)));
        assert_eq!(parse_yuan(""), Err(AmountProblem::Empty));
        assert_eq!(parse_yuan("1.234"), Err(AmountProblem::TooManyDecimals));
        assert_eq!(
            parse_yuan("5x0"),
            Err(AmountProblem::Invalid {
                ch: 'x',
                position: 2
            })
        );
        assert_eq!(
            parse_yuan("1.2.3"),
            Err(AmountProblem::Invalid {
                ch: '.',
                position: 4
            })
        );
        assert_eq!(
            parse_yuan("999999999999999999999"),
            Err(AmountProblem::TooLarge)
        );
    }
}
