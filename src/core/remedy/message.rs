//! The ready-to-send message: a template from the book, filled with the
//! facts the journal holds. Codes appear as their last four only, rebuilt
//! from the journal's masked form, so even a forged `masked` field cannot
//! put more of a code into a message; ids and file names that look like a
//! code are masked too.

use super::{Case, Offsets, PathSpec, ProblemSpec};
use crate::core::code::mask_code_like_runs;
use crate::core::ids::made_by_app;
use crate::core::order::{Order, ShotFacts};
use crate::core::profile::ChannelProfile;
use crate::i18n::{Lang, Texts};
use chrono::{DateTime, Utc};

/// Orders (and their codes) a batch message names one by one.
const LISTED: usize = 20;

/// What a message is filled from, besides the case.
pub struct MessageFacts<'a> {
    pub problem: Option<&'a ProblemSpec>,
    pub profiles: &'a [ChannelProfile],
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub offsets: Offsets<'a>,
    /// For a batch: the cards the message is about (None: every card out).
    pub cards: Option<&'a [crate::core::ids::OrderId]>,
}

/// `•••• •••• •••• 7F3K` from any masked form: the last four letters or
/// digits it holds, nothing else.
pub fn last_four_only(masked: &str) -> String {
    let tail: Vec<char> = masked.chars().filter(char::is_ascii_alphanumeric).collect();
    let four: String = tail[tail.len().saturating_sub(4)..].iter().collect();
    format!("•••• •••• •••• {four}")
}

/// The path's message in `facts.lang`, or None when the path has none.
pub fn message(path: &PathSpec, case: &Case, facts: &MessageFacts) -> Option<String> {
    let template = path.message.as_ref()?.get(facts.lang);
    let tr = Texts::shared(facts.lang);
    // Each time in the offset in force at that time, as the journal has
    // it; a time that is not there leaves its line out.
    let when = |t: Option<DateTime<Utc>>| {
        t.map(|t| {
            t.with_timezone(&(facts.offsets)(t))
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string()
        })
    };
    // About the codes still out there (a cancelled card came back, one on
    // the clipboard was never submitted), and for a batch the ones ticked.
    let sent = case.sent_among(facts.cards);
    let orders: &[&Order] = &sent;
    // One card: its time. Several: each card's, by its id (the earliest
    // alone would misdate the others).
    let times = |f: fn(&Order) -> Option<DateTime<Utc>>| -> Option<String> {
        if let [one] = orders {
            return when(f(one));
        }
        // Written out for the first [`LISTED`] only; the rest are counted.
        let with: Vec<&&Order> = orders.iter().filter(|o| f(o).is_some()).collect();
        let each: Vec<String> = with
            .iter()
            .take(LISTED)
            .filter_map(|o| Some(format!("{} {}", shown_id(o.id.as_str()), when(f(o))?)))
            .collect();
        if each.is_empty() {
            return None;
        }
        let mut said = each.join(", ");
        if with.len() > LISTED {
            said.push_str(&tr.fmt("remedy.msg.more", &[("n", &(with.len() - LISTED))]));
        }
        Some(said)
    };
    let first = |f: fn(&Order) -> Option<DateTime<Utc>>| orders.iter().filter_map(|o| f(o)).min();
    let order = match &case.subject {
        crate::core::flow::Subject::Order(id) => shown_id(id.as_str()),
        crate::core::flow::Subject::Batch(id) => {
            let ids: Vec<String> = orders.iter().map(|o| shown_id(o.id.as_str())).collect();
            tr.fmt(
                "remedy.msg.batch",
                &[
                    ("batch", &shown_id(id.as_str())),
                    ("count", &orders.len()),
                    ("orders", &listed(tr, &ids)),
                ],
            )
        }
    };
    let channel_id = case.channel();
    let channel = facts
        .profiles
        .iter()
        .find(|p| p.id == channel_id)
        .map_or_else(
            || channel_id.to_string(),
            |p| p.name.get(facts.lang).to_owned(),
        );
    // A name from a hand-edited file: a code-like run in it is masked.
    let channel = mask_code_like_runs(&channel);
    let codes: Vec<String> = orders.iter().map(|o| last_four_only(&o.masked)).collect();
    let face: crate::core::money::Fen = orders.iter().map(|o| o.face_value).sum();
    // A batch card was confirmed with its batch (its own line is the release).
    let confirmed = case
        .confirmed_in()
        .and_then(|b| b.confirmed_at)
        .or_else(|| first(|o| o.confirmed_at));
    let shots = shot_lines(tr, case, orders);
    let fill = |name: &str| -> Option<String> {
        Some(match name {
            "order" => order.clone(),
            "channel" => channel.clone(),
            "code" => listed(tr, &codes),
            "face_value" => face.to_string(),
            "confirmed_at" => when(confirmed)?,
            "released_at" => times(|o| o.released_at)?,
            // When the person submitted a hand-off on the platform (for the
            // simulated channel the release was the submit: no second line).
            "submitted_at" => times(|o| {
                (o.mode == crate::core::event::ReleaseMode::Manual)
                    .then_some(o.window_started)
                    .flatten()
            })?,
            "cancel_requested_at" => times(|o| o.cancel_asked_at)?,
            "screenshots" => shots.clone(),
            // Not asked (a window was open): the line is left out rather
            // than telling the platform "problem: none".
            "problem" => facts.problem?.label.get(facts.lang).to_owned(),
            "now" => when(Some(facts.now))?,
            // The book's check allows no other name.
            _ => String::new(),
        })
    };
    let mut text = fill_template(template, fill);
    // A saved file ends its last line like any text file.
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Some(text)
}

