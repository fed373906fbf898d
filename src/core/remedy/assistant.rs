//! The assistant's steps against a session: open (journaled with what the
//! app saw), the path shown (journaled with its deadline, and again
//! whenever the answer or a closing window changes it), and the message
//! copied or saved (journaled with its SHA-256). The window and the
//! headless demo both go through here. A refused journal write never
//! withholds the advice: it is shown, and the refusal reported.

use super::{Case, MessageFacts, Route, Standing, message, route};
use crate::core::event::Event;
use crate::core::flow::Subject;
use crate::core::ids::OrderId;
use crate::core::safe_file::FileError;
use crate::core::session::{Session, SessionError};
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// One use of "Something went wrong?" on an order or a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assistant {
    subject: Subject,
    /// The answer to "what happened?" (a problem id of the book).
    problem: Option<String>,
    /// The answer and path last journaled.
    journaled: Option<(Option<String>, String)>,
    /// The journal refused the last path line: not retried every frame
    /// (said once), only with the next answer.
    follow_refused: bool,
    /// A batch's cards the message is about, as ticked: a freeze request
    /// must not name the cards that were sold as meant.
    cards: Vec<OrderId>,
    /// The person says the platform refused the cancel asked there (or
    /// let its window pass): the table's rows apply from then on.
    platform_refused: bool,
}

/// How a message left the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handed {
    Copied,
    Saved,
}

/// What the assistant shows now.
#[derive(Debug, Clone)]
pub struct Advice<'s> {
    pub case: Case<'s>,
    pub standing: Standing,
    /// Whether "what happened?" must be answered for a path.
    pub asks: bool,
    /// None until the person has answered, when the answer is needed.
    pub route: Option<Route<'s>>,
    /// The session's time the advice was given at.
    pub now: DateTime<Utc>,
}

impl<'s> Advice<'s> {
    /// The cards a message may be about: for a cancel request, those the
    /// platform can still act on; otherwise every card still out.
    pub fn candidates(&self) -> Vec<&'s crate::core::order::Order> {
        match self.route {
            Some(Route::ChannelCancel { .. }) => self.case.on_platform(self.now),
            _ => self.case.sent(),
        }
    }

    /// Whether the message must say which cards (a batch with more than one).
    pub fn asks_cards(&self) -> bool {
        matches!(self.case.subject, Subject::Batch(_)) && self.candidates().len() > 1
    }
}

/// A message saved as a file: where, and whether the journal took the line
/// saying so (the file is there either way).
#[derive(Debug)]
pub struct Saved {
    pub file: PathBuf,
    pub journaled: Result<(), SessionError>,
}

