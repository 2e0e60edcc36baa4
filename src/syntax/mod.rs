//! Parsing: source text to syntax tree ([`ast`]), with syntax errors in the law's terms.

pub mod ast;
mod build;
mod fast;
pub mod hygiene;
mod scan;

use std::num::NonZeroUsize;
use std::sync::Once;

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pairs;

use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::limits::{MAX_FILE_BYTES, MAX_NESTING, MAX_PARSER_CALLS};
use crate::source::{FileId, Span};
use ast::{Comment, Module};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/norma.pest"]
struct NormaParser;

/// Words reserved by the language: they cannot be used as names.
pub const RESERVED: &[&str] = &[
    "and",
    "applies",
    "as",
    "as_of",
    "binds",
    "catalog",
    "certifiable",
    "cite",
    "confidence",
    "crosswalk",
    "deemed",
    "define",
    "derogation",
    "edition",
    "effort",
    "event",
    "every",
    "evidence",
    "examples",
    "exception",
    "exemption",
    "expect",
    "fact",
    "false",
    "family",
    "from",
    "given",
    "gives",
    "guidance",
    "heading",
    "help",
    "if",
    "in",
    "in_force",
    "includes",
    "informative",
    "instrument",
    "is",
    "item",
    "jurisdiction",
    "kind",
    "label",
    "met",
    "metric",
    "not",
    "note",
    "obligation",
    "on",
    "or",
    "penalty",
    "per",
    "phase",
    "presumed",
    "priority",
    "prohibition",
    "provision",
    "question",
    "relation",
    "role",
    "severity",
    "source",
    "standard",
    "status",
    "test",
    "text",
    "title",
    "to",
    "true",
    "under",
    "unknown",
    "unless",
    "until",
    "use",
    "valid",
    "verification",
    "version",
    "vocabulary",
    "when",
    "within",
];

/// The table of a set of bytes, for loops that look at every byte of a file.
const fn byte_set(members: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut slots: &mut [bool] = &mut table;
    let mut byte = 0u8;
    while let [slot, rest @ ..] = slots {
        let mut m = members;
        while let [c, more @ ..] = m {
            if *c == byte {
                *slot = true;
            }
            m = more;
        }
        slots = rest;
        byte = byte.wrapping_add(1);
    }
    table
}

/// What parsing one file produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The module, if its header could be read.
    pub module: Option<Module>,
    /// Every syntax error found.
    pub diags: Vec<Diagnostic>,
    /// Names declared by declarations that could not be read, so that later stages do not
    /// report them as unknown (no cascades).
    pub broken: Vec<String>,
}

/// The name a declaration that failed to parse would have declared, read from its first line.
fn declared_name(chunk: &str) -> Option<String> {
    let line = chunk.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("//"))?;
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let name = words.next()?;
    let declares_a_name = ["instrument", "guidance", "vocabulary", "catalog"].contains(&first)
        || (scan::ITEM_KEYWORDS.contains(&first)
            && !["crosswalk", "test", "provision", "heading", "item"].contains(&first));
    declares_a_name.then(|| name.trim_end_matches(':').to_string())
}

/// Parses one policy file. An error in one declaration does not stop the others from being read.
///
/// Each chunk is read first by the hand-written fast path (`fast.rs`), which gives up on anything
/// the pest path would not accept without a diagnostic; those chunks are read by pest, which
/// reports every problem. Both give the same tree (see the differential tests in `fast/tests.rs`).
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, true, MAX_FILE_BYTES)
}

/// [`parse`] with another limit on the file's size, in bytes (`--limit file-bytes=N`).
pub fn parse_limited(file: FileId, text: &str, max_bytes: usize) -> Parsed {
    parse_with(file, text, true, max_bytes)
}

/// Parses with the pest path alone, as the fast path's oracle in tests.
#[cfg(test)]
pub(crate) fn parse_with_pest_only(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, false, MAX_FILE_BYTES)
}

