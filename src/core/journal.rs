//! The append-only, hash-chained operation journal (`journal.jsonl`).
//!
//! Line format (exact, so anyone can verify it with standard tools):
//! `{"seq":N,"ts":"…Z","tz":"+08:00","kind":"…","order":…,"data":{…},"prev":"<64 hex>","hash":"<64 hex>"}\n`
//! where `hash` = SHA-256 of the line up to (not including) `,"hash":"`
//! followed by the byte `}`; `prev` is the previous line's hash (64 zeros first).

use super::evidence::checkpoint::{LogKeys, Written, write_checkpoint};
use super::evidence::merkle::{Frontier, Hash, LeafHasher};
use super::ids::OrderId;
use super::safe_file::{self, FileError};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

mod line;
pub use line::{LineError, MAX_LINE_BYTES, is_plain_id, parse_line};

pub const JOURNAL_FILE: &str = "journal.jsonl";
pub const LOCK_FILE: &str = "cardguard.lock";
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HASH_MARK: &str = ",\"hash\":\"";
/// The longest tail without a line end that open cuts off as a write torn
/// by a crash: far above any line the writer makes (a few KB).
pub const MAX_TORN_TAIL: u64 = 1 << 20;
/// The most the app reads of its own journal (at open, in the viewer, in
/// verify and export): far beyond years of use (~300 bytes an event), small
/// enough that a runaway or hostile file cannot exhaust memory.
pub const JOURNAL_CAP: u64 = 4 << 30;

/// One parsed journal line. Unknown or repeated fields are refused: the app
/// must not read a line differently from another JSON reader.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub tz: String,
    pub kind: String,
    pub order: Option<OrderId>,
    pub data: serde_json::Value,
    pub prev: String,
    pub hash: String,
}

#[derive(Debug)]
pub enum JournalError {
    /// Another cardguard holds the data dir.
    Locked(PathBuf),
    /// The journal or lock file is a symlink, FIFO, device, too large…:
    /// refused before anything was changed.
    File(FileError),
    /// The file ends in more bytes without a line end than any line the
    /// app writes: not a write torn by a crash. Nothing was cut.
    LongTail(PathBuf, u64),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JournalError::Locked(p) => write!(f, "{} is in use by another cardguard", p.display()),
            JournalError::File(e) => e.fmt(f),
            JournalError::LongTail(p, n) => write!(
                f,
                "{} ends in {n} bytes that are not a complete line, more than a crash can leave; nothing was cut",
                p.display()
            ),
            JournalError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// What was cut off the end of the file on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    pub dropped_bytes: u64,
    pub dropped_sha256: String,
}

/// A complete line that could not be read (reported, skipped in replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedLine {
    pub line: usize,
    pub reason: String,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    next_seq: u64,
    last_hash: String,
    /// The Merkle tree's right edge over every line, for checkpoints.
    frontier: Frontier,
    keys: LogKeys,
    leaves: LeafHasher,
    /// The tree size of the last checkpoint this journal wrote.
    signed: u64,
    // Held for the life of the journal: the OS drops the lock with the handle.
    _lock: File,
}

