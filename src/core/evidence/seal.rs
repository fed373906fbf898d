//! The journal against its signed checkpoints: every stored checkpoint
//! must carry this install's signature and the root of the journal's first
//! `size` lines. A journal cut short, or rewritten below a checkpoint,
//! fails here even when its hash chain still holds.

use super::checkpoint::{
    CHECKPOINT_CAP, CHECKPOINTS_DIR, LogKeys, LogVerifier, VKEY_FILE, list_checkpoints,
};
use super::merkle::{Frontier, Hash, LeafHasher};
use super::{Finding, Problem};
use crate::core::journal::reader::Line;
use crate::core::safe_file::{self, Links};
use std::path::Path;

/// What the checkpoints vouched for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sealed {
    /// How many checkpoints were checked.
    pub checkpoints: u64,
    /// The largest tree size signed.
    pub latest: Option<u64>,
}

/// Reads the install's verifier key: `log.vkey`, which must agree with
/// the signing key when that is here too. `None` when there is neither.
pub fn read_verifier(data_dir: &Path) -> Result<Option<LogVerifier>, String> {
    let vkey = safe_file::read_capped_opt(&data_dir.join(VKEY_FILE), 1024, Links::Refuse)
        .map_err(|e| e.to_string())?;
    let from_file = match vkey {
        Some(b) => Some(
            std::str::from_utf8(&b)
                .ok()
                .and_then(|t| LogVerifier::parse(t).ok())
                .ok_or_else(|| format!("{VKEY_FILE} is not a verifier key"))?,
        ),
        None => None,
    };
    let keys = LogKeys::load(data_dir).map_err(|e| e.to_string())?;
    match (from_file, keys) {
        (Some(v), Some(k)) if &v != k.verifier() => Err(format!(
            "{VKEY_FILE} is not the key of this install's signing key"
        )),
        (Some(v), _) => Ok(Some(v)),
        (None, Some(k)) => Ok(Some(k.verifier().clone())),
        (None, None) => Ok(None),
    }
}

/// Checks `journal` (the whole file) against every stored checkpoint: the
/// in-memory reading the streamed checks are tested against.
#[cfg(test)]
pub fn check_checkpoints(data_dir: &Path, journal: &[u8]) -> Result<Sealed, Finding> {
    let mut check = SealCheck::prepare(data_dir);
    let mut lines = 0;
    for line in crate::core::journal::lines_of(journal) {
        check.line(line);
        lines += 1;
    }
    check.finish(lines)
}

/// A problem found at the checkpoint of `size` (its line is placed once
/// the journal's length is known).
type AtSize = (u64, Problem, String);

/// The journal against its checkpoints, fed one line at a time (so verify
/// can stream the file): the first problem is kept, reported by
/// [`SealCheck::finish`].
pub(crate) struct SealCheck {
    signed: Signed,
    next: usize,
    frontier: Frontier,
    leaves: Option<LeafHasher>,
    found: Option<AtSize>,
}

impl SealCheck {
    /// Reads and opens every stored checkpoint; a problem with them is
    /// kept for [`SealCheck::finish`].
    pub fn prepare(data_dir: &Path) -> Self {
        let mut check = SealCheck {
            signed: Vec::new(),
            next: 0,
            frontier: Frontier::default(),
            leaves: None,
            found: None,
        };
        match read_signed(data_dir) {
            Ok(Some((signed, leaves))) => {
                check.signed = signed;
                check.leaves = Some(leaves);
            }
            Ok(None) => {}
            Err(at) => check.found = Some(at),
        }
        check
    }

    /// The next line of the journal (without its `\n`).
    pub fn line(&mut self, line: &[u8]) {
        if let Some(leaves) = self.leaves.as_ref()
            && !self.done()
        {
            let leaf = leaves.leaf(self.frontier.size(), line);
            self.leaf(leaf);
        }
    }

    /// Nothing left to compare: the lines only count from here.
    fn done(&self) -> bool {
        self.leaves.is_none() || self.found.is_some() || self.next == self.signed.len()
    }

    /// The next line's leaf, when the caller hashed it already.
    pub fn leaf(&mut self, leaf: Hash) {
        if self.done() {
            return;
        }
        self.frontier.push(leaf);
        while let Some((size, root, name)) = self.signed.get(self.next) {
            if *size != self.frontier.size() {
                break;
            }
            self.next += 1;
            if self.frontier.root() != *root {
                self.found = Some((
                    *size,
                    Problem::CheckpointDiffers(name.clone()),
                    format!("the journal's first {size} lines are not the ones {name} signed"),
                ));
                return;
            }
        }
    }

    /// The verdict once all `lines` were fed.
    pub fn finish(self, lines: u64) -> Result<Sealed, Finding> {
        let bad = |(size, problem, detail): AtSize| Finding {
            line: size.min(lines + 1).max(1),
            problem,
            detail,
        };
        if let Some(at) = self.found {
            return Err(bad(at));
        }
        if let Some((size, _, name)) = self.signed.get(self.next) {
            return Err(bad((
                *size,
                Problem::CutShort(name.clone()),
                format!("the journal has {lines} lines; {name}, signed, vouches for {size}"),
            )));
        }
        Ok(Sealed {
            checkpoints: self.signed.len() as u64,
            latest: self.signed.last().map(|s| s.0),
        })
    }
}

