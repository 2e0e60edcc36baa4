#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! CI outputs of `norma assess`: SARIF 2.1.0, validated against the official schema (vendored in
//! `tests/schemas/`) with results located at the facts file line that causes each gap; JUnit XML,
//! parsed back and counted.

use std::collections::BTreeMap;
use std::fs;

mod common;

use common::{norma, stderr, stdout};

const DAY: &str = "2026-11-26";

fn assess(facts: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["assess", facts, "--as-of", DAY];
    args.extend(extra);
    let o = norma(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    (o.status.code(), stdout(&o))
}

fn assessment(facts: &str) -> serde_json::Value {
    serde_json::from_str(&assess(facts, &["--format", "json"]).1).unwrap()
}

/// The JSON pattern of `language` (of a run and of a tool component) in the vendored schema, which
/// has a stray `]`: valid as an
/// ECMAScript pattern (a literal `]`), refused by the validator's check of the schema itself.
const LANGUAGE_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;

/// The SARIF 2.1.0 schema, with the pattern above written as intended (two letters, or two
/// letters, a hyphen and two letters); everything else as published.
fn sarif_schema() -> jsonschema::Validator {
    let text = fs::read_to_string("tests/schemas/sarif-2.1.0-rtm.5.json").unwrap();
    assert_eq!(text.matches(LANGUAGE_PATTERN).count(), 2, "the vendored schema changed: review LANGUAGE_PATTERN");
    let text = text.replace(LANGUAGE_PATTERN, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The norms of an assessment by id.
fn norms(doc: &serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    doc["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|j| j["norms"].as_array().unwrap().iter())
        .map(|n| (n["id"].as_str().unwrap().to_string(), n.clone()))
        .collect()
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_schema();
    let wrong = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "norma"}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}]});
    assert!(!validator.is_valid(&wrong), "the schema is checked, not merely loaded");
    for facts in ["examples/cv-screening.yaml", "examples/emotion-at-work.yaml", "tests/diff/cv-screening-after.yaml"] {
        for lang in ["en", "ko"] {
            let (code, text) = assess(facts, &["--format", "sarif", "--lang", lang]);
            assert_eq!(code, Some(0));
            let log: serde_json::Value = serde_json::from_str(&text).unwrap();
            let errors: Vec<String> =
                validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{facts} ({lang}): {errors:?}");
            // One result per gap, each with its rule.
            let doc = assessment(facts);
            let gaps = norms(&doc)
                .values()
                .filter(|n| ["violated", "not_met", "unknown"].contains(&n["status"].as_str().unwrap()))
                .count();
            let run = &log["runs"][0];
            assert_eq!(run["results"].as_array().unwrap().len(), gaps, "{facts}");
            assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), gaps);
            assert_eq!(run["language"], lang);
            for r in run["results"].as_array().unwrap() {
                let rule = &run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
                assert_eq!(rule["id"], r["ruleId"]);
                let expected = match r["properties"]["status"].as_str().unwrap() {
                    "violated" => "error",
                    "not_met" => "warning",
                    _ => "note",
                };
                assert_eq!(r["level"], expected);
            }
        }
    }
}

#[test]
fn sarif_results_point_at_the_fact_that_causes_the_gap() {
    // The changed CV screener, with the AI-literacy records stated as not held.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("screener.yaml");
    let text = fs::read_to_string("tests/diff/cv-screening-after.yaml").unwrap() + "  ai_literacy_programme: false\n";
    fs::write(&path, &text).unwrap();
    let facts = path.to_str().unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let (_, sarif) = assess(facts, &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let at = |id: &str| {
        let r = results.iter().find(|r| r["ruleId"] == id).unwrap_or_else(|| panic!("no result for {id}"));
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], format!("file://{facts}"));
        (
            location["region"]["startLine"].as_u64().unwrap() as usize,
            location["region"]["startColumn"].as_u64().unwrap(),
        )
    };
    // Not met because the evidence is stated as not held: at that evidence.
    assert_eq!(at("eu.ai_act.ai_literacy"), (line_of("  ai_literacy_programme: false"), 3));
    // The disclosure duty arises because the system now talks with people.
    assert_eq!(at("eu.ai_act.ai_interaction_disclosure"), (line_of("  interacts_with_people: true"), 3));
    // Every result points at one of its norm's facts or evidence as the file gives it, or at line 1.
    let doc = assessment(facts);
    let by_id = norms(&doc);
    for r in results {
        let n = &by_id[r["ruleId"].as_str().unwrap()];
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() as usize;
        let key = text.lines().nth(line - 1).unwrap().trim().split(':').next().unwrap().to_string();
        let names: Vec<String> = n["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fact"].as_str().unwrap().to_string())
            .chain(n["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()))
            .chain(n["evidence"].as_array().unwrap().iter().map(|e| e["evidence"].as_str().unwrap().to_string()))
            .collect();
        if line == 1 {
            // Line 1 only when the file gives none of them (e.g. a market the file says nothing of).
            let given = |name: &str| text.lines().any(|l| l.trim_start().split(':').next() == Some(name));
            assert!(
                !names.iter().any(|f| given(f.rsplit('.').next().unwrap())),
                "{}: line 1, but the file gives one of {names:?}",
                n["id"]
            );
            continue;
        }
        assert!(names.iter().any(|f| f.rsplit('.').next() == Some(key.as_str())), "{}: line {line} `{key}`", n["id"]);
    }
    // A gap none of whose facts the file gives points at line 1.
    let bare = dir.path().join("bare.yaml");
    fs::write(&bare, "# nothing known yet\n").unwrap();
    let (_, sarif) = assess(bare.to_str().unwrap(), &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1));
}

