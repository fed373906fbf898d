//! Checking a TimeStampResp the way `openssl ts -verify` does: status,
//! token structure, imprint, nonce, the CMS signature over the signed
//! attributes, the signer certificate (found by sid, EKU timeStamping,
//! valid at genTime) and its chain link by link. Signed bytes (signed
//! attributes, certificates) are taken as they are in the token, never
//! re-encoded, so a TSA's own ordering cannot break a valid signature.

use super::{Stamp, TsaError, int_as_u64};
use chrono::{DateTime, NaiveDateTime, Utc};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{AnyRef, Int, ObjectIdentifier as Oid, OctetString};
use der::{Decode, Encode, Reader, Sequence, Tag, TagNumber, Tagged};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier,
};
use x509_tsp::{MessageImprint, TimeStampResp};

use super::sig::{Hash, verify_signature};

const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
const ID_CE_EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
const ID_CE_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const ID_CE_SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
const ID_CE_AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.35");

/// TSTInfo (RFC 3161 §2.4.2) as x509-tsp has it, except that genTime
/// keeps fractional seconds ("20240102030405.123Z"), which many public
/// TSAs send and der 0.7's GeneralizedTime refuses.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TstInfo {
    version: u8,
    policy: Oid,
    message_imprint: MessageImprint,
    serial_number: Int,
    gen_time: GenTime,
    #[asn1(optional = "true")]
    accuracy: Option<x509_tsp::Accuracy>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<der::Any>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<x509_cert::ext::Extensions>,
}

/// A GeneralizedTime `YYYYMMDDHHMMSS[.f…]Z`, as sent.
#[derive(Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
struct GenTime(String);

impl der::FixedTag for GenTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

impl<'a> der::DecodeValue<'a> for GenTime {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: der::Header) -> der::Result<Self> {
        let len = usize::try_from(header.length)?;
        if !(15..=32).contains(&len) {
            return Err(Tag::GeneralizedTime.value_error());
        }
        let bytes = reader.read_vec(header.length)?;
        let text = String::from_utf8(bytes).map_err(|_| Tag::GeneralizedTime.value_error())?;
        GenTime(text.clone())
            .to_utc()
            .map(|_| GenTime(text))
            .ok_or_else(|| Tag::GeneralizedTime.value_error())
    }
}

impl der::EncodeValue for GenTime {
    fn value_len(&self) -> der::Result<der::Length> {
        der::Length::try_from(self.0.len())
    }
    fn encode_value(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        writer.write(self.0.as_bytes())
    }
}

impl GenTime {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        let s = self.0.strip_suffix('Z')?;
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.len() != 14
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || s.ends_with('.')
        {
            return None;
        }
        let t = NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").ok()?;
        let mut nanos = 0u32;
        for (i, d) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        Some(t.and_utc() + chrono::Duration::nanoseconds(i64::from(nanos)))
    }
}

/// Checks a DER TimeStampResp for `data` (and the nonce of our request,
/// when given) and returns what it attests.
pub fn check_response(resp: &[u8], data: &[u8], nonce: Option<u64>) -> Result<Stamp, TsaError> {
    let malformed =
        |what: &'static str| move |e: der::Error| TsaError::Malformed(format!("{what}: {e}"));
    let resp = TimeStampResp::from_der(resp).map_err(malformed("TimeStampResp"))?;
    use cmpv2::status::PkiStatus;
    if !matches!(
        resp.status.status,
        PkiStatus::Accepted | PkiStatus::GrantedWithMods
    ) {
        let text: Vec<&str> = resp
            .status
            .status_string
            .iter()
            .flatten()
            .map(|s| s.as_str())
            .collect();
        // The TSA's own words, shown to a person: no control characters
        // (a terminal escape), and not a page of them.
        let words: String = text
            .join("; ")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(TsaError::Rejected(format!(
            "{:?} {words}",
            resp.status.status
        )));
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| TsaError::Malformed("granted without a token".into()))?;
    check_token(&token, data, nonce)
}

