//! The journal, its lock, its screenshots and exports under a hostile or
//! careless filesystem: symlinks, FIFOs, absolute and `..` paths, loose
//! modes, non-empty or linked export targets. Each is refused with a clear
//! message and nothing is changed; nothing blocks.
#![cfg(unix)]

use cardguard::core::clock::{Clock, ManualClock};
use cardguard::core::event::Event;
use cardguard::core::evidence::{ExportError, export_order, verify_bundle};
use cardguard::core::journal::{JOURNAL_FILE, Journal, JournalError, LOCK_FILE, sha256_hex};
use cardguard::core::safe_file::FileError;
use cardguard::core::screenshot;
use cardguard::core::session::{Paths, Session};
use cardguard::i18n::Lang;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc::channel;
use std::time::Duration;

const ORDER: &str = "CG-H-1";

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs the CLI; a run that does not end within a minute fails the test
/// (and is killed) instead of hanging it.
fn run(args: &[&str], dir: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().unwrap()));
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out,
        Err(_) => {
            // SAFETY: signalling the child this test started.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("cardguard {args:?} hung");
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Calls `f` on a worker; fails if it does not return within a minute.
fn without_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(f()));
    rx.recv_timeout(Duration::from_secs(60))
        .expect("blocked (FIFO opened for reading?)")
}

/// Every file below `dir` with its bytes (links as their target text).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            if m.file_type().is_symlink() {
                out.push((
                    name,
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                ));
            } else if m.is_dir() {
                stack.push(p);
            } else if m.is_file() {
                out.push((name, std::fs::read(&p).unwrap()));
            } else {
                out.push((name, b"<special>".to_vec()));
            }
        }
    }
    out.sort();
    out
}

fn shot_event(path: &str, sha256: &str) -> Event {
    Event::ScreenshotTaken {
        path: path.into(),
        width: 8,
        height: 4,
        sha256: sha256.into(),
        step: "review".into(),
        batch: None,
    }
}

/// A data dir whose journal names one real screenshot and then `paths`
/// (each journaled with `sha`); returns the real one's path.
fn with_shots(dir: &Path, paths: &[(&str, &str)]) -> String {
    let clock = ManualClock::fixed();
    let mut s = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
    s.record(
        Some(&ORDER.into()),
        Event::ChannelChosen {
            channel: "kaquanmao".into(),
        },
    )
    .unwrap();
    let at = clock.now().with_timezone(&clock.offset_at(clock.now()));
    let saved = screenshot::save(
        dir,
        &[9u8; 4 * 8 * 4],
        8,
        4,
        at,
        Some(&ORDER.into()),
        screenshot::ShotStep::Review,
    )
    .unwrap();
    s.record(Some(&ORDER.into()), shot_event(&saved.path, &saved.sha256))
        .unwrap();
    for (p, sha) in paths {
        s.record(Some(&ORDER.into()), shot_event(p, sha)).unwrap();
    }
    s.record(Some(&ORDER.into()), Event::DraftDiscarded {})
        .unwrap();
    saved.path
}

#[test]
fn a_symlinked_journal_or_lock_is_refused_and_nothing_changes() {
    for name in [JOURNAL_FILE, LOCK_FILE] {
        let d = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let target = elsewhere.path().join("victim");
        // A torn tail: the old open "repaired" it by cutting the target.
        std::fs::write(&target, b"precious bytes without newline").unwrap();
        let data = d.path().join("data");
        std::fs::create_dir(&data).unwrap();
        symlink(&target, data.join(name)).unwrap();
        let before = snapshot(&data);
        match Journal::open(&data) {
            Err(JournalError::File(FileError::Symlink(p))) => assert_eq!(p, data.join(name)),
            Err(e) => panic!("{name}: {e}"),
            Ok(_) => panic!("{name}: opened through a symlink"),
        }
        assert!(Session::open(Paths::in_one_dir(&data), ManualClock::fixed()).is_err());
        assert_eq!(snapshot(&data), before, "{name}: the data dir changed");
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"precious bytes without newline"
        );
        if name == JOURNAL_FILE {
            let out = run(&["journal", "verify"], &data);
            assert_eq!(out.status.code(), Some(2), "{}", text(&out));
            assert!(text(&out).contains("symbolic link"), "{}", text(&out));
            let out = run(&["journal", "verify", "--lang", "zh-CN"], &data);
            assert!(text(&out).contains("无法读取日志"), "{}", text(&out));
        }
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"precious bytes without newline"
        );
    }
}

