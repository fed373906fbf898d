//! Linux and macOS (and the BSDs): POSIX modes and flags.

use super::OsFault;
use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The program that shows a folder.
#[cfg(target_os = "macos")]
pub const FILE_MANAGER: &str = "open";
#[cfg(not(target_os = "macos"))]
pub const FILE_MANAGER: &str = "xdg-open";

/// Flags for every open: a FIFO opened for reading must not wait for a
/// writer (`O_NONBLOCK`; refused right after, on the open handle); no
/// descriptor leaks into a started program (`O_CLOEXEC`); a link is
/// refused, not followed, unless `follow_links` (`O_NOFOLLOW`).
pub fn open_flags(opts: &mut OpenOptions, follow_links: bool) {
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if !follow_links {
        flags |= libc::O_NOFOLLOW;
    }
    opts.custom_flags(flags);
}

/// A file this app creates is its owner's alone (0600).
pub fn private_file_mode(opts: &mut OpenOptions) {
    opts.mode(0o600);
}

/// A folder this app creates is its owner's alone (0700).
pub fn private_dir_builder(b: &mut DirBuilder) {
    b.mode(0o700);
}

/// Makes an open file its owner's alone (0600): the umask may have taken
/// bits away or a file found may have others' bits on.
pub fn set_private(file: &File) -> std::io::Result<()> {
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

/// Makes a folder its owner's alone (0700); true: it changed.
pub fn set_private_dir(dir: &Path) -> std::io::Result<bool> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(true)
}

/// Whether others than the owner can read or write it.
pub fn is_loose(meta: &Metadata) -> bool {
    meta.permissions().mode() & 0o077 != 0
}

/// Whether the owner lacks read or write on it (set again to 0600).
pub fn lacks_owner_access(meta: &Metadata) -> bool {
    meta.permissions().mode() & 0o600 != 0o600
}

/// After the regular-file check: back to blocking reads and writes.
pub fn back_to_blocking(file: &File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a file descriptor we own; no memory is passed.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFL, fl & !libc::O_NONBLOCK);
        }
    }
}

/// The special files a hostile folder may hold, by name.
pub fn special_kind(ft: &FileType) -> Option<&'static str> {
    if ft.is_fifo() {
        Some("fifo")
    } else if ft.is_char_device() || ft.is_block_device() {
        Some("device")
    } else if ft.is_socket() {
        Some("socket")
    } else {
        None
    }
}

/// What the error number says beyond the error's kind.
pub fn os_fault(e: &std::io::Error) -> Option<OsFault> {
    match e.raw_os_error()? {
        // O_NOFOLLOW on a link, or a loop of links.
        libc::ELOOP => Some(OsFault::Link),
        libc::EISDIR => Some(OsFault::Folder),
        // Opening a socket.
        libc::ENXIO => Some(OsFault::NotAFile),
        _ => None,
    }
}