fn check_token(token: &ContentInfo, data: &[u8], nonce: Option<u64>) -> Result<Stamp, TsaError> {
    let malformed =
        |what: &'static str| move |e: der::Error| TsaError::Malformed(format!("{what}: {e}"));
    if token.content_type != ID_SIGNED_DATA {
        return Err(TsaError::Malformed("not id-signedData".into()));
    }
    let sd_der = token.content.to_der().map_err(malformed("SignedData"))?;
    let sd = SignedData::from_der(&sd_der).map_err(malformed("SignedData"))?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(TsaError::Malformed("content is not id-ct-TSTInfo".into()));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| TsaError::Malformed("no TSTInfo".into()))?
        .decode_as::<OctetString>()
        .map_err(malformed("eContent"))?;
    let tst_der = econtent.as_bytes();
    let tst = TstInfo::from_der(tst_der).map_err(malformed("TSTInfo"))?;
    if tst.version != 1 {
        return Err(TsaError::Malformed(format!(
            "TSTInfo version {}",
            tst.version
        )));
    }

    // What the token says about our data.
    if tst.message_imprint.hash_algorithm.oid != super::ID_SHA_256
        || tst.message_imprint.hashed_message.as_bytes() != Sha256::digest(data).as_slice()
    {
        return Err(TsaError::WrongImprint);
    }
    if let Some(want) = nonce
        && tst.nonce.as_ref().and_then(int_as_u64) != Some(want)
    {
        return Err(TsaError::WrongNonce);
    }
    let gen_time = tst
        .gen_time
        .to_utc()
        .ok_or_else(|| TsaError::Malformed("genTime".into()))?;

    // The signer and its signed attributes.
    let signers: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [signer] = signers.as_slice() else {
        return Err(TsaError::Malformed(format!("{} signers", signers.len())));
    };
    // RFC 5652 §5.1, §5.3: the versions this content and sid require, and
    // the signer's digest among those announced.
    let signer_version = match signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(_) => CmsVersion::V1,
        SignerIdentifier::SubjectKeyIdentifier(_) => CmsVersion::V3,
    };
    if sd.version != CmsVersion::V3
        || signer.version != signer_version
        || !sd
            .digest_algorithms
            .iter()
            .any(|a| a.oid == signer.digest_alg.oid)
        || !sd
            .digest_algorithms
            .iter()
            .chain([&signer.digest_alg])
            .all(null_or_absent)
    {
        return Err(TsaError::Malformed("SignedData versions or digests".into()));
    }
    let raw = raw_parts(&sd_der).map_err(malformed("SignedData"))?;
    let certs: Vec<Certificate> = raw
        .certs
        .iter()
        .map(|c| Certificate::from_der(c))
        .collect::<Result<_, _>>()
        .map_err(malformed("certificate"))?;
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TsaError::BadSignature("no signed attributes".into()))?;
    let signed_attrs = raw
        .signed_attrs
        .ok_or_else(|| TsaError::BadSignature("no signed attributes".into()))?;
    let digest_alg = Hash::of_digest(&signer.digest_alg.oid)
        .ok_or_else(|| TsaError::BadSignature(format!("digest {}", signer.digest_alg.oid)))?;
    let one_value = |oid: Oid| -> Result<Vec<u8>, TsaError> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => a
                .values
                .iter()
                .next()
                .map(|v| v.value().to_vec())
                .ok_or_else(|| TsaError::BadSignature(format!("attribute {oid}"))),
            _ => Err(TsaError::BadSignature(format!("attribute {oid}"))),
        }
    };
    if one_value(ID_CONTENT_TYPE)? != ID_CT_TST_INFO.as_bytes() {
        return Err(TsaError::BadSignature("content-type attribute".into()));
    }
    if one_value(ID_MESSAGE_DIGEST)? != digest_alg.digest(tst_der) {
        return Err(TsaError::BadSignature("message-digest attribute".into()));
    }
    let signer_at = certs
        .iter()
        .position(|c| is_sid(c, &signer.sid))
        .ok_or_else(|| TsaError::BadChain("signer certificate not in the token".into()))?;
    let signer_cert = &certs[signer_at];
    // RFC 5035: the signing-certificate-v2 attribute names the signer's
    // certificate by its hash, so another certificate for the same key
    // cannot be put in its place (openssl checks it too).
    if attrs.iter().any(|a| a.oid == ID_SIGNING_CERTIFICATE_V2) {
        let value = one_value(ID_SIGNING_CERTIFICATE_V2)?;
        if !ess_names(&value, &raw.certs[signer_at]).map_err(malformed("signingCertificateV2"))? {
            return Err(TsaError::BadSignature(
                "the signing-certificate attribute names another certificate".into(),
            ));
        }
    }
    verify_signature(
        &signer_cert.tbs_certificate.subject_public_key_info,
        &signer.signature_algorithm.oid,
        Some(digest_alg),
        &signed_attrs,
        signer.signature.as_bytes(),
    )
    .map_err(TsaError::BadSignature)?;

    let eku: Option<ExtendedKeyUsage> = extension(signer_cert, ID_CE_EXT_KEY_USAGE)?;
    if !eku.is_some_and(|e| e.0.contains(&ID_KP_TIME_STAMPING)) {
        return Err(TsaError::NotForTimeStamping);
    }

    let (order, root_at) = check_chain(&certs, &raw.certs, signer_at, gen_time)?;
    Ok(Stamp {
        gen_time,
        tsa_name: signer_cert.tbs_certificate.subject.to_string(),
        serial: hex::encode(tst.serial_number.as_bytes()),
        root_sha256: root_at.map(|i| hex::encode(Sha256::digest(&raw.certs[i]))),
        certs_der: order.iter().map(|i| raw.certs[*i].clone()).collect(),
    })
}

