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