impl Assistant {
    /// Opens it, journaling `remedy_opened` (and the path, when one needs
    /// no answer). None when the subject is not in the ledger; otherwise the
    /// assistant, with the journal's answer.
    pub fn open(
        session: &mut Session,
        subject: Subject,
    ) -> Option<(Self, Result<(), SessionError>)> {
        let case = Case::of(&subject, session.ledger())?;
        let standing = case.standing(|o| session.profile(&o.channel), session.now());
        let mut a = Self {
            subject,
            problem: None,
            journaled: None,
            follow_refused: false,
            cards: Vec::new(),
            platform_refused: false,
        };
        let opened = Event::RemedyOpened {
            standing: standing.word().to_owned(),
            batch: None,
        };
        let written = a.record(session, opened).and_then(|()| a.follow(session));
        Some((a, written))
    }

    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The case, what the app knows, and the path for the answer given.
    pub fn advice<'s>(&self, session: &'s Session) -> Option<Advice<'s>> {
        let case = Case::of(&self.subject, session.ledger())?;
        let standing = case.standing(|o| session.profile(&o.channel), session.now());
        let book = session.remedies();
        let problem = self.problem.as_deref().and_then(|p| book.problem(p));
        // Refused on the platform: as out of reach as a closed window.
        let routed = match standing {
            Standing::CancelOnPlatform { .. } if self.platform_refused => Standing::Closed,
            s => s,
        };
        let route = route(book, routed, problem, case.first_release(), &|t| {
            session.offset_at(t)
        });
        Some(Advice {
            case,
            standing,
            asks: routed.asks(),
            route,
            now: session.now(),
        })
    }

    fn path_id(&self, session: &Session) -> Option<String> {
        self.advice(session)?.route.map(|r| r.path_id().to_owned())
    }

    /// The person's answer to "what happened?"; the path is journaled.
    /// An id the book does not have changes nothing.
    pub fn choose(&mut self, session: &mut Session, problem: &str) -> Result<(), SessionError> {
        if session.remedies().problem(problem).is_none() {
            return Ok(());
        }
        self.problem = Some(problem.to_owned());
        self.follow_refused = false;
        self.follow(session)
    }

    pub fn cards(&self) -> &[OrderId] {
        &self.cards
    }

    /// Ticks (or unticks) a card of the batch for the message.
    pub fn tick_card(&mut self, card: OrderId, on: bool) {
        self.cards.retain(|c| *c != card);
        if on {
            self.cards.push(card);
        }
    }

    /// "The platform refused": the rows of the table apply.
    pub fn platform_refused(&mut self) {
        self.platform_refused = true;
    }

    /// Back to the question (the answer is kept in the journal).
    pub fn change_answer(&mut self) {
        self.problem = None;
    }

    /// Journals the path when it is first shown and whenever it (or the
    /// answer) changes, also by itself (a window closed while the person
    /// was reading): the record shows what was advised, and when.
    pub fn follow(&mut self, session: &mut Session) -> Result<(), SessionError> {
        if self.follow_refused {
            return Ok(());
        }
        let Some((path, deadline)) = self
            .advice(session)
            .and_then(|a| a.route)
            .filter(|r| *r != Route::NotSent)
            .map(|r| (r.path_id().to_owned(), r.deadline()))
        else {
            return Ok(());
        };
        let problem = self.problem.clone();
        let now = (problem.clone(), path.clone());
        if self.journaled.as_ref() == Some(&now) {
            return Ok(());
        }
        let written = self.record(
            session,
            Event::RemedyPathChosen {
                problem,
                path,
                deadline,
                batch: None,
            },
        );
        match written {
            Ok(()) => self.journaled = Some(now),
            Err(_) => self.follow_refused = true,
        }
        written
    }

    /// The path's ready-to-send message in `lang` (None when it has none,
    /// or when a batch's cards are still to be ticked).
    pub fn message(&self, session: &Session, lang: Lang) -> Option<String> {
        let advice = self.advice(session)?;
        let path = advice.route.as_ref()?.path()?;
        let book = session.remedies();
        // The cards it is about: the candidates, and of a batch's those ticked.
        let ticks = advice.asks_cards();
        let ticked: std::collections::HashSet<&OrderId> = self.cards.iter().collect();
        let candidates: Vec<OrderId> = advice
            .candidates()
            .iter()
            .map(|o| o.id.clone())
            .filter(|id| !ticks || ticked.contains(id))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let cards = Some(candidates.as_slice());
        message(
            path,
            &advice.case,
            &MessageFacts {
                problem: self.problem.as_deref().and_then(|p| book.problem(p)),
                profiles: session.profiles(),
                lang,
                now: advice.now,
                offsets: &|t| session.offset_at(t),
                cards,
            },
        )
    }

    /// Journals that the message left the app (copied, or saved as `file`).
    pub fn handed(
        &self,
        session: &mut Session,
        lang: Lang,
        text: &str,
        how: Handed,
        file: Option<String>,
    ) -> Result<(), SessionError> {
        let advice = self.advice(session);
        let path = advice
            .as_ref()
            .and_then(|a| a.route.as_ref().map(|r| r.path_id().to_owned()))
            .unwrap_or_default();
        let orders = match &advice {
            Some(a) if a.asks_cards() => self.cards.clone(),
            _ => Vec::new(),
        };
        self.record(
            session,
            Event::RemedyMessagePrepared {
                path,
                lang: lang.code().to_owned(),
                action: match how {
                    Handed::Copied => "copy",
                    Handed::Saved => "save",
                }
                .to_owned(),
                sha256: crate::core::journal::sha256_hex(text.as_bytes()),
                chars: text.chars().count(),
                file,
                orders,
                batch: None,
            },
        )
    }

    /// Saves the message as a new private file in `exports/`
    /// (`<order>_<path>_<lang>.txt`) and journals it. None when the path
    /// has no message; an error when the file could not be written.
    pub fn save_message(
        &self,
        session: &mut Session,
        lang: Lang,
    ) -> Result<Option<Saved>, FileError> {
        let (Some(text), Some(path_id)) = (self.message(session, lang), self.path_id(session))
        else {
            return Ok(None);
        };
        // Ids come from the journal: one the app did not make never names a file.
        let id = Some(self.subject_id()).filter(|id| crate::core::ids::made_by_app(id));
        let stem = format!("{}_{}_{}", id.unwrap_or("remedy"), path_id, lang.code());
        let data_dir = session.paths().data_dir.clone();
        let file = crate::core::exports::write_export(&data_dir, &stem, ".txt", text.as_bytes())?;
        let relative = file
            .strip_prefix(&data_dir)
            .map(|p| p.to_string_lossy().into_owned())
            .ok();
        let journaled = self.handed(session, lang, &text, Handed::Saved, relative);
        Ok(Some(Saved { file, journaled }))
    }

    fn subject_id(&self) -> &str {
        match &self.subject {
            Subject::Order(id) => id.as_str(),
            Subject::Batch(id) => id.as_str(),
        }
    }

    /// Journals for the order, or (without one) naming the batch.
    fn record(&self, session: &mut Session, event: Event) -> Result<(), SessionError> {
        match &self.subject {
            Subject::Order(id) => session.record(Some(id), event),
            Subject::Batch(b) => session.record(None, with_batch(event, b.clone())),
        }
    }
}

fn with_batch(mut event: Event, b: crate::core::ids::BatchId) -> Event {
    match &mut event {
        Event::RemedyOpened { batch, .. }
        | Event::RemedyPathChosen { batch, .. }
        | Event::RemedyMessagePrepared { batch, .. } => *batch = Some(b),
        _ => {}
    }
    event
}
