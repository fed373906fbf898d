//! A local time-stamping authority for the tests: a throw-away CA and TSA
//! certificate made with the `openssl` command line in a temporary folder,
//! an `openssl ts` configuration, and a tiny HTTP server on 127.0.0.1 that
//! answers each POST by running `openssl ts -reply`. It stops when dropped.
//! Other answers (an HTTP error, silence, a huge or garbled body, a changed
//! byte) can be chosen per test with [`LocalTsa::set`].
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Whether the `openssl` command is there; tests say so and skip if not.
pub fn openssl_present() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: `openssl` is not installed; skipping the time-stamping test");
    }
    ok
}

/// Runs openssl in `dir`; panics with its stderr when it fails (a test rig error).
pub fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    P256,
    P384,
}

impl KeyKind {
    fn newkey(self) -> &'static str {
        match self {
            KeyKind::Rsa => "rsa:2048",
            KeyKind::P256 => "ec:p256.pem",
            KeyKind::P384 => "ec:p384.pem",
        }
    }
}

/// What the server answers to the next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `openssl ts -reply` for the query received.
    Reply,
    /// This HTTP status and an empty body.
    Status(u16),
    /// `openssl ts -reply` signed by the certificate valid only in 2020
    /// (openssl signs with it; verifiers must refuse it).
    ReplyExpired,
    /// Reads the request and never answers (until the client gives up).
    Silent,
    /// 200 with a body of this many bytes.
    Huge(usize),
    /// 200 with bytes that are not DER.
    Garbage,
    /// The real reply with one byte (at this index from the end) changed.
    Flip(usize),
}

const EXT: &str = "\
[tsa]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[noeku]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
";

pub struct LocalTsa {
    pub dir: tempfile::TempDir,
    pub url: String,
    addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    /// How many requests reached the server.
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LocalTsa {
    /// A CA, a TSA certificate (EKU timeStamping, critical), a second one
    /// without that EKU, and the server. `None` when openssl is missing.
    pub fn start(kind: KeyKind) -> Option<LocalTsa> {
        if !openssl_present() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ext.cnf"), EXT).unwrap();
        openssl(d, &["ecparam", "-name", "prime256v1", "-out", "p256.pem"]);
        openssl(d, &["ecparam", "-name", "secp384r1", "-out", "p384.pem"]);
        #[rustfmt::skip]
        openssl(d, &["req", "-x509", "-newkey", kind.newkey(), "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-subj", "/CN=cardguard test root", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        for (name, section, serial) in [("tsa", "tsa", "2"), ("noeku", "noeku", "3")] {
            let (key, csr, pem) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.pem"),
            );
            #[rustfmt::skip]
            openssl(d, &["req", "-new", "-newkey", kind.newkey(), "-nodes", "-keyout", &key,
                "-out", &csr, "-subj", &format!("/O=cardguard tests/CN=test {name}")]);
            #[rustfmt::skip]
            openssl(d, &["x509", "-req", "-in", &csr, "-CA", "ca.pem", "-CAkey", "ca.key",
                "-set_serial", serial, "-days", "30", "-out", &pem,
                "-extfile", "ext.cnf", "-extensions", section]);
        }
        // Another certificate for the TSA's key, same issuer, serial and
        // length, one day shorter: put in place of the real one, only the
        // signing-certificate attribute (RFC 5035) tells them apart.
        #[rustfmt::skip]
        openssl(d, &["x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-set_serial", "2", "-days", "29", "-out", "twin.pem",
            "-extfile", "ext.cnf", "-extensions", "tsa"]);
        // Valid only on 2020-01-01, made with `openssl ca` (the only 3.0
        // command that takes explicit dates).
        let ca_cnf = "[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\n\
                      serial = ca.serial\ndefault_md = sha256\npolicy = p\n\
                      unique_subject = no\n[p]\ncommonName = supplied\n\
                      organizationName = optional\n";
        std::fs::write(d.join("ca.cnf"), ca_cnf).unwrap();
        std::fs::write(d.join("index.txt"), "").unwrap();
        std::fs::write(d.join("ca.serial"), "10\n").unwrap();
        #[rustfmt::skip]
        openssl(d, &["req", "-new", "-newkey", kind.newkey(), "-nodes", "-keyout", "old.key",
            "-out", "old.csr", "-subj", "/O=cardguard tests/CN=test old"]);
        #[rustfmt::skip]
        openssl(d, &["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
            "-in", "old.csr", "-out", "old.pem", "-notext", "-startdate", "20200101000000Z",
            "-enddate", "20200102000000Z", "-extfile", "ext.cnf", "-extensions", "tsa"]);
        let config = format!(
            "[ tsa ]\ndefault_tsa = tsa_config1\n[ tsa_config1 ]\n\
             dir = {}\nserial = $dir/tsaserial\ncrypto_device = builtin\n\
             signer_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
             other_policies = 1.2.3.4.5\ndigests = sha256, sha384, sha512\n\
             accuracy = secs:1\nclock_precision_digits = 3\nordering = no\n\
             tsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            d.display()
        );
        std::fs::write(d.join("ts.cnf"), config).unwrap();
        std::fs::write(d.join("tsaserial"), "01\n").unwrap();

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(Mode::Reply));
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (mode, requests, stop) = (mode.clone(), requests.clone(), stop.clone());
            let d = d.to_path_buf();
            let signing = Arc::new(Mutex::new(()));
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (mode, requests) = (mode.clone(), requests.clone());
                    let (d, signing) = (d.clone(), signing.clone());
                    std::thread::spawn(move || serve(conn, &d, &mode, &requests, &signing));
                }
            })
        };
        Some(LocalTsa {
            url: format!("http://{addr}/tsa"),
            dir,
            addr,
            mode,
            requests,
            stop,
            thread: Some(thread),
        })
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The root certificate a verifier trusts.
    pub fn ca_pem(&self) -> PathBuf {
        self.path("ca.pem")
    }

    /// `openssl ts -verify` of a stored checkpoint and token under this
    /// TSA's CA, as an outsider checks them; panics with openssl's words.
    pub fn assert_openssl_verifies(&self, txt: &Path, tsr: &Path) {
        let out = openssl(
            self.dir.path(),
            &[
                "ts",
                "-verify",
                "-data",
                txt.to_str().unwrap(),
                "-in",
                tsr.to_str().unwrap(),
                "-CAfile",
                self.ca_pem().to_str().unwrap(),
            ],
        );
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {said}", tsr.display());
    }

    /// A certificate's DER (`name.pem` in the folder).
    pub fn der_of(&self, name: &str) -> Vec<u8> {
        openssl(self.dir.path(), &["x509", "-in", name, "-outform", "DER"]).stdout
    }

    /// `openssl ts -reply` for a DER query, without HTTP.
    pub fn reply(&self, query: &[u8]) -> Vec<u8> {
        reply(self.dir.path(), query, &Mutex::new(()), "tsa")
    }

    /// A token for `tst_info` (DER TSTInfo) signed with `openssl cms -sign`
    /// by the named certificate (`tsa` or `noeku`), wrapped in a granted
    /// TimeStampResp: how a token from a certificate that is not for time
    /// stamping is made, since `openssl ts -reply` refuses to sign one.
    pub fn cms_response(&self, tst_info: &[u8], signer: &str) -> Vec<u8> {
        let d = self.dir.path();
        let n = fastrand::u64(..);
        let (tst, out) = (
            format!("tst-{signer}-{n}.der"),
            format!("tok-{signer}-{n}.der"),
        );
        std::fs::write(d.join(&tst), tst_info).unwrap();
        #[rustfmt::skip]
        openssl(d, &["cms", "-sign", "-binary", "-nodetach", "-in", &tst, "-outform", "DER",
            "-econtent_type", "1.2.840.113549.1.9.16.1.4", "-md", "sha256",
            "-signer", &format!("{signer}.pem"), "-inkey", &format!("{signer}.key"),
            "-certfile", "ca.pem", "-out", &out]);
        let token = std::fs::read(d.join(out)).unwrap();
        // TimeStampResp ::= SEQUENCE { PKIStatusInfo { 0 }, token }
        let mut body = vec![0x30, 0x03, 0x02, 0x01, 0x00];
        body.extend_from_slice(&token);
        der_wrap(0x30, &body)
    }
}

