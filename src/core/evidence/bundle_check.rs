//! Checks a v3 evidence bundle the way `verify.py` does, with nothing but
//! the bundle: the manifest's hashes, the checkpoints' signatures under
//! `log.vkey`, every line's own hash and its inclusion proof, the earlier
//! checkpoints' consistency with the latest, the screenshots against their
//! lines and the time-stamp tokens against their checkpoints.

use super::BundleIntact;
use super::bundle::{
    ENTRIES_FILE, MANIFEST_FILE, MANIFEST_SIG, PROOFS_FILE, Proofs, manifest_statement,
};
use super::checkpoint::{LogVerifier, VKEY_FILE};
use super::merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};
use crate::core::journal::{lines_of, parse_line, sha256_hex};
use crate::core::safe_file::{self, Links};
use std::collections::HashMap;
use std::path::Path;

/// The most read of any one bundle file (a screenshot is ~100 KB, the
/// entries of a large batch a few MB).
const FILE_CAP: u64 = 64 << 20;
/// More files than any bundle holds (a batch of 500 cards has ~1 000).
const MAX_FILES: usize = 20_000;

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    // Plain relative names only, no link at any level inside the bundle.
    let first = name.split('/').next().unwrap_or_default();
    let path = safe_file::contained(dir, first, name)
        .ok_or_else(|| format!("{name}: not a plain file inside the bundle"))?;
    safe_file::read_capped(&path, FILE_CAP, Links::Refuse).map_err(|e| format!("{name}: {e}"))
}

fn unhex(s: &str) -> Option<Hash> {
    hex::decode(s).ok()?.try_into().ok()
}

fn hashes(v: &[String], what: &str) -> Result<Vec<Hash>, String> {
    v.iter()
        .map(|h| unhex(h).ok_or_else(|| format!("{what}: {h} is not a 32-byte hex hash")))
        .collect()
}

/// Every file under `dir` as a relative `/` path (a link or anything but a
/// file or folder is named as it is: it cannot be in a bundle).
fn walk(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((at, rel)) = todo.pop() {
        let read = std::fs::read_dir(&at).map_err(|e| format!("{}: {e}", at.display()))?;
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() => todo.push((entry.path(), rel)),
                Ok(t) if t.is_file() => out.push(rel),
                _ => return Err(format!("{rel}: not a plain file inside the bundle")),
            }
            if out.len() > MAX_FILES {
                return Err("the bundle holds more files than any bundle has".into());
            }
        }
    }
    Ok(out)
}

/// A time-stamp token the bundle carries, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampSeen {
    pub size: u64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub tsa: String,
    pub root_sha256: Option<String>,
}

/// How much a line's own time may run ahead of a token that covers it
/// (clocks differ a little); more means the token was dated before the
/// line existed: backdated.
const CLOCK_SKEW_S: i64 = 600;

