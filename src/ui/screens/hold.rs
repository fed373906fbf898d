//! The local undo window: the order waits on this device, with a large
//! countdown and an Undo button. Nothing leaves the device during it.

use crate::core::flow::Subject;
use crate::core::ids::OrderId;
use crate::ui::command::{Command, RemedyCommand, Screen};
use crate::ui::format::money;
use crate::ui::style::palette;
use crate::ui::view::ViewCtx;
use eframe::egui::{self, RichText};

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, order_id: Option<&OrderId>, release_blocked: bool) {
    let (tr, session, now, out) = (cx.tr, cx.session, cx.now, cx.out);
    let Some(order) = order_id.and_then(|id| session.order(id)) else {
        out.send(Command::Navigate(Screen::Orders));
        return;
    };
    let Some(left) = order.hold_left_ms(now) else {
        out.send(Command::Navigate(Screen::Orders));
        return;
    };
    let hold_ms = u64::from(order.hold_s.max(1)) * 1000;
    crate::ui::announce::say(
        ui.ctx(),
        &tr.fmt(
            "a11y.say_hold",
            &[("s", &crate::ui::announce::milestone_s(left, hold_ms))],
        ),
    );
    ui.vertical_centered(|ui| {
        ui.add_space(16.0);
        ui.heading(tr.get("hold.title"));
        crate::ui::widgets::steps::step_bar(ui, tr, crate::ui::widgets::steps::FlowStep::Hold);
        ui.add(egui::Label::new(tr.get("hold.body")).wrap());
        ui.add_space(12.0);
        let countdown = ui.label(
            RichText::new(left.div_ceil(1000).to_string())
                .size(72.0)
                .strong()
                .color(crate::ui::style::countdown_color(ui, left.min(60_000))),
        );
        // Read on request: the number alone would say nothing.
        ui.ctx().accesskit_node_builder(countdown.id, |b| {
            b.set_description(tr.get("a11y.hold_countdown"));
        });
        let bar = ui.add(egui::ProgressBar::new(left as f32 / hold_ms as f32).desired_width(360.0));
        ui.ctx().accesskit_node_builder(bar.id, |b| {
            b.set_label(tr.get("a11y.hold_countdown"));
        });
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!(
                "{} · {} · {}",
                order.id,
                crate::core::remedy::last_four_only(&order.masked),
                money(order.face_value)
            ))
            .monospace(),
        );
        ui.add_space(16.0);
        if release_blocked {
            ui.label(
                RichText::new(tr.get("hold.release_blocked"))
                    .color(palette(ui).danger)
                    .strong(),
            );
            if ui.button(tr.get("hold.retry")).clicked() {
                out.send(Command::RetryRelease(order.id.clone()));
            }
            ui.add_space(8.0);
        }
        let undo = ui.add(
            egui::Button::new(RichText::new(tr.get("hold.undo")).size(20.0))
                .min_size(egui::vec2(240.0, 56.0)),
        );
        // Within ten seconds, by keys: focus waits on Undo (unless the
        // person put it elsewhere), and Esc undoes from anywhere.
        if ui.memory(|m| m.focused().is_none()) {
            undo.request_focus();
        }
        if undo.clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            out.send(Command::Undo);
        }
        ui.label(RichText::new(tr.get("hold.esc_hint")).weak());
        ui.add_space(12.0);
        if ui.link(tr.get("remedy.open")).clicked() {
            out.send(Command::Remedy(RemedyCommand::Open(Subject::Order(
                order.id.clone(),
            ))));
        }
    });
}
