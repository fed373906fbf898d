//! Files the person asks the app to write into the data dir's `exports`
//! folder (batch results): the folder is created 0700 without following a
//! link, and every file is new (0600), never an existing path.

use super::safe_file::{FileError, create_new_private, ensure_subdir};
use std::io::Write;
use std::path::{Path, PathBuf};

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
            Err(FileError::Io(_, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
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
