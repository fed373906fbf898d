//! The order state machine. The ledger is rebuilt by replaying journal
//! events; time-driven changes (a window closing, a channel verifying) are
//! produced by [`Ledger::due`] as events, journaled, then applied like any
//! other — so the journal and the state can never disagree.

use super::event::{Event, ReleaseMode};
use super::ids::{BatchId, ChannelId, OrderId};
use super::money::Fen;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod lookup;
use lookup::Positions;
use std::hash::BuildHasher;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Being entered; nothing confirmed.
    Draft,
    /// On the review screen.
    Reviewing,
    /// Confirmed and held on this device until `hold_until`.
    Holding,
    /// Manual hand-off: code on the clipboard, waiting for "I have submitted it".
    AwaitingPlatform,
    /// Submitted; the channel's cancel window is open.
    InWindow,
    /// Window closed (or none); the channel is verifying.
    Verifying,
    Settled,
    Cancelled,
    /// Manual hand-off: cancel asked on the platform; outcome is the platform's.
    CancelRequested,
    /// Manual hand-off: the cancel window ran out.
    Expired,
    /// The app stopped during the hold; never sent.
    Interrupted,
    Discarded,
}

impl Phase {
    /// i18n key of the state as the orders list shows it.
    pub fn label_key(self) -> &'static str {
        match self {
            Phase::Draft => "phase.draft",
            Phase::Reviewing => "phase.reviewing",
            Phase::Holding => "phase.holding",
            Phase::AwaitingPlatform => "phase.awaiting_platform",
            Phase::InWindow => "phase.in_window",
            Phase::Verifying => "phase.verifying",
            Phase::Settled => "phase.settled",
            Phase::Cancelled => "phase.cancelled",
            Phase::CancelRequested => "phase.cancel_requested",
            Phase::Expired => "phase.expired",
            Phase::Interrupted => "phase.interrupted",
            Phase::Discarded => "phase.discarded",
        }
    }

    /// Whether the code has left (or may have left) the device.
    pub fn is_released(self) -> bool {
        matches!(
            self,
            Phase::AwaitingPlatform
                | Phase::InWindow
                | Phase::Verifying
                | Phase::Settled
                | Phase::Cancelled
                | Phase::CancelRequested
                | Phase::Expired
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    #[serde(with = "compact_time")]
    pub created_at: DateTime<Utc>,
    pub channel: ChannelId,
    pub face_value: Fen,
    pub payout: Fen,
    pub masked: String,
    pub fingerprint: String,
    pub mode: ReleaseMode,
    pub cancel_window_ms: u64,
    pub phase: Phase,
    #[serde(with = "compact_time::option")]
    pub hold_until: Option<DateTime<Utc>>,
    pub hold_s: u32,
    #[serde(with = "compact_time::option")]
    pub released_at: Option<DateTime<Utc>>,
    #[serde(with = "compact_time::option")]
    pub clipboard_until: Option<DateTime<Utc>>,
    #[serde(with = "compact_time::option")]
    pub window_started: Option<DateTime<Utc>>,
    #[serde(with = "compact_time::option")]
    pub window_ends: Option<DateTime<Utc>>,
    #[serde(with = "compact_time::option")]
    pub verify_at: Option<DateTime<Utc>>,
    pub fee_paid: Option<Fen>,
    /// Boxed: most orders have none (a word less each in a long history).
    pub cancel_refused: Option<Box<str>>,
    /// The batch this order was released in, if any.
    pub batch: Option<BatchId>,
    /// When the second confirmation passed (the last time, after an undo).
    #[serde(with = "compact_time::option")]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When a cancel was first asked for (done, asked on the platform or refused).
    #[serde(with = "compact_time::option")]
    pub cancel_asked_at: Option<DateTime<Utc>>,
    /// The screenshots the journal names for it (a remedy message lists them).
    pub shots: ShotFacts,
}

/// A screenshot the journal names: its path (relative to the data dir) and
/// SHA-256 as journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShotFact {
    pub path: String,
    pub sha256: String,
}

