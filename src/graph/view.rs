//! What is drawn, before any format: the nodes chosen, their clusters (module, part file, article;
//! facts by their first name segment), labels, paints and edges, all sorted.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::visit::EdgeRef;

use super::cite::{article, natural};
use super::style::{Kind, Paint, Words};
use crate::eval::{Evaluator, Status};
use crate::model::{Item, ItemId, ModuleId, Node as GraphNode, Policy};
use crate::source::{FileId, Sources};
use crate::value::Value;

/// A drawing before it is written out.
pub(super) struct View {
    /// Top-level clusters: the facts, then one per module.
    pub clusters: Vec<Cluster>,
    /// Edges `(from, to)` by node id: `from` is needed to decide `to`.
    pub edges: Vec<(String, String)>,
    /// The legend's entries, in order.
    pub legend: Vec<Entry>,
    /// How many nodes are drawn (the legend not counted).
    pub nodes: usize,
}

/// A group of nodes: a module, a part file, an article, the facts or a fact prefix.
pub(super) struct Cluster {
    /// A safe identifier.
    pub id: String,
    /// Its title.
    pub label: String,
    /// Whether it lies outside the instrument drawn.
    pub outside: bool,
    /// Its own nodes, by id.
    pub nodes: Vec<Node>,
    /// Clusters inside it, in label order.
    pub children: Vec<Cluster>,
}

/// A fact or rule drawn.
pub(super) struct Node {
    /// A safe identifier.
    pub id: String,
    /// Label lines: the name, then the first citation.
    pub lines: Vec<String>,
    /// Its kind (the shape).
    pub kind: Kind,
    /// Its colour.
    pub paint: Paint,
    /// Whether it lies outside the instrument drawn.
    pub outside: bool,
    /// Full name and title (or question).
    pub tooltip: String,
}

/// One line of the legend: a shape, a colour, or the look of what lies outside.
pub(super) struct Entry {
    /// A safe identifier.
    pub id: String,
    /// Its text.
    pub label: String,
    /// The shape shown (a plain box when `None`).
    pub kind: Option<Kind>,
    /// The colour shown (white when `None`).
    pub paint: Option<Paint>,
    /// Drawn as outside.
    pub outside: bool,
}

/// Hands out identifiers made of ASCII letters, digits and `_`, each once.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    /// `prefix` followed by `name` made safe; a suffix tells apart names that come out the same.
    fn take(&mut self, prefix: &str, name: &str) -> String {
        let mut base = String::from(prefix);
        for c in name.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                base.push(c);
            } else if c.is_ascii() {
                base.push('_');
            } else {
                base.push_str(&format!("u{:x}", u32::from(c)));
            }
        }
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

/// What to draw.
pub(super) struct Scope<'a> {
    /// The module drawn with what it uses, or everything.
    pub module: Option<ModuleId>,
    /// Facts and results to colour by.
    pub evaluation: Option<&'a Evaluator<'a>>,
    /// The language of titles and legend.
    pub words: Words,
}

/// The nodes chosen, each with whether it lies outside the module drawn.
fn select(policy: &Policy, module: Option<ModuleId>) -> BTreeMap<GraphNode, bool> {
    let drawn = |node: &GraphNode| match node {
        GraphNode::Fact(_) => true,
        GraphNode::Item(id) => policy.item(*id).is_some_and(|i| Kind::of(i.kind).is_some()),
    };
    let inside = |node: &GraphNode| match (node, module) {
        (_, None) => true,
        (GraphNode::Fact(_), Some(_)) => false,
        (GraphNode::Item(id), Some(m)) => policy.item(*id).is_some_and(|i| i.module == m),
    };
    let mut chosen = BTreeMap::new();
    for index in policy.graph.node_indices() {
        let Some(node) = policy.graph.node_weight(index) else { continue };
        if !drawn(node) || !inside(node) {
            continue;
        }
        chosen.insert(*node, false);
        if module.is_none() {
            continue;
        }
        for before in policy.graph.neighbors_directed(index, petgraph::Direction::Incoming) {
            if let Some(used) = policy.graph.node_weight(before).filter(|n| drawn(n) && !inside(n)) {
                // Facts are one vocabulary, drawn with the other facts; rules of other modules are
                // marked as lying outside.
                chosen.entry(*used).or_insert(matches!(used, GraphNode::Item(_)));
            }
        }
    }
    chosen
}

/// The sort key and name of a node: facts by name, items by qualified name.
fn name(policy: &Policy, node: GraphNode) -> String {
    match node {
        GraphNode::Fact(f) => policy.fact(f).map(|f| f.name.clone()).unwrap_or_default(),
        GraphNode::Item(i) => policy.item(i).map(|i| i.qualified.clone()).unwrap_or_default(),
    }
}

