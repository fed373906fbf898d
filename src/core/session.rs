//! One open data dir: the journal, the ledger rebuilt from it, channel
//! profiles, settings and the fingerprint key. Every change goes through
//! [`Session::record`]: journal first, state second — if the journal cannot
//! be written, the state does not move (fail closed).

use super::channel::{Channel, ManualHandoff, SimulatedChannel};
use super::clock::SharedClock;
use super::code::CardSecret;
use super::event::{Event, ReleaseMode};
use super::fingerprint::{FingerprintKey, KeyState};
use super::guard::GuardContext;
use super::ids::{BatchId, ChannelId, OrderId};
use super::journal::{DamagedLine, Journal, JournalError, TornTail};
use super::money::Fen;
use super::order::{BatchState, Ledger, Order, Phase};
use super::profile::{ChannelProfile, ProfileProblem, load_profiles};
use super::safe_file::{self, FileError};
use super::settings::{SETTINGS_FILE, Settings, SettingsProblem, load_settings};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

pub const PROFILES_FILE: &str = "channels.json";

/// Where everything lives. `--data-dir` puts all of it in one folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    /// Set when `data_dir` is a folder of ours inside this one (demo mode's
    /// `DATA/demo`): it is then made there without following a link, where
    /// a folder the person named may itself be a link.
    inside: Option<PathBuf>,
}

impl Paths {
    pub fn in_one_dir(dir: &Path) -> Self {
        Self {
            data_dir: dir.to_path_buf(),
            config_dir: dir.to_path_buf(),
            inside: None,
        }
    }

    /// Everything in the subfolder `name` of `base`'s data dir.
    pub fn in_subdir(base: &Paths, name: &str) -> Self {
        Self {
            inside: Some(base.data_dir.clone()),
            ..Self::in_one_dir(&base.data_dir.join(name))
        }
    }

    /// The platform's per-user folders (XDG on Linux), or `--data-dir`.
    pub fn resolve(data_dir: Option<&Path>) -> Option<Self> {
        if let Some(d) = data_dir {
            return Some(Self::in_one_dir(d));
        }
        let (data_dir, config_dir) = crate::platform::data_dirs()?;
        Some(Self {
            data_dir,
            config_dir,
            inside: None,
        })
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join(SETTINGS_FILE)
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join(PROFILES_FILE)
    }

    /// The person's own remedy book, when they put one there.
    pub fn remedies_file(&self) -> PathBuf {
        self.config_dir.join(super::remedy::REMEDIES_FILE)
    }
}

/// Something found while opening that the user should be told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupNote {
    Profiles(ProfileProblem),
    /// The config folder's `remedies.json` was refused; the built-in is used.
    Remedies(super::remedy::BookProblem),
    Settings(SettingsProblem),
    TornTailRepaired(TornTail),
    DamagedLines(Vec<DamagedLine>),
    FingerprintKeyReplaced,
    /// The key file could be read by others; it is now private.
    FingerprintKeyMadePrivate,
    /// The data or config folder could be read by others; it is now 0700.
    FolderMadePrivate(PathBuf),
    HoldsInterrupted(Vec<OrderId>),
    BatchInterrupted {
        batch: BatchId,
        released: usize,
        not_sent: usize,
    },
}

#[derive(Debug)]
pub enum SessionError {
    Journal(JournalError),
    UnknownOrder(OrderId),
    UnknownChannel(ChannelId),
    /// A batch row's turn came after its code was dropped from memory.
    CodeGone(usize),
    /// The order is not in a state that allows this.
    WrongState(OrderId, Phase),
    Io(PathBuf, std::io::Error),
    /// One of the app's own files was refused (a link, a FIFO…) or failed.
    File(FileError),
}

impl SessionError {
    /// In the person's language where the words are ours (refused files);
    /// otherwise as Display says it.
    pub fn describe(&self, tr: &crate::i18n::Texts) -> String {
        match self {
            SessionError::File(f) | SessionError::Journal(JournalError::File(f)) => {
                safe_file::describe(f, tr)
            }
            // A failed read or write: the lead in the person's words, the
            // system's reason after it (in words where it is a common one).
            SessionError::Io(p, e) | SessionError::Journal(JournalError::Io(p, e)) => tr.fmt(
                "file.io",
                &[
                    ("path", &p.display()),
                    ("detail", &safe_file::IoDetail::of(e).said(tr)),
                ],
            ),
            other => other.to_string(),
        }
    }
}