/// A file-size limit (`ulimit -f`) must fail a write with EFBIG, which is
/// said and loses nothing, not kill the app mid-hold with SIGXFSZ.
pub fn ignore_file_size_signal() {
    // SAFETY: sets this process's disposition of one signal, before any
    // thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// A command piped into `head` stops quietly when the reader goes away, as
/// command-line tools do, instead of panicking on a closed pipe.
pub fn restore_broken_pipe() {
    // SAFETY: restores the default action for one signal before any thread
    // is started; no handler code is installed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Linux and the BSDs: the XDG desktop portal (a session bus and the
/// portal service installed) or zenity, which rfd falls back to. macOS
/// always has its panel.
pub fn native_file_dialog(
    var: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    exists: &dyn Fn(&Path) -> bool,
) -> bool {
    if cfg!(target_os = "macos") {
        return true;
    }
    let display = var("WAYLAND_DISPLAY").is_some() || var("DISPLAY").is_some();
    let bus = var("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || var("XDG_RUNTIME_DIR").is_some_and(|d| exists(&Path::new(&d).join("bus")));
    let data_dirs = var("XDG_DATA_DIRS")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    let portal = std::env::split_paths(&data_dirs)
        .any(|d| exists(&d.join("dbus-1/services/org.freedesktop.portal.Desktop.service")));
    let zenity =
        var("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| exists(&d.join("zenity"))));
    display && ((bus && portal) || zenity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn special_files_are_named_and_faults_read_from_the_error_number() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert_eq!(special_kind(&ft), Some("fifo"));
        let ft = std::fs::metadata("/dev/null").unwrap().file_type();
        assert_eq!(special_kind(&ft), Some("device"));
        let ft = std::fs::metadata(dir.path()).unwrap().file_type();
        assert_eq!(special_kind(&ft), None);

        // A link is refused, never followed, and said so.
        let target = dir.path().join("t");
        std::fs::write(&target, b"x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut opts = OpenOptions::new();
        opts.read(true);
        open_flags(&mut opts, false);
        let e = opts.open(&link).unwrap_err();
        assert_eq!(os_fault(&e), Some(OsFault::Link));
        open_flags(&mut opts, true);
        assert!(opts.open(&link).is_ok(), "followed when asked");
        // A FIFO opens at once (no writer needed), then reads block again.
        let f = opts.open(&fifo).unwrap();
        back_to_blocking(&f);
    }

    #[test]
    fn files_and_folders_are_made_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: umask is process-wide; restored right after.
        let old = unsafe { libc::umask(0) };
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        private_file_mode(&mut opts);
        let f = opts.open(dir.path().join("a")).unwrap();
        let sub = dir.path().join("s");
        let mut b = DirBuilder::new();
        private_dir_builder(&mut b);
        b.create(&sub).unwrap();
        unsafe { libc::umask(old) };
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("a")), 0o600);
        assert_eq!(mode(&sub), 0o700);
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_loose(&std::fs::metadata(&sub).unwrap()));
        set_private_dir(&sub).unwrap();
        assert!(!is_loose(&std::fs::metadata(&sub).unwrap()));
        f.set_permissions(std::fs::Permissions::from_mode(0o200))
            .unwrap();
        assert!(lacks_owner_access(&f.metadata().unwrap()));
        set_private(&f).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o600);
    }

    #[test]
    fn a_native_dialog_needs_a_display_and_a_portal_or_zenity() {
        let ask = |env: &[(&str, &str)], files: &[&str]| {
            let env: Vec<(String, OsString)> =
                env.iter().map(|(k, v)| (k.to_string(), v.into())).collect();
            let files: Vec<std::path::PathBuf> = files.iter().map(Into::into).collect();
            crate::platform::native_file_dialog_with(
                |k| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()),
                |p| files.iter().any(|f| f == p),
            )
        };
        let portal = "/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service";
        let desktop = [
            ("DISPLAY", ":0"),
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus"),
        ];
        if cfg!(target_os = "macos") {
            assert!(ask(&[], &[]));
            return;
        }
        assert!(
            ask(&desktop, &[portal]),
            "a desktop session with the portal"
        );
        assert!(!ask(&desktop, &[]), "no portal, no zenity: Xvfb in CI");
        assert!(
            !ask(&[("DBUS_SESSION_BUS_ADDRESS", "x")], &[portal]),
            "no display"
        );
        assert!(
            ask(
                &[("DISPLAY", ":0"), ("PATH", "/bin:/usr/bin")],
                &["/usr/bin/zenity"]
            ),
            "bare X with zenity"
        );
        assert!(
            ask(
                &[
                    ("WAYLAND_DISPLAY", "wayland-0"),
                    ("XDG_RUNTIME_DIR", "/run/user/1000")
                ],
                &["/run/user/1000/bus", portal]
            ),
            "the bus found by its socket"
        );
        let mut off = desktop.to_vec();
        off.push(("CARDGUARD_NATIVE_DIALOG", "0"));
        assert!(!ask(&off, &[portal]), "switched off");
    }
}
