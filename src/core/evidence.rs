//! Evidence a third party can check: verifying the journal's hash chain and
//! every screenshot it references, and exporting one order's chain segment
//! with its screenshots and a manifest. Format and algorithm: docs/JOURNAL.md.
//! Every line is read with [`parse_line`], the app's own reading.

use super::event::Event;
use super::ids::{BatchId, OrderId};
use super::journal::{Entry, GENESIS, LineError, lines_of, parse_line, sha256_hex};
use super::safe_file::{self, FileError, Links};
use std::collections::BTreeMap;
use std::path::Path;

mod export;
pub mod tsa;
pub use export::*;
pub mod bundle;
mod bundle_check;
pub mod checkpoint;
pub mod merkle;
mod report;
mod scan;
pub mod seal;
mod verify_file;
pub use verify_file::verify_dir;

pub const SCREENSHOT_EVENT: &str = "screenshot_taken";
/// The most verify or export reads of one screenshot (they are ~100 KB).
pub const SCREENSHOT_CAP: u64 = 64 << 20;

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
    /// A line whose hash matches but which is not the writer's exact form
    /// (reordered or repeated keys, spacing, escapes, bad `ts`/`tz`…):
    /// another reader could read it differently, so it is not evidence.
    Malformed,
    ScreenshotChanged(String),
    ScreenshotMissing(String),
    /// The journal names a screenshot the app will not read: outside the
    /// screenshots folder, through a symlink, not a regular file, too large.
    ScreenshotRefused(String),
    /// Fewer lines than a signed checkpoint vouches for: the end was cut off.
    CutShort(String),
    /// The lines up to a checkpoint's size are not the ones it signed.
    CheckpointDiffers(String),
    /// A checkpoint file that is not one this install signed (or the
    /// checkpoints folder, or the key to check them, cannot be used).
    CheckpointBad(String),
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Edited => "edited",
            Problem::Inserted => "inserted",
            Problem::Missing => "missing",
            Problem::Reordered => "reordered",
            Problem::Truncated => "truncated",
            Problem::Malformed => "malformed",
            Problem::ScreenshotChanged(_) => "screenshot_changed",
            Problem::ScreenshotMissing(_) => "screenshot_missing",
            Problem::ScreenshotRefused(_) => "screenshot_refused",
            Problem::CutShort(_) => "cut_short",
            Problem::CheckpointDiffers(_) => "checkpoint_differs",
            Problem::CheckpointBad(_) => "checkpoint_bad",
        }
    }

    /// The i18n key naming the problem in words.
    pub fn message_key(&self) -> &'static str {
        match self {
            Problem::Edited => "problem.edited",
            Problem::Inserted => "problem.inserted",
            Problem::Missing => "problem.missing",
            Problem::Reordered => "problem.reordered",
            Problem::Truncated => "problem.truncated",
            Problem::Malformed => "journal.problem_malformed",
            Problem::ScreenshotChanged(_) => "problem.screenshot_changed",
            Problem::ScreenshotMissing(_) => "problem.screenshot_missing",
            Problem::ScreenshotRefused(_) => "journal.problem_screenshot_refused",
            Problem::CutShort(_) => "journal.problem_cut_short",
            Problem::CheckpointDiffers(_) => "journal.problem_checkpoint_differs",
            Problem::CheckpointBad(_) => "journal.problem_checkpoint_bad",
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

impl Finding {
    /// The detail to show after the problem's words in `lang`: the
    /// checker's own sentence in English; in other languages only the file
    /// it names (the sentence is English, and the problem's words already
    /// say what is wrong).
    pub fn detail_for(&self, lang: crate::i18n::Lang) -> Option<String> {
        if lang == crate::i18n::Lang::En {
            return (!self.detail.is_empty()).then(|| self.detail.clone());
        }
        match &self.problem {
            Problem::ScreenshotChanged(f)
            | Problem::ScreenshotMissing(f)
            | Problem::ScreenshotRefused(f)
            | Problem::CutShort(f)
            | Problem::CheckpointDiffers(f)
            | Problem::CheckpointBad(f) => Some(f.clone()),
            _ => None,
        }
    }
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
    /// The signed checkpoints the journal was checked against.
    pub sealed: seal::Sealed,
    /// Lines that are intact but that this version of the app does not
    /// read (a kind it does not know, or data it cannot use), per kind:
    /// the app skips them on replay, so verify says so.
    pub unread: Vec<(String, u64)>,
}

#[derive(Debug)]
pub enum VerifyError {
    /// The journal cannot be read (absent, a symlink, a FIFO, too large…).
    Unreadable(FileError),
    Broken(Finding),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::Unreadable(e) => e.fmt(f),
            VerifyError::Broken(finding) => finding.fmt(f),
        }
    }
}

