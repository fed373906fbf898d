//! Reading the journal file a line at a time, so that opening a journal of
//! a million lines holds one buffer, never the file. A line too long to be
//! one the writer makes is still a leaf of the Merkle tree: it is hashed as
//! it streams past instead of being held.

use super::super::evidence::merkle::{Hash, LeafHasher};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Larger than [`super::MAX_LINE_BYTES`]: every line the app can read is
/// whole in the buffer.
const BUF: usize = 4 << 20;
/// How far back the end of the last line is looked for at a time.
const BACK_STEP: u64 = 64 << 10;

/// One line of the file (without its `\n`).
pub(crate) enum Line<'a> {
    Whole(&'a [u8]),
    /// Longer than the buffer (so never a readable line): its length and
    /// its leaf, hashed as it was read.
    Long {
        len: u64,
        leaf: Hash,
    },
}

/// The complete lines of `file` between two offsets, the last of which
/// must end a line (the caller cut any torn tail first).
pub(crate) struct Lines<'f> {
    file: &'f File,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of the range not yet read into `buf`.
    left: u64,
    /// File offset of `buf[start]`.
    offset: u64,
}

impl<'f> Lines<'f> {
    pub fn new(file: &'f File, from: u64, upto: u64) -> io::Result<Self> {
        (&*file).seek(SeekFrom::Start(from))?;
        Ok(Lines {
            file,
            buf: Vec::new(),
            start: 0,
            end: 0,
            left: upto.saturating_sub(from),
            offset: from,
        })
    }