/// The first [`MAX_SHOT_FACTS`] screenshots and how many more there were:
/// a forged journal naming millions must not grow memory. Boxed, as most
/// orders have none: one word per order, not four, in a long history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShotFacts(Option<Box<ShotList>>);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ShotList {
    kept: Vec<ShotFact>,
    more: usize,
}

pub const MAX_SHOT_FACTS: usize = 32;

impl ShotFacts {
    fn push(&mut self, path: &str, sha256: &str) {
        let list = self.0.get_or_insert_with(Box::default);
        if list.kept.len() < MAX_SHOT_FACTS {
            list.kept.push(ShotFact {
                path: path.to_owned(),
                sha256: sha256.to_owned(),
            });
        } else {
            list.more = list.more.saturating_add(1);
        }
    }

    pub fn kept(&self) -> &[ShotFact] {
        self.0
            .as_ref()
            .map(|l| l.kept.as_slice())
            .unwrap_or_default()
    }

    /// How many more the journal named.
    pub fn more(&self) -> usize {
        self.0.as_ref().map(|l| l.more).unwrap_or(0)
    }
}

impl Order {
    fn new(id: &OrderId, at: DateTime<Utc>) -> Self {
        Self {
            id: id.clone(),
            created_at: at,
            channel: ChannelId::default(),
            face_value: Fen::ZERO,
            payout: Fen::ZERO,
            masked: String::new(),
            fingerprint: String::new(),
            mode: ReleaseMode::Simulated,
            cancel_window_ms: 0,
            phase: Phase::Draft,
            hold_until: None,
            hold_s: 0,
            released_at: None,
            clipboard_until: None,
            window_started: None,
            window_ends: None,
            verify_at: None,
            fee_paid: None,
            cancel_refused: None,
            batch: None,
            confirmed_at: None,
            cancel_asked_at: None,
            shots: ShotFacts::default(),
        }
    }

    /// Milliseconds left in the cancel window (None outside it).
    pub fn window_left_ms(&self, now: DateTime<Utc>) -> Option<u64> {
        (self.phase == Phase::InWindow)
            .then(|| super::clock::ms_between(now, self.window_ends.unwrap_or(now)))
    }

    /// The cancel window's whole length (None until it has opened).
    pub fn window_total_ms(&self) -> Option<u64> {
        self.window_ends
            .zip(self.window_started)
            .map(|(e, s)| super::clock::ms_between(s, e))
    }

    pub fn hold_left_ms(&self, now: DateTime<Utc>) -> Option<u64> {
        (self.phase == Phase::Holding)
            .then(|| super::clock::ms_between(now, self.hold_until.unwrap_or(now)))
    }

    /// The next instant at which this order changes by itself.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let own = match self.phase {
            Phase::Holding => self.hold_until,
            Phase::InWindow => self.window_ends,
            Phase::Verifying => self.verify_at,
            _ => None,
        };
        // The clipboard is cleared on time whatever the order's state.
        own.into_iter().chain(self.clipboard_until).min()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchState {
    /// Imported and checked; nothing confirmed.
    Imported,
    /// Confirmed: held, then releasing (or paused).
    Running,
    Undone,
    Finished,
    /// The app stopped mid-batch; the rest was never sent.
    Interrupted,
}

/// A batch as the journal tells it (its orders carry its id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRecord {
    pub id: BatchId,
    pub channel: ChannelId,
    pub count: usize,
    pub state: BatchState,
    pub paused: bool,
    #[serde(with = "compact_time::option")]
    pub hold_until: Option<DateTime<Utc>>,
    /// Acknowledged thresholds: (limit, amount it was acknowledged for).
    pub acks: Vec<(String, Fen)>,
    #[serde(with = "compact_time::option")]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The batch's own screenshots (review, confirmation, pauses…).
    pub shots: ShotFacts,
}

