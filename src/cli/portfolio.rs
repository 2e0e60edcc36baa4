//! `norma assess` over many facts files: a report per system in an output folder and one summary
//! across systems (`norma.portfolio/v1`), assessed in parallel with one shared engine.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use norma::diagnostics::{self, Diagnostic};
use norma::portfolio::{Portfolio, SystemSummary};
use norma::report::{Places, Templates};
use norma::source::Sources;
use norma::{AssessOptions, Engine};

use super::assess::{self, EvalOptions, FailOn, OutFormat, Outputs, fails_gate, load_text, usage};
use super::files::{facts_files, write_atomic};
use super::{FINDINGS, OK, USAGE, err};

/// The options of a portfolio run besides those of `assess`.
pub struct Run<'a> {
    /// Where the reports of the systems go.
    pub out_dir: Option<&'a Path>,
    /// Threads to assess on; default: one per core.
    pub threads: Option<u16>,
    /// A response form given (it belongs to one system: refused).
    pub responses: Option<PathBuf>,
    /// An earlier assessment given (it belongs to one system: refused).
    pub previous: Option<PathBuf>,
}

/// What every system of the run shares.
struct Shared<'a> {
    engine: &'a Engine,
    options: &'a AssessOptions,
    format: OutFormat,
    templates: &'a Templates,
    fail_on: &'a [FailOn],
    out_dir: &'a Path,
    color: bool,
    warn_expiring: Option<u32>,
}

/// What became of one facts file.
struct Done {
    summary: SystemSummary,
    /// Its problems, for standard error, when it could not be assessed.
    problems: Option<String>,
    /// Whether a norm has a `--fail-on` status.
    gate: bool,
}

/// `norma assess` with several facts files, a folder, or `--out-dir`.
pub fn run(paths: &[PathBuf], args: &EvalOptions, outputs: &Outputs<'_>, fail_on: &[FailOn], run: &Run<'_>) -> u8 {
    let ext = match outputs.format {
        OutFormat::Text => "txt",
        OutFormat::Json => "json",
        OutFormat::Md => "md",
        OutFormat::Html => "html",
        OutFormat::Sarif | OutFormat::Junit => {
            return usage(
                "`--format sarif` and `--format junit` describe one system; a portfolio run writes `text`, `md`, \
                 `html` or `json` (run `norma assess FACTS --format sarif` per facts file for code scanning)"
                    .into(),
            );
        }
    };
    if run.responses.is_some() || run.previous.is_some() {
        return usage("`--responses` and `--previous` belong to one system; give one facts file to use them".into());
    }
    let Some(out_dir) = run.out_dir else {
        return usage(
            "several facts files (or a folder) make a portfolio run: give `--out-dir DIR` for the report of each \
             system"
                .into(),
        );
    };
    let files = match facts_files(paths) {
        Ok(f) => f,
        Err(message) => return usage(message),
    };
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        return usage(format!("cannot create `{}`: {e}", out_dir.display()));
    }
    let (engine, options) = match assess::setup(args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let templates = match assess::template_overrides(outputs.templates) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(run.threads.map_or(0, usize::from)).build() {
        Ok(p) => p,
        Err(e) => return usage(format!("cannot start the threads: {e}")),
    };
    let names = report_names(&files, ext);
    let shared = Shared {
        engine: &engine,
        options: &options,
        format: outputs.format,
        templates: &templates,
        fail_on,
        out_dir,
        color: std::io::stderr().is_terminal(),
        warn_expiring: outputs.warn_expiring,
    };
    let bar = progress(files.len());
    let done: Vec<Done> = pool.install(|| {
        files
            .par_iter()
            .zip(names.par_iter())
            .map(|(path, name)| {
                let d = one(&shared, path, name);
                bar.inc(1);
                d
            })
            .collect()
    });
    bar.finish_and_clear();
    for problems in done.iter().filter_map(|d| d.problems.as_deref()) {
        err(problems);
    }
    let failed = done.iter().filter(|d| d.problems.is_some()).count();
    let gate = done.iter().any(|d| d.gate);
    let portfolio = Portfolio::new(
        options.as_of.to_string(),
        options.lang.clone(),
        engine.policies_sha256().to_string(),
        done.into_iter().map(|d| d.summary).collect(),
    );
    let text = match outputs.format {
        OutFormat::Json => Ok(serde_json::to_string_pretty(&portfolio).unwrap_or_default() + "\n"),
        OutFormat::Md => norma::report::render_portfolio(&portfolio, norma::report::Format::Markdown, &templates),
        OutFormat::Html => norma::report::render_portfolio(&portfolio, norma::report::Format::Html, &templates),
        OutFormat::Text | OutFormat::Sarif | OutFormat::Junit => Ok(super::summary::portfolio(&portfolio)),
    };
    let code = match text {
        Ok(text) => assess::emit(&text, outputs.out_file),
        Err(e) => usage(e.to_string()),
    };
    if code != OK || failed > 0 {
        if failed > 0 {
            err(&format!("error: {failed} of {} facts files could not be assessed\n", portfolio.totals.systems));
        }
        return USAGE;
    }
    if gate { FINDINGS } else { OK }
}

