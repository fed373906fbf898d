//! Command-line options.

use chrono::Offset;
use clap::Parser;
use std::path::PathBuf;

/// Prints one line on stdout. Output that cannot be written (a full disk,
/// a closed file) ends the command with exit 2 and a message, never a
/// panic or a success whose output was lost.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::say_line(format_args!($($t)*)) };
}

pub fn say_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{args}").and_then(|()| out.flush()).is_err() {
        output_failed();
    }
}

/// Ends a command whose output could not be written.
pub fn output_failed() -> ! {
    use std::io::Write;
    let tr = crate::i18n::Texts::new(crate::i18n::Lang::system());
    let _ = writeln!(std::io::stderr(), "{}", tr.get("cli.output_failed"));
    std::process::exit(2)
}

#[derive(Debug, Parser)]
#[command(
    name = "cardguard",
    version,
    about = "Guards the hand-off of a JD e-card secret to a recycling channel."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Keep everything (journal, settings, channel profiles, key) in DIR.
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Interface language: zh-CN or en (default: settings, then system locale).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,
    /// Save an in-app screenshot of the first screen to PNG, then exit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Open on this screen (with --screenshot: the screen to capture).
    #[arg(long, value_enum, value_name = "SCREEN")]
    pub screen: Option<StartScreen>,
    /// Initial window size in points, e.g. 1000x720.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub window_size: Option<(f32, f32)>,
    /// Print the time from launch to the first frame.
    #[arg(long)]
    pub report_startup: bool,
    /// Demo mode: a separate data folder (DATA/demo), the simulated channel
    /// only, sample cards and faster time (×1, ×10, ×60).
    #[arg(long)]
    pub demo: bool,
}

/// The screens a window can open on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StartScreen {
    Entry,
    Orders,
    Batch,
    Journal,
    Settings,
}

