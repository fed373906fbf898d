//! The record survives crashes and reveals tampering; secrets never reach
//! disk or an exported bundle.

mod common;
use cardguard::core::clock::{Clock, ManualClock};
use cardguard::core::event::Event;
use cardguard::core::evidence::verify_dir;
use cardguard::core::ids::OrderId;
use cardguard::core::journal::Journal;
use cardguard::core::money::Fen;
use cardguard::core::screenshot;
use cardguard::core::session::{Paths, Session};
use cardguard::i18n::Lang;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cardguard"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A data dir with ~30 events and two screenshots, written through the real core.
fn journal_with_screenshots(dir: &Path) -> Vec<String> {
    let clock = ManualClock::fixed();
    let mut s = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
    let mut shots = Vec::new();
    for i in 0..6 {
        let id = OrderId::new(format!("CG-T-{i}"));
        s.record(
            Some(&id),
            Event::ChannelChosen {
                channel: "kaquanmao".into(),
            },
        )
        .unwrap();
        s.record(
            Some(&id),
            Event::FaceValueSet {
                face_value_fen: Fen(10_000),
                retyped: false,
            },
        )
        .unwrap();
        clock.advance_ms(1_000);
        if i % 3 == 0 {
            let px = vec![(i * 40) as u8; 4 * 32 * 16];
            let at = clock.now().with_timezone(&clock.offset_at(clock.now()));
            let saved = screenshot::save(
                dir,
                &px,
                32,
                16,
                at,
                Some(&id),
                screenshot::ShotStep::Review,
            )
            .unwrap();
            shots.push(saved.path.clone());
            s.record(
                Some(&id),
                Event::ScreenshotTaken {
                    path: saved.path,
                    width: 32,
                    height: 16,
                    sha256: saved.sha256,
                    step: "review".into(),
                    batch: None,
                },
            )
            .unwrap();
        }
        s.record(Some(&id), Event::DraftDiscarded {}).unwrap();
    }
    shots
}

/// Damages a copy of the data dir in one way.
type Tamper = Box<dyn Fn(&Path)>;

