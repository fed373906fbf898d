//! "Something went wrong?": what the app knows (is anything sent, is a
//! cancel window open), at most one question (what happened), then one
//! path with its deadline counting down, what to do first, the source's
//! odds as what they are, the evidence bundle and the message to send.

use crate::core::clock::ms_between;
use crate::core::flow::Subject;
use crate::core::order::{BatchState, Phase};
use crate::core::remedy::{
    Advice, Assistant, DeadlineRule, RemedyBook, Route, Standing, last_four_only, shown_id,
};
use crate::i18n::{Lang, Texts};
use crate::ui::command::{Command, RemedyCommand, Screen};
use crate::ui::format::{clock_left, fee_text, money};
use crate::ui::style::{countdown_color, palette};
use crate::ui::view::ViewCtx;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

/// The assistant on show and the window's choices around it.
pub struct RemedyDesk {
    pub assistant: Assistant,
    /// Where "Close" goes back to.
    pub back: Screen,
    /// The message's language (either, whatever the window speaks).
    pub message_lang: Lang,
    /// The message as last copied or saved (said beside the buttons).
    pub handed: Option<HandedNote>,
}

/// What became of the message on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandedNote {
    Copied,
    /// Saved: the file, relative to the data dir.
    Saved(String),
    /// Neither copied nor saved: why, in every language (`Lang::ALL` order).
    Failed([String; 2]),
}

const ACTION: egui::Vec2 = egui::vec2(320.0, 40.0);

fn send(cx: &ViewCtx, c: RemedyCommand) {
    cx.send(Command::Remedy(c));
}

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, desk: &RemedyDesk) {
    let Some(advice) = desk.assistant.advice(cx.session) else {
        send(cx, RemedyCommand::Close);
        return;
    };
    let tr = cx.tr;
    ui.heading(tr.get("remedy.title"));
    subject_line(ui, cx, &advice);
    ui.add_space(4.0);
    standing_line(ui, cx, &advice);
    ui.separator();
    match &advice.route {
        None => question(ui, cx, cx.session.remedies()),
        Some(route) => path(ui, cx, desk, &advice, route),
    }
    ui.add_space(12.0);
    if ui.button(tr.get("remedy.done")).clicked() {
        send(cx, RemedyCommand::Close);
    }
}

fn subject_line(ui: &mut egui::Ui, cx: &ViewCtx, a: &Advice) {
    let tr = cx.tr;
    let channel = cx
        .session
        .profile(&a.case.channel())
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_default();
    let text = match &a.case.subject {
        Subject::Order(id) => {
            let o = a.case.orders.first();
            format!(
                "{} · {channel} · {} · {}",
                shown_id(id.as_str()),
                o.map_or_else(String::new, |o| last_four_only(&o.masked)),
                money(o.map(|o| o.face_value).unwrap_or_default())
            )
        }
        Subject::Batch(id) => {
            // What is still out there: a cancelled card came back.
            let sent = a.case.sent();
            tr.fmt(
                "remedy.batch_line",
                &[
                    ("batch", id),
                    ("channel", &channel),
                    ("count", &sent.len()),
                    ("face", &money(sent.iter().map(|o| o.face_value).sum())),
                ],
            )
        }
    };
    ui.label(RichText::new(text).monospace());
}

