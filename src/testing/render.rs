//! A test run as text for people and as JUnit XML for CI.

use std::fmt::Write as _;

use super::{TestFailure, TestResult, TestRun};
use crate::report::junit::escape;

/// The run as text: each test with `ok` or `FAILED`, each failure with what was expected, what
/// the rules gave and how, then the totals and, when measured, the coverage and what it misses.
pub fn text(run: &TestRun) -> String {
    let mut out = String::new();
    let mut module = None;
    for t in &run.tests {
        if module != Some(&t.module) {
            let _ = writeln!(out, "{}", t.module);
            module = Some(&t.module);
        }
        let verdict = if t.failures.is_empty() { "ok" } else { "FAILED" };
        let _ = writeln!(out, "  {verdict:<6} {}", t.title());
        for f in &t.failures {
            failure(&mut out, t, f);
        }
    }
    if let Some(c) = &run.coverage
        && !c.uncovered.is_empty()
    {
        let _ = writeln!(out, "\nnot exercised by any test:");
        for g in &c.uncovered {
            let _ = writeln!(out, "  {}: {} `{}`: {}", g.place, g.kind, g.rule, g.missing);
        }
    }
    let _ = writeln!(out, "\n{} tests: {} passed, {} failed", run.tests.len(), run.passed, run.failed);
    if let Some(c) = &run.coverage {
        let _ = writeln!(
            out,
            "coverage: {:.1}% (norms {}/{}, exceptions {}/{}, condition branches {}/{})",
            c.percent,
            c.norms.covered,
            c.norms.total,
            c.exceptions.covered,
            c.exceptions.total,
            c.branches.covered,
            c.branches.total
        );
    }
    out
}

fn failure(out: &mut String, t: &TestResult, f: &TestFailure) {
    let _ = writeln!(out, "         {}: expect {} {}", f.place, f.rule, f.expected);
    let _ = writeln!(out, "           expected: {}", f.expected);
    let _ = writeln!(out, "           actual:   {}", f.actual);
    let _ = writeln!(out, "           as of:    {}", t.as_of);
    let _ = writeln!(out, "           because:");
    for step in &f.trace {
        let cite = if step.cite.is_empty() { String::new() } else { format!(", {}", step.cite.join(", ")) };
        let _ = writeln!(out, "             {} ({}{cite}) = {}", step.rule, step.kind, step.value);
        for (fact, value) in &step.facts {
            let _ = writeln!(out, "               {fact} = {value}");
        }
        for (evidence, state) in &step.evidence {
            let _ = writeln!(out, "               evidence {evidence}: {state}");
        }
    }
}

/// The run as JUnit XML: one test suite per module, one test case per test (or case), each
/// failure with its trace.
pub fn junit(run: &TestRun) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"norma test\" tests=\"{}\" failures=\"{}\">", run.tests.len(), run.failed);
    let mut suites: Vec<(&str, Vec<&TestResult>)> = Vec::new();
    for t in &run.tests {
        match suites.iter_mut().find(|(m, _)| *m == t.module) {
            Some((_, list)) => list.push(t),
            None => suites.push((&t.module, vec![t])),
        }
    }
    for (module, suite) in &suites {
        let failed = suite.iter().filter(|t| !t.failures.is_empty()).count();
        let _ =
            writeln!(out, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">", escape(module), suite.len());
        for t in suite {
            let file = t.place.rsplitn(3, ':').last().unwrap_or_default();
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                escape(module),
                escape(&t.title()),
                escape(file)
            );
            if t.failures.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            for f in &t.failures {
                let mut body = String::new();
                failure(&mut body, t, f);
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"expectation\">{}</failure>",
                    escape(&format!("{}: expected {}, got {}", f.rule, f.expected, f.actual)),
                    escape(&body)
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