fn parse_with(file: FileId, text: &str, fast_path: bool, max_bytes: usize) -> Parsed {
    static CALL_LIMIT: Once = Once::new();
    CALL_LIMIT.call_once(|| pest::set_call_limit(NonZeroUsize::new(MAX_PARSER_CALLS)));

    let mut diags = Vec::new();
    if text.len() > max_bytes {
        let d = Diagnostic::error(
            Code::TooLarge,
            Span::new(file, 0, 0),
            format!("this file is {} bytes; policy files are limited to {max_bytes} bytes", text.len()),
        )
        .help("split the instrument into several files, e.g. one per chapter (or raise the limit: `--limit file-bytes=N`)");
        return Parsed { module: None, diags: vec![d], broken: Vec::new() };
    }
    diags.extend(hygiene::check(file, text));
    let scanned = scan::scan(text);
    let comments = scanned
        .comments
        .iter()
        .map(|c| Comment {
            text: text.get(c.start..c.end).unwrap_or("").to_string(),
            span: Span::new(file, c.start, c.end),
            trailing: c.trailing,
        })
        .collect();
    let mut header = None;
    // Mostly one declaration a chunk, after the header's.
    let mut items = Vec::with_capacity(scanned.chunks.len().saturating_sub(1));
    let mut broken = Vec::new();
    let mut scratch = fast::Scratch::default();
    let bounds: Vec<(usize, usize)> = scanned
        .chunks
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, scanned.chunks.get(i + 1).copied().unwrap_or(text.len())))
        .collect();
    for (index, (start, end)) in bounds.into_iter().enumerate() {
        let chunk = text.get(start..end).unwrap_or("");
        if let Some(&at) = scanned.too_deep.iter().find(|&&p| p >= start && p < end) {
            diags.push(
                Diagnostic::error(
                    Code::TooDeep,
                    Span::new(file, at, at + 1),
                    format!("brackets are nested more than {MAX_NESTING} levels deep"),
                )
                .label("too deep")
                .help("split the condition into named definitions (`define …`) and refer to them by name"),
            );
            broken.extend(declared_name(chunk));
            continue;
        }
        if fast_path && let Some(done) = fast::parse_chunk(file, start, chunk, index == 0, &mut scratch) {
            match done {
                fast::Chunk::Header(h) => header = Some(h),
                fast::Chunk::Items(built) => items.extend(built),
            }
            continue;
        }
        let mut done = pest_chunk(file, start, chunk, index == 0);
        if index == 0 {
            header = done.header;
        }
        items.append(&mut done.items);
        diags.append(&mut done.diags);
        broken.append(&mut done.broken);
    }
    let module = header.map(|h| {
        let mut all_items = if h.items.is_empty() {
            items
        } else {
            let mut all = h.items;
            all.append(&mut items);
            all
        };
        all_items.shrink_to_fit();
        Module { docs: h.docs, header: h.header, uses: h.uses, items: all_items, comments }
    });
    Parsed { module, diags, broken }
}

/// What the pest path made of one chunk.
struct PestChunk {
    /// The header chunk (first chunk only), also when some of its clauses had errors.
    header: Option<build::HeaderChunk>,
    /// The declarations, when the chunk had no error.
    items: Vec<ast::Item>,
    diags: Vec<Diagnostic>,
    broken: Vec<String>,
}

/// Reads one chunk (the first is the header) with the pest grammar and the builder.
fn pest_chunk(file: FileId, start: usize, chunk: &str, is_header: bool) -> PestChunk {
    let mut out = PestChunk { header: None, items: Vec::new(), diags: Vec::new(), broken: Vec::new() };
    let rule = if is_header { Rule::file_header } else { Rule::items };
    let mut builder = build::Builder::new(file, start);
    match NormaParser::parse(rule, chunk) {
        Ok(pairs) if reserved_names(file, start, pairs.clone(), &mut out.diags) => {
            out.broken.extend(declared_name(chunk));
        }
        Ok(mut pairs) => {
            if let Some(top) = pairs.next() {
                if is_header {
                    out.header = builder.file_header(&top);
                } else {
                    let built = builder.items(&top);
                    if builder.diags.is_empty() {
                        out.items = built;
                    } else {
                        // A declaration with a malformed literal is left out whole.
                        out.broken.extend(built.into_iter().map(|i| i.name.name));
                    }
                }
            }
        }
        Err(e) => {
            out.diags.push(syntax_error(file, start, chunk, &e));
            out.broken.extend(declared_name(chunk));
        }
    }
    out.diags.append(&mut builder.diags);
    out
}