/// The second question, answered by the app: is anything sent, and can
/// it still be cancelled (by whom, until when).
fn standing_line(ui: &mut egui::Ui, cx: &ViewCtx, a: &Advice) {
    let (tr, now) = (cx.tr, cx.now);
    let left = |t: DateTime<Utc>| clock_left(ms_between(now, t));
    let batch = matches!(a.case.subject, Subject::Batch(_));
    let never_window = a.case.sent().iter().all(|o| o.cancel_window_ms == 0);
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&cx.session.offset_at(t))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let asked = a
        .case
        .orders
        .iter()
        .filter(|o| o.phase == Phase::CancelRequested)
        .filter_map(|o| o.cancel_asked_at)
        .min();
    let (text, color) = match a.standing {
        Standing::NotSent if batch => (
            tr.get("remedy.standing.not_sent_batch").to_owned(),
            palette(ui).ok,
        ),
        Standing::NotSent => (
            tr.get("remedy.standing.not_sent").to_owned(),
            palette(ui).ok,
        ),
        Standing::Sending => (
            tr.get("remedy.standing.sending").to_owned(),
            palette(ui).danger,
        ),
        Standing::Holding { until } => (
            tr.fmt("remedy.standing.holding", &[("left", &left(until))]),
            palette(ui).ok,
        ),
        Standing::CancelInApp { count, fee, closes } => (
            tr.fmt(
                if count == 1 {
                    "remedy.standing.in_app_one"
                } else {
                    "remedy.standing.in_app"
                },
                &[
                    ("left", &left(closes)),
                    ("count", &count),
                    ("fee", &fee_text(tr, fee)),
                ],
            ),
            palette(ui).warn,
        ),
        // A cancel already asked there: the platform's to finish.
        Standing::CancelOnPlatform { .. } if asked.is_some() => (
            tr.fmt(
                "remedy.standing.cancel_asked",
                &[("at", &asked.map(local).unwrap_or_default())],
            ),
            palette(ui).warn,
        ),
        Standing::CancelOnPlatform { closes: Some(c) } => (
            tr.fmt("remedy.standing.on_platform", &[("left", &left(c))]),
            palette(ui).warn,
        ),
        Standing::CancelOnPlatform { closes: None } => (
            tr.get("remedy.standing.on_platform_unknown").to_owned(),
            palette(ui).warn,
        ),
        Standing::OnClipboard => (
            tr.get("remedy.standing.on_clipboard").to_owned(),
            palette(ui).warn,
        ),
        Standing::Cancelled { fee } => (
            tr.fmt(
                if batch {
                    "remedy.standing.cancelled_batch"
                } else {
                    "remedy.standing.cancelled"
                },
                &[("fee", &fee_text(tr, fee))],
            ),
            palette(ui).ok,
        ),
        // A channel that never had a window: nothing "closed".
        Standing::Closed if never_window && batch => (
            tr.get("remedy.standing.final_batch").to_owned(),
            palette(ui).danger,
        ),
        Standing::Closed if never_window => (
            tr.get("remedy.standing.final").to_owned(),
            palette(ui).danger,
        ),
        Standing::Closed if batch => (
            tr.get("remedy.standing.closed_batch").to_owned(),
            palette(ui).danger,
        ),
        Standing::Closed => (
            tr.get("remedy.standing.closed").to_owned(),
            palette(ui).danger,
        ),
    };
    ui.add(egui::Label::new(RichText::new(text).strong().color(color)).wrap());
    if a.standing == Standing::Closed && a.case.orders.iter().any(|o| o.phase == Phase::Cancelled) {
        ui.add(egui::Label::new(RichText::new(tr.get("remedy.some_cancelled")).weak()).wrap());
    }
    // A paused batch still holds cards: resuming would send them.
    if let Some(b) = a
        .case
        .batch
        .filter(|b| b.paused && b.state == BatchState::Running)
    {
        let waiting = b.count.saturating_sub(
            a.case
                .orders
                .iter()
                .filter(|o| o.phase.is_released())
                .count(),
        );
        if waiting > 0 {
            ui.add(
                egui::Label::new(
                    RichText::new(tr.fmt("remedy.still_waiting", &[("count", &waiting)]))
                        .color(palette(ui).warn),
                )
                .wrap(),
            );
        }
    }
}

/// "What happened?": one plain button per answer in the book.
fn question(ui: &mut egui::Ui, cx: &ViewCtx, book: &RemedyBook) {
    let tr = cx.tr;
    ui.label(RichText::new(tr.get("remedy.question")).size(18.0).strong());
    ui.add_space(4.0);
    for p in &book.problems {
        let b = egui::Button::new(RichText::new(p.label.get(tr.lang())).size(15.0))
            .min_size(egui::vec2(ui.available_width().min(560.0), 36.0))
            .wrap();
        if ui.add(b).clicked() {
            send(cx, RemedyCommand::Answer(p.id.clone()));
        }
    }
}

