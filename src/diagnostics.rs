//! Diagnostics: what is wrong, in the law's terms, where, and how to fix it.
//!
//! Every stage reports [`Diagnostic`]s with a stable [`Code`]; the CLI renders them for people
//! ([`render_human`]) or for tools ([`render_json`]).

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use serde::Serialize;

use crate::source::{Sources, Span};

/// How serious a finding is. Both make `norma check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy is wrong and cannot be evaluated as written.
    Error,
    /// The policy can be evaluated but something in it is probably a mistake.
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $summary:literal;)*) => {
        /// Stable diagnostic codes. They never change meaning; new ones get new numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $summary] $variant,)* }

        impl Code {
            /// Every code, in number order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `N0101`.
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code,)* } }

            /// A short kebab-case name, e.g. `unknown-name`.
            pub fn name(self) -> &'static str { match self { $(Code::$variant => $name,)* } }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str { match self { $(Code::$variant => $summary,)* } }
        }
    };
}

codes! {
    Syntax = "N0001", "syntax", "The text does not follow the grammar of the rule language.";
    TooDeep = "N0002", "too-deep", "Brackets or operators are nested deeper than the limit.";
    TooLarge = "N0003", "too-large", "A file, or the set of files, is larger than the limit.";
    BadLiteral = "N0004", "bad-literal", "A date, number or text is malformed (e.g. 2026-02-30).";
    Unreadable = "N0005", "unreadable", "A policy file could not be read.";
    HiddenCharacter = "N0006", "hidden-character", "A control or bidirectional character, or a name mixing look-alike scripts, could hide what the text says.";
    UnknownName = "N0101", "unknown-name", "A name that is not declared, or not imported, where it is used.";
    UnknownModule = "N0102", "unknown-module", "A `use` names a module that is not among the loaded policies.";
    UnknownRole = "N0103", "unknown-role", "A `binds` clause names a role that is not declared.";
    UnknownValue = "N0104", "unknown-value", "An enumeration value that the fact does not allow.";
    UnknownVersion = "N0105", "unknown-version", "An `under` clause names a version the instrument does not declare.";
    UnknownEvidence = "N0106", "unknown-evidence", "An `evidence` reference names evidence that is not declared.";
    MissingTarget = "N0107", "missing-target", "An exception, exemption or derogation to a rule that does not exist.";
    WrongKind = "N0108", "wrong-kind", "A name refers to the wrong kind of thing (e.g. an exception to a fact).";
    UnknownFamily = "N0109", "unknown-family", "A `family` clause names an obligation family that is not declared.";
    UnknownEvent = "N0110", "unknown-event", "An `on` clause names an event that is not declared.";
    UnknownStandard = "N0111", "unknown-standard", "A standard reference that is close to a loaded catalog's but not the same.";
    UnknownClause = "N0112", "unknown-clause", "A clause or control that the loaded catalog of its standard does not list.";
    TypeMismatch = "N0201", "type-mismatch", "A condition combines values of types that do not fit.";
    Duplicate = "N0301", "duplicate", "Two declarations share one name.";
    DuplicateModule = "N0302", "duplicate-module", "Two files declare the same module.";
    Cycle = "N0401", "cycle", "Rules depend on each other in a circle.";
    MissingCitation = "N0501", "missing-citation", "A norm or exception without a `cite` clause.";
    DateRange = "N0601", "date-range", "A period that ends before it starts, or is empty.";
    Conflict = "N0701", "conflict", "Two rules of equal rank can both apply and give different results.";
    UnusedFact = "N0801", "unused-fact", "A fact that no rule uses.";
    Unreachable = "N0802", "unreachable", "A norm that can never apply.";
    ClauseNotAllowed = "N0901", "clause-not-allowed", "A clause that this kind of declaration cannot have.";
    ClauseMissing = "N0902", "clause-missing", "A declaration lacks a clause it needs.";
    ClauseRepeated = "N0903", "clause-repeated", "A clause given twice where only one is allowed.";
    BadValue = "N0904", "bad-value", "A clause value outside the allowed words (severity, relation, language).";
    RepeatedFamily = "N0905", "repeated-family", "A norm names the same obligation family twice.";
    BadExpectation = "N1001", "bad-expectation", "A test expectation that cannot hold for that kind of rule.";
    BadGiven = "N1002", "bad-given", "A test gives a fact a value of the wrong type, or gives it twice.";
    BadTable = "N1003", "bad-table", "A test's table of cases with a row that does not match its header, a cell that does not fit its column, or a case without a date.";
    ProvisionTwice = "N1101", "provision-twice", "An instrument annotates one provision twice, or starts two ledger headings at one provision.";
    ProvisionContradiction = "N1102", "provision-contradiction", "A provision annotated as pending or out of scope that a rule of the instrument cites.";
    ProvisionNotEncoded = "N1103", "provision-not-encoded", "A provision annotation without a status, or with `status partly`, that no rule of the instrument cites.";
    UnmarkedVerification = "N1104", "unmarked-verification", "A note says UNVERIFIED or V-S, but its declaration has no `verification` clause that says so.";
    FactsSyntax = "N2001", "facts-syntax", "The facts file is not valid YAML, or breaks a YAML limit (depth, aliases, size).";
    UnknownFact = "N2002", "unknown-fact", "A key in the facts file that is not a declared fact.";
    FactType = "N2003", "fact-type", "A fact's value does not fit its declared type.";
    FactValue = "N2004", "fact-value", "A value that the fact does not allow (an enumeration value, a date, a unit).";
    BadEvidence = "N2005", "bad-evidence", "An evidence entry that is incomplete or malformed.";
    ProfileField = "N2101", "profile-field", "The `procurement` section of a procurement profile lacks a field, has an unknown one, or a value of the wrong kind.";
    ResponseForm = "N2201", "response-form", "A supplier response form (YAML or XLSX) that is malformed, of another schema, or has an unknown answer or evidence kind, a bad date or contradicting rows.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The declaration a diagnostic occurs in, so a lawyer sees which rule and article it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Context {
    /// The declaration's kind as written (`obligation`, `define`, …).
    pub kind: String,
    /// Its name.
    pub id: String,
    /// Its first citation, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
}

