//! `norma fmt`: rewrite policy files in the canonical layout, or check that they are.

use std::path::PathBuf;

use norma::diagnostics::{self, Diagnostic};
use norma::source::Sources;

use super::files::{policy_files, read_into, write_atomic};
use super::{FINDINGS, OK, USAGE, err, out};

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let mut sources = Sources::new();
    let loaded = policy_files(&paths).and_then(|files| read_into(&mut sources, &files).map(|()| files));
    let files = match loaded {
        Ok(f) => f,
        Err(d) => {
            err(&diagnostics::render_human(&Sources::new(), &[*d], false));
            return USAGE;
        }
    };
    let mut syntax_errors: Vec<Diagnostic> = Vec::new();
    let mut unformatted = 0usize;
    for ((id, file), path) in sources.iter().zip(&files) {
        let parsed = norma::syntax::parse_limited(id, &file.text, super::limits().file_bytes);
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
            out(&format!("not formatted: {}\n", path.display()));
        } else if let Err(e) = write_atomic(path, &formatted) {
            err(&format!("error: cannot write `{}`: {e}\n", path.display()));
            return USAGE;
        } else {
            out(&format!("formatted: {}\n", path.display()));
        }
    }
    if !syntax_errors.is_empty() {
        diagnostics::sort(&mut syntax_errors);
        err(&diagnostics::render_human(&sources, &syntax_errors, false));
        err("files with syntax errors were left unchanged\n");
        return FINDINGS;
    }
    if check && unformatted > 0 {
        out(&format!("{unformatted} of {} files need `norma fmt`\n", files.len()));
        return FINDINGS;
    }
    OK
}
