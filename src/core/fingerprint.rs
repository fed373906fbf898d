//! Keyed fingerprints of card codes (HMAC-SHA256 under a random per-install
//! key) so duplicates can be found without ever storing a code.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

pub const KEY_FILE: &str = "fingerprint.key";

#[derive(Clone)]
pub struct FingerprintKey([u8; 32]);

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(…)")
    }
}

impl FingerprintKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads the key from `dir`, creating a random one on first use. A
    /// damaged key file is moved aside (`.bak`) and replaced; the returned
    /// flag says so, since earlier fingerprints then no longer match.
    pub fn load_or_create(dir: &Path) -> std::io::Result<(Self, bool)> {
        let path = dir.join(KEY_FILE);
        let mut replaced = false;
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut key = [0u8; 32];
                if hex::decode_to_slice(text.trim(), &mut key).is_ok() {
                    return Ok((Self(key), false));
                }
                std::fs::rename(&path, dir.join(format!("{KEY_FILE}.bak")))?;
                replaced = true;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        write_private(&path, hex::encode(key).as_bytes())?;
        Ok((Self(key), replaced))
    }

    /// Reads the key without creating one (read-only checks).
    pub fn load(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(dir.join(KEY_FILE)).ok()?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut key).ok()?;
        Some(Self(key))
    }

    /// Lowercase hex HMAC-SHA256 of the normalised code.
    pub fn fingerprint(&self, normalized_code: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(normalized_code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Writes a file readable by its owner only (on Unix).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_persists_and_fingerprints_are_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let (k1, replaced) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert!(!replaced);
        let (k2, _) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert_eq!(
            k1.fingerprint("ABCD1234EFGH5678"),
            k2.fingerprint("ABCD1234EFGH5678")
        );
        let other = FingerprintKey::from_bytes([7; 32]);
        assert_ne!(
            k1.fingerprint("ABCD1234EFGH5678"),
            other.fingerprint("ABCD1234EFGH5678")
        );
        assert_eq!(k1.fingerprint("X").len(), 64);
    }

    #[test]
    fn damaged_key_is_replaced_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "garbage").unwrap();
        let (_, replaced) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert!(replaced);
        assert!(dir.path().join("fingerprint.key.bak").exists());
    }
}