pub struct Opened {
    pub journal: Journal,
    pub entries: Vec<Entry>,
    pub torn: Option<TornTail>,
    pub damaged: Vec<DamagedLine>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Renders one line (with its trailing `\n`) and returns it with its hash.
pub fn render_line(
    seq: u64,
    ts: DateTime<Utc>,
    tz: FixedOffset,
    kind: &str,
    order: Option<&OrderId>,
    data: &serde_json::Value,
    prev: &str,
) -> (String, String) {
    let mut out = Vec::with_capacity(320);
    // Writing to a Vec cannot fail; serde_json writes UTF-8.
    let _ = write_body(&mut out, seq, ts, tz, kind, order, data, prev);
    let body = String::from_utf8(out).unwrap_or_default();
    let hash = line_hash(&body);
    (format!("{body}{HASH_MARK}{hash}\"}}\n"), hash)
}

/// The one rendering of a line body, written to `w`: the writer renders
/// into a buffer, the strict reading into a comparer (no copy).
#[allow(clippy::too_many_arguments)]
fn write_body<W: Write>(
    w: &mut W,
    seq: u64,
    ts: DateTime<Utc>,
    tz: FixedOffset,
    kind: &str,
    order: Option<&OrderId>,
    data: &serde_json::Value,
    prev: &str,
) -> std::io::Result<()> {
    write!(w, "{{\"seq\":{seq},\"ts\":\"")?;
    // The same text as `ts.format(TS_FORMAT)` (years 0–9999), much faster.
    w.write_all(
        ts.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            .as_bytes(),
    )?;
    write!(w, "\",\"tz\":\"{tz}\",\"kind\":")?;
    serde_json::to_writer(&mut *w, kind)?;
    w.write_all(b",\"order\":")?;
    match order {
        Some(o) => serde_json::to_writer(&mut *w, o.as_str())?,
        None => w.write_all(b"null")?,
    }
    w.write_all(b",\"data\":")?;
    serde_json::to_writer(&mut *w, data)?;
    write!(w, ",\"prev\":\"{prev}\"")
}

/// The writer's exact timestamp form: UTC, milliseconds, `Z`.
pub const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

fn line_hash(body: &str) -> String {
    let mut h = Sha256::new();
    h.update(body.as_bytes());
    h.update(b"}");
    hex::encode(h.finalize())
}

/// Checks one line's own hash; returns the hash it claims when it matches.
pub fn check_line_hash(line: &str) -> Result<&str, &'static str> {
    let cut = line.rfind(HASH_MARK).ok_or("no hash field")?;
    let claimed = line[cut + HASH_MARK.len()..]
        .strip_suffix("\"}")
        .ok_or("line does not end with the hash")?;
    if claimed.len() != 64
        || !claimed
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err("hash is not 64 lowercase hex digits");
    }
    if line_hash(&line[..cut]) != claimed {
        return Err("hash does not match the line (edited)");
    }
    Ok(claimed)
}

/// The complete lines of `bytes` (each without its `\n`; an empty line is a
/// line too, and fails [`parse_line`]). A last line without `\n` is not
/// yielded: callers treat it as torn.
pub fn lines_of(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .filter_map(|l| l.strip_suffix(b"\n"))
}

