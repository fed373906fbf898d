//! The one reading of a journal line, shared by replay on open, verify,
//! the viewer, `read_ledger` and export. A line passes only when it is
//! exactly what the writer would make of its own fields: parsed once
//! (unknown or repeated fields refused), rendered again with the writer's
//! code, and compared byte for byte. So reordered keys, whitespace, escapes
//! such as `\u005f`, repeated keys inside `data` or a `ts` in another form
//! cannot make two readers see two different lines.

use super::{Entry, HASH_MARK, check_line_hash, render_body};
use chrono::FixedOffset;

/// Why a line is not a journal line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    NotUtf8,
    /// The line's bytes do not match its own hash (or it has none).
    Edited(&'static str),
    /// Not JSON, or not the journal's fields (missing, unknown, repeated,
    /// wrong type): serde's words.
    NotJournal(String),
    /// A field the writer never makes that way.
    BadField(&'static str),
    /// Parses, but is not the writer's exact rendering of those fields
    /// (key order, whitespace, escapes, repeated keys in `data`, `ts` form).
    NotCanonical,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::NotUtf8 => write!(f, "not UTF-8"),
            LineError::Edited(why) => write!(f, "{why}"),
            LineError::NotJournal(e) => write!(f, "not a journal line: {e}"),
            LineError::BadField(field) => write!(f, "{field} is not as the app writes it"),
            LineError::NotCanonical => write!(
                f,
                "not in the journal's exact form (key order, spacing, escapes or repeated keys)"
            ),
        }
    }
}

impl std::error::Error for LineError {}

/// `+HH:MM` / `-HH:MM`, as the writer makes it.
fn parse_tz(tz: &str) -> Option<FixedOffset> {
    let b = tz.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let num = |x: &[u8]| -> Option<i32> {
        x.iter()
            .all(u8::is_ascii_digit)
            .then(|| i32::from(x[0] - b'0') * 10 + i32::from(x[1] - b'0'))
    };
    let (h, m) = (num(&b[1..3])?, num(&b[4..6])?);
    if m >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Reads one line (without its `\n`) the one way the app reads it.
pub fn parse_line(raw: &[u8]) -> Result<Entry, LineError> {
    let line = std::str::from_utf8(raw).map_err(|_| LineError::NotUtf8)?;
    let claimed = check_line_hash(line).map_err(LineError::Edited)?;
    let e: Entry = serde_json::from_str(line).map_err(|e| LineError::NotJournal(e.to_string()))?;
    let tz = parse_tz(&e.tz).ok_or(LineError::BadField("tz"))?;
    if e.seq == 0 {
        return Err(LineError::BadField("seq"));
    }
    if !e.data.is_object() {
        return Err(LineError::BadField("data"));
    }
    if !is_hash(&e.prev) {
        return Err(LineError::BadField("prev"));
    }
    if e.hash != claimed {
        return Err(LineError::NotCanonical);
    }
    let body = render_body(
        e.seq,
        e.ts,
        tz,
        &e.kind,
        e.order.as_deref(),
        &e.data,
        &e.prev,
    );
    // check_line_hash cut the line at its last HASH_MARK, and the tail is
    // exactly `<mark><64 hex>"}`: the body decides.
    if line.len() != body.len() + HASH_MARK.len() + 64 + 2 || !line.starts_with(&body) {
        return Err(LineError::NotCanonical);
    }
    Ok(e)
}