/// From the signer up: each certificate valid at `at` and signed by the
/// next issuer present (a CA by its basic constraints), up to a
/// self-signed root when the token has one. Returns the indices in chain
/// order and the root's index.
fn check_chain(
    certs: &[Certificate],
    raw: &[Vec<u8>],
    signer_at: usize,
    at: DateTime<Utc>,
) -> Result<(Vec<usize>, Option<usize>), TsaError> {
    let mut chain = vec![signer_at];
    let mut root = None;
    loop {
        let i = chain[chain.len() - 1];
        let cert = &certs[i];
        let tbs = &cert.tbs_certificate;
        let name = tbs.subject.to_string();
        let v = &tbs.validity;
        let from = DateTime::<Utc>::UNIX_EPOCH + v.not_before.to_unix_duration();
        let until = DateTime::<Utc>::UNIX_EPOCH + v.not_after.to_unix_duration();
        if at < from || at > until {
            return Err(TsaError::BadChain(format!("{name} not valid at {at}")));
        }
        let tbs_der = tbs_bytes(&raw[i]).map_err(|e| TsaError::Malformed(e.to_string()))?;
        let issuer = if tbs.issuer == tbs.subject || claims_own_key(cert)? {
            Some(i)
        } else {
            certs
                .iter()
                .position(|c| c.tbs_certificate.subject == tbs.issuer)
        };
        let Some(j) = issuer else { break };
        if j != i {
            let bc: Option<BasicConstraints> = extension(&certs[j], ID_CE_BASIC_CONSTRAINTS)?;
            if !bc.is_some_and(|b| b.ca) {
                return Err(TsaError::BadChain(format!("issuer of {name} is not a CA")));
            }
        }
        verify_signature(
            &certs[j].tbs_certificate.subject_public_key_info,
            &cert.signature_algorithm.oid,
            None,
            &tbs_der,
            cert.signature
                .as_bytes()
                .ok_or_else(|| TsaError::BadChain(format!("{name}: signature bits")))?,
        )
        .map_err(|e| TsaError::BadChain(format!("{name}: {e}")))?;
        if j == i {
            root = Some(i);
            break;
        }
        if chain.contains(&j) {
            return Err(TsaError::BadChain("certificate loop".into()));
        }
        chain.push(j);
    }
    // Nothing unchecked rides along: a certificate off the chain (or one
    // whose changed name cut it off) is refused, not ignored.
    if let Some(k) = (0..certs.len()).find(|k| !chain.contains(k)) {
        let name = certs[k].tbs_certificate.subject.to_string();
        return Err(TsaError::BadChain(format!(
            "{name} is not on the signer's chain"
        )));
    }
    Ok((chain, root))
}

/// Whether a certificate says it is signed by its own key (authority key
/// id = subject key id), as roots do: then its signature is checked with
/// that key even when its names were changed.
fn claims_own_key(cert: &Certificate) -> Result<bool, TsaError> {
    let ski: Option<SubjectKeyIdentifier> = extension(cert, ID_CE_SUBJECT_KEY_IDENTIFIER)?;
    let aki: Option<AuthorityKeyIdentifier> = extension(cert, ID_CE_AUTHORITY_KEY_IDENTIFIER)?;
    Ok(match (ski, aki.and_then(|a| a.key_identifier)) {
        (Some(s), Some(a)) => s.0 == a,
        _ => false,
    })
}