/// All orders, rebuilt from the journal.
/// Serialisable for the start-up snapshot (`journal/snapshot.rs`): the
/// orders, the batches and which orders first released each fingerprint;
/// the lookups are rebuilt from them.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(from = "LedgerParts")]
pub struct Ledger {
    orders: Vec<Order>,
    /// Positions in `orders` by id.
    index: Positions,
    batches: Vec<BatchRecord>,
    /// Positions of the first order to release each fingerprint, by it.
    released: Positions,
}

#[derive(Deserialize)]
struct LedgerParts {
    #[serde(deserialize_with = "sized_once")]
    orders: Vec<Order>,
    batches: Vec<BatchRecord>,
    released: Vec<usize>,
}

/// The most orders a list read from a snapshot is sized for up front.
const MAX_RESERVE: usize = 1 << 20;

/// A list sized once from its stated length (capped; the snapshot's MAC
/// has checked before it is read): grown by doubling, a long history
/// would leave its old copies in the heap, a third more memory at start.
fn sized_once<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    struct Sized<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Sized<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_RESERVE));
            while let Some(x) = seq.next_element()? {
                v.push(x);
            }
            Ok(v)
        }
    }
    d.deserialize_seq(Sized(std::marker::PhantomData))
}

/// The same, borrowed: writing a snapshot copies no order.
#[derive(Serialize)]
struct LedgerPartsRef<'a> {
    orders: &'a [Order],
    batches: &'a [BatchRecord],
    released: Vec<usize>,
}

impl Serialize for Ledger {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        LedgerPartsRef {
            orders: &self.orders,
            batches: &self.batches,
            released: self.released_positions(),
        }
        .serialize(s)
    }
}

impl From<LedgerParts> for Ledger {
    fn from(p: LedgerParts) -> Self {
        let mut l = Ledger {
            index: Positions::with_capacity(p.orders.len()),
            released: Positions::with_capacity(p.released.len()),
            orders: p.orders,
            batches: p.batches,
        };
        for i in 0..l.orders.len() {
            l.index_order(i);
        }
        for i in p.released {
            // A position past the end or a fingerprint already there would
            // be a damaged snapshot (which its MAC refuses): ignored.
            if i < l.orders.len() && l.released_with(&l.orders[i].fingerprint).is_none() {
                l.mark_released(i);
            }
        }
        l
    }
}

/// Equal when the orders, batches and first releases are (the lookups'
/// layout is not part of what a ledger says).
impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.orders == other.orders
            && self.batches == other.batches
            && self.released_positions() == other.released_positions()
    }
}

impl Ledger {
    fn released_positions(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.released.positions().collect();
        v.sort_unstable();
        v
    }

    fn position(&self, id: &OrderId) -> Option<usize> {
        let h = self.index.hash(id);
        self.index.find(h, |i| &self.orders[i].id == id)
    }

    fn index_order(&mut self, at: usize) {
        let Ledger { orders, index, .. } = self;
        let h = index.hash(&orders[at].id);
        let hasher = index.clone_hasher();
        index.insert(h, at, |i| hasher.hash_one(&orders[i].id));
    }

    fn mark_released(&mut self, at: usize) {
        let Ledger {
            orders, released, ..
        } = self;
        let h = released.hash(orders[at].fingerprint.as_str());
        let hasher = released.clone_hasher();
        released.insert(h, at, |i| hasher.hash_one(orders[i].fingerprint.as_str()));
    }

    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    pub fn get(&self, id: &OrderId) -> Option<&Order> {
        self.position(id).map(|i| &self.orders[i])
    }

    pub fn ever_released(&self) -> bool {
        !self.released.is_empty()
    }

    /// The order that already released a code with this fingerprint.
    pub fn released_with(&self, fingerprint: &str) -> Option<&OrderId> {
        let h = self.released.hash(fingerprint);
        self.released
            .find(h, |i| self.orders[i].fingerprint == fingerprint)
            .map(|i| &self.orders[i].id)
    }

