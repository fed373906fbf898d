//! cardguard: stands between a person and the irreversible hand-off of a
//! JD e-card secret to a recycling channel.
//!
//! - [`core`]: codes, money, channel profiles, orders, guard, journal — no egui.
//! - [`ui`]: the eframe app; renders state and emits commands.
//! - [`i18n`]: Simplified Chinese and English strings.

pub mod cli;
pub mod core;
pub mod i18n;
pub mod platform;
pub mod ui;
