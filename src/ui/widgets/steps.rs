//! Where a single card is on its way, and what is still reversible:
//! Enter → Review → Hold → Sent, the current step marked, the ones behind
//! ticked, and one line saying how to step back from here.

use crate::i18n::Texts;
use crate::ui::style::palette;
use eframe::egui::{self, RichText};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStep {
    Enter,
    Review,
    Hold,
    Sent,
}

impl FlowStep {
    const ALL: [FlowStep; 4] = [
        FlowStep::Enter,
        FlowStep::Review,
        FlowStep::Hold,
        FlowStep::Sent,
    ];

    fn name_key(self) -> &'static str {
        match self {
            FlowStep::Enter => "flow.step_enter",
            FlowStep::Review => "flow.step_review",
            FlowStep::Hold => "flow.step_hold",
            FlowStep::Sent => "flow.step_sent",
        }
    }

    /// How to undo what has been done so far, said at this step.
    fn reversible_key(self) -> &'static str {
        match self {
            FlowStep::Enter => "flow.reversible_enter",
            FlowStep::Review => "flow.reversible_review",
            FlowStep::Hold => "flow.reversible_hold",
            FlowStep::Sent => "flow.reversible_sent",
        }
    }
}

pub fn step_bar(ui: &mut egui::Ui, tr: &Texts, current: FlowStep) {
    let at = FlowStep::ALL
        .iter()
        .position(|s| *s == current)
        .unwrap_or(0);
    let p = palette(ui);
    let row = ui.horizontal(|ui| {
        for (i, step) in FlowStep::ALL.iter().enumerate() {
            if i > 0 {
                ui.label(RichText::new("→").weak());
            }
            let name = tr.get(step.name_key());
            let text = match i.cmp(&at) {
                std::cmp::Ordering::Less => RichText::new(format!("✓ {name}")).color(p.ok),
                std::cmp::Ordering::Equal => RichText::new(format!(" {name} "))
                    .strong()
                    .color(ui.visuals().strong_text_color())
                    .background_color(ui.visuals().selection.bg_fill),
                std::cmp::Ordering::Greater => RichText::new(name).weak(),
            };
            ui.label(text);
        }
    });
    // One sentence for a screen reader instead of eight fragments.
    let said = tr.fmt(
        "flow.step_of",
        &[("n", &(at + 1)), ("name", &tr.get(current.name_key()))],
    );
    ui.ctx().accesskit_node_builder(row.response.id, |b| {
        b.set_role(egui::accesskit::Role::Group);
        b.set_label(said);
    });
    ui.label(RichText::new(tr.get(current.reversible_key())).weak());
    ui.add_space(4.0);
}
