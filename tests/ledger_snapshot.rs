//! The start-up ledger snapshot (`ledger.snapshot`): used when it checks,
//! refused (and the journal read in full, then the snapshot rebuilt) when
//! the journal was cut or edited where it ends, when it was edited, cut
//! short, is a link or a FIFO; and a ledger started from it is the ledger
//! of a full replay, for a realistic mix of orders, batches and cancels.

use cardguard::core::clock::{Clock, ManualClock};
use cardguard::core::code::{Alphabet, check_code};
use cardguard::core::event::{Event, ReleaseMode};
use cardguard::core::evidence::checkpoint::{LogKeys, checkpoint_rel};
use cardguard::core::ids::{BatchId, OrderId};
use cardguard::core::journal::snapshot::{self, Unused};
use cardguard::core::journal::{
    JOURNAL_FILE, Journal, Opened, SNAPSHOT_FILE, parse_line, render_line,
};
use cardguard::core::money::Fen;
use cardguard::core::safe_file::Links;
use cardguard::core::session::{Paths, Session, read_ledger};
use proptest::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// One step of a day's work.
#[derive(Debug, Clone)]
enum Step {
    /// An order through review, hold and release; then maybe cancelled.
    Order { cancel: bool, channel: usize },
    /// Confirmed, then undone inside the hold.
    Undone,
    /// A reviewed order left as a draft (discarded at the next start).
    Draft,
    /// A batch of `n` orders imported, confirmed, released and finished.
    Batch { n: usize, cancel_all: bool },
    /// Minutes pass (windows close, channels verify and settle).
    Wait { minutes: i64 },
    /// The app stops (a snapshot is written) and starts again.
    Restart,
    /// Lines appended by a journal alone (a "kill" after the last stop:
    /// the snapshot does not cover them).
    Unsealed,
}

const CHANNELS: [&str; 2] = ["kaquanmao", "duidui"];

struct Day {
    clock: Arc<ManualClock>,
    session: Option<Session>,
}

impl Day {
    fn open(dir: &Path) -> Self {
        let clock = ManualClock::fixed();
        let session = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
        Day {
            clock,
            session: Some(session),
        }
    }

    fn s(&mut self) -> &mut Session {
        self.session.as_mut().unwrap()
    }

    fn reviewed(&mut self, channel: &str, batch: Option<&BatchId>) -> OrderId {
        let id = self.s().new_order_id();
        let p = self.s().profile(&channel.into()).unwrap().clone();
        let face = Fen(10_000 + self.s().journal_next_seq() as i64);
        let ev = Event::ReviewShown {
            channel: channel.into(),
            face_value_fen: face,
            payout_fen: p.payout(face),
            masked: "•••• •••• •••• 7F3K".into(),
            fingerprint: format!("fp-{id}"),
            cancel_window_ms: p.effective_window_ms(),
            release_mode: ReleaseMode::Simulated,
            batch: batch.cloned(),
        };
        self.s().record(Some(&id), ev).unwrap();
        id
    }

    fn release(&mut self, id: &OrderId) {
        self.clock.advance(chrono::Duration::seconds(11));
        self.s().catch_up().unwrap();
        let secret = check_code("ABCD2345EFGH7F3K", &Alphabet::full())
            .secret()
            .unwrap();
        self.s().release(id, &secret).unwrap();
    }

