//! Files the person asks the app to write into the data dir's `exports`
//! folder (batch results): the folder is created 0700 without following a
//! link, and every file is new (0600), never an existing path.

use super::evidence::bundle::Manifest;
use super::evidence::{ExportError, export_batch, export_order};
use super::ids::{BatchId, OrderId};
use super::safe_file::{FileError, create_new_private, ensure_subdir};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A fresh folder name for an evidence bundle: `exports/<subject>_<time>`
/// (`-2`, `-3`… when taken). `exports` itself is made 0700 and never
/// reached through a link; the bundle folder is left to the export, which
/// writes only into a new or empty one.
pub fn bundle_dir(
    data_dir: &Path,
    subject: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<PathBuf, FileError> {
    bundle_dir_in(data_dir, None, subject, at)
}

/// [`bundle_dir`], or in `into`: a folder the person chose (an existing
/// folder; the bundle's own folder is new in it, never an existing one).
pub fn bundle_dir_in(
    data_dir: &Path,
    into: Option<&Path>,
    subject: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<PathBuf, FileError> {
    // The id comes from the journal: never let it name a path.
    if !super::journal::is_plain_id(subject) {
        return Err(FileError::NotRegular(data_dir.join("exports"), "outside"));
    }
    let dir = match into {
        None => ensure_subdir(data_dir, Path::new("exports"))?,
        Some(chosen) => match std::fs::metadata(chosen) {
            Ok(m) if m.is_dir() => chosen.to_path_buf(),
            Ok(_) => return Err(FileError::NotFolder(chosen.to_path_buf())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileError::NotFound(chosen.to_path_buf()));
            }
            Err(e) => return Err(FileError::Io(chosen.to_path_buf(), e)),
        },
    };
    let stem = format!("{subject}_{}", at.format("%Y%m%d-%H%M%S"));
    (1..1000)
        .map(|n| match n {
            1 => dir.join(&stem),
            n => dir.join(format!("{stem}-{n}")),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .ok_or_else(|| {
            FileError::Io(
                dir.join(&stem),
                std::io::Error::other("too many exports with the same name"),
            )
        })
}

/// What an evidence bundle is about.
#[derive(Debug, Clone, Copy)]
pub enum BundleOf<'a> {
    Order(&'a OrderId),
    Batch(&'a BatchId),
}

impl<'a> From<&'a super::flow::Subject> for BundleOf<'a> {
    fn from(s: &'a super::flow::Subject) -> Self {
        match s {
            super::flow::Subject::Order(id) => BundleOf::Order(id),
            super::flow::Subject::Batch(id) => BundleOf::Batch(id),
        }
    }
}

/// Exports an order's or batch's evidence into a fresh
/// `exports/<id>_<local time>` folder and returns it (the window's buttons
/// and the headless demo; `journal export --out` names its own folder).
pub fn export_bundle(
    data_dir: &Path,
    of: BundleOf<'_>,
    into: Option<&Path>,
    now: chrono::DateTime<chrono::Utc>,
    local: chrono::DateTime<chrono::FixedOffset>,
    lang: crate::i18n::Lang,
) -> Result<(PathBuf, Manifest), ExportError> {
    let id = match of {
        BundleOf::Order(id) => id.as_str(),
        BundleOf::Batch(id) => id.as_str(),
    };
    let dir = bundle_dir_in(data_dir, into, id, local).map_err(ExportError::Write)?;
    let written = match of {
        BundleOf::Order(id) => export_order(data_dir, id, &dir, now, lang),
        BundleOf::Batch(id) => export_batch(data_dir, id, &dir, now, lang),
    };
    match written {
        Ok(manifest) => Ok((dir, manifest)),
        Err(e) => {
            // The folder was new (its name was free): a half-written
            // bundle (a full disk) is not left behind to be mistaken for
            // evidence. Never through a link.
            if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
                let _ = std::fs::remove_dir_all(&dir);
            }
            Err(e)
        }
    }
}

/// Writes `bytes` as `exports/<stem><ext>` (or `<stem>-2<ext>`, … when the
/// name is taken) and returns the path written.
pub fn write_export(
    data_dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, FileError> {
    let dir = ensure_subdir(data_dir, Path::new("exports"))?;
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}{ext}")
        } else {
            format!("{stem}-{n}{ext}")
        };
        let path = dir.join(name);
        let mut file = match create_new_private(&path) {
            Ok(f) => f,
            Err(FileError::Exists(_)) => continue,
            Err(e) => return Err(e),
        };
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| FileError::Io(path.clone(), e))?;
        return Ok(path);
    }
    Err(FileError::Io(
        dir,
        std::io::Error::other("too many exports with the same name"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_bundle_folder_is_never_made_through_a_linked_exports() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(out.path(), d.path().join("exports")).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00+08:00").unwrap();
        assert!(matches!(
            bundle_dir(d.path(), "CG-1", at),
            Err(FileError::Symlink(_))
        ));
        std::fs::remove_file(d.path().join("exports")).unwrap();
        for bad in ["../../x", "/tmp/x", "a b", ""] {
            assert!(bundle_dir(d.path(), bad, at).is_err(), "{bad}");
        }
        let first = bundle_dir(d.path(), "CG-1", at).unwrap();
        std::fs::create_dir(&first).unwrap();
        let second = bundle_dir(d.path(), "CG-1", at).unwrap();
        assert_ne!(first, second);
        assert!(second.to_string_lossy().ends_with("-2"));
    }

    #[test]
    fn new_private_files_in_a_private_folder_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_export(dir.path(), "B-1_results", ".csv", b"one").unwrap();
        let b = write_export(dir.path(), "B-1_results", ".csv", b"two").unwrap();
        assert_eq!(a, dir.path().join("exports/B-1_results.csv"));
        assert_eq!(b, dir.path().join("exports/B-1_results-2.csv"));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&a), 0o600);
            assert_eq!(mode(&dir.path().join("exports")), 0o700);
            // A link planted as the exports folder is refused, its target untouched.
            let other = tempfile::tempdir().unwrap();
            let d2 = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(other.path(), d2.path().join("exports")).unwrap();
            let e = write_export(d2.path(), "x", ".csv", b"x").unwrap_err();
            assert!(matches!(e, FileError::Symlink(_)), "{e}");
            assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 0);
            // And a link planted at the file's name is never followed.
            let target = other.path().join("victim");
            std::fs::write(&target, b"keep").unwrap();
            std::os::unix::fs::symlink(&target, dir.path().join("exports/y.csv")).unwrap();
            let p = write_export(dir.path(), "y", ".csv", b"new").unwrap();
            assert_eq!(p, dir.path().join("exports/y-2.csv"));
            assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        }
    }
}
