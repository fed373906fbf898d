//! Time comes in through this trait so every rule can be tested without
//! waiting: the app uses [`SystemClock`], tests and demos use [`ManualClock`].

use chrono::{DateTime, FixedOffset, Local, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// The local UTC offset in force at `at` (journaled as `tz`).
    fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset;
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        *at.with_timezone(&Local).offset()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<(DateTime<Utc>, FixedOffset)>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>, offset: FixedOffset) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new((start, offset)),
        })
    }

    /// 2026-11-27 09:00:00 UTC at +08:00: a fixed, readable start for tests.
    pub fn fixed() -> Arc<Self> {
        let start = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        Self::new(
            start,
            FixedOffset::east_opt(8 * 3600).unwrap_or(FixedOffset::east_opt(0).unwrap()),
        )
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += by;
    }

    pub fn advance_ms(&self, ms: i64) {
        self.advance(chrono::Duration::milliseconds(ms));
    }

    pub fn set(&self, at: DateTime<Utc>) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
    fn offset_at(&self, _at: DateTime<Utc>) -> FixedOffset {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// Milliseconds from `a` to `b`, clamped at zero.
pub fn ms_between(a: DateTime<Utc>, b: DateTime<Utc>) -> u64 {
    (b - a).num_milliseconds().max(0) as u64
}

/// Demo time: runs `factor` times faster than its base clock, so a
/// 15-minute cancel window can be shown in seconds. Changing the factor
/// keeps the current (virtual) time and speeds up from there.
#[derive(Debug)]
pub struct ScaledClock {
    base: SharedClock,
    state: Mutex<(DateTime<Utc>, DateTime<Utc>, u32)>,
}

impl ScaledClock {
    pub fn new(base: SharedClock) -> Arc<Self> {
        let now = base.now();
        Arc::new(Self {
            base,
            state: Mutex::new((now, now, 1)),
        })
    }

    pub fn factor(&self) -> u32 {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).2
    }

    pub fn set_factor(&self, factor: u32) {
        let virtual_now = self.now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *s = (self.base.now(), virtual_now, factor.max(1));
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let (anchor_real, anchor_virtual, factor) =
            *self.state.lock().unwrap_or_else(|p| p.into_inner());
        anchor_virtual + (self.base.now() - anchor_real) * factor as i32
    }
    fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        self.base.offset_at(at)
    }
}

impl std::fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_clock_speeds_up_from_now() {
        let base = ManualClock::fixed();
        let start = base.now();
        let demo = ScaledClock::new(base.clone());
        base.advance_ms(1_000);
        assert_eq!(demo.now() - start, chrono::Duration::seconds(1));
        demo.set_factor(60);
        base.advance_ms(10_000);
        assert_eq!(demo.now() - start, chrono::Duration::seconds(601));
        demo.set_factor(1);
        base.advance_ms(1_000);
        assert_eq!(demo.now() - start, chrono::Duration::seconds(602));
    }
}
