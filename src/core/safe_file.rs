//! Every file the app reads or writes goes through here, so the rules live
//! in one place:
//! - files in the data dir (journal, lock, key, settings, profiles,
//!   screenshots, exports) are never reached through a symlink and must be
//!   regular files; they are created 0600 and their folders 0700 whatever the
//!   umask;
//! - every read is bounded: a regular file only (a FIFO or device is refused
//!   before a byte is read, and opening never blocks), at most `cap` bytes.
//!
//! The checks are made on the opened handle (`fstat`), not on the path
//! before opening, so a file swapped in between cannot slip through.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Why a file was refused or could not be used. Each has a message key
/// (`file.<code>`) so the UI can say it in the person's language.
#[derive(Debug)]
pub enum FileError {
    /// A symlink where the app keeps its own file.
    Symlink(PathBuf),
    /// A FIFO, device, socket or folder where a file was expected.
    NotRegular(PathBuf, &'static str),
    /// Something else where a folder is needed.
    NotFolder(PathBuf),
    /// Larger than the app will read for this purpose.
    TooLarge(PathBuf, u64),
    NotFound(PathBuf),
    /// Something is already there where a new file was to be made (never
    /// overwritten, never followed).
    Exists(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl FileError {
    /// The i18n key of the lead sentence (`file.symlink`, …).
    pub fn message_key(&self) -> &'static str {
        match self {
            FileError::Symlink(_) => "file.symlink",
            FileError::NotRegular(..) => "file.not_regular",
            FileError::NotFolder(_) => "file.not_folder",
            FileError::TooLarge(..) => "file.too_large",
            FileError::NotFound(_) => "file.not_found",
            FileError::Exists(_) => "file.exists",
            FileError::Io(..) => "file.io",
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            FileError::Symlink(p)
            | FileError::NotRegular(p, _)
            | FileError::NotFolder(p)
            | FileError::TooLarge(p, _)
            | FileError::NotFound(p)
            | FileError::Exists(p)
            | FileError::Io(p, _) => p,
        }
    }

    /// What kind of thing was found (`fifo`, `device`, …) for NotRegular.
    pub fn found_kind(&self) -> Option<&'static str> {
        match self {
            FileError::NotRegular(_, k) => Some(*k),
            _ => None,
        }
    }

    /// The read limit that was exceeded, for `file.too_large`.
    pub fn cap(&self) -> Option<u64> {
        match self {
            FileError::TooLarge(_, cap) => Some(*cap),
            _ => None,
        }
    }

    /// The OS's own words, for `file.io` only (the other kinds say it all).
    pub fn detail(&self) -> IoDetail {
        match self {
            FileError::Io(_, io) => IoDetail::of(io),
            _ => IoDetail::default(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::NotFound(_))
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Symlink(p) => write!(
                f,
                "{} is a symbolic link; cardguard does not follow links for its own files",
                p.display()
            ),
            FileError::NotRegular(p, k) => {
                write!(
                    f,
                    "{} is a {}, not a regular file",
                    p.display(),
                    kind_words(k)
                )
            }
            FileError::NotFolder(p) => write!(f, "{} is not a folder", p.display()),
            FileError::TooLarge(p, cap) => {
                write!(f, "{} is larger than {cap} bytes", p.display())
            }
            FileError::NotFound(p) => write!(f, "{} does not exist", p.display()),
            FileError::Exists(p) => write!(
                f,
                "{} already exists; cardguard only creates new files there",
                p.display()
            ),
            FileError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for FileError {}

impl From<FileError> for std::io::Error {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Io(_, io) => io,
            FileError::NotFound(_) => std::io::Error::new(std::io::ErrorKind::NotFound, e),
            other => std::io::Error::other(other.to_string()),
        }
    }
}

/// Whether the last path component may be a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// The app's own files: a symlink is refused.
    Refuse,
    /// A file the person chose (a batch file, a script): a link is followed,
    /// the target must still be a regular file.
    Follow,
}

fn kind_of(ft: std::fs::FileType) -> &'static str {
    if let Some(kind) = crate::platform::special_kind(&ft) {
        return kind;
    }
    if ft.is_dir() {
        return "folder";
    }
    if ft.is_symlink() {
        return "symlink";
    }
    "special"
}

