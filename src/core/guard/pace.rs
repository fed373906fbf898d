//! The person's own pace: how long *they* take, from the review appearing
//! to an accepted confirmation of a low-risk order, over their last
//! confirmations. The guard fits its arming delay to it: a fast expert is
//! not made to wait the default, a slow careful reader is never hurried,
//! and a confirmation far faster than the person's own habit (half their
//! fastest tenth) is what raises the bar. Kept on this device only
//! (`pace.json`), shown and resettable in Settings.

use crate::core::safe_file::{FileError, Links, read_capped_opt, write_private_atomic};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the pace is kept, in the data dir.
pub const PACE_FILE: &str = "pace.json";
/// Fifty numbers fit in far less; a bigger file is not ours.
const MAX_PACE_BYTES: u64 = 16 * 1024;

/// The last confirmations kept, newest last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pace {
    /// Milliseconds from the review appearing to the accepted confirmation.
    samples_ms: Vec<u64>,
    /// For confirmations by pointer: whether it rested on the key facts
    /// (amount, channel, cancel policy) first. Absent in older files.
    #[serde(default)]
    looks: Vec<bool>,
}

/// What the guard uses of a pace: how many confirmations it rests on, and
/// their fastest tenth and median; and, once there are enough pointer
/// confirmations, how often the person looked at the facts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceFit {
    pub count: usize,
    pub p10_ms: u64,
    pub median_ms: u64,
    pub looks: Option<LookHabit>,
}

/// Of a person's last confirmations by pointer, how many rested on the key
/// facts before Confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookHabit {
    pub looked: usize,
    pub of: usize,
}

impl LookHabit {
    /// Looking first is this person's way when they did it this often (in
    /// percent): then going to Confirm without a look is a departure.
    pub const HABIT_PCT: usize = 80;

    pub fn looks_first(&self) -> bool {
        // Wide: the counts may come from a trace file.
        self.of > 0 && self.looked as u128 * 100 >= self.of as u128 * Self::HABIT_PCT as u128
    }
}

impl Pace {
    /// Fewer than this says nothing about a person.
    pub const MIN_SAMPLES: usize = 8;
    /// Only the recent past: people speed up with practice.
    pub const KEEP: usize = 50;
    /// A time beyond this is someone who walked away, not a pace.
    pub const MAX_SAMPLE_MS: u64 = 120_000;
    /// Nothing confirms this soon (the show cooldown): a file saying so is
    /// not a pace.
    pub const MIN_SAMPLE_MS: u64 = 500;

    /// One accepted confirmation `ms` after the review appeared; `looked`
    /// when it came by pointer (whether the pointer rested on the facts
    /// first), `None` by keyboard, screen reader or touch.
    pub fn push(&mut self, ms: u64, looked: Option<bool>) {
        if !(Self::MIN_SAMPLE_MS..=Self::MAX_SAMPLE_MS).contains(&ms) {
            return;
        }
        self.samples_ms.push(ms);
        self.looks.extend(looked);
        self.keep_recent();
    }

    /// The last [`Pace::KEEP`] confirmations, and never more looks than
    /// confirmations (each look belongs to one).
    fn keep_recent(&mut self) {
        let extra = self.samples_ms.len().saturating_sub(Self::KEEP);
        self.samples_ms.drain(..extra);
        let extra = self.looks.len().saturating_sub(self.samples_ms.len());
        self.looks.drain(..extra);
    }

    pub fn len(&self) -> usize {
        self.samples_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples_ms.is_empty()
    }

    /// A pace read from a file keeps at most [`Pace::KEEP`] plausible times.
    pub fn sanitized(mut self) -> Self {
        self.samples_ms
            .retain(|ms| (Self::MIN_SAMPLE_MS..=Self::MAX_SAMPLE_MS).contains(ms));
        self.keep_recent();
        self
    }

    /// The pace kept at `path`. Missing, damaged or hostile (a link, a
    /// FIFO, a huge file) is a fresh start: the pace is a convenience the
    /// person can reset, never a record (the journal is).
    pub fn load(path: &Path) -> Pace {
        read_capped_opt(path, MAX_PACE_BYTES, Links::Refuse)
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice::<Pace>(&b).ok())
            .map(Pace::sanitized)
            .unwrap_or_default()
    }

    /// Replaces the file in one step, 0600, never through a link.
    pub fn save(&self, path: &Path) -> Result<(), FileError> {
        let text = serde_json::to_vec(self)
            .map_err(|e| FileError::Io(path.to_path_buf(), std::io::Error::other(e)))?;
        write_private_atomic(path, &text)
    }

    pub fn fit(&self) -> Option<PaceFit> {
        if self.samples_ms.len() < Self::MIN_SAMPLES {
            return None;
        }
        let mut s = self.samples_ms.clone();
        s.sort_unstable();
        let at = |p: usize| s[(s.len() * p / 100).min(s.len() - 1)];
        let looked = self.looks.iter().filter(|l| **l).count();
        Some(PaceFit {
            count: s.len(),
            p10_ms: at(10),
            median_ms: at(50),
            looks: (self.looks.len() >= Self::MIN_SAMPLES).then_some(LookHabit {
                looked,
                of: self.looks.len(),
            }),
        })
    }
}