    fn step(&mut self, dir: &Path, step: &Step) {
        match *step {
            Step::Order { cancel, channel } => {
                let id = self.reviewed(CHANNELS[channel % 2], None);
                self.s().confirm(&id).unwrap();
                self.release(&id);
                if cancel {
                    self.s().cancel(&id).unwrap();
                }
            }
            Step::Undone => {
                let id = self.reviewed("kaquanmao", None);
                self.s().confirm(&id).unwrap();
                self.s().undo(&id).unwrap();
            }
            Step::Draft => {
                self.reviewed("duidui", None);
            }
            Step::Batch { n, cancel_all } => {
                let batch = self.s().new_batch_id();
                let now = self.s().now();
                let import = Event::BatchImported {
                    batch: batch.clone(),
                    source: "paste".into(),
                    encoding: "utf-8".into(),
                    rows: n,
                    errors: 0,
                    warnings: 0,
                };
                self.s().record(None, import).unwrap();
                let confirmed = Event::BatchConfirmed {
                    batch: batch.clone(),
                    channel: "kaquanmao".into(),
                    count: n,
                    face_value_fen: Fen(10_000 * n as i64),
                    payout_fen: Fen(9_000 * n as i64),
                    hold_s: 10,
                    hold_until: now + chrono::Duration::seconds(10),
                    test_first: false,
                };
                self.s().record(None, confirmed).unwrap();
                let mut ids = Vec::new();
                for _ in 0..n {
                    let id = self.reviewed("kaquanmao", Some(&batch));
                    self.s().confirm(&id).unwrap();
                    self.release(&id);
                    ids.push(id);
                }
                if cancel_all {
                    for id in &ids {
                        self.s().cancel(id).unwrap();
                    }
                    let all = Event::BatchCancelAll {
                        batch: batch.clone(),
                        cancelled: n,
                        refused: 0,
                        requested: 0,
                        fees_fen: Fen(0),
                    };
                    self.s().record(None, all).unwrap();
                }
                let done = Event::BatchFinished {
                    batch,
                    released: n,
                    not_sent: 0,
                };
                self.s().record(None, done).unwrap();
            }
            Step::Wait { minutes } => {
                self.clock.advance(chrono::Duration::minutes(minutes));
                self.s().catch_up().unwrap();
            }
            Step::Restart => {
                drop(self.session.take());
                *self = Day::open(dir);
            }
            Step::Unsealed => {
                drop(self.session.take());
                // Written after the stop as a killed app leaves them: no
                // checkpoint, no snapshot (one of an unknown kind, one
                // unreadable).
                let path = dir.join(JOURNAL_FILE);
                let text = std::fs::read_to_string(&path).unwrap();
                let last = parse_line(text.lines().last().unwrap().as_bytes()).unwrap();
                let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
                let order: OrderId = "CG-UNSEALED".into();
                let data = Event::ChannelChosen {
                    channel: "kaquanmao".into(),
                }
                .data();
                let t = self.clock.now();
                let (a, h) = render_line(
                    last.seq + 1,
                    t,
                    tz,
                    "channel_chosen",
                    Some(&order),
                    &data,
                    None,
                    &last.hash,
                );
                let (b, _) = render_line(
                    last.seq + 2,
                    t,
                    tz,
                    "future_kind",
                    None,
                    &serde_json::json!({}),
                    None,
                    &h,
                );
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                std::io::Write::write_all(&mut f, format!("{a}{b}not a line\n").as_bytes())
                    .unwrap();
                drop(f);
                *self = Day::open(dir);
            }
        }
    }
}

fn a_day(dir: &Path) {
    let mut day = Day::open(dir);
    let steps = [
        Step::Order {
            cancel: false,
            channel: 0,
        },
        Step::Order {
            cancel: true,
            channel: 1,
        },
        Step::Undone,
        Step::Batch {
            n: 3,
            cancel_all: false,
        },
        Step::Draft,
        Step::Wait { minutes: 30 },
        Step::Batch {
            n: 2,
            cancel_all: true,
        },
    ];
    for s in &steps {
        day.step(dir, s);
    }
}

fn open(dir: &Path) -> Opened {
    Journal::open(dir).unwrap()
}

/// Why the snapshot in `dir` would not be used now (None: it would be).
fn unused(dir: &Path) -> Option<Unused> {
    let keys = LogKeys::load(dir).unwrap().unwrap();
    let (file, len) =
        cardguard::core::safe_file::open_read(&dir.join(JOURNAL_FILE), Links::Refuse).unwrap();
    snapshot::load(dir, &keys, &file, len).err()
}

