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

/// The bar is painted as one piece so a screen reader meets one sentence
/// ("Step 2 of 4: Review"), not eight fragments and arrows.
pub fn step_bar(ui: &mut egui::Ui, tr: &Texts, current: FlowStep) {
    let at = FlowStep::ALL
        .iter()
        .position(|s| *s == current)
        .unwrap_or(0);
    let p = palette(ui);
    let font = egui::TextStyle::Body.resolve(ui.style());
    let strong = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    let mut pieces = Vec::new();
    for (i, step) in FlowStep::ALL.iter().enumerate() {
        if i > 0 {
            pieces.push(("→".to_owned(), weak, false));
        }
        let name = tr.get(step.name_key());
        pieces.push(match i.cmp(&at) {
            std::cmp::Ordering::Less => (format!("✓ {name}"), p.ok, false),
            std::cmp::Ordering::Equal => (name.to_owned(), strong, true),
            std::cmp::Ordering::Greater => (name.to_owned(), weak, false),
        });
    }
    let gap = ui.spacing().item_spacing.x;
    let pad = egui::vec2(6.0, 2.0);
    let galleys: Vec<_> = pieces
        .into_iter()
        .map(|(text, color, here)| (ui.painter().layout_no_wrap(text, font.clone(), color), here))
        .collect();
    let width: f32 = galleys
        .iter()
        .map(|(g, here)| g.size().x + if *here { 2.0 * pad.x } else { 0.0 })
        .sum::<f32>()
        + gap * galleys.len().saturating_sub(1) as f32;
    let height = galleys.iter().map(|(g, _)| g.size().y).fold(0.0, f32::max) + 2.0 * pad.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let mut x = rect.min.x;
    for (galley, here) in galleys {
        let size = galley.size();
        let extra = if here { 2.0 * pad.x } else { 0.0 };
        let text_at = egui::pos2(x + extra / 2.0, rect.center().y - size.y / 2.0);
        if here {
            let bg = egui::Rect::from_min_size(
                egui::pos2(x, rect.min.y),
                egui::vec2(size.x + extra, rect.height()),
            );
            ui.painter()
                .rect_filled(bg, 4.0, ui.visuals().selection.bg_fill);
        }
        ui.painter().galley(text_at, galley, strong);
        x += size.x + extra + gap;
    }
    let said = tr.fmt(
        "flow.step_of",
        &[("n", &(at + 1)), ("name", &tr.get(current.name_key()))],
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Group, true, &said));
    ui.label(RichText::new(tr.get(current.reversible_key())).weak());
    ui.add_space(4.0);
}