impl PaceFit {
    /// The pointer dwell at low risk for this person, from the default
    /// `base`: lowered towards 80 % of their fastest tenth (never below
    /// `floor_ms`, the show cooldown and a little), and raised to half
    /// their fastest tenth when that is longer (a departure from their own
    /// habit), capped at `cap_ms`.
    pub fn low_risk_dwell(&self, base: u64, floor_ms: u64, cap_ms: u64) -> u64 {
        let lowered = base.min((self.p10_ms * 8 / 10).max(floor_ms));
        lowered.max(self.departure_ms()).min(cap_ms)
    }

    /// Faster than this is not this person's way of confirming.
    pub fn departure_ms(&self) -> u64 {
        self.p10_ms / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pace(ms: &[u64]) -> Pace {
        let mut p = Pace::default();
        for &m in ms {
            p.push(m, None);
        }
        p
    }

    #[test]
    fn the_look_habit_needs_enough_pointer_confirmations() {
        let mut p = Pace::default();
        for i in 0..10 {
            // Two by keyboard: no look either way.
            let looked = (i >= 2).then_some(i != 5);
            p.push(1_500, looked);
        }
        let looks = p.fit().unwrap().looks.unwrap();
        assert_eq!((looks.looked, looks.of), (7, 8));
        assert!(looks.looks_first(), "7 of 8 is 87 %");
        p.push(1_500, Some(false));
        p.push(1_500, Some(false));
        let looks = p.fit().unwrap().looks.unwrap();
        assert_eq!((looks.looked, looks.of), (7, 10));
        assert!(!looks.looks_first(), "7 of 10 is under 80 %");
        // Only keyboard confirmations: the timing fits, no look habit.
        assert_eq!(pace(&[1_500; 10]).fit().unwrap().looks, None);
        // An older file without looks still reads.
        let old: Pace = serde_json::from_str(r#"{"samples_ms":[900,900]}"#).unwrap();
        assert_eq!(old.len(), 2);
        // A file with far too many looks keeps the recent ones, never more
        // than its confirmations.
        let many = format!(
            r#"{{"samples_ms":[900],"looks":[{}]}}"#,
            ["true"; 500].join(",")
        );
        let many: Pace = serde_json::from_str::<Pace>(&many).unwrap().sanitized();
        assert_eq!(many.looks.len(), 1);
        // Counts from a trace file cannot overflow the share.
        let huge = LookHabit {
            looked: 0,
            of: usize::MAX / 50,
        };
        assert!(!huge.looks_first());
        let all = LookHabit {
            looked: usize::MAX,
            of: usize::MAX,
        };
        assert!(all.looks_first());
    }

    #[test]
    fn a_pace_needs_enough_confirmations_and_keeps_the_recent_ones() {
        assert_eq!(pace(&[900; 7]).fit(), None);
        let f = pace(&[900; 8]).fit().unwrap();
        assert_eq!((f.count, f.p10_ms, f.median_ms), (8, 900, 900));
        let mut p = pace(&[5_000; 50]);
        for _ in 0..50 {
            p.push(700, None);
        }
        assert_eq!(
            p.fit().unwrap().median_ms,
            700,
            "the old, slow ones aged out"
        );
        p.push(10 * 60_000, None);
        assert_eq!(p.len(), 50, "a walk away is not a pace");
    }

    #[test]
    fn the_dwell_fits_the_person_within_bounds() {
        let base = 800;
        let (floor, cap) = (600, 3_000);
        // A fast expert: lowered, never below the floor.
        let fast = pace(&[650, 700, 720, 750, 800, 820, 900, 950, 1_000, 1_100]);
        assert_eq!(fast.fit().unwrap().low_risk_dwell(base, floor, cap), 600);
        // Someone at about the default: unchanged.
        let mid = pace(&[1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_800, 2_000]);
        assert_eq!(mid.fit().unwrap().low_risk_dwell(base, floor, cap), 800);
        // A slow careful reader: half their fastest tenth, far below what
        // they ever take, so they are never hurried; a dash is refused.
        let slow = pace(&[4_000, 4_500, 5_000, 5_500, 6_000, 7_000, 8_000, 9_000]);
        let f = slow.fit().unwrap();
        assert_eq!(f.low_risk_dwell(base, floor, cap), 2_000);
        assert!(f.low_risk_dwell(base, floor, cap) < f.p10_ms);
        // Capped: nobody waits more than the cap for a low-risk order.
        let glacial = pace(&[60_000; 10]);
        assert_eq!(
            glacial.fit().unwrap().low_risk_dwell(base, floor, cap),
            3_000
        );
    }
}
