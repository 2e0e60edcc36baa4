//! JUnit XML for CI dashboards: one test suite per jurisdiction, one test case per norm. Violated
//! and not met norms fail; not applicable and not yet applicable ones are skipped; an unknown norm
//! fails when unknown outcomes fail the run (`--fail-on unknown`) and is skipped otherwise.

use serde_json::Value;

use super::word;
use crate::outcome::{Assessment, Jurisdiction, Norm};

/// Text as XML character data or an attribute value: markup characters escaped, characters XML
/// 1.0 does not allow dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What a test case reports.
enum Verdict {
    Pass,
    Fail,
    Skip,
}

fn verdict(status: &str, unknown_fails: bool) -> Verdict {
    match status {
        "violated" | "not_met" => Verdict::Fail,
        "unknown" if unknown_fails => Verdict::Fail,
        "met" => Verdict::Pass,
        _ => Verdict::Skip,
    }
}

/// The verdict of a norm: a norm of an informative instrument (a promotion law without binding
/// duties) never fails; where it would, it is skipped.
fn norm_verdict(n: &Norm, unknown_fails: bool) -> Verdict {
    match verdict(&n.status, unknown_fails) {
        Verdict::Fail if n.informative => Verdict::Skip,
        v => v,
    }
}

fn testcase(n: &Norm, jurisdiction: &str, unknown_fails: bool, catalog: &Value) -> String {
    let title = n.title.as_deref().unwrap_or(&n.id);
    let status = word(catalog, &format!("status_{}", n.status));
    let mut message = format!("{status}: {title} ({})", n.citations.join(", "));
    if !n.missing.is_empty() {
        message.push_str(&format!("; {}: {}", word(catalog, "missing"), n.missing.join(", ")));
    }
    let open = format!("    <testcase name=\"{}\" classname=\"{}\"", escape(&n.id), escape(jurisdiction));
    match norm_verdict(n, unknown_fails) {
        Verdict::Pass => format!("{open}/>\n"),
        Verdict::Fail => {
            let reasons: Vec<String> = n
                .reasons
                .iter()
                .map(|r| format!("{} = {}", r.fact, r.value))
                .chain(n.evidence.iter().map(|e| format!("evidence.{}: {}", e.evidence, e.state)))
                .collect();
            format!(
                "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&message),
                escape(&n.status),
                escape(&reasons.join("\n"))
            )
        }
        Verdict::Skip => format!("{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n", escape(&message)),
    }
}

fn testsuite(a: &Assessment, j: &Jurisdiction, unknown_fails: bool, catalog: &Value) -> (String, usize, usize) {
    let failures = j.norms.iter().filter(|n| matches!(norm_verdict(n, unknown_fails), Verdict::Fail)).count();
    let skipped = j.norms.iter().filter(|n| matches!(norm_verdict(n, unknown_fails), Verdict::Skip)).count();
    let mut out = format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
        escape(&j.id),
        j.norms.len()
    );
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("as_of", a.as_of.as_str()),
        ("facts_file", a.provenance.facts_file.as_str()),
        ("facts_sha256", a.provenance.facts_sha256.as_str()),
        ("policies_sha256", a.provenance.policies_sha256.as_str()),
        ("instruments", &j.instruments.join(", ")),
    ] {
        out.push_str(&format!("      <property name=\"{name}\" value=\"{}\"/>\n", escape(value)));
    }
    out.push_str("    </properties>\n");
    for n in &j.norms {
        out.push_str(&testcase(n, &j.id, unknown_fails, catalog));
    }
    out.push_str("  </testsuite>\n");
    (out, failures, skipped)
}

/// The JUnit XML report of an assessment, messages in the language of `catalog`.
pub fn report(a: &Assessment, unknown_fails: bool, catalog: &Value) -> String {
    let mut suites = String::new();
    let (mut failures, mut skipped) = (0, 0);
    for j in &a.jurisdictions {
        let (text, f, s) = testsuite(a, j, unknown_fails, catalog);
        suites.push_str(&text);
        failures += f;
        skipped += s;
    }
    let tests: usize = a.jurisdictions.iter().map(|j| j.norms.len()).sum();
    let name = a.system.name.as_deref().unwrap_or("norma");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {} -->\n<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n",
        a.notice.replace("--", "- -"),
        escape(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_out_of_xml() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "abc&#10;d");
        assert_eq!(escape("인공지능"), "인공지능");
    }

    #[test]
    fn unknown_fails_only_when_asked() {
        assert!(matches!(verdict("unknown", true), Verdict::Fail));
        assert!(matches!(verdict("unknown", false), Verdict::Skip));
        assert!(matches!(verdict("not_met", false), Verdict::Fail));
        assert!(matches!(verdict("not_yet_applicable", true), Verdict::Skip));
        assert!(matches!(verdict("met", true), Verdict::Pass));
    }
}