impl From<FileError> for SessionError {
    fn from(e: FileError) -> Self {
        SessionError::File(e)
    }
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::Journal(e) => e.fmt(f),
            SessionError::UnknownOrder(id) => write!(f, "unknown order {id}"),
            SessionError::UnknownChannel(id) => write!(f, "unknown channel {id}"),
            SessionError::CodeGone(row) => write!(f, "row {row}: its code is no longer in memory"),
            SessionError::WrongState(id, p) => write!(f, "order {id} is {p:?}"),
            SessionError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            SessionError::File(e) => e.fmt(f),
        }
    }
}

impl From<JournalError> for SessionError {
    fn from(e: JournalError) -> Self {
        SessionError::Journal(e)
    }
}

/// A folder others can read is made 0700 when it is clearly cardguard's
/// own (empty, or holding its journal or lock); a folder the person chose
/// that holds other things is left as it is. True when it was changed.
fn make_private_if_ours(dir: &Path) -> Result<bool, FileError> {
    let ours = dir.join(super::journal::JOURNAL_FILE).exists()
        || dir.join(super::journal::LOCK_FILE).exists()
        || std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
    if !ours {
        return Ok(false);
    }
    crate::platform::set_private_dir(dir).map_err(|e| FileError::Io(dir.to_path_buf(), e))
}

/// Rebuilds order state from journal entries. Kinds this version does not
/// know (written by a newer one) are skipped.
pub fn replay(entries: &[super::journal::Entry]) -> Ledger {
    let mut ledger = Ledger::default();
    for e in entries {
        if let Some(ev) = Event::from_parts(&e.kind, &e.data) {
            ledger.apply(e.order.as_ref(), e.ts, &ev);
        }
    }
    ledger
}

/// The ledger of a data dir, read without locking or writing anything
/// (for checks that must not touch a running app's files), a line at a
/// time. No snapshot: this reading must not depend on the app's caches.
pub fn read_ledger(data_dir: &Path) -> Result<Ledger, FileError> {
    use super::journal::reader::{Line, Lines, end_of_last_line};
    use super::journal::{JOURNAL_CAP, JOURNAL_FILE, parse_line};
    use super::safe_file::{Links, open_read};
    let path = data_dir.join(JOURNAL_FILE);
    let (file, len) = match open_read(&path, Links::Refuse) {
        Ok(f) => f,
        Err(FileError::NotFound(_)) => return Ok(Ledger::default()),
        Err(e) => return Err(e),
    };
    if len > JOURNAL_CAP {
        return Err(FileError::TooLarge(path, JOURNAL_CAP));
    }
    let io = |e| FileError::Io(path.clone(), e);
    let keep = end_of_last_line(&file, len).map_err(io)?;
    // Leaves are not wanted here: any key does for the over-long lines.
    let leaves = super::evidence::merkle::LeafHasher::new(&[0; 32]);
    let mut lines = Lines::new(&file, 0, keep).map_err(io)?;
    let mut ledger = Ledger::default();
    // The same strict reading as replay on open and verify.
    while let Some((_, line)) = lines.next(&leaves, 0).map_err(io)? {
        if let Line::Whole(raw) = line
            && let Ok(e) = parse_line(raw)
            && let Some(ev) = Event::from_parts(&e.kind, &e.data)
        {
            ledger.apply(e.order.as_ref(), e.ts, &ev);
        }
    }
    Ok(ledger)
}

/// What [`Session::catch_up`] did and what is left to the UI.
#[derive(Debug, Default)]
pub struct CatchUp {
    /// Holds that ran out: releasing them needs the code the UI holds.
    pub holds_due: Vec<OrderId>,
    /// Time-driven events just journaled (window closed, verified…).
    pub applied: Vec<(OrderId, Event)>,
}

pub struct Session {
    clock: SharedClock,
    paths: Paths,
    journal: Journal,
    ledger: Ledger,
    profiles: Vec<ChannelProfile>,
    remedies: super::remedy::RemedyBook,
    settings: Settings,
    /// The person's confirmation pace (the guard fits to it).
    pace: crate::core::guard::Pace,
    key: FingerprintKey,
    /// The last checkpoint that could not be written (cleared by the next
    /// one that could): the journal is still the record, but say so.
    checkpoint_fault: Option<safe_file::FileError>,
    pub startup_notes: Vec<StartupNote>,
}

