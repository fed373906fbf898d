//! A realistic journal of any length, written with the core's own line
//! renderer (shared by the benches and `examples/big_journal.rs`).

use cardguard::core::event::Event;
use cardguard::core::ids::OrderId;
use cardguard::core::journal::{GENESIS, JOURNAL_FILE, render_line};
use cardguard::core::money::Fen;
use chrono::{DateTime, FixedOffset, Utc};
use std::io::Write;

pub fn ts() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Writes `n` realistic order events (7 per order) as a journal file.
pub fn write_journal(dir: &std::path::Path, n: u64) {
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(JOURNAL_FILE)).unwrap());
    let mut prev = GENESIS.to_owned();
    let t = ts();
    for seq in 1..=n {
        let order = OrderId::new(format!("CG-20261127-{:06}", seq / 7));
        let ev = match seq % 7 {
            0 => Event::ChannelChosen {
                channel: "kaquanmao".into(),
            },
            1 => Event::FaceValueSet {
                face_value_fen: Fen(10_000),
                retyped: false,
            },
            2 => Event::ReviewShown {
                channel: "kaquanmao".into(),
                face_value_fen: Fen(10_000),
                payout_fen: Fen(9_200),
                masked: "•••• •••• •••• 7F3K".into(),
                fingerprint: "6b7df9712460350c78f3ed35869d02a16f88ec49ec9c9066398f7f0618cac802"
                    .into(),
                cancel_window_ms: 480_000,
                release_mode: cardguard::core::event::ReleaseMode::Simulated,
                batch: None,
            },
            3 => Event::Confirmed {
                hold_s: 10,
                hold_until: t,
            },
            4 => Event::Released {
                mode: cardguard::core::event::ReleaseMode::Simulated,
                window_ends: Some(t),
                verify_at: Some(t),
                clipboard_until: None,
            },
            5 => Event::WindowClosed { at: t },
            _ => Event::Verified { at: t },
        };
        let (line, hash) = render_line(
            seq,
            t,
            tz,
            &ev.kind(),
            Some(&order),
            &ev.data(),
            // The size of a real line's salt (its value does not matter here).
            Some(&format!("{seq:032x}")),
            &prev,
        );
        out.write_all(line.as_bytes()).unwrap();
        prev = hash;
    }
    out.flush().unwrap();
}