/// English words for a [`kind_of`] code (the UI uses `file.kind.<code>`).
fn kind_words(code: &str) -> &'static str {
    match code {
        "fifo" => "FIFO (named pipe)",
        "device" => "device",
        "socket" => "socket",
        "folder" => "folder",
        "symlink" => "symbolic link",
        "outside" => "path outside its folder",
        _ => "special file",
    }
}

/// Says a file error in the person's language: lead sentence, then the OS's
/// own words only where there are no others (`file.io`).
pub fn describe(e: &FileError, tr: &crate::i18n::Texts) -> String {
    say(
        tr,
        e.message_key(),
        e.path(),
        e.found_kind(),
        e.cap(),
        &e.detail().said(tr),
    )
}

/// What the system said of a failed read or write, kept so it can be said
/// in either language: the system's own sentence is English, so other
/// languages get the common kinds in their words and the error's number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IoDetail {
    /// `io.<kind>` for the kinds a person meets (disk full, no permission…).
    words: Option<&'static str>,
    code: Option<i32>,
    english: String,
}

impl IoDetail {
    pub fn of(e: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let words = match e.kind() {
            K::PermissionDenied => Some("io.permission_denied"),
            K::StorageFull => Some("io.storage_full"),
            K::ReadOnlyFilesystem => Some("io.read_only"),
            K::QuotaExceeded => Some("io.quota"),
            K::FileTooLarge => Some("io.file_too_large"),
            K::AlreadyExists => Some("io.exists"),
            K::NotADirectory => Some("io.not_a_folder"),
            K::IsADirectory => Some("io.is_a_folder"),
            K::InvalidData | K::UnexpectedEof => Some("io.damaged"),
            K::TimedOut => Some("io.timed_out"),
            K::Interrupted | K::WouldBlock | K::ResourceBusy => Some("io.busy"),
            K::OutOfMemory => Some("io.out_of_memory"),
            K::NotFound => Some("io.not_found"),
            K::TooManyLinks => Some("io.too_many_links"),
            _ if crate::platform::os_fault(e) == Some(crate::platform::OsFault::Link) => {
                Some("io.too_many_links")
            }
            _ => None,
        };
        IoDetail {
            words,
            code: e.raw_os_error(),
            english: e.to_string(),
        }
    }

    /// In English the system's sentence; otherwise the kind in words with
    /// the error's number (or, for a rare kind, the system's sentence after
    /// the message's own lead, which is in the person's language).
    pub fn said(&self, tr: &crate::i18n::Texts) -> String {
        match (tr.lang(), self.words) {
            (crate::i18n::Lang::En, _) | (_, None) => self.english.clone(),
            (_, Some(key)) => match self.code {
                Some(code) => tr.fmt("io.with_code", &[("what", &tr.get(key)), ("code", &code)]),
                None => tr.get(key).to_owned(),
            },
        }
    }
}

/// The one wording of a file refusal, for a live error and a kept one.
fn say(
    tr: &crate::i18n::Texts,
    key: &str,
    path: &Path,
    kind: Option<&str>,
    cap: Option<u64>,
    detail: &str,
) -> String {
    let kind = kind
        .map(|k| tr.get(&format!("file.kind.{k}")).to_owned())
        .unwrap_or_default();
    let cap = cap.map(crate::i18n::bytes_words).unwrap_or_default();
    tr.fmt(
        key,
        &[
            ("path", &path.display()),
            ("kind", &kind),
            ("cap", &cap),
            ("detail", &detail),
        ],
    )
}

/// A [`FileError`] kept in a report that must be `Clone + Eq` (a startup
/// note): enough of it to say it again, in any language, with [`describe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFault {
    path: PathBuf,
    key: &'static str,
    kind: Option<&'static str>,
    cap: Option<u64>,
    detail: IoDetail,
}

impl From<&FileError> for FileFault {
    fn from(e: &FileError) -> Self {
        Self {
            path: e.path().to_path_buf(),
            key: e.message_key(),
            kind: e.found_kind(),
            cap: e.cap(),
            detail: e.detail(),
        }
    }
}

