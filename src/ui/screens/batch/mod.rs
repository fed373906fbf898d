//! Batch screen (operators): import a CSV/TSV file (browse, type a path or
//! drop it on the window) or pasted text, see every row validated like
//! single entry, sort and filter, fix or drop rows, see the totals and the
//! thresholds this batch crosses (each needs a journaled acknowledgement),
//! then review and release. The checks are the same as `cardguard batch
//! check`; the release itself is in `batch_release.rs`.

use crate::core::batch::desk::{BatchDesk, readiness};
use crate::core::batch::{BatchRow, Status};
use crate::core::safe_file::FileError;
use crate::core::session::Session;
use crate::i18n::Texts;
use crate::ui::command::{BatchCommand, Command};
use crate::ui::style::palette;
use crate::ui::view::{CommandSender, ViewCtx};
use crate::ui::widgets;
use crate::ui::widgets::file_picker::FilePicker;
use eframe::egui::{self, RichText};

use crate::ui::style::{
    BATCH_COL_CODE, BATCH_COL_FACE, BATCH_COL_ROW, BATCH_COL_STATUS, BATCH_TABLE_ROW as ROW_HEIGHT,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Row,
    Code,
    Face,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Problems,
    Errors,
    Warnings,
}

/// The batch screen's own state: the form around the core's desk (which
/// the screen only reads).
#[derive(Default)]
pub struct BatchForm {
    pub paste: zeroize::Zeroizing<String>,
    pub path: String,
    pub filter: StatusFilter,
    /// Matches the masked code's visible characters, the row number or a reason.
    pub search: String,
    pub sort: SortKey,
    pub sort_descending: bool,
    /// Pasted codes are masked unless the operator shows them.
    pub reveal_paste: bool,
    /// The row being fixed: (source row, code text, face text).
    pub fixing: Option<(usize, zeroize::Zeroizing<String>, String)>,
    pub picker: Option<FilePicker>,
    /// The browser was closed: keyboard focus returns to Browse… rather
    /// than to nowhere.
    pub refocus_browse: bool,
    /// A chosen file being read on a worker thread (never on the UI thread:
    /// a FIFO or a slow disk must not freeze the window).
    pub importing: Option<Importing>,
    /// The desktop's own file dialog is open: its answer comes here.
    pub choosing: Option<crate::ui::app::FileAnswer>,
    /// It was closed without a file (or could not show): the next Browse…
    /// opens the window's own list, so nobody is left with nothing.
    pub dialog_declined: bool,
}

/// A batch file being read off the UI thread.
pub struct Importing {
    pub source: String,
    pub rx: std::sync::mpsc::Receiver<Result<Vec<u8>, FileError>>,
}

impl BatchForm {
    /// The rows to show, filtered and sorted.
    fn visible(&self, desk: &BatchDesk, tr: &Texts) -> Vec<usize> {
        let Some(b) = &desk.batch else {
            return Vec::new();
        };
        let needle = self.search.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..b.rows.len())
            .filter(|&i| {
                let r = &b.rows[i];
                let status_ok = match self.filter {
                    StatusFilter::All => true,
                    StatusFilter::Problems => r.status != Status::Ok,
                    StatusFilter::Errors => r.status == Status::Error,
                    StatusFilter::Warnings => r.status == Status::Warning,
                };
                status_ok && (needle.is_empty() || row_matches(r, &needle, tr))
            })
            .collect();
        // Masked codes show only their last characters: sort on those.
        let tail = |r: &BatchRow| r.masked.rsplit(' ').next().unwrap_or("").to_owned();
        let number = |r: &BatchRow| match self.sort {
            SortKey::Row | SortKey::Code => r.row as i64,
            SortKey::Face => r.face_value.map_or(-1, |f| f.0),
            SortKey::Status => r.status as i64,
        };
        // Keys computed once, not per comparison (10 000 rows every frame).
        let mut keyed: Vec<(String, i64, usize, usize)> = shown
            .iter()
            .map(|&i| {
                let r = &b.rows[i];
                let t = if self.sort == SortKey::Code {
                    tail(r)
                } else {
                    String::new()
                };
                (t, number(r), r.row, i)
            })
            .collect();
        keyed.sort_unstable();
        if self.sort_descending {
            keyed.reverse();
        }
        shown = keyed.into_iter().map(|k| k.3).collect();
        shown
    }
}

