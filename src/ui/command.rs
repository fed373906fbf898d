//! What a screen can ask for, and what the app tells the person. These
//! types live below the app: screens send [`Command`]s and never name
//! `App`; `app::apply` is the one place that matches on them.

use crate::core::batch::limits::LimitKind;
use crate::core::evidence::ScreenshotRef;
use crate::core::flow::Subject;
use crate::core::guard::GuardInput;
use crate::core::ids::{ChannelId, OrderId};
use crate::core::money::Fen;
use crate::core::safe_file::FileError;
use crate::core::settings::Settings;
use crate::i18n::{Lang, Texts};
use eframe::egui;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Entry,
    Review,
    Hold,
    Orders,
    Batch,
    /// A batch's summary and its guarded confirmation.
    BatchReview,
    Journal,
    Settings,
    /// "Something went wrong?" for one order or a batch.
    Remedy,
}

impl Screen {
    /// The screens that show the guarded second confirmation.
    pub fn is_review(self) -> bool {
        matches!(self, Screen::Review | Screen::BatchReview)
    }
}

#[must_use]
#[derive(Debug, Clone)]
pub enum Command {
    Navigate(Screen),
    SetLanguage(Option<Lang>),
    ChooseChannel(ChannelId),
    ChooseFaceValue(Fen),
    /// The code field changed (`pasted` when by paste).
    CodeEdited {
        pasted: bool,
    },
    /// "This code was submitted before, go on anyway" (ticked or not).
    AcknowledgeDuplicate(bool),
    /// From the entry screen's review button; its rect is kept so the
    /// confirm button is never placed under it.
    GoToReview {
        from: Option<egui::Rect>,
    },
    BackToEntry,
    Guard(GuardInput),
    /// Everything on the batch screens.
    Batch(BatchCommand),
    /// The journal screen's asks (files are read by the app).
    Journal(JournalCommand),
    Demo(DemoCommand),
    /// The remedy assistant's asks.
    Remedy(RemedyCommand),
    /// Write an evidence bundle for this order under the data dir.
    ExportEvidence(OrderId),
    /// The manual "take screenshot" button or Ctrl+Shift+S.
    TakeScreenshot,
    /// The type-to-confirm field's text (UI state; the guard only learns
    /// whether it matches).
    TypedLast4(String),
    Undo,
    /// Try again to release a hold whose release the journal refused.
    RetryRelease(OrderId),
    PlatformSubmitted(OrderId),
    Cancel(OrderId),
    /// More of a long orders list.
    ShowMoreOrders,
    SaveSettings(Settings),
    /// Settings → "Forget my pace".
    ResetPace,
    OpenDataDir,
    DismissNotice(NoticeId),
}

/// The demo mode's controls and the walkthrough's own hands.
#[derive(Debug, Clone)]
pub enum DemoCommand {
    Speed(u32),
    SampleCard,
    /// Start the app again in demo mode (true) or out of it (false).
    Switch(bool),
    /// Start / stop the scripted walkthrough (demo mode only).
    Play,
    Stop,
    /// The walkthrough fills the entry form (an obviously fake card).
    FillCard {
        card: String,
        face: Fen,
    },
    /// The walkthrough shows the review again (a fresh confirmation step).
    ShowReviewAgain,
    /// The walkthrough's own input on the confirmation step.
    Guard(GuardInput),
    /// The journal screen, filtered to this order.
    ShowJournal(OrderId),
    /// Verify the journal and the last exported bundle, and say so.
    Verify,
    /// Wipe the demo data dir (only in demo mode) and start afresh.
    Reset,
}

