//! Evidence bundles: picking an order's (or batch's) lines for a v3 bundle
//! (`bundle.rs` writes it), the folder it goes into (new or empty, every
//! file created new, never through a link), and `verify_bundle`, which
//! checks a bundle as a complaint handler would: v3 with its proofs, and
//! the older chain-segment bundles (formats 1 and 2) as before.

use super::ScreenshotRef;
use super::bundle::{Manifest, Picks, export_v3};
use super::checkpoint::LogKeys;
use super::merkle::LeafHasher;
use super::scan::{for_each_line, order_of, scan};
use crate::core::ids::{BatchId, OrderId};
use crate::core::journal::reader::Line;
use crate::core::journal::{Entry, parse_line};
use crate::core::safe_file::{self, FileError, Links};
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const BUNDLE_FORMAT: &str = "cardguard-evidence-2";
/// The most `verify_bundle` reads of a manifest or segment.
const BUNDLE_FILE_CAP: u64 = crate::core::journal::JOURNAL_CAP;

#[derive(Debug, Serialize)]
pub struct ManifestFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// A screenshot the segment names that was not copied, and why.
#[derive(Debug, Serialize)]
pub struct NotCopied {
    /// The 1-based line in `entries.jsonl`.
    pub line: u64,
    pub path: String,
    /// `missing`, `changed` or `refused`.
    pub reason: &'static str,
    pub detail: String,
}

#[derive(Debug)]
pub enum ExportError {
    /// The journal cannot be read (a symlink, a FIFO, too large…).
    Unreadable(FileError),
    NoSuchOrder(String),
    /// The target exists and holds files.
    NotEmpty(PathBuf),
    /// The target is a file, a FIFO, a device…
    NotAFolder(PathBuf),
    /// The target is inside an evidence bundle (this folder holds its
    /// manifest): a new file there would make that bundle fail to verify.
    InsideBundle(PathBuf),
    /// The target or a file inside it could not be created (a symlink
    /// included: it is never followed).
    Write(FileError),
    /// A signed checkpoint of the journal's present size says otherwise:
    /// the journal is not what was sealed, so no bundle is made from it.
    Sealed(PathBuf),
    /// Signed checkpoints are in this folder but the install's log key is
    /// not: a new key would disown them, so none is made.
    NoKey(PathBuf),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Unreadable(e) | ExportError::Write(e) => e.fmt(f),
            ExportError::NoSuchOrder(id) => write!(f, "no order or batch {id} in the journal"),
            ExportError::NotEmpty(p) => write!(
                f,
                "{} is not empty; evidence is only exported into a new or empty folder",
                p.display()
            ),
            ExportError::NotAFolder(p) => write!(f, "{} exists and is not a folder", p.display()),
            ExportError::InsideBundle(p) => write!(
                f,
                "{} is an evidence bundle; nothing may be added to it",
                p.display()
            ),
            ExportError::Sealed(p) => write!(
                f,
                "{} seals other lines than the journal now holds; run journal verify",
                p.display()
            ),
            ExportError::NoKey(p) => write!(
                f,
                "{} holds signed checkpoints but the log key is missing; run journal verify",
                p.display()
            ),
        }
    }
}

impl ExportError {
    /// The error in the person's language.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        match self {
            ExportError::Unreadable(e) | ExportError::Write(e) => safe_file::describe(e, tr),
            ExportError::NoSuchOrder(id) => tr.fmt("journal.export_no_such", &[("id", id)]),
            ExportError::NotEmpty(p) => {
                tr.fmt("journal.export_not_empty", &[("path", &p.display())])
            }
            ExportError::NotAFolder(p) => {
                tr.fmt("journal.export_not_folder", &[("path", &p.display())])
            }
            ExportError::InsideBundle(p) => {
                tr.fmt("journal.export_inside_bundle", &[("path", &p.display())])
            }
            ExportError::Sealed(p) => tr.fmt("journal.export_sealed", &[("path", &p.display())]),
            ExportError::NoKey(p) => tr.fmt("journal.export_no_key", &[("path", &p.display())]),
        }
    }
}

/// What checking an exported bundle found intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleIntact {
    pub events: u64,
    pub files: usize,
    /// Each time-stamp token: the checkpoint's size, the time it attests,
    /// the authority's name and its root certificate's SHA-256 (when the
    /// token carries one) — to compare with what the authority publishes.
    pub stamps: Vec<super::bundle_check::StampSeen>,
}

/// Checks an evidence bundle as a complaint handler would (format 3: see
/// `bundle_check`). Older bundles (formats 1 and 2) carry no signature:
/// anyone can recompute their hash chain, so they are refused rather than
/// called verified. Reads only plain paths inside the bundle, never
/// through a link; the first problem, in words, otherwise.
pub fn verify_bundle(dir: &Path) -> Result<BundleIntact, String> {
    verify_bundle_with_root(dir, None)
}

