//! Differential tests: the fast path against the pest path (the oracle). For every chunk, the
//! fast path must give the pest path's tree where pest accepts it without a diagnostic, and give
//! up where pest reports a problem.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{Chunk, MAX_CHUNK_BYTES, Scratch, parse_chunk};
use crate::source::FileId;
use crate::syntax::{RESERVED, parse, parse_with_pest_only, pest_chunk, scan};

#[path = "../../../benches/dag/workload.rs"]
#[allow(dead_code)]
mod workload;

/// How the two paths compared on a text.
#[derive(Debug, Default)]
struct Compared {
    /// Chunks both read, with equal trees.
    agreed: usize,
    /// Chunks pest reported a problem in, where the fast path gave up (as it must).
    gave_up: Vec<String>,
    /// Chunks pest accepts where the fast path gave up anyway (allowed, but should not happen).
    missed: Vec<String>,
}

/// Compares both paths on every chunk of `text`; panics where the fast path accepts what pest
/// refuses, or builds another tree.
fn compare(name: &str, text: &str) -> Compared {
    let scanned = scan::scan(text);
    let mut out = Compared::default();
    for (index, &start) in scanned.chunks.iter().enumerate() {
        let end = scanned.chunks.get(index + 1).copied().unwrap_or(text.len());
        if scanned.too_deep.iter().any(|&p| p >= start && p < end) {
            continue; // refused before either path runs
        }
        let chunk = &text[start..end];
        let header = index == 0;
        let pest = pest_chunk(FileId(0), start, chunk, header);
        let fast = parse_chunk(FileId(0), start, chunk, header, &mut Scratch::default());
        let first_line = chunk.lines().find(|l| !l.trim().is_empty()).unwrap_or("").to_string();
        match (pest.diags.is_empty(), fast) {
            (true, Some(fast)) => {
                let expected =
                    if header { Chunk::Header(pest.header.expect("a header")) } else { Chunk::Items(pest.items) };
                assert_eq!(fast, expected, "{name}: the trees differ in chunk {index}:\n{chunk}");
                out.agreed += 1;
            }
            (true, None) => out.missed.push(format!("{name}: {first_line}")),
            (false, Some(_)) => {
                panic!("{name}: the fast path accepts chunk {index}, which pest refuses: {:?}\n{chunk}", pest.diags)
            }
            (false, None) => out.gave_up.push(format!("{name}: {first_line}")),
        }
    }
    // The whole file, through `parse`, is as the pest path alone reads it.
    let both = parse(FileId(0), text);
    let pest = parse_with_pest_only(FileId(0), text);
    assert_eq!(both.module, pest.module, "{name}");
    assert_eq!(format!("{:?}", both.diags), format!("{:?}", pest.diags), "{name}");
    assert_eq!(both.broken, pest.broken, "{name}");
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn norma_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            norma_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "norma") {
            out.push(path);
        }
    }
}

/// The ```` ```norma ```` blocks of a Markdown file.
fn norma_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start().starts_with("```norma") => current = Some(String::new()),
            None => {}
            Some(block) if line.trim_start().starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// Whether a block is a whole module (its first code line is a header).
fn is_module(block: &str) -> bool {
    block.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("//")).is_some_and(|l| {
        ["instrument ", "guidance ", "vocabulary ", "catalog ", "part of "].iter().any(|k| l.starts_with(k))
    })
}

/// Every `.norma` text of the repository: files, the documentation's examples and the benchmark's
/// generated policy.
fn repository_texts() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["policies", "tests", "examples", "docs", "benches"] {
        norma_files(&root().join(dir), &mut files);
    }
    // The files of the bad-input suite that are not UTF-8 text are never parsed (reading refuses them).
    let mut texts: Vec<(String, String)> =
        files.iter().filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?))).collect();
    assert!(texts.len() >= 30, "found only {} .norma files", texts.len());
    for doc in ["docs/language.md", "docs/tutorial.md", "README.md"] {
        let markdown = std::fs::read_to_string(root().join(doc)).expect("readable");
        for (n, block) in norma_blocks(&markdown).into_iter().enumerate() {
            // Fragments are read in a module of their own, as they would be pasted.
            let text = if is_module(&block) { block } else { format!("instrument doc.fragment\n{block}") };
            texts.push((format!("{doc} block {n}"), text));
        }
    }
    let w = workload::generate(1000, 1, workload::SEED);
    texts.push(("benches/dag/workload.rs (1,000 rules)".into(), w.norma()));
    texts
}

