//! The drawing as a Mermaid `flowchart`: clusters as nested `subgraph`s, a shape per kind, a
//! class per colour, and a legend subgraph.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::style::{Kind, OUTSIDE, Paint};
use super::view::{Cluster, Node, View};

/// A quoted Mermaid label: characters Mermaid reads as syntax or markup written as its entity
/// codes (`#quot;`, `#lt;`, …), line breaks as `<br>`.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A node of `kind` (a plain box when `None`) with its label.
fn shaped(id: &str, kind: Option<Kind>, label: &str) -> String {
    let label = quoted(label);
    match kind {
        Some(Kind::Fact) => format!("{id}([{label}])"),
        Some(Kind::Definition) => format!("{id}({label})"),
        Some(Kind::Role) => format!("{id}[/{label}\\]"),
        Some(Kind::Exception) => format!("{id}{{{{{label}}}}}"),
        Some(Kind::Evidence) => format!("{id}[({label})]"),
        Some(Kind::Obligation) | None => format!("{id}[{label}]"),
        Some(Kind::Prohibition) => format!("{id}[[{label}]]"),
    }
}

/// The class name of a paint.
fn class(paint: Paint) -> String {
    format!("p_{}", paint.key())
}

/// What is written after the clusters: classes per paint, dashed lines for what lies outside.
#[derive(Default)]
struct Styles {
    classes: BTreeMap<Paint, Vec<String>>,
    outside: Vec<String>,
}

impl Styles {
    fn note(&mut self, id: &str, paint: Option<Paint>, outside: bool) {
        if let Some(p) = paint {
            self.classes.entry(p).or_default().push(id.to_string());
        }
        if outside {
            self.outside.push(id.to_string());
        }
    }
}

fn node(out: &mut String, indent: &str, node: &Node, styles: &mut Styles) {
    let _ = writeln!(out, "{indent}{}", shaped(&node.id, Some(node.kind), &node.lines.join("\n")));
    styles.note(&node.id, Some(node.paint), node.outside);
}

fn cluster(out: &mut String, depth: usize, cluster: &Cluster, styles: &mut Styles) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}subgraph {}[{}]", cluster.id, quoted(&cluster.label));
    for n in &cluster.nodes {
        node(out, &format!("{indent}  "), n, styles);
    }
    for c in &cluster.children {
        self::cluster(out, depth + 1, c, styles);
    }
    let _ = writeln!(out, "{indent}end");
    styles.note(&cluster.id, None, cluster.outside);
}

/// The drawing as a Mermaid flowchart.
pub(super) fn write(view: &View, title: &str, legend_title: &str) -> String {
    let mut out = String::new();
    let title = serde_json::to_string(title).unwrap_or_else(|_| "\"\"".into());
    let _ = writeln!(out, "---\ntitle: {title}\n---");
    let _ = writeln!(out, "flowchart LR");
    let mut styles = Styles::default();
    let _ = writeln!(out, "  subgraph legend[{}]", quoted(legend_title));
    let _ = writeln!(out, "    direction TB");
    for e in &view.legend {
        let _ = writeln!(out, "    {}", shaped(&e.id, e.kind, &e.label));
        styles.note(&e.id, e.paint, e.outside);
    }
    let _ = writeln!(out, "  end");
    for c in &view.clusters {
        cluster(&mut out, 1, c, &mut styles);
    }
    for (from, to) in &view.edges {
        let _ = writeln!(out, "  {from} --> {to}");
    }
    for (paint, ids) in &styles.classes {
        let _ =
            writeln!(out, "  classDef {} fill:{},color:{},stroke:#5b6472", class(*paint), paint.fill(), paint.ink());
        let _ = writeln!(out, "  class {} {}", ids.join(","), class(*paint));
    }
    for id in &styles.outside {
        let _ = writeln!(out, "  style {id} stroke:{OUTSIDE},stroke-dasharray:5 5");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(quoted("a \"b\" [c] <d> #e &f `g`"), "\"a #quot;b#quot; [c] #lt;d#gt; #35;e #amp;f #96;g#96;\"");
        assert_eq!(quoted("x\nArt. 9"), "\"x<br>Art. 9\"");
    }

    #[test]
    fn each_kind_has_its_shape() {
        assert_eq!(shaped("n", Some(Kind::Fact), "f"), "n([\"f\"])");
        assert_eq!(shaped("n", Some(Kind::Role), "r"), "n[/\"r\"\\]");
        assert_eq!(shaped("n", Some(Kind::Exception), "e"), "n{{\"e\"}}");
        assert_eq!(shaped("n", Some(Kind::Evidence), "v"), "n[(\"v\")]");
        assert_eq!(shaped("n", Some(Kind::Prohibition), "p"), "n[[\"p\"]]");
        assert_eq!(shaped("n", None, "x"), "n[\"x\"]");
    }
}
