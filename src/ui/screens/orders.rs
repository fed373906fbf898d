//! Every order with its state; live cancel-window countdowns with the cost
//! of cancelling now and a Cancel button that disappears with the window.

use crate::core::clock::ms_between;
use crate::core::flow::Subject;
use crate::core::ids::OrderId;
use crate::core::order::{Order, Phase};
// The journal's masked form is rebuilt from its last four: a hand-edited
// journal cannot make the list show more of a code.
use crate::core::remedy::last_four_only;
use crate::core::session::Session;
use crate::i18n::Texts;
use crate::ui::command::{Command, RemedyCommand, Screen};
use crate::ui::format::{duration_words, money};
use crate::ui::style::palette;
use crate::ui::view::{CommandSender, ViewCtx};
use crate::ui::widgets;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

/// Orders drawn per page: each card lays out fully, so a long history is
/// paged (1 000 cards took 29 ms a frame; a page of 50 a few ms).
pub const PAGE: usize = 50;

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, focus: Option<&OrderId>, shown: usize) {
    let (tr, session, now, out) = (cx.tr, cx.session, cx.now, cx.out);
    ui.horizontal(|ui| {
        ui.heading(tr.get("orders.title"));
        if ui.button(tr.get("orders.new")).clicked() {
            out.send(Command::Navigate(Screen::Entry));
        }
    });
    // Just sent from the single-card flow: its last step, and what can
    // still stop it.
    if let Some(o) = focus.and_then(|id| session.order(id))
        && matches!(o.phase, Phase::InWindow | Phase::AwaitingPlatform)
    {
        widgets::steps::step_bar(ui, tr, widgets::steps::FlowStep::Sent);
    }
    // Orders that can still change (held, on the clipboard, in a cancel
    // window) come first, then the rest; newest first within each.
    let mut visible: Vec<&Order> = session
        .ledger()
        .orders()
        .iter()
        .rev()
        .filter(|o| !matches!(o.phase, Phase::Draft | Phase::Reviewing | Phase::Discarded))
        .collect();
    visible.sort_by_key(|o| !is_live(o.phase));
    if visible.is_empty() {
        ui.label(RichText::new(tr.get("orders.empty")).weak());
        return;
    }
    say_closest_window(ui, tr, &visible, now);
    let total = visible.len();
    let limit = shown.max(PAGE);
    for (i, o) in visible.iter().enumerate() {
        let focused = focus == Some(&o.id);
        // The focused order is always drawn, wherever it falls.
        if i >= limit && !focused {
            continue;
        }
        order_card(ui, tr, session, o, focused, now, out);
        ui.add_space(6.0);
    }
    if total > limit {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(tr.fmt("orders.paged", &[("shown", &limit), ("total", &total)]))
                    .weak(),
            );
            if ui
                .button(tr.fmt("orders.more", &[("n", &PAGE.min(total - limit))]))
                .clicked()
            {
                out.send(Command::ShowMoreOrders);
            }
        });
    }
}

/// States whose order can still change by itself or by the person.
/// Says, without being asked, how long the order whose cancel window ends
/// first can still be cancelled: when it opens, at one minute and at ten
/// seconds left (never each second).
fn say_closest_window(ui: &egui::Ui, tr: &Texts, orders: &[&Order], now: DateTime<Utc>) {
    let closest = orders
        .iter()
        .filter(|o| o.phase == Phase::InWindow)
        .filter_map(|o| {
            let left = o.window_left_ms(now)?;
            Some((left, o.window_total_ms().unwrap_or(left), o))
        })
        .min_by_key(|(left, _, _)| *left);
    if let Some((left, total, o)) = closest
        && left > 0
    {
        let mark = crate::ui::announce::milestone_ms(left, total, &[60_000, 10_000]);
        let time = duration_words(tr, mark);
        crate::ui::announce::say(
            ui.ctx(),
            &tr.fmt("a11y.say_window", &[("order", &o.id), ("time", &time)]),
        );
    }
}

fn is_live(p: Phase) -> bool {
    matches!(
        p,
        Phase::Holding | Phase::AwaitingPlatform | Phase::InWindow | Phase::CancelRequested
    )
}