/// A finding about a policy.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, with a short label.
    pub span: Option<Span>,
    /// The label under the underlined text.
    pub label: String,
    /// Other places that matter (e.g. the first declaration of a duplicate).
    pub related: Vec<(Span, String)>,
    /// How to fix it.
    pub help: Option<String>,
    /// The enclosing declaration.
    pub context: Option<Context>,
}

impl Diagnostic {
    /// An error with code `code` at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            label: String::new(),
            related: Vec::new(),
            help: None,
            context: None,
        }
    }

    /// An error that concerns a whole file or the run, not a place in a file.
    pub fn general(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { span: None, ..Diagnostic::error(code, Span::new(crate::source::FileId(0), 0, 0), message) }
    }

    /// A warning with code `code` at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, span, message) }
    }

    /// Sets the label under the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place.
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Sets the enclosing declaration, unless one is already set.
    pub fn in_context(mut self, context: Option<&Context>) -> Self {
        if self.context.is_none() {
            self.context = context.cloned();
        }
        self
    }
}

/// Keeps the first `max` diagnostics of each file (they must be sorted) and adds one saying how
/// many more there were, so hostile or badly broken input cannot flood the output.
pub fn cap_per_file(diags: Vec<Diagnostic>, max: usize) -> Vec<Diagnostic> {
    let mut out = Vec::with_capacity(diags.len().min(max * 4));
    let mut dropped: Vec<(crate::source::FileId, usize, Span)> = Vec::new();
    let mut kept_in_file = 0usize;
    let mut current = None;
    for d in diags {
        let file = d.span.map(|s| s.file);
        if file != current {
            current = file;
            kept_in_file = 0;
        }
        match (file, d.span) {
            (Some(f), Some(span)) if kept_in_file >= max => match dropped.last_mut() {
                Some((last, n, _)) if *last == f => *n += 1,
                _ => dropped.push((f, 1, span)),
            },
            _ => {
                kept_in_file += 1;
                out.push(d);
            }
        }
    }
    for (_, n, span) in dropped {
        out.push(
            Diagnostic::error(Code::TooLarge, span, format!("{n} more problems in this file are not shown"))
                .label("the first of them")
                .help(format!("only the first {max} problems of a file are listed; fix those and check again")),
        );
    }
    sort(&mut out);
    out
}

/// Sorts diagnostics by file, position and code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let ka = a.span.map(|s| (s.file, s.start, s.end));
        let kb = b.span.map(|s| (s.file, s.start, s.end));
        ka.cmp(&kb).then(a.code.cmp(&b.code)).then_with(|| a.message.cmp(&b.message))
    });
}

/// A file for miette whose columns count characters, as our `file:line:col` does (miette's own
/// count bytes, which disagree on lines with Korean text).
struct CharColumns<'s> {
    name: &'s str,
    text: &'s str,
}

impl SourceCode for CharColumns<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let offset = span.offset().min(self.text.len());
        let line_start = self.text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = self.text.get(line_start..offset).map_or(0, |t| t.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            if before == 0 && after == 0 { column } else { inner.column() },
            inner.line_count(),
        )))
    }
}

struct Rendered<'a> {
    diag: &'a Diagnostic,
    source: Option<CharColumns<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() { None } else { Some(Box::new(self.labels.iter().cloned())) }
    }
}

fn context_line(ctx: &Context) -> String {
    match &ctx.cite {
        Some(c) => format!("in {} `{}` ({c})", ctx.kind, ctx.id),
        None => format!("in {} `{}`", ctx.kind, ctx.id),
    }
}

