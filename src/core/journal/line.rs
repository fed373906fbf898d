//! The one reading of a journal line, shared by replay on open, verify,
//! the viewer, `read_ledger` and export. A line passes only when it is
//! exactly what the writer would make of its own fields: parsed once
//! (unknown or repeated fields refused), rendered again with the writer's
//! code, and compared byte for byte. So reordered keys, whitespace, escapes
//! such as `\u005f`, repeated keys inside `data` or a `ts` in another form
//! cannot make two readers see two different lines.

use super::{Entry, HASH_MARK, check_line_hash, write_body};
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

/// Longer than any line the writer makes (a few KB): refused unread, so a
/// planted giant line cannot make a reader (or the viewer) balloon.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// An id the app makes (`CG-20261129-0001`, `B-…`, `app_started`): letters,
/// digits, `-`, `_`, `.`, at most 64, starting with a letter or digit. An id
/// with a space, a `/` or a control character could be read as another
/// order or used as a path.
pub fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Seconds 00–59 and years 0001–9999: what the writer makes and what
/// every other ISO 8601 reader accepts.
fn is_plain_time(ts: &chrono::DateTime<chrono::Utc>) -> bool {
    use chrono::{Datelike, Timelike};
    ts.nanosecond() < 1_000_000_000 && (1..=9999).contains(&ts.year())
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_hash(s: &str) -> bool {
    is_lower_hex(s, 64)
}

fn is_salt(s: &str) -> bool {
    is_lower_hex(s, 32)
}

/// Reads one line (without its `\n`) the one way the app reads it.
pub fn parse_line(raw: &[u8]) -> Result<Entry, LineError> {
    if raw.len() > MAX_LINE_BYTES {
        return Err(LineError::BadField("length"));
    }
    let line = std::str::from_utf8(raw).map_err(|_| LineError::NotUtf8)?;
    let claimed = check_line_hash(line).map_err(LineError::Edited)?;
    let e: Entry = serde_json::from_str(line).map_err(|e| LineError::NotJournal(e.to_string()))?;
    let tz = parse_tz(&e.tz).ok_or(LineError::BadField("tz"))?;
    if e.seq == 0 {
        return Err(LineError::BadField("seq"));
    }
    if !is_plain_time(&e.ts) {
        return Err(LineError::BadField("ts"));
    }
    if !is_plain_id(&e.kind) {
        return Err(LineError::BadField("kind"));
    }
    if e.order.as_ref().is_some_and(|o| !is_plain_id(o.as_str())) {
        return Err(LineError::BadField("order"));
    }
    // A batch id is an id like an order's, wherever an event carries one.
    if let Some(b) = e.data.get("batch")
        && !(b.is_null() || b.as_str().is_some_and(is_plain_id))
    {
        return Err(LineError::BadField("data.batch"));
    }
    if !e.data.is_object() {
        return Err(LineError::BadField("data"));
    }
    if !is_hash(&e.prev) {
        return Err(LineError::BadField("prev"));
    }
    if e.salt.as_deref().is_some_and(|s| !is_salt(s)) {
        return Err(LineError::BadField("salt"));
    }
    if e.hash != claimed {
        return Err(LineError::NotCanonical);
    }
    // check_line_hash made sure the line ends in exactly `<mark><64 hex>"}`:
    // the body before it must be the writer's rendering, byte for byte.
    let body = &line.as_bytes()[..line.len() - HASH_MARK.len() - 64 - 2];
    let mut same = Same(body);
    let rendered = write_body(
        &mut same,
        e.seq,
        e.ts,
        tz,
        &e.kind,
        e.order.as_ref(),
        &e.data,
        e.salt.as_deref(),
        &e.prev,
    );
    if rendered.is_err() || !same.0.is_empty() {
        return Err(LineError::NotCanonical);
    }
    Ok(e)
}

/// A writer that only checks its input continues the given bytes (and
/// fails at the first difference), so a line is compared with its
/// re-rendering without building it.
struct Same<'a>(&'a [u8]);