fn order_card(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    o: &Order,
    focused: bool,
    now: DateTime<Utc>,
    out: &CommandSender,
) {
    let profile = session.profile(&o.channel);
    let channel_name = profile
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_else(|| o.channel.to_string());
    let stroke = if focused {
        egui::Stroke::new(2.0, crate::ui::style::phase_color(ui, o.phase))
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    egui::Frame::group(ui.style())
        .stroke(stroke)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(o.id.as_str()).monospace().strong());
                ui.label(
                    RichText::new(tr.get(o.phase.label_key()))
                        .color(crate::ui::style::phase_color(ui, o.phase))
                        .strong(),
                );
                ui.label(&channel_name);
                ui.label(RichText::new(last_four_only(&o.masked)).monospace());
                ui.label(money(o.face_value));
            });
            match o.phase {
                Phase::Holding => {
                    let left = o.hold_left_ms(now).unwrap_or(0);
                    ui.label(tr.fmt("orders.holding", &[("s", &left.div_ceil(1000))]));
                    if ui.button(tr.get("orders.open_hold")).clicked() {
                        out.send(Command::Navigate(Screen::Hold));
                    }
                }
                Phase::AwaitingPlatform => {
                    if let Some(c) = o.clipboard_until {
                        ui.label(tr.fmt(
                            "orders.clipboard",
                            &[("s", &ms_between(now, c).div_ceil(1000))],
                        ));
                    } else {
                        ui.label(tr.get("orders.clipboard_cleared"));
                    }
                    ui.add(
                        egui::Label::new(
                            tr.fmt("orders.submit_on_platform", &[("channel", &channel_name)]),
                        )
                        .wrap(),
                    );
                    if ui
                        .add(
                            egui::Button::new(RichText::new(tr.get("orders.submitted")).size(16.0))
                                .min_size(egui::vec2(280.0, 36.0)),
                        )
                        .clicked()
                    {
                        out.send(Command::PlatformSubmitted(o.id.clone()));
                    }
                }
                Phase::InWindow => {
                    let left = o.window_left_ms(now).unwrap_or(0);
                    let total = o.window_total_ms().unwrap_or(left);
                    ui.label(tr.get("orders.window_left"));
                    let what = tr.fmt("a11y.window_countdown", &[("order", &o.id)]);
                    widgets::countdown(ui, left, total, if focused { 48.0 } else { 28.0 }, &what);
                    match profile.map(|p| p.cancel_fee(o.face_value)) {
                        Some(fee) if fee > crate::core::money::Fen::ZERO => {
                            ui.label(tr.fmt("orders.cancel_cost", &[("fee", &fee)]));
                        }
                        Some(_) => {
                            ui.label(tr.get("orders.cancel_free"));
                        }
                        None => {}
                    }
                    if ui
                        .add(
                            egui::Button::new(
                                RichText::new(tr.get("orders.cancel"))
                                    .color(palette(ui).danger)
                                    .size(16.0),
                            )
                            .min_size(egui::vec2(200.0, 36.0)),
                        )
                        .clicked()
                    {
                        out.send(Command::Cancel(o.id.clone()));
                    }
                }
                Phase::Verifying => {
                    let text = match o.verify_at {
                        Some(v) => tr.fmt(
                            "orders.verifying",
                            &[("in", &duration_words(tr, ms_between(now, v)))],
                        ),
                        None => tr.get("orders.verifying_unknown").to_owned(),
                    };
                    ui.label(text);
                    if o.cancel_window_ms == 0 {
                        ui.label(RichText::new(tr.get("channel.no_cancel")).weak());
                    }
                }
                Phase::Settled => {
                    ui.label(tr.fmt("orders.settled", &[("payout", &o.payout)]));
                }
                Phase::Cancelled => {
                    ui.label(tr.fmt(
                        "orders.cancelled",
                        &[("fee", &o.fee_paid.unwrap_or_default())],
                    ));
                }
                Phase::CancelRequested => {
                    ui.label(RichText::new(tr.get("orders.cancel_requested")).strong());
                    if let Some(p) = profile {
                        ui.add(egui::Label::new(p.cancel_steps.get(tr.lang())).wrap());
                    }
                }
                Phase::Expired => {
                    ui.label(tr.get("orders.expired"));
                }
                Phase::Interrupted => {
                    ui.label(tr.get("orders.interrupted"));
                }
                Phase::Draft | Phase::Reviewing | Phase::Discarded => {}
            }
            // The journal keeps the channel's machine reason; the only one
            // the channels give today is a closed window.
            if o.cancel_refused.is_some() && !matches!(o.phase, Phase::Cancelled) {
                ui.label(RichText::new(tr.get("orders.cancel_refused")).color(palette(ui).danger));
            }
            let remedy = ui.link(tr.get("remedy.open"));
            // One link per order: a screen reader's list of links must tell
            // them apart.
            ui.ctx().accesskit_node_builder(remedy.id, |b| {
                b.set_label(tr.fmt("a11y.remedy_for", &[("order", &o.id)]));
            });
            if remedy.clicked() {
                out.send(Command::Remedy(RemedyCommand::Open(Subject::Order(
                    o.id.clone(),
                ))));
            }
        });
}
