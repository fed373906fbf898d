//! The operator's batch desk: the imported batch, its journaled id, the
//! channel, the test-card choice and, once confirmed, its run. Every rule
//! of the batch screens lives here (what is journaled on import and on an
//! acknowledged threshold, when the batch may go to review, what the
//! confirmation asks); the screens only draw it and send commands.

use super::limits::{Crossing, LimitKind, covered, crossings};
use super::run::{BatchRun, PauseReason, RunPhase};
use super::{Batch, ImportError, Totals, import};
use crate::core::code::mask_code_like_runs;
use crate::core::event::Event;
use crate::core::flow::{Confirmation, Subject, TypeToConfirm};
use crate::core::ids::{BatchId, ChannelId};
use crate::core::money::Fen;
use crate::core::profile::ChannelProfile;
use crate::core::session::{Session, SessionError};
use zeroize::Zeroizing;

#[derive(Debug, Default)]
pub struct BatchDesk {
    pub batch: Option<Batch>,
    /// The journaled id of the current import (the run's id once confirmed).
    pub id: Option<BatchId>,
    pub channel: Option<ChannelId>,
    /// None: the default (on for a channel's first batch).
    pub test_first: Option<bool>,
    pub run: Option<BatchRun>,
}

/// Why a file or paste was not loaded (the previous batch stays).
#[derive(Debug)]
pub enum LoadError {
    /// Not a batch: `ImportError::key` says why (its `{file}` names the source).
    Import(ImportError),
    /// The journal refused `batch_imported`.
    Journal(SessionError),
}

impl LoadError {
    /// The i18n key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            LoadError::Import(e) => e.key(),
            LoadError::Journal(_) => "error.journal_write",
        }
    }
}

/// What one step of the run did, for the screen to follow up.
#[derive(Default)]
pub struct Advanced {
    /// Codes released by manual hand-off, for the clipboard (wiped on drop).
    pub for_clipboard: Vec<Zeroizing<String>>,
    /// The run just finished or paused (the moment worth a screenshot).
    pub now_finished_or_paused: Option<RunPhase>,
}

// Never print the codes meant for the clipboard.
impl std::fmt::Debug for Advanced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Advanced")
            .field("for_clipboard", &self.for_clipboard.len())
            .field("now_finished_or_paused", &self.now_finished_or_paused)
            .finish()
    }
}

/// Why a batch with these totals and crossings cannot go to review (an
/// i18n key), if it cannot.
pub fn readiness(t: &Totals, crossings: &[(Crossing, bool)]) -> Option<&'static str> {
    if t.rows == 0 {
        Some("batch.not_ready_empty")
    } else if t.errors > 0 {
        Some("batch.not_ready")
    } else if crossings.iter().any(|(_, ok)| !ok) {
        Some("batch.not_ready_ack")
    } else {
        None
    }
}

impl BatchDesk {
    /// Imports bytes (a file or pasted text), validates every row and
    /// journals `batch_imported` with the source's file name, code-like runs
    /// masked. A bad file, or a refused write, changes nothing.
    pub fn load(
        &mut self,
        bytes: &[u8],
        source: &str,
        session: &mut Session,
    ) -> Result<(), LoadError> {
        let mut batch = import(bytes).map_err(LoadError::Import)?;
        let profile = self.profile(session).cloned();
        if let Some(p) = &profile {
            batch.validate(p, session.fingerprint_key(), session.ledger());
        }
        let t = profile
            .as_ref()
            .map(|p| batch.totals(p))
            .unwrap_or_default();
        let id = session.new_batch_id();
        let name = std::path::Path::new(source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.to_owned());
        let event = Event::BatchImported {
            batch: id.clone(),
            source: mask_code_like_runs(&name),
            encoding: batch.encoding.name().to_owned(),
            rows: t.rows,
            errors: t.errors,
            warnings: t.warnings,
        };
        session.record(None, event).map_err(LoadError::Journal)?;
        self.batch = Some(batch);
        self.id = Some(id);
        if let Some(p) = profile {
            self.channel = Some(p.id);
        }
        Ok(())
    }