/// The snapshot is used, reads nothing of what it covers, and gives the
/// same ledger, tree head and next seq as reading every line.
#[test]
fn a_valid_snapshot_is_used_and_equals_a_full_replay() {
    let d = tempfile::tempdir().unwrap();
    a_day(d.path());
    assert_eq!(unused(d.path()), None);
    let lines = std::fs::read(d.path().join(JOURNAL_FILE))
        .unwrap()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    let fast = open(d.path());
    assert_eq!(fast.from_snapshot, lines, "the whole journal is covered");
    assert_eq!(fast.lines_read, 0, "no line was read");
    let (fast_head, fast_next) = (fast.journal.tree_head(), fast.journal.next_seq());
    let fast_ledger = fast.ledger;
    drop(fast.journal);

    std::fs::remove_file(d.path().join(SNAPSHOT_FILE)).unwrap();
    let full = open(d.path());
    assert_eq!(full.from_snapshot, 0);
    assert_eq!(full.lines_read, lines);
    assert_eq!(full.ledger, fast_ledger);
    assert_eq!(full.journal.tree_head(), fast_head);
    assert_eq!(full.journal.next_seq(), fast_next);
    assert_eq!(read_ledger(d.path()).unwrap(), fast_ledger);
    // The day had cancelled, settled, batch and undone orders in it.
    assert!(fast_ledger.orders().len() >= 8);
    assert_eq!(fast_ledger.batches().len(), 2);
}

/// A data dir with a valid snapshot, then `spoil` applied to it: the
/// snapshot is refused for `why`, the journal is read in full (the same
/// ledger as `read_ledger`), and the next start and stop rebuild it.
fn refused_then_rebuilt(spoil: impl FnOnce(&Path), why: impl Fn(&Unused) -> bool) {
    let d = tempfile::tempdir().unwrap();
    a_day(d.path());
    assert_eq!(unused(d.path()), None);
    spoil(d.path());
    let reason = unused(d.path()).expect("refused");
    assert!(why(&reason), "{reason:?}");
    let o = open(d.path());
    assert_eq!(o.from_snapshot, 0, "{reason:?}");
    assert!(o.lines_read > 0);
    assert_eq!(o.ledger, read_ledger(d.path()).unwrap());
    drop(o);
    drop(Day::open(d.path()));
    assert_eq!(unused(d.path()), None, "rebuilt after {reason:?}");
    assert!(open(d.path()).from_snapshot > 0);
}

