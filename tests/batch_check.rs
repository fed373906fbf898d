//! `cardguard batch check`: the same import and validation as the app,
//! with no window, releasing (and writing) nothing.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn check(dir: &Path, file: &Path, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["batch", "check"])
        .arg(file)
        .arg("--data-dir")
        .arg(dir)
        .args(["--reasons-lang", "en"])
        .args(extra)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code().unwrap(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn utf8_bom_and_gbk_files_give_rows_and_totals() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let utf8 = dir.path().join("a.csv");
    std::fs::write(
        &utf8,
        "\u{FEFF}card,face value\r\nabcd-1234-efgh-5678,100\r\nZZZZ1111YYYY2222,50\r\n",
    )
    .unwrap();
    let (code, lines, _) = check(&data, &utf8, &["--channel", "kaquanmao"]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["row"], 2);
    assert_eq!(lines[0]["code"], "•••• •••• •••• 5678");
    assert_eq!(lines[0]["status"], "ok");
    assert_eq!(lines[2]["totals"]["face_value_fen"], 15_000);
    assert_eq!(lines[2]["totals"]["payout_fen"], 13_800);
    assert!(!data.exists(), "a check writes nothing");

    let (gbk, _, _) = encoding_rs::GBK.encode("卡密\t面值\t验证码\nABCD1234EFGH5678\t100\t12345\n");
    let gbk_file = dir.path().join("b.txt");
    std::fs::write(&gbk_file, &gbk).unwrap();
    let (code, lines, _) = check(&data, &gbk_file, &["--channel", "jd_app"]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["status"], "error");
    assert_eq!(
        lines[0]["reasons"][0],
        "The verification code must be 6 digits."
    );
    let text = std::fs::read_to_string(&gbk_file).err();
    assert!(text.is_some(), "the file really is not UTF-8");
}

#[test]
fn bad_files_exit_2_with_a_message_and_ragged_rows_are_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (code, lines, err) = check(&data, &empty, &[]);
    // Readable, nothing in it: not "all good", not unreadable either.
    assert_eq!((code, lines.len()), (1, 0));
    assert!(err.contains("holds no rows"), "{err}");
    let binary = dir.path().join("x.csv");
    std::fs::write(&binary, b"PK\x03\x04\x00\x00binary").unwrap();
    let (code, _, err) = check(&data, &binary, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("not a text file"), "{err}");
    let (code, _, err) = check(&data, &dir.path().join("absent.csv"), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    // 100 MB (sparse: refused from its size, never read).
    let huge = dir.path().join("huge.csv");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let (code, _, err) = check(&data, &huge, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("too large"), "{err}");
    let unknown = dir.path().join("latin.csv");
    std::fs::write(&unknown, [0xFF, 0x80, 0x80, 0xFF, 0x30, b'\n']).unwrap();
    let (code, _, err) = check(&data, &unknown, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("neither UTF-8"), "{err}");
    let ragged = dir.path().join("r.csv");
    std::fs::write(
        &ragged,
        "ABCD1234EFGH5678,100,extra,cells\nWXYZ4321ABCD5678\n",
    )
    .unwrap();
    let (code, lines, _) = check(&data, &ragged, &["--channel", "kaquanmao"]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["status"], "ok");
    assert_eq!(lines[1]["reasons"][0], "No face value.");
}

/// Runs `batch check` and fails (killing it) if it has not finished within
/// a generous deadline: a FIFO used to hang it for ever.
fn check_promptly(data: &Path, file: &Path, lang: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["batch", "check"])
        .arg(file)
        .arg("--data-dir")
        .arg(data)
        .args(["--channel", "kaquanmao", "--reasons-lang", lang])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("batch check on {} did not return", file.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn pipes_devices_folders_and_huge_files_exit_2_promptly_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fifo = dir.path().join("rows.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(30 * 1024 * 1024)
        .unwrap();
    let cases: [(&Path, &str, &str); 4] = [
        (&fifo, "not a regular file", "不是普通文件"),
        (Path::new("/dev/zero"), "not a regular file", "不是普通文件"),
        (dir.path(), "is a folder", "是文件夹"),
        (&big, "too large", "太大"),
    ];
    for (file, en, zh) in cases {
        let (code, out, err) = check_promptly(&data, file, "en");
        assert_eq!(code, 2, "{}: {err}", file.display());
        assert!(out.is_empty() && err.contains(en), "{err}");
        let (code, _, err) = check_promptly(&data, file, "zh-CN");
        assert_eq!(code, 2);
        assert!(err.contains(zh), "{err}");
    }
}

#[test]
fn a_header_only_or_blank_rows_file_is_not_all_good() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cases = [
        (
            "header.csv",
            "card,face value\r\n",
            "has a header but no data rows",
        ),
        (
            "blank.csv",
            "card,face value\n,\n  ,  \n\n",
            "has a header but no data rows",
        ),
        ("commas.csv", ",,\n,,\n", "holds no rows"),
    ];
    for (name, text, why) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let (code, lines, err) = check(&data, &f, &[]);
        assert_eq!((code, lines.len()), (1, 0), "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
    }
}

