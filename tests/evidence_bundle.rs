//! Evidence a third party can check (bundle v3): an order's bundle holds
//! nothing of any other order, verifies with the app and with the bundle's
//! own verify.py, and any changed byte, swapped checkpoint or cut journal
//! is caught.

use cardguard::core::clock::{Clock, ManualClock};
use cardguard::core::event::{Event, ReleaseMode};
use cardguard::core::evidence::{export_order, verify_bundle};
use cardguard::core::ids::OrderId;
use cardguard::core::money::Fen;
use cardguard::core::screenshot;
use cardguard::core::session::{Paths, Session};
use cardguard::i18n::Lang;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/tsa.rs"]
mod tsa;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cardguard"))
}

fn run(args: &[&str]) -> (i32, String) {
    let out = bin().args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Order `i`'s own facts: a face value and a card's last four no other
/// order shares, so a leak of either is visible in the bundle's bytes.
fn facts(i: usize) -> (OrderId, i64, String) {
    (
        OrderId::new(format!("CG-P-{i:03}")),
        100_000 + i as i64 * 1_237,
        format!("Q{i:03}"),
    )
}

/// `n` orders, interleaved two at a time, each with a screenshot, a
/// confirm and a release (which sign checkpoints).
fn many_orders(dir: &Path, n: usize) {
    let clock = ManualClock::fixed();
    let mut s = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
    for pair in (0..n).collect::<Vec<_>>().chunks(2) {
        for &i in pair {
            let (id, fen, last4) = facts(i);
            s.record(
                Some(&id),
                Event::ChannelChosen {
                    channel: "simulated".into(),
                },
            )
            .unwrap();
            s.record(
                Some(&id),
                Event::CodeEntered {
                    masked: format!("•••• •••• •••• {last4}"),
                    fingerprint: format!("{:064x}", i + 1),
                    pasted: false,
                    confusables: 0,
                    already_released: false,
                },
            )
            .unwrap();
            s.record(
                Some(&id),
                Event::FaceValueSet {
                    face_value_fen: Fen(fen),
                    retyped: false,
                },
            )
            .unwrap();
        }
        for &i in pair {
            let (id, ..) = facts(i);
            clock.advance_ms(1_000);
            let at = clock.now().with_timezone(&clock.offset_at(clock.now()));
            let px = vec![i as u8; 4 * 8 * 8];
            let shot =
                screenshot::save(dir, &px, 8, 8, at, Some(&id), screenshot::ShotStep::Review)
                    .unwrap();
            s.record(
                Some(&id),
                Event::ScreenshotTaken {
                    path: shot.path,
                    width: 8,
                    height: 8,
                    sha256: shot.sha256,
                    step: "review".into(),
                    batch: None,
                },
            )
            .unwrap();
            let until = clock.now() + chrono::Duration::seconds(10);
            s.record(
                Some(&id),
                Event::Confirmed {
                    hold_s: 10,
                    hold_until: until,
                },
            )
            .unwrap();
            s.record(
                Some(&id),
                Event::Released {
                    mode: ReleaseMode::Simulated,
                    window_ends: Some(until),
                    verify_at: Some(until),
                    clipboard_until: None,
                },
            )
            .unwrap();
        }
    }
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `.ci/run` installs python3: a complaint desk's plain Python 3.
fn python() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "python3 is needed to run the bundle's verify.py");
    Some("python3")
}

