//! Property tests for every input parser in the batch/demo/profile/settings
//! area: arbitrary input never panics and yields bounded output; where a
//! round trip exists (money, a generated batch file, code normalisation),
//! it holds.

use cardguard::core::batch::{Status, import};
use cardguard::core::code::{Alphabet, check_code, mask};
use cardguard::core::demo;
use cardguard::core::fingerprint::FingerprintKey;
use cardguard::core::money::{Fen, MAX_YUAN, parse_yuan};
use cardguard::core::order::Ledger;
use cardguard::core::profile::{BUILTIN_JSON, builtin_profiles, parse_profiles};
use cardguard::core::settings::Settings;
use proptest::prelude::*;

const CODE_CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn code() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(CODE_CHARS), 16)
        .prop_map(|v| String::from_utf8(v).unwrap())
}

/// A code as people write it: any case, groups split by space or dash.
fn written(code: &str, lower: bool, sep: Option<char>) -> String {
    let c = if lower {
        code.to_lowercase()
    } else {
        code.to_owned()
    };
    match sep {
        None => c,
        Some(s) => c
            .as_bytes()
            .chunks(4)
            .map(|g| std::str::from_utf8(g).unwrap())
            .collect::<Vec<_>>()
            .join(&s.to_string()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn code_normalisation_never_panics_and_is_bounded(raw in "\\PC{0,200}") {
        let c = check_code(&raw, &Alphabet::full());
        prop_assert!(c.normalized.chars().count() <= raw.chars().count());
        let _ = mask(&c.normalized);
    }

    #[test]
    fn a_written_code_normalises_to_itself(
        code in code(),
        lower in any::<bool>(),
        sep in proptest::option::of(proptest::sample::select(vec![' ', '-'])),
    ) {
        let c = check_code(&written(&code, lower, sep), &Alphabet::full());
        prop_assert_eq!(&c.problem, &None);
        prop_assert_eq!(&c.normalized, &code);
        // Masked: only the last four show.
        let m = mask(&c.normalized);
        prop_assert!(m.ends_with(&code[12..]));
        prop_assert_eq!(m.chars().filter(char::is_ascii_alphanumeric).count(), 4);
    }

    #[test]
    fn money_parsing_never_panics(raw in "\\PC{0,40}") {
        if let Ok(f) = parse_yuan(&raw) {
            prop_assert!(f >= Fen::ZERO && f.0 <= MAX_YUAN * 100 + 99);
        }
    }

    #[test]
    fn money_format_then_parse_round_trips(fen in 0i64..=MAX_YUAN * 100) {
        prop_assert_eq!(parse_yuan(&Fen(fen).to_string()), Ok(Fen(fen)));
        // With thousands separators, as Excel writes them.
        let whole = (fen / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let text = format!("{grouped}.{:02}", fen % 100);
        prop_assert_eq!(parse_yuan(&text), Ok(Fen(fen)));
    }

    /// What a field or the demo types for an amount reads back exactly,
    /// cents included (it used to be `fen / 100`, dropping them).
    #[test]
    fn money_input_text_round_trips(fen in 0i64..=MAX_YUAN * 100) {
        let text = Fen(fen).yuan_input_text();
        prop_assert_eq!(parse_yuan(&text), Ok(Fen(fen)), "{}", text);
    }

    #[test]
    fn money_arithmetic_never_overflows(a in any::<i64>(), b in any::<i64>(), bp in any::<u32>()) {
        let _ = Fen(a).times_bp(bp);
        prop_assert_eq!(Fen(a) + Fen(b), Fen(a.saturating_add(b)));
        prop_assert_eq!(Fen(a) - Fen(b), Fen(a.saturating_sub(b)));
        prop_assert_eq!([Fen(a), Fen(b)].iter().sum::<Fen>(), Fen(a.saturating_add(b)));
        let _ = Fen(a).to_string();
        for p in builtin_profiles() {
            let _ = p.payout(Fen(a));
            let _ = p.cancel_fee(Fen(a));
        }
    }

    #[test]
    fn csv_import_of_arbitrary_bytes_never_panics_and_is_bounded(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096)
    ) {
        if let Ok(mut b) = import(&bytes) {
            // csv ends a record at CR, LF or CRLF.
            let lines = bytes.iter().filter(|&&c| c == b'\n' || c == b'\r').count() + 1;
            prop_assert!(b.rows.len() <= lines);
            let profile = &builtin_profiles()[0];
            b.validate(profile, &FingerprintKey::from_bytes([3; 32]), &Ledger::default());
            let _ = b.totals(profile);
        }
    }

    #[test]
    fn csv_import_of_arbitrary_text_never_panics(text in "[a-zA-Z0-9,;\t\"\r\n ¥.\\-卡密面值]{0,400}") {
        if let Ok(mut b) = import(text.as_bytes()) {
            let profile = &builtin_profiles()[2];
            b.validate(profile, &FingerprintKey::from_bytes([3; 32]), &Ledger::default());
            for r in &b.rows {
                prop_assert!(r.status != Status::Ok || r.face_value.is_some());
            }
        }
    }

    #[test]
    fn a_generated_batch_file_round_trips_its_rows(
        rows in proptest::collection::vec(
            (code(), proptest::sample::select(vec![50i64, 100, 200, 300, 500, 1000, 2000]),
             any::<bool>(), proptest::option::of(proptest::sample::select(vec![' ', '-']))),
            1..40,
        ),
        delimiter in proptest::sample::select(vec![',', '\t', ';']),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("卡密{delimiter}面值{end}");
        for (c, face, lower, sep) in &rows {
            text += &format!("{}{delimiter}{face}{end}", written(c, *lower, *sep));
        }
        let mut b = import(text.as_bytes()).unwrap();
        let profile = builtin_profiles().into_iter().find(|p| p.id == "kaquanmao").unwrap();
        b.validate(&profile, &FingerprintKey::from_bytes([3; 32]), &Ledger::default());
        prop_assert_eq!(b.rows.len(), rows.len());
        for (i, (r, (c, face, _, _))) in b.rows.iter().zip(&rows).enumerate() {
            prop_assert_eq!(r.row, i + 2);
            prop_assert_eq!(r.face_value, Some(Fen::from_yuan(*face)));
            prop_assert_eq!(&r.masked, &mask(c));
            let dup = rows[..i].iter().any(|(o, ..)| o == c);
            prop_assert_eq!(r.status == Status::Error, dup);
        }
    }

    #[test]
    fn demo_script_parsing_never_panics(text in "\\PC{0,300}") {
        let _ = demo::parse(&text);
    }

    #[test]
    fn demo_scripts_with_any_numbers_are_bounded_or_refused(
        seconds in any::<u64>(), factor in any::<u32>(), face in any::<i64>(),
    ) {
        let text = format!(
            r#"{{"title":{{"zh":"t","en":"t"}},"steps":[
                {{"do":"speed","factor":{factor}}},
                {{"do":"new_order","channel":"duidui","card":"DEMO-1","face_value_yuan":{face}}},
                {{"do":"wait","seconds":{seconds}}}]}}"#
        );
        match demo::parse(&text) {
            Ok(_) => {
                prop_assert!([1, 10, 60].contains(&factor));
                prop_assert!((1..=demo::MAX_FACE_YUAN).contains(&face));
                prop_assert!(seconds <= demo::MAX_WAIT_S);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn channel_profile_parsing_never_panics(text in "\\PC{0,300}") {
        let _ = parse_profiles(&text);
    }

    #[test]
    fn channel_profiles_with_any_numbers_are_bounded_or_refused(
        fee in any::<i64>(), discount in any::<u32>(), window in any::<u32>(),
        latency in any::<u64>(), denomination in any::<i64>(),
    ) {
        let text = BUILTIN_JSON
            .replacen("\"service_fee_fen\": 0", &format!("\"service_fee_fen\": {fee}"), 1)
            .replacen("\"discount_bp\": 9500", &format!("\"discount_bp\": {discount}"), 1)
            .replacen("\"cancel_window_s\": 5", &format!("\"cancel_window_s\": {window}"), 1)
            .replacen("\"verification_latency_ms\": 7300", &format!("\"verification_latency_ms\": {latency}"), 1)
            .replacen("\"denominations_fen\": [", &format!("\"denominations_fen\": [{denomination}, "), 1);
        if let Ok(profiles) = parse_profiles(&text) {
            let p = &profiles[0];
            prop_assert!((0..=1_000_000).contains(&p.service_fee_fen));
            prop_assert!((1..=10_000).contains(&p.discount_bp));
            prop_assert!(p.cancel_window_s <= 7 * 24 * 3600);
            prop_assert!(p.verification_latency_ms <= 30 * 24 * 3600 * 1000);
            prop_assert!(p.denominations_fen.iter().all(|&d| d > 0 && d < 10_000_000));
            let _ = p.effective_window_ms();
            let _ = p.payout(Fen(denomination));
        }
    }

    #[test]
    fn settings_parsing_never_panics_and_clamps(
        text in "\\PC{0,200}", hold in any::<i64>(), limit in any::<i64>(), cap in any::<i64>(),
    ) {
        let _ = serde_json::from_str::<Settings>(&text).map(Settings::clamped);
        let json = format!(
            r#"{{"hold_s": {hold}, "batch_limit_fen": {limit}, "channel_caps": {{"x": {cap}}}}}"#
        );
        if let Ok(s) = serde_json::from_str::<Settings>(&json).map(Settings::clamped) {
            prop_assert!((5..=60).contains(&s.hold_s));
            prop_assert!(s.batch_limit_fen >= Fen::ZERO);
            prop_assert!(s.channel_caps.values().all(|f| *f >= Fen::ZERO));
        }
    }
}
