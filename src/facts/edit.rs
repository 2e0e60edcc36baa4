//! Writing one answer into the text of a facts file, as a person would: the line `key: value` goes
//! under its group (`system:`, `organisation:`, …) after the group's last line, or replaces a line
//! that gives the key as unknown (`key:` or `key: null`). Everything else in the file (comments,
//! order, blank lines, line endings) stays as it was. Values are written in a canonical form:
//! text in double quotes, lists of choices as `[a, b]`, dates as `YYYY-MM-DD`.

use serde_saphyr::Spanned;

use super::yaml::{self, Node};
use crate::model::Policy;
use crate::source::FileId;
use crate::value::Value;

/// What to write for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A value on the key's own line: `key: value`.
    Inline(String),
    /// A mapping below the key, one `field: value` per line (an evidence record).
    Fields(Vec<(String, String)>),
}

/// Why an answer cannot be written into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The text is not YAML.
    NotYaml(String),
    /// The file is not a mapping of groups written one per line.
    NotBlockMapping,
    /// The key already has a value.
    HasValue(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::NotYaml(e) => write!(f, "the file is not valid YAML: {e}"),
            EditError::NotBlockMapping => f.write_str("the file is not a mapping written one key per line"),
            EditError::HasValue(k) => write!(f, "`{k}` already has a value"),
        }
    }
}

/// `text` with `path` (a dotted fact name such as `system.use_cases`, or `evidence.NAME`) set to
/// `entry`. The part before the first dot is the group; a missing group is added at the end.
pub fn set(text: &str, path: &str, entry: &Entry) -> Result<String, EditError> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let root = yaml::parse(text).map_err(|e| EditError::NotYaml(e.without_snippet().to_string()))?;
    let none = Vec::new();
    let entries = match &root.value {
        Node::Null => &none,
        Node::Map(entries) if !starts_with_brace(text, &root) => entries,
        _ => return Err(EditError::NotBlockMapping),
    };
    let lines = Lines::new(text);
    if let Some((key, value)) = find(entries, path) {
        return replace_null(text, &lines, path, key, value, entry, eol);
    }
    let Some((group, key)) = path.split_once('.') else {
        return Ok(append(text, &lines, &render(0, path, entry, eol), eol, false));
    };
    let Some((group_key, group_value)) = find(entries, group) else {
        let block = format!("{group}:{eol}{}", render(2, key, entry, eol));
        return Ok(append(text, &lines, &block, eol, true));
    };
    let group_line = lines.of(offset(text, group_key));
    let group_col = column(text, &lines, offset(text, group_key));
    match &group_value.value {
        Node::Map(inner) if lines.of(offset(text, group_value)) > group_line => {
            if let Some((k, v)) = find(inner, key) {
                return replace_null(text, &lines, path, k, v, entry, eol);
            }
            let indent = inner.first().map_or(group_col + 2, |(k, _)| column(text, &lines, offset(text, k)));
            let last = lines.last_inside(text, group_line, group_col);
            Ok(lines.insert_after(text, last, &render(indent, key, entry, eol), eol))
        }
        Node::Null if rest_is_empty(after_colon(text, &lines, group_key)) => {
            let last = lines.last_inside(text, group_line, group_col);
            Ok(lines.insert_after(text, last, &render(group_col + 2, key, entry, eol), eol))
        }
        // A group written on one line (`system: {…}` or `system: null`): the fact goes on a line
        // of its own, under its full name.
        Node::Map(_) | Node::Null => Ok(append(text, &lines, &render(0, path, entry, eol), eol, false)),
        _ => Err(EditError::NotBlockMapping),
    }
}

/// A value in the canonical form of a facts file; `None` for a value a facts file cannot hold.
pub fn yaml_value(policy: &Policy, value: &Value) -> Option<String> {
    let name = |e: crate::model::EnumId, i: u32| {
        policy.enums.get(e.0 as usize).and_then(|d| d.variants.get(i as usize)).map(|(n, _)| plain(n))
    };
    Some(match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n, _) => number(*n)?,
        Value::Text(t) => quote(t),
        Value::Date(d) => d.to_string(),
        Value::Duration(d) => quote(&d.to_string()),
        Value::Enum(e, i) => name(*e, *i)?,
        Value::Set(e, s) => format!("[{}]", s.iter().map(|i| name(*e, *i)).collect::<Option<Vec<_>>>()?.join(", ")),
        Value::Unknown | Value::List(_) => return None,
    })
}

