//! The eframe app. Screens draw state and send [`command::Command`]s
//! through a [`view::ViewCtx`]; the [`App`] applies them once per frame.
//! No rule lives here: rules are in `crate::core`.

pub mod announce;
pub mod app;
pub mod capture;
pub mod clipboard;
pub mod command;
pub mod demo_player;
pub mod fonts;
pub mod format;
pub mod icon;
pub mod journal_feed;
pub mod review_step;
pub mod screens;
pub mod shots;
pub mod stamper;
pub mod style;
pub mod view;
pub mod widgets;

pub use app::{App, AppConfig};
pub use command::{Command, Screen};
