//! `norma assess`, `norma questions` and `norma explain`: evaluate a facts file against the
//! policies and report, from the outcome model only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use jiff::civil::Date;

use norma::diagnostics::{self, Code, Diagnostic};
use norma::outcome::Assessment;
use norma::report::{Places, ReportError, Templates};
use norma::source::Sources;
use norma::{AssessOptions, Engine, FactsFile};

use super::files::{Loaded, policy_files, read_into, write_atomic};
use super::{FINDINGS, OK, USAGE, err, out};

/// A facts file and how to evaluate it: the arguments of `questions` and `explain`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The facts file (YAML) describing the AI system.
    pub facts: PathBuf,
    #[command(flatten)]
    pub options: EvalOptions,
}

/// How to evaluate facts files: options shared by the commands that evaluate them.
#[derive(Debug, Args)]
pub struct EvalOptions {
    /// The assessment date (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Jurisdictions to include, e.g. `eu,kr`, `us` (every US state or city pack), or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub jurisdiction: Vec<String>,
    /// Assess in these roles only (e.g. `provider`); default: the roles the facts establish.
    #[arg(long, value_delimiter = ',')]
    pub role: Vec<String>,
    /// Language of titles, texts and questions.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Policy files or folders to use instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub policies: Vec<PathBuf>,
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Korean.
    Ko,
}

impl Lang {
    pub(super) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}

/// Output format of `assess` and `questions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// A summary for people.
    Text,
    /// The `norma.assessment/v1` document.
    Json,
    /// The gap-analysis report in Markdown.
    Md,
    /// The gap-analysis report as one self-contained HTML page (pictures inline, prints on A4).
    Html,
    /// SARIF 2.1.0 for code scanning: a result per gap, at the facts file line that causes it.
    Sarif,
    /// JUnit XML for CI: a test suite per jurisdiction, a test case per norm.
    Junit,
}

/// Statuses that make `assess` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A prohibition applies.
    Violated,
    /// An obligation applies and is not met.
    #[value(name = "not_met", alias = "not-met")]
    NotMet,
    /// An outcome is undecided.
    Unknown,
}

impl FailOn {
    fn word(self) -> &'static str {
        match self {
            FailOn::Violated => "violated",
            FailOn::NotMet => "not_met",
            FailOn::Unknown => "unknown",
        }
    }
}

pub(super) fn usage(message: String) -> u8 {
    err(&format!("error: {message}\n"));
    USAGE
}

/// Today's date in UTC: the only place Norma reads the clock.
fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    jiff::Timestamp::from_second(i64::try_from(secs).unwrap_or(0))
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_default()
}

/// Loads the policies, checks the options and reads the facts file.
fn prepare(facts: &Path, args: &EvalOptions) -> Result<(Engine, FactsFile, AssessOptions), u8> {
    let (mut engine, options) = setup(args)?;
    let facts = read_facts(&mut engine, facts)?;
    Ok((engine, facts, options))
}

/// The jurisdictions a code given with `--jurisdiction` names: the one with that code, or else
/// every one under that country (`US` gives `US-CO`, `US-NYC` and `US-TX`).
fn chosen_jurisdictions(known: &BTreeSet<String>, code: &str) -> Vec<String> {
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(code)) {
        return vec![k.to_uppercase()];
    }
    let prefix = format!("{code}-");
    known.iter().filter(|k| k.to_uppercase().starts_with(&prefix)).map(|k| k.to_uppercase()).collect()
}

/// Loads the policies and checks the options.
pub(super) fn setup(args: &EvalOptions) -> Result<(Engine, AssessOptions), u8> {
    let engine = load_engine(&args.policies)?;
    let as_of = match &args.as_of {
        None => today(),
        Some(s) => {
            norma::facts::parse_date(s).ok_or_else(|| usage(format!("`{s}` is not a date; write YYYY-MM-DD")))?
        }
    };
    let known = engine.jurisdictions();
    let mut jurisdictions = BTreeSet::new();
    for j in &args.jurisdiction {
        let code = j.trim().to_uppercase();
        if code == "ALL" {
            continue;
        }
        let chosen = chosen_jurisdictions(&known, &code);
        if chosen.is_empty() {
            let list: Vec<&str> = known.iter().map(String::as_str).collect();
            return Err(usage(format!("no policy covers the jurisdiction `{j}`; known: {}", list.join(", "))));
        }
        jurisdictions.extend(chosen);
    }
    let roles: BTreeSet<String> = args.role.iter().map(|r| r.trim().to_string()).collect();
    let declared = engine.roles();
    for r in &roles {
        if !declared.contains(r) {
            let hint = diagnostics::did_you_mean_help(r, declared.iter().map(String::as_str)).unwrap_or_else(|| {
                format!("the roles are: {}", declared.iter().cloned().collect::<Vec<_>>().join(", "))
            });
            return Err(usage(format!("no policy declares the role `{r}`; {hint}")));
        }
    }
    let options = AssessOptions { as_of, lang: args.lang.code().to_string(), jurisdictions, roles };
    Ok((engine, options))
}