impl Session {
    /// Opens the data dir: lock, repair, replay, then catch up with
    /// everything that happened while the app was closed.
    pub fn open(paths: Paths, clock: SharedClock) -> Result<Self, SessionError> {
        let mut notes = Vec::new();
        if let (Some(base), Some(name)) = (&paths.inside, paths.data_dir.file_name()) {
            safe_file::ensure_dir(base)?;
            safe_file::ensure_subdir(base, Path::new(name))?;
        }
        for dir in [&paths.data_dir, &paths.config_dir] {
            if safe_file::ensure_dir(dir)? && make_private_if_ours(dir)? {
                notes.push(StartupNote::FolderMadePrivate(dir.clone()));
            }
        }
        let opened = Journal::open(&paths.data_dir)?;
        let (key, state) = FingerprintKey::load_or_create(&paths.data_dir)?;
        match state {
            KeyState::Kept => {}
            KeyState::Replaced => notes.push(StartupNote::FingerprintKeyReplaced),
            KeyState::Tightened => notes.push(StartupNote::FingerprintKeyMadePrivate),
        }
        let (profiles, problem) = load_profiles(&paths.profiles_file());
        notes.extend(problem.map(StartupNote::Profiles));
        let (settings, problem) = load_settings(&paths.settings_file());
        notes.extend(problem.map(StartupNote::Settings));
        let (remedies, problem) = super::remedy::load_book(&paths.remedies_file());
        notes.extend(problem.map(StartupNote::Remedies));
        if !opened.damaged.is_empty() {
            notes.push(StartupNote::DamagedLines(opened.damaged.clone()));
        }

        let ledger = opened.ledger;
        let pace = crate::core::guard::Pace::load(
            &paths.data_dir.join(crate::core::guard::pace::PACE_FILE),
        );
        let mut s = Session {
            clock,
            pace,
            paths,
            journal: opened.journal,
            ledger,
            profiles,
            remedies,
            settings,
            key,
            checkpoint_fault: None,
            startup_notes: notes,
        };

        if let Some(t) = opened.torn {
            s.record(
                None,
                Event::JournalRepaired {
                    dropped_bytes: t.dropped_bytes,
                    dropped_sha256: t.dropped_sha256.clone(),
                },
            )?;
            s.startup_notes.push(StartupNote::TornTailRepaired(t));
        }
        s.record(
            None,
            Event::AppStarted {
                version: env!("CARGO_PKG_VERSION").into(),
            },
        )?;
        // The code only ever lived in memory: a hold or draft cut short by a
        // stop can never be sent. Say so in the journal.
        let mut interrupted = Vec::new();
        // Only those: a long history must not be copied at every start.
        let stale: Vec<(OrderId, Phase)> = s
            .ledger
            .orders()
            .iter()
            .filter(|o| matches!(o.phase, Phase::Holding | Phase::Draft | Phase::Reviewing))
            .map(|o| (o.id.clone(), o.phase))
            .collect();
        for (id, phase) in stale {
            match phase {
                Phase::Holding => {
                    s.record(Some(&id), Event::HoldInterrupted {})?;
                    interrupted.push(id);
                }
                Phase::Draft | Phase::Reviewing => s.record(Some(&id), Event::DraftDiscarded {})?,
                _ => {}
            }
        }
        if !interrupted.is_empty() {
            s.startup_notes
                .push(StartupNote::HoldsInterrupted(interrupted));
        }
        // Likewise a batch cut short: the codes not yet released are gone.
        let running: Vec<(BatchId, usize)> = s
            .ledger
            .batches()
            .iter()
            .filter(|b| b.state == BatchState::Running)
            .map(|b| (b.id.clone(), b.count))
            .collect();
        for (batch, count) in running {
            let released = s.ledger.batch_orders(&batch).count();
            s.record(
                None,
                Event::BatchInterrupted {
                    batch: batch.clone(),
                    released,
                    not_sent: count.saturating_sub(released),
                },
            )?;
            s.startup_notes.push(StartupNote::BatchInterrupted {
                batch,
                released,
                not_sent: count.saturating_sub(released),
            });
        }
        s.catch_up()?;
        s.checkpoint();
        Ok(s)
    }

    /// Signs a checkpoint of the journal now (start, stop, on demand and
    /// after every sealing event). A failure is kept for the UI to show.
    pub fn checkpoint(&mut self) -> Option<u64> {
        match self.journal.checkpoint() {
            Ok(_) => {
                self.checkpoint_fault = None;
                if self.journal.snapshot_lag() > super::journal::snapshot::STALE_LINES {
                    self.write_snapshot();
                }
                Some(self.journal.tree_head().0)
            }
            Err(e) => {
                log::warn!("checkpoint not written: {e}");
                self.checkpoint_fault = Some(e);
                None
            }
        }
    }

