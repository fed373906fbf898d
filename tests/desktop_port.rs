//! The OS behind a port: "Open folder" and switching demo mode go through
//! `DesktopPort`, so a test sees exactly what would have been opened or
//! started, and that a hold in progress keeps the app from restarting.
//! (Which options the new process gets is `cli::relaunch_args`, tested there.)

mod common;

use cardguard::i18n::Lang;
use cardguard::ui::app::{DesktopPort, FileAsk};
use common::*;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, PartialEq)]
enum Asked {
    Open(PathBuf),
    Relaunch {
        demo: bool,
    },
    /// A file dialog: its title and where it starts.
    Choose {
        title: String,
        start: PathBuf,
    },
    /// A folder dialog, and where it starts.
    ChooseFolder {
        start: PathBuf,
    },
}

/// Records what the app asked of the desktop; `fail` makes every ask fail.
/// `dialog`: the desktop has its own file dialog, which answers this.
#[derive(Clone, Default)]
struct Recorder {
    asked: Arc<Mutex<Vec<Asked>>>,
    fail: bool,
    dialog: Option<Arc<Mutex<Option<PathBuf>>>>,
}

/// A dialog's answer, from another thread as a real dialog's is.
fn answered(
    answer: Option<PathBuf>,
    wake: Box<dyn FnOnce() + Send>,
) -> cardguard::ui::app::FileAnswer {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        tx.send(answer).unwrap();
        wake();
    })
    .join()
    .unwrap();
    rx
}

impl DesktopPort for Recorder {
    fn open_folder(&self, dir: &Path) -> std::io::Result<()> {
        self.asked
            .lock()
            .unwrap()
            .push(Asked::Open(dir.to_path_buf()));
        if self.fail {
            return Err(std::io::Error::other("no file manager"));
        }
        Ok(())
    }
    fn relaunch(&self, demo: bool) -> std::io::Result<()> {
        self.asked.lock().unwrap().push(Asked::Relaunch { demo });
        Ok(())
    }
    fn choose_file(
        &self,
        ask: FileAsk,
        wake: Box<dyn FnOnce() + Send>,
    ) -> Option<cardguard::ui::app::FileAnswer> {
        self.asked.lock().unwrap().push(Asked::Choose {
            title: ask.title,
            start: ask.start,
        });
        let answer = self.dialog.as_ref()?.lock().unwrap().clone();
        Some(answered(answer, wake))
    }
    fn choose_folder(
        &self,
        _title: String,
        start: PathBuf,
        wake: Box<dyn FnOnce() + Send>,
    ) -> Option<cardguard::ui::app::FileAnswer> {
        self.asked
            .lock()
            .unwrap()
            .push(Asked::ChooseFolder { start });
        let answer = self.dialog.as_ref()?.lock().unwrap().clone();
        Some(answered(answer, wake))
    }
}

impl Recorder {
    fn taken(&self) -> Vec<Asked> {
        std::mem::take(&mut self.asked.lock().unwrap())
    }
}

const OPEN_DEMO: &str = "Open demo mode (separate data, simulated channel, sample cards)";

#[test]
fn open_folder_asks_the_desktop_for_the_data_dir_and_says_when_it_cannot() {
    let rig = Rig::new();
    let desk = Recorder::default();
    let port = desk.clone();
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));
    click(&mut h, "Settings");
    click(&mut h, "Open folder");
    assert_eq!(
        desk.taken(),
        vec![Asked::Open(rig.dir.path().to_path_buf())]
    );
    assert_eq!(notice_count(&h), 0);

    let failing = Recorder {
        fail: true,
        ..Default::default()
    };
    let port = failing.clone();
    drop(h);
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));
    click(&mut h, "Settings");
    click(&mut h, "Open folder");
    assert_eq!(failing.taken().len(), 1);
    let said = text_starting(&h, "Could not open");
    assert!(
        said.contains(&rig.dir.path().display().to_string()),
        "{said}"
    );
    assert!(said.contains("no file manager"), "{said}");
}

#[test]
fn demo_mode_starts_a_new_process_with_the_same_options_but_not_during_a_hold() {
    let rig = Rig::new();
    let desk = Recorder::default();
    let port = desk.clone();
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));

    // A hold in progress lives only in this process: no restart.
    enter_small_order(&mut h);
    click(&mut h, "Review →");
    tick(&mut h, &rig, 1_000);
    click(&mut h, "Confirm — 10 s to undo");
    assert_eq!(h.state().screen(), cardguard::ui::Screen::Hold);
    click(&mut h, "Settings");
    click(&mut h, OPEN_DEMO);
    assert!(desk.taken().is_empty());
    assert_shows(
        &h,
        "Finish or undo the order or batch being held or released first: its codes live only in this window.",
    );

    // Once it is released, the switch asks for a new process in demo mode.
    tick(&mut h, &rig, 10_000);
    click(&mut h, "Settings");
    click(&mut h, OPEN_DEMO);
    assert_eq!(desk.taken(), vec![Asked::Relaunch { demo: true }]);
}

