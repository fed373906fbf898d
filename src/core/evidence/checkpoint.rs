//! Signed checkpoints of the journal's Merkle tree: C2SP tlog-checkpoint
//! bodies in C2SP signed notes, signed with a per-install Ed25519 key, one
//! file per tree size in `checkpoints/`. Anyone holding `log.vkey` can check
//! them; only this install can make them (unlike a shared-secret seal, the
//! verifier key cannot forge).

use super::merkle::Hash;
use crate::core::safe_file::{self, FileError, Links};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const SIGNING_KEY_FILE: &str = "log-signing.key";
pub const VKEY_FILE: &str = "log.vkey";
pub const SALT_KEY_FILE: &str = "log-salt.key";
pub const CHECKPOINTS_DIR: &str = "checkpoints";
/// A checkpoint is three short lines and a signature: anything bigger is not one.
pub const CHECKPOINT_CAP: u64 = 4096;
/// The signature type byte of Ed25519 in signed notes.
const ALG_ED25519: u8 = 0x01;
const KEY_CAP: u64 = 1024;

/// The key name, also the log's origin: `cardguard/` and 16 hex digits of
/// the public key's SHA-256, so two installs never share an origin.
pub fn key_name(public: &VerifyingKey) -> String {
    format!(
        "cardguard/{}",
        &hex::encode(Sha256::digest(public.as_bytes()))[..16]
    )
}

/// SHA-256(name || 0x0A || 0x01 || public key)[:4].
pub fn key_id(name: &str, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Who can check a checkpoint: a name, a key id and a public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogVerifier {
    pub name: String,
    pub id: [u8; 4],
    pub public: VerifyingKey,
}

impl LogVerifier {
    pub fn new(public: VerifyingKey) -> Self {
        let name = key_name(&public);
        let id = key_id(&name, &public);
        LogVerifier { name, id, public }
    }

    /// `<name>+<hex key id>+<base64(0x01 || public key)>`.
    pub fn vkey(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.public.as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(self.id), B64.encode(raw))
    }

    /// Reads a vkey line; the id must be the one the name and key give.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let text = text.trim_end_matches('\n');
        // The name holds no '+'; the base64 key may.
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::BadKey);
        };
        let raw = B64.decode(key).map_err(|_| NoteError::BadKey)?;
        let (&[ALG_ED25519], public) = raw.split_at_checked(1).ok_or(NoteError::BadKey)? else {
            return Err(NoteError::BadKey);
        };
        let public: [u8; 32] = public.try_into().map_err(|_| NoteError::BadKey)?;
        let public = VerifyingKey::from_bytes(&public).map_err(|_| NoteError::BadKey)?;
        let v = LogVerifier {
            name: name.to_owned(),
            id: key_id(name, &public),
            public,
        };
        if hex::encode(v.id) != id || name.is_empty() || name.contains(char::is_whitespace) {
            return Err(NoteError::BadKey);
        }
        Ok(v)
    }

    /// Checks a signed checkpoint and returns what it says.
    pub fn open(&self, note: &[u8]) -> Result<Checkpoint, NoteError> {
        let text = std::str::from_utf8(note).map_err(|_| NoteError::Malformed)?;
        let split = text.find("\n\n").ok_or(NoteError::Malformed)?;
        let cp = Checkpoint::parse_body(&text[..split + 1])?;
        if cp.origin != self.name {
            return Err(NoteError::OtherLog(cp.origin));
        }
        self.open_note(note)?;
        Ok(cp)
    }

    /// Checks any signed note for this key's signature; returns its text.
    pub fn open_note<'n>(&self, note: &'n [u8]) -> Result<&'n str, NoteError> {
        let text = std::str::from_utf8(note).map_err(|_| NoteError::Malformed)?;
        let split = text.find("\n\n").ok_or(NoteError::Malformed)?;
        let (body, sigs) = (&text[..split + 1], &text[split + 2..]);
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::Malformed);
        }
        let mut found = Err(NoteError::NotSigned);
        for line in sigs.lines() {
            let rest = line.strip_prefix("— ").ok_or(NoteError::Malformed)?;
            let (name, sig) = rest.split_once(' ').ok_or(NoteError::Malformed)?;
            let raw = B64.decode(sig).map_err(|_| NoteError::Malformed)?;
            if name != self.name || raw.len() != 68 || raw[..4] != self.id || found.is_ok() {
                continue;
            }
            let sig = Signature::from_slice(&raw[4..]).map_err(|_| NoteError::Malformed)?;
            found = match self.public.verify_strict(body.as_bytes(), &sig) {
                Ok(()) => Ok(body),
                Err(_) => Err(NoteError::BadSignature),
            };
        }
        found
    }
}

/// A signed note: the text, a blank line, `— <name> <base64(id || sig)>`.
pub fn sign_note(key: &SigningKey, v: &LogVerifier, text: &str) -> String {
    let sig = key.sign(text.as_bytes());
    let mut raw = v.id.to_vec();
    raw.extend_from_slice(&sig.to_bytes());
    format!("{text}\n— {} {}\n", v.name, B64.encode(raw))
}

