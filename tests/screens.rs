//! Each screen alone: drawn with a fixture view context (a real session on
//! a temporary data dir, a manual clock), clicked and typed into as a
//! person would, and judged by the commands it sent. Nothing is applied:
//! a screen only draws and sends.

use cardguard::core::batch::desk::BatchDesk;
use cardguard::core::clock::ManualClock;
use cardguard::core::event::{Event, ReleaseMode};
use cardguard::core::ids::OrderId;
use cardguard::core::journal::JournalError;
use cardguard::core::money::Fen;
use cardguard::core::session::{Paths, Session};
use cardguard::core::settings::Settings;
use cardguard::i18n::{Lang, Texts};
use cardguard::ui::command::{
    BatchCommand, Command, DemoCommand, JournalCommand, Level, Notice, Notices, Screen,
};
use cardguard::ui::journal_feed::JournalFeed;
use cardguard::ui::screens;
use cardguard::ui::view::{CommandSender, ViewCtx};
use cardguard::ui::widgets::chrome;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;

/// A session on a temporary data dir, the texts, and the sender a screen
/// writes to.
struct Fixture {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    session: Session,
    tr: Texts,
    out: CommandSender,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::fixed();
        let session = match Session::open(Paths::in_one_dir(dir.path()), clock.clone()) {
            Ok(s) => s,
            Err(cardguard::core::session::SessionError::Journal(JournalError::Locked(_))) => {
                unreachable!("a fresh folder is never locked")
            }
            Err(e) => panic!("{e}"),
        };
        Self {
            _dir: dir,
            clock,
            session,
            tr: Texts::new(Lang::En),
            out: CommandSender::default(),
        }
    }

    fn cx(&self) -> ViewCtx<'_> {
        ViewCtx {
            tr: &self.tr,
            session: &self.session,
            now: self.session.now(),
            mask_secrets: false,
            demo: false,
            out: &self.out,
        }
    }

    /// A reviewed order on `channel` (what the entry flow journals).
    fn reviewed(&mut self, channel: &str, last4: &str) -> OrderId {
        let id = self.session.new_order_id();
        let p = self.session.profile(&channel.into()).unwrap().clone();
        let face = Fen(10_000);
        let event = Event::ReviewShown {
            channel: channel.into(),
            face_value_fen: face,
            payout_fen: p.payout(face),
            masked: format!("•••• •••• •••• {last4}"),
            fingerprint: format!("fp-{last4}"),
            cancel_window_ms: p.effective_window_ms(),
            release_mode: ReleaseMode::Simulated,
            batch: None,
        };
        self.session.record(Some(&id), event).unwrap();
        id
    }

    /// Lets a held order's hold run out and releases it.
    fn release(&mut self, id: &OrderId) {
        self.clock.advance_ms(11_000);
        self.session.catch_up().unwrap();
        let secret = cardguard::core::code::check_code(
            "ABCD2345EFGH7F3K",
            &cardguard::core::code::Alphabet::full(),
        )
        .secret()
        .unwrap();
        self.session.release(id, &secret).unwrap();
    }

    /// An order in its local hold.
    fn holding(&mut self) -> OrderId {
        let id = self.reviewed("kaquanmao", "7F3K");
        self.session.confirm(&id).unwrap();
        id
    }
}

/// Draws one screen with its own view state over a fixture.
fn screen<S: 'static>(
    fx: Fixture,
    view: S,
    draw: impl Fn(&mut egui::Ui, &ViewCtx, &mut S) + 'static,
) -> Harness<'static, (Fixture, S)> {
    let mut h = builder().with_size([1000.0, 900.0]).build_ui_state(
        move |ui, (fx, view): &mut (Fixture, S)| {
            egui::ScrollArea::vertical().show(ui, |ui| draw(ui, &fx.cx(), view));
        },
        (fx, view),
    );
    h.run();
    // What was sent while settling is not what the test does.
    h.state().0.out.take();
    h
}

fn sent<S>(h: &Harness<'static, (Fixture, S)>) -> Vec<Command> {
    h.state().0.out.take()
}

#[test]
fn the_hold_screen_sends_undo_and_a_blocked_release_offers_retry() {
    let mut fx = Fixture::new();
    let id = fx.holding();
    let order = id.clone();
    let mut h = screen(fx, false, move |ui, cx, blocked: &mut bool| {
        screens::hold::show(ui, cx, Some(&order), *blocked)
    });
    assert!(h.query_by_label("Retry release").is_none());
    h.get_by_label("Undo").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::Undo]));

    h.state_mut().1 = true;
    h.run();
    sent(&h);
    h.get_by_label("Retry release").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::RetryRelease(o)] if *o == id));
}

