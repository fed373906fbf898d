//! Trusted time (RFC 3161) for checkpoints: a time-stamp request carrying
//! only the SHA-256 of a checkpoint file, sent by plain HTTP POST to a
//! time-stamping authority (TSA) the person chose, and the reply checked
//! the way `openssl ts -verify` does before it is stored as `<size>.tsr`.
//! Format: /docs/JOURNAL.md and the evidence spec (`checkpoints/<n>.tsr`
//! holds the whole DER TimeStampResp as the TSA returned it).

use super::super::safe_file::FileError;
use chrono::{DateTime, Utc};
use der::Encode;
use der::asn1::{Any, Int, OctetString};
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_tsp::{MessageImprint, TimeStampReq, TspVersion};

mod check;
mod pending;
mod sig;
pub use check::check_response;
pub use pending::{SkipReason, StampReport, Stored, stamp_pending};

/// The most of a TSA's reply that is read (real tokens are 2–10 KiB).
pub const RESPONSE_CAP: u64 = 256 << 10;
/// How long one request may take when nothing else is said.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

pub(crate) const ID_SHA_256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// Why a time stamp could not be had or is not trustworthy.
#[derive(Debug)]
pub enum TsaError {
    /// No time-stamping authority is set.
    NoAuthority,
    /// Only `http://` addresses are used (no TLS in the build: tokens are
    /// signed, so the transport adds nothing to what is checked).
    NotHttp(String),
    /// Could not connect or the exchange broke off (offline, refused, DNS).
    Offline(String),
    /// No complete answer within the time allowed.
    Timeout,
    /// The TSA answered with an HTTP status other than 200.
    Http(u16),
    /// The answer is larger than [`RESPONSE_CAP`].
    TooLarge,
    /// The TSA refused: its status and status text.
    Rejected(String),
    /// Not a DER TimeStampResp with a signed time-stamp token.
    Malformed(String),
    /// The token is for other data.
    WrongImprint,
    /// The token does not carry our request's nonce (a replayed answer).
    WrongNonce,
    /// The CMS signature or its signed attributes do not verify.
    BadSignature(String),
    /// The signer's certificate is missing or a certificate in the chain
    /// is not signed by the next one, or not valid at the stamped time.
    BadChain(String),
    /// The signer's certificate is not for time stamping (no EKU timeStamping).
    NotForTimeStamping,
    /// The checkpoint or its `.tsr` could not be read or written.
    File(FileError),
}

impl TsaError {
    /// A short stable name (for logs and tests).
    pub fn code(&self) -> &'static str {
        match self {
            TsaError::NoAuthority => "no_authority",
            TsaError::NotHttp(_) => "not_http",
            TsaError::Offline(_) => "offline",
            TsaError::Timeout => "timeout",
            TsaError::Http(_) => "http",
            TsaError::TooLarge => "too_large",
            TsaError::Rejected(_) => "rejected",
            TsaError::Malformed(_) => "malformed",
            TsaError::WrongImprint => "wrong_imprint",
            TsaError::WrongNonce => "wrong_nonce",
            TsaError::BadSignature(_) => "bad_signature",
            TsaError::BadChain(_) => "bad_chain",
            TsaError::NotForTimeStamping => "not_for_time_stamping",
            TsaError::File(_) => "file",
        }
    }

    /// The error in the person's language.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        let key = format!("tsa.{}", self.code());
        match self {
            TsaError::NotHttp(s)
            | TsaError::Offline(s)
            | TsaError::Rejected(s)
            | TsaError::Malformed(s)
            | TsaError::BadSignature(s)
            | TsaError::BadChain(s) => tr.fmt(&key, &[("detail", s)]),
            TsaError::Http(status) => tr.fmt(&key, &[("status", status)]),
            TsaError::TooLarge => tr.fmt(&key, &[("cap", &crate::i18n::bytes_words(RESPONSE_CAP))]),
            TsaError::File(e) => super::super::safe_file::describe(e, tr),
            _ => tr.get(&key).to_string(),
        }
    }
}

/// What a checked token attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The time the TSA vouches for.
    pub gen_time: DateTime<Utc>,
    /// The signer certificate's subject (RFC 4514 form, e.g. `CN=…,O=…`).
    pub tsa_name: String,
    /// The token's serial number, lowercase hex.
    pub serial: String,
    /// Every certificate in the token, DER, signer first then its chain.
    pub certs_der: Vec<Vec<u8>>,
    /// SHA-256 (lowercase hex) of the self-signed root, when the token has one.
    pub root_sha256: Option<String>,
}

impl Stamp {
    /// The certificates as PEM with stable file names
    /// (`<first 16 hex of the cert's SHA-256>.pem`), in `certs_der` order.
    pub fn certs_pem(&self) -> Vec<(String, String)> {
        self.certs_der
            .iter()
            .filter_map(|der| {
                let pem =
                    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).ok()?;
                let name = format!("{}.pem", &hex::encode(Sha256::digest(der))[..16]);
                Some((name, pem))
            })
            .collect()
    }
}

/// The DER of a TimeStampReq v1 for `data`: SHA-256 imprint, the nonce,
/// certReq TRUE (so the token carries the TSA's certificates), no policy.
pub fn request_der(data: &[u8], nonce: u64) -> Vec<u8> {
    let req = || -> der::Result<Vec<u8>> {
        TimeStampReq {
            version: TspVersion::V1,
            message_imprint: MessageImprint {
                hash_algorithm: sha256_alg(),
                hashed_message: OctetString::new(Sha256::digest(data).to_vec())?,
            },
            req_policy: None,
            nonce: Some(nonce_int(nonce)?),
            cert_req: true,
            extensions: None,
        }
        .to_der()
    };
    // Encoding fixed-size fields cannot fail; were it to, an empty request
    // is refused by the TSA rather than a panic here.
    req().unwrap_or_default()
}