impl FileFault {
    pub fn message_key(&self) -> &'static str {
        self.key
    }

    /// The same words [`describe`] gives the original error.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        say(
            tr,
            self.key,
            &self.path,
            self.kind,
            self.cap,
            &self.detail.said(tr),
        )
    }
}

fn io_err(path: &Path, e: std::io::Error) -> FileError {
    if e.kind() == std::io::ErrorKind::NotFound {
        return FileError::NotFound(path.to_path_buf());
    }
    use crate::platform::OsFault;
    match crate::platform::os_fault(&e) {
        Some(OsFault::Link) => return FileError::Symlink(path.to_path_buf()),
        Some(OsFault::Folder) => return FileError::NotRegular(path.to_path_buf(), "folder"),
        // Name what is there (a socket).
        Some(OsFault::NotAFile) => {
            if let Ok(m) = std::fs::symlink_metadata(path) {
                return FileError::NotRegular(path.to_path_buf(), kind_of(m.file_type()));
            }
        }
        None => {}
    }
    FileError::Io(path.to_path_buf(), e)
}

fn open_flags(opts: &mut OpenOptions, links: Links) {
    crate::platform::open_flags(opts, links == Links::Follow);
}

/// Refuses anything but a regular file, checked on the open handle.
fn require_regular(path: &Path, file: &File) -> Result<std::fs::Metadata, FileError> {
    let meta = file.metadata().map_err(|e| io_err(path, e))?;
    if !meta.file_type().is_file() {
        return Err(FileError::NotRegular(
            path.to_path_buf(),
            kind_of(meta.file_type()),
        ));
    }
    crate::platform::back_to_blocking(file);
    Ok(meta)
}

/// Before opening a path that is refused as a link: on platforms without
/// O_NOFOLLOW this is the only check; on Unix it gives a clearer error.
fn refuse_link(path: &Path) -> Result<(), FileError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(FileError::Symlink(path.to_path_buf())),
        _ => Ok(()),
    }
}

/// Opens a regular file for reading (never blocks on a FIFO).
pub fn open_read(path: &Path, links: Links) -> Result<(File, u64), FileError> {
    if links == Links::Refuse {
        refuse_link(path)?;
    }
    let mut opts = OpenOptions::new();
    opts.read(true);
    open_flags(&mut opts, links);
    let file = opts.open(path).map_err(|e| io_err(path, e))?;
    let meta = require_regular(path, &file)?;
    Ok((file, meta.len()))
}

/// Reads a whole regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64, links: Links) -> Result<Vec<u8>, FileError> {
    let (file, len) = open_read(path, links)?;
    if len > cap {
        return Err(FileError::TooLarge(path.to_path_buf(), cap));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The size may have changed since fstat: `take` still bounds the read.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_err(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge(path.to_path_buf(), cap));
    }
    Ok(bytes)
}

/// Like [`read_capped`] but `Ok(None)` when the file does not exist.
pub fn read_capped_opt(path: &Path, cap: u64, links: Links) -> Result<Option<Vec<u8>>, FileError> {
    match read_capped(path, cap, links) {
        Ok(b) => Ok(Some(b)),
        Err(FileError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn set_private(path: &Path, file: &File) -> Result<(), FileError> {
    crate::platform::set_private(file).map_err(|e| io_err(path, e))
}

/// Whether a file or folder can be read by others than its owner.
pub fn is_loose(meta: &std::fs::Metadata) -> bool {
    crate::platform::is_loose(meta)
}

/// Opens (creating 0600) one of the app's own files for appending and
/// reading: no symlink, regular file only; an existing file readable by
/// others is tightened to 0600. Returns the file and whether it was loose.
pub fn open_private_append(path: &Path) -> Result<(File, bool), FileError> {
    open_private(path, true)
}

/// Opens (creating 0600) one of the app's own files for writing without
/// truncating (the lock file). Same rules as [`open_private_append`].
pub fn open_private_rw(path: &Path) -> Result<(File, bool), FileError> {
    open_private(path, false)
}

fn open_private(path: &Path, append: bool) -> Result<(File, bool), FileError> {
    refuse_link(path)?;
    let mut opts = OpenOptions::new();
    opts.read(true).create(true);
    if append {
        opts.append(true);
    } else {
        opts.write(true).truncate(false);
    }
    crate::platform::private_file_mode(&mut opts);
    open_flags(&mut opts, Links::Refuse);
    let file = opts.open(path).map_err(|e| io_err(path, e))?;
    let meta = require_regular(path, &file)?;
    let loose = is_loose(&meta);
    if loose || crate::platform::lacks_owner_access(&meta) {
        // The umask may have taken bits away or left others' bits on.
        set_private(path, &file)?;
    }
    Ok((file, loose))
}

/// Creates a new file 0600 (fails if anything exists at `path`, a symlink
/// included: it is never followed).
pub fn create_new_private(path: &Path) -> Result<File, FileError> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    crate::platform::private_file_mode(&mut opts);
    open_flags(&mut opts, Links::Refuse);
    let file = opts.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => FileError::Exists(path.to_path_buf()),
        // Name the folder that is missing, not the file to be made.
        std::io::ErrorKind::NotFound => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && std::fs::metadata(p).is_err())
            .map(|p| FileError::NotFound(p.to_path_buf()))
            .unwrap_or_else(|| io_err(path, e)),
        _ => io_err(path, e),
    })?;
    set_private(path, &file)?;
    Ok(file)
}