    /// Another channel: its rules differ, so every row is checked again and
    /// the test-card default is the new channel's.
    pub fn choose_channel(&mut self, id: ChannelId, session: &Session) {
        self.channel = Some(id);
        self.test_first = None;
        self.revalidate(session);
    }

    /// Checks every row again (after a change of channel, a fix, a drop).
    pub fn revalidate(&mut self, session: &Session) {
        let Some(profile) = self.profile(session).cloned() else {
            return;
        };
        if let Some(b) = &mut self.batch {
            b.validate(&profile, session.fingerprint_key(), session.ledger());
        }
        self.channel = Some(profile.id);
    }

    /// The chosen channel, else the last one used, else the first there is.
    pub fn profile<'a>(&self, session: &'a Session) -> Option<&'a ChannelProfile> {
        self.channel
            .as_ref()
            .or(session.settings().last_channel.as_ref())
            .and_then(|c| session.profile(c))
            .or(session.profiles().first())
    }

    pub fn totals(&self, session: &Session) -> Option<Totals> {
        Some(self.batch.as_ref()?.totals(self.profile(session)?))
    }

    /// The thresholds this batch crosses now, each with whether it is acknowledged.
    pub fn crossings(&self, session: &Session) -> Vec<(Crossing, bool)> {
        self.totals(session)
            .map(|t| self.crossings_for(session, t.face_value))
            .unwrap_or_default()
    }

    /// The same, for a total already computed (each scans the ledger).
    pub fn crossings_for(&self, session: &Session, total: Fen) -> Vec<(Crossing, bool)> {
        let (Some(id), Some(p)) = (&self.id, self.profile(session)) else {
            return Vec::new();
        };
        let now = session.now();
        let acks = session
            .ledger()
            .batch(id)
            .map(|b| b.acks.clone())
            .unwrap_or_default();
        let offset = session.clock().offset_at(now);
        crossings(
            session.settings(),
            session.ledger(),
            &p.id,
            total,
            now,
            offset,
        )
        .into_iter()
        .map(|c| {
            let ok = covered(&c, &acks);
            (c, ok)
        })
        .collect()
    }

    /// Whether the test-card option is on (by default for a channel's first batch).
    pub fn test_first(&self, session: &Session) -> bool {
        self.test_first.unwrap_or_else(|| {
            self.profile(session)
                .is_some_and(|p| !session.ledger().channel_used(&p.id))
        })
    }

    /// Why the batch cannot go to review yet (an i18n key), if it cannot.
    /// None also when there is no batch (nothing to say).
    pub fn not_ready(&self, session: &Session) -> Option<&'static str> {
        let t = self.totals(session)?;
        readiness(&t, &self.crossings_for(session, t.face_value))
    }

    /// Drops a row (by its source row number).
    pub fn drop_row(&mut self, row: usize, session: &Session) {
        if let Some(b) = &mut self.batch {
            b.drop_row(row);
        }
        self.revalidate(session);
    }

    /// Replaces a row's code and face value texts, then checks again.
    pub fn apply_fix(
        &mut self,
        row: usize,
        code: Zeroizing<String>,
        face: String,
        session: &Session,
    ) {
        if let Some(r) = self
            .batch
            .as_mut()
            .and_then(|b| b.rows.iter_mut().find(|r| r.row == row))
        {
            r.code_raw = code;
            r.face_raw = face;
        }
        self.revalidate(session);
    }

    /// Journals the acknowledgement of a threshold this batch crosses and
    /// that is not acknowledged yet (once: after that it is covered).
    pub fn acknowledge(&self, session: &mut Session, kind: LimitKind) -> Result<(), SessionError> {
        let found = self
            .crossings(session)
            .into_iter()
            .find(|(c, ok)| c.kind == kind && !ok);
        let (Some((c, _)), Some(id), Some(channel)) = (found, &self.id, &self.channel) else {
            return Ok(());
        };
        let event = Event::LimitAcknowledged {
            batch: id.clone(),
            limit: kind.name().to_owned(),
            amount_fen: c.amount,
            limit_fen: c.limit,
            channel: channel.clone(),
        };
        session.record(None, event)
    }

    /// The guarded confirmation of the whole batch: its total is the value
    /// and what must be typed. None while not ready or already running.
    pub fn show_confirmation(
        &self,
        session: &mut Session,
        pointer_down: bool,
    ) -> Result<Option<Confirmation>, SessionError> {
        if self.run.is_some() || self.not_ready(session).is_some() {
            return Ok(None);
        }
        let (Some(id), Some(t), Some(profile)) =
            (&self.id, self.totals(session), self.profile(session))
        else {
            return Ok(None);
        };
        let context = session.batch_guard_context(t.face_value, profile, t.ok + t.warnings);
        let subject = Subject::Batch(id.clone());
        let expected = TypeToConfirm::Total(t.face_value);
        Confirmation::show(session, subject, &context, pointer_down, expected).map(Some)
    }

    /// The batch passed its confirmation: journal it and start the hold.
    /// From here its codes live in the run only.
    pub fn start_run(&mut self, session: &mut Session) -> Result<(), SessionError> {
        if self.run.is_some() {
            return Ok(());
        }
        let test_first = self.test_first(session);
        let (Some(batch), Some(id), Some(channel)) = (&self.batch, &self.id, &self.channel) else {
            return Ok(());
        };
        let run = BatchRun::confirm(session, id, channel, batch, test_first)?;
        self.batch = None;
        self.run = Some(run);
        Ok(())
    }

    /// Releases what is due (see [`BatchRun::advance`]).
    pub fn advance(&mut self, session: &mut Session) -> Result<Advanced, SessionError> {
        let Some(run) = self.run.as_mut() else {
            return Ok(Advanced::default());
        };
        let was = run.phase;
        let released = run.advance(session)?;
        let for_clipboard = released.into_iter().filter_map(|(_, _, c)| c.0).collect();
        let now = run.phase;
        let changed = now != was && matches!(now, RunPhase::Finished | RunPhase::Paused(_));
        Ok(Advanced {
            for_clipboard,
            now_finished_or_paused: changed.then_some(now),
        })
    }

    pub fn undo(&mut self, session: &mut Session) -> Result<(), SessionError> {
        self.run.as_mut().map_or(Ok(()), |r| r.undo(session))
    }

    pub fn pause(&mut self, session: &mut Session) -> Result<(), SessionError> {
        self.run
            .as_mut()
            .map_or(Ok(()), |r| r.pause(session, PauseReason::Operator))
    }

    pub fn resume(&mut self, session: &mut Session) -> Result<(), SessionError> {
        self.run.as_mut().map_or(Ok(()), |r| r.resume(session))
    }

    pub fn cancel_all(&mut self, session: &mut Session) -> Result<(), SessionError> {
        self.run.as_mut().map_or(Ok(()), |r| r.cancel_all(session))
    }

    /// A run still holding, releasing or paused (it lives only in this process).
    pub fn busy(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| !matches!(r.phase, RunPhase::Finished | RunPhase::Undone))
    }

    /// Puts a finished (or undone) batch away for a new one on the same
    /// channel; false while busy.
    pub fn close(&mut self) -> bool {
        if self.busy() {
            return false;
        }
        *self = Self {
            channel: self.channel.take(),
            ..Self::default()
        };
        true
    }

    /// What the batch screens show: the run's id, else the import's.
    pub fn subject(&self) -> Option<&BatchId> {
        self.run.as_ref().map(|r| &r.id).or(self.id.as_ref())
    }
}

#[cfg(test)]
mod tests;