/// verify.py as a complaint desk runs it, inside the bundle.
fn verify_py(bundle: &Path) -> Option<(i32, String)> {
    let py = python()?;
    let out = Command::new(py)
        .args(["-I", "-S", "verify.py", "."])
        .current_dir(bundle)
        .output()
        .unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn export(dir: &Path, i: usize, name: &str) -> PathBuf {
    let out = dir.join(name);
    export_order(dir, &facts(i).0, &out, chrono::Utc::now(), Lang::En).unwrap();
    out
}

#[test]
fn a_bundle_holds_nothing_of_any_other_order() {
    let d = tempfile::tempdir().unwrap();
    let n = 40;
    many_orders(d.path(), n);
    let mine = 17;
    let bundle = export(d.path(), mine, "bundle");
    let all: Vec<u8> = files_of(&bundle)
        .into_iter()
        .flat_map(|(name, bytes)| name.into_bytes().into_iter().chain(bytes))
        .collect();
    let has = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
    let (id, fen, last4) = facts(mine);
    assert!(has(id.as_str()) && has(&last4) && has(&fen.to_string()));
    let shots: Vec<String> = files_of(&bundle)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with("screenshots/"))
        .collect();
    assert_eq!(shots.len(), 1, "{shots:?}");
    for other in (0..n).filter(|&i| i != mine) {
        let (id, fen, last4) = facts(other);
        assert!(!has(id.as_str()), "order {id} leaked");
        assert!(!has(&last4), "{id}'s last four leaked");
        assert!(!has(&fen.to_string()), "{id}'s amount leaked");
        assert!(!has(&Fen(fen).to_string()), "{id}'s amount leaked");
        assert!(
            !has(&format!("{:064x}", other + 1)),
            "{id}'s fingerprint leaked"
        );
    }
    // Other orders' screenshots are in the data dir, not here.
    assert_eq!(
        std::fs::read_dir(d.path().join("screenshots"))
            .unwrap()
            .flat_map(|m| std::fs::read_dir(m.unwrap().path()).unwrap())
            .count(),
        n
    );
    // Exactly the order's own lines, byte for byte, in seq order.
    let journal = std::fs::read_to_string(d.path().join("journal.jsonl")).unwrap();
    let own: String = journal
        .lines()
        .filter(|l| l.contains(&format!("\"order\":\"{id}\"")))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        std::fs::read_to_string(bundle.join("entries.jsonl")).unwrap(),
        own
    );
    // Each line's `prev` is the hash of a neighbour, often another order's.
    // Knowing every field of that neighbour but its salt (which is not in
    // the bundle) does not reproduce `prev`: no guess can be tested.
    let lines: Vec<&str> = journal.lines().collect();
    let mut neighbours = 0;
    for l in own.lines() {
        let e = cardguard::core::journal::parse_line(l.as_bytes()).unwrap();
        let before = lines[e.seq as usize - 2];
        let b = cardguard::core::journal::parse_line(before.as_bytes()).unwrap();
        if b.order.as_ref() == Some(&id) {
            continue;
        }
        neighbours += 1;
        assert_eq!(b.hash, e.prev, "the real neighbour gives prev");
        let salt = b.salt.clone().expect("new lines carry a salt");
        assert!(!has(&salt), "a neighbour's salt is in the bundle");
        let guess = |salt: Option<&str>| {
            cardguard::core::journal::render_line(
                b.seq,
                b.ts,
                b.tz.parse().unwrap(),
                &b.kind,
                b.order.as_ref(),
                &b.data,
                salt,
                &b.prev,
            )
            .1
        };
        assert_eq!(guess(Some(&salt)), e.prev, "the guess is rendered right");
        assert_ne!(guess(None), e.prev);
        assert_ne!(guess(Some(&"0".repeat(32))), e.prev);
    }
    assert!(neighbours > 0, "the order's lines sit between others'");
    // The report names the order in both languages, every placeholder filled.
    let report = std::fs::read_to_string(bundle.join("report.html")).unwrap();
    let body = report.split("</style>").nth(1).unwrap();
    assert!(
        !body.contains('{'),
        "an unfilled placeholder in report.html"
    );
    assert!(body.contains(&format!("Evidence for {id}")) && body.contains(&format!("{id} 的证据")));
    // Its timeline and its own screenshot, shown from inside the folder.
    assert!(
        body.contains(&format!("src=\"{}\"", shots[0])),
        "the screenshot is on the page"
    );
    assert!(body.contains("Released (simulated)") && body.contains("Confirmed"));
}