    pub fn batches(&self) -> &[BatchRecord] {
        &self.batches
    }

    pub fn batch(&self, id: &BatchId) -> Option<&BatchRecord> {
        self.batches.iter().find(|b| &b.id == id)
    }

    /// Orders released in this batch so far, in release order.
    pub fn batch_orders(&self, batch: &BatchId) -> impl Iterator<Item = &Order> {
        self.orders
            .iter()
            .filter(move |o| o.batch.as_ref() == Some(batch))
    }

    /// Face value released in `[from, to)` (cancelled orders returned the
    /// card and do not count), optionally on one channel only.
    pub fn released_total(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        channel: Option<&ChannelId>,
    ) -> Fen {
        self.orders
            .iter()
            .filter(|o| o.released_at.is_some_and(|r| r >= from && r < to))
            .filter(|o| o.phase != Phase::Cancelled)
            .filter(|o| channel.is_none_or(|c| &o.channel == c))
            // A face value below zero (only a forged journal has one) must
            // not take room off the day's limits.
            .map(|o| o.face_value.max(Fen::ZERO))
            .sum()
    }

    /// Whether any order was ever released on this channel.
    pub fn channel_used(&self, channel: &ChannelId) -> bool {
        self.orders
            .iter()
            .any(|o| &o.channel == channel && o.released_at.is_some())
    }

    fn apply_batch(&mut self, at: DateTime<Utc>, event: &Event) {
        // A batch's screenshot adds to a batch the journal already named.
        if let Event::ScreenshotTaken {
            path,
            sha256,
            batch: Some(batch),
            ..
        } = event
        {
            if let Some(b) = self.batches.iter_mut().find(|b| &b.id == batch) {
                b.shots.push(path, sha256);
            }
            return;
        }
        let id = match event {
            Event::BatchImported { batch, .. }
            | Event::LimitAcknowledged { batch, .. }
            | Event::BatchConfirmed { batch, .. }
            | Event::BatchUndone { batch }
            | Event::BatchPaused { batch, .. }
            | Event::BatchResumed { batch }
            | Event::BatchCancelAll { batch, .. }
            | Event::BatchFinished { batch, .. }
            | Event::BatchInterrupted { batch, .. } => batch,
            _ => return,
        };
        let b = match self.batches.iter_mut().position(|b| &b.id == id) {
            Some(i) => &mut self.batches[i],
            None => {
                self.batches.push(BatchRecord {
                    id: id.clone(),
                    channel: ChannelId::default(),
                    count: 0,
                    state: BatchState::Imported,
                    paused: false,
                    hold_until: None,
                    acks: Vec::new(),
                    confirmed_at: None,
                    shots: ShotFacts::default(),
                });
                self.batches.last_mut().expect("just pushed")
            }
        };
        match event {
            Event::BatchImported { rows, .. } => b.count = *rows,
            Event::LimitAcknowledged {
                limit, amount_fen, ..
            } => b.acks.push((limit.clone(), *amount_fen)),
            Event::BatchConfirmed {
                channel,
                count,
                hold_until,
                ..
            } => {
                b.channel = channel.clone();
                b.count = *count;
                b.hold_until = Some(*hold_until);
                b.confirmed_at = Some(at);
                b.state = BatchState::Running;
                b.paused = false;
            }
            Event::BatchUndone { .. } => b.state = BatchState::Undone,
            Event::BatchPaused { .. } => b.paused = true,
            Event::BatchResumed { .. } => b.paused = false,
            Event::BatchFinished { .. } => b.state = BatchState::Finished,
            Event::BatchInterrupted { .. } => b.state = BatchState::Interrupted,
            _ => {}
        }
    }

