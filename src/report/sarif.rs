//! SARIF 2.1.0 for code-scanning tools: one result per norm that is violated, not met or
//! unknown, located at the line of the facts file that gives the fact causing it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::word;
use crate::outcome::{Assessment, Norm};

/// Where the facts file gives a fact or a piece of evidence (`evidence.NAME`): 1-based line and
/// column, by name.
pub type Places = BTreeMap<String, (usize, usize)>;

/// The SARIF level of a status that is a gap.
fn level(status: &str) -> Option<&'static str> {
    match status {
        "violated" => Some("error"),
        "not_met" => Some("warning"),
        "unknown" => Some("note"),
        _ => None,
    }
}

/// Evidence states that make a norm not met.
const FAILING_EVIDENCE: &[&str] = &["stale", "expired", "not_held", "not_yet_dated"];

/// The place of the gap in the facts file: the first that the file gives of the evidence the norm
/// found wanting, the facts still missing (a file can give them as `null`, "do not know"), the
/// deciding facts that hold (not `false`: those make the norm apply), then the other deciding
/// facts; line 1 when the file gives none of them.
fn place(n: &Norm, places: &Places) -> (usize, usize) {
    let evidence = n
        .evidence
        .iter()
        .filter(|e| FAILING_EVIDENCE.contains(&e.state.as_str()))
        .map(|e| format!("evidence.{}", e.evidence.rsplit('.').next().unwrap_or(&e.evidence)));
    let holding = n.reasons.iter().filter(|r| r.value != Value::Bool(false)).map(|r| r.fact.clone());
    let others = n.reasons.iter().filter(|r| r.value == Value::Bool(false)).map(|r| r.fact.clone());
    evidence
        .chain(n.missing.iter().cloned())
        .chain(holding)
        .chain(others)
        .find_map(|name| places.get(&name).copied())
        .unwrap_or((1, 1))
}

/// A path as a URI reference: `/` separators, characters outside the unreserved set
/// percent-encoded; an absolute path as a `file://` URI.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.starts_with('/') { format!("file://{out}") } else { out }
}

/// The result message: status, title, provisions, and for an unknown norm what would decide it.
fn message(n: &Norm, catalog: &Value) -> String {
    let mut text = format!(
        "{}: {} ({})",
        word(catalog, &format!("status_{}", n.status)),
        n.title.as_deref().unwrap_or(&n.id),
        n.citations.join(", ")
    );
    if !n.missing.is_empty() {
        text.push_str(&format!("; {}: {}", word(catalog, "missing"), n.missing.join(", ")));
    }
    text
}

/// The rule describing a norm: its title, text, and its provisions and penalty as help.
fn rule(n: &Norm, jurisdiction: &str, catalog: &Value) -> Value {
    let mut help = format!("{}: {}", word(catalog, "citation"), n.citations.join(", "));
    if let Some(p) = &n.penalty {
        help.push_str(&format!("\n{}: {p}", word(catalog, "penalty")));
    }
    json!({
        "id": n.id,
        "name": n.id.rsplit('.').next().unwrap_or(&n.id),
        "shortDescription": { "text": n.title.as_deref().unwrap_or(&n.id) },
        "fullDescription": { "text": n.text.as_deref().or(n.title.as_deref()).unwrap_or(&n.id) },
        "help": { "text": help },
        "properties": { "jurisdiction": jurisdiction, "citations": n.citations, "severity": n.severity },
    })
}

/// The SARIF log of an assessment, in the language of `catalog`.
pub fn log(a: &Assessment, places: &Places, catalog: &Value) -> Value {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for j in &a.jurisdictions {
        for n in &j.norms {
            let Some(level) = level(&n.status) else { continue };
            // A norm of an informative instrument (a promotion law) is never more than a note.
            let level = if n.informative { "note" } else { level };
            let (line, column) = place(n, places);
            results.push(json!({
                "ruleId": n.id,
                "ruleIndex": rules.len(),
                "level": level,
                "message": { "text": message(n, catalog) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&a.provenance.facts_file) },
                        "region": { "startLine": line, "startColumn": column },
                    },
                }],
                "properties": { "status": n.status, "jurisdiction": j.id },
            }));
            rules.push(rule(n, &j.id, catalog));
        }
    }
    let version = a.provenance.engine.rsplit(' ').next().unwrap_or_default();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "norma", "version": version, "rules": rules } },
            "language": a.lang,
            "artifacts": [{ "location": { "uri": uri(&a.provenance.facts_file) } }],
            "results": results,
            "properties": {
                "as_of": a.as_of,
                "notice": a.notice,
                "facts_sha256": a.provenance.facts_sha256,
                "policies_sha256": a.provenance.policies_sha256,
            },
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("examples/cv screening.yaml"), "examples/cv%20screening.yaml");
        assert_eq!(uri("/tmp/a#b.yaml"), "file:///tmp/a%23b.yaml");
        assert_eq!(uri("dir\\f.yaml"), "dir/f.yaml");
        assert_eq!(uri("시스템.yaml"), "%EC%8B%9C%EC%8A%A4%ED%85%9C.yaml");
    }

    #[test]
    fn only_gaps_have_a_level() {
        assert_eq!(level("violated"), Some("error"));
        assert_eq!(level("not_met"), Some("warning"));
        assert_eq!(level("unknown"), Some("note"));
        assert_eq!(level("met"), None);
        assert_eq!(level("not_yet_applicable"), None);
    }
}
