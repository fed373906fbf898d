//! Review and second confirmation. The confirm button is never placed
//! under the previous step's button, shows when it arms, and every click it
//! does not accept says why.

use crate::core::event::ReleaseMode;
use crate::ui::format::{duration_words, fee_text, money};
use crate::ui::style::palette;
use crate::ui::view::ViewCtx;
use crate::ui::widgets;
use eframe::egui::{self, RichText};

use crate::ui::review_step::ReviewStep;

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, r: &ReviewStep) {
    let (tr, session, now, out) = (cx.tr, cx.session, cx.now, cx.out);
    let Some(order) = r.subject.order().and_then(|id| session.order(id)) else {
        return;
    };
    let Some(profile) = session.profile(&order.channel) else {
        return;
    };
    ui.heading(tr.get("review.title"));
    crate::ui::widgets::steps::step_bar(ui, tr, crate::ui::widgets::steps::FlowStep::Review);
    ui.add_space(6.0);
    // The key facts a look rests on: channel, code, amounts, cancel policy
    // (not the order number or the release mode).
    let facts = egui::Grid::new("review_grid")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            widgets::row(ui, tr.get("review.order"), order.id.as_str());
            let channel = widgets::row(ui, tr.get("review.channel"), profile.name.get(tr.lang()));
            widgets::row(
                ui,
                tr.get("review.code"),
                RichText::new(crate::core::remedy::last_four_only(&order.masked))
                    .monospace()
                    .size(16.0),
            );
            widgets::row(
                ui,
                tr.get("review.face_value"),
                RichText::new(money(order.face_value)).strong(),
            );
            widgets::row(
                ui,
                tr.get("review.payout"),
                RichText::new(money(order.payout)).strong(),
            );
            let policy = widgets::row(ui, tr.get("review.policy"), profile.policy.get(tr.lang()));
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
            // The rows between are the code and the amounts: the span
            // from the channel to the policy, the grid's full width.
            channel.union(policy)
        })
        .inner;
    ui.add_space(8.0);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, palette(ui).warn))
        .show(ui, |ui| {
            ui.label(
                RichText::new(tr.get("review.final"))
                    .strong()
                    .color(palette(ui).warn),
            );
            ui.add(egui::Label::new(tr.get("review.not_transfer")).wrap());
            let window = profile.effective_window_ms();
            if window == 0 {
                ui.label(
                    RichText::new(tr.get("review.no_cancel"))
                        .strong()
                        .color(palette(ui).danger),
                );
            } else {
                ui.add(
                    egui::Label::new(tr.fmt(
                        "review.window",
                        &[
                            ("window", &duration_words(tr, window)),
                            ("fee", &fee_text(tr, profile.cancel_fee(order.face_value))),
                        ],
                    ))
                    .wrap(),
                );
            }
            ui.add(egui::Label::new(RichText::new(tr.get("review.no_spend_trick")).weak()).wrap());
        });
    ui.add_space(10.0);
    // Every decision explained: when the wait was fitted to this person.
    let plan = r.guard.plan();
    if let (Some(fit), crate::core::guard::RiskLevel::Low) = (plan.pace, plan.level) {
        let dwell = crate::ui::format::seconds(plan.travel_dwell_ms);
        ui.label(
            RichText::new(tr.fmt("review.pace", &[("count", &fit.count), ("dwell", &dwell)]))
                .weak(),
        );
    }
    // An order unlike the person's usual ones (a new channel, more than
    // usual, no cancel) is not met with a longer wait but with its facts on
    // the button itself, worded one of two ways by order so the button does
    // not look the same every time (an attractor, after Bravo-Lillo et al.).
    let unusual = plan.names_facts();
    let amount = crate::ui::format::money(order.face_value);
    let channel = profile.name.get(tr.lang());
    let facts_in = |key: &str| tr.fmt(key, &[("amount", &amount), ("channel", &channel)]);
    let (armed, hold) = if unusual {
        let form = if order.id.as_str().bytes().map(u32::from).sum::<u32>() % 2 == 0 {
            "review.confirm_send_a"
        } else {
            "review.confirm_send_b"
        };
        (facts_in(form), Some(facts_in("review.hold_to_send")))
    } else {
        let armed = tr.fmt("review.confirm", &[("n", &session.settings().hold_s)]);
        (armed, None)
    };
    let words = widgets::confirm::ConfirmWords {
        armed: &armed,
        hold: hold.as_deref(),
    };
    widgets::confirm::confirm_area(ui, tr, r, now, words, facts, out);
    // Below the confirm button, so opening it never moves the button.
    ui.add_space(8.0);
    crate::ui::screens::remedy::review_link(ui, tr, session.remedies());
}
