//! Which clauses each kind of declaration may, must and may only once have.

use crate::diagnostics::{Code, Context, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Clause, ClauseKind, Ident, ItemKind, ModuleKind};

/// The kind of declaration a clause list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    Module(ModuleKind),
    Item(ItemKind),
}

impl Owner {
    fn word(self) -> &'static str {
        match self {
            Owner::Module(ModuleKind::Part) => "part",
            Owner::Module(k) => k.keyword(),
            Owner::Item(k) => k.keyword(),
        }
    }

    fn article(self) -> &'static str {
        match self.word().chars().next() {
            Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
            _ => "a",
        }
    }
}

const NORM: &[&str] = &[
    "cite",
    "binds",
    "title",
    "text",
    "note",
    "when",
    "unless",
    "from",
    "until",
    "met when",
    "deemed met when",
    "presumed met when",
    "standard",
    "crosswalk",
    "penalty",
    "severity",
    "family",
    "phase",
    "every",
    "on",
    "effort",
    "metric",
    "verification",
];
/// A prohibition is not a duty of effort.
const PROHIBITION: &[&str] = &[
    "cite",
    "binds",
    "title",
    "text",
    "note",
    "when",
    "unless",
    "from",
    "until",
    "met when",
    "deemed met when",
    "presumed met when",
    "standard",
    "crosswalk",
    "penalty",
    "severity",
    "family",
    "phase",
    "every",
    "on",
    "metric",
    "verification",
];
const EXCEPTION: &[&str] =
    &["cite", "title", "text", "note", "when", "unless", "gives", "priority", "from", "until", "verification"];

fn allowed(owner: Owner) -> &'static [&'static str] {
    match owner {
        Owner::Module(ModuleKind::Instrument) => &["title", "jurisdiction", "version", "source", "note", "informative"],
        Owner::Module(ModuleKind::Guidance | ModuleKind::Vocabulary) => &["title", "source", "note"],
        Owner::Module(ModuleKind::Part) => &["note"],
        Owner::Module(ModuleKind::Catalog) => {
            &["title", "standard", "kind", "certifiable", "edition", "source", "note", "verification"]
        }
        Owner::Item(kind) => match kind {
            ItemKind::Fact => &["question", "help", "note", "cite", "title"],
            ItemKind::Define => &["cite", "title", "text", "note", "=", "label", "verification"],
            ItemKind::Role => &["cite", "title", "text", "note", "when", "verification"],
            ItemKind::Evidence => &["title", "text", "note", "help", "question", "valid for"],
            ItemKind::Family => &["title", "text", "note"],
            ItemKind::Event => &["title", "text", "note", "cite"],
            ItemKind::Obligation => NORM,
            ItemKind::Prohibition => PROHIBITION,
            ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation => EXCEPTION,
            ItemKind::Crosswalk => &["note", "cite"],
            ItemKind::Test => &["as_of", "given", "expect", "examples", "note"],
            ItemKind::Provision => &["title", "status", "note", "verification"],
            ItemKind::Heading => &["title"],
            ItemKind::CatalogItem => &["title", "text", "note", "verification"],
        },
    }
}

fn required(owner: Owner) -> &'static [&'static str] {
    match owner {
        Owner::Module(ModuleKind::Instrument) => &["title", "jurisdiction"],
        Owner::Module(ModuleKind::Guidance | ModuleKind::Vocabulary) => &["title"],
        Owner::Module(ModuleKind::Part) => &[],
        Owner::Module(ModuleKind::Catalog) => &["title", "standard", "kind"],
        Owner::Item(kind) => match kind {
            ItemKind::Obligation | ItemKind::Prohibition => &["cite", "binds", "from", "title"],
            ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation => &["cite", "when"],
            ItemKind::Define => &["="],
            ItemKind::Fact => &["question"],
            ItemKind::Role
            | ItemKind::Evidence
            | ItemKind::Family
            | ItemKind::Event
            | ItemKind::Heading
            | ItemKind::CatalogItem => &["title"],
            ItemKind::Test => &["as_of"],
            ItemKind::Crosswalk | ItemKind::Provision => &[],
        },
    }
}

