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
}