/// Whether the first ESSCertIDv2 of a SigningCertificateV2 (its value
/// bytes) is the hash of `cert_der` (hashAlgorithm DEFAULT sha256).
fn ess_names(value: &[u8], cert_der: &[u8]) -> der::Result<bool> {
    let fields = elements(value)?;
    let certs = fields.first().ok_or_else(|| Tag::Sequence.value_error())?;
    let ids = elements(certs.value())?;
    let id = ids.first().ok_or_else(|| Tag::Sequence.value_error())?;
    let parts = elements(id.value())?;
    let (hash, digest) = match parts.first() {
        Some(alg) if alg.tag() == Tag::Sequence => {
            let oid: Oid = elements(alg.value())?
                .first()
                .ok_or_else(|| Tag::Sequence.value_error())?
                .decode_as()?;
            (Hash::of_digest(&oid), parts.get(1))
        }
        _ => (Some(Hash::Sha256), parts.first()),
    };
    let (Some(hash), Some(digest)) = (hash, digest) else {
        return Err(Tag::Sequence.value_error());
    };
    Ok(digest.tag() == Tag::OctetString && digest.value() == hash.digest(cert_der))
}

/// Digest algorithm parameters are absent or NULL (RFC 5754 §2).
fn null_or_absent(a: &x509_cert::spki::AlgorithmIdentifierOwned) -> bool {
    a.parameters
        .as_ref()
        .is_none_or(|p| p.tag() == Tag::Null && p.value().is_empty())
}

fn is_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(is) => {
            cert.tbs_certificate.issuer == is.issuer
                && cert.tbs_certificate.serial_number == is.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(extension::<SubjectKeyIdentifier>(cert, ID_CE_SUBJECT_KEY_IDENTIFIER),
                Ok(Some(own)) if own.0 == ski.0)
        }
    }
}

/// A certificate's extension, decoded, when present (at most once).
fn extension<T: for<'a> Decode<'a>>(cert: &Certificate, oid: Oid) -> Result<Option<T>, TsaError> {
    let mut found = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == oid);
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some(e), None) => T::from_der(e.extn_value.as_bytes())
            .map(Some)
            .map_err(|e| TsaError::Malformed(format!("extension {oid}: {e}"))),
        (Some(_), Some(_)) => Err(TsaError::Malformed(format!("extension {oid} twice"))),
    }
}

/// The bytes of a SignedData that are signed or hashed, as sent.
struct RawParts {
    /// Each certificate's DER, in the token's order.
    certs: Vec<Vec<u8>>,
    /// The first signer's signed attributes re-tagged as SET OF (RFC 5652 §5.4).
    signed_attrs: Option<Vec<u8>>,
}

fn elements(bytes: &[u8]) -> der::Result<Vec<AnyRef<'_>>> {
    let mut r = der::SliceReader::new(bytes)?;
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(AnyRef::decode(&mut r)?);
    }
    Ok(out)
}

fn context(n: TagNumber) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: n,
    }
}

fn raw_parts(signed_data_der: &[u8]) -> der::Result<RawParts> {
    let sd = AnyRef::from_der(signed_data_der)?;
    let fields = elements(sd.value())?;
    let mut certs = Vec::new();
    if let Some(set) = fields.iter().find(|f| f.tag() == context(TagNumber::N0)) {
        for c in elements(set.value())? {
            if c.tag() == Tag::Sequence {
                certs.push(c.to_der()?);
            }
        }
    }
    let mut signed_attrs = None;
    if let Some(infos) = fields.last()
        && let Some(first) = elements(infos.value())?.first()
        && let Some(a) = elements(first.value())?
            .get(3)
            .filter(|a| a.tag() == context(TagNumber::N0))
    {
        let mut set = der::Header::new(Tag::Set, a.value().len())?.to_der()?;
        set.extend_from_slice(a.value());
        signed_attrs = Some(set);
    }
    Ok(RawParts {
        certs,
        signed_attrs,
    })
}

/// The TBSCertificate's bytes as they are in the certificate.
fn tbs_bytes(cert_der: &[u8]) -> der::Result<Vec<u8>> {
    let cert = AnyRef::from_der(cert_der)?;
    elements(cert.value())?
        .first()
        .ok_or_else(|| Tag::Sequence.value_error())?
        .to_der()
}