/// A screenshot the journal vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenshotRef {
    pub line: u64,
    pub order: Option<OrderId>,
    pub path: String,
    pub sha256: String,
    /// The `batch` in the line's data, if any.
    pub batch: Option<BatchId>,
}

pub(crate) fn screenshot_ref(line_no: u64, e: &Entry) -> Option<ScreenshotRef> {
    if e.kind != SCREENSHOT_EVENT {
        return None;
    }
    Some(ScreenshotRef {
        line: line_no,
        order: e.order.clone(),
        path: e.data["path"].as_str()?.to_owned(),
        sha256: e.data["sha256"].as_str()?.to_owned(),
        batch: e.data["batch"].as_str().map(BatchId::from),
    })
}

/// Lines read per step of [`verify_chain`] (also its progress step).
const CHUNK: usize = 65_536;

/// What verify keeps of one line.
struct Checked {
    seq: u64,
    prev: String,
    hash: String,
    /// The kind, when this version cannot read the line (replay skips it).
    unread: Option<String>,
    shot: Option<ScreenshotRef>,
}

/// Whether replay can use this line: the same question as
/// `Event::from_parts(..).is_some()`, without copying `data`.
pub fn readable(kind: &str, data: &serde_json::Value) -> bool {
    use serde::Deserialize;
    use serde::de::value::MapDeserializer;
    let kind = serde_json::Value::String(kind.to_owned());
    let map =
        MapDeserializer::<_, serde_json::Error>::new([("kind", &kind), ("data", data)].into_iter());
    Event::deserialize(map).is_ok()
}

fn check_line(raw: &[u8]) -> Result<Checked, LineError> {
    let e = parse_line(raw)?;
    let unread = (!readable(&e.kind, &e.data)).then(|| e.kind.clone());
    let shot = screenshot_ref(0, &e);
    Ok(Checked {
        seq: e.seq,
        prev: e.prev,
        hash: e.hash,
        unread,
        shot,
    })
}

/// Reads `lines` with [`check_line`] on every core, results in order.
fn check_lines(lines: &[&[u8]]) -> Vec<Result<Checked, LineError>> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if workers < 2 || lines.len() < 4_096 {
        return lines.iter().map(|l| check_line(l)).collect();
    }
    let per = lines.len().div_ceil(workers);
    std::thread::scope(|s| {
        let parts: Vec<_> = lines
            .chunks(per)
            .map(|part| {
                let h = s.spawn(move || part.iter().map(|l| check_line(l)).collect::<Vec<_>>());
                (h, part.len())
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|(h, n)| {
                // Never expected (parse_line does not panic): keep the count
                // so line numbers stay right.
                h.join()
                    .unwrap_or_else(|_| (0..n).map(|_| Err(LineError::BadField("line"))).collect())
            })
            .collect()
    })
}

/// What an unbroken chain segment holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub events: u64,
    pub last_hash: String,
    pub shots: Vec<ScreenshotRef>,
    pub unread: Vec<(String, u64)>,
}

/// The hash chain checked a chunk of lines at a time, in order: what
/// verify of a segment in memory and verify of a file streamed share.
pub(crate) struct ChainCheck {
    prev: String,
    first_seq: u64,
    /// Lines checked so far.
    done: u64,
    shots: Vec<ScreenshotRef>,
    unread: BTreeMap<String, u64>,
}

impl ChainCheck {
    pub fn new(first_prev: &str, first_seq: u64) -> Self {
        ChainCheck {
            prev: first_prev.to_owned(),
            first_seq,
            done: 0,
            shots: Vec::new(),
            unread: BTreeMap::new(),
        }
    }