#[test]
fn a_fifo_or_device_journal_is_refused_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    mkfifo(&d.path().join(JOURNAL_FILE));
    let dir = d.path().to_path_buf();
    let r = without_blocking(move || Journal::open(&dir).map(|_| ()));
    assert!(
        matches!(r, Err(JournalError::File(FileError::NotRegular(_, "fifo")))),
        "{r:?}"
    );
    let out = run(&["journal", "verify"], d.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("FIFO"), "{}", text(&out));
    let dir = d.path().to_path_buf();
    let r = without_blocking(move || cardguard::core::session::read_ledger(&dir).map(|_| ()));
    assert!(r.is_err());

    let d = tempfile::tempdir().unwrap();
    symlink("/dev/zero", d.path().join(JOURNAL_FILE)).unwrap();
    assert!(Journal::open(d.path()).is_err());
}

#[test]
fn journal_and_lock_are_0600_whatever_the_umask_and_a_loose_journal_is_tightened() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    // The real binary under umask 000, so nothing else in this test
    // process sees the changed mask.
    let out = unsafe {
        Command::new(env!("CARGO_BIN_EXE_cardguard"))
            .args(["journal", "stress", "--count", "1", "--data-dir"])
            .arg(&data)
            .pre_exec(|| {
                libc::umask(0);
                Ok(())
            })
            .output()
            .unwrap()
    };
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join(JOURNAL_FILE)), 0o600);
    assert_eq!(mode(&data.join(LOCK_FILE)), 0o600);

    std::fs::set_permissions(
        data.join(JOURNAL_FILE),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    drop(Journal::open(&data).unwrap());
    assert_eq!(mode(&data.join(JOURNAL_FILE)), 0o600);
}

#[test]
fn verify_refuses_screenshot_paths_outside_links_and_fifos_without_hanging() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.png");
    std::fs::write(&secret, b"not yours").unwrap();
    let secret_sha = sha256_hex(b"not yours");
    let secret_str = secret.to_str().unwrap().to_owned();
    type Setup = Box<dyn Fn(&Path, &str)>;
    let cases: Vec<(&str, String, Setup, &str)> = vec![
        (
            "absolute",
            secret_str.clone(),
            Box::new(|_: &Path, _: &str| {}),
            "screenshot_refused",
        ),
        (
            "dot-dot",
            "screenshots/../journal.jsonl".into(),
            Box::new(|_: &Path, _: &str| {}),
            "screenshot_refused",
        ),
        (
            "symlinked file",
            "screenshots/2026-11/link.png".into(),
            Box::new(move |d: &Path, _: &str| {
                symlink(&secret, d.join("screenshots/2026-11/link.png")).unwrap()
            }),
            "screenshot_refused",
        ),
        (
            "symlinked month folder",
            "screenshots/2026-10/secret.png".into(),
            Box::new({
                let o = outside.path().to_path_buf();
                move |d: &Path, _: &str| symlink(&o, d.join("screenshots/2026-10")).unwrap()
            }),
            "screenshot_refused",
        ),
        (
            "fifo",
            "screenshots/2026-11/pipe.png".into(),
            Box::new(|d: &Path, _: &str| mkfifo(&d.join("screenshots/2026-11/pipe.png"))),
            "screenshot_refused",
        ),
        (
            "missing",
            "screenshots/2026-11/gone.png".into(),
            Box::new(|_: &Path, _: &str| {}),
            "screenshot_missing",
        ),
    ];
    for (name, path, setup, expect) in cases {
        let d = tempfile::tempdir().unwrap();
        with_shots(d.path(), &[(&path, &secret_sha)]);
        setup(d.path(), &path);
        let journal = std::fs::read(d.path().join(JOURNAL_FILE)).unwrap();
        let out = run(&["journal", "verify"], d.path());
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        assert!(text(&out).contains(expect), "{name}: {}", text(&out));
        assert!(text(&out).contains("line 4:"), "{name}: {}", text(&out));
        assert_eq!(std::fs::read(d.path().join(JOURNAL_FILE)).unwrap(), journal);

        // Export never copies it and says so; the bundle still verifies.
        let bundle = d.path().join("bundle");
        let m = export_order(
            d.path(),
            &ORDER.into(),
            &bundle,
            chrono::Utc::now(),
            Lang::En,
        )
        .unwrap();
        let shots = m
            .files
            .iter()
            .filter(|f| f.name.starts_with("screenshots/"));
        assert_eq!(shots.count(), 1, "{name}: only the real screenshot");
        assert_eq!(m.not_copied.len(), 1, "{name}");
        assert_eq!(m.not_copied[0].path, path);
        let readme = std::fs::read_to_string(bundle.join("README.txt")).unwrap();
        assert!(readme.contains(&path), "{name}");
        assert!(verify_bundle(&bundle).is_ok(), "{name}");
        for (f, bytes) in snapshot(&bundle) {
            assert_ne!(bytes, b"not yours", "{name}: {f} copied from outside");
        }
    }
}

