//! The OS behind small ports, as the clipboard is: opening a folder in the
//! file manager and starting the app again (demo mode in or out). Tests
//! pass a recorder; the real ones are here and nowhere else.

use std::ffi::OsString;
use std::path::Path;

pub trait DesktopPort {
    /// Shows a folder in the desktop's file manager.
    fn open_folder(&self, dir: &Path) -> std::io::Result<()>;
    /// Starts this program again with `args` (the window then closes).
    fn relaunch(&self, args: Vec<OsString>) -> std::io::Result<()>;
}

/// The running desktop: `xdg-open` / `open` / `explorer`, and this executable.
pub struct SystemDesktop;

impl DesktopPort for SystemDesktop {
    fn open_folder(&self, dir: &Path) -> std::io::Result<()> {
        let program = if cfg!(target_os = "windows") {
            "explorer"
        } else if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        std::process::Command::new(program)
            .arg(dir)
            .spawn()
            .map(|_| ())
    }

    fn relaunch(&self, args: Vec<OsString>) -> std::io::Result<()> {
        let exe = std::env::current_exe()?;
        std::process::Command::new(exe)
            .args(args)
            .spawn()
            .map(|_| ())
    }
}