fn rewrite(path: &Path, f: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(path).unwrap();
    f(&mut bytes);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn an_edited_snapshot_is_refused() {
    refused_then_rebuilt(
        |d| rewrite(&d.join(SNAPSHOT_FILE), |b| *b.last_mut().unwrap() ^= 1),
        |u| *u == Unused::BadMac,
    );
}

#[test]
fn a_truncated_snapshot_is_refused() {
    refused_then_rebuilt(
        |d| rewrite(&d.join(SNAPSHOT_FILE), |b| b.truncate(b.len() / 2)),
        |u| matches!(u, Unused::BadMac | Unused::Malformed),
    );
}

#[test]
fn a_snapshot_of_another_format_is_refused() {
    refused_then_rebuilt(
        |d| {
            rewrite(&d.join(SNAPSHOT_FILE), |b| {
                b[b"cardguard ledger snapshot v".len()] = b'9'
            })
        },
        |u| *u == Unused::Malformed,
    );
}

/// The last line the snapshot covers, changed (same length, hash fixed
/// up or not): the journal is not the one the snapshot was made of.
#[test]
fn a_journal_edited_where_the_snapshot_ends_is_read_in_full() {
    refused_then_rebuilt(
        |d| {
            rewrite(&d.join(JOURNAL_FILE), |b| {
                let end = b.len() - 1;
                let start = b[..end].iter().rposition(|&c| c == b'\n').unwrap() + 1;
                let at = start + b[start..end].iter().position(|&c| c == b'T').unwrap();
                b[at - 1] = if b[at - 1] == b'1' { b'2' } else { b'1' };
            })
        },
        |u| *u == Unused::JournalDiffers,
    );
}

/// Cut back to fewer lines than the snapshot covers.
#[test]
fn a_cut_journal_is_read_in_full() {
    let d = tempfile::tempdir().unwrap();
    a_day(d.path());
    rewrite(&d.path().join(JOURNAL_FILE), |b| {
        let keep = b.len() / 2;
        let end = b[..keep].iter().rposition(|&c| c == b'\n').unwrap() + 1;
        b.truncate(end);
    });
    assert_eq!(unused(d.path()), Some(Unused::JournalDiffers));
    let o = open(d.path());
    assert_eq!(o.from_snapshot, 0);
    assert_eq!(o.ledger, read_ledger(d.path()).unwrap());
}

/// The snapshot's checkpoint gone (a snapshot is only as good as the
/// signed checkpoint its frontier must match).
#[test]
fn a_snapshot_without_its_checkpoint_is_refused() {
    refused_then_rebuilt(
        |d| {
            let o = open(d);
            let size = o.from_snapshot;
            drop(o);
            std::fs::remove_file(d.join(checkpoint_rel(size))).unwrap();
        },
        |u| *u == Unused::NoCheckpoint,
    );
}

/// A link at `ledger.snapshot` (to a valid snapshot) is never followed,
/// and never written through.
#[test]
fn a_snapshot_link_is_not_followed() {
    let d = tempfile::tempdir().unwrap();
    a_day(d.path());
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("snap");
    std::fs::rename(d.path().join(SNAPSHOT_FILE), &target).unwrap();
    std::os::unix::fs::symlink(&target, d.path().join(SNAPSHOT_FILE)).unwrap();
    let before = std::fs::read(&target).unwrap();
    assert!(matches!(unused(d.path()), Some(Unused::Refused(_))));
    let o = open(d.path());
    assert_eq!(o.from_snapshot, 0);
    assert_eq!(o.ledger, read_ledger(d.path()).unwrap());
    drop(o);
    drop(Day::open(d.path()));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        before,
        "not written through"
    );
    assert!(
        std::fs::symlink_metadata(d.path().join(SNAPSHOT_FILE))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// A FIFO at `ledger.snapshot` is refused without waiting for a writer.
#[test]
fn a_snapshot_fifo_never_blocks() {
    let d = tempfile::tempdir().unwrap();
    a_day(d.path());
    let snap = d.path().join(SNAPSHOT_FILE);
    std::fs::remove_file(&snap).unwrap();
    let c = std::ffi::CString::new(snap.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let dir = d.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let o = open(&dir);
        let _ = tx.send((o.from_snapshot, o.ledger == read_ledger(&dir).unwrap()));
    });
    // A hang guard, not a timing assertion: the open takes milliseconds.
    let (from, same) = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("opening blocked on the FIFO");
    assert_eq!(from, 0);
    assert!(same);
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<bool>(), 0..2usize).prop_map(|(cancel, channel)| Step::Order { cancel, channel }),
        1 => Just(Step::Undone),
        1 => Just(Step::Draft),
        1 => (1..4usize, any::<bool>()).prop_map(|(n, cancel_all)| Step::Batch { n, cancel_all }),
        2 => (1..20i64).prop_map(|minutes| Step::Wait { minutes }),
        2 => Just(Step::Restart),
        1 => Just(Step::Unsealed),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the mix and wherever the stops (sealed or not), the ledger
    /// a start builds from the snapshot plus the lines after it is the
    /// ledger of replaying every line.
    #[test]
    fn a_ledger_from_a_snapshot_equals_a_full_replay(steps in proptest::collection::vec(step(), 1..14)) {
        let d = tempfile::tempdir().unwrap();
        let mut day = Day::open(d.path());
        for s in &steps {
            day.step(d.path(), s);
        }
        drop(day);
        let o = open(d.path());
        prop_assert!(o.from_snapshot > 0);
        prop_assert_eq!(&o.ledger, &read_ledger(d.path()).unwrap());
        let (head, next, damaged) = (o.journal.tree_head(), o.journal.next_seq(), o.damaged.clone());
        drop(o);
        std::fs::remove_file(d.path().join(SNAPSHOT_FILE)).unwrap();
        let full = open(d.path());
        prop_assert_eq!(full.journal.tree_head(), head);
        prop_assert_eq!(full.journal.next_seq(), next);
        // Unreadable lines the snapshot covers are still named at start.
        prop_assert_eq!(full.damaged, damaged);
    }
}
