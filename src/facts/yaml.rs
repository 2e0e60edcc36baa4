//! A YAML document read into a tree where every node knows its place in the file, using
//! serde-saphyr with its resource budgets (depth, aliases, nodes) on.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::source::{FileId, Span};

/// A node of the YAML tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, entries in file order.
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// A short description for messages ("a list", "text", …).
    pub fn describe(&self) -> &'static str {
        match self {
            Node::Null => "nothing (null)",
            Node::Bool(_) => "true or false",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::Str(_) => "text",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// The place of a node in the file (the whole scalar or the first character of a collection).
pub fn span_of<T>(file: FileId, node: &Spanned<T>, text: &str) -> Span {
    let span = node.referenced.span();
    let start = span
        .byte_offset()
        .map_or_else(|| offset_of(text, node.referenced.line(), node.referenced.column()), |o| o as usize);
    let len = span.byte_len().map_or(1, |l| l as usize).max(1);
    let start = start.min(text.len());
    Span::new(file, start, (start + len).min(text.len()).max(start))
}

fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let line_start = text.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum::<usize>();
    let col = text
        .get(line_start..)
        .map_or(0, |rest| rest.char_indices().nth(column.saturating_sub(1) as usize).map_or(rest.len(), |(i, _)| i));
    line_start + col
}

/// Most aliases (`*name`) read: facts files seldom need any, and each replays its anchor.
pub const MAX_ALIASES: usize = 1_000;

/// Most YAML events replayed by aliases in one file: a few small aliases pass, an alias bomb
/// (aliases of aliases, each doubling the text) stops early.
pub const MAX_ALIAS_EVENTS: usize = 10_000;

/// The deepest nesting of mappings and lists read.
pub const MAX_DEPTH: usize = 16;

/// Parses `text` with the YAML budgets on, duplicate keys refused and only `true`/`false` as
/// booleans.
pub fn parse(text: &str) -> Result<Spanned<Node>, serde_saphyr::Error> {
    parse_limited(text, crate::limits::MAX_FACT_VALUES)
}

/// [`parse`] with at most `max_values` values (mappings, lists and scalars).
pub fn parse_limited(text: &str, max_values: usize) -> Result<Spanned<Node>, serde_saphyr::Error> {
    // A facts file nests a few levels; a shallow bound keeps the reader's recursion small.
    let budget = serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        flow_nesting_limit: MAX_DEPTH,
        max_nodes: max_values,
        max_aliases: MAX_ALIASES,
    };
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        strict_booleans: true,
        budget: budget,
        alias_limits: serde_saphyr::alias_limits! { max_total_replayed_events: MAX_ALIAS_EVENTS },
    };
    serde_saphyr::from_str_with_options(text, options)
}

/// A YAML error in words a file's author understands: what is wrong with `what` ("the facts
/// file"), without the location (the diagnostic shows it) and without the reader's internals.
/// `max_values` is the limit on values in force.
pub fn explain(e: &serde_saphyr::Error, what: &str, max_values: usize) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("invalid YAML").trim();
    let message = first.split(" at line ").next().unwrap_or(first).trim();
    let lower = message.to_ascii_lowercase();
    let too_deep = || format!("{what} nests mappings and lists more than {MAX_DEPTH} levels deep");
    if lower.contains("budget breached") {
        if lower.contains("depth") {
            return too_deep();
        }
        if lower.contains("alias") || lower.contains("anchor") {
            return format!("{what} uses too many YAML aliases (`*name`); write the values out");
        }
        return format!(
            "{what} holds more than {max_values} values (an alias counts each time it is used); \
             if it is genuine, raise the limit with `--limit facts=N`"
        );
    }
    if lower.contains("alias replay limit") {
        return format!("{what} expands YAML aliases (`*name`) too far, as an alias bomb does; write the values out");
    }
    if lower.contains("recursion limit") {
        return too_deep();
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set DuplicateKeyPolicy").next().unwrap_or(rest);
        return format!("{what} gives the key `{key}` twice in the same mapping");
    }
    if lower.contains("multiple yaml documents") {
        return format!("{what} holds several YAML documents (`---`); it must be one document");
    }
    if lower.contains("non-finite float") {
        return format!("{what} gives a number that is infinite, not a number, or beyond about 1.8 × 10^308");
    }
    format!("{what} is not valid YAML: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_their_places() {
        let text = "system:\n  name: \"Screener\"\n  use_cases: [recruitment_selection]\n";
        let root = parse(text).unwrap();
        let Node::Map(entries) = &root.value else { panic!("{root:?}") };
        let (_, system) = &entries[0];
        let Node::Map(inner) = &system.value else { panic!() };
        let (key, value) = &inner[1];
        assert_eq!(key.value, Node::Str("use_cases".into()));
        let span = span_of(FileId(0), key, text);
        assert_eq!(&text[span.start..span.end], "use_cases");
        assert!(matches!(&value.value, Node::Seq(items) if items.len() == 1));
    }

    #[test]
    fn duplicate_keys_and_deep_nesting_are_refused() {
        assert!(parse("a: 1\na: 2\n").is_err());
        let deep = "[".repeat(50_000);
        assert!(parse(&deep).is_err());
    }
}