    /// Applies one journaled event. An event for an order in a state where
    /// it makes no sense changes nothing and gives false (nothing keeps a
    /// list of them: a forged journal could make that list grow without end).
    pub fn apply(&mut self, order_id: Option<&OrderId>, at: DateTime<Utc>, event: &Event) -> bool {
        let Some(id) = order_id else {
            self.apply_batch(at, event);
            return true;
        };
        let idx = match self.position(id) {
            Some(i) => i,
            None => {
                self.orders.push(Order::new(id, at));
                self.index_order(self.orders.len() - 1);
                self.orders.len() - 1
            }
        };
        let changed = self.apply_to(idx, at, event);
        if changed
            && matches!(event, Event::Released { .. })
            && self.released_with(&self.orders[idx].fingerprint).is_none()
        {
            self.mark_released(idx);
        }
        changed
    }

    fn apply_to(&mut self, idx: usize, at: DateTime<Utc>, event: &Event) -> bool {
        let o = &mut self.orders[idx];
        use Phase::*;
        match (event, o.phase) {
            (Event::ChannelChosen { channel }, Draft | Reviewing) => {
                o.channel = channel.clone();
                o.phase = Draft;
                true
            }
            (
                Event::CodeEntered {
                    masked,
                    fingerprint,
                    ..
                },
                Draft | Reviewing,
            ) => {
                o.masked = masked.clone();
                o.fingerprint = fingerprint.clone();
                true
            }
            (Event::VerificationCodeEntered { .. }, Draft | Reviewing) => true,
            (Event::FaceValueSet { face_value_fen, .. }, Draft | Reviewing) => {
                o.face_value = *face_value_fen;
                true
            }
            (
                Event::ReviewShown {
                    channel,
                    face_value_fen,
                    payout_fen,
                    masked,
                    fingerprint,
                    cancel_window_ms,
                    release_mode,
                    batch,
                },
                Draft | Reviewing,
            ) => {
                o.batch = batch.clone();
                o.channel = channel.clone();
                o.face_value = *face_value_fen;
                o.payout = *payout_fen;
                o.masked = masked.clone();
                o.fingerprint = fingerprint.clone();
                o.cancel_window_ms = *cancel_window_ms;
                o.mode = *release_mode;
                o.phase = Reviewing;
                true
            }
            (Event::GuardDecided { .. } | Event::ConfirmSwallowed { .. }, Reviewing) => true,
            (Event::Confirmed { hold_s, hold_until }, Reviewing) => {
                o.confirmed_at = Some(at);
                o.hold_s = *hold_s;
                o.hold_until = Some(*hold_until);
                o.phase = Holding;
                true
            }
            (Event::Undone {}, Holding) => {
                o.hold_until = None;
                o.phase = Reviewing;
                true
            }
            (Event::HoldInterrupted {}, Holding) => {
                o.phase = Interrupted;
                true
            }
            (Event::DraftDiscarded {}, Draft | Reviewing) => {
                o.phase = Discarded;
                true
            }
            (
                Event::Released {
                    mode,
                    window_ends,
                    verify_at,
                    clipboard_until,
                },
                Holding,
            ) => {
                o.released_at = Some(at);
                o.mode = *mode;
                match mode {
                    ReleaseMode::Simulated => {
                        o.window_started = Some(at);
                        o.window_ends = *window_ends;
                        o.verify_at = *verify_at;
                        o.phase = if window_ends.is_some_and(|w| w > at) {
                            InWindow
                        } else {
                            Verifying
                        };
                    }
                    ReleaseMode::Manual => {
                        o.clipboard_until = *clipboard_until;
                        o.phase = AwaitingPlatform;
                    }
                }
                true
            }
            (Event::ScreenshotTaken { path, sha256, .. }, _) => {
                o.shots.push(path, sha256);
                true
            }
            (
                Event::RemedyOpened { .. }
                | Event::RemedyPathChosen { .. }
                | Event::RemedyMessagePrepared { .. },
                _,
            ) => true,
            (Event::ClipboardCleared { .. }, _) => {
                o.clipboard_until = None;
                true
            }
            (Event::PlatformSubmitted { window_ends }, AwaitingPlatform) => {
                o.window_started = Some(at);
                o.window_ends = Some(*window_ends);
                o.phase = if *window_ends > at { InWindow } else { Expired };
                true
            }
            (Event::CancelRequested { .. }, InWindow) => {
                o.cancel_asked_at.get_or_insert(at);
                if o.mode == ReleaseMode::Manual {
                    o.phase = CancelRequested;
                }
                true
            }
            (Event::Cancelled { fee_fen }, InWindow) => {
                o.cancel_asked_at.get_or_insert(at);
                o.fee_paid = Some(*fee_fen);
                o.phase = Cancelled;
                true
            }
            (Event::CancelRefused { reason }, _) => {
                o.cancel_asked_at.get_or_insert(at);
                o.cancel_refused = Some(reason.as_str().into());
                true
            }
            (Event::WindowClosed { .. }, InWindow) => {
                o.phase = match o.mode {
                    ReleaseMode::Manual => Expired,
                    ReleaseMode::Simulated => Verifying,
                };
                true
            }
            (Event::Verified { .. }, Verifying) => true,
            (Event::Settled { .. }, Verifying) => {
                o.phase = Settled;
                true
            }
            _ => false,
        }
    }