/// Refuses a symlink or non-regular file at `path` without touching it
/// (absent is fine: it will be created).
fn refuse_special(path: &Path) -> Result<(), JournalError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            Err(JournalError::File(FileError::Symlink(path.to_path_buf())))
        }
        Ok(m) if !m.is_file() => {
            // Opening would report the kind; a plain read-only open of a
            // FIFO could block, so let safe_file classify it.
            match safe_file::open_read(path, safe_file::Links::Refuse) {
                Err(e) => Err(JournalError::File(e)),
                Ok(_) => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

impl Journal {
    /// Opens (creating) the journal in `dir`, takes the data-dir lock,
    /// repairs a torn last line and returns every readable entry.
    ///
    /// A symlink, FIFO, device or folder at `journal.jsonl` or
    /// `cardguard.lock` is refused before anything is created, cut or
    /// written; both files are made 0600 (an existing loose journal is
    /// tightened). A journal over [`JOURNAL_CAP`] is refused.
    pub fn open(dir: &Path) -> Result<Opened, JournalError> {
        let path = dir.join(JOURNAL_FILE);
        let lock_path = dir.join(LOCK_FILE);
        safe_file::ensure_dir(dir).map_err(JournalError::File)?;
        // Looked at before the lock file is made, so a refused journal
        // leaves the folder exactly as it was; checked again on the handle.
        for p in [&path, &lock_path] {
            refuse_special(p)?;
        }
        let (lock, _) = safe_file::open_private_rw(&lock_path).map_err(JournalError::File)?;
        take_lock(&lock, dir, &lock_path)?;
        let (mut file, _loose) =
            safe_file::open_private_append(&path).map_err(JournalError::File)?;
        let len = file
            .metadata()
            .map_err(|e| JournalError::Io(path.clone(), e))?
            .len();
        if len > JOURNAL_CAP {
            return Err(JournalError::File(FileError::TooLarge(path, JOURNAL_CAP)));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // `take` bounds the read even if the file grows meanwhile.
        (&mut file)
            .take(JOURNAL_CAP + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| JournalError::Io(path.clone(), e))?;
        if bytes.len() as u64 > JOURNAL_CAP {
            return Err(JournalError::File(FileError::TooLarge(path, JOURNAL_CAP)));
        }

        // A crash can leave a last line without its '\n': cut it off.
        let keep = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let torn = (keep < bytes.len()).then(|| TornTail {
            dropped_bytes: (bytes.len() - keep) as u64,
            dropped_sha256: sha256_hex(&bytes[keep..]),
        });
        if let Some(t) = &torn
            && t.dropped_bytes > MAX_TORN_TAIL
        {
            // Cutting this much could destroy a record: leave it to a person.
            return Err(JournalError::LongTail(path, t.dropped_bytes));
        }
        if torn.is_some() {
            let io = |e| JournalError::Io(path.clone(), e);
            file.set_len(keep as u64).map_err(io)?;
            file.sync_data().map_err(io)?;
        }

        // Made (or read) only once the folder is ours: a refused journal
        // leaves it as it was. A damaged key is refused, never replaced.
        let keys = LogKeys::load_or_create(dir).map_err(JournalError::File)?;
        let leaves = LeafHasher::new(keys.salt_secret());
        let mut frontier = Frontier::default();
        let mut entries = Vec::new();
        let mut damaged = Vec::new();
        let mut last_hash = GENESIS.to_owned();
        let mut lines = 0u64;
        for (i, raw) in lines_of(&bytes[..keep]).enumerate() {
            lines += 1;
            // Every line is a leaf, damaged or not: the tree is of the file.
            frontier.push(leaves.leaf(i as u64, raw));
            match parse_line(raw) {
                Ok(e) => {
                    last_hash = e.hash.clone();
                    entries.push(e);
                }
                Err(why) => damaged.push(DamagedLine {
                    line: i + 1,
                    reason: why.to_string(),
                }),
            }
        }
        let next_seq = entries
            .last()
            .map(|e| e.seq + 1)
            .unwrap_or(1)
            .max(lines + 1);
        let journal = Journal {
            path,
            file,
            next_seq,
            last_hash,
            frontier,
            keys,
            leaves,
            signed: 0,
            _lock: lock,
        };
        Ok(Opened {
            journal,
            entries,
            torn,
            damaged,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Appends one line; with `durable`, waits until it is on disk.
    /// On error nothing is counted as written (the caller fails closed).
    pub fn append(
        &mut self,
        ts: DateTime<Utc>,
        tz: FixedOffset,
        kind: &str,
        order: Option<&OrderId>,
        data: &serde_json::Value,
        durable: bool,
    ) -> Result<Entry, JournalError> {
        let (line, hash) = render_line(self.next_seq, ts, tz, kind, order, data, &self.last_hash);
        let io = |e| JournalError::Io(self.path.clone(), e);
        // One write call per line so a crash tears at most the last line.
        self.file.write_all(line.as_bytes()).map_err(io)?;
        if durable {
            self.file
                .sync_data()
                .map_err(|e| JournalError::Io(self.path.clone(), e))?;
        }
        let index = self.frontier.size();
        self.frontier.push(
            self.leaves
                .leaf(index, line.trim_end_matches('\n').as_bytes()),
        );
        let entry = Entry {
            seq: self.next_seq,
            ts,
            tz: tz.to_string(),
            kind: kind.to_owned(),
            order: order.cloned(),
            data: data.clone(),
            prev: std::mem::replace(&mut self.last_hash, hash.clone()),
            hash,
        };
        self.next_seq += 1;
        Ok(entry)
    }
}

impl Journal {
    /// The tree size and root over every line written so far.
    pub fn tree_head(&self) -> (u64, Hash) {
        (self.frontier.size(), self.frontier.root())
    }

    /// The size of the last checkpoint written (0 before the first).
    pub fn signed(&self) -> u64 {
        self.signed
    }

    pub fn log_keys(&self) -> &LogKeys {
        &self.keys
    }

    /// Signs a checkpoint of the journal as it stands and writes it to
    /// `checkpoints/<size>.txt` (synced). Nothing when nothing was added
    /// since the last one. A failure leaves the journal as it is: the
    /// lines are the record, a checkpoint only seals them.
    pub fn checkpoint(&mut self) -> Result<Option<Written>, FileError> {
        let (size, root) = self.tree_head();
        if size == 0 || size == self.signed {
            return Ok(None);
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let written = write_checkpoint(dir, size, &self.keys.sign(size, root))?;
        self.signed = size;
        Ok(Some(written))
    }
}

/// Stopping (the window closed, a command done, the session dropped) seals
/// what was written; a kill leaves it to the next start.
impl Drop for Journal {
    fn drop(&mut self) {
        if let Err(e) = self.checkpoint() {
            log::warn!("checkpoint at stop not written: {e}");
        }
    }
}

/// Takes the data dir's lock. Another cardguard holds it for as long as it
/// runs; but a process being started by this one (a spawned helper, between
/// its fork and its exec) briefly holds a copy of a lock just released, so
/// a lock still taken is tried again for a quarter of a second before the
/// folder is said to be in use.
fn take_lock(lock: &std::fs::File, dir: &Path, lock_path: &Path) -> Result<(), JournalError> {
    const TRIES: u32 = 25;
    for attempt in 1..=TRIES {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if attempt < TRIES => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(JournalError::Locked(dir.to_path_buf()));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(JournalError::Io(lock_path.to_path_buf(), e));
            }
        }
    }
    Err(JournalError::Locked(dir.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fs::OpenOptions;

    fn ts(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn line_format_is_exact() {
        let (line, hash) = render_line(
            1,
            ts("2026-11-27T09:15:02.123Z"),
            cst(),
            "undone",
            Some(&"CG-1".into()),
            &json!({}),
            GENESIS,
        );
        let expected_body = format!(
            "{{\"seq\":1,\"ts\":\"2026-11-27T09:15:02.123Z\",\"tz\":\"+08:00\",\"kind\":\"undone\",\"order\":\"CG-1\",\"data\":{{}},\"prev\":\"{GENESIS}\""
        );
        assert_eq!(line, format!("{expected_body},\"hash\":\"{hash}\"}}\n"));
        assert_eq!(hash, sha256_hex(format!("{expected_body}}}").as_bytes()));
        let (line, _) = render_line(
            2,
            ts("2026-11-27T09:15:02Z"),
            cst(),
            "app_started",
            None,
            &json!({}),
            &hash,
        );
        assert!(line.contains("\"ts\":\"2026-11-27T09:15:02.000Z\""));
        assert!(line.contains("\"order\":null"));
    }

    #[test]
    fn appends_chain_and_reopen_continues() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut j = Journal::open(dir.path()).unwrap().journal;
            j.append(
                ts("2026-11-27T09:00:00Z"),
                cst(),
                "a",
                None,
                &json!({"x": 1}),
                false,
            )
            .unwrap();
            j.append(
                ts("2026-11-27T09:00:01Z"),
                cst(),
                "b",
                Some(&"O".into()),
                &json!({}),
                true,
            )
            .unwrap();
        }
        let o = Journal::open(dir.path()).unwrap();
        assert_eq!(o.entries.len(), 2);
        assert_eq!(o.entries[1].prev, o.entries[0].hash);
        assert!(o.torn.is_none());
        let mut j = o.journal;
        j.append(
            ts("2026-11-27T09:00:02Z"),
            cst(),
            "c",
            None,
            &json!({}),
            false,
        )
        .unwrap();
        drop(j);
        let bytes = std::fs::read(dir.path().join(JOURNAL_FILE)).unwrap();
        assert_eq!(crate::core::evidence::verify_bytes(&bytes), Ok(3));
    }

    #[test]
    fn a_tail_longer_than_any_line_is_not_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        let mut bytes = b"{\"seq\":1}\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_TORN_TAIL as usize + 1));
        std::fs::write(&path, &bytes).unwrap();
        match Journal::open(dir.path()) {
            Err(JournalError::LongTail(_, n)) => assert_eq!(n, MAX_TORN_TAIL + 1),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("opened"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing cut");
    }

    #[test]
    fn torn_tail_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut j = Journal::open(dir.path()).unwrap().journal;
            j.append(
                ts("2026-11-27T09:00:00Z"),
                cst(),
                "a",
                None,
                &json!({}),
                false,
            )
            .unwrap();
        }
        let path = dir.path().join(JOURNAL_FILE);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":2,\"ts\":\"2026").unwrap();
        drop(f);
        assert!(crate::core::evidence::verify_bytes(&std::fs::read(&path).unwrap()).is_err());
        let o = Journal::open(dir.path()).unwrap();
        let torn = o.torn.expect("torn tail found");
        assert_eq!(torn.dropped_bytes, 19);
        assert_eq!(o.entries.len(), 1);
        assert_eq!(o.journal.next_seq(), 2);
        assert_eq!(
            crate::core::evidence::verify_bytes(&std::fs::read(&path).unwrap()),
            Ok(1)
        );
    }

    #[test]
    fn second_open_is_refused_while_locked() {
        let dir = tempfile::tempdir().unwrap();
        let first = Journal::open(dir.path()).unwrap();
        assert!(matches!(
            Journal::open(dir.path()),
            Err(JournalError::Locked(_))
        ));
        drop(first);
        assert!(Journal::open(dir.path()).is_ok());
    }
}
