//! Everything that differs by operating system, in one place: the app's
//! identity on the desktop, where its data lives, how files are made
//! private and flushed, and how a folder is shown or the app restarted.
//! One file per platform (`unix.rs` — Linux and macOS —, `windows.rs`); the
//! rest of the code calls only what is re-exported here. What is verified
//! where is written down in docs/PLATFORMS.md.

/// The desktop's name for the app: the desktop entry's and the AppStream
/// metainfo's file names, the icon's name, the Wayland app id and the X11
/// WM_CLASS all use it, so the desktop ties the window to its entry.
pub const APP_ID: &str = "io.github.cardguard.CardGuard";
