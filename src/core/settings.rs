//! User settings, persisted as JSON in the config dir. A damaged file is
//! moved aside to `settings.json.bak`, reported, and defaults are used.

use super::event::ReleaseMode;
use super::guard::Sensitivity;
use super::ids::ChannelId;
use super::money::Fen;
use crate::core::safe_file::{FileError, FileFault, Links, read_capped_opt};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SETTINGS_FILE: &str = "settings.json";

/// Light or dark: the system's choice unless the person picked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The i18n key of its name in Settings.
    pub fn label_key(self) -> &'static str {
        match self {
            Theme::System => "settings.theme_system",
            Theme::Light => "settings.theme_light",
            Theme::Dark => "settings.theme_dark",
        }
    }
}
pub const HOLD_RANGE_S: std::ops::RangeInclusive<u32> = 5..=60;
pub const CLIPBOARD_RANGE_S: std::ops::RangeInclusive<u32> = 10..=300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// None: follow the system locale.
    pub language: Option<Lang>,
    /// Local undo window after confirmation, seconds (5–60).
    pub hold_s: u32,
    /// Face values above this must be typed a second time.
    pub retype_threshold_fen: Fen,
    /// How long a manually handed-off code may stay on the clipboard.
    pub clipboard_clear_s: u32,
    pub release_mode: ReleaseMode,
    pub last_channel: Option<ChannelId>,
    /// How hard the second confirmation guards.
    pub sensitivity: Sensitivity,
    /// Batch thresholds (0 = none): one batch's total, the day's total
    /// across all releases, and each channel's daily cap. Crossing one
    /// needs an acknowledgement that is journaled.
    pub batch_limit_fen: Fen,
    pub daily_limit_fen: Fen,
    pub channel_daily_cap_fen: Fen,
    /// Per-channel caps that differ from `channel_daily_cap_fen`.
    pub channel_caps: std::collections::BTreeMap<ChannelId, Fen>,
    /// Time-stamp authorities (RFC 3161, `http://`) asked to stamp every
    /// checkpoint, in order; none by default (nothing leaves the machine).
    pub tsa_urls: Vec<String>,
    /// Light, dark or the system's (the look only; never journaled).
    pub theme: Theme,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: None,
            hold_s: 10,
            retype_threshold_fen: Fen(50_000),
            clipboard_clear_s: 60,
            release_mode: ReleaseMode::Simulated,
            last_channel: None,
            sensitivity: Sensitivity::Standard,
            batch_limit_fen: Fen(500_000),
            daily_limit_fen: Fen(2_000_000),
            channel_daily_cap_fen: Fen(1_000_000),
            channel_caps: Default::default(),
            tsa_urls: Vec::new(),
            theme: Theme::System,
        }
    }
}

impl Settings {
    /// Brings every value into its allowed range.
    pub fn clamped(mut self) -> Self {
        self.hold_s = self
            .hold_s
            .clamp(*HOLD_RANGE_S.start(), *HOLD_RANGE_S.end());
        self.clipboard_clear_s = self
            .clipboard_clear_s
            .clamp(*CLIPBOARD_RANGE_S.start(), *CLIPBOARD_RANGE_S.end());
        // A negative amount is not "no limit" (0): it falls back to the
        // default, so a bad edit never silently turns a protection off.
        let d = Settings::default();
        for (f, default) in [
            (&mut self.retype_threshold_fen, d.retype_threshold_fen),
            (&mut self.batch_limit_fen, d.batch_limit_fen),
            (&mut self.daily_limit_fen, d.daily_limit_fen),
            (&mut self.channel_daily_cap_fen, d.channel_daily_cap_fen),
        ] {
            if f.0 < 0 {
                *f = default;
            }
        }
        self.channel_caps.retain(|_, f| f.0 >= 0);
        // Only addresses the app would ask: a hand-edited file cannot make
        // it send anything elsewhere or anything odd.
        let mut seen = std::collections::BTreeSet::new();
        self.tsa_urls
            .retain(|u| is_tsa_url(u) && seen.insert(u.clone()));
        self.tsa_urls.truncate(MAX_TSAS);
        self
    }

    /// This channel's daily cap (0 = none).
    pub fn channel_cap(&self, channel: &ChannelId) -> Fen {
        self.channel_caps
            .get(channel)
            .copied()
            .unwrap_or(self.channel_daily_cap_fen)
    }

