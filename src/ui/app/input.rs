//! What arrives from the window before any widget sees it: the screenshot
//! shortcut, dropped files, focus and window changes and keys the guard
//! weighs, and pastes too long to be a card (refused, with a notice).

use super::{App, MAX_BATCH_PASTE_CHARS, MAX_PASTE_CHARS};
use crate::core::guard::GuardInput;
use crate::ui::command::{BatchCommand, Command, Level, Notice, Screen};
use crate::ui::view::CommandSender;
use eframe::egui;

impl App {
    pub(super) fn read_window_input(&mut self, ctx: &egui::Context, out: &CommandSender) {
        let on_review = self.state.screen.is_review();
        let shortcut = egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::S,
        );
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
            out.send(Command::TakeScreenshot);
        }
        // A file dropped on the window is a batch to check.
        for f in ctx.input(|i| i.raw.dropped_files.clone()) {
            out.send(Command::Batch(BatchCommand::ImportDropped(
                f.path().to_path_buf(),
            )));
        }
        let mut refused_paste = None;
        let limit = if self.state.screen == Screen::Batch {
            MAX_BATCH_PASTE_CHARS
        } else {
            MAX_PASTE_CHARS
        };
        let last_size = &mut self.last_window_size;
        let keys = crate::ui::widgets::confirm::enter_confirms(ctx);
        ctx.input_mut(|i| {
            i.events.retain(|e| match e {
                egui::Event::Paste(text) if text.chars().count() > limit => {
                    refused_paste = Some(text.chars().count());
                    false
                }
                _ => true,
            });
            for e in &i.events {
                if let Some(g) = guard_input(e, on_review, keys) {
                    out.send(Command::Guard(g));
                }
            }
            let size = i.content_rect().size();
            if last_size.is_some_and(|s| s != size) {
                out.send(Command::Guard(GuardInput::WindowChanged));
            }
            *last_size = Some(size);
        });
        if let Some(n) = refused_paste {
            self.notify(Notice::new(Level::Warning, "notice.paste_too_long").arg("chars", n));
        }
    }
}

/// A window event the guard weighs: focus always, keys on a review.
/// `keys`: whether Enter is the confirm key with focus where it is, and
/// whether focus is on the confirm button (Space confirms there too);
/// Enter on another focused control is that control's.
fn guard_input(e: &egui::Event, on_review: bool, keys: (bool, bool)) -> Option<GuardInput> {
    let (enter_ok, on_confirm) = keys;
    match e {
        egui::Event::WindowFocused(false) => Some(GuardInput::FocusLost),
        egui::Event::WindowFocused(true) => Some(GuardInput::FocusGained),
        egui::Event::Key {
            key,
            pressed,
            repeat,
            ..
        } if on_review => {
            let enter = match key {
                egui::Key::Enter => enter_ok,
                egui::Key::Space => on_confirm,
                _ => false,
            };
            Some(if *pressed {
                GuardInput::KeyDown {
                    enter,
                    repeat: *repeat,
                }
            } else {
                GuardInput::KeyUp { enter }
            })
        }
        _ => None,
    }
}
