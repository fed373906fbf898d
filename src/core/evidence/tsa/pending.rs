//! Requesting tokens for the checkpoints that have none yet. Called by the
//! CLI (`journal timestamp`) and by the app's background retry; writes
//! nothing but new `checkpoints/<n>.tsr` files (and, when asked to check
//! the stored ones, moves a token that does not stamp its checkpoint to
//! `<n>.tsr.rejected`, never deleting it).

use super::{Stamp, TsaError, check_response, post, request_der};
use crate::core::safe_file::{self, FileError, Links};
use std::path::Path;
use std::time::Duration;

use crate::core::evidence::checkpoint::{CHECKPOINT_CAP, CHECKPOINTS_DIR, list_checkpoints};

/// Why a checkpoint was left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// `<n>.tsr` is already there (whatever it is: never overwritten).
    AlreadyStamped,
    /// `<n>.txt` is a symbolic link: not the app's own file.
    Link,
    /// `<n>.txt` is a folder, FIFO, device…
    NotRegular,
}

/// What [`stamp_pending`] did, checkpoint by checkpoint (by tree size).
#[derive(Debug, Default)]
pub struct StampReport {
    /// Stamped now: the size, the TSA that answered, what it attests.
    pub stamped: Vec<(u64, String, Stamp)>,
    /// Still pending: the size and the last TSA's error.
    pub failed: Vec<(u64, TsaError)>,
    pub skipped: Vec<(u64, SkipReason)>,
    /// Stored tokens that did not stamp their checkpoint (junk, cut short,
    /// another checkpoint's): the size and the name they were moved to.
    /// Each of those checkpoints was then pending like any other.
    pub set_aside: Vec<(u64, String)>,
    /// The data folder or its checkpoints folder cannot be read.
    pub unreadable: Option<FileError>,
}

impl StampReport {
    /// Nothing failed and the folder was readable.
    pub fn all_done(&self) -> bool {
        self.failed.is_empty() && self.unreadable.is_none()
    }
}

/// Whether the tokens already stored are checked again first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Trusted as written (each was checked before it was stored): the
    /// app's rounds after the first, which must stay cheap with thousands.
    Trust,
    /// Each checked against its checkpoint; one that does not stamp it is
    /// set aside so the checkpoint can be stamped again (the CLI, and the
    /// app's first round after it starts).
    Recheck,
}

/// For every `checkpoints/<n>.txt` without `<n>.tsr`, asks each TSA in
/// order until one gives a token that checks, and stores its whole
/// response as `<n>.tsr` (created new, 0600, never through a link).
pub fn stamp_pending(
    data_dir: &Path,
    tsa_urls: &[String],
    timeout: Duration,
    stored: Stored,
) -> StampReport {
    let mut report = StampReport::default();
    let io = |p: &Path, e: std::io::Error| FileError::Io(p.to_path_buf(), e);
    // The data folder itself may be a link the person made; what is
    // inside it is never reached through one.
    match std::fs::metadata(data_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            report.unreadable = Some(FileError::NotFolder(data_dir.to_path_buf()));
            return report;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            report.unreadable = Some(FileError::NotFound(data_dir.to_path_buf()));
            return report;
        }
        Err(e) => {
            report.unreadable = Some(io(data_dir, e));
            return report;
        }
    }
    let dir = data_dir.join(CHECKPOINTS_DIR);
    // The one listing of checkpoint names (no link, a real folder, none yet = nothing to stamp).
    let sizes = match list_checkpoints(data_dir) {
        Ok(sizes) => sizes,
        Err(e) => {
            report.unreadable = Some(e);
            return report;
        }
    };
    // An authority that could not be reached is not asked again in this
    // round: twenty pending checkpoints must not wait twenty timeouts.
    let mut unreachable: Vec<String> = Vec::new();
    for size in sizes {
        let txt = dir.join(format!("{size}.txt"));
        let tsr = dir.join(format!("{size}.tsr"));
        let has_token = match std::fs::symlink_metadata(&tsr) {
            Ok(_) if stored == Stored::Trust => {
                report.skipped.push((size, SkipReason::AlreadyStamped));
                continue;
            }
            // A link, FIFO or folder in its place is not ours to move, and
            // blocks the checkpoint: said as a failure, never as stamped.
            Ok(m) if !m.is_file() => {
                let why = match safe_file::open_read(&tsr, Links::Refuse) {
                    Err(e) => e,
                    Ok(_) => FileError::NotRegular(tsr.clone(), "not a regular file"),
                };
                report.failed.push((size, TsaError::File(why)));
                continue;
            }
            Ok(_) => true,
            Err(_) => false,
        };
        let data = match safe_file::read_capped(&txt, CHECKPOINT_CAP, Links::Refuse) {
            Ok(d) => d,
            Err(FileError::Symlink(_)) => {
                report.skipped.push((size, SkipReason::Link));
                continue;
            }
            Err(FileError::NotRegular(..)) => {
                report.skipped.push((size, SkipReason::NotRegular));
                continue;
            }
            Err(e) => {
                report.failed.push((size, TsaError::File(e)));
                continue;
            }
        };
        if has_token {
            match recheck(&tsr, &data) {
                Ok(None) => {
                    report.skipped.push((size, SkipReason::AlreadyStamped));
                    continue;
                }
                Ok(Some(name)) => report.set_aside.push((size, name)),
                Err(e) => {
                    report.failed.push((size, TsaError::File(e)));
                    continue;
                }
            }
        }
        let live: Vec<String> = tsa_urls
            .iter()
            .filter(|u| !unreachable.contains(u))
            .cloned()
            .collect();
        if live.is_empty() {
            report.failed.push((
                size,
                TsaError::Offline("not reached earlier in this round".into()),
            ));
            continue;
        }
        match stamp_one(&data, &live, timeout, &mut unreachable) {
            // Whole or not at all (even under a kill): the checkpoint stays
            // pending rather than carrying a broken token.
            Ok((url, resp, stamp)) => match safe_file::create_new_atomic(&tsr, &resp) {
                Ok(()) => report.stamped.push((size, url, stamp)),
                // Stored meanwhile by another run (the app's retry): done.
                Err(FileError::Exists(_)) => {
                    report.skipped.push((size, SkipReason::AlreadyStamped))
                }
                Err(e) => report.failed.push((size, TsaError::File(e))),
            },
            Err(e) => report.failed.push((size, e)),
        }
    }
    report
}

