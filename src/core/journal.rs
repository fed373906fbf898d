//! The append-only, hash-chained operation journal (`journal.jsonl`).
//!
//! Line format (exact, so anyone can verify it with standard tools):
//! `{"seq":N,"ts":"…Z","tz":"+08:00","kind":"…","order":…,"data":{…},"salt":"<32 hex>","prev":"<64 hex>","hash":"<64 hex>"}\n`
//! where `hash` = SHA-256 of the line up to (not including) `,"hash":"`
//! followed by the byte `}`; `prev` is the previous line's hash (64 zeros first).
//! `salt` (lines written since format 3; older lines have none) is 16 bytes
//! from the per-install secret: an order's bundle shows its lines' `prev`,
//! the hash of a neighbouring line of another order, and the salt keeps
//! that neighbour from being guessed by hashing candidate lines.

use super::evidence::checkpoint::{LogKeys, Written, write_checkpoint};
use super::evidence::merkle::{Frontier, Hash, LeafHasher};
use super::ids::OrderId;
use super::safe_file::{self, FileError};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

mod line;
pub(crate) mod reader;
pub mod snapshot;
pub use line::{LineError, MAX_LINE_BYTES, is_plain_id, parse_line};
pub use snapshot::{Replayed, SNAPSHOT_FILE};

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
    /// Absent on lines written before format 3.
    #[serde(default)]
    pub salt: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DamagedLine {
    pub line: usize,
    pub reason: String,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    next_seq: u64,
    last_hash: String,
    last_seq: Option<u64>,
    /// Bytes written: the end of the last line.
    offset: u64,
    /// The Merkle tree's right edge over every line, for checkpoints.
    frontier: Frontier,
    /// The unreadable lines found on open (appended lines never are).
    damaged: Vec<DamagedLine>,
    keys: LogKeys,
    leaves: LeafHasher,
    /// The tree size of the last checkpoint this journal wrote.
    signed: u64,
    /// The lines `ledger.snapshot` covers (0: none usable).
    snapshot_lines: u64,
    // Held for the life of the journal: the OS drops the lock with the handle.
    _lock: File,
}

