//! Saving a screenshot as evidence: PNG under
//! `screenshots/YYYY-MM/<local time>_<order>_<step>.png` (a suffix when the
//! name is taken), with its SHA-256 for the journal.

use super::ids::OrderId;
use super::journal::sha256_hex;
use super::safe_file::{FileError, create_new_private, ensure_subdir};
use chrono::{DateTime, FixedOffset};
use std::path::Path;

/// The step a screenshot is evidence of: `screenshot_taken.step` in the
/// journal and part of the file name. Spelled out per variant, so renaming
/// one never changes the journal or how old journals are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShotStep {
    Review,
    Confirmed,
    Released,
    WindowClosed,
    CancelRequested,
    ReleaseBlocked,
    ConfirmBlocked,
    /// Taken by hand (not of a batch).
    Manual,
    /// Taken by hand with a batch on screen.
    BatchManual,
    BatchReview,
    BatchConfirmed,
    BatchCancelAll,
    BatchFinished,
    BatchPaused,
}

impl ShotStep {
    pub const ALL: [ShotStep; 14] = [
        ShotStep::Review,
        ShotStep::Confirmed,
        ShotStep::Released,
        ShotStep::WindowClosed,
        ShotStep::CancelRequested,
        ShotStep::ReleaseBlocked,
        ShotStep::ConfirmBlocked,
        ShotStep::Manual,
        ShotStep::BatchManual,
        ShotStep::BatchReview,
        ShotStep::BatchConfirmed,
        ShotStep::BatchCancelAll,
        ShotStep::BatchFinished,
        ShotStep::BatchPaused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShotStep::Review => "review",
            ShotStep::Confirmed => "confirmed",
            ShotStep::Released => "released",
            ShotStep::WindowClosed => "window_closed",
            ShotStep::CancelRequested => "cancel_requested",
            ShotStep::ReleaseBlocked => "release_blocked",
            ShotStep::ConfirmBlocked => "confirm_blocked",
            ShotStep::Manual => "manual",
            ShotStep::BatchManual => "batch_manual",
            ShotStep::BatchReview => "batch_review",
            ShotStep::BatchConfirmed => "batch_confirmed",
            ShotStep::BatchCancelAll => "batch_cancel_all",
            ShotStep::BatchFinished => "batch_finished",
            ShotStep::BatchPaused => "batch_paused",
        }
    }

    /// The step a journal line names; None for one this version does not know.
    pub fn parse(s: &str) -> Option<ShotStep> {
        ShotStep::ALL.into_iter().find(|step| step.as_str() == s)
    }

    /// Evidence of a batch as a whole (its bundle takes these).
    pub fn is_batch(self) -> bool {
        match self {
            ShotStep::BatchManual
            | ShotStep::BatchReview
            | ShotStep::BatchConfirmed
            | ShotStep::BatchCancelAll
            | ShotStep::BatchFinished
            | ShotStep::BatchPaused => true,
            ShotStep::Review
            | ShotStep::Confirmed
            | ShotStep::Released
            | ShotStep::WindowClosed
            | ShotStep::CancelRequested
            | ShotStep::ReleaseBlocked
            | ShotStep::ConfirmBlocked
            | ShotStep::Manual => false,
        }
    }

    /// Taken because the person asked (the app says where it was saved).
    pub fn is_manual(self) -> bool {
        matches!(self, ShotStep::Manual | ShotStep::BatchManual)
    }

    /// A screenshot taken by hand: the batch's own when a batch is on screen.
    pub fn manual(of_batch: bool) -> ShotStep {
        if of_batch {
            ShotStep::BatchManual
        } else {
            ShotStep::Manual
        }
    }
}

/// A saved screenshot, as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Relative to the data dir, with `/` separators.
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
}

/// Encodes RGBA pixels as PNG.
pub fn encode_png(rgba: &[u8], width: u32, height: u32) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(rgba.len() / 4);
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    // Fast: screenshots are taken while the person waits for nothing.
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().map_err(std::io::Error::other)?;
    w.write_image_data(rgba).map_err(std::io::Error::other)?;
    w.finish().map_err(std::io::Error::other)?;
    Ok(out)
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect()
}

