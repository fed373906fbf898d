//! What the core's unit tests share: a session on a manual clock, the
//! journal read back as plain lines, and a click on a confirmation step.

use crate::core::clock::ManualClock;
use crate::core::flow::Confirmation;
use crate::core::guard::{GuardInput, Target, Verdict};
use crate::core::ids::OrderId;
use crate::core::session::{Paths, Session};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// A session on `dir`, on a manual clock the test moves.
pub fn open(dir: &Path) -> (Session, Arc<ManualClock>) {
    let clock = ManualClock::fixed();
    let s = Session::open(Paths::in_one_dir(dir), clock.clone()).unwrap();
    (s, clock)
}

/// Every journal line as (order, kind, data).
pub fn journal(dir: &Path) -> Vec<(Option<OrderId>, String, Value)> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let order = v["order"].as_str().map(OrderId::from);
            let kind = v["kind"].as_str().unwrap().to_owned();
            (order, kind, v["data"].clone())
        })
        .collect()
}

/// The lines of one kind, as (order, data).
pub fn events(dir: &Path, kind: &str) -> Vec<(Option<OrderId>, Value)> {
    journal(dir)
        .into_iter()
        .filter(|(_, k, _)| k == kind)
        .map(|(o, _, d)| (o, d))
        .collect()
}

/// A pointer goes to Confirm and clicks it, now.
pub fn click_confirm(c: &mut Confirmation, s: &mut Session) -> Verdict {
    let on = Target::Confirm;
    c.observe(s, GuardInput::PointerMoved { on }).unwrap();
    c.observe(s, GuardInput::PointerDown { on }).unwrap();
    c.observe(s, GuardInput::PointerUp { on }).unwrap()
}
