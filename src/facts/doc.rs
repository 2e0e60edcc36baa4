//! The facts vocabulary as documentation, generated from the checked policy so that it always
//! matches the fact declarations: Markdown for people (`docs/facts.md`) and a JSON Schema that
//! YAML editors use to complete and check facts files.

use serde_json::{Map, Value as Json, json};

use crate::model::{EnumDef, Expr, ExprKind, Fact, Item, Localized, Policy, Type};
use crate::outcome::pick;
use crate::syntax::ast::ItemKind;
use crate::value::TimeUnit;

/// The fixed wording of the Markdown in one language.
struct Words {
    title: &'static str,
    generated: &'static str,
    intro: &'static str,
    contents: &'static str,
    top_level: &'static str,
    count: fn(usize) -> String,
    group_note: &'static str,
    top_note: &'static str,
    yes_no: &'static str,
    number: &'static str,
    number_in: &'static str,
    whole: &'static str,
    whole_in: &'static str,
    text: &'static str,
    date: &'static str,
    duration: &'static str,
    one_of: &'static str,
    any_of: &'static str,
    any_value: &'static str,
    answer: &'static str,
    values: &'static str,
    declared: &'static str,
    example: &'static str,
    note: &'static str,
    evidence: &'static str,
    evidence_intro: &'static str,
    held: &'static str,
    not_held: &'static str,
    not_known: &'static str,
    key: &'static str,
    or: &'static str,
    valid_for: &'static str,
    computed: &'static str,
    example_file: &'static str,
    example_intro: &'static str,
    example_comment: &'static str,
    sample_text: &'static str,
    sample_scope: &'static str,
}