impl StartScreen {
    pub fn screen(self) -> crate::ui::Screen {
        use crate::ui::Screen;
        match self {
            StartScreen::Entry => Screen::Entry,
            StartScreen::Orders => Screen::Orders,
            StartScreen::Batch => Screen::Batch,
            StartScreen::Journal => Screen::Journal,
            StartScreen::Settings => Screen::Settings,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Batch files (small-business operators).
    Batch {
        #[command(subcommand)]
        action: BatchCommand,
    },
    /// Check or export the tamper-evident journal.
    Journal {
        #[command(subcommand)]
        action: JournalCommand,
    },
    /// Check an evidence bundle (a folder made by `journal export`) with
    /// nothing but the bundle. Exit 0 all checks pass, 1 something failed
    /// (named), 2 it cannot be read.
    Evidence {
        #[command(subcommand)]
        action: EvidenceCommand,
    },
    /// Run a demo script through the core with no window (the built-in
    /// walkthrough unless --script is given); one line per step. Exit 0 when
    /// every step did what it expects and the journal verifies, 1 if not,
    /// 2 when the script cannot be read.
    Demo {
        /// Required for now: the windowed walkthrough is in the app (--demo).
        #[arg(long)]
        headless: bool,
        /// A script file in the walkthrough format (assets/demo/walkthrough.json).
        #[arg(long, value_name = "FILE")]
        script: Option<PathBuf>,
        /// Language of the step lines: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Replay recorded confirmation traces through the guard; one JSON line per trace.
    GuardEval {
        /// JSON-lines trace file, or - for standard input.
        #[arg(long, value_name = "FILE")]
        traces: PathBuf,
        /// Language of the reasons: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "reasons-lang", value_name = "LANG", value_parser = parse_lang)]
        reasons_lang: Option<crate::i18n::Lang>,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum EvidenceCommand {
    /// The same checks as the bundle's own verify.py.
    Verify {
        bundle: PathBuf,
        /// The time-stamp authority's root certificate (PEM or DER), as the
        /// authority publishes it: every token must chain to it.
        #[arg(long, value_name = "FILE")]
        tsa_root: Option<PathBuf>,
        /// Language of the result: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum BatchCommand {
    /// Import and validate FILE without a window; releases nothing. One JSON
    /// line per data row, then a totals line. Exit 0 no errors, 1 some row
    /// has an error or there are no data rows, 2 the file cannot be read or
    /// decoded (a folder, FIFO, device, or over 20 MB).
    Check {
        file: PathBuf,
        /// Channel profile id (default: the last one used, else the first).
        #[arg(long)]
        channel: Option<crate::core::ids::ChannelId>,
        /// Language of the reasons: zh-CN or en (default: the --lang given before the command, else the system's).
        #[arg(long = "reasons-lang", value_parser = parse_lang)]
        reasons_lang: Option<crate::i18n::Lang>,
    },
}

/// `batch check`: the same import and validation as the app, read-only.
pub fn batch_check(
    paths: &crate::core::session::Paths,
    file: &std::path::Path,
    channel: Option<&crate::core::ids::ChannelId>,
    lang: crate::i18n::Lang,
) -> u8 {
    use crate::core::batch::{ImportError, Status, import};
    use crate::core::profile::read_profiles;
    use std::io::Write;
    let tr = crate::i18n::Texts::new(lang);
    let fail = |key: &str, args: &[(&str, &dyn std::fmt::Display)]| {
        eprintln!("{}", tr.fmt(key, args));
        2
    };
    let bytes = match crate::core::batch::read_file(file) {
        Ok(b) => b,
        Err(e) => return fail(e.key(), &[("file", &file.display()), ("error", &e)]),
    };
    let mut batch = match import(&bytes) {
        Ok(b) => b,
        // Readable but nothing to check: not "all good" (exit 1), not unreadable.
        Err(e @ (ImportError::Empty | ImportError::NoRows)) => {
            eprintln!("{}", tr.fmt(e.key(), &[("file", &file.display())]));
            return 1;
        }
        Err(e) => return fail(e.key(), &[("file", &file.display())]),
    };
    let (profiles, problem) = read_profiles(&paths.profiles_file());
    if let Some(p) = problem {
        // Checked against the built-ins instead: say so, then go on.
        eprintln!("{}", p.describe(&tr));
    }
    let settings = crate::core::settings::load_settings_read_only(&paths.settings_file());
    let wanted = channel.cloned().or(settings.last_channel);
    let Some(profile) = wanted
        .as_ref()
        .and_then(|id| profiles.iter().find(|p| &p.id == id))
        .or(if channel.is_some() {
            None
        } else {
            profiles.first()
        })
    else {
        return fail(
            "batch.unknown_channel",
            &[(
                "channel",
                &channel.map_or("?", crate::core::ids::ChannelId::as_str),
            )],
        );
    };
    // Earlier orders are what catches a card submitted before: if they
    // cannot be read, say so rather than call such a card ok.
    let refused = |e: crate::core::safe_file::FileError| {
        eprintln!(
            "{}",
            tr.fmt(
                "batch.history_unreadable",
                &[("why", &crate::core::safe_file::describe(&e, &tr))]
            )
        );
        2
    };
    let ledger = match crate::core::session::read_ledger(&paths.data_dir) {
        Ok(l) => l,
        Err(e) => return refused(e),
    };
    let key = match crate::core::fingerprint::FingerprintKey::load(&paths.data_dir) {
        Ok(Some(k)) => k,
        Ok(None) if !ledger.orders().is_empty() => {
            return fail(
                "batch.history_no_key",
                &[("dir", &paths.data_dir.display())],
            );
        }
        // No key and no earlier orders: any key finds in-batch duplicates.
        Ok(None) => {
            let mut k = [0u8; 32];
            let _ = getrandom::fill(&mut k);
            crate::core::fingerprint::FingerprintKey::from_bytes(k)
        }
        Err(e) => return refused(e),
    };
    batch.validate(profile, &key, &ledger);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for r in &batch.rows {
        let reasons: Vec<String> = r
            .reasons
            .iter()
            .map(|x| tr.fmt_pairs(x.key, &x.args))
            .collect();
        // A struct keeps the documented key order.
        #[derive(serde::Serialize)]
        struct Row<'a> {
            row: usize,
            code: &'a str,
            face_value_fen: Option<i64>,
            status: &'static str,
            reasons: Vec<String>,
        }
        let line = Row {
            row: r.row,
            code: &r.masked,
            face_value_fen: r.face_value.map(|f| f.0),
            status: r.status.name(),
            reasons,
        };
        if writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default()).is_err() {
            output_failed();
        }
    }
    let t = batch.totals(profile);
    let totals = serde_json::json!({ "totals": {
        "rows": t.rows, "ok": t.ok, "warnings": t.warnings, "errors": t.errors,
        "face_value_fen": t.face_value.0, "payout_fen": t.payout.0, "fees_fen": t.service_fees.0,
        "channel": profile.id,
    }});
    if writeln!(out, "{totals}")
        .and_then(|()| out.flush())
        .is_err()
    {
        output_failed();
    }
    if batch.rows.iter().any(|r| r.status == Status::Error) {
        1
    } else {
        0
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum JournalCommand {
    /// Verify the hash chain and every screenshot. Exit 0 intact, 1 tampered
    /// or damaged, 2 unreadable or absent. Never modifies anything.
    Verify {
        /// Language of the result: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Export one order's (or one batch's) evidence bundle into DIR.
    Export {
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "batch",
            conflicts_with = "batch"
        )]
        order: Option<crate::core::ids::OrderId>,
        /// A batch id (B-…): the batch's events and all its orders.
        #[arg(long, value_name = "ID")]
        batch: Option<crate::core::ids::BatchId>,
        /// A new or empty folder (created 0700 when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Language of the messages: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Sign a checkpoint of the journal as it stands now
    /// (`checkpoints/<size>.txt`). Works beside a running app. Exit 0 signed,
    /// 1 the journal does not match its earlier checkpoints (nothing signed),
    /// 2 unreadable.
    Checkpoint {
        /// Language of the result: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Ask time-stamping authorities (RFC 3161) for a token for every
    /// checkpoint that has none; only its SHA-256 is sent. Exit 0 all
    /// stamped (or none waiting), 1 some failed (they stay pending for the
    /// next run or the app), 2 the data folder cannot be read.
    Timestamp {
        /// A TSA's http:// address; several are tried in order.
        #[arg(long = "tsa", value_name = "URL", required = true)]
        tsa: Vec<String>,
        /// Seconds allowed for each request.
        #[arg(long, value_name = "SECS", default_value_t = 20)]
        timeout: u64,
        /// Language of the messages: zh-CN or en (default: the --lang given before the command, else en).
        #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Append events as fast as possible, printing each acknowledged seq
    /// (used by the crash-safety test; not for users).
    #[command(hide = true)]
    Stress {
        #[arg(long)]
        count: u64,
    },
}

/// `journal verify`: exit 0 intact, 1 tampered/damaged, 2 unreadable.
/// Intact lines this version does not read are listed after "intact".
pub fn journal_verify(data_dir: &std::path::Path, lang: crate::i18n::Lang) -> u8 {
    use crate::core::evidence::{VerifyError, verify_dir};
    let tr = crate::i18n::Texts::new(lang);
    match verify_dir(data_dir, &mut |_, _| {}) {
        Ok(i) => {
            say!(
                "{}",
                tr.fmt(
                    "journal.cli_intact",
                    &[("events", &i.events), ("screenshots", &i.screenshots)]
                )
            );
            if let Some(size) = i.sealed.latest {
                say!(
                    "{}",
                    tr.fmt(
                        "journal.cli_sealed",
                        &[("count", &i.sealed.checkpoints), ("size", &size)]
                    )
                );
            }
            for (kind, count) in &i.unread {
                say!(
                    "{}",
                    tr.fmt("journal.cli_unread", &[("count", count), ("kind", kind)])
                );
            }
            0
        }
        Err(VerifyError::Broken(f)) => {
            say_broken(&tr, &f);
            1
        }
        Err(VerifyError::Unreadable(e)) => {
            let error = crate::core::safe_file::describe(&e, &tr);
            eprintln!("{}", tr.fmt("journal.cli_unreadable", &[("error", &error)]));
            2
        }
    }
}

/// `journal export`: exit 0 written, 1 no such order, 2 unreadable,
/// unwritable or a target that is not a new or empty folder.
pub fn journal_export(
    data_dir: &std::path::Path,
    order: Option<&crate::core::ids::OrderId>,
    batch: Option<&crate::core::ids::BatchId>,
    out: &std::path::Path,
    lang: crate::i18n::Lang,
) -> u8 {
    use crate::core::evidence::{ExportError, export_batch, export_order};
    let tr = crate::i18n::Texts::new(lang);
    let now = chrono::Utc::now();
    let (what, result) = match (order, batch) {
        (Some(o), _) => (
            "journal.cli_what_order",
            export_order(data_dir, o, out, now, lang),
        ),
        (None, Some(b)) => (
            "journal.cli_what_batch",
            export_batch(data_dir, b, out, now, lang),
        ),
        (None, None) => return 2,
    };
    match result {
        Ok(m) => {
            say!(
                "{}",
                tr.fmt(
                    "journal.cli_exported",
                    &[
                        ("what", &tr.get(what)),
                        ("id", &m.order),
                        ("events", &m.events),
                        ("size", &m.tree_size),
                        ("files", &m.files.len()),
                        ("path", &out.display()),
                    ]
                )
            );
            for n in &m.not_copied {
                say!(
                    "{}",
                    tr.fmt(
                        "journal.cli_not_copied",
                        &[
                            ("path", &n.path),
                            ("reason", &n.reason),
                            ("detail", &n.detail)
                        ]
                    )
                );
            }
            if !m.journal_intact {
                say!("{}", tr.get("journal.cli_export_not_intact"));
            }
            0
        }
        Err(e @ ExportError::NoSuchOrder(_)) => {
            eprintln!("{}", e.describe(&tr));
            1
        }
        Err(e) => {
            eprintln!("{}", e.describe(&tr));
            2
        }
    }
}

/// The first thing wrong with a journal, as verify and checkpoint say it.
fn say_broken(tr: &crate::i18n::Texts, f: &crate::core::evidence::Finding) {
    say!(
        "{}",
        tr.fmt(
            "journal.cli_broken",
            &[
                ("line", &f.line),
                ("code", &f.problem.code()),
                (
                    "detail",
                    &f.detail_for(tr.lang()).unwrap_or_else(|| "-".into())
                ),
                ("problem", &tr.get(f.problem.message_key())),
            ]
        )
    );
}

/// `journal checkpoint`: 0 signed, 1 broken (nothing signed), 2 unreadable.
pub fn journal_checkpoint(data_dir: &std::path::Path, lang: crate::i18n::Lang) -> u8 {
    use crate::core::evidence::seal::{SealError, seal_now};
    let tr = crate::i18n::Texts::new(lang);
    match seal_now(data_dir) {
        Ok(size) => {
            say!("{}", tr.fmt("journal.cli_checkpoint", &[("size", &size)]));
            0
        }
        Err(SealError::Broken(f)) => {
            say_broken(&tr, &f);
            1
        }
        Err(SealError::Unreadable(e)) => {
            let error = crate::core::safe_file::describe(&e, &tr);
            eprintln!("{}", tr.fmt("journal.cli_unreadable", &[("error", &error)]));
            2
        }
    }
}

/// `evidence verify BUNDLE`: 0 verified, 1 a check failed, 2 unreadable.
pub fn evidence_verify(
    bundle: &std::path::Path,
    tsa_root: Option<&std::path::Path>,
    lang: crate::i18n::Lang,
) -> u8 {
    let tr = crate::i18n::Texts::new(lang);
    let manifest = bundle.join("manifest.json");
    if let Err(e) =
        crate::core::safe_file::open_read(&manifest, crate::core::safe_file::Links::Refuse)
    {
        let error = crate::core::safe_file::describe(&e, &tr);
        eprintln!(
            "{}",
            tr.fmt("evidence.cli_unreadable", &[("error", &error)])
        );
        return 2;
    }
    let root = match tsa_root.map(read_certificate) {
        None => None,
        Some(Ok(der)) => Some(der),
        Some(Err(e)) => {
            let error = crate::core::safe_file::describe(&e, &tr);
            eprintln!(
                "{}",
                tr.fmt("evidence.cli_unreadable", &[("error", &error)])
            );
            return 2;
        }
    };
    match crate::core::evidence::verify_bundle_with_root(bundle, root.as_deref()) {
        Ok(i) => {
            say!(
                "{}",
                tr.fmt(
                    "evidence.cli_verified",
                    &[("events", &i.events), ("files", &i.files)]
                )
            );
            for s in &i.stamps {
                let fp = s.root_sha256.as_deref().unwrap_or("-");
                say!(
                    "{}",
                    tr.fmt(
                        "evidence.cli_stamp",
                        &[
                            ("size", &s.size),
                            ("tsa", &s.tsa),
                            ("at", &s.at.format("%Y-%m-%d %H:%M:%S UTC")),
                            ("root", &fp)
                        ]
                    )
                );
            }
            if !i.stamps.is_empty() && root.is_none() {
                say!("{}", tr.get("evidence.cli_root_unchecked"));
            }
            0
        }
        Err(detail) => {
            say!("{}", tr.fmt("evidence.cli_failed", &[("detail", &detail)]));
            1
        }
    }
}

/// `journal timestamp`: exit 0 all stamped or nothing waiting, 1 some
/// still pending, 2 the data folder or its checkpoints cannot be read.
pub fn journal_timestamp(
    data_dir: &std::path::Path,
    tsa_urls: &[String],
    timeout: std::time::Duration,
    lang: crate::i18n::Lang,
) -> u8 {
    use crate::core::evidence::tsa::{SkipReason, Stored, stamp_pending};
    let tr = crate::i18n::Texts::new(lang);
    let report = stamp_pending(data_dir, tsa_urls, timeout, Stored::Recheck);
    if let Some(e) = &report.unreadable {
        let error = crate::core::safe_file::describe(e, &tr);
        eprintln!("{}", tr.fmt("tsa.cli_unreadable", &[("error", &error)]));
        return 2;
    }
    for (size, name) in &report.set_aside {
        say!(
            "{}",
            tr.fmt("tsa.cli_set_aside", &[("size", size), ("name", name)])
        );
    }
    for (size, url, stamp) in &report.stamped {
        let time = stamp
            .gen_time
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        say!(
            "{}",
            tr.fmt(
                "tsa.cli_stamped",
                &[
                    ("size", size),
                    ("time", &time),
                    ("tsa", &stamp.tsa_name),
                    ("url", url)
                ]
            )
        );
    }
    for (size, why) in &report.skipped {
        let key = match why {
            SkipReason::AlreadyStamped => "tsa.cli_already",
            SkipReason::Link => "tsa.cli_skipped_link",
            SkipReason::NotRegular => "tsa.cli_skipped_not_regular",
        };
        say!("{}", tr.fmt(key, &[("size", size)]));
    }
    for (size, e) in &report.failed {
        let error = e.describe(&tr);
        say!(
            "{}",
            tr.fmt("tsa.cli_failed", &[("size", size), ("error", &error)])
        );
    }
    if report.stamped.is_empty() && report.failed.is_empty() {
        say!("{}", tr.get("tsa.cli_nothing"));
    }
    if report.all_done() { 0 } else { 1 }
}

/// A certificate file, PEM (the first certificate) or DER.
fn read_certificate(path: &std::path::Path) -> Result<Vec<u8>, crate::core::safe_file::FileError> {
    use crate::core::safe_file::{FileError, Links, read_capped};
    use base64::Engine;
    let bytes = read_capped(path, 1 << 20, Links::Follow)?;
    let text = String::from_utf8_lossy(&bytes);
    let Some(body) = text
        .split("-----BEGIN CERTIFICATE-----")
        .nth(1)
        .and_then(|b| b.split("-----END CERTIFICATE-----").next())
    else {
        return Ok(bytes);
    };
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| FileError::Io(path.to_path_buf(), std::io::Error::other(e.to_string())))
}

/// `journal stress`: appends `count` events through the real journal,
/// durably, printing each seq once it is on disk.
pub fn journal_stress(data_dir: &std::path::Path, count: u64) -> std::io::Result<()> {
    use crate::core::journal::Journal;
    use std::io::Write;
    let mut j = Journal::open(data_dir)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .journal;
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let data = serde_json::json!({ "i": i, "pad": "x".repeat((i % 200) as usize) });
        let e = j
            .append(
                chrono::Utc::now(),
                chrono::FixedOffset::east_opt(0).unwrap_or(chrono::Utc.fix()),
                "stress",
                None,
                &data,
                true,
            )
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        writeln!(out, "{}", e.seq)?;
        out.flush()?;
    }
    Ok(())
}

/// What `guard-eval` reads at most: the whole input, one trace line, and
/// the number of traces. The committed trace sets are under 1 MB with
/// lines under 10 KB, so these leave room for real recordings while keeping
/// a runaway input (`/dev/zero`, an endless pipe) from taking the machine.
pub const GUARD_EVAL_MAX_BYTES: u64 = 64 * 1024 * 1024;
pub const GUARD_EVAL_MAX_LINE: usize = 1024 * 1024;
pub const GUARD_EVAL_MAX_TRACES: usize = 100_000;

/// `guard-eval`: reads the traces (a regular file or stdin, at most
/// [`GUARD_EVAL_MAX_BYTES`]) and writes one line per trace. Exit 2 when the
/// input cannot be read or is over a limit; bad lines are reported inline.
pub fn guard_eval(traces: &std::path::Path, lang: crate::i18n::Lang) -> u8 {
    use crate::core::safe_file::{Links, describe, read_capped};
    use std::io::{Read, Write};
    let tr = crate::i18n::Texts::new(lang);
    let cap = crate::i18n::bytes_words(GUARD_EVAL_MAX_BYTES);
    let input = if traces.as_os_str() == "-" {
        let mut bytes = Vec::new();
        match std::io::stdin()
            .lock()
            .take(GUARD_EVAL_MAX_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            Ok(n) if n as u64 > GUARD_EVAL_MAX_BYTES => {
                eprintln!("{}", tr.fmt("guard_eval.stdin_too_large", &[("cap", &cap)]));
                return 2;
            }
            Ok(_) => bytes,
            Err(e) => {
                eprintln!(
                    "{}",
                    tr.fmt("guard_eval.stdin_unreadable", &[("error", &e)])
                );
                return 2;
            }
        }
    } else {
        match read_capped(traces, GUARD_EVAL_MAX_BYTES, Links::Follow) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}", describe(&e, &tr));
                return 2;
            }
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut count = 0usize;
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        count += 1;
        if count > GUARD_EVAL_MAX_TRACES {
            let _ = out.flush();
            let max = GUARD_EVAL_MAX_TRACES;
            eprintln!("{}", tr.fmt("guard_eval.too_many", &[("max", &max)]));
            return 2;
        }
        let result = if line.len() > GUARD_EVAL_MAX_LINE {
            let why = tr.fmt(
                "guard_eval.line_too_long",
                &[
                    ("line", &(i + 1)),
                    ("cap", &crate::i18n::bytes_words(GUARD_EVAL_MAX_LINE as u64)),
                ],
            );
            serde_json::json!({ "id": null, "error": why }).to_string()
        } else {
            crate::core::guard::eval::evaluate_line(&String::from_utf8_lossy(line), &tr)
        };
        if writeln!(out, "{result}").is_err() {
            output_failed();
        }
    }
    if out.flush().is_err() {
        output_failed();
    }
    0
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use zh-CN or en"))
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or("expected WxH, e.g. 1000x720")?;
    let w: f32 = w.trim().parse().map_err(|_| "bad width")?;
    let h: f32 = h.trim().parse().map_err(|_| "bad height")?;
    if !(200.0..=10_000.0).contains(&w) || !(200.0..=10_000.0).contains(&h) {
        return Err("size must be between 200 and 10000".into());
    }
    Ok((w, h))
}

/// `demo --headless`: runs a script through the core, one line per step,
/// in the same folder the window's demo mode uses (`DATA/demo`): the data
/// dir's own journal and settings are never touched.
pub fn demo_headless(
    base: &crate::core::session::Paths,
    script: Option<&std::path::Path>,
    lang: crate::i18n::Lang,
) -> u8 {
    use crate::core::demo::{self, headless::Runner};
    let tr = crate::i18n::Texts::new(lang);
    let script = match script {
        None => demo::builtin(),
        Some(file) => match demo::read_script(file, &tr) {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "{}",
                    tr.fmt(
                        "demo_run.bad_script",
                        &[("file", &file.display()), ("error", &e)]
                    )
                );
                return 2;
            }
        },
    };
    let paths = demo::demo_paths(base);
    let data_dir = paths.data_dir.clone();
    let now = chrono::Utc::now();
    let offset = chrono::Local::now().offset().fix();
    let clock = crate::core::clock::ManualClock::new(now, offset);
    let runner = match Runner::open(paths, clock, tr.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "{}",
                tr.fmt("error.open_failed", &[("error", &e.describe(&tr))])
            );
            return 2;
        }
    };
    say!("{}", script.title.get(lang));
    let total = script.steps.len();
    let outcome = runner.run(&script, &mut |r| say!("{}", r.line(total)));
    let ok = outcome
        .reports
        .iter()
        .filter(|r| r.problem.is_none())
        .count();
    let journal = match &outcome.journal {
        Ok(n) => tr.fmt("demo_run.verified", &[("events", n)]),
        Err(e) => e.clone(),
    };
    say!(
        "{}",
        tr.fmt(
            "demo_run.done",
            &[
                ("ok", &ok),
                ("total", &total),
                ("journal", &journal),
                ("dir", &data_dir.display()),
            ],
        )
    );
    if outcome.ok() { 0 } else { 1 }
}

/// The arguments to start this program again in (or out of) demo mode:
/// the same options (data folder, language, window size) minus one-shot
/// ones, with `--demo` added or removed.
pub fn relaunch_args(args: &[std::ffi::OsString], demo: bool) -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.to_str() {
            Some("--demo" | "--report-startup") => {}
            Some("--screenshot") => {
                it.next();
            }
            Some(s) if s.starts_with("--screenshot=") => {}
            _ => out.push(a.clone()),
        }
    }
    if demo {
        out.push("--demo".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaunch_keeps_the_options_and_flips_demo() {
        let args: Vec<std::ffi::OsString> = [
            "cardguard",
            "--data-dir",
            "/d",
            "--screenshot",
            "x.png",
            "--lang",
            "en",
            "--demo",
        ]
        .iter()
        .map(Into::into)
        .collect();
        let off: Vec<String> = relaunch_args(&args, false)
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(off, ["--data-dir", "/d", "--lang", "en"]);
        let on = relaunch_args(&args[..3], true);
        assert_eq!(on, ["--data-dir", "/d", "--demo"]);
    }
}
