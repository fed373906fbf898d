//! The OS behind a port: "Open folder" and switching demo mode go through
//! `DesktopPort`, so a test sees exactly what would have been opened or
//! started, and that a hold in progress keeps the app from restarting.
//! (Which options the new process gets is `cli::relaunch_args`, tested there.)

mod common;

use cardguard::i18n::Lang;
use cardguard::ui::app::DesktopPort;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, PartialEq)]
enum Asked {
    Open(PathBuf),
    Relaunch { demo: bool },
}

/// Records what the app asked of the desktop; `fail` makes every ask fail.
#[derive(Clone, Default)]
struct Recorder {
    asked: Arc<Mutex<Vec<Asked>>>,
    fail: bool,
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
