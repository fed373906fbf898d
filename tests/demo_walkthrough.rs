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
    assert_eq!(steps.len(), 18, "{out}");
    assert!(steps.iter().all(|l| l.contains("] ok ")), "{out}");
    assert!(out.contains("2 clicks ignored, nothing confirmed"), "{out}");
    assert!(
        out.contains("cancelled inside its window, fee ¥5.00"),
        "{out}"
    );
    assert!(out.contains("now \"Verifying\""), "{out}");
    assert!(out.contains("bundle intact"), "{out}");
    assert!(out.contains("\"Something went wrong?\" on CG-"), "{out}");
    assert!(
        out.contains(": Ask the card issuer to freeze the card; message saved to "),
        "{out}"
    );
    // It works in DIR/demo, as the window's --demo does.
    let demo = dir.path().join("demo");
    let (code, out, _) = cardguard(&["journal", "verify"], &demo);
    assert_eq!(code, 0, "{out}");
    // The fake cards never appear unmasked.
    let journal = std::fs::read_to_string(demo.join("journal.jsonl")).unwrap();
    // The sample cards are written DEMO-0000-0000-NNNN: look past separators and case.
    let flat = journal.to_uppercase().replace(['-', ' '], "");
    assert!(!flat.contains("DEMO0000"), "a sample card in the journal");
    let kinds = [
        "confirm_swallowed",
        "undone",
        "cancelled",
        "window_closed",
        "remedy_opened",
        "remedy_path_chosen",
        "remedy_message_prepared",
    ];
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
    let (code, _, _) = cardguard(&["journal", "verify"], &data.join("demo"));
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
    assert!(err.contains("DEMO followed by digits only"), "{err}");
    std::fs::write(&script, "{ not json").unwrap();
    let (code, _, err) = cardguard(
        &["demo", "--headless", "--script", script.to_str().unwrap()],
        &data,
    );
    assert_eq!(code, 2);
    assert!(err.contains("Cannot use the demo script"), "{err}");
}

#[test]
fn a_headless_demo_never_touches_the_data_dirs_own_journal_or_settings() {
    use cardguard::core::event::ReleaseMode;
    use cardguard::core::settings::Settings;
    let dir = tempfile::tempdir().unwrap();
    // A real data dir: a journal written by the app and non-demo settings.
    let (code, _, err) = cardguard(&["journal", "stress", "--count", "3"], dir.path());
    assert_eq!(code, 0, "{err}");
    Settings {
        release_mode: ReleaseMode::Manual,
        hold_s: 30,
        ..Settings::default()
    }
    .save(&dir.path().join("settings.json"))
    .unwrap();
    let journal = std::fs::read(dir.path().join("journal.jsonl")).unwrap();
    let settings = std::fs::read(dir.path().join("settings.json")).unwrap();
    for run in 1..=2 {
        let (code, out, err) = cardguard(&["demo", "--headless"], dir.path());
        assert_eq!(code, 0, "run {run}: {out}\n{err}");
        assert_eq!(
            std::fs::read(dir.path().join("journal.jsonl")).unwrap(),
            journal
        );
        assert_eq!(
            std::fs::read(dir.path().join("settings.json")).unwrap(),
            settings
        );
    }
    assert!(dir.path().join("demo/journal.jsonl").exists());
    let (code, _, _) = cardguard(&["journal", "verify"], dir.path());
    assert_eq!(code, 0, "the real journal still verifies");
}

#[test]
fn absurd_and_unreadable_scripts_are_refused_with_step_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let script = dir.path().join("s.json");
    let run = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
            .args(["demo", "--headless", "--lang", lang, "--script"])
            .arg(&script)
            .arg("--data-dir")
            .arg(&data)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (step, en) in [
        (
            r#"{"do":"wait","seconds":1000000000000000}"#,
            "field \"seconds\"",
        ),
        (r#"{"do":"speed","factor":0}"#, "field \"factor\""),
        (
            r#"{"do":"remedy","problem":"QW23ER45TY67UI89QW23ER45TY67UI89QW23ER45TY67UI89QW23ER45TY67UI89X"}"#,
            "field \"problem\"",
        ),
        (
            r#"{"do":"new_order","channel":"duidui","card":"DEMO-1","face_value_yuan":9223372036854775807}"#,
            "field \"face_value_yuan\"",
        ),
    ] {
        std::fs::write(
            &script,
            format!(r#"{{"title":{{"zh":"t","en":"t"}},"steps":[{{"do":"caption"}},{step}]}}"#),
        )
        .unwrap();
        let (code, err) = run("en");
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("step 2") && err.contains(en), "{err}");
        let (code, err) = run("zh-CN");
        assert_eq!(code, 2);
        assert!(err.contains("第 2 步"), "{err}");
    }
    assert!(!data.exists(), "a refused script changes nothing");
    // A FIFO or device as the script: refused before reading, no hang.
    #[cfg(unix)]
    {
        std::fs::remove_file(&script).unwrap();
        let c = std::ffi::CString::new(script.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (code, err) = run("en");
        assert_eq!(code, 2);
        assert!(err.contains("FIFO"), "{err}");
    }
}

/// A script's text is never echoed as it is: a code in any field is masked.
#[test]
fn a_code_in_any_script_field_is_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.json");
    std::fs::write(
        &script,
        r#"{"title":{"zh":"t","en":"t"},"steps":[{"do":"new_order","channel":"QW23ER45TY67UI89","card":"DEMO-0000-0000-0001","face_value_yuan":100}]}"#,
    )
    .unwrap();
    let (code, out, err) = cardguard(
        &["demo", "--headless", "--script", script.to_str().unwrap()],
        &dir.path().join("data"),
    );
    assert_eq!(code, 1, "{out}{err}");
    for text in [&out, &err] {
        assert!(!text.contains("QW23") && !text.contains("TY67"), "{text}");
    }
}
