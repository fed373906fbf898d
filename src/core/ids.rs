//! The ids that decide which order, batch or channel a step is about. Each
//! is its own type so one cannot be passed where another is meant; on disk
//! each is the plain string it always was (`#[serde(transparent)]`), so
//! journals, settings and profiles files are unchanged. Ids read from a
//! file are still checked where they are read ([`crate::core::journal::is_plain_id`]).
//!
//! A step on an order takes an order's id:
//!
//! ```
//! use cardguard::core::ids::OrderId;
//! fn cancel(_order: &OrderId) {}
//! cancel(&OrderId::new("CG-20261129-0001"));
//! ```
//!
//! and not a batch's (this must not compile):
//!
//! ```compile_fail
//! use cardguard::core::ids::{BatchId, OrderId};
//! fn cancel(_order: &OrderId) {}
//! cancel(&BatchId::new("B-20261129-0001"));
//! ```

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;

/// Whether an order or batch id has the shape the session gives them
/// (`CG-<local date>-<journal seq>`, `B-…`): anything else came from a
/// journal edited by hand, and is not shown or used as a file name as it is.
pub fn made_by_app(id: &str) -> bool {
    let mut parts = id.split('-');
    let prefix = parts.next();
    let rest: Vec<&str> = parts.collect();
    matches!(prefix, Some("CG" | "B"))
        && rest.len() == 2
        && rest
            .iter()
            .all(|p| (1..=12).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }

            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // As the string it is (tests and logs read `"CG-1"`, not a wrapper).
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// An order's id, as the session mints it: `CG-<local date>-<journal seq>`.
    OrderId
);
id_type!(
    /// A batch's id, as the session mints it: `B-<local date>-<journal seq>`.
    BatchId
);
id_type!(
    /// A channel profile's id (`kaquanmao`), as `channels.json` names it.
    ChannelId
);

#[cfg(test)]
mod tests {
    use super::*;

    /// An order step takes an order's id (that it refuses a batch's is the
    /// module's `compile_fail` doctest).
    fn order_step(id: &OrderId) -> &str {
        id.as_str()
    }

    #[test]
    fn an_id_is_its_string_on_disk_and_on_screen() {
        let o = OrderId::new("CG-20261129-0001");
        assert_eq!(order_step(&o), "CG-20261129-0001");
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"CG-20261129-0001\"");
        assert_eq!(
            serde_json::from_str::<OrderId>("\"CG-20261129-0001\"").unwrap(),
            o
        );
        assert_eq!(o.to_string(), "CG-20261129-0001");
        assert_eq!(format!("{o:?}"), "\"CG-20261129-0001\"");
        let caps: std::collections::BTreeMap<ChannelId, u32> =
            serde_json::from_str(r#"{"kaquanmao":1}"#).unwrap();
        assert_eq!(caps.get("kaquanmao"), Some(&1));
        assert_eq!(serde_json::to_string(&caps).unwrap(), r#"{"kaquanmao":1}"#);
    }

    /// Lines holding each id (the line's order, a batch and a channel in
    /// `data`, an order in `data`) are the exact bytes journals always had,
    /// and read back to the same event and the same bytes.
    #[test]
    fn a_journal_line_with_each_id_reads_back_byte_for_byte() {
        use crate::core::event::{Event, ReleaseMode};
        use crate::core::journal::{GENESIS, parse_line, render_line};
        use crate::core::money::Fen;
        let ts = chrono::DateTime::parse_from_rfc3339("2026-11-29T09:15:02.123Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let order = OrderId::new("CG-20261129-0007");
        let batch = BatchId::new("B-20261129-0003");
        let channel = ChannelId::new("kaquanmao");
        let head = |seq: u32, kind: &str, order: &str| {
            format!(
                r#"{{"seq":{seq},"ts":"2026-11-29T09:15:02.123Z","tz":"+08:00","kind":"{kind}","order":{order},"data":"#
            )
        };
        let cases = [
            (
                Some(&order),
                Event::ReviewShown {
                    channel: channel.clone(),
                    face_value_fen: Fen(10_000),
                    payout_fen: Fen(9_300),
                    masked: "m".into(),
                    fingerprint: "f".into(),
                    cancel_window_ms: 480_000,
                    release_mode: ReleaseMode::Simulated,
                    batch: Some(batch.clone()),
                },
                head(1, "review_shown", r#""CG-20261129-0007""#)
                    + r#"{"batch":"B-20261129-0003","cancel_window_ms":480000,"channel":"kaquanmao","face_value_fen":10000,"fingerprint":"f","masked":"m","payout_fen":9300,"release_mode":"simulated"}"#,
            ),
            (
                None,
                Event::LimitAcknowledged {
                    batch: batch.clone(),
                    limit: "daily_total".into(),
                    amount_fen: Fen(2_100_000),
                    limit_fen: Fen(2_000_000),
                    channel: channel.clone(),
                },
                head(2, "limit_acknowledged", "null")
                    + r#"{"amount_fen":2100000,"batch":"B-20261129-0003","channel":"kaquanmao","limit":"daily_total","limit_fen":2000000}"#,
            ),
            (
                Some(&order),
                Event::CodeEntered {
                    masked: "m".into(),
                    fingerprint: "f".into(),
                    pasted: false,
                    confusables: 0,
                    already_released: true,
                },
                head(3, "code_entered", r#""CG-20261129-0007""#)
                    + r#"{"already_released":true,"confusables":0,"fingerprint":"f","masked":"m","pasted":false}"#,
            ),
        ];
        for (seq, (order, event, body)) in (1..).zip(cases) {
            let (line, _) = render_line(
                seq,
                ts,
                tz,
                &event.kind(),
                order,
                &event.data(),
                None,
                GENESIS,
            );
            let want = format!(r#"{body},"prev":"{GENESIS}""#);
            assert!(line.starts_with(&want), "{line}\n{want}");
            let e = parse_line(line.trim_end().as_bytes()).unwrap();
            assert_eq!(e.order.as_ref(), order);
            let read = Event::from_parts(&e.kind, &e.data).unwrap();
            assert_eq!(read, event);
            let (again, _) = render_line(
                seq,
                ts,
                tz,
                &read.kind(),
                e.order.as_ref(),
                &read.data(),
                e.salt.as_deref(),
                GENESIS,
            );
            assert_eq!(again, line);
        }
    }
}