#[derive(Debug, Clone)]
pub enum BatchCommand {
    Channel(ChannelId),
    /// Read a file (typed path or chosen in the picker) on a worker.
    ImportFile(String),
    ImportPaste,
    /// A file dropped on the window.
    ImportDropped(PathBuf),
    /// Open the in-window file picker (starting near `from`).
    Browse,
    Picker(PickerCommand),
    Drop(usize),
    Fix(usize),
    ApplyFix,
    Acknowledge(LimitKind),
    /// Send the smallest card first and pause after it (or not).
    TestFirst(bool),
    /// To the batch's review and guarded confirmation.
    Review {
        from: Option<egui::Rect>,
    },
    Undo,
    Pause,
    Resume,
    CancelAll,
    ExportResults,
    /// The batch's evidence bundle (its events, every order, screenshots).
    ExportEvidence,
    /// Put a finished (or undone) batch away and start a new one.
    Close,
}

/// "Something went wrong?": open it, answer, act on the path.
#[derive(Debug, Clone)]
pub enum RemedyCommand {
    Open(Subject),
    /// The answer to "what happened?" (a problem id of the remedy book).
    Answer(String),
    ChangeAnswer,
    /// The language the message is written in (either, whatever the window's).
    MessageLang(Lang),
    CopyMessage,
    SaveMessage,
    ExportEvidence,
    /// The cancel path's button: this order's Cancel, or a batch's cancel-all.
    CancelNow,
    /// Nothing has left the device yet: the hold's (or batch's) Undo.
    Undo,
    /// A batch still sending: its Pause.
    Pause,
    /// "I have submitted it on the platform" for a hand-off on the clipboard.
    Submitted(OrderId),
    /// A batch's card ticked (or not) as one the message is about.
    Card(OrderId, bool),
    /// The platform refused a cancel asked there: on to the table's rows.
    PlatformRefused,
    Close,
}

/// The in-window file picker's moves (the folder is read by the app).
#[derive(Debug, Clone)]
pub enum PickerCommand {
    Enter(String),
    Up,
    ShowAll(bool),
    Choose(String),
    Close,
}

#[derive(Debug, Clone)]
pub enum JournalCommand {
    /// Check the whole journal and its screenshots (on a worker, with progress).
    Verify,
    /// Sign a checkpoint of the journal now.
    Checkpoint,
    /// A screenshot's thumbnail is on screen: read and decode it.
    Thumbnail(ScreenshotRef),
    /// Show (or, again, hide) an entry's raw line.
    Select(usize),
    /// Load the older lines before the loaded window (those matching the
    /// filter, when one is set).
    LoadOlder(crate::core::timeline::Filter),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A shown notice's identity (dismissed by it, never by its place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NoticeId(u64);

/// The notices on show, newest last.
#[derive(Debug, Default)]
pub struct Notices {
    next: u64,
    shown: Vec<(NoticeId, Notice)>,
}

impl Notices {
    /// Shows `n`. The same notice already on show is replaced rather than
    /// stacked (the same refusal three times is one notice, said again).
    pub fn push(&mut self, n: Notice) -> NoticeId {
        self.shown.retain(|(_, old)| *old != n);
        self.next += 1;
        let id = NoticeId(self.next);
        self.shown.push((id, n));
        id
    }
    pub fn dismiss(&mut self, id: NoticeId) {
        self.shown.retain(|(i, _)| *i != id);
    }
    pub fn clear(&mut self) {
        self.shown.clear();
    }
    pub fn iter(&self) -> impl Iterator<Item = &(NoticeId, Notice)> {
        self.shown.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }
}

/// A message for the person: an i18n key and its arguments, rendered in
/// the current language each frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub key: &'static str,
    pub args: Vec<(&'static str, NoticeArg)>,
}

/// One value filled into a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeArg {
    /// Language-neutral (a path, a number, an id).
    Plain(String),
    /// Worded by the core (`describe(tr)`) in each language, [zh-CN, en],
    /// so a language switch re-words it.
    Said([String; 2]),
}

