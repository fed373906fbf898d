//! The journal viewer: every event newest first, filterable by order, kind
//! and date, in plain words; the raw line on demand; screenshot thumbnails
//! and full-size view; an order's page with "Export evidence"; "Verify"
//! with progress. The journal is parsed once and then only what was
//! appended; the list is virtualised (only visible rows are laid out).

use crate::core::evidence::{Intact, ScreenshotRef, VerifyError, read_screenshot, verify_dir};
use crate::core::session::Session;
use crate::core::timeline::{Filter, TimelineEntry, filter, load_from, raw_line};
use crate::i18n::Texts;
use crate::ui::command::Command;
use crate::ui::style::{DANGER, JOURNAL_ROW as ROW_HEIGHT, OK};
use crate::ui::view::ViewCtx;
use eframe::egui::{self, RichText};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// A screenshot thumbnail: read and decoded on a worker thread, so a slow
/// or hostile file can never stall the window.
enum Thumb {
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

enum VerifyRun {
    Idle,
    Running {
        done: Arc<AtomicU64>,
        total: Arc<AtomicU64>,
        rx: Receiver<Result<Intact, VerifyError>>,
    },
    Done(Result<Intact, VerifyError>),
}

pub struct JournalView {
    entries: Vec<TimelineEntry>,
    offset: u64,
    loaded_seq: u64,
    kinds: Vec<String>,
    pub(crate) filter: Filter,
    applied: Option<Filter>,
    shown: Vec<usize>,
    selected: Option<(usize, String)>,
    thumbs: HashMap<String, Thumb>,
    full: Option<String>,
    verify: VerifyRun,
}

impl Default for JournalView {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            offset: 0,
            loaded_seq: 0,
            kinds: Vec::new(),
            filter: Filter::default(),
            applied: None,
            shown: Vec::new(),
            selected: None,
            thumbs: HashMap::new(),
            full: None,
            verify: VerifyRun::Idle,
        }
    }
}

impl JournalView {
    /// Reads what was appended since last time (nothing when unchanged).
    fn refresh(&mut self, session: &Session) -> Result<(), crate::core::safe_file::FileError> {
        if session.journal_next_seq() == self.loaded_seq + 1 && self.loaded_seq > 0 {
            return Ok(());
        }
        let (more, offset) = load_from(session.journal_path(), self.offset)?;
        if !more.is_empty() {
            self.entries.extend(more);
            self.offset = offset;
            self.loaded_seq = self.entries.last().map(|e| e.seq).unwrap_or(0);
            let mut kinds: Vec<String> = self.entries.iter().map(|e| e.kind.clone()).collect();
            kinds.sort();
            kinds.dedup();
            self.kinds = kinds;
            self.applied = None;
        }
        Ok(())
    }

    fn poll_verify(&mut self) {
        if let VerifyRun::Running { rx, .. } = &self.verify
            && let Ok(result) = rx.try_recv()
        {
            self.verify = VerifyRun::Done(result);
        }
    }

    fn start_verify(&mut self, data_dir: PathBuf, ctx: &egui::Context) {
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
}

/// An event in plain words, in the UI language.
pub fn describe(tr: &Texts, session: &Session, e: &TimelineEntry) -> String {
    let mut text = describe_in_full(tr, session, e);
    // The values come from the file: a planted megabyte-long one must not
    // be laid out (hundreds of bytes of memory per byte shown).
    if text.len() > SUMMARY_SHOWN_BYTES {
        let cut = text.floor_char_boundary(SUMMARY_SHOWN_BYTES);
        text.truncate(cut);
        text.push_str(" …");
    }
    text
}

/// The most of one event's plain-words summary the list shows.
const SUMMARY_SHOWN_BYTES: usize = 600;

fn describe_in_full(tr: &Texts, session: &Session, e: &TimelineEntry) -> String {
    let key = format!("jk.{}", e.kind);
    let key = if tr.has(&key) {
        key
    } else {
        "jk.unknown".to_owned()
    };
    // Channel ids read better as the channel's name.
    let channel = e
        .args
        .iter()
        .find(|(k, _)| k == "channel")
        .and_then(|(_, id)| session.profile(id))
        .map(|p| p.name.get(tr.lang()).to_owned());
    let mut args: Vec<(&str, &dyn std::fmt::Display)> = Vec::new();
    if let Some(name) = &channel {
        args.push(("channel", name));
    }
    args.extend(
        e.args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)),
    );
    args.push(("kind", &e.kind));
    tr.fmt(&key, &args)
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

