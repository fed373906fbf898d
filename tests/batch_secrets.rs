//! No batch message repeats a cell: every column × every kind of secret
//! (a full card code, one with separators, a 6-digit verification code),
//! through the core's row reasons and through `batch check` (stdout and
//! stderr, both languages). A code in the code column shows only its last
//! four, masked as everywhere else.

use cardguard::core::batch::{Status, import};
use cardguard::core::fingerprint::FingerprintKey;
use cardguard::core::order::Ledger;
use cardguard::core::profile::builtin_profiles;
use cardguard::i18n::{Lang, Texts};
use std::process::Command;

const SECRETS: [&str; 4] = [
    "QW23XK7P9MZR4T8V",
    "QW23-XK7P-9MZR-4T8V",
    "qw23 xk7p 9mzr 4t8v",
    "654321",
];
const COLUMNS: [&str; 4] = ["card", "face value", "verification code", "note"];
/// The benign value of each column when the secret is elsewhere.
const BENIGN: [&str; 4] = ["AAAA1111BBBB2222", "100", "135790", "ok"];

fn file_with(secret_col: usize, secret: &str) -> String {
    let cells: Vec<&str> = (0..4)
        .map(|i| if i == secret_col { secret } else { BENIGN[i] })
        .collect();
    // Quoted so a secret with spaces stays one cell.
    format!("{}\n\"{}\"\n", COLUMNS.join(","), cells.join("\",\""))
}

/// The secret's characters, normalised as the app reads them.
fn normalised(secret: &str) -> String {
    secret
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_uppercase()
}

/// Fails when `text` holds any run of `n` of the secret's characters in a
/// row (in either case).
fn assert_hidden(text: &str, secret: &str, n: usize, what: &str) {
    let s = normalised(secret);
    let upper = text.to_uppercase();
    for i in 0..=s.len() - n {
        let window = &s[i..i + n];
        assert!(
            !upper.contains(window),
            "{what}: {window:?} of the secret {secret:?} appears in:\n{text}"
        );
    }
}

/// What may show: only a valid code in the code column reveals its last four.
fn run_len(col: usize, secret: &str) -> usize {
    if col == 0 && normalised(secret).len() == 16 {
        5
    } else {
        4
    }
}

#[test]
fn row_reasons_never_repeat_a_cell_in_either_language() {
    let key = FingerprintKey::from_bytes([7; 32]);
    for profile in builtin_profiles()
        .into_iter()
        .filter(|p| ["jd_app", "kaquanmao"].contains(&p.id.as_str()))
    {
        for (col, secret) in (0..4).flat_map(|c| SECRETS.map(|s| (c, s))) {
            let mut b = import(file_with(col, secret).as_bytes()).unwrap();
            b.validate(&profile, &key, &Ledger::default());
            let row = &b.rows[0];
            for lang in [Lang::En, Lang::Zh] {
                let tr = Texts::new(lang);
                let mut shown: Vec<String> = row
                    .reasons
                    .iter()
                    .map(|r| tr.fmt_pairs(r.key, &r.args))
                    .collect();
                shown.push(row.masked.clone());
                shown.push(format!("{:?}", row.face_value));
                let what = format!("{} column {col} {secret:?} {lang:?}", profile.id);
                assert_hidden(&shown.join("\n"), secret, run_len(col, secret), &what);
            }
            if col == 1 {
                // A secret in the money column is an error, never a warning.
                assert_eq!(row.status, Status::Error, "{secret:?}");
                assert_eq!(row.face_value, None);
            }
        }
    }
}

#[test]
fn batch_check_never_prints_a_cell_on_stdout_or_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("rows.csv");
    for (col, secret) in (0..4).flat_map(|c| SECRETS.map(|s| (c, s))) {
        std::fs::write(&file, file_with(col, secret)).unwrap();
        for lang in ["en", "zh-CN"] {
            let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
                .args(["batch", "check"])
                .arg(&file)
                .arg("--data-dir")
                .arg(&data)
                .args(["--channel", "jd_app", "--reasons-lang", lang])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let what = format!("column {col} {secret:?} {lang}");
            assert_hidden(&stdout, secret, run_len(col, secret), &what);
            assert_hidden(&stderr, secret, 4, &what);
            if col == 1 {
                assert_eq!(out.status.code(), Some(1), "{what}\n{stdout}");
                assert!(stdout.contains("\"status\":\"error\""), "{what}\n{stdout}");
            }
        }
    }
}