/// (size, root, file name) of each stored checkpoint, sizes ascending.
type Signed = Vec<(u64, Hash, String)>;

/// Every stored checkpoint, opened, and the leaf hasher (None: none stored).
fn read_signed(data_dir: &Path) -> Result<Option<(Signed, LeafHasher)>, AtSize> {
    // A checkpoint file that will not do, named in the detail too.
    let cp_bad = |size: u64, name: &str, detail: String| -> AtSize {
        (
            size,
            Problem::CheckpointBad(name.into()),
            format!("{name}: {detail}"),
        )
    };
    let folder_bad = |detail: String| cp_bad(0, CHECKPOINTS_DIR, detail);
    let sizes = list_checkpoints(data_dir).map_err(|e| folder_bad(e.to_string()))?;
    if sizes.is_empty() {
        return Ok(None);
    }
    let verifier = read_verifier(data_dir)
        .map_err(folder_bad)?
        .ok_or_else(|| folder_bad(format!("checkpoints are here but {VKEY_FILE} is not")))?;
    let keys = LogKeys::load(data_dir)
        .map_err(|e| folder_bad(e.to_string()))?
        .ok_or_else(|| folder_bad("checkpoints are here but the log's salt key is not".into()))?;
    let mut signed = Vec::with_capacity(sizes.len());
    for size in sizes {
        let name = format!("{CHECKPOINTS_DIR}/{size}.txt");
        let note = safe_file::read_capped(&data_dir.join(&name), CHECKPOINT_CAP, Links::Refuse)
            .map_err(|e| cp_bad(size, &name, e.to_string()))?;
        let cp = verifier
            .open(&note)
            .map_err(|e| cp_bad(size, &name, e.to_string()))?;
        if cp.size != size {
            let said = format!("it signs size {} under the name of size {size}", cp.size);
            return Err(cp_bad(size, &name, said));
        }
        // A stored time-stamp must stamp this very checkpoint: a junk or
        // foreign token would otherwise sit there as if it were one.
        let tsr = format!("{CHECKPOINTS_DIR}/{size}.tsr");
        match safe_file::read_capped_opt(
            &data_dir.join(&tsr),
            super::bundle::TSR_CAP,
            Links::Refuse,
        ) {
            Ok(None) => {}
            Ok(Some(token)) => {
                if let Err(e) = super::tsa::check_response(&token, &note, None) {
                    let en = crate::i18n::Texts::shared(crate::i18n::Lang::En);
                    return Err(cp_bad(size, &tsr, e.describe(en)));
                }
            }
            Err(e) => return Err(cp_bad(size, &tsr, e.to_string())),
        }
        signed.push((size, cp.root, name));
    }
    Ok(Some((signed, LeafHasher::new(keys.salt_secret()))))
}

#[derive(Debug)]
pub enum SealError {
    /// The journal or the keys cannot be read (absent, a link, a FIFO…).
    Unreadable(crate::core::safe_file::FileError),
    /// The journal does not match its stored checkpoints: signing it now
    /// would vouch for a record that contradicts itself.
    Broken(Finding),
}

/// The install's log keys, to sign what is read from the journal: made
/// (the first time) only once the journal opens as the app's own file and
/// no stored checkpoint would be disowned by a new key. A journal that is
/// absent, a FIFO or a link leaves the folder as it was.
pub(crate) fn keys_to_sign(data_dir: &Path) -> Result<LogKeys, SealError> {
    let journal = data_dir.join(crate::core::journal::JOURNAL_FILE);
    drop(safe_file::open_read(&journal, Links::Refuse).map_err(SealError::Unreadable)?);
    match LogKeys::load(data_dir).map_err(SealError::Unreadable)? {
        Some(keys) => Ok(keys),
        None => {
            // No key yet, so no stored checkpoint can be this install's:
            // one that is there is the finding (at line 1 whatever the
            // journal's length), and no key is made beside it.
            SealCheck::prepare(data_dir)
                .finish(0)
                .map_err(SealError::Broken)?;
            LogKeys::load_or_create(data_dir).map_err(SealError::Unreadable)
        }
    }
}

/// Signs a checkpoint of the journal as it stands on disk (complete lines
/// only) without opening it for writing: it works beside a running app,
/// whose lock it leaves alone. Returns the size signed.
///
/// One streamed pass: each line is hashed once, for the checkpoints already
/// stored and for the new one; the file is never held in memory.
pub fn seal_now(data_dir: &Path) -> Result<u64, SealError> {
    let keys = keys_to_sign(data_dir)?;
    let hasher = LeafHasher::new(keys.salt_secret());
    let mut check = SealCheck::prepare(data_dir);
    let mut frontier = Frontier::default();
    super::scan::for_each_line(data_dir, &hasher, &mut |index, line| {
        let leaf = match line {
            Line::Whole(raw) => hasher.leaf(index, raw),
            Line::Long { leaf, .. } => leaf,
        };
        check.leaf(leaf);
        frontier.push(leaf);
    })
    .map_err(SealError::Unreadable)?;
    check.finish(frontier.size()).map_err(SealError::Broken)?;
    let size = frontier.size();
    if size == 0 {
        return Ok(0);
    }
    super::checkpoint::write_checkpoint(data_dir, size, &keys.sign(size, frontier.root()))
        .map_err(SealError::Unreadable)?;
    Ok(size)
}