    /// The tree size of the last checkpoint this session signed (0: none yet).
    pub fn last_checkpoint(&self) -> u64 {
        self.journal.signed()
    }

    /// Stores the ledger for the next start. A failure costs only a longer
    /// next start (a full read), so it is logged, never shown.
    fn write_snapshot(&mut self) {
        if let Err(e) = self.journal.write_snapshot(&self.ledger) {
            log::info!("ledger snapshot not written: {e}");
        }
    }

    pub fn checkpoint_fault(&self) -> Option<&safe_file::FileError> {
        self.checkpoint_fault.as_ref()
    }

    /// Now, to the millisecond: the journal's precision, so deadlines
    /// computed from it read back exactly.
    pub fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        self.clock.now().trunc_subsecs(3)
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn order(&self, id: &OrderId) -> Option<&Order> {
        self.ledger.get(id)
    }

    pub fn profiles(&self) -> &[ChannelProfile] {
        &self.profiles
    }

    pub fn profile(&self, id: &ChannelId) -> Option<&ChannelProfile> {
        self.profiles.iter().find(|p| &p.id == id)
    }

    /// What to do when something went wrong (the remedy assistant's data).
    pub fn remedies(&self) -> &super::remedy::RemedyBook {
        &self.remedies
    }

    /// The local UTC offset in force at `at` (as the journal records it).
    pub fn offset_at(&self, at: DateTime<Utc>) -> chrono::FixedOffset {
        self.clock.offset_at(at)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The person's confirmation pace, as the guard uses it.
    pub fn pace(&self) -> &crate::core::guard::Pace {
        &self.pace
    }

    /// A low-risk order was confirmed `ms` after its review appeared (by
    /// pointer: whether it `looked` at the facts first): the pace learns
    /// it. Kept on a best-effort basis: a pace that cannot be saved is
    /// relearned, and the journal has every decision anyway.
    pub fn learn_pace(&mut self, ms: u64, looked: Option<bool>) {
        self.pace.push(ms, looked);
        let _ = self.pace.save(
            &self
                .paths
                .data_dir
                .join(crate::core::guard::pace::PACE_FILE),
        );
    }

    /// Settings → "Forget my pace": the guard goes back to its defaults.
    /// Journaled, so the record says when the fit started again.
    pub fn reset_pace(&mut self) -> Result<(), SessionError> {
        self.pace = crate::core::guard::Pace::default();
        self.pace.save(
            &self
                .paths
                .data_dir
                .join(crate::core::guard::pace::PACE_FILE),
        )?;
        self.record(None, Event::PaceReset {})?;
        Ok(())
    }

    /// Lines in the journal (readable or not).
    pub fn journal_lines(&self) -> u64 {
        self.journal.tree_head().0
    }

    pub fn journal_next_seq(&self) -> u64 {
        self.journal.next_seq()
    }

    /// Writes an evidence bundle into a fresh folder under the data dir,
    /// named and dated by this session's clock (the window, the batch panel
    /// and the headless demo alike).
    /// The bundle goes into `exports` in the data dir, or into a new folder
    /// in `into` when the person chose one.
    pub fn export_bundle(
        &mut self,
        of: super::exports::BundleOf<'_>,
        into: Option<&Path>,
        lang: crate::i18n::Lang,
    ) -> Result<(PathBuf, super::evidence::bundle::Manifest), super::evidence::ExportError> {
        let now = self.now();
        let local = now.with_timezone(&self.clock.offset_at(now));
        // Sealed first, so the bundle's latest checkpoint is the journal's own.
        self.journal.checkpoint().ok();
        super::exports::export_bundle(&self.paths.data_dir, of, into, now, local, lang)
    }

    pub fn journal_path(&self) -> &Path {
        self.journal.path()
    }

    /// Journals one event, then applies it. Nothing changes if the write fails.
    pub fn record(&mut self, order: Option<&OrderId>, event: Event) -> Result<(), SessionError> {
        let now = self.now();
        let tz = self.clock.offset_at(now);
        self.journal.append(
            now,
            tz,
            &event.kind(),
            order,
            &event.data(),
            event.must_be_durable(),
        )?;
        self.ledger.apply(order, now, &event);
        if event.seals() {
            self.checkpoint();
        }
        Ok(())
    }

    /// A fresh order id: local date plus the journal line that creates it,
    /// unique and increasing without any extra state.
    pub fn new_order_id(&self) -> OrderId {
        OrderId::new(self.new_id("CG"))
    }

    /// A batch id, made like an order id: `B-<local date>-<journal seq>`.
    pub fn new_batch_id(&self) -> BatchId {
        BatchId::new(self.new_id("B"))
    }

    fn new_id(&self, prefix: &str) -> String {
        let now = self.now();
        let local = now.with_timezone(&self.clock.offset_at(now));
        format!(
            "{prefix}-{}-{:04}",
            local.format("%Y%m%d"),
            self.journal.next_seq()
        )
    }

    pub fn fingerprint_key(&self) -> &FingerprintKey {
        &self.key
    }

    pub fn fingerprint(&self, secret: &CardSecret) -> String {
        self.key.fingerprint(secret.expose())
    }

    fn order_and_profile(&self, id: &OrderId) -> Result<(Order, ChannelProfile), SessionError> {
        let o = self
            .ledger
            .get(id)
            .ok_or_else(|| SessionError::UnknownOrder(id.clone()))?
            .clone();
        let p = self
            .profile(&o.channel)
            .ok_or_else(|| SessionError::UnknownChannel(o.channel.clone()))?
            .clone();
        Ok((o, p))
    }

    fn expect_phase(o: &Order, phase: Phase) -> Result<(), SessionError> {
        if o.phase == phase {
            Ok(())
        } else {
            Err(SessionError::WrongState(o.id.clone(), o.phase))
        }
    }

    /// How an order of `value` on `profile` differs from the person's usual
    /// ones: a channel never released to (once they have released
    /// anything), or more than the most of their last 20 released orders
    /// (once there are 3).
    fn unusual(&self, value: Fen, profile: &ChannelProfile) -> crate::core::guard::Unusual {
        let recent: Vec<Fen> = self
            .ledger
            .orders()
            .iter()
            .rev()
            .filter(|o| o.released_at.is_some())
            .take(20)
            .map(|o| o.face_value)
            .collect();
        let most = recent.iter().copied().max().unwrap_or(Fen::ZERO);
        crate::core::guard::Unusual {
            new_channel: self.ledger.ever_released() && !self.ledger.channel_used(&profile.id),
            above_usual: (recent.len() >= 3 && value > most).then_some(most),
        }
    }

    /// Orders released in the last ten minutes (a burst is a risk).
    pub fn recent_releases(&self) -> u32 {
        let since = self.now() - chrono::Duration::minutes(10);
        self.ledger
            .orders()
            .iter()
            .filter(|o| o.released_at.is_some_and(|r| r >= since))
            .count() as u32
    }

    /// The local hour now (night is a risk).
    pub fn local_hour(&self) -> u8 {
        let now = self.now();
        chrono::Timelike::hour(&now.with_timezone(&self.clock.offset_at(now))) as u8
    }

    /// Everything the guard weighs about an order on review: its value and
    /// channel, first use, bursts, night, a fast paste, a duplicate.
    pub fn guard_context(
        &self,
        order_id: &OrderId,
        code_pasted: bool,
        entry_ms: u64,
    ) -> Option<GuardContext> {
        let order = self.order(order_id)?;
        let profile = self.profile(&order.channel)?;
        Some(GuardContext {
            code_pasted,
            entry_ms,
            duplicate: self
                .ledger
                .released_with(&order.fingerprint)
                .is_some_and(|o| o != order_id),
            ..self.risk_now(order.face_value, profile)
        })
    }

    /// The same for a batch on review: its total is the value, its count
    /// part of the risk; no single entry to judge.
    pub fn batch_guard_context(
        &self,
        total: Fen,
        profile: &ChannelProfile,
        count: usize,
    ) -> GuardContext {
        GuardContext {
            batch_count: u32::try_from(count).unwrap_or(u32::MAX),
            ..self.risk_now(total, profile)
        }
    }

    /// What the guard weighs whatever is confirmed: value, channel, first
    /// use, bursts, night and the chosen sensitivity.
    fn risk_now(&self, value: Fen, profile: &ChannelProfile) -> GuardContext {
        GuardContext {
            face_value_fen: value.0,
            cancel_window_s: profile.effective_window_ms().div_ceil(1000),
            first_use: !self.ledger.ever_released(),
            recent_releases_10min: self.recent_releases(),
            code_pasted: false,
            entry_ms: u64::MAX,
            local_hour: self.local_hour(),
            duplicate: false,
            sensitivity: self.settings.sensitivity,
            pace: self.pace.fit(),
            unusual: self.unusual(value, profile),
            batch_count: 0,
        }
    }

    /// The second confirmation passed: start the local hold.
    pub fn confirm(&mut self, id: &OrderId) -> Result<(), SessionError> {
        let (o, _) = self.order_and_profile(id)?;
        Self::expect_phase(&o, Phase::Reviewing)?;
        let hold_s = self.settings.hold_s;
        let hold_until = self.now() + chrono::Duration::seconds(hold_s as i64);
        self.record(Some(id), Event::Confirmed { hold_s, hold_until })
    }

    pub fn undo(&mut self, id: &OrderId) -> Result<(), SessionError> {
        let (o, _) = self.order_and_profile(id)?;
        Self::expect_phase(&o, Phase::Holding)?;
        self.record(Some(id), Event::Undone {})
    }

    /// Hands a held order to the channel. The secret is required so that
    /// only the UI that still holds it in memory can release.
    pub fn release(&mut self, id: &OrderId, _secret: &CardSecret) -> Result<Event, SessionError> {
        let (o, p) = self.order_and_profile(id)?;
        Self::expect_phase(&o, Phase::Holding)?;
        let ev = self.channel_for(o.mode).release(&o, &p, self.now());
        self.record(Some(id), ev.clone())?;
        Ok(ev)
    }

    fn channel_for(&self, mode: ReleaseMode) -> Box<dyn Channel> {
        match mode {
            ReleaseMode::Simulated => Box::new(SimulatedChannel),
            ReleaseMode::Manual => Box::new(ManualHandoff {
                clipboard_s: self.settings.clipboard_clear_s,
            }),
        }
    }

    /// Manual hand-off: the user has submitted on the platform.
    pub fn platform_submitted(&mut self, id: &OrderId) -> Result<(), SessionError> {
        let (o, p) = self.order_and_profile(id)?;
        Self::expect_phase(&o, Phase::AwaitingPlatform)?;
        let window_ends =
            self.now() + chrono::Duration::milliseconds(p.effective_window_ms() as i64);
        self.record(Some(id), Event::PlatformSubmitted { window_ends })
    }

    /// Asks the order's channel to cancel; journals the request and outcome.
    pub fn cancel(&mut self, id: &OrderId) -> Result<Event, SessionError> {
        let (o, p) = self.order_and_profile(id)?;
        let now = self.now();
        let outcome = self.channel_for(o.mode).cancel(&o, &p, now);
        if o.mode == ReleaseMode::Simulated && matches!(outcome, Event::Cancelled { .. }) {
            self.record(
                Some(id),
                Event::CancelRequested {
                    fee_fen: p.cancel_fee(o.face_value),
                },
            )?;
        }
        self.record(Some(id), outcome.clone())?;
        Ok(outcome)
    }

    pub fn clipboard_cleared(
        &mut self,
        id: &OrderId,
        still_ours: bool,
    ) -> Result<(), SessionError> {
        self.record(Some(id), Event::ClipboardCleared { still_ours })
    }

    /// Journals every time-driven change that is due; returns the ids of
    /// holds that have run out (releasing them needs the UI's secret).
    pub fn catch_up(&mut self) -> Result<CatchUp, SessionError> {
        let mut applied = Vec::new();
        // Bounded: each pass moves at least one order forward.
        for _ in 0..16 {
            let due = self.ledger.due(self.now());
            if due.is_empty() {
                break;
            }
            for (id, ev) in due {
                self.record(Some(&id), ev.clone())?;
                applied.push((id, ev));
            }
        }
        let now = self.now();
        let holds_due = self
            .ledger
            .orders()
            .iter()
            .filter(|o| o.phase == Phase::Holding && o.hold_until.is_some_and(|h| h <= now))
            .map(|o| o.id.clone())
            .collect();
        Ok(CatchUp { holds_due, applied })
    }

    pub fn update_settings(&mut self, new: Settings) -> Result<(), SessionError> {
        let new = new.clamped();
        if new == self.settings {
            return Ok(());
        }
        let path = self.paths.settings_file();
        new.save(&path)?;
        let changed = !new.journaled_changes(&self.settings).is_empty();
        self.settings = new;
        if changed {
            self.record(None, Event::settings_changed(&self.settings))?;
        }
        Ok(())
    }
}

/// Stopping seals what was written and stores the ledger beside that
/// checkpoint, so the next start reads only what comes after.
impl Drop for Session {
    fn drop(&mut self) {
        if self.checkpoint().is_some() {
            self.write_snapshot();
        }
    }
}