/// The shipped policies, or the ones in `paths` (with the shipped modules they import).
pub fn load_engine(paths: &[PathBuf]) -> Result<Engine, u8> {
    let engine = if paths.is_empty() {
        Engine::embedded_with(super::limits().clone())
    } else {
        let mut sources = Sources::new();
        let loaded = policy_files(paths).and_then(|files| read_into(&mut sources, &files));
        if let Err(d) = loaded {
            err(&diagnostics::render_human(&Sources::new(), &[*d], false));
            return Err(USAGE);
        }
        norma::embedded::add_missing_imports(&mut sources);
        Engine::from_sources_with(sources, super::limits().clone())
    };
    engine.map_err(|(sources, diags)| {
        err(&diagnostics::render_human(&sources, &diags, false));
        err("the policies have errors; run `norma check` on them\n");
        USAGE
    })
}

pub(super) fn read_facts(engine: &mut Engine, path: &Path) -> Result<FactsFile, u8> {
    let text = read_text(path)?;
    engine.load_facts(&path.display().to_string(), &text).map_err(|diags| {
        err(&diagnostics::render_human(engine.sources(), &diags, std::io::IsTerminal::is_terminal(&std::io::stderr())));
        USAGE
    })
}

/// The text of a facts file or profile, within the size limit.
pub(super) fn read_text(path: &Path) -> Result<String, u8> {
    load_text(path).map_err(|d| {
        err(&diagnostics::render_human(&Sources::new(), &[*d], false));
        USAGE
    })
}