    /// Time-driven changes that are due at `now`, as events to journal.
    /// Holds are not here: releasing needs the code, which only the UI holds.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<(OrderId, Event)> {
        let mut out = Vec::new();
        for o in &self.orders {
            match o.phase {
                Phase::InWindow => {
                    if let Some(end) = o.window_ends.filter(|&e| e <= now) {
                        out.push((o.id.clone(), Event::WindowClosed { at: end }));
                    }
                }
                Phase::Verifying => {
                    if let Some(v) = o.verify_at.filter(|&v| v <= now) {
                        out.push((o.id.clone(), Event::Verified { at: v }));
                        out.push((
                            o.id.clone(),
                            Event::Settled {
                                payout_fen: o.payout,
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The earliest instant after which something changes by itself.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.orders.iter().filter_map(Order::next_deadline).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn id(s: &str) -> OrderId {
        OrderId::new(s)
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn reviewed(ledger: &mut Ledger, order: &str, mode: ReleaseMode) {
        assert!(ledger.apply(
            Some(&id(order)),
            t0(),
            &Event::ChannelChosen {
                channel: "kaquanmao".into(),
            },
        ));
        assert!(ledger.apply(
            Some(&id(order)),
            t0(),
            &Event::ReviewShown {
                channel: "kaquanmao".into(),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_200),
                masked: "•••• •••• •••• 7F3K".into(),
                fingerprint: "fp1".into(),
                cancel_window_ms: 480_000,
                release_mode: mode,
                batch: None,
            },
        ));
    }

    fn confirm(ledger: &mut Ledger, order: &str) {
        assert!(ledger.apply(
            Some(&id(order)),
            t0(),
            &Event::Confirmed {
                hold_s: 10,
                hold_until: t0() + Duration::seconds(10),
            },
        ));
    }

    fn release_sim(ledger: &mut Ledger, order: &str, at: DateTime<Utc>) {
        assert!(ledger.apply(
            Some(&id(order)),
            at,
            &Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: Some(at + Duration::minutes(8)),
                verify_at: Some(at + Duration::minutes(10)),
                clipboard_until: None,
            },
        ));
    }

    /// Only a forged journal holds a negative face value; it must not make
    /// room under the day's limits.
    #[test]
    fn a_negative_face_value_does_not_lower_the_days_total() {
        let mut l = Ledger::default();
        for (order, fen) in [("A", 10_000), ("B", -1_000_000)] {
            reviewed(&mut l, order, ReleaseMode::Simulated);
            l.apply(
                Some(&id(order)),
                t0(),
                &Event::ReviewShown {
                    channel: "kaquanmao".into(),
                    face_value_fen: Fen(fen),
                    payout_fen: Fen(0),
                    masked: "•••• •••• •••• 7F3K".into(),
                    fingerprint: order.into(),
                    cancel_window_ms: 480_000,
                    release_mode: ReleaseMode::Simulated,
                    batch: None,
                },
            );
            confirm(&mut l, order);
            release_sim(&mut l, order, t0() + Duration::seconds(10));
        }
        let total = l.released_total(t0(), t0() + Duration::days(1), None);
        assert_eq!(total, Fen(10_000));
    }

    #[test]
    fn review_confirm_undo_confirm_release() {
        let mut l = Ledger::default();
        reviewed(&mut l, "A", ReleaseMode::Simulated);
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Reviewing);
        confirm(&mut l, "A");
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Holding);
        assert_eq!(
            l.get(&id("A"))
                .unwrap()
                .hold_left_ms(t0() + Duration::seconds(3)),
            Some(7_000)
        );
        l.apply(Some(&id("A")), t0(), &Event::Undone {});
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Reviewing);
        assert!(!l.ever_released());
        confirm(&mut l, "A");
        release_sim(&mut l, "A", t0() + Duration::seconds(10));
        let o = l.get(&id("A")).unwrap();
        assert_eq!(o.phase, Phase::InWindow);
        assert!(l.ever_released());
        assert_eq!(l.released_with("fp1"), Some(&id("A")));
    }

    #[test]
    fn simulated_window_closes_then_verifies_and_settles() {
        let mut l = Ledger::default();
        reviewed(&mut l, "A", ReleaseMode::Simulated);
        confirm(&mut l, "A");
        let r = t0() + Duration::seconds(10);
        release_sim(&mut l, "A", r);
        assert!(l.due(r + Duration::minutes(7)).is_empty());
        assert_eq!(l.next_deadline(), Some(r + Duration::minutes(8)));
        let due = l.due(r + Duration::minutes(8));
        assert_eq!(
            due,
            vec![(
                "A".into(),
                Event::WindowClosed {
                    at: r + Duration::minutes(8)
                }
            )]
        );
        for (id, e) in &due {
            l.apply(Some(id), r + Duration::minutes(8), e);
        }
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Verifying);
        let due = l.due(r + Duration::hours(5));
        assert_eq!(due.len(), 2);
        for (id, e) in &due {
            l.apply(Some(id), r + Duration::hours(5), e);
        }
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Settled);
        assert!(l.due(r + Duration::hours(6)).is_empty());
        assert_eq!(l.next_deadline(), None);
    }

    #[test]
    fn cancel_inside_window_and_anomalies_outside() {
        let mut l = Ledger::default();
        reviewed(&mut l, "A", ReleaseMode::Simulated);
        // Cancelling something never released does not fit and changes nothing.
        assert!(!l.apply(Some(&id("A")), t0(), &Event::Cancelled { fee_fen: Fen(1) }));
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Reviewing);
        assert_eq!(l.get(&id("A")).unwrap().fee_paid, None);
        confirm(&mut l, "A");
        release_sim(&mut l, "A", t0());
        l.apply(
            Some(&id("A")),
            t0(),
            &Event::Cancelled {
                fee_fen: Fen(1_000),
            },
        );
        let o = l.get(&id("A")).unwrap();
        assert_eq!(o.phase, Phase::Cancelled);
        assert_eq!(o.fee_paid, Some(Fen(1_000)));
        assert!(l.due(t0() + Duration::days(1)).is_empty());
    }