/// What a checkpoint says: this log, this many lines, this root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// The exact body the writer makes: origin, size, root, nothing else.
    fn parse_body(body: &str) -> Result<Self, NoteError> {
        let mut lines = body
            .strip_suffix('\n')
            .ok_or(NoteError::Malformed)?
            .split('\n');
        let (Some(origin), Some(size), Some(root), None) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(NoteError::Malformed);
        };
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size: u64 = size
            .parse()
            .ok()
            .filter(|_| size_ok)
            .ok_or(NoteError::Malformed)?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or(NoteError::Malformed)?;
        if origin.is_empty() {
            return Err(NoteError::Malformed);
        }
        let cp = Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        };
        // Re-rendered, it must be the same bytes (one reading only).
        if cp.body() != body {
            return Err(NoteError::Malformed);
        }
        Ok(cp)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    Malformed,
    BadKey,
    /// Signed for another log (another install's key).
    OtherLog(String),
    /// No signature by this install's key.
    NotSigned,
    BadSignature,
}

impl NoteError {
    pub fn code(&self) -> &'static str {
        match self {
            NoteError::Malformed => "malformed",
            NoteError::BadKey => "bad_key",
            NoteError::OtherLog(_) => "other_log",
            NoteError::NotSigned => "not_signed",
            NoteError::BadSignature => "bad_signature",
        }
    }
}

impl std::fmt::Display for NoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteError::Malformed => f.write_str("not a checkpoint in the signed-note form"),
            NoteError::BadKey => f.write_str("not a verifier key"),
            NoteError::OtherLog(o) => write!(f, "a checkpoint of another log ({o})"),
            NoteError::NotSigned => f.write_str("not signed by this install's key"),
            NoteError::BadSignature => f.write_str("the signature does not match"),
        }
    }
}

/// The install's log keys: the Ed25519 signer and the leaf-salt secret.
pub struct LogKeys {
    signing: SigningKey,
    salt: Zeroizing<[u8; 32]>,
    verifier: LogVerifier,
}

impl std::fmt::Debug for LogKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogKeys({})", self.verifier.name)
    }
}

impl LogKeys {
    pub fn from_secrets(seed: [u8; 32], salt: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let verifier = LogVerifier::new(signing.verifying_key());
        LogKeys {
            signing,
            salt: Zeroizing::new(salt),
            verifier,
        }
    }

    /// Reads the keys from `dir`, making them on first use (0600, never
    /// through a link), and (re)writes `log.vkey` when it is missing.
    /// A damaged or foreign key file is an error, never replaced: a new key
    /// would orphan every checkpoint signed so far.
    pub fn load_or_create(dir: &Path) -> Result<Self, FileError> {
        let salt = load_or_make(
            dir,
            SALT_KEY_FILE,
            |b| b.to_vec(),
            |raw| raw.try_into().ok(),
        )?;
        let seed = load_or_make(
            dir,
            SIGNING_KEY_FILE,
            |seed| signer_text(seed).into_bytes(),
            parse_signer,
        )?;
        let keys = LogKeys::from_secrets(*seed, *salt);
        let vkey_path = dir.join(VKEY_FILE);
        let want = format!("{}\n", keys.verifier.vkey());
        match safe_file::read_capped_opt(&vkey_path, KEY_CAP, Links::Refuse)? {
            Some(have) if have == want.as_bytes() => {}
            _ => safe_file::write_private_atomic(&vkey_path, want.as_bytes())?,
        }
        Ok(keys)
    }

    /// Reads the keys without making any (`None` when there are none).
    pub fn load(dir: &Path) -> Result<Option<Self>, FileError> {
        let salt = read_key(&dir.join(SALT_KEY_FILE), |raw| raw.try_into().ok())?;
        let seed = read_key(&dir.join(SIGNING_KEY_FILE), parse_signer)?;
        Ok(match (seed, salt) {
            (Some(seed), Some(salt)) => Some(LogKeys::from_secrets(*seed, *salt)),
            _ => None,
        })
    }

    pub fn verifier(&self) -> &LogVerifier {
        &self.verifier
    }

    pub fn salt_secret(&self) -> &[u8; 32] {
        &self.salt
    }

    /// Any text signed as a note by this log's key.
    pub fn sign_text(&self, text: &str) -> String {
        sign_note(&self.signing, &self.verifier, text)
    }

    /// The signed note of a checkpoint of this log.
    pub fn sign(&self, size: u64, root: Hash) -> String {
        let body = Checkpoint {
            origin: self.verifier.name.clone(),
            size,
            root,
        }
        .body();
        sign_note(&self.signing, &self.verifier, &body)
    }
}

/// `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` (the note signer form).
fn signer_text(seed: &[u8; 32]) -> String {
    let v = LogVerifier::new(SigningKey::from_bytes(seed).verifying_key());
    let mut raw = Zeroizing::new(vec![ALG_ED25519]);
    raw.extend_from_slice(seed);
    format!(
        "PRIVATE+KEY+{}+{}+{}\n",
        v.name,
        hex::encode(v.id),
        B64.encode(&*raw)
    )
}