/// A journal opened and replayed: the ledger was rebuilt line by line as
/// the file was read, so no line is held once it has been applied.
pub struct Opened {
    pub journal: Journal,
    pub ledger: super::order::Ledger,
    pub torn: Option<TornTail>,
    pub damaged: Vec<DamagedLine>,
    /// Lines read from the file this time (all of them, or only those
    /// after a valid snapshot).
    pub lines_read: u64,
    /// Lines taken from `ledger.snapshot` instead of being read.
    pub from_snapshot: u64,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Renders one line (with its trailing `\n`) and returns it with its hash.
#[allow(clippy::too_many_arguments)]
pub fn render_line(
    seq: u64,
    ts: DateTime<Utc>,
    tz: FixedOffset,
    kind: &str,
    order: Option<&OrderId>,
    data: &serde_json::Value,
    salt: Option<&str>,
    prev: &str,
) -> (String, String) {
    let mut out = Vec::with_capacity(360);
    // Writing to a Vec cannot fail; serde_json writes UTF-8.
    let _ = write_body(&mut out, seq, ts, tz, kind, order, data, salt, prev);
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
    salt: Option<&str>,
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
    if let Some(salt) = salt {
        write!(w, ",\"salt\":\"{salt}\"")?;
    }
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
    /// repairs a torn last line and replays it into a ledger: from
    /// `ledger.snapshot` and the lines after it when the snapshot checks,
    /// else every line, read a buffer at a time.
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
        let (file, _loose) = safe_file::open_private_append(&path).map_err(JournalError::File)?;
        let len = file
            .metadata()
            .map_err(|e| JournalError::Io(path.clone(), e))?
            .len();
        if len > JOURNAL_CAP {
            return Err(JournalError::File(FileError::TooLarge(path, JOURNAL_CAP)));
        }
        let io = |e| JournalError::Io(path.clone(), e);
        // A crash can leave a last line without its '\n': cut it off.
        let keep = reader::end_of_last_line(&file, len).map_err(io)?;
        let torn = if keep < len {
            let dropped_bytes = len - keep;
            if dropped_bytes > MAX_TORN_TAIL {
                // Cutting this much could destroy a record: leave it to a person.
                return Err(JournalError::LongTail(path, dropped_bytes));
            }
            let sha = reader::sha256_range(&file, keep, len).map_err(io)?;
            file.set_len(keep).map_err(io)?;
            file.sync_data().map_err(io)?;
            Some(TornTail {
                dropped_bytes,
                dropped_sha256: hex::encode(sha),
            })
        } else {
            None
        };

        // Made (or read) only once the folder is ours: a refused journal
        // leaves it as it was. A damaged key is refused, never replaced.
        let keys = LogKeys::load_or_create(dir).map_err(JournalError::File)?;
        let leaves = LeafHasher::new(keys.salt_secret());
        let (mut state, from_snapshot) = match snapshot::load(dir, &keys, &file, keep) {
            Ok(s) => {
                let n = s.frontier.size();
                (s, n)
            }
            Err(why) => {
                // Routine (first start, a stop without one, an edit): read all.
                log::debug!("ledger snapshot not used: {why:?}");
                (Replayed::default(), 0)
            }
        };
        let lines_read = replay_lines(&file, &leaves, &mut state, keep).map_err(io)?;
        let Replayed {
            offset,
            frontier,
            ledger,
            damaged,
            last_hash,
            last_seq,
        } = state;
        let next_seq = last_seq
            .map(|s| s + 1)
            .unwrap_or(1)
            .max(frontier.size() + 1);
        let journal = Journal {
            path,
            file,
            next_seq,
            last_hash: if last_seq.is_some() {
                last_hash
            } else {
                GENESIS.to_owned()
            },
            last_seq,
            offset,
            frontier,
            damaged: damaged.clone(),
            keys,
            leaves,
            signed: 0,
            snapshot_lines: from_snapshot,
            _lock: lock,
        };
        Ok(Opened {
            journal,
            ledger,
            torn,
            damaged,
            lines_read,
            from_snapshot,
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
        let salt = hex::encode(self.leaves.line_salt(self.next_seq));
        let (line, hash) = render_line(
            self.next_seq,
            ts,
            tz,
            kind,
            order,
            data,
            Some(&salt),
            &self.last_hash,
        );
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
        self.offset += line.len() as u64;
        self.last_seq = Some(self.next_seq);
        let entry = Entry {
            seq: self.next_seq,
            ts,
            tz: tz.to_string(),
            kind: kind.to_owned(),
            order: order.cloned(),
            data: data.clone(),
            salt: Some(salt),
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

impl Journal {
    /// Lines written since `ledger.snapshot` was (or all, when none is usable).
    pub fn snapshot_lag(&self) -> u64 {
        self.frontier.size() - self.snapshot_lines
    }

    /// Stores `ledger` (which must be the replay of every line so far) as
    /// the start-up snapshot, tied to the checkpoint of this size: nothing
    /// when that checkpoint has not been signed.
    pub fn write_snapshot(&mut self, ledger: &super::order::Ledger) -> Result<(), FileError> {
        let size = self.frontier.size();
        if size == 0 || size != self.signed || size == self.snapshot_lines {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let state = snapshot::StateRef {
            offset: self.offset,
            frontier: &self.frontier,
            ledger,
            damaged: &self.damaged,
            last_hash: &self.last_hash,
            last_seq: self.last_seq,
        };
        snapshot::write(dir, &self.keys, &self.file, state)?;
        self.snapshot_lines = size;
        Ok(())
    }
}

/// Reads the lines from `state.offset` to `keep`, each applied to the
/// ledger and the tree as it is parsed; the number read.
fn replay_lines(
    file: &File,
    leaves: &LeafHasher,
    state: &mut Replayed,
    keep: u64,
) -> std::io::Result<u64> {
    let mut lines = reader::Lines::new(file, state.offset, keep)?;
    let mut read = 0;
    loop {
        let index = state.frontier.size();
        let Some((at, line)) = lines.next(leaves, index)? else {
            break;
        };
        read += 1;
        // Every line is a leaf, damaged or not: the tree is of the file.
        let parsed = match line {
            reader::Line::Whole(raw) => {
                state.frontier.push(leaves.leaf(index, raw));
                state.offset = at + raw.len() as u64 + 1;
                parse_line(raw)
            }
            reader::Line::Long { len, leaf } => {
                state.frontier.push(leaf);
                state.offset = at + len + 1;
                Err(LineError::BadField("length"))
            }
        };
        match parsed {
            Ok(e) => {
                if let Some(ev) = super::event::Event::from_parts(&e.kind, &e.data) {
                    state.ledger.apply(e.order.as_ref(), e.ts, &ev);
                }
                state.last_hash = e.hash;
                state.last_seq = Some(e.seq);
            }
            Err(why) => state.damaged.push(DamagedLine {
                line: index as usize + 1,
                reason: why.to_string(),
            }),
        }
    }
    Ok(read)
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
            None,
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
            None,
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
        // No session wrote a snapshot: both lines were read.
        assert_eq!((o.lines_read, o.from_snapshot), (2, 0));
        assert!(o.damaged.is_empty());
        assert_eq!(o.journal.next_seq(), 3);
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
        assert_eq!(o.lines_read, 1);
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