#[test]
fn export_checks_hashes_and_keeps_same_named_files_of_two_months_apart() {
    let d = tempfile::tempdir().unwrap();
    let real = with_shots(d.path(), &[]);
    // The same file name in another month, journaled with its own hash;
    // and a third whose bytes no longer match its line.
    let name = Path::new(&real)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let other = format!("screenshots/2026-12/{name}");
    std::fs::create_dir_all(d.path().join("screenshots/2026-12")).unwrap();
    std::fs::write(d.path().join(&other), b"december").unwrap();
    let changed = "screenshots/2026-12/changed.png";
    std::fs::write(d.path().join(changed), b"after").unwrap();
    {
        let mut s = Session::open(Paths::in_one_dir(d.path()), ManualClock::fixed()).unwrap();
        s.record(
            Some(&ORDER.into()),
            shot_event(&other, &sha256_hex(b"december")),
        )
        .unwrap();
        s.record(
            Some(&ORDER.into()),
            shot_event(changed, &sha256_hex(b"before")),
        )
        .unwrap();
    }
    let bundle = d.path().join("exports/new/bundle");
    let m = export_order(
        d.path(),
        &ORDER.into(),
        &bundle,
        chrono::Utc::now(),
        Lang::En,
    )
    .unwrap();
    let names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&real.as_str()), "{names:?}");
    assert!(names.contains(&other.as_str()), "{names:?}");
    assert_eq!(std::fs::read(bundle.join(&other)).unwrap(), b"december");
    assert_eq!(m.not_copied.len(), 1);
    assert_eq!(
        (m.not_copied[0].path.as_str(), m.not_copied[0].reason),
        (changed, "changed")
    );
    assert!(!bundle.join(changed).exists());
    assert_eq!(verify_bundle(&bundle).unwrap().files, m.files.len());
    // Created private, whatever was there before.
    assert_eq!(mode(&bundle), 0o700);
    assert_eq!(mode(&bundle.join("manifest.json")), 0o600);
    // A tampered copy in the bundle is caught.
    std::fs::write(bundle.join(&other), b"decemben").unwrap();
    assert!(verify_bundle(&bundle).unwrap_err().contains("was changed"));
}

