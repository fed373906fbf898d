//! The bundle's own verifier, `assets/evidence/verify.py`, under its own
//! tests: an independent Python signer and prover build bundles and
//! tamper with them one way at a time (RFC 8032 and certificate-
//! transparency vectors included). Run as a complaint desk would: plain
//! `python3 -I -S`, standard library only.

#[test]
fn verify_py_passes_its_own_tests() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/evidence");
    let out = std::process::Command::new("python3")
        .args(["-I", "-S", "-B", "-m", "unittest", "discover", "-s", dir])
        .output()
        .expect("python3 is needed to test verify.py (.ci/run installs it)");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("OK"), "{text}");
}
