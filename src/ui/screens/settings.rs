//! Settings: language, hold window, re-type threshold, batch thresholds
//! (batch, daily, per channel), clipboard time, release mode, trusted
//! time (time-stamp authorities), and where the data lives.

use crate::core::event::ReleaseMode;
use crate::core::guard::Sensitivity;
use crate::core::money::{Fen, MAX_YUAN, parse_yuan};
use crate::core::settings::{CLIPBOARD_RANGE_S, HOLD_RANGE_S, Settings};
use crate::i18n::Lang;
use crate::ui::command::Command;
use crate::ui::stamper::{StampStatus, Stamper};
use crate::ui::view::ViewCtx;
use eframe::egui::{self, RichText};

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, edit: &mut Settings, stamper: &Stamper) {
    let (tr, session, demo, out) = (cx.tr, cx.session, cx.demo, cx.out);
    ui.heading(tr.get("settings.title"));
    ui.add_space(6.0);
    egui::Grid::new("settings_grid")
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label(tr.get("settings.language"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut edit.language, None, tr.get("settings.language_system"));
                for l in Lang::ALL {
                    ui.radio_value(&mut edit.language, Some(l), l.native_name());
                }
            });
            ui.end_row();

            ui.label(tr.get("settings.theme"));
            ui.horizontal(|ui| {
                for t in crate::core::settings::Theme::ALL {
                    ui.radio_value(&mut edit.theme, t, tr.get(t.label_key()));
                }
            });
            ui.end_row();

            let l = ui.label(tr.get("settings.hold"));
            ui.add(egui::Slider::new(&mut edit.hold_s, HOLD_RANGE_S).suffix(seconds_suffix(tr)))
                .labelled_by(l.id);
            ui.end_row();

            yuan_row(
                ui,
                tr.get("settings.retype"),
                &mut edit.retype_threshold_fen,
            );
            yuan_row(
                ui,
                tr.get("settings.batch_limit"),
                &mut edit.batch_limit_fen,
            );
            yuan_row(
                ui,
                tr.get("settings.daily_limit"),
                &mut edit.daily_limit_fen,
            );
            yuan_row(
                ui,
                tr.get("settings.channel_cap"),
                &mut edit.channel_daily_cap_fen,
            );

            let l = ui.label(tr.get("settings.clipboard"));
            ui.add(
                egui::Slider::new(&mut edit.clipboard_clear_s, CLIPBOARD_RANGE_S)
                    .suffix(seconds_suffix(tr)),
            )
            .labelled_by(l.id);
            ui.end_row();

            ui.label(tr.get("settings.sensitivity"));
            ui.horizontal(|ui| {
                for (s, key) in [
                    (Sensitivity::Relaxed, "settings.sensitivity_relaxed"),
                    (Sensitivity::Standard, "settings.sensitivity_standard"),
                    (Sensitivity::Strict, "settings.sensitivity_strict"),
                ] {
                    ui.radio_value(&mut edit.sensitivity, s, tr.get(key));
                }
            });
            ui.end_row();

            // What the guard has learned of this person, in words, and the
            // way to make it forget.
            ui.label(tr.get("settings.pace"));
            ui.vertical(|ui| {
                let pace = session.pace();
                let secs = crate::ui::format::seconds;
                let said = match pace.fit() {
                    None => tr.fmt(
                        "settings.pace_none",
                        &[
                            ("min", &crate::core::guard::Pace::MIN_SAMPLES),
                            ("have", &pace.len()),
                        ],
                    ),
                    Some(fit) => {
                        let plan = crate::core::guard::behaviour::Plan::low_risk(
                            Some(fit),
                            session.settings().sensitivity,
                        );
                        let timing = tr.fmt(
                            "settings.pace_fit",
                            &[
                                ("count", &fit.count),
                                ("median", &secs(fit.median_ms)),
                                ("p10", &secs(fit.p10_ms)),
                                ("dwell", &secs(plan.travel_dwell_ms)),
                                ("departure", &secs(fit.departure_ms())),
                            ],
                        );
                        // And the way they look (or not) before confirming.
                        match fit.looks {
                            None => timing,
                            Some(looks) => {
                                let key = if looks.looks_first() {
                                    "settings.pace_looks_first"
                                } else {
                                    "settings.pace_looks_seldom"
                                };
                                let way = tr.fmt(
                                    key,
                                    &[
                                        ("looked", &looks.looked),
                                        ("of", &looks.of),
                                        ("habit", &secs(plan.habit_dwell_ms)),
                                    ],
                                );
                                format!("{timing}\n{way}")
                            }
                        }
                    }
                };
                ui.add(egui::Label::new(RichText::new(said).weak()).wrap());
                if ui
                    .add_enabled(
                        !pace.is_empty(),
                        egui::Button::new(tr.get("settings.pace_reset")),
                    )
                    .clicked()
                {
                    out.send(Command::ResetPace);
                }
            });
            ui.end_row();

            ui.label(tr.get("settings.release_mode"));
            ui.vertical(|ui| {
                ui.radio_value(
                    &mut edit.release_mode,
                    ReleaseMode::Simulated,
                    tr.get("mode.simulated"),
                );
                ui.radio_value(
                    &mut edit.release_mode,
                    ReleaseMode::Manual,
                    tr.get("mode.manual"),
                );
            });
            ui.end_row();

            ui.label(tr.get("settings.data_dir"));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(session.paths().data_dir.display().to_string()).monospace());
                if ui.button(tr.get("settings.open_folder")).clicked() {
                    out.send(Command::OpenDataDir);
                }
            });
            ui.end_row();

            ui.label(tr.get("settings.demo"));
            let (key, to_demo) = if demo {
                ("demo.leave", false)
            } else {
                ("settings.open_demo", true)
            };
            if ui.button(tr.get(key)).clicked() {
                out.send(Command::Demo(crate::ui::command::DemoCommand::Switch(
                    to_demo,
                )));
            }
            ui.end_row();

            ui.label(tr.get("settings.config_dir"));
            ui.label(RichText::new(session.paths().config_dir.display().to_string()).monospace());
            ui.end_row();
        });
    ui.label(RichText::new(tr.get("settings.limits_hint")).weak());
    // Per-channel caps: empty follows the default cap above.
    egui::CollapsingHeader::new(tr.get("settings.channel_caps"))
        .id_salt("channel_caps")
        .show(ui, |ui| {
            egui::Grid::new("channel_caps_grid")
                .num_columns(2)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for p in session.profiles() {
                        let l = ui.label(p.name.get(tr.lang()));
                        let mut own = edit.channel_caps.contains_key(&p.id);
                        ui.horizontal(|ui| {
                            if ui.checkbox(&mut own, tr.get("settings.own_cap")).changed() {
                                if own {
                                    edit.channel_caps
                                        .insert(p.id.clone(), edit.channel_daily_cap_fen);
                                } else {
                                    edit.channel_caps.remove(&p.id);
                                }
                            }
                            if let Some(cap) = edit.channel_caps.get_mut(&p.id) {
                                yuan_field(ui, cap).labelled_by(l.id);
                            }
                        });
                        ui.end_row();
                    }
                });
        });
    trusted_time(ui, tr, edit, stamper);
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("settings.profiles_hint")).weak());
    ui.add_space(10.0);
    let changed = *edit != *session.settings();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                changed,
                crate::ui::style::primary_button(ui, tr.get("settings.save").into(), changed),
            )
            .clicked()
        {
            out.send(Command::SaveSettings(edit.clone()));
        }
        if ui
            .add_enabled(changed, egui::Button::new(tr.get("settings.revert")))
            .clicked()
        {
            *edit = session.settings().clone();
        }
    });
}