/// Builds the drawing of `policy` for `scope`.
pub(super) fn build(policy: &Policy, sources: &Sources, scope: &Scope<'_>) -> View {
    let chosen = select(policy, scope.module);
    let mut ids = Ids::default();
    let mut by_name: Vec<(String, GraphNode, bool)> =
        chosen.iter().map(|(n, outside)| (name(policy, *n), *n, *outside)).collect();
    by_name.sort();
    let node_ids: BTreeMap<GraphNode, String> = by_name
        .iter()
        .map(|(n, node, _)| {
            let prefix = if matches!(node, GraphNode::Fact(_)) { "f_" } else { "i_" };
            (*node, ids.take(prefix, n))
        })
        .collect();

    let mut edges: Vec<(String, String)> = policy
        .graph
        .edge_references()
        .filter_map(|e| {
            let from = node_ids.get(policy.graph.node_weight(e.source())?)?;
            let to = node_ids.get(policy.graph.node_weight(e.target())?)?;
            Some((from.clone(), to.clone()))
        })
        .collect();
    edges.sort();
    edges.dedup();

    let mut facts = Tree::default();
    let mut modules: BTreeMap<String, (bool, Tree)> = BTreeMap::new();
    for (n, node, outside) in &by_name {
        let Some(id) = node_ids.get(node) else { continue };
        match node {
            GraphNode::Fact(f) => {
                let Some(fact) = policy.fact(*f) else { continue };
                let paint = paint(scope.evaluation, *node, Kind::Fact);
                let question = crate::outcome::pick(&fact.questions, scope.words.lang(), None);
                let drawn = Node {
                    id: id.clone(),
                    lines: vec![n.clone()],
                    kind: Kind::Fact,
                    paint,
                    outside: false,
                    tooltip: question.map_or_else(|| n.clone(), |q| format!("{n}: {q}")),
                };
                let path = match n.split_once('.') {
                    Some((prefix, _)) => vec![Key::plain(format!("{prefix}."))],
                    None => Vec::new(),
                };
                facts.add(&path, drawn);
            }
            GraphNode::Item(i) => {
                let Some(item) = policy.item(*i) else { continue };
                let Some(kind) = Kind::of(item.kind) else { continue };
                let Some(module) = policy.module(item.module) else { continue };
                let title = crate::outcome::pick(&item.titles, scope.words.lang(), None);
                let mut lines = vec![if *outside { item.qualified.clone() } else { item.name.clone() }];
                lines.extend(item.cites.first().cloned());
                let drawn = Node {
                    id: id.clone(),
                    lines,
                    kind,
                    paint: paint(scope.evaluation, *node, kind),
                    outside: *outside,
                    tooltip: title.map_or_else(|| item.qualified.clone(), |t| format!("{}: {t}", item.qualified)),
                };
                let entry = modules.entry(module.id.clone()).or_insert_with(|| (*outside, Tree::default()));
                let part = part_of(policy, sources, item);
                let mut path = vec![part];
                path.extend(article_of(policy, *i, item));
                entry.1.add(&path, drawn);
            }
        }
    }

    let mut clusters = Vec::new();
    if !facts.is_empty() {
        clusters.push(facts.into_cluster(&mut ids, "facts", scope.words.facts().to_string(), false));
    }
    for (id, (outside, mut tree)) in modules {
        // A module kept in one file needs no cluster for its part.
        tree.flatten_single_part();
        let label = match (outside, scope.module.and_then(|m| policy.module(m))) {
            (true, Some(drawn)) => format!("{id} ({})", scope.words.outside(&drawn.id)),
            _ => id.clone(),
        };
        clusters.push(tree.into_cluster(&mut ids, &id, label, outside));
    }
    let nodes = node_ids.len();
    View { clusters, edges, legend: legend(policy, scope), nodes }
}

/// The part file an item is declared in: `(order, label)`, the module's own file first.
fn part_of(policy: &Policy, sources: &Sources, item: &Item) -> Key {
    let main = policy.module(item.module).map(|m| m.span.file);
    let file = item.span.file;
    let label = file_label(sources, file);
    Key { first: Some(file) == main, label }
}

/// The file's name without its folders (`classification.norma`).
fn file_label(sources: &Sources, file: FileId) -> String {
    sources.get(file).map(|f| f.name.rsplit(['/', '\\', ':']).next().unwrap_or(&f.name).to_string()).unwrap_or_default()
}

/// The article an item belongs to: that of its first citation; for an item with none (an
/// evidence kind, say), the one article of the cited rules of its file that use it, if they
/// share one.
fn article_of(policy: &Policy, id: ItemId, item: &Item) -> Option<Key> {
    if let Some(first) = item.cites.first() {
        return Some(Key::plain(article(first)));
    }
    let index = policy.node(GraphNode::Item(id))?;
    let articles: BTreeSet<String> = policy
        .graph
        .neighbors_directed(index, petgraph::Direction::Outgoing)
        .filter_map(|n| match policy.graph.node_weight(n) {
            Some(GraphNode::Item(user)) => policy.item(*user),
            _ => None,
        })
        .filter(|user| user.module == item.module && user.span.file == item.span.file)
        .filter_map(|user| user.cites.first().map(|c| article(c)))
        .collect();
    match articles.len() {
        1 => articles.into_iter().next().map(Key::plain),
        _ => None,
    }
}

