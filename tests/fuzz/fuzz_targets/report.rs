//! Report rendering with hostile fact values: a facts file (or procurement profile) from a
//! vendor, assessed against the shipped policies and rendered in every format. Nothing a fact
//! says may become markup: the HTML never holds a `<script` (the templates have none).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use norma::report::{Format, Templates};
use norma::{AssessOptions, Engine};

fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().ok()).as_ref()
}

fn no_script(html: &str) {
    assert!(!html.to_ascii_lowercase().contains("<script"), "a fact's value became markup");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(engine) = engine() else { return };
    let templates = Templates::default();
    let (_, facts) = engine.read_facts("fuzz.yaml", text);
    if let Ok(facts) = facts {
        for lang in ["en", "ko"] {
            let mut options = AssessOptions::new(jiff::civil::date(2026, 11, 26));
            options.lang = lang.to_string();
            let a = engine.assess(&facts, &options);
            let _ = serde_json::to_string(&a);
            let _ = norma::report::render(&a, Format::Markdown, &templates);
            if let Ok(html) = norma::report::render(&a, Format::Html, &templates) {
                no_script(&html);
            }
            let _ = norma::report::render_sarif(&a, &engine.fact_places(&facts), &templates);
            let _ = norma::report::render_junit(&a, true, &templates);
        }
    }
    // The same text as a procurement profile: the tender annex in every format.
    let mut sources = norma::source::Sources::new();
    let file = sources.add("fuzz.yaml", text);
    let facts = norma::facts::load_beside(&sources, file, engine.policy(), &[norma::procurement::profile::SECTION]);
    let profile = norma::procurement::profile::load(&sources, file);
    if let (Ok(facts), Ok(profile)) = (facts, profile) {
        let facts = norma::FactsFile { name: "fuzz.yaml".into(), facts, sha256: String::new(), responses: None };
        let r = norma::procurement::derive(engine, &facts, &profile, "en");
        let words = norma::procurement::table::Words::embedded("en");
        let _ = norma::report::render_requirements(&r, Format::Markdown, &templates);
        if let Ok(html) = norma::report::render_requirements(&r, Format::Html, &templates) {
            no_script(&html);
        }
        let _ = norma::procurement::table::csv(&r, &words);
        let _ = norma::procurement::xlsx::xlsx(&r, &words);
        let _ = norma::procurement::response::form(&r, &words);
    }
});