#[test]
fn both_paths_agree_on_every_file_of_the_repository() {
    let mut total = Compared::default();
    for (name, text) in repository_texts() {
        let c = compare(&name, &text);
        total.agreed += c.agreed;
        total.gave_up.extend(c.gave_up);
        total.missed.extend(c.missed);
    }
    assert!(total.missed.is_empty(), "the fast path gave up on chunks pest accepts: {:#?}", total.missed);
    assert!(total.agreed > 1500, "only {} chunks compared", total.agreed);
    eprintln!("{} chunks read alike; pest reported a problem in {}:", total.agreed, total.gave_up.len());
    for g in &total.gave_up {
        eprintln!("  {g}");
    }
    // The fast path gives up exactly where pest reports a problem: only in the files that are
    // there to be refused, and in no shipped file.
    for g in &total.gave_up {
        assert!(!g.contains("/policies/") && !g.contains("/examples/"), "a shipped file has a problem: {g}");
    }
}

#[test]
fn the_shipped_policies_are_read_by_the_fast_path_alone() {
    for (name, text) in crate::embedded::POLICIES {
        let c = compare(name, text);
        assert!(c.gave_up.is_empty() && c.missed.is_empty(), "{name}: {c:?}");
    }
}

// ---- Cases written out: the quirks of pest's spans and of the grammar ----

/// Compares, and requires that both paths accepted every chunk.
fn agree(text: &str) {
    let c = compare("case", text);
    assert!(c.gave_up.is_empty() && c.missed.is_empty(), "{text}\n{c:?}");
}

/// Compares, and requires that pest refused a chunk (and the fast path gave up there).
fn refused(text: &str) {
    let c = compare("case", text);
    assert!(!c.gave_up.is_empty() && c.missed.is_empty(), "{text}\n{c:?}");
}

#[test]
fn spans_end_where_pest_pairs_end() {
    // A clause or declaration ends where its last pair ends: before a text's closing quote, at a
    // set's last element, inside a bracket.
    agree("instrument t\n  title en \"T\"\ndefine d\n  = {a, b}\n  when (a or b)\n  text en \"x\" // c\n\n");
    agree("instrument t\nfact f : enum {a en \"A\", b}\ntest \"t\"\n  given f = {}\n");
    // `evidence NAME` without an age, and `use` without an alias, take in the whitespace after.
    agree("instrument t\nuse a.b // c\n\n  use c as d\ndefine d\n  = evidence e // c\n\n  when evidence e and x\n");
    agree("instrument t\ndefine d\n  met when evidence e no older than 12 months\n");
    agree("instrument t\ndefine d\n  = evidence e\n");
}

#[test]
fn the_grammar_quirks_are_kept() {
    // A number directly followed by a word is an amount; `1e` is the number 1 in the unit `e`.
    agree("instrument t\ndefine d\n  = 12months + 1e + 5_ + EUR 5 + 7 % + 1.5e-3 + 2e+3x + 3.5e\n");
    refused("instrument t\ndefine d\n  = 2.x\n");
    // A row of a table goes on over line breaks, as long as cells and bars follow (here over
    // `examples`, which is then a name: a reserved word).
    agree("instrument t\ntest \"t\"\n  examples\n    | a |\n    | 5\n    |\n  x\n    | b |\n");
    refused("instrument t\ntest \"t\"\n  examples\n    | a |\n    | 5\n    |\n  examples\n    | as_of |\n");
    // `X+` is `X ~ X*` in pest: a row of one cell ends after the whitespace and comments after it.
    agree(
        "instrument t\ntest \"t\"\n  examples\n    | a | // c\n    | 1 | // d\n\n    | - |\n  effort\n  examples\n    | a | b |\n    | 1 | 2 | // e\n",
    );
    // A doc comment after an expression clause reads as `/` then a comment.
    refused("instrument t\ndefine d\n  = a\n  /// doc\n  when b\n");
    agree("instrument t\ndefine d\n  = a\n  /// doc\n  = b\n");
    // `includes any` without `of` is `includes` then the name `any`.
    agree("instrument t\ndefine d\n  = a includes any\n  = a includes all of {b,}\n");
    // An indented `crosswalk … to …` ends the declaration and starts another; `family` is a clause.
    agree("instrument t\nobligation o\n  crosswalk a to b relation r\n  family f 10 years\n");
    // `source` right after a crosswalk's relation is the crosswalk's.
    agree("instrument t\ncrosswalk a to standard \"S\" clause \"1\" relation r source \"s\"\n  source \"t\"\n");
    // A unit may follow `integer` on the next line.
    agree("instrument t\nfact f : integer\n  months\n  question en \"?\"\n");
    // Doc comments, `part of`, CRLF, Hangul.
    agree("/// d\r\n//// e\r\npart of k.법\r\n  title ko \"준수 \\\"인용\\\" \\\\ \\n\\t\"\r\n/// u\r\nuse x\r\n");
}

