//! cardguard's entry point: parse the command line, open the window.

use cardguard::cli::{Cli, Command};
use cardguard::core::clock::SystemClock;
use cardguard::core::session::Paths;
use cardguard::ui::clipboard::SystemClipboard;
use cardguard::ui::{App, AppConfig};
use clap::Parser;
use std::sync::Arc;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    // A file-size limit (ulimit -f) must fail a write with EFBIG, which is
    // said and loses nothing, not kill the app mid-hold with SIGXFSZ.
    cardguard::platform::ignore_file_size_signal();
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        return run_command(command, cli.data_dir.as_deref(), cli.lang);
    }
    let (w, h) = cli.window_size.unwrap_or((1000.0, 760.0));
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title("cardguard")
        // The desktop entry's name: the desktop matches the window to
        // its entry, name and icon by it (Wayland app id, X11 WM_CLASS).
        .with_app_id(cardguard::platform::APP_ID)
        .with_inner_size([w, h])
        .with_min_inner_size([480.0, 400.0]);
    if let Some(icon) = cardguard::ui::icon::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    // Demo mode: its own folder inside the data dir, never the real journal,
    // and a clock that can run faster.
    let demo = cli
        .demo
        .then(|| cardguard::core::clock::ScaledClock::new(Arc::new(SystemClock)));
    let paths = Paths::resolve(cli.data_dir.as_deref()).map(|p| {
        if cli.demo {
            cardguard::core::demo::demo_paths(&p)
        } else {
            p
        }
    });
    let clock: cardguard::core::clock::SharedClock = match &demo {
        Some(d) => d.clone(),
        None => Arc::new(SystemClock),
    };
    let wants_screenshot = cli.screenshot.is_some();
    let start = cli.screen;
    let config = AppConfig {
        paths,
        clock,
        demo,
        lang: cli.lang,
        clipboard: Box::new(SystemClipboard::default()),
        screenshot_to: cli.screenshot,
        started: cli.report_startup.then_some(started),
    };
    match eframe::run_native(
        "cardguard",
        options,
        Box::new(move |cc| {
            let app = App::new(cc, config);
            Ok(Box::new(match start {
                Some(s) => app.start_on(s.screen()),
                None => app,
            }))
        }),
    ) {
        // The message was printed where the save failed.
        Ok(()) if wants_screenshot && !cardguard::ui::app::cli_screenshot_saved() => {
            std::process::ExitCode::FAILURE
        }
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cardguard could not open its window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_command(
    command: Command,
    data_dir: Option<&std::path::Path>,
    global_lang: Option<cardguard::i18n::Lang>,
) -> std::process::ExitCode {
    // A command's own --lang, else the one given before it, else English.
    let lang = |own: Option<cardguard::i18n::Lang>| {
        own.or(global_lang).unwrap_or(cardguard::i18n::Lang::En)
    };
    // A command piped into `head` stops quietly when the reader goes away.
    cardguard::platform::restore_broken_pipe();
    use cardguard::cli::JournalCommand;
    // A bundle is checked with nothing but the bundle: no data folder.
    if let Command::Evidence {
        action:
            cardguard::cli::EvidenceCommand::Verify {
                bundle,
                tsa_root,
                lang: l,
            },
    } = &command
    {
        return std::process::ExitCode::from(cardguard::cli::evidence_verify(
            bundle,
            tsa_root.as_deref(),
            lang(*l),
        ));
    }
    let Some(paths) = Paths::resolve(data_dir) else {
        eprintln!("no data folder: pass --data-dir DIR");
        return std::process::ExitCode::from(2);
    };
    match command {
        Command::Batch {
            action:
                cardguard::cli::BatchCommand::Check {
                    file,
                    channel,
                    reasons_lang,
                },
        } => std::process::ExitCode::from(cardguard::cli::batch_check(
            &paths,
            &file,
            channel.as_ref(),
            reasons_lang
                .or(global_lang)
                .unwrap_or_else(cardguard::i18n::Lang::system),
        )),
        Command::Journal {
            action: JournalCommand::Verify { lang: l },
        } => std::process::ExitCode::from(cardguard::cli::journal_verify(&paths.data_dir, lang(l))),
        Command::Journal {
            action:
                JournalCommand::Export {
                    order,
                    batch,
                    out,
                    lang: l,
                },
        } => std::process::ExitCode::from(cardguard::cli::journal_export(
            &paths.data_dir,
            order.as_ref(),
            batch.as_ref(),
            &out,
            lang(l),
        )),
        Command::Journal {
            action: JournalCommand::Checkpoint { lang: l },
        } => std::process::ExitCode::from(cardguard::cli::journal_checkpoint(
            &paths.data_dir,
            lang(l),
        )),
        Command::Evidence {
            action:
                cardguard::cli::EvidenceCommand::Verify {
                    bundle,
                    tsa_root,
                    lang: l,
                },
        } => std::process::ExitCode::from(cardguard::cli::evidence_verify(
            &bundle,
            tsa_root.as_deref(),
            lang(l),
        )),
        Command::Journal {
            action:
                JournalCommand::Timestamp {
                    tsa,
                    timeout,
                    lang: l,
                },
        } => std::process::ExitCode::from(cardguard::cli::journal_timestamp(
            &paths.data_dir,
            &tsa,
            std::time::Duration::from_secs(timeout.clamp(1, 600)),
            lang(l),
        )),
        Command::Journal {
            action: JournalCommand::Stress { count },
        } => match cardguard::cli::journal_stress(&paths.data_dir, count) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                std::process::ExitCode::FAILURE
            }
        },
        Command::Demo {
            headless,
            script,
            lang: l,
        } => {
            if !headless {
                eprintln!(
                    "the walkthrough plays in the window: cardguard --demo; headless: demo --headless"
                );
                return std::process::ExitCode::from(2);
            }
            // Never the real journal: the demo folder, as the window's --demo.
            std::process::ExitCode::from(cardguard::cli::demo_headless(
                &paths,
                script.as_deref(),
                lang(l),
            ))
        }
        Command::GuardEval {
            traces,
            reasons_lang,
        } => std::process::ExitCode::from(cardguard::cli::guard_eval(&traces, lang(reasons_lang))),
    }
}