/// Reports names that are reserved words (the grammar reads any word where a name is expected;
/// reserved words are told apart here, which is much cheaper than excluding them in the grammar at
/// every name). Returns whether there was one.
fn reserved_names(file: FileId, base: usize, pairs: Pairs<'_, Rule>, diags: &mut Vec<Diagnostic>) -> bool {
    let before = diags.len();
    for p in pairs.flatten().filter(|p| p.as_rule() == Rule::ident && RESERVED.contains(&p.as_str())) {
        let span = Span::new(file, base + p.as_span().start(), base + p.as_span().end());
        let word = p.as_str();
        diags.push(
            Diagnostic::error(
                Code::Syntax,
                span,
                format!("`{word}` is a reserved word of the language; it cannot be used as a name"),
            )
            .label("reserved word")
            .help(format!("choose another name, e.g. `{word}_date` or a word from the law's text")),
        );
    }
    diags.len() > before
}

/// A lawyer-readable name for what the grammar expected.
fn describe(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(word) = name.strip_prefix("k_").or_else(|| name.strip_prefix("w_")) {
        return format!("`{word}`");
    }
    if name.starts_with("o_") {
        return "an outcome (true, false, unknown, applies, not applicable, met, not met, not in force)".into();
    }
    if name.starts_with("t_") {
        return "a type (bool, integer, decimal, text, date, duration, enum {…}, set of enum {…})".into();
    }
    if name.starts_with("op_") {
        return "an operator".into();
    }
    if name.ends_with("_c") || name == "clause" {
        return "a clause".into();
    }
    match rule {
        Rule::EOI => "the end of the declaration".into(),
        Rule::item
        | Rule::items
        | Rule::norm_kind
        | Rule::exception_kind
        | Rule::fact_decl
        | Rule::define_decl
        | Rule::family_decl
        | Rule::event_decl
        | Rule::norm_decl
        | Rule::exception_decl
        | Rule::provision_decl
        | Rule::heading_decl
        | Rule::item_decl => {
            "a declaration (fact, define, role, evidence, family, event, obligation, prohibition, exception, test, …)"
                .into()
        }
        Rule::header | Rule::module_kind | Rule::file_header => {
            "the module's header (`instrument NAME`, `guidance NAME`, `vocabulary NAME` or `catalog NAME`)".into()
        }
        Rule::module_id => "a module name such as `eu.ai_act`".into(),
        Rule::use_decl => "`use`".into(),
        Rule::ident | Rule::path | Rule::segment | Rule::targets => "a name".into(),
        Rule::string | Rule::str_body => "a quoted text".into(),
        Rule::date => "a date (YYYY-MM-DD)".into(),
        Rule::number | Rule::number_u => "a number".into(),
        Rule::quantity => "an amount with a unit (e.g. `12 months`, `EUR 35_000_000`)".into(),
        Rule::unit | Rule::currency => "a unit".into(),
        Rule::lang | Rule::label => "a language tag (en, ko, …)".into(),
        Rule::jurisdiction_code => "a jurisdiction code (EU, KR, US-CO, …)".into(),
        Rule::expr | Rule::paren | Rule::set_lit | Rule::evidence | Rule::bool_lit | Rule::value => {
            "a condition or value".into()
        }
        Rule::variant => "an enumeration value".into(),
        Rule::ex_header | Rule::ex_row => "a row of the table (`| cell | cell |`)".into(),
        Rule::ex_cell | Rule::ex_blank => "a cell (a value, an outcome or `-`)".into(),
        Rule::ex_column | Rule::ex_evidence => "a column heading (`as_of`, a fact, `evidence NAME` or a rule)".into(),
        Rule::relation => "`relation`".into(),
        Rule::confidence => "`confidence`".into(),
        Rule::doc => "a doc comment".into(),
        _ => format!("`{name}`"),
    }
}

