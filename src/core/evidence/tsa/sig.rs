//! The signatures a TSA token carries: RSA PKCS#1 v1.5 and ECDSA P-256 /
//! P-384, each with SHA-256, SHA-384 or SHA-512.

use der::Encode;
use der::asn1::ObjectIdentifier as Oid;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

impl Hash {
    pub(super) fn of_digest(oid: &Oid) -> Option<Hash> {
        match *oid {
            SHA256 => Some(Hash::Sha256),
            SHA384 => Some(Hash::Sha384),
            SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    pub(super) fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

#[derive(PartialEq)]
enum Scheme {
    Rsa,
    Ecdsa,
}

/// The scheme and the hash an algorithm names; a bare `rsaEncryption` or
/// `id-ecPublicKey` (as CMS signers may write) takes the digest algorithm.
fn scheme(alg: &Oid, digest: Option<Hash>) -> Option<(Scheme, Hash)> {
    Some(match *alg {
        SHA256_WITH_RSA => (Scheme::Rsa, Hash::Sha256),
        SHA384_WITH_RSA => (Scheme::Rsa, Hash::Sha384),
        SHA512_WITH_RSA => (Scheme::Rsa, Hash::Sha512),
        RSA_ENCRYPTION => (Scheme::Rsa, digest?),
        ECDSA_SHA256 => (Scheme::Ecdsa, Hash::Sha256),
        ECDSA_SHA384 => (Scheme::Ecdsa, Hash::Sha384),
        ECDSA_SHA512 => (Scheme::Ecdsa, Hash::Sha512),
        EC_PUBLIC_KEY => (Scheme::Ecdsa, digest?),
        _ => return None,
    })
}

/// Verifies `sig` over `msg` with the key in `spki`. The error says why,
/// in words for a log (the caller maps it to its own kind).
pub(super) fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &Oid,
    digest: Option<Hash>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let (scheme, hash) = scheme(alg, digest).ok_or_else(|| format!("algorithm {alg}"))?;
    let key_der = spki.to_der().map_err(|e| e.to_string())?;
    let hashed = hash.digest(msg);
    let wrong = |e: &dyn std::fmt::Display| format!("signature does not verify ({e})");
    match (scheme, spki.algorithm.oid) {
        (Scheme::Rsa, RSA_ENCRYPTION) => {
            use rsa::pkcs8::DecodePublicKey;
            let key = rsa::RsaPublicKey::from_public_key_der(&key_der)
                .map_err(|e| format!("RSA key: {e}"))?;
            let padding = match hash {
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            key.verify(padding, &hashed, sig).map_err(|e| wrong(&e))
        }
        (Scheme::Ecdsa, EC_PUBLIC_KEY) => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            use p256::pkcs8::DecodePublicKey;
            if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&key_der) {
                let s = p256::ecdsa::Signature::from_der(sig).map_err(|e| wrong(&e))?;
                key.verify_prehash(&hashed, &s).map_err(|e| wrong(&e))
            } else if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(&key_der) {
                let s = p384::ecdsa::Signature::from_der(sig).map_err(|e| wrong(&e))?;
                key.verify_prehash(&hashed, &s).map_err(|e| wrong(&e))
            } else {
                Err("EC key: only P-256 and P-384".into())
            }
        }
        (_, key_alg) => Err(format!("key {key_alg} does not fit algorithm {alg}")),
    }
}