    #[test]
    fn manual_handoff_window_starts_on_platform_submit_and_expires() {
        let mut l = Ledger::default();
        reviewed(&mut l, "M", ReleaseMode::Manual);
        confirm(&mut l, "M");
        let r = t0() + Duration::seconds(10);
        l.apply(
            Some(&id("M")),
            r,
            &Event::Released {
                mode: ReleaseMode::Manual,
                window_ends: None,
                verify_at: None,
                clipboard_until: Some(r + Duration::seconds(60)),
            },
        );
        assert_eq!(l.get(&id("M")).unwrap().phase, Phase::AwaitingPlatform);
        let s = r + Duration::seconds(30);
        l.apply(
            Some(&id("M")),
            s,
            &Event::PlatformSubmitted {
                window_ends: s + Duration::minutes(8),
            },
        );
        assert_eq!(l.get(&id("M")).unwrap().phase, Phase::InWindow);
        assert_eq!(
            l.get(&id("M"))
                .unwrap()
                .window_left_ms(s + Duration::minutes(1)),
            Some(420_000)
        );
        for (id, e) in l.due(s + Duration::minutes(9)) {
            l.apply(Some(&id), s + Duration::minutes(9), &e);
        }
        assert_eq!(l.get(&id("M")).unwrap().phase, Phase::Expired);
    }