/// The same, and every time-stamp token must chain to `tsa_root` (the
/// DER of the authority's root certificate, obtained from the authority).
pub fn verify_bundle_with_root(
    dir: &Path,
    tsa_root: Option<&[u8]>,
) -> Result<BundleIntact, String> {
    let raw = safe_file::read_capped(&dir.join("manifest.json"), BUNDLE_FILE_CAP, Links::Refuse)
        .map_err(|e| format!("manifest.json: {e}"))?;
    let manifest: serde_json::Value =
        serde_json::from_slice(&raw).map_err(|e| format!("manifest.json: {e}"))?;
    match manifest["format"].as_str() {
        Some(super::bundle::BUNDLE_FORMAT_V3) => {
            super::bundle_check::verify_v3(dir, &raw, &manifest, tsa_root)
        }
        Some(old @ ("cardguard-evidence-1" | "cardguard-evidence-2")) => Err(format!(
            "{old} is an older bundle without a signature: anyone can recompute its hash chain, so it proves nothing about who wrote it; export it again with this version"
        )),
        other => Err(format!(
            "manifest.json: format {} is not a cardguard evidence bundle",
            other.unwrap_or("(none)")
        )),
    }
}

/// Writes an evidence bundle (v3) for one order into `out`: exactly the
/// order's own journal lines with their proofs, its screenshots, the
/// checkpoints, `manifest.json`, `report.html`, `verify.py`, `README.txt`.
pub fn export_order(
    data_dir: &Path,
    order: &OrderId,
    out: &Path,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Manifest, ExportError> {
    let keys = keys_to_sign(data_dir)?;
    let scanned = scan(
        data_dir,
        &LeafHasher::new(keys.salt_secret()),
        &|raw| order_of(raw) == Some(order.as_str()),
        &|e| e.order.as_ref() == Some(order),
    )
    .map_err(ExportError::Unreadable)?;
    let picks = Picks {
        subject: order.as_str(),
        shot_ours: &|_: &Entry, s: &ScreenshotRef| s.order.as_ref() == Some(order),
    };
    export_v3(data_dir, &keys, scanned, picks, out, now, lang)
}

/// The same for a whole batch: the batch's own lines (`data.batch`), every
/// line of the orders released in it, and the batch's own screenshots
/// (review, confirmation, pauses, cancel-all, finish).
pub fn export_batch(
    data_dir: &Path,
    batch: &BatchId,
    out: &Path,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Manifest, ExportError> {
    let keys = keys_to_sign(data_dir)?;
    let leaves = LeafHasher::new(keys.salt_secret());
    let of_batch = |e: &Entry| e.data["batch"].as_str() == Some(batch.as_str());
    let names_batch = |raw: &[u8]| memchr::memmem::find(raw, batch.as_str().as_bytes()).is_some();
    // The batch's orders: each has a `review_shown` naming the batch.
    let mut orders = std::collections::HashSet::<OrderId>::new();
    for_each_line(data_dir, &leaves, &mut |_, line| {
        if let Line::Whole(raw) = line
            && names_batch(raw)
            && let Ok(e) = parse_line(raw)
            && e.kind == "review_shown"
            && of_batch(&e)
            && let Some(o) = e.order
        {
            orders.insert(o);
        }
    })
    .map_err(ExportError::Unreadable)?;
    let ours = |o: Option<&OrderId>| o.is_some_and(|o| orders.contains(o));
    let scanned = scan(
        data_dir,
        &leaves,
        &|raw| names_batch(raw) || order_of(raw).is_some_and(|o| orders.contains(o)),
        &|e| of_batch(e) || ours(e.order.as_ref()),
    )
    .map_err(ExportError::Unreadable)?;
    let picks = Picks {
        subject: batch.as_str(),
        // Batch screenshots written before they named their batch carry
        // neither an order nor a batch: nothing ties them to this batch
        // that a third party could check, so they are left out.
        shot_ours: &|_: &Entry, s: &ScreenshotRef| match (&s.order, &s.batch) {
            (Some(o), _) => ours(Some(o)),
            (None, Some(b)) => b == batch,
            (None, None) => false,
        },
    };
    export_v3(data_dir, &keys, scanned, picks, out, now, lang)
}

/// The keys to sign the export's checkpoint with, made only when the
/// journal reads and no checkpoint would be disowned (see `keys_to_sign`).
fn keys_to_sign(data_dir: &Path) -> Result<LogKeys, ExportError> {
    use super::seal::SealError;
    super::seal::keys_to_sign(data_dir).map_err(|e| match e {
        SealError::Unreadable(e) => ExportError::Unreadable(e),
        SealError::Broken(_) => {
            ExportError::NoKey(data_dir.join(super::checkpoint::CHECKPOINTS_DIR))
        }
    })
}

/// Makes `out` a new or empty folder (0700 when created). A symlink, a
/// file or a folder holding anything is refused and left as it is.
pub(super) fn prepare_out(out: &Path) -> Result<(), ExportError> {
    // Never into another bundle, at any depth: an extra file in it makes
    // it fail to verify ("in the folder but not in the manifest").
    if let Some(bundle) = out
        .ancestors()
        .find(|a| a.join("manifest.json").exists() || a.join("manifest.sig").exists())
    {
        return Err(ExportError::InsideBundle(bundle.to_path_buf()));
    }
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            Err(ExportError::Write(FileError::Symlink(out.to_path_buf())))
        }
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(out)
                .map_err(|e| ExportError::Write(FileError::Io(out.to_path_buf(), e)))?;
            match entries.next() {
                None => Ok(()),
                Some(_) => Err(ExportError::NotEmpty(out.to_path_buf())),
            }
        }
        Ok(_) => Err(ExportError::NotAFolder(out.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => safe_file::ensure_dir(out)
            .map(|_| ())
            .map_err(ExportError::Write),
        Err(e) => Err(ExportError::Write(FileError::Io(out.to_path_buf(), e))),
    }
}

/// Creates `out/name` (never an existing path) and writes `data` to it.
pub(super) fn create_file(out: &Path, name: &str, data: &[u8]) -> Result<(), ExportError> {
    let rel = Path::new(name);
    if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
        safe_file::ensure_subdir(out, parent).map_err(ExportError::Write)?;
    }
    let path = out.join(rel);
    let mut f = safe_file::create_new_private(&path).map_err(ExportError::Write)?;
    f.write_all(data)
        .and_then(|()| f.sync_all())
        .map_err(|e| ExportError::Write(FileError::Io(path, e)))
}

