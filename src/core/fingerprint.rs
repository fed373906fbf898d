//! Keyed fingerprints of card codes (HMAC-SHA256 under a random per-install
//! key) so duplicates can be found without ever storing a code.

use super::safe_file::{self, FileError, Links};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
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
    /// damaged key file is moved aside (`.bak`) and replaced; a key file
    /// others could read is made private (0600). A symlink or anything but
    /// a regular file is refused and left as it is.
    pub fn load_or_create(dir: &Path) -> Result<(Self, KeyState), FileError> {
        let path = dir.join(KEY_FILE);
        let mut state = KeyState::Kept;
        match safe_file::open_read(&path, Links::Refuse) {
            Ok((file, _)) => {
                let loose = file.metadata().map(|m| safe_file::is_loose(&m));
                if let Some(key) = read_key(&path)? {
                    if loose.unwrap_or(false) {
                        tighten(&path, &file)?;
                        state = KeyState::Tightened;
                    }
                    return Ok((Self(key), state));
                }
                drop(file);
                std::fs::rename(&path, dir.join(format!("{KEY_FILE}.bak")))
                    .map_err(|e| FileError::Io(path.clone(), e))?;
                state = KeyState::Replaced;
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| FileError::Io(path.clone(), std::io::Error::other(e.to_string())))?;
        let mut f = safe_file::create_new_private(&path)?;
        f.write_all(hex::encode(key).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| FileError::Io(path.clone(), e))?;
        Ok((Self(key), state))
    }

    /// Reads the key without creating one (read-only checks): `Ok(None)`
    /// when there is none (or it is damaged), an error when it was refused.
    pub fn load(dir: &Path) -> Result<Option<Self>, FileError> {
        match read_key(&dir.join(KEY_FILE)) {
            Ok(k) => Ok(k.map(Self)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lowercase hex HMAC-SHA256 of the normalised code.
    pub fn fingerprint(&self, normalized_code: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(normalized_code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// What loading the key had to do (each is told to the person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Kept,
    /// The file was damaged: moved aside, a new key made (earlier
    /// fingerprints no longer match).
    Replaced,
    /// Others could read the file: it is now 0600.
    Tightened,
}

// 64 hex digits and a newline; anything much larger is not a key file.
const KEY_FILE_CAP: u64 = 1024;

/// `Ok(None)` for a file that holds no key (damaged).
fn read_key(path: &Path) -> Result<Option<[u8; 32]>, FileError> {
    let bytes = match safe_file::read_capped(path, KEY_FILE_CAP, Links::Refuse) {
        Ok(b) => b,
        Err(FileError::TooLarge(..)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut key = [0u8; 32];
    let text = String::from_utf8_lossy(&bytes);
    Ok(hex::decode_to_slice(text.trim(), &mut key)
        .is_ok()
        .then_some(key))
}

fn tighten(path: &Path, file: &std::fs::File) -> Result<(), FileError> {
    crate::platform::set_private(file).map_err(|e| FileError::Io(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_persists_and_fingerprints_are_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let (k1, state) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert_eq!(state, KeyState::Kept);
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
        let (_, state) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert_eq!(state, KeyState::Replaced);
        assert!(dir.path().join("fingerprint.key.bak").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_loose_key_is_made_private_and_a_linked_one_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (k1, _) = FingerprintKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (k2, state) = FingerprintKey::load_or_create(dir.path()).unwrap();
        assert_eq!(state, KeyState::Tightened);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(k1.fingerprint("A"), k2.fingerprint("A"));

        let other = tempfile::tempdir().unwrap();
        let link_dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&path, link_dir.path().join(KEY_FILE)).unwrap();
        let e = FingerprintKey::load_or_create(link_dir.path()).unwrap_err();
        assert_eq!(e.message_key(), "file.symlink");
        assert!(FingerprintKey::load(link_dir.path()).is_err());
        // A FIFO is refused at once, not waited on.
        let fifo = other.path().join(KEY_FILE);
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = FingerprintKey::load_or_create(other.path()).unwrap_err();
        assert_eq!(e.message_key(), "file.not_regular");
    }
}
