//! What one answer in `norma ask` costs: assessing the CV-screening example from scratch against
//! bringing a kept assessment up to date after one fact or one piece of evidence changes.
//!
//! `cargo bench --bench reassess` prints the median and 90th percentile of each, in microseconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use norma::{AssessOptions, Engine};

const RUNS: usize = 500;

fn time(mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..20 {
        f();
    }
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let at = |q: usize| samples.get(RUNS * q / 100).copied().unwrap_or_default();
    (at(50), at(90))
}

fn main() -> Result<(), String> {
    let mut engine = Engine::embedded().map_err(|_| "the shipped policies do not check")?;
    let text = std::fs::read_to_string("examples/cv-screening.yaml").map_err(|e| e.to_string())?;
    let options = AssessOptions::new(jiff::civil::date(2026, 11, 26));
    let mut load = |name: &str, text: &str| engine.load_facts(name, text).map_err(|_| format!("{name} is not valid"));
    let before = load("before.yaml", &text)?;
    let fact = load("fact.yaml", &text.replace("profiles_natural_persons: true", "profiles_natural_persons: false"))?;
    let evidence = load(
        "evidence.yaml",
        &text.replace(
            "evidence:\n",
            "evidence:\n  automatic_logging_design:\n    reference: \"LOG-1\"\n    date: 2026-10-01\n",
        ),
    )?;
    println!("{:<58} {:>10} {:>10}", "", "p50 [µs]", "p90 [µs]");
    let row = |label: &str, (p50, p90): (Duration, Duration)| {
        println!("{label:<58} {:>10.0} {:>10.0}", p50.as_secs_f64() * 1e6, p90.as_secs_f64() * 1e6);
    };
    row("evaluate every rule", time(|| drop(black_box(engine.evaluate(&fact, &options)))));
    row("assess from scratch (evaluate + outcome model)", time(|| drop(black_box(engine.assess(&fact, &options)))));
    let (_, kept) = engine.assess_keeping(&before, &options);
    for (label, after) in
        [("reassess after a classification fact changed", &fact), ("reassess after evidence was added", &evidence)]
    {
        row(label, time(|| drop(black_box(engine.reassess(&before, after, &options, kept.clone())))));
    }
    Ok(())
}