const EN: Words = Words {
    title: "Facts vocabulary",
    generated: "This page is generated from the policies by `norma facts`. Do not edit it by hand.",
    intro: "A facts file is a YAML file that describes one AI system: what it does, the organisation \
that answers for it and how it is used. Norma reads it and applies the policies to it.

- **Groups.** The part of a fact's name before the first dot is its group. Write the facts of a \
group indented under the group's name (`system:`, then `  name: …` on the next line), or write the \
full name on one line (`system.name: …`).
- **A fact left out is unknown**, never \"no\". Results that depend on it stay open.
- **`null` means \"we do not know\".** Write it when the question was considered but the answer \
is not known. The fact then counts as unknown too.
- **Yes/no** facts take `true` or `false`.
- **Numbers** are written plainly (`12000`), or in quotes with the fact's unit before or after them \
(`\"KRW 1_000_000\"`, `\"1e25 FLOP\"`). Underscores may separate the digits.
- **Text** is best written in quotes: `\"CV Screener\"`.
- **Dates** are written `YYYY-MM-DD`, e.g. `2026-08-02`.
- **Lengths of time** are a whole number and a unit: hours, days, working_days, weeks, months or \
years, e.g. `6 months`.
- **Choices.** Where a fact takes one of a list of values, write the value's name as listed (e.g. \
`medical`). Where it takes any number of them, write a list in square brackets (e.g. \
`[workplace, online]`).
- **Evidence** (the documents the organisation holds) goes in a separate `evidence:` section; see \
*Evidence* below.",
    contents: "Contents",
    top_level: "(top level)",
    count: |n| if n == 1 { "1 fact".to_string() } else { format!("{n} facts") },
    group_note: "Write these facts indented under `{g}:`, or with their full name on one line.",
    top_note: "These facts are written at the top level of the file, outside any group.",
    yes_no: "yes or no (`true` / `false`)",
    number: "number",
    number_in: "number in {u}",
    whole: "whole number",
    whole_in: "whole number in {u}",
    text: "text",
    date: "date (`YYYY-MM-DD`)",
    duration: "length of time (e.g. `6 months`)",
    one_of: "one of the values below",
    any_of: "any of the values below (a list)",
    any_value: "any value",
    answer: "Answer",
    values: "Allowed values",
    declared: "Declared in",
    example: "Example",
    note: "Note",
    evidence: "Evidence",
    evidence_intro: "Evidence records the documents the organisation holds. Under `evidence:`, give \
each kind of evidence by its name (or by its full name, `module.name`) and one of:

- a record with `reference` (the document's reference) and `date` (when it was produced), and \
optionally `expires` (the date it stops being valid) and `scope` (what it covers);
- `false` when the organisation does not hold it;
- `null`, or nothing at all, when it is not known.",
    held: "held: the document and its date",
    not_held: "not held",
    not_known: "not known",
    key: "Name in a facts file",
    or: "or",
    valid_for: "Valid for",
    computed: "a period the policy calculates",
    example_file: "Example facts file",
    example_intro: "A minimal facts file. Every fact it leaves out is unknown.",
    example_comment: "Facts about one AI system (example)",
    sample_text: "Example",
    sample_scope: "All versions of the system",
};

const KO: Words = Words {
    title: "사실 항목 안내",
    generated: "이 문서는 `norma facts`가 정책에서 자동으로 생성합니다. 직접 수정하지 마십시오.",
    intro: "사실 파일은 인공지능 시스템 하나를 설명하는 YAML 파일입니다. 시스템이 하는 일, 시스템을 \
책임지는 조직, 시스템이 사용되는 방식을 적습니다. Norma는 이 파일을 읽어 정책을 적용합니다.

- **그룹.** 사실 이름에서 첫 번째 점 앞부분이 그룹입니다. 그룹의 사실은 그룹 이름 아래에 들여 써서 \
적거나(`system:` 다음 줄에 `  name: …`), 전체 이름으로 한 줄에 적습니다(`system.name: …`).
- **적지 않은 사실은 '알 수 없음'입니다.** '아니요'로 보지 않습니다. 그 사실에 달린 결과는 미정으로 \
남습니다.
- **`null`은 '모른다'는 뜻입니다.** 질문을 검토했지만 답을 모를 때 적습니다. 이 경우에도 사실은 \
'알 수 없음'으로 처리됩니다.
- **예/아니요** 사실에는 `true` 또는 `false`를 적습니다.
- **수**는 그대로 적거나(`12000`), 따옴표 안에 사실의 단위를 앞이나 뒤에 붙여 적습니다\
(`\"KRW 1_000_000\"`, `\"1e25 FLOP\"`). 밑줄(`_`)로 자릿수를 구분할 수 있습니다.
- **텍스트**는 따옴표 안에 적는 것이 좋습니다: `\"CV Screener\"`.
- **날짜**는 `YYYY-MM-DD` 형식으로 적습니다(예: `2026-08-02`).
- **기간**은 정수와 단위로 적습니다. 단위는 hours, days, working_days, weeks, months, years 중 \
하나입니다(예: `6 months`).
- **선택.** 값 목록 중 하나를 고르는 사실에는 표시된 값의 이름을 적습니다(예: `medical`). 여러 값을 \
고를 수 있는 사실에는 대괄호 안에 목록으로 적습니다(예: `[workplace, online]`).
- **증빙**(조직이 보유한 문서)은 별도의 `evidence:` 절에 적습니다. 아래 *증빙* 절을 보십시오.",
    contents: "목차",
    top_level: "(최상위)",
    count: |n| format!("사실 {n}개"),
    group_note: "이 사실들은 `{g}:` 아래에 들여 써서 적거나, 전체 이름으로 한 줄에 적습니다.",
    top_note: "이 사실들은 어느 그룹에도 속하지 않고 파일의 최상위에 적습니다.",
    yes_no: "예 또는 아니요 (`true` / `false`)",
    number: "수",
    number_in: "수 (단위: {u})",
    whole: "정수",
    whole_in: "정수 (단위: {u})",
    text: "텍스트",
    date: "날짜 (`YYYY-MM-DD`)",
    duration: "기간 (예: `6 months`)",
    one_of: "아래 값 중 하나",
    any_of: "아래 값 중 해당하는 것 모두 (목록)",
    any_value: "임의의 값",
    answer: "답의 형식",
    values: "허용되는 값",
    declared: "선언한 모듈",
    example: "예시",
    note: "참고",
    evidence: "증빙",
    evidence_intro: "증빙은 조직이 보유한 문서를 기록합니다. `evidence:` 아래에 증빙의 종류를 이름\
(또는 전체 이름 `module.name`)으로 적고, 다음 중 하나를 적습니다.

- `reference`(문서 참조번호)와 `date`(작성일)가 있는 기록. 선택적으로 `expires`(효력이 끝나는 날)와 \
`scope`(적용 범위)를 적을 수 있습니다.
- 조직이 보유하지 않으면 `false`.
- 알 수 없으면 `null`, 또는 아무것도 적지 않습니다.",
    held: "보유: 문서와 작성일",
    not_held: "보유하지 않음",
    not_known: "알 수 없음",
    key: "사실 파일에 적는 이름",
    or: "또는",
    valid_for: "유효 기간",
    computed: "정책이 계산하는 기간",
    example_file: "예시 사실 파일",
    example_intro: "최소한의 사실 파일입니다. 적지 않은 사실은 모두 '알 수 없음'으로 처리됩니다.",
    example_comment: "인공지능 시스템 하나에 관한 사실 (예시)",
    sample_text: "예시",
    sample_scope: "시스템의 모든 버전",
};

/// The fixed wording for `lang` (English unless Korean).
fn words(lang: &str) -> &'static Words {
    if lang == "ko" { &KO } else { &EN }
}

/// One heading of the Markdown with the text below it.
struct Section {
    level: usize,
    heading: String,
    body: String,
    /// Listed in the table of contents, with this note after the link.
    toc: Option<String>,
}

/// The facts vocabulary as Markdown, in `lang` (`en` or `ko`; English where a text is missing).
pub fn markdown(policy: &Policy, lang: &str) -> String {
    let w = words(lang);
    let mut sections = Vec::new();
    for (group, facts) in groups(policy) {
        sections.push(group_section(group, facts.len(), w));
        sections.extend(facts.iter().map(|f| fact_section(policy, f, lang, w)));
    }
    sections.push(evidence_section(policy, w));
    sections.extend(evidence_kinds(policy).into_iter().map(|i| kind_section(policy, i, lang, w)));
    sections.push(Section {
        level: 2,
        heading: w.example_file.to_string(),
        body: format!("{}\n\n```yaml\n{}```\n", w.example_intro, example_file(policy, w)),
        toc: Some(String::new()),
    });
    assemble(w, &sections)
}

