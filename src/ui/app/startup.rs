//! Start-up: open the data dir (or say why not), turn what the session
//! found while opening into notices, pick the first screen.

use super::App;
use crate::core::clock::SharedClock;
use crate::core::event::ReleaseMode;
use crate::core::journal::JournalError;
use crate::core::session::{Paths, Session, SessionError, StartupNote};
use crate::core::settings::Settings;
use crate::ui::command::{Level, Notice, Screen};

/// Opens the data dir; on failure, the notice the app shows instead.
pub(super) fn open_session(
    paths: Option<&Paths>,
    clock: &SharedClock,
    demo: bool,
) -> Result<Session, Notice> {
    let Some(paths) = paths else {
        return Err(Notice::new(Level::Error, "error.no_data_dir"));
    };
    let mut s = Session::open(paths.clone(), clock.clone()).map_err(|e| match &e {
        SessionError::Journal(JournalError::Locked(p)) => {
            Notice::new(Level::Error, "error.locked").arg("path", p.display())
        }
        SessionError::File(f) | SessionError::Journal(JournalError::File(f)) => {
            Notice::file(Level::Error, f)
        }
        SessionError::Journal(JournalError::LongTail(p, n)) => {
            Notice::new(Level::Error, "error.journal_long_tail")
                .arg("path", p.display())
                .arg("bytes", n)
        }
        other => Notice::new(Level::Error, "error.open_failed").arg("error", other),
    })?;
    if demo && s.settings().release_mode != ReleaseMode::Simulated {
        // Demo mode only ever uses the simulated channel.
        let settings = Settings {
            release_mode: ReleaseMode::Simulated,
            ..s.settings().clone()
        };
        let _ = s.update_settings(settings);
    }
    Ok(s)
}

/// The last channel used (if it still exists), the start-up notices, and
/// the orders list first when there are orders in play.
pub(super) fn first_screen(app: &mut App, settings: &Settings) {
    let Some(s) = &app.session else { return };
    app.state.order.draft.channel = settings
        .last_channel
        .clone()
        .filter(|c| s.profile(c).is_some())
        .or_else(|| s.profiles().first().map(|p| p.id.clone()));
    let released = s.ledger().orders().iter().any(|o| o.phase.is_released());
    for note in s.startup_notes.clone() {
        app.notify(startup_notice(note));
    }
    if released {
        app.state.screen = Screen::Orders;
    }
}

fn startup_notice(note: StartupNote) -> Notice {
    match note {
        StartupNote::Profiles(p) => Notice::said_by(Level::Warning, |tr| p.describe(tr)),
        StartupNote::Remedies(p) => Notice::said_by(Level::Warning, |tr| p.describe(tr)),
        StartupNote::Settings(p) => Notice::said_by(Level::Warning, |tr| p.describe(tr)),
        StartupNote::TornTailRepaired(t) => {
            Notice::new(Level::Warning, "notice.torn_tail").arg("bytes", t.dropped_bytes)
        }
        StartupNote::DamagedLines(lines) => Notice::new(Level::Error, "notice.damaged_lines")
            .arg("count", lines.len())
            .arg("line", lines.first().map(|l| l.line).unwrap_or(0)),
        StartupNote::FingerprintKeyReplaced => Notice::new(Level::Warning, "notice.key_replaced"),
        StartupNote::FingerprintKeyMadePrivate => {
            Notice::new(Level::Warning, "notice.key_made_private")
        }
        StartupNote::FolderMadePrivate(dir) => {
            Notice::new(Level::Info, "notice.folder_made_private").arg("path", dir.display())
        }
        StartupNote::HoldsInterrupted(ids) => {
            Notice::new(Level::Info, "notice.holds_interrupted").arg("orders", ids.join(", "))
        }
        StartupNote::BatchInterrupted {
            batch,
            released,
            not_sent,
        } => Notice::new(Level::Warning, "notice.batch_interrupted")
            .arg("batch", batch)
            .arg("released", released)
            .arg("not_sent", not_sent),
    }
}