const SINGLE: &[&str] = &[
    "cite",
    "label",
    "binds",
    "when",
    "unless",
    "=",
    "gives",
    "met when",
    "severity",
    "priority",
    "valid for",
    "jurisdiction",
    "source",
    "as_of",
    "examples",
    "phase",
    "every",
    "effort",
    "status",
    "verification",
    "informative",
    "kind",
    "certifiable",
    "edition",
];

const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];
/// Relation words of crosswalks and standards.
pub(super) const RELATIONS: &[&str] = &["equivalent", "partial", "stricter", "weaker", "related", "none"];

fn why(keyword: &str) -> &'static str {
    match keyword {
        "cite" => "every norm and exception must cite the provision it encodes, e.g. `cite \"Art. 9(1)\"`",
        "binds" => "say which role the norm binds, e.g. `binds provider`",
        "from" => "say from when the norm applies, e.g. `from 2026-08-02`",
        "title" => "give a plain-language title, e.g. `title en \"…\"` and `title ko \"…\"`",
        "jurisdiction" => "name the jurisdiction, e.g. `jurisdiction EU`",
        "when" => "say when it holds, e.g. `when system.open_source_licence`",
        "=" => "give the definition's meaning, e.g. `= system.profiles_natural_persons`",
        "question" => "give the question that asks for the fact, e.g. `question en \"…?\"`",
        "as_of" => "give the assessment date of the scenario, e.g. `as_of 2026-11-26`",
        "standard" => "name the standard the catalog describes, e.g. `standard \"ISO/IEC 42001:2023\"`",
        "kind" => "say what kind of document it is, e.g. `kind management_system`",
        _ => "add the clause",
    }
}

/// Checks the clause list of one declaration. `span` is where to report a missing clause.
pub(super) fn check_clauses(
    owner: Owner,
    clauses: &[Clause],
    span: Span,
    context: Option<&Context>,
    diags: &mut Vec<Diagnostic>,
) {
    let allowed = allowed(owner);
    // Clauses given once, with where first given.
    let mut seen: Vec<(ClauseKey, Span)> = Vec::new();
    for c in clauses {
        let kw = c.kind.keyword();
        if !allowed.contains(&kw) {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            diags.push(
                Diagnostic::error(
                    Code::ClauseNotAllowed,
                    c.span,
                    format!(
                        "{} {} cannot have {} `{kw}` clause",
                        owner.article(),
                        owner.word(),
                        if kw.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
                    ),
                )
                .label("not allowed here")
                .help(format!("{} {} may have: {}", owner.article(), owner.word(), list.join(", ")))
                .in_context(context),
            );
            continue;
        }
        let key = match &c.kind {
            ClauseKind::Title(l)
            | ClauseKind::Body(l)
            | ClauseKind::Question(l)
            | ClauseKind::Help(l)
            | ClauseKind::Metric(l)
            | ClauseKind::Penalty(l) => Some((kw, l.lang.name.as_str(), l.under.as_ref().map(|u| u.name.as_str()))),
            _ if SINGLE.contains(&kw) => Some((kw, "", None)),
            _ => None,
        };
        if let Some(key) = key {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                let (kw, lang, under) = key;
                let written = match (lang, under) {
                    ("", _) => kw.to_string(),
                    (lang, None) => format!("{kw} {lang}"),
                    (lang, Some(under)) => format!("{kw} {lang} under {under}"),
                };
                diags.push(
                    Diagnostic::error(Code::ClauseRepeated, c.span, format!("`{written}` is given twice"))
                        .label("second time")
                        .related(*first, "first given here")
                        .help("keep one; to list several citations or roles, separate them with commas")
                        .in_context(context),
                );
            } else {
                seen.push((key, c.span));
            }
        }
        check_values(&c.kind, context, diags);
    }
    // A table of cases may give each case its own date instead.
    let dated_cases = clauses.iter().any(|c| matches!(&c.kind, ClauseKind::Examples(t) if t.has_as_of()));
    for req in required(owner) {
        let given = clauses.iter().any(|c| c.kind.keyword() == *req) || (*req == "as_of" && dated_cases);
        if !given {
            let code = if *req == "cite" { Code::MissingCitation } else { Code::ClauseMissing };
            let what = if *req == "cite" { "citation".to_string() } else { format!("`{req}` clause") };
            diags.push(
                Diagnostic::error(code, span, format!("this {} has no {what}", owner.word()))
                    .label(format!("needs `{req}`"))
                    .help(why(req))
                    .in_context(context),
            );
        }
    }
    check_languages(owner, clauses, span, context, diags);
}