/// The page: title, introduction, contents, then every section.
fn assemble(w: &Words, sections: &[Section]) -> String {
    let mut slugs = Slugs::default();
    slugs.take(w.title);
    slugs.take(w.contents);
    let anchors: Vec<String> = sections.iter().map(|s| slugs.take(&s.heading)).collect();
    let mut out = format!("# {}\n\n{}\n\n{}\n\n## {}\n\n", w.title, w.generated, w.intro, w.contents);
    for (s, anchor) in sections.iter().zip(&anchors) {
        if let Some(note) = &s.toc {
            let sep = if note.is_empty() { "" } else { ": " };
            out.push_str(&format!("- [{}](#{anchor}){sep}{note}\n", s.heading));
        }
    }
    for s in sections {
        out.push_str(&format!("\n{} {}\n\n{}", "#".repeat(s.level), s.heading, s.body));
    }
    out
}

/// Heading anchors as GitHub makes them, numbered when repeated.
#[derive(Default)]
struct Slugs(std::collections::BTreeMap<String, usize>);

impl Slugs {
    /// The anchor of the next heading with text `heading`.
    fn take(&mut self, heading: &str) -> String {
        let base: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let seen = self.0.entry(base.clone()).or_insert(0);
        let slug = if *seen == 0 { base } else { format!("{base}-{seen}") };
        *seen += 1;
        slug
    }
}

/// Facts by group (the part of the name before the first dot; `None` for facts without a dot), in
/// declaration order.
fn groups(policy: &Policy) -> Vec<(Option<&str>, Vec<&Fact>)> {
    let mut out: Vec<(Option<&str>, Vec<&Fact>)> = Vec::new();
    for fact in &policy.facts {
        let group = fact.name.split_once('.').map(|(g, _)| g);
        match out.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(fact),
            None => out.push((group, vec![fact])),
        }
    }
    out
}

/// The heading and note of a group.
fn group_section(group: Option<&str>, count: usize, w: &Words) -> Section {
    let (heading, body) = match group {
        Some(g) => (format!("`{g}`"), w.group_note.replace("{g}", g)),
        None => (w.top_level.to_string(), w.top_note.to_string()),
    };
    Section { level: 2, heading, body: format!("{body}\n"), toc: Some((w.count)(count)) }
}

/// The section of one fact: question, help, answer form, values, module and an example line.
fn fact_section(policy: &Policy, fact: &Fact, lang: &str, w: &Words) -> Section {
    let mut body = String::new();
    if let Some(q) = text_in(&fact.questions, lang) {
        body.push_str(&format!("**{}**\n\n", md(&q)));
    }
    if let Some(h) = text_in(&fact.help, lang) {
        body.push_str(&format!("{}\n\n", md(&h)));
    }
    body.push_str(&format!("- **{}:** {}\n", w.answer, answer_kind(fact, w)));
    if let Some(def) = enum_of(policy, &fact.ty) {
        body.push_str(&format!("- **{}:**\n", w.values));
        for (name, labels) in &def.variants {
            match label_in(labels, lang) {
                Some(l) => body.push_str(&format!("  - `{name}`: {}\n", md(l))),
                None => body.push_str(&format!("  - `{name}`\n")),
            }
        }
    }
    if !fact.docs.is_empty() {
        body.push_str(&format!("- **{}:** {}\n", w.note, md(&fact.docs.join(" "))));
    }
    body.push_str(&format!("- **{}:** {}\n", w.declared, module_ref(policy, fact.module, lang)));
    let key = fact.name.split_once('.').map_or(fact.name.as_str(), |(_, rest)| rest);
    body.push_str(&format!("- **{}:** `{key}: {}`\n", w.example, sample(policy, fact, w)));
    Section { level: 3, heading: format!("`{}`", fact.name), body, toc: None }
}

/// The text of `list` in `lang` (English, then any language, when missing).
fn text_in(list: &[Localized], lang: &str) -> Option<String> {
    pick(list, lang, None).or_else(|| {
        let any = list.iter().find(|l| l.lang == lang).or_else(|| list.iter().find(|l| l.lang == "en"));
        any.or_else(|| list.first()).map(|l| l.text.clone())
    })
}

/// The label of an enumeration value in `lang` (English, then any language, when missing).
fn label_in<'a>(labels: &'a [(String, String)], lang: &str) -> Option<&'a str> {
    let find = |want: &str| labels.iter().find(|(l, _)| l == want).map(|(_, t)| t.as_str());
    find(lang).or_else(|| find("en")).or_else(|| labels.first().map(|(_, t)| t.as_str()))
}

/// Plain text made safe for Markdown: one line, no accidental emphasis, code or HTML.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A module as `` `id` `` followed by its title.
fn module_ref(policy: &Policy, id: crate::model::ModuleId, lang: &str) -> String {
    let Some(module) = policy.module(id) else { return String::new() };
    match text_in(&module.titles, lang) {
        Some(t) => format!("`{}` ({})", module.id, md(&t)),
        None => format!("`{}`", module.id),
    }
}

