//! The journal as a timeline for the viewer: parsed once (and then only the
//! lines appended since), filtered by order, kind and local date. Each entry
//! keeps where its raw line is in the file, so the raw text is read on
//! demand instead of being held in memory.

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

/// Parses lines from `offset` to the last complete line; returns them and
/// the offset to continue from. Lines are read with the journal's one
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
        if let Ok(e) = parse_line(raw.strip_suffix(b"\n").unwrap_or(raw)) {
            // parse_line checked `tz` is the writer's `+HH:MM`.
            let tz =
                e.tz.parse::<FixedOffset>()
                    .unwrap_or_else(|_| FixedOffset::east_opt(0).expect("zero offset"));
            out.push(TimelineEntry {
                seq: e.seq,
                ts: e.ts,
                local: e.ts.with_timezone(&tz),
                args: display_args(&e.data),
                kind: e.kind,
                order: e.order,
                offset: at,
                len: raw.len() as u32,
            });
        }
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

/// Indices of matching entries, newest first.
pub fn filter(entries: &[TimelineEntry], f: &Filter) -> Vec<usize> {
    let order = f.order.trim();
    let date = f.date.trim();
    (0..entries.len())
        .rev()
        .filter(|&i| {
            let e = &entries[i];
            let batch = || {
                e.args
                    .iter()
                    .any(|(k, v)| k == "batch" && v.contains(order))
            };
            (order.is_empty()
                || e.order.as_ref().is_some_and(|o| o.as_str().contains(order))
                || batch())
                && f.kind.as_deref().is_none_or(|k| e.kind == k)
                && (date.is_empty() || e.local.format("%Y-%m-%d").to_string().starts_with(date))
        })
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