/// The time-stamp authorities: the known public ones to tick, another by
/// its address, and what the background requests last did.
fn trusted_time(
    ui: &mut egui::Ui,
    tr: &crate::i18n::Texts,
    edit: &mut Settings,
    stamper: &Stamper,
) {
    use crate::core::settings::{KNOWN_TSAS, MAX_TSAS, is_tsa_url};
    egui::CollapsingHeader::new(tr.get("settings.tsa"))
        .id_salt("tsa")
        .default_open(!edit.tsa_urls.is_empty())
        .show(ui, |ui| {
            ui.label(RichText::new(tr.get("settings.tsa_what")).weak());
            for (name, url) in KNOWN_TSAS {
                let mut on = edit.tsa_urls.iter().any(|u| u == url);
                let full = edit.tsa_urls.len() >= MAX_TSAS;
                let r = ui.add_enabled(
                    on || !full,
                    egui::Checkbox::new(&mut on, format!("{name} — {url}")),
                );
                if r.changed() {
                    if on {
                        edit.tsa_urls.push(url.to_owned());
                    } else {
                        edit.tsa_urls.retain(|u| u != url);
                    }
                }
            }
            let mut remove = None;
            for (i, u) in edit.tsa_urls.iter().enumerate() {
                if KNOWN_TSAS.iter().any(|(_, k)| k == u) {
                    continue;
                }
                ui.horizontal(|ui| {
                    ui.label(RichText::new(u).monospace());
                    if ui.small_button(tr.get("settings.tsa_remove")).clicked() {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                edit.tsa_urls.remove(i);
            }
            // The address being typed is this screen's own view state.
            let id = egui::Id::unique("cardguard.settings_tsa_draft");
            let mut draft: String = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
            ui.horizontal(|ui| {
                let l = ui.label(tr.get("settings.tsa_custom"));
                ui.add(egui::TextEdit::singleline(&mut draft).desired_width(260.0))
                    .labelled_by(l.id);
                let d = draft.trim();
                let ok = is_tsa_url(d) && !edit.tsa_urls.iter().any(|u| u == d);
                let room = edit.tsa_urls.len() < MAX_TSAS;
                if ui
                    .add_enabled(ok && room, egui::Button::new(tr.get("settings.tsa_add")))
                    .clicked()
                {
                    edit.tsa_urls.push(d.to_owned());
                    draft.clear();
                }
            });
            if !draft.trim().is_empty() && !is_tsa_url(draft.trim()) {
                ui.label(
                    RichText::new(tr.get("settings.tsa_bad_url"))
                        .color(crate::ui::style::palette(ui).warn),
                );
            }
            ui.data_mut(|d| d.insert_temp(id, draft));
            let i = Lang::ALL.iter().position(|l| *l == tr.lang()).unwrap_or(0);
            if stamper.busy() {
                ui.label(tr.get("settings.tsa_busy"));
            } else {
                match &stamper.status {
                    Some(StampStatus::AllStamped { stamped_now }) => {
                        ui.label(tr.fmt("settings.tsa_all_stamped", &[("count", stamped_now)]));
                    }
                    Some(StampStatus::Waiting { waiting, error }) => {
                        ui.label(
                            RichText::new(tr.fmt(
                                "settings.tsa_waiting",
                                &[("count", waiting), ("error", &error[i])],
                            ))
                            .color(crate::ui::style::palette(ui).warn),
                        );
                    }
                    None => {}
                }
            }
        });
}

/// An amount field in yuan, exact to the fen (0 = none, where the setting
/// allows it); a drag or an arrow key moves it a yuan at a time.
fn yuan_field(ui: &mut egui::Ui, fen: &mut Fen) -> egui::Response {
    // Fen up to 10^10 are exact in the f64 that DragValue works in.
    let mut value = fen.0;
    let r = ui.add(
        egui::DragValue::new(&mut value)
            .range(0..=MAX_YUAN * 100)
            .speed(100.0)
            .prefix("¥")
            .custom_formatter(|v, _| Fen(v as i64).yuan_input_text())
            .custom_parser(|text| parse_yuan(text).ok().map(|f| f.0 as f64)),
    );
    if r.changed() {
        *fen = Fen(value);
    }
    // A screen reader would read the number the field keeps, in fen
    // ("50000" for ¥500): it reads the yuan text instead.
    let said = format!("¥{}", Fen(value).yuan_input_text());
    ui.ctx().accesskit_node_builder(r.id, |b| {
        b.clear_numeric_value();
        b.clear_min_numeric_value();
        b.clear_max_numeric_value();
        b.clear_numeric_value_step();
        b.clear_numeric_value_jump();
        b.set_value(said);
    });
    r
}

/// " s" / " 秒": the unit after a number of seconds, in the person's words.
fn seconds_suffix(tr: &crate::i18n::Texts) -> String {
    tr.fmt("unit.seconds", &[("n", &"")])
}

fn yuan_row(ui: &mut egui::Ui, label: &str, fen: &mut Fen) {
    let l = ui.label(label);
    yuan_field(ui, fen).labelled_by(l.id);
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn field(fen: Fen) -> Harness<'static, Fen> {
        let mut h = Harness::new_ui_state(
            |ui, fen: &mut Fen| {
                yuan_field(ui, fen);
            },
            fen,
        );
        h.run();
        h
    }

    #[test]
    fn an_amount_field_shows_and_keeps_the_cents() {
        let mut h = field(Fen(50_050));
        // A screen reader reads the yuan text, not the fen it keeps.
        use egui_kittest::kittest::NodeT;
        let node = h.get_by_value("¥500.50");
        assert_eq!(node.accesskit_node().numeric_value(), None);
        // It showed ¥500, and a step made it ¥501: the cents were dropped.
        h.get_by_value("¥500.50").increment_accesskit();
        h.run();
        assert_eq!(*h.state(), Fen(50_150));
        assert!(h.query_by_value("¥501.50").is_some());
    }

    #[test]
    fn an_amount_typed_with_cents_is_kept_exactly() {
        let mut h = field(Fen(50_000));
        h.get_by_value("¥500").focus();
        h.run();
        // Editing selects the whole text: typing replaces it.
        let editing = h.query_all_by_value("500").next().expect("being edited");
        editing.type_text("1,234.56");
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(*h.state(), Fen(123_456));
        assert!(h.query_by_value("¥1234.56").is_some());
    }
}