    /// The fields (named as in the settings file) that differ from `old`,
    /// except [`NOT_JOURNALED`] ones. Compared as the whole serialised
    /// struct, so a field added later is never missed.
    pub fn journaled_changes(&self, old: &Settings) -> Vec<String> {
        let (Some(new), Some(old)) = (fields(self), fields(old)) else {
            // Serialising plain fields, enums and a string-keyed map cannot
            // fail; if it ever did, say something changed rather than nothing.
            return vec!["settings".to_owned()];
        };
        new.iter()
            .filter(|(k, v)| !NOT_JOURNALED.contains(&k.as_str()) && old.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Replaces the settings file in one step, 0600, never through a
    /// symlink (a link at `path` is refused and left as it is).
    pub fn save(&self, path: &Path) -> Result<(), crate::core::safe_file::FileError> {
        use crate::core::safe_file::{FileError, write_private_atomic};
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| FileError::Io(path.to_path_buf(), std::io::Error::other(e)))?;
        write_private_atomic(path, text.as_bytes())
    }
}

/// The most time-stamp authorities asked (each is tried in turn).
pub const MAX_TSAS: usize = 5;

/// A TSA address the app will use: `http://host[:port][/path]`, printable
/// ASCII without spaces, at most 200 characters.
pub fn is_tsa_url(u: &str) -> bool {
    u.len() <= 200
        && u.strip_prefix("http://").is_some_and(|rest| {
            let host = rest.split('/').next().unwrap_or_default();
            !host.is_empty() && !host.contains('@')
        })
        && u.bytes().all(|b| b.is_ascii_graphic())
}

/// Public time-stamp authorities offered in Settings (plain HTTP: the
/// tokens are signed, so transport security adds nothing to them).
pub const KNOWN_TSAS: [(&str, &str); 4] = [
    ("FreeTSA", "http://freetsa.org/tsr"),
    ("DigiCert", "http://timestamp.digicert.com"),
    ("Sectigo", "http://timestamp.sectigo.com"),
    ("SSL.com", "http://ts.ssl.com"),
];

/// Remembered, not decided: changing these journals nothing (the last
/// channel used; the look).
pub const NOT_JOURNALED: [&str; 2] = ["last_channel", "theme"];

/// Every field by its name in the settings file.
fn fields(s: &Settings) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::to_value(s) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The settings file is a few hundred bytes; anything larger is refused unread.
pub const MAX_SETTINGS_BYTES: u64 = 64 * 1024;

/// A settings file that could not be used: a damaged one was kept aside
/// as `backup`; a link or non-regular file was refused and left untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    pub file: PathBuf,
    pub backup: Option<PathBuf>,
    /// In English; [`SettingsProblem::describe`] says it in the person's language.
    pub message: String,
    /// What did not read, when the file was read.
    pub json: Option<super::json_fault::JsonFault>,
    /// Set when the file was refused before reading.
    pub refused: Option<FileFault>,
}

impl SettingsProblem {
    /// The notice in `tr`'s language.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        let error = match &self.json {
            Some(j) => j.describe(tr),
            None => self.message.clone(),
        };
        match &self.refused {
            Some(f) => tr.fmt("settings.refused", &[("why", &f.describe(tr))]),
            None => tr.fmt(
                "notice.settings_damaged",
                &[
                    ("file", &self.file.display()),
                    ("error", &error),
                    (
                        "backup",
                        &self
                            .backup
                            .as_ref()
                            .map(|b| b.display().to_string())
                            .unwrap_or_else(|| "-".into()),
                    ),
                ],
            ),
        }
    }
}

/// Reads the settings file: never through a link, a regular file only,
/// capped. `Ok(None)` when there is none.
fn read(path: &Path) -> Result<Option<Vec<u8>>, FileError> {
    read_capped_opt(path, MAX_SETTINGS_BYTES, Links::Refuse)
}

/// Reads settings without moving a damaged file aside (read-only checks).
pub fn load_settings_read_only(path: &Path) -> Settings {
    read(path)
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
        .map(Settings::clamped)
        .unwrap_or_default()
}

