//! `norma check`: parse and check a policy set, print the findings.

use std::path::PathBuf;

use norma::diagnostics::{self, Diagnostic, Severity};
use norma::source::Sources;

use super::files::{Loaded, policy_files, read_into};
use super::{FINDINGS, Format, OK, USAGE};

/// Loads the policy set named by `paths` (the embedded one when empty).
pub fn load(paths: &[PathBuf]) -> Loaded<Sources> {
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
    Ok(sources)
}

pub fn run(paths: &[PathBuf], format: Format, color: bool) -> u8 {
    let sources = match load(paths) {
        Ok(s) => s,
        Err(d) => {
            print_diags(&Sources::new(), &[*d], format, color);
            return USAGE;
        }
    };
    let (_, diags) = norma::check_sources(&sources);
    print_diags(&sources, &diags, format, color);
    if format == Format::Human {
        println!("{}", summary(&sources, &diags));
    }
    if diags.is_empty() { OK } else { FINDINGS }
}

fn print_diags(sources: &Sources, diags: &[Diagnostic], format: Format, color: bool) {
    match format {
        Format::Human => print!("{}", diagnostics::render_human(sources, diags, color)),
        Format::Json => print!("{}", diagnostics::render_json(sources, diags)),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn summary(sources: &Sources, diags: &[Diagnostic]) -> String {
    let files = sources.iter().count();
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diags.len() - errors;
    if diags.is_empty() {
        format!("checked {}: no problems found", plural(files, "file"))
    } else {
        format!("checked {}: {}, {}", plural(files, "file"), plural(errors, "error"), plural(warnings, "warning"))
    }
}
