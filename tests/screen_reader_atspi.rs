//! The real binary in a real window, read and driven over the AT-SPI bus as
//! a screen reader on Linux does (tests/a11y/drive.py):
//! - a whole order: every control named, the channel chosen from its list,
//!   the card code a password field, the confirm button's state described
//!   and announced, a confirmation pressed through the accessibility action
//!   and undone, then confirmed again, sent and cancelled inside the
//!   channel's window;
//! - a whole batch: the file named by the reader's "set value", imported,
//!   reviewed, confirmed, the test card's pause resumed, every card out and
//!   "cancel all" pressed, each phase announced.
//!
//! Needs Xvfb, D-Bus, at-spi2-core, python3-pyatspi and xdotool (.ci/run
//! installs them).

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One session at a time: two windows on two buses would share the
/// machine's two cores with the reader's waits.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs drive.py with `args` against the app on `data`, inside Xvfb and a
/// D-Bus session with the AT-SPI bus on; returns what the driver printed.
/// Each session asks for its own display numbers from `display` up: two
/// sessions back to back on `xvfb-run -a`'s default could race for the
/// display the first one is still letting go of. A session whose app could
/// not reach its X server at all (the environment, before any of the app's
/// code ran) is tried once more on other numbers.
fn reader_session(data: &std::path::Path, args: &[&str], display: u32) -> String {
    for attempt in 0..2 {
        match reader_session_on(data, args, display + 20 * attempt) {
            Ok(said) => return said,
            Err(report)
                if attempt == 0 && report.contains("Failed to open connection to X server") =>
            {
                println!("no X server for the app; once more on other display numbers");
            }
            Err(report) => panic!("{report}"),
        }
    }
    unreachable!()
}

fn reader_session_on(
    data: &std::path::Path,
    args: &[&str],
    display: u32,
) -> Result<String, String> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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

    let here = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new("xvfb-run")
        .args(["-a", "-n", &display.to_string()])
        .args(["-s", "-screen 0 1280x800x24", "dbus-run-session", "--"])
        .arg(format!("{here}/tests/a11y/session.sh"))
        .arg(env!("CARGO_BIN_EXE_cardguard"))
        .arg(data)
        .arg(format!("{here}/tests/a11y/drive.py"))
        .args(args)
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
    if status.success() && said.contains("DONE") {
        Ok(said)
    } else {
        Err(format!("{status}\n{said}\n{errors}"))
    }
}

fn kinds(journal: &str, kind: &str) -> usize {
    journal.matches(&format!("\"kind\":\"{kind}\"")).count()
}

#[test]
fn a_screen_reader_does_a_whole_order_over_at_spi() {
    let data = tempfile::tempdir().unwrap();
    let code = "ABCD2345EFGH6789";
    let said = reader_session(data.path(), &[code], 120);
    // What the journal kept: confirmed through the reader, then undone;
    // the code never in it, nor in anything the driver printed.
    let journal = std::fs::read_to_string(data.path().join("journal.jsonl")).unwrap();
    for kind in ["confirmed", "undone", "released", "cancelled"] {
        assert!(kinds(&journal, kind) > 0, "no {kind}: {journal}");
    }
    for text in [&journal, &said] {
        assert!(!text.contains(code) && !text.contains("ABCD"), "{text}");
    }
}

#[test]
fn a_screen_reader_releases_a_whole_batch_over_at_spi() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("three.csv");
    let codes = ["BTCH0001ZZZZ9999", "BTCH0002ZZZZ9998", "BTCH0003ZZZZ9997"];
    let csv: String = codes.iter().map(|c| format!("{c},100\n")).collect();
    std::fs::write(&file, format!("card,face value\n{csv}")).unwrap();
    let said = reader_session(data.path(), &["batch", &file.display().to_string()], 160);
    let journal = std::fs::read_to_string(data.path().join("journal.jsonl")).unwrap();
    assert_eq!(kinds(&journal, "batch_confirmed"), 1, "{journal}");
    assert_eq!(kinds(&journal, "released"), 3, "{journal}");
    assert!(
        kinds(&journal, "cancelled") + kinds(&journal, "cancel_requested") >= 3,
        "{journal}"
    );
    for text in [&journal, &said] {
        for code in codes {
            assert!(!text.contains(code), "{text}");
        }
    }
}