/// A progress bar on standard error when it is a terminal; none otherwise.
fn progress(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{wide_bar} {pos}/{len} {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// Reads, assesses and reports one facts file.
fn one(shared: &Shared<'_>, path: &Path, report: &str) -> Done {
    let name = path.display().to_string();
    let text = match load_text(path) {
        Ok(t) => t,
        Err(d) => return failed(name, &Sources::new(), &[*d], shared.color),
    };
    let (sources, facts) = shared.engine.read_facts(&name, &text);
    let facts = match facts {
        Ok(f) => f,
        Err(diags) => return failed(name, &sources, &diags, shared.color),
    };
    let mut assessment = shared.engine.assess(&facts, shared.options);
    assessment.upkeep = shared.warn_expiring.map(|days| norma::outcome::upkeep(&assessment, days));
    let written = assess::render(&assessment, shared.format, shared.templates, shared.fail_on, &Places::new())
        .map_err(|e| e.to_string())
        .and_then(|text| {
            let target = shared.out_dir.join(report);
            write_atomic(&target, &text).map_err(|e| format!("cannot write `{}`: {e}", target.display()))
        });
    match written {
        Ok(()) => Done {
            gate: fails_gate(&assessment, shared.fail_on),
            summary: SystemSummary::assessed(&assessment, report.to_string()),
            problems: None,
        },
        Err(message) => Done {
            problems: Some(format!("error: {name}: {message}\n")),
            summary: SystemSummary::failed(name, message),
            gate: false,
        },
    }
}

/// A facts file that could not be assessed: its diagnostics, and the first as one line.
fn failed(name: String, sources: &Sources, diags: &[Diagnostic], color: bool) -> Done {
    let first = diags.first().map_or_else(
        || format!("{name}: cannot be assessed"),
        |d| {
            let place = d.span.map_or_else(|| name.clone(), |s| sources.location(s));
            format!("{place}: error[{}]: {}", d.code.as_str(), d.message)
        },
    );
    Done {
        problems: Some(diagnostics::render_human(sources, diags, color)),
        summary: SystemSummary::failed(name, first),
        gate: false,
    }
}

/// The report file name of each facts file: its stem and `ext`. The first file (in run order)
/// with a stem keeps it; a later one with the same stem (compared without case, for file systems
/// that ignore it) gets `-2`, `-3`, … added, skipping names that another file has.
fn report_names(files: &[PathBuf], ext: &str) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|f| f.file_stem().map_or_else(|| "system".to_string(), |s| s.to_string_lossy().into_owned()))
        .collect();
    let mut taken = BTreeSet::new();
    let mut names: Vec<Option<String>> =
        stems.iter().map(|s| taken.insert(s.to_lowercase()).then(|| s.clone())).collect();
    for (name, stem) in names.iter_mut().zip(&stems) {
        if name.is_none() {
            let unused = (2..).map(|k| format!("{stem}-{k}")).find(|c| taken.insert(c.to_lowercase()));
            *name = unused;
        }
    }
    names.into_iter().map(|n| format!("{}.{ext}", n.unwrap_or_default())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_names_get_a_number_and_real_names_are_kept() {
        let files: Vec<PathBuf> =
            ["a/x.yaml", "b/x.yml", "x-2.yaml", "c/X.yaml", "y.yaml"].iter().map(PathBuf::from).collect();
        assert_eq!(report_names(&files, "md"), ["x.md", "x-3.md", "x-2.md", "X-4.md", "y.md"]);
    }
}