/// Replaces one of the app's own files in one step (write a new temporary
/// file, sync, rename). A symlink or non-regular file at `path` is refused
/// and left as it is.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    use std::io::Write;
    write_private_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_private_atomic`] for a file written a piece at a time by
/// `fill` (which may seek back into what it wrote): a large file is never
/// held in memory whole.
pub fn write_private_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<(), FileError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(FileError::Symlink(path.to_path_buf())),
        Ok(m) if !m.file_type().is_file() => {
            return Err(FileError::NotRegular(
                path.to_path_buf(),
                kind_of(m.file_type()),
            ));
        }
        _ => {}
    }
    let tmp = written_beside(path, fill)?;
    let result = std::fs::rename(&tmp, path).map_err(|e| io_err(path, e));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes a new private temporary file beside `path` (a random
/// `.name.<hex>.tmp`) with `fill`, synced; removed again if that fails.
fn written_beside(
    path: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<PathBuf, FileError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut nonce = [0u8; 6];
    getrandom::fill(&mut nonce)
        .map_err(|e| FileError::Io(path.into(), std::io::Error::other(e.to_string())))?;
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", hex::encode(nonce)));
    let mut f = create_new_private(&tmp)?;
    let done = fill(&mut f)
        .and_then(|()| f.sync_all())
        .map_err(|e| io_err(&tmp, e));
    match done {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Creates `path` with `bytes` whole or not at all, never over anything
/// already there: written to a private temporary file beside it, synced,
/// then linked into place (a link fails if the name exists). A kill at any
/// moment leaves either no file or the complete one (and perhaps a
/// `.tmp` file, which no reader takes for the real one).
pub fn create_new_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    use std::io::Write;
    let tmp = written_beside(path, |f| f.write_all(bytes))?;
    let result = std::fs::hard_link(&tmp, path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => FileError::Exists(path.to_path_buf()),
        _ => io_err(path, e),
    });
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Makes sure `dir` exists as a real folder: created 0700 when missing.
/// An existing folder is used as it is (it may be one the person chose);
/// the returned flag says whether others can read it.
pub fn ensure_dir(dir: &Path) -> Result<bool, FileError> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(is_loose(&m)),
        Ok(_) => return Err(FileError::NotFolder(dir.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(dir_err(dir, e)),
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    crate::platform::private_dir_builder(&mut b);
    b.create(dir).map_err(|e| dir_err(dir, e))?;
    crate::platform::set_private_dir(dir).map_err(|e| io_err(dir, e))?;
    // Made now, by us: it was never others' to read.
    Ok(false)
}

/// Names the file standing where a parent folder of `dir` should be.
fn dir_err(dir: &Path, e: std::io::Error) -> FileError {
    dir.ancestors()
        .skip(1)
        .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        .map(|a| FileError::NotFolder(a.to_path_buf()))
        .unwrap_or_else(|| io_err(dir, e))
}

/// Makes `base/rel` exist as folders 0700 without following a symlink at
/// any level below `base` (`rel` must be relative with plain components).
pub fn ensure_subdir(base: &Path, rel: &Path) -> Result<PathBuf, FileError> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        let Component::Normal(name) = c else {
            return Err(FileError::NotRegular(base.join(rel), "outside"));
        };
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(FileError::Symlink(at)),
            Ok(m) if m.is_dir() => continue,
            Ok(_) => return Err(FileError::NotFolder(at)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut b = std::fs::DirBuilder::new();
                crate::platform::private_dir_builder(&mut b);
                match b.create(&at) {
                    Ok(()) => {}
                    // Made by a concurrent writer: checked on the next pass.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(io_err(&at, e)),
                }
                let m = std::fs::symlink_metadata(&at).map_err(|e| io_err(&at, e))?;
                if !m.is_dir() {
                    return Err(FileError::NotFolder(at));
                }
            }
            Err(e) => return Err(io_err(&at, e)),
        }
    }
    Ok(at)
}

/// Whether `rel` is written the way the app writes paths under `under`:
/// relative, plain `/`-separated components starting with `under`, no `.`,
/// `..`, empty component or backslash. Looks at the text only.
pub fn plain_rel(under: &str, rel: &str) -> bool {
    let p = Path::new(rel);
    if p.components().next() != Some(Component::Normal(under.as_ref())) {
        return false;
    }
    if rel.contains('\\') || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return false;
    }
    // `a/./b` and `a//b` resolve the same but are not what the writer makes.
    let canonical: Vec<_> = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    canonical.join("/") == rel
}

