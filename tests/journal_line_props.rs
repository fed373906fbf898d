//! Properties of the journal's one line reading (`parse_line`): it never
//! panics, it reads back everything the writer (`render_line`) makes, and
//! a line passes only if it is exactly the writer's rendering of what was
//! read: any single-byte change, and any re-hashed edit that is not the
//! writer's form, is refused.

use cardguard::core::ids::OrderId;
use cardguard::core::journal::{parse_line, render_line, sha256_hex};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn data() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(any::<String>(), json(), 0..5)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Ids as the app makes them (kinds, order and batch ids): a letter or
/// digit, then letters, digits, `-`, `_`, `.`; at most 64.
fn plain_id() -> impl Strategy<Value = String> {
    const FIRST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const REST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    (
        prop::sample::select(FIRST),
        prop::collection::vec(prop::sample::select(REST), 0..64),
    )
        .prop_map(|(f, rest)| std::iter::once(f).chain(rest).map(char::from).collect())
}

#[derive(Debug, Clone)]
struct Fields {
    seq: u64,
    ts: DateTime<Utc>,
    tz: FixedOffset,
    kind: String,
    order: Option<OrderId>,
    data: Value,
    salt: Option<String>,
    prev: String,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        1..=u64::MAX,
        // 1970 to 9999, to the millisecond: what the writer can write.
        0i64..253_402_300_799_999,
        -(24 * 60 - 1)..(24 * 60),
        plain_id(),
        proptest::option::of(plain_id()),
        data(),
        proptest::option::of(prop::collection::vec(0u8..16, 32)),
        prop::collection::vec(0u8..16, 64),
    )
        .prop_map(|(seq, ms, tz_min, kind, order, data, salt, prev)| Fields {
            seq,
            ts: Utc.timestamp_millis_opt(ms).unwrap(),
            tz: FixedOffset::east_opt(tz_min * 60).unwrap(),
            kind,
            order: order.map(OrderId::new),
            data,
            salt: salt.map(|s| s.iter().map(|d| format!("{d:x}")).collect()),
            prev: prev.iter().map(|d| format!("{d:x}")).collect(),
        })
}

fn render(f: &Fields) -> String {
    let (line, _) = render_line(
        f.seq,
        f.ts,
        f.tz,
        &f.kind,
        f.order.as_ref(),
        &f.data,
        f.salt.as_deref(),
        &f.prev,
    );
    line.strip_suffix('\n').unwrap().to_owned()
}

/// `body` with its own hash recomputed, as a forger would.
fn forge(body: &[u8]) -> Vec<u8> {
    let mut covered = body.to_vec();
    covered.push(b'}');
    let mut line = body.to_vec();
    line.extend_from_slice(b",\"hash\":\"");
    line.extend_from_slice(sha256_hex(&covered).as_bytes());
    line.extend_from_slice(b"\"}");
    line
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_line(&bytes);
        let _ = parse_line(&forge(&bytes));
    }

    #[test]
    fn never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = parse_line(text.as_bytes());
        let _ = parse_line(&forge(text.as_bytes()));
    }

    #[test]
    fn what_the_writer_writes_reads_back_exactly(f in fields()) {
        let line = render(&f);
        let e = parse_line(line.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
        prop_assert_eq!(e.seq, f.seq);
        prop_assert_eq!(e.ts, f.ts);
        prop_assert_eq!(e.tz, f.tz.to_string());
        prop_assert_eq!(&e.kind, &f.kind);
        prop_assert_eq!(&e.order, &f.order);
        prop_assert_eq!(&e.data, &f.data);
        prop_assert_eq!(&e.prev, &f.prev);
        prop_assert_eq!(&e.salt, &f.salt);
        // The same `ts` text as the format the journal has always used.
        let ts = format!("\"ts\":\"{}\"", f.ts.format(cardguard::core::journal::TS_FORMAT));
        prop_assert!(line.contains(&ts));
        let tail = format!("\"hash\":\"{}\"}}", e.hash);
        prop_assert!(line.ends_with(&tail));
    }

    #[test]
    fn any_single_byte_change_is_refused(f in fields(), at in any::<prop::sample::Index>(), to in any::<u8>()) {
        let mut line = render(&f).into_bytes();
        let i = at.index(line.len());
        prop_assume!(line[i] != to);
        line[i] = to;
        prop_assert!(parse_line(&line).is_err());
    }

    /// Re-hashed edits (insert, delete or replace a byte of the hashed
    /// part): whatever passes is exactly the writer's rendering of what
    /// was read, so no two readers can disagree about it.
    #[test]
    fn a_rehashed_edit_passes_only_in_the_writers_form(
        f in fields(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        op in 0u8..3,
    ) {
        let line = render(&f);
        let mut body = line.as_bytes()[..line.rfind(",\"hash\":\"").unwrap()].to_vec();
        let i = at.index(body.len());
        match op {
            0 => body.insert(i, byte),
            1 => { body.remove(i); }
            _ => body[i] = byte,
        }
        let forged = forge(&body);
        if let Ok(e) = parse_line(&forged) {
            let tz: FixedOffset = e.tz.parse().unwrap();
            let (again, _) = render_line(e.seq, e.ts, tz, &e.kind, e.order.as_ref(), &e.data, e.salt.as_deref(), &e.prev);
            prop_assert_eq!(again.trim_end_matches('\n').as_bytes(), &forged[..]);
        }
    }
}