impl Notice {
    pub fn new(level: Level, key: &'static str) -> Self {
        Self {
            level,
            key,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, NoticeArg::Plain(value.to_string())));
        self
    }
    /// An argument the core words itself in the person's language.
    pub fn arg_said(mut self, name: &'static str, describe: impl Fn(&Texts) -> String) -> Self {
        let said = Lang::ALL.map(|l| describe(&Texts::new(l)));
        self.args.push((name, NoticeArg::Said(said)));
        self
    }
    /// A notice worded entirely by the core.
    pub fn said_by(level: Level, describe: impl Fn(&Texts) -> String) -> Self {
        Notice::new(level, "notice.said").arg_said("text", describe)
    }
    /// A refused or failed file, in the person's language.
    pub fn file(level: Level, e: &FileError) -> Self {
        Notice::said_by(level, |tr| crate::core::safe_file::describe(e, tr))
    }
    pub fn text(&self, tr: &Texts) -> String {
        self.render(tr, false)
    }

    /// The text for a frame that becomes a screenshot: a file the person
    /// chose (`file`) and any error about it (`error`, or worded by the
    /// core) are drawn with their code-like runs masked, as everywhere else
    /// in a captured frame: a batch file named after a card must not put the
    /// card in evidence. Ids and the app's own paths stay readable.
    pub fn text_for_capture(&self, tr: &Texts) -> String {
        self.render(tr, true)
    }

    fn render(&self, tr: &Texts, mask: bool) -> String {
        let lang = Lang::ALL.iter().position(|l| *l == tr.lang()).unwrap_or(0);
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let (text, may_name_a_file) = match v {
                    NoticeArg::Plain(s) => (s.as_str(), matches!(*k, "file" | "error")),
                    NoticeArg::Said(by_lang) => (by_lang[lang].as_str(), true),
                };
                let text = if mask && may_name_a_file {
                    crate::core::code::mask_code_like_runs(text)
                } else {
                    text.to_owned()
                };
                (*k, text)
            })
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tr.fmt_pairs(self.key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_notice_again_replaces_the_one_on_show() {
        let mut notices = Notices::default();
        let fifo = || Notice::new(Level::Error, "batch.unreadable").arg("file", "/tmp/p");
        let first = notices.push(fifo());
        notices.push(Notice::new(Level::Info, "notice.torn_tail"));
        let again = notices.push(fifo());
        assert_ne!(first, again, "a new notice, said again");
        let keys: Vec<_> = notices.iter().map(|(_, n)| n.key).collect();
        assert_eq!(keys, ["notice.torn_tail", "batch.unreadable"]);
        notices.push(Notice::new(Level::Error, "batch.unreadable").arg("file", "/tmp/q"));
        assert_eq!(notices.iter().count(), 3, "another file is another notice");
    }

    #[test]
    fn a_captured_notice_masks_a_file_named_after_a_card_but_not_an_order_id() {
        let tr = Texts::new(Lang::En);
        let n = Notice::new(Level::Error, "batch.unreadable")
            .arg("file", "/tmp/QW7OERXZTYHJUKMN.csv")
            .arg("error", "/tmp/QW7OERXZTYHJUKMN.csv does not exist");
        let shown = n.text_for_capture(&tr);
        assert!(!shown.contains("QW7O"), "{shown}");
        assert!(shown.contains("UKMN"), "{shown}");
        assert!(
            n.text(&tr).contains("QW7OERXZTYHJUKMN"),
            "outside captures as typed"
        );
        let cancelled =
            Notice::new(Level::Info, "notice.cancel_requested").arg("order", "CG-20261129-0044");
        assert!(cancelled.text_for_capture(&tr).contains("CG-20261129-0044"));
    }

    #[test]
    fn a_notice_is_dismissed_by_its_id_whatever_came_before() {
        let mut n = Notices::default();
        let a = n.push(Notice::new(Level::Info, "a"));
        let b = n.push(Notice::new(Level::Info, "b"));
        n.dismiss(a);
        // The old index of b (1) would now point past the end.
        n.dismiss(a);
        assert_eq!(n.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![b]);
        n.dismiss(b);
        assert!(n.is_empty());
    }
}
