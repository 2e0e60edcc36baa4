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
    let budget = serde_saphyr::budget! { max_depth: MAX_DEPTH, flow_nesting_limit: MAX_DEPTH, max_nodes: max_values };
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        strict_booleans: true,
        budget: budget,
    };
    serde_saphyr::from_str_with_options(text, options)
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
