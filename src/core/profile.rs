//! Channel profiles: how long a channel lets you cancel, what it costs,
//! its discount and latency. Built-ins ship in `assets/channels.json`; a
//! user-editable copy lives in the config dir and wins when it parses.

use super::batch::cells::MAX_FACE;
use super::code::Alphabet;
use super::money::Fen;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const BUILTIN_JSON: &str = include_str!("../../assets/channels.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fee {
    None,
    Percent { basis_points: u32 },
    Fixed { fen: i64 },
}

impl Fee {
    pub fn for_face_value(self, face: Fen) -> Fen {
        match self {
            Fee::None => Fen::ZERO,
            Fee::Percent { basis_points } => face.times_bp(basis_points),
            Fee::Fixed { fen } => Fen(fen),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    T0,
    T1,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelProfile {
    pub id: super::ids::ChannelId,
    pub name: Localized,
    /// Seconds after submission during which the channel accepts a cancel; 0 = never.
    pub cancel_window_s: u32,
    /// The window also closes as soon as the channel has verified the card.
    #[serde(default)]
    pub cancel_only_unverified: bool,
    pub cancel_fee: Fee,
    /// Payout rate in basis points of face value (9300 = 93 %).
    pub discount_bp: u32,
    #[serde(default)]
    pub service_fee_fen: i64,
    pub verification_latency_ms: u64,
    pub settlement: Settlement,
    #[serde(default)]
    pub needs_verification_code: bool,
    pub alphabet: String,
    pub denominations_fen: Vec<i64>,
    pub policy: Localized,
    pub cancel_steps: Localized,
}

impl ChannelProfile {
    pub fn alphabet(&self) -> Alphabet {
        Alphabet::new(&self.alphabet).unwrap_or_else(|_| Alphabet::full())
    }

    /// How long cancelling stays possible after submission: the window, cut
    /// short by verification when the channel only cancels unverified orders.
    pub fn effective_window_ms(&self) -> u64 {
        let window = self.cancel_window_s as u64 * 1000;
        if self.cancel_only_unverified {
            window.min(self.verification_latency_ms)
        } else {
            window
        }
    }

    /// Face value × discount − service fee, never below zero.
    pub fn payout(&self, face: Fen) -> Fen {
        (face.times_bp(self.discount_bp) - Fen(self.service_fee_fen)).max(Fen::ZERO)
    }

    pub fn cancel_fee(&self, face: Fen) -> Fen {
        self.cancel_fee.for_face_value(face)
    }

    /// The first field out of its bounds, as (field, problem).
    fn validate(&self) -> Result<(), (&'static str, FieldProblem)> {
        use FieldProblem::*;
        let range = |field, v: i128, min: i128, max: i128| {
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err((field, Range { min, max, found: v }))
            }
        };
        // Plain ids only: an id is printed, journaled and compared; a
        // control or bidi character could make it read as another.
        if !super::journal::is_plain_id(self.id.as_str())
            || self.id.as_str().chars().count() > MAX_ID_CHARS
        {
            return Err(("id", BadId));
        }
        range("discount_bp", self.discount_bp as i128, 1, 10_000)?;
        match self.cancel_fee {
            Fee::Percent { basis_points } => {
                range("cancel_fee.basis_points", basis_points as i128, 0, 10_000)?
            }
            Fee::Fixed { fen } => range("cancel_fee.fen", fen as i128, 0, MAX_FEE_FEN as i128)?,
            Fee::None => {}
        }
        range(
            "service_fee_fen",
            self.service_fee_fen as i128,
            0,
            MAX_FEE_FEN as i128,
        )?;
        range(
            "cancel_window_s",
            self.cancel_window_s as i128,
            0,
            MAX_WINDOW_S as i128,
        )?;
        range(
            "verification_latency_ms",
            self.verification_latency_ms as i128,
            0,
            MAX_LATENCY_MS as i128,
        )?;
        if Alphabet::new(&self.alphabet).is_err() {
            return Err(("alphabet", BadAlphabet));
        }
        if self.denominations_fen.is_empty() || self.denominations_fen.len() > MAX_DENOMINATIONS {
            return Err(("denominations_fen", BadDenominations));
        }
        for &d in &self.denominations_fen {
            range("denominations_fen", d as i128, 1, MAX_FACE.0 as i128)?;
        }
        Ok(())
    }
}

/// Bounds on a profile's values: a channel charges at most ¥10 000 in
/// fixed fees, keeps an order cancellable at most a week and verifies
/// within 30 days; denominations are card-sized.
const MAX_FEE_FEN: i64 = 1_000_000;
const MAX_WINDOW_S: u32 = 7 * 24 * 3600;
const MAX_LATENCY_MS: u64 = 30 * 24 * 3600 * 1000;
const MAX_DENOMINATIONS: usize = 100;
const MAX_ID_CHARS: usize = 64;
const MAX_CHANNELS: usize = 100;
/// The user's profile file is small text; anything larger is refused unread.
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// What is wrong with one field of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Range { min: i128, max: i128, found: i128 },
    BadId,
    BadAlphabet,
    BadDenominations,
}

#[derive(Debug, Deserialize)]
struct ProfileFile {
    channels: Vec<ChannelProfile>,
}

/// Why the user's profile file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileFault {
    /// Not JSON of the expected shape (serde's words).
    Syntax(super::json_fault::JsonFault),
    NotUtf8,
    NoChannels,
    TooManyChannels(usize),
    Duplicate(String),
    /// A channel (by id) whose field is out of bounds.
    Field {
        channel: String,
        field: &'static str,
        problem: FieldProblem,
    },
    /// Refused before reading (a link, not a regular file, too large) or
    /// unreadable.
    File(Box<crate::core::safe_file::FileFault>),
}

