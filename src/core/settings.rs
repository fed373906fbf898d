//! User settings, persisted as JSON in the config dir. A damaged file is
//! moved aside to `settings.json.bak`, reported, and defaults are used.

use super::event::ReleaseMode;
use super::guard::Sensitivity;
use super::money::Fen;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SETTINGS_FILE: &str = "settings.json";
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
    pub last_channel: Option<String>,
    /// How hard the second confirmation guards.
    pub sensitivity: Sensitivity,
    /// Batch thresholds (0 = none): one batch's total, the day's total
    /// across all releases, and each channel's daily cap. Crossing one
    /// needs an acknowledgement that is journaled.
    pub batch_limit_fen: Fen,
    pub daily_limit_fen: Fen,
    pub channel_daily_cap_fen: Fen,
    /// Per-channel caps that differ from `channel_daily_cap_fen`.
    pub channel_caps: std::collections::BTreeMap<String, Fen>,
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
        self.retype_threshold_fen = self.retype_threshold_fen.max(Fen::ZERO);
        for f in [
            &mut self.batch_limit_fen,
            &mut self.daily_limit_fen,
            &mut self.channel_daily_cap_fen,
        ] {
            *f = (*f).max(Fen::ZERO);
        }
        self.channel_caps.retain(|_, f| f.0 >= 0);
        self
    }

    /// This channel's daily cap (0 = none).
    pub fn channel_cap(&self, channel: &str) -> Fen {
        self.channel_caps
            .get(channel)
            .copied()
            .unwrap_or(self.channel_daily_cap_fen)
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        // Write-then-rename so a crash never leaves half a settings file.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

/// A settings file that could not be read; it was kept aside as `backup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    pub file: PathBuf,
    pub backup: Option<PathBuf>,
    pub message: String,
}

/// Reads settings without moving a damaged file aside (read-only checks).
pub fn load_settings_read_only(path: &Path) -> Settings {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
        .map(Settings::clamped)
        .unwrap_or_default()
}

pub fn load_settings(path: &Path) -> (Settings, Option<SettingsProblem>) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Settings::default(), None),
        Err(e) => {
            let p = SettingsProblem {
                file: path.to_path_buf(),
                backup: None,
                message: e.to_string(),
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
            };
            (Settings::default(), Some(p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
