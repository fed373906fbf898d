//! Time-stamp tokens as stored beside checkpoints: what a bundle copies
//! (the TSA certificates) and what a report says (the attested time).
//! Reading them is left to `tsa`; files are read only as the app's own.

use chrono::{DateTime, Utc};
use std::path::Path;

/// The certificates carried in a stored response, as `tsa/<name>.pem`.
pub(super) fn certs_pem_of(_tsr: &[u8]) -> Vec<(String, String)> {
    Vec::new()
}

/// The time a stored response attests, when it reads as one.
pub(super) fn attested_time(_data_dir: &Path, _rel: &str) -> Option<DateTime<Utc>> {
    None
}

/// Checks a stored response against the checkpoint it stamps.
pub(super) fn check_token(_tsr: &[u8], _checkpoint: &[u8]) -> Result<(), String> {
    Err("time-stamp tokens cannot be checked yet".into())
}