/// A user profile file that could not be used; the built-ins are used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub file: PathBuf,
    /// 1-based line of the problem when known.
    pub line: Option<usize>,
    /// In English (for logs and older callers); [`ProfileProblem::describe`]
    /// says it in the person's language.
    pub message: String,
    pub fault: ProfileFault,
}

impl ProfileProblem {
    fn new(file: &Path, line: Option<usize>, fault: ProfileFault) -> Self {
        let mut p = Self {
            file: file.to_path_buf(),
            line,
            message: String::new(),
            fault,
        };
        p.message = p.reason(&crate::i18n::Texts::new(Lang::En));
        p
    }

    /// What is wrong, naming the channel and field, in `tr`'s language.
    pub fn reason(&self, tr: &crate::i18n::Texts) -> String {
        match &self.fault {
            ProfileFault::Syntax(e) => e.describe(tr),
            ProfileFault::NotUtf8 => tr.get("profile.not_utf8").to_owned(),
            ProfileFault::NoChannels => tr.get("profile.no_channels").to_owned(),
            ProfileFault::TooManyChannels(n) => {
                tr.fmt("profile.too_many", &[("count", n), ("max", &MAX_CHANNELS)])
            }
            ProfileFault::Duplicate(id) => tr.fmt("profile.duplicate", &[("channel", id)]),
            ProfileFault::Field {
                channel,
                field,
                problem,
            } => {
                let why = match problem {
                    FieldProblem::Range { min, max, found } => tr.fmt(
                        "profile.range",
                        &[("min", min), ("max", max), ("found", found)],
                    ),
                    FieldProblem::BadId => tr.get("profile.bad_id").to_owned(),
                    FieldProblem::BadAlphabet => tr.get("profile.bad_alphabet").to_owned(),
                    FieldProblem::BadDenominations => {
                        tr.get("profile.bad_denominations").to_owned()
                    }
                };
                tr.fmt(
                    "profile.field",
                    &[("channel", channel), ("field", field), ("why", &why)],
                )
            }
            ProfileFault::File(f) => f.describe(tr),
        }
    }

    /// The whole notice in `tr`'s language: file, line, channel, field, and
    /// that the built-ins are in use.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        let line = self
            .line
            .map(|l| l.to_string())
            .unwrap_or_else(|| "?".into());
        tr.fmt(
            "notice.profiles_damaged",
            &[
                ("file", &self.file.display()),
                ("line", &line),
                ("error", &self.reason(tr)),
            ],
        )
    }
}

/// The error is (line, fault); boxed, as a fault is large and rare.
pub fn parse_profiles(
    text: &str,
) -> Result<Vec<ChannelProfile>, (Option<usize>, Box<ProfileFault>)> {
    let file: ProfileFile = serde_json::from_str(text).map_err(|e| {
        (
            Some(e.line()),
            Box::new(ProfileFault::Syntax(
                super::json_fault::JsonFault::from_serde(&e),
            )),
        )
    })?;
    if file.channels.is_empty() {
        return Err((None, Box::new(ProfileFault::NoChannels)));
    }
    if file.channels.len() > MAX_CHANNELS {
        return Err((
            None,
            Box::new(ProfileFault::TooManyChannels(file.channels.len())),
        ));
    }
    let mut seen = Vec::new();
    for p in &file.channels {
        p.validate().map_err(|(field, problem)| {
            (
                line_of_id(text, p.id.as_str()),
                Box::new(ProfileFault::Field {
                    channel: p.id.as_str().chars().take(MAX_ID_CHARS).collect(),
                    field,
                    problem,
                }),
            )
        })?;
        if seen.contains(&&p.id) {
            return Err((
                line_of_id(text, p.id.as_str()),
                Box::new(ProfileFault::Duplicate(p.id.to_string())),
            ));
        }
        seen.push(&p.id);
    }
    Ok(file.channels)
}

