//! The remedy book: what can have gone wrong, the path for each, its odds,
//! time and deadline, and the message templates. Built-in in
//! `assets/remedies.json`; a `remedies.json` the person puts in the config
//! folder replaces it when it passes the same checks (never created by us:
//! a copy would freeze the figures it was made with).

use crate::core::profile::{Localized, line_of_id};
use crate::core::safe_file::{FileFault, Links, read_capped_opt};
use crate::i18n::Texts;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const BUILTIN_JSON: &str = include_str!("../../../assets/remedies.json");
pub const REMEDIES_FILE: &str = "remedies.json";
/// The built-in file is about 12 KB; anything near this cap is not ours.
pub const MAX_BOOK_BYTES: u64 = 256 * 1024;
const MAX_PROBLEMS: usize = 12;
const MAX_PATHS: usize = 24;
/// Per text, in characters (a message template is about 600).
const MAX_TEXT_CHARS: usize = 4_000;
const MAX_ID_CHARS: usize = 40;
const MAX_HOURS: u32 = 24 * 30;
/// Placeholders per template: each can stand for a few KB (a batch's
/// orders, forty screenshot lines), and the message is laid out each frame.
const MAX_PLACEHOLDERS: usize = 32;

/// The two paths the app routes to by itself when a cancel window is open.
pub const CANCEL_IN_APP: &str = "cancel_in_app";
pub const CHANNEL_CANCEL: &str = "channel_cancel";

/// What a message template may name (filled from the journal's facts).
pub const PLACEHOLDERS: &[&str] = &[
    "order",
    "channel",
    "code",
    "face_value",
    "confirmed_at",
    "released_at",
    "submitted_at",
    "cancel_requested_at",
    "screenshots",
    "problem",
    "now",
];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookFile {
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    source: Localized,
    problems: Vec<ProblemSpec>,
    paths: Vec<PathSpec>,
}

/// One answer to "what happened?" and the path it leads to once no cancel
/// window is open.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemSpec {
    pub id: String,
    pub label: Localized,
    pub path: String,
}

/// How the deadline of a path is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeadlineRule {
    /// No deadline from the source ("as soon as you can").
    #[default]
    None,
    /// Before the end of the local day the code was released on.
    SameDay,
    /// Within this many hours of the release.
    HoursAfterRelease { hours: u32 },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathSpec {
    pub id: String,
    pub title: Localized,
    pub first_step: Localized,
    /// The source's figures, shown as they are; none for the cancel paths.
    #[serde(default)]
    pub success: Option<Localized>,
    #[serde(default)]
    pub time: Option<Localized>,
    #[serde(default)]
    pub deadline: DeadlineRule,
    /// The ready-to-send text, `{placeholder}`s filled from the journal.
    #[serde(default)]
    pub message: Option<Localized>,
}

/// A checked remedy book.
#[derive(Debug, Clone, PartialEq)]
pub struct RemedyBook {
    pub source: Localized,
    pub problems: Vec<ProblemSpec>,
    pub paths: Vec<PathSpec>,
}

impl RemedyBook {
    pub fn problem(&self, id: &str) -> Option<&ProblemSpec> {
        self.problems.iter().find(|p| p.id == id)
    }
    pub fn path(&self, id: &str) -> Option<&PathSpec> {
        self.paths.iter().find(|p| p.id == id)
    }

    pub fn builtin() -> Self {
        // A unit test parses the built-in file; it cannot fail in a release.
        parse_book(BUILTIN_JSON).unwrap_or_else(|_| Self {
            source: Localized {
                zh: String::new(),
                en: String::new(),
            },
            problems: Vec::new(),
            paths: Vec::new(),
        })
    }
}