/// Encodes, hashes and writes one screenshot; never overwrites a file.
pub fn save(
    data_dir: &Path,
    rgba: &[u8],
    width: u32,
    height: u32,
    at: DateTime<FixedOffset>,
    order: Option<&OrderId>,
    step: ShotStep,
) -> Result<Saved, FileError> {
    let png = encode_png(rgba, width, height).map_err(|e| FileError::Io(data_dir.into(), e))?;
    let sha256 = sha256_hex(&png);
    let month = at.format("%Y-%m").to_string();
    // 0700 folders, no link followed at any level; files new and 0600.
    let dir = ensure_subdir(data_dir, &Path::new("screenshots").join(&month))?;
    let stem = format!(
        "{}_{}_{}",
        at.format("%Y%m%d-%H%M%S"),
        safe(order.map_or("none", OrderId::as_str)),
        safe(step.as_str())
    );
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.png")
        } else {
            format!("{stem}-{n}.png")
        };
        match create_new_private(&dir.join(&name)) {
            Ok(mut f) => {
                use std::io::Write;
                if let Err(e) = f.write_all(&png).and_then(|()| f.sync_data()) {
                    // This call made the file: a torn PNG must not stay
                    // under a name a later screenshot could be mistaken for.
                    drop(f);
                    let _ = std::fs::remove_file(dir.join(&name));
                    return Err(FileError::Io(dir.join(&name), e));
                }
                return Ok(Saved {
                    path: format!("screenshots/{month}/{name}"),
                    width,
                    height,
                    sha256,
                });
            }
            Err(FileError::Exists(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(FileError::Io(
        dir.join(format!("{stem}.png")),
        std::io::Error::other("too many screenshots with the same name"),
    ))
}

/// Writes a PNG where the person asked (`--screenshot PNG`): a new file
/// only, in a folder that exists; a symlink, a folder or any existing path
/// there is refused and left as it is.
pub fn write_png_new(path: &Path, rgba: &[u8], width: u32, height: u32) -> Result<(), FileError> {
    use std::io::Write;
    let png = encode_png(rgba, width, height).map_err(|e| FileError::Io(path.into(), e))?;
    let mut f = create_new_private(path)?;
    f.write_all(&png)
        .and_then(|()| f.sync_all())
        .map_err(|e| FileError::Io(path.into(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_named_files_without_clashes() {
        let dir = tempfile::tempdir().unwrap();
        let at = DateTime::parse_from_rfc3339("2026-11-27T17:15:02+08:00").unwrap();
        let px = vec![200u8; 4 * 8 * 4];
        let order = OrderId::new("CG-1");
        let a = save(dir.path(), &px, 8, 4, at, Some(&order), ShotStep::Review).unwrap();
        let b = save(dir.path(), &px, 8, 4, at, Some(&order), ShotStep::Review).unwrap();
        assert_eq!(
            a.path,
            "screenshots/2026-11/20261127-171502_CG-1_review.png"
        );
        assert_eq!(
            b.path,
            "screenshots/2026-11/20261127-171502_CG-1_review-2.png"
        );
        let bytes = std::fs::read(dir.path().join(&a.path)).unwrap();
        assert_eq!(sha256_hex(&bytes), a.sha256);
        assert_eq!((a.width, a.height), (8, 4));
        assert!(bytes.starts_with(b"\x89PNG"));
    }

    #[test]
    fn steps_keep_their_journal_words() {
        let pinned = [
            (ShotStep::Review, "review"),
            (ShotStep::Confirmed, "confirmed"),
            (ShotStep::Released, "released"),
            (ShotStep::WindowClosed, "window_closed"),
            (ShotStep::CancelRequested, "cancel_requested"),
            (ShotStep::ReleaseBlocked, "release_blocked"),
            (ShotStep::ConfirmBlocked, "confirm_blocked"),
            (ShotStep::Manual, "manual"),
            (ShotStep::BatchManual, "batch_manual"),
            (ShotStep::BatchReview, "batch_review"),
            (ShotStep::BatchConfirmed, "batch_confirmed"),
            (ShotStep::BatchCancelAll, "batch_cancel_all"),
            (ShotStep::BatchFinished, "batch_finished"),
            (ShotStep::BatchPaused, "batch_paused"),
        ];
        assert_eq!(pinned.map(|(s, _)| s), ShotStep::ALL, "every step pinned");
        for (step, word) in pinned {
            assert_eq!(step.as_str(), word);
            assert_eq!(ShotStep::parse(word), Some(step));
            // Journals written before the enum told a batch's steps by this prefix.
            assert_eq!(step.is_batch(), word.starts_with("batch_"), "{word}");
            assert_eq!(step.is_manual(), word.ends_with("manual"), "{word}");
        }
        assert_eq!(ShotStep::parse("from_a_newer_version"), None);
        assert_eq!(ShotStep::manual(true), ShotStep::BatchManual);
        assert_eq!(ShotStep::manual(false), ShotStep::Manual);
    }

    #[test]
    fn a_chosen_png_path_is_written_new_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let px = vec![9u8; 4 * 2 * 2];
        let ok = dir.path().join("shot.png");
        write_png_new(&ok, &px, 2, 2).unwrap();
        assert!(std::fs::read(&ok).unwrap().starts_with(b"\x89PNG"));
        // Missing folder, a folder, an existing file: refused, nothing changed.
        assert!(write_png_new(&dir.path().join("no/such/shot.png"), &px, 2, 2).is_err());
        assert!(!dir.path().join("no").exists());
        assert!(write_png_new(dir.path(), &px, 2, 2).is_err());
        let before = std::fs::read(&ok).unwrap();
        assert!(write_png_new(&ok, &px, 2, 2).is_err());
        assert_eq!(std::fs::read(&ok).unwrap(), before);
        #[cfg(unix)]
        {
            let target = dir.path().join("victim");
            std::fs::write(&target, b"keep").unwrap();
            let link = dir.path().join("link.png");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert!(write_png_new(&link, &px, 2, 2).is_err());
            assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        }
    }
}