    /// Checks the next `lines` (read in parallel, then chained in order).
    /// On a break, `seq_later(expected)` says whether a line after the
    /// chunk has that seq (a reordering rather than lines missing).
    pub fn chunk(
        &mut self,
        lines: &[&[u8]],
        seq_later: &mut dyn FnMut(u64) -> bool,
    ) -> Result<(), Finding> {
        let base = self.done as usize;
        let bad = |i: usize, problem: Problem, detail: String| Finding {
            line: i as u64 + 1,
            problem,
            detail,
        };
        for (j, checked) in check_lines(lines).into_iter().enumerate() {
            let i = base + j;
            let expected = self.first_seq + i as u64;
            let line = match checked {
                Ok(line) => line,
                Err(why @ (LineError::Edited(_) | LineError::NotUtf8)) => {
                    return Err(bad(i, Problem::Edited, why.to_string()));
                }
                Err(why) => return Err(bad(i, Problem::Malformed, why.to_string())),
            };
            if line.seq != expected || line.prev != self.prev {
                let seq_of = |l: &[u8]| parse_line(l).ok().map(|x| x.seq);
                let later = || {
                    lines[j + 1..].iter().any(|l| seq_of(l) == Some(expected))
                        || seq_later(expected)
                };
                return Err(classify(
                    i, expected, &self.prev, line.seq, &line.prev, later,
                ));
            }
            if let Some(kind) = line.unread {
                *self.unread.entry(kind).or_default() += 1;
            }
            if let Some(mut s) = line.shot {
                s.line = i as u64 + 1;
                self.shots.push(s);
            }
            self.prev = line.hash;
        }
        self.done += lines.len() as u64;
        Ok(())
    }

    pub fn done(&self) -> u64 {
        self.done
    }

    pub fn finish(self) -> Chain {
        Chain {
            events: self.done,
            last_hash: self.prev,
            shots: self.shots,
            unread: self.unread.into_iter().collect(),
        }
    }
}

/// The finding for a journal whose last `tail` bytes are not a complete
/// line (after `lines` complete ones).
pub(crate) fn truncated(lines: u64, tail: u64) -> Finding {
    let line = lines + 1;
    Finding {
        line,
        problem: Problem::Truncated,
        detail: format!("the file ends {tail} bytes into line {line}"),
    }
}