/// Text in YAML double quotes, escaped as in JSON; characters YAML does not allow in a file are
/// written as `\uXXXX`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A name written plainly when YAML reads it back as the same text, quoted otherwise.
fn plain(name: &str) -> String {
    let simple = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let special = matches!(name.to_ascii_lowercase().as_str(), "null" | "true" | "false" | "yes" | "no" | "on" | "off");
    if simple && !special { name.to_string() } else { quote(name) }
}

/// A number as YAML reads it back exactly: whole numbers plainly, very large or small ones with
/// an exponent.
fn number(n: f64) -> Option<String> {
    if !n.is_finite() {
        return None;
    }
    Some(if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n != 0.0 && (n.abs() >= 1e15 || n.abs() < 1e-4) {
        format!("{n:e}")
    } else {
        format!("{n}")
    })
}

fn render(indent: usize, key: &str, entry: &Entry, eol: &str) -> String {
    let pad = " ".repeat(indent);
    match entry {
        Entry::Inline(v) => format!("{pad}{key}: {v}{eol}"),
        Entry::Fields(fields) => {
            let mut out = format!("{pad}{key}:{eol}");
            for (f, v) in fields {
                out.push_str(&format!("{pad}  {f}: {v}{eol}"));
            }
            out
        }
    }
}

fn find<'a>(
    entries: &'a [(Spanned<Node>, Spanned<Node>)],
    key: &str,
) -> Option<(&'a Spanned<Node>, &'a Spanned<Node>)> {
    entries.iter().find(|(k, _)| matches!(&k.value, Node::Str(s) if s == key)).map(|(k, v)| (k, v))
}

fn offset<T>(text: &str, node: &Spanned<T>) -> usize {
    yaml::span_of(FileId(0), node, text).start
}

fn starts_with_brace<T>(text: &str, node: &Spanned<T>) -> bool {
    text.get(offset(text, node)..).is_some_and(|rest| rest.starts_with('{'))
}

fn column(text: &str, lines: &Lines, at: usize) -> usize {
    let start = lines.start(lines.of(at));
    text.get(start..at).map_or(0, |s| s.chars().count())
}

/// The text after the colon that follows `key`, to the end of its line.
fn after_colon<'a>(text: &'a str, lines: &Lines, key: &Spanned<Node>) -> &'a str {
    let at = offset(text, key);
    let end = lines.content_end(text, lines.of(at));
    let line = text.get(at..end).unwrap_or("");
    line.find(':').and_then(|c| line.get(c + 1..)).unwrap_or("")
}

