//! Evidence a third party can check: verifying the journal's hash chain and
//! every screenshot it references, and exporting one order's chain segment
//! with its screenshots and a manifest. Format and algorithm: docs/JOURNAL.md.

use super::journal::{GENESIS, JOURNAL_FILE, check_line_hash, sha256_hex};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub const SCREENSHOT_EVENT: &str = "screenshot_taken";

/// What is wrong with a journal, in the words a complaint desk would use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A line's bytes no longer match its own hash.
    Edited,
    /// A line that does not belong to the chain (forged, with its own hash recomputed).
    Inserted,
    /// One or more lines were removed before this one.
    Missing,
    /// Lines are out of order.
    Reordered,
    /// The file ends in the middle of a line.
    Truncated,
    ScreenshotChanged(String),
    ScreenshotMissing(String),
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Edited => "edited",
            Problem::Inserted => "inserted",
            Problem::Missing => "missing",
            Problem::Reordered => "reordered",
            Problem::Truncated => "truncated",
            Problem::ScreenshotChanged(_) => "screenshot_changed",
            Problem::ScreenshotMissing(_) => "screenshot_missing",
        }
    }
}

/// The first thing found wrong: the 1-based line and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: u64,
    pub problem: Problem,
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: {} ({})",
            self.line,
            self.problem.code(),
            self.detail
        )
    }
}

/// An intact journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intact {
    pub events: u64,
    pub screenshots: u64,
    pub last_hash: String,
}

#[derive(Debug)]
pub enum VerifyError {
    /// The journal cannot be read (absent, permissions…).
    Unreadable(PathBuf, std::io::Error),
    Broken(Finding),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::Unreadable(p, e) => write!(f, "{}: {e}", p.display()),
            VerifyError::Broken(finding) => finding.fmt(f),
        }
    }
}

/// The fields verification needs, read from the fixed line layout without
/// a full JSON parse (fast on a million lines).
struct Fields<'a> {
    seq: u64,
    prev: &'a str,
    hash: &'a str,
}

fn fields(line: &str) -> Option<Fields<'_>> {
    let rest = line.strip_prefix("{\"seq\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let seq = rest[..digits].parse().ok()?;
    let hash_at = line.rfind(",\"hash\":\"")?;
    let prev_at = line[..hash_at].rfind(",\"prev\":\"")?;
    let prev = line[prev_at + 9..hash_at].strip_suffix('"')?;
    let hash = line[hash_at + 9..].strip_suffix("\"}")?;
    Some(Fields { seq, prev, hash })
}

/// A screenshot the journal vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenshotRef {
    pub line: u64,
    pub order: Option<String>,
    pub path: String,
    pub sha256: String,
}

fn screenshot_ref(line_no: u64, line: &str) -> Option<ScreenshotRef> {
    if !line.contains("\"kind\":\"screenshot_taken\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    Some(ScreenshotRef {
        line: line_no,
        order: v["order"].as_str().map(str::to_owned),
        path: v["data"]["path"].as_str()?.to_owned(),
        sha256: v["data"]["sha256"].as_str()?.to_owned(),
    })
}

