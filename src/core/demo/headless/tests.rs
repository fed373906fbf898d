use super::*;
use crate::core::code::check_code;
use crate::core::demo::parse;
use crate::core::test_support::journal;
use crate::i18n::Lang;
use serde_json::Value;
use std::path::Path;

fn run(dir: &Path, steps: &str) -> Outcome {
    let script = parse(&format!(
        r#"{{"title":{{"zh":"t","en":"t"}},"steps":[{steps}]}}"#
    ))
    .unwrap();
    let runner = Runner::open(
        Paths::in_one_dir(dir),
        ManualClock::fixed(),
        Texts::new(Lang::En),
    )
    .unwrap();
    runner.run(&script, &mut |_| {})
}

fn order_kinds(dir: &Path) -> Vec<(String, String)> {
    journal(dir)
        .into_iter()
        .filter_map(|(o, k, _)| Some((o?.as_str().to_owned(), k)))
        .collect()
}

const NEW: &str = r#"{"do":"new_order","channel":"kaquanmao","card":"DEMO-0000-0000-0001","face_value_yuan":100}"#;

#[test]
fn a_scripted_order_journals_what_the_window_journals() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), NEW);
    assert!(out.ok(), "{out:?}");
    let kinds: Vec<String> = order_kinds(dir.path())
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    assert_eq!(
        kinds,
        [
            "channel_chosen",
            "code_entered",
            "face_value_set",
            "review_shown",
            "guard_decided"
        ]
    );
    // The code's confusable characters are counted as for a typed code.
    let profile = crate::core::profile::builtin_profiles()
        .into_iter()
        .find(|p| p.id == "kaquanmao")
        .unwrap();
    let confusables = check_code("DEMO-0000-0000-0001", &profile.alphabet())
        .confusables
        .len();
    let (_, _, entered) = journal(dir.path())
        .into_iter()
        .find(|(_, k, _)| k == "code_entered")
        .unwrap();
    assert_eq!(entered["confusables"], Value::from(confusables));
    assert_eq!(entered["pasted"], Value::from(false));
}

#[test]
fn a_channel_that_asks_for_a_verification_code_gets_an_obviously_fake_one() {
    let dir = tempfile::tempdir().unwrap();
    let steps = r#"{"do":"new_order","channel":"jd_app","card":"DEMO-0000-0000-0003","face_value_yuan":100},
        {"do":"confirm","expect":{"phase":"holding"}}"#;
    let out = run(dir.path(), steps);
    assert!(out.ok(), "{out:?}");
    let (_, _, entered) = journal(dir.path())
        .into_iter()
        .find(|(_, k, _)| k == "verification_code_entered")
        .expect("journaled like a typed one");
    assert_eq!(entered["masked"], Value::from("••••••"));
}

#[test]
fn running_a_script_again_goes_on_past_its_cards_submitted_before() {
    let dir = tempfile::tempdir().unwrap();
    let steps = format!(
        r#"{NEW},{{"do":"confirm"}},{{"do":"wait","seconds":11,"expect":{{"phase":"in_window"}}}}"#
    );
    assert!(run(dir.path(), &steps).ok());
    let out = run(dir.path(), &steps);
    assert!(out.ok(), "{out:?}");
    let dups: Vec<Value> = journal(dir.path())
        .into_iter()
        .filter(|(_, k, _)| k == "code_entered")
        .map(|(_, _, d)| d["already_released"].clone())
        .collect();
    assert_eq!(dups, [Value::Bool(false), Value::Bool(true)]);
}

#[test]
fn a_new_order_during_a_hold_leaves_that_hold_unsendable() {
    let dir = tempfile::tempdir().unwrap();
    let steps = format!(
        r#"{NEW},{{"do":"confirm","expect":{{"phase":"holding"}}}},
        {{"do":"new_order","channel":"kaquanmao","card":"DEMO-0000-0000-0002","face_value_yuan":100}},
        {{"do":"wait","seconds":11,"expect":{{"phase":"reviewing"}}}}"#
    );
    let out = run(dir.path(), &steps);
    assert!(out.ok(), "{out:?}");
    let lines = order_kinds(dir.path());
    let first = &lines[0].0;
    let last_of_first = lines.iter().rfind(|(o, _)| o == first).unwrap();
    assert_eq!(last_of_first.1, "hold_interrupted");
    assert!(!lines.iter().any(|(_, k)| k == "released"));
}

#[test]
fn undo_after_the_release_is_a_failed_step_not_a_review_of_a_sent_order() {
    let dir = tempfile::tempdir().unwrap();
    let steps = format!(r#"{NEW},{{"do":"confirm"}},{{"do":"wait","seconds":11}},{{"do":"undo"}}"#);
    let out = run(dir.path(), &steps);
    assert!(
        out.reports[..3].iter().all(|r| r.problem.is_none()),
        "{out:?}"
    );
    assert!(out.reports[3].problem.is_some(), "{out:?}");
    assert!(out.journal.is_ok());
    let decided = order_kinds(dir.path())
        .iter()
        .filter(|(_, k)| k == "guard_decided")
        .count();
    assert_eq!(decided, 1);
}
