//! `ledger.snapshot`: where replay stood at a signed checkpoint, so that
//! opening a long journal reads only the lines written since.
//!
//! It is a cache, never evidence: `journal verify` still reads every line.
//! It is used only when everything checks — its MAC (keyed from the
//! install's log-salt secret, so a hand-edited file is refused), the signed
//! checkpoint of its size whose root is its frontier's root, and the line
//! ending at its offset, which must hash to the value it stored. Anything
//! else (missing, another format, a link, a FIFO, a mismatch) means a full
//! read as before and a fresh snapshot: routine, so nothing is shown.
//!
//! File: `MAGIC || HMAC-SHA256(key, MAGIC || body) || body`, `body` the
//! postcard encoding of (SHA-256 of the last line, [`Replayed`]). Both ways
//! it is streamed: a million events' ledger is tens of MB.

use super::reader::line_ending_at;
use super::{DamagedLine, MAX_LINE_BYTES};
use crate::core::evidence::checkpoint::{CHECKPOINT_CAP, LogKeys, checkpoint_rel};
use crate::core::evidence::merkle::Frontier;
use crate::core::order::Ledger;
use crate::core::safe_file::{self, FileError, Links};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

pub const SNAPSHOT_FILE: &str = "ledger.snapshot";
const MAGIC: &[u8] = b"cardguard ledger snapshot v1\n";
/// Postcard reads a string through this buffer: larger than any line,
/// so than any string the ledger holds.
const SCRATCH: usize = 2 * MAX_LINE_BYTES;
const MAC_DOMAIN: &[u8] = b"cardguard-ledger-snapshot-mac-v1";
/// Far above the snapshot of a million events (tens of MB).
const SNAPSHOT_CAP: u64 = 1 << 30;
/// A checkpoint writes a new snapshot once this many lines were added
/// since the last one (and every stop writes one): a start then replays
/// at most about this many lines, and the app is not rewriting its
/// ledger after every order.
pub const STALE_LINES: u64 = 20_000;

/// Where a replay of the journal stands: everything start-up needs to go
/// on from `offset` as if it had read every line before it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Replayed {
    /// Bytes of the journal read (the end of line `frontier.size()`).
    pub offset: u64,
    pub frontier: Frontier,
    pub ledger: Ledger,
    pub damaged: Vec<DamagedLine>,
    /// The last readable line's hash and seq (the chain goes on from them).
    pub last_hash: String,
    pub last_seq: Option<u64>,
}

/// The same fields, borrowed from a running journal and ledger: writing
/// a snapshot clones nothing.
#[derive(Serialize)]
pub struct StateRef<'a> {
    pub offset: u64,
    pub frontier: &'a Frontier,
    pub ledger: &'a Ledger,
    pub damaged: &'a [DamagedLine],
    pub last_hash: &'a str,
    pub last_seq: Option<u64>,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(keys: &LogKeys) -> HmacSha256 {
    // The key is derived, never the secret itself: the salt secret's other
    // use (the leaves) cannot be confused with this one.
    let mut k = HmacSha256::new_from_slice(keys.salt_secret()).expect("any key length");
    k.update(MAC_DOMAIN);
    let key = k.finalize().into_bytes();
    let mut m = HmacSha256::new_from_slice(&key).expect("any key length");
    m.update(MAGIC);
    m
}

/// The SHA-256 of the line ending at `offset` (None when there is none or
/// it is too long to be a journal line).
fn line_sha256_at(journal: &File, offset: u64) -> Option<[u8; 32]> {
    let line = line_ending_at(journal, offset, MAX_LINE_BYTES).ok()??;
    Some(Sha256::digest(&line).into())
}

/// Writes the snapshot of `state` (0600, atomically, streamed). The caller
/// has just signed the checkpoint of `state.frontier.size()` lines.
pub fn write(
    dir: &Path,
    keys: &LogKeys,
    journal: &File,
    state: StateRef<'_>,
) -> Result<(), FileError> {
    let Some(last_line_sha256) = line_sha256_at(journal, state.offset) else {
        // Nothing to tie it to (an empty journal, an over-long last line).
        return Ok(());
    };
    safe_file::write_private_atomic_with(&dir.join(SNAPSHOT_FILE), |f| {
        f.write_all(MAGIC)?;
        f.write_all(&[0; 32])?;
        let tee = Tee {
            inner: &mut *f,
            mac: mac(keys),
        };
        let out = postcard::to_io(&(last_line_sha256, state), BufWriter::new(tee))
            .map_err(std::io::Error::other)?;
        let tee = out.into_inner().map_err(|e| e.into_error())?;
        let tag = tee.mac.finalize().into_bytes();
        f.seek(SeekFrom::Start(MAGIC.len() as u64))?;
        f.write_all(&tag)
    })
}

