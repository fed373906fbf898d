//! The journal viewer: every event newest first, filterable by order, kind
//! and date, in plain words; the raw line on demand; screenshot thumbnails
//! and full-size view; an order's page with "Export evidence"; "Verify"
//! with progress. It reads the [`JournalFeed`] the app keeps up to date and
//! asks for thumbnails, a raw line or a verification by command; the list
//! is virtualised (only visible rows are laid out).

use crate::core::evidence::{ScreenshotRef, VerifyError};
use crate::core::ids::{BatchId, OrderId};
use crate::core::session::Session;
use crate::core::timeline::{Filter, TimelineEntry, filter};
use crate::i18n::Texts;
use crate::ui::command::{Command, JournalCommand};
use crate::ui::journal_feed::{JournalFeed, VerifyRun};
use crate::ui::style::{
    JOURNAL_COL_ORDER, JOURNAL_COL_SHOT, JOURNAL_COL_WHEN, JOURNAL_ROW as ROW_HEIGHT,
    JOURNAL_THUMB, palette,
};
use crate::ui::view::ViewCtx;
use crate::ui::widgets;
use eframe::egui::{self, RichText};

/// The journal screen's own state: the filter and what it shows.
#[derive(Default)]
pub struct JournalView {
    pub filter: Filter,
    /// The filter and feed generation `shown` was computed for.
    applied: Option<(Filter, u64)>,
    shown: Vec<usize>,
    /// The screenshot shown full size.
    full: Option<String>,
}

/// An event in plain words, in the UI language.
pub fn describe(tr: &Texts, session: &Session, e: &TimelineEntry) -> String {
    let mut text = describe_in_full(tr, session, e);
    // The values come from the file: a planted megabyte-long one must not
    // be laid out (hundreds of bytes of memory per byte shown).
    if text.len() > SUMMARY_SHOWN_BYTES {
        let cut = text.floor_char_boundary(SUMMARY_SHOWN_BYTES);
        text.truncate(cut);
        text.push_str(" …");
    }
    text
}

/// An event kind in words (the kind filter's choices); a kind this
/// version does not know (a newer app's) shows as it is.
fn kind_name(tr: &Texts, kind: &str) -> String {
    let key = format!("kind.{kind}");
    if tr.has(&key) {
        tr.get(&key).to_owned()
    } else {
        kind.to_owned()
    }
}

/// The most of one event's plain-words summary the list shows.
const SUMMARY_SHOWN_BYTES: usize = 600;

fn describe_in_full(tr: &Texts, session: &Session, e: &TimelineEntry) -> String {
    let offset = |d| session.offset_at(d);
    let wording = crate::core::wording::Wording {
        profiles: session.profiles(),
        book: session.remedies(),
        offset: &offset,
    };
    crate::core::wording::describe_event(tr, &wording, &e.kind, &e.args)
}

/// A fixed-width column of a journal row.
fn cell(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ROW_HEIGHT),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            add(ui);
        },
    );
}

