//! Batch thresholds from settings: one batch's total, the day's total
//! across every release, and each channel's daily cap. Crossing one is
//! allowed, but only after an explicit acknowledgement that is journaled;
//! an acknowledgement covers the amount it was given for, so growing the
//! batch afterwards (a fixed row) asks again.

use crate::core::ids::ChannelId;
use crate::core::money::Fen;
use crate::core::order::Ledger;
use crate::core::settings::Settings;
use chrono::{DateTime, Duration, FixedOffset, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    BatchTotal,
    DailyTotal,
    ChannelDaily,
}

impl LimitKind {
    /// The name journaled in `limit_acknowledged`.
    pub fn name(self) -> &'static str {
        match self {
            LimitKind::BatchTotal => "batch_total",
            LimitKind::DailyTotal => "daily_total",
            LimitKind::ChannelDaily => "channel_daily",
        }
    }

    /// i18n key of the warning (`{amount}`, `{limit}`, `{today}`, `{channel}`).
    pub fn key(self) -> &'static str {
        match self {
            LimitKind::BatchTotal => "limit.batch_total",
            LimitKind::DailyTotal => "limit.daily_total",
            LimitKind::ChannelDaily => "limit.channel_daily",
        }
    }
}

/// A threshold this batch would cross.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub kind: LimitKind,
    /// What the total becomes with this batch.
    pub amount: Fen,
    /// Released already today (for the daily limits; the batch total for the batch limit).
    pub before: Fen,
    pub limit: Fen,
}

/// The start and end of the local day containing `now`.
pub fn local_day(now: DateTime<Utc>, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
    let local = now.with_timezone(&offset);
    let midnight = local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(offset).single())
        .map(|m| m.with_timezone(&Utc))
        .unwrap_or(now);
    (midnight, midnight + Duration::days(1))
}

/// Every threshold a batch of `total` on `channel` would cross now.
pub fn crossings(
    settings: &Settings,
    ledger: &Ledger,
    channel: &ChannelId,
    total: Fen,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Vec<Crossing> {
    let (from, to) = local_day(now, offset);
    let today = ledger.released_total(from, to, None);
    let today_channel = ledger.released_total(from, to, Some(channel));
    let checks = [
        (LimitKind::BatchTotal, Fen::ZERO, settings.batch_limit_fen),
        (LimitKind::DailyTotal, today, settings.daily_limit_fen),
        (
            LimitKind::ChannelDaily,
            today_channel,
            settings.channel_cap(channel),
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, _, limit)| *limit > Fen::ZERO)
        .map(|(kind, before, limit)| Crossing {
            kind,
            amount: before + total,
            before,
            limit,
        })
        .filter(|c| c.amount > c.limit)
        .collect()
}

/// Whether an acknowledgement given for `acked` still covers `c`.
pub fn covered(c: &Crossing, acks: &[(String, Fen)]) -> bool {
    acks.iter()
        .any(|(name, amount)| name == c.kind.name() && *amount >= c.amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::{Event, ReleaseMode};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn released(ledger: &mut Ledger, id: &str, channel: &str, fen: i64, when: DateTime<Utc>) {
        ledger.apply(
            Some(&id.into()),
            when,
            &Event::ReviewShown {
                channel: channel.into(),
                face_value_fen: Fen(fen),
                payout_fen: Fen(fen),
                masked: "x".into(),
                fingerprint: id.into(),
                cancel_window_ms: 0,
                release_mode: ReleaseMode::Simulated,
                batch: None,
            },
        );
        ledger.apply(
            Some(&id.into()),
            when,
            &Event::Confirmed {
                hold_s: 0,
                hold_until: when,
            },
        );
        ledger.apply(
            Some(&id.into()),
            when,
            &Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: None,
                verify_at: None,
                clipboard_until: None,
            },
        );
    }

    #[test]
    fn each_threshold_counts_the_local_day_and_its_channel() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let mut ledger = Ledger::default();
        // 23:30 local yesterday: not today. 00:30 local today: today.
        released(
            &mut ledger,
            "a",
            "kaquanmao",
            900_000,
            at("2026-11-26T15:30:00Z"),
        );
        released(
            &mut ledger,
            "b",
            "kaquanmao",
            500_000,
            at("2026-11-26T16:30:00Z"),
        );
        released(
            &mut ledger,
            "c",
            "suhuishou",
            500_000,
            at("2026-11-27T01:00:00Z"),
        );
        let now = at("2026-11-27T02:00:00Z");
        let s = Settings::default(); // 5 000 / 20 000 / 10 000 yuan
        let c = crossings(&s, &ledger, &"kaquanmao".into(), Fen(200_000), now, cst);
        assert_eq!(c, vec![]);
        let c = crossings(&s, &ledger, &"kaquanmao".into(), Fen(600_000), now, cst);
        let kinds: Vec<LimitKind> = c.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [LimitKind::BatchTotal, LimitKind::ChannelDaily]);
        assert_eq!(c[1].before, Fen(500_000));
        assert_eq!(c[1].amount, Fen(1_100_000));
        // A limit of 0 is no limit; a per-channel cap overrides the default.
        let mut s = Settings {
            batch_limit_fen: Fen(0),
            ..Settings::default()
        };
        s.channel_caps.insert("kaquanmao".into(), Fen(5_000_000));
        assert_eq!(
            crossings(&s, &ledger, &"kaquanmao".into(), Fen(1_200_000), now, cst)
                .iter()
                .map(|c| c.kind)
                .collect::<Vec<_>>(),
            [LimitKind::DailyTotal]
        );
    }

    #[test]
    fn an_acknowledgement_covers_only_the_amount_it_was_given_for() {
        let c = Crossing {
            kind: LimitKind::BatchTotal,
            amount: Fen(600_000),
            before: Fen::ZERO,
            limit: Fen(500_000),
        };
        assert!(covered(&c, &[("batch_total".into(), Fen(600_000))]));
        assert!(!covered(&c, &[("batch_total".into(), Fen(550_000))]));
        assert!(!covered(&c, &[("daily_total".into(), Fen(900_000))]));
    }
}
