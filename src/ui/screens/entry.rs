//! Guided code entry: channel, card code, verification code, face value,
//! payout preview, then the button to the review.

use crate::core::code::{CODE_LEN, CodeProblem, VerificationProblem, describe_char, group};
use crate::core::draft::{Draft, RetypeState, SMALL_TEST_FEN};
use crate::core::money::{AmountProblem, Fen};
use crate::core::profile::{ChannelProfile, Fee, Settlement};
use crate::i18n::Texts;
use crate::ui::command::Command;
use crate::ui::format::duration_words;
use crate::ui::style::palette;
use crate::ui::view::ViewCtx;
use crate::ui::widgets;
use eframe::egui::{self, RichText};

pub fn show(ui: &mut egui::Ui, cx: &ViewCtx, draft: &mut Draft) {
    let (tr, session, out) = (cx.tr, cx.session, cx.out);
    // A frame that becomes a screenshot masks whatever the person chose.
    let reveal = draft.reveal && !cx.mask_secrets;
    ui.heading(tr.get("entry.title"));
    crate::ui::widgets::steps::step_bar(ui, tr, crate::ui::widgets::steps::FlowStep::Enter);
    let first_use = !session.ledger().ever_released();
    if first_use {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(tr.get("entry.first_use_title")).strong());
            ui.add(egui::Label::new(tr.get("entry.first_use_body")).wrap());
        });
    }
    ui.add_space(8.0);

    // 1. Channel
    let profiles = session.profiles();
    let current = draft.channel.as_ref().and_then(|id| session.profile(id));
    let selected_text = current
        .map(|p| p.name.get(tr.lang()).to_owned())
        .unwrap_or_default();
    let channel_label = ui.label(RichText::new(tr.get("entry.channel")).strong());
    egui::ComboBox::from_id_salt("channel")
        .selected_text(selected_text)
        .width(320.0)
        .show_ui(ui, |ui| {
            for p in profiles {
                if ui
                    .selectable_label(current.is_some_and(|c| c.id == p.id), p.name.get(tr.lang()))
                    .clicked()
                {
                    out.send(Command::ChooseChannel(p.id.clone()));
                }
            }
        })
        .response
        .labelled_by(channel_label.id);
    let Some(profile) = current else { return };
    channel_card(ui, tr, profile);
    ui.add_space(8.0);

    let threshold = session.settings().retype_threshold_fen;
    let check = draft.check(profile, threshold);

    // 2. Card code
    let code_label = ui.label(RichText::new(tr.get("entry.code")).strong());
    ui.horizontal(|ui| {
        let before = draft.code_raw.chars().count();
        let hint = tr.get("entry.code_hint");
        let edit =
            widgets::code_field::code_field(ui, &mut draft.code_raw, draft.reveal, "code", |e| {
                e.hint_text(hint).desired_width(340.0)
            });
        let response = edit.response.response.clone().labelled_by(code_label.id);
        if response.changed() {
            let pasted = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Paste(_))));
            out.send(Command::CodeEdited { pasted });
            regroup_if_typing_at_end(ui, draft, &edit, before, profile);
        }
        let toggle = if draft.reveal {
            tr.get("entry.hide")
        } else {
            tr.get("entry.show")
        };
        if ui.button(toggle).clicked() {
            draft.reveal = !draft.reveal;
        }
    });
    // Revealed: the normalised code, grouped. Masked: the field itself
    // shows the mask, so only the count.
    let shown = if reveal {
        group(&check.code.normalized)
    } else {
        String::new()
    };
    let count = format!("{}/{CODE_LEN}", check.code.normalized.len().min(99));
    let line = if shown.is_empty() {
        count
    } else {
        format!("{shown}  ({count})")
    };
    ui.label(RichText::new(line).monospace());
    code_messages(
        ui,
        tr,
        &check.code.problem,
        !draft.code_raw.is_empty(),
        reveal,
    );
    if check.code.problem.is_none() && !check.code.confusables.is_empty() {
        let list: Vec<String> = check
            .code
            .confusables
            .iter()
            .map(|c| {
                // Masked, name only positions: the warning must not reveal the code.
                // (a code of another length is masked whole).
                let shown = check.code.normalized.len() == CODE_LEN && c.position > CODE_LEN - 4;
                if !reveal && !shown {
                    return tr.fmt("entry.confusable_hidden", &[("pos", &c.position)]);
                }
                let alts: String = c
                    .could_be
                    .iter()
                    .map(char::to_string)
                    .collect::<Vec<_>>()
                    .join("/");
                tr.fmt(
                    "entry.confusable_item",
                    &[("pos", &c.position), ("ch", &c.found), ("alts", &alts)],
                )
            })
            .collect();
        ui.label(
            RichText::new(tr.fmt(
                "entry.confusables",
                &[("list", &list.join(tr.get("list.sep")))],
            ))
            .color(palette(ui).warn),
        );
    }

    // Duplicate check: by keyed fingerprint, never by the code itself.
    let mut duplicate = false;
    if let Some(secret) = check.code.secret()
        && let Some(earlier) = session
            .ledger()
            .released_with(&session.fingerprint(&secret))
    {
        duplicate = true;
        ui.label(
            RichText::new(tr.fmt("entry.duplicate", &[("order", &earlier)]))
                .color(palette(ui).danger)
                .strong(),
        );
        let mut ack = draft.duplicate_ack;
        if ui
            .checkbox(&mut ack, tr.get("entry.duplicate_ack"))
            .changed()
        {
            out.send(Command::AcknowledgeDuplicate(ack));
        }
    }

    // Verification code
    if let Some(v) = &check.verification {
        ui.add_space(6.0);
        let label = ui.label(RichText::new(tr.get("entry.verification")).strong());
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut *draft.verification_raw)
                    .id_salt("verification")
                    .password(!reveal)
                    .hint_text("123456")
                    .char_limit(32)
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        });
        if let Err(p) = v
            && !draft.verification_raw.is_empty()
        {
            let msg = match p {
                VerificationProblem::Empty => tr.get("entry.verification_empty").to_owned(),
                // Masked, the field's characters are not named: a card code
                // typed there by mistake would show through the message.
                VerificationProblem::NotDigit { ch, position } if reveal => tr.fmt(
                    "entry.verification_not_digit",
                    &[("ch", &describe_char(*ch)), ("pos", position)],
                ),
                VerificationProblem::NotDigit { position, .. } => {
                    tr.fmt("entry.verification_not_digit_masked", &[("pos", position)])
                }
                VerificationProblem::WrongLength { have } => {
                    tr.fmt("entry.verification_length", &[("have", have)])
                }
            };
            ui.label(RichText::new(msg).color(palette(ui).danger));
        }
    }

    // 3. Face value
    ui.add_space(6.0);
    ui.label(RichText::new(tr.get("entry.face_value")).strong());
    ui.horizontal_wrapped(|ui| {
        for &d in &profile.denominations_fen {
            let f = Fen(d);
            // Framed at rest too: a row of bare numbers does not read as
            // buttons.
            if ui
                .add(
                    egui::Button::selectable(
                        draft.face_value == Some(f),
                        format!("¥{}", f.yuan_input_text()),
                    )
                    .frame_when_inactive(true),
                )
                .clicked()
            {
                out.send(Command::ChooseFaceValue(f));
            }
        }
    });
    if check.retype != RetypeState::NotNeeded {
        let label = ui.label(tr.fmt("entry.retype", &[("threshold", &threshold)]));
        ui.add(
            egui::TextEdit::singleline(&mut draft.face_retyped_raw)
                .id_salt("retype")
                .char_limit(32)
                .desired_width(120.0),
        )
        .labelled_by(label.id);
        let msg = match &check.retype {
            RetypeState::Mismatch(t) => Some(tr.fmt("entry.retype_mismatch", &[("typed", t)])),
            RetypeState::Invalid(p) => Some(amount_problem(tr, p)),
            _ => None,
        };
        if let Some(m) = msg {
            ui.label(RichText::new(m).color(palette(ui).danger));
        }
    }
    if first_use && draft.face_value.is_some_and(|f| f > SMALL_TEST_FEN) {
        ui.label(
            RichText::new(tr.fmt("entry.first_use_big", &[("limit", &SMALL_TEST_FEN)]))
                .color(palette(ui).warn),
        );
    }

    // Payout preview
    if let (Some(face), Some(payout)) = (draft.face_value, check.payout) {
        ui.add_space(6.0);
        let pct = format!(
            "{}.{:02} %",
            profile.discount_bp / 100,
            profile.discount_bp % 100
        );
        ui.label(
            RichText::new(tr.fmt(
                "entry.payout",
                &[
                    ("payout", &payout),
                    ("face", &face),
                    ("rate", &pct),
                    ("fee", &Fen(profile.service_fee_fen)),
                ],
            ))
            .size(16.0)
            .strong(),
        );
    }

    // To the review
    ui.add_space(12.0);
    let ready = check.ready && (!duplicate || draft.duplicate_ack);
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
        let b = ui.add_enabled(
            ready,
            crate::ui::style::primary_button(
                ui,
                RichText::new(tr.get("entry.to_review")).size(16.0),
                ready,
            )
            .min_size(egui::vec2(200.0, 40.0)),
        );
        if b.clicked() {
            out.send(Command::GoToReview { from: Some(b.rect) });
        }
        if !ready {
            ui.label(RichText::new(tr.get("entry.not_ready")).weak());
        }
    });
}

