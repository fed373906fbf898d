//! Batch screen (operators): import a CSV/TSV file (path, or drop it on the
//! window) or pasted text, see every row validated like single entry, fix
//! or drop rows, and the totals. Releasing a batch is a later step; the
//! checks here are the same as `cardguard batch check`.

use super::app::{Command, Level, Notice};
use super::widgets::{DANGER, OK, WARN};
use crate::core::batch::{Batch, Status, import};
use crate::core::session::Session;
use crate::i18n::Texts;
use eframe::egui::{self, RichText};

const ROW_HEIGHT: f32 = 26.0;

#[derive(Default)]
pub struct BatchView {
    pub paste: zeroize::Zeroizing<String>,
    pub path: String,
    pub channel: Option<String>,
    pub batch: Option<Batch>,
    pub only_problems: bool,
    /// Pasted codes are masked unless the operator shows them.
    pub reveal_paste: bool,
    /// The row being fixed: (source row, code text, face text).
    pub fixing: Option<(usize, zeroize::Zeroizing<String>, String)>,
}

impl BatchView {
    /// Imports bytes (a file or pasted text) and validates every row.
    /// A bad file changes nothing: the previous batch stays.
    pub fn load(&mut self, bytes: &[u8], source: &str, session: &Session) -> Result<(), Notice> {
        let batch =
            import(bytes).map_err(|e| Notice::new(Level::Error, e.key()).arg("file", source))?;
        self.batch = Some(batch);
        self.fixing = None;
        self.revalidate(session);
        Ok(())
    }

    pub fn revalidate(&mut self, session: &Session) {
        let channel = self
            .channel
            .clone()
            .or_else(|| session.settings().last_channel.clone());
        let Some(profile) = channel
            .as_deref()
            .and_then(|c| session.profile(c))
            .or(session.profiles().first())
        else {
            return;
        };
        self.channel = Some(profile.id.clone());
        if let Some(b) = &mut self.batch {
            b.validate(profile, session.fingerprint_key(), session.ledger());
        }
    }
}

pub fn show(
    ui: &mut egui::Ui,
    tr: &Texts,
    session: &Session,
    v: &mut BatchView,
    // This frame becomes a screenshot: pasted codes must not show.
    force_mask: bool,
    out: &mut Vec<Command>,
) {
    ui.heading(tr.get("batch.title"));
    ui.add(egui::Label::new(RichText::new(tr.get("batch.intro")).weak()).wrap());
    ui.add_space(6.0);

    // Channel.
    let current = v
        .channel
        .as_deref()
        .and_then(|c| session.profile(c))
        .or(session.profiles().first());
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
                    out.push(Command::BatchChannel(p.id.clone()));
                }
            }
        })
        .response
        .labelled_by(l.id);

    // Sources: a file path, a dropped file, or pasted text.
    ui.horizontal(|ui| {
        let l = ui.label(tr.get("batch.file"));
        ui.add(
            egui::TextEdit::singleline(&mut v.path)
                .hint_text("/path/cards.csv")
                .desired_width(360.0),
        )
        .labelled_by(l.id);
        if ui
            .add_enabled(
                !v.path.trim().is_empty(),
                egui::Button::new(tr.get("batch.import_file")),
            )
            .clicked()
        {
            out.push(Command::BatchImportFile(v.path.trim().to_owned()));
        }
    });
    ui.label(RichText::new(tr.get("batch.drop_hint")).weak());
    let l = ui.label(tr.get("batch.paste"));
    ui.checkbox(&mut v.reveal_paste, tr.get("batch.show_paste"));
    ui.add(
        egui::TextEdit::multiline(&mut *v.paste)
            .password(!v.reveal_paste || force_mask)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("卡密,面值\nABCD-1234-EFGH-5678,100"),
    )
    .labelled_by(l.id);
    if ui
        .add_enabled(
            !v.paste.trim().is_empty(),
            egui::Button::new(tr.get("batch.check_paste")),
        )
        .clicked()
    {
        out.push(Command::BatchImportPaste);
    }

    let Some(batch) = &v.batch else { return };
    let Some(profile) = current else { return };
    ui.separator();
    let t = batch.totals(profile);
    ui.label(
        RichText::new(tr.fmt(
            "batch.totals",
            &[
                ("rows", &t.rows),
                ("ok", &t.ok),
                ("warnings", &t.warnings),
                ("errors", &t.errors),
                ("face", &t.face_value),
                ("payout", &t.payout),
                ("fees", &t.service_fees),
            ],
        ))
        .strong(),
    );
    ui.checkbox(&mut v.only_problems, tr.get("batch.only_problems"));

    let shown: Vec<usize> = (0..batch.rows.len())
        .filter(|&i| !v.only_problems || batch.rows[i].status != Status::Ok)
        .collect();
    egui::ScrollArea::vertical()
        .id_salt("batch_rows")
        .max_height(320.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, shown.len(), |ui, range| {
            for &i in &shown[range] {
                let r = &batch.rows[i];
                ui.horizontal(|ui| {
                    ui.set_height(ROW_HEIGHT);
                    ui.label(RichText::new(format!("{:>5}", r.row)).monospace().weak());
                    ui.label(RichText::new(format!("{:<19}", r.masked)).monospace());
                    ui.label(
                        RichText::new(
                            r.face_value
                                .map(|f| f.to_string())
                                .unwrap_or_else(|| "-".into()),
                        )
                        .monospace(),
                    );
                    let (color, key) = match r.status {
                        Status::Ok => (OK, "batch.status_ok"),
                        Status::Warning => (WARN, "batch.status_warning"),
                        Status::Error => (DANGER, "batch.status_error"),
                    };
                    ui.label(RichText::new(tr.get(key)).color(color));
                    if ui
                        .small_button(tr.fmt("batch.fix", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.push(Command::BatchFix(r.row));
                    }
                    if ui
                        .small_button(tr.fmt("batch.drop", &[("row", &r.row)]))
                        .clicked()
                    {
                        out.push(Command::BatchDrop(r.row));
                    }
                    let reasons: Vec<String> = r
                        .reasons
                        .iter()
                        .map(|x| tr.fmt_pairs(x.key, &x.args))
                        .collect();
                    ui.label(RichText::new(reasons.join(" ")).color(color));
                });
            }
        });

    // Fixing one row in place: the code field is masked like single entry.
    if let Some((row, code, face)) = &mut v.fixing {
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
                out.push(Command::BatchApplyFix);
            }
        });
    }
    let ready = t.errors == 0 && t.rows > 0;
    ui.add_space(6.0);
    ui.label(
        RichText::new(tr.get(if ready {
            "batch.ready"
        } else {
            "batch.not_ready"
        }))
        .color(if ready { OK } else { WARN }),
    );
}
