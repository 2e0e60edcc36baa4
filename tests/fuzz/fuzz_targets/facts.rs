//! The facts loader and validator on any text, against the shipped policies: a facts file from a
//! vendor must never crash or hang it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use norma::Engine;

fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(engine) = engine() else { return };
    let (sources, result) = engine.read_facts("fuzz.yaml", text);
    if let Err(diags) = result {
        let _ = norma::diagnostics::render_human(&sources, &diags, false);
    }
    // The same text read as a procurement profile (facts beside a `procurement` section).
    let mut sources = norma::source::Sources::new();
    let file = sources.add("fuzz.yaml", text);
    let _ = norma::facts::load_beside(&sources, file, engine.policy(), &[norma::procurement::profile::SECTION]);
    let _ = norma::procurement::profile::load(&sources, file);
});
