//! The journal as a timeline for the viewer: a window of the newest lines
//! (then older ones on request, all or only those matching a filter, read
//! backwards from where the window starts) and the lines appended since,
//! filtered by order, kind and local date. A journal of a million lines is
//! never held: only what was asked for. Each entry keeps where its raw line
//! is in the file, so the raw text is read on demand.

use super::ids::OrderId;
use super::journal::{JOURNAL_CAP, parse_line};
use super::safe_file::{FileError, Links, open_read};
use chrono::{DateTime, FixedOffset, Utc};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    /// Local time as it was then (from the line's `tz`).
    pub local: DateTime<FixedOffset>,
    pub kind: String,
    pub order: Option<OrderId>,
    /// The `data` fields as display strings (money already formatted).
    pub args: Vec<(String, String)>,
    pub offset: u64,
    pub len: u32,
}

/// Lines the viewer loads at a time: many screens' worth.
pub const WINDOW: usize = 10_000;

/// Parses one raw line (without `\n`) at `offset` as the viewer shows it.
fn entry_of(raw: &[u8], offset: u64) -> Option<TimelineEntry> {
    let e = parse_line(raw).ok()?;
    // parse_line checked `tz` is the writer's `+HH:MM`.
    let tz =
        e.tz.parse::<FixedOffset>()
            .unwrap_or_else(|_| FixedOffset::east_opt(0).expect("zero offset"));
    Some(TimelineEntry {
        seq: e.seq,
        ts: e.ts,
        local: e.ts.with_timezone(&tz),
        args: display_args(&e.data),
        kind: e.kind,
        order: e.order,
        offset,
        len: raw.len() as u32 + 1,
    })
}

/// What [`load_before`] found.
#[derive(Debug)]
pub struct Page {
    /// Oldest first.
    pub entries: Vec<TimelineEntry>,
    /// Where the scan stopped: the lines before it were not looked at
    /// (0: the journal's start was reached).
    pub start: u64,
}

/// The up to `max` newest lines that end at or before `before` (which must
/// be the end of a line) and that `keep` accepts, read backwards a block
/// at a time: memory is the page (and one line), never the file. Lines
/// the strict reading refuses are skipped, as replay skips them.
pub fn load_before(
    path: &Path,
    before: u64,
    max: usize,
    keep: &dyn Fn(&TimelineEntry) -> bool,
) -> Result<Page, FileError> {
    const BLOCK: u64 = 256 << 10;
    let (mut f, _) = open_read(path, Links::Refuse)?;
    let io = |e| FileError::Io(path.to_path_buf(), e);
    let mut found = Vec::new();
    let take = |raw: &[u8], at: u64, found: &mut Vec<TimelineEntry>| {
        if let Some(e) = entry_of(raw, at)
            && keep(&e)
        {
            found.push(e);
        }
    };
    // The line being read backwards ends (before its `\n`) where `hi` was
    // first; `carry` is what of it lies after `hi`, dropped (`overlong`)
    // once longer than any readable line.
    let mut hi = before.saturating_sub(1);
    let mut carry: Vec<u8> = Vec::new();
    let mut overlong = false;
    while before > 0 && found.len() < max {
        let lo = hi.saturating_sub(BLOCK);
        let mut block = vec![0u8; (hi - lo) as usize];
        f.seek(SeekFrom::Start(lo)).map_err(io)?;
        f.read_exact(&mut block).map_err(io)?;
        let mut cut = block.len();
        while let Some(q) = block[..cut].iter().rposition(|&b| b == b'\n') {
            if !overlong {
                if carry.is_empty() {
                    take(&block[q + 1..cut], lo + q as u64 + 1, &mut found);
                } else {
                    let mut raw = block[q + 1..cut].to_vec();
                    raw.append(&mut carry);
                    take(&raw, lo + q as u64 + 1, &mut found);
                }
            }
            carry.clear();
            overlong = false;
            cut = q;
            if found.len() >= max {
                found.reverse();
                return Ok(Page {
                    entries: found,
                    start: lo + q as u64 + 1,
                });
            }
        }
        // block[..cut] is the start of the line (or more of it).
        if !overlong && cut + carry.len() <= super::journal::MAX_LINE_BYTES {
            let mut more = block[..cut].to_vec();
            more.append(&mut carry);
            carry = more;
        } else {
            overlong = true;
            carry = Vec::new();
        }
        hi = lo;
        if lo == 0 {
            if !overlong {
                take(&carry, 0, &mut found);
            }
            break;
        }
    }
    found.reverse();
    Ok(Page {
        entries: found,
        start: 0,
    })
}

/// The newest `max` lines of the journal (its last complete line back).
pub fn load_newest(path: &Path, max: usize) -> Result<(Page, u64), FileError> {
    let (f, len) = open_read(path, Links::Refuse)?;
    let end = super::journal::reader::end_of_last_line(&f, len.min(JOURNAL_CAP))
        .map_err(|e| FileError::Io(path.to_path_buf(), e))?;
    Ok((load_before(path, end, max, &|_| true)?, end))
}