/// While the person types at the end of the field, show the code grouped
/// `XXXX XXXX XXXX XXXX` (normalised). Never touches an entry with a
/// problem, so nothing typed is lost or hidden from the error message.
fn regroup_if_typing_at_end(
    ui: &egui::Ui,
    draft: &mut Draft,
    edit: &egui::text_edit::TextEditOutput,
    before: usize,
    profile: &ChannelProfile,
) {
    let now = draft.code_raw.chars().count();
    let at_end = edit.cursor_range.is_some_and(|r| r.primary.index.0 == now);
    if !at_end || now < before {
        return;
    }
    let check = crate::core::code::check_code(&draft.code_raw, &profile.alphabet());
    let clean = matches!(check.problem, None | Some(CodeProblem::TooShort { .. }));
    let grouped = group(&check.normalized);
    if clean && grouped != *draft.code_raw {
        *draft.code_raw = grouped;
        let n = draft.code_raw.chars().count();
        let mut state = edit.state.clone();
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::one(
                egui::text::CCursor::new(n),
            )));
        state.store(ui.ctx(), edit.response.response.id);
    }
}

fn code_messages(
    ui: &mut egui::Ui,
    tr: &Texts,
    problem: &Option<CodeProblem>,
    typed: bool,
    reveal: bool,
) {
    let msg = match problem {
        None => {
            ui.label(RichText::new(tr.get("entry.code_ok")).color(palette(ui).ok));
            return;
        }
        Some(CodeProblem::Empty) if !typed => return,
        Some(CodeProblem::Empty) => tr.get("entry.code_empty").to_owned(),
        Some(CodeProblem::TooShort { have }) => {
            ui.label(RichText::new(tr.fmt("entry.code_too_short", &[("have", have)])).weak());
            return;
        }
        Some(CodeProblem::TooLong { have }) => tr.fmt("entry.code_too_long", &[("have", have)]),
        Some(CodeProblem::InvalidChar { ch, position }) => tr.fmt(
            "entry.code_invalid_char",
            &[("ch", &describe_char(*ch)), ("pos", position)],
        ),
        // Masked, a code character is named only where the mask shows it.
        Some(CodeProblem::NotInAlphabet { position, .. }) if !reveal => {
            tr.fmt("entry.code_not_in_alphabet_hidden", &[("pos", position)])
        }
        Some(CodeProblem::NotInAlphabet {
            ch,
            position,
            suggestion,
        }) => match suggestion {
            Some(s) => tr.fmt(
                "entry.code_not_in_alphabet_hint",
                &[("ch", ch), ("pos", position), ("hint", s)],
            ),
            None => tr.fmt(
                "entry.code_not_in_alphabet",
                &[("ch", ch), ("pos", position)],
            ),
        },
        Some(CodeProblem::SeveralCodes { count }) => {
            tr.fmt("entry.several_codes", &[("count", count)])
        }
    };
    ui.add(egui::Label::new(RichText::new(msg).color(palette(ui).danger)).wrap());
}