impl std::io::Write for Same<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.strip_prefix(buf) {
            Some(rest) => {
                self.0 = rest;
                Ok(buf.len())
            }
            None => Err(std::io::Error::other("differs from the writer's rendering")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{GENESIS, line_hash, render_line};
    use super::*;
    use crate::core::ids::OrderId;
    use chrono::{DateTime, Utc};

    /// A line with this body and its own hash recomputed: what a forger
    /// (or a careless editor with a hash tool) would write.
    pub(crate) fn forge(body: &str) -> String {
        format!("{body}{HASH_MARK}{}\"}}", line_hash(body))
    }

    fn good() -> String {
        let ts = DateTime::parse_from_rfc3339("2026-11-27T09:15:02.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let (line, _) = render_line(
            1,
            ts,
            FixedOffset::east_opt(8 * 3600).unwrap(),
            "face_value_set",
            Some(&"CG-1".into()),
            &serde_json::json!({"face_value_fen": 100, "retyped": false}),
            None,
            GENESIS,
        );
        line.trim_end().to_owned()
    }

    fn body(line: &str) -> &str {
        &line[..line.rfind(HASH_MARK).unwrap()]
    }

    /// Lines the writer could render but never makes: ids that could be
    /// read as another order or a path, leap seconds, years past 9999,
    /// giant lines.
    #[test]
    fn ids_times_and_lengths_the_writer_never_makes_are_refused() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let tz = FixedOffset::east_opt(0).unwrap();
        let data = serde_json::json!({});
        let ok = at("2026-11-27T09:15:02.123Z");
        let line = |ts, kind: &str, order: Option<&str>, data: &serde_json::Value| {
            let order = order.map(OrderId::from);
            render_line(1, ts, tz, kind, order.as_ref(), data, None, GENESIS).0
        };
        for (l, field) in [
            (line(ok, "x", Some("CG-1 "), &data), "order"),
            (line(ok, "x", Some("../../outside"), &data), "order"),
            (line(ok, "x", Some("/tmp/abs"), &data), "order"),
            (line(ok, "x", Some(""), &data), "order"),
            (line(ok, "x", Some("a\u{202e}b"), &data), "order"),
            (line(ok, "bad kind", None, &data), "kind"),
            (
                line(
                    ok,
                    "x",
                    None,
                    &serde_json::json!({"batch": "../../outside"}),
                ),
                "data.batch",
            ),
            (
                line(ok, "x", None, &serde_json::json!({"batch": "B-1 "})),
                "data.batch",
            ),
            (line(ok, &"k".repeat(65), None, &data), "kind"),
            (
                line(
                    chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                        .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
                        .unwrap()
                        .and_utc(),
                    "x",
                    None,
                    &data,
                ),
                "ts",
            ),
            (
                line(
                    chrono::TimeZone::with_ymd_and_hms(&Utc, 10000, 1, 1, 0, 0, 0).unwrap(),
                    "x",
                    None,
                    &data,
                ),
                "ts",
            ),
            (
                line(
                    ok,
                    "x",
                    None,
                    &serde_json::json!({"s": "x".repeat(MAX_LINE_BYTES)}),
                ),
                "length",
            ),
        ] {
            assert_eq!(
                parse_line(l.trim_end().as_bytes()),
                Err(LineError::BadField(field)),
                "{}",
                &l[..l.len().min(200)]
            );
        }
        assert!(
            parse_line(
                line(ok, "app_started", Some("CG-20261129-0001"), &data)
                    .trim_end()
                    .as_bytes()
            )
            .is_ok()
        );
    }

    #[test]
    fn the_writers_line_reads_back() {
        let e = parse_line(good().as_bytes()).unwrap();
        assert_eq!((e.seq, e.kind.as_str()), (1, "face_value_set"));
        assert_eq!(e.order.as_ref().map(OrderId::as_str), Some("CG-1"));
    }

