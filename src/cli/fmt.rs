//! `norma fmt`: rewrite policy files in the canonical layout, or check that they are.

use std::path::PathBuf;

use norma::diagnostics::{self, Diagnostic};
use norma::source::Sources;

use super::files::{policy_files, read_into, write_atomic};
use super::{FINDINGS, OK, USAGE};

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let mut sources = Sources::new();
    let loaded = policy_files(&paths).and_then(|files| read_into(&mut sources, &files).map(|()| files));
    let files = match loaded {
        Ok(f) => f,
        Err(d) => {
            eprint!("{}", diagnostics::render_human(&Sources::new(), &[*d], false));
            return USAGE;
        }
    };
    let mut syntax_errors: Vec<Diagnostic> = Vec::new();
    let mut unformatted = 0usize;
    for ((id, file), path) in sources.iter().zip(&files) {
        let parsed = norma::syntax::parse(id, &file.text);
        let Some(module) = parsed.module.filter(|_| parsed.diags.is_empty()) else {
            syntax_errors.extend(parsed.diags);
            continue;
        };
        let formatted = norma::format::format_module(&module);
        if formatted == file.text {
            continue;
        }
        unformatted += 1;
        if check {
            println!("not formatted: {}", path.display());
        } else if let Err(e) = write_atomic(path, &formatted) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return USAGE;
        } else {
            println!("formatted: {}", path.display());
        }
    }
    if !syntax_errors.is_empty() {
        diagnostics::sort(&mut syntax_errors);
        eprint!("{}", diagnostics::render_human(&sources, &syntax_errors, false));
        eprintln!("files with syntax errors were left unchanged");
        return FINDINGS;
    }
    if check && unformatted > 0 {
        println!("{unformatted} of {} files need `norma fmt`", files.len());
        return FINDINGS;
    }
    OK
}
