//! `norma check`: parse and check a policy set, print the findings.

use std::path::PathBuf;

use norma::diagnostics::{self, Diagnostic, Severity};
use norma::source::Sources;

use super::files::{Loaded, policy_files, read_into};
use super::{FINDINGS, Format, OK, USAGE, out};

/// Loads the policy set named by `paths` (the embedded one when empty), with the shipped
/// modules it imports but does not contain; returns how many files the user named.
pub fn load(paths: &[PathBuf]) -> Loaded<(Sources, usize)> {
    let mut sources = Sources::new();
    if paths.is_empty() {
        norma::embedded::add_to(&mut sources);
    } else {
        let files = policy_files(paths)?;
        if files.is_empty() {
            return Err(Box::new(Diagnostic::general(
                diagnostics::Code::Unreadable,
                "no `.norma` files were found in the given paths".to_string(),
            )));
        }
        read_into(&mut sources, &files)?;
    }
    let own = sources.iter().count();
    norma::embedded::add_missing_imports(&mut sources);
    Ok((sources, own))
}

pub fn run(paths: &[PathBuf], format: Format, color: bool) -> u8 {
    let (sources, own) = match load(paths) {
        Ok(s) => s,
        Err(d) => {
            print_diags(&Sources::new(), &[*d], format, color);
            return USAGE;
        }
    };
    let (_, mut diags) = norma::check_sources_with(&sources, super::limits());
    // Shipped modules pulled in as a library are checked in CI; their warnings (e.g. facts this
    // set does not use) are not the user's concern.
    diags.retain(|d| d.severity == Severity::Error || d.span.is_none_or(|s| (s.file.0 as usize) < own));
    print_diags(&sources, &diags, format, color);
    if format == Format::Human {
        out(&format!("{}\n", summary(&sources, own, &diags)));
    }
    if diags.is_empty() { OK } else { FINDINGS }
}

fn print_diags(sources: &Sources, diags: &[Diagnostic], format: Format, color: bool) {
    match format {
        Format::Human => out(&diagnostics::render_human(sources, diags, color)),
        Format::Json => out(&diagnostics::render_json(sources, diags)),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn summary(sources: &Sources, own: usize, diags: &[Diagnostic]) -> String {
    let library = sources.iter().count() - own;
    let mut files = plural(own, "file");
    if library > 0 {
        files.push_str(&format!(" (with {} of the shipped policies it uses)", plural(library, "module")));
    }
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diags.len() - errors;
    if diags.is_empty() {
        format!("checked {files}: no problems found")
    } else {
        format!("checked {files}: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}
