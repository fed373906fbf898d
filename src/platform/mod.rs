//! Everything that differs by operating system, in one place: the app's
//! identity on the desktop, where its data lives, how its files are kept
//! private, how the special files a hostile folder may hold are told apart,
//! how a folder is shown or the app started again, and whether the desktop
//! has its own file dialog. One file per platform (`unix.rs`: Linux and
//! macOS; `windows.rs`); the rest of the code calls only what is here.
//! What is verified where: docs/PLATFORMS.md.
//!
//! The same on every platform, through std (so not repeated here): flushing
//! to disk (`sync_data`/`sync_all`: fsync, F_FULLFSYNC on macOS,
//! FlushFileBuffers on Windows) and the one-instance lock (`File::try_lock`:
//! flock, LockFileEx).

use std::path::{Path, PathBuf};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as os;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

pub use os::{
    FILE_MANAGER, back_to_blocking, ignore_file_size_signal, is_loose, lacks_owner_access,
    open_flags, os_fault, private_dir_builder, private_file_mode, restore_broken_pipe, set_private,
    set_private_dir, special_kind,
};

/// The desktop's name for the app: the desktop entry's and the AppStream
/// metainfo's file names, the icon's name, the Wayland app id and the X11
/// WM_CLASS all use it, so the desktop ties the window to its entry.
pub const APP_ID: &str = "io.github.cardguard.CardGuard";

/// The person's data and settings folders, as the platform has them:
/// `~/.local/share/cardguard` and `~/.config/cardguard` (XDG) on Linux,
/// `~/Library/Application Support/cardguard` on macOS,
/// `%APPDATA%\cardguard\data` and `…\config` on Windows.
pub fn data_dirs() -> Option<(PathBuf, PathBuf)> {
    let p = directories::ProjectDirs::from("", "", "cardguard")?;
    Some((p.data_dir().to_path_buf(), p.config_dir().to_path_buf()))
}

/// What a failed open or create said, where the platform says more than
/// the error's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsFault {
    /// A link where links are refused (or a loop of them).
    Link,
    /// A folder where a file was expected.
    Folder,
    /// Something that is not a file and cannot be opened as one (a socket).
    NotAFile,
}

/// Shows a folder in the desktop's file manager.
pub fn open_folder(dir: &Path) -> std::io::Result<()> {
    std::process::Command::new(FILE_MANAGER)
        .arg(dir)
        .spawn()
        .map(|_| ())
}

/// Starts this program again with `args` (the window then closes).
pub fn relaunch(args: Vec<std::ffi::OsString>) -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    std::process::Command::new(exe)
        .args(args)
        .spawn()
        .map(|_| ())
}

/// Whether the desktop can show its own file dialog, judged from the
/// environment (`var`) and the files present (`exists`) so a test can ask
/// for any machine. `CARDGUARD_NATIVE_DIALOG=0` always says no.
pub fn native_file_dialog_with(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
    exists: impl Fn(&Path) -> bool,
) -> bool {
    if var("CARDGUARD_NATIVE_DIALOG").is_some_and(|v| v == "0") {
        return false;
    }
    os::native_file_dialog(&var, &exists)
}

/// [`native_file_dialog_with`] for this process.
pub fn native_file_dialog() -> bool {
    native_file_dialog_with(|k| std::env::var_os(k), |p| p.exists())
}
