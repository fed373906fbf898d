//! Money is integer fen (1/100 yuan), never floats.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Any amount read from a file (journal, settings) is within ±¥100 000 000
/// ([`MAX_YUAN`]): a planted ¥92-quadrillion order cannot wrap a day's
/// total round to a small one (a billion such orders still fit an i64).
impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        if v.unsigned_abs() > (MAX_YUAN * 100) as u64 {
            return Err(serde::de::Error::custom(
                "amount out of range (more than ¥100 000 000)",
            ));
        }
        Ok(Fen(v))
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// `self × basis_points / 10 000`, rounded down (channels round in their
    /// favour). Saturates instead of wrapping for absurd inputs.
    pub fn times_bp(self, basis_points: u32) -> Fen {
        let v = self.0 as i128 * basis_points as i128 / 10_000;
        Fen(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    /// The amount as a person types it, exact to the fen: `500`, `500.50`,
    /// `0.07`. [`parse_yuan`] reads it back as the same amount (a negative
    /// one gets a minus, which it refuses like any typed minus).
    pub fn yuan_input_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        match abs % 100 {
            0 => format!("{sign}{}", abs / 100),
            fen => format!("{sign}{}.{fen:02}", abs / 100),
        }
    }
}

// Arithmetic saturates at the ends of i64 rather than returning an Option:
// every amount is bounded to ±10^10 fen where it enters (typed, imported,
// read from a file), so a sum would need about 10^9 of the largest to get
// near the end. Saturating keeps totals and limits code plain, never panics
// (a plain i64 `+` does in debug builds) and never wraps a huge total round
// to a small one that would slip under a limit.
impl Add for Fen {
    type Output = Fen;
    fn add(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, other: Fen) -> Fen {
        Fen(self.0.saturating_sub(other.0))
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, other: Fen) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> std::iter::Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
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

/// The largest amount [`parse_yuan`] accepts, in yuan.
pub const MAX_YUAN: i64 = 100_000_000;

/// Parses a yuan amount as a person types it: `500`, `500.5`, `¥500.00`,
/// `５００`, `1,000`. At most two decimals; at most ¥100 000 000.
///
/// Commas: Chinese Excel/WPS exports write thousands separators (`1,000.00`),
/// so a comma is accepted only in that exact shape (`d{1,3}(,ddd)+` before any
/// decimal point). Anything else with a comma (`1,00`, `50,00`, `1,0000`) may
/// be a European decimal comma and is refused as `Invalid { ch: ',' }` rather
/// than silently read as a hundred times the amount.
pub fn parse_yuan(raw: &str) -> Result<Fen, AmountProblem> {
    if let Some(position) = misplaced_comma(raw) {
        return Err(AmountProblem::Invalid { ch: ',', position });
    }
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
                // Bounded by the check below, so this cannot overflow.
                whole = whole * 10 + (c as i64 - '0' as i64);
                if whole > MAX_YUAN {
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

/// The 1-based char position of the first comma that is not a thousands
/// separator in `d{1,3}(,ddd)+` form, if any.
fn misplaced_comma(raw: &str) -> Option<usize> {
    let chars: Vec<char> = raw.trim().chars().collect();
    let first = chars.iter().position(|&c| c == ',')?;
    // The digit groups of the whole part (currency signs and spaces aside).
    let end = chars.iter().position(|&c| c == '.' || c == '\u{FF0E}');
    let whole = &chars[..end.unwrap_or(chars.len())];
    if let Some(after) = end
        && chars[after..].contains(&',')
    {
        return chars[after..]
            .iter()
            .position(|&c| c == ',')
            .map(|i| after + i + 1);
    }
    let digits: String = whole
        .iter()
        .filter(|c| !matches!(c, '¥' | '￥' | '元' | ' '))
        .map(|&c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let mut groups = digits.split(',');
    let lead = groups.next().unwrap_or("");
    let lead_ok = (1..=3).contains(&lead.len()) && lead.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if lead_ok && rest_ok {
        None
    } else {
        Some(first + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_from_files_are_bounded() {
        assert_eq!(
            serde_json::from_str::<Fen>("10000000000").unwrap(),
            Fen(10_000_000_000)
        );
        assert_eq!(serde_json::from_str::<Fen>("-500").unwrap(), Fen(-500));
        for bad in [
            "10000000001",
            "9223372036854775807",
            "-9223372036854775808",
            "1.5",
        ] {
            assert!(serde_json::from_str::<Fen>(bad).is_err(), "{bad}");
        }
    }

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

    #[test]
    fn a_comma_is_a_thousands_separator_only_in_that_exact_shape() {
        assert_eq!(parse_yuan("1,000"), Ok(Fen(100_000)));
        assert_eq!(parse_yuan("¥12,345,678.90"), Ok(Fen(1_234_567_890)));
        assert_eq!(parse_yuan("１,０００元"), Ok(Fen(100_000)));
        for ambiguous in [
            "1,00", "50,00", "1,0000", ",100", "100,", "1,000,00", "1.000,5",
        ] {
            assert!(
                matches!(
                    parse_yuan(ambiguous),
                    Err(AmountProblem::Invalid { ch: ',', .. })
                ),
                "{ambiguous}"
            );
        }
    }

    #[test]
    fn absurd_amounts_are_refused_not_wrapped() {
        assert_eq!(parse_yuan("0"), Ok(Fen::ZERO));
        for raw in [&i64::MAX.to_string(), &u64::MAX.to_string(), "100000001"] {
            assert_eq!(parse_yuan(raw), Err(AmountProblem::TooLarge), "{raw}");
        }
        for raw in ["-5", "1e30", "NaN", "inf", "+5"] {
            assert!(
                matches!(parse_yuan(raw), Err(AmountProblem::Invalid { .. })),
                "{raw}"
            );
        }
        assert_eq!(Fen(i64::MAX).times_bp(u32::MAX), Fen(i64::MAX));
        assert_eq!(Fen(i64::MIN).times_bp(u32::MAX), Fen(i64::MIN));
        assert_eq!(Fen(i64::MAX) + Fen(1), Fen(i64::MAX));
        assert_eq!(Fen(i64::MIN) - Fen(1), Fen(i64::MIN));
        let mut total = Fen(i64::MAX - 1);
        total += Fen(5);
        assert_eq!(total, Fen(i64::MAX));
        assert_eq!(
            [Fen(i64::MAX), Fen(1), Fen(-1)].iter().sum::<Fen>(),
            Fen(i64::MAX - 1)
        );
    }

    #[test]
    fn amounts_add_up_as_fen() {
        assert_eq!(Fen(150) + Fen(250), Fen(400));
        assert_eq!(Fen(150) - Fen(250), Fen(-100));
        let all = [Fen(1), Fen(20), Fen(300)];
        assert_eq!(all.iter().sum::<Fen>(), Fen(321));
        assert_eq!(all.into_iter().sum::<Fen>(), Fen(321));
        assert_eq!(std::iter::empty::<Fen>().sum::<Fen>(), Fen::ZERO);
    }

    #[test]
    fn input_text_keeps_the_cents() {
        assert_eq!(Fen(50_000).yuan_input_text(), "500");
        assert_eq!(Fen(50_050).yuan_input_text(), "500.50");
        assert_eq!(Fen(7).yuan_input_text(), "0.07");
        assert_eq!(Fen::ZERO.yuan_input_text(), "0");
        assert_eq!(Fen(-300).yuan_input_text(), "-3");
        assert_eq!(parse_yuan(&Fen(50_050).yuan_input_text()), Ok(Fen(50_050)));
    }
}
