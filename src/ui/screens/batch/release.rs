//! Releasing a batch: its review with the guarded confirmation (the batch
//! as context: total, count, cancellability), then the run: the batch's
//! hold with Undo, progress while orders go out one after another, Pause
//! and Resume, a per-order countdown panel with Cancel, "cancel all still
//! cancellable" with what each cost, and the results export.

use crate::core::batch::desk::BatchDesk;
use crate::core::batch::run::{BatchRun, CancelOutcome, PauseReason, RunPhase};
use crate::core::clock::ms_between;
use crate::core::order::Phase;
use crate::core::session::Session;
use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Command, Screen};
use crate::ui::format::{duration_words, fee_text, mm_ss, money};
use crate::ui::review_step::ReviewStep;
use crate::ui::style::{BATCH_RUN_LINE as LINE, BATCH_RUN_ROW as ROW_HEIGHT, palette};
use crate::ui::view::{CommandSender, ViewCtx};
use crate::ui::widgets;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

/// The batch's summary and its guarded confirmation.
pub fn review(ui: &mut egui::Ui, cx: &ViewCtx, desk: &BatchDesk, r: &ReviewStep) {
    let (tr, session, now, out) = (cx.tr, cx.session, cx.now, cx.out);
    let (Some(t), Some(profile)) = (
        desk.totals(session),
        desk.channel.as_ref().and_then(|c| session.profile(c)),
    ) else {
        out.send(Command::Navigate(Screen::Batch));
        return;
    };
    let count = t.ok + t.warnings;
    ui.heading(tr.get("batch_review.title"));
    ui.add_space(6.0);
    let facts = egui::Grid::new("batch_review_grid")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            widgets::row(ui, tr.get("review.channel"), profile.name.get(tr.lang()));
            widgets::row(
                ui,
                tr.get("batch_review.count"),
                RichText::new(count.to_string()).strong(),
            );
            widgets::row(
                ui,
                tr.get("batch_review.total"),
                RichText::new(money(t.face_value)).strong().size(18.0),
            );
            widgets::row(
                ui,
                tr.get("review.payout"),
                RichText::new(money(t.payout)).strong(),
            );
            widgets::row(ui, tr.get("review.policy"), profile.policy.get(tr.lang()));
            widgets::row(
                ui,
                tr.get("review.hold"),
                tr.fmt(
                    "batch_review.hold_value",
                    &[("n", &session.settings().hold_s)],
                ),
            );
            if desk.test_first(session) {
                widgets::row(
                    ui,
                    tr.get("batch_review.test"),
                    tr.get("batch_review.test_on"),
                );
            }
        })
        .response
        .rect;
    ui.add_space(8.0);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, palette(ui).warn))
        .show(ui, |ui| {
            ui.label(
                RichText::new(tr.get("review.final"))
                    .strong()
                    .color(palette(ui).warn),
            );
            let window = profile.effective_window_ms();
            if window == 0 {
                ui.label(
                    RichText::new(tr.get("batch_review.no_cancel"))
                        .strong()
                        .color(palette(ui).danger),
                );
            } else {
                let fees = crate::core::money::Fen(
                    desk.batch
                        .as_ref()
                        .map(|b| {
                            b.rows
                                .iter()
                                .filter_map(|r| r.face_value)
                                .map(|f| profile.cancel_fee(f).0)
                                .sum()
                        })
                        .unwrap_or(0),
                );
                let key = if fees == crate::core::money::Fen::ZERO {
                    "batch_review.window_free"
                } else {
                    "batch_review.window"
                };
                ui.add(
                    egui::Label::new(tr.fmt(
                        key,
                        &[
                            ("window", &duration_words(tr, window)),
                            ("fees", &fee_text(tr, fees)),
                        ],
                    ))
                    .wrap(),
                );
            }
        });
    ui.add_space(10.0);
    let armed = tr.fmt(
        "batch_review.confirm",
        &[("cards", &tr.counted("batch.n_cards", count))],
    );
    widgets::confirm::confirm_area(
        ui,
        tr,
        r,
        now,
        widgets::confirm::ConfirmWords {
            armed: &armed,
            hold: None,
        },
        facts,
        out,
    );
    // Below the confirm button, so opening it never moves the button.
    ui.add_space(8.0);
    crate::ui::screens::remedy::review_link(ui, tr, session.remedies());
}

fn pause_key(p: PauseReason) -> &'static str {
    match p {
        PauseReason::Operator => "batch_run.paused",
        PauseReason::TestCard => "batch_run.paused_test",
        PauseReason::Error => "batch_run.paused_error",
        PauseReason::CancelAll => "batch_run.paused_cancel_all",
    }
}