/// Search in what the table shows (never in the unmasked code).
fn row_matches(r: &BatchRow, needle: &str, tr: &Texts) -> bool {
    r.row.to_string() == needle
        || r.masked.to_lowercase().contains(needle)
        || r.reasons
            .iter()
            .any(|x| tr.fmt_pairs(x.key, &x.args).to_lowercase().contains(needle))
}

// ---- drawing --------------------------------------------------------------

pub mod release;

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, desk: &BatchDesk, v: &mut BatchForm) {
    let (tr, session, out) = (cx.tr, cx.session, cx.out);
    if let Some(run) = &desk.run {
        release::run_panel(ui, cx, run);
        return;
    }
    let cmd = |c| Command::Batch(c);
    ui.heading(tr.get("batch.title"));
    ui.add(egui::Label::new(RichText::new(tr.get("batch.intro")).weak()).wrap());
    ui.add_space(6.0);

    // Channel.
    let current = desk.profile(session);
    let l = ui.label(tr.get("entry.channel"));
    egui::ComboBox::from_id_salt("batch_channel")
        .selected_text(
            current
                .map(|p| p.name.get(tr.lang()).to_owned())
                .unwrap_or_default(),
        )
        .show_ui(ui, |ui| {
            for p in session.profiles() {
                if ui
                    .selectable_label(current.is_some_and(|c| c.id == p.id), p.name.get(tr.lang()))
                    .clicked()
                {
                    out.send(cmd(BatchCommand::Channel(p.id.clone())));
                }
            }
        })
        .response
        .labelled_by(l.id);

    // Sources: a file (browse or type its path), a dropped file, or pasted text.
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.file"));
        // A file named after a card must not put the card in a screenshot.
        widgets::text_field(ui, &mut v.path, cx.mask_secrets, |e| {
            e.hint_text("/path/cards.csv").desired_width(320.0)
        })
        .labelled_by(l.id);
        let browse = ui.add_enabled(
            v.choosing.is_none(),
            egui::Button::new(tr.get("batch.browse")),
        );
        if std::mem::take(&mut v.refocus_browse) {
            browse.request_focus();
        }
        if browse.clicked() {
            out.send(cmd(BatchCommand::Browse));
        }
        if ui
            .add_enabled(
                !v.path.trim().is_empty(),
                crate::ui::style::primary_button(
                    ui,
                    tr.get("batch.import_file").into(),
                    !v.path.trim().is_empty(),
                ),
            )
            .clicked()
        {
            out.send(cmd(BatchCommand::ImportFile(v.path.trim().to_owned())));
        }
    });
    if let Some(i) = &v.importing {
        // No spinner: it would redraw every frame while the worker reads.
        let file = if cx.mask_secrets {
            crate::core::code::mask_code_like_runs(&i.source)
        } else {
            i.source.clone()
        };
        ui.label(RichText::new(tr.fmt("batch.reading_file", &[("file", &file)])).weak());
    }
    if v.choosing.is_some() {
        ui.label(RichText::new(tr.get("batch.dialog_open")).weak());
    }
    if let Some(p) = &mut v.picker {
        p.show(ui, tr, cx.mask_secrets, out);
    }
    ui.label(RichText::new(tr.get("batch.drop_hint")).weak());
    let l = ui.label(tr.get("batch.paste"));
    ui.checkbox(&mut v.reveal_paste, tr.get("batch.show_paste"));
    // A pasted list of thousands of rows scrolls inside its box instead of
    // pushing the rest of the screen away.
    egui::ScrollArea::vertical()
        .id_salt("batch_paste")
        .max_height(120.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut *v.paste)
                    .password(!v.reveal_paste || cx.mask_secrets)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY)
                    .hint_text("卡密,面值\nABCD-1234-EFGH-5678,100"),
            )
            .labelled_by(l.id);
        });
    if ui
        .add_enabled(
            !v.paste.trim().is_empty(),
            egui::Button::new(tr.get("batch.check_paste")),
        )
        .clicked()
    {
        out.send(cmd(BatchCommand::ImportPaste));
    }

    let Some(t) = desk.totals(session) else {
        return;
    };
    ui.separator();
    ui.label(
        RichText::new(tr.fmt(
            "batch.totals",
            &[
                ("rows", &tr.counted("batch.n_rows", t.rows)),
                ("ok", &t.ok),
                ("warnings", &tr.counted("batch.n_warnings", t.warnings)),
                ("errors", &tr.counted("batch.n_errors", t.errors)),
                ("face", &t.face_value),
                ("payout", &t.payout),
                ("fees", &t.service_fees),
            ],
        ))
        .strong(),
    );
    table(ui, tr, cx.mask_secrets, desk, v, out);
    fix_form(ui, tr, v, out);
    release_box(ui, tr, session, desk, &t, out);
}

