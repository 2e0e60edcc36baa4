//! The `norma` command line: the only part of Norma that touches the terminal, files and exit
//! codes.

mod ask;
mod assess;
mod check;
mod completions;
mod diff;
mod files;
mod fmt;
mod graph;
mod ledger;
mod portfolio;
mod requirements;
mod summary;
mod test;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Policy-as-code for AI regulation: rules lawyers can read, checked and evaluated against facts
/// about an AI system.
#[derive(Debug, Parser)]
#[command(name = "norma", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Raise (or lower) a limit, `NAME=VALUE`; repeatable. The limits: file-bytes, facts-bytes,
    /// files, facts-files, rules, facts, steps, imports, import-depth, template-fuel,
    /// template-depth (their defaults are in docs/robustness.md).
    #[arg(long = "limit", value_name = "NAME=VALUE", global = true)]
    limits: Vec<String>,
}

/// The limits of this run, set once from `--limit` before any command runs.
static LIMITS: std::sync::OnceLock<norma::limits::Limits> = std::sync::OnceLock::new();

/// The limits of this run (the defaults until `--limit` is read).
fn limits() -> &'static norma::limits::Limits {
    LIMITS.get_or_init(norma::limits::Limits::default)
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files for errors: unknown names, type errors, cycles, missing citations, …
    ///
    /// With no paths, checks the policy set shipped in the binary. Exit codes: 0 no findings,
    /// 1 errors or warnings found, 2 usage error or unreadable input.
    Check {
        /// Policy files or folders (folders are searched for `.norma` files).
        paths: Vec<PathBuf>,
        /// Output for people (`human`) or tools (`json`).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Colour in human output.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Assess an AI system: classification and the status of every norm, as of a date.
    ///
    /// Several facts files, a folder of them, or `--out-dir` make a portfolio run: a report per
    /// system in `--out-dir` and a summary across systems, assessed in parallel. Exit codes: 0 a
    /// report was produced, 1 `--fail-on` statuses were found, 2 bad input or usage (in a
    /// portfolio, also when a facts file could not be assessed).
    Assess {
        /// The facts file (YAML) describing the AI system; or several, or folders of them (their
        /// `*.yaml` and `*.yml` files, not their subfolders).
        #[arg(required = true, value_name = "FACTS")]
        facts: Vec<PathBuf>,
        #[command(flatten)]
        args: assess::EvalOptions,
        /// `text` (a summary), `md` or `html` (the gap-analysis report), `json` (the
        /// `norma.assessment/v1` document), `sarif` (SARIF 2.1.0 for code scanning) or `junit`
        /// (JUnit XML for CI). In a portfolio run: the format of each report and of the summary
        /// (`norma.portfolio/v1` in JSON); `sarif` and `junit` are for one system.
        #[arg(long, value_enum, default_value_t = assess::OutFormat::Text)]
        format: assess::OutFormat,
        /// A folder of templates replacing the embedded ones of the same name (`gap.md.j2`,
        /// `gap.html.j2`, `messages.en.json`, `messages.ko.json`).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Write the report (in a portfolio run, the summary) to this file (atomically) instead of
        /// standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Portfolio run: write each system's report into this folder, named after its facts
        /// file (`cv-screening.yaml` → `cv-screening.md`).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Portfolio run: assess on this many threads; default: one per core.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// Exit 1 when a norm has one of these statuses (in a portfolio, of any system).
        #[arg(long, value_enum, value_delimiter = ',')]
        fail_on: Vec<assess::FailOn>,
        /// A filled supplier response form (`.yaml` from `requirements --format response`, or the
        /// `.xlsx` annex): its answers add evidence; evidence in the facts file wins.
        #[arg(long, value_name = "FORM")]
        responses: Option<PathBuf>,
        /// An earlier assessment of the system (`--format json`): the report gets a "Change since
        /// the last assessment" section (`change` in JSON), as `norma diff` shows it.
        #[arg(long, value_name = "OLD.json")]
        previous: Option<PathBuf>,
        /// Add an "Upkeep" section (`upkeep` in JSON): recurring duties falling due, and evidence
        /// that stops counting, within DAYS after the assessment date (or already past).
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_500))]
        warn_expiring: Option<u32>,
    },
    /// Compare two assessments of one system (`norma assess … --format json`, earlier first):
    /// new, resolved and worsened gaps, re-classifications, changed facts and evidence.
    ///
    /// Exit codes: 0 nothing regressed, 1 a norm assessed both times got worse (for CI), 2 bad
    /// input or usage.
    Diff {
        /// The earlier assessment (`norma.assessment/v1` JSON).
        old: PathBuf,
        /// The later assessment.
        new: PathBuf,
        /// `md` (for people) or `json` (the `norma.diff/v1` document).
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Md)]
        format: diff::DiffFormat,
        /// Language of the fixed words.
        #[arg(long, value_enum, default_value_t = assess::Lang::En)]
        lang: assess::Lang,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Derive tender requirements from a procurement profile: the supplier's duties on the
    /// go-live date and during the contract term, the buyer's own duties, and the classification.
    ///
    /// As an annex (Markdown, XLSX with the supplier response form, CSV), a JSON document, or the
    /// YAML response form that `norma assess --responses` reads back. Exit codes: 0 the
    /// requirements were written, 2 bad input or usage.
    Requirements {
        /// The procurement profile (YAML): facts about the system plus a `procurement` section.
        profile: PathBuf,
        /// `md` or `html` (the requirements annex), `json` (the `norma.requirements/v1` document), `xlsx`
        /// (the annex with the response form as a workbook; needs `--out`), `csv` (one row per
        /// requirement) or `response` (the `norma.response/v1` YAML form for the supplier).
        #[arg(long, value_enum, default_value_t = requirements::ReqFormat::Md)]
        format: requirements::ReqFormat,
        /// Language of the annex.
        #[arg(long, value_enum, default_value_t = assess::Lang::En)]
        lang: assess::Lang,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Policy files or folders to use instead of the shipped ones.
        #[arg(long, value_name = "DIR")]
        policies: Vec<PathBuf>,
        /// A folder of templates replacing the embedded ones of the same name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// List the unknown facts that would decide open outcomes, most decisive first.
    Questions {
        #[command(flatten)]
        args: assess::EvalArgs,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t = assess::OutFormat::Text)]
        format: assess::OutFormat,
    },
    /// Answer the open questions about a system, most decisive first; each answer is saved in
    /// the facts file at once, keeping its comments and order.
    ///
    /// Reads answers from the terminal, or line by line from standard input when it is not a
    /// terminal. `?` or an empty line: don't know (skipped for this session); `back` or `<`: undo
    /// the last answer; `quit` or the end of input: stop. Run it again on the file to go on.
    /// Exit codes: 0 the session ended, 2 bad input or usage.
    Ask {
        #[command(flatten)]
        args: assess::EvalArgs,
    },
    /// Show how a norm's outcome was reached: every rule, fact and date involved, with citations.
    Explain {
        #[command(flatten)]
        args: assess::EvalArgs,
        /// The norm, by full id (`eu.ai_act.risk_management_system`) or name.
        norm: String,
    },
    /// Document the facts vocabulary (`md`) or emit a JSON Schema for facts files.
    Facts {
        /// `md` or `json-schema`.
        #[arg(long, value_enum, default_value_t = FactsFormat::Md)]
        format: FactsFormat,
        /// Language of the Markdown.
        #[arg(long, value_enum, default_value_t = assess::Lang::En)]
        lang: assess::Lang,
        /// Policy files or folders to use instead of the shipped ones.
        #[arg(long, value_name = "DIR")]
        policies: Vec<PathBuf>,
    },
    /// Run the tests kept beside the rules; with `--coverage`, show which norms, exceptions and
    /// condition branches they exercise.
    ///
    /// With no paths, runs the tests of the policy set shipped in the binary. Exit codes: 0 every
    /// test passed (and coverage is at least `--min-coverage`), 1 a test failed, coverage is
    /// short or there are no tests, 2 unreadable input or policies with errors.
    Test {
        /// Policy files or folders (folders are searched for `.norma` files); their tests are run
        /// and their rules measured.
        paths: Vec<PathBuf>,
        /// Measure coverage: norms some test expects an outcome of, exceptions some test makes
        /// hold, conditions some test sees true and some false.
        #[arg(long)]
        coverage: bool,
        /// Fail (exit 1) when coverage is below this percentage (implies `--coverage`).
        #[arg(long, value_name = "PCT")]
        min_coverage: Option<f64>,
        /// `text`, `junit` (JUnit XML) or `json` (`norma.tests/v1`).
        #[arg(long, value_enum, default_value_t = test::TestFormat::Text)]
        format: test::TestFormat,
        /// Write the results to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Draw the dependency graph of facts, definitions, roles, exceptions, evidence and norms, as
    /// Graphviz DOT or a Mermaid flowchart; with `--facts`, coloured by one system's outcomes.
    ///
    /// Exit codes: 0 the graph was written, 2 bad input or usage (such as an unknown instrument).
    Graph(graph::GraphArgs),
    /// Print a completion script for your shell (bash, zsh, fish, elvish, powershell).
    ///
    /// For example `norma completions bash > ~/.local/share/bash-completion/completions/norma`;
    /// docs/editors.md has the line for each shell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Show what each instrument's rules encode, provision by provision: the ledger.
    ///
    /// Every provision the rules cite or the `provision` annotations name, in the law's order
    /// under the instrument's headings, with its status (tested, encoded, partly, noted, pending,
    /// out of scope), its rules, how many tests exercise them, its notes and its verification
    /// (V-P, V-S, UNVERIFIED). Exit codes: 0 the ledger was written, 2 unknown instrument, bad
    /// policies or usage.
    Ledger {
        /// The instrument, by module id (`eu.ai_act`); default: every instrument loaded.
        #[arg(long, value_name = "ID")]
        instrument: Option<String>,
        /// `md` (for people) or `json` (the `norma.ledger/v1` document).
        #[arg(long, value_enum, default_value_t = ledger::LedgerFormat::Md)]
        format: ledger::LedgerFormat,
        /// Language of the fixed words, titles and notes.
        #[arg(long, value_enum, default_value_t = assess::Lang::En)]
        lang: assess::Lang,
        /// Policy files or folders to use instead of the shipped ones.
        #[arg(long, value_name = "DIR")]
        policies: Vec<PathBuf>,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Rewrite policy files in the canonical layout (comments are kept).
    ///
    /// With `--check`, only report files that are not formatted (exit 1). Exit 2 on unreadable
    /// input. Files are rewritten atomically.
    Fmt {
        /// Policy files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Report unformatted files instead of rewriting them.
        #[arg(long)]
        check: bool,
    },
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with the problem underlined.
    Human,
    /// A `norma.diagnostics/v1` JSON document.
    Json,
}

/// Output of `norma facts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FactsFormat {
    /// Markdown documentation.
    Md,
    /// A JSON Schema for facts files.
    JsonSchema,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// Writes to standard output. A closed pipe (`norma check | head`) is not an error worth a
/// panic: the rest of the output is dropped.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Writes to standard error, ignoring a closed stream.
fn err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn facts_doc(format: FactsFormat, lang: assess::Lang, policies: &[PathBuf]) -> u8 {
    let engine = match assess::load_engine(policies) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let lang = if lang == assess::Lang::Ko { "ko" } else { "en" };
    match format {
        FactsFormat::Md => out(&norma::facts::doc::markdown(engine.policy(), lang)),
        FactsFormat::JsonSchema => {
            out(&(serde_json::to_string_pretty(&norma::facts::doc::json_schema(engine.policy())).unwrap_or_default()
                + "\n"))
        }
    }
    OK
}

/// Exit code: no findings.
const OK: u8 = 0;
/// Exit code: findings.
const FINDINGS: u8 = 1;
/// Exit code: usage error or unreadable input.
const USAGE: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE } else { OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let mut limits = norma::limits::Limits::default();
    for spec in &cli.limits {
        if let Err(message) = limits.set(spec) {
            return ExitCode::from(assess::usage(message));
        }
    }
    let _ = LIMITS.set(limits);
    let code = match cli.command {
        Command::Check { paths, format, color } => check::run(&paths, format, color.enabled()),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Test { paths, coverage, min_coverage, format, out } => {
            test::run(&test::Request { paths: &paths, coverage, min_coverage, format, out_file: out.as_deref() })
        }
        Command::Assess {
            facts,
            args,
            format,
            out,
            out_dir,
            threads,
            fail_on,
            templates,
            responses,
            previous,
            warn_expiring,
        } => {
            let outputs =
                assess::Outputs { format, out_file: out.as_deref(), templates: templates.as_deref(), warn_expiring };
            match (facts.as_slice(), &out_dir) {
                ([one], None) if !one.is_dir() => {
                    assess::assess(one, &args, &outputs, &fail_on, responses.as_deref(), previous.as_deref())
                }
                _ => {
                    let run = portfolio::Run { out_dir: out_dir.as_deref(), threads, responses, previous };
                    portfolio::run(&facts, &args, &outputs, &fail_on, &run)
                }
            }
        }
        Command::Requirements { profile, format, lang, out, policies, templates } => {
            requirements::requirements(&profile, format, lang, out.as_deref(), &policies, templates.as_deref())
        }
        Command::Diff { old, new, format, lang, out } => diff::run(&old, &new, format, lang, out.as_deref()),
        Command::Questions { args, format } => assess::questions(&args, format),
        Command::Ask { args } => ask::run(&args),
        Command::Explain { args, norm } => assess::explain(&args, &norm),
        Command::Facts { format, lang, policies } => facts_doc(format, lang, &policies),
        Command::Graph(args) => graph::run(&args),
        Command::Completions { shell } => completions::run(shell),
        Command::Ledger { instrument, format, lang, policies, out } => {
            ledger::run(instrument.as_deref(), format, lang, &policies, out.as_deref())
        }
    };
    ExitCode::from(code)
}