fn path(ui: &mut egui::Ui, cx: &ViewCtx, desk: &RemedyDesk, a: &Advice, route: &Route) {
    let (tr, lang) = (cx.tr, cx.tr.lang());
    let book = cx.session.remedies();
    if let Route::NotSent = route {
        let key = match (a.standing, &a.case.subject) {
            (Standing::Cancelled { .. }, _) => "remedy.nothing_after_cancel",
            (_, Subject::Batch(_)) => "remedy.nothing_to_do_batch",
            _ => "remedy.nothing_to_do",
        };
        ui.add(egui::Label::new(tr.get(key)).wrap());
        // The record of a cancel is worth keeping, should the platform dispute it.
        if matches!(a.standing, Standing::Cancelled { .. }) {
            evidence_button(ui, cx);
        }
        return;
    }
    if let Some(problem) = desk
        .assistant
        .problem()
        .and_then(|p| book.problem(p))
        .filter(|_| a.asks)
    {
        ui.horizontal_wrapped(|ui| {
            ui.label(tr.fmt("remedy.because", &[("problem", &problem.label.get(lang))]));
            if ui.link(tr.get("remedy.change_answer")).clicked() {
                send(cx, RemedyCommand::ChangeAnswer);
            }
        });
    }
    let batch = matches!(a.case.subject, Subject::Batch(_));
    let title = crate::core::remedy::path_title(tr, book, route.path_id()).unwrap_or_default();
    ui.label(RichText::new(title).size(22.0).strong());
    deadline(ui, cx, route, a);
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("remedy.first")).strong());
    let first = match (route.path(), route) {
        (Some(p), _) => p.first_step.get(lang).to_owned(),
        (None, Route::Pause) => tr.get("remedy.pause_first").to_owned(),
        (None, Route::NotSubmitted) => tr.get("remedy.not_submitted_first").to_owned(),
        (None, _) if batch => tr.get("remedy.undo_first_batch").to_owned(),
        (None, _) => tr.get("remedy.undo_first").to_owned(),
    };
    ui.add(egui::Label::new(first).wrap());
    if let Route::ChannelCancel { .. } = route
        && let Some(p) = cx.session.profile(&a.case.channel())
    {
        ui.add(egui::Label::new(RichText::new(p.cancel_steps.get(lang)).strong()).wrap());
    }
    ui.add_space(6.0);
    let on_clipboard = a
        .case
        .orders
        .iter()
        .find(|o| o.phase == Phase::AwaitingPlatform);
    // A batch with one card's window open and another still on the
    // clipboard: the window comes first, the clipboard is said here.
    if let (Route::ChannelCancel { .. }, Some(o)) = (route, on_clipboard) {
        ui.add(
            egui::Label::new(
                RichText::new(tr.fmt(
                    "remedy.also_on_clipboard",
                    &[("code", &last_four_only(&o.masked))],
                ))
                .color(palette(ui).warn),
            )
            .wrap(),
        );
    }
    // The one action button the path has, if any.
    let asked_on_platform = matches!(a.case.subject, Subject::Order(_))
        && a.case.orders.iter().any(|o| o.phase == Phase::InWindow);
    let action = match route {
        Route::CancelInApp { count, fee, .. } => Some((
            match a.case.subject {
                Subject::Order(_) => tr.fmt("remedy.cancel_now", &[("fee", &fee_text(tr, *fee))]),
                Subject::Batch(_) => tr.fmt(
                    "remedy.cancel_all",
                    &[("count", count), ("fee", &fee_text(tr, *fee))],
                ),
            },
            palette(ui).danger,
            RemedyCommand::CancelNow,
        )),
        Route::Undo { .. } => Some((
            tr.get("remedy.undo").to_owned(),
            palette(ui).ok,
            RemedyCommand::Undo,
        )),
        Route::Pause => Some((
            tr.get("remedy.pause").to_owned(),
            palette(ui).danger,
            RemedyCommand::Pause,
        )),
        // The card on the clipboard, named by its last four in a batch.
        Route::NotSubmitted => on_clipboard.map(|o| {
            let text = if batch {
                tr.fmt(
                    "remedy.submitted_card",
                    &[("code", &last_four_only(&o.masked))],
                )
            } else {
                tr.get("orders.submitted").to_owned()
            };
            (
                text,
                palette(ui).warn,
                RemedyCommand::Submitted(o.id.clone()),
            )
        }),
        // A submitted hand-off: once asked on the platform, the record says so.
        Route::ChannelCancel { .. } if asked_on_platform => Some((
            tr.get("remedy.asked_platform").to_owned(),
            palette(ui).warn,
            RemedyCommand::CancelNow,
        )),
        _ => None,
    };
    if let Some((text, color, command)) = action {
        let b = egui::Button::new(RichText::new(text).size(16.0).color(color)).min_size(ACTION);
        if ui.add(b).clicked() {
            send(cx, command);
        }
    }
    // Once asked there, the platform may say no: then the table's rows apply.
    if matches!(route, Route::ChannelCancel { .. })
        && a.case
            .orders
            .iter()
            .any(|o| o.phase == Phase::CancelRequested)
        && ui.link(tr.get("remedy.platform_refused")).clicked()
    {
        send(cx, RemedyCommand::PlatformRefused);
    }
    if let Some(p) = route.path()
        && let (Some(success), Some(time)) = (&p.success, &p.time)
    {
        ui.add(
            egui::Label::new(tr.fmt(
                "remedy.odds",
                &[("success", &success.get(lang)), ("time", &time.get(lang))],
            ))
            .wrap(),
        );
        ui.add(egui::Label::new(RichText::new(book.source.get(lang)).weak().italics()).wrap());
    }
    ui.add_space(6.0);
    evidence_button(ui, cx);
    let has_message = route.path().is_some_and(|p| p.message.is_some());
    if has_message && a.asks_cards() {
        cards(ui, cx, &a.candidates(), desk.assistant.cards());
    }
    if let Some(text) = desk.assistant.message(cx.session, desk.message_lang) {
        // Asking the platform to cancel: what happened goes into the
        // message, so it is asked (optionally) before the message is copied.
        if matches!(route, Route::ChannelCancel { .. }) {
            problem_for_message(ui, cx, book, desk.assistant.problem());
        }
        message(ui, cx, desk, &text);
    }
}

