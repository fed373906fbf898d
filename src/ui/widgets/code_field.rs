//! The card-code field: masked unless asked and never in a captured frame;
//! masked for screen readers and the clipboard too.

use crate::core::code::mask_raw;
use crate::ui::capture::may_reveal;
use eframe::egui;

/// A single-line field holding a card code, drawn masked (all but the last
/// four) unless the person `asked` to see it and this frame is not captured. Masked, it also says only the mask to screen
/// readers and refuses copy/cut, which would put the whole code on the
/// clipboard. `style` adds hint, width and the like.
pub fn code_field(
    ui: &mut egui::Ui,
    text: &mut String,
    asked: bool,
    id_salt: &str,
    style: impl FnOnce(egui::TextEdit<'_>) -> egui::TextEdit<'_>,
) -> egui::text_edit::TextEditOutput {
    let reveal = may_reveal(ui.ctx(), asked);
    let id = ui.make_persistent_id(id_salt);
    if !reveal && ui.memory(|m| m.has_focus(id)) {
        ui.input_mut(|i| {
            i.events
                .retain(|e| !matches!(e, egui::Event::Copy | egui::Event::Cut))
        });
    }
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, _wrap: f32| {
        let shown = if reveal {
            buf.as_str().to_owned()
        } else {
            mask_raw(buf.as_str())
        };
        let job = egui::text::LayoutJob::simple_singleline(
            shown,
            egui::FontId::monospace(18.0),
            ui.visuals().widgets.inactive.text_color(),
        );
        ui.ctx().fonts_mut(|f| f.layout_job(job))
    };
    // Enter keeps focus in the field (egui's default drops it, and the next
    // Tab starts again at the top of the window).
    let edit =
        style(egui::TextEdit::singleline(text).id(id).return_key(None)).layouter(&mut layouter);
    let out = edit.show(ui);
    if !reveal {
        hide_value(ui.ctx(), id, text);
    }
    out
}

/// Replaces what the field reported to AccessKit and in output events (its
/// raw text) by the masked text.
fn hide_value(ctx: &egui::Context, id: egui::Id, raw: &str) {
    let masked = mask_raw(raw);
    // A password field to a screen reader: it does not echo the keys typed.
    ctx.accesskit_node_builder(id, |b| {
        b.set_role(egui::accesskit::Role::PasswordInput);
        b.set_value(masked.clone());
    });
    ctx.output_mut(|o| {
        for e in &mut o.events {
            let info = match e {
                egui::output::OutputEvent::Clicked(i)
                | egui::output::OutputEvent::DoubleClicked(i)
                | egui::output::OutputEvent::TripleClicked(i)
                | egui::output::OutputEvent::FocusGained(i)
                | egui::output::OutputEvent::TextSelectionChanged(i)
                | egui::output::OutputEvent::ValueChanged(i) => i,
            };
            if info.current_text_value.as_deref() == Some(raw) {
                info.current_text_value = Some(masked.clone());
                info.prev_text_value = info.prev_text_value.as_deref().map(mask_raw);
            }
        }
        // A settled selection becomes the X11 primary selection: never a
        // piece of a masked code.
        o.commands.retain(|c| {
            !matches!(c, egui::OutputCommand::TextSelectionSettled(t) if raw.contains(t.as_str()))
        });
    });
}
