//! Channel profiles: how long a channel lets you cancel, what it costs,
//! its discount and latency. Built-ins ship in `assets/channels.json`; a
//! user-editable copy lives in the config dir and wins when it parses.

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
    pub id: String,
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

    pub fn can_cancel(&self) -> bool {
        self.effective_window_ms() > 0
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
        face.times_bp(self.discount_bp)
            .saturating_sub(Fen(self.service_fee_fen))
            .max(Fen::ZERO)
    }

    pub fn cancel_fee(&self, face: Fen) -> Fen {
        self.cancel_fee.for_face_value(face)
    }

    fn validate(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("empty \"id\"".into());
        }
        if self.discount_bp == 0 || self.discount_bp > 10_000 {
            return Err(format!(
                "\"discount_bp\" {} is not between 1 and 10000",
                self.discount_bp
            ));
        }
        if let Fee::Percent { basis_points } = self.cancel_fee
            && basis_points > 10_000
        {
            return Err(format!("cancel fee {basis_points} bp is over 100 %"));
        }
        if let Err(c) = Alphabet::new(&self.alphabet) {
            return Err(format!(
                "\"alphabet\" has {c:?}, only letters and digits are allowed"
            ));
        }
        if self.denominations_fen.is_empty() || self.denominations_fen.iter().any(|&d| d <= 0) {
            return Err("\"denominations_fen\" must list positive amounts".into());
        }
        if self.cancel_window_s > 7 * 24 * 3600 {
            return Err("\"cancel_window_s\" is over a week".into());
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
struct ProfileFile {
    channels: Vec<ChannelProfile>,
}

/// A user profile file that could not be used; the built-ins are used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub file: PathBuf,
    /// 1-based line of the problem when known.
    pub line: Option<usize>,
    pub message: String,
}

pub fn parse_profiles(text: &str) -> Result<Vec<ChannelProfile>, (Option<usize>, String)> {
    let file: ProfileFile =
        serde_json::from_str(text).map_err(|e| (Some(e.line()), e.to_string()))?;
    if file.channels.is_empty() {
        return Err((None, "no channels listed".into()));
    }
    let mut seen = Vec::new();
    for p in &file.channels {
        p.validate().map_err(|m| {
            (
                line_of_id(text, &p.id),
                format!("channel \"{}\": {m}", p.id),
            )
        })?;
        if seen.contains(&&p.id) {
            return Err((
                line_of_id(text, &p.id),
                format!("channel id \"{}\" appears twice", p.id),
            ));
        }
        seen.push(&p.id);
    }
    Ok(file.channels)
}

fn line_of_id(text: &str, id: &str) -> Option<usize> {
    let needle = format!("\"{id}\"");
    text.lines()
        .position(|l| l.contains("\"id\"") && l.contains(&needle))
        .map(|i| i + 1)
}

pub fn builtin_profiles() -> Vec<ChannelProfile> {
    // The built-in file is checked by a unit test; an empty list cannot happen in a release.
    parse_profiles(BUILTIN_JSON).unwrap_or_default()
}

/// Loads the user's profile file, creating it from the built-ins when absent.
/// A damaged file is left untouched and reported; the built-ins are used.
/// Reads the user's profile file without creating it (read-only checks).
pub fn read_profiles(user_file: &Path) -> (Vec<ChannelProfile>, Option<ProfileProblem>) {
    if !user_file.exists() {
        return (builtin_profiles(), None);
    }
    load_profiles(user_file)
}

pub fn load_profiles(user_file: &Path) -> (Vec<ChannelProfile>, Option<ProfileProblem>) {
    match std::fs::read(user_file) {
        Ok(bytes) => {
            let problem = |line, message| ProfileProblem {
                file: user_file.to_path_buf(),
                line,
                message,
            };
            match String::from_utf8(bytes) {
                Err(e) => (
                    builtin_profiles(),
                    Some(problem(None, format!("not UTF-8 text: {e}"))),
                ),
                Ok(text) => match parse_profiles(&text) {
                    Ok(p) => (p, None),
                    Err((line, msg)) => (builtin_profiles(), Some(problem(line, msg))),
                },
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Best effort: an unwritable config dir only means no editable copy.
            let _ = std::fs::write(user_file, BUILTIN_JSON);
            (builtin_profiles(), None)
        }
        Err(e) => (
            builtin_profiles(),
            Some(ProfileProblem {
                file: user_file.to_path_buf(),
                line: None,
                message: e.to_string(),
            }),
        ),
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
        assert!(!p[3].can_cancel());
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
        assert!(err.1.contains("jd_app"), "{err:?}");
        assert_eq!(err.0, line_of_id(&text, "jd_app"));
    }

    #[test]
    fn missing_user_file_is_created_from_builtins() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("channels.json");
        let (p, problem) = load_profiles(&f);
        assert!(problem.is_none());
        assert_eq!(p.len(), 6);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), BUILTIN_JSON);
    }
}
