//! The data dir is the only place touched, and it is private: links where
//! the app keeps its own files are refused (and what they point at is left
//! alone), FIFOs never block, and files are 0600 / folders 0700 whatever the
//! umask. Its own test binary: one test changes the process's umask.
#![cfg(unix)]

mod common;
use cardguard::core::clock::ManualClock;
use cardguard::core::screenshot::ShotStep;
use cardguard::core::session::{Paths, Session, SessionError, StartupNote};
use cardguard::i18n::Lang;
use common::*;
use eframe::egui;
use egui_kittest::kittest::Queryable;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn open(dir: &Path) -> Result<Session, SessionError> {
    Session::open(Paths::in_one_dir(dir), ManualClock::fixed())
}

#[test]
fn a_linked_or_fifo_key_is_refused_in_both_languages_and_nothing_changes() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("not-a-key.txt");
    std::fs::write(&target, b"precious").unwrap();
    let target_mode = mode(&target);
    for (lang, words) in [(Lang::En, "symbolic link"), (Lang::Zh, "符号链接")] {
        let rig = Rig::new();
        std::os::unix::fs::symlink(&target, rig.dir.path().join("fingerprint.key")).unwrap();
        let h = rig.open(lang);
        assert_has(&h, words);
        assert_has(
            &h,
            &rig.dir.path().join("fingerprint.key").display().to_string(),
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        assert_eq!(
            mode(&target),
            target_mode,
            "the linked file's mode is untouched"
        );
        assert!(
            !rig.journal().contains("app_started"),
            "nothing was started"
        );
    }
    let rig = Rig::new();
    mkfifo(&rig.dir.path().join("fingerprint.key"));
    // Returns (does not wait for a writer) and says what it found.
    let h = rig.open(Lang::En);
    assert_has(
        &h,
        &format!(
            "{} is a FIFO (named pipe), not a regular file",
            rig.dir.path().join("fingerprint.key").display()
        ),
    );
}

#[test]
fn a_linked_screenshots_folder_is_refused_and_nothing_is_written_there() {
    let rig = Rig::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), rig.dir.path().join("screenshots")).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00+08:00").unwrap();
    let rgba = vec![255u8; 4 * 4 * 4];
    let e =
        cardguard::core::screenshot::save(rig.dir.path(), &rgba, 4, 4, at, None, ShotStep::Manual)
            .unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    // A link one level down, at the month folder, is refused too.
    std::fs::remove_file(rig.dir.path().join("screenshots")).unwrap();
    std::fs::create_dir(rig.dir.path().join("screenshots")).unwrap();
    std::os::unix::fs::symlink(outside.path(), rig.dir.path().join("screenshots/2026-11")).unwrap();
    assert!(
        cardguard::core::screenshot::save(rig.dir.path(), &rgba, 4, 4, at, None, ShotStep::Manual)
            .is_err()
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn a_loose_data_dir_of_ours_is_made_private_a_chosen_one_is_left() {
    let d = tempfile::tempdir().unwrap();
    let ours = d.path().join("data");
    std::fs::create_dir(&ours).unwrap();
    std::fs::set_permissions(&ours, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = open(&ours).unwrap();
    assert!(
        s.startup_notes
            .iter()
            .any(|n| matches!(n, StartupNote::FolderMadePrivate(p) if p == &ours))
    );
    assert_eq!(mode(&ours), 0o700);
    drop(s);

    // A folder the person chose that holds other things: used, not changed.
    let chosen = d.path().join("documents");
    std::fs::create_dir(&chosen).unwrap();
    std::fs::write(chosen.join("letter.txt"), b"hi").unwrap();
    std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = open(&chosen).unwrap();
    assert_eq!(mode(&chosen), 0o755);
    assert!(
        !s.startup_notes
            .iter()
            .any(|n| matches!(n, StartupNote::FolderMadePrivate(_)))
    );
}

#[test]
fn umask_000_still_gives_private_files_and_folders() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("fresh/data");
    // SAFETY: umask only changes this process's creation mask; no other
    // test in this binary creates files whose mode it checks.
    let old = unsafe { libc::umask(0) };
    let s = open(&dir);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00+08:00").unwrap();
    let shot =
        cardguard::core::screenshot::save(&dir, &[0u8; 16], 2, 2, at, None, ShotStep::Manual);
    unsafe { libc::umask(old) };
    let s = s.unwrap();
    let shot = shot.unwrap();
    assert_eq!(mode(&dir), 0o700);
    for f in ["journal.jsonl", "cardguard.lock", "fingerprint.key"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&dir.join("screenshots")), 0o700);
    assert_eq!(mode(&dir.join(&shot.path)), 0o600);
    assert_eq!(mode(dir.join(&shot.path).parent().unwrap()), 0o700);
    drop(s);
}