#[test]
fn a_bundle_verifies_with_the_app_with_verify_py_and_every_tamper_is_caught() {
    let d = tempfile::tempdir().unwrap();
    many_orders(d.path(), 6);
    let bundle = export(d.path(), 3, "bundle");
    let b = bundle.to_str().unwrap();
    assert!(
        verify_bundle(&bundle).is_ok(),
        "{:?}",
        verify_bundle(&bundle)
    );
    let (code, text) = run(&["evidence", "verify", b]);
    assert_eq!(code, 0, "{text}");
    let py = verify_py(&bundle);
    if let Some((code, text)) = &py {
        assert_eq!(*code, 0, "{text}");
    } else {
        eprintln!("python3 not found: verify.py not run");
    }
    let (code, text) = run(&["evidence", "verify", b, "--lang", "zh-CN"]);
    assert!(code == 0 && text.contains("核验通过"), "{text}");

    // One changed byte in any file of the bundle.
    for (name, bytes) in files_of(&bundle) {
        let copy = d.path().join(format!("t-{}", name.replace('/', "_")));
        copy_dir(&bundle, &copy);
        let mut changed = bytes.clone();
        let at = changed.len() / 2;
        changed[at] ^= 0x01;
        std::fs::write(copy.join(&name), &changed).unwrap();
        assert!(verify_bundle(&copy).is_err(), "{name}: app missed it");
        let (code, text) = run(&["evidence", "verify", copy.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}: {text}");
        if let Some((code, text)) = verify_py(&copy).filter(|_| name != "verify.py") {
            // A manifest that no longer parses is "cannot be read" (2) there.
            let want: &[i32] = if name == "manifest.json" {
                &[1, 2]
            } else {
                &[1]
            };
            assert!(want.contains(&code), "{name}: verify.py missed it: {text}");
        }
    }

    // A checkpoint swapped for another signed one (manifest updated to match).
    let cps: Vec<String> = files_of(&bundle)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with("checkpoints/") && n.ends_with(".txt"))
        .collect();
    assert!(cps.len() >= 2, "{cps:?}");
    let swapped = d.path().join("swapped");
    copy_dir(&bundle, &swapped);
    std::fs::copy(bundle.join(&cps[0]), swapped.join(&cps[1])).unwrap();
    rehash_manifest(&swapped);
    assert!(
        verify_bundle(&swapped)
            .unwrap_err()
            .contains("manifest.sig")
    );
    if let Some((code, text)) = verify_py(&swapped) {
        assert_eq!(code, 1, "{text}");
    }
    // Even re-signed with the install's own key, the swap is named.
    resign_manifest(&swapped, d.path());
    assert!(verify_bundle(&swapped).unwrap_err().contains(&cps[1]));
    if let Some((code, text)) = verify_py(&swapped) {
        assert_eq!(code, 1, "{text}");
    }
    // Another order's line slipped in with a fresh manifest.
    let slipped = d.path().join("slipped");
    copy_dir(&bundle, &slipped);
    let journal = std::fs::read_to_string(d.path().join("journal.jsonl")).unwrap();
    let foreign = journal.lines().find(|l| l.contains("CG-P-001")).unwrap();
    let mut entries = std::fs::read_to_string(slipped.join("entries.jsonl")).unwrap();
    entries.push_str(foreign);
    entries.push('\n');
    std::fs::write(slipped.join("entries.jsonl"), entries).unwrap();
    resign_manifest(&slipped, d.path());
    assert!(verify_bundle(&slipped).is_err());
    // A line dropped (with its proof) and a report rewritten, after export.
    let dropped = d.path().join("dropped");
    copy_dir(&bundle, &dropped);
    let entries = std::fs::read_to_string(dropped.join("entries.jsonl")).unwrap();
    let kept: String = entries.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(dropped.join("entries.jsonl"), kept).unwrap();
    let mut proofs: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dropped.join("proofs.json")).unwrap()).unwrap();
    proofs["entries"].as_array_mut().unwrap().remove(0);
    std::fs::write(dropped.join("proofs.json"), proofs.to_string()).unwrap();
    let report = std::fs::read_to_string(dropped.join("report.html")).unwrap();
    std::fs::write(
        dropped.join("report.html"),
        report.replace("Released", "Undone"),
    )
    .unwrap();
    rehash_manifest(&dropped);
    assert!(
        verify_bundle(&dropped)
            .unwrap_err()
            .contains("manifest.sig")
    );
    let (code, text) = verify_py(&dropped).unwrap();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("manifest.sig"), "{text}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Recomputes manifest.json's hashes, as a forger would: without the
/// install's key its old `manifest.sig` no longer matches.
fn rehash_manifest(dir: &Path) -> Vec<u8> {
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        let bytes = std::fs::read(dir.join(f["name"].as_str().unwrap())).unwrap();
        f["sha256"] = cardguard::core::journal::sha256_hex(&bytes).into();
        f["bytes"] = bytes.len().into();
    }
    let bytes = serde_json::to_vec_pretty(&m).unwrap();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

/// The same with the install's own key (an insider): what is then
/// caught must be caught by its own check, not by the manifest's signature.
fn resign_manifest(dir: &Path, data_dir: &Path) {
    use cardguard::core::evidence::bundle::{MANIFEST_SIG, manifest_statement};
    let bytes = rehash_manifest(dir);
    let m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let keys = cardguard::core::evidence::checkpoint::LogKeys::load(data_dir)
        .unwrap()
        .unwrap();
    let note = keys.sign_text(&manifest_statement(m["order"].as_str().unwrap(), &bytes));
    std::fs::write(dir.join(MANIFEST_SIG), note).unwrap();
}