/// A cluster's place among its siblings: first (a module's own file), then by label with numbers
/// compared by value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    first: bool,
    label: String,
}

impl Key {
    fn plain(label: String) -> Key {
        Key { first: false, label }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .first
            .cmp(&self.first)
            .then_with(|| natural(&self.label).cmp(&natural(&other.label)))
            .then_with(|| self.label.cmp(&other.label))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Nodes grouped by a path of cluster keys.
#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
    children: BTreeMap<Key, Tree>,
}

impl Tree {
    fn add(&mut self, path: &[Key], node: Node) {
        match path.split_first() {
            None => self.nodes.push(node),
            Some((head, rest)) => self.children.entry(head.clone()).or_default().add(rest, node),
        }
    }

    fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.children.is_empty()
    }

    /// With one part only, its contents move up into the module.
    fn flatten_single_part(&mut self) {
        if self.children.len() == 1
            && let Some((_, only)) = self.children.pop_first()
        {
            self.nodes.extend(only.nodes);
            self.children = only.children;
        }
    }

    fn into_cluster(self, ids: &mut Ids, path: &str, label: String, outside: bool) -> Cluster {
        let id = ids.take("c_", path);
        let children = self
            .children
            .into_iter()
            .map(|(key, tree)| {
                let child_path = format!("{path}/{}", key.label);
                tree.into_cluster(ids, &child_path, key.label, outside)
            })
            .collect();
        let mut nodes = self.nodes;
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        Cluster { id, label, outside, nodes, children }
    }
}

/// A node's colour: its kind, or with facts its outcome.
fn paint(evaluation: Option<&Evaluator<'_>>, node: GraphNode, kind: Kind) -> Paint {
    let Some(ev) = evaluation else { return Paint::Kind(kind) };
    let given = |yes: bool| if yes { Paint::Given } else { Paint::NotGiven };
    match (node, kind) {
        (GraphNode::Fact(f), _) => given(ev.facts().get(f).is_known()),
        (GraphNode::Item(i), Kind::Evidence) => given(ev.facts().evidence.contains_key(&i)),
        (GraphNode::Item(i), Kind::Obligation | Kind::Prohibition) => {
            Paint::Status(ev.outcome(i).map_or(Status::Unknown, |o| o.status))
        }
        (GraphNode::Item(i), _) => match ev.value(i) {
            Value::Bool(true) => Paint::True,
            Value::Bool(false) => Paint::False,
            Value::Unknown => Paint::Unknown,
            _ => Paint::Value,
        },
    }
}

/// The legend: the shapes, then (with facts) the outcome colours, then the look of what lies
/// outside the instrument drawn.
fn legend(policy: &Policy, scope: &Scope<'_>) -> Vec<Entry> {
    let words = &scope.words;
    let mut entries: Vec<Entry> = Kind::ALL
        .iter()
        .map(|&k| Entry {
            id: format!("legend_{}", k.key()),
            label: words.kind(k).to_string(),
            kind: Some(k),
            paint: scope.evaluation.is_none().then_some(Paint::Kind(k)),
            outside: false,
        })
        .collect();
    if scope.evaluation.is_some() {
        entries.extend(Paint::EVALUATED.iter().map(|&p| Entry {
            id: format!("legend_{}", p.key()),
            label: words.paint(p),
            kind: None,
            paint: Some(p),
            outside: false,
        }));
    }
    if let Some(module) = scope.module.and_then(|m| policy.module(m)) {
        entries.push(Entry {
            id: "legend_outside".into(),
            label: words.outside(&module.id),
            kind: None,
            paint: None,
            outside: true,
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_and_distinct() {
        let mut ids = Ids::default();
        assert_eq!(ids.take("i_", "eu.ai_act.x"), "i_eu_ai_act_x");
        assert_eq!(ids.take("i_", "eu_ai_act.x"), "i_eu_ai_act_x_2");
        assert_eq!(ids.take("c_", "kr/제31조"), "c_kr_uc81c31uc870");
    }

    #[test]
    fn the_act_s_own_file_comes_first_then_numbers_by_value() {
        let mut keys =
            [Key::plain("Art. 10".into()), Key { first: true, label: "z.norma".into() }, Key::plain("Art. 9".into())];
        keys.sort();
        let labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
        assert_eq!(labels, ["z.norma", "Art. 9", "Art. 10"]);
    }
}
