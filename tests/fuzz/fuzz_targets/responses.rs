//! The supplier response form reader on any bytes: an XLSX workbook (a ZIP) or a
//! `norma.response/v1` YAML form, filled by a supplier.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use norma::Engine;

fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(engine) = engine() else { return };
    let _ = norma::procurement::response::read_xlsx("fuzz.xlsx", data, engine.policy());
    if let Ok(text) = std::str::from_utf8(data) {
        let mut sources = norma::source::Sources::new();
        let file = sources.add("fuzz.yaml", text);
        if let Ok(responses) = norma::procurement::response::read_yaml(&sources, file, engine.policy()) {
            let (_, facts) = engine.read_facts("facts.yaml", "system:\n  name: x\n");
            if let Ok(mut facts) = facts {
                responses.apply(&mut facts);
                let _ = engine.assess(&facts, &norma::AssessOptions::new(jiff::civil::date(2026, 11, 26)));
            }
        }
    }
});
