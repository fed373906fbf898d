//! The built-in walkthrough, end to end with no window: `cardguard demo
//! --headless` runs every step through the core, prints one line per step,
//! and the journal it wrote verifies (also with `journal verify`).

use std::path::Path;
use std::process::Command;

fn cardguard(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_builtin_walkthrough_runs_headless_and_its_journal_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = cardguard(&["demo", "--headless"], dir.path());
    assert_eq!(code, 0, "{out}\n{err}");
    let steps: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(steps.len(), 17, "{out}");
    assert!(steps.iter().all(|l| l.contains("] ok ")), "{out}");
    assert!(out.contains("2 clicks ignored, nothing confirmed"), "{out}");
    assert!(
        out.contains("cancelled inside its window, fee ¥5.00"),
        "{out}"
    );
    assert!(out.contains("now \"Verifying\""), "{out}");
    assert!(out.contains("bundle intact"), "{out}");
    let (code, out, _) = cardguard(&["journal", "verify"], dir.path());
    assert_eq!(code, 0, "{out}");
    // The fake cards never appear unmasked.
    let journal = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    assert!(!journal.contains("DEMO00000000"));
    let kinds = ["confirm_swallowed", "undone", "cancelled", "window_closed"];
    for k in kinds {
        assert!(journal.contains(&format!("\"kind\":\"{k}\"")), "{k}");
    }
    // In Chinese too.
    let dir2 = tempfile::tempdir().unwrap();
    let (code, out, _) = cardguard(&["demo", "--headless", "--lang", "zh-CN"], dir2.path());
    assert_eq!(code, 0);
    assert!(out.contains("习惯性双击"), "{out}");
}

#[test]
fn a_failed_expectation_fails_the_run_and_bad_scripts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.json");
    std::fs::write(
        &script,
        r#"{"title":{"zh":"t","en":"t"},"steps":[
            {"do":"new_order","channel":"duidui","card":"DEMO-0000-0000-0009","face_value_yuan":100},
            {"do":"confirm"},
            {"do":"wait","seconds":11,"expect":{"phase":"in_window"}}
        ]}"#,
    )
    .unwrap();
    let data = dir.path().join("data");
    let (code, out, _) = cardguard(
        &["demo", "--headless", "--script", script.to_str().unwrap()],
        &data,
    );
    // Duidui has no cancel window: the order goes straight to verifying.
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[3/3] FAIL wait") && out.contains("expected phase in_window"));
    let (code, _, _) = cardguard(&["journal", "verify"], &data);
    assert_eq!(code, 0, "a failed demo still leaves an intact journal");

    std::fs::write(
        &script,
        r#"{"title":{"zh":"t","en":"t"},"steps":[{"do":"new_order","channel":"duidui","card":"ABCD1234EFGH5678","face_value_yuan":100}]}"#,
    )
    .unwrap();
    let (code, _, err) = cardguard(
        &["demo", "--headless", "--script", script.to_str().unwrap()],
        &data,
    );
    assert_eq!(code, 2);
    assert!(err.contains("must start with DEMO"), "{err}");
    std::fs::write(&script, "{ not json").unwrap();
    let (code, _, err) = cardguard(
        &["demo", "--headless", "--script", script.to_str().unwrap()],
        &data,
    );
    assert_eq!(code, 2);
    assert!(err.contains("Cannot use the demo script"), "{err}");
}
