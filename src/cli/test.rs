//! `norma test`: run the tests kept beside the rules, with coverage.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use norma::diagnostics::{self, Severity};
use norma::source::Sources;

use super::assess::emit;
use super::{FINDINGS, OK, USAGE, err};

/// Output of `norma test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Each test, each failure with its trace, the totals and the coverage.
    Text,
    /// JUnit XML, one test case per test (or case of a table).
    Junit,
    /// The `norma.tests/v1` document.
    Json,
}

/// What `norma test` was asked for.
pub struct Request<'a> {
    pub paths: &'a [PathBuf],
    pub coverage: bool,
    pub min_coverage: Option<f64>,
    pub format: TestFormat,
    pub out_file: Option<&'a Path>,
}

pub fn run(r: &Request<'_>) -> u8 {
    if let Some(min) = r.min_coverage.filter(|m| !(0.0..=100.0).contains(m)) {
        err(&format!("error: --min-coverage takes a percentage from 0 to 100, not {min}\n"));
        return USAGE;
    }
    let (sources, own) = match super::check::load(r.paths) {
        Ok(s) => s,
        Err(d) => {
            err(&diagnostics::render_human(&Sources::new(), &[*d], false));
            return USAGE;
        }
    };
    let (policy, diags) = norma::check_sources_with(&sources, super::limits());
    let errors: Vec<_> = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        err(&diagnostics::render_human(&sources, &errors, false));
        err("error: the policies have errors (see above); the tests were not run\n");
        return USAGE;
    }
    let with_coverage = r.coverage || r.min_coverage.is_some();
    let run = norma::testing::run(&policy, &sources, |f| (f.0 as usize) < own, with_coverage);
    let text = match r.format {
        TestFormat::Text => norma::testing::render::text(&run),
        TestFormat::Junit => norma::testing::render::junit(&run),
        TestFormat::Json => serde_json::to_string_pretty(&run).unwrap_or_default() + "\n",
    };
    let code = emit(&text, r.out_file);
    if code != OK {
        return code;
    }
    if run.tests.is_empty() {
        err("error: no tests were found in these policies\n");
        return FINDINGS;
    }
    let short = match (r.min_coverage, &run.coverage) {
        (Some(min), Some(c)) if c.percent < min => {
            err(&format!("error: coverage is {:.1}%, below the minimum of {min}%\n", c.percent));
            true
        }
        _ => false,
    };
    if run.failed > 0 || short { FINDINGS } else { OK }
}