pub fn load_settings(path: &Path) -> (Settings, Option<SettingsProblem>) {
    let bytes = match read(path) {
        Ok(Some(b)) => b,
        Ok(None) => return (Settings::default(), None),
        Err(e) => {
            // A link, FIFO, folder or huge file: not ours to move or read.
            let p = SettingsProblem {
                file: path.to_path_buf(),
                backup: None,
                message: e.to_string(),
                json: None,
                refused: Some((&e).into()),
            };
            return (Settings::default(), Some(p));
        }
    };
    match serde_json::from_slice::<Settings>(&bytes) {
        Ok(s) => (s.clamped(), None),
        Err(e) => {
            let backup = path.with_extension("json.bak");
            let moved = std::fs::rename(path, &backup).is_ok();
            let p = SettingsProblem {
                file: path.to_path_buf(),
                backup: moved.then_some(backup),
                message: format!("line {}: {e}", e.line()),
                json: Some(super::json_fault::JsonFault::from_serde(&e)),
                refused: None,
            };
            (Settings::default(), Some(p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::Event;
    use std::collections::BTreeSet;

    /// Each field set to another valid value. The test below fails until a
    /// new field has a line here, so its change is checked too.
    fn each_field_changed() -> Vec<(&'static str, Settings)> {
        let d = Settings::default();
        let more = |f: Fen| Fen(f.0 + 100);
        let mut caps = d.channel_caps.clone();
        caps.insert("kaquanmao".into(), Fen(100));
        let one = |name, s: Settings| (name, s);
        vec![
            one(
                "language",
                Settings {
                    language: Some(Lang::En),
                    ..d.clone()
                },
            ),
            one(
                "theme",
                Settings {
                    theme: Theme::Dark,
                    ..d.clone()
                },
            ),
            one(
                "hold_s",
                Settings {
                    hold_s: d.hold_s + 1,
                    ..d.clone()
                },
            ),
            one(
                "retype_threshold_fen",
                Settings {
                    retype_threshold_fen: more(d.retype_threshold_fen),
                    ..d.clone()
                },
            ),
            one(
                "clipboard_clear_s",
                Settings {
                    clipboard_clear_s: d.clipboard_clear_s + 1,
                    ..d.clone()
                },
            ),
            one(
                "release_mode",
                Settings {
                    release_mode: ReleaseMode::Manual,
                    ..d.clone()
                },
            ),
            one(
                "last_channel",
                Settings {
                    last_channel: Some("kaquanmao".into()),
                    ..d.clone()
                },
            ),
            one(
                "sensitivity",
                Settings {
                    sensitivity: Sensitivity::Strict,
                    ..d.clone()
                },
            ),
            one(
                "batch_limit_fen",
                Settings {
                    batch_limit_fen: more(d.batch_limit_fen),
                    ..d.clone()
                },
            ),
            one(
                "daily_limit_fen",
                Settings {
                    daily_limit_fen: more(d.daily_limit_fen),
                    ..d.clone()
                },
            ),
            one(
                "channel_daily_cap_fen",
                Settings {
                    channel_daily_cap_fen: more(d.channel_daily_cap_fen),
                    ..d.clone()
                },
            ),
            one(
                "channel_caps",
                Settings {
                    channel_caps: caps,
                    ..d.clone()
                },
            ),
            one(
                "tsa_urls",
                Settings {
                    tsa_urls: vec![KNOWN_TSAS[0].1.to_owned()],
                    ..d.clone()
                },
            ),
        ]
    }

    fn names(m: &serde_json::Value) -> BTreeSet<String> {
        m.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn every_field_is_diffed_and_every_journaled_one_is_in_the_event() {
        let d = Settings::default();
        let all = names(&serde_json::to_value(&d).unwrap());
        let cases = each_field_changed();
        let covered: BTreeSet<String> = cases.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            covered, all,
            "each field needs a case in each_field_changed"
        );
        for (name, changed) in &cases {
            let want: Vec<String> = if NOT_JOURNALED.contains(name) {
                vec![]
            } else {
                vec![name.to_string()]
            };
            assert_eq!(changed.journaled_changes(&d), want, "{name}");
            assert_eq!(d.journaled_changes(changed), want, "{name}");
        }
        let journaled: BTreeSet<String> = all
            .into_iter()
            .filter(|k| !NOT_JOURNALED.contains(&k.as_str()))
            .collect();
        // An empty authority list is left out of the line (older lines read
        // the same); with one, every journaled field is there.
        let full = Settings {
            tsa_urls: vec![KNOWN_TSAS[0].1.to_owned()],
            ..d.clone()
        };
        assert_eq!(names(&Event::settings_changed(&full).data()), journaled);
    }

    #[test]
    fn changing_any_journaled_setting_journals_it_once() {
        use crate::core::session::{Paths, Session};
        let dir = tempfile::tempdir().unwrap();
        let clock = crate::core::clock::ManualClock::fixed();
        let mut session = Session::open(Paths::in_one_dir(dir.path()), clock).unwrap();
        let journaled = || {
            std::fs::read_to_string(dir.path().join(crate::core::journal::JOURNAL_FILE))
                .unwrap()
                .matches("\"kind\":\"settings_changed\"")
                .count()
        };
        for (name, changed) in each_field_changed() {
            let before = journaled();
            session.update_settings(changed).unwrap();
            let want = usize::from(!NOT_JOURNALED.contains(&name));
            assert_eq!(journaled() - before, want, "{name}");
            session.update_settings(Settings::default()).unwrap();
        }
    }

    #[test]
    fn round_trip_and_clamp() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(SETTINGS_FILE);
        let s = Settings {
            hold_s: 30,
            language: Some(Lang::En),
            ..Settings::default()
        };
        s.save(&f).unwrap();
        assert_eq!(load_settings(&f), (s, None));
        std::fs::write(&f, r#"{"hold_s": 999, "clipboard_clear_s": 1}"#).unwrap();
        let (s, p) = load_settings(&f);
        assert!(p.is_none());
        assert_eq!((s.hold_s, s.clipboard_clear_s), (60, 10));
        // A negative limit is not "no limit": the default protects.
        std::fs::write(&f, r#"{"batch_limit_fen": -1, "daily_limit_fen": 0}"#).unwrap();
        let (s, _) = load_settings(&f);
        assert_eq!(s.batch_limit_fen, Settings::default().batch_limit_fen);
        assert_eq!(s.daily_limit_fen, Fen::ZERO, "0 is a person's choice: none");
    }

    #[test]
    fn damaged_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(SETTINGS_FILE);
        std::fs::write(&f, "{ hold_s: oops").unwrap();
        let (s, p) = load_settings(&f);
        assert_eq!(s, Settings::default());
        let p = p.expect("reported");
        let backup = p.backup.expect("moved aside");
        assert_eq!(std::fs::read_to_string(backup).unwrap(), "{ hold_s: oops");
        assert!(!f.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_settings_file_is_refused_untouched_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        let theirs = r#"{"hold_s": 30, "release_mode": "manual"}"#;
        std::fs::write(&target, theirs).unwrap();
        let f = dir.path().join(SETTINGS_FILE);
        std::os::unix::fs::symlink(&target, &f).unwrap();
        let (s, p) = load_settings(&f);
        assert_eq!(s, Settings::default(), "not read through the link");
        let p = p.expect("reported");
        assert_eq!(p.backup, None, "not moved aside");
        let en = p.describe(&crate::i18n::Texts::new(Lang::En));
        let zh = p.describe(&crate::i18n::Texts::new(Lang::Zh));
        assert!(
            en.contains("symbolic link") && en.contains("Default settings"),
            "{en}"
        );
        assert!(zh.contains("符号链接"), "{zh}");
        assert_eq!(load_settings_read_only(&f), Settings::default());
        // Saving does not write through it either.
        assert!(Settings::default().save(&f).is_err());
        assert!(
            std::fs::symlink_metadata(&f)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), theirs);
    }

    #[cfg(unix)]
    #[test]
    fn saved_settings_are_private_and_fifos_or_huge_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(SETTINGS_FILE);
        // SAFETY: umask only changes this process's creation mask.
        let old = unsafe { libc::umask(0o000) };
        let saved = Settings::default().save(&f);
        unsafe { libc::umask(old) };
        saved.unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&f, vec![b' '; MAX_SETTINGS_BYTES as usize + 1]).unwrap();
        let (_, p) = load_settings(&f);
        assert!(p.unwrap().refused.is_some());
        assert!(f.exists(), "an over-large file is not moved");
        std::fs::remove_file(&f).unwrap();
        let c = std::ffi::CString::new(f.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (s, p) = load_settings(&f);
        assert_eq!(s, Settings::default());
        assert_eq!(
            p.unwrap().refused.unwrap().message_key(),
            "file.not_regular"
        );
    }
}
