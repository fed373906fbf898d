//! The real binary in a real window, read and driven over the AT-SPI bus as
//! a screen reader on Linux does (tests/a11y/drive.py): every control named,
//! the channel chosen from its list, the card code a password field, the
//! confirm button's state described and announced, a confirmation pressed
//! through the accessibility action and undone, then confirmed again, sent
//! and cancelled inside the channel's window.
//! Needs Xvfb, D-Bus, at-spi2-core, python3-pyatspi and xdotool (.ci/run
//! installs them).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_screen_reader_does_a_whole_order_over_at_spi() {
    for cmd in [
        "xvfb-run",
        "dbus-run-session",
        "xdotool",
        "/usr/libexec/at-spi-bus-launcher",
    ] {
        assert!(
            have(cmd),
            "{cmd} is needed: apt-get install xvfb xauth dbus at-spi2-core python3-pyatspi xdotool (see .ci/run)"
        );
    }
    let pyatspi = Command::new("/usr/bin/python3")
        .args(["-c", "import pyatspi"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(pyatspi, "python3-pyatspi is needed (see .ci/run)");

    let data = tempfile::tempdir().unwrap();
    let here = env!("CARGO_MANIFEST_DIR");
    let code = "ABCD2345EFGH6789";
    let mut child = Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            "dbus-run-session",
            "--",
        ])
        .arg(format!("{here}/tests/a11y/session.sh"))
        .arg(env!("CARGO_BIN_EXE_cardguard"))
        .arg(data.path())
        .arg(format!("{here}/tests/a11y/drive.py"))
        .arg(code)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start xvfb-run");
    // A watchdog, not a timing assertion: a hung bus must not hang CI.
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the screen reader session did not end within 240 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let errors = String::from_utf8_lossy(&out.stderr).into_owned();
    // The driver's steps, for `--nocapture` and for a failure's report.
    println!("{said}");
    assert!(
        status.success() && said.contains("DONE"),
        "{status}\n{said}\n{errors}"
    );
    // What the journal kept: confirmed through the reader, then undone;
    // the code never in it, nor in anything the driver printed.
    let journal = std::fs::read_to_string(data.path().join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"kind\":\"confirmed\""), "{journal}");
    assert!(journal.contains("\"kind\":\"undone\""), "{journal}");
    assert!(journal.contains("\"kind\":\"released\""), "{journal}");
    assert!(journal.contains("\"kind\":\"cancelled\""), "{journal}");
    for text in [&journal, &said] {
        assert!(!text.contains(code) && !text.contains("ABCD"), "{text}");
    }
}
