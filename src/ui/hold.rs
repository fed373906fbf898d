//! The local undo window: the order waits on this device, with a large
//! countdown and an Undo button. Nothing leaves the device during it.

use super::app::Command;
use super::widgets;
use crate::core::session::Session;
use crate::i18n::Texts;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

pub fn show(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    order_id: Option<&str>,
    release_blocked: bool,
    now: DateTime<Utc>,
    out: &mut Vec<Command>,
) {
    let Some(order) = order_id.and_then(|id| session.order(id)) else {
        out.push(super::app::Command::Navigate(super::app::Screen::Orders));
        return;
    };
    let Some(left) = order.hold_left_ms(now) else {
        out.push(Command::Navigate(super::app::Screen::Orders));
        return;
    };
    ui.vertical_centered(|ui| {
        ui.add_space(16.0);
        ui.heading(tr.get("hold.title"));
        ui.add(egui::Label::new(tr.get("hold.body")).wrap());
        ui.add_space(12.0);
        ui.label(
            RichText::new(left.div_ceil(1000).to_string())
                .size(72.0)
                .strong()
                .color(widgets::countdown_color(left.min(60_000))),
        );
        ui.add(
            egui::ProgressBar::new(left as f32 / (order.hold_s.max(1) as f32 * 1000.0))
                .desired_width(360.0),
        );
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!(
                "{} · {} · {}",
                order.id,
                order.masked,
                widgets::money(order.face_value)
            ))
            .monospace(),
        );
        ui.add_space(16.0);
        if release_blocked {
            ui.label(
                RichText::new(tr.get("hold.release_blocked"))
                    .color(widgets::DANGER)
                    .strong(),
            );
            if ui.button(tr.get("hold.retry")).clicked() {
                out.push(Command::RetryRelease(order.id.clone()));
            }
            ui.add_space(8.0);
        }
        if ui
            .add(
                egui::Button::new(RichText::new(tr.get("hold.undo")).size(20.0))
                    .min_size(egui::vec2(240.0, 56.0)),
            )
            .clicked()
        {
            out.push(Command::Undo);
        }
    });
}