/// English is required and Korean expected for titles (and for facts, questions).
fn check_languages(
    owner: Owner,
    clauses: &[Clause],
    span: Span,
    context: Option<&Context>,
    diags: &mut Vec<Diagnostic>,
) {
    let needs = match owner {
        Owner::Item(ItemKind::Fact) => "question",
        Owner::Item(ItemKind::Test | ItemKind::Crosswalk) => return,
        _ => "title",
    };
    let langs: Vec<&str> = clauses
        .iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Title(l) if needs == "title" => Some(l.lang.name.as_str()),
            ClauseKind::Question(l) if needs == "question" => Some(l.lang.name.as_str()),
            _ => None,
        })
        .collect();
    if langs.is_empty() {
        return; // reported as a missing clause where required
    }
    for (lang, name) in [("en", "English"), ("ko", "Korean")] {
        if !langs.contains(&lang) {
            let make = if lang == "en" { Diagnostic::error } else { Diagnostic::warning };
            diags.push(
                make(Code::ClauseMissing, span, format!("this {} has no {name} {needs}", owner.word()))
                    .label(format!("no `{needs} {lang}`"))
                    .help(format!(
                        "reports and questionnaires are given in English and Korean; add `{needs} {lang} \"…\"`"
                    ))
                    .in_context(context),
            );
        }
    }
}

fn check_values(kind: &ClauseKind, context: Option<&Context>, diags: &mut Vec<Diagnostic>) {
    if let ClauseKind::Phase(phases) = kind {
        for p in phases {
            check_word(p, crate::model::PHASES, "lifecycle phase", context, diags);
        }
        return;
    }
    if let ClauseKind::Standard(s) = kind
        && let Some(c) = &s.confidence
    {
        check_word(c, crate::model::CONFIDENCES, "confidence", context, diags);
    }
    if let ClauseKind::Crosswalk(x) = kind
        && let Some(c) = &x.confidence
    {
        check_word(c, crate::model::CONFIDENCES, "confidence", context, diags);
    }
    let (word, list, what) = match kind {
        ClauseKind::Severity(s) => (s, SEVERITIES.to_vec(), "severity"),
        ClauseKind::Status(s) => (s, words(crate::model::ProvisionStatus::WORDS), "status"),
        ClauseKind::Verification(v) => (v, words(crate::model::Verification::WORDS), "verification level"),
        ClauseKind::Kind(k) => (k, words(crate::model::STANDARD_KINDS), "kind of standard"),
        ClauseKind::Standard(s) => match &s.relation {
            Some(r) => (r, RELATIONS.to_vec(), "relation"),
            None => return,
        },
        ClauseKind::Crosswalk(x) => (&x.relation, RELATIONS.to_vec(), "relation"),
        _ => return,
    };
    check_word(word, &list, what, context, diags);
}

/// The words of a table of words and meanings.
fn words<T>(table: &[(&'static str, T)]) -> Vec<&'static str> {
    table.iter().map(|(w, _)| *w).collect()
}

/// What a clause that may be given once is known by: its keyword, and for texts their language
/// and version.
type ClauseKey<'a> = (&'static str, &'a str, Option<&'a str>);

/// A word that must be one of `list` (N0204).
pub(super) fn check_word(
    word: &Ident,
    list: &[&str],
    what: &str,
    context: Option<&Context>,
    diags: &mut Vec<Diagnostic>,
) {
    if !list.contains(&word.name.as_str()) {
        let mut d = Diagnostic::error(Code::BadValue, word.span, format!("`{}` is not a {what}", word.name))
            .label(format!("unknown {what}"))
            .in_context(context);
        d = match crate::diagnostics::did_you_mean_help(&word.name, list.iter().copied()) {
            Some(h) => d.help(format!("{h} ({what} is one of {})", list.join(", "))),
            None => d.help(format!("{what} is one of {}", list.join(", "))),
        };
        diags.push(d);
    }
}
