//! The OS behind small ports, as the clipboard is: opening a folder in the
//! file manager and starting the app again (demo mode in or out). Tests
//! pass a recorder; the real ones are here and nowhere else. Also the one
//! folder listing the window does (for its file picker).

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

/// What the desktop's own file dialog is asked for (words in the person's
/// language).
pub struct FileAsk {
    pub title: String,
    pub start: PathBuf,
    /// The filter's name and its extensions, then "all files".
    pub filter: (String, &'static [&'static str]),
    pub all_files: String,
}

/// The chosen file, or `None` when the dialog was closed without one (or
/// could not be shown after all).
pub type FileAnswer = Receiver<Option<PathBuf>>;

pub trait DesktopPort {
    /// Shows a folder in the desktop's file manager.
    fn open_folder(&self, dir: &Path) -> std::io::Result<()>;
    /// Starts this program again with the same options, in demo mode or
    /// out of it (the window then closes).
    fn relaunch(&self, demo: bool) -> std::io::Result<()>;
    /// Opens the desktop's own dialog to choose a file. It runs on its own
    /// thread: the answer comes on the returned channel, and `wake` asks
    /// for a frame when it does. `None`: there is no such dialog here
    /// (bare X, Xvfb, a test), and the window's own file list is used.
    fn choose_file(&self, ask: FileAsk, wake: Box<dyn FnOnce() + Send>) -> Option<FileAnswer> {
        let _ = (ask, wake);
        None
    }
    /// The same for a folder (where evidence is exported), titled `title`
    /// and starting in `start`.
    fn choose_folder(
        &self,
        title: String,
        start: PathBuf,
        wake: Box<dyn FnOnce() + Send>,
    ) -> Option<FileAnswer> {
        let _ = (title, start, wake);
        None
    }
}

/// The running desktop: `xdg-open` / `open` / `explorer`, and this executable.
pub struct SystemDesktop;

impl DesktopPort for SystemDesktop {
    fn open_folder(&self, dir: &Path) -> std::io::Result<()> {
        crate::platform::open_folder(dir)
    }

    fn relaunch(&self, demo: bool) -> std::io::Result<()> {
        let args = crate::cli::relaunch_args(&std::env::args_os().collect::<Vec<_>>(), demo);
        crate::platform::relaunch(args)
    }

    fn choose_file(&self, ask: FileAsk, wake: Box<dyn FnOnce() + Send>) -> Option<FileAnswer> {
        on_dialog_thread(wake, move || {
            rfd::FileDialog::new()
                .set_title(&ask.title)
                .set_directory(&ask.start)
                .add_filter(&ask.filter.0, ask.filter.1)
                .add_filter(&ask.all_files, &["*"])
                .pick_file()
        })
    }

    fn choose_folder(
        &self,
        title: String,
        start: PathBuf,
        wake: Box<dyn FnOnce() + Send>,
    ) -> Option<FileAnswer> {
        on_dialog_thread(wake, move || {
            rfd::FileDialog::new()
                .set_title(&title)
                .set_directory(&start)
                .pick_folder()
        })
    }
}

/// A dialog's answer, once there is one: `Some(None)` when it was closed
/// without a choice (or its thread is gone), `None` while it is open.
pub(super) fn answered(rx: &FileAnswer) -> Option<Option<PathBuf>> {
    match rx.try_recv() {
        Ok(chosen) => Some(chosen),
        Err(std::sync::mpsc::TryRecvError::Empty) => None,
        Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(None),
    }
}

/// Shows a desktop dialog on its own thread (it blocks until answered),
/// when the desktop has one; its answer comes on the channel returned.
fn on_dialog_thread(
    wake: Box<dyn FnOnce() + Send>,
    dialog: impl FnOnce() -> Option<PathBuf> + Send + 'static,
) -> Option<FileAnswer> {
    if !crate::platform::native_file_dialog() {
        return None;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("file-dialog".into())
        .spawn(move || {
            let _ = tx.send(dialog());
            wake();
        });
    // No thread, no dialog: the window's own way instead.
    spawned.ok().map(|_| rx)
}

/// What the batch file picker lists.
pub(super) const EXTENSIONS: [&str; 3] = ["csv", "tsv", "txt"];

/// A folder's sub-folders and batch files (or all files), hidden ones left
/// out, folders first then by name.
pub(super) fn list_folder(dir: &Path, all_files: bool) -> std::io::Result<Vec<(String, bool)>> {
    let mut entries = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = e.path().is_dir();
        let wanted = is_dir
            || all_files
            || Path::new(&name)
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| EXTENSIONS.contains(&x.to_lowercase().as_str()));
        if wanted {
            entries.push((name, is_dir));
        }
    }
    entries.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    Ok(entries)
}