/// `AlgorithmIdentifier { sha256, NULL }`, the form openssl writes.
fn sha256_alg() -> x509_cert::spki::AlgorithmIdentifier<Any> {
    x509_cert::spki::AlgorithmIdentifier {
        oid: ID_SHA_256,
        parameters: Some(Any::null()),
    }
}

/// A u64 as a positive DER INTEGER (a leading 0 when the top bit is set).
pub(crate) fn nonce_int(nonce: u64) -> der::Result<Int> {
    let bytes = nonce.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(7);
    let mut v = Vec::with_capacity(9);
    if bytes[start] & 0x80 != 0 {
        v.push(0);
    }
    v.extend_from_slice(&bytes[start..]);
    Int::new(&v)
}

/// A token's INTEGER as a u64 when it is one (non-negative, fits).
pub(crate) fn int_as_u64(i: &Int) -> Option<u64> {
    let b = i.as_bytes();
    if b.first().is_some_and(|x| x & 0x80 != 0) {
        return None;
    }
    let b = &b[b.iter().position(|x| *x != 0).unwrap_or(b.len())..];
    if b.len() > 8 {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
}

/// Sends a DER TimeStampReq to `url` by plain HTTP POST and returns the
/// response body. At most [`RESPONSE_CAP`] bytes are read, everything
/// (resolve, connect, send, answer) within `timeout`, no redirect followed.
///
/// ureq 3 without default features: blocking, no async runtime, no TLS or
/// compression pulled in, small and maintained; it has a global deadline
/// and a body limit of its own, which is all a TSA exchange needs.
pub fn post(url: &str, req: &[u8], timeout: Duration) -> Result<Vec<u8>, TsaError> {
    if !url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        return Err(TsaError::NotHttp(url.to_string()));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .header("Accept", "application/timestamp-reply")
        .send(req)
        .map_err(from_ureq)?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(TsaError::Http(status));
    }
    resp.body_mut()
        .with_config()
        .limit(RESPONSE_CAP)
        .read_to_vec()
        .map_err(from_ureq)
}

fn from_ureq(e: ureq::Error) -> TsaError {
    match e {
        ureq::Error::Timeout(_) => TsaError::Timeout,
        ureq::Error::BodyExceedsLimit(_) => TsaError::TooLarge,
        ureq::Error::StatusCode(s) => TsaError::Http(s),
        ureq::Error::BadUri(u) => TsaError::NotHttp(u),
        // A read that hit the deadline surfaces as an I/O timeout.
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            TsaError::Timeout
        }
        other => TsaError::Offline(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn request_matches_what_openssl_ts_query_writes() {
        // `openssl ts -query -data abc.txt -sha256 -cert` with this nonce
        // (x509-tsp's own vector, certReq TRUE added: 0x01 0x01 0xff).
        let der = request_der(b"abc", 0x314C_FCE4_E065_1827);
        let want = hex::decode(
            "30430201013031300d060960864801650304020105000420ba7816bf8f01cfea414140de5dae2223\
             b00361a396177a9cb410ff61f20015ad0208314cfce4e06518270101ff",
        )
        .unwrap();
        assert_eq!(hex::encode(&der), hex::encode(want));
    }

    #[test]
    fn nonces_round_trip_as_positive_integers() {
        for n in [0, 1, 0x7f, 0x80, 0xff, 0x1234, u64::MAX, 1 << 63] {
            let req = TimeStampReq::from_der(&request_der(b"x", n)).unwrap();
            assert_eq!(int_as_u64(req.nonce.as_ref().unwrap()), Some(n), "{n:#x}");
        }
    }

    #[test]
    fn every_error_is_said_in_both_languages() {
        use crate::i18n::{Lang, Texts};
        let s = || "x".to_string();
        let all = [
            TsaError::NoAuthority,
            TsaError::NotHttp(s()),
            TsaError::Offline(s()),
            TsaError::Timeout,
            TsaError::Http(500),
            TsaError::TooLarge,
            TsaError::Rejected(s()),
            TsaError::Malformed(s()),
            TsaError::WrongImprint,
            TsaError::WrongNonce,
            TsaError::BadSignature(s()),
            TsaError::BadChain(s()),
            TsaError::NotForTimeStamping,
        ];
        for lang in Lang::ALL {
            let tr = Texts::new(lang);
            for e in &all {
                let key = format!("tsa.{}", e.code());
                assert!(tr.has(&key), "{lang:?} {key}");
                let text = e.describe(&tr);
                assert!(!text.contains('{'), "{lang:?} {key}: {text}");
            }
        }
        let tr = Texts::new(Lang::En);
        assert!(TsaError::Http(503).describe(&tr).contains("503"));
        assert!(TsaError::TooLarge.describe(&tr).contains("256 KB"));
    }

    #[test]
    fn only_plain_http_is_tried() {
        let e = post("https://tsa.example/", b"", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, TsaError::NotHttp(_)), "{e:?}");
        let e = post("ftp://x", b"", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, TsaError::NotHttp(_)), "{e:?}");
    }
}