#[test]
fn pest_problems_make_the_fast_path_give_up() {
    refused("instrument t\ndefine from\n  = true\n"); // a reserved word as a name
    refused("instrument t\ndefine d\n  = a and cite\n");
    refused("instrument t\ndefine d\n  = 2026-02-30 < as_of\n"); // no such day
    refused("instrument t\ndefine d\n  = 1e999 > 2\n"); // out of range
    refused("instrument t\nexception a to b\n  priority 99999999999\n");
    refused("instrument t\nexception a to b\n  priority 1.5\n");
    refused("instrument t\ndefine d\n  = (a\n");
    refused("instrument t\ndefine d\n  title en \"a\n\"\n");
    refused("instrument t\ndefine d\n  title en \"\\x\"\n");
    refused("define d\n  = a\n"); // no header
    refused(&format!("instrument t\ndefine d\n  = {}a\n", "not ".repeat(65)));
    refused(&format!("instrument t\ndefine d\n  = a{}\n", " = a".repeat(70)));
    agree(&format!("instrument t\ndefine d\n  = {}a\n", "not ".repeat(60)));
    agree(&format!("instrument t\ndefine d\n  = {}a{}\n", "(".repeat(30), ")".repeat(30)));
}

// ---- Limits: no input makes the fast path panic, recurse deeply or take long ----

fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(bytes).spawn(f).expect("thread").join().expect("no panic")
}

#[test]
fn deep_or_long_inputs_are_given_up_quickly_on_a_small_stack() {
    let n = 100_000;
    let inputs = [
        format!("define x\n  = {}a\n", "not ".repeat(n)),
        format!("define x\n  = {}a\n", "- ".repeat(n)),
        format!("define x\n  = a{}\n", " = a".repeat(n)),
        format!("define x\n  = a{}\n", " + not a".repeat(n)),
        format!("define x\n  = a{}\n", " is met".repeat(n)),
        format!("define x\n  = {}a{}\n", "(".repeat(n), ")".repeat(n)),
    ];
    for input in inputs {
        let started = std::time::Instant::now();
        let got =
            on_stack(256 << 10, move || parse_chunk(FileId(0), 0, &input, false, &mut Scratch::default()).is_some());
        assert!(!got);
        assert!(started.elapsed().as_secs() < 5);
    }
    // A long flat chain is fine.
    let chain = format!("define x\n  = a{}\n", " and a".repeat(20_000));
    assert!(on_stack(256 << 10, move || parse_chunk(FileId(0), 0, &chain, false, &mut Scratch::default()).is_some()));
}

#[test]
fn chunks_beyond_the_size_limit_go_to_pest() {
    let chain = format!("define x\n  = a{}\n", " and a".repeat(MAX_CHUNK_BYTES / 6));
    assert!(chain.len() > MAX_CHUNK_BYTES);
    assert!(parse_chunk(FileId(0), 0, &chain, false, &mut Scratch::default()).is_none());
}

