//! RFC 3161 trusted time against a real TSA: `openssl ts -reply` behind a
//! local HTTP server (tests/common/tsa.rs). What cardguard stores must
//! check here and with `openssl ts -verify`; every kind of bad answer must
//! be refused with its own error, within the time allowed.

#[path = "common/tsa.rs"]
mod tsa;

use cardguard::core::evidence::tsa::{
    Stamp, Stored, TsaError, check_response, post, request_der, stamp_pending,
};
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};
use tsa::{KeyKind, LocalTsa, Mode, openssl};

const CHECKPOINT: &[u8] = "cardguard/0123456789abcdef\n42\nq83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng=\n\n\u{2014} cardguard/0123456789abcdef AAAAAA==\n".as_bytes();
const T: Duration = Duration::from_secs(10);

/// A request for CHECKPOINT through HTTP: (response, nonce).
fn ask(tsa: &LocalTsa, data: &[u8]) -> (Vec<u8>, u64) {
    let nonce = fastrand::u64(..);
    (post(&tsa.url, &request_der(data, nonce), T).unwrap(), nonce)
}

/// `openssl ts -verify` as an outside tool, with the root only.
fn openssl_verifies(tsa: &LocalTsa, data: &[u8], resp: &[u8]) -> bool {
    let (x, r) = (tsa.path("X.txt"), tsa.path("X.tsr"));
    std::fs::write(&x, data).unwrap();
    std::fs::write(&r, resp).unwrap();
    let ca = tsa.ca_pem();
    let out = std::process::Command::new("openssl")
        .args(["ts", "-verify", "-data"])
        .args([&x, Path::new("-in"), &r, Path::new("-CAfile"), &ca])
        .output()
        .unwrap();
    out.status.success()
}

fn cert_sha256(tsa: &LocalTsa, pem: &str) -> String {
    let out = openssl(tsa.dir.path(), &["x509", "-in", pem, "-outform", "DER"]);
    hex::encode(Sha256::digest(&out.stdout))
}

fn stamp_checks(kind: KeyKind) {
    let Some(tsa) = LocalTsa::start(kind) else {
        return;
    };
    let before = chrono::Utc::now() - chrono::Duration::seconds(5);
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    let stamp: Stamp = check_response(&resp, CHECKPOINT, Some(nonce)).unwrap();
    assert!(openssl_verifies(&tsa, CHECKPOINT, &resp), "{kind:?}");
    // openssl also reads our request and finds the token answers it.
    std::fs::write(tsa.path("q.tsq"), request_der(CHECKPOINT, nonce)).unwrap();
    #[rustfmt::skip]
    openssl(tsa.dir.path(), &["ts", "-verify", "-queryfile", "q.tsq", "-in", "X.tsr",
        "-CAfile", "ca.pem"]);

    let after = chrono::Utc::now() + chrono::Duration::seconds(5);
    assert!(
        before <= stamp.gen_time && stamp.gen_time <= after,
        "{stamp:?}"
    );
    // RFC 4514 order: the most specific name first.
    assert_eq!(stamp.tsa_name, "CN=test tsa,O=cardguard tests");
    assert!(!stamp.serial.is_empty() && stamp.serial.bytes().all(|b| b.is_ascii_hexdigit()));
    // Signer first, then the root, which is the one openssl trusts.
    assert_eq!(stamp.certs_der.len(), 2);
    assert_eq!(
        hex::encode(Sha256::digest(&stamp.certs_der[0])),
        cert_sha256(&tsa, "tsa.pem")
    );
    assert_eq!(stamp.root_sha256, Some(cert_sha256(&tsa, "ca.pem")));
    let pems = stamp.certs_pem();
    assert_eq!(pems.len(), 2);
    for ((name, pem), der) in pems.iter().zip(&stamp.certs_der) {
        assert_eq!(
            name,
            &format!("{}.pem", &hex::encode(Sha256::digest(der))[..16])
        );
        std::fs::write(tsa.path(name), pem).unwrap();
        let back = openssl(tsa.dir.path(), &["x509", "-in", name, "-outform", "DER"]);
        assert_eq!(&back.stdout, der);
    }
    // Without a nonce to compare (a stored token re-checked) it still checks.
    assert_eq!(check_response(&resp, CHECKPOINT, None).unwrap(), stamp);
}

#[test]
fn rsa_token_checks_here_and_with_openssl() {
    stamp_checks(KeyKind::Rsa);
}