fn table(
    ui: &mut egui::Ui,
    tr: &Texts,
    mask: bool,
    desk: &BatchDesk,
    v: &mut BatchForm,
    out: &CommandSender,
) {
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.filter"));
        egui::ComboBox::from_id_salt("batch_filter")
            .selected_text(tr.get(filter_key(v.filter)))
            .show_ui(ui, |ui| {
                for f in [
                    StatusFilter::All,
                    StatusFilter::Problems,
                    StatusFilter::Errors,
                    StatusFilter::Warnings,
                ] {
                    ui.selectable_value(&mut v.filter, f, tr.get(filter_key(f)));
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(tr.get("batch.search"));
        // An operator may paste a whole code to search for it.
        widgets::text_field(ui, &mut v.search, mask, |e| e.desired_width(160.0)).labelled_by(l.id);
    });
    let shown = v.visible(desk, tr);
    let Some(batch) = &desk.batch else { return };
    // Column headers sort (a second click reverses): the table's own view.
    let mut sort_by = None;
    ui.horizontal(|ui| {
        for (key, label, width) in [
            (SortKey::Row, "batch.col_row", BATCH_COL_ROW),
            (SortKey::Code, "batch.col_code", BATCH_COL_CODE),
            (SortKey::Face, "batch.col_face", BATCH_COL_FACE),
            (SortKey::Status, "batch.col_status", BATCH_COL_STATUS),
        ] {
            let arrow = match (v.sort == key, v.sort_descending) {
                (true, false) => " ▲",
                (true, true) => " ▼",
                _ => "",
            };
            if ui
                .add_sized(
                    [width, 20.0],
                    egui::Button::new(format!("{}{arrow}", tr.get(label))).frame(false),
                )
                .clicked()
            {
                sort_by = Some(key);
            }
        }
    });
    if let Some(key) = sort_by {
        v.sort_descending = v.sort == key && !v.sort_descending;
        v.sort = key;
    }
    if shown.is_empty() {
        ui.label(RichText::new(tr.get("batch.no_rows_shown")).weak());
    }
    egui::ScrollArea::vertical()
        .id_salt("batch_rows")
        .max_height(320.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, shown.len(), |ui, range| {
            for &i in &shown[range] {
                let r = &batch.rows[i];
                ui.horizontal(|ui| {
                    ui.set_height(ROW_HEIGHT);
                    ui.add_sized(
                        [BATCH_COL_ROW, ROW_HEIGHT],
                        egui::Label::new(RichText::new(r.row.to_string()).monospace().weak()),
                    );
                    ui.add_sized(
                        [BATCH_COL_CODE, ROW_HEIGHT],
                        egui::Label::new(RichText::new(&r.masked).monospace()),
                    );
                    ui.add_sized(
                        [BATCH_COL_FACE, ROW_HEIGHT],
                        egui::Label::new(
                            RichText::new(
                                r.face_value
                                    .map(|f| f.to_string())
                                    .unwrap_or_else(|| "-".into()),
                            )
                            .monospace(),
                        ),
                    );
                    let (color, key) = match r.status {
                        Status::Ok => (palette(ui).ok, "batch.status_ok"),
                        Status::Warning => (palette(ui).warn, "batch.status_warning"),
                        Status::Error => (palette(ui).danger, "batch.status_error"),
                    };
                    let reasons: Vec<String> = r
                        .reasons
                        .iter()
                        .map(|x| tr.fmt_pairs(x.key, &x.args))
                        .collect();
                    let reasons = reasons.join(" ");
                    // In a narrow window the reasons column is cut off: the
                    // status says them on hover too.
                    let status = ui.add_sized(
                        [BATCH_COL_STATUS, ROW_HEIGHT],
                        egui::Label::new(RichText::new(tr.get(key)).color(color)),
                    );
                    if !reasons.is_empty() {
                        status.on_hover_text(&reasons);
                    }
                    if ui
                        .small_button(tr.fmt("batch.fix", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.send(Command::Batch(BatchCommand::Fix(r.row)));
                    }
                    if ui
                        .small_button(tr.fmt("batch.drop", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.send(Command::Batch(BatchCommand::Drop(r.row)));
                    }
                    // A row is one line high: reasons too long for the
                    // window end in "…" (whole on hover and for a screen
                    // reader) rather than being cut mid-word at its edge.
                    ui.add(egui::Label::new(RichText::new(reasons).color(color)).truncate());
                });
            }
        });
}

fn filter_key(f: StatusFilter) -> &'static str {
    match f {
        StatusFilter::All => "batch.filter_all",
        StatusFilter::Problems => "batch.only_problems",
        StatusFilter::Errors => "batch.filter_errors",
        StatusFilter::Warnings => "batch.filter_warnings",
    }
}

/// Fixing one row in place: the code field is masked like single entry.
fn fix_form(ui: &mut egui::Ui, tr: &Texts, v: &mut BatchForm, out: &CommandSender) {
    let Some((row, code, face)) = &mut v.fixing else {
        return;
    };
    ui.separator();
    ui.label(RichText::new(tr.fmt("batch.fixing", &[("row", row)])).strong());
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.fix_code"));
        ui.add(
            egui::TextEdit::singleline(&mut **code)
                .password(true)
                .desired_width(220.0),
        )
        .labelled_by(l.id);
        let l = ui.label(tr.get("batch.fix_face"));
        ui.add(egui::TextEdit::singleline(face).desired_width(80.0))
            .labelled_by(l.id);
        if ui.button(tr.get("batch.apply_fix")).clicked() {
            out.send(Command::Batch(BatchCommand::ApplyFix));
        }
    });
}