#[test]
fn pest_reads_the_densest_chunk_the_fast_path_takes_within_its_call_limit() {
    // About 140 pest calls per byte: a set of numbers.
    let prefix = "define x\n  = {";
    let dense = format!("{prefix}{}}}\n", "0,".repeat((MAX_CHUNK_BYTES - prefix.len() - 2) / 2));
    assert!(dense.len() <= MAX_CHUNK_BYTES && dense.len() > MAX_CHUNK_BYTES - 4);
    parse(FileId(0), "instrument t\n"); // sets pest's call limit
    let pest = pest_chunk(FileId(0), 0, &dense, false);
    assert!(pest.diags.is_empty(), "{:?}", pest.diags);
    assert_eq!(parse_chunk(FileId(0), 0, &dense, false, &mut Scratch::default()), Some(Chunk::Items(pest.items)));
}

#[test]
fn the_reserved_words_are_the_grammars_keywords() {
    let grammar = std::fs::read_to_string(root().join("grammar/norma.pest")).expect("grammar");
    let line = grammar.lines().find(|l| l.starts_with("keyword = ")).expect("the keyword rule");
    let mut keywords: Vec<&str> =
        line.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter_map(|w| w.strip_prefix("k_")).collect();
    keywords.sort_unstable();
    let mut reserved = RESERVED.to_vec();
    reserved.sort_unstable();
    assert_eq!(keywords, reserved);
    for w in RESERVED {
        assert!(super::lex::is_reserved(w), "{w}");
    }
    for w in ["of", "any", "set", "enum", "bool", "in_forc", "an", "ands", ""] {
        assert!(!super::lex::is_reserved(w), "{w}");
    }
}

#[test]
fn ascii_identifier_classes_are_pests() {
    for b in 0u8..128 {
        let c = char::from(b);
        assert_eq!(super::lex::xid_start(c), pest::unicode::XID_START(c), "{c:?}");
        assert_eq!(super::lex::xid_continue(c), pest::unicode::XID_CONTINUE(c), "{c:?}");
        assert_eq!(super::lex::ascii_word(b), pest::unicode::XID_CONTINUE(c), "{c:?}");
    }
    assert!((128..=255).all(|b| !super::lex::ascii_word(b)));
}

// ---- Random modules from the grammar ----

/// A small deterministic random stream (xorshift), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Names that are not reserved, some close to keywords, some not ASCII.
const NAMES: &[&str] = &[
    "a",
    "b1",
    "system",
    "x_y",
    "_p",
    "index",
    "fromage",
    "in_force_x",
    "of",
    "any",
    "all",
    "known",
    "set",
    "enum",
    "clause",
    "dated",
    "older",
    "than",
    "no",
    "for",
    "ref",
    "part",
    "bool",
    "date",
    "notice",
    "order",
    "island",
    "isx",
    "andy",
    "시스템",
    "위험_등급",
    "résumé",
    "ωμέγα",
    "EURO",
    "ab",
];
/// Words after a dot: any word, reserved ones included.
const SEGMENTS: &[&str] = &["in", "from", "x", "level", "met", "위험", "_9", "true", "evidence"];
const BINARY: &[&str] = &[
    "or",
    "and",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "includes",
    "includes any of",
    "includes all of",
    "+",
    "-",
    "*",
    "/",
];

struct Gen {
    rng: Rng,
}

/// How a generated clause ends: a doc comment may not follow an expression (pest reads `///`
/// there as a division), nor `examples` a table (it would be read as a cell of the last row).
#[derive(Clone, Copy, PartialEq)]
enum Ends {
    Expr,
    Table,
    Other,
}

