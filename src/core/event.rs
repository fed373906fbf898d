//! Everything that happens to an order is one of these events, appended to
//! the journal as `kind` + `data`. Never put a secret in here: codes appear
//! only masked, and as a keyed fingerprint.

use super::money::Fen;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseMode {
    /// The built-in simulated channel (default; demos and tests).
    Simulated,
    /// The user submits on the real platform; we time the window.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    AppStarted {
        version: String,
    },
    /// A torn last line (a crash mid-write) was cut off on open.
    JournalRepaired {
        dropped_bytes: u64,
        dropped_sha256: String,
    },
    SettingsChanged {
        hold_s: u32,
        retype_threshold_fen: Fen,
        clipboard_clear_s: u32,
        release_mode: ReleaseMode,
        sensitivity: String,
        language: String,
        #[serde(default)]
        batch_limit_fen: Fen,
        #[serde(default)]
        daily_limit_fen: Fen,
        #[serde(default)]
        channel_daily_cap_fen: Fen,
        #[serde(default)]
        channel_caps: std::collections::BTreeMap<String, Fen>,
    },
    ChannelChosen {
        channel: String,
    },
    /// A complete, valid code was entered (masked + fingerprint only).
    CodeEntered {
        masked: String,
        fingerprint: String,
        pasted: bool,
        confusables: usize,
        duplicate_of: Option<String>,
    },
    VerificationCodeEntered {
        masked: String,
    },
    FaceValueSet {
        face_value_fen: Fen,
        retyped: bool,
    },
    ReviewShown {
        channel: String,
        face_value_fen: Fen,
        payout_fen: Fen,
        masked: String,
        fingerprint: String,
        cancel_window_ms: u64,
        release_mode: ReleaseMode,
        /// Set when the order is one card of a batch release.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
    },
    /// The guard's decision when the confirmation step was shown.
    GuardDecided {
        level: String,
        points: u32,
        arming_ms: u64,
        friction: String,
        hold_ms: Option<u64>,
        reasons: Vec<String>,
        sensitivity: String,
        /// Set when confirming a batch (journaled without an order).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
    },
    /// A confirm attempt the guard did not accept, and why.
    ConfirmSwallowed {
        at_ms: u64,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
    },
    /// An in-app screenshot saved as evidence (path relative to the data dir).
    ScreenshotTaken {
        path: String,
        width: u32,
        height: u32,
        sha256: String,
        step: String,
        /// Set when the screenshot is evidence of a batch (journaled without an order).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
    },
    /// The second confirmation passed; the order is now held on this device.
    Confirmed {
        hold_s: u32,
        hold_until: DateTime<Utc>,
    },
    Undone {},
    /// The app stopped during a hold: the code was only in memory, so the
    /// order was never sent.
    HoldInterrupted {},
    /// A draft (never confirmed) that a restart or a new order discarded.
    DraftDiscarded {},
    Released {
        mode: ReleaseMode,
        /// Simulated: when the cancel window ends and when the channel verifies.
        window_ends: Option<DateTime<Utc>>,
        verify_at: Option<DateTime<Utc>>,
        /// Manual: until when the code may sit on the clipboard.
        clipboard_until: Option<DateTime<Utc>>,
    },
    /// Manual hand-off: the user says they submitted on the platform.
    PlatformSubmitted {
        window_ends: DateTime<Utc>,
    },
    /// The hand-off's clipboard time ran out; `still_ours` when we cleared it.
    ClipboardCleared {
        still_ours: bool,
    },
    CancelRequested {
        fee_fen: Fen,
    },
    Cancelled {
        fee_fen: Fen,
    },
    CancelRefused {
        reason: String,
    },
    WindowClosed {
        at: DateTime<Utc>,
    },
    Verified {
        at: DateTime<Utc>,
    },
    Settled {
        payout_fen: Fen,
    },
    // ---- batches (journaled without an order; `batch` names the batch) ----
    /// A file or paste was imported and checked (never any code in here).
    BatchImported {
        batch: String,
        source: String,
        encoding: String,
        rows: usize,
        errors: usize,
        warnings: usize,
    },
    /// The operator acknowledged crossing a threshold from settings.
    LimitAcknowledged {
        batch: String,
        /// `batch_total`, `daily_total` or `channel_daily`.
        limit: String,
        /// What the total becomes with this batch, and the threshold.
        amount_fen: Fen,
        limit_fen: Fen,
        channel: String,
    },
    /// The batch passed the second confirmation: held on this device until
    /// `hold_until`, then released one order after another.
    BatchConfirmed {
        batch: String,
        channel: String,
        count: usize,
        face_value_fen: Fen,
        payout_fen: Fen,
        hold_s: u32,
        hold_until: DateTime<Utc>,
        /// Release only the smallest card first, then pause (a test).
        test_first: bool,
    },
    BatchUndone {
        batch: String,
    },
    BatchPaused {
        batch: String,
        /// `operator`, `test_card`, `error` or `cancel_all`.
        reason: String,
    },
    BatchResumed {
        batch: String,
    },
    /// "Cancel all still cancellable": what it did, in total.
    BatchCancelAll {
        batch: String,
        cancelled: usize,
        refused: usize,
        requested: usize,
        fees_fen: Fen,
    },
    BatchFinished {
        batch: String,
        released: usize,
        not_sent: usize,
    },
    /// The app stopped mid-batch: the codes not yet released were only in
    /// memory and were never sent.
    BatchInterrupted {
        batch: String,
        released: usize,
        not_sent: usize,
    },
}

