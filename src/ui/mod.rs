//! The eframe app. Screens render state and push [`app::Command`]s; the
//! [`App`] applies them once per frame. No rule lives here: rules are in
//! `crate::core`.

pub mod app;
pub mod batch;
pub mod batch_release;
pub mod capture;
pub mod clipboard;
pub mod demo_player;
mod entry;
pub mod file_picker;
pub mod fonts;
mod hold;
pub mod journal_view;
mod orders;
mod review;
mod settings;
pub mod shots;
pub mod widgets;

pub use app::{App, AppConfig, Command, Screen};
