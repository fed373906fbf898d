//! `report.html` of an evidence bundle: one self-contained page (inline CSS,
//! the screenshots linked inside the folder) in the person's language with
//! the other language below, written to read well on paper.

use super::ScreenshotRef;
use super::bundle::Proofs;
use crate::core::journal::Entry;
use crate::core::profile::ChannelProfile;
use crate::i18n::{Lang, Texts};
use chrono::{DateTime, FixedOffset, Utc};
use std::fmt::Write;

pub(super) struct ReportFacts<'a> {
    pub subject: &'a str,
    pub lang: Lang,
    pub entries: &'a [&'a Entry],
    pub shots: &'a [ScreenshotRef],
    pub proofs: &'a Proofs,
    pub journal_intact: bool,
    pub exported_at: DateTime<Utc>,
    /// The checkpoints a time-stamp authority attests, and when.
    pub stamped: &'a [Attested],
}

/// One time-stamp as the report states it: which authority, under which
/// root, says the checkpoint of `size` existed `at`.
pub(super) struct Attested {
    pub size: u64,
    pub at: DateTime<Utc>,
    pub tsa: String,
    pub root_sha256: Option<String>,
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;\
max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}\
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}\
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;\
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}\
.ok{color:#0b6b2e;font-weight:600}.bad{color:#a4161a;font-weight:600}code{font-size:.85rem;\
word-break:break-all}figure{margin:1rem 0;break-inside:avoid}img{max-width:100%;\
border:1px solid #ccc}section.lang{break-before:page}@media print{body{margin:0}a{color:inherit}}";

/// Text safe inside HTML elements and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn local(e: &Entry) -> DateTime<FixedOffset> {
    let tz =
        e.tz.parse::<FixedOffset>()
            .unwrap_or_else(|_| FixedOffset::east_opt(0).expect("zero offset"));
    e.ts.with_timezone(&tz)
}

/// One event in plain words, as the journal viewer says it (the built-in
/// channel names and remedy book; a deadline in the line's own offset).
fn event_words(
    tr: &Texts,
    e: &Entry,
    profiles: &[ChannelProfile],
    book: &crate::core::remedy::RemedyBook,
) -> String {
    let tz = *local(e).offset();
    let offset = move |_| tz;
    let wording = crate::core::wording::Wording {
        profiles,
        book,
        offset: &offset,
    };
    let args = crate::core::timeline::display_args(&e.data);
    crate::core::wording::describe_event(tr, &wording, &e.kind, &args)
}

fn section(out: &mut String, f: &ReportFacts<'_>, lang: Lang) {
    let tr = Texts::shared(lang);
    let t = |k: &str| esc(tr.get(k));
    let _ = write!(out, "<section class=\"lang\" lang=\"{}\">", lang.code());
    let _ = write!(
        out,
        "<h1>{}</h1>",
        esc(&tr.fmt("report.title", &[("id", &f.subject)]))
    );
    let exported = f.exported_at.with_timezone(
        &f.entries
            .first()
            .map(|e| *local(e).offset())
            .unwrap_or(FixedOffset::east_opt(0).expect("zero offset")),
    );
    let _ = write!(
        out,
        "<p>{}</p>",
        esc(&tr.fmt(
            "report.intro",
            &[
                ("id", &f.subject),
                ("events", &f.entries.len()),
                ("size", &f.proofs.tree_size),
                ("at", &exported.format("%Y-%m-%d %H:%M:%S %:z")),
            ]
        ))
    );
    let (class, key) = if f.journal_intact {
        ("ok", "report.intact")
    } else {
        ("bad", "report.not_intact")
    };
    let _ = write!(out, "<p class=\"{class}\">{}</p>", t(key));

    let _ = write!(
        out,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        t("report.timeline"),
        t("report.col_time"),
        t("report.col_event"),
        t("report.col_seq")
    );
    let profiles = crate::core::profile::builtin_profiles();
    let book = crate::core::remedy::RemedyBook::builtin();
    for e in f.entries {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            local(e).format("%Y-%m-%d %H:%M:%S%.3f %:z"),
            esc(&event_words(tr, e, &profiles, &book)),
            e.seq
        );
    }
    out.push_str("</table>");

    let _ = write!(out, "<h2>{}</h2>", t("report.checkpoints"));
    out.push_str("<table>");
    for c in &f.proofs.checkpoints {
        let stamp = f
            .stamped
            .iter()
            .find(|a| a.size == c.size)
            .map(|a| {
                let at = a.at.format("%Y-%m-%d %H:%M:%S UTC");
                let root = a.root_sha256.as_deref().unwrap_or("-");
                tr.fmt(
                    "report.tsa_time",
                    &[("at", &at), ("tsa", &a.tsa), ("root", &root)],
                )
            })
            .unwrap_or_else(|| tr.get("report.no_tsa").to_owned());
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&c.file),
            esc(&tr.fmt("report.cp_size", &[("size", &c.size)])),
            esc(&stamp)
        );
    }
    out.push_str("</table>");

    if !f.shots.is_empty() {
        let _ = write!(out, "<h2>{}</h2>", t("report.screenshots"));
        for s in f.shots {
            let _ = write!(
                out,
                "<figure><img src=\"{0}\" alt=\"{0}\"><figcaption><code>{0}</code> SHA-256 <code>{1}</code></figcaption></figure>",
                esc(&s.path),
                esc(&s.sha256)
            );
        }
    }
    let _ = write!(
        out,
        "<h2>{}</h2><p>{}</p><pre><code>python3 -I -S verify.py .</code></pre></section>",
        t("report.how"),
        t("report.how_text")
    );
}

pub(super) fn render(f: &ReportFacts<'_>) -> String {
    let mut out = String::with_capacity(8192);
    let other = if f.lang == Lang::Zh {
        Lang::En
    } else {
        Lang::Zh
    };
    let tr = Texts::shared(f.lang);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        f.lang.code(),
        esc(&tr.fmt("report.title", &[("id", &f.subject)]))
    );
    section(&mut out, f, f.lang);
    section(&mut out, f, other);
    out.push_str("</body></html>\n");
    out
}
