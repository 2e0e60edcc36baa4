#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! `norma graph`, run as a user runs it: golden drawings of a small pack (`tests/graph/pack`) and
//! of the Korean act (review the diff, then `NORMA_BLESS=1 cargo test --test graph`), the same
//! bytes on every run, colours by outcome, errors, and the whole shipped set laid out by Graphviz.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

mod common;

use common::{norma, stderr, stdout};

const PACK: &str = "tests/graph/pack";
const FACTS: &str = "tests/graph/system.yaml";
const DAY: &str = "2026-01-01";

fn graph(args: &[&str]) -> String {
    let mut all = vec!["graph"];
    all.extend(args);
    let o = norma(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn drawings_match_their_golden_files() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let cases: &[(&str, &[&str])] = &[
        ("pack.dot", &["--policies", PACK]),
        ("pack.mmd", &["--policies", PACK, "--format", "mermaid"]),
        ("pack-facts.dot", &["--policies", PACK, "--facts", FACTS, "--as-of", DAY]),
        (
            "pack-facts.ko.mmd",
            &["--policies", PACK, "--facts", FACTS, "--as-of", DAY, "--format", "mermaid", "--lang", "ko"],
        ),
        ("pack-act.dot", &["--policies", PACK, "--instrument", "demo.act"]),
        ("kr-ai-basic-act.dot", &["--instrument", "kr.ai_basic_act"]),
        ("kr-ai-basic-act.mmd", &["--instrument", "kr.ai_basic_act", "--format", "mermaid"]),
    ];
    let mut failures = Vec::new();
    for (name, args) in cases {
        let text = graph(args);
        let golden = format!("tests/graph/{name}");
        if bless {
            fs::write(&golden, &text).unwrap();
        } else if fs::read_to_string(&golden).unwrap_or_default() != text {
            failures.push(golden);
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1 cargo test --test graph): {failures:?}");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for format in ["dot", "mermaid"] {
        let first = graph(&["--format", format]);
        assert_eq!(first, graph(&["--format", format]), "{format}");
    }
    let args = ["--instrument", "eu.ai_act", "--facts", "examples/cv-screening.yaml", "--as-of", "2026-11-26"];
    assert_eq!(graph(&args), graph(&args));
}

/// The attributes of the DOT node `id`.
fn dot_node<'a>(dot: &'a str, id: &str) -> &'a str {
    let start = format!("\"{id}\" [");
    dot.lines().find(|l| l.trim_start().starts_with(&start)).unwrap_or_else(|| panic!("no node {id}:\n{dot}"))
}

#[test]
fn facts_colour_the_nodes_by_outcome() {
    let dot = graph(&["--policies", PACK, "--facts", FACTS, "--as-of", DAY]);
    for (id, fill) in [
        ("i_demo_act_risk_management", "#2b8a3e"),  // met
        ("i_demo_act_register_large", "#1c7ed6"),   // not yet applicable
        ("i_demo_act_social_scoring", "#adb5bd"),   // not applicable
        ("i_demo_act_high_risk", "#b2f2bb"),        // holds
        ("i_demo_act_small_enterprise", "#e9ecef"), // does not hold
        ("i_demo_act_large_system", "#ffec99"),     // undecided: `system.users` is not given
        ("f_system_users", "#ffffff"),              // not given
        ("f_system_purpose", "#a5d8ff"),            // given
        ("i_demo_vocab_test_report", "#a5d8ff"),    // evidence held
    ] {
        assert!(
            dot_node(&dot, id).contains(&format!("fillcolor=\"{fill}\"")),
            "{id} not {fill}: {}",
            dot_node(&dot, id)
        );
    }
    for word in ["norm: met", "norm: violated", "definition, role, exception: unknown", "fact, evidence: not given"] {
        assert!(dot.contains(&format!("label=\"{word}\"")), "legend lacks {word}");
    }
    assert!(dot.contains("Rule graph — as of 2026-01-01"));

    // Without facts: colours by kind, and no outcome in the legend.
    let plain = graph(&["--policies", PACK]);
    assert!(dot_node(&plain, "i_demo_act_risk_management").contains("#dbe4ff"));
    assert!(!plain.contains("norm: met"));
}

