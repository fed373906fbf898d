//! What a screen reader says without being asked: one hidden live node
//! whose words change only at moments worth saying (a countdown's start and
//! its last seconds, the confirm button becoming available, why a press was
//! refused), never every second. AccessKit turns each change of its name
//! into an AT-SPI announcement; notices carry their own live labels.

use eframe::egui::{self, accesskit};

/// The hidden node's id: one for the whole window.
fn announcer() -> egui::Id {
    egui::Id::unique("cardguard.announcer")
}

/// Puts `words` in the live node this frame (the last call in a frame
/// wins). A frame without a call drops the node, so the same words said
/// again after that are announced again.
pub fn say(ctx: &egui::Context, words: &str) {
    ctx.accesskit_node_builder(announcer(), |b| {
        b.set_role(accesskit::Role::Status);
        b.set_label(words.to_owned());
        b.set_live(accesskit::Live::Polite);
    });
}

/// The time to name for a countdown with `left_ms` of `total_ms` left:
/// its whole length, then each of `marks_ms` (shorter than the whole) once
/// it is reached. So a countdown is said once per mark, not each second.
pub fn milestone_ms(left_ms: u64, total_ms: u64, marks_ms: &[u64]) -> u64 {
    marks_ms
        .iter()
        .copied()
        .filter(|&m| m < total_ms && left_ms <= m)
        .min()
        .unwrap_or(total_ms)
}

/// The hold's milestones in seconds: its length, then 5 s.
pub fn milestone_s(left_ms: u64, total_ms: u64) -> u64 {
    milestone_ms(left_ms, total_ms, &[5_000]).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::milestone_s;

    #[test]
    fn a_cancel_window_is_said_at_its_start_then_a_minute_and_ten_seconds_before() {
        use super::milestone_ms;
        let marks = [60_000, 10_000];
        let mut said: Vec<u64> = (0..=480_000)
            .rev()
            .step_by(500)
            .map(|l| milestone_ms(l, 480_000, &marks))
            .collect();
        said.dedup();
        assert_eq!(said, [480_000, 60_000, 10_000]);
        // A window shorter than a minute: its length, then 10 s.
        let mut said: Vec<u64> = (0..=5_000)
            .rev()
            .map(|l| milestone_ms(l, 5_000, &marks))
            .collect();
        said.dedup();
        assert_eq!(said, [5_000]);
    }

    #[test]
    fn a_countdown_is_said_at_its_start_and_five_seconds_before_its_end() {
        let said: Vec<u64> = (0..=10_000)
            .rev()
            .step_by(250)
            .map(|l| milestone_s(l, 10_000))
            .collect();
        let mut changes = said.clone();
        changes.dedup();
        assert_eq!(changes, [10, 5]);
        assert_eq!(milestone_s(3_000, 4_000), 4, "a short one is said once");
    }
}
