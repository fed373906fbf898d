//! The guarded confirm step, shared by the single order's review and the
//! batch's: standing reasons, type-to-confirm, the confirm button placed away
//! from the previous click, Back, and why a click was ignored.

use crate::core::clock::ms_between;
use crate::core::flow::TypeToConfirm;
use crate::core::guard::ConfirmGuard;
use crate::core::guard::eval::describe;
use crate::core::guard::{Friction, GuardInput, Target};
use crate::i18n::Texts;
use crate::ui::command::Command;
use crate::ui::review_step::ReviewStep;
use crate::ui::style::SWALLOWED_NOTE_MS;
use crate::ui::style::{BACK_SIZE, CONFIRM_FACTS_SIZE, CONFIRM_SIZE, palette};
use crate::ui::view::CommandSender;
use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

/// The guarded confirm step shared by single orders and batches: the
/// standing reasons, type-to-confirm when asked, the confirm button placed
/// away from the previous step's button, Back, and why a click was ignored.
/// What the armed confirm button says: pressed, and when it must be held
/// (an unusual order names its facts in both; `hold: None` is "Press and
/// hold to confirm").
pub struct ConfirmWords<'a> {
    pub armed: &'a str,
    pub hold: Option<&'a str>,
}

pub fn confirm_area(
    ui: &mut egui::Ui,
    tr: &Texts,
    r: &ReviewStep,
    now: DateTime<Utc>,
    words: ConfirmWords<'_>,
    facts: egui::Rect,
    out: &CommandSender,
) {
    let at = r.at_ms(now);
    let view = r.guard.view(at);
    let standing = r.guard.decision_reasons();
    if !standing.is_empty() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(tr.get("review.extra_care")).strong());
            for reason in &standing {
                ui.label(format!("· {}", describe(tr, reason)));
            }
        });
        ui.add_space(6.0);
    }

    // Type-to-confirm: the code's last four characters, checked as typed.
    if view.friction != Friction::None {
        let key = match (&r.expected, view.friction) {
            (TypeToConfirm::Total(_), _) => "review.type_total",
            (_, Friction::HoldMs(_)) => "review.type_last4_alt",
            _ => "review.type_last4",
        };
        let label = ui.label(tr.get(key));
        let mut typed = r.typed.clone();
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut typed)
                    .char_limit(16)
                    .desired_width(120.0)
                    .font(egui::TextStyle::Monospace),
            )
            .labelled_by(label.id);
        note_keys(ui.ctx(), |k| k.field = Some(edit.id));
        if edit.changed() {
            let matches = r.expected.matches(&typed);
            out.send(Command::TypedLast4(typed));
            out.send(Command::Guard(GuardInput::Typed { matches }));
        }
        ui.add_space(6.0);
    }

    let holding = r.press_started.map(|p| ms_between(p, now));
    let typed_ok = r.expected.matches(&r.typed);
    let text = match (view.armed, view.friction, holding) {
        (true, Friction::HoldMs(hold), Some(held)) if held >= hold => {
            tr.get("review.release_to_confirm").to_owned()
        }
        (true, Friction::HoldMs(_), _) => words
            .hold
            .unwrap_or(tr.get("review.hold_to_confirm"))
            .to_owned(),
        (true, _, _) => words.armed.to_owned(),
        (false, Friction::TypeToConfirm, _) if !typed_ok => tr
            .get(match r.expected {
                TypeToConfirm::Total(_) => "review.confirm_type_total_first",
                TypeToConfirm::Last4(_) => "review.confirm_type_first",
            })
            .to_owned(),
        (false, _, _) => match view.arms_in_ms {
            Some(ms) => tr.fmt("review.confirm_in", &[("s", &ms.div_ceil(1000))]),
            None => tr.get("review.confirm_unfocused").to_owned(),
        },
    };
    // What a screen reader says of the button besides its text: the
    // guard's state for a press without a pointer (Enter, or the reader's
    // own action), which cannot hold and so types instead.
    // What must be typed first, when a press without a pointer waits on it.
    let type_first = (matches!(view.friction, Friction::TypeToConfirm | Friction::HoldMs(_))
        && !typed_ok)
        .then(|| match r.expected {
            TypeToConfirm::Total(_) => tr.get("a11y.confirm_type_total_first"),
            TypeToConfirm::Last4(_) => tr.get("a11y.confirm_type_first"),
        });
    let state = if view.keys_armed {
        tr.get("a11y.confirm_ready").to_owned()
    } else if let Some(t) = type_first {
        t.to_owned()
    } else {
        match view.keys_arms_in_ms {
            Some(ms) => tr.fmt("a11y.confirm_wait", &[("s", &ms.div_ceil(1000).max(1))]),
            None => tr.get("a11y.confirm_unfocused").to_owned(),
        }
    };
    let fill = if view.armed {
        palette(ui).act_fill
    } else {
        ui.visuals().widgets.inactive.bg_fill
    };
    let text_color = if view.armed {
        palette(ui).act_text
    } else {
        ui.visuals().weak_text_color()
    };

    // One size in every state of this review: a label that wrapped grew
    // the button, which shrank back under a held press when it turned
    // "Release to confirm", so the release missed it. Words naming the
    // facts get two lines; what does not fit ends in "…" (a screen reader
    // gets all of it).
    let (size, rows) = if words.hold.is_some() {
        (CONFIRM_FACTS_SIZE, 2)
    } else {
        (CONFIRM_SIZE, 1)
    };
    let label = {
        let mut job = egui::text::LayoutJob::single_section(
            text,
            egui::TextFormat::simple(egui::FontId::proportional(16.0), text_color),
        );
        job.wrap = egui::text::TextWrapping {
            max_width: size.x - 24.0,
            max_rows: rows,
            break_anywhere: false,
            overflow_character: Some('…'),
        };
        ui.fonts_mut(|f| f.layout_job(job))
    };
    // Place the buttons away from where the previous step's button was, so
    // the second half of a double click lands on neither.
    let row = egui::Rect::from_min_size(
        ui.cursor().min,
        egui::vec2(size.x + 16.0 + BACK_SIZE.x, size.y),
    );
    let mut rect = egui::Rect::from_min_size(row.min, size);
    if let Some(avoid) = r.avoid.map(|a| a.expand(12.0))
        && row.intersects(avoid)
    {
        rect = rect.translate(egui::vec2(0.0, avoid.max.y - rect.min.y + 12.0));
    }
    let confirm = ui.put(
        rect,
        egui::Button::new(egui::WidgetText::Galley(label))
            .fill(fill)
            .min_size(size),
    );
    ui.ctx()
        .accesskit_node_builder(confirm.id, |b| b.set_description(state));
    note_keys(ui.ctx(), |k| k.button = Some(confirm.id));
    // Said without being asked: why a press was refused while that shows,
    // otherwise the state, worded without seconds so it changes rarely.
    let refused = r
        .swallowed
        .as_ref()
        .filter(|(_, when)| ms_between(*when, now) < SWALLOWED_NOTE_MS);
    let spoken = match (refused, type_first) {
        (Some((reason, _)), _) => say(tr, r, reason),
        (None, _) if view.keys_armed => tr.get("a11y.say_ready").to_owned(),
        (None, Some(t)) => t.to_owned(),
        (None, None) if view.keys_arms_in_ms.is_none() => {
            tr.get("a11y.confirm_unfocused").to_owned()
        }
        (None, None) => tr.get("a11y.say_review").to_owned(),
    };
    crate::ui::announce::say(ui.ctx(), &spoken);
    // A screen reader's "press" (an accessibility action, no pointer) is
    // weighed as Enter is: the same arming delay and typed alternative.
    if ui.input(|i| i.has_accesskit_action_request(confirm.id, egui::accesskit::Action::Click)) {
        out.send(Command::Guard(GuardInput::KeyDown {
            enter: true,
            repeat: false,
        }));
        out.send(Command::Guard(GuardInput::KeyUp { enter: true }));
    }
    // Hold-to-confirm: visible progress that resets when released early or the pointer leaves.
    if let (Friction::HoldMs(hold), Some(held)) = (view.friction, holding)
        && view.armed
    {
        let frac = (held as f32 / hold.max(1) as f32).min(1.0);
        let bar = egui::Rect::from_min_size(
            rect.left_bottom() - egui::vec2(0.0, 5.0),
            egui::vec2(rect.width() * frac, 5.0),
        );
        ui.painter().rect_filled(bar, 2.0, palette(ui).ok);
    }
    let back_rect = egui::Rect::from_min_size(rect.right_top() + egui::vec2(16.0, 0.0), BACK_SIZE);
    let back = ui.put(
        back_rect,
        egui::Button::new(tr.get("review.back")).min_size(BACK_SIZE),
    );

    // Report what the pointer is over (on change), presses and releases.
    let (hover_pos, moved, pressed, released) = ui.input(|i| {
        (
            i.pointer.hover_pos(),
            i.pointer.delta() != egui::Vec2::ZERO,
            i.pointer.primary_pressed(),
            i.pointer.primary_released(),
        )
    });
    let on = match hover_pos {
        Some(p) if confirm.rect.contains(p) => Target::Confirm,
        Some(p) if back.rect.contains(p) => Target::Cancel,
        Some(p) if facts.contains(p) => Target::Fact,
        Some(_) => Target::Other,
        None => Target::None,
    };
    // The way the pointer goes (when it set off, how straight), before
    // where it is: a habit goes straight to Confirm the moment it shows.
    if let Some(p) = hover_pos.filter(|_| moved) {
        out.send(Command::Guard(GuardInput::PointerAt {
            x: p.x.round() as i32,
            y: p.y.round() as i32,
        }));
    }
    if on != r.pointer_on {
        out.send(Command::Guard(GuardInput::PointerMoved { on }));
    }
    if pressed {
        out.send(Command::Guard(GuardInput::PointerDown { on }));
    }
    if released {
        out.send(Command::Guard(GuardInput::PointerUp { on }));
    }
    if back.clicked() {
        out.send(Command::BackToEntry);
    }

    ui.add_space(6.0);
    // A refusal's seconds go on counting with the button's; once its time
    // is up the note has done its job.
    let note = r
        .swallowed
        .as_ref()
        .map(|(reason, when)| (reason, ms_between(*when, now)))
        .filter(|(_, shown)| *shown < SWALLOWED_NOTE_MS)
        .and_then(|(reason, shown)| reason.after(shown))
        // Armed sooner (a look cleared the wait): the wait's note is done.
        .filter(|reason| !(reason.is_dwell_wait() && view.armed));
    if let Some(reason) = note {
        ui.label(RichText::new(say(tr, r, &reason)).color(palette(ui).danger));
    } else if !view.armed {
        for reason in view.reasons.iter().skip(standing.len()) {
            ui.label(RichText::new(say(tr, r, reason)).weak());
        }
    }
}