/// Fills every `{name}`; a line holding a name with no value is left out.
fn fill_template(template: &str, fill: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 512);
    for line in template.split_inclusive('\n') {
        let mut filled = String::with_capacity(line.len());
        let mut rest = line;
        let mut keep = true;
        while let Some(open) = rest.find('{') {
            filled.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                rest = &rest[open..];
                break;
            };
            match fill(&after[..close]) {
                Some(v) => filled.push_str(&v),
                None => keep = false,
            }
            rest = &after[close + 1..];
        }
        filled.push_str(rest);
        if keep {
            out.push_str(&filled);
        }
    }
    out
}

/// An id as the app makes them (`CG-20261130-0042`, `B-…`) is shown as it
/// is; any other (a hand-edited journal) is masked where it looks like a code.
pub fn shown_id(id: &str) -> String {
    if made_by_app(id) {
        id.to_owned()
    } else {
        mask_code_like_runs(id)
    }
}

/// A screenshot's file name as the app writes it
/// (`<YYYYMMDD-HHMMSS>_<order>_<step>[-n].png`) is shown as it is; any
/// other is masked where it looks like a code.
fn shown_shot_name(name: &str) -> String {
    let ours = (|| {
        let stem = name.strip_suffix(".png")?;
        let (time, rest) = stem.split_once('_')?;
        let (id, step) = rest.split_once('_')?;
        let (date, clock) = time.split_once('-')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let step = step.rsplit_once('-').map_or(step, |(s, n)| {
            if n.bytes().all(|b| b.is_ascii_digit()) {
                s
            } else {
                step
            }
        });
        let step_ok = step.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let id_ok = id == "none" || made_by_app(id);
        Some(digits(date, 8) && digits(clock, 6) && id_ok && step_ok)
    })()
    .unwrap_or(false);
    if ours {
        name.to_owned()
    } else {
        mask_code_like_runs(name)
    }
}

/// Up to [`LISTED`] items, then how many more.
fn listed(tr: &Texts, items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > LISTED {
        s.push_str(&tr.fmt("remedy.msg.more", &[("n", &(items.len() - LISTED))]));
    }
    s
}

/// One line per screenshot: its file name and SHA-256 as journaled (a name
/// or hash of a shape the app never writes is left out, not trusted).
fn shot_lines(tr: &Texts, case: &Case, orders: &[&Order]) -> String {
    let all: Vec<&ShotFacts> = case
        .confirmed_in()
        .map(|b| &b.shots)
        .into_iter()
        .chain(orders.iter().map(|o| &o.shots))
        .collect();
    let mut lines = Vec::new();
    let mut more = 0usize;
    for facts in all {
        more = more.saturating_add(facts.more());
        for s in facts.kept() {
            let name = s.path.rsplit('/').next().unwrap_or_default();
            let plain = name.len() <= 120
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            let hash_ok = s.sha256.len() == 64 && s.sha256.chars().all(|c| c.is_ascii_hexdigit());
            if plain && hash_ok && lines.len() < 2 * LISTED {
                lines.push(format!("- {}  SHA-256 {}", shown_shot_name(name), s.sha256));
            } else {
                more = more.saturating_add(1);
            }
        }
    }
    if lines.is_empty() && more == 0 {
        return tr.get("remedy.msg.no_shots").to_owned();
    }
    if more > 0 {
        lines.push(tr.fmt("remedy.msg.more_shots", &[("n", &more)]));
    }
    lines.join("\n")
}