fn verify(dir: &Path) -> (i32, String) {
    let out = bin()
        .args(["journal", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn every_kind_of_tampering_is_reported_with_its_line() {
    let base = tempfile::tempdir().unwrap();
    let good = base.path().join("good");
    let shots = journal_with_screenshots(&good);
    let (code, out) = verify(&good);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("intact (") && out.contains(", 2 screenshots)"),
        "{out}"
    );
    let journal = std::fs::read_to_string(good.join("journal.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    let join = |ls: Vec<&str>| ls.iter().map(|l| format!("{l}\n")).collect::<String>();

    let mut cases: Vec<(&str, Tamper, &str)> = Vec::new();
    // Edit one byte of line 5.
    let edited = {
        let mut ls = lines.clone();
        let l5 = ls[4].replacen("\"ts\":\"2026", "\"ts\":\"2027", 1);
        ls[4] = Box::leak(l5.into_boxed_str());
        join(ls)
    };
    cases.push((
        "edit one byte",
        Box::new(move |d: &Path| std::fs::write(d.join("journal.jsonl"), &edited).unwrap()),
        "line 5: edited",
    ));
    let deleted = join(
        lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 6)
            .map(|(_, l)| *l)
            .collect(),
    );
    cases.push((
        "delete a line",
        Box::new(move |d: &Path| std::fs::write(d.join("journal.jsonl"), &deleted).unwrap()),
        "line 7: missing",
    ));
    // Forge line 9 with its own hash recomputed, linked to line 8.
    let forged = {
        let prev8 = serde_json::from_str::<serde_json::Value>(lines[7]).unwrap()["hash"]
            .as_str()
            .unwrap()
            .to_owned();
        let ts = chrono::DateTime::parse_from_rfc3339("2026-11-27T09:00:05Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let (f, _) = cardguard::core::journal::render_line(
            9,
            ts,
            chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
            "cancelled",
            Some(&"CG-T-1".into()),
            &serde_json::json!({"fee_fen": 0}),
            None,
            &prev8,
        );
        let mut ls: Vec<&str> = lines.clone();
        ls.insert(8, Box::leak(f.trim_end().to_owned().into_boxed_str()));
        join(ls)
    };
    cases.push((
        "insert a forged line",
        Box::new(move |d: &Path| std::fs::write(d.join("journal.jsonl"), &forged).unwrap()),
        "line 9: inserted",
    ));
    let swapped = {
        let mut ls = lines.clone();
        ls.swap(10, 11);
        join(ls)
    };
    cases.push((
        "swap two lines",
        Box::new(move |d: &Path| std::fs::write(d.join("journal.jsonl"), &swapped).unwrap()),
        "line 11: reordered",
    ));
    let n = lines.len();
    let truncated = journal[..journal.len() - 30].to_owned();
    let trunc_expect: &'static str = Box::leak(format!("line {n}: truncated").into_boxed_str());
    cases.push((
        "truncate the tail",
        Box::new(move |d: &Path| std::fs::write(d.join("journal.jsonl"), &truncated).unwrap()),
        trunc_expect,
    ));
    let shot0 = shots[0].clone();
    cases.push((
        "change a screenshot",
        Box::new(move |d: &Path| {
            let p = d.join(&shot0);
            let mut b = std::fs::read(&p).unwrap();
            let last = b.len() - 1;
            b[last] ^= 1;
            std::fs::write(p, b).unwrap();
        }),
        "screenshot_changed",
    ));
    let shot1 = shots[1].clone();
    cases.push((
        "delete a screenshot",
        Box::new(move |d: &Path| std::fs::remove_file(d.join(&shot1)).unwrap()),
        "screenshot_missing",
    ));

    for (i, (name, tamper, expect)) in cases.iter().enumerate() {
        let d = base.path().join(format!("case{i}"));
        copy_dir(&good, &d);
        tamper(&d);
        let before = std::fs::read(d.join("journal.jsonl")).unwrap();
        let (code, out) = verify(&d);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(
            out.contains(expect),
            "{name}: expected {expect:?} in {out:?}"
        );
        assert_eq!(
            std::fs::read(d.join("journal.jsonl")).unwrap(),
            before,
            "{name}: verify modified the journal"
        );
    }
    let (code, _) = verify(&base.path().join("absent"));
    assert_eq!(code, 2);
}

#[test]
fn killed_mid_append_every_acknowledged_event_survives() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut acked_total = 0u64;
    for round in 0..30 {
        let mut child = bin()
            .args(["journal", "stress", "--count", "1000000", "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        // Read a random number of acknowledgements, then kill at once (SIGKILL).
        let want = rng.u64(5..400);
        let mut last_acked = 0u64;
        let mut line = String::new();
        for _ in 0..want {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            last_acked = line.trim().parse().unwrap();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Anything acknowledged after our last read is also on disk; at least last_acked is.
        let opened = Journal::open(dir.path()).unwrap();
        let max_seq = opened.journal.next_seq() - 1;
        assert!(
            max_seq >= last_acked,
            "round {round}: acked {last_acked}, journal ends at {max_seq}"
        );
        assert!(
            opened.damaged.is_empty(),
            "round {round}: {:?}",
            opened.damaged
        );
        acked_total += want;
        drop(opened);
        // The app starts normally (repairing and journaling a torn tail if any) and the chain verifies.
        let s = Session::open(Paths::in_one_dir(dir.path()), ManualClock::fixed()).unwrap();
        drop(s);
        let intact = verify_dir(dir.path(), &mut |_, _| {}).unwrap();
        assert!(intact.events >= last_acked);
    }
    assert!(acked_total > 0);
}

#[test]
fn no_secret_reaches_the_data_dir_or_the_bundle() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    // A JD channel: it asks for the verification code too.
    type_code(&mut h, "qrst 2345 uvwx 6789");
    click(&mut h, "Show");
    let field = "Verification code (6 digits)";
    type_into(&mut h, field, "864213");
    click(&mut h, "¥100");
    review_confirm_release(&mut h, &rig);
    let [id] = rig.orders_of("released").try_into().unwrap();
    assert_has(&h, &id);
    // The cancel is part of what the bundle carries (pressed a moment after
    // the window opened: sooner is taken for a double click).
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Cancel this order");
    assert_eq!(rig.orders_of("cancelled"), std::slice::from_ref(&id));
    drop(h);
    let bundle = rig.dir.path().join("bundle");
    let out = bin()
        .args(["journal", "export", "--order", &id, "--out"])
        .arg(&bundle)
        .arg("--data-dir")
        .arg(rig.dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = std::fs::read_to_string(rig.dir.path().join("fingerprint.key")).unwrap();
    let secrets = ["QRST2345UVWX6789", "864213"];
    for path in walk(rig.dir.path()) {
        let bytes = std::fs::read(&path).unwrap();
        // Any case, any grouping: compare with separators removed.
        let flat: String = String::from_utf8_lossy(&bytes)
            .to_uppercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        for s in secrets {
            assert!(!flat.contains(s), "{} contains a secret", path.display());
        }
        if path.starts_with(&bundle) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(key.trim()),
                "{} contains the key",
                path.display()
            );
        }
    }
    assert!(bundle.join("manifest.json").exists() && bundle.join("README.txt").exists());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `--lang` before the command applies to it; the command's own wins; with
/// neither, English.
#[test]
fn the_language_given_before_a_command_applies_to_it() {
    let d = tempfile::tempdir().unwrap();
    journal_with_screenshots(d.path());
    let run = |args: &[&str]| {
        let out = bin()
            .args(args)
            .arg("--data-dir")
            .arg(d.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let said = |lang: cardguard::i18n::Lang| {
        let t = cardguard::i18n::Texts::new(lang);
        t.get("journal.cli_intact")
            .split('{')
            .next()
            .unwrap()
            .to_owned()
    };
    use cardguard::i18n::Lang::{En, Zh};
    assert!(run(&["journal", "verify"]).starts_with(&said(En)));
    assert!(run(&["--lang", "zh-CN", "journal", "verify"]).starts_with(&said(Zh)));
    assert!(run(&["--lang", "zh-CN", "journal", "verify", "--lang", "en"]).starts_with(&said(En)));
}

/// The global `--lang` reaches `guard-eval`'s reasons too.
#[test]
fn the_language_given_before_guard_eval_says_its_reasons() {
    let traces = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/traces/reflex.jsonl");
    let reasons = |args: &[&str]| {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let first = String::from_utf8(out.stdout).unwrap();
        let line: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
        line["reasons"][0].as_str().unwrap().to_owned()
    };
    let en = reasons(&["guard-eval", "--traces", traces]);
    let zh = reasons(&["--lang", "zh-CN", "guard-eval", "--traces", traces]);
    let cjk = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(!cjk(&en) && cjk(&zh), "{en} / {zh}");
    let own = reasons(&[
        "--lang",
        "zh-CN",
        "guard-eval",
        "--traces",
        traces,
        "--reasons-lang",
        "en",
    ]);
    assert_eq!(own, en);
}