/// Checks the stored token `tsr` against its checkpoint `data`: `None`
/// when it stamps it; otherwise it is moved to the first free name
/// `<n>.tsr.rejected`, `<n>.tsr.rejected-2`… (a hard link made new, then
/// the old name removed: nothing is ever overwritten) and that name is
/// returned.
fn recheck(tsr: &Path, data: &[u8]) -> Result<Option<String>, FileError> {
    let token = safe_file::read_capped(tsr, crate::core::evidence::bundle::TSR_CAP, Links::Refuse);
    if let Ok(token) = &token
        && check_response(token, data, None).is_ok()
    {
        return Ok(None);
    }
    let io = |p: &Path, e: std::io::Error| FileError::Io(p.to_path_buf(), e);
    let base = tsr.file_name().unwrap_or_default().to_string_lossy();
    for k in 1..=100 {
        let name = match k {
            1 => format!("{base}.rejected"),
            k => format!("{base}.rejected-{k}"),
        };
        let to = tsr.with_file_name(&name);
        match std::fs::hard_link(tsr, &to) {
            Ok(()) => {
                if let Err(e) = std::fs::remove_file(tsr) {
                    // Undone, so a folder that refuses removals does not
                    // gather one more name each round.
                    let _ = std::fs::remove_file(&to);
                    return Err(io(tsr, e));
                }
                return Ok(Some(name));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&to, e)),
        }
    }
    // Every name is taken: the token stays where it is, the checkpoint
    // unstamped; the last name tried is the one to clear.
    Err(FileError::Exists(
        tsr.with_file_name(format!("{base}.rejected-100")),
    ))
}

/// Asks each TSA in turn; the first checked token wins. A fresh random
/// nonce for every request, so an old answer cannot be replayed.
fn stamp_one(
    data: &[u8],
    urls: &[String],
    timeout: Duration,
    unreachable: &mut Vec<String>,
) -> Result<(String, Vec<u8>, Stamp), TsaError> {
    let mut last = TsaError::NoAuthority;
    for url in urls {
        let mut n = [0u8; 8];
        if let Err(e) = getrandom::fill(&mut n) {
            return Err(TsaError::Offline(format!("no random nonce: {e}")));
        }
        let nonce = u64::from_be_bytes(n);
        let result = post(url, &request_der(data, nonce), timeout)
            .and_then(|resp| check_response(&resp, data, Some(nonce)).map(|s| (resp, s)));
        match result {
            Ok((resp, stamp)) => return Ok((url.clone(), resp, stamp)),
            Err(e) => {
                log::info!("time stamp from {url} failed: {e:?}");
                if matches!(e, TsaError::Offline(_) | TsaError::Timeout) {
                    unreachable.push(url.clone());
                }
                last = e;
            }
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use crate::core::evidence::checkpoint::size_of_name as size_of;

    #[test]
    fn only_plain_checkpoint_names_are_taken() {
        assert_eq!(size_of("12.txt"), Some(12));
        assert_eq!(size_of("1.txt"), Some(1));
        for bad in [
            "012.txt", "0.txt", ".txt", "12.tsr", "1a.txt", "+1.txt", "12.txt~",
        ] {
            assert_eq!(size_of(bad), None, "{bad}");
        }
    }
}