#[test]
fn ci_formats_keep_the_fail_on_exit_codes() {
    for format in ["sarif", "junit"] {
        let (code, _) = assess("tests/diff/cv-screening-after.yaml", &["--format", format]);
        assert_eq!(code, Some(0), "{format}");
        let (code, _) = assess("tests/diff/cv-screening-after.yaml", &["--format", format, "--fail-on", "unknown"]);
        assert_eq!(code, Some(1), "{format}");
        let (code, _) = assess("tests/diff/cv-screening-after.yaml", &["--format", format, "--fail-on", "violated"]);
        assert_eq!(code, Some(0), "{format}");
    }
}

/// A parsed JUnit report: per suite its attributes, and its test cases with their outcome
/// (`pass`, `failure`, `skipped`) and message.
#[derive(Debug, Default)]
struct Suite {
    attributes: BTreeMap<String, String>,
    cases: Vec<(String, String, String)>,
}

fn parse_junit(xml: &str) -> (BTreeMap<String, String>, Vec<Suite>) {
    use quick_xml::events::{BytesStart, Event};
    let attributes = |e: &BytesStart<'_>| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                (a.key.as_ref().to_string(), value)
            })
            .collect()
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut root = BTreeMap::new();
    let mut suites: Vec<Suite> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                let attrs = attributes(&e);
                match name.as_str() {
                    "testsuites" => root = attrs,
                    "testsuite" => suites.push(Suite { attributes: attrs, cases: Vec::new() }),
                    "testcase" => {
                        suites.last_mut().unwrap().cases.push((attrs["name"].clone(), "pass".into(), String::new()))
                    }
                    "failure" | "skipped" => {
                        let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                        case.1 = name.clone();
                        case.2 = attrs.get("message").cloned().unwrap_or_default();
                    }
                    "properties" | "property" => {}
                    other => panic!("unexpected element {other}"),
                }
            }
            _ => {}
        }
    }
    (root, suites)
}

#[test]
fn junit_parses_back_with_one_case_per_norm() {
    let facts = "tests/diff/cv-screening-after.yaml";
    let doc = assessment(facts);
    let jurisdictions = doc["jurisdictions"].as_array().unwrap();
    for (fail_on_unknown, extra) in [(false, vec![]), (true, vec!["--fail-on", "unknown"])] {
        let mut args = vec!["--format", "junit"];
        args.extend(extra);
        let (_, xml) = assess(facts, &args);
        let (root, suites) = parse_junit(&xml);
        assert_eq!(suites.len(), jurisdictions.len());
        let mut total = 0;
        for (suite, j) in suites.iter().zip(jurisdictions) {
            let norms = j["norms"].as_array().unwrap();
            assert_eq!(suite.attributes["name"], j["id"].as_str().unwrap());
            assert_eq!(suite.cases.len(), norms.len());
            assert_eq!(suite.attributes["tests"], norms.len().to_string());
            // A norm of an informative instrument (Japan's promotion act) never fails: it is skipped.
            let count = |statuses: &[&str], informative: bool| {
                norms
                    .iter()
                    .filter(|n| {
                        (n["informative"] == true) == informative && statuses.contains(&n["status"].as_str().unwrap())
                    })
                    .count()
            };
            let (failing, skipping): (&[&str], &[&str]) = if fail_on_unknown {
                (&["violated", "not_met", "unknown"], &["not_applicable", "not_yet_applicable"])
            } else {
                (&["violated", "not_met"], &["not_applicable", "not_yet_applicable", "unknown"])
            };
            let failures = count(failing, false);
            let skipped = count(skipping, false) + count(failing, true) + count(skipping, true);
            let outcome = |o: &str| suite.cases.iter().filter(|c| c.1 == o).count();
            assert_eq!(outcome("failure"), failures);
            assert_eq!(outcome("skipped"), skipped);
            assert_eq!(outcome("pass"), count(&["met"], false) + count(&["met"], true));
            assert_eq!(suite.attributes["failures"], failures.to_string());
            assert_eq!(suite.attributes["skipped"], skipped.to_string());
            for (case, n) in suite.cases.iter().zip(norms) {
                assert_eq!(case.0, n["id"].as_str().unwrap(), "in policy order");
            }
            total += norms.len();
        }
        assert_eq!(root["tests"], total.to_string());
        let eu = suites.iter().find(|s| s.attributes["name"] == "EU").unwrap();
        let literacy = eu.cases.iter().find(|c| c.0 == "eu.ai_act.ai_literacy").unwrap();
        assert_eq!(literacy.1, if fail_on_unknown { "failure" } else { "skipped" });
        assert!(
            literacy.2.starts_with("unknown: Ensure a sufficient level of AI literacy of staff (Art. 4)"),
            "{literacy:?}"
        );
    }
    // Korean messages.
    let (_, xml) = assess(facts, &["--format", "junit", "--lang", "ko"]);
    let (_, suites) = parse_junit(&xml);
    let kr = suites.iter().find(|s| s.attributes["name"] == "KR").unwrap();
    assert!(kr.cases.iter().any(|c| c.2.starts_with("미확정: ")), "{:?}", kr.cases);
}

#[test]
fn junit_escapes_what_the_facts_file_says() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.yaml");
    let name = "<script>alert('x')</script> & \"co\" ]]> --";
    fs::write(&path, format!("system:\n  name: {}\n  use_cases: [recruitment_selection]\n", serde_json::json!(name)))
        .unwrap();
    let (_, xml) = assess(path.to_str().unwrap(), &["--format", "junit"]);
    assert!(!xml.contains("<script>"));
    let (root, suites) = parse_junit(&xml);
    assert_eq!(root["name"], name, "the name round-trips");
    assert!(!suites.is_empty());
}
