#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Editor and shell support: `norma completions` writes a script that knows every subcommand.

mod common;

use common::{norma, stderr, stdout};

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