fn word_at(chunk: &str, pos: usize) -> &str {
    let rest = chunk.get(pos..).unwrap_or("");
    let len = rest.char_indices().find(|(_, c)| !(c.is_alphanumeric() || *c == '_')).map_or(rest.len(), |(i, _)| i);
    rest.get(..len).unwrap_or("")
}

fn syntax_error(file: FileId, base: usize, chunk: &str, e: &pest::error::Error<Rule>) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let content_end = chunk.trim_end().len();
    let (found, span) = if pos >= content_end {
        // The declaration stopped short: point at its last character.
        let last =
            chunk.get(..content_end).and_then(|c| c.char_indices().last()).map_or((0, 0), |(i, c)| (i, c.len_utf8()));
        ("the end of the declaration".to_string(), Span::new(file, base + last.0, base + last.0 + last.1))
    } else {
        let word = word_at(chunk, pos);
        let next = chunk.get(pos..).and_then(|r| r.chars().next());
        let found = match (word.is_empty(), next) {
            (false, _) => format!("`{word}`"),
            (true, Some('\n' | '\r')) => "the end of the line".to_string(),
            (true, Some(c)) => format!("`{c}`"),
            (true, None) => "the end of the declaration".to_string(),
        };
        let width = word.len().max(next.map_or(0, char::len_utf8));
        (found, Span::new(file, base + pos, base + pos + width))
    };
    let word = if pos >= content_end { "" } else { word_at(chunk, pos) };
    match &e.variant {
        ErrorVariant::CustomError { message } => {
            Diagnostic::error(Code::TooLarge, span, format!("this declaration is too complex to read ({message})"))
                .help("split it into smaller declarations")
        }
        ErrorVariant::ParsingError { positives, .. } => {
            let mut wanted: Vec<String> = Vec::new();
            let useful = positives.iter().filter(|r| **r != Rule::EOI || positives.len() == 1);
            for r in useful {
                let d = describe(*r);
                if !wanted.contains(&d) {
                    wanted.push(d);
                }
            }
            let list = match wanted.len() {
                0 => "something else".to_string(),
                1..=5 => join_or(&wanted),
                _ => format!("{}, …", wanted.iter().take(5).cloned().collect::<Vec<_>>().join(", ")),
            };
            let suggestion = if word.is_empty() {
                None
            } else {
                let keywords =
                    RESERVED.iter().copied().chain(["bool", "integer", "decimal", "date", "duration", "enum"]);
                did_you_mean_help(word, keywords)
            };
            let in_table =
                chunk.get(..pos).unwrap_or("").rsplit('\n').next().is_some_and(|l| l.trim_start().starts_with('|'));
            let help = if in_table {
                "each row of a table starts and ends with `|`, with one cell per column between".to_string()
            } else if RESERVED.contains(&word) {
                format!("`{word}` is a reserved word of the language; it cannot be used as a name")
            } else if let Some(s) = suggestion {
                s
            } else if let Some(open) = unclosed(chunk.get(..pos).unwrap_or("")) {
                format!("a `{open}` opened earlier in this declaration is not closed")
            } else {
                "each clause starts with its keyword on a new line; see docs/language.md for the form of each declaration"
                    .to_string()
            };
            let label = if pos >= content_end { "the declaration ends here" } else { "not expected here" };
            Diagnostic::error(Code::Syntax, span, format!("expected {list}, found {found}")).label(label).help(help)
        }
    }
}

/// The innermost bracket left open in `text` (texts and comments ignored), if any.
fn unclosed(text: &str) -> Option<char> {
    let mut open = Vec::new();
    for line in text.lines() {
        let mut in_text = false;
        let mut escaped = false;
        let mut prev = ' ';
        for c in line.chars() {
            if in_text {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => in_text = false,
                    _ => escaped = false,
                }
                continue;
            }
            match c {
                '"' => in_text = true,
                '/' if prev == '/' => break,
                '(' | '{' => open.push(c),
                ')' | '}' => {
                    open.pop();
                }
                _ => {}
            }
            prev = c;
        }
    }
    open.pop()
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