/// Which of a batch's cards the message is about: a freeze request or a
/// report must not name the cards that were sold as meant.
fn cards(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    candidates: &[&crate::core::order::Order],
    ticked: &[crate::core::ids::OrderId],
) {
    let tr = cx.tr;
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("remedy.which_cards")).strong());
    if ticked.is_empty() {
        ui.label(RichText::new(tr.get("remedy.tick_a_card")).color(palette(ui).warn));
    }
    egui::ScrollArea::vertical()
        .id_salt("remedy_cards")
        .max_height(200.0)
        .show(ui, |ui| {
            for o in candidates {
                let on = ticked.contains(&o.id);
                let label = format!(
                    "{} · {} · {}",
                    shown_id(o.id.as_str()),
                    last_four_only(&o.masked),
                    money(o.face_value)
                );
                let mut now_on = on;
                if ui.checkbox(&mut now_on, label).changed() {
                    send(cx, RemedyCommand::Card(o.id.clone(), now_on));
                }
            }
        });
}

fn evidence_button(ui: &mut egui::Ui, cx: &ViewCtx) {
    let b = egui::Button::new(cx.tr.get("remedy.evidence")).min_size(egui::vec2(240.0, 32.0));
    if ui.add(b).clicked() {
        send(cx, RemedyCommand::ExportEvidence);
    }
}

/// The answer as an optional addition to the message, not a gate.
fn problem_for_message(ui: &mut egui::Ui, cx: &ViewCtx, book: &RemedyBook, chosen: Option<&str>) {
    let tr = cx.tr;
    ui.label(tr.get("remedy.add_problem"));
    ui.horizontal_wrapped(|ui| {
        for p in &book.problems {
            let on = chosen == Some(p.id.as_str());
            if ui.selectable_label(on, p.label.get(tr.lang())).clicked() && !on {
                send(cx, RemedyCommand::Answer(p.id.clone()));
            }
        }
    });
}

/// The deadline that matters, counting down, and when it falls.
fn deadline(ui: &mut egui::Ui, cx: &ViewCtx, route: &Route, a: &Advice) {
    let (tr, now) = (cx.tr, cx.now);
    let asked = a
        .case
        .orders
        .iter()
        .any(|o| o.phase == Phase::CancelRequested);
    let Some(at) = route.deadline() else {
        let key = match route {
            // Asked while the window was open: the platform decides now.
            Route::ChannelCancel { .. } if asked => "remedy.deadline_asked",
            Route::ChannelCancel { .. } => "remedy.deadline_unknown",
            // The app's own advice, not a row of the source: no deadline to cite.
            Route::Pause | Route::NotSubmitted => "remedy.act_now",
            _ => "remedy.no_deadline",
        };
        ui.add(egui::Label::new(RichText::new(tr.get(key)).color(palette(ui).warn)).wrap());
        return;
    };
    let local = at.with_timezone(&cx.session.offset_at(at));
    let when = local.format("%Y-%m-%d %H:%M:%S").to_string();
    if at <= now {
        ui.add(
            egui::Label::new(
                RichText::new(tr.fmt("remedy.deadline_passed", &[("at", &when)]))
                    .strong()
                    .color(palette(ui).danger),
            )
            .wrap(),
        );
        return;
    }
    let left = ms_between(now, at);
    let same_day = route
        .path()
        .is_some_and(|p| p.deadline == DeadlineRule::SameDay)
        && matches!(route, Route::Row { .. });
    // "Today (30 Nov), before midnight" rather than a time that reads as
    // tomorrow: the day is the release's, and it is today until it passes.
    let text = if same_day {
        let day = (at - chrono::Duration::seconds(1)).with_timezone(&cx.session.offset_at(at));
        tr.fmt(
            "remedy.deadline_same_day",
            &[("day", &day.format("%Y-%m-%d"))],
        )
    } else {
        tr.fmt("remedy.deadline", &[("at", &when)])
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(text);
        ui.label(
            RichText::new(clock_left(left))
                .size(28.0)
                .monospace()
                .strong()
                .color(countdown_color(ui, left)),
        );
    });
}

