//! The journal as the window has read it: a window of the timeline (the
//! newest lines, older ones on request, then only what was appended),
//! screenshot thumbnails (read and decoded on workers), the search of
//! older lines (a worker too: a filter that matches little may read the
//! whole file) and the "Verify" run with its progress. The app moves it (it reads files and starts
//! threads); the journal screen only reads it.

use crate::core::evidence::{Intact, ScreenshotRef, VerifyError, read_screenshot, verify_dir};
use crate::core::safe_file::FileError;
use crate::core::session::Session;
use crate::core::timeline::{
    Filter, Page, TimelineEntry, WINDOW, load_before, load_from, load_newest, raw_line,
};
use eframe::egui;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// The most of a raw journal line the viewer lays out.
const RAW_SHOWN_BYTES: usize = 16 * 1024;

/// A screenshot thumbnail: read and decoded on a worker thread, so a slow
/// or hostile file can never stall the window.
pub enum Thumb {
    Loading(Receiver<Option<egui::TextureHandle>>),
    Ready(Option<egui::TextureHandle>),
}

impl Thumb {
    fn start(ctx: &egui::Context, data_dir: &Path, shot: ScreenshotRef) -> Thumb {
        let (tx, rx) = channel();
        let (ctx, data_dir) = (ctx.clone(), data_dir.to_path_buf());
        std::thread::spawn(move || {
            let _ = tx.send(load_thumb(&ctx, &data_dir, &shot));
            ctx.request_repaint();
        });
        Thumb::Loading(rx)
    }

    /// `None` while loading; then the texture, or `Some(None)` when the
    /// file was refused, missing, changed or not a PNG.
    fn poll(&mut self) -> Option<Option<&egui::TextureHandle>> {
        if let Thumb::Loading(rx) = self {
            match rx.try_recv() {
                Ok(t) => *self = Thumb::Ready(t),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => *self = Thumb::Ready(None),
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
        }
        match self {
            Thumb::Ready(t) => Some(t.as_ref()),
            Thumb::Loading(_) => None,
        }
    }
}

pub enum VerifyRun {
    Idle,
    Running {
        done: Arc<AtomicU64>,
        total: Arc<AtomicU64>,
        rx: Receiver<Result<Intact, VerifyError>>,
    },
    Done(Result<Intact, VerifyError>),
}

impl VerifyRun {
    /// (events checked, events in all) while running.
    pub fn progress(&self) -> Option<(u64, u64)> {
        match self {
            VerifyRun::Running { done, total, .. } => Some((
                done.load(Ordering::Relaxed),
                total.load(Ordering::Relaxed).max(1),
            )),
            _ => None,
        }
    }
}

pub struct JournalFeed {
    /// Oldest first: the first `sparse` are older lines that matched
    /// `sparse_filter` (a search below the window); then every line from
    /// `start` on.
    pub entries: Vec<TimelineEntry>,
    /// Every readable line from here to `offset` is in `entries`.
    start: u64,
    sparse: usize,
    sparse_filter: Option<Filter>,
    /// Where the search for `sparse_filter` goes on from.
    sparse_from: u64,
    /// Lines in the journal (loaded or not).
    pub lines: u64,
    offset: u64,
    loaded_seq: u64,
    /// Every kind seen, sorted (the kind filter's choices).
    pub kinds: Vec<String>,
    /// Grows whenever entries are appended (the screen re-filters then).
    pub generation: u64,
    /// Why the journal could not be read, if it could not.
    pub error: Option<FileError>,
    thumbs: HashMap<String, Thumb>,
    pub verify: VerifyRun,
    /// The selected entry and its raw line (the start of it when huge).
    pub selected: Option<(usize, String)>,
    /// "Load older events" at work: the filter it searches for.
    older: Option<(Filter, Receiver<Result<Page, FileError>>)>,
}

impl Default for JournalFeed {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            start: 0,
            sparse: 0,
            sparse_filter: None,
            sparse_from: 0,
            lines: 0,
            offset: 0,
            loaded_seq: 0,
            kinds: Vec::new(),
            generation: 0,
            error: None,
            thumbs: HashMap::new(),
            verify: VerifyRun::Idle,
            selected: None,
            older: None,
        }
    }
}