/// The text of a facts file within the size limit, or why it cannot be read.
pub(super) fn load_text(path: &Path) -> Loaded<String> {
    let fail = |message: String| Box::new(Diagnostic::general(Code::FactsSyntax, message));
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read `{}`: {e}", path.display())))?;
    let max = super::limits().facts_bytes;
    if meta.len() > max as u64 {
        return Err(fail(format!(
            "`{}` is {} bytes; facts files are limited to {max} bytes (raise the limit: `--limit facts-bytes=N`)",
            path.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read `{}`: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map(super::files::without_bom)
        .map_err(|_| fail(format!("`{}` is not UTF-8 text", path.display())))
}

pub(super) fn emit(text: &str, out_file: Option<&Path>) -> u8 {
    match out_file {
        Some(p) => match write_atomic(p, text) {
            Ok(()) => OK,
            Err(e) => usage(format!("cannot write `{}`: {e}", p.display())),
        },
        None => {
            out(text);
            OK
        }
    }
}

fn json(assessment: &Assessment) -> String {
    serde_json::to_string_pretty(assessment).unwrap_or_default() + "\n"
}

/// Templates from `dir` that replace embedded ones of the same name (only those names are read).
pub(super) fn template_overrides(dir: Option<&Path>) -> Result<Templates, u8> {
    let mut overrides = std::collections::BTreeMap::new();
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(usage(format!("`{}` is not a folder of templates", dir.display())));
        }
        let root = std::fs::canonicalize(dir)
            .map_err(|e| usage(format!("cannot read the templates folder `{}`: {e}", dir.display())))?;
        for (name, _) in norma::report::EMBEDDED {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            // A template is read from the folder itself: a link leading elsewhere is refused.
            let real = std::fs::canonicalize(&path)
                .map_err(|e| usage(format!("cannot read the template `{}`: {e}", path.display())))?;
            if !real.starts_with(&root) {
                return Err(usage(format!(
                    "the template `{}` is a link to `{}`, outside the templates folder; copy the file into the folder instead",
                    path.display(),
                    real.display()
                )));
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| usage(format!("cannot read the template `{}`: {e}", path.display())))?;
            overrides.insert((*name).to_string(), text);
        }
    }
    Ok(Templates::with_overrides(overrides).within(super::limits()))
}

/// Where and how `assess` writes its report.
pub struct Outputs<'a> {
    /// The report format.
    pub format: OutFormat,
    /// The file to write, or standard output.
    pub out_file: Option<&'a Path>,
    /// A folder of template overrides.
    pub templates: Option<&'a Path>,
    /// The upkeep window in days (`--warn-expiring`).
    pub warn_expiring: Option<u32>,
}

/// Reads a filled response form and adds its evidence to `facts`.
fn add_responses(engine: &mut Engine, facts: &mut FactsFile, path: &Path) -> Result<(), u8> {
    let fail = |message: String| {
        err(&diagnostics::render_human(&Sources::new(), &[Diagnostic::general(Code::ResponseForm, message)], false));
        USAGE
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read `{}`: {e}", path.display())))?;
    let max = super::limits().facts_bytes;
    if meta.len() > max as u64 {
        return Err(fail(format!(
            "`{}` is {} bytes; response forms are limited to {max} bytes (raise the limit: `--limit facts-bytes=N`)",
            path.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read `{}`: {e}", path.display())))?;
    let responses = engine.load_responses(&path.display().to_string(), &bytes).map_err(|diags| {
        err(&diagnostics::render_human(engine.sources(), &diags, std::io::IsTerminal::is_terminal(&std::io::stderr())));
        USAGE
    })?;
    responses.apply(facts);
    Ok(())
}

/// `norma assess`.
pub fn assess(
    facts: &Path,
    args: &EvalOptions,
    outputs: &Outputs<'_>,
    fail_on: &[FailOn],
    responses: Option<&Path>,
    previous: Option<&Path>,
) -> u8 {
    let (mut engine, mut facts, options) = match prepare(facts, args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(form) = responses
        && let Err(code) = add_responses(&mut engine, &mut facts, form)
    {
        return code;
    }
    let (format, out_file, templates) = (outputs.format, outputs.out_file, outputs.templates);
    let templates = match template_overrides(templates) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let before = match previous.map(super::diff::read_assessment).transpose() {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut assessment = engine.assess(&facts, &options);
    if let Some(r) = &assessment.provenance.responses
        && r.same_policies == Some(false)
    {
        err(&format!(
            "warning: the response form `{}` was generated from other policies than these; its rows may no longer match the requirements (regenerate it with `norma requirements PROFILE --format response`)\n",
            r.file
        ));
    }
    assessment.upkeep = outputs.warn_expiring.map(|days| norma::outcome::upkeep(&assessment, days));
    if let Some(before) = before {
        match norma::diff::Snapshot::from_assessment(&assessment) {
            Ok(after) => assessment.change = Some(norma::diff::compare(&before, &after, &assessment.lang)),
            Err(e) => return usage(format!("the assessment cannot be compared: {e}")),
        }
    }
    let places = if format == OutFormat::Sarif { engine.fact_places(&facts) } else { Places::new() };
    let text = match render(&assessment, format, &templates, fail_on, &places) {
        Ok(t) => t,
        Err(e) => return usage(e.to_string()),
    };
    let code = emit(&text, out_file);
    if code != OK {
        return code;
    }
    if fails_gate(&assessment, fail_on) { FINDINGS } else { OK }
}

/// Whether a norm of the assessment has one of the `fail_on` statuses (norms of an informative
/// instrument, a promotion law without binding duties, never fail the gate).
pub(super) fn fails_gate(a: &Assessment, fail_on: &[FailOn]) -> bool {
    a.jurisdictions
        .iter()
        .flat_map(|j| &j.norms)
        .any(|n| !n.informative && fail_on.iter().any(|f| f.word() == n.status))
}

/// An assessment as a report in `format`; SARIF results are located at `places`.
pub(super) fn render(
    a: &Assessment,
    format: OutFormat,
    templates: &Templates,
    fail_on: &[FailOn],
    places: &Places,
) -> Result<String, ReportError> {
    match format {
        OutFormat::Json => Ok(json(a)),
        OutFormat::Text => Ok(super::summary::assessment(a)),
        OutFormat::Sarif => norma::report::render_sarif(a, places, templates),
        OutFormat::Junit => norma::report::render_junit(a, fail_on.contains(&FailOn::Unknown), templates),
        OutFormat::Md => norma::report::render(a, norma::report::Format::Markdown, templates),
        OutFormat::Html => norma::report::render(a, norma::report::Format::Html, templates),
    }
}

/// `norma questions`.
pub fn questions(args: &EvalArgs, format: OutFormat) -> u8 {
    let (engine, facts, options) = match prepare(&args.facts, &args.options) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let assessment = engine.assess(&facts, &options);
    match format {
        OutFormat::Json => out(&(serde_json::to_string_pretty(&assessment.questions).unwrap_or_default() + "\n")),
        OutFormat::Text | OutFormat::Md | OutFormat::Html | OutFormat::Sarif | OutFormat::Junit => {
            out(&super::summary::questions(&assessment.questions, &assessment.lang))
        }
    }
    OK
}

/// `norma explain`.
pub fn explain(args: &EvalArgs, norm: &str) -> u8 {
    let (engine, facts, options) = match prepare(&args.facts, &args.options) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let assessment = engine.assess(&facts, &options);
    let all: Vec<&norma::outcome::Norm> = assessment.jurisdictions.iter().flat_map(|j| &j.norms).collect();
    let found = all.iter().find(|n| n.id == norm || n.id.rsplit('.').next() == Some(norm));
    match found {
        Some(n) => {
            out(&super::summary::explanation(n, &assessment));
            OK
        }
        None => {
            let names = all.iter().flat_map(|n| [n.id.as_str(), n.id.rsplit('.').next().unwrap_or("")]);
            let hint = diagnostics::did_you_mean_help(norm, names)
                .unwrap_or_else(|| "`norma assess` lists the norms".to_string());
            usage(format!("no norm `{norm}` was assessed; {hint}"))
        }
    }
}
