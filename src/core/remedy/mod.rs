//! "Something went wrong?": from an order (or a batch) and what the person
//! says happened, the one path to take, its deadline, and a ready-to-send
//! message filled from the journal's facts.
//!
//! - `book.rs`: the data (`assets/remedies.json`, or the person's copy in
//!   the config folder), checked like the channel profiles.
//! - here: what the app knows without asking ([`Standing`]: is anything
//!   sent, can the app still cancel, can only the platform) and the rule
//!   that picks the path ([`route`]).
//! - `message.rs`: the message text (never more of a code than its last four).
//! - `assistant.rs`: the steps against a session, each journaled.

mod assistant;
pub mod book;
mod message;

pub use assistant::{Advice, Assistant, Handed, Saved};
pub use book::{
    BookProblem, CANCEL_IN_APP, CHANNEL_CANCEL, DeadlineRule, PathSpec, ProblemSpec, REMEDIES_FILE,
    RemedyBook, load_book,
};
pub use message::{MessageFacts, last_four_only, message, shown_id};

use super::event::ReleaseMode;
use super::flow::Subject;
use super::ids::ChannelId;
use super::money::Fen;
use super::order::{BatchRecord, BatchState, Order, Phase};
use super::profile::ChannelProfile;
use chrono::{DateTime, FixedOffset, Utc};

/// What the app knows about the subject before asking anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Nothing has left this device (never confirmed, undone, or stopped
    /// during the hold).
    NotSent,
    /// Held on this device until `until`: Undo still takes it all back.
    Holding { until: DateTime<Utc> },
    /// The app can still cancel `count` orders for `fee` in total; the
    /// first window closes at `closes`.
    CancelInApp {
        count: usize,
        fee: Fen,
        closes: DateTime<Utc>,
    },
    /// A batch is still sending cards (none of them can be cancelled in the
    /// app): pausing it comes before anything else.
    Sending,
    /// A manual hand-off's code was put on the clipboard and the person has
    /// not said they submitted it: if they have not, nothing is sold.
    OnClipboard,
    /// Only the platform can cancel (a submitted manual hand-off); its
    /// window closes at `closes` when the app knows it.
    CancelOnPlatform { closes: Option<DateTime<Utc>> },
    /// Every code that was sent has been cancelled, for `fee` in total.
    Cancelled { fee: Fen },
    /// Sent, and no cancel window is open any more.
    Closed,
}

impl Standing {
    /// The journal's word for it.
    pub fn word(self) -> &'static str {
        match self {
            Standing::NotSent => "not_sent",
            Standing::Holding { .. } => "holding",
            Standing::CancelInApp { .. } => "cancel_in_app",
            Standing::Sending => "sending",
            Standing::OnClipboard => "on_clipboard",
            Standing::CancelOnPlatform { .. } => "cancel_on_platform",
            Standing::Cancelled { .. } => "cancelled",
            Standing::Closed => "closed",
        }
    }

    /// Whether "what happened?" must be answered before the path: only
    /// once a code is out of reach. While a window is open the path is to
    /// cancel whatever happened (the answer only goes into the message).
    pub fn asks(self) -> bool {
        self == Standing::Closed
    }
}

/// The orders a remedy is about (one, or a batch's) and what is known of them.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    pub subject: Subject,
    pub orders: Vec<&'a Order>,
    /// The batch a batch subject is (its run decides sending and holding).
    pub batch: Option<&'a BatchRecord>,
    /// The batch one card of it was released in: its confirm time and its
    /// own screenshots belong in that card's message too.
    pub released_in: Option<&'a BatchRecord>,
}

impl<'a> Case<'a> {
    /// None when the subject is not in the ledger.
    pub fn of(subject: &Subject, ledger: &'a super::order::Ledger) -> Option<Self> {
        match subject {
            Subject::Order(id) => {
                let order = ledger.get(id)?;
                Some(Case {
                    subject: subject.clone(),
                    orders: vec![order],
                    batch: None,
                    released_in: order.batch.as_ref().and_then(|b| ledger.batch(b)),
                })
            }
            Subject::Batch(id) => Some(Case {
                subject: subject.clone(),
                orders: ledger.batch_orders(id).collect(),
                batch: Some(ledger.batch(id)?),
                released_in: None,
            }),
        }
    }