impl Drop for LocalTsa {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A DER TLV with a definite length.
pub fn der_wrap(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(body);
    out
}

fn reply(dir: &Path, query: &[u8], signing: &Mutex<()>, signer: &str) -> Vec<u8> {
    // One openssl at a time: they share the serial file.
    let _one = signing.lock().unwrap_or_else(|e| e.into_inner());
    let n: u64 = fastrand::u64(..);
    let (q, r) = (format!("q-{n}.tsq"), format!("r-{n}.tsr"));
    std::fs::write(dir.join(&q), query).unwrap();
    #[rustfmt::skip]
    openssl(dir, &["ts", "-reply", "-config", "ts.cnf", "-queryfile", &q,
        "-inkey", &format!("{signer}.key"), "-signer", &format!("{signer}.pem"),
        "-chain", "ca.pem", "-out", &r]);
    std::fs::read(dir.join(r)).unwrap()
}

/// Reads one HTTP request's body (Content-Length only), at most 1 MiB.
fn read_request(conn: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())?;
    let mut body = buf[head_end..].to_vec();
    while body.len() < len.min(1 << 20) {
        let n = conn.read(&mut chunk).ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some(body)
}

fn serve(
    mut conn: TcpStream,
    dir: &Path,
    mode: &Mutex<Mode>,
    requests: &AtomicUsize,
    signing: &Mutex<()>,
) {
    let Some(query) = read_request(&mut conn) else {
        return;
    };
    requests.fetch_add(1, Ordering::SeqCst);
    let mode = mode.lock().unwrap().clone();
    let (status, body) = match mode {
        Mode::Reply => (200, reply(dir, &query, signing, "tsa")),
        Mode::ReplyExpired => (200, reply(dir, &query, signing, "old")),
        Mode::Status(s) => (s, Vec::new()),
        Mode::Silent => {
            // Hold the connection open until the client hangs up.
            let mut sink = [0u8; 64];
            while conn.read(&mut sink).is_ok_and(|n| n > 0) {}
            return;
        }
        Mode::Huge(n) => (200, vec![0x30; n]),
        Mode::Garbage => (200, b"<html>not a time stamp</html>".to_vec()),
        Mode::Flip(from_end) => {
            let mut r = reply(dir, &query, signing, "tsa");
            let i = r.len() - 1 - from_end;
            r[i] ^= 0x01;
            (200, r)
        }
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/timestamp-reply\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(&body);
}
