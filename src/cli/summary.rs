//! Plain-text views of the outcome model for the terminal (the reports with layout come from
//! templates).

use std::collections::{BTreeMap, BTreeSet};

use norma::outcome::{Assessment, Norm, Question, Step, StepInput};
use norma::portfolio::Portfolio;

fn status_words(status: &str, ko: bool) -> &'static str {
    match (status, ko) {
        ("violated", false) => "VIOLATED",
        ("not_met", false) => "not met",
        ("unknown", false) => "unknown",
        ("met", false) => "met",
        ("not_yet_applicable", false) => "not yet applicable",
        ("not_applicable", false) => "not applicable",
        ("violated", true) => "위반",
        ("not_met", true) => "미충족",
        ("unknown", true) => "미확정",
        ("met", true) => "충족",
        ("not_yet_applicable", true) => "적용 전",
        ("not_applicable", true) => "적용 없음",
        _ => "?",
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "unknown".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A summary of an assessment: classification, counts, the norms that matter, open questions.
pub fn assessment(a: &Assessment) -> String {
    let ko = a.lang == "ko";
    let mut out = String::new();
    let name = a.system.name.as_deref().unwrap_or(if ko { "(이름 없는 시스템)" } else { "(unnamed system)" });
    out.push_str(&format!("{name} — {} {}\n{}\n", if ko { "평가 기준일" } else { "as of" }, a.as_of, a.notice));
    for j in &a.jurisdictions {
        let versions: Vec<String> = a
            .provenance
            .instruments
            .iter()
            .filter(|i| j.instruments.contains(&i.id))
            .map(|i| match &i.version {
                Some(v) => format!("{} ({v})", i.id),
                None => i.id.clone(),
            })
            .collect();
        out.push_str(&format!("\n{} — {}\n", j.id, versions.join(", ")));
        let labels: Vec<String> = j
            .classification
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Some(true) => {
                        if ko {
                            "예"
                        } else {
                            "yes"
                        }
                    }
                    Some(false) => {
                        if ko {
                            "아니오"
                        } else {
                            "no"
                        }
                    }
                    None => {
                        if ko {
                            "미확정"
                        } else {
                            "undecided"
                        }
                    }
                };
                format!("{k}: {v}")
            })
            .collect();
        if !labels.is_empty() {
            out.push_str(&format!("  {}: {}\n", if ko { "분류" } else { "classification" }, labels.join(" · ")));
        }
        let counts: Vec<String> = ["violated", "not_met", "unknown", "met", "not_yet_applicable", "not_applicable"]
            .iter()
            .map(|s| format!("{} {}", j.counts.get(*s).copied().unwrap_or(0), status_words(s, ko)))
            .collect();
        out.push_str(&format!("  {}: {}\n", if ko { "규범" } else { "norms" }, counts.join(" · ")));
        for n in j.norms.iter().filter(|n| n.status != "not_applicable") {
            let from = match (&n.applies_from, n.status.as_str()) {
                (Some(d), "not_yet_applicable") => format!(" {} {d}", if ko { "시행" } else { "from" }),
                _ => String::new(),
            };
            out.push_str(&format!(
                "    {:<20} {}  {}  {}{from}\n",
                status_words(&n.status, ko),
                n.id,
                n.citations.join(", "),
                n.title.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(c) = &a.change {
        out.push_str(&change(c, ko));
    }
    if let Some(u) = &a.upkeep {
        out.push_str(&upkeep(u, ko));
    }
    if !a.questions.is_empty() {
        out.push('\n');
        out.push_str(&questions(&a.questions, &a.lang));
    }
    out
}

/// Recurring duties falling due and evidence running out, one line each.
fn upkeep(u: &norma::outcome::Upkeep, ko: bool) -> String {
    let mut out = if ko {
        format!(
            "\n{}일 관리 일정: 주기적 의무 {}건 도래, 증빙 {}건 효력 상실 예정\n",
            u.within_days,
            u.due.len(),
            u.expiring.len()
        )
    } else {
        format!(
            "\nupkeep within {} days: {} recurring duties due, {} evidence records running out\n",
            u.within_days,
            u.due.len(),
            u.expiring.len()
        )
    };
    for d in &u.due {
        let overdue = match (d.overdue, ko) {
            (true, true) => " (기한 경과)",
            (true, false) => " (overdue)",
            _ => "",
        };
        out.push_str(&format!("  {} {} {}{overdue}\n", d.next_due, d.jurisdiction, d.norm));
    }
    for e in &u.expiring {
        let until = if ko { "유효 기한" } else { "counts until" };
        out.push_str(&format!("  {} {} {} ({until} {})\n", e.jurisdiction, e.evidence, e.norm, e.valid_until));
    }
    out
}

/// A summary across the systems of a portfolio run: per system and jurisdiction, the classes that
/// hold or are undecided and the norms by status; then the facts files that could not be assessed.
pub fn portfolio(p: &Portfolio) -> String {
    let ko = p.lang == "ko";
    let t = &p.totals;
    let mut out = if ko {
        format!(
            "포트폴리오 요약 — 평가 기준일 {} — 시스템 {}개: 평가 완료 {} · 평가 불가 {}\n{}\n",
            p.as_of, t.systems, t.assessed, t.failed, p.notice
        )
    } else {
        format!(
            "Portfolio summary — as of {} — {} systems: {} assessed · {} could not be assessed\n{}\n",
            p.as_of, t.systems, t.assessed, t.failed, p.notice
        )
    };
    let counts = |counts: &BTreeMap<String, usize>| -> String {
        norma::portfolio::STATUSES
            .iter()
            .map(|s| format!("{} {}", counts.get(*s).copied().unwrap_or(0), status_words(s, ko)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    for s in p.systems.iter().filter(|s| s.outcome == "assessed") {
        let name = s.name.as_deref().unwrap_or(if ko { "(이름 없는 시스템)" } else { "(unnamed system)" });
        out.push_str(&format!("\n{name} ({} → {})\n", s.facts_file, s.report.as_deref().unwrap_or("")));
        for j in &s.jurisdictions {
            let labels: Vec<String> = j
                .labels
                .iter()
                .filter_map(|l| match l.value {
                    Some(true) => Some(l.label.clone()),
                    None => Some(format!("{} ({})", l.label, if ko { "미확정" } else { "undecided" })),
                    Some(false) => None,
                })
                .collect();
            let labels = if labels.is_empty() { "—".to_string() } else { labels.join(", ") };
            out.push_str(&format!("  {}  {labels}\n      {}\n", j.id, counts(&j.counts)));
        }
    }
    out.push_str(&format!("\n{}: {}\n", if ko { "합계" } else { "total" }, counts(&t.counts)));
    let failed: Vec<&norma::portfolio::SystemSummary> = p.systems.iter().filter(|s| s.outcome == "failed").collect();
    if !failed.is_empty() {
        out.push_str(if ko {
            "\n평가하지 못한 사실 파일:\n"
        } else {
            "\nFacts files that could not be assessed:\n"
        });
        for s in failed {
            out.push_str(&format!("  {}\n", s.error.as_deref().unwrap_or(&s.facts_file)));
        }
    }
    out
}

/// The change since an earlier assessment, one line per jurisdiction that changed.
fn change(c: &norma::diff::Diff, ko: bool) -> String {
    let mut out = if ko {
        format!("\n지난 평가({}) 이후 변경 사항:\n", c.before.as_of)
    } else {
        format!("\nChange since the last assessment (as of {}):\n", c.before.as_of)
    };
    for j in &c.jurisdictions {
        let counts = [j.new_gaps.len(), j.regressions.len(), j.resolved.len(), j.other.len(), j.labels.len()];
        if counts.iter().all(|n| *n == 0) {
            continue;
        }
        let [new_gaps, worse, resolved, other, labels] = counts;
        out.push_str(&if ko {
            format!("  {}: 새로운 격차 {new_gaps} · 악화 {worse} · 해소 {resolved} · 기타 {other} · 분류 변경 {labels}\n", j.id)
        } else {
            format!(
                "  {}: {new_gaps} new gaps · {worse} worse · {resolved} resolved · {other} other · {labels} re-classified\n",
                j.id
            )
        });
    }
    out.push_str(match (c.regressed, ko) {
        (true, false) => "  Something regressed; `--format md` or `norma diff` lists what.\n",
        (false, false) => "  Nothing regressed.\n",
        (true, true) => "  악화된 항목이 있습니다. `--format md` 또는 `norma diff`로 확인하십시오.\n",
        (false, true) => "  악화된 항목이 없습니다.\n",
    });
    out
}

/// Open questions, most decisive first.
pub fn questions(qs: &[Question], lang: &str) -> String {
    let ko = lang == "ko";
    if qs.is_empty() {
        return if ko { "열린 질문이 없습니다.\n".into() } else { "No open questions.\n".into() };
    }
    let mut out = String::from(if ko {
        "열린 질문 (결정적인 순서):\n"
    } else {
        "Open questions, most decisive first:\n"
    });
    for (i, q) in qs.iter().enumerate() {
        let decides = if ko { format!("{}개 결과를 결정", q.decides) } else { format!("decides {}", q.decides) };
        out.push_str(&format!("{:>3}. [{}] {} ({decides})\n", i + 1, q.fact, q.question));
        if !q.allowed.is_empty() {
            let values: Vec<&str> = q.allowed.iter().map(|c| c.value.as_str()).collect();
            out.push_str(&format!("       {}: {}\n", if ko { "값" } else { "values" }, values.join(", ")));
        }
    }
    out
}

/// A norm's outcome and its derivation as a tree.
pub fn explanation(n: &Norm, a: &Assessment) -> String {
    let ko = a.lang == "ko";
    let mut out = format!(
        "{} — {} ({})\n{}: {}",
        n.id,
        n.title.as_deref().unwrap_or(""),
        n.citations.join(", "),
        if ko { "상태" } else { "status" },
        status_words(&n.status, ko)
    );
    if let Some(d) = &n.applies_from {
        out.push_str(&format!(" · {} {d}", if ko { "시행일" } else { "applies from" }));
    }
    if let Some(e) = &n.excepted_by {
        out.push_str(&format!(" · {} {e}", if ko { "예외" } else { "set aside by" }));
    }
    out.push_str(&format!("\n{}\n\n", a.notice));
    let steps: BTreeMap<&str, &Step> = a.rules.iter().map(|(id, s)| (id.as_str(), s)).collect();
    let mut seen = BTreeSet::new();
    if let Some(first) = n.trace.first().and_then(|id| a.rules.get(id)) {
        tree(first, &steps, 0, &mut seen, &mut out);
    }
    if !n.missing.is_empty() {
        out.push_str(&format!(
            "\n{}: {}\n",
            if ko { "결정에 필요한 사실" } else { "would be decided by" },
            n.missing.join(", ")
        ));
    }
    out
}

const MAX_TREE_DEPTH: usize = 24;

fn tree<'a>(
    step: &'a Step,
    steps: &BTreeMap<&str, &'a Step>,
    depth: usize,
    seen: &mut BTreeSet<&'a str>,
    out: &mut String,
) {
    let pad = "  ".repeat(depth);
    let cites = if step.citations.is_empty() { String::new() } else { format!(" ({})", step.citations.join(", ")) };
    out.push_str(&format!("{pad}{} {}{cites} = {}\n", step.kind, step.rule, value_text(&step.value)));
    if !seen.insert(step.rule.as_str()) || depth >= MAX_TREE_DEPTH {
        return;
    }
    for input in &step.inputs {
        match input {
            StepInput::Fact { fact, value } => out.push_str(&format!("{pad}  fact {fact} = {}\n", value_text(value))),
            StepInput::Evidence { evidence, state } => out.push_str(&format!("{pad}  evidence {evidence}: {state}\n")),
            StepInput::AsOf { as_of } => out.push_str(&format!("{pad}  as of {as_of}\n")),
            StepInput::Rule { rule, value } => match steps.get(rule.as_str()) {
                Some(s) if !seen.contains(rule.as_str()) => tree(s, steps, depth + 1, seen, out),
                _ => out.push_str(&format!("{pad}  {rule} = {} (see above)\n", value_text(value))),
            },
        }
    }
}