/// The screenshot a timeline entry names, if it is one.
fn shot_of(e: &TimelineEntry) -> Option<ScreenshotRef> {
    if e.kind != crate::core::evidence::SCREENSHOT_EVENT {
        return None;
    }
    let arg = |k: &str| e.args.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    Some(ScreenshotRef {
        line: e.seq,
        order: e.order.clone(),
        path: arg("path")?,
        sha256: arg("sha256")?,
        batch: arg("batch").map(BatchId::from),
    })
}

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, v: &mut JournalView, feed: &JournalFeed) {
    let (tr, session, out) = (cx.tr, cx.session, cx.out);
    let journal = |c| Command::Journal(c);
    if let Some(e) = &feed.error {
        let error = crate::core::safe_file::describe(e, tr);
        ui.label(
            RichText::new(tr.fmt("journal.unreadable", &[("error", &error)]))
                .color(palette(ui).danger),
        );
        return;
    }

    ui.horizontal(|ui| {
        ui.heading(tr.get("journal.title"));
        let running = feed.verify.progress().is_some();
        if ui
            .add_enabled(!running, egui::Button::new(tr.get("journal.verify")))
            .clicked()
        {
            out.send(journal(JournalCommand::Verify));
        }
        if ui.button(tr.get("journal.checkpoint_now")).clicked() {
            out.send(journal(JournalCommand::Checkpoint));
        }
    });
    match &feed.verify {
        VerifyRun::Idle => {}
        VerifyRun::Running { .. } => {
            let (d, t) = feed.verify.progress().unwrap_or((0, 1));
            ui.add(
                egui::ProgressBar::new(d as f32 / t as f32)
                    .text(tr.fmt("journal.verifying", &[("done", &d), ("total", &t)])),
            );
        }
        VerifyRun::Done(Ok(i)) => {
            ui.label(
                RichText::new(tr.fmt(
                    "journal.intact",
                    &[("events", &i.events), ("screenshots", &i.screenshots)],
                ))
                .color(palette(ui).ok)
                .strong(),
            );
            if let Some(size) = i.sealed.latest {
                let count = i.sealed.checkpoints;
                ui.label(tr.fmt("journal.cli_sealed", &[("count", &count), ("size", &size)]));
            }
        }
        VerifyRun::Done(Err(VerifyError::Broken(f))) => {
            let problem = tr.get(f.problem.message_key());
            let said = match f.detail_for(tr.lang()) {
                Some(detail) => tr.fmt(
                    "journal.broken",
                    &[
                        ("line", &f.line),
                        ("problem", &problem),
                        ("detail", &detail),
                    ],
                ),
                None => tr.fmt(
                    "journal.broken_plain",
                    &[("line", &f.line), ("problem", &problem)],
                ),
            };
            ui.label(RichText::new(said).color(palette(ui).danger).strong());
        }
        VerifyRun::Done(Err(VerifyError::Unreadable(e))) => {
            let error = crate::core::safe_file::describe(e, tr);
            ui.label(
                RichText::new(tr.fmt("journal.unreadable", &[("error", &error)]))
                    .color(palette(ui).danger),
            );
        }
    }

    // Filters.
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(tr.get("journal.filter_order"));
        // Someone may paste a code here looking for its order.
        widgets::text_field(ui, &mut v.filter.order, cx.mask_secrets, |e| {
            e.desired_width(170.0)
        })
        .labelled_by(l.id);
        let l = ui.label(tr.get("journal.filter_kind"));
        let current = v
            .filter
            .kind
            .clone()
            .unwrap_or_else(|| tr.get("journal.all").to_owned());
        egui::ComboBox::from_id_salt("kind_filter")
            .selected_text(kind_name(tr, &current))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut v.filter.kind, None, tr.get("journal.all"));
                for k in &feed.kinds {
                    ui.selectable_value(&mut v.filter.kind, Some(k.clone()), kind_name(tr, k));
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(tr.get("journal.filter_date"));
        // Today, in the form the filter takes.
        let today = session
            .now()
            .with_timezone(&session.offset_at(session.now()));
        ui.add(
            egui::TextEdit::singleline(&mut v.filter.date)
                .hint_text(today.format("%Y-%m-%d").to_string())
                .desired_width(100.0),
        )
        .labelled_by(l.id);
        if ui.button(tr.get("journal.clear_filters")).clicked() {
            v.filter = Filter::default();
        }
    });
    if v.applied.as_ref() != Some(&(v.filter.clone(), feed.generation)) {
        let from = feed.shown_from(&v.filter);
        v.shown = filter(&feed.entries[from..], &v.filter);
        v.shown.iter_mut().for_each(|i| *i += from);
        v.applied = Some((v.filter.clone(), feed.generation));
    }

    // An order's page: its state and the evidence export.
    let order_id = OrderId::new(v.filter.order.trim());
    if let Some(order) = session.order(&order_id) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(order.id.as_str()).monospace().strong());
                ui.label(tr.get(order.phase.label_key()));
                ui.label(
                    RichText::new(crate::core::remedy::last_four_only(&order.masked)).monospace(),
                );
                ui.label(order.face_value.to_string());
                if ui.button(tr.get("journal.export")).clicked() {
                    out.send(Command::ExportEvidence(order.id.clone()));
                }
                if ui.link(tr.get("remedy.open")).clicked() {
                    out.send(Command::Remedy(crate::ui::command::RemedyCommand::Open(
                        crate::core::flow::Subject::Order(order.id.clone()),
                    )));
                }
            });
        });
    }
    ui.horizontal_wrapped(|ui| {
        // A long journal is shown a window at a time (newest first).
        let count = if feed.all_loaded() {
            tr.fmt(
                "journal.count",
                &[("shown", &v.shown.len()), ("total", &feed.entries.len())],
            )
        } else {
            tr.fmt(
                "journal.count_window",
                &[
                    ("shown", &v.shown.len()),
                    ("loaded", &(feed.entries.len() - feed.shown_from(&v.filter))),
                    ("total", &feed.lines),
                ],
            )
        };
        ui.label(RichText::new(count).weak());
        if feed.searching_older() {
            ui.spinner();
            ui.label(tr.get("journal.searching_older"));
        } else if feed.has_older(&v.filter) && ui.button(tr.get("journal.load_older")).clicked() {
            out.send(journal(JournalCommand::LoadOlder(v.filter.clone())));
        }
    });

    // The virtualised timeline.
    let detail_height = if feed.selected.is_some() { 120.0 } else { 0.0 };
    let list_height = (ui.available_height() - detail_height).max(120.0);
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .max_height(list_height)
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, v.shown.len(), |ui, rows| {
            for row in rows {
                let i = v.shown[row];
                let e = &feed.entries[i];
                let shot = shot_of(e);
                let selected = feed.selected.as_ref().is_some_and(|(s, _)| *s == i);
                // One line per event in fixed columns (number and time,
                // order, picture, what happened), so rows with and without a
                // screenshot or an order line up; a long summary ends in
                // an ellipsis, whole on hover and for a screen reader.
                let r = ui
                    .horizontal(|ui| {
                        ui.set_height(ROW_HEIGHT);
                        cell(ui, JOURNAL_COL_WHEN, |ui| {
                            let when =
                                format!("#{} {}", e.seq, e.local.format("%Y-%m-%d %H:%M:%S"));
                            // Numbers right-aligned by padding; a screen
                            // reader gets the words without it.
                            let padded = format!("{when:>28}");
                            let label = ui
                                .label(RichText::new(padded).monospace().weak())
                                .on_hover_text(e.local.format("%Y-%m-%d %H:%M:%S %:z").to_string());
                            ui.ctx()
                                .accesskit_node_builder(label.id, |b| b.set_value(when));
                        });
                        cell(ui, JOURNAL_COL_ORDER, |ui| {
                            if let Some(o) = &e.order
                                && ui.link(RichText::new(o.as_str()).monospace()).clicked()
                            {
                                v.filter.order = o.to_string();
                            }
                        });
                        cell(ui, JOURNAL_COL_SHOT, |ui| {
                            if let Some(shot) = &shot {
                                let path = &shot.path;
                                match feed.thumb(path) {
                                    None => {
                                        out.send(journal(JournalCommand::Thumbnail(shot.clone())));
                                        ui.label(RichText::new("…").weak());
                                    }
                                    // The worker asks for a repaint when done.
                                    Some(None) => {
                                        ui.label(RichText::new("…").weak());
                                    }
                                    Some(Some(Some(t))) => {
                                        let img = egui::Image::new(t)
                                            .fit_to_exact_size(JOURNAL_THUMB)
                                            .sense(egui::Sense::click());
                                        if ui
                                            .add(img)
                                            .on_hover_text(tr.get("journal.view_full"))
                                            .clicked()
                                        {
                                            v.full = Some(path.clone());
                                        }
                                    }
                                    Some(Some(None)) => {
                                        ui.add(
                                            egui::Label::new(
                                                RichText::new(tr.get("journal.no_image"))
                                                    .color(palette(ui).danger),
                                            )
                                            .truncate(),
                                        );
                                    }
                                }
                            }
                        });
                        let said = describe(tr, session, e);
                        let fits = ui
                            .painter()
                            .layout_no_wrap(
                                said.clone(),
                                egui::TextStyle::Button.resolve(ui.style()),
                                egui::Color32::PLACEHOLDER,
                            )
                            .size()
                            .x
                            + 2.0 * ui.spacing().button_padding.x
                            <= ui.available_width();
                        let text = RichText::new(&said);
                        let row = ui.add(
                            egui::Button::selectable(
                                selected,
                                if selected { text.strong() } else { text },
                            )
                            .truncate(),
                        );
                        if fits { row } else { row.on_hover_text(said) }
                    })
                    .inner;
                if r.clicked() {
                    out.send(journal(JournalCommand::Select(i)));
                }
            }
        });
    if let Some((_, raw)) = &feed.selected {
        ui.separator();
        ui.label(RichText::new(tr.get("journal.raw")).strong());
        egui::ScrollArea::vertical()
            .id_salt("raw")
            .max_height(90.0)
            .show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(raw).monospace().size(11.0)).wrap());
            });
    }

    // Full-size screenshot.
    if let Some(path) = v.full.clone() {
        let mut open = true;
        egui::Window::new(tr.get("journal.screenshot"))
            .open(&mut open)
            .default_size([900.0, 600.0])
            .show(ui.ctx(), |ui| {
                ui.label(RichText::new(&path).monospace().weak());
                if let Some(Some(Some(t))) = feed.thumb(&path) {
                    ui.add(egui::Image::new(t).shrink_to_fit());
                }
            });
        if !open {
            v.full = None;
        }
    }
}
