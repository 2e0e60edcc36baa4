#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma ask`, run as a user runs it with answers piped in: a facts file with facts left out is
//! restored to the original assessment, scripted sessions match their golden transcripts and
//! resulting facts files (review the diff, then `NORMA_BLESS=1 cargo test --test ask`), and
//! invalid answers, `?`, `back`, `quit` and the end of input do what they say.

mod common;

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{stderr, stdout};

const AS_OF: &str = "2026-11-26";

/// Runs `norma ask facts.yaml` in `dir` with `input` on standard input. The CV screener of
/// `tests/ask/start.yaml` is sold in the EU and Korea only, so the sessions ask about those two
/// markets (the US packs would add their own questions).
fn ask(dir: &Path, input: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["ask", "facts.yaml", "--as-of", AS_OF, "--jurisdiction", "eu,kr"])
        .args(extra)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

/// A folder holding `facts.yaml` with `text`.
fn folder(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("facts.yaml"), text).unwrap();
    dir
}

fn facts(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("facts.yaml")).unwrap()
}

/// The facts asked about, in order (the line after each `[… outcomes still open …]` header).
fn asked(transcript: &str) -> Vec<String> {
    let lines: Vec<&str> = transcript.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with('[') && w[0].ends_with(']'))
        .filter_map(|w| w[1].split_once(": ").map(|(f, _)| f.to_string()))
        .collect()
}