fn parse_signer(raw: &[u8]) -> Option<[u8; 32]> {
    let text = std::str::from_utf8(raw).ok()?.trim_end_matches('\n');
    let rest = text.strip_prefix("PRIVATE+KEY+")?;
    // name + id + key; the base64 key may hold a '+'.
    let key = rest.splitn(3, '+').nth(2)?;
    let raw = Zeroizing::new(B64.decode(key).ok()?);
    let (&alg, seed) = raw.split_first()?;
    let seed: [u8; 32] = seed.try_into().ok().filter(|_| alg == ALG_ED25519)?;
    // The whole text must be what this seed gives (name and id included).
    (signer_text(&seed) == format!("{text}\n")).then_some(seed)
}

fn read_key(
    path: &Path,
    parse: impl Fn(&[u8]) -> Option<[u8; 32]>,
) -> Result<Option<Zeroizing<[u8; 32]>>, FileError> {
    let Some(raw) = safe_file::read_capped_opt(path, KEY_CAP, Links::Refuse)? else {
        return Ok(None);
    };
    let raw = Zeroizing::new(raw);
    match parse(&raw) {
        Some(k) => Ok(Some(Zeroizing::new(k))),
        None => Err(FileError::Io(
            path.to_path_buf(),
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not a key this app wrote (damaged or replaced); move it away to start a new log key",
            ),
        )),
    }
}

fn load_or_make(
    dir: &Path,
    name: &str,
    render: impl Fn(&[u8; 32]) -> Vec<u8>,
    parse: impl Fn(&[u8]) -> Option<[u8; 32]>,
) -> Result<Zeroizing<[u8; 32]>, FileError> {
    let path = dir.join(name);
    if let Some(k) = read_key(&path, &parse)? {
        return Ok(k);
    }
    let mut secret = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *secret)
        .map_err(|e| FileError::Io(path.clone(), std::io::Error::other(e.to_string())))?;
    let text = Zeroizing::new(render(&secret));
    // Whole or not at all (a kill on the first start must not leave an
    // empty key that locks the install out); a key made meanwhile by
    // another process (two first starts at once) is the one used.
    match safe_file::create_new_atomic(&path, &text) {
        Ok(()) => Ok(secret),
        Err(FileError::Exists(_)) => read_key(&path, &parse)?.ok_or(FileError::NotFound(path)),
        Err(e) => Err(e),
    }
}

/// `checkpoints/<size>.txt` relative to the data folder.
pub fn checkpoint_rel(size: u64) -> String {
    format!("{CHECKPOINTS_DIR}/{size}.txt")
}

/// What writing a checkpoint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    New(PathBuf),
    /// The same checkpoint was already there.
    Kept(PathBuf),
}

/// Writes a signed checkpoint as `checkpoints/<size>.txt` (new, 0600,
/// synced). The same bytes already there are fine; different bytes are
/// never overwritten: that file is evidence (of a journal cut and regrown).
pub fn write_checkpoint(dir: &Path, size: u64, note: &str) -> Result<Written, FileError> {
    let folder = safe_file::ensure_subdir(dir, Path::new(CHECKPOINTS_DIR))?;
    let path = folder.join(format!("{size}.txt"));
    // Whole or not at all: a kill mid-write must not leave a torn
    // checkpoint that verify would take for a forged one.
    match safe_file::create_new_atomic(&path, note.as_bytes()) {
        Ok(()) => Ok(Written::New(path)),
        Err(FileError::Exists(_)) => {
            let have = safe_file::read_capped(&path, CHECKPOINT_CAP, Links::Refuse)?;
            if have == note.as_bytes() {
                Ok(Written::Kept(path))
            } else {
                Err(FileError::Exists(path))
            }
        }
        Err(e) => Err(e),
    }
}

/// Every `checkpoints/<size>.txt` name (sizes ascending). Other names are
/// not checkpoints and are left alone; a link or non-folder at
/// `checkpoints` is refused.
pub fn list_checkpoints(dir: &Path) -> Result<Vec<u64>, FileError> {
    let folder = dir.join(CHECKPOINTS_DIR);
    match std::fs::symlink_metadata(&folder) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(FileError::Io(folder, e)),
        Ok(m) if m.file_type().is_symlink() => return Err(FileError::Symlink(folder)),
        Ok(m) if !m.is_dir() => return Err(FileError::NotFolder(folder)),
        Ok(_) => {}
    }
    let read = std::fs::read_dir(&folder).map_err(|e| FileError::Io(folder.clone(), e))?;
    let mut sizes: Vec<u64> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| size_of_name(&e.file_name().to_string_lossy()))
        .collect();
    sizes.sort_unstable();
    Ok(sizes)
}

/// `123.txt` → 123 (no leading zero, no other form).
pub fn size_of_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".txt")?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests;
