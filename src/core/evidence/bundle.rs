//! Evidence bundle v3: one order's (or batch's) own journal lines and
//! nothing of any other order, with what a third party needs to check them
//! alone — an inclusion proof of each line in a checkpoint signed now,
//! earlier checkpoints (time-stamped when a TSA is set) with consistency
//! proofs, the log's public key, the order's screenshots, a manifest, a
//! report and a stand-alone verifier. Format: docs/JOURNAL.md.

use super::checkpoint::{
    CHECKPOINT_CAP, LogKeys, VKEY_FILE, Written, checkpoint_rel, list_checkpoints, write_checkpoint,
};
use super::merkle::{LeafHasher, Tree};
use super::scan::{OwnLine, Scanned};
use super::{ExportError, ManifestFile, NotCopied, ScreenshotRef, read_screenshot, screenshot_ref};
use crate::core::journal::{Entry, sha256_hex};
use crate::core::safe_file::{self, FileError, Links};
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const BUNDLE_FORMAT_V3: &str = "cardguard-evidence-3";
pub const ENTRIES_FILE: &str = "entries.jsonl";
pub const PROOFS_FILE: &str = "proofs.json";
pub const MANIFEST_FILE: &str = "manifest.json";
/// A signed note (the log's key) over the manifest's SHA-256: the report,
/// the order's lines and every other file are then as the app wrote them.
pub const MANIFEST_SIG: &str = "manifest.sig";

/// What `manifest.sig` signs: the format, the subject and the manifest's hash.
pub fn manifest_statement(subject: &str, manifest: &[u8]) -> String {
    format!("{BUNDLE_FORMAT_V3}\n{subject}\n{}\n", sha256_hex(manifest))
}
/// A time-stamp response is a few KB; more is not one.
pub const TSR_CAP: u64 = 256 << 10;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EntryProof {
    pub seq: u64,
    /// The line's 16-byte salt, hex.
    pub salt: String,
    /// RFC 9162 audit path in the tree of `tree_size`, hex.
    pub inclusion: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckpointProof {
    pub size: u64,
    pub file: String,
    pub tsr: Option<String>,
    /// RFC 9162 consistency proof from `size` to `tree_size`, hex.
    pub consistency_to_latest: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Proofs {
    pub log_origin: String,
    pub tree_size: u64,
    pub entries: Vec<EntryProof>,
    pub checkpoints: Vec<CheckpointProof>,
}

/// `manifest.json` of a v3 bundle.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub format: &'static str,
    /// The order id, or the batch id for a batch bundle.
    pub order: String,
    pub exported_at: String,
    /// The language the report leads with.
    pub lang: &'static str,
    /// Lines in the journal when exported (the latest checkpoint's size).
    pub tree_size: u64,
    /// The order's own lines in the bundle.
    pub events: u64,
    /// Whether the whole journal verified (chain and checkpoints) when exported.
    pub journal_intact: bool,
    pub files: Vec<ManifestFile>,
    pub not_copied: Vec<NotCopied>,
}

/// What is picked from the journal for a bundle.
pub(super) struct Picks<'a> {
    pub subject: &'a str,
    pub shot_ours: &'a dyn Fn(&Entry, &ScreenshotRef) -> bool,
}

/// The files of a bundle as they are put together, before any is written.
struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    fn put(&mut self, name: impl Into<String>, data: Vec<u8>) {
        self.0.push((name.into(), data));
    }
}