/// The enumeration behind an enumeration or set type.
fn enum_of<'a>(policy: &'a Policy, ty: &Type) -> Option<&'a EnumDef> {
    match ty {
        Type::Enum(e) | Type::Set(e) => policy.enums.get(e.0 as usize),
        _ => None,
    }
}

/// The kind of answer a fact takes, in plain words.
fn answer_kind(fact: &Fact, w: &Words) -> String {
    match (&fact.ty, fact.integer) {
        (Type::Bool, _) => w.yes_no.to_string(),
        (Type::Number(None), false) => w.number.to_string(),
        (Type::Number(None), true) => w.whole.to_string(),
        (Type::Number(Some(u)), false) => w.number_in.replace("{u}", u),
        (Type::Number(Some(u)), true) => w.whole_in.replace("{u}", u),
        (Type::Text, _) => w.text.to_string(),
        (Type::Date, _) => w.date.to_string(),
        (Type::Duration, _) => w.duration.to_string(),
        (Type::Enum(_), _) => w.one_of.to_string(),
        (Type::Set(_), _) => w.any_of.to_string(),
        (Type::List(_) | Type::Any, _) => w.any_value.to_string(),
    }
}

/// A sample value for a fact, as YAML.
fn sample(policy: &Policy, fact: &Fact, w: &Words) -> String {
    let names: Vec<String> =
        enum_of(policy, &fact.ty).map(|d| d.variants.iter().map(|(n, _)| yaml_name(n)).collect()).unwrap_or_default();
    match (&fact.ty, fact.integer) {
        (Type::Bool, _) => "true".to_string(),
        (Type::Number(None), _) => "1000".to_string(),
        (Type::Number(Some(u)), true) => format!("\"1_000 {u}\""),
        (Type::Number(Some(u)), false) => format!("\"1_000_000 {u}\""),
        (Type::Text, _) => format!("\"{}\"", w.sample_text),
        (Type::Date, _) => "2026-08-02".to_string(),
        (Type::Duration, _) => "6 months".to_string(),
        (Type::Enum(_), _) => names.first().cloned().unwrap_or_else(|| "null".to_string()),
        (Type::Set(_), _) => format!("[{}]", names.iter().take(2).cloned().collect::<Vec<_>>().join(", ")),
        (Type::List(_) | Type::Any, _) => "null".to_string(),
    }
}