/// Resolves a relative path written in the journal (e.g. a screenshot's)
/// to a file inside `base/under`: plain components only (no absolute path,
/// no `..`), starting with `under`, and no symlink at any level. `None`
/// when the path does not qualify.
pub fn contained(base: &Path, under: &str, rel: &str) -> Option<PathBuf> {
    if !plain_rel(under, rel) {
        return None;
    }
    let p = Path::new(rel);
    let mut at = base.to_path_buf();
    for c in p.components() {
        at.push(c);
        let m = std::fs::symlink_metadata(&at).ok()?;
        if m.file_type().is_symlink() {
            return None;
        }
    }
    Some(at)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("f");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for links in [Links::Follow, Links::Refuse] {
            let e = read_capped(&fifo, 10, links).unwrap_err();
            assert_eq!(e.message_key(), "file.not_regular", "{e}");
            assert_eq!(e.found_kind(), Some("fifo"));
        }
    }

    #[test]
    fn a_kept_fault_says_what_the_error_said() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("big");
        std::fs::write(&f, [0u8; 11]).unwrap();
        let errors = [
            read_capped(Path::new("/dev/zero"), 10, Links::Follow).unwrap_err(),
            read_capped(&f, 10, Links::Follow).unwrap_err(),
            read_capped(&d.path().join("absent"), 10, Links::Follow).unwrap_err(),
            create_new_private(&f).unwrap_err(),
            ensure_dir(&f.join("sub")).unwrap_err(),
        ];
        assert!(matches!(errors[3], FileError::Exists(_)));
        assert!(matches!(errors[4], FileError::NotFolder(_)));
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Zh] {
            let tr = crate::i18n::Texts::new(lang);
            for e in &errors {
                assert_eq!(FileFault::from(e).describe(&tr), describe(e, &tr));
            }
        }
    }

    #[test]
    fn a_socket_is_named_as_one() {
        let d = tempfile::tempdir().unwrap();
        let sock = d.path().join("s");
        let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        for links in [Links::Follow, Links::Refuse] {
            assert_eq!(
                read_capped(&sock, 10, links).unwrap_err().found_kind(),
                Some("socket")
            );
        }
        assert_eq!(
            open_private_append(&sock).unwrap_err().found_kind(),
            Some("socket")
        );
    }

    #[test]
    fn devices_and_folders_are_refused_and_reads_are_capped() {
        let e = read_capped(Path::new("/dev/zero"), 1 << 20, Links::Follow).unwrap_err();
        assert_eq!(e.found_kind(), Some("device"));
        let d = tempfile::tempdir().unwrap();
        assert_eq!(
            read_capped(d.path(), 10, Links::Follow)
                .unwrap_err()
                .found_kind(),
            Some("folder")
        );
        let f = d.path().join("big");
        std::fs::write(&f, [0u8; 11]).unwrap();
        assert!(matches!(
            read_capped(&f, 10, Links::Follow),
            Err(FileError::TooLarge(_, 10))
        ));
        assert_eq!(read_capped(&f, 11, Links::Follow).unwrap().len(), 11);
    }

    #[test]
    fn own_files_are_never_reached_through_a_link() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("elsewhere");
        std::fs::write(&target, b"keep me").unwrap();
        let link = d.path().join("journal.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            read_capped(&link, 100, Links::Refuse),
            Err(FileError::Symlink(_))
        ));
        assert!(matches!(
            open_private_append(&link),
            Err(FileError::Symlink(_))
        ));
        assert!(matches!(
            write_private_atomic(&link, b"x"),
            Err(FileError::Symlink(_))
        ));
        assert!(matches!(
            create_new_private(&link),
            Err(FileError::Exists(_))
        ));
        assert!(matches!(
            create_new_private(&d.path().join("missing/new.png")),
            Err(FileError::NotFound(p)) if p.ends_with("missing")
        ));
        assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
        // A chosen input may be a link to a regular file.
        assert_eq!(read_capped(&link, 100, Links::Follow).unwrap(), b"keep me");
    }

    #[test]
    fn files_are_0600_and_folders_0700_whatever_the_umask() {
        let d = tempfile::tempdir().unwrap();
        // SAFETY: umask only changes this process's creation mask.
        let old = unsafe { libc::umask(0o000) };
        let dir = d.path().join("data");
        ensure_dir(&dir).unwrap();
        let sub = ensure_subdir(&dir, Path::new("screenshots/2026-11")).unwrap();
        let (_, _) = open_private_append(&dir.join("journal.jsonl")).unwrap();
        write_private_atomic(&dir.join("settings.json"), b"{}").unwrap();
        unsafe { libc::umask(old) };
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&dir.join("screenshots")), 0o700);
        assert_eq!(mode(&dir.join("journal.jsonl")), 0o600);
        assert_eq!(mode(&dir.join("settings.json")), 0o600);

        let loose = dir.join("loose");
        std::fs::write(&loose, b"").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o666)).unwrap();
        let (_, was_loose) = open_private_append(&loose).unwrap();
        assert!(was_loose);
        assert_eq!(mode(&loose), 0o600);
    }

    #[test]
    fn subfolders_refuse_links_and_journal_paths_stay_inside() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(out.path(), d.path().join("screenshots")).unwrap();
        assert!(matches!(
            ensure_subdir(d.path(), Path::new("screenshots/2026-11")),
            Err(FileError::Symlink(_))
        ));
        assert!(contained(d.path(), "screenshots", "screenshots/a.png").is_none());
        std::fs::remove_file(d.path().join("screenshots")).unwrap();
        std::fs::create_dir(d.path().join("screenshots")).unwrap();
        std::fs::write(d.path().join("screenshots/a.png"), b"").unwrap();
        assert!(contained(d.path(), "screenshots", "screenshots/a.png").is_some());
        assert!(plain_rel("screenshots", "screenshots/2026-11/a.png"));
        assert!(!plain_rel("screenshots", "screenshots/2026-11/../a.png"));
        for bad in [
            "/etc/passwd",
            "screenshots/../journal.jsonl",
            "../x",
            "other/a.png",
            "screenshots/./a.png",
            "screenshots\\a.png",
            "",
        ] {
            assert!(contained(d.path(), "screenshots", bad).is_none(), "{bad}");
            assert!(!plain_rel("screenshots", bad), "{bad}");
        }
    }

    #[test]
    fn an_atomic_new_file_is_whole_private_and_never_over_anything() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("7.txt");
        create_new_atomic(&p, b"sealed").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"sealed");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // Something already there is kept as it is, whatever it is.
        assert!(matches!(
            create_new_atomic(&p, b"other"),
            Err(FileError::Exists(_))
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"sealed");
        let outside = d.path().join("outside");
        let link = d.path().join("8.txt");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(matches!(
            create_new_atomic(&link, b"x"),
            Err(FileError::Exists(_))
        ));
        assert!(!outside.exists(), "nothing written through the link");
        // No temporary file is left behind, done or refused.
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}