#[test]
fn export_writes_only_into_a_new_or_empty_folder_and_never_through_a_link() {
    let d = tempfile::tempdir().unwrap();
    with_shots(d.path(), &[]);
    let journal = std::fs::read(d.path().join(JOURNAL_FILE)).unwrap();
    let now = chrono::Utc::now();

    // The old attack: a link in the target folder to the live journal.
    let trap = d.path().join("trap");
    std::fs::create_dir(&trap).unwrap();
    symlink(d.path().join(JOURNAL_FILE), trap.join("entries.jsonl")).unwrap();
    assert!(matches!(
        export_order(d.path(), &ORDER.into(), &trap, now, Lang::En),
        Err(ExportError::NotEmpty(_))
    ));
    let nonempty = d.path().join("nonempty");
    std::fs::create_dir(&nonempty).unwrap();
    std::fs::write(nonempty.join("keep.txt"), b"mine").unwrap();
    assert!(matches!(
        export_order(d.path(), &ORDER.into(), &nonempty, now, Lang::En),
        Err(ExportError::NotEmpty(_))
    ));
    let linked = d.path().join("linked");
    let empty = tempfile::tempdir().unwrap();
    symlink(empty.path(), &linked).unwrap();
    assert!(matches!(
        export_order(d.path(), &ORDER.into(), &linked, now, Lang::En),
        Err(ExportError::Write(FileError::Symlink(_)))
    ));
    let file = d.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(
        export_order(d.path(), &ORDER.into(), &file, now, Lang::En),
        Err(ExportError::NotAFolder(_))
    ));
    assert_eq!(std::fs::read(d.path().join(JOURNAL_FILE)).unwrap(), journal);
    assert_eq!(std::fs::read(nonempty.join("keep.txt")).unwrap(), b"mine");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    assert_eq!(std::fs::read(&file).unwrap(), b"x");

    // The CLI says why, in the chosen language, and exits 2.
    let out = run(
        &[
            "journal",
            "export",
            "--order",
            ORDER,
            "--out",
            nonempty.to_str().unwrap(),
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    let out = run(
        &[
            "journal",
            "export",
            "--order",
            ORDER,
            "--lang",
            "zh-CN",
            "--out",
            nonempty.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(text(&out).contains("不是空文件夹"), "{}", text(&out));
    // An empty folder is fine.
    let ok = d.path().join("ok");
    std::fs::create_dir(&ok).unwrap();
    let out = run(
        &[
            "journal",
            "export",
            "--order",
            ORDER,
            "--out",
            ok.to_str().unwrap(),
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(verify_bundle(&ok).is_ok());
}

/// A line another JSON reader would read differently: the app skips it on
/// replay, in `read_ledger` and the viewer, and verify names it.
#[test]
fn a_rehashed_line_with_a_duplicate_kind_is_malformed_everywhere() {
    let d = tempfile::tempdir().unwrap();
    with_shots(d.path(), &[]);
    let path = d.path().join(JOURNAL_FILE);
    let text_before = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text_before.lines().collect();
    // Line 3 (a draft discard) becomes, to a last-key-wins reader,
    // "cancelled"; serde's struct reader refuses it. Re-hashed, so only
    // the strict reading can tell.
    let l = lines[3];
    let cut = l.rfind(",\"hash\":\"").unwrap();
    let body = l[..cut].replace(
        "\"kind\":\"draft_discarded\"",
        "\"kind\":\"draft_discarded\",\"kind\":\"cancelled\"",
    );
    assert_ne!(body, &l[..cut]);
    let hash = sha256_hex(format!("{body}}}").as_bytes());
    let forged = format!("{body},\"hash\":\"{hash}\"}}");
    let mut all: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    all[3] = forged;
    std::fs::write(&path, all.join("\n") + "\n").unwrap();

    let out = run(&["journal", "verify"], d.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("line 4: malformed"), "{}", text(&out));
    // The start-up snapshot vouches only for where it ends (verify reads
    // every line): without it, replay reads and skips the forged line.
    std::fs::remove_file(d.path().join(cardguard::core::journal::SNAPSHOT_FILE)).ok();
    let opened = Journal::open(d.path()).unwrap();
    assert_eq!(opened.damaged.len(), 1);
    assert_eq!(opened.damaged[0].line, 4);
    assert_eq!(opened.from_snapshot, 0);
    assert_eq!(opened.lines_read as usize, lines.len());
}

#[test]
fn an_intact_line_of_an_unknown_kind_is_named_by_verify() {
    let d = tempfile::tempdir().unwrap();
    {
        let mut j = Journal::open(d.path()).unwrap().journal;
        let t = chrono::Utc::now();
        let tz = chrono::FixedOffset::east_opt(0).unwrap();
        j.append(
            t,
            tz,
            "from_the_future",
            None,
            &serde_json::json!({"x": 1}),
            false,
        )
        .unwrap();
        j.append(
            t,
            tz,
            "from_the_future",
            None,
            &serde_json::json!({}),
            false,
        )
        .unwrap();
    }
    let out = run(&["journal", "verify"], d.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("2 intact lines of kind from_the_future"),
        "{}",
        text(&out)
    );
}

/// A journal over the 4 GiB cap (sparse, so the test is cheap) is refused
/// before a byte is read, and not "repaired" (it has no newline at all).
#[test]
fn a_journal_over_the_cap_is_refused_unread_and_uncut() {
    use cardguard::core::journal::JOURNAL_CAP;
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join(JOURNAL_FILE);
    std::fs::File::create(&path)
        .unwrap()
        .set_len(JOURNAL_CAP + 1)
        .unwrap();
    assert!(matches!(
        Journal::open(d.path()),
        Err(JournalError::File(FileError::TooLarge(_, JOURNAL_CAP)))
    ));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), JOURNAL_CAP + 1);
    let out = run(&["journal", "verify"], d.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("larger than"), "{}", text(&out));
    assert!(cardguard::core::session::read_ledger(d.path()).is_err());
}
