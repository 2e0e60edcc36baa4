#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma test`, run as a legal team runs it: the tests beside the rules, tables of cases,
//! failures with their trace, coverage and its minimum, and the JUnit and JSON outputs. The text
//! output of the fixture pack is a golden file (`NORMA_BLESS=1 cargo test --test testing`).

use std::fs;
use std::path::Path;

mod common;

use common::{norma, stderr, stdout};

const PACK: &str = "tests/testing/chatbot.norma";

fn golden(path: &str, actual: &str) {
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    assert!(expected == actual, "{path} differs (review, then NORMA_BLESS=1 cargo test --test testing):\n{actual}");
}

/// A copy of the fixture pack with `from` replaced by `to`, in a fresh folder.
fn variant(from: &str, to: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(PACK).unwrap();
    assert!(text.contains(from), "the fixture has `{from}`");
    let path = dir.path().join("chatbot.norma");
    fs::write(&path, text.replace(from, to)).unwrap();
    (dir, path.to_str().unwrap().to_string())
}

#[test]
fn every_case_of_a_table_runs_as_its_own_test() {
    let o = norma(&["test", PACK]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    golden("tests/testing/chatbot.out", &stdout(&o));
    let out = stdout(&o);
    for case in 1..=4 {
        assert!(out.contains(&format!("ok     The notice is due from 2 August 2026 [case {case}]")), "{out}");
    }
    assert!(out.contains("5 tests: 5 passed, 0 failed"), "{out}");
}

#[test]
fn a_failure_shows_expected_actual_and_the_trace() {
    // Case 3 now expects the notice to be met although the evidence is not held.
    let (_dir, pack) = variant(
        "| 2026-08-02 | true         | false           | not met        |",
        "| 2026-08-02 | true         | false           | met            |",
    );
    let o = norma(&["test", &pack]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("FAILED The notice is due from 2 August 2026 [case 3]"), "{out}");
    assert!(out.contains("chatbot.norma:52:53: expect demo.chatbot.disclose_ai met"), "the cell is located: {out}");
    assert!(out.contains("expected: met\n"), "{out}");
    assert!(out.contains("actual:   not met (applies from 2026-08-02)\n"), "{out}");
    assert!(out.contains("as of:    2026-08-02\n"), "{out}");
    assert!(out.contains("demo.chatbot.disclose_ai (obligation, Art. 50(1)) = not_met"), "{out}");
    assert!(out.contains("evidence demo.chatbot.notice: not_held"), "{out}");
    assert!(out.contains("demo.chatbot.talks_to_people (define) = true"), "{out}");
    assert!(out.contains("system.talks = true"), "{out}");
    assert!(out.contains("5 tests: 4 passed, 1 failed"), "{out}");
}

#[test]
fn coverage_counts_norms_exceptions_and_both_branches_of_conditions() {
    let o = norma(&["test", PACK, "--coverage"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("coverage: 91.6% (norms 1/1, exceptions 1/1, condition branches 9/10)"), "{out}");
    assert!(
        out.contains("chatbot.norma:25:8: branch `demo.chatbot.provider`: `when` is never false in a test"),
        "{out}"
    );
    // Without the second test, the exception never holds.
    let text = fs::read_to_string(PACK).unwrap();
    let second = text.find("test \"An obvious chatbot").unwrap();
    let (_dir, pack) = variant(&text[second..], "");
    let o = norma(&["test", &pack, "--coverage"]);
    let out = stdout(&o);
    assert!(out.contains("exception `demo.chatbot.obvious_to_users`: it holds in no test"), "{out}");
}

#[test]
fn min_coverage_gates_the_exit_code() {
    let o = norma(&["test", PACK, "--min-coverage", "90"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = norma(&["test", PACK, "--min-coverage", "95"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("coverage is 91.6%, below the minimum of 95%"), "{}", stderr(&o));
    let o = norma(&["test", PACK, "--min-coverage", "120"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_shipped_packs_pass_with_at_least_90_percent_coverage() {
    let o = norma(&["test", "--coverage", "--min-coverage", "90"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(" failed\n") && out.contains(", 0 failed"), "{out}");
    assert!(out.contains("coverage: "), "{out}");
}

#[test]
fn junit_and_json_outputs_read_back() {
    let (_dir, pack) = variant(
        "| 2026-08-02 | true         | false           | not met        |",
        "| 2026-08-02 | true         | false           | met            |",
    );
    let o = norma(&["test", &pack, "--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref().to_string().as_str() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures), (5, 1), "{xml}");
    assert!(xml.contains("name=\"The notice is due from 2 August 2026 [case 3]\""), "{xml}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tests.json");
    let o = norma(&["test", PACK, "--coverage", "--format", "json", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["schema"], "norma.tests/v1");
    assert_eq!(v["passed"], 5);
    assert_eq!(v["tests"][0]["case"], 1);
    assert_eq!(v["tests"][0]["as_of"], "2026-08-01");
    assert_eq!(v["coverage"]["branches"]["total"], 10);
    assert_eq!(v["coverage"]["uncovered"][0]["kind"], "branch");
}

#[test]
fn policies_with_errors_are_not_tested() {
    let o = norma(&["test", "tests/check/bad/tables.norma"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[N1003]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("the tests were not run"), "{}", stderr(&o));
    let o = norma(&["test", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(Path::new(PACK).exists());
}