/// Parses lines from `offset` (what was appended since the viewer looked)
/// to the last complete line; returns them and the offset to continue from. Lines are read with the journal's one
/// strict reading ([`parse_line`]); those it refuses are skipped, as replay
/// skips them, and verify names them. The journal is the app's own file:
/// never through a symlink, a regular file only, at most [`JOURNAL_CAP`].
pub fn load_from(path: &Path, offset: u64) -> Result<(Vec<TimelineEntry>, u64), FileError> {
    let (mut f, _) = open_read(path, Links::Refuse)?;
    let io = |e| FileError::Io(path.to_path_buf(), e);
    f.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut bytes = Vec::new();
    f.take(JOURNAL_CAP).read_to_end(&mut bytes).map_err(io)?;
    let complete = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut at = offset;
    for raw in bytes[..complete].split_inclusive(|&b| b == b'\n') {
        out.extend(entry_of(raw.strip_suffix(b"\n").unwrap_or(raw), at));
        at += raw.len() as u64;
    }
    Ok((out, at))
}

pub(crate) fn display_args(data: &serde_json::Value) -> Vec<(String, String)> {
    let Some(map) = data.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Number(n) if k.ends_with("_fen") => {
                    super::money::Fen(n.as_i64().unwrap_or(0)).to_string()
                }
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "-".into(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Reads one raw line back from the file.
pub fn raw_line(path: &Path, e: &TimelineEntry) -> std::io::Result<String> {
    let (mut f, _) = open_read(path, Links::Refuse)?;
    f.seek(SeekFrom::Start(e.offset))?;
    let mut buf = vec![0; e.len as usize];
    f.read_exact(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).trim_end().to_owned())
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Part of an order id, or of a batch id (batch events have no order).
    pub order: String,
    pub kind: Option<String>,
    /// A local date prefix: `2026-11-27`, `2026-11`.
    pub date: String,
}

impl Filter {
    /// Nothing asked for: every entry matches.
    pub fn is_empty(&self) -> bool {
        self.order.trim().is_empty() && self.kind.is_none() && self.date.trim().is_empty()
    }

    pub fn matches(&self, e: &TimelineEntry) -> bool {
        let order = self.order.trim();
        let date = self.date.trim();
        let batch = || {
            e.args
                .iter()
                .any(|(k, v)| k == "batch" && v.contains(order))
        };
        (order.is_empty()
            || e.order.as_ref().is_some_and(|o| o.as_str().contains(order))
            || batch())
            && self.kind.as_deref().is_none_or(|k| e.kind == k)
            && (date.is_empty() || e.local.format("%Y-%m-%d").to_string().starts_with(date))
    }
}

/// Indices of matching entries, newest first.
pub fn filter(entries: &[TimelineEntry], f: &Filter) -> Vec<usize> {
    (0..entries.len())
        .rev()
        .filter(|&i| f.matches(&entries[i]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::journal::Journal;
    use serde_json::json;

    #[test]
    fn loads_incrementally_and_filters_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let mut j = Journal::open(dir.path()).unwrap().journal;
        j.append(
            t("2026-11-27T09:00:00Z"),
            tz,
            "face_value_set",
            Some(&"CG-A".into()),
            &json!({"face_value_fen": 50000}),
            false,
        )
        .unwrap();
        j.append(
            t("2026-11-27T20:00:00Z"),
            tz,
            "undone",
            Some(&"CG-B".into()),
            &json!({}),
            false,
        )
        .unwrap();
        let path = dir.path().join("journal.jsonl");
        let (mut all, off) = load_from(&path, 0).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].args,
            vec![("face_value_fen".to_owned(), "¥500.00".to_owned())]
        );
        j.append(
            t("2026-11-28T01:00:00Z"),
            tz,
            "undone",
            Some(&"CG-A".into()),
            &json!({}),
            false,
        )
        .unwrap();
        let (more, _) = load_from(&path, off).unwrap();
        assert_eq!(more.len(), 1);
        all.extend(more);
        assert_eq!(filter(&all, &Filter::default()), vec![2, 1, 0]);
        assert_eq!(
            filter(
                &all,
                &Filter {
                    order: "CG-A".into(),
                    ..Filter::default()
                }
            ),
            vec![2, 0]
        );
        assert_eq!(
            filter(
                &all,
                &Filter {
                    kind: Some("undone".into()),
                    ..Filter::default()
                }
            ),
            vec![2, 1]
        );
        // 20:00Z is already the 28th in +08:00.
        assert_eq!(
            filter(
                &all,
                &Filter {
                    date: "2026-11-28".into(),
                    ..Filter::default()
                }
            ),
            vec![2, 1]
        );
        assert!(raw_line(&path, &all[1]).unwrap().starts_with("{\"seq\":2,"));
    }
}