pub const BUNDLE_README: &str = include_str!("../../../assets/evidence/README.txt");

/// The bundle README, with the screenshots that were not copied listed.
pub(super) fn readme_v3(not_copied: &[NotCopied]) -> String {
    let mut s = BUNDLE_README.to_owned();
    if !not_copied.is_empty() {
        s += "\n未复制的截图 / Screenshots not copied:\n";
        for n in not_copied {
            s += &format!(
                "- line {}: {} ({}: {})\n",
                n.line, n.path, n.reason, n.detail
            );
        }
    }
    s
}

/// The bundle's own verifier (Python 3 standard library only).
pub const VERIFY_PY: &str = include_str!("../../../assets/evidence/verify.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::{Clock, ManualClock};
    use crate::core::event::Event;
    use crate::core::screenshot::{self, ShotStep};
    use crate::core::session::{Paths, Session};

    /// Journals one screenshot of `step` (a batch's when `batch` is named).
    fn shot(
        s: &mut Session,
        clock: &ManualClock,
        dir: &Path,
        order: Option<&str>,
        batch: Option<&str>,
        step: ShotStep,
        shade: u8,
    ) -> String {
        let at = clock.now().with_timezone(&clock.offset_at(clock.now()));
        let order = order.map(OrderId::from);
        let saved = screenshot::save(dir, &[shade; 16], 2, 2, at, order.as_ref(), step).unwrap();
        s.record(
            order.as_ref(),
            Event::ScreenshotTaken {
                path: saved.path.clone(),
                width: 2,
                height: 2,
                sha256: saved.sha256,
                step: step.as_str().into(),
                batch: batch.map(BatchId::from),
            },
        )
        .unwrap();
        saved.path
    }

    #[test]
    fn a_batch_bundle_takes_its_own_screenshots_not_another_batchs() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        let mut s = Session::open(Paths::in_one_dir(dir.path()), clock.clone()).unwrap();
        let imported = |batch: &str| Event::BatchImported {
            batch: batch.into(),
            source: "cards.csv".into(),
            encoding: "utf-8".into(),
            rows: 1,
            errors: 0,
            warnings: 0,
        };
        s.record(None, imported("B-1")).unwrap();
        s.record(None, imported("B-2")).unwrap();
        let d = dir.path();
        let other = shot(
            &mut s,
            &clock,
            d,
            None,
            Some("B-1"),
            ShotStep::BatchReview,
            1,
        );
        let own = shot(
            &mut s,
            &clock,
            d,
            None,
            Some("B-2"),
            ShotStep::BatchReview,
            2,
        );
        // A line from before screenshots named their batch: not provably
        // the batch's, so not in its bundle.
        let legacy = shot(&mut s, &clock, d, None, None, ShotStep::BatchPaused, 3);
        let unrelated = shot(&mut s, &clock, d, Some("CG-X"), None, ShotStep::Review, 4);
        let finished = Event::BatchFinished {
            batch: "B-2".into(),
            released: 0,
            not_sent: 1,
        };
        s.record(None, finished).unwrap();
        let out = d.join("bundle");
        let m = export_batch(d, &"B-2".into(), &out, clock.now(), Lang::En).unwrap();
        let names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&own.as_str()), "{names:?}");
        assert!(!names.contains(&legacy.as_str()), "{names:?}");
        assert!(!names.contains(&other.as_str()), "{names:?}");
        assert!(!names.contains(&unrelated.as_str()), "{names:?}");
        assert!(verify_bundle(&out).is_ok());
    }
}
