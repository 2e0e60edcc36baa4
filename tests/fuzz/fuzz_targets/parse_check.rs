//! The parser, the checker, the formatter and the diagnostic renderer on any text: a policy file
//! from a colleague must never crash or hang them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use norma::source::{FileId, Sources};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::new();
    sources.add("fuzz.norma", text);
    let (_, diags) = norma::check_sources(&sources);
    let _ = norma::diagnostics::render_human(&sources, &diags, false);
    let _ = norma::diagnostics::render_json(&sources, &diags);
    if let Some(module) = norma::syntax::parse(FileId(0), text).module {
        let _ = norma::format::format_module(&module);
    }
});
