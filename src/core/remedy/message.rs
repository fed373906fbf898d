//! The ready-to-send message: a template from the book, filled with the
//! facts the journal holds. Codes appear as their last four only, rebuilt
//! from the journal's masked form, so even a forged `masked` field cannot
//! put more of a code into a message.

use super::{Case, PathSpec, ProblemSpec};
use crate::core::order::{Order, ShotFacts};
use crate::core::profile::ChannelProfile;
use crate::i18n::{Lang, Texts};
use chrono::{DateTime, FixedOffset, Utc};

/// Orders (and their codes) a batch message names one by one.
const LISTED: usize = 20;

/// What a message is filled from, besides the case.
pub struct MessageFacts<'a> {
    pub problem: Option<&'a ProblemSpec>,
    pub profiles: &'a [ChannelProfile],
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub tz: FixedOffset,
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
    let none = || tr.get("remedy.msg.none").to_owned();
    let when = |t: Option<DateTime<Utc>>| {
        t.map_or_else(none, |t| {
            t.with_timezone(&facts.tz)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string()
        })
    };
    let orders = &case.orders;
    let first = |f: fn(&Order) -> Option<DateTime<Utc>>| orders.iter().filter_map(|o| f(o)).min();
    let order = match &case.subject {
        crate::core::flow::Subject::Order(id) => id.to_string(),
        crate::core::flow::Subject::Batch(id) => {
            let ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
            tr.fmt(
                "remedy.msg.batch",
                &[
                    ("batch", id),
                    ("count", &orders.len()),
                    ("orders", &listed(tr, &ids)),
                ],
            )
        }
    };
    let channel_id = orders
        .first()
        .map(|o| o.channel.clone())
        .or_else(|| case.batch.map(|b| b.channel.clone()))
        .unwrap_or_default();
    let channel = facts
        .profiles
        .iter()
        .find(|p| p.id == channel_id)
        .map_or_else(
            || channel_id.to_string(),
            |p| p.name.get(facts.lang).to_owned(),
        );
    let codes: Vec<String> = orders.iter().map(|o| last_four_only(&o.masked)).collect();
    let face: crate::core::money::Fen = orders.iter().map(|o| o.face_value).sum();
    let confirmed = case
        .batch
        .and_then(|b| b.confirmed_at)
        .or_else(|| first(|o| o.confirmed_at));
    let shots = shot_lines(tr, case);
    let problem = facts
        .problem
        .map_or_else(none, |p| p.label.get(facts.lang).to_owned());
    let fill = |name: &str| -> String {
        match name {
            "order" => order.clone(),
            "channel" => channel.clone(),
            "code" => listed(tr, &codes),
            "face_value" => face.to_string(),
            "confirmed_at" => when(confirmed),
            "released_at" => when(first(|o| o.released_at)),
            "cancel_requested_at" => when(first(|o| o.cancel_asked_at)),
            "screenshots" => shots.clone(),
            "problem" => problem.clone(),
            "now" => when(Some(facts.now)),
            // The book's check allows no other name.
            _ => String::new(),
        }
    };
    Some(fill_template(template, fill))
}

fn fill_template(template: &str, fill: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(&fill(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
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
fn shot_lines(tr: &Texts, case: &Case) -> String {
    let all: Vec<&ShotFacts> = case
        .batch
        .map(|b| &b.shots)
        .into_iter()
        .chain(case.orders.iter().map(|o| &o.shots))
        .collect();
    let mut lines = Vec::new();
    let mut more = 0usize;
    for facts in all {
        more = more.saturating_add(facts.more);
        for s in &facts.kept {
            let name = s.path.rsplit('/').next().unwrap_or_default();
            let plain = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            let hash_ok = s.sha256.len() == 64 && s.sha256.chars().all(|c| c.is_ascii_hexdigit());
            if plain && hash_ok && lines.len() < 2 * LISTED {
                lines.push(format!("- {}  SHA-256 {}", name, s.sha256));
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