/// The assessment JSON of a facts file, without what names the file (its name and hash).
fn assessment(path: &Path) -> serde_json::Value {
    let o = common::norma(&["assess", path.to_str().unwrap(), "--format", "json", "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let provenance = v["provenance"].as_object_mut().unwrap();
    provenance.remove("facts_sha256");
    provenance.remove("facts_file");
    v
}

/// `text` without the lines that start with any of `keys`, and without the evidence record
/// `record` (its key line and the indented lines below it).
fn without(text: &str, keys: &[&str], record: Option<&str>) -> String {
    let mut out = String::new();
    let mut in_record = false;
    for line in text.split_inclusive('\n') {
        if in_record && line.starts_with("    ") {
            continue;
        }
        in_record = record.is_some_and(|r| line.starts_with(&format!("  {r}:")));
        if in_record || keys.iter().any(|k| line.starts_with(&format!("  {k}:"))) {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Drives `norma ask` through pipes as a script would: reads each question, answers it from
/// `answers` (by fact) or with `?`, and returns the transcript.
fn answer_all(dir: &Path, answers: &BTreeMap<&str, &str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["ask", "facts.yaml", "--as-of", AS_OF])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut transcript = Vec::new();
    let mut byte = [0u8; 1];
    while out.read(&mut byte).unwrap() == 1 {
        transcript.push(byte[0]);
        if transcript.ends_with(b"\n> ") {
            let text = String::from_utf8_lossy(&transcript).into_owned();
            let fact = asked(&text).pop().unwrap();
            let reply = answers.get(fact.as_str()).copied().unwrap_or("?");
            stdin.write_all(format!("{reply}\n").as_bytes()).unwrap();
        }
    }
    assert_eq!(child.wait().unwrap().code(), Some(0));
    String::from_utf8(transcript).unwrap()
}

/// Removes facts of several kinds from an example, answers the questions about them through
/// `norma ask`, and checks that the file gives the example's assessment again.
fn restores(example: &str, removed: &[&str], record: Option<&str>, answers: &[(&str, &str)]) {
    let original = std::fs::read_to_string(format!("examples/{example}.yaml")).unwrap();
    let cut = without(&original, removed, record);
    assert_ne!(cut, original);
    let dir = folder(&cut);
    assert_ne!(assessment(&dir.path().join("facts.yaml")), assessment(Path::new(&format!("examples/{example}.yaml"))));
    let answers: BTreeMap<&str, &str> = answers.iter().copied().collect();
    let transcript = answer_all(dir.path(), &answers);
    let asked = asked(&transcript);
    for fact in answers.keys() {
        assert!(asked.iter().any(|a| a == fact), "`{fact}` was not asked:\n{transcript}");
    }
    assert_eq!(
        assessment(&dir.path().join("facts.yaml")),
        assessment(Path::new(&format!("examples/{example}.yaml"))),
        "the answers do not restore the assessment; the file is now:\n{}",
        facts(dir.path())
    );
}

#[test]
fn answering_restores_the_cv_screening_assessment() {
    restores(
        "cv-screening",
        &["use_cases", "supply_chain_roles", "kr_high_impact_areas", "social_scoring", "infers_emotions"],
        Some("ai_literacy_programme"),
        &[
            ("system.use_cases", "recruitment_selection"),
            ("organisation.supply_chain_roles", "developer"),
            ("system.kr_high_impact_areas", "rights_evaluation"),
            ("system.social_scoring", "no"),
            ("system.infers_emotions", "no"),
            ("evidence.ai_literacy_programme", "HR-AI-2026 staff training records, 2026-01-20"),
        ],
    );
}

#[test]
fn answering_restores_a_date_fact() {
    restores(
        "chatbot",
        &["placed_on_market", "use_cases", "interacts_with_people"],
        None,
        &[
            ("system.placed_on_market", "2026-09-15"),
            ("system.use_cases", "customer_interaction, content_generation"),
            ("system.interacts_with_people", "yes"),
        ],
    );
}

/// The scripted session: an invalid answer, an answer taken back and given again, a question
/// skipped, yes/no, evidence, a value given as unknown in the file, a length of time, `quit`.
fn script(no: &str) -> String {
    [
        "maybe",
        "1",
        "recruitment_selection",
        "back",
        "10",
        "?",
        no,
        no,
        "FRIA-2026-01, 2026-03-01",
        "perhaps",
        no,
        "long",
        "5 years",
        "quit",
    ]
    .map(|l| format!("{l}\n"))
    .concat()
}

#[test]
fn scripted_sessions_match_their_golden_transcripts_and_facts() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let start = std::fs::read_to_string("tests/ask/start.yaml").unwrap();
    let mut failures = Vec::new();
    for (lang, no) in [("en", "no"), ("ko", "아니오")] {
        let dir = folder(&start);
        let o = ask(dir.path(), &script(no), &["--lang", lang]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for (golden, text) in [
            (format!("tests/ask/session.{lang}.txt"), stdout(&o)),
            ("tests/ask/session.yaml".to_string(), facts(dir.path())),
        ] {
            if bless {
                std::fs::write(&golden, &text).unwrap();
            } else if std::fs::read_to_string(&golden).unwrap_or_default() != text {
                failures.push(golden);
            }
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
}

#[test]
fn the_file_keeps_its_comments_and_order_and_a_session_resumes() {
    let start = std::fs::read_to_string("tests/ask/start.yaml").unwrap();
    let dir = folder(&start);
    let o = ask(dir.path(), &script("no"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = facts(dir.path());
    // Every line of the original is still there, in the same order, except the one that gave a
    // fact as unknown, which now gives the answer with its comment.
    let kept: Vec<&str> = start.lines().filter(|l| !l.contains("infers_emotions")).collect();
    let mut rest = after.lines();
    for line in &kept {
        assert!(rest.any(|l| l == *line), "`{line}` is lost or out of order:\n{after}");
    }
    assert!(after.contains("\n  infers_emotions: false  # ask the ML team\n"), "{after}");
    assert!(after.contains("  impact_assessment_report:\n    reference: \"FRIA-2026-01\"\n    date: 2026-03-01\n"));
    assert!(after.contains("  kr_measure_records_retention: \"5 years\"\n"));
    let transcript = stdout(&o);
    assert!(transcript.contains("Answers saved in facts.yaml: 7."), "{transcript}");

    // Going on: what was answered is not asked again.
    let answered = ["organisation.supply_chain_roles", "system.use_cases", "system.infers_emotions"];
    let o = ask(dir.path(), "quit\n", &[]);
    let first = asked(&stdout(&o));
    assert_eq!(first.len(), 1);
    assert!(!answered.contains(&first[0].as_str()), "{first:?}");
    let o = ask(dir.path(), &"?\n".repeat(200), &[]);
    let again = asked(&stdout(&o));
    assert!(again.iter().all(|f| !answered.contains(&f.as_str())), "{again:?}");
    assert_eq!(facts(dir.path()), after, "skipping writes nothing");
    assert!(stdout(&o).contains("No questions remain."), "{}", stdout(&o));
}

#[test]
fn invalid_answers_are_asked_again_and_skips_are_not() {
    let start = std::fs::read_to_string("tests/ask/start.yaml").unwrap();
    let dir = folder(&start);
    let o = ask(dir.path(), "?\nmaybe\n\n", &[]);
    let text = stdout(&o);
    assert_eq!(
        asked(&text),
        ["organisation.supply_chain_roles", "system.use_cases", "system.used_for_law_enforcement"],
        "{text}"
    );
    assert_eq!(text.matches("That is not an answer to this question").count(), 1, "{text}");
    assert!(text.contains("> maybe\nThat is not an answer to this question: `maybe` is not one of the listed values. Please answer again.\n> \n"), "{text}");
    assert!(text.contains("Skipped for this session: organisation.supply_chain_roles"), "{text}");
    assert_eq!(facts(dir.path()), start, "nothing was answered");
    // A new session asks again what the last one skipped.
    assert_eq!(asked(&stdout(&ask(dir.path(), "quit\n", &[]))), ["organisation.supply_chain_roles"]);
}

#[test]
fn back_undoes_the_last_answer_and_the_end_of_input_keeps_the_others() {
    let start = std::fs::read_to_string("tests/ask/start.yaml").unwrap();
    let dir = folder(&start);
    let o = ask(dir.path(), "1\n10\nback\n", &[]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("Saved: system.use_cases: [recruitment_selection]\n"), "{text}");
    assert!(text.contains("Undone: system.use_cases\n"), "{text}");
    assert_eq!(asked(&text).last().map(String::as_str), Some("system.use_cases"), "asked again after the undo");
    assert!(
        text.ends_with("Stopped. Run `norma ask` on the file again to go on.\nAnswers saved in facts.yaml: 1.\n"),
        "{text}"
    );
    let after = facts(dir.path());
    assert!(!after.contains("use_cases"), "{after}");
    assert_eq!(
        after,
        start.replace(
            "  kr_equivalent_sector_measures: false\n",
            "  kr_equivalent_sector_measures: false\n  supply_chain_roles: [developer]\n"
        )
    );
}

#[test]
fn back_with_nothing_to_undo_says_so() {
    let dir = folder("system:\n  use_cases: [recruitment_selection]\n");
    let o = ask(dir.path(), "<\n", &["--lang", "ko"]);
    assert!(stdout(&o).contains("취소할 답변이 없습니다."), "{}", stdout(&o));
}

#[test]
fn a_file_that_is_not_valid_facts_is_refused() {
    let dir = folder("system:\n  use_case: [recruitment_selection]\n");
    let o = ask(dir.path(), "no\n", &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("facts.yaml:2:3") && err.contains("use_cases"), "{err}");
    assert_eq!(stdout(&o), "");
    assert_eq!(facts(dir.path()), "system:\n  use_case: [recruitment_selection]\n");

    let dir = folder("system: [\n");
    let o = ask(dir.path(), "", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid YAML"), "{}", stderr(&o));

    let o = ask(dir.path(), "", &["--as-of", "someday"]);
    assert_eq!(o.status.code(), Some(2));
    let o = common::norma(&["ask", "no/such/file.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn lines_that_are_not_text_are_refused_without_harm() {
    let dir = folder("system:\n  use_cases: [recruitment_selection]\n");
    let mut input = b"\xff\xfe\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 200_000));
    input.extend(b"\nquit\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["ask", "facts.yaml", "--as-of", AS_OF])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert_eq!(text.matches("the answer is not one line of UTF-8 text").count(), 2, "{text}");
    assert!(text.contains("Answers saved in facts.yaml: 0."), "{text}");
}