impl Gen {
    /// Whitespace between two tokens: spaces, a tab, a line break with indentation, a comment.
    fn ws(&mut self) -> String {
        match self.rng.below(12) {
            0 => "\n    ".into(),
            1 => "  ".into(),
            2 => "\t".into(),
            3 => " // 주석 /// x\n   ".into(),
            4 => "\n\n  ".into(),
            _ => " ".into(),
        }
    }
    fn name(&mut self) -> String {
        self.rng.pick(NAMES).to_string()
    }
    fn path(&mut self) -> String {
        let mut p = self.name();
        for _ in 0..self.rng.below(3) {
            p.push('.');
            p.push_str(self.rng.pick(SEGMENTS));
        }
        p
    }
    fn string(&mut self) -> String {
        let mut s = String::from("\"");
        for _ in 0..self.rng.below(4) {
            s.push_str(self.rng.pick(&[
                "Art. 5(1)",
                "준수",
                "\\\"q\\\"",
                "\\\\",
                "\\n",
                "\\t",
                "http://x // y",
                "/// z",
                " ",
            ]));
        }
        s.push('"');
        s
    }
    fn date(&mut self) -> String {
        format!("{}-{:02}-{:02}", 1990 + self.rng.below(100), 1 + self.rng.below(12), 1 + self.rng.below(28))
    }
    fn number(&mut self) -> String {
        self.rng.pick(&["0", "5", "10_000", "1.5", "1e25", "2.5E-3", "3e+2", "42"]).to_string()
    }
    fn quantity(&mut self) -> String {
        match self.rng.below(4) {
            0 => format!("{}{}{}", self.rng.pick(&["EUR", "KRW", "USD"]), self.ws(), self.number()),
            1 => format!("{}{}%", self.number(), self.rng.pick(&["", " "])),
            _ => {
                let unit = self.rng.pick(&["months", "years", "FLOP", "days", "개월"]);
                format!("{}{}{unit}", self.number(), self.rng.pick(&["", " ", "\n      "]))
            }
        }
    }
    fn set(&mut self) -> String {
        let n = self.rng.below(4);
        let elems: Vec<String> = (0..n).map(|_| self.value(false)).collect();
        let comma = if n > 0 && self.rng.chance(30) { "," } else { "" };
        format!("{{{}{comma}}}", elems.join(&format!(",{}", self.ws())))
    }
    /// `value` (and `set_elem`, without sets).
    fn value(&mut self, sets: bool) -> String {
        match self.rng.below(if sets { 7 } else { 6 }) {
            0 => self.date(),
            1 => self.quantity(),
            2 => self.number(),
            3 => self.string(),
            4 => self.rng.pick(&["true", "false"]).to_string(),
            5 => self.path(),
            _ => self.set(),
        }
    }
    fn atom(&mut self) -> String {
        match self.rng.below(10) {
            0 => self.set(),
            1 => {
                let age =
                    if self.rng.chance(50) { format!(" no older than {}", self.quantity()) } else { String::new() };
                format!("evidence {}{age}", self.path())
            }
            2 => self.rng.pick(&["unknown", "as_of", "true", "false"]).to_string(),
            3 | 4 => self.value(false),
            _ => self.path(),
        }
    }
    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.atom();
        }
        match self.rng.below(8) {
            0..=3 => {
                let (l, r) = (self.expr(depth - 1), self.expr(depth - 1));
                let op = self.rng.pick(BINARY);
                format!("{l}{}{op}{}{r}", self.ws(), self.ws())
            }
            4 => format!("not{}{}", self.ws(), self.expr(depth - 1)),
            5 => format!("-{}", self.expr(depth - 1)),
            6 => {
                let op = self.rng.pick(&["is met", "is known", "applies", "is\n     met"]);
                format!("{} {op}", self.expr(depth - 1))
            }
            _ => format!("({}{}{})", self.ws(), self.expr(depth - 1), self.ws()),
        }
    }
    fn lang(&mut self) -> &'static str {
        self.rng.pick(&["en", "ko", "en-GB", "zh-Hant", "fra"])
    }
    fn docs(&mut self, indent: &str) -> String {
        let mut out = String::new();
        for _ in 0..self.rng.below(3).saturating_sub(1) {
            let _ = writeln!(out, "{indent}///{}", self.rng.pick(&[" doc", "", "  two", " 문서 ", "/// more"]));
        }
        out
    }
    /// One clause; the flag says whether it can end with an expression (a doc comment may not
    /// follow such a clause: pest reads `///` there as a division).
    fn clause(&mut self) -> (String, Ends) {
        let ws = self.ws();
        let text = match self.rng.below(33) {
            0 => {
                let n = 1 + self.rng.below(3);
                let cites: Vec<String> = (0..n).map(|_| self.string()).collect();
                format!("cite {}", cites.join(", "))
            }
            1 => format!("binds {}, {}", self.path(), self.path()),
            2 | 3 => {
                let under = if self.rng.chance(40) { format!(" under {}", self.name()) } else { String::new() };
                let kw = self.rng.pick(&["title", "text", "penalty"]);
                format!("{kw} {}{ws}{}{under}", self.lang(), self.string())
            }
            4 => {
                format!("{} {} {}", self.rng.pick(&["question", "help", "note", "metric"]), self.lang(), self.string())
            }
            5..=9 => {
                let kw = self.rng.pick(&[
                    "when",
                    "unless",
                    "=",
                    "gives",
                    "met when",
                    "deemed met when",
                    "presumed met when",
                ]);
                let per = if kw.ends_with("met when") && kw.len() > 8 && self.rng.chance(50) {
                    format!(" per {}", self.string())
                } else {
                    String::new()
                };
                let e = self.expr(4);
                return (format!("{kw}{ws}{e}{per}"), if per.is_empty() { Ends::Expr } else { Ends::Other });
            }
            10 | 11 => {
                let mut c = format!("{} {}", self.rng.pick(&["from", "until"]), self.date());
                let cond = self.rng.chance(50);
                if cond {
                    c += &format!(" if {}", self.expr(2));
                }
                let under = self.rng.chance(30);
                if under {
                    c += &format!(" under {}", self.name());
                }
                let per = self.rng.chance(30);
                if per {
                    c += &format!(" per {}", self.string());
                }
                return (c, if cond && !under && !per { Ends::Expr } else { Ends::Other });
            }
            12 => {
                let part = if self.rng.chance(50) { format!(" clause {}", self.string()) } else { String::new() };
                let rel = if self.rng.chance(50) { format!(" relation {}", self.name()) } else { String::new() };
                format!("standard {}{part}{rel}", self.string())
            }
            13 => {
                let target = if self.rng.chance(50) { format!("standard {}", self.string()) } else { self.path() };
                let src = if self.rng.chance(50) { format!(" source {}", self.string()) } else { String::new() };
                format!("crosswalk {target} relation {}{src}", self.name())
            }
            14 => format!("{} {}", self.rng.pick(&["severity", "label", "status", "verification"]), self.name()),
            15 => format!("priority {}", self.rng.pick(&["0", "2", "4_294_967_295", "10"])),
            16 => format!("valid for {}", self.quantity()),
            17 => format!("jurisdiction {}", self.rng.pick(&["EU", "KR", "US-CO", "EU-2-x"])),
            18 => format!("version {} {} in_force {}", self.name(), self.string(), self.date()),
            19 => format!("source {}", self.string()),
            20 => format!("as_of {}", self.date()),
            21 => format!("given {} = {}", self.path(), self.value(true)),
            22 => {
                let mut c = format!("given evidence {}", self.path());
                if self.rng.chance(50) {
                    c += &format!(" dated {}", self.date());
                }
                if self.rng.chance(50) {
                    c += &format!(" expires {}", self.date());
                }
                if self.rng.chance(50) {
                    c += &format!(" ref {}", self.string());
                }
                c
            }
            23 => format!("expect {} {}", self.path(), self.outcome()),
            24 => {
                let period = if self.rng.chance(50) { format!(" {}", self.quantity()) } else { String::new() };
                format!("family {}{period}", self.path())
            }
            25 => format!("phase {}, {}", self.name(), self.name()),
            26 => format!("every {}", self.quantity()),
            27 => {
                let within = if self.rng.chance(50) { format!(" within {}", self.quantity()) } else { String::new() };
                format!("on {}{within}", self.path())
            }
            28 => self.rng.pick(&["effort", "informative"]).into(),
            _ => return (self.table(), Ends::Table),
        };
        (text, Ends::Other)
    }
    fn outcome(&mut self) -> &'static str {
        self.rng.pick(&[
            "true",
            "false",
            "unknown",
            "met",
            "applies",
            "not met",
            "not applicable",
            "not in force",
            "not\n     met",
        ])
    }
    fn table(&mut self) -> String {
        let columns = 1 + self.rng.below(4);
        let mut t = String::from("examples\n    |");
        for _ in 0..columns {
            let col = match self.rng.below(3) {
                0 => "as_of".to_string(),
                1 => format!("evidence {}", self.path()),
                _ => self.path(),
            };
            let _ = write!(t, " {col} |");
        }
        for _ in 0..self.rng.below(4) {
            t.push_str("\n    |");
            for _ in 0..columns {
                let cell = match self.rng.below(3) {
                    0 => "-".to_string(),
                    1 => self.outcome().to_string(),
                    _ => self.value(true),
                };
                let _ = write!(t, "{}{cell}{}|", self.ws(), self.ws());
            }
        }
        t
    }
    /// Clauses, one a line; whether the last can end with an expression.
    fn clauses(&mut self, out: &mut String) -> bool {
        let mut last = Ends::Other;
        for _ in 0..self.rng.below(6) {
            if last != Ends::Expr {
                out.push_str(&self.docs("  "));
            }
            let (c, ends) = self.clause();
            if last == Ends::Table && ends == Ends::Table {
                // `examples` right after a row would be read as the row's next cell.
                out.push_str("  effort\n");
            }
            let _ = writeln!(out, "  {c}");
            last = ends;
        }
        last == Ends::Expr
    }
    fn fact_type(&mut self) -> String {
        match self.rng.below(8) {
            0 => "bool".into(),
            1 => "text".into(),
            2 => "date".into(),
            3 => "duration".into(),
            4 => format!(
                "{}{}",
                self.rng.pick(&["integer", "decimal"]),
                self.rng.pick(&["", " EUR", " %", " months", "\n  개월"])
            ),
            _ => {
                let n = 1 + self.rng.below(4);
                let variants: Vec<String> = (0..n)
                    .map(|_| {
                        let mut v = self.name();
                        for _ in 0..self.rng.below(3) {
                            let _ = write!(v, " {} {}", self.lang(), self.string());
                        }
                        v
                    })
                    .collect();
                let set = if self.rng.chance(40) { "set of " } else { "" };
                let comma = if self.rng.chance(30) { "," } else { "" };
                format!("{set}enum {{{}{comma}}}", variants.join(&format!(",{}", self.ws())))
            }
        }
    }
    fn item(&mut self) -> String {
        let mut out = self.docs("");
        let head = match self.rng.below(13) {
            0 | 1 => format!("fact {} : {}", self.path(), self.fact_type()),
            2..=4 => format!("define {}", self.name()),
            5 => format!("{} {}", self.rng.pick(&["role", "evidence", "family", "event"]), self.name()),
            6 | 7 => format!("{} {}", self.rng.pick(&["obligation", "prohibition"]), self.name()),
            8 => {
                let targets: Vec<String> = (0..1 + self.rng.below(3)).map(|_| self.path()).collect();
                let kind = self.rng.pick(&["exception", "exemption", "derogation"]);
                format!("{kind} {} to {}", self.name(), targets.join(", "))
            }
            9 => {
                let target = if self.rng.chance(50) {
                    format!("standard {} clause {}", self.string(), self.string())
                } else {
                    self.path()
                };
                let src = if self.rng.chance(50) { format!(" source {}", self.string()) } else { String::new() };
                format!("crosswalk {} to {target} relation {}{src}", self.path(), self.name())
            }
            _ => format!("{} {}", self.rng.pick(&["test", "provision", "heading"]), self.string()),
        };
        out.push_str(&head);
        out.push('\n');
        self.clauses(&mut out);
        out
    }
    fn module(&mut self) -> String {
        let mut out = self.docs("");
        let kind = self.rng.pick(&["instrument", "guidance", "vocabulary", "part of"]);
        let _ = writeln!(out, "{kind} {}", self.path());
        let mut after_expr = self.clauses(&mut out);
        for _ in 0..self.rng.below(3) {
            let alias = if self.rng.chance(50) { format!(" as {}", self.name()) } else { String::new() };
            let docs = if after_expr { String::new() } else { self.docs("") };
            let _ = writeln!(out, "{docs}use {}{alias}{}", self.path(), self.rng.pick(&["", " // c", "  "]));
            after_expr = false;
        }
        for _ in 0..self.rng.below(6) {
            out.push_str(self.rng.pick(&["\n", "", "// between\n"]));
            out.push_str(&self.item());
        }
        if self.rng.chance(15) { out.replace('\n', "\r\n") } else { out }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn random_modules_read_the_same_both_ways(seed in 1u64..) {
        let text = Gen { rng: Rng(seed) }.module();
        let pest = parse_with_pest_only(FileId(0), &text);
        prop_assert!(pest.diags.is_empty(), "the generator wrote an invalid module:\n{text}\n{:#?}", pest.diags);
        let c = compare("random module", &text);
        prop_assert!(c.missed.is_empty() && c.gave_up.is_empty(), "{text}\n{c:?}");
    }
}