impl Event {
    /// The `kind` string written to the journal.
    pub fn kind(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }

    /// The `data` object written to the journal.
    pub fn data(&self) -> serde_json::Value {
        serde_json::to_value(self)
            .ok()
            .and_then(|mut v| v.get_mut("data").map(serde_json::Value::take))
            .unwrap_or_else(|| serde_json::json!({}))
    }

    pub fn from_parts(kind: &str, data: &serde_json::Value) -> Option<Event> {
        serde_json::from_value(serde_json::json!({ "kind": kind, "data": data })).ok()
    }

    /// The guard's decision as journaled when a confirmation step shows.
    pub fn guard_decided(
        plan: &super::guard::behaviour::Plan,
        sensitivity: super::guard::Sensitivity,
        batch: Option<String>,
    ) -> Event {
        Event::GuardDecided {
            level: format!("{:?}", plan.level).to_lowercase(),
            points: plan.points,
            arming_ms: plan.travel_dwell_ms,
            friction: plan.friction.name().to_owned(),
            hold_ms: match plan.friction {
                super::guard::Friction::HoldMs(ms) => Some(ms),
                _ => None,
            },
            reasons: plan.reasons.iter().map(|r| r.key().to_owned()).collect(),
            sensitivity: sensitivity.name().to_owned(),
            batch,
        }
    }

    /// Events that must be on disk (fdatasync) before the UI moves on.
    pub fn must_be_durable(&self) -> bool {
        matches!(
            self,
            Event::Confirmed { .. }
                | Event::BatchConfirmed { .. }
                | Event::LimitAcknowledged { .. }
                | Event::Released { .. }
                | Event::PlatformSubmitted { .. }
                | Event::CancelRequested { .. }
                | Event::Cancelled { .. }
                | Event::JournalRepaired { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_data_round_trip() {
        let e = Event::FaceValueSet {
            face_value_fen: Fen(50_000),
            retyped: true,
        };
        assert_eq!(e.kind(), "face_value_set");
        assert_eq!(
            e.data(),
            serde_json::json!({"face_value_fen": 50000, "retyped": true})
        );
        assert_eq!(Event::from_parts(&e.kind(), &e.data()), Some(e));
        assert_eq!(Event::Undone {}.data(), serde_json::json!({}));
        assert_eq!(
            Event::from_parts("undone", &serde_json::json!({})),
            Some(Event::Undone {})
        );
        assert_eq!(Event::from_parts("no_such", &serde_json::json!({})), None);
    }
}