/// Verifies a chain segment: `bytes` whose first line's `prev` must be
/// `first_prev` and `seq` must be `first_seq`. `progress(done, total)` is
/// called every 65 536 lines.
pub fn verify_chain(
    bytes: &[u8],
    first_prev: &str,
    first_seq: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Chain, Finding> {
    let complete = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let lines: Vec<&[u8]> = lines_of(&bytes[..complete]).collect();
    let total = lines.len() as u64;
    let mut check = ChainCheck::new(first_prev, first_seq);
    // Lines are read in parallel, a chunk at a time (bounded memory), then
    // chained in order: the reading is the costly part.
    for (c, chunk) in lines.chunks(CHUNK).enumerate() {
        progress((c * CHUNK) as u64, total);
        let rest = &lines[((c + 1) * CHUNK).min(lines.len())..];
        check.chunk(chunk, &mut |expected| {
            rest.iter()
                .any(|l| parse_line(l).ok().map(|x| x.seq) == Some(expected))
        })?;
    }
    progress(total, total);
    if complete < bytes.len() {
        return Err(truncated(total, (bytes.len() - complete) as u64));
    }
    Ok(check.finish())
}

/// Verifies a whole journal held in memory; the number of lines, or the first finding.
pub fn verify_bytes(bytes: &[u8]) -> Result<u64, Finding> {
    verify_chain(bytes, GENESIS, 1, &mut |_, _| {}).map(|c| c.events)
}

/// Names what happened at the first line that does not continue the chain
/// (`later`: whether a line after it has the seq expected here).
fn classify(
    i: usize,
    expected: u64,
    prev: &str,
    seq: u64,
    line_prev: &str,
    later: impl FnOnce() -> bool,
) -> Finding {
    let n = i as u64 + 1;
    let found = |problem, line, detail| Finding {
        line,
        problem,
        detail,
    };
    if line_prev == prev {
        // It links to the line before yet has the wrong number: made to fit.
        return found(
            Problem::Inserted,
            n,
            format!(
                "seq {} where {expected} was expected, though it links to line {}",
                seq,
                n - 1
            ),
        );
    }
    if seq + 1 == expected || (seq == expected && i > 0) {
        // The line before took this line's place in the chain: it was inserted.
        return found(
            Problem::Inserted,
            n - 1,
            format!("line {n} does not link to line {}", n - 1),
        );
    }
    if seq < expected {
        return found(
            Problem::Reordered,
            n,
            format!("seq {} comes after seq {}", seq, expected - 1),
        );
    }
    if later() {
        found(
            Problem::Reordered,
            n,
            format!("seq {} appears before seq {expected}", seq),
        )
    } else {
        found(
            Problem::Missing,
            n,
            format!("seq {expected} to {} are missing", seq - 1),
        )
    }
}

/// Reads a screenshot the journal names, only from inside the data dir's
/// screenshots folder (no absolute path, no `..`, no symlink at any level,
/// a regular file of at most [`SCREENSHOT_CAP`]), and checks its SHA-256.
/// Never blocks on a FIFO. Otherwise the problem and why, in words.
pub fn read_screenshot(data_dir: &Path, s: &ScreenshotRef) -> Result<Vec<u8>, (Problem, String)> {
    let refused = |why: String| (Problem::ScreenshotRefused(s.path.clone()), why);
    let Some(path) = safe_file::contained(data_dir, "screenshots", &s.path) else {
        // `contained` also says no when a level is missing: tell them apart.
        if safe_file::plain_rel("screenshots", &s.path) && !has_link(data_dir, &s.path) {
            return Err((
                Problem::ScreenshotMissing(s.path.clone()),
                format!("{} is missing", s.path),
            ));
        }
        return Err(refused(format!(
            "{} is not a plain path inside the screenshots folder (absolute, `..`, or through a symbolic link)",
            s.path
        )));
    };
    match safe_file::read_capped(&path, SCREENSHOT_CAP, Links::Refuse) {
        Ok(b) if sha256_hex(&b) == s.sha256 => Ok(b),
        Ok(_) => Err((
            Problem::ScreenshotChanged(s.path.clone()),
            format!("{} was changed", s.path),
        )),
        Err(FileError::NotFound(_)) => Err((
            Problem::ScreenshotMissing(s.path.clone()),
            format!("{} is missing", s.path),
        )),
        Err(e) => Err(refused(e.to_string())),
    }
}

/// Whether any existing level of `base/rel` is a symlink.
fn has_link(base: &Path, rel: &str) -> bool {
    let mut at = base.to_path_buf();
    Path::new(rel).components().any(|c| {
        at.push(c);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::journal::render_line;
    use chrono::{DateTime, FixedOffset, Utc};

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
                Some(&"O".into()),
                &serde_json::json!({"i": seq}),
                None,
                &prev,
            );
            out += &line;
            prev = hash;
        }
        out
    }

    fn check(text: &str) -> Result<u64, Finding> {
        verify_chain(text.as_bytes(), GENESIS, 1, &mut |_, _| {}).map(|r| r.events)
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
        let prev2 = parse_line(lines[1].as_bytes()).unwrap().hash;
        let ts = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (forged, _) = render_line(
            3,
            ts,
            FixedOffset::east_opt(0).unwrap(),
            "k",
            Some(&"O".into()),
            &serde_json::json!({"i": 99}),
            None,
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

    /// Long journals are read in parallel: findings keep their line.
    #[test]
    fn parallel_reading_keeps_line_numbers() {
        let j = journal(10_000);
        assert_eq!(check(&j), Ok(10_000));
        let lines: Vec<&str> = j.lines().collect();
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edited[9_000] = edited[9_000].replacen("\"i\":9001", "\"i\":9002", 1);
        let text = edited.join("\n") + "\n";
        let f = check(&text).unwrap_err();
        assert_eq!((f.line, f.problem), (9_001, Problem::Edited));
        let mut gone: Vec<&str> = lines.clone();
        gone.remove(5_000);
        let f = check(&(gone.join("\n") + "\n")).unwrap_err();
        assert_eq!((f.line, f.problem), (5_001, Problem::Missing));
        let c = verify_chain(j.as_bytes(), GENESIS, 1, &mut |_, _| {}).unwrap();
        assert_eq!(c.unread, vec![("k".to_owned(), 10_000)]);
    }

    /// verify's `readable` answers exactly what replay's `from_parts` does.
    #[test]
    fn readable_agrees_with_replay() {
        use serde_json::json;
        let t = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let events = [
            Event::Verified { at: t },
            Event::DraftDiscarded {},
            Event::ScreenshotTaken {
                path: "screenshots/2026-11/a.png".into(),
                width: 1,
                height: 1,
                sha256: "0".repeat(64),
                step: "review".into(),
                batch: None,
            },
        ];
        let mut cases: Vec<(String, serde_json::Value)> =
            events.iter().map(|e| (e.kind(), e.data())).collect();
        cases.extend([
            ("from_the_future".to_owned(), json!({})),
            ("verified".to_owned(), json!({})),
            ("verified".to_owned(), json!({"at": 5})),
            ("screenshot_taken".to_owned(), json!({"path": 1})),
            ("draft_discarded".to_owned(), json!({"extra": 1})),
        ]);
        for (kind, data) in cases {
            assert_eq!(
                readable(&kind, &data),
                Event::from_parts(&kind, &data).is_some(),
                "{kind} {data}"
            );
        }
    }
}