#[test]
fn one_instrument_with_what_it_uses() {
    let dot = graph(&["--instrument", "eu.ai_act"]);
    // Every part file of the act is drawn, as a cluster of its own.
    for part in ["classification.norma", "deployers.norma", "gpai.norma", "transparency.norma"] {
        assert!(dot.contains(&format!("label=\"{part}\"")), "{part} missing");
    }
    assert!(dot.contains("label=\"Art. 9\""));
    assert!(dot.contains("label=\"Annex III\""));
    // Shared evidence of the vocabulary lies outside: dashed, with its full name.
    let shared = dot_node(&dot, "i_common_risk_management_documentation");
    assert!(shared.contains("dashed") && shared.contains("common.risk_management_documentation"), "{shared}");
    assert!(dot.contains("label=\"common (outside eu.ai_act)\""));
    // Korean rules are not drawn.
    assert!(!dot.contains("i_kr_ai_basic_act_"));
    // Facts the act does not use are not drawn either.
    assert!(!dot.contains("\"f_system_kr_realistic_synthetic_media\""));
}

#[test]
fn an_unknown_instrument_is_a_usage_error_with_a_suggestion() {
    let o = norma(&["graph", "--instrument", "kr.ai_basic"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no policy loaded is called `kr.ai_basic`; did you mean `kr.ai_basic_act`?"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());

    let o = norma(&["graph", "--instrument", "zz"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the policies loaded are: cn.algorithm_recommendation, cn.common, cn.deep_synthesis, cn.generative_ai, cn.labelling, common, crosswalks.eu_kr, crosswalks.standards_cn, crosswalks.standards_eu, crosswalks.standards_kr, crosswalks.standards_us, eu.ai_act"), "{}", stderr(&o));

    // A date means nothing without facts.
    assert_eq!(norma(&["graph", "--as-of", DAY]).status.code(), Some(2));
    // Facts that do not fit the vocabulary.
    let o = norma(&["graph", "--facts", "tests/graph/pack/act.norma"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn out_writes_the_file_and_mermaid_warns_past_its_edge_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graph.mmd");
    let o = norma(&["graph", "--format", "mermaid", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("Mermaid draws at most 500"), "{}", stderr(&o));
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("---\ntitle: \"Rule graph\"\n---\nflowchart LR\n"));
    let o = norma(&["graph", "--format", "mermaid", "--instrument", "kr.ai_basic_act"]);
    assert!(!stderr(&o).contains("Mermaid draws"), "{}", stderr(&o));
}

#[test]
fn mermaid_ids_are_plain_and_subgraphs_are_closed() {
    let text = graph(&["--format", "mermaid", "--facts", "examples/cv-screening.yaml", "--as-of", "2026-11-26"]);
    let plain = |id: &str| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut open = 0usize;
    for line in text.lines().skip(4) {
        let line = line.trim();
        if let Some((from, to)) = line.split_once(" --> ") {
            assert!(plain(from) && plain(to), "{line}");
        } else if let Some(rest) = line.strip_prefix("subgraph ") {
            open += 1;
            assert!(plain(rest.split('[').next().unwrap()), "{line}");
        } else if line == "end" {
            open = open.checked_sub(1).expect("an `end` with no subgraph");
        } else if let Some(rest) = line.strip_prefix("class ") {
            assert!(rest.split([' ', ',']).all(plain), "{line}");
        } else if !line.starts_with("classDef ") && !line.starts_with("style ") && line != "direction TB" {
            let id: String = line.chars().take_while(|c| *c != '[' && *c != '(' && *c != '{').collect();
            assert!(plain(&id), "{line}");
            assert_eq!(line.matches('"').count(), 2, "a label is quoted once: {line}");
        }
    }
    assert_eq!(open, 0);
}

#[test]
fn graphviz_lays_out_the_whole_shipped_set() {
    let available = Command::new("dot").arg("-V").stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not installed; .ci/run installs the Debian package `graphviz`"
        );
        eprintln!("note: Graphviz `dot` is not installed; skipping the layout of the whole shipped set");
        return;
    }
    for args in [&[][..], &["--facts", "examples/cv-screening.yaml", "--as-of", "2026-11-26", "--lang", "ko"][..]] {
        let text = graph(args);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "dot failed: {}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stderr.is_empty(), "dot warned: {}", String::from_utf8_lossy(&o.stderr));
        let svg = String::from_utf8(o.stdout).unwrap();
        assert!(svg.contains("<svg") && svg.contains("risk_management_system"), "{}", &svg[..svg.len().min(400)]);
    }
}