#[test]
fn a_linked_settings_file_is_refused_said_in_both_languages_and_left_alone() {
    let rig = Rig::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("mine.json");
    std::fs::write(&target, br#"{"hold_s": 30}"#).unwrap();
    std::os::unix::fs::symlink(&target, rig.dir.path().join("settings.json")).unwrap();
    let mut h = rig.open(Lang::Zh);
    assert_has(&h, "符号链接");
    // Saving a change is refused in the same words, never written through the link.
    click(&mut h, "设置");
    click(&mut h, "严格");
    click(&mut h, "保存");
    assert_has(&h, "无法保存设置");
    assert!(
        !screen_text(&h).contains("does not follow"),
        "{}",
        screen_text(&h)
    );
    click(&mut h, "新订单");
    click(&mut h, "English");
    assert_has(&h, "symbolic link");
    // Neither the link nor what it points at was changed.
    assert_eq!(std::fs::read(&target).unwrap(), br#"{"hold_s": 30}"#);
    assert!(
        std::fs::symlink_metadata(rig.dir.path().join("settings.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_linked_screenshots_folder_is_said_in_the_window() {
    let rig = Rig::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), rig.dir.path().join("screenshots")).unwrap();
    let mut h = rig.open(Lang::Zh);
    h.get_by_label("截图").click();
    h.step();
    // The window answers the capture (kittest has no renderer: a grey
    // image stands in), then a worker saves it and the app says how it went.
    let mut asked = Vec::new();
    for _ in 0..3 {
        h.step();
        asked = screenshot_requests(&h);
        if !asked.is_empty() {
            break;
        }
    }
    assert_eq!(asked.len(), 1);
    for cb in asked {
        cb.complete(std::sync::Arc::new(egui::ColorImage::filled(
            [8, 4],
            egui::Color32::GRAY,
        )));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !has(&h, "无法保存截图") {
        assert!(std::time::Instant::now() < deadline, "never said");
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    assert_has(&h, "符号链接");
    assert!(!screen_text(&h).contains("symbolic"), "{}", screen_text(&h));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn a_journal_ending_in_more_than_a_torn_line_is_not_cut() {
    let rig = Rig::new();
    let path = rig.dir.path().join("journal.jsonl");
    let bytes = vec![b'x'; (cardguard::core::journal::MAX_TORN_TAIL + 10) as usize];
    std::fs::write(&path, &bytes).unwrap();
    let h = rig.open(Lang::Zh);
    assert_has(&h, "不是完整的一行");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing cut or added");
}

fn run_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(args)
        .output()
        .unwrap()
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_linked_demo_or_exports_folder_carries_nothing_outside() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), b"keep").unwrap();
    std::fs::set_permissions(outside.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    // DATA/demo is a link: refused, the folder it points at is untouched.
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), d.path().join("demo")).unwrap();
    let dir = d.path().to_str().unwrap();
    let out = run_cli(&["demo", "--headless", "--data-dir", dir, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{out:?}"
    );
    assert_eq!(tree(outside.path()), ["keep.txt"]);
    assert_eq!(mode(outside.path()), 0o755);

    // DATA/demo/exports is a link: the evidence step fails, nothing lands outside.
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("demo")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.path().join("demo/exports")).unwrap();
    let dir = d.path().to_str().unwrap();
    let out = run_cli(&["demo", "--headless", "--data-dir", dir, "--lang", "zh-CN"]);
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("符号链接"),
        "{out:?}"
    );
    assert_eq!(tree(outside.path()), ["keep.txt"]);
}

#[test]
fn a_command_piped_into_a_reader_that_goes_away_stops_quietly() {
    let d = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["demo", "--headless", "--data-dir"])
        .arg(d.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

#[test]
fn output_that_cannot_be_written_is_exit_2_not_a_panic_or_a_success() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let d = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["demo", "--headless", "--data-dir"])
        .arg(d.path())
        .stdout(full())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let csv = d.path().join("a.csv");
    std::fs::write(&csv, "card,face value\nABCD1234EFGH5678,100\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(["batch", "check"])
        .arg(&csv)
        .args(["--channel", "kaquanmao", "--data-dir"])
        .arg(d.path().join("fresh"))
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{:?}", out);
}

/// Under a file-size limit (`ulimit -f`) the binary is not killed by
/// SIGXFSZ: the write fails with EFBIG, which is said, and the process
/// ends on its own terms.
#[test]
fn a_file_size_limit_is_said_not_a_kill() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"));
    cmd.args(["--lang", "en", "demo", "--headless", "--data-dir"])
        .arg(dir.path());
    // SAFETY: only async-signal-safe setrlimit between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 8 * 1024,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let out = cmd.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.signal(),
        None,
        "killed: {:?}\n{said}",
        out.status
    );
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("os error 27") || said.contains("too large"),
        "{said}"
    );
}