    /// Fills the buffer after `end`; false when the range is used up.
    fn fill(&mut self) -> io::Result<bool> {
        if self.left == 0 {
            return Ok(false);
        }
        if self.buf.is_empty() {
            // Sized to the range: a short journal needs no 4 MB buffer.
            self.buf = vec![0; BUF.min(self.left as usize)];
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let room = (self.buf.len() - self.end).min(self.left as usize);
        if room == 0 {
            return Ok(false);
        }
        let n = (&*self.file).read(&mut self.buf[self.end..self.end + room])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.end += n;
        self.left -= n as u64;
        Ok(true)
    }

    /// The next line and the offset it starts at; `index` is its 0-based
    /// line number (for the leaf of a line too long to hold).
    pub fn next(&mut self, leaves: &LeafHasher, index: u64) -> io::Result<Option<(u64, Line<'_>)>> {
        loop {
            if let Some(p) = memchr_nl(&self.buf[self.start..self.end]) {
                let (at, s) = (self.offset, self.start);
                self.start += p + 1;
                self.offset += p as u64 + 1;
                return Ok(Some((at, Line::Whole(&self.buf[s..s + p]))));
            }
            if self.start == 0 && self.end == self.buf.len() && self.end > 0 {
                return self.long(leaves, index).map(Some);
            }
            if !self.fill()? {
                if self.start < self.end {
                    // The range did not end a line: the file changed under us.
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                return Ok(None);
            }
        }
    }

    /// A line that fills the whole buffer: hash it through to its `\n`.
    fn long(&mut self, leaves: &LeafHasher, index: u64) -> io::Result<(u64, Line<'_>)> {
        let at = self.offset;
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(leaves.salt(index + 1));
        let mut len = 0u64;
        loop {
            let part = &self.buf[self.start..self.end];
            if let Some(p) = memchr_nl(part) {
                h.update(&part[..p]);
                len += p as u64;
                self.start += p + 1;
                self.offset = at + len + 1;
                let leaf: Hash = h.finalize().into();
                return Ok((at, Line::Long { len, leaf }));
            }
            h.update(part);
            len += part.len() as u64;
            self.start = self.end;
            if !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// The offset just after the file's last `\n` (0 when none), found by
/// reading backwards a block at a time.
pub(crate) fn end_of_last_line(file: &File, len: u64) -> io::Result<u64> {
    let mut block = vec![0u8; BACK_STEP.min(len) as usize];
    let mut hi = len;
    while hi > 0 {
        let lo = hi.saturating_sub(BACK_STEP);
        let part = &mut block[..(hi - lo) as usize];
        (&*file).seek(SeekFrom::Start(lo))?;
        (&*file).read_exact(part)?;
        if let Some(p) = part.iter().rposition(|&b| b == b'\n') {
            return Ok(lo + p as u64 + 1);
        }
        hi = lo;
    }
    Ok(0)
}

/// SHA-256 of the file's bytes in `[from, to)`, streamed.
pub(crate) fn sha256_range(file: &File, from: u64, to: u64) -> io::Result<[u8; 32]> {
    (&*file).seek(SeekFrom::Start(from))?;
    let mut h = Sha256::new();
    let mut src = file.take(to.saturating_sub(from));
    let mut block = vec![0u8; BACK_STEP as usize];
    loop {
        let n = src.read(&mut block)?;
        if n == 0 {
            break;
        }
        h.update(&block[..n]);
    }
    Ok(h.finalize().into())
}

/// The line that ends (with its `\n`) at `end`, when it is at most `max`
/// bytes long: where a snapshot says its part of the journal stops.
pub(crate) fn line_ending_at(file: &File, end: u64, max: usize) -> io::Result<Option<Vec<u8>>> {
    if end == 0 {
        return Ok(None);
    }
    let lo = end.saturating_sub(max as u64 + 2);
    let mut part = vec![0u8; (end - lo) as usize];
    (&*file).seek(SeekFrom::Start(lo))?;
    (&*file).read_exact(&mut part)?;
    let Some(body) = part.strip_suffix(b"\n") else {
        return Ok(None);
    };
    match body.iter().rposition(|&b| b == b'\n') {
        Some(p) => Ok(Some(body[p + 1..].to_vec())),
        // No line break before it: the file's first line, if it starts there.
        None if lo == 0 => Ok(Some(body.to_vec())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(bytes).unwrap();
        let f = t.reopen().unwrap();
        (t, f)
    }

    #[test]
    fn lines_long_lines_and_ends() {
        let leaves = LeafHasher::new(&[7; 32]);
        let long = vec![b'x'; BUF + 10];
        let mut bytes = b"a\n\nbc\n".to_vec();
        bytes.extend_from_slice(&long);
        bytes.extend_from_slice(b"\nd\n");
        let (_t, f) = file_with(&bytes);
        let mut lines = Lines::new(&f, 0, bytes.len() as u64).unwrap();
        let mut seen = Vec::new();
        let mut i = 0;
        while let Some((at, l)) = lines.next(&leaves, i).unwrap() {
            seen.push(match l {
                Line::Whole(b) => (at, String::from_utf8(b.to_vec()).unwrap()),
                Line::Long { len, leaf } => {
                    assert_eq!(leaf, leaves.leaf(i, &long));
                    (at, format!("long {len}"))
                }
            });
            i += 1;
        }
        let want = [
            (0, "a".to_owned()),
            (2, String::new()),
            (3, "bc".into()),
            (6, format!("long {}", BUF + 10)),
            (6 + BUF as u64 + 11, "d".into()),
        ];
        assert_eq!(seen, want);
        assert_eq!(
            end_of_last_line(&f, bytes.len() as u64).unwrap(),
            bytes.len() as u64
        );
        let end = bytes.len() as u64;
        assert_eq!(line_ending_at(&f, end, 10).unwrap(), Some(b"d".to_vec()));
        assert_eq!(line_ending_at(&f, 2, 10).unwrap(), Some(b"a".to_vec()));
        assert_eq!(line_ending_at(&f, end - 2, 10).unwrap(), None, "too long");
    }

    #[test]
    fn the_end_of_the_last_line_is_found_far_back() {
        let mut bytes = b"first\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'y', 3 * BACK_STEP as usize));
        let (_t, f) = file_with(&bytes);
        assert_eq!(end_of_last_line(&f, bytes.len() as u64).unwrap(), 6);
        let (_t, f) = file_with(b"no line end");
        assert_eq!(end_of_last_line(&f, 11).unwrap(), 0);
        assert_eq!(
            sha256_range(&f, 3, 11).unwrap().to_vec(),
            Sha256::digest(b"line end").to_vec()
        );
    }
}