/// Writes the bundle of `scanned.own` (the lines picked in one pass over
/// the journal, with every line's leaf).
pub(super) fn export_v3(
    data_dir: &Path,
    keys: &LogKeys,
    scanned: Scanned,
    picks: Picks<'_>,
    out: &Path,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Manifest, ExportError> {
    let Scanned {
        leaves,
        own: own_lines,
    } = scanned;
    if own_lines.is_empty() {
        return Err(ExportError::NoSuchOrder(picks.subject.to_owned()));
    }
    let own: Vec<usize> = own_lines.iter().map(|o| o.index as usize).collect();
    let journal_intact = super::verify_file::holds_together(data_dir);

    // The tree over every line, and a checkpoint of it signed now.
    let hasher = LeafHasher::new(keys.salt_secret());
    let tree = Tree::new(leaves);
    let n = tree.size();
    let latest = keys.sign(n, tree.root_at(n));
    match write_checkpoint(data_dir, n, &latest) {
        Ok(Written::New(_) | Written::Kept(_)) => {}
        // A different checkpoint of this size: the journal no longer is
        // what was sealed. Never export a record that contradicts itself.
        Err(FileError::Exists(p)) => return Err(ExportError::Sealed(p)),
        Err(e) => return Err(ExportError::Write(e)),
    }

    let mut files = Files(Vec::new());
    let entries: Vec<u8> = own_lines
        .iter()
        .flat_map(|o| o.raw.iter().copied().chain([b'\n']))
        .collect();
    files.put(ENTRIES_FILE, entries);

    let chosen = choose_checkpoints(data_dir, keys, &tree, &own)?;
    let hexes = |v: Vec<[u8; 32]>| v.iter().map(hex::encode).collect::<Vec<_>>();
    let mut cp_proofs = Vec::new();
    let mut not_copied = Vec::new();
    let mut stamped = Vec::new();
    for size in chosen.iter().copied().chain([n]) {
        let file = checkpoint_rel(size);
        let note = if size == n {
            latest.clone().into_bytes()
        } else {
            safe_file::read_capped(&data_dir.join(&file), CHECKPOINT_CAP, Links::Refuse)
                .map_err(ExportError::Unreadable)?
        };
        files.put(file.clone(), note.clone());
        let tsr_rel = format!("{}/{size}.tsr", super::checkpoint::CHECKPOINTS_DIR);
        let tsr = safe_file::read_capped_opt(&data_dir.join(&tsr_rel), TSR_CAP, Links::Refuse)
            .ok()
            .flatten();
        // Only a token that checks against its checkpoint is evidence.
        let stamp = tsr.as_ref().and_then(|t| {
            super::tsa::check_response(t, &note, None)
                .map_err(|e| {
                    not_copied.push(NotCopied {
                        line: 0,
                        path: tsr_rel.clone(),
                        reason: "refused",
                        detail: e.describe(crate::i18n::Texts::shared(Lang::En)),
                    })
                })
                .ok()
        });
        let has_tsr = stamp.is_some();
        if let (Some(t), Some(stamp)) = (tsr, stamp) {
            for (name, pem) in stamp.certs_pem() {
                let name = format!("tsa/{name}");
                if !files.0.iter().any(|(n, _)| *n == name) {
                    files.put(name, pem.into_bytes());
                }
            }
            stamped.push(super::report::Attested {
                size,
                at: stamp.gen_time,
                tsa: stamp.tsa_name.clone(),
                root_sha256: stamp.root_sha256.clone(),
            });
            files.put(tsr_rel.clone(), t);
        }
        cp_proofs.push(CheckpointProof {
            size,
            file,
            tsr: has_tsr.then_some(tsr_rel),
            consistency_to_latest: hexes(tree.consistency(size, n).unwrap_or_default()),
        });
    }
    let proofs = Proofs {
        log_origin: keys.verifier().name.clone(),
        tree_size: n,
        entries: own
            .iter()
            .map(|&i| EntryProof {
                seq: i as u64 + 1,
                salt: hex::encode(hasher.salt(i as u64 + 1)),
                inclusion: hexes(tree.inclusion(i as u64, n).unwrap_or_default()),
            })
            .collect(),
        checkpoints: cp_proofs,
    };
    let proofs_json = serde_json::to_vec_pretty(&proofs).unwrap_or_default();
    files.put(PROOFS_FILE, proofs_json);
    files.put(
        VKEY_FILE,
        format!("{}\n", keys.verifier().vkey()).into_bytes(),
    );

    // The order's screenshots, each checked against its own line first.
    let mut shots = Vec::new();
    for OwnLine {
        index, entry: e, ..
    } in &own_lines
    {
        let Some(s) = screenshot_ref(index + 1, e).filter(|s| (picks.shot_ours)(e, s)) else {
            continue;
        };
        match read_screenshot(data_dir, &s) {
            Ok(data) => {
                if !files.0.iter().any(|(n, _)| *n == s.path) {
                    files.put(s.path.clone(), data);
                    shots.push(s);
                }
            }
            Err((problem, detail)) => not_copied.push(NotCopied {
                line: s.line,
                path: s.path.clone(),
                reason: match problem {
                    super::Problem::ScreenshotMissing(_) => "missing",
                    super::Problem::ScreenshotChanged(_) => "changed",
                    _ => "refused",
                },
                detail,
            }),
        }
    }

    let own_entries: Vec<&Entry> = own_lines.iter().map(|o| &o.entry).collect();
    let report = super::report::render(&super::report::ReportFacts {
        subject: picks.subject,
        lang,
        entries: &own_entries,
        shots: &shots,
        proofs: &proofs,
        journal_intact,
        exported_at: now,
        stamped: &stamped,
    });
    files.put("report.html", report.into_bytes());
    files.put("verify.py", super::VERIFY_PY.as_bytes().to_vec());
    files.put("README.txt", super::readme_v3(&not_copied).into_bytes());

    super::prepare_out(out)?;
    let mut listed = Vec::new();
    for (name, data) in &files.0 {
        super::create_file(out, name, data)?;
        listed.push(ManifestFile {
            name: name.clone(),
            sha256: sha256_hex(data),
            bytes: data.len() as u64,
        });
    }
    let manifest = Manifest {
        format: BUNDLE_FORMAT_V3,
        order: picks.subject.to_owned(),
        exported_at: now.format(crate::core::journal::TS_FORMAT).to_string(),
        lang: lang.code(),
        tree_size: n,
        events: own.len() as u64,
        journal_intact,
        files: listed,
        not_copied,
    };
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    super::create_file(out, MANIFEST_FILE, json.as_bytes())?;
    let statement = manifest_statement(picks.subject, json.as_bytes());
    super::create_file(out, MANIFEST_SIG, keys.sign_text(&statement).as_bytes())?;
    Ok(manifest)
}

/// The earlier checkpoints a bundle carries: for each of the order's
/// lines, the first stored checkpoint that holds it (its earliest proof of
/// existence), and the first time-stamped one holding its last line. Only
/// checkpoints that open with the install's key and agree with the tree.
fn choose_checkpoints(
    data_dir: &Path,
    keys: &LogKeys,
    tree: &Tree,
    own: &[usize],
) -> Result<Vec<u64>, ExportError> {
    let n = tree.size();
    let sizes: Vec<u64> = list_checkpoints(data_dir)
        .map_err(ExportError::Unreadable)?
        .into_iter()
        .filter(|&s| s < n)
        .collect();
    // Each checkpoint is read and its signature checked once, however many
    // of the order's lines it is the first to hold (a batch has thousands).
    let checked = std::cell::RefCell::new(std::collections::HashMap::new());
    let good = |size: u64| {
        *checked.borrow_mut().entry(size).or_insert_with(|| {
            safe_file::read_capped(
                &data_dir.join(checkpoint_rel(size)),
                CHECKPOINT_CAP,
                Links::Refuse,
            )
            .ok()
            .and_then(|b| keys.verifier().open(&b).ok())
            .is_some_and(|cp| cp.size == size && cp.root == tree.root_at(size))
        })
    };
    let stamped = |size: u64| {
        safe_file::open_read(
            &data_dir.join(format!("{}/{size}.tsr", super::checkpoint::CHECKPOINTS_DIR)),
            Links::Refuse,
        )
        .is_ok()
    };
    let mut chosen = std::collections::BTreeSet::new();
    for &i in own {
        let from = sizes.partition_point(|&s| s <= i as u64);
        if let Some(&s) = sizes[from..].iter().find(|&&s| good(s)) {
            chosen.insert(s);
        }
    }
    if let Some(&last) = own.last() {
        let from = sizes.partition_point(|&s| s <= last as u64);
        if let Some(&s) = sizes[from..].iter().find(|&&s| stamped(s) && good(s)) {
            chosen.insert(s);
        }
    }
    Ok(chosen.into_iter().collect())
}