fn amount_problem(tr: &Texts, p: &AmountProblem) -> String {
    match p {
        AmountProblem::Empty => tr.get("amount.empty").to_owned(),
        AmountProblem::Invalid { ch, position } => tr.fmt(
            "amount.invalid",
            &[("ch", &describe_char(*ch)), ("pos", position)],
        ),
        AmountProblem::TooManyDecimals => tr.get("amount.decimals").to_owned(),
        AmountProblem::TooLarge => tr.get("amount.too_large").to_owned(),
    }
}

/// The channel's policy in words, with the facts behind it.
pub fn channel_card(ui: &mut egui::Ui, tr: &Texts, p: &ChannelProfile) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.add(egui::Label::new(p.policy.get(tr.lang())).wrap());
        let window = p.effective_window_ms();
        if window == 0 {
            ui.label(
                RichText::new(tr.get("channel.no_cancel"))
                    .color(palette(ui).danger)
                    .strong(),
            );
        } else {
            let fee = match p.cancel_fee {
                Fee::None => tr.get("channel.fee_none").to_owned(),
                Fee::Percent { basis_points } => tr.fmt(
                    "channel.fee_percent",
                    &[("pct", &format!("{}", basis_points as f64 / 100.0))],
                ),
                Fee::Fixed { fen } => tr.fmt("channel.fee_fixed", &[("fee", &Fen(fen))]),
            };
            ui.label(tr.fmt(
                "channel.window",
                &[("window", &duration_words(tr, window)), ("fee", &fee)],
            ));
        }
        let settle = match p.settlement {
            Settlement::T0 => "T+0",
            Settlement::T1 => "T+1",
        };
        ui.label(
            RichText::new(tr.fmt(
                "channel.facts",
                &[
                    ("rate", &format!("{} %", p.discount_bp as f64 / 100.0)),
                    ("latency", &duration_words(tr, p.verification_latency_ms)),
                    ("settle", &settle),
                ],
            ))
            .weak(),
        );
    });
}