pub fn verify_v3(
    dir: &Path,
    manifest_bytes: &[u8],
    manifest: &serde_json::Value,
    tsa_root: Option<&[u8]>,
) -> Result<BundleIntact, String> {
    // 1. Every listed file has the hash the manifest gives.
    let listed = manifest["files"]
        .as_array()
        .ok_or("manifest.json lists no files")?;
    if listed.len() > MAX_FILES {
        return Err("manifest.json lists more files than any bundle holds".into());
    }
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for f in listed {
        let name = f["name"].as_str().unwrap_or_default();
        if name == MANIFEST_FILE || files.contains_key(name) {
            return Err(format!("manifest.json lists {name} twice or itself"));
        }
        let bytes = read(dir, name)?;
        if Some(sha256_hex(&bytes).as_str()) != f["sha256"].as_str() {
            return Err(format!(
                "{name} was changed (its SHA-256 is not the manifest's)"
            ));
        }
        files.insert(name.to_owned(), bytes);
    }
    // Nothing in the folder that the manifest does not vouch for.
    for rel in walk(dir)? {
        if rel != MANIFEST_FILE && rel != MANIFEST_SIG && !files.contains_key(&rel) {
            return Err(format!("{rel} is in the folder but not in the manifest"));
        }
    }
    let need = |name: &str| {
        files
            .get(name)
            .ok_or_else(|| format!("{name} is not in the manifest"))
    };

    // 2. The log's key and the checkpoints it signed.
    let vkey = std::str::from_utf8(need(VKEY_FILE)?).map_err(|_| "log.vkey is not text")?;
    let verifier = LogVerifier::parse(vkey).map_err(|e| format!("{VKEY_FILE}: {e}"))?;
    // The manifest (and so every file it lists, the report and the
    // order's lines included) is signed by the same key as the log.
    let subject = manifest["order"].as_str().unwrap_or_default();
    let sig = read(dir, MANIFEST_SIG)?;
    let said = verifier
        .open_note(&sig)
        .map_err(|e| format!("{MANIFEST_SIG}: {e}"))?;
    if said != manifest_statement(subject, manifest_bytes) {
        return Err(format!("{MANIFEST_SIG} does not sign this manifest.json"));
    }
    let proofs: Proofs =
        serde_json::from_slice(need(PROOFS_FILE)?).map_err(|e| format!("{PROOFS_FILE}: {e}"))?;
    if proofs.log_origin != verifier.name {
        return Err(format!("{PROOFS_FILE} names another log than log.vkey"));
    }
    let n = proofs.tree_size;
    let mut latest = None;
    let mut roots = Vec::new();
    let mut stamps = Vec::new();
    for c in &proofs.checkpoints {
        let cp = verifier
            .open(need(&c.file)?)
            .map_err(|e| format!("{}: {e}", c.file))?;
        if cp.size != c.size || c.file != super::checkpoint::checkpoint_rel(c.size) {
            return Err(format!(
                "{}: it signs size {}, not {}",
                c.file, cp.size, c.size
            ));
        }
        if c.size == n {
            latest = Some(cp.root);
        }
        roots.push((c, cp.root));
        if let Some(tsr) = &c.tsr {
            let stamp =
                super::tsa::check_response(need(tsr)?, need(&c.file)?, None).map_err(|e| {
                    let en = crate::i18n::Texts::shared(crate::i18n::Lang::En);
                    format!("{tsr}: {}", e.describe(en))
                })?;
            if let Some(root) = tsa_root
                && stamp.root_sha256.as_deref() != Some(sha256_hex(root).as_str())
            {
                return Err(format!(
                    "{tsr}: not signed under the time-stamp authority's root you gave"
                ));
            }
            stamps.push(StampSeen {
                size: c.size,
                at: stamp.gen_time,
                tsa: stamp.tsa_name,
                root_sha256: stamp.root_sha256,
            });
        }
    }
    let latest = latest.ok_or_else(|| format!("no checkpoint of the tree size {n}"))?;

    // 3. Each earlier checkpoint is a prefix of the latest.
    for (c, root) in &roots {
        let proof = hashes(&c.consistency_to_latest, &c.file)?;
        if c.size > n || !verify_consistency(c.size, n, root, &latest, &proof) {
            return Err(format!(
                "{}: not consistent with the latest checkpoint",
                c.file
            ));
        }
    }

    // 4. Every line: its own hash, its place, its inclusion.
    let entries = need(ENTRIES_FILE)?;
    if !entries.is_empty() && !entries.ends_with(b"\n") {
        return Err(format!("{ENTRIES_FILE} ends in the middle of a line"));
    }
    let lines: Vec<&[u8]> = lines_of(entries).collect();
    if lines.len() != proofs.entries.len() || lines.is_empty() {
        return Err(format!(
            "{ENTRIES_FILE} has {} lines, {PROOFS_FILE} proves {}",
            lines.len(),
            proofs.entries.len()
        ));
    }
    let parsed: Vec<_> = lines.iter().map(|l| parse_line(l)).collect();
    // A batch bundle holds the batch's lines and its orders' lines.
    let members: std::collections::HashSet<&str> = parsed
        .iter()
        .flatten()
        .filter(|e| e.data["batch"].as_str() == Some(subject))
        .filter_map(|e| e.order.as_ref().map(|o| o.as_str()))
        .collect();
    let mut shots = Vec::new();
    let mut last_seq = 0;
    for (k, (line, p)) in lines.iter().zip(&proofs.entries).enumerate() {
        let at = format!("{ENTRIES_FILE} line {}", k + 1);
        let e = parsed[k].as_ref().map_err(|e| format!("{at}: {e}"))?;
        let order = e.order.as_ref().map(|o| o.as_str());
        if !(order == Some(subject)
            || e.data["batch"].as_str() == Some(subject)
            || order.is_some_and(|o| members.contains(o)))
        {
            return Err(format!("{at}: not a line of {subject}"));
        }
        if e.seq != p.seq {
            return Err(format!(
                "{at}: seq {} where the proof says {}",
                e.seq, p.seq
            ));
        }
        if p.seq <= last_seq {
            return Err(format!("{at}: seq {} is repeated or out of order", p.seq));
        }
        // A token says its checkpoint existed at a time: no line it covers
        // can have been written after that.
        if let Some(s) = stamps
            .iter()
            .find(|s| s.size >= p.seq && (e.ts - s.at).num_seconds() > CLOCK_SKEW_S)
        {
            return Err(format!(
                "{at}: written at {} but checkpoints/{}.tsr says the log already held it at {}: a backdated time-stamp",
                e.ts, s.size, s.at
            ));
        }
        last_seq = p.seq;
        let salt = hex::decode(&p.salt)
            .ok()
            .filter(|s| s.len() == super::merkle::SALT_LEN)
            .ok_or_else(|| format!("{at}: the salt is not 16 hex bytes"))?;
        let proof = hashes(&p.inclusion, &at)?;
        if !verify_inclusion(p.seq - 1, n, &leaf_hash(&salt, line), &proof, &latest) {
            return Err(format!(
                "{at}: not in the signed tree (inclusion proof fails)"
            ));
        }
        if let Some(s) = super::screenshot_ref(k as u64 + 1, e) {
            shots.push(s);
        }
    }

    // 5. A screenshot in the bundle is the one its line names.
    for name in files.keys().filter(|n| n.starts_with("screenshots/")) {
        let sha = sha256_hex(&files[name]);
        if !shots.iter().any(|s| &s.path == name && s.sha256 == sha) {
            return Err(format!("{name} is not the screenshot the lines name"));
        }
    }
    Ok(BundleIntact {
        events: lines.len() as u64,
        files: files.len(),
        stamps,
    })
}