#[test]
fn the_hold_screen_of_an_order_no_longer_held_goes_to_the_orders_list() {
    let mut fx = Fixture::new();
    let id = fx.holding();
    fx.session.undo(&id).unwrap();
    let order = id.clone();
    let mut h = builder().build_ui_state(
        move |ui, fx: &mut Fixture| screens::hold::show(ui, &fx.cx(), Some(&order), false),
        fx,
    );
    h.run();
    let c = h.state().out.take();
    assert!(
        c.iter()
            .all(|c| matches!(c, Command::Navigate(Screen::Orders))),
        "{c:?}"
    );
    assert!(!c.is_empty());
}

#[test]
fn the_orders_screen_cancels_the_order_whose_button_was_pressed() {
    let mut fx = Fixture::new();
    let first = fx.holding();
    fx.release(&first);
    let mut h = screen(fx, (), |ui, cx, _| {
        screens::orders::show(ui, cx, None, screens::orders::PAGE)
    });
    h.get_by_label("Cancel this order").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::Cancel(o)] if *o == first));
}

#[test]
fn a_long_orders_list_asks_for_more_rather_than_growing_itself() {
    let mut fx = Fixture::new();
    for i in 0..(screens::orders::PAGE + 3) {
        // Only orders past their review are listed: these were held.
        let id = fx.reviewed("kaquanmao", &format!("{:04}", i));
        fx.session.confirm(&id).unwrap();
    }
    let mut h = screen(fx, (), |ui, cx, _| {
        screens::orders::show(ui, cx, None, screens::orders::PAGE)
    });
    h.get_by_label("Show 3 more").scroll_to_me();
    h.run();
    h.get_by_label("Show 3 more").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::ShowMoreOrders]));
}

#[test]
fn the_entry_screen_sends_each_choice_and_review_only_when_ready() {
    let fx = Fixture::new();
    let draft = cardguard::core::draft::Draft {
        channel: Some("kaquanmao".into()),
        ..Default::default()
    };
    let mut h = screen(fx, draft, screens::entry::show);
    // Not ready: the review button does nothing.
    h.get_by_label("Review →").click();
    h.run();
    assert!(
        !sent(&h)
            .iter()
            .any(|c| matches!(c, Command::GoToReview { .. }))
    );

    h.get_by_label("¥100").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::ChooseFaceValue(f)] if *f == Fen(10_000)));

    h.get_by_label("2. Card code (16 characters)").focus();
    h.run();
    h.event(egui::Event::Text("ABCD".into()));
    h.run();
    let c = sent(&h);
    assert!(
        matches!(c.as_slice(), [Command::CodeEdited { pasted: false }]),
        "{c:?}"
    );
    // The field is the screen's own state: what was typed is in the draft.
    assert_eq!(h.state().1.code_raw.as_str(), "ABCD");
}

#[test]
fn the_review_screen_hands_the_pointer_to_the_guard_and_back_goes_to_entry() {
    use cardguard::core::flow::{Confirmation, Subject, TypeToConfirm};
    use cardguard::core::guard::{GuardInput, Target};
    use cardguard::ui::review_step::ReviewStep;
    let mut fx = Fixture::new();
    let id = fx.reviewed("kaquanmao", "7F3K");
    let ctx = fx.session.guard_context(&id, false, u64::MAX).unwrap();
    let expected = TypeToConfirm::Last4("7F3K".into());
    let subject = Subject::Order(id.clone());
    let c = Confirmation::show(&mut fx.session, subject, &ctx, false, expected).unwrap();
    let mut h = screen(fx, ReviewStep::new(c, None), |ui, cx, r| {
        screens::review::show(ui, cx, r)
    });
    // The order under review is what is shown.
    assert!(h.query_by_label(id.as_str()).is_some());
    // A click on Confirm is the guard's to judge: the screen only reports it.
    let confirm = h
        .get_by(|n| {
            n.role() == egui::accesskit::Role::Button
                && n.label().is_some_and(|l| l.starts_with("Confirm"))
        })
        .rect();
    h.hover_at(confirm.center());
    h.run();
    h.drag_at(confirm.center());
    h.run();
    h.drop_at(confirm.center());
    h.run();
    let on = Target::Confirm;
    let guard: Vec<GuardInput> = sent(&h)
        .into_iter()
        .filter_map(|c| match c {
            Command::Guard(g) => Some(g),
            _ => None,
        })
        .collect();
    // The pointer is reported over Confirm before the press (the app keeps
    // what it last reported; alone, the screen reports it each frame).
    assert_eq!(guard.first(), Some(&GuardInput::PointerMoved { on }));
    let presses: Vec<&GuardInput> = guard
        .iter()
        .filter(|g| !matches!(g, GuardInput::PointerMoved { .. }))
        .collect();
    assert_eq!(
        presses,
        [
            &GuardInput::PointerDown { on },
            &GuardInput::PointerUp { on }
        ]
    );
    h.get_by_label("← Back to edit").click();
    h.run();
    assert!(sent(&h).iter().any(|c| matches!(c, Command::BackToEntry)));
}