/// Where keyboard focus may be for Enter to be the confirm key: nowhere,
/// on the confirm button, or in the type-to-confirm field. Enter on any
/// other control (Back, a tab, an expander) is that control's, never a
/// confirmation. Noted while the step draws; read by the next frame's
/// input.
#[derive(Clone, Copy, Default)]
struct ConfirmKeys {
    button: Option<egui::Id>,
    field: Option<egui::Id>,
}

fn confirm_keys_id() -> egui::Id {
    egui::Id::unique("cardguard.confirm_keys")
}

fn note_keys(ctx: &egui::Context, f: impl FnOnce(&mut ConfirmKeys)) {
    ctx.data_mut(|d| f(d.get_temp_mut_or_default(confirm_keys_id())));
}

/// With focus where it is now: whether Enter is the confirm key, and
/// whether focus is on the confirm button itself (where Space, which
/// presses any focused button, confirms too).
pub fn enter_confirms(ctx: &egui::Context) -> (bool, bool) {
    let keys: ConfirmKeys = ctx.data(|d| d.get_temp(confirm_keys_id()).unwrap_or_default());
    match ctx.memory(|m| m.focused()) {
        None => (true, false),
        Some(f) if keys.button == Some(f) => (true, true),
        Some(f) => (keys.field == Some(f), false),
    }
}

/// A guard reason in words; "type first" names what to type for a batch.
fn say(tr: &Texts, r: &ReviewStep, reason: &crate::core::guard::Reason) -> String {
    match (&r.expected, reason) {
        (TypeToConfirm::Total(_), crate::core::guard::Reason::TypeFirst) => {
            tr.get("guard.type_total_first").to_owned()
        }
        _ => describe(tr, reason),
    }
}