pub fn run_panel(ui: &mut egui::Ui, cx: &ViewCtx, run: &BatchRun) {
    let (tr, session, now, out) = (cx.tr, cx.session, cx.now, cx.out);
    let cmd = |c| Command::Batch(c);
    let channel = session
        .profile(&run.channel)
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_else(|| run.channel.to_string());
    ui.heading(tr.fmt(
        "batch_run.title",
        &[("batch", &run.id), ("channel", &channel)],
    ));
    let total = run.items.len();
    let released = run.released();
    say_run(ui, tr, run, now);
    match run.phase {
        RunPhase::Holding => {
            let left = ms_between(now, run.hold_until);
            ui.label(tr.get("batch_run.holding"));
            let countdown = ui.label(
                RichText::new(left.div_ceil(1000).to_string())
                    .size(48.0)
                    .strong()
                    .color(crate::ui::style::countdown_color(ui, left.min(60_000))),
            );
            ui.ctx().accesskit_node_builder(countdown.id, |b| {
                b.set_description(tr.get("a11y.batch_hold_countdown"));
            });
            let undo = ui.add(
                egui::Button::new(RichText::new(tr.get("batch_run.undo")).size(18.0))
                    .min_size(egui::vec2(240.0, 48.0)),
            );
            // As a single card's hold: focus waits on Undo, Esc undoes.
            if ui.memory(|m| m.focused().is_none()) {
                undo.request_focus();
            }
            if undo.clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                out.send(cmd(BatchCommand::Undo));
            }
            ui.label(RichText::new(tr.get("hold.esc_hint")).weak());
        }
        RunPhase::Undone => {
            ui.label(
                RichText::new(tr.get("batch_run.undone"))
                    .strong()
                    .color(palette(ui).ok),
            );
        }
        phase => {
            ui.add(
                egui::ProgressBar::new(released as f32 / total.max(1) as f32)
                    .text(tr.fmt(
                        "batch_run.progress",
                        &[("released", &released), ("total", &total)],
                    ))
                    .desired_width(480.0),
            );
            ui.horizontal(|ui| match phase {
                RunPhase::Releasing => {
                    ui.label(tr.get("batch_run.releasing"));
                    if ui.button(tr.get("batch_run.pause")).clicked() {
                        out.send(cmd(BatchCommand::Pause));
                    }
                }
                RunPhase::Paused(why) => {
                    ui.label(
                        RichText::new(tr.fmt(pause_key(why), &[("left", &run.waiting())]))
                            .color(palette(ui).warn)
                            .strong(),
                    );
                    if ui.button(tr.get("batch_run.resume")).clicked() {
                        out.send(cmd(BatchCommand::Resume));
                    }
                }
                _ => {
                    ui.label(
                        RichText::new(tr.fmt(
                            "batch_run.finished",
                            &[("cards", &tr.counted("batch.n_cards", released))],
                        ))
                        .color(palette(ui).ok),
                    );
                }
            });
        }
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let (n, fees) = run.cancellable(session);
        if ui
            .add_enabled(
                n > 0,
                egui::Button::new(tr.fmt(
                    "batch_run.cancel_all",
                    &[("count", &n), ("fees", &fee_text(tr, fees))],
                )),
            )
            .clicked()
        {
            out.send(cmd(BatchCommand::CancelAll));
        }
        if ui
            .add_enabled(released > 0, egui::Button::new(tr.get("batch_run.export")))
            .clicked()
        {
            out.send(cmd(BatchCommand::ExportResults));
        }
        if ui.button(tr.get("batch_run.evidence")).clicked() {
            out.send(cmd(BatchCommand::ExportEvidence));
        }
        if ui.link(tr.get("remedy.open")).clicked() {
            out.send(Command::Remedy(crate::ui::command::RemedyCommand::Open(
                crate::core::flow::Subject::Batch(run.id.clone()),
            )));
        }
        if matches!(run.phase, RunPhase::Finished | RunPhase::Undone)
            && ui.button(tr.get("batch_run.close")).clicked()
        {
            out.send(cmd(BatchCommand::Close));
        }
    });
    if !run.cancel_report.is_empty() {
        cancel_report(ui, tr, run);
    }
    ui.separator();
    order_panel(ui, tr, session, run, now, out);
}

/// What a screen reader hears of a run without asking: the hold at its
/// start and 5 s before its end, then each change of phase (releasing,
/// paused and why, finished, what "cancel all" did), not every card.
fn say_run(ui: &egui::Ui, tr: &Texts, run: &BatchRun, now: DateTime<Utc>) {
    let words = match run.phase {
        RunPhase::Holding => {
            let left = ms_between(now, run.hold_until);
            let hold_ms = u64::from(run.hold_s.max(1)) * 1000;
            let s = crate::ui::announce::milestone_s(left, hold_ms);
            tr.fmt("a11y.say_batch_hold", &[("s", &s)])
        }
        RunPhase::Undone => tr.get("batch_run.undone").to_owned(),
        _ if !run.cancel_report.is_empty() => format!(
            "{} {}",
            tr.get("batch_run.report"),
            tr.fmt("batch_run.report_total", &[("fees", &report_fees(run))])
        ),
        RunPhase::Releasing => tr.get("a11y.say_batch_releasing").to_owned(),
        RunPhase::Paused(why) => tr.fmt(pause_key(why), &[("left", &run.waiting())]),
        RunPhase::Finished => tr.fmt(
            "batch_run.finished",
            &[("cards", &tr.counted("batch.n_cards", run.released()))],
        ),
    };
    crate::ui::announce::say(ui.ctx(), &words);
}

