//! How values are written for a person, shared by every screen.

use crate::core::money::Fen;
use crate::i18n::Texts;

/// `mm:ss` of the time left, seconds rounded up (a display never shows 0:00 early).
pub fn mm_ss(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// `h:mm:ss` when an hour or more is left, else `mm:ss` (rounded up, as
/// [`mm_ss`]): a deadline a day away still counts by the second.
pub fn clock_left(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        mm_ss(ms)
    }
}

/// Seconds with up to two decimals, no trailing zeros: "0.6", "0.75",
/// "2.1" (a wait is said as it is, never rounded onto the one beside it).
pub fn seconds(ms: u64) -> String {
    let s = format!("{:.2}", ms as f64 / 1000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub fn money(f: Fen) -> String {
    f.to_string()
}

/// A fee as the person reads it: "free" rather than "¥0.00".
pub fn fee_text(tr: &Texts, fee: Fen) -> String {
    if fee > Fen::ZERO {
        fee.to_string()
    } else {
        tr.get("channel.fee_none").to_owned()
    }
}

/// "≈ 7 s", "8 min", "3 d" in the UI language.
pub fn duration_words(tr: &Texts, ms: u64) -> String {
    // Rounded to the nearest unit: these are approximate durations ("≈ 7 s").
    let s = (ms + 500) / 1000;
    if s < 120 {
        tr.fmt("unit.seconds", &[("n", &s)])
    } else if s < 2 * 3600 {
        tr.fmt("unit.minutes", &[("n", &(s / 60))])
    } else if s < 2 * 86_400 {
        tr.fmt("unit.hours", &[("n", &(s / 3600))])
    } else {
        tr.fmt("unit.days", &[("n", &(s / 86_400))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn seconds_are_said_as_they_are() {
        assert_eq!(seconds(600), "0.6");
        assert_eq!(seconds(750), "0.75");
        assert_eq!(seconds(2_100), "2.1");
        assert_eq!(seconds(10_000), "10");
    }

    #[test]
    fn countdown_text() {
        assert_eq!(mm_ss(480_000), "08:00");
        assert_eq!(mm_ss(479_001), "08:00");
        assert_eq!(mm_ss(59_000), "00:59");
        assert_eq!(mm_ss(1), "00:01");
        assert_eq!(mm_ss(0), "00:00");
        assert_eq!(clock_left(59_000), "00:59");
        assert_eq!(clock_left(3_600_000), "1:00:00");
        assert_eq!(clock_left(86_399_001), "24:00:00");
        assert_eq!(clock_left(86_399_000), "23:59:59");
    }

    #[test]
    fn durations_round_to_their_unit() {
        let tr = Texts::new(Lang::En);
        assert_eq!(
            duration_words(&tr, 6_600),
            tr.fmt("unit.seconds", &[("n", &7)])
        );
        assert_eq!(
            duration_words(&tr, 480_000),
            tr.fmt("unit.minutes", &[("n", &8)])
        );
        assert_eq!(
            duration_words(&tr, 3 * 86_400_000),
            tr.fmt("unit.days", &[("n", &3)])
        );
        assert_eq!(fee_text(&tr, Fen::ZERO), tr.get("channel.fee_none"));
    }
}