/// Why a remedy book was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookFault {
    /// Not JSON of the expected shape (serde's words).
    Syntax(crate::core::json_fault::JsonFault),
    NotUtf8,
    Version(u32),
    /// Too few or too many `problems` / `paths`: (field, found, at most).
    Count(&'static str, usize, usize),
    BadId(String),
    Duplicate(String),
    /// A path the app routes to by itself is missing.
    MissingPath(&'static str),
    /// A problem leads to a path that is not in the book (or to a cancel path).
    UnknownPath {
        problem: String,
        path: String,
    },
    /// An empty or over-long text (id, field).
    Text(String, &'static str),
    /// A `{name}` no fact fills (or one too many).
    Placeholder(String, String),
    /// An unclosed `{` or a stray `}`.
    Brace(String),
    Hours(String),
    File(Box<FileFault>),
}

/// A `remedies.json` in the config folder that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookProblem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub fault: BookFault,
}

impl BookProblem {
    pub fn reason(&self, tr: &Texts) -> String {
        match &self.fault {
            BookFault::Syntax(e) => e.describe(tr),
            BookFault::NotUtf8 => tr.get("remedy_book.not_utf8").to_owned(),
            BookFault::Version(v) => tr.fmt("remedy_book.version", &[("found", v)]),
            BookFault::Count(what, n, max) => tr.fmt(
                "remedy_book.count",
                &[("what", what), ("found", n), ("max", max)],
            ),
            BookFault::BadId(id) => tr.fmt("remedy_book.bad_id", &[("id", id)]),
            BookFault::Duplicate(id) => tr.fmt("remedy_book.duplicate", &[("id", id)]),
            BookFault::MissingPath(p) => tr.fmt("remedy_book.missing_path", &[("path", p)]),
            BookFault::UnknownPath { problem, path } => tr.fmt(
                "remedy_book.unknown_path",
                &[("problem", problem), ("path", path)],
            ),
            BookFault::Text(id, field) => tr.fmt(
                "remedy_book.text",
                &[("id", id), ("field", field), ("max", &MAX_TEXT_CHARS)],
            ),
            BookFault::Placeholder(id, name) => tr.fmt(
                "remedy_book.placeholder",
                &[
                    ("id", id),
                    ("name", name),
                    ("known", &PLACEHOLDERS.join(", ")),
                ],
            ),
            BookFault::Brace(id) => tr.fmt("remedy_book.brace", &[("id", id)]),
            BookFault::Hours(id) => tr.fmt("remedy_book.hours", &[("id", id), ("max", &MAX_HOURS)]),
            BookFault::File(f) => f.describe(tr),
        }
    }

    /// The whole notice: file, line, what is wrong, and that the built-in
    /// book is in use.
    pub fn describe(&self, tr: &Texts) -> String {
        let error = self.reason(tr);
        match self.line {
            Some(line) => tr.fmt(
                "notice.remedies_damaged",
                &[
                    ("file", &self.file.display()),
                    ("line", &line),
                    ("error", &error),
                ],
            ),
            None => tr.fmt(
                "notice.remedies_damaged_file",
                &[("file", &self.file.display()), ("error", &error)],
            ),
        }
    }
}

/// Parses and checks a book; the error is (line when known, fault).
pub fn parse_book(text: &str) -> Result<RemedyBook, (Option<usize>, BookFault)> {
    // Notepad and friends start UTF-8 with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file: BookFile = serde_json::from_str(text).map_err(|e| {
        (
            Some(e.line()),
            BookFault::Syntax(crate::core::json_fault::JsonFault::from_serde(&e)),
        )
    })?;
    let at = |id: &str| line_of_id(text, id);
    if file.version != 1 {
        return Err((None, BookFault::Version(file.version)));
    }
    if file.problems.is_empty() || file.problems.len() > MAX_PROBLEMS {
        return Err((
            None,
            BookFault::Count("problems", file.problems.len(), MAX_PROBLEMS),
        ));
    }
    if file.paths.len() > MAX_PATHS {
        return Err((None, BookFault::Count("paths", file.paths.len(), MAX_PATHS)));
    }
    check_text("source", "source", &file.source).map_err(|f| (None, f))?;
    let mut ids: Vec<&str> = Vec::new();
    for p in &file.paths {
        check_id(&p.id, &ids).map_err(|f| (at(&p.id), f))?;
        ids.push(&p.id);
        check_path(p).map_err(|f| (at(&p.id), f))?;
    }
    for needed in [CANCEL_IN_APP, CHANNEL_CANCEL] {
        if !ids.contains(&needed) {
            return Err((None, BookFault::MissingPath(needed)));
        }
    }
    let mut problem_ids: Vec<&str> = Vec::new();
    for p in &file.problems {
        check_id(&p.id, &problem_ids).map_err(|f| (at(&p.id), f))?;
        problem_ids.push(&p.id);
        check_text(&p.id, "label", &p.label).map_err(|f| (at(&p.id), f))?;
        let routed_by_app = [CANCEL_IN_APP, CHANNEL_CANCEL].contains(&p.path.as_str());
        if routed_by_app || !ids.contains(&p.path.as_str()) {
            return Err((
                at(&p.id),
                BookFault::UnknownPath {
                    problem: p.id.clone(),
                    path: p.path.chars().take(MAX_ID_CHARS).collect(),
                },
            ));
        }
    }
    Ok(RemedyBook {
        source: file.source,
        problems: file.problems,
        paths: file.paths,
    })
}

