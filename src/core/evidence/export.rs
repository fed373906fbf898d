//! Evidence bundles: one order's (or batch's) chain segment, its
//! screenshots and a manifest, written only into a new or empty folder,
//! every file created new (never an existing path, never through a link).
//! `verify_bundle` checks one as a complaint handler would.

use super::{
    GENESIS, ScreenshotRef, read_journal_file, read_screenshot, screenshot_ref, verify_chain,
};
use crate::core::ids::{BatchId, OrderId};
use crate::core::journal::{Entry, lines_of, parse_line, sha256_hex};
use crate::core::safe_file::{self, FileError, Links};
use crate::core::screenshot::ShotStep;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const SEGMENT_FILE: &str = "journal-segment.jsonl";
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
    /// The 1-based line in `journal-segment.jsonl`.
    pub line: u64,
    pub path: String,
    /// `missing`, `changed` or `refused`.
    pub reason: &'static str,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub format: &'static str,
    /// The order id, or the batch id for a batch bundle.
    pub order: String,
    pub exported_at: String,
    pub first_seq: u64,
    pub last_seq: u64,
    /// `prev` of the segment's first line: where the segment hangs in the chain.
    pub first_prev: String,
    pub last_hash: String,
    /// Whether the whole journal verified when exported.
    pub journal_intact: bool,
    pub files: Vec<ManifestFile>,
    pub not_copied: Vec<NotCopied>,
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
    /// The target or a file inside it could not be created (a symlink
    /// included: it is never followed).
    Write(FileError),
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
        }
    }
}

/// What checking an exported bundle found intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleIntact {
    pub events: u64,
    pub files: usize,
}

/// Checks an evidence bundle as a complaint handler would: every file
/// listed in `manifest.json` has its SHA-256 (and, for a screenshot, the
/// one its journal line names), the segment is an unbroken chain from
/// `first_prev`/`first_seq` to `last_hash`. The first problem, in words,
/// otherwise. Reads only plain paths inside the bundle, never through a
/// link. Bundles of format 1 (`screenshots/NAME`) check the same way.
pub fn verify_bundle(dir: &Path) -> Result<BundleIntact, String> {
    let read = |name: &str| {
        safe_file::read_capped(&dir.join(name), BUNDLE_FILE_CAP, Links::Refuse)
            .map_err(|e| format!("{name}: {e}"))
    };
    let manifest: serde_json::Value = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| format!("manifest.json: {e}"))?;
    let segment = read(SEGMENT_FILE)?;
    let first_prev = manifest["first_prev"].as_str().unwrap_or_default();
    let first_seq = manifest["first_seq"].as_u64().unwrap_or(0);
    let chain =
        verify_chain(&segment, first_prev, first_seq, &mut |_, _| {}).map_err(|f| f.to_string())?;
    if chain.last_hash != manifest["last_hash"].as_str().unwrap_or_default() {
        return Err("the segment does not end where the manifest says".into());
    }
    let files = manifest["files"].as_array().cloned().unwrap_or_default();
    for f in &files {
        let name = f["name"].as_str().unwrap_or_default();
        if name != SEGMENT_FILE && safe_file::contained(dir, "screenshots", name).is_none() {
            return Err(format!(
                "{name}: not a plain path inside the bundle's screenshots folder"
            ));
        }
        let bytes = safe_file::read_capped(&dir.join(name), BUNDLE_FILE_CAP, Links::Refuse)
            .map_err(|e| format!("{name}: {e}"))?;
        let sha = sha256_hex(&bytes);
        if sha != f["sha256"].as_str().unwrap_or_default() {
            return Err(format!("{name} was changed"));
        }
        // Format 2 keeps the journal's own path: the line must vouch for it.
        if manifest["format"] == BUNDLE_FORMAT
            && name != SEGMENT_FILE
            && !chain
                .shots
                .iter()
                .any(|s| s.path == name && s.sha256 == sha)
        {
            return Err(format!("{name} is not the screenshot the segment names"));
        }
    }
    Ok(BundleIntact {
        events: chain.events,
        files: files.len(),
    })
}

/// Writes an evidence bundle for one order into `out`: the journal lines
/// from the order's first to its last event (byte for byte, everything in
/// between included), its screenshots, `manifest.json` and `README.txt`.
pub fn export_order(
    data_dir: &Path,
    order: &OrderId,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let bytes = read_journal_file(data_dir).map_err(ExportError::Unreadable)?;
    export_matching(
        data_dir,
        &bytes,
        order.as_str(),
        &|e: &Entry| e.order.as_ref() == Some(order),
        &|_: &Entry, s: &ScreenshotRef| s.order.as_ref() == Some(order),
        out,
        now,
    )
}

/// The same for a whole batch: from its import to its last event, every
/// order released in it, and the batch's own screenshots (review,
/// confirmation, pauses, cancel-all, finish).
pub fn export_batch(
    data_dir: &Path,
    batch: &BatchId,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let bytes = read_journal_file(data_dir).map_err(ExportError::Unreadable)?;
    let of_batch = |e: &Entry| e.data["batch"].as_str() == Some(batch.as_str());
    // The batch's orders: each has a `review_shown` naming the batch.
    let orders: Vec<OrderId> = lines_of(&bytes)
        .filter_map(|l| parse_line(l).ok())
        .filter(|e| e.kind == "review_shown" && of_batch(e))
        .filter_map(|e| e.order)
        .collect();
    let ours = |o: Option<&OrderId>| o.is_some_and(|o| orders.contains(o));
    export_matching(
        data_dir,
        &bytes,
        batch.as_str(),
        &|e: &Entry| of_batch(e) || ours(e.order.as_ref()),
        &|e: &Entry, s: &ScreenshotRef| match (&s.order, &s.batch) {
            (Some(o), _) => ours(Some(o)),
            (None, Some(b)) => b == batch,
            // Written before screenshots named their batch: a batch step
            // in the batch's segment is taken as the batch's.
            (None, None) => e.data["step"]
                .as_str()
                .and_then(ShotStep::parse)
                .is_some_and(ShotStep::is_batch),
        },
        out,
        now,
    )
}