/// Whether the rest of a line holds nothing but an optional comment.
fn rest_is_empty(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Replaces the line of `key` (whose value is unknown) with the entry, keeping its comment.
fn replace_null(
    text: &str,
    lines: &Lines,
    path: &str,
    key: &Spanned<Node>,
    value: &Spanned<Node>,
    entry: &Entry,
    eol: &str,
) -> Result<String, EditError> {
    let rest = after_colon(text, lines, key);
    let trimmed = rest.trim_start();
    let token = ["null", "Null", "NULL", "~"].into_iter().find(|t| trimmed.starts_with(t)).unwrap_or("");
    let after = trimmed.get(token.len()..).unwrap_or("");
    let separated = token.is_empty() || after.is_empty() || after.starts_with(char::is_whitespace);
    if value.value != Node::Null || !rest_is_empty(after) || !separated {
        return Err(EditError::HasValue(path.to_string()));
    }
    // The comment with the spaces before it, as written.
    let comment = rest.find('#').map_or("", |h| {
        let spaces = rest.get(..h).map_or(0, |s| s.len() - s.trim_end().len());
        rest.get(h - spaces..).unwrap_or("")
    });
    let line = lines.of(offset(text, key));
    let (start, end) = (lines.start(line), lines.content_end(text, line));
    let head = text.get(start..end).and_then(|l| l.get(..l.len() - rest.len())).unwrap_or("");
    let indent = column(text, lines, offset(text, key));
    let new_line = match entry {
        Entry::Inline(v) => format!("{head} {v}{comment}"),
        Entry::Fields(_) => {
            let below = render(indent, "", entry, eol);
            let fields = below.split_once(eol).map_or("", |(_, f)| f);
            format!("{head}{comment}{eol}{}", fields.strip_suffix(eol).unwrap_or(fields))
        }
    };
    Ok(format!("{}{new_line}{}", text.get(..start).unwrap_or(""), text.get(end..).unwrap_or("")))
}

/// Adds `block` at the end of the text, after a blank line when `separate` and the text does not
/// end with one.
fn append(text: &str, lines: &Lines, block: &str, eol: &str, separate: bool) -> String {
    // A document end marker (`...`) stays last.
    let last = (0..lines.count()).rev().find(|l| !lines.is_blank(text, *l));
    if let Some(end) = last.filter(|l| lines.line(text, *l).trim_end() == "...") {
        let (before, marker) = text.split_at(lines.start(end));
        return append(before, &Lines::new(before), block, eol, separate) + marker;
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    let last_blank = lines.count() == 0 || lines.is_blank(text, lines.count() - 1);
    if separate && !out.is_empty() && !last_blank {
        out.push_str(eol);
    }
    out.push_str(block);
    out
}

/// Where the lines of a text start.
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1).filter(|i| *i < text.len()));
        if text.is_empty() {
            starts.clear();
        }
        Lines { starts, len: text.len() }
    }

    fn count(&self) -> usize {
        self.starts.len()
    }

    fn of(&self, at: usize) -> usize {
        self.starts.partition_point(|s| *s <= at).saturating_sub(1)
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The end of a line without its line break.
    fn content_end(&self, text: &str, line: usize) -> usize {
        let end = self.start(line + 1);
        let content = text.get(self.start(line)..end).unwrap_or("");
        end - (content.len() - content.trim_end_matches(['\n', '\r']).len())
    }

    fn line<'a>(&self, text: &'a str, line: usize) -> &'a str {
        text.get(self.start(line)..self.content_end(text, line)).unwrap_or("")
    }

    fn is_blank(&self, text: &str, line: usize) -> bool {
        self.line(text, line).trim().is_empty()
    }

    /// The last line of the block that starts at `first`: the following lines indented deeper
    /// than `col` (blank lines do not end it).
    fn last_inside(&self, text: &str, first: usize, col: usize) -> usize {
        let mut last = first;
        for line in first + 1..self.count() {
            let content = self.line(text, line);
            if content.trim().is_empty() {
                continue;
            }
            if content.len() - content.trim_start_matches(' ').len() <= col {
                break;
            }
            last = line;
        }
        last
    }

    /// The text with `block` (whole lines) inserted after `line`.
    fn insert_after(&self, text: &str, line: usize, block: &str, eol: &str) -> String {
        let at = self.start(line + 1);
        let before = text.get(..at).unwrap_or(text);
        let after = text.get(at..).unwrap_or("");
        let newline = if before.ends_with('\n') || before.is_empty() { "" } else { eol };
        format!("{before}{newline}{block}{after}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    fn inline(v: &str) -> Entry {
        Entry::Inline(v.to_string())
    }

    const FILE: &str = "# A system\nsystem:\n  name: \"X\"   # its name\n  # the uses\n  use_cases: [other]\n\n# Who\norganisation:\n  located_in_eu: false\n";

    #[test]
    fn a_key_goes_after_the_last_line_of_its_group_and_comments_stay() {
        let out = set(FILE, "system.profiles_natural_persons", &inline("true")).unwrap();
        assert_eq!(
            out,
            "# A system\nsystem:\n  name: \"X\"   # its name\n  # the uses\n  use_cases: [other]\n  profiles_natural_persons: true\n\n# Who\norganisation:\n  located_in_eu: false\n"
        );
        let out = set(&out, "organisation.supply_chain_roles", &inline("[developer, provider]")).unwrap();
        assert!(out.ends_with("organisation:\n  located_in_eu: false\n  supply_chain_roles: [developer, provider]\n"));
    }

    #[test]
    fn a_missing_group_is_added_at_the_end() {
        let out = set(FILE, "deployment.settings", &inline("[online]")).unwrap();
        assert_eq!(out, format!("{FILE}\ndeployment:\n  settings: [online]\n"));
        assert_eq!(set("", "system.name", &inline("\"A\"")).unwrap(), "system:\n  name: \"A\"\n");
        assert_eq!(
            set("# only a comment\n", "system.name", &inline("\"A\"")).unwrap(),
            "# only a comment\n\nsystem:\n  name: \"A\"\n"
        );
    }

    #[test]
    fn an_unknown_value_is_replaced_in_place_with_its_comment() {
        let text =
            "system:\n  placed_on_market: null  # ask the PM\n  name: \"X\"\n  infers_emotions:\n  social_scoring: ~\n";
        let out = set(text, "system.placed_on_market", &inline("2026-08-02")).unwrap();
        assert_eq!(
            out,
            "system:\n  placed_on_market: 2026-08-02  # ask the PM\n  name: \"X\"\n  infers_emotions:\n  social_scoring: ~\n"
        );
        let out = set(&out, "system.infers_emotions", &inline("false")).unwrap();
        let out = set(&out, "system.social_scoring", &inline("false")).unwrap();
        assert_eq!(
            out,
            "system:\n  placed_on_market: 2026-08-02  # ask the PM\n  name: \"X\"\n  infers_emotions: false\n  social_scoring: false\n"
        );
        assert_eq!(set(&out, "system.name", &inline("\"Y\"")), Err(EditError::HasValue("system.name".into())));
    }

    #[test]
    fn the_full_name_on_one_line_is_replaced_too() {
        let text = "system.name: null\nsystem:\n  use_cases: [other]\n";
        assert_eq!(
            set(text, "system.name", &inline("\"A\"")).unwrap(),
            "system.name: \"A\"\nsystem:\n  use_cases: [other]\n"
        );
    }

    #[test]
    fn crlf_files_stay_crlf_and_a_missing_last_newline_is_added() {
        let text = "system:\r\n  name: \"X\"\r\norganisation:\r\n  located_in_eu: false";
        let out = set(text, "system.infers_emotions", &inline("true")).unwrap();
        assert_eq!(
            out,
            "system:\r\n  name: \"X\"\r\n  infers_emotions: true\r\norganisation:\r\n  located_in_eu: false"
        );
        let out = set(&out, "organisation.kr_address_or_office", &inline("true")).unwrap();
        assert_eq!(
            out,
            "system:\r\n  name: \"X\"\r\n  infers_emotions: true\r\norganisation:\r\n  located_in_eu: false\r\n  kr_address_or_office: true\r\n"
        );
        let out = set("system:\n  name: \"X\"", "deployment.offered_in_korea", &inline("true")).unwrap();
        assert_eq!(out, "system:\n  name: \"X\"\n\ndeployment:\n  offered_in_korea: true\n");
    }

    #[test]
    fn evidence_records_go_below_their_key() {
        let record = Entry::Fields(vec![("reference".into(), quote("RM-1")), ("date".into(), "2026-04-15".into())]);
        let text = "system:\n  name: \"X\"\nevidence:\n  ai_literacy_programme:\n    reference: \"HR\"\n    date: 2026-01-20\n  risk_management_documentation: null # later\n";
        let out = set(text, "evidence.impact_assessment_report", &record).unwrap();
        assert!(out.ends_with("    date: 2026-01-20\n  risk_management_documentation: null # later\n  impact_assessment_report:\n    reference: \"RM-1\"\n    date: 2026-04-15\n"), "{out}");
        let out = set(text, "evidence.risk_management_documentation", &record).unwrap();
        assert!(
            out.ends_with("  risk_management_documentation: # later\n    reference: \"RM-1\"\n    date: 2026-04-15\n"),
            "{out}"
        );
        let out = set(text, "evidence.user_protection_plan", &inline("false")).unwrap();
        assert!(out.ends_with("  user_protection_plan: false\n"), "{out}");
    }

    #[test]
    fn groups_written_on_one_line_get_full_names_below() {
        assert_eq!(
            set("system: {name: \"X\"}\n", "system.infers_emotions", &inline("true")).unwrap(),
            "system: {name: \"X\"}\nsystem.infers_emotions: true\n"
        );
        assert_eq!(
            set("system:\n", "system.infers_emotions", &inline("true")).unwrap(),
            "system:\n  infers_emotions: true\n"
        );
        assert_eq!(
            set("system: null\n", "system.infers_emotions", &inline("true")).unwrap(),
            "system: null\nsystem.infers_emotions: true\n"
        );
        assert_eq!(set("{system: {}}", "system.name", &inline("\"A\"")), Err(EditError::NotBlockMapping));
        assert!(matches!(set("system: [", "system.name", &inline("\"A\"")), Err(EditError::NotYaml(_))));
    }

    #[test]
    fn a_document_end_marker_stays_last() {
        let text = "system:\n  name: \"X\"\n...\n";
        let out = set(text, "deployment.offered_in_korea", &inline("true")).unwrap();
        assert_eq!(out, "system:\n  name: \"X\"\n\ndeployment:\n  offered_in_korea: true\n...\n");
        let out = set(text, "system.infers_emotions", &inline("true")).unwrap();
        assert_eq!(out, "system:\n  name: \"X\"\n  infers_emotions: true\n...\n");
    }

    #[test]
    fn the_indentation_of_the_group_is_followed() {
        let text = "system:\n    name: \"X\"\n    use_cases:\n      - other\n";
        assert_eq!(
            set(text, "system.infers_emotions", &inline("true")).unwrap(),
            format!("{text}    infers_emotions: true\n")
        );
    }

    #[test]
    fn text_is_quoted_so_that_yaml_reads_it_back() {
        for t in [
            "plain",
            "a \"quote\" and \\ back",
            "new\nline\ttab",
            "#not a comment: x",
            "제목",
            "\u{7f}\u{85}\u{feff}",
            "null",
            "",
        ] {
            let text = format!("v: {}\n", quote(t));
            let root = yaml::parse(&text).unwrap();
            let Node::Map(e) = root.value else { panic!() };
            assert_eq!(e[0].1.value, Node::Str(t.to_string()), "{text}");
        }
        assert_eq!(plain("workplace"), "workplace");
        assert_eq!(plain("null"), "\"null\"");
        assert_eq!(plain("1st"), "\"1st\"");
    }

    #[test]
    fn any_order_of_edits_on_any_layout_reads_back_as_the_answers() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let engine = std::cell::RefCell::new(crate::Engine::embedded().map_err(|_| "policies").unwrap());
        let starts = [
            "",
            "# only a comment",
            "system:\n  use_cases: [other]  # why\n\n# who\norganisation:\n  located_in_eu: false\n",
            "system:\r\n  use_cases: [other]\r\norganisation:\r\n  located_in_eu: false",
            "system: {use_cases: [other]}\n",
            "system:\n    infers_emotions: null # later\n    use_cases:\n      - other\n...\n",
            "evidence:\n  ai_literacy_programme:\n    reference: \"R\"\n    date: 2026-01-01\n",
        ];
        let record = Entry::Fields(vec![("reference".into(), quote("UP, v2")), ("date".into(), "2026-05-01".into())]);
        let edits = [
            ("system.infers_emotions", inline("true")),
            ("system.name", inline(&quote("a \"b\" # c: d"))),
            ("deployment.settings", inline("[workplace, online]")),
            ("system.training_compute", inline("4e21")),
            ("system.placed_on_market", inline("2026-08-02")),
            ("evidence.user_protection_plan", record),
            ("evidence.ai_use_notice", inline("false")),
        ];
        let strategy = (0..starts.len(), Just((0..edits.len()).collect::<Vec<_>>()).prop_shuffle(), 1..=edits.len());
        let mut runner = TestRunner::new(Config { cases: 64, ..Config::default() });
        runner
            .run(&strategy, |(start, order, n)| {
                let original = starts[start];
                let mut text = original.to_string();
                for i in &order[..n] {
                    let (path, entry) = &edits[*i];
                    text = set(&text, path, entry).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                }
                let mut engine = engine.borrow_mut();
                let facts =
                    engine.load_facts("p.yaml", &text).map_err(|d| TestCaseError::fail(format!("{d:?}\n{text}")))?;
                let policy = engine.policy();
                for i in &order[..n] {
                    let path = edits[*i].0;
                    let given = match path.strip_prefix("evidence.") {
                        Some(name) => {
                            facts.facts.evidence.keys().any(|e| policy.item(*e).is_some_and(|it| it.name == name))
                        }
                        None => facts.facts.values.keys().any(|f| policy.fact(*f).is_some_and(|x| x.name == path)),
                    };
                    prop_assert!(given, "{path} not read back from\n{text}");
                }
                // The original lines are all there, in their order.
                let mut rest = text.lines();
                for line in original.lines() {
                    prop_assert!(
                        rest.any(
                            |l| l.trim_end() == line.trim_end() || l.starts_with(line.split(':').next().unwrap_or(""))
                        ),
                        "{line:?} lost in\n{text}"
                    );
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn numbers_read_back_exactly() {
        for n in [0.0, 12000.0, -3.0, 0.5, 4e21, 1e25, 1.5e-7, 123456.789] {
            let s = number(n).unwrap();
            let root = yaml::parse(&format!("v: {s}\n")).unwrap();
            let Node::Map(e) = root.value else { panic!() };
            let back = match e[0].1.value {
                Node::Int(i) => i as f64,
                Node::Float(f) => f,
                ref other => panic!("{s}: {other:?}"),
            };
            assert_eq!(back, n, "{s}");
        }
        assert_eq!(number(4e21).unwrap(), "4e21");
        assert_eq!(number(f64::NAN), None);
    }
}
