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
    assert_eq!((code, lines.len()), (2, 0));
    assert!(err.contains("holds no rows"), "{err}");
    let binary = dir.path().join("x.csv");
    std::fs::write(&binary, b"PK\x03\x04\x00\x00binary").unwrap();
    let (code, _, err) = check(&data, &binary, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("not a text file"), "{err}");
    let (code, _, err) = check(&data, &dir.path().join("absent.csv"), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("Cannot read"), "{err}");
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