#[test]
fn the_settings_screen_saves_the_form_as_edited() {
    let fx = Fixture::new();
    let edit = fx.session.settings().clone();
    let mut h = screen(fx, edit, |ui, cx, s: &mut Settings| {
        screens::settings::show(ui, cx, s, &cardguard::ui::stamper::Stamper::default())
    });
    // The undo window's slider, moved by the keyboard: one step up.
    let before = h.state().1.hold_s;
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::Slider
            && n.label().as_deref() == Some("Undo window after confirming")
    })
    .focus();
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    let after = h.state().1.hold_s;
    assert!(after > before, "{before} -> {after}");
    // Editing is the form's own business: nothing is sent until Save.
    assert!(sent(&h).is_empty());
    h.get_by_label("Save").click();
    h.run();
    assert!(matches!(sent(&h).as_slice(), [Command::SaveSettings(s)] if s.hold_s == after));
}

#[test]
fn the_journal_screen_asks_the_app_to_verify_and_to_read_a_line() {
    let mut fx = Fixture::new();
    fx.holding();
    let mut feed = JournalFeed::default();
    feed.refresh(&fx.session);
    assert!(feed.entries.len() >= 2);
    let mut h = screen(
        fx,
        (screens::journal::JournalView::default(), feed),
        |ui, cx, s| screens::journal::show(ui, cx, &mut s.0, &s.1),
    );
    h.get_by_label("Verify").click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Journal(JournalCommand::Verify)]
    ));
    // A row of the timeline: its plain words.
    let confirmed = Texts::new(Lang::En).get("jk.confirmed").to_owned();
    let stem = confirmed.split('{').next().unwrap().trim().to_owned();
    assert!(!stem.is_empty());
    h.get_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with(&stem) && n.role() == egui::accesskit::Role::Button)
    })
    .click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Journal(JournalCommand::Select(_))]
    ));
}

#[test]
fn the_batch_screen_sends_the_pasted_rows_to_be_checked() {
    let fx = Fixture::new();
    let mut h = screen(fx, screens::batch::BatchForm::default(), |ui, cx, f| {
        screens::batch::show(ui, cx, &BatchDesk::default(), f)
    });
    h.get_by_label("Or paste rows:").focus();
    h.run();
    h.event(egui::Event::Paste(
        "card,face\nABCD2345EFGH7F3K,100\n".into(),
    ));
    h.run();
    sent(&h);
    h.get_by_label("Check pasted rows").click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Batch(BatchCommand::ImportPaste)]
    ));
}

#[test]
fn the_batch_run_panel_offers_undo_while_the_batch_is_held() {
    let mut fx = Fixture::new();
    let mut desk = BatchDesk::default();
    desk.choose_channel("kaquanmao".into(), &fx.session);
    desk.load(
        b"card,face\nABCD2345EFGH7F3K,100\nZXCV2345MNBV6789,100\n",
        "-",
        &mut fx.session,
    )
    .unwrap();
    desk.start_run(&mut fx.session).unwrap();
    assert!(desk.batch.is_none(), "the codes live in the run only");
    let mut h = screen(fx, desk, |ui, cx, d: &mut BatchDesk| {
        if let Some(run) = &d.run {
            screens::batch::release::run_panel(ui, cx, run)
        }
    });
    assert!(
        h.query_by_label("Held on this device: nothing has been sent. Releasing starts in:")
            .is_some()
    );
    h.get_by_label("Undo the whole batch").click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Batch(BatchCommand::Undo)]
    ));
}

#[test]
fn the_top_bar_navigates_switches_language_and_takes_screenshots() {
    let out = CommandSender::default();
    let tr = Texts::new(Lang::En);
    let mut h = builder().build_ui_state(
        move |ui, out: &mut CommandSender| chrome::top_bar(ui, &tr, Screen::Entry, true, out),
        out,
    );
    h.run();
    h.get_by_label("Orders").click();
    h.run();
    assert!(matches!(
        h.state().take().as_slice(),
        [Command::Navigate(Screen::Orders)]
    ));
    h.get_by_label("Screenshot").click();
    h.run();
    assert!(matches!(
        h.state().take().as_slice(),
        [Command::TakeScreenshot]
    ));
    h.get_by_label(Lang::Zh.native_name()).click();
    h.run();
    assert!(matches!(
        h.state().take().as_slice(),
        [Command::SetLanguage(Some(Lang::Zh))]
    ));
}

