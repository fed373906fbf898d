//! The pure core: no egui in here. Time always comes from a [`clock::Clock`].

pub mod batch;
pub mod channel;
pub mod clock;
pub mod code;
pub mod demo;
pub mod draft;
pub mod event;
pub mod evidence;
pub mod exports;
pub mod fingerprint;
pub mod flow;
pub mod guard;
pub mod ids;
pub mod journal;
pub mod json_fault;
pub mod money;
pub mod order;
pub mod profile;
pub mod remedy;
pub mod safe_file;
pub mod screenshot;
pub mod session;
pub mod settings;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timeline;
pub mod wording;