/// Text from the file as a notice may show it: at most `max` characters,
/// control characters as `?`, code-like runs masked.
fn shown(text: &str, max: usize) -> String {
    let short: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    crate::core::code::mask_code_like_runs(&short)
}

fn check_id(id: &str, seen: &[&str]) -> Result<(), BookFault> {
    // Ids are journaled: plain words only (see `is_plain_id`).
    if !crate::core::journal::is_plain_id(id) || id.chars().count() > MAX_ID_CHARS {
        return Err(BookFault::BadId(shown(id, MAX_ID_CHARS)));
    }
    if seen.contains(&id) {
        return Err(BookFault::Duplicate(shown(id, MAX_ID_CHARS)));
    }
    Ok(())
}

fn check_text(id: &str, field: &'static str, t: &Localized) -> Result<(), BookFault> {
    for s in [&t.zh, &t.en] {
        let n = s.chars().count();
        if s.trim().is_empty() || n > MAX_TEXT_CHARS {
            return Err(BookFault::Text(id.to_owned(), field));
        }
    }
    Ok(())
}

fn check_path(p: &PathSpec) -> Result<(), BookFault> {
    check_text(&p.id, "title", &p.title)?;
    check_text(&p.id, "first_step", &p.first_step)?;
    for (field, t) in [("success", &p.success), ("time", &p.time)] {
        if let Some(t) = t {
            check_text(&p.id, field, t)?;
        }
    }
    if let Some(m) = &p.message {
        check_text(&p.id, "message", m)?;
        for s in [&m.zh, &m.en] {
            check_placeholders(s).map_err(|name| match name {
                None => BookFault::Brace(p.id.clone()),
                Some(name) => BookFault::Placeholder(p.id.clone(), shown(&name, MAX_ID_CHARS)),
            })?;
        }
    }
    if let DeadlineRule::HoursAfterRelease { hours } = p.deadline
        && !(1..=MAX_HOURS).contains(&hours)
    {
        return Err(BookFault::Hours(p.id.clone()));
    }
    Ok(())
}

