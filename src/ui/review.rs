//! Review and second confirmation. The confirm button is never placed
//! under the previous step's button, shows when it arms, and every click it
//! does not accept says why.

use super::app::{Command, ReviewStep, SWALLOWED_NOTE_MS};
use super::entry::duration_words;
use super::widgets::{self, DANGER, WARN};
use crate::core::clock::ms_between;
use crate::core::event::ReleaseMode;
use crate::core::guard::{GuardInput, Reason};
use crate::core::session::Session;
use crate::i18n::Texts;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

pub const CONFIRM_SIZE: egui::Vec2 = egui::vec2(260.0, 44.0);

pub fn show(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    r: &ReviewStep,
    now: DateTime<Utc>,
    out: &mut Vec<Command>,
) {
    let Some(order) = session.order(&r.order_id) else {
        return;
    };
    let Some(profile) = session.profile(&order.channel) else {
        return;
    };
    ui.heading(tr.get("review.title"));
    ui.add_space(6.0);
    egui::Grid::new("review_grid")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            widgets::row(ui, tr.get("review.order"), order.id.as_str());
            widgets::row(ui, tr.get("review.channel"), profile.name.get(tr.lang()));
            widgets::row(
                ui,
                tr.get("review.code"),
                RichText::new(&order.masked).monospace().size(16.0),
            );
            widgets::row(
                ui,
                tr.get("review.face_value"),
                RichText::new(widgets::money(order.face_value)).strong(),
            );
            widgets::row(
                ui,
                tr.get("review.payout"),
                RichText::new(widgets::money(order.payout)).strong(),
            );
            widgets::row(ui, tr.get("review.policy"), profile.policy.get(tr.lang()));
            let mode = match order.mode {
                ReleaseMode::Simulated => tr.get("mode.simulated"),
                ReleaseMode::Manual => tr.get("mode.manual"),
            };
            widgets::row(ui, tr.get("review.release_mode"), mode);
            widgets::row(
                ui,
                tr.get("review.hold"),
                tr.fmt("review.hold_value", &[("n", &session.settings().hold_s)]),
            );
        });
    ui.add_space(8.0);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, WARN))
        .show(ui, |ui| {
            ui.label(RichText::new(tr.get("review.final")).strong().color(WARN));
            ui.add(egui::Label::new(tr.get("review.not_transfer")).wrap());
            let window = profile.effective_window_ms();
            if window == 0 {
                ui.label(
                    RichText::new(tr.get("review.no_cancel"))
                        .strong()
                        .color(DANGER),
                );
            } else {
                ui.add(
                    egui::Label::new(tr.fmt(
                        "review.window",
                        &[
                            ("window", &duration_words(tr, window)),
                            (
                                "fee",
                                &widgets::fee_text(tr, profile.cancel_fee(order.face_value)),
                            ),
                        ],
                    ))
                    .wrap(),
                );
            }
            ui.add(egui::Label::new(RichText::new(tr.get("review.no_spend_trick")).weak()).wrap());
        });
    ui.add_space(10.0);

    let at = r.at_ms(now);
    let view = r.guard.view(at);
    let text = if view.armed {
        tr.fmt("review.confirm", &[("n", &session.settings().hold_s)])
    } else if let Some(ms) = view.arms_in_ms {
        tr.fmt("review.confirm_in", &[("s", &ms.div_ceil(1000))])
    } else {
        tr.get("review.confirm_unfocused").to_owned()
    };
    let fill = if view.armed {
        egui::Color32::from_rgb(0xC0, 0x40, 0x20)
    } else {
        ui.visuals().widgets.inactive.bg_fill
    };
    let text_color = if view.armed {
        egui::Color32::WHITE
    } else {
        ui.visuals().weak_text_color()
    };

    // Place the confirm button away from where the previous step's button was.
    let mut rect = egui::Rect::from_min_size(ui.cursor().min, CONFIRM_SIZE);
    if let Some(avoid) = r.avoid.map(|a| a.expand(12.0))
        && rect.intersects(avoid)
    {
        rect = rect.translate(egui::vec2(0.0, avoid.max.y - rect.min.y + 12.0));
    }
    let confirm = ui.put(
        rect,
        egui::Button::new(RichText::new(text).size(16.0).color(text_color))
            .fill(fill)
            .min_size(CONFIRM_SIZE),
    );
    let back_rect = egui::Rect::from_min_size(
        rect.right_top() + egui::vec2(16.0, 0.0),
        egui::vec2(160.0, 44.0),
    );
    let back = ui.put(
        back_rect,
        egui::Button::new(tr.get("review.back")).min_size(egui::vec2(160.0, 44.0)),
    );

    if ui.input(|i| i.pointer.primary_pressed()) {
        out.push(Command::Guard(GuardInput::PointerDown {
            on_confirm: confirm.contains_pointer(),
        }));
    }
    if confirm.clicked_by(egui::PointerButton::Primary) {
        out.push(Command::Guard(GuardInput::PointerUp { on_confirm: true }));
    }
    if back.clicked() {
        out.push(Command::BackToEntry);
    }

    ui.add_space(6.0);
    if let Some((reason, when)) = &r.swallowed
        && ms_between(*when, now) < SWALLOWED_NOTE_MS
    {
        ui.label(RichText::new(reason_text(tr, reason)).color(DANGER));
    } else if !view.armed {
        for reason in &view.reasons {
            ui.label(RichText::new(reason_text(tr, reason)).weak());
        }
    }
}

pub fn reason_text(tr: &Texts, r: &Reason) -> String {
    let secs =
        r.ms.map(|m| format!("{:.1}", m as f64 / 1000.0))
            .unwrap_or_default();
    tr.fmt(r.key, &[("s", &secs)])
}
