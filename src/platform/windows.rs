//! Windows. Not built or run here (no Windows runner yet): written to the
//! same contract as `unix.rs`, and what differs is in docs/PLATFORMS.md.
//! Files and folders under `%APPDATA%` inherit the user profile's ACL,
//! which only that user (and administrators) can read: there is no mode to
//! set, and nothing looks "loose".

use super::OsFault;
use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

pub const FILE_MANAGER: &str = "explorer";

/// Opens a link itself rather than what it points to, so the regular-file
/// check on the handle refuses it (FILE_FLAG_OPEN_REPARSE_POINT).
pub fn open_flags(opts: &mut OpenOptions, follow_links: bool) {
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    if !follow_links {
        opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
}

pub fn private_file_mode(_opts: &mut OpenOptions) {}

pub fn private_dir_builder(_b: &mut DirBuilder) {}

pub fn set_private(_file: &File) -> std::io::Result<()> {
    Ok(())
}

/// Nothing to change (see the module's note); false: it did not.
pub fn set_private_dir(_dir: &Path) -> std::io::Result<bool> {
    Ok(false)
}

pub fn is_loose(_meta: &Metadata) -> bool {
    false
}

pub fn lacks_owner_access(meta: &Metadata) -> bool {
    meta.permissions().readonly()
}

pub fn back_to_blocking(_file: &File) {}

/// Named pipes and devices do not live among files on Windows.
pub fn special_kind(_ft: &FileType) -> Option<&'static str> {
    None
}

pub fn os_fault(e: &std::io::Error) -> Option<OsFault> {
    // ERROR_CANT_RESOLVE_FILENAME: a loop of links.
    (e.raw_os_error()? == 1921).then_some(OsFault::Link)
}

/// No such signals on Windows.
pub fn ignore_file_size_signal() {}

pub fn restore_broken_pipe() {}

/// Windows always has its common file dialog.
pub fn native_file_dialog(
    _var: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    _exists: &dyn Fn(&Path) -> bool,
) -> bool {
    true
}
