//! The journal against its signed checkpoints: every stored checkpoint
//! must carry this install's signature and the root of the journal's first
//! `size` lines. A journal cut short, or rewritten below a checkpoint,
//! fails here even when its hash chain still holds.

use super::checkpoint::{
    CHECKPOINT_CAP, CHECKPOINTS_DIR, LogKeys, LogVerifier, VKEY_FILE, list_checkpoints,
};
use super::merkle::{Frontier, Hash, LeafHasher};
use super::{Finding, Problem};
use crate::core::journal::lines_of;
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

/// Checks `journal` (the whole file) against every stored checkpoint.
pub fn check_checkpoints(data_dir: &Path, journal: &[u8]) -> Result<Sealed, Finding> {
    let lines = lines_of(journal).count() as u64;
    let bad = |size: u64, problem: Problem, detail: String| Finding {
        line: size.min(lines + 1).max(1),
        problem,
        detail,
    };
    // A checkpoint file that will not do, named in the detail too.
    let cp_bad = |size: u64, name: &str, detail: String| {
        bad(
            size,
            Problem::CheckpointBad(name.into()),
            format!("{name}: {detail}"),
        )
    };
    let folder_bad = |detail: String| cp_bad(0, CHECKPOINTS_DIR, detail);
    let sizes = list_checkpoints(data_dir).map_err(|e| folder_bad(e.to_string()))?;
    if sizes.is_empty() {
        return Ok(Sealed::default());
    }
    let verifier = read_verifier(data_dir)
        .map_err(folder_bad)?
        .ok_or_else(|| folder_bad(format!("checkpoints are here but {VKEY_FILE} is not")))?;
    let keys = LogKeys::load(data_dir)
        .map_err(|e| folder_bad(e.to_string()))?
        .ok_or_else(|| folder_bad("checkpoints are here but the log's salt key is not".into()))?;

    let mut signed: Vec<(u64, Hash, String)> = Vec::with_capacity(sizes.len());
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

    // One pass over the lines, comparing the root at each signed size.
    let leaves = LeafHasher::new(keys.salt_secret());
    let mut frontier = Frontier::default();
    let mut next = signed.iter().peekable();
    for (i, line) in lines_of(journal).enumerate() {
        frontier.push(leaves.leaf(i as u64, line));
        while let Some((size, root, name)) = next.next_if(|(s, ..)| *s == frontier.size()) {
            if frontier.root() != *root {
                return Err(bad(
                    *size,
                    Problem::CheckpointDiffers(name.clone()),
                    format!("the journal's first {size} lines are not the ones {name} signed"),
                ));
            }
        }
    }
    if let Some((size, _, name)) = next.next() {
        return Err(bad(
            *size,
            Problem::CutShort(name.clone()),
            format!("the journal has {lines} lines; {name}, signed, vouches for {size}"),
        ));
    }
    Ok(Sealed {
        checkpoints: signed.len() as u64,
        latest: signed.last().map(|s| s.0),
    })
}

#[derive(Debug)]
pub enum SealError {
    /// The journal or the keys cannot be read (absent, a link, a FIFO…).
    Unreadable(crate::core::safe_file::FileError),
    /// The journal does not match its stored checkpoints: signing it now
    /// would vouch for a record that contradicts itself.
    Broken(Finding),
}

/// Signs a checkpoint of the journal as it stands on disk (complete lines
/// only) without opening it for writing: it works beside a running app,
/// whose lock it leaves alone. Returns the size signed.
pub fn seal_now(data_dir: &Path) -> Result<u64, SealError> {
    let bytes = super::read_journal_file(data_dir).map_err(SealError::Unreadable)?;
    check_checkpoints(data_dir, &bytes).map_err(SealError::Broken)?;
    let keys = LogKeys::load_or_create(data_dir).map_err(SealError::Unreadable)?;
    let hasher = LeafHasher::new(keys.salt_secret());
    let mut frontier = Frontier::default();
    for (i, line) in lines_of(&bytes).enumerate() {
        frontier.push(hasher.leaf(i as u64, line));
    }
    let size = frontier.size();
    if size == 0 {
        return Ok(0);
    }
    super::checkpoint::write_checkpoint(data_dir, size, &keys.sign(size, frontier.root()))
        .map_err(SealError::Unreadable)?;
    Ok(size)
}
