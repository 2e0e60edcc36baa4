#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Generated documentation is committed and must be current. After changing the policies, run
//! `NORMA_BLESS=1 cargo test --test docs` and review the diff.

use std::fs;

#[test]
fn docs_facts_md_is_current() {
    let engine = norma::Engine::embedded().map_err(|_| "the shipped policies have errors").unwrap();
    let text = norma::facts::doc::markdown(engine.policy(), "en");
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write("docs/facts.md", &text).unwrap();
    }
    assert_eq!(
        fs::read_to_string("docs/facts.md").unwrap_or_default(),
        text,
        "docs/facts.md is out of date: run `norma facts > docs/facts.md`"
    );
}

#[test]
fn the_facts_command_prints_the_same_document_and_a_schema() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_norma")).args(["facts"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), fs::read_to_string("docs/facts.md").unwrap());
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["facts", "--format", "json-schema"])
        .output()
        .unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(schema["properties"]["system"]["properties"]["use_cases"]["type"][0], "array");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_norma")).args(["facts", "--lang", "ko"]).output().unwrap();
    assert!(String::from_utf8(o.stdout).unwrap().contains("시스템의 의도된 용도는 무엇입니까?"));
}