/// The fees "cancel all" cost, over the orders it cancelled.
fn report_fees(run: &BatchRun) -> crate::core::money::Fen {
    crate::core::money::Fen(
        run.cancel_report
            .iter()
            .map(|l| match &l.outcome {
                CancelOutcome::Cancelled { fee } => fee.0,
                _ => 0,
            })
            .sum(),
    )
}

/// What "cancel all" did, one line per order, with the total cost.
fn cancel_report(ui: &mut egui::Ui, tr: &Texts, run: &BatchRun) {
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("batch_run.report")).strong());
    egui::Grid::new("cancel_report")
        .num_columns(4)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for l in &run.cancel_report {
                ui.label(RichText::new(l.order.as_str()).monospace());
                ui.label(RichText::new(&l.masked).monospace());
                ui.label(money(l.face_value));
                let text = match &l.outcome {
                    CancelOutcome::Cancelled { fee } => {
                        tr.fmt("batch_run.r_cancelled", &[("fee", &fee_text(tr, *fee))])
                    }
                    CancelOutcome::Requested => tr.get("batch_run.r_requested").to_owned(),
                    CancelOutcome::Refused { reason } => {
                        tr.fmt("batch_run.r_refused", &[("reason", reason)])
                    }
                    CancelOutcome::NotCancellable => tr.get("batch_run.r_too_late").to_owned(),
                };
                ui.label(text);
                ui.end_row();
            }
        });
    ui.label(tr.fmt("batch_run.report_total", &[("fees", &report_fees(run))]));
}

/// Every card of the batch: state, the live cancel-window countdown and a
/// Cancel button while it is open (virtualised: 10 000 rows scroll smoothly).
fn order_panel(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    run: &BatchRun,
    now: DateTime<Utc>,
    out: &CommandSender,
) {
    // Two lines per card (what it is; where it stands) so the countdown and
    // Cancel stay visible in a narrow window.
    egui::ScrollArea::vertical()
        .id_salt("batch_orders")
        .max_height(360.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, run.items.len(), |ui, range| {
            for item in &run.items[range] {
                let order = item.order.as_ref().and_then(|o| session.order(o));
                ui.allocate_ui(egui::vec2(ui.available_width(), ROW_HEIGHT), |ui| {
                    ui.set_height(ROW_HEIGHT);
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.add_sized(
                                [48.0, LINE],
                                egui::Label::new(
                                    RichText::new(item.row.to_string()).monospace().weak(),
                                ),
                            );
                            ui.add_sized(
                                [170.0, LINE],
                                egui::Label::new(RichText::new(&item.masked).monospace()),
                            );
                            ui.add_sized([80.0, LINE], egui::Label::new(money(item.face_value)));
                            if let Some(o) = order {
                                ui.label(RichText::new(o.id.as_str()).monospace().weak());
                            }
                        });
                        ui.horizontal(|ui| {
                            ui.add_space(56.0);
                            order_state(ui, tr, session, run, order, now, out);
                        });
                    });
                });
            }
        });
}

/// The second line of a card: state, the live countdown, what can be done.
fn order_state(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    run: &BatchRun,
    order: Option<&crate::core::order::Order>,
    now: DateTime<Utc>,
    out: &CommandSender,
) {
    let Some(o) = order else {
        let key = if run.phase == RunPhase::Undone {
            "batch_run.not_sent"
        } else {
            "batch_run.waiting"
        };
        ui.label(RichText::new(tr.get(key)).weak());
        return;
    };
    ui.label(tr.get(o.phase.label_key()));
    if let Some(left) = o.window_left_ms(now) {
        ui.label(
            RichText::new(mm_ss(left))
                .monospace()
                .strong()
                .color(crate::ui::style::countdown_color(ui, left)),
        );
        let fee = session
            .profile(&o.channel)
            .map(|p| p.cancel_fee(o.face_value))
            .unwrap_or_default();
        if ui
            .small_button(tr.fmt(
                "batch_run.cancel_one",
                &[("order", &o.id), ("fee", &fee_text(tr, fee))],
            ))
            .clicked()
        {
            out.send(Command::Cancel(o.id.clone()));
        }
    }
    if o.phase == Phase::AwaitingPlatform && ui.small_button(tr.get("orders.submitted")).clicked() {
        out.send(Command::PlatformSubmitted(o.id.clone()));
    }
}
