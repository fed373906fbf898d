//! Command-line options.

use clap::Parser;
use std::path::PathBuf;

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
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Interface language: zh-CN or en (default: settings, then system locale).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,
    /// Save an in-app screenshot of the first screen to PNG, then exit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Initial window size in points, e.g. 1000x720.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub window_size: Option<(f32, f32)>,
    /// Print the time from launch to the first frame.
    #[arg(long)]
    pub report_startup: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Replay recorded confirmation traces through the guard; one JSON line per trace.
    GuardEval {
        /// JSON-lines trace file, or - for standard input.
        #[arg(long, value_name = "FILE")]
        traces: PathBuf,
        /// Language of the reasons: zh-CN or en.
        #[arg(long = "reasons-lang", value_name = "LANG", value_parser = parse_lang, default_value = "en")]
        reasons_lang: crate::i18n::Lang,
    },
}

/// `guard-eval`: reads the traces (a file or stdin) and writes one line per
/// trace. Only an unreadable input is an error; bad lines are reported inline.
pub fn guard_eval(traces: &std::path::Path, lang: crate::i18n::Lang) -> std::io::Result<()> {
    use std::io::{BufRead, Write};
    let input: Box<dyn BufRead> = if traces.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(traces)?))
    };
    let tr = crate::i18n::Texts::new(lang);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in input.split(b'\n') {
        let line = line?;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        writeln!(
            out,
            "{}",
            crate::core::guard::eval::evaluate_line(&text, &tr)
        )?;
    }
    out.flush()
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