// ---- Mutated files ----

/// Pieces inserted by the mutations: tokens of the language, and characters that often break it.
const PIECES: &[&str] = &[
    " ",
    "\n",
    "\n  ",
    "\r\n",
    "\t",
    "//",
    "///",
    "/// d\n",
    "\"",
    "\\",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "|",
    "-",
    "=",
    "!=",
    "<",
    ">=",
    "+",
    "*",
    "/",
    ".",
    "%",
    "0",
    "9",
    "1e",
    "_",
    "2026-02-30",
    "2026-01-01",
    "1e999",
    "EUR",
    "not",
    "in",
    "and",
    "or",
    "is",
    "met",
    "applies",
    "known",
    "includes",
    "any",
    "of",
    "evidence",
    "no older than",
    "when",
    "define",
    "fact",
    "crosswalk",
    "family",
    "to",
    "source",
    "relation",
    "standard",
    "as",
    "use",
    "as_of",
    "true",
    "unknown",
    "시스템",
    "é",
    "\u{200b}",
    "\u{301}",
    "examples",
    "| - |",
];

/// Small pieces of the repository's files: each file's header with one of its declarations.
fn samples() -> &'static [String] {
    static SAMPLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        for (_, text) in repository_texts() {
            let chunks = scan::scan(&text).chunks;
            let header_end = chunks.get(1).copied().unwrap_or(text.len());
            let header = &text[..header_end];
            if header.len() > 4000 {
                continue;
            }
            for (i, &start) in chunks.iter().enumerate().skip(1).step_by(7) {
                let end = chunks.get(i + 1).copied().unwrap_or(text.len());
                if end - start < 3000 {
                    out.push(format!("{header}{}", &text[start..end]));
                }
            }
        }
        out
    })
}