    /// What the app knows, most urgent first: a window the app can still
    /// cancel in; a code on the clipboard (do not submit it); a window only
    /// the platform can act on (or a cancel asked there); a batch still
    /// sending; then cancelled, closed, held or nothing sent.
    pub fn standing(
        &self,
        profile: impl Fn(&Order) -> Option<&'a ChannelProfile>,
        now: DateTime<Utc>,
    ) -> Standing {
        let in_app: Vec<&Order> = self
            .orders
            .iter()
            .filter(|o| o.phase == Phase::InWindow && o.window_ends.is_some_and(|e| e > now))
            .filter(|o| o.mode == ReleaseMode::Simulated)
            .copied()
            .collect();
        if let Some(closes) = in_app.iter().filter_map(|o| o.window_ends).min() {
            let fee = in_app
                .iter()
                .map(|o| profile(o).map_or(Fen::ZERO, |p| p.cancel_fee(o.face_value)))
                .sum();
            return Standing::CancelInApp {
                count: in_app.len(),
                fee,
                closes,
            };
        }
        // A window only the platform can act on is the next most urgent;
        // a card still on the clipboard is said beside it (and alone after).
        let on_platform = self.on_platform(now);
        if !on_platform.is_empty() {
            let closes = on_platform
                .iter()
                .filter_map(|o| o.window_ends)
                .filter(|&e| e > now)
                .min();
            return Standing::CancelOnPlatform { closes };
        }
        if self
            .orders
            .iter()
            .any(|o| o.phase == Phase::AwaitingPlatform)
        {
            return Standing::OnClipboard;
        }
        if self.batch.is_some_and(|b| {
            b.state == BatchState::Running
                && !b.paused
                && b.hold_until.is_some_and(|u| u <= now)
                && self.orders.iter().filter(|o| o.phase.is_released()).count() < b.count
        }) {
            return Standing::Sending;
        }
        let sent: Vec<&&Order> = self
            .orders
            .iter()
            .filter(|o| o.phase.is_released())
            .collect();
        if !sent.is_empty() && sent.iter().all(|o| o.phase == Phase::Cancelled) {
            let fee = sent.iter().filter_map(|o| o.fee_paid).sum();
            return Standing::Cancelled { fee };
        }
        if !sent.is_empty() {
            return Standing::Closed;
        }
        let held = self
            .orders
            .iter()
            .filter(|o| o.phase == Phase::Holding)
            .filter_map(|o| o.hold_until)
            // A batch paused in its hold cannot be undone by its button.
            .chain(
                self.batch
                    .filter(|b| b.state == BatchState::Running && !b.paused)
                    .and_then(|b| b.hold_until),
            )
            .filter(|&u| u > now)
            .min();
        match held {
            Some(until) => Standing::Holding { until },
            None => Standing::NotSent,
        }
    }

    /// Manual hand-offs the platform can still act on: a window open, or a
    /// cancel asked there (the platform's to finish, window or not).
    pub fn on_platform(&self, now: DateTime<Utc>) -> Vec<&'a Order> {
        self.orders
            .iter()
            .filter(|o| {
                o.mode == ReleaseMode::Manual
                    && (o.phase == Phase::CancelRequested
                        || (o.phase == Phase::InWindow && o.window_ends.is_some_and(|e| e > now)))
            })
            .copied()
            .collect()
    }

    /// When the first of its codes left the device.
    pub fn first_release(&self) -> Option<DateTime<Utc>> {
        self.orders.iter().filter_map(|o| o.released_at).min()
    }

    /// The orders whose code is with a channel: released, not cancelled,
    /// and not merely on the clipboard (not submitted, so not sold). What a
    /// message to the platform, the issuer or the police is about.
    pub fn sent(&self) -> Vec<&'a Order> {
        self.orders
            .iter()
            .filter(|o| {
                o.phase.is_released()
                    && !matches!(o.phase, Phase::Cancelled | Phase::AwaitingPlatform)
            })
            .copied()
            .collect()
    }

    /// The same, kept to the cards the person ticked (a batch).
    pub fn sent_among(&self, cards: Option<&[super::ids::OrderId]>) -> Vec<&'a Order> {
        let sent = self.sent();
        match cards {
            Some(cards) => {
                let cards: std::collections::HashSet<_> = cards.iter().collect();
                sent.into_iter().filter(|o| cards.contains(&o.id)).collect()
            }
            None => sent,
        }
    }

    pub fn channel(&self) -> ChannelId {
        self.orders
            .first()
            .map(|o| o.channel.clone())
            .or_else(|| self.batch.map(|b| b.channel.clone()))
            .unwrap_or_default()
    }

    /// The batch this case's confirm time and own screenshots come from.
    pub fn confirmed_in(&self) -> Option<&'a BatchRecord> {
        self.batch.or(self.released_in)
    }
}

/// The local UTC offset in force at an instant (the session's clock):
/// a deadline or a time in a message uses the offset of its own moment.
pub type Offsets<'c> = &'c dyn Fn(DateTime<Utc>) -> FixedOffset;

