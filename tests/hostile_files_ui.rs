//! Hostile files met by the window: a FIFO chosen as a batch file is
//! refused without blocking the window.

mod common;
use cardguard::i18n::Lang;
use common::*;

#[cfg(unix)]
#[test]
fn a_fifo_chosen_as_a_batch_file_is_refused_and_the_window_goes_on() {
    let rig = Rig::new();
    let mut h = rig.open(Lang::En);
    click(&mut h, "Batch");
    let fifo = rig.dir.path().join("cards.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path we own in a temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // Unblocks a reader stuck on the FIFO (as the old UI-thread read was),
    // so a regression fails below instead of hanging the test run.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (f2, d2) = (fifo.clone(), done.clone());
    let watchdog = std::thread::spawn(move || {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !d2.load(std::sync::atomic::Ordering::SeqCst) && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&f2);
    });
    type_path(&mut h, &fifo);
    click_then_settle_import(&mut h, "Import file");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_has(
        &h,
        &format!(
            "Cannot read {}: {} is a FIFO (named pipe), not a regular file",
            fifo.display(),
            fifo.display()
        ),
    );
    // Nothing imported: no totals on screen, no import journaled.
    assert!(!has(&h, " rows: "), "{}", screen_text(&h));
    assert!(!rig.kinds().iter().any(|k| k == "batch_imported"));
    // The window still works: a regular file imports.
    import_batch(&mut h, &rig, "ok.csv", &batch_csv(2, 100));
    // Read and checked: on JD, whose cards need a verification code, both
    // rows of code and face value only are errors.
    assert_totals(&h, "2 rows: 0 ok, 0 warnings, 2 errors");
    assert_eq!(
        rig.kinds()
            .iter()
            .filter(|k| *k == "batch_imported")
            .count(),
        1
    );
}
