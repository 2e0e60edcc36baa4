//! The whole `assess` pipeline on a policy file and a facts file from strangers: the input is
//! the policy text, a NUL byte, then the facts text. The policy gets the shipped modules it
//! imports, as `norma assess --policies` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use norma::source::Sources;
use norma::{AssessOptions, Engine};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (policy, facts) = text.split_once('\0').unwrap_or((text, ""));
    let mut sources = Sources::new();
    sources.add("fuzz.norma", policy);
    norma::embedded::add_missing_imports(&mut sources);
    let mut engine = match Engine::from_sources(sources) {
        Ok(engine) => engine,
        Err((sources, diags)) => {
            let _ = norma::diagnostics::render_human(&sources, &diags, false);
            return;
        }
    };
    let Ok(facts) = engine.load_facts("fuzz.yaml", facts) else { return };
    for date in [jiff::civil::date(2026, 11, 26), jiff::civil::date(2030, 1, 1)] {
        let assessment = engine.assess(&facts, &AssessOptions::new(date));
        let _ = norma::report::render(&assessment, norma::report::Format::Markdown, &Default::default());
    }
});