impl JournalFeed {
    /// Reads the newest lines the first time, then what was appended
    /// since (nothing when unchanged).
    pub fn refresh(&mut self, session: &Session) {
        self.lines = session.journal_lines();
        if session.journal_next_seq() == self.loaded_seq + 1 && self.loaded_seq > 0 {
            return;
        }
        let path = session.journal_path();
        let read = if self.offset == 0 {
            load_newest(path, WINDOW).map(|(page, end)| {
                self.start = page.start;
                (page.entries, end)
            })
        } else {
            load_from(path, self.offset)
        };
        match read {
            Ok((more, offset)) => {
                self.error = None;
                self.offset = offset;
                if !more.is_empty() {
                    self.entries.extend(more);
                    self.loaded_seq = self.entries.last().map(|e| e.seq).unwrap_or(0);
                    self.changed();
                }
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The entries list changed: new kinds, re-filter.
    fn changed(&mut self) {
        let mut kinds: Vec<String> = self.entries.iter().map(|e| e.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        self.kinds = kinds;
        self.generation += 1;
    }

    /// Whether every line of the journal is loaded.
    pub fn all_loaded(&self) -> bool {
        self.start == 0 && self.sparse == 0
    }

    /// Where the entries to filter with `f` begin: older matches of
    /// another search are not shown (there are gaps between them).
    pub fn shown_from(&self, f: &Filter) -> usize {
        if self.sparse_filter.as_ref() == Some(f) {
            0
        } else {
            self.sparse
        }
    }

    /// Whether "Load older" can find more for `f`.
    pub fn has_older(&self, f: &Filter) -> bool {
        if !f.is_empty() && self.sparse_filter.as_ref() == Some(f) {
            self.sparse_from > 0
        } else {
            self.start > 0
        }
    }

    /// Whether "Load older events" is searching (the screen says so and
    /// offers no second search).
    pub fn searching_older(&self) -> bool {
        self.older.is_some()
    }

    /// Starts loading the next [`WINDOW`] older lines on a worker; with a
    /// filter, the next [`WINDOW`] older lines that match it (read
    /// backwards, so a search through a million lines holds only what it
    /// found, and the window stays responsive while it reads).
    pub fn load_older(&mut self, session: &Session, f: &Filter, ctx: &egui::Context) {
        if self.older.is_some() {
            return;
        }
        let path = session.journal_path().to_path_buf();
        let from = if !f.is_empty() && self.sparse_filter.as_ref() == Some(f) {
            self.sparse_from
        } else {
            self.start
        };
        let (tx, rx) = channel();
        let (filter, ctx) = (f.clone(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("journal-older".into())
            .spawn(move || {
                let keep = |e: &TimelineEntry| filter.is_empty() || filter.matches(e);
                let _ = tx.send(load_before(&path, from, WINDOW, &keep));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.older = Some((f.clone(), rx)),
            Err(e) => self.error = Some(FileError::Io(session.journal_path().to_path_buf(), e)),
        }
    }

    /// Puts a finished search's lines in place.
    fn older_loaded(&mut self, f: &Filter, result: Result<Page, FileError>) {
        if f.is_empty() || self.sparse_filter.as_ref() != Some(f) {
            // Another search's matches go: the window stays gap-free.
            self.entries.drain(..self.sparse);
            self.sparse = 0;
            self.sparse_filter = None;
        }
        match result {
            Ok(page) => {
                let n = page.entries.len();
                self.entries.splice(0..0, page.entries);
                if f.is_empty() {
                    self.start = page.start;
                } else {
                    self.sparse += n;
                    self.sparse_filter = Some(f.clone());
                    self.sparse_from = page.start;
                }
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        // Indices moved.
        self.selected = None;
        self.changed();
    }

    /// Collects what the workers finished.
    pub fn poll(&mut self) {
        if let Some((f, rx)) = &self.older {
            match rx.try_recv() {
                Ok(result) => {
                    let f = f.clone();
                    self.older = None;
                    self.older_loaded(&f, result);
                }
                Err(TryRecvError::Empty) => {}
                // The worker is gone without a word: the button comes back.
                Err(TryRecvError::Disconnected) => self.older = None,
            }
        }
        if let VerifyRun::Running { rx, .. } = &self.verify
            && let Ok(result) = rx.try_recv()
        {
            self.verify = VerifyRun::Done(result);
        }
        for t in self.thumbs.values_mut() {
            t.poll();
        }
    }

    pub fn start_verify(&mut self, data_dir: PathBuf, ctx: &egui::Context) {
        if matches!(self.verify, VerifyRun::Running { .. }) {
            return;
        }
        let (done, total) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (tx, rx) = channel();
        let (d2, t2, ctx2) = (done.clone(), total.clone(), ctx.clone());
        std::thread::spawn(move || {
            let result = verify_dir(&data_dir, &mut |d, t| {
                d2.store(d, Ordering::Relaxed);
                t2.store(t, Ordering::Relaxed);
                ctx2.request_repaint();
            });
            let _ = tx.send(result);
            ctx2.request_repaint();
        });
        self.verify = VerifyRun::Running { done, total, rx };
    }

    /// Starts reading a screenshot's thumbnail (once per path).
    pub fn want_thumb(&mut self, ctx: &egui::Context, data_dir: &Path, shot: ScreenshotRef) {
        self.thumbs
            .entry(shot.path.clone())
            .or_insert_with(|| Thumb::start(ctx, data_dir, shot));
    }

    /// `None`: not asked for yet; `Some(None)`: loading; then the texture,
    /// or `Some(Some(None))` when the file was refused or not a PNG.
    pub fn thumb(&self, path: &str) -> Option<Option<Option<&egui::TextureHandle>>> {
        self.thumbs.get(path).map(|t| match t {
            Thumb::Loading(_) => None,
            Thumb::Ready(t) => Some(t.as_ref()),
        })
    }

    /// Selects an entry (or, selected again, unselects it) and reads its raw line.
    pub fn select(&mut self, i: usize, session: &Session) {
        if self.selected.as_ref().is_some_and(|(s, _)| *s == i) {
            self.selected = None;
            return;
        }
        let Some(e) = self.entries.get(i) else { return };
        let mut raw = raw_line(session.journal_path(), e).unwrap_or_else(|err| err.to_string());
        // Laying out a huge line costs hundreds of bytes per byte: show its
        // start (the whole line is in the file).
        if raw.len() > RAW_SHOWN_BYTES {
            let cut = raw.floor_char_boundary(RAW_SHOWN_BYTES);
            raw.truncate(cut);
            raw.push_str(" …");
        }
        self.selected = Some((i, raw));
    }
}

/// Reads a screenshot by the journal's rule (inside the screenshots folder,
/// no link, regular file, capped, SHA-256 as journaled) and decodes it.
fn load_thumb(
    ctx: &egui::Context,
    data_dir: &Path,
    shot: &ScreenshotRef,
) -> Option<egui::TextureHandle> {
    let bytes = read_screenshot(data_dir, shot).ok()?;
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba {
        return None;
    }
    let image = egui::ColorImage::from_rgba_unmultiplied(
        [info.width as usize, info.height as usize],
        &buf[..info.buffer_size()],
    );
    Some(ctx.load_texture(&shot.path, image, egui::TextureOptions::LINEAR))
}
