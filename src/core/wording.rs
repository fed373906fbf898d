//! An event in plain words, the one way the journal screen and an evidence
//! bundle's report both say it: the event's sentence from the tables, its
//! identifiers in words (risk levels, modes, steps, reasons), a channel by
//! its name, a remedy's path and problem as the book words them, and a
//! deadline in local time. No egui: the report is written by the core.

use super::profile::ChannelProfile;
use super::remedy::RemedyBook;
use crate::i18n::Texts;
use chrono::{DateTime, FixedOffset, Utc};

/// What the words draw on besides the tables.
pub struct Wording<'a> {
    pub profiles: &'a [ChannelProfile],
    pub book: &'a RemedyBook,
    /// The local offset a deadline is shown in.
    pub offset: &'a dyn Fn(DateTime<Utc>) -> FixedOffset,
}

/// The event `kind` with its display arguments (from
/// `timeline::display_args`) in the language of `tr`.
pub fn describe_event(
    tr: &Texts,
    w: &Wording<'_>,
    kind: &str,
    args: &[(String, String)],
) -> String {
    let key = format!("jk.{kind}");
    let key = if tr.has(&key) {
        key
    } else {
        "jk.unknown".to_owned()
    };
    let arg = |k: &str| args.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    // Channel ids read better as the channel's name.
    let channel = arg("channel")
        .and_then(|id| w.profiles.iter().find(|p| p.id == id))
        .map(|p| p.name.get(tr.lang()).to_owned());
    // A remedy's path and answer read as the book words them, and its
    // deadline in local time.
    let path = arg("path").and_then(|id| super::remedy::path_title(tr, w.book, id));
    let problem = arg("problem")
        .and_then(|id| w.book.problem(id))
        .map(|p| p.label.get(tr.lang()).to_owned());
    let deadline = arg("deadline")
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| {
            let d = d.with_timezone(&Utc);
            d.with_timezone(&(w.offset)(d))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        });
    let key = if kind == "remedy_path_chosen" && deadline.is_none() {
        "jk.remedy_path_chosen_no_deadline".to_owned()
    } else {
        key
    };
    // A wait fitted to the person says so (every decision explained).
    let key = if kind == "guard_decided" && arg("pace_count").is_some() {
        "jk.guard_decided_pace".to_owned()
    } else {
        key
    };
    // A guard decision says why, in words: each standing reason briefly
    // (the raw line keeps the keys).
    let why = if kind == "guard_decided" {
        let reasons: Vec<String> = arg("reasons")
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let words: Vec<&str> = reasons.iter().map(|r| tr.value("reason", r)).collect();
        if words.is_empty() {
            String::new()
        } else {
            tr.fmt("jk.guard_why", &[("list", &words.join(tr.get("list.sep")))])
        }
    } else {
        String::new()
    };
    // A batch's remedy lines have no order column: they name the batch.
    let key = if kind.starts_with("remedy_") && arg("batch").is_some() {
        format!("{key}_batch")
    } else {
        key
    };
    let action = match arg("action") {
        Some("copy") => Some(tr.get("remedy.action_copy").to_owned()),
        Some("save") => Some(tr.get("remedy.action_save").to_owned()),
        _ => None,
    };
    // The list shows the hash's start; the raw line has all of it.
    let sha = arg("sha256").map(|h| format!("{}…", h.chars().take(16).collect::<String>()));
    let mut said: Vec<(&str, &dyn std::fmt::Display)> = Vec::new();
    if let Some(name) = &channel {
        said.push(("channel", name));
    }
    if kind.starts_with("remedy_") {
        let remedy = [
            ("path", &path),
            ("problem", &problem),
            ("deadline", &deadline),
            ("action", &action),
            ("sha256", &sha),
        ];
        for (k, v) in remedy {
            if let Some(v) = v {
                said.push((k, v));
            }
        }
    }
    // Identifiers in words (the first value given for a name wins), then
    // what is shown as it is (ids, numbers, money already formatted).
    let worded: Vec<(&str, &str)> = args
        .iter()
        .map(|(k, v)| (k.as_str(), tr.value(k, v)))
        .collect();
    said.extend(
        worded
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display)),
    );
    said.push(("why", &why));
    said.push(("kind", &kind));
    tr.fmt(&key, &said)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn words(lang: Lang, kind: &str, args: &[(&str, &str)]) -> String {
        let tr = Texts::new(lang);
        let book = RemedyBook::builtin();
        let profiles = crate::core::profile::builtin_profiles();
        let offset = |_| FixedOffset::east_opt(8 * 3600).unwrap();
        let w = Wording {
            profiles: &profiles,
            book: &book,
            offset: &offset,
        };
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        describe_event(&tr, &w, kind, &args)
    }

    #[test]
    fn identifiers_are_said_in_words_in_both_languages() {
        let decided = [("level", "low"), ("arming_ms", "800"), ("friction", "none")];
        assert_eq!(
            words(Lang::Zh, "guard_decided", &decided),
            "确认保护决定：风险 低，800 毫秒后可用，附加操作 无"
        );
        assert_eq!(
            words(Lang::En, "guard_decided", &decided),
            "Guard decided: risk low, armed after 800 ms, friction none"
        );
        let paced = [
            ("level", "low"),
            ("arming_ms", "600"),
            ("friction", "none"),
            ("pace_count", "12"),
            ("pace_p10_ms", "750"),
        ];
        assert_eq!(
            words(Lang::En, "guard_decided", &paced),
            "Guard decided: risk low, armed after 600 ms (fitted to your pace: 12 confirmations, fastest tenth 750 ms), friction none"
        );
        assert_eq!(
            words(Lang::Zh, "guard_decided", &paced),
            "确认保护决定：风险 低，600 毫秒后可用（按您的节奏调整：12 次确认，最快的一成 750 毫秒），附加操作 无"
        );
        // Its standing reasons, each in a few words (as the raw line's
        // array reads back through the journal's display arguments).
        let unusual = [
            ("level", "medium"),
            ("arming_ms", "1400"),
            ("friction", "none"),
            (
                "reasons",
                r#"["guard.r_value","guard.r_new_channel","guard.r_above_usual"]"#,
            ),
        ];
        assert_eq!(
            words(Lang::En, "guard_decided", &unusual),
            "Guard decided: risk medium, armed after 1400 ms, friction none; because: a larger face value, a channel never used, more than usual"
        );
        assert_eq!(
            words(Lang::Zh, "guard_decided", &unusual),
            "确认保护决定：风险 中，1400 毫秒后可用，附加操作 无；原因：面值较大、从未用过的渠道、比平时多"
        );
        let zh = words(
            Lang::Zh,
            "screenshot_taken",
            &[("step", "window_closed"), ("width", "8"), ("height", "4")],
        );
        assert_eq!(zh, "截图（撤销窗口已关闭），8×4");
        // A remedy's path by the book's title, its deadline in local time.
        let chosen = words(
            Lang::Zh,
            "remedy_path_chosen",
            &[("path", "freeze"), ("deadline", "2026-11-27T01:00:00Z")],
        );
        assert!(
            !chosen.contains("freeze") && chosen.contains("2026-11-27 09:00"),
            "{chosen}"
        );
        // A value the tables do not know is shown as it is.
        assert_eq!(
            words(Lang::En, "released", &[("mode", "teleport")]),
            "Released (teleport)"
        );
    }
}
