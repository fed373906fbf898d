//! The window's frame around every screen: the top bar (tabs, screenshot,
//! language), the demo banner, the notices, and the "cannot start" page.

use crate::i18n::{Lang, Texts};
use crate::ui::command::{Command, DemoCommand, Level, Notice, Notices, Screen};
use crate::ui::style::{level_color, palette};
use crate::ui::view::CommandSender;
use eframe::egui::{self, RichText};

pub fn top_bar(ui: &mut egui::Ui, tr: &Texts, screen: Screen, ready: bool, out: &CommandSender) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading(tr.get("app.title"));
            ui.separator();
            if ready {
                let tabs = [
                    (Screen::Entry, "nav.new_order"),
                    (Screen::Orders, "nav.orders"),
                    (Screen::Batch, "nav.batch"),
                    (Screen::Journal, "nav.journal"),
                    (Screen::Settings, "nav.settings"),
                ];
                for (target, key) in tabs {
                    let active = screen == target
                        || (target == Screen::Entry
                            && matches!(screen, Screen::Review | Screen::Hold));
                    if ui.selectable_label(active, tr.get(key)).clicked() && screen != target {
                        out.send(Command::Navigate(target));
                    }
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ready
                    && ui
                        .button(tr.get("action.screenshot"))
                        .on_hover_text(tr.get("action.screenshot_hint"))
                        .clicked()
                {
                    out.send(Command::TakeScreenshot);
                }
                ui.separator();
                for lang in Lang::ALL.iter().rev() {
                    if ui
                        .selectable_label(tr.lang() == *lang, lang.native_name())
                        .clicked()
                        && tr.lang() != *lang
                    {
                        out.send(Command::SetLanguage(Some(*lang)));
                    }
                }
            });
        });
    });
}

/// The persistent demo banner: speed of demo time, sample card, reset.
pub fn demo_banner(ui: &mut egui::Ui, tr: &Texts, factor: u32, playing: bool, out: &CommandSender) {
    egui::Panel::top("demo_banner").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(tr.get("demo.banner"))
                    .strong()
                    .color(palette(ui).act_text)
                    .background_color(palette(ui).act_fill),
            );
            ui.label(tr.get("demo.speed"));
            for f in [1u32, 10, 60] {
                if ui.selectable_label(factor == f, format!("×{f}")).clicked() && factor != f {
                    out.send(Command::Demo(DemoCommand::Speed(f)));
                }
            }
            ui.separator();
            if ui.button(tr.get("demo.sample_card")).clicked() {
                out.send(Command::Demo(DemoCommand::SampleCard));
            }
            if ui.button(tr.get("demo.reset")).clicked() {
                out.send(Command::Demo(DemoCommand::Reset));
            }
            ui.separator();
            if !playing && ui.button(tr.get("demo.walkthrough_play")).clicked() {
                out.send(Command::Demo(DemoCommand::Play));
            }
            if ui.button(tr.get("demo.leave")).clicked() {
                out.send(Command::Demo(DemoCommand::Switch(false)));
            }
        });
    });
}

pub fn notices(ui: &mut egui::Ui, tr: &Texts, notices: &Notices, out: &CommandSender) {
    let captured = crate::ui::capture::is_capture_frame(ui.ctx());
    for (id, n) in notices.iter() {
        let text = if captured {
            n.text_for_capture(tr)
        } else {
            n.text(tr)
        };
        // Its own id, so a notice keeps its node while others come and go
        // (a new node is announced again).
        ui.push_id(id, |ui| {
            egui::Frame::group(ui.style())
                .stroke(egui::Stroke::new(1.5, level_color(ui, n.level)))
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let dismiss = ui.small_button("×").on_hover_text(tr.get("action.dismiss"));
                        // Its name for a screen reader is the word, not the sign.
                        ui.ctx().accesskit_node_builder(dismiss.id, |b| {
                            b.set_label(tr.get("action.dismiss"));
                        });
                        if dismiss.clicked() {
                            out.send(Command::DismissNotice(*id));
                        }
                        ui.add(
                            egui::Label::new(RichText::new(text).color(level_color(ui, n.level)))
                                .wrap(),
                        );
                        // Said once when it appears (a warning interrupts),
                        // through a hidden live node of its own: the label
                        // drawn above changes in a captured frame (masked),
                        // and a live label would be said again, as bullets.
                        // The node's words are the masked wording, the same
                        // in every frame: a file named like a card code is
                        // not read out.
                        let live = match n.level {
                            Level::Info => egui::accesskit::Live::Polite,
                            _ => egui::accesskit::Live::Assertive,
                        };
                        let name = n.text_for_capture(tr);
                        ui.ctx().accesskit_node_builder(
                            egui::Id::unique("cardguard.notice").with(id),
                            |b| {
                                b.set_role(egui::accesskit::Role::Label);
                                // AT-SPI names a label by its value, not its
                                // label (an unnamed label is never said).
                                b.set_value(name.clone());
                                b.set_label(name);
                                b.set_live(live);
                            },
                        );
                    });
                });
        });
    }
}

pub fn failure(ui: &mut egui::Ui, tr: &Texts, n: &Notice) {
    ui.add_space(24.0);
    ui.label(
        RichText::new(tr.get("error.cannot_start"))
            .heading()
            .color(palette(ui).danger),
    );
    ui.add_space(8.0);
    ui.add(egui::Label::new(n.text(tr)).wrap());
}