/// The screenshot a timeline entry names, if it is one.
fn shot_of(e: &TimelineEntry) -> Option<ScreenshotRef> {
    if e.kind != crate::core::evidence::SCREENSHOT_EVENT {
        return None;
    }
    let arg = |k: &str| e.args.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    Some(ScreenshotRef {
        line: e.seq,
        order: e.order.clone(),
        path: arg("path")?,
        sha256: arg("sha256")?,
        batch: arg("batch"),
    })
}

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, v: &mut JournalView) {
    let (tr, session, out) = (cx.tr, cx.session, cx.out);
    if let Err(e) = v.refresh(session) {
        let error = crate::core::safe_file::describe(&e, tr);
        ui.label(RichText::new(tr.fmt("journal.unreadable", &[("error", &error)])).color(DANGER));
        return;
    }
    v.poll_verify();
    let data_dir = session.paths().data_dir.clone();

    ui.horizontal(|ui| {
        ui.heading(tr.get("journal.title"));
        let running = matches!(v.verify, VerifyRun::Running { .. });
        if ui
            .add_enabled(!running, egui::Button::new(tr.get("journal.verify")))
            .clicked()
        {
            v.start_verify(data_dir.clone(), ui.ctx());
        }
    });
    match &v.verify {
        VerifyRun::Idle => {}
        VerifyRun::Running { done, total, .. } => {
            let (d, t) = (
                done.load(Ordering::Relaxed),
                total.load(Ordering::Relaxed).max(1),
            );
            ui.add(
                egui::ProgressBar::new(d as f32 / t as f32)
                    .text(tr.fmt("journal.verifying", &[("done", &d), ("total", &t)])),
            );
        }
        VerifyRun::Done(Ok(i)) => {
            ui.label(
                RichText::new(tr.fmt(
                    "journal.intact",
                    &[("events", &i.events), ("screenshots", &i.screenshots)],
                ))
                .color(OK)
                .strong(),
            );
        }
        VerifyRun::Done(Err(VerifyError::Broken(f))) => {
            let problem = tr.get(f.problem.message_key());
            ui.label(
                RichText::new(tr.fmt(
                    "journal.broken",
                    &[
                        ("line", &f.line),
                        ("problem", &problem),
                        ("detail", &f.detail),
                    ],
                ))
                .color(DANGER)
                .strong(),
            );
        }
        VerifyRun::Done(Err(VerifyError::Unreadable(e))) => {
            let error = crate::core::safe_file::describe(e, tr);
            ui.label(
                RichText::new(tr.fmt("journal.unreadable", &[("error", &error)])).color(DANGER),
            );
        }
    }

    // Filters.
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(tr.get("journal.filter_order"));
        ui.add(egui::TextEdit::singleline(&mut v.filter.order).desired_width(170.0))
            .labelled_by(l.id);
        let l = ui.label(tr.get("journal.filter_kind"));
        let current = v
            .filter
            .kind
            .clone()
            .unwrap_or_else(|| tr.get("journal.all").to_owned());
        egui::ComboBox::from_id_salt("kind_filter")
            .selected_text(current)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut v.filter.kind, None, tr.get("journal.all"));
                for k in &v.kinds {
                    ui.selectable_value(&mut v.filter.kind, Some(k.clone()), k);
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(tr.get("journal.filter_date"));
        ui.add(
            egui::TextEdit::singleline(&mut v.filter.date)
                .hint_text("2026-11-27")
                .desired_width(100.0),
        )
        .labelled_by(l.id);
        if ui.button(tr.get("journal.clear_filters")).clicked() {
            v.filter = Filter::default();
        }
    });
    if v.applied.as_ref() != Some(&v.filter) {
        v.shown = filter(&v.entries, &v.filter);
        v.applied = Some(v.filter.clone());
    }

    // An order's page: its state and the evidence export.
    let order_id = v.filter.order.trim().to_owned();
    if let Some(order) = session.order(&order_id) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&order.id).monospace().strong());
                ui.label(tr.get(order.phase.label_key()));
                ui.label(RichText::new(&order.masked).monospace());
                ui.label(order.face_value.to_string());
                if ui.button(tr.get("journal.export")).clicked() {
                    out.send(Command::ExportEvidence(order.id.clone()));
                }
            });
        });
    }
    ui.label(
        RichText::new(tr.fmt(
            "journal.count",
            &[("shown", &v.shown.len()), ("total", &v.entries.len())],
        ))
        .weak(),
    );

    // The virtualised timeline.
    let detail_height = if v.selected.is_some() { 120.0 } else { 0.0 };
    let list_height = (ui.available_height() - detail_height).max(120.0);
    let ctx = ui.ctx().clone();
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .max_height(list_height)
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, v.shown.len(), |ui, rows| {
            for row in rows {
                let i = v.shown[row];
                let e = &v.entries[i];
                let shot = shot_of(e);
                let selected = v.selected.as_ref().is_some_and(|(s, _)| *s == i);
                let r = ui
                    .horizontal(|ui| {
                        ui.set_height(ROW_HEIGHT);
                        if let Some(shot) = &shot {
                            let path = &shot.path;
                            let thumb = v
                                .thumbs
                                .entry(path.clone())
                                .or_insert_with(|| Thumb::start(&ctx, &data_dir, shot.clone()));
                            match thumb.poll() {
                                // The worker asks for a repaint when done.
                                None => {
                                    ui.label(RichText::new("…").weak());
                                }
                                Some(Some(t)) => {
                                    let img = egui::Image::new(t)
                                        .fit_to_exact_size(egui::vec2(64.0, 40.0))
                                        .sense(egui::Sense::click());
                                    if ui
                                        .add(img)
                                        .on_hover_text(tr.get("journal.view_full"))
                                        .clicked()
                                    {
                                        v.full = Some(path.clone());
                                    }
                                }
                                Some(None) => {
                                    ui.label(
                                        RichText::new(tr.get("journal.no_image")).color(DANGER),
                                    );
                                }
                            }
                        }
                        ui.label(
                            RichText::new(format!(
                                "#{} {}",
                                e.seq,
                                e.local.format("%Y-%m-%d %H:%M:%S %:z")
                            ))
                            .monospace()
                            .weak(),
                        );
                        if let Some(o) = &e.order
                            && ui.link(o).clicked()
                        {
                            v.filter.order = o.clone();
                        }
                        let text = RichText::new(describe(tr, session, e));
                        ui.selectable_label(selected, if selected { text.strong() } else { text })
                    })
                    .inner;
                if r.clicked() {
                    let mut raw =
                        raw_line(session.journal_path(), e).unwrap_or_else(|err| err.to_string());
                    // Laying out a huge line costs hundreds of bytes per byte:
                    // show its start (the whole line is in the file).
                    if raw.len() > RAW_SHOWN_BYTES {
                        let cut = raw.floor_char_boundary(RAW_SHOWN_BYTES);
                        raw.truncate(cut);
                        raw.push_str(" …");
                    }
                    v.selected = if selected { None } else { Some((i, raw)) };
                }
            }
        });
    if let Some((_, raw)) = &v.selected {
        ui.separator();
        ui.label(RichText::new(tr.get("journal.raw")).strong());
        egui::ScrollArea::vertical()
            .id_salt("raw")
            .max_height(90.0)
            .show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(raw).monospace().size(11.0)).wrap());
            });
    }

    // Full-size screenshot.
    if let Some(path) = v.full.clone() {
        let mut open = true;
        egui::Window::new(tr.get("journal.screenshot"))
            .open(&mut open)
            .default_size([900.0, 600.0])
            .show(ui.ctx(), |ui| {
                ui.label(RichText::new(&path).monospace().weak());
                if let Some(Some(Some(t))) = v.thumbs.get_mut(&path).map(Thumb::poll) {
                    ui.add(egui::Image::new(t).shrink_to_fit());
                }
            });
        if !open {
            v.full = None;
        }
    }
}

/// The most of a raw journal line the viewer lays out.
const RAW_SHOWN_BYTES: usize = 16 * 1024;
