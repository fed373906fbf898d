//! `journal verify` of the file itself, streamed: the journal is read a
//! block at a time (at most [`BLOCK`] bytes of complete lines held), its
//! chain and its checkpoints checked in the same pass, with the same
//! findings in the same order as a check of the file in memory.

use super::seal::SealCheck;
use super::{CHUNK, ChainCheck, Intact, VerifyError, read_screenshot, truncated};
use crate::core::journal::reader::{Line, Lines, end_of_last_line};
use crate::core::journal::{
    GENESIS, JOURNAL_CAP, JOURNAL_FILE, LineError, MAX_LINE_BYTES, lines_of, parse_line,
};
use crate::core::safe_file::{self, FileError, Links};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The most of the journal held at once (complete lines only).
const BLOCK: usize = 32 << 20;

/// Verifies the journal in `data_dir` and every screenshot file it
/// references. `progress(done, total)` is called every chunk of lines.
pub fn verify_dir(
    data_dir: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Intact, VerifyError> {
    verify_in_blocks(data_dir, progress, BLOCK, Shots::Check)
}

/// Whether the journal's chain and its checkpoints hold (screenshots not
/// read): what a bundle's report says about the journal it came from.
pub(crate) fn holds_together(data_dir: &Path) -> bool {
    verify_in_blocks(data_dir, &mut |_, _| {}, BLOCK, Shots::Skip).is_ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shots {
    Check,
    Skip,
}

fn verify_in_blocks(
    data_dir: &Path,
    progress: &mut dyn FnMut(u64, u64),
    block: usize,
    shots: Shots,
) -> Result<Intact, VerifyError> {
    let path = data_dir.join(JOURNAL_FILE);
    let (file, len) =
        safe_file::open_read(&path, Links::Refuse).map_err(VerifyError::Unreadable)?;
    if len > JOURNAL_CAP {
        return Err(VerifyError::Unreadable(FileError::TooLarge(
            path,
            JOURNAL_CAP,
        )));
    }
    let io = |e| VerifyError::Unreadable(FileError::Io(path.clone(), e));
    let complete = end_of_last_line(&file, len).map_err(io)?;
    let total = count_lines(&file, complete).map_err(io)?;
    let mut seal = SealCheck::prepare(data_dir);
    let mut chain = ChainCheck::new(GENESIS, 1);
    let mut buf = vec![0u8; block.min(complete as usize)];
    let mut at = 0u64;
    while at < complete {
        let want = buf.len().min((complete - at) as usize);
        (&file).seek(SeekFrom::Start(at)).map_err(io)?;
        (&file).read_exact(&mut buf[..want]).map_err(io)?;
        let Some(cut) = buf[..want].iter().rposition(|&b| b == b'\n').map(|p| p + 1) else {
            if buf.len() <= MAX_LINE_BYTES {
                // A block smaller than a readable line may hold no end.
                buf.resize(2 * buf.len(), 0);
                continue;
            }
            // A line longer than any readable one: never one the app writes.
            return Err(VerifyError::Broken(super::Finding {
                line: chain.done() + 1,
                problem: super::Problem::Malformed,
                detail: LineError::BadField("length").to_string(),
            }));
        };
        let lines: Vec<&[u8]> = lines_of(&buf[..cut]).collect();
        let after = at + cut as u64;
        for (c, part) in lines.chunks(CHUNK).enumerate() {
            progress(chain.done(), total);
            let rest_here = &lines[((c + 1) * CHUNK).min(lines.len())..];
            chain
                .chunk(part, &mut |expected| {
                    let seq_of = |l: &[u8]| parse_line(l).ok().map(|x| x.seq);
                    rest_here.iter().any(|l| seq_of(l) == Some(expected))
                        || seq_after(&file, after, complete, expected)
                })
                .map_err(VerifyError::Broken)?;
            for l in part {
                seal.line(l);
            }
        }
        at = after;
    }
    progress(total, total);
    if complete < len {
        return Err(VerifyError::Broken(truncated(total, len - complete)));
    }
    let chain = chain.finish();
    for s in chain.shots.iter().filter(|_| shots == Shots::Check) {
        if let Err(problem) = read_screenshot(data_dir, s) {
            return Err(VerifyError::Broken(super::Finding {
                line: s.line,
                detail: problem.1,
                problem: problem.0,
            }));
        }
    }
    let sealed = seal.finish(total).map_err(VerifyError::Broken)?;
    Ok(Intact {
        events: chain.events,
        screenshots: chain.shots.len() as u64,
        last_hash: chain.last_hash,
        sealed,
        unread: chain.unread,
    })
}

/// The `\n`s in the file's first `upto` bytes.
fn count_lines(file: &File, upto: u64) -> std::io::Result<u64> {
    let mut src = file.take(upto);
    (&*file).seek(SeekFrom::Start(0))?;
    let mut block = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let got = src.read(&mut block)?;
        if got == 0 {
            return Ok(n);
        }
        n += block[..got].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

/// Whether a line in `[from, to)` has `seq` (read only when the chain
/// broke, to tell lines reordered from lines missing).
fn seq_after(file: &File, from: u64, to: u64, seq: u64) -> bool {
    let Ok(mut lines) = Lines::new(file, from, to) else {
        return false;
    };
    // Any key does: over-long lines are skipped, not hashed for a tree.
    let leaves = super::merkle::LeafHasher::new(&[0; 32]);
    while let Ok(Some((_, line))) = lines.next(&leaves, 0) {
        if let Line::Whole(raw) = line
            && parse_line(raw).ok().map(|e| e.seq) == Some(seq)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::evidence::{seal, verify_chain};
    use crate::core::journal::Journal;
    use chrono::{DateTime, FixedOffset, Utc};

    /// What verify said of the file in memory, before it was streamed.
    fn in_memory(dir: &Path) -> Result<(u64, String, seal::Sealed), super::super::Finding> {
        let bytes = std::fs::read(dir.join(JOURNAL_FILE)).unwrap();
        let chain = verify_chain(&bytes, GENESIS, 1, &mut |_, _| {})?;
        let sealed = seal::check_checkpoints(dir, &bytes)?;
        Ok((chain.events, chain.last_hash, sealed))
    }

    fn streamed(
        dir: &Path,
        block: usize,
    ) -> Result<(u64, String, seal::Sealed), super::super::Finding> {
        match verify_in_blocks(dir, &mut |_, _| {}, block, Shots::Check) {
            Ok(i) => Ok((i.events, i.last_hash, i.sealed)),
            Err(VerifyError::Broken(f)) => Err(f),
            Err(e) => panic!("{e}"),
        }
    }

    fn journal(dir: &Path, n: u64) {
        let mut j = Journal::open(dir).unwrap().journal;
        let t = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        for i in 0..n {
            let data = serde_json::json!({"pad": "x".repeat((i % 50) as usize)});
            j.append(t, tz, "future_kind", None, &data, false).unwrap();
            if i % 37 == 36 {
                j.checkpoint().unwrap();
            }
        }
    }

    fn edit(dir: &Path, f: impl FnOnce(&mut Vec<Vec<u8>>)) {
        let path = dir.join(JOURNAL_FILE);
        let bytes = std::fs::read(&path).unwrap();
        let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(|l| l.to_vec()).collect();
        lines.pop();
        f(&mut lines);
        let mut out = lines.join(&b'\n');
        out.push(b'\n');
        std::fs::write(&path, out).unwrap();
    }

    /// Streamed in blocks of a few lines or of many, intact or damaged in
    /// each way, verify finds what it found with the file in memory.
    #[test]
    fn streaming_finds_what_the_whole_file_shows() {
        type Spoil = Box<dyn Fn(&Path)>;
        let damage: Vec<(&str, Spoil)> = vec![
            ("intact", Box::new(|_| {})),
            ("edited", Box::new(|d| edit(d, |l| l[150][20] ^= 1))),
            ("swapped", Box::new(|d| edit(d, |l| l.swap(100, 140)))),
            ("missing", Box::new(|d| edit(d, |l| drop(l.drain(60..63))))),
            (
                "cut below a checkpoint",
                Box::new(|d| edit(d, |l| l.truncate(120))),
            ),
            (
                "torn",
                Box::new(|d| {
                    let p = d.join(JOURNAL_FILE);
                    let mut b = std::fs::read(&p).unwrap();
                    b.extend_from_slice(b"{\"seq\":");
                    std::fs::write(p, b).unwrap();
                }),
            ),
        ];
        for (name, spoil) in damage {
            let d = tempfile::tempdir().unwrap();
            journal(d.path(), 200);
            spoil(d.path());
            let want = in_memory(d.path());
            for block in [256, 4096, BLOCK] {
                assert_eq!(streamed(d.path(), block), want, "{name}, blocks of {block}");
            }
        }
    }

    /// A line longer than the block is named as the over-long line it is.
    #[test]
    fn a_line_longer_than_a_block_is_malformed() {
        let d = tempfile::tempdir().unwrap();
        journal(d.path(), 5);
        edit(d.path(), |l| l.insert(3, vec![b'x'; 2 * MAX]));
        const MAX: usize = MAX_LINE_BYTES;
        let want = in_memory(d.path());
        assert_eq!(want.as_ref().unwrap_err().line, 4);
        assert_eq!(streamed(d.path(), 4096), want);
    }
}
