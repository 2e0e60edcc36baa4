#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Editor and shell support: the TextMate grammar knows exactly the language's reserved words, the
//! VS Code extension's files parse and point at the grammar, and `norma completions` writes a
//! script that knows every subcommand.

use std::collections::BTreeSet;
use std::fs;

mod common;

use common::{norma, stderr, stdout};

fn json(path: &str) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// The words of a `\b(?:a|b|c)\b` alternation inside `pattern`, after `open`.
fn words<'a>(pattern: &'a str, open: &str) -> Vec<&'a str> {
    let start = pattern.find(open).unwrap_or_else(|| panic!("no `{open}` in {pattern}")) + open.len();
    let end = start + pattern[start..].find(")\\b").unwrap();
    pattern[start..end].split('|').collect()
}

fn repository<'a>(grammar: &'a serde_json::Value, name: &str) -> &'a str {
    grammar["repository"][name]["match"].as_str().unwrap_or_else(|| panic!("no repository.{name}.match"))
}

#[test]
fn the_grammar_knows_exactly_the_reserved_words() {
    let grammar = json("editors/norma.tmLanguage.json");
    assert_eq!(grammar["scopeName"], "source.norma");
    let reserved: BTreeSet<&str> = norma::syntax::RESERVED.iter().copied().collect();

    let keywords = repository(&grammar, "keywords");
    let listed = words(keywords, "\\b(?:");
    let set: BTreeSet<&str> = listed.iter().copied().collect();
    let missing: Vec<&&str> = reserved.difference(&set).collect();
    let extra: Vec<&&str> = set.difference(&reserved).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && set.len() == listed.len(),
        "editors/norma.tmLanguage.json `keywords` drifted from norma::syntax::RESERVED: \
         missing {missing:?}, not reserved {extra:?} (also update the same list in `numbers`)"
    );

    // After a number, a reserved word is not read as its unit: the same list, word for word.
    let alternation = &keywords[keywords.find("(?:").unwrap()..keywords.rfind(")\\b").unwrap() + 1];
    assert!(
        repository(&grammar, "numbers").contains(&format!("(?!{alternation}\\b)")),
        "`numbers` must exclude the same reserved words as `keywords`"
    );

    // The narrower word lists are reserved words too.
    for (name, open) in [("operator-words", "\\b(?:"), ("constants", "\\b(?:"), ("declarations", "^(")] {
        for word in words(repository(&grammar, name), open) {
            assert!(reserved.contains(word), "`{word}` in `{name}` is not a reserved word");
        }
    }

    // Every pattern the top level includes exists.
    for include in grammar["patterns"].as_array().unwrap() {
        let name = include["include"].as_str().unwrap().trim_start_matches('#');
        assert!(grammar["repository"].get(name).is_some(), "`#{name}` is included but not defined");
    }
}

#[test]
fn the_vs_code_extension_uses_the_grammar() {
    let manifest = json("editors/vscode/package.json");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "norma");
    assert_eq!(language["extensions"][0], ".norma");
    assert_eq!(language["configuration"], "./language-configuration.json");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.norma");
    // docs/editors.md copies editors/norma.tmLanguage.json to this path.
    assert_eq!(grammar["path"], "./syntaxes/norma.tmLanguage.json");
    let docs = fs::read_to_string("docs/editors.md").unwrap();
    assert!(
        docs.contains("cp editors/norma.tmLanguage.json \"$ext/syntaxes/\""),
        "docs/editors.md installs the grammar"
    );

    let config = json("editors/vscode/language-configuration.json");
    assert_eq!(config["comments"]["lineComment"], "//");
    assert_eq!(config["brackets"], serde_json::json!([["{", "}"], ["(", ")"]]));
}

/// The subcommands `norma --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&norma(&["--help"]));
    let commands = help.split("Commands:").nth(1).unwrap().split("\n\n").next().unwrap();
    commands.lines().filter_map(|l| l.split_whitespace().next()).filter(|c| *c != "help").map(str::to_string).collect()
}

#[test]
fn completions_know_every_subcommand() {
    let commands = subcommands();
    assert!(commands.iter().any(|c| c == "graph") && commands.iter().any(|c| c == "completions"), "{commands:?}");
    let o = norma(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty());
    let script = stdout(&o);
    assert!(script.contains("complete -F _norma"), "a bash completion script");
    for command in &commands {
        assert!(script.contains(&format!("norma,{command})")), "bash completion lacks `{command}`");
    }
    assert!(script.contains("--instrument"), "options are completed too");

    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let o = norma(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("graph"), "{shell}");
    }
    assert_eq!(norma(&["completions", "tcsh"]).status.code(), Some(2));
}