/// Applies one edit at a place chosen by `at` (a fraction of the length, on a char boundary).
fn mutate(text: &str, kind: u8, at: f64, len: usize, piece: &str) -> String {
    let mut i = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    let mut j = (i + len).min(text.len());
    while !text.is_char_boundary(j) {
        j -= 1;
    }
    match kind {
        0 => format!("{}{}", &text[..i], &text[j..]),
        1 => format!("{}{piece}{}", &text[..i], &text[i..]),
        _ => format!("{}{piece}{}", &text[..i], &text[j..]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_make_the_fast_path_accept_what_pest_refuses(
        sample in 0usize..10_000,
        edits in proptest::collection::vec((0u8..3, 0.0f64..1.0, 0usize..6, proptest::sample::select(PIECES)), 1..4),
    ) {
        let samples = samples();
        let mut text = samples[sample % samples.len()].clone();
        for (kind, at, len, piece) in edits {
            text = mutate(&text, kind, at, len, piece);
        }
        // Panics where the fast path accepts what pest refuses, or builds another tree.
        let c = compare("mutated", &text);
        prop_assert!(c.missed.is_empty(), "{text}\n{c:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_makes_the_fast_path_accept_what_pest_refuses(
        body in "(define|fact|not|and|in|is met|evidence|[a-z]{1,3}|[0-9]{1,4}|[ \n\t\"(){}|,.=<>!+*/%_:\\\\-]|//|///|한|é){0,60}",
    ) {
        let text = format!("instrument t\ndefine d\n  = {body}\n");
        let c = compare("arbitrary", &text);
        prop_assert!(c.missed.is_empty(), "{text}\n{c:?}");
    }
}
