//! `guard-eval` reads bounded input: a FIFO or device is refused before a
//! byte is read (a FIFO used to hang it, `/dev/zero` drove it to 9 GB),
//! standard input is read up to the cap and no further, an over-long line
//! is reported inline and the rest still evaluated.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Waits for the child, killing it and failing if it does not finish: a
/// guard against a hang, not a timing measurement.
fn finish(mut child: std::process::Child, what: &str) -> (i32, String, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("guard-eval on {what} did not return");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn eval(traces: &Path, lang: &str) -> (i32, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .arg("guard-eval")
        .arg("--traces")
        .arg(traces)
        .args(["--reasons-lang", lang])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, &traces.display().to_string())
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_folders_are_refused_promptly_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("traces.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let cases: [(&Path, &str, &str); 3] = [
        (&fifo, "FIFO", "命名管道"),
        (Path::new("/dev/zero"), "device", "设备文件"),
        (dir.path(), "folder", "文件夹"),
    ];
    for (path, en, zh) in cases {
        let (code, out, err) = eval(path, "en");
        assert_eq!(code, 2, "{}: {err}", path.display());
        assert!(out.is_empty());
        assert!(
            err.contains(en) && err.contains("not a regular file"),
            "{err}"
        );
        let (code, _, err) = eval(path, "zh-CN");
        assert_eq!(code, 2);
        assert!(err.contains(zh), "{err}");
    }
    let (code, _, err) = eval(&dir.path().join("absent.jsonl"), "en");
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn standard_input_is_read_up_to_the_cap_and_no_further() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["guard-eval", "--traces", "-", "--reasons-lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let cap = cardguard::cli::GUARD_EVAL_MAX_BYTES as usize;
    // Twice the cap: the reader must stop at the cap, not read it all.
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        let mut written = 0;
        while written < 2 * cap {
            if stdin.write_all(&chunk).is_err() {
                break; // guard-eval stopped reading and exited
            }
            written += chunk.len();
        }
        written
    });
    let (code, out, err) = finish(child, "stdin");
    let written = writer.join().unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("more than 64 MB"), "{err}");
    assert!(written < 2 * cap, "guard-eval read everything offered");
}

#[test]
fn an_over_long_line_is_reported_inline_and_the_others_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.jsonl");
    let ok = r#"{"id": "a", "context": {"face_value_fen": 10000, "cancel_window_s": 480}, "events": [{"t": 0, "type": "shown"}]}"#;
    let long = format!(
        r#"{{"id": "b", "context": {{"face_value_fen": 10000, "cancel_window_s": 480}}, "events": [{}]}}"#,
        vec![r#"{"t": 0, "type": "blur"}"#; 60_000].join(",")
    );
    assert!(long.len() > cardguard::cli::GUARD_EVAL_MAX_LINE);
    std::fs::write(&f, format!("{ok}\n{long}\n{ok}\n")).unwrap();
    let (code, out, err) = eval(&f, "en");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "a");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("line 2 is longer than 1 MB"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["id"], "a");
}