#[test]
fn ecdsa_p256_token_checks_here_and_with_openssl() {
    stamp_checks(KeyKind::P256);
}

#[test]
fn ecdsa_p384_token_checks_here_and_with_openssl() {
    stamp_checks(KeyKind::P384);
}

#[test]
fn a_token_for_other_data_or_another_request_is_refused() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    let mut other = CHECKPOINT.to_vec();
    other[30] ^= 1;
    let e = check_response(&resp, &other, Some(nonce)).unwrap_err();
    assert!(matches!(e, TsaError::WrongImprint), "{e:?}");
    assert!(!openssl_verifies(&tsa, &other, &resp));
    let e = check_response(&resp, CHECKPOINT, Some(nonce ^ 1)).unwrap_err();
    assert!(matches!(e, TsaError::WrongNonce), "{e:?}");
}

#[test]
fn no_changed_byte_anywhere_in_the_answer_goes_unnoticed() {
    let Some(tsa) = LocalTsa::start(KeyKind::P256) else {
        return;
    };
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    let good = check_response(&resp, CHECKPOINT, Some(nonce)).unwrap();
    // The status INTEGER (0 granted) is the only byte whose change may
    // still be a good answer: 0 → 1 is "granted with modifications".
    let status = [0x30, 0x03, 0x02, 0x01, 0x00];
    let status_at = 4 + resp.windows(5).position(|w| w == status).unwrap();
    assert!(status_at < 10, "PKIStatusInfo opens the answer");
    let mut accepted = Vec::new();
    for i in 0..resp.len() {
        let mut bad = resp.clone();
        bad[i] ^= 0x01;
        match check_response(&bad, CHECKPOINT, Some(nonce)) {
            Ok(s) if i == status_at => assert_eq!(s, good),
            Ok(_) => accepted.push((i, resp[i])),
            Err(_) => {}
        }
    }
    assert!(
        accepted.is_empty(),
        "changed and still accepted (index, byte) of {}: {accepted:?}\n{}",
        resp.len(),
        hex::encode(&resp)
    );
    // Cut short anywhere (a partial download, a cut file): refused.
    for len in 0..resp.len() {
        assert!(
            check_response(&resp[..len], CHECKPOINT, Some(nonce)).is_err(),
            "{len}"
        );
    }
    // Served changed over HTTP: the signature, at the end, is caught.
    tsa.set(Mode::Flip(0));
    let (bad, nonce) = ask(&tsa, CHECKPOINT);
    let e = check_response(&bad, CHECKPOINT, Some(nonce)).unwrap_err();
    assert!(matches!(e, TsaError::BadSignature(_)), "{e:?}");
    assert!(!openssl_verifies(&tsa, CHECKPOINT, &bad));
}

#[test]
fn bad_answers_from_the_server_each_have_their_error() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let req = request_der(CHECKPOINT, 7);
    tsa.set(Mode::Status(500));
    assert!(matches!(post(&tsa.url, &req, T), Err(TsaError::Http(500))));
    tsa.set(Mode::Huge(1 << 20));
    let e = post(&tsa.url, &req, T).unwrap_err();
    assert!(matches!(e, TsaError::TooLarge), "{e:?}");
    tsa.set(Mode::Garbage);
    let body = post(&tsa.url, &req, T).unwrap();
    let e = check_response(&body, CHECKPOINT, Some(7)).unwrap_err();
    assert!(matches!(e, TsaError::Malformed(_)), "{e:?}");

    // The TSA's own refusal (openssl's TSA takes no SHA-1), in its words.
    #[rustfmt::skip]
    openssl(tsa.dir.path(), &["ts", "-query", "-data", "ca.pem", "-sha1", "-cert",
        "-out", "sha1.tsq"]);
    tsa.set(Mode::Reply);
    let body = post(&tsa.url, &std::fs::read(tsa.path("sha1.tsq")).unwrap(), T).unwrap();
    match check_response(&body, CHECKPOINT, None) {
        Err(TsaError::Rejected(text)) => assert!(text.contains("not supported"), "{text}"),
        other => panic!("{other:?}"),
    }

    // A refusal's text is the TSA's: no terminal escapes, not a page long.
    let words = format!("no\u{1b}[2J{}", "x".repeat(5000));
    let free_text = tsa::der_wrap(0x30, &tsa::der_wrap(0x0c, words.as_bytes()));
    let status = tsa::der_wrap(0x30, &[&[0x02, 0x01, 0x02][..], &free_text].concat());
    match check_response(&tsa::der_wrap(0x30, &status), CHECKPOINT, None) {
        Err(TsaError::Rejected(text)) => {
            assert!(
                text.contains("no[2J") && !text.chars().any(char::is_control),
                "{text}"
            );
            assert!(text.len() < 300, "{}", text.len());
        }
        other => panic!("{other:?}"),
    }

    // A server that never answers: the client gives up at its deadline.
    tsa.set(Mode::Silent);
    let start = Instant::now();
    let e = post(&tsa.url, &req, Duration::from_millis(700)).unwrap_err();
    assert!(matches!(e, TsaError::Timeout), "{e:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );

    // Nobody listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let e = post(&format!("http://{port}/"), &req, T).unwrap_err();
    assert!(matches!(e, TsaError::Offline(_)), "{e:?}");
}