fn batch_file(rig: &Rig) -> PathBuf {
    let dir = rig.dir.path().join("lists");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("cards.csv");
    std::fs::write(&f, "ABCD1234EFGH5678,100\nKMNP2345QRST6789,200\n").unwrap();
    f
}

/// Browse… opens the desktop's own dialog where there is one; the file
/// chosen there is read as if typed. Closed without a file, it says so and
/// the next Browse… opens the window's own list.
#[test]
fn browse_uses_the_desktops_dialog_and_falls_back_to_the_windows_list() {
    let rig = Rig::new();
    let file = batch_file(&rig);
    let answer = Arc::new(Mutex::new(Some(file.clone())));
    let desk = Recorder {
        dialog: Some(answer.clone()),
        ..Default::default()
    };
    let port = desk.clone();
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));
    click(&mut h, "Batch");
    click(&mut h, "Browse…");
    settle_import(&mut h);
    assert!(matches!(
        &desk.taken()[..],
        [Asked::Choose { title, .. }] if title == "Choose a batch file"
    ));
    assert_has(&h, &file.display().to_string());
    assert_has(&h, "2 rows: ");

    // Closed without a file: said, and the window's list is next.
    *answer.lock().unwrap() = None;
    click(&mut h, "Browse…");
    h.run();
    assert_has(
        &h,
        "No file chosen (or the system's dialog could not open).",
    );
    assert!(!has(&h, "Show all files"), "no list yet");
    click(&mut h, "Browse…");
    assert_eq!(
        desk.taken().len(),
        1,
        "the dialog was asked once more, not twice"
    );
    assert_has(&h, "Show all files");
}

/// No dialog of the desktop's own (bare X, Xvfb): Browse… opens the
/// window's own list at once, where the chosen file is read.
#[test]
fn without_a_desktop_dialog_browse_opens_the_windows_list() {
    let rig = Rig::new();
    let file = batch_file(&rig);
    let desk = Recorder::default();
    let port = desk.clone();
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));
    click(&mut h, "Batch");
    retype_into(&mut h, "File", &file.display().to_string());
    click(&mut h, "Browse…");
    assert!(matches!(
        &desk.taken()[..],
        [Asked::Choose { start, .. }] if start == file.parent().unwrap()
    ));
    assert_has(&h, "Show all files");
    click(&mut h, "cards.csv");
    settle_import(&mut h);
    assert_has(&h, "2 rows: ");
}

/// Export evidence asks the desktop's folder dialog where to put it (from
/// the app's own folder at first, then where it went last); the bundle is
/// a new folder in the one chosen. Closed without one: nothing is written,
/// it says so, and the next export goes to the app's own folder.
#[test]
fn evidence_goes_where_the_person_chooses_or_to_the_apps_own_folder() {
    let rig = Rig::new();
    let outside = tempfile::tempdir().unwrap();
    let answer = Arc::new(Mutex::new(Some(outside.path().to_path_buf())));
    let desk = Recorder {
        dialog: Some(answer.clone()),
        ..Default::default()
    };
    let port = desk.clone();
    let mut h = rig.open_with(Lang::En, move |app| app.with_desktop(Box::new(port)));
    enter_small_order(&mut h);
    review_confirm_release(&mut h, &rig);
    let [id] = rig.orders_of("released").try_into().unwrap();
    click(&mut h, "Journal");
    h.get_all_by_label(&id).next().unwrap().click();
    h.run();
    click(&mut h, "Export evidence");
    h.run();
    let [Asked::ChooseFolder { start }] = &desk.taken()[..] else {
        panic!("asked for a folder once");
    };
    assert_eq!(start, rig.dir.path(), "no exports yet: the data dir");
    let bundles: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(bundles.len(), 1);
    let bundle = bundles[0].path();
    assert!(bundle.join("manifest.json").is_file());
    assert_eq!(
        text_starting(&h, "Evidence exported to "),
        format!("Evidence exported to {}", bundle.display())
    );
    assert!(
        !rig.dir.path().join("exports").exists(),
        "nothing in the app's own"
    );

    // Found by red team: the bundle's own folder (or one inside it) is
    // refused; adding to a bundle made it fail to verify.
    for inside in [bundle.clone(), bundle.join("screenshots")] {
        std::fs::create_dir_all(&inside).unwrap();
        *answer.lock().unwrap() = Some(inside);
        click(&mut h, "Export evidence");
        h.run();
        assert_has(&h, "is an evidence bundle: nothing may be added to it");
        dismiss_notices(&mut h);
    }
    assert!(cardguard::core::evidence::verify_bundle(&bundle).is_ok());
    assert_eq!(desk.taken().len(), 2);

    // Closed without a folder: nothing written, said; then the app's own.
    *answer.lock().unwrap() = None;
    click(&mut h, "Export evidence");
    h.run();
    assert!(matches!(
        &desk.taken()[..],
        [Asked::ChooseFolder { start }] if start == outside.path()
    ));
    assert_has(
        &h,
        "No folder chosen (or the system's dialog could not open): nothing was exported.",
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    click(&mut h, "Export evidence");
    assert!(desk.taken().is_empty(), "no dialog this time");
    let own = std::fs::read_dir(rig.dir.path().join("exports")).unwrap();
    assert_eq!(own.count(), 1);
}