    #[test]
    fn manual_cancel_request_is_recorded() {
        let mut l = Ledger::default();
        reviewed(&mut l, "M", ReleaseMode::Manual);
        confirm(&mut l, "M");
        l.apply(
            Some(&id("M")),
            t0(),
            &Event::Released {
                mode: ReleaseMode::Manual,
                window_ends: None,
                verify_at: None,
                clipboard_until: None,
            },
        );
        l.apply(
            Some(&id("M")),
            t0(),
            &Event::PlatformSubmitted {
                window_ends: t0() + Duration::minutes(8),
            },
        );
        l.apply(
            Some(&id("M")),
            t0(),
            &Event::CancelRequested {
                fee_fen: Fen(1_000),
            },
        );
        assert_eq!(l.get(&id("M")).unwrap().phase, Phase::CancelRequested);
    }

    #[test]
    fn zero_window_goes_straight_to_verifying() {
        let mut l = Ledger::default();
        reviewed(&mut l, "Z", ReleaseMode::Simulated);
        confirm(&mut l, "Z");
        l.apply(
            Some(&id("Z")),
            t0(),
            &Event::Released {
                mode: ReleaseMode::Simulated,
                window_ends: Some(t0()),
                verify_at: Some(t0() + Duration::seconds(3)),
                clipboard_until: None,
            },
        );
        assert_eq!(l.get(&id("Z")).unwrap().phase, Phase::Verifying);
    }

    #[test]
    fn interrupted_hold_and_discarded_draft() {
        let mut l = Ledger::default();
        reviewed(&mut l, "A", ReleaseMode::Simulated);
        confirm(&mut l, "A");
        l.apply(Some(&id("A")), t0(), &Event::HoldInterrupted {});
        assert_eq!(l.get(&id("A")).unwrap().phase, Phase::Interrupted);
        assert!(!l.get(&id("A")).unwrap().phase.is_released());
        reviewed(&mut l, "B", ReleaseMode::Simulated);
        l.apply(Some(&id("B")), t0(), &Event::DraftDiscarded {});
        assert_eq!(l.get(&id("B")).unwrap().phase, Phase::Discarded);
    }
}

/// Times in the start-up snapshot as (seconds, nanoseconds): exact, any
/// year chrono allows, and far smaller and faster to read than RFC 3339.
mod compact_time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    fn parts(t: &DateTime<Utc>) -> (i64, u32) {
        (t.timestamp(), t.timestamp_subsec_nanos())
    }

    fn from_parts<'de, D: Deserializer<'de>>(
        (s, n): (i64, u32),
    ) -> Result<DateTime<Utc>, D::Error> {
        DateTime::from_timestamp(s, n).ok_or_else(|| serde::de::Error::custom("time out of range"))
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        parts(t).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        from_parts::<D>(Deserialize::deserialize(d)?)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            t.as_ref().map(parts).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<(i64, u32)>::deserialize(d)?
                .map(from_parts::<D>)
                .transpose()
        }
    }
}