/// Thresholds, the test-card suggestion and the way to the review.
fn release_box(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    desk: &BatchDesk,
    t: &crate::core::batch::Totals,
    out: &CommandSender,
) {
    ui.add_space(6.0);
    // Computed once a frame: each scans the rows or the ledger.
    let crossings = desk.crossings_for(session, t.face_value);
    let profile = desk.profile(session);
    let channel = profile
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_default();
    let first_on_channel = profile.is_some_and(|p| !session.ledger().channel_used(&p.id));
    for (c, acked) in &crossings {
        let (c, acked) = (c, *acked);
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, palette(ui).warn))
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        RichText::new(tr.fmt(
                            c.kind.key(),
                            &[
                                ("amount", &c.amount),
                                ("limit", &c.limit),
                                ("today", &c.before),
                                ("channel", &channel),
                            ],
                        ))
                        .color(palette(ui).warn),
                    )
                    .wrap(),
                );
                let mut ticked = acked;
                if ui
                    .add_enabled(
                        !acked,
                        egui::Checkbox::new(&mut ticked, tr.get("limit.acknowledge")),
                    )
                    .clicked()
                    && ticked
                {
                    out.send(Command::Batch(BatchCommand::Acknowledge(c.kind)));
                }
            });
    }
    let smallest = desk.batch.as_ref().and_then(|b| {
        b.rows
            .iter()
            .filter(|r| r.status != Status::Error)
            .filter_map(|r| r.face_value)
            .min()
    });
    // Only when there is a valid card to test with.
    if let Some(smallest) = smallest {
        if first_on_channel {
            ui.label(RichText::new(tr.get("batch.first_on_channel")).color(palette(ui).warn));
        }
        let mut test_first = desk.test_first.unwrap_or(first_on_channel);
        if ui
            .checkbox(
                &mut test_first,
                tr.fmt("batch.test_first", &[("face", &smallest)]),
            )
            .changed()
        {
            out.send(Command::Batch(BatchCommand::TestFirst(test_first)));
        }
    }
    ui.add_space(6.0);
    match readiness(t, &crossings) {
        Some(key) => {
            ui.label(RichText::new(tr.get(key)).color(palette(ui).warn));
        }
        None => {
            let count = t.ok + t.warnings;
            let b = ui.add(
                crate::ui::style::primary_button(
                    ui,
                    RichText::new(tr.fmt(
                        "batch.review",
                        &[
                            ("cards", &tr.counted("batch.n_cards", count)),
                            ("face", &t.face_value),
                        ],
                    ))
                    .size(16.0),
                    true,
                )
                .min_size(egui::vec2(260.0, 40.0)),
            );
            if b.clicked() {
                out.send(Command::Batch(BatchCommand::Review { from: Some(b.rect) }));
            }
        }
    }
}