/// Renders diagnostics for people: `file:line:col`, the source excerpt with the span underlined,
/// the enclosing declaration and a help line. No colours unless `color` is set.
pub fn render_human(sources: &Sources, diags: &[Diagnostic], color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for d in diags {
        let mut labels = Vec::new();
        let mut source = None;
        let mut notes: Vec<String> = Vec::new();
        if let Some(span) = d.span
            && let Some(file) = sources.get(span.file)
        {
            out.push_str(&format!("{}: ", sources.location(span)));
            source = Some(CharColumns { name: &file.name, text: &file.text });
            let label = if d.label.is_empty() { None } else { Some(d.label.clone()) };
            labels.push(LabeledSpan::new_primary_with_span(label, to_source_span(span)));
            for (rs, rl) in &d.related {
                if rs.file == span.file {
                    labels.push(LabeledSpan::new_with_span(Some(rl.clone()), to_source_span(*rs)));
                } else {
                    notes.push(format!("{rl}: {}", sources.location(*rs)));
                }
            }
        }
        out.push_str(&format!("{}[{}]\n", severity_word(d.severity), d.code));
        let mut help_lines = Vec::new();
        if let Some(ctx) = &d.context {
            help_lines.push(context_line(ctx));
        }
        help_lines.extend(notes);
        if let Some(h) = &d.help {
            help_lines.push(h.clone());
        }
        let rendered = Rendered {
            diag: d,
            source,
            labels,
            help: if help_lines.is_empty() { None } else { Some(help_lines.join("\n")) },
        };
        let mut buf = String::new();
        if handler.render_report(&mut buf, &rendered).is_err() {
            buf = format!("{}\n", d.message);
        }
        out.push_str(&buf);
        out.push('\n');
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
}

#[derive(Serialize)]
struct JsonPosition {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonRelated {
    #[serde(flatten)]
    position: JsonPosition,
    message: String,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonPosition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excerpt: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a Context>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated>,
}

fn position(sources: &Sources, span: Span) -> Option<JsonPosition> {
    let f = sources.get(span.file)?;
    let (line, column) = f.line_col(span.start);
    let (end_line, end_column) = f.line_col(span.end);
    Some(JsonPosition { file: f.name.clone(), line, column, end_line, end_column })
}

/// Renders diagnostics as a JSON document `{"diagnostics": [...], "errors": N, "warnings": N}`
/// for editors and CI.
pub fn render_json(sources: &Sources, diags: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diags
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            name: d.code.name(),
            severity: d.severity,
            message: &d.message,
            location: d.span.and_then(|s| position(sources, s)),
            excerpt: d.span.and_then(|s| {
                let f = sources.get(s.file)?;
                Some(f.line_text(f.line_col(s.start).0))
            }),
            label: &d.label,
            help: d.help.as_deref(),
            context: d.context.as_ref(),
            related: d
                .related
                .iter()
                .filter_map(|(s, m)| Some(JsonRelated { position: position(sources, *s)?, message: m.clone() }))
                .collect(),
        })
        .collect();
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diags.len() - errors;
    let doc = serde_json::json!({
        "format": "norma.diagnostics/v1",
        "errors": errors,
        "warnings": warnings,
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Up to three known names closest to `name`, best first, for a "did you mean" help line:
/// those within a small edit distance (or very similar) and no further than the closest one.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, f64, &str)> = candidates
        .into_iter()
        .filter(|c| *c != name)
        .filter_map(|c| {
            let cl = c.to_lowercase();
            let distance = strsim::levenshtein(&lower, &cl);
            let similarity = strsim::jaro_winkler(&lower, &cl);
            let tail_match = cl.rsplit('.').next() == lower.rsplit('.').next();
            let close = distance <= 2.max(lower.chars().count() / 4) || similarity >= 0.9 || tail_match;
            close.then_some((if tail_match { 0 } else { distance }, similarity, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    scored.dedup_by(|a, b| a.2 == b.2);
    let best = scored.first().map_or(0, |s| s.0);
    scored.into_iter().filter(|s| s.0 == best).take(3).map(|s| s.2).collect()
}

/// "did you mean `a`?" / "did you mean `a` or `b`?", or `None` when nothing is close.
pub fn did_you_mean_help<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let found = did_you_mean(name, candidates);
    match found.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => {
            let quoted: Vec<String> = many.iter().map(|m| format!("`{m}`")).collect();
            let (last, rest) = quoted.split_last()?;
            Some(format!("did you mean {} or {last}?", rest.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        let names = ["system.use_case", "system.profiles_natural_persons", "deployment.setting"];
        assert_eq!(did_you_mean("system.usecase", names), vec!["system.use_case"]);
        assert_eq!(did_you_mean("zzz", names), Vec::<&str>::new());
        assert_eq!(did_you_mean_help("system.use_cas", names).as_deref(), Some("did you mean `system.use_case`?"));
    }

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
        }
        let v: Vec<_> = seen.into_iter().collect();
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(v, sorted);
    }

    #[test]
    fn floods_are_capped_per_file() {
        let file = crate::source::FileId(0);
        let many: Vec<Diagnostic> =
            (0..10).map(|i| Diagnostic::error(Code::UnknownName, Span::new(file, i, i + 1), "x")).collect();
        let capped = cap_per_file(many, 3);
        assert_eq!(capped.len(), 4);
        assert_eq!(capped[3].code, Code::TooLarge);
        assert_eq!(capped[3].message, "7 more problems in this file are not shown");
    }
}