/// The TSTInfo inside a good answer (to sign it again another way).
fn tst_info_of(resp: &[u8]) -> Vec<u8> {
    let r = x509_tsp::TimeStampResp::from_der(resp).unwrap();
    let token = r.time_stamp_token.unwrap();
    let sd = cms::signed_data::SignedData::from_der(&token.content.to_der().unwrap()).unwrap();
    let content = sd.encap_content_info.econtent.unwrap();
    content
        .decode_as::<der::asn1::OctetString>()
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[test]
fn a_certificate_without_the_time_stamping_usage_is_refused() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    let tst = tst_info_of(&resp);
    // The same TSTInfo signed by `openssl cms` with the TSA's own
    // certificate checks: only the certificate's usage differs below.
    let same = tsa.cms_response(&tst, "tsa");
    check_response(&same, CHECKPOINT, Some(nonce)).unwrap();
    let noeku = tsa.cms_response(&tst, "noeku");
    let e = check_response(&noeku, CHECKPOINT, Some(nonce)).unwrap_err();
    assert!(matches!(e, TsaError::NotForTimeStamping), "{e:?}");
    assert!(!openssl_verifies(&tsa, CHECKPOINT, &noeku));
}

#[test]
fn a_certificate_not_valid_at_the_stamped_time_is_refused() {
    let Some(tsa) = LocalTsa::start(KeyKind::P256) else {
        return;
    };
    tsa.set(Mode::ReplyExpired);
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    match check_response(&resp, CHECKPOINT, Some(nonce)) {
        Err(TsaError::BadChain(why)) => assert!(why.contains("not valid at"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(!openssl_verifies(&tsa, CHECKPOINT, &resp));
}

#[test]
fn another_certificate_for_the_same_key_is_refused() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let (resp, nonce) = ask(&tsa, CHECKPOINT);
    let (real, twin) = (tsa.der_of("tsa.pem"), tsa.der_of("twin.pem"));
    assert_eq!(real.len(), twin.len());
    assert_ne!(real, twin);
    let at = resp.windows(real.len()).position(|w| w == real).unwrap();
    let mut swapped = resp.clone();
    swapped[at..at + real.len()].copy_from_slice(&twin);
    match check_response(&swapped, CHECKPOINT, Some(nonce)) {
        Err(TsaError::BadSignature(why)) => assert!(why.contains("signing-certificate"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(!openssl_verifies(&tsa, CHECKPOINT, &swapped));
}

fn mode_of(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_stored_token_that_does_not_stamp_its_checkpoint_is_set_aside_and_replaced() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let cp = data.path().join("checkpoints");
    std::fs::create_dir(&cp).unwrap();
    for n in [1, 2] {
        std::fs::write(cp.join(format!("{n}.txt")), format!("checkpoint {n}\n")).unwrap();
    }
    let urls = [tsa.url.clone()];
    // A link in a token's place is not moved: the checkpoint is reported as
    // not stamped (never as stamped), and the link's target is untouched.
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), b"outside").unwrap();
    std::fs::write(cp.join("3.txt"), b"checkpoint 3\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), cp.join("3.tsr")).unwrap();
    assert_eq!(
        stamp_pending(data.path(), &urls, T, Stored::Trust)
            .stamped
            .len(),
        2
    );
    // 1's token becomes junk; 2 gets 1's good token (a real token, for
    // other data); a rejected name is taken already.
    let good_1 = std::fs::read(cp.join("1.tsr")).unwrap();
    std::fs::write(cp.join("1.tsr"), b"junk").unwrap();
    std::fs::remove_file(cp.join("2.tsr")).unwrap();
    std::fs::write(cp.join("2.tsr"), &good_1).unwrap();
    std::fs::write(cp.join("2.tsr.rejected"), b"earlier").unwrap();

    // Rounds that trust what is stored leave them (cheap with thousands).
    let trusting = stamp_pending(data.path(), &urls, T, Stored::Trust);
    assert!(trusting.stamped.is_empty() && trusting.set_aside.is_empty());

    let report = stamp_pending(data.path(), &urls, T, Stored::Recheck);
    assert!(!report.all_done(), "{report:?}");
    assert!(
        matches!(
            report.failed.as_slice(),
            [(
                3,
                TsaError::File(cardguard::core::safe_file::FileError::Symlink(_))
            )]
        ),
        "{report:?}"
    );
    assert_eq!(std::fs::read(outside.path()).unwrap(), b"outside");
    assert!(cp.join("3.tsr").is_symlink());
    assert_eq!(
        report.set_aside,
        [(1, "1.tsr.rejected".into()), (2, "2.tsr.rejected-2".into())]
    );
    assert_eq!(
        report.stamped.iter().map(|s| s.0).collect::<Vec<_>>(),
        [1, 2]
    );
    // Nothing was deleted or overwritten; each new token stamps its own.
    assert_eq!(std::fs::read(cp.join("1.tsr.rejected")).unwrap(), b"junk");
    assert_eq!(
        std::fs::read(cp.join("2.tsr.rejected")).unwrap(),
        b"earlier"
    );
    assert_eq!(std::fs::read(cp.join("2.tsr.rejected-2")).unwrap(), good_1);
    for n in [1, 2] {
        let txt = std::fs::read(cp.join(format!("{n}.txt"))).unwrap();
        check_response(
            &std::fs::read(cp.join(format!("{n}.tsr"))).unwrap(),
            &txt,
            None,
        )
        .unwrap();
    }
    // A good stored token is left as it is.
    let again = stamp_pending(data.path(), &urls, T, Stored::Recheck);
    assert!(
        again.set_aside.is_empty() && again.stamped.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.skipped.len(), 2);
    assert_eq!(again.failed.len(), 1, "the link still blocks 3");
}

#[test]
fn pending_checkpoints_are_stamped_once_and_links_are_left_alone() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let cp = data.path().join("checkpoints");
    std::fs::create_dir(&cp).unwrap();
    for n in [1, 2, 3] {
        std::fs::write(cp.join(format!("{n}.txt")), format!("checkpoint {n}\n")).unwrap();
    }
    std::fs::write(cp.join("3.tsr"), b"kept").unwrap();
    std::os::unix::fs::symlink(cp.join("1.txt"), cp.join("4.txt")).unwrap();
    std::fs::write(cp.join("05.txt"), b"not a checkpoint name").unwrap();
    // The first TSA is down: the next one in the list is asked.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let urls = [format!("http://{dead}/"), tsa.url.clone()];

    let report = stamp_pending(data.path(), &urls, T, Stored::Trust);
    assert!(report.all_done(), "{report:?}");
    let stamped: Vec<u64> = report.stamped.iter().map(|s| s.0).collect();
    assert_eq!(stamped, [1, 2]);
    assert!(report.stamped.iter().all(|s| s.1 == tsa.url));
    use cardguard::core::evidence::tsa::SkipReason::*;
    assert_eq!(report.skipped, [(3, AlreadyStamped), (4, Link)]);
    assert_eq!(tsa.requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    for n in [1, 2] {
        let tsr = cp.join(format!("{n}.tsr"));
        assert_eq!(mode_of(&tsr), 0o600);
        let txt = std::fs::read(cp.join(format!("{n}.txt"))).unwrap();
        let resp = std::fs::read(&tsr).unwrap();
        assert!(openssl_verifies(&tsa, &txt, &resp), "{n}.tsr");
        check_response(&resp, &txt, None).unwrap();
    }
    assert_eq!(std::fs::read(cp.join("3.tsr")).unwrap(), b"kept");
    assert!(!cp.join("4.tsr").exists() && !cp.join("05.tsr").exists());

    // A second run asks nobody and changes nothing.
    let again = stamp_pending(data.path(), &urls, T, Stored::Trust);
    assert!(again.stamped.is_empty() && again.failed.is_empty());
    assert_eq!(tsa.requests.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn failed_checkpoints_stay_pending_and_a_later_run_stamps_them() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let cp = data.path().join("checkpoints");
    std::fs::create_dir(&cp).unwrap();
    std::fs::write(cp.join("7.txt"), b"checkpoint 7\n").unwrap();
    let urls = [tsa.url.clone()];
    for bad in [Mode::Status(503), Mode::Garbage, Mode::Flip(3)] {
        tsa.set(bad.clone());
        let report = stamp_pending(data.path(), &urls, T, Stored::Recheck);
        assert_eq!(report.failed.len(), 1, "{bad:?}: {report:?}");
        assert!(!cp.join("7.tsr").exists(), "{bad:?} stored");
    }
    tsa.set(Mode::Reply);
    let report = stamp_pending(data.path(), &urls, T, Stored::Recheck);
    assert_eq!(report.stamped.len(), 1, "{report:?}");
    assert!(cp.join("7.tsr").exists());
}

/// A silent authority is asked once per round, not once per checkpoint:
/// twenty pending checkpoints must not each wait out the timeout.
#[test]
fn an_unreachable_authority_is_not_asked_again_in_the_same_round() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let cp = data.path().join("checkpoints");
    std::fs::create_dir(&cp).unwrap();
    for n in 1..=20 {
        std::fs::write(cp.join(format!("{n}.txt")), format!("checkpoint {n}\n")).unwrap();
    }
    tsa.set(Mode::Silent);
    let report = stamp_pending(
        data.path(),
        std::slice::from_ref(&tsa.url),
        Duration::from_millis(300),
        Stored::Trust,
    );
    assert_eq!(report.failed.len(), 20, "{report:?}");
    assert_eq!(tsa.requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    // The next round asks again (it may be back).
    tsa.set(Mode::Reply);
    let report = stamp_pending(
        data.path(),
        std::slice::from_ref(&tsa.url),
        T,
        Stored::Recheck,
    );
    assert_eq!(report.stamped.len(), 20, "{report:?}");
}

fn cli(data_dir: &Path, urls: &[&str]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"));
    cmd.args(["journal", "timestamp", "--timeout", "10", "--data-dir"])
        .arg(data_dir);
    for u in urls {
        cmd.args(["--tsa", u]);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_cli_exits_0_stamped_1_pending_2_unreadable() {
    let Some(tsa) = LocalTsa::start(KeyKind::Rsa) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let (code, text) = cli(data.path(), &[&tsa.url]);
    assert_eq!(code, 0, "nothing to stamp: {text}");
    let cp = data.path().join("checkpoints");
    std::fs::create_dir(&cp).unwrap();
    std::fs::write(cp.join("5.txt"), b"checkpoint 5\n").unwrap();

    tsa.set(Mode::Status(500));
    let (code, text) = cli(data.path(), &[&tsa.url]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("checkpoints/5.txt") && text.contains("500"),
        "{text}"
    );
    assert!(!cp.join("5.tsr").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardguard"))
        .args([
            "journal",
            "timestamp",
            "--lang",
            "zh-CN",
            "--tsa",
            &tsa.url,
            "--data-dir",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let zh = String::from_utf8_lossy(&out.stdout);
    assert!(
        zh.contains("未能加时间戳") && zh.contains("HTTP 状态 500"),
        "{zh}"
    );

    tsa.set(Mode::Reply);
    let (code, text) = cli(data.path(), &[&tsa.url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("stamped checkpoints/5.txt"), "{text}");
    assert!(openssl_verifies(
        &tsa,
        b"checkpoint 5\n",
        &std::fs::read(cp.join("5.tsr")).unwrap()
    ));

    // A data folder reached through a link the person made is used.
    let outer = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(data.path(), outer.path().join("data")).unwrap();
    let (code, text) = cli(&outer.path().join("data"), &[&tsa.url]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("already stamped: checkpoints/5.txt"),
        "{text}"
    );

    let (code, text) = cli(&data.path().join("absent"), &[&tsa.url]);
    assert_eq!(code, 2, "{text}");
    std::fs::remove_dir_all(&cp).unwrap();
    std::os::unix::fs::symlink(tsa.dir.path(), &cp).unwrap();
    let (code, text) = cli(data.path(), &[&tsa.url]);
    assert_eq!(code, 2, "checkpoints through a link: {text}");
}