#[test]
fn money_cells_that_are_not_plain_amounts_are_errors_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let f = dir.path().join("money.csv");
    std::fs::write(
        &f,
        "card,face value\nABCD1234EFGH5678,\"50,00\"\nWXYZ4321ABCD5678,0\n\
         QQQQ1111RRRR2222,\"1,000\"\nMMMM2222NNNN3333,9223372036854775807\n\
         PPPP4444SSSS5555,-100\n",
    )
    .unwrap();
    let (code, lines, _) = check(&data, &f, &["--channel", "kaquanmao"]);
    assert_eq!(code, 1);
    let first = |i: usize| lines[i]["reasons"][0].as_str().unwrap_or("").to_owned();
    assert!(first(0).contains("comma as a decimal mark"), "{}", first(0));
    assert!(first(1).contains("Face value 0"), "{}", first(1));
    // `1,000` is a thousands separator: ¥1000, one of the denominations.
    assert_eq!(lines[2]["status"], "ok");
    assert_eq!(lines[2]["face_value_fen"], 100_000);
    assert!(first(3).contains("19-digit number"), "{}", first(3));
    assert!(first(4).contains("not a number"), "{}", first(4));
    for i in [0, 1, 3, 4] {
        assert_eq!(lines[i]["status"], "error");
        assert!(lines[i]["face_value_fen"].is_null());
    }
}

#[test]
fn an_absurd_channel_profile_is_reported_and_the_built_ins_used() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let builtin = include_str!("../assets/channels.json");
    let bad = builtin.replacen("\"service_fee_fen\": 0", "\"service_fee_fen\": -100000", 1);
    let profiles = data.join("channels.json");
    std::fs::write(&profiles, &bad).unwrap();
    let f = dir.path().join("a.csv");
    std::fs::write(&f, "card,face value\nABCD1234EFGH5678,100\n").unwrap();
    let (code, lines, err) = check(&data, &f, &["--channel", "kaquanmao"]);
    assert_eq!(code, 0, "{err}");
    // The built-in fee (none), not the file's negative one.
    assert_eq!(lines[1]["totals"]["payout_fen"], 9_200);
    for needle in ["channels.json", "jd_app", "service_fee_fen", "-100000"] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["batch", "check"])
        .arg(&f)
        .arg("--data-dir")
        .arg(&data)
        .args(["--channel", "kaquanmao", "--reasons-lang", "zh-CN"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("渠道“jd_app”的字段“service_fee_fen”"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&profiles).unwrap(),
        bad,
        "untouched"
    );
}

/// Earlier orders catch a card submitted before: a journal or key that
/// cannot be read is said, never a silent "ok" (exit 2).
#[cfg(unix)]
#[test]
fn unreadable_earlier_orders_are_said_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "card,face value\nABCD1234EFGH5678,100\n").unwrap();
    let outside = dir.path().join("outside.jsonl");
    std::fs::write(&outside, "").unwrap();

    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    std::os::unix::fs::symlink(&outside, linked.join("journal.jsonl")).unwrap();
    let (code, lines, err) = check(&linked, &file, &["--channel", "kaquanmao"]);
    assert_eq!(code, 2, "{err}");
    assert!(lines.is_empty(), "nothing checked: {lines:?}");
    assert!(err.contains("Earlier orders could not be read"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");

    // Orders in the journal but no key: cannot recognise them either.
    let keyless = dir.path().join("keyless");
    let out = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["demo", "--headless", "--data-dir"])
        .arg(&keyless)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let demo = keyless.join("demo");
    std::fs::remove_file(demo.join("fingerprint.key")).unwrap();
    let (code, _, err) = check(&demo, &file, &["--channel", "kaquanmao"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no fingerprint key"), "{err}");
}
