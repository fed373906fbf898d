//! Evidence screenshots: requested by the app at key steps (and by hand),
//! captured with `ctx.request_screenshot` one frame later (so the new screen
//! is what is captured), then encoded, hashed and written on a worker
//! thread so no frame waits for PNG encoding. Every frame from the one that
//! asks until the pixels arrive is drawn masked (see `capture.rs`).

use crate::core::ids::{BatchId, OrderId};
use crate::core::screenshot::{Saved, ShotStep, save};
use chrono::{DateTime, FixedOffset};
use eframe::egui;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

/// What a screenshot is evidence of: what the screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShotSubject {
    /// Settings, the journal, the orders list: no one order or batch.
    None,
    Order(OrderId),
    Batch(BatchId),
}

impl ShotSubject {
    pub fn order(&self) -> Option<&OrderId> {
        match self {
            ShotSubject::Order(id) => Some(id),
            _ => None,
        }
    }

    pub fn batch(&self) -> Option<&BatchId> {
        match self {
            ShotSubject::Batch(id) => Some(id),
            _ => None,
        }
    }

    pub fn from_order(order: Option<OrderId>) -> Self {
        order.map_or(ShotSubject::None, ShotSubject::Order)
    }
}

#[derive(Debug, Clone)]
pub struct ShotRequest {
    pub subject: ShotSubject,
    pub step: ShotStep,
}

pub type ShotResult = (
    ShotRequest,
    Result<Saved, crate::core::safe_file::FileError>,
);

pub struct Shots {
    data_dir: PathBuf,
    /// Asked for during this frame: captured at the end of the next one.
    pending: Vec<ShotRequest>,
    /// Being drawn now, captured at the end of this frame.
    this_frame: Vec<ShotRequest>,
    tx: Sender<ShotResult>,
    rx: Receiver<ShotResult>,
    /// Screenshots asked of the window and not yet delivered. The glow
    /// backend reads the pixels while painting the frame AFTER the one that
    /// asked, so every frame is masked until the pixels are in.
    in_flight: Arc<AtomicUsize>,
}

/// Held by a screenshot callback until it has run (or was dropped unrun).
pub struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shots {
    pub fn new(data_dir: PathBuf) -> Self {
        let (tx, rx) = channel();
        Self {
            data_dir,
            pending: Vec::new(),
            this_frame: Vec::new(),
            tx,
            rx,
            in_flight: Arc::default(),
        }
    }

    pub fn request(&mut self, subject: ShotSubject, step: ShotStep) {
        self.pending.push(ShotRequest { subject, step });
    }

    /// A screenshot of one order's screen.
    pub fn request_order(&mut self, order: &OrderId, step: ShotStep) {
        self.request(ShotSubject::Order(order.clone()), step);
    }

    /// Call at the start of a frame; true when this frame may end up in a
    /// screenshot (the code must be drawn masked): it asks for one, or one
    /// asked for earlier has not been delivered yet.
    pub fn begin_frame(&mut self) -> bool {
        self.this_frame.append(&mut self.pending);
        !self.this_frame.is_empty() || self.in_flight.load(Ordering::SeqCst) > 0
    }

    /// Marks a screenshot as asked of the window until the guard is dropped.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.in_flight.clone())
    }

    /// Call at the end of a frame: captures it if asked, and makes sure the
    /// next frame runs when more is pending.
    pub fn end_frame(&mut self, ctx: &egui::Context, at: DateTime<FixedOffset>) {
        if !self.this_frame.is_empty() {
            let requests = std::mem::take(&mut self.this_frame);
            let (tx, dir, ctx2) = (self.tx.clone(), self.data_dir.clone(), ctx.clone());
            let guard = self.in_flight();
            ctx.request_screenshot(move |image| {
                drop(guard);
                // Off the UI thread: PNG encoding takes tens of milliseconds.
                std::thread::spawn(move || {
                    let [w, h] = image.size;
                    let rgba = rgba_bytes(&image);
                    for r in requests {
                        let saved = save(
                            &dir,
                            &rgba,
                            w as u32,
                            h as u32,
                            at,
                            r.subject.order(),
                            r.step,
                        );
                        let _ = tx.send((r, saved));
                    }
                    ctx2.request_repaint();
                });
            });
            // The frame the pixels may be read from.
            ctx.request_repaint();
        }
        if !self.pending.is_empty() {
            ctx.request_repaint();
        }
    }

    /// Screenshots written since the last call.
    pub fn finished(&mut self) -> Vec<ShotResult> {
        self.rx.try_iter().collect()
    }
}

/// A screenshot's pixels as plain RGBA bytes.
pub fn rgba_bytes(image: &egui::ColorImage) -> Vec<u8> {
    image
        .pixels
        .iter()
        .flat_map(|p| p.to_srgba_unmultiplied())
        .collect()
}
