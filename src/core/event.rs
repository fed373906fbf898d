//! Everything that happens to an order is one of these events, appended to
//! the journal as `kind` + `data`. Never put a secret in here: codes appear
//! only masked, and as a keyed fingerprint.

use super::ids::{BatchId, ChannelId, OrderId};
use super::money::Fen;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Journaled and saved in settings by these exact words (spelled out, so
/// renaming a variant changes neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReleaseMode {
    /// The built-in simulated channel (default; demos and tests).
    #[serde(rename = "simulated")]
    Simulated,
    /// The user submits on the real platform; we time the window.
    #[serde(rename = "manual")]
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
        channel_caps: std::collections::BTreeMap<ChannelId, Fen>,
        /// Where checkpoints' hashes are sent to be time-stamped (left out
        /// while there are none, so older lines read the same).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tsa_urls: Vec<String>,
    },
    ChannelChosen {
        channel: ChannelId,
    },
    /// A complete, valid code was entered (masked + fingerprint only).
    CodeEntered {
        masked: String,
        fingerprint: String,
        pasted: bool,
        confusables: usize,
        /// The same code was already released in an earlier order. Which
        /// one is not named (lines before format 3 named it as
        /// `duplicate_of`, now ignored): an order's bundle must not point at
        /// another order; the person's own journal finds it by fingerprint.
        #[serde(default)]
        already_released: bool,
    },
    VerificationCodeEntered {
        masked: String,
    },
    FaceValueSet {
        face_value_fen: Fen,
        retyped: bool,
    },
    ReviewShown {
        channel: ChannelId,
        face_value_fen: Fen,
        payout_fen: Fen,
        masked: String,
        fingerprint: String,
        cancel_window_ms: u64,
        release_mode: ReleaseMode,
        /// Set when the order is one card of a batch release.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<BatchId>,
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
        batch: Option<BatchId>,
        /// The person's pace the delay was fitted to: how many of their
        /// confirmations, and their fastest tenth (absent without a pace).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pace_count: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pace_p10_ms: Option<u64>,
    },
    /// A confirm attempt the guard did not accept, and why.
    ConfirmSwallowed {
        at_ms: u64,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<BatchId>,
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
        batch: Option<BatchId>,
    },
    /// The second confirmation passed; the order is now held on this device.
    Confirmed {
        hold_s: u32,
        hold_until: DateTime<Utc>,
    },
    Undone {},
    /// The person asked the guard to forget their pace (Settings).
    PaceReset {},
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
        batch: BatchId,
        source: String,
        encoding: String,
        rows: usize,
        errors: usize,
        warnings: usize,
    },
    /// The operator acknowledged crossing a threshold from settings.
    LimitAcknowledged {
        batch: BatchId,
        /// `batch_total`, `daily_total` or `channel_daily`.
        limit: String,
        /// What the total becomes with this batch, and the threshold.
        amount_fen: Fen,
        limit_fen: Fen,
        channel: ChannelId,
    },
    /// The batch passed the second confirmation: held on this device until
    /// `hold_until`, then released one order after another.
    BatchConfirmed {
        batch: BatchId,
        channel: ChannelId,
        count: usize,
        face_value_fen: Fen,
        payout_fen: Fen,
        hold_s: u32,
        hold_until: DateTime<Utc>,
        /// Release only the smallest card first, then pause (a test).
        test_first: bool,
    },
    BatchUndone {
        batch: BatchId,
    },
    BatchPaused {
        batch: BatchId,
        /// `operator`, `test_card`, `error` or `cancel_all`.
        reason: String,
    },
    BatchResumed {
        batch: BatchId,
    },
    /// "Cancel all still cancellable": what it did, in total.
    BatchCancelAll {
        batch: BatchId,
        cancelled: usize,
        refused: usize,
        requested: usize,
        fees_fen: Fen,
    },
    BatchFinished {
        batch: BatchId,
        released: usize,
        not_sent: usize,
    },
    /// The app stopped mid-batch: the codes not yet released were only in
    /// memory and were never sent.
    BatchInterrupted {
        batch: BatchId,
        released: usize,
        not_sent: usize,
    },
    // ---- the remedy assistant (an order's; a batch's is journaled
    // without an order, `batch` naming it) ----
    /// "Something went wrong?" was opened. `standing` is what the app saw:
    /// `not_sent`, `holding`, `cancel_in_app`, `sending`, `on_clipboard`,
    /// `cancel_on_platform`, `cancelled`, `closed`.
    RemedyOpened {
        standing: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<BatchId>,
    },
    /// The assistant led to `path` (due by `deadline` when it has one):
    /// at once while a window is open, else after the person said what
    /// happened (`problem`).
    RemedyPathChosen {
        problem: Option<String>,
        path: String,
        deadline: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<BatchId>,
    },
    /// The ready-to-send message was copied or saved (`file`, relative to
    /// the data dir); its SHA-256 ties what was sent to this line.
    RemedyMessagePrepared {
        path: String,
        lang: String,
        /// `copy` or `save`.
        action: String,
        sha256: String,
        chars: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
        /// A batch's message: the cards it is about, as ticked.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        orders: Vec<OrderId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<BatchId>,
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

    /// The settings as journaled when one that is journaled changed.
    pub fn settings_changed(s: &super::settings::Settings) -> Event {
        Event::SettingsChanged {
            hold_s: s.hold_s,
            retype_threshold_fen: s.retype_threshold_fen,
            clipboard_clear_s: s.clipboard_clear_s,
            release_mode: s.release_mode,
            sensitivity: s.sensitivity.name().to_owned(),
            language: s
                .language
                .map(|l| l.code().to_owned())
                .unwrap_or_else(|| "system".into()),
            batch_limit_fen: s.batch_limit_fen,
            daily_limit_fen: s.daily_limit_fen,
            channel_daily_cap_fen: s.channel_daily_cap_fen,
            channel_caps: s.channel_caps.clone(),
            tsa_urls: s.tsa_urls.clone(),
        }
    }

    /// The guard's decision as journaled when a confirmation step shows.
    pub fn guard_decided(
        plan: &super::guard::behaviour::Plan,
        sensitivity: super::guard::Sensitivity,
        batch: Option<BatchId>,
    ) -> Event {
        Event::GuardDecided {
            level: plan.level.name().to_owned(),
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
            pace_count: plan.pace.filter(|_| plan.pace_fitted).map(|p| p.count),
            pace_p10_ms: plan.pace.filter(|_| plan.pace_fitted).map(|p| p.p10_ms),
        }
    }

    /// Events that must be on disk (fdatasync) before the UI moves on.
    /// Whether a signed checkpoint follows this event: the moments a
    /// complaint turns on (confirm, release, cancel, window closed, a
    /// batch's confirm and end).
    pub fn seals(&self) -> bool {
        matches!(
            self,
            Event::Confirmed { .. }
                | Event::BatchConfirmed { .. }
                | Event::Released { .. }
                | Event::PlatformSubmitted { .. }
                | Event::CancelRequested { .. }
                | Event::Cancelled { .. }
                | Event::CancelRefused { .. }
                | Event::WindowClosed { .. }
                | Event::BatchCancelAll { .. }
                | Event::BatchFinished { .. }
        )
    }

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

    const T: &str = "2026-11-27T09:00:00Z";

    /// One line's `kind` and `data` for every kind, as journals hold them.
    fn every_kind() -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::json;
        vec![
            ("app_started", json!({"version": "0.1.0"})),
            ("pace_reset", json!({})),
            (
                "journal_repaired",
                json!({"dropped_bytes": 12, "dropped_sha256": "ab"}),
            ),
            (
                "settings_changed",
                json!({"hold_s": 10, "retype_threshold_fen": 50000, "clipboard_clear_s": 60,
                       "release_mode": "manual", "sensitivity": "strict", "language": "zh-CN",
                       "batch_limit_fen": 500000, "daily_limit_fen": 2000000,
                       "channel_daily_cap_fen": 1000000, "channel_caps": {"kaquanmao": 100}}),
            ),
            ("channel_chosen", json!({"channel": "kaquanmao"})),
            (
                "code_entered",
                json!({"masked": "•••• •••• •••• 7F3K", "fingerprint": "f", "pasted": true,
                       "confusables": 1, "already_released": true}),
            ),
            ("verification_code_entered", json!({"masked": "••••56"})),
            (
                "face_value_set",
                json!({"face_value_fen": 50000, "retyped": true}),
            ),
            (
                "review_shown",
                json!({"channel": "kaquanmao", "face_value_fen": 10000, "payout_fen": 9300,
                       "masked": "m", "fingerprint": "f", "cancel_window_ms": 480000,
                       "release_mode": "simulated", "batch": "B-1"}),
            ),
            (
                "guard_decided",
                json!({"level": "veryhigh", "points": 6, "arming_ms": 2200, "friction": "type",
                       "hold_ms": null, "reasons": ["guard.r_no_cancel"],
                       "sensitivity": "standard"}),
            ),
            (
                "confirm_swallowed",
                json!({"at_ms": 90, "reason": "guard.too_soon_after_show", "batch": "B-1"}),
            ),
            (
                "screenshot_taken",
                json!({"path": "screenshots/2026-11/a.png", "width": 8, "height": 4,
                       "sha256": "00", "step": "batch_review", "batch": "B-1"}),
            ),
            ("confirmed", json!({"hold_s": 10, "hold_until": T})),
            ("undone", json!({})),
            ("hold_interrupted", json!({})),
            ("draft_discarded", json!({})),
            (
                "released",
                json!({"mode": "manual", "window_ends": null, "verify_at": null,
                       "clipboard_until": T}),
            ),
            ("platform_submitted", json!({"window_ends": T})),
            ("clipboard_cleared", json!({"still_ours": true})),
            ("cancel_requested", json!({"fee_fen": 0})),
            ("cancelled", json!({"fee_fen": 1000})),
            ("cancel_refused", json!({"reason": "window closed"})),
            ("window_closed", json!({"at": T})),
            ("verified", json!({"at": T})),
            ("settled", json!({"payout_fen": 9300})),
            (
                "batch_imported",
                json!({"batch": "B-1", "source": "cards.csv", "encoding": "gb18030",
                       "rows": 3, "errors": 1, "warnings": 0}),
            ),
            (
                "limit_acknowledged",
                json!({"batch": "B-1", "limit": "daily_total", "amount_fen": 2100000,
                       "limit_fen": 2000000, "channel": "kaquanmao"}),
            ),
            (
                "batch_confirmed",
                json!({"batch": "B-1", "channel": "kaquanmao", "count": 3,
                       "face_value_fen": 30000, "payout_fen": 27900, "hold_s": 10,
                       "hold_until": T, "test_first": true}),
            ),
            ("batch_undone", json!({"batch": "B-1"})),
            (
                "batch_paused",
                json!({"batch": "B-1", "reason": "test_card"}),
            ),
            ("batch_resumed", json!({"batch": "B-1"})),
            (
                "batch_cancel_all",
                json!({"batch": "B-1", "cancelled": 1, "refused": 0, "requested": 1,
                       "fees_fen": 500}),
            ),
            (
                "batch_finished",
                json!({"batch": "B-1", "released": 3, "not_sent": 0}),
            ),
            (
                "batch_interrupted",
                json!({"batch": "B-1", "released": 1, "not_sent": 2}),
            ),
            (
                "remedy_opened",
                json!({"standing": "cancel_in_app", "batch": "B-1"}),
            ),
            (
                "remedy_path_chosen",
                json!({"problem": "submitted_twice", "path": "freeze", "deadline": T}),
            ),
            (
                "remedy_message_prepared",
                json!({"path": "freeze", "lang": "zh-CN", "action": "save", "sha256": "ab",
                       "chars": 310, "file": "exports/B-1_freeze.txt", "orders": ["CG-2"],
                       "batch": "B-1"}),
            ),
        ]
    }

    /// No wildcard: a new kind does not compile until it is in [`every_kind`].
    fn index(e: &Event) -> usize {
        match e {
            Event::AppStarted { .. } => 0,
            Event::JournalRepaired { .. } => 1,
            Event::SettingsChanged { .. } => 2,
            Event::ChannelChosen { .. } => 3,
            Event::CodeEntered { .. } => 4,
            Event::VerificationCodeEntered { .. } => 5,
            Event::FaceValueSet { .. } => 6,
            Event::ReviewShown { .. } => 7,
            Event::GuardDecided { .. } => 8,
            Event::ConfirmSwallowed { .. } => 9,
            Event::ScreenshotTaken { .. } => 10,
            Event::Confirmed { .. } => 11,
            Event::Undone {} => 12,
            Event::HoldInterrupted {} => 13,
            Event::DraftDiscarded {} => 14,
            Event::Released { .. } => 15,
            Event::PlatformSubmitted { .. } => 16,
            Event::ClipboardCleared { .. } => 17,
            Event::CancelRequested { .. } => 18,
            Event::Cancelled { .. } => 19,
            Event::CancelRefused { .. } => 20,
            Event::WindowClosed { .. } => 21,
            Event::Verified { .. } => 22,
            Event::Settled { .. } => 23,
            Event::BatchImported { .. } => 24,
            Event::LimitAcknowledged { .. } => 25,
            Event::BatchConfirmed { .. } => 26,
            Event::BatchUndone { .. } => 27,
            Event::BatchPaused { .. } => 28,
            Event::BatchResumed { .. } => 29,
            Event::BatchCancelAll { .. } => 30,
            Event::BatchFinished { .. } => 31,
            Event::BatchInterrupted { .. } => 32,
            Event::RemedyOpened { .. } => 33,
            Event::RemedyPathChosen { .. } => 34,
            Event::RemedyMessagePrepared { .. } => 35,
            Event::PaceReset {} => 36,
        }
    }

    /// Old journals keep replaying and new lines keep their form: every
    /// kind and field name is pinned here, whatever the variants are called.
    #[test]
    fn every_kind_reads_and_writes_the_journals_words() {
        let cases = every_kind();
        let mut seen = Vec::new();
        for (kind, data) in &cases {
            let e = Event::from_parts(kind, data).unwrap_or_else(|| panic!("{kind} {data}"));
            assert_eq!(e.kind(), *kind);
            assert_eq!(&e.data(), data, "{kind}");
            seen.push(index(&e));
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..cases.len()).collect::<Vec<_>>());
    }

    #[test]
    fn guard_decided_names_the_level_as_journals_always_did() {
        use crate::core::guard::{GuardContext, Sensitivity, behaviour::Plan};
        let very_high = GuardContext {
            face_value_fen: 100_000,
            cancel_window_s: 0,
            local_hour: 2,
            duplicate: true,
            entry_ms: 20_000,
            ..GuardContext::default()
        };
        let e = Event::guard_decided(&Plan::for_context(&very_high), Sensitivity::Standard, None);
        assert_eq!(e.data()["level"], "veryhigh");
    }
}
