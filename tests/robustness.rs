#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Random mutations of valid policy files never make the parser, the checker or the formatter
//! panic: every input gets diagnostics or a result.

use proptest::prelude::*;

use norma::source::Sources;

/// The valid files the mutations start from.
fn seeds() -> Vec<String> {
    let mut out: Vec<String> = norma::embedded::POLICIES.iter().map(|(_, t)| t.to_string()).collect();
    for dir in ["tests/check/good", "tests/check/bad"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "norma") {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    out
}

/// Fragments the mutations insert: keywords, operators, brackets, literals and odd characters.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    ",",
    "=",
    " and ",
    " or ",
    " not ",
    "not ",
    " in ",
    " includes any of ",
    " is met",
    " applies",
    "\"",
    "\"x\"",
    "\\",
    "//",
    "///",
    "\n",
    "\n\n",
    "  ",
    "define ",
    "fact ",
    "obligation ",
    "exception a to ",
    "from ",
    "until ",
    "2026-02-30",
    "2026-08-02",
    "1e999",
    "EUR ",
    " months",
    "_",
    ".",
    "..",
    "é",
    "고영향",
    "\u{0}",
    "\r\n",
    "\t",
    "cite ",
    "binds ",
    "when ",
    "unless ",
    "= ",
    "gives ",
    "priority 1",
    "use ",
    "as_of",
    "unknown",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..FRAGMENTS.len()).prop_map(|(at, fragment)| Mutation::Insert { at, fragment }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Delete { at, len } => {
            let a = boundary(text, *at);
            let b = boundary(text, (a + len).min(text.len()));
            format!("{}{}", &text[..a], &text[b.max(a)..])
        }
        Mutation::Insert { at, fragment } => {
            let a = boundary(text, *at);
            format!("{}{}{}", &text[..a], FRAGMENTS[*fragment], &text[a..])
        }
        Mutation::DuplicateLine { line } => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let i = line % lines.len();
                lines.insert(i, lines[i]);
            }
            lines.join("\n")
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(a % n, b % n);
            }
            lines.join("\n")
        }
        Mutation::Truncate { at } => text[..boundary(text, *at)].to_string(),
    }
}

/// Runs every stage on the text; the test fails only if one of them panics.
fn run_all(text: &str, with_vocabulary: bool) {
    let mut sources = Sources::new();
    if with_vocabulary {
        let vocabulary = norma::embedded::POLICIES.iter().find(|(p, _)| *p == "common/vocabulary.norma");
        if let Some((path, text)) = vocabulary {
            sources.add(*path, *text);
        }
    }
    sources.add("mutated.norma", text.to_string());
    let (_, diags) = norma::check_sources(&sources);
    let _ = norma::diagnostics::render_human(&sources, &diags, false);
    let _ = norma::diagnostics::render_json(&sources, &diags);
    let parsed = norma::syntax::parse(norma::source::FileId(0), text);
    if let Some(m) = parsed.module {
        let _ = norma::format::format_module(&m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_policies_never_panic(seed in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let mut text = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        run_all(&text, seed.index(2) == 0);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        run_all(&text, false);
    }
}