#[test]
fn a_notice_is_dismissed_by_its_own_id() {
    let mut notices = Notices::default();
    notices.push(Notice::new(Level::Info, "notice.settings_saved"));
    let second = notices.push(Notice::new(Level::Warning, "notice.paste_too_long").arg("chars", 9));
    let tr = Texts::new(Lang::En);
    let mut h = builder().build_ui_state(
        move |ui, (n, out): &mut (Notices, CommandSender)| chrome::notices(ui, &tr, n, out),
        (notices, CommandSender::default()),
    );
    h.run();
    // Named in words for a screen reader, not by the sign drawn.
    let buttons = h.get_all_by_label("Dismiss").collect::<Vec<_>>();
    assert_eq!(buttons.len(), 2);
    buttons[1].click();
    h.run();
    assert!(matches!(
        h.state().1.take().as_slice(),
        [Command::DismissNotice(id)] if *id == second
    ));
}

#[test]
fn the_demo_banner_sends_demo_commands() {
    let tr = Texts::new(Lang::En);
    let mut h = builder().build_ui_state(
        move |ui, out: &mut CommandSender| chrome::demo_banner(ui, &tr, 1, false, out),
        CommandSender::default(),
    );
    h.run();
    h.get_by_label("×60").click();
    h.run();
    assert!(matches!(
        h.state().take().as_slice(),
        [Command::Demo(DemoCommand::Speed(60))]
    ));
}

/// A harness builder with the app's fonts (CJK and symbols) from the first frame.
fn builder<S>() -> egui_kittest::HarnessBuilder<S> {
    egui_kittest::HarnessBuilder::default().with_context_setup(cardguard::ui::fonts::install)
}

/// An order released on Duidui (no cancel window), as the ledger has it.
fn sent_on_duidui(fx: &mut Fixture) -> OrderId {
    let id = fx.reviewed("duidui", "7F3K");
    fx.session.confirm(&id).unwrap();
    fx.release(&id);
    id
}

#[test]
fn the_remedy_screen_asks_then_sends_the_answer_and_each_action() {
    use cardguard::core::flow::Subject;
    use cardguard::core::remedy::Assistant;
    use cardguard::ui::command::RemedyCommand;
    use cardguard::ui::screens::remedy::RemedyDesk;
    let mut fx = Fixture::new();
    let id = sent_on_duidui(&mut fx);
    let (assistant, journaled) =
        Assistant::open(&mut fx.session, Subject::Order(id.clone())).unwrap();
    journaled.unwrap();
    let desk = RemedyDesk {
        assistant,
        back: Screen::Orders,
        message_lang: Lang::En,
        handed: None,
    };
    let mut h = screen(fx, desk, |ui, cx, desk: &mut RemedyDesk| {
        screens::remedy::show(ui, cx, desk)
    });
    h.get_by_label("What happened?");
    h.get_by_label("The same card code was submitted twice")
        .click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Remedy(RemedyCommand::Answer(p))] if p == "submitted_twice"
    ));
    // The answer as the app would apply it: the path is drawn.
    {
        let (fx, desk) = &mut *h.state_mut();
        desk.assistant
            .choose(&mut fx.session, "submitted_twice")
            .unwrap();
    }
    h.run();
    sent(&h);
    for (label, want) in [
        ("Copy the message", "CopyMessage"),
        ("Save as a file", "SaveMessage"),
        ("Export the evidence bundle", "ExportEvidence"),
        ("Chinese version", "MessageLang(Zh)"),
        ("Change my answer", "ChangeAnswer"),
        ("Close", "Close"),
    ] {
        h.get_by_label(label).scroll_to_me();
        h.run();
        h.get_by_label(label).click();
        h.run();
        let c = sent(&h);
        assert_eq!(c.len(), 1, "{label}: {c:?}");
        assert_eq!(format!("{:?}", c[0]), format!("Remedy({want})"), "{label}");
    }
}

#[test]
fn every_order_card_opens_the_remedy_assistant_on_its_own_order() {
    use cardguard::core::flow::Subject;
    use cardguard::ui::command::RemedyCommand;
    let mut fx = Fixture::new();
    let id = sent_on_duidui(&mut fx);
    let mut h = screen(fx, (), |ui, cx, _| {
        screens::orders::show(ui, cx, None, screens::orders::PAGE)
    });
    h.get_by_label(&format!("Something went wrong with {id}?"))
        .click();
    h.run();
    assert!(matches!(
        sent(&h).as_slice(),
        [Command::Remedy(RemedyCommand::Open(Subject::Order(o)))] if *o == id
    ));
}