/// Makes `out` a new or empty folder (0700 when created). A symlink, a
/// file or a folder holding anything is refused and left as it is.
fn prepare_out(out: &Path) -> Result<(), ExportError> {
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
fn create_file(out: &Path, name: &str, data: &[u8]) -> Result<(), ExportError> {
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

/// Writes the bundle for the journal lines `ours` picks in `bytes` (first
/// to last, all lines in between included so the chain is unbroken) and
/// the screenshots `shot_ours` picks among those lines.
fn export_matching(
    data_dir: &Path,
    bytes: &[u8],
    subject: &str,
    ours: &dyn Fn(&Entry) -> bool,
    shot_ours: &dyn Fn(&Entry, &ScreenshotRef) -> bool,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let journal_intact = verify_chain(bytes, GENESIS, 1, &mut |_, _| {}).is_ok();
    // (start, end) byte range of each complete line, with its reading.
    let mut lines = Vec::new();
    let mut offset = 0usize;
    for raw in bytes.split_inclusive(|&b| b == b'\n') {
        if let Some(l) = raw.strip_suffix(b"\n") {
            lines.push((offset, offset + raw.len(), parse_line(l).ok()));
        }
        offset += raw.len();
    }
    let picked = |(_, _, e): &&(usize, usize, Option<Entry>)| e.as_ref().is_some_and(ours);
    let (Some(first), Some(last)) = (
        lines.iter().position(|l| picked(&l)),
        lines.iter().rposition(|l| picked(&l)),
    ) else {
        return Err(ExportError::NoSuchOrder(subject.to_owned()));
    };
    let seg = &lines[first..=last];
    let segment = &bytes[seg[0].0..seg[seg.len() - 1].1];
    let head = seg[0].2.as_ref();
    let tail = seg[seg.len() - 1].2.as_ref();

    prepare_out(out)?;
    let mut files = Vec::new();
    let mut put = |name: String, data: &[u8]| -> Result<(), ExportError> {
        create_file(out, &name, data)?;
        files.push(ManifestFile {
            name,
            sha256: sha256_hex(data),
            bytes: data.len() as u64,
        });
        Ok(())
    };
    put(SEGMENT_FILE.into(), segment)?;
    let mut not_copied = Vec::new();
    let mut copied = std::collections::HashSet::new();
    for (i, (_, _, e)) in seg.iter().enumerate() {
        let Some(s) = e
            .as_ref()
            .and_then(|e| screenshot_ref(i as u64 + 1, e).filter(|s| shot_ours(e, s)))
        else {
            continue;
        };
        // Checked against its line before copying; kept under the
        // journal's own path so same-named files of two months stay apart.
        match read_screenshot(data_dir, &s) {
            Ok(data) => {
                if copied.insert(s.path.clone()) {
                    put(s.path.clone(), &data)?;
                }
            }
            Err((problem, detail)) => not_copied.push(NotCopied {
                line: s.line,
                path: s.path.clone(),
                reason: match problem {
                    super::Problem::ScreenshotMissing(_) => "missing",
                    super::Problem::ScreenshotChanged(_) => "changed",
                    _ => "refused",
                },
                detail,
            }),
        }
    }
    let manifest = Manifest {
        format: BUNDLE_FORMAT,
        order: subject.to_owned(),
        exported_at: now.format(crate::core::journal::TS_FORMAT).to_string(),
        first_seq: head.map(|e| e.seq).unwrap_or(0),
        last_seq: tail.map(|e| e.seq).unwrap_or(0),
        first_prev: head.map(|e| e.prev.clone()).unwrap_or_default(),
        last_hash: tail.map(|e| e.hash.clone()).unwrap_or_default(),
        journal_intact,
        files,
        not_copied,
    };
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    create_file(out, "manifest.json", json.as_bytes())?;
    create_file(out, "README.txt", readme(&manifest).as_bytes())?;
    Ok(manifest)
}

pub const BUNDLE_README: &str = include_str!("../../../assets/evidence-README.txt");

/// The bundle README, with the screenshots that were not copied listed.
fn readme(m: &Manifest) -> String {
    let mut s = BUNDLE_README.to_owned();
    if !m.not_copied.is_empty() {
        s += "\n未复制的截图 / Screenshots not copied:\n";
        for n in &m.not_copied {
            s += &format!(
                "- line {}: {} ({}: {})\n",
                n.line, n.path, n.reason, n.detail
            );
        }
    }
    s
}

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
        // A line from before screenshots named their batch.
        let legacy = shot(&mut s, &clock, d, None, None, ShotStep::BatchPaused, 3);
        let unrelated = shot(&mut s, &clock, d, Some("CG-X"), None, ShotStep::Review, 4);
        let finished = Event::BatchFinished {
            batch: "B-2".into(),
            released: 0,
            not_sent: 1,
        };
        s.record(None, finished).unwrap();
        let out = d.join("bundle");
        let m = export_batch(d, &"B-2".into(), &out, clock.now()).unwrap();
        let names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&own.as_str()), "{names:?}");
        assert!(names.contains(&legacy.as_str()), "{names:?}");
        assert!(!names.contains(&other.as_str()), "{names:?}");
        assert!(!names.contains(&unrelated.as_str()), "{names:?}");
        assert!(verify_bundle(&out).is_ok());
    }
}
