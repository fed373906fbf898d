//! The screens. Each draws from a [`ViewCtx`](super::view::ViewCtx) (texts,
//! the session read-only, the frame's time) plus its own view state, and
//! sends commands; none names the app, writes to the session, touches a
//! file, the clipboard or a thread.

pub mod batch;
pub mod entry;
pub mod hold;
pub mod journal;
pub mod orders;
pub mod remedy;
pub mod review;
pub mod settings;