    /// Each of these passed `journal verify` as intact before (its hash
    /// matches), while the app read it differently or skipped it.
    #[test]
    fn lines_other_readers_would_read_differently_are_refused() {
        let g = good();
        let b = body(&g);
        let p = format!("\"prev\":\"{GENESIS}\"");
        let cases: Vec<(&str, String)> = vec![
            (
                "duplicate kind",
                b.replace(
                    "\"kind\":\"face_value_set\"",
                    "\"kind\":\"face_value_set\",\"kind\":\"undone\"",
                ),
            ),
            (
                "duplicate prev",
                b.replace(&p, &format!("\"prev\":\"{}\",{p}", "1".repeat(64))),
            ),
            (
                "\\u005f escape",
                b.replace("face_value_set", "face\\u005fvalue_set"),
            ),
            ("escaped order", b.replace("CG-1", "CG\\u002d1")),
            ("not JSON", "hello, world".to_owned()),
            (
                "reordered keys",
                b.replace("\"seq\":1,\"ts\"", "\"ts\"")
                    .replace(&p, &format!("{p},\"seq\":1")),
            ),
            ("whitespace", b.replace("\"seq\":1", "\"seq\": 1")),
            (
                "unknown field",
                b.replace(&p, &format!("{p},\"note\":\"x\"")),
            ),
            (
                "duplicate key in data",
                b.replace(
                    "{\"face_value_fen\":100",
                    "{\"face_value_fen\":1,\"face_value_fen\":100",
                ),
            ),
            ("ts without ms", b.replace("09:15:02.123Z", "09:15:02Z")),
            (
                "ts with offset",
                b.replace("09:15:02.123Z", "17:15:02.123+08:00"),
            ),
            ("ts micros", b.replace("02.123Z", "02.123000Z")),
            ("tz Z", b.replace("\"tz\":\"+08:00\"", "\"tz\":\"Z\"")),
            (
                "tz short",
                b.replace("\"tz\":\"+08:00\"", "\"tz\":\"+8:00\""),
            ),
            (
                "tz minus zero",
                b.replace("\"tz\":\"+08:00\"", "\"tz\":\"-00:00\""),
            ),
            (
                "data array",
                b.replace("{\"face_value_fen\":100,\"retyped\":false}", "[]"),
            ),
            ("prev upper", b.replace(GENESIS, &"A".repeat(64))),
            ("prev short", b.replace(GENESIS, "00")),
            ("seq zero", b.replace("\"seq\":1", "\"seq\":0")),
            ("seq leading zero", b.replace("\"seq\":1", "\"seq\":01")),
            ("seq float", b.replace("\"seq\":1", "\"seq\":1.0")),
            ("order number", b.replace("\"CG-1\"", "7")),
            ("missing order", b.replace("\"order\":\"CG-1\",", "")),
        ];
        for (name, forged_body) in cases {
            assert_ne!(forged_body, b, "{name}: the case changes nothing");
            let line = forge(&forged_body);
            // The hash is right, so only the strict reading can catch it.
            assert!(check_line_hash(&line).is_ok(), "{name}");
            let err = parse_line(line.as_bytes()).expect_err(name);
            assert!(!matches!(err, LineError::Edited(_)), "{name}: {err}");
        }
    }

    #[test]
    fn serde_refuses_repeated_and_unknown_fields() {
        let g = good();
        let b = body(&g);
        let dup = forge(&b.replace(
            "\"order\":\"CG-1\"",
            "\"order\":\"CG-1\",\"order\":\"CG-2\"",
        ));
        match parse_line(dup.as_bytes()) {
            Err(LineError::NotJournal(e)) => assert!(e.contains("duplicate field"), "{e}"),
            other => panic!("{other:?}"),
        }
        let extra = forge(&format!("{b},\"x\":1"));
        match parse_line(extra.as_bytes()) {
            Err(LineError::NotJournal(e)) => assert!(e.contains("unknown field"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_edit_is_named_as_an_edit() {
        let g = good().replace("\"face_value_fen\":100", "\"face_value_fen\":900");
        assert!(matches!(
            parse_line(g.as_bytes()),
            Err(LineError::Edited(_))
        ));
        assert_eq!(parse_line(b"\xff\xfe"), Err(LineError::NotUtf8));
        assert!(parse_line(b"").is_err());
    }
}
