//! Where an order goes when the hold ends. One trait, two implementations:
//! the simulated channel (default, tests, demos) and the manual hand-off to
//! a real platform (we only time the window; the user submits).

use super::event::{Event, ReleaseMode};
use super::order::{Order, Phase};
use super::profile::ChannelProfile;
use chrono::{DateTime, Duration, Utc};

pub trait Channel {
    fn mode(&self) -> ReleaseMode;
    /// The `released` event for handing `order` over at `now`.
    fn release(&self, order: &Order, profile: &ChannelProfile, now: DateTime<Utc>) -> Event;
    /// The outcome of asking to cancel at `now`.
    fn cancel(&self, order: &Order, profile: &ChannelProfile, now: DateTime<Utc>) -> Event;
}

fn ms(v: u64) -> Duration {
    Duration::milliseconds(v.min(i64::MAX as u64) as i64)
}

/// Accepts the order, verifies it after the profile's latency and settles
/// it; a cancel succeeds only inside the window and charges the fee.
#[derive(Debug, Default, Clone, Copy)]
pub struct SimulatedChannel;

impl Channel for SimulatedChannel {
    fn mode(&self) -> ReleaseMode {
        ReleaseMode::Simulated
    }

    fn release(&self, _order: &Order, profile: &ChannelProfile, now: DateTime<Utc>) -> Event {
        Event::Released {
            mode: ReleaseMode::Simulated,
            window_ends: Some(now + ms(profile.effective_window_ms())),
            verify_at: Some(now + ms(profile.verification_latency_ms)),
            clipboard_until: None,
        }
    }

    fn cancel(&self, order: &Order, profile: &ChannelProfile, now: DateTime<Utc>) -> Event {
        let open = order.phase == Phase::InWindow && order.window_ends.is_some_and(|w| now < w);
        if open {
            Event::Cancelled {
                fee_fen: profile.cancel_fee(order.face_value),
            }
        } else {
            Event::CancelRefused {
                reason: "window_closed".into(),
            }
        }
    }
}

/// The code goes to the clipboard for a while; the user submits it on the
/// platform and says so, which starts the window. A cancel is a request the
/// user makes on the platform; we record it and show the steps.
#[derive(Debug, Clone, Copy)]
pub struct ManualHandoff {
    pub clipboard_s: u32,
}

impl Channel for ManualHandoff {
    fn mode(&self) -> ReleaseMode {
        ReleaseMode::Manual
    }

    fn release(&self, _order: &Order, _profile: &ChannelProfile, now: DateTime<Utc>) -> Event {
        Event::Released {
            mode: ReleaseMode::Manual,
            window_ends: None,
            verify_at: None,
            clipboard_until: Some(now + Duration::seconds(self.clipboard_s as i64)),
        }
    }

    fn cancel(&self, order: &Order, profile: &ChannelProfile, now: DateTime<Utc>) -> Event {
        if order.phase == Phase::InWindow && order.window_ends.is_some_and(|w| now < w) {
            Event::CancelRequested {
                fee_fen: profile.cancel_fee(order.face_value),
            }
        } else {
            Event::CancelRefused {
                reason: "window_closed".into(),
            }
        }
    }
}