/// The one thing to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Route<'b> {
    NotSent,
    /// Undo the hold (nothing has left the device yet).
    Undo {
        until: DateTime<Utc>,
    },
    /// Pause the batch that is still sending.
    Pause,
    /// Do not submit a code still on the clipboard; or, if it was, say so
    /// (the platform's window starts, and with it the cancel steps).
    NotSubmitted,
    /// Cancel in the app now (the `cancel_in_app` path).
    CancelInApp {
        path: &'b PathSpec,
        count: usize,
        fee: Fen,
        closes: DateTime<Utc>,
    },
    /// The channel's own cancel steps (the `channel_cancel` path).
    ChannelCancel {
        path: &'b PathSpec,
        closes: Option<DateTime<Utc>>,
    },
    /// The row of the source's table that matches what happened.
    Row {
        path: &'b PathSpec,
        deadline: Option<DateTime<Utc>>,
    },
}

impl Route<'_> {
    /// The path's id (`not_sent` / `undo` for the two without one).
    pub fn path_id(&self) -> &str {
        match self {
            Route::NotSent => "not_sent",
            Route::Undo { .. } => "undo",
            Route::Pause => "pause",
            Route::NotSubmitted => "not_submitted",
            Route::CancelInApp { path, .. }
            | Route::ChannelCancel { path, .. }
            | Route::Row { path, .. } => &path.id,
        }
    }

    pub fn path(&self) -> Option<&PathSpec> {
        match self {
            Route::NotSent | Route::Undo { .. } | Route::Pause | Route::NotSubmitted => None,
            Route::CancelInApp { path, .. }
            | Route::ChannelCancel { path, .. }
            | Route::Row { path, .. } => Some(path),
        }
    }

    /// The deadline that matters, when there is one.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        match self {
            Route::NotSent | Route::Pause | Route::NotSubmitted => None,
            Route::Undo { until } => Some(*until),
            Route::CancelInApp { closes, .. } => Some(*closes),
            Route::ChannelCancel { closes, .. } => *closes,
            Route::Row { deadline, .. } => *deadline,
        }
    }
}

/// The rule: while a cancel window is open, cancelling is the remedy
/// (the only certain one) whatever happened — in the app when the app can,
/// on the platform when only it can. Once every window is closed, the
/// path is the source's row for what happened. Before anything is sent,
/// Undo (or nothing to do).
pub fn route<'b>(
    book: &'b RemedyBook,
    standing: Standing,
    problem: Option<&ProblemSpec>,
    first_release: Option<DateTime<Utc>>,
    offsets: Offsets,
) -> Option<Route<'b>> {
    Some(match standing {
        Standing::NotSent | Standing::Cancelled { .. } => Route::NotSent,
        Standing::Holding { until } => Route::Undo { until },
        Standing::Sending => Route::Pause,
        Standing::OnClipboard => Route::NotSubmitted,
        Standing::CancelInApp { count, fee, closes } => Route::CancelInApp {
            path: book.path(CANCEL_IN_APP)?,
            count,
            fee,
            closes,
        },
        Standing::CancelOnPlatform { closes } => Route::ChannelCancel {
            path: book.path(CHANNEL_CANCEL)?,
            closes,
        },
        Standing::Closed => {
            let path = book.path(&problem?.path)?;
            Route::Row {
                path,
                deadline: deadline(path.deadline, first_release, offsets),
            }
        }
    })
}

/// A row's deadline from its rule and the release time.
pub fn deadline(
    rule: DeadlineRule,
    released: Option<DateTime<Utc>>,
    offsets: Offsets,
) -> Option<DateTime<Utc>> {
    let released = released?;
    match rule {
        DeadlineRule::None => None,
        DeadlineRule::SameDay => {
            // The release's own local day, and midnight in the offset in
            // force then (a clock change that night moves it by its hour).
            let next_day = released
                .with_timezone(&offsets(released))
                .date_naive()
                .succ_opt()?
                .and_hms_opt(0, 0, 0)?;
            let guess = next_day.and_local_timezone(offsets(released)).single()?;
            let midnight = next_day
                .and_local_timezone(offsets(guess.with_timezone(&Utc)))
                .single()?;
            Some(midnight.with_timezone(&Utc))
        }
        DeadlineRule::HoursAfterRelease { hours } => {
            Some(released + chrono::Duration::hours(i64::from(hours)))
        }
    }
}

/// A path's title by its id (as journaled): the book's, or the app's own
/// for the paths it words itself. The journal tab words its lines with it.
pub fn path_title(tr: &crate::i18n::Texts, book: &RemedyBook, id: &str) -> Option<String> {
    match id {
        "undo" => Some(tr.get("remedy.undo_title").to_owned()),
        "pause" => Some(tr.get("remedy.pause_title").to_owned()),
        "not_submitted" => Some(tr.get("remedy.not_submitted_title").to_owned()),
        id => book.path(id).map(|p| p.title.get(tr.lang()).to_owned()),
    }
}

#[cfg(test)]
mod tests;
