//! The drawing as Graphviz DOT: clusters as `subgraph cluster_…`, shapes and fills per node, and
//! a legend cluster.

use std::fmt::Write;

use super::style::{INK, Kind, OUTSIDE, Paint};
use super::view::{Cluster, Entry, Node, View};

/// A DOT string literal: quotes and backslashes escaped, line breaks as `\n`.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A label of several lines.
fn lines(lines: &[String]) -> String {
    quoted(&lines.join("\n"))
}

/// The Graphviz shape of a kind, and whether it has rounded corners.
fn shape(kind: Kind) -> (&'static str, bool) {
    match kind {
        Kind::Fact => ("ellipse", false),
        Kind::Definition => ("box", true),
        Kind::Role => ("house", false),
        Kind::Exception => ("hexagon", false),
        Kind::Evidence => ("note", false),
        Kind::Obligation => ("box", false),
        Kind::Prohibition => ("octagon", false),
    }
}

/// The attributes of a node of `kind` (a plain box when `None`), painted `paint`.
fn look(kind: Option<Kind>, paint: Option<Paint>, outside: bool) -> String {
    let (shape, rounded) = kind.map_or(("box", false), shape);
    let mut style = vec!["filled"];
    if rounded {
        style.push("rounded");
    }
    if outside {
        style.push("dashed");
    }
    let fill = paint.map_or("#ffffff", Paint::fill);
    let ink = paint.map_or(INK, Paint::ink);
    let mut attrs = format!(
        "shape={shape}, style={}, fillcolor={}, fontcolor={}",
        quoted(&style.join(",")),
        quoted(fill),
        quoted(ink)
    );
    if kind == Some(Kind::Obligation) {
        attrs.push_str(", peripheries=2");
    }
    if outside {
        let _ = write!(attrs, ", color={}", quoted(OUTSIDE));
    }
    attrs
}

fn node(out: &mut String, indent: &str, node: &Node) {
    let _ = writeln!(
        out,
        "{indent}{} [label={}, {}, tooltip={}];",
        quoted(&node.id),
        lines(&node.lines),
        look(Some(node.kind), Some(node.paint), node.outside),
        quoted(&node.tooltip)
    );
}

fn cluster(out: &mut String, depth: usize, cluster: &Cluster) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}subgraph {} {{", quoted(&format!("cluster_{}", cluster.id)));
    let _ = writeln!(out, "{indent}  label={};", quoted(&cluster.label));
    if cluster.outside {
        let _ = writeln!(out, "{indent}  style=dashed; color={}; fontcolor={};", quoted(OUTSIDE), quoted(OUTSIDE));
    } else if depth == 1 {
        let _ = writeln!(out, "{indent}  style=\"rounded\"; color=\"#1f4e8c\";");
    } else {
        let _ = writeln!(out, "{indent}  style=\"rounded\"; color=\"#d9dde4\";");
    }
    for n in &cluster.nodes {
        node(out, &format!("{indent}  "), n);
    }
    for c in &cluster.children {
        self::cluster(out, depth + 1, c);
    }
    let _ = writeln!(out, "{indent}}}");
}

fn legend(out: &mut String, title: &str, entries: &[Entry]) {
    let _ = writeln!(out, "  subgraph \"cluster_legend\" {{");
    let _ = writeln!(out, "    label={}; style=\"rounded\"; color=\"#5b6472\";", quoted(title));
    for e in entries {
        let _ =
            writeln!(out, "    {} [label={}, {}];", quoted(&e.id), quoted(&e.label), look(e.kind, e.paint, e.outside));
    }
    let _ = writeln!(out, "  }}");
}

/// The drawing as a DOT digraph.
pub(super) fn write(view: &View, title: &str, legend_title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph norma {{");
    let _ = writeln!(out, "  label={}; labelloc=t; fontname=\"Helvetica\";", quoted(title));
    let _ = writeln!(out, "  rankdir=LR; ranksep=0.8; nodesep=0.15;");
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=10, color=\"#5b6472\"];");
    let _ = writeln!(out, "  edge [color=\"#868e96\", arrowsize=0.6];");
    legend(&mut out, legend_title, &view.legend);
    for c in &view.clusters {
        cluster(&mut out, 1, c);
    }
    for (from, to) in &view.edges {
        let _ = writeln!(out, "  {} -> {};", quoted(from), quoted(to));
    }
    let _ = writeln!(out, "}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(lines(&["x".into(), "Art. 9".into()]), r#""x\nArt. 9""#);
    }

    #[test]
    fn obligations_have_a_double_border_and_outside_nodes_are_dashed() {
        assert!(look(Some(Kind::Obligation), None, false).contains("peripheries=2"));
        let outside = look(Some(Kind::Definition), Some(Paint::True), true);
        assert!(outside.contains(r#"style="filled,rounded,dashed""#), "{outside}");
        assert!(outside.contains("#b2f2bb"), "{outside}");
    }
}