#[test]
fn a_journal_cut_short_fails_verify_naming_the_checkpoint() {
    let d = tempfile::tempdir().unwrap();
    many_orders(d.path(), 4);
    let dir = d.path().to_str().unwrap();
    let (code, text) = run(&["journal", "checkpoint", "--data-dir", dir]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(&["journal", "verify", "--data-dir", dir]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("signed checkpoints"), "{text}");

    // Cut the last three lines: the chain still holds, the checkpoints do not.
    let path = d.path().join("journal.jsonl");
    let journal = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    let size = lines.len();
    let cut: String = lines[..size - 3].iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, &cut).unwrap();
    let (code, text) = run(&["journal", "verify", "--data-dir", dir]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("cut_short"), "{text}");
    // It names the first checkpoint past the end.
    let first_past = std::fs::read_dir(d.path().join("checkpoints"))
        .unwrap()
        .filter_map(|e| {
            e.unwrap()
                .file_name()
                .to_str()?
                .strip_suffix(".txt")?
                .parse::<usize>()
                .ok()
        })
        .filter(|&s| s > size - 3)
        .min()
        .unwrap();
    assert!(
        text.contains(&format!("checkpoints/{first_past}.txt")),
        "{text}"
    );
    // Nothing new is signed over a cut journal.
    let listing = || {
        std::fs::read_dir(d.path().join("checkpoints"))
            .unwrap()
            .count()
    };
    let before = listing();
    let (code, text) = run(&["journal", "checkpoint", "--data-dir", dir]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(listing(), before);

    // The old forgery: one amount changed and every hash after it
    // recomputed, so the chain holds. The signed checkpoints do not.
    let mut prev = cardguard::core::journal::GENESIS.to_owned();
    let mut forged = String::new();
    for line in journal.lines() {
        let mut e = cardguard::core::journal::parse_line(line.as_bytes()).unwrap();
        if e.kind == "face_value_set" && e.order.as_ref().map(|o| o.as_str()) == Some("CG-P-000") {
            e.data["face_value_fen"] = 1.into();
        }
        let (l, h) = cardguard::core::journal::render_line(
            e.seq,
            e.ts,
            e.tz.parse().unwrap(),
            &e.kind,
            e.order.as_ref(),
            &e.data,
            e.salt.as_deref(),
            &prev,
        );
        forged.push_str(&l);
        prev = h;
    }
    assert_ne!(forged, journal);
    std::fs::write(&path, &forged).unwrap();
    assert!(
        cardguard::core::evidence::verify_bytes(forged.as_bytes()).is_ok(),
        "chain re-made"
    );
    let (code, text) = run(&["journal", "verify", "--data-dir", dir]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("checkpoint_differs"), "{text}");

    // A forged checkpoint (signed by another key) is named.
    std::fs::write(&path, &journal).unwrap();
    let cp = d.path().join(format!("checkpoints/{size}.txt"));
    let note = std::fs::read_to_string(&cp).unwrap();
    std::fs::write(
        &cp,
        note.replacen(&format!("\n{size}\n"), &format!("\n{}\n", size + 1), 1),
    )
    .unwrap();
    let (code, text) = run(&["journal", "verify", "--data-dir", dir]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("checkpoint_bad"), "{text}");
}

/// Stamp with a real (local, openssl) TSA, export, and check the bundle
/// as an outsider: `openssl ts -verify` on the stored files, the app, and
/// verify.py (which runs openssl itself with the root in `tsa/`).
#[test]
fn time_stamped_checkpoints_travel_in_the_bundle_and_check_with_openssl() {
    let Some(tsa) = tsa::LocalTsa::start(tsa::KeyKind::Rsa) else {
        panic!("openssl is needed for the time-stamp test (.ci/run installs it)");
    };
    let d = tempfile::tempdir().unwrap();
    many_orders(d.path(), 4);
    let dir = d.path().to_str().unwrap();
    let (code, text) = run(&["journal", "timestamp", "--tsa", &tsa.url, "--data-dir", dir]);
    assert_eq!(code, 0, "{text}");
    let stamped: Vec<PathBuf> = std::fs::read_dir(d.path().join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsr"))
        .collect();
    assert!(!stamped.is_empty());
    for tsr in &stamped {
        let txt = tsr.with_extension("txt");
        tsa.assert_openssl_verifies(&txt, tsr);
    }
    let (code, text) = run(&["journal", "verify", "--data-dir", dir]);
    assert_eq!(code, 0, "{text}");
    let bundle = export(d.path(), 2, "bundle");
    // journal verify checks each stored token against its own checkpoint:
    // one moved onto another checkpoint is named.
    if stamped.len() >= 2 {
        let scratch = tempfile::tempdir().unwrap();
        copy_dir(d.path(), scratch.path());
        let cps = scratch.path().join("checkpoints");
        let a = stamped[0].file_name().unwrap();
        let b = stamped[1].file_name().unwrap();
        std::fs::copy(cps.join(a), cps.join(b)).unwrap();
        let (code, text) = run(&[
            "journal",
            "verify",
            "--data-dir",
            scratch.path().to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains(".tsr"), "{text}");
    }
    let proofs: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("proofs.json")).unwrap()).unwrap();
    let with_tsr = proofs["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["tsr"].is_string())
        .count();
    assert!(with_tsr >= 1, "{proofs}");
    let pems = std::fs::read_dir(bundle.join("tsa")).unwrap().count();
    assert!(pems >= 2, "the TSA's certificate and its root");
    assert!(
        verify_bundle(&bundle).is_ok(),
        "{:?}",
        verify_bundle(&bundle)
    );
    let (code, text) = verify_py(&bundle).unwrap();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("time-stamp token verifies"), "{text}");
    let report = std::fs::read_to_string(bundle.join("report.html")).unwrap();
    assert!(
        report.contains("attests it existed at") && report.contains("root certificate SHA-256"),
        "report names the attested time"
    );

    // A token swapped onto another checkpoint is caught by both.
    let copy = d.path().join("swapped-token");
    copy_dir(&bundle, &copy);
    let cps: Vec<u64> = proofs["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect();
    let tsr = proofs["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["tsr"].is_string())
        .unwrap()["tsr"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = d
        .path()
        .join("checkpoints")
        .join(format!("{}.txt", cps.last().unwrap()));
    // Stamp the latest checkpoint (unstamped) and put its token in place of the first.
    let (code, text) = run(&["journal", "timestamp", "--tsa", &tsa.url, "--data-dir", dir]);
    assert_eq!(code, 0, "{text}");
    std::fs::copy(other.with_extension("tsr"), copy.join(&tsr)).unwrap();
    resign_manifest(&copy, d.path());
    assert!(
        verify_bundle(&copy).unwrap_err().contains(".tsr"),
        "the token check itself"
    );
    let (code, text) = verify_py(&copy).unwrap();
    assert_eq!(code, 1, "{text}");
}

/// Signing keys are made only beside a journal that reads, and never
/// beside checkpoints they would disown.
#[test]
fn no_key_is_made_beside_an_unreadable_journal_or_orphaned_checkpoints() {
    let keys = |d: &Path| {
        ["log-salt.key", "log-signing.key", "log.vkey"]
            .iter()
            .filter(|k| d.join(k).exists())
            .count()
    };
    // No journal, then a FIFO as the journal.
    let empty = tempfile::tempdir().unwrap();
    let (code, _) = run(&[
        "journal",
        "checkpoint",
        "--data-dir",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    let fifo = empty.path().join("journal.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = empty.path().join("out");
    let (code, _) = run(&[
        "journal",
        "export",
        "--order",
        "CG-1",
        "--out",
        out.to_str().unwrap(),
        "--data-dir",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(keys(empty.path()), 0, "a key beside no journal");

    // Checkpoints whose key is gone: export refuses, makes no new key.
    let d = tempfile::tempdir().unwrap();
    many_orders(d.path(), 2);
    for k in ["log-salt.key", "log-signing.key", "log.vkey"] {
        std::fs::remove_file(d.path().join(k)).unwrap();
    }
    let (id, _, _) = facts(0);
    let out = d.path().join("out");
    let (code, said) = run(&[
        "journal",
        "export",
        "--order",
        id.as_str(),
        "--out",
        out.to_str().unwrap(),
        "--data-dir",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("log key is missing"), "{said}");
    assert_eq!(keys(d.path()), 0, "a new key beside old checkpoints");
    let (code, _) = run(&[
        "journal",
        "checkpoint",
        "--data-dir",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(keys(d.path()), 0);
}
