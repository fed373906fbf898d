//! The system clipboard behind a small trait, so tests use a memory one and
//! the manual hand-off can check "is it still ours?" before clearing.

pub trait ClipboardPort {
    fn set_text(&mut self, text: &str) -> bool;
    fn get_text(&mut self) -> Option<String>;
    fn clear(&mut self) -> bool;
}

/// The OS clipboard via arboard; opened lazily, failures reported as `false`.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Option<arboard::Clipboard>,
}

impl SystemClipboard {
    fn get(&mut self) -> Option<&mut arboard::Clipboard> {
        if self.inner.is_none() {
            self.inner = arboard::Clipboard::new().ok();
        }
        self.inner.as_mut()
    }
}

impl ClipboardPort for SystemClipboard {
    fn set_text(&mut self, text: &str) -> bool {
        self.get()
            .is_some_and(|c| c.set_text(text.to_owned()).is_ok())
    }
    fn get_text(&mut self) -> Option<String> {
        self.get()?.get_text().ok()
    }
    fn clear(&mut self) -> bool {
        self.get().is_some_and(|c| c.clear().is_ok())
    }
}

/// An in-memory clipboard (tests, demos).
#[derive(Debug, Default, Clone)]
pub struct MemoryClipboard {
    pub text: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl ClipboardPort for MemoryClipboard {
    fn set_text(&mut self, text: &str) -> bool {
        *self.text.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.to_owned());
        true
    }
    fn get_text(&mut self) -> Option<String> {
        self.text.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn clear(&mut self) -> bool {
        *self.text.lock().unwrap_or_else(|p| p.into_inner()) = None;
        true
    }
}