/// Feeds everything read or written through it into the MAC.
struct Tee<T> {
    inner: T,
    mac: HmacSha256,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.mac.update(&buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.mac.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Why a snapshot was not used (for the log and the tests; never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unused {
    Missing,
    Refused(String),
    BadMac,
    Malformed,
    NoCheckpoint,
    CheckpointDiffers,
    /// The journal is shorter, or its line at the snapshot's end differs.
    JournalDiffers,
}

/// The replay state stored in `dir`, when every check passes against
/// `journal` (whose complete lines end at `keep`).
pub fn load(dir: &Path, keys: &LogKeys, journal: &File, keep: u64) -> Result<Replayed, Unused> {
    let path = dir.join(SNAPSHOT_FILE);
    // No link followed, a FIFO or device refused without blocking.
    let (file, len) = match safe_file::open_read(&path, Links::Refuse) {
        Ok(f) => f,
        Err(FileError::NotFound(_)) => return Err(Unused::Missing),
        Err(e) => return Err(Unused::Refused(e.to_string())),
    };
    if len > SNAPSHOT_CAP || len < (MAGIC.len() + 32) as u64 {
        return Err(Unused::Malformed);
    }
    let mut file = file.take(SNAPSHOT_CAP);
    let mut head = vec![0u8; MAGIC.len() + 32];
    file.read_exact(&mut head).map_err(|_| Unused::Malformed)?;
    if &head[..MAGIC.len()] != MAGIC {
        return Err(Unused::Malformed);
    }
    // The MAC first, streamed: nothing of a file the app did not write is
    // parsed (so lengths in it can be trusted to size the ledger's lists).
    let mut tee = Tee {
        inner: BufReader::with_capacity(256 << 10, &mut file),
        mac: mac(keys),
    };
    std::io::copy(&mut tee, &mut std::io::sink()).map_err(|_| Unused::Malformed)?;
    if tee.mac.verify_slice(&head[MAGIC.len()..]).is_err() {
        return Err(Unused::BadMac);
    }
    let mut file = file.into_inner();
    file.seek(SeekFrom::Start(head.len() as u64))
        .map_err(|_| Unused::Malformed)?;
    // Then parsed as it streams (no copy of the file in memory), through
    // the MAC again: what was parsed is what was checked.
    let tee = Tee {
        inner: file,
        mac: mac(keys),
    };
    let mut src = BufReader::with_capacity(256 << 10, tee);
    let mut scratch = vec![0u8; SCRATCH];
    let parsed = postcard::from_io::<([u8; 32], Replayed), _>((&mut src, &mut scratch))
        .map(|(body, _)| body);
    drop(scratch);
    let trailing = std::io::copy(&mut src, &mut std::io::sink()).map_err(|_| Unused::Malformed)?;
    if src
        .into_inner()
        .mac
        .verify_slice(&head[MAGIC.len()..])
        .is_err()
    {
        return Err(Unused::BadMac);
    }
    let (last_line_sha256, state) = parsed.map_err(|_| Unused::Malformed)?;
    let trailing = trailing > 0;
    if trailing || !state.frontier.is_well_formed() || state.frontier.size() == 0 {
        return Err(Unused::Malformed);
    }
    let size = state.frontier.size();
    let note = safe_file::read_capped(
        &dir.join(checkpoint_rel(size)),
        CHECKPOINT_CAP,
        Links::Refuse,
    )
    .map_err(|_| Unused::NoCheckpoint)?;
    let cp = keys
        .verifier()
        .open(&note)
        .map_err(|_| Unused::NoCheckpoint)?;
    if cp.size != size || cp.root != state.frontier.root() {
        return Err(Unused::CheckpointDiffers);
    }
    if state.offset > keep || line_sha256_at(journal, state.offset) != Some(last_line_sha256) {
        return Err(Unused::JournalDiffers);
    }
    Ok(state)
}