/// An enumeration value as a YAML scalar, quoted where YAML would read it as something else.
fn yaml_name(name: &str) -> String {
    let special = ["true", "false", "null", "yes", "no", "on", "off", "~"];
    if special.contains(&name.to_lowercase().as_str()) || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// Every evidence kind, in declaration order.
fn evidence_kinds(policy: &Policy) -> Vec<&Item> {
    policy.items.iter().filter(|i| i.kind == ItemKind::Evidence).collect()
}

/// The shortest name a facts file can use for an evidence kind: its own name unless another
/// module declares the same one.
fn evidence_key(policy: &Policy, item: &Item) -> String {
    let same = evidence_kinds(policy).iter().filter(|i| i.name == item.name).count();
    if same == 1 { item.name.clone() } else { item.qualified.clone() }
}

/// The introduction to evidence, with a sample `evidence:` section.
fn evidence_section(policy: &Policy, w: &Words) -> Section {
    let kinds = evidence_kinds(policy);
    let mut body = format!("{}\n", w.evidence_intro);
    if let Some(first) = kinds.first() {
        body.push_str(&format!(
            "\n```yaml\nevidence:\n  # {}\n  {}:\n    reference: \"DOC-2026-001\"\n    date: 2026-05-01\n    \
             expires: 2027-05-01\n    scope: \"{}\"\n",
            w.held,
            evidence_key(policy, first),
            w.sample_scope
        ));
        let rest = kinds.iter().skip(1).map(|k| evidence_key(policy, k));
        for (key, (value, what)) in rest.zip([("false", w.not_held), ("null", w.not_known)]) {
            body.push_str(&format!("  {key}: {value}  # {what}\n"));
        }
        body.push_str("```\n");
    }
    Section { level: 2, heading: w.evidence.to_string(), body, toc: Some(String::new()) }
}

/// The section of one evidence kind: title, text, name to use, validity and module.
fn kind_section(policy: &Policy, item: &Item, lang: &str, w: &Words) -> Section {
    let mut body = String::new();
    if let Some(t) = text_in(&item.titles, lang) {
        body.push_str(&format!("**{}**\n\n", md(&t)));
    }
    match text_in(&item.texts, lang) {
        Some(t) => body.push_str(&format!("{}\n\n", md(&t))),
        None if !item.docs.is_empty() => body.push_str(&format!("{}\n\n", md(&item.docs.join(" ")))),
        None => {}
    }
    let key = evidence_key(policy, item);
    let names =
        if key == item.qualified { format!("`{key}`") } else { format!("`{key}` ({} `{}`)", w.or, item.qualified) };
    body.push_str(&format!("- **{}:** {names}\n", w.key));
    if let Some(v) = &item.valid_for {
        body.push_str(&format!("- **{}:** {}\n", w.valid_for, validity(v, lang, w)));
    }
    body.push_str(&format!("- **{}:** {}\n", w.declared, module_ref(policy, item.module, lang)));
    Section { level: 3, heading: format!("`{}`", item.qualified), body, toc: None }
}

/// How long evidence stays valid, counted from its date.
fn validity(expr: &Expr, lang: &str, w: &Words) -> String {
    let ExprKind::Number { value, unit } = &expr.kind else { return w.computed.to_string() };
    let amount =
        if value.fract() == 0.0 && value.abs() < 1e15 { format!("{}", *value as i64) } else { value.to_string() };
    let unit = unit.as_deref().unwrap_or("");
    if lang != "ko" {
        return format!("{amount} {unit} from its date");
    }
    let korean = match TimeUnit::from_word(unit) {
        Some(TimeUnit::Hours) => "시간",
        Some(TimeUnit::Days) => "일",
        Some(TimeUnit::WorkingDays) => "영업일",
        Some(TimeUnit::Weeks) => "주",
        Some(TimeUnit::Months) => "개월",
        Some(TimeUnit::Years) => "년",
        None => unit,
    };
    format!("작성일로부터 {amount}{korean}")
}

/// A minimal facts file: a few facts of different kinds and one evidence record.
fn example_file(policy: &Policy, w: &Words) -> String {
    let mut out = format!("# {}\n", w.example_comment);
    let mut current: Option<&str> = None;
    for fact in example_facts(policy) {
        let value = sample(policy, fact, w);
        match fact.name.split_once('.') {
            Some((group, rest)) => {
                if current != Some(group) {
                    out.push_str(&format!("{group}:\n"));
                    current = Some(group);
                }
                out.push_str(&format!("  {rest}: {value}\n"));
            }
            None => {
                current = None;
                out.push_str(&format!("{}: {value}\n", fact.name));
            }
        }
    }
    if let Some(kind) = evidence_kinds(policy).first() {
        out.push_str(&format!(
            "evidence:\n  {}:\n    reference: \"DOC-2026-001\"\n    date: 2026-05-01\n",
            evidence_key(policy, kind)
        ));
    }
    out
}

/// Up to four facts for the example: the first text, list, yes/no and date facts (others when
/// some kind is missing), in declaration order and grouped as a file would group them.
fn example_facts(policy: &Policy) -> Vec<&Fact> {
    let kinds: [fn(&Type) -> bool; 4] = [
        |t| matches!(t, Type::Text),
        |t| matches!(t, Type::Set(_)),
        |t| matches!(t, Type::Bool),
        |t| matches!(t, Type::Date),
    ];
    let usable = |f: &&Fact| !matches!(f.ty, Type::List(_) | Type::Any);
    let mut chosen: Vec<usize> =
        kinds.iter().filter_map(|k| policy.facts.iter().position(|f| usable(&f) && k(&f.ty))).collect();
    for (i, _) in policy.facts.iter().enumerate().filter(|(_, f)| usable(f)) {
        if chosen.len() >= 4 {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    let mut facts: Vec<&Fact> = Vec::new();
    for (_, members) in groups(policy) {
        facts.extend(members.into_iter().filter(|f| chosen.iter().any(|&i| policy.facts.get(i) == Some(*f))));
    }
    facts
}

// ---- JSON Schema ----

/// The JSON Schema dialect used.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// A calendar date as the facts reader accepts it.
const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// A length of time: a whole number and a unit.
const DURATION_PATTERN: &str = "^\\s*[0-9][0-9_]*\\s+(hours?|days?|working(_|\\s+)days?|weeks?|months?|years?)\\s*$";
/// A number as the facts reader accepts it in text: digits with `_`, a fraction, an exponent.
const NUMBER: &str = "[+-]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9][0-9_]*)([eE][+-]?[0-9][0-9_]*)?";

/// The facts of the policy as a tree of dotted-name segments.
#[derive(Default)]
struct Tree<'a> {
    fact: Option<&'a Fact>,
    children: Vec<(String, Tree<'a>)>,
}

impl<'a> Tree<'a> {
    /// Every fact of `policy` at its nested place.
    fn of(policy: &'a Policy) -> Tree<'a> {
        let mut root = Tree::default();
        for fact in &policy.facts {
            let mut node = &mut root;
            for segment in fact.name.split('.') {
                let at = match node.children.iter().position(|(n, _)| n == segment) {
                    Some(i) => i,
                    None => {
                        node.children.push((segment.to_string(), Tree::default()));
                        node.children.len() - 1
                    }
                };
                let Some((_, child)) = node.children.get_mut(at) else { break };
                node = child;
            }
            node.fact = Some(fact);
        }
        root
    }

    /// The dotted paths below this node that are at least two segments deep.
    fn dotted(&self) -> Vec<Vec<&str>> {
        let mut out = Vec::new();
        for (name, child) in &self.children {
            for mut path in child.paths() {
                if !path.is_empty() {
                    path.insert(0, name.as_str());
                    out.push(path);
                }
            }
        }
        out
    }

    /// Every path from this node to a node below it (the node itself as the empty path).
    fn paths(&self) -> Vec<Vec<&str>> {
        let mut out = vec![Vec::new()];
        for (name, child) in &self.children {
            for mut path in child.paths() {
                path.insert(0, name.as_str());
                out.push(path);
            }
        }
        out
    }
}

/// A JSON Schema (draft 2020-12) for facts files, for YAML editors.
pub fn json_schema(policy: &Policy) -> Json {
    let tree = Tree::of(policy);
    let mut root = object_schema(policy, &tree, &[]);
    if let Some(props) = root.get_mut("properties").and_then(Json::as_object_mut) {
        props.insert("evidence".to_string(), evidence_schema(policy));
    }
    let mut out = Map::new();
    out.insert("$schema".to_string(), json!(DIALECT));
    out.insert("title".to_string(), json!("Norma facts file"));
    out.insert(
        "description".to_string(),
        json!(
            "Facts about one AI system, read by Norma. A fact left out is unknown; null means \
             \"do not know\". Evidence goes under `evidence`."
        ),
    );
    if let Json::Object(body) = root {
        out.extend(body);
    }
    out.insert("type".to_string(), json!("object"));
    Json::Object(out)
}

/// The schema of a node of the tree at `path`: a fact's schema, or an object of its children.
fn node_schema(policy: &Policy, tree: &Tree<'_>, path: &[&str]) -> Json {
    match tree.fact {
        Some(fact) => fact_schema(policy, fact),
        None => object_schema(policy, tree, path),
    }
}

/// An object with the children of `tree` as properties; dotted keys that reach further down are
/// accepted too, as the facts reader accepts them.
fn object_schema(policy: &Policy, tree: &Tree<'_>, path: &[&str]) -> Json {
    let mut props = Map::new();
    for (name, child) in &tree.children {
        let child_path: Vec<&str> = path.iter().copied().chain([name.as_str()]).collect();
        props.insert(name.clone(), node_schema(policy, child, &child_path));
    }
    let mut patterns = Map::new();
    for rest in tree.dotted() {
        let full: Vec<&str> = path.iter().copied().chain(rest.iter().copied()).collect();
        let escaped: Vec<String> = rest.iter().map(|s| regex_escape(s)).collect();
        patterns.insert(format!("^{}$", escaped.join("\\.")), json!({ "$ref": pointer(&full) }));
    }
    let mut schema = json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": props,
    });
    if let Some(obj) = schema.as_object_mut() {
        if !patterns.is_empty() {
            obj.insert("patternProperties".to_string(), Json::Object(patterns));
        }
        if !path.is_empty() {
            obj.insert("description".to_string(), json!(format!("Facts under `{}`.", path.join("."))));
        }
    }
    schema
}

/// A JSON pointer (as a `$ref`) to the schema of the fact or group at `path`.
fn pointer(path: &[&str]) -> String {
    let parts: Vec<String> =
        path.iter().map(|s| format!("/properties/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
    format!("#{}", parts.concat())
}

/// `text` with the characters that mean something in a regular expression escaped.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The schema of one fact, with its English question and help as the description.
fn fact_schema(policy: &Policy, fact: &Fact) -> Json {
    let def = enum_of(policy, &fact.ty);
    let values =
        || -> Vec<Json> { def.map(|d| d.variants.iter().map(|(n, _)| json!(n)).collect()).unwrap_or_default() };
    let labels = || -> Vec<Json> {
        def.map(|d| d.variants.iter().map(|(n, l)| json!(label_in(l, "en").unwrap_or(n))).collect()).unwrap_or_default()
    };
    let mut schema = match &fact.ty {
        Type::Bool => json!({ "type": ["boolean", "null"] }),
        Type::Number(unit) => number_schema(unit.as_deref(), fact.integer),
        Type::Text => json!({ "type": ["string", "null"] }),
        Type::Date => json!({ "type": ["string", "null"], "pattern": DATE_PATTERN }),
        Type::Duration => json!({ "type": ["string", "null"], "pattern": DURATION_PATTERN }),
        Type::Enum(_) => {
            let (mut all, mut described) = (values(), labels());
            all.push(Json::Null);
            described.push(json!("Do not know."));
            json!({ "enum": all, "enumDescriptions": described })
        }
        Type::Set(_) => json!({
            "type": ["array", "null"],
            "items": { "enum": values(), "enumDescriptions": labels() },
            "uniqueItems": true,
        }),
        Type::List(_) | Type::Any => json!({}),
    };
    let (plain, rich) = describe(policy, fact);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("description".to_string(), json!(plain));
        obj.insert("markdownDescription".to_string(), json!(rich));
    }
    schema
}

/// A number fact: a JSON number, or text with the number and optionally the unit.
fn number_schema(unit: Option<&str>, integer: bool) -> Json {
    let kind = if integer { "integer" } else { "number" };
    let pattern = match unit {
        Some(u) => {
            let u = regex_escape(u);
            format!("^\\s*({u}\\s+{NUMBER}|{NUMBER}(\\s+{u})?)\\s*$")
        }
        None => format!("^\\s*{NUMBER}\\s*$"),
    };
    json!({ "type": [kind, "string", "null"], "pattern": pattern })
}

/// The English description of a fact, plain and as Markdown: question, help and answer form.
fn describe(policy: &Policy, fact: &Fact) -> (String, String) {
    let question = text_in(&fact.questions, "en");
    let help = text_in(&fact.help, "en");
    let answer = answer_en(fact);
    let plain: Vec<String> = [question.clone(), help.clone(), Some(answer.clone())].into_iter().flatten().collect();
    let module = policy.module(fact.module).map(|m| format!("Declared in `{}`.", m.id));
    let rich: Vec<String> = [question.map(|q| format!("**{}**", md(&q))), help.map(|h| md(&h)), Some(answer), module]
        .into_iter()
        .flatten()
        .collect();
    (plain.join("\n\n"), rich.join("\n\n"))
}

/// The answer form of a fact, in English, for editors.
fn answer_en(fact: &Fact) -> String {
    let whole = if fact.integer { "A whole number" } else { "A number" };
    match &fact.ty {
        Type::Bool => "Yes or no: true or false.".to_string(),
        Type::Number(Some(u)) => {
            format!("{whole} in {u}: a plain number, or text with the unit, e.g. \"1_000 {u}\" or \"{u} 1_000\".")
        }
        Type::Number(None) => format!("{whole}."),
        Type::Text => "Text.".to_string(),
        Type::Date => "A date, written YYYY-MM-DD.".to_string(),
        Type::Duration => {
            "A length of time: a whole number and a unit (hours, days, working_days, weeks, months or years), \
             e.g. \"6 months\"."
                .to_string()
        }
        Type::Enum(_) => "One of the listed values.".to_string(),
        Type::Set(_) => "A list of the listed values.".to_string(),
        Type::List(_) | Type::Any => "Any value.".to_string(),
    }
}

/// The `evidence` section: each kind by name (and by `module.name`), as false, null or a record.
fn evidence_schema(policy: &Policy) -> Json {
    let mut props = Map::new();
    let mut patterns = Map::new();
    for item in evidence_kinds(policy) {
        let schema = kind_schema(item);
        let key = evidence_key(policy, item);
        if key != item.qualified {
            props.insert(key, schema.clone());
            patterns.insert(format!("^{}$", regex_escape(&item.qualified)), schema);
        } else {
            props.insert(key, schema);
        }
    }
    json!({
        "type": ["object", "null"],
        "description": "Evidence the organisation holds: for each kind, a record (reference and date), \
                        false when not held, or null when not known.",
        "additionalProperties": false,
        "properties": props,
        "patternProperties": patterns,
    })
}

/// One evidence kind: `false`, `null` or a record.
fn kind_schema(item: &Item) -> Json {
    let title = text_in(&item.titles, "en");
    let text = text_in(&item.texts, "en").or_else(|| (!item.docs.is_empty()).then(|| item.docs.join(" ")));
    let description: Vec<String> = [title, text].into_iter().flatten().collect();
    let date = json!({ "type": "string", "pattern": DATE_PATTERN });
    let record = json!({
        "type": "object",
        "required": ["reference", "date"],
        "additionalProperties": false,
        "properties": {
            "reference": { "type": ["string", "integer"], "description": "The document's reference." },
            "date": merge(&date, "When the document was produced (YYYY-MM-DD)."),
            "expires": merge(&date, "When it stops being valid (YYYY-MM-DD)."),
            "scope": { "type": ["string", "integer"], "description": "What it covers." },
        },
    });
    json!({
        "description": description.join("\n\n"),
        "oneOf": [
            { "const": false, "description": "Not held." },
            { "type": "null", "description": "Not known." },
            record,
        ],
    })
}

/// `schema` with a description added.
fn merge(schema: &Json, description: &str) -> Json {
    let mut out = schema.clone();
    if let Some(obj) = out.as_object_mut() {
        obj.insert("description".to_string(), json!(description));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn shipped() -> (Sources, Policy) {
        let mut sources = Sources::new();
        crate::embedded::add_to(&mut sources);
        let (policy, diags) = crate::check_sources(&sources);
        assert!(diags.is_empty(), "{diags:?}");
        (sources, policy)
    }

    /// The YAML blocks of `text`, in order (the example facts file closes the page).
    fn yaml_blocks(text: &str) -> Vec<&str> {
        text.split("```yaml\n").skip(1).map(|b| b.split("```").next().unwrap_or("")).collect()
    }

    fn loads(text: &str) -> crate::facts::Facts {
        let (mut sources, policy) = shipped();
        let file = sources.add("example.yaml", text);
        match crate::facts::load(&sources, file, &policy) {
            Ok(facts) => facts,
            Err(d) => panic!("{text}\n{:?}", d.iter().map(|x| &x.message).collect::<Vec<_>>()),
        }
    }

    #[test]
    fn the_markdown_names_every_fact_and_evidence_kind_and_is_stable() {
        let (_, policy) = shipped();
        let md = markdown(&policy, "en");
        for fact in &policy.facts {
            assert!(md.contains(&format!("### `{}`", fact.name)), "{}", fact.name);
        }
        let kinds = evidence_kinds(&policy);
        assert!(kinds.len() >= 3);
        for kind in kinds {
            assert!(md.contains(&format!("### `{}`", kind.qualified)), "{}", kind.qualified);
        }
        assert!(md.contains("- [`system`](#system): "));
        assert!(md.contains("any of the values below"));
        assert!(md.contains("`recruitment_selection`: Recruitment or selection of candidates"));
        assert!(md.contains("whole number in users"));
        assert!(md.contains("12 months from its date"));
        assert_eq!(md, markdown(&policy, "en"));
        assert_eq!(markdown(&policy, "ko"), markdown(&policy, "ko"));
    }

    #[test]
    fn the_korean_markdown_asks_in_korean() {
        let (_, policy) = shipped();
        let md = markdown(&policy, "ko");
        assert!(md.contains("시스템의 의도된 용도는 무엇입니까? 해당하는 항목을 모두 선택하십시오."));
        assert!(md.contains("## 목차"));
        assert!(md.contains("`recruitment_selection`: 채용 또는 지원자 선발"));
        assert!(md.contains("작성일로부터 12개월"));
        assert!(!md.contains("Allowed values"));
    }

    #[test]
    fn the_example_files_are_accepted() {
        let (_, policy) = shipped();
        for lang in ["en", "ko"] {
            let md = markdown(&policy, lang);
            let blocks = yaml_blocks(&md);
            let facts = loads(blocks.last().expect("example"));
            assert!((3..=4).contains(&facts.values.len()), "{lang}: {:?}", facts.values);
            assert_eq!(facts.evidence.len(), 1);
            let evidence = loads(blocks.iter().find(|b| b.starts_with("evidence:")).expect("evidence example"));
            assert_eq!(evidence.evidence.len(), 2);
        }
    }

    #[test]
    fn every_example_line_is_accepted() {
        let (_, policy) = shipped();
        let mut text = String::new();
        for fact in &policy.facts {
            text.push_str(&format!("{}: {}\n", fact.name, sample(&policy, fact, &EN)));
        }
        assert_eq!(loads(&text).values.len(), policy.facts.len());
    }

    fn at<'a>(schema: &'a Json, name: &str) -> &'a Json {
        name.split('.').fold(schema, |s, part| &s["properties"][part])
    }

    #[test]
    fn the_schema_has_every_fact_at_its_place() {
        let (_, policy) = shipped();
        let schema = json_schema(&policy);
        assert_eq!(schema["$schema"], DIALECT);
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["properties"]["system"]["additionalProperties"], false);
        for fact in &policy.facts {
            let s = at(&schema, &fact.name);
            assert!(s["description"].as_str().is_some_and(|d| !d.is_empty()), "{}", fact.name);
            let types = &s["type"];
            match &fact.ty {
                Type::Bool => assert_eq!(types, &json!(["boolean", "null"])),
                Type::Number(_) if fact.integer => assert_eq!(types, &json!(["integer", "string", "null"])),
                Type::Number(_) => assert_eq!(types, &json!(["number", "string", "null"])),
                Type::Text | Type::Date | Type::Duration => assert_eq!(types, &json!(["string", "null"])),
                Type::Enum(e) => {
                    let mut want: Vec<Json> =
                        policy.enums[e.0 as usize].variants.iter().map(|(n, _)| json!(n)).collect();
                    want.push(Json::Null);
                    assert_eq!(s["enum"], Json::Array(want));
                }
                Type::Set(e) => {
                    let want: Vec<Json> = policy.enums[e.0 as usize].variants.iter().map(|(n, _)| json!(n)).collect();
                    assert_eq!(types, &json!(["array", "null"]));
                    assert_eq!(s["items"]["enum"], Json::Array(want));
                    assert_eq!(s["uniqueItems"], true);
                }
                other => panic!("unexpected type {other:?}"),
            }
        }
        let use_cases = at(&schema, "system.use_cases");
        assert!(use_cases["items"]["enum"].as_array().is_some_and(|v| v.contains(&json!("recruitment_selection"))));
        assert!(at(&schema, "system.training_compute")["description"].as_str().is_some_and(|d| d.contains("FLOP")));
        assert_eq!(
            schema["patternProperties"]["^system\\.use_cases$"]["$ref"],
            "#/properties/system/properties/use_cases"
        );
    }

    #[test]
    fn the_schema_describes_evidence_records() {
        let (_, policy) = shipped();
        let schema = json_schema(&policy);
        let evidence = &schema["properties"]["evidence"];
        assert_eq!(evidence["additionalProperties"], false);
        for kind in evidence_kinds(&policy) {
            let s = &evidence["properties"][&kind.name];
            assert_eq!(s["oneOf"][0]["const"], false, "{}", kind.name);
            assert_eq!(s["oneOf"][2]["required"], json!(["reference", "date"]));
            let qualified = format!("^{}$", regex_escape(&kind.qualified));
            assert_eq!(&evidence["patternProperties"][&qualified], s);
        }
    }
}