/// Every `{name}` is a known fact and every brace is closed; at most
/// [`MAX_PLACEHOLDERS`], and `{screenshots}` (the longest) once. The error
/// is the offending name, or None for a brace left open or stray.
fn check_placeholders(template: &str) -> Result<(), Option<String>> {
    let mut rest = template;
    let (mut count, mut shots) = (0, 0);
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(None);
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(None);
        };
        let name = &after[..close];
        if name.contains('{') {
            return Err(None);
        }
        if !PLACEHOLDERS.contains(&name) {
            return Err(Some(name.to_owned()));
        }
        count += 1;
        shots += usize::from(name == "screenshots");
        if count > MAX_PLACEHOLDERS || shots > 1 {
            return Err(Some(name.to_owned()));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// The person's `remedies.json` from the config folder when there is one and
/// it passes every check; otherwise the built-in book (and, when a file was
/// there but refused, why). Links, FIFOs and over-large files are refused
/// before reading.
pub fn load_book(user_file: &Path) -> (RemedyBook, Option<BookProblem>) {
    let problem = |line, fault| {
        (
            RemedyBook::builtin(),
            Some(BookProblem {
                file: user_file.to_path_buf(),
                line,
                fault,
            }),
        )
    };
    match read_capped_opt(user_file, MAX_BOOK_BYTES, Links::Refuse) {
        Ok(None) => (RemedyBook::builtin(), None),
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Err(_) => problem(None, BookFault::NotUtf8),
            Ok(text) => match parse_book(&text) {
                Ok(book) => (book, None),
                Err((line, fault)) => problem(line, fault),
            },
        },
        Err(e) => problem(None, BookFault::File(Box::new((&e).into()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_builtin_book_has_the_articles_rows_and_both_cancel_paths() {
        let book = parse_book(BUILTIN_JSON).expect("built-in remedies.json");
        let row = |problem: &str| book.path(&book.problem(problem).unwrap().path).unwrap();
        assert_eq!(row("submitted_twice").id, "freeze");
        assert_eq!(row("submitted_twice").deadline, DeadlineRule::SameDay);
        assert!(
            row("submitted_twice")
                .success
                .as_ref()
                .unwrap()
                .en
                .contains("45 %–60 %")
        );
        assert_eq!(row("wrong_face_value").id, "difference_refund");
        assert!(
            row("wrong_face_value")
                .time
                .as_ref()
                .unwrap()
                .zh
                .contains("即时")
        );
        assert_eq!(row("theft_or_fraud").id, "police");
        assert!(
            row("theft_or_fraud")
                .time
                .as_ref()
                .unwrap()
                .en
                .contains("15 days")
        );
        assert!(book.path(CANCEL_IN_APP).is_some() && book.path(CHANNEL_CANCEL).is_some());
        assert_eq!(RemedyBook::builtin(), book);
    }

    fn with(change: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
        change(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    }

    #[test]
    fn a_broken_book_is_refused_naming_what_is_wrong() {
        let fault = |text: String| parse_book(&text).unwrap_err().1;
        assert!(matches!(
            parse_book("{ \"version\": 1,\n  \"problems\": [ ,").unwrap_err(),
            (Some(2), BookFault::Syntax(_))
        ));
        assert_eq!(
            fault(with(|v| v["version"] = 2.into())),
            BookFault::Version(2)
        );
        assert_eq!(
            fault(with(|v| v["problems"] = serde_json::json!([]))),
            BookFault::Count("problems", 0, MAX_PROBLEMS)
        );
        assert_eq!(
            fault(with(|v| v["problems"][1]["path"] = "nowhere".into())),
            BookFault::UnknownPath {
                problem: "submitted_twice".into(),
                path: "nowhere".into()
            }
        );
        // A problem may not claim the cancel paths: the window decides those.
        assert!(matches!(
            fault(with(|v| v["problems"][0]["path"] = CANCEL_IN_APP.into())),
            BookFault::UnknownPath { .. }
        ));
        assert_eq!(
            fault(with(
                |v| v["paths"][2]["message"]["en"] = "Order {order} {secret}".into()
            )),
            BookFault::Placeholder("freeze".into(), "secret".into())
        );
        assert_eq!(
            fault(with(
                |v| v["paths"][2]["message"]["zh"] = "订单 {order".into()
            )),
            BookFault::Brace("freeze".into())
        );
        assert_eq!(
            fault(with(|v| v["paths"][2]["message"]["en"] = "{{order}}".into())),
            BookFault::Brace("freeze".into())
        );
        // A name that looks like a code is not echoed whole.
        assert_eq!(
            fault(with(
                |v| v["paths"][2]["message"]["en"] = "{QW23ER45TY67UP9Z}".into()
            )),
            BookFault::Placeholder("freeze".into(), "••••••••••••UP9Z".into())
        );
        // A template that would fill to megabytes: `{screenshots}` once only.
        assert_eq!(
            fault(with(
                |v| v["paths"][2]["message"]["en"] = "{order} {screenshots} {screenshots}".into()
            )),
            BookFault::Placeholder("freeze".into(), "screenshots".into())
        );
        assert!(matches!(
            fault(with(
                |v| v["paths"][2]["message"]["en"] = "{order}".repeat(33).into()
            )),
            BookFault::Placeholder(..)
        ));
        assert_eq!(
            fault(with(|v| v["paths"][3]["deadline"]["hours"] = 0.into())),
            BookFault::Hours("difference_refund".into())
        );
        assert_eq!(
            fault(with(|v| v["paths"][2]["title"]["zh"] = " ".into())),
            BookFault::Text("freeze".into(), "title")
        );
        assert_eq!(
            fault(with(
                |v| v["paths"][2]["first_step"]["en"] = "x".repeat(MAX_TEXT_CHARS + 1).into()
            )),
            BookFault::Text("freeze".into(), "first_step")
        );
        assert_eq!(
            fault(with(|v| {
                let paths = v["paths"].as_array_mut().unwrap();
                paths.retain(|p| p["id"] != CHANNEL_CANCEL);
            })),
            BookFault::MissingPath(CHANNEL_CANCEL)
        );
        assert_eq!(
            fault(with(|v| v["problems"][1]["id"] = "sent_by_mistake".into())),
            BookFault::Duplicate("sent_by_mistake".into())
        );
        assert!(matches!(
            fault(with(|v| v["paths"][2]["id"] = "../x".into())),
            BookFault::BadId(_)
        ));
        // Unknown fields are refused: a typo must not silently drop a text.
        assert!(matches!(
            fault(with(|v| v["paths"][2]["sucess"] = "x".into())),
            BookFault::Syntax(_)
        ));
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_a_long_syntax_error_is_cut() {
        assert!(parse_book(&format!("\u{feff}{BUILTIN_JSON}")).is_ok());
        let long_key = "K".repeat(50_000);
        let text = format!("{{\"{long_key}\": 1}}");
        let Err((_, BookFault::Syntax(fault))) = parse_book(&text) else {
            panic!("accepted an unknown field");
        };
        let said = fault.describe(&crate::i18n::Texts::new(crate::i18n::Lang::En));
        assert!(said.chars().count() <= 160, "{}", said.len());
    }

    #[test]
    fn the_line_of_a_bad_entry_is_named() {
        let text = with(|v| v["paths"][3]["deadline"]["hours"] = 100_000.into());
        let Err((line, _)) = parse_book(&text) else {
            panic!("accepted 100 000 hours");
        };
        let want = text
            .lines()
            .position(|l| l.contains("\"difference_refund\""))
            .unwrap()
            + 1;
        assert_eq!(line, Some(want));
    }

    #[test]
    fn a_users_book_wins_and_a_bad_one_falls_back_to_the_builtin() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join(REMEDIES_FILE);
        // Absent: the built-in book, nothing said, nothing created.
        assert_eq!(load_book(&file), (RemedyBook::builtin(), None));
        assert!(!file.exists());
        let mine = with(|v| v["paths"][2]["time"]["en"] = "three days".into());
        std::fs::write(&file, &mine).unwrap();
        let (book, problem) = load_book(&file);
        assert_eq!(problem, None);
        assert_eq!(
            book.path("freeze").unwrap().time.as_ref().unwrap().en,
            "three days"
        );
        std::fs::write(&file, "{ not json").unwrap();
        let (book, problem) = load_book(&file);
        assert_eq!(book, RemedyBook::builtin());
        let p = problem.unwrap();
        assert_eq!(p.line, Some(1));
        let said = p.describe(&Texts::new(Lang::Zh));
        assert!(said.contains(REMEDIES_FILE), "{said}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert_eq!(load_book(&file).1.unwrap().fault, BookFault::NotUtf8);
        std::fs::write(&file, vec![b' '; MAX_BOOK_BYTES as usize + 1]).unwrap();
        assert!(matches!(
            load_book(&file).1.unwrap().fault,
            BookFault::File(_)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_refused_before_reading() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("elsewhere.json");
        std::fs::write(&target, BUILTIN_JSON).unwrap();
        let file = d.path().join(REMEDIES_FILE);
        std::os::unix::fs::symlink(&target, &file).unwrap();
        let (book, problem) = load_book(&file);
        assert_eq!(book, RemedyBook::builtin());
        assert!(matches!(problem.unwrap().fault, BookFault::File(_)));
        std::fs::remove_file(&file).unwrap();
        let c = std::ffi::CString::new(file.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Refused without blocking on the FIFO's open.
        assert!(matches!(
            load_book(&file).1.unwrap().fault,
            BookFault::File(_)
        ));
    }
}
