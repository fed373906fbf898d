//! One streamed pass over the journal for a bundle: every line's leaf of
//! the Merkle tree (32 bytes a line) and the few lines that are the
//! order's, parsed. The file itself is never held: a journal of millions
//! of lines exports in the memory of its tree, not of its text.

use super::merkle::{Hash, LeafHasher};
use crate::core::journal::reader::{Line, Lines, end_of_last_line};
use crate::core::journal::{Entry, JOURNAL_CAP, JOURNAL_FILE, parse_line};
use crate::core::safe_file::{self, FileError, Links};
use std::path::Path;

/// A line picked for the bundle: its 0-based index, its bytes (without the
/// `\n`) and its reading.
pub(super) struct OwnLine {
    pub index: u64,
    pub raw: Vec<u8>,
    pub entry: Entry,
}

pub(super) struct Scanned {
    /// The leaf of every complete line, in order.
    pub leaves: Vec<Hash>,
    pub own: Vec<OwnLine>,
}

/// The top-level `order` of a line as the writer makes it, found without
/// parsing: `seq`, `ts`, `tz` and `kind` (a plain id) come first and cannot
/// hold `,"order":"`, so in any readable line the first one is the field.
/// A cheap look only; a line it picks is still parsed in full.
pub(super) fn order_of(raw: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b",\"order\":\"";
    let at = memchr::memmem::find(raw, KEY)? + KEY.len();
    let len = memchr::memchr(b'"', &raw[at..])?;
    std::str::from_utf8(&raw[at..at + len]).ok()
}

/// Calls `each(index, line)` for every complete line of the journal in
/// `data_dir` (a torn tail is left out, as everywhere); lines too long to
/// be the app's come as their leaf only.
pub(super) fn for_each_line(
    data_dir: &Path,
    leaves: &LeafHasher,
    each: &mut dyn FnMut(u64, Line<'_>),
) -> Result<(), FileError> {
    let path = data_dir.join(JOURNAL_FILE);
    let (file, len) = safe_file::open_read(&path, Links::Refuse)?;
    if len > JOURNAL_CAP {
        return Err(FileError::TooLarge(path, JOURNAL_CAP));
    }
    let io = |e| FileError::Io(path.clone(), e);
    let complete = end_of_last_line(&file, len).map_err(io)?;
    let mut lines = Lines::new(&file, 0, complete).map_err(io)?;
    let mut index = 0;
    while let Some((_, line)) = lines.next(leaves, index).map_err(io)? {
        each(index, line);
        index += 1;
    }
    Ok(())
}

/// Every leaf, and the lines `maybe` lets through (a look at the raw
/// bytes) that read as journal lines and are `ours`.
pub(super) fn scan(
    data_dir: &Path,
    leaves: &LeafHasher,
    maybe: &dyn Fn(&[u8]) -> bool,
    ours: &dyn Fn(&Entry) -> bool,
) -> Result<Scanned, FileError> {
    let mut out = Scanned {
        leaves: Vec::new(),
        own: Vec::new(),
    };
    for_each_line(data_dir, leaves, &mut |index, line| match line {
        Line::Whole(raw) => {
            out.leaves.push(leaves.leaf(index, raw));
            if maybe(raw)
                && let Ok(entry) = parse_line(raw)
                && ours(&entry)
            {
                out.own.push(OwnLine {
                    index,
                    raw: raw.to_vec(),
                    entry,
                });
            }
        }
        Line::Long { leaf, .. } => out.leaves.push(leaf),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_field_is_found_without_parsing() {
        let line = br#"{"seq":3,"ts":"2026-11-27T09:00:00.000Z","tz":"+08:00","kind":"confirmed","order":"CG-1","data":{"order":"CG-2"},"prev":"0"}"#;
        assert_eq!(order_of(line), Some("CG-1"));
        // No top-level order: a later `"order":"` inside data may be seen,
        // which the full parse then turns down (a look, never a verdict).
        let none = br#"{"seq":3,"ts":"x","tz":"x","kind":"app_started","order":null,"data":{},"prev":"0"}"#;
        assert_eq!(order_of(none), None);
        assert_eq!(order_of(b"{\"order\":\"CG-1"), None);
    }
}