/// The 1-based line of the `"id": "<id>"` entry (also the remedy book's).
pub(crate) fn line_of_id(text: &str, id: &str) -> Option<usize> {
    let needle = format!("\"{id}\"");
    text.lines()
        .position(|l| l.contains("\"id\"") && l.contains(&needle))
        .map(|i| i + 1)
}

pub fn builtin_profiles() -> Vec<ChannelProfile> {
    // The built-in file is checked by a unit test; an empty list cannot happen in a release.
    parse_profiles(BUILTIN_JSON).unwrap_or_default()
}

/// Reads the user's profile file without creating it (read-only checks):
/// built-ins when it is absent, or (reported) when it cannot be used.
pub fn read_profiles(user_file: &Path) -> (Vec<ChannelProfile>, Option<ProfileProblem>) {
    load(user_file, false)
}

/// Loads the user's profile file, creating it from the built-ins when
/// absent (never through a symlink). A damaged file — or a link, a FIFO, an
/// over-large file — is left untouched and reported; the built-ins are used.
pub fn load_profiles(user_file: &Path) -> (Vec<ChannelProfile>, Option<ProfileProblem>) {
    load(user_file, true)
}

fn load(user_file: &Path, create: bool) -> (Vec<ChannelProfile>, Option<ProfileProblem>) {
    use crate::core::safe_file::{Links, create_new_private, read_capped_opt};
    let problem = |line, fault| {
        (
            builtin_profiles(),
            Some(ProfileProblem::new(user_file, line, fault)),
        )
    };
    match read_capped_opt(user_file, MAX_PROFILE_BYTES, Links::Refuse) {
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Err(_) => problem(None, ProfileFault::NotUtf8),
            Ok(text) => match parse_profiles(&text) {
                Ok(p) => (p, None),
                Err((line, fault)) => problem(line, *fault),
            },
        },
        Ok(None) => {
            if create {
                // Best effort: an unwritable config dir only means no editable
                // copy. create_new never follows a link nor replaces anything.
                if let Ok(mut f) = create_new_private(user_file) {
                    use std::io::Write;
                    let _ = f.write_all(BUILTIN_JSON.as_bytes());
                }
            }
            (builtin_profiles(), None)
        }
        Err(e) => problem(None, ProfileFault::File(Box::new((&e).into()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_cover_the_article_channels() {
        let p = parse_profiles(BUILTIN_JSON).expect("built-in profiles parse");
        let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "jd_app",
                "jd_web",
                "kaquanmao",
                "duidui",
                "suhuishou",
                "jd_intl"
            ]
        );
        let kqm = &p[2];
        assert_eq!(kqm.effective_window_ms(), 480_000);
        assert_eq!(kqm.cancel_fee(Fen(50_000)), Fen(5_000));
        assert_eq!(kqm.payout(Fen(50_000)), Fen(46_000));
        assert_eq!(p[3].effective_window_ms(), 0, "cannot cancel");
        // 速回收: 15 min window cut short by verification.
        assert_eq!(p[4].effective_window_ms(), 360_000);
        assert_eq!(p[4].cancel_fee(Fen(10_000)), Fen(500));
    }

    #[test]
    fn malformed_user_file_names_line_and_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("channels.json");
        let bad = "{\n  \"channels\": [\n    { \"id\": \"x\",, }\n  ]\n}\n";
        std::fs::write(&f, bad).unwrap();
        let (profiles, problem) = load_profiles(&f);
        assert_eq!(profiles, builtin_profiles());
        let problem = problem.expect("reported");
        assert_eq!(problem.line, Some(3));
        assert_eq!(problem.file, f);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), bad);
    }

    #[test]
    fn semantic_errors_name_the_channel_line() {
        let text = BUILTIN_JSON.replacen("\"discount_bp\": 9500", "\"discount_bp\": 19500", 1);
        let err = parse_profiles(&text).unwrap_err();
        assert!(
            matches!(&*err.1, ProfileFault::Field { channel, field: "discount_bp", .. } if channel == "jd_app"),
            "{err:?}"
        );
        assert_eq!(err.0, line_of_id(&text, "jd_app"));
    }

    #[test]
    fn absurd_values_are_refused_naming_file_channel_and_field() {
        let cases = [
            ("\"discount_bp\": 9500", "\"discount_bp\": 0", "discount_bp"),
            (
                "\"service_fee_fen\": 0",
                "\"service_fee_fen\": -1",
                "service_fee_fen",
            ),
            (
                "\"service_fee_fen\": 0",
                "\"service_fee_fen\": 9223372036854775807",
                "service_fee_fen",
            ),
            (
                "\"cancel_window_s\": 5",
                "\"cancel_window_s\": 4294967295",
                "cancel_window_s",
            ),
            (
                "\"verification_latency_ms\": 7300",
                "\"verification_latency_ms\": 18446744073709551615",
                "verification_latency_ms",
            ),
            (
                "\"denominations_fen\": [",
                "\"denominations_fen\": [-5, ",
                "denominations_fen",
            ),
            (
                "\"denominations_fen\": [",
                "\"denominations_fen\": [9223372036854775807, ",
                "denominations_fen",
            ),
        ];
        for (from, to, field) in cases {
            assert!(BUILTIN_JSON.contains(from), "{from}");
            let text = BUILTIN_JSON.replacen(from, to, 1);
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join("channels.json");
            std::fs::write(&f, &text).unwrap();
            let (profiles, problem) = load_profiles(&f);
            assert_eq!(
                profiles,
                builtin_profiles(),
                "{field}: the built-ins are used"
            );
            let p = problem.expect("reported");
            assert!(
                matches!(&p.fault, ProfileFault::Field { channel, field: f, .. } if channel == "jd_app" && *f == field),
                "{field}: {p:?}"
            );
            let en = p.describe(&crate::i18n::Texts::new(Lang::En));
            let zh = p.describe(&crate::i18n::Texts::new(Lang::Zh));
            for s in [&en, &zh] {
                assert!(s.contains("jd_app") && s.contains(field), "{s}");
                assert!(s.contains(&f.display().to_string()), "{s}");
            }
            assert_eq!(std::fs::read_to_string(&f).unwrap(), text, "left untouched");
        }
        // Fees in the other shapes.
        let fixed = BUILTIN_JSON.replacen("\"fen\": 500", "\"fen\": -500", 1);
        assert!(matches!(
            *parse_profiles(&fixed).unwrap_err().1,
            ProfileFault::Field {
                field: "cancel_fee.fen",
                ..
            }
        ));
        let pct = BUILTIN_JSON.replacen("\"basis_points\": 1000", "\"basis_points\": 10001", 1);
        assert!(matches!(
            *parse_profiles(&pct).unwrap_err().1,
            ProfileFault::Field {
                field: "cancel_fee.basis_points",
                ..
            }
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_refused_reported_and_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        std::fs::write(&target, BUILTIN_JSON).unwrap();
        let f = dir.path().join("channels.json");
        std::os::unix::fs::symlink(&target, &f).unwrap();
        let (p, problem) = load_profiles(&f);
        assert_eq!(p, builtin_profiles());
        let problem = problem.expect("a link is reported");
        assert!(
            matches!(&problem.fault, ProfileFault::File(x) if x.message_key() == "file.symlink")
        );
        assert!(
            problem
                .describe(&crate::i18n::Texts::new(Lang::Zh))
                .contains("符号链接"),
            "{problem:?}"
        );
        // A dangling link: the built-ins are not written through it.
        let absent = dir.path().join("absent.json");
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink(&absent, &f).unwrap();
        let (_, problem) = load_profiles(&f);
        assert!(problem.is_some());
        assert!(!absent.exists(), "nothing created through the link");
        // A FIFO: refused without blocking.
        std::fs::remove_file(&f).unwrap();
        let c = std::ffi::CString::new(f.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (_, problem) = read_profiles(&f);
        assert!(
            matches!(&problem.unwrap().fault, ProfileFault::File(x) if x.message_key() == "file.not_regular")
        );
    }

    #[test]
    fn missing_user_file_is_created_from_builtins() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("channels.json");
        let (p, problem) = load_profiles(&f);
        assert!(problem.is_none());
        assert_eq!(p.len(), 6);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), BUILTIN_JSON);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
