//! One frame: catch up with time, read the window's input, draw the
//! chrome and the screen on show (screens only send commands), apply what
//! they sent, then file screenshots and schedule the next repaint.

use super::App;
use crate::i18n::Texts;
use crate::ui::command::{Command, Screen};
use crate::ui::view::{CommandSender, ViewCtx};
use crate::ui::{capture, demo_player, screens, widgets};
use eframe::egui;
use std::sync::atomic::{AtomicU8, Ordering};

impl App {
    pub(super) fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        if let Some(t) = self.started.take() {
            println!("first frame after {} ms", t.elapsed().as_millis());
        }
        self.apply_theme(&ctx);
        self.tick(&ctx);
        self.read_journal_if_shown();
        let out = CommandSender::default();
        if self.drive_walkthrough(&out) {
            // The walkthrough acted: show its result now, not at the next deadline.
            ctx.request_repaint();
        }
        self.read_window_input(&ctx, &out);

        // Decided before anything is drawn: a frame that becomes evidence
        // never shows a secret, whichever widget draws it.
        let captured = self.state.shots.begin_frame() || self.screenshot_to.is_some();
        capture::set_capture_frame(&ctx, captured);
        self.draw(ui, captured, &out);
        crate::ui::style::focus_ring(&ctx);

        for c in out.take() {
            self.apply(c, &ctx);
        }
        self.after_commands();
        if let Some(s) = &self.session {
            let now = s.now();
            self.state
                .shots
                .end_frame(&ctx, now.with_timezone(&s.clock().offset_at(now)));
        }
        self.maybe_screenshot(&ctx);
        if let Some(wake) = self.next_wake() {
            ctx.request_repaint_after(wake);
        }
    }

    /// Light, dark or the system's, as saved in Settings.
    fn apply_theme(&self, ctx: &egui::Context) {
        use crate::core::settings::Theme;
        crate::ui::style::install_visuals(ctx);
        let wanted = match self.session.as_ref().map(|s| s.settings().theme) {
            Some(Theme::Light) => egui::ThemePreference::Light,
            Some(Theme::Dark) => egui::ThemePreference::Dark,
            Some(Theme::System) | None => egui::ThemePreference::System,
        };
        if ctx.options(|o| o.theme_preference) != wanted {
            ctx.set_theme(wanted);
        }
    }

    fn draw(&mut self, ui: &mut egui::Ui, captured: bool, out: &CommandSender) {
        let st = &mut self.state;
        widgets::chrome::top_bar(ui, &st.tr, st.screen, self.session.is_some(), out);
        if let Some(d) = &self.demo {
            let playing = st.demo_player.is_some();
            widgets::chrome::demo_banner(ui, &st.tr, d.factor(), playing, out);
        }
        if let Some(p) = &st.demo_player {
            demo_player::caption_bar(ui, &st.tr, p, out);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    // Reading screens keep a readable width on a wide
                    // window; the batch table and the journal use it all.
                    let wide = matches!(st.screen, Screen::Batch | Screen::Journal);
                    crate::ui::style::content_column(ui, !wide, |ui| {
                        widgets::chrome::notices(ui, &st.tr, &st.notices, out);
                        if let Some(f) = &self.failure {
                            widgets::chrome::failure(ui, &st.tr, f);
                            return;
                        }
                        let Some(session) = &self.session else { return };
                        let cx = ViewCtx {
                            tr: &st.tr,
                            session,
                            now: session.now(),
                            mask_secrets: captured,
                            demo: self.demo.is_some(),
                            out,
                        };
                        match st.screen {
                            Screen::Entry => screens::entry::show(ui, &cx, &mut st.order.draft),
                            Screen::Review => match &st.review {
                                Some(r) => screens::review::show(ui, &cx, r),
                                None => cx.send(Command::Navigate(Screen::Entry)),
                            },
                            Screen::Hold => screens::hold::show(
                                ui,
                                &cx,
                                st.order.draft.order_id.as_ref(),
                                st.release_blocked.is_some(),
                            ),
                            Screen::Orders => screens::orders::show(
                                ui,
                                &cx,
                                st.focus_order.as_ref(),
                                st.orders_shown,
                            ),
                            Screen::Batch => {
                                screens::batch::show(ui, &cx, &st.batch_desk, &mut st.batch)
                            }
                            Screen::BatchReview => match &st.review {
                                Some(r) => {
                                    screens::batch::release::review(ui, &cx, &st.batch_desk, r)
                                }
                                None => cx.send(Command::Navigate(Screen::Batch)),
                            },
                            Screen::Journal => {
                                screens::journal::show(ui, &cx, &mut st.journal, &st.journal_feed)
                            }
                            Screen::Settings => {
                                screens::settings::show(ui, &cx, &mut st.settings_edit, &st.stamper)
                            }
                            Screen::Remedy => match &st.remedy {
                                Some(d) => screens::remedy::show(ui, &cx, d),
                                None => cx.send(Command::Navigate(Screen::Orders)),
                            },
                        }
                    });
                });
        });
    }

    /// The journal screen shows what was appended since it last looked.
    fn read_journal_if_shown(&mut self) {
        let feed = &mut self.state.journal_feed;
        feed.poll();
        if self.state.screen == Screen::Journal
            && let Some(s) = &self.session
        {
            feed.refresh(s);
        }
    }

    /// After this frame's commands: journal entry steps that became valid,
    /// and let the walkthrough see what its commands did.
    fn after_commands(&mut self) {
        self.journal_entry_steps();
        self.walkthrough_after_commands();
    }

    fn maybe_screenshot(&mut self, ctx: &egui::Context) {
        // Frame 1 lays out, frame 2 has every glyph in the atlas.
        if self.frames < 3 {
            ctx.request_repaint();
            return;
        }
        let Some(path) = self.screenshot_to.take() else {
            return;
        };
        let ctx2 = ctx.clone();
        let tr = Texts::new(self.state.tr.lang());
        // Masked until the pixels are in: the backend may read a later frame.
        let guard = self.state.shots.in_flight();
        ctx.request_screenshot(move |image| {
            drop(guard);
            let [w, h] = image.size;
            let rgba = crate::ui::shots::rgba_bytes(&image);
            match crate::core::screenshot::write_png_new(&path, &rgba, w as u32, h as u32) {
                Ok(()) => {
                    CLI_SCREENSHOT.store(CLI_SHOT_SAVED, Ordering::SeqCst);
                    println!("screenshot saved to {}", path.display());
                }
                Err(e) => {
                    CLI_SCREENSHOT.store(CLI_SHOT_FAILED, Ordering::SeqCst);
                    let why = crate::core::safe_file::describe(&e, &tr);
                    eprintln!("{}", tr.fmt("screenshot.not_saved", &[("error", &why)]));
                }
            }
            ctx2.send_viewport_cmd(egui::ViewportCommand::Close);
            ctx2.request_repaint();
        });
    }
}

const CLI_SHOT_SAVED: u8 = 1;
const CLI_SHOT_FAILED: u8 = 2;
/// What became of `--screenshot PNG` (one per process: main reads it
/// after the window closed).
static CLI_SCREENSHOT: AtomicU8 = AtomicU8::new(0);

pub(super) fn cli_screenshot_saved() -> bool {
    CLI_SCREENSHOT.load(Ordering::SeqCst) == CLI_SHOT_SAVED
}