/// Verifies a chain segment: `bytes` whose first line's `prev` must be
/// `first_prev` and `seq` must be `first_seq`. `progress(done, total)` is
/// called every 65 536 lines. Returns the segment's screenshots and last hash.
pub fn verify_chain(
    bytes: &[u8],
    first_prev: &str,
    first_seq: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(u64, String, Vec<ScreenshotRef>), Finding> {
    let complete = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let lines: Vec<&[u8]> = bytes[..complete]
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let total = lines.len() as u64;
    let mut prev = first_prev.to_owned();
    let mut shots = Vec::new();
    let bad = |i: usize, problem: Problem, detail: String| Finding {
        line: i as u64 + 1,
        problem,
        detail,
    };
    for (i, raw) in lines.iter().enumerate() {
        if i % 65_536 == 0 {
            progress(i as u64, total);
        }
        let expected = first_seq + i as u64;
        let Some(line) = std::str::from_utf8(raw).ok() else {
            return Err(bad(i, Problem::Edited, "not UTF-8".into()));
        };
        if let Err(why) = check_line_hash(line) {
            return Err(bad(i, Problem::Edited, why.into()));
        }
        let Some(f) = fields(line) else {
            return Err(bad(i, Problem::Edited, "not a journal line".into()));
        };
        if f.seq != expected || f.prev != prev {
            return Err(classify(&lines, i, expected, &prev, f));
        }
        if let Some(s) = screenshot_ref(i as u64 + 1, line) {
            shots.push(s);
        }
        prev = f.hash.to_owned();
    }
    progress(total, total);
    if complete < bytes.len() {
        let line = total + 1;
        return Err(Finding {
            line,
            problem: Problem::Truncated,
            detail: format!(
                "the file ends {} bytes into line {line}",
                bytes.len() - complete
            ),
        });
    }
    Ok((total, prev, shots))
}

/// Verifies a whole journal held in memory; the number of lines, or the first finding.
pub fn verify_bytes(bytes: &[u8]) -> Result<u64, Finding> {
    verify_chain(bytes, GENESIS, 1, &mut |_, _| {}).map(|(n, _, _)| n)
}

/// Names what happened at the first line that does not continue the chain.
fn classify(lines: &[&[u8]], i: usize, expected: u64, prev: &str, f: Fields<'_>) -> Finding {
    let n = i as u64 + 1;
    let found = |problem, line, detail| Finding {
        line,
        problem,
        detail,
    };
    if f.prev == prev {
        // It links to the line before yet has the wrong number: made to fit.
        return found(
            Problem::Inserted,
            n,
            format!(
                "seq {} where {expected} was expected, though it links to line {}",
                f.seq,
                n - 1
            ),
        );
    }
    if f.seq + 1 == expected || (f.seq == expected && i > 0) {
        // The line before took this line's place in the chain: it was inserted.
        return found(
            Problem::Inserted,
            n - 1,
            format!("line {n} does not link to line {}", n - 1),
        );
    }
    if f.seq < expected {
        return found(
            Problem::Reordered,
            n,
            format!("seq {} comes after seq {}", f.seq, expected - 1),
        );
    }
    let seq_of = |l: &[u8]| std::str::from_utf8(l).ok().and_then(fields).map(|x| x.seq);
    if lines[i + 1..].iter().any(|l| seq_of(l) == Some(expected)) {
        found(
            Problem::Reordered,
            n,
            format!("seq {} appears before seq {expected}", f.seq),
        )
    } else {
        found(
            Problem::Missing,
            n,
            format!("seq {expected} to {} are missing", f.seq - 1),
        )
    }
}

/// Verifies the journal in `data_dir` and every screenshot file it references.
pub fn verify_dir(
    data_dir: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Intact, VerifyError> {
    let path = data_dir.join(JOURNAL_FILE);
    let bytes = std::fs::read(&path).map_err(|e| VerifyError::Unreadable(path.clone(), e))?;
    let (events, last_hash, shots) =
        verify_chain(&bytes, GENESIS, 1, progress).map_err(VerifyError::Broken)?;
    check_screenshots(data_dir, &shots).map_err(VerifyError::Broken)?;
    Ok(Intact {
        events,
        screenshots: shots.len() as u64,
        last_hash,
    })
}

fn check_screenshots(base: &Path, shots: &[ScreenshotRef]) -> Result<(), Finding> {
    for s in shots {
        let finding = |problem, detail| Finding {
            line: s.line,
            problem,
            detail,
        };
        // Only paths inside the folder: a journal must not make us read elsewhere.
        if s.path.contains("..") || Path::new(&s.path).is_absolute() {
            return Err(finding(
                Problem::ScreenshotChanged(s.path.clone()),
                "path leaves the data folder".into(),
            ));
        }
        match std::fs::read(base.join(&s.path)) {
            Err(_) => {
                return Err(finding(
                    Problem::ScreenshotMissing(s.path.clone()),
                    format!("{} is missing", s.path),
                ));
            }
            Ok(b) if sha256_hex(&b) != s.sha256 => {
                return Err(finding(
                    Problem::ScreenshotChanged(s.path.clone()),
                    format!("{} was changed", s.path),
                ));
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct ManifestFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
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
}

#[derive(Debug)]
pub enum ExportError {
    Unreadable(PathBuf, std::io::Error),
    NoSuchOrder(String),
    Write(PathBuf, std::io::Error),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Unreadable(p, e) => write!(f, "{}: {e}", p.display()),
            ExportError::NoSuchOrder(id) => write!(f, "no order or batch {id} in the journal"),
            ExportError::Write(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

pub const SEGMENT_FILE: &str = "journal-segment.jsonl";

/// What checking an exported bundle found intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleIntact {
    pub events: u64,
    pub files: usize,
}

/// Checks an evidence bundle as a complaint handler would: every file
/// listed in `manifest.json` has its SHA-256, the segment is an unbroken
/// chain from `first_prev`/`first_seq` to `last_hash`. The first problem,
/// in words, otherwise.
pub fn verify_bundle(dir: &Path) -> Result<BundleIntact, String> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let manifest: serde_json::Value = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| format!("manifest.json: {e}"))?;
    let files = manifest["files"].as_array().cloned().unwrap_or_default();
    for f in &files {
        let name = f["name"].as_str().unwrap_or_default();
        if name.contains("..") || Path::new(name).is_absolute() {
            return Err(format!("{name}: path leaves the bundle"));
        }
        if sha256_hex(&read(name)?) != f["sha256"].as_str().unwrap_or_default() {
            return Err(format!("{name} was changed"));
        }
    }
    let segment = read(SEGMENT_FILE)?;
    let first_prev = manifest["first_prev"].as_str().unwrap_or_default();
    let first_seq = manifest["first_seq"].as_u64().unwrap_or(0);
    let (events, last, _) =
        verify_chain(&segment, first_prev, first_seq, &mut |_, _| {}).map_err(|f| f.to_string())?;
    if last != manifest["last_hash"].as_str().unwrap_or_default() {
        return Err("the segment does not end where the manifest says".into());
    }
    Ok(BundleIntact {
        events,
        files: files.len(),
    })
}

/// Writes an evidence bundle for one order into `out`: the journal lines
/// from the order's first to its last event (byte for byte, everything in
/// between included), its screenshots, `manifest.json` and `README.txt`.
pub fn export_order(
    data_dir: &Path,
    order: &str,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let needle = order_needle(order);
    export_matching(
        data_dir,
        &read_journal(data_dir)?,
        order,
        &|line: &str| line.contains(&needle),
        &|s: &ScreenshotRef| s.order.as_deref() == Some(order),
        out,
        now,
    )
}

fn order_needle(order: &str) -> String {
    format!(
        "\"order\":{}",
        serde_json::to_string(order).unwrap_or_default()
    )
}

/// The same for a whole batch: from its import to its last event, every
/// order released in it, and the batch's own screenshots (review,
/// confirmation, pauses, cancel-all, finish).
pub fn export_batch(
    data_dir: &Path,
    batch: &str,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let bytes = read_journal(data_dir)?;
    let text = String::from_utf8_lossy(&bytes);
    let batch_needle = format!(
        "\"batch\":{}",
        serde_json::to_string(batch).unwrap_or_default()
    );
    // The batch's orders: each has a `review_shown` naming the batch.
    let orders: Vec<String> = text
        .lines()
        .filter(|l| l.contains(&batch_needle) && l.contains("\"kind\":\"review_shown\""))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["order"].as_str().map(str::to_owned))
        .collect();
    let needles: Vec<String> = orders.iter().map(|o| order_needle(o)).collect();
    export_matching(
        data_dir,
        &bytes,
        batch,
        &|line: &str| line.contains(&batch_needle) || needles.iter().any(|n| line.contains(n)),
        &|s: &ScreenshotRef| match &s.order {
            Some(o) => orders.contains(o),
            None => s.path.contains("_none_batch_"),
        },
        out,
        now,
    )
}

fn read_journal(data_dir: &Path) -> Result<Vec<u8>, ExportError> {
    let path = data_dir.join(JOURNAL_FILE);
    std::fs::read(&path).map_err(|e| ExportError::Unreadable(path, e))
}

/// Writes the bundle for the journal lines `ours` picks in `bytes` (first
/// to last, all lines in between included so the chain is unbroken) and
/// the screenshots `shot_ours` picks among those lines.
fn export_matching(
    data_dir: &Path,
    bytes: &[u8],
    subject: &str,
    ours: &dyn Fn(&str) -> bool,
    shot_ours: &dyn Fn(&ScreenshotRef) -> bool,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, ExportError> {
    let journal_intact = verify_chain(bytes, GENESIS, 1, &mut |_, _| {}).is_ok();
    let mut first = None;
    let mut last = None;
    let mut offset = 0usize;
    for raw in bytes.split_inclusive(|&b| b == b'\n') {
        if raw.ends_with(b"\n") && std::str::from_utf8(raw).is_ok_and(ours) {
            first.get_or_insert(offset);
            last = Some(offset + raw.len());
        }
        offset += raw.len();
    }
    let (Some(start), Some(end)) = (first, last) else {
        return Err(ExportError::NoSuchOrder(subject.to_owned()));
    };
    let segment = &bytes[start..end];
    let seg_lines: Vec<&str> = std::str::from_utf8(segment).unwrap_or("").lines().collect();
    let head = seg_lines.first().and_then(|l| fields(l));
    let tail = seg_lines.last().and_then(|l| fields(l));

    let w = |p: &Path, e| ExportError::Write(p.to_path_buf(), e);
    std::fs::create_dir_all(out.join("screenshots")).map_err(|e| w(out, e))?;
    let mut files = Vec::new();
    let mut put = |name: String, data: &[u8]| -> Result<(), ExportError> {
        let p = out.join(&name);
        std::fs::write(&p, data).map_err(|e| w(&p, e))?;
        files.push(ManifestFile {
            name,
            sha256: sha256_hex(data),
            bytes: data.len() as u64,
        });
        Ok(())
    };
    put(SEGMENT_FILE.into(), segment)?;
    for (i, line) in seg_lines.iter().enumerate() {
        let Some(s) = screenshot_ref(i as u64 + 1, line).filter(shot_ours) else {
            continue;
        };
        if s.path.contains("..") {
            continue;
        }
        // A missing screenshot is left out; the manifest then lacks it and
        // the segment still names its hash.
        if let Ok(data) = std::fs::read(data_dir.join(&s.path)) {
            let name = Path::new(&s.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            put(format!("screenshots/{name}"), &data)?;
        }
    }
    let manifest = Manifest {
        format: "cardguard-evidence-1",
        order: subject.to_owned(),
        exported_at: now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        first_seq: head.as_ref().map(|f| f.seq).unwrap_or(0),
        last_seq: tail.as_ref().map(|f| f.seq).unwrap_or(0),
        first_prev: head.map(|f| f.prev.to_owned()).unwrap_or_default(),
        last_hash: tail.map(|f| f.hash.to_owned()).unwrap_or_default(),
        journal_intact,
        files,
    };
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    let p = out.join("manifest.json");
    std::fs::write(&p, json).map_err(|e| w(&p, e))?;
    let p = out.join("README.txt");
    std::fs::write(&p, BUNDLE_README).map_err(|e| w(&p, e))?;
    Ok(manifest)
}

pub const BUNDLE_README: &str = include_str!("../../assets/evidence-README.txt");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::journal::render_line;
    use chrono::FixedOffset;

    fn journal(n: u64) -> String {
        let mut prev = GENESIS.to_owned();
        let mut out = String::new();
        let ts = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for seq in 1..=n {
            let (line, hash) = render_line(
                seq,
                ts,
                FixedOffset::east_opt(0).unwrap(),
                "k",
                Some("O"),
                &serde_json::json!({"i": seq}),
                &prev,
            );
            out += &line;
            prev = hash;
        }
        out
    }

    fn check(text: &str) -> Result<u64, Finding> {
        verify_chain(text.as_bytes(), GENESIS, 1, &mut |_, _| {}).map(|r| r.0)
    }

    #[test]
    fn intact_and_each_kind_of_damage() {
        let j = journal(6);
        assert_eq!(check(&j), Ok(6));
        let lines: Vec<&str> = j.lines().collect();
        let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();

        let edited = j.replacen("\"i\":3", "\"i\":4", 1);
        assert_eq!(check(&edited).unwrap_err().line, 3);
        assert_eq!(check(&edited).unwrap_err().problem, Problem::Edited);

        let missing = join(&[lines[0], lines[1], lines[3], lines[4], lines[5]]);
        let f = check(&missing).unwrap_err();
        assert_eq!((f.line, f.problem), (3, Problem::Missing));

        let swapped = join(&[lines[0], lines[1], lines[3], lines[2], lines[4], lines[5]]);
        let f = check(&swapped).unwrap_err();
        assert_eq!((f.line, f.problem), (3, Problem::Reordered));

        // A forged line with its own hash recomputed, linked to line 2.
        let prev2 = fields(lines[1]).unwrap().hash.to_owned();
        let ts = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (forged, _) = render_line(
            3,
            ts,
            FixedOffset::east_opt(0).unwrap(),
            "k",
            Some("O"),
            &serde_json::json!({"i": 99}),
            &prev2,
        );
        let inserted = join(&[
            lines[0],
            lines[1],
            forged.trim_end(),
            lines[2],
            lines[3],
            lines[4],
            lines[5],
        ]);
        let f = check(&inserted).unwrap_err();
        assert_eq!((f.line, f.problem), (3, Problem::Inserted));

        let truncated = &j[..j.len() - 20];
        let f = check(truncated).unwrap_err();
        assert_eq!((f.line, f.problem), (6, Problem::Truncated));
    }
}