fn message(ui: &mut egui::Ui, cx: &ViewCtx, desk: &RemedyDesk, text: &str) {
    let (tr, lang): (&Texts, Lang) = (cx.tr, desk.message_lang);
    ui.add_space(8.0);
    let mut heading = None;
    ui.horizontal_wrapped(|ui| {
        heading = Some(
            ui.label(RichText::new(tr.get("remedy.message")).strong())
                .id,
        );
        // Named apart from the window's own language switch above.
        for (l, key) in [(Lang::Zh, "remedy.msg_zh"), (Lang::En, "remedy.msg_en")] {
            if ui.selectable_label(lang == l, tr.get(key)).clicked() && lang != l {
                send(cx, RemedyCommand::MessageLang(l));
            }
        }
    });
    ui.add(egui::Label::new(RichText::new(tr.get("remedy.message_hint")).weak()).wrap());
    let mut shown = text;
    let field = ui.add(
        egui::TextEdit::multiline(&mut shown)
            .desired_width(ui.available_width().min(720.0))
            .desired_rows(12)
            .font(egui::TextStyle::Monospace),
    );
    // Named by its heading, for a screen reader.
    if let Some(h) = heading {
        let _ = field.labelled_by(h);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr.get("remedy.copy")).clicked() {
            send(cx, RemedyCommand::CopyMessage);
        }
        if ui.button(tr.get("remedy.save")).clicked() {
            send(cx, RemedyCommand::SaveMessage);
        }
        // Said here, beside the buttons, where the person is looking (a
        // notice at the top may be out of view in a small window).
        let done = match &desk.handed {
            Some(HandedNote::Copied) => {
                Some((tr.get("remedy.copied_here").to_owned(), palette(ui).ok))
            }
            Some(HandedNote::Saved(file)) => Some((
                tr.fmt("remedy.saved_here", &[("file", file)]),
                palette(ui).ok,
            )),
            Some(HandedNote::Failed(said)) => {
                let at = Lang::ALL.iter().position(|l| *l == tr.lang()).unwrap_or(0);
                Some((said[at].clone(), palette(ui).danger))
            }
            None => None,
        };
        if let Some((done, color)) = done {
            ui.add(egui::Label::new(RichText::new(done).color(color)).wrap());
        }
        if matches!(desk.handed, Some(HandedNote::Saved(_)))
            && ui.link(tr.get("remedy.open_folder")).clicked()
        {
            cx.send(Command::OpenDataDir);
        }
    });
}

/// The review's one line about the assistant, opened in place: the paths
/// a person can take after sending, before they need them.
pub fn review_link(ui: &mut egui::Ui, tr: &Texts, book: &RemedyBook) {
    let lang = tr.lang();
    egui::CollapsingHeader::new(tr.get("remedy.review_link"))
        .id_salt("remedy_review_link")
        .default_open(false)
        .show(ui, |ui| {
            ui.add(egui::Label::new(tr.get("remedy.review_where")).wrap());
            for p in &book.problems {
                let Some(path) = book.path(&p.path) else {
                    continue;
                };
                ui.add(
                    egui::Label::new(format!(
                        "• {} → {}",
                        p.label.get(lang),
                        path.title.get(lang)
                    ))
                    .wrap(),
                );
                if let (Some(s), Some(t)) = (&path.success, &path.time) {
                    let odds = tr.fmt(
                        "remedy.odds",
                        &[("success", &s.get(lang)), ("time", &t.get(lang))],
                    );
                    ui.indent(("odds", &p.id), |ui| {
                        ui.add(egui::Label::new(RichText::new(odds).weak()).wrap());
                    });
                }
            }
            ui.add(egui::Label::new(RichText::new(book.source.get(lang)).weak()).wrap());
        });
}
