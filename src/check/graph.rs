//! The rule graph: rules ordered so each comes after what it depends on, and every dependency
//! cycle reported with all its members.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Checker;
use super::expr::Resolved;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{ItemId, Node};
use crate::syntax::ast::{self, ClauseKind, ExprKind, ItemHead};

/// Operators whose right side may be enumeration values of the fact on their left.
fn enum_context(op: ast::BinaryOp) -> bool {
    use ast::BinaryOp::*;
    matches!(op, Eq | Ne | In | NotIn | Includes | IncludesAny | IncludesAll)
}

/// `(rule, x)` pairs sorted by rule, then by `x`, without repeats. A counting sort by rule, then
/// a sort of each rule's few entries (every rule is below `rules`).
pub(super) fn by_rule<T: Copy + Ord>(pairs: &[(ItemId, T)], rules: usize) -> Vec<(ItemId, T)> {
    // The number of entries of each rule, then where each rule's entries start.
    let mut next = vec![0usize; rules + 1];
    for (rule, _) in pairs {
        if let Some(n) = next.get_mut(rule.0 as usize + 1) {
            *n += 1;
        }
    }
    let mut sum = 0;
    for n in &mut next {
        sum += *n;
        *n = sum;
    }
    let mut out = pairs.to_vec();
    for &(rule, x) in pairs {
        if let Some(at) = next.get_mut(rule.0 as usize) {
            if let Some(slot) = out.get_mut(*at) {
                *slot = (rule, x);
            }
            *at += 1;
        }
    }
    // Each `next[r]` is now where rule `r`'s entries end.
    let mut start = 0;
    for &end in next.iter().take(rules) {
        if let Some(run) = out.get_mut(start..end) {
            run.sort_unstable();
        }
        start = end;
    }
    out.dedup();
    out
}

impl Checker<'_> {
    /// The enumeration values of the fact an expression names, if it names one.
    fn variants_of(&self, m: crate::model::ModuleId, e: &ast::Expr) -> Option<Vec<&str>> {
        let ExprKind::Name(i) = &e.kind else { return None };
        let Resolved::Fact(f) = self.resolve(m, &i.name) else { return None };
        let (crate::model::Type::Enum(en) | crate::model::Type::Set(en)) = self.policy.fact(f)?.ty else { return None };
        Some(self.policy.enums.get(en.0 as usize)?.variants.iter().map(|(n, _)| n.as_str()).collect())
    }

    /// Every name an expression mentions, except enumeration values compared with their fact
    /// (`supply_chain_roles includes importer` does not mention a rule `importer`). Depth is
    /// bounded by the parser.
    fn mentions<'e>(&self, m: crate::model::ModuleId, e: &'e ast::Expr, out: &mut Vec<&'e ast::Ident>) {
        match &e.kind {
            ExprKind::Name(i) => out.push(i),
            ExprKind::Evidence { name, .. } => out.push(name),
            ExprKind::Set(xs) | ExprKind::And(xs) | ExprKind::Or(xs) => {
                xs.iter().for_each(|x| self.mentions(m, x, out))
            }
            ExprKind::Unary(_, x) | ExprKind::Postfix(_, x) => self.mentions(m, x, out),
            ExprKind::Binary(op, l, r) => {
                self.mentions(m, l, out);
                let variants = if enum_context(*op) { self.variants_of(m, l) } else { None };
                let is_value = |x: &ast::Expr| match (&x.kind, &variants) {
                    (ExprKind::Name(i), Some(vs)) => vs.contains(&i.name.as_str()),
                    _ => false,
                };
                match &r.kind {
                    ExprKind::Set(xs) => xs.iter().filter(|x| !is_value(x)).for_each(|x| self.mentions(m, x, out)),
                    _ if is_value(r) => {}
                    _ => self.mentions(m, r, out),
                }
            }
            _ => {}
        }
    }
}

/// The expressions of a clause.
pub(super) fn clause_exprs(kind: &ClauseKind) -> Vec<&ast::Expr> {
    match kind {
        ClauseKind::When(e)
        | ClauseKind::Unless(e)
        | ClauseKind::Value(e)
        | ClauseKind::Gives(e)
        | ClauseKind::Met(e) => {
            vec![e]
        }
        ClauseKind::Deemed(c) | ClauseKind::Presumed(c) => vec![&c.expr],
        ClauseKind::From(d) | ClauseKind::Until(d) => d.condition.iter().collect(),
        _ => Vec::new(),
    }
}

impl Checker<'_> {
    /// Each rule and a rule it mentions, found from the syntax alone (before typing): sorted
    /// (user, dependency) pairs, without repeats.
    fn syntactic_deps(&self) -> Vec<(ItemId, ItemId)> {
        let mut deps = Vec::new();
        let mut mentioned = Vec::new();
        for (index, &(mi, ii)) in self.item_ast.iter().enumerate() {
            let Some(item) = self.asts.get(mi).and_then(|m| m.items.get(ii)) else { continue };
            let Some(&m) = self.ast_module.get(mi) else { continue };
            mentioned.clear();
            for c in &item.clauses {
                for e in clause_exprs(&c.kind) {
                    self.mentions(m, e, &mut mentioned);
                }
                if let ClauseKind::Binds(roles) = &c.kind {
                    mentioned.extend(roles.iter());
                }
            }
            for ident in &mentioned {
                if let Resolved::Item(id) = self.resolve(m, &ident.name) {
                    deps.push((ItemId(index as u32), id));
                }
            }
            // An exception is needed to decide the rule it modifies.
            if let ItemHead::Targets(targets) = &item.head {
                for t in targets {
                    if let Resolved::Item(target) = self.resolve(m, &t.name) {
                        deps.push((target, ItemId(index as u32)));
                    }
                }
            }
        }
        by_rule(&deps, self.policy.items.len())
    }

    /// Orders rules by dependency and reports each cycle once, naming all its members.
    pub(super) fn order_and_cycles(&mut self) -> Vec<ItemId> {
        let deps = self.syntactic_deps();
        let mut g: DiGraph<ItemId, ()> = DiGraph::new();
        let items = self.policy.items.len();
        let nodes: Vec<NodeIndex> = (0..items).map(|i| g.add_node(ItemId(i as u32))).collect();
        for (user, d) in &deps {
            if let (Some(&a), Some(&b)) = (nodes.get(d.0 as usize), nodes.get(user.0 as usize)) {
                g.add_edge(a, b, ());
            }
        }
        let sccs = tarjan_scc(&g);
        let mut order = Vec::with_capacity(items);
        for scc in sccs.iter().rev() {
            let members: Vec<ItemId> = scc.iter().filter_map(|&n| g.node_weight(n).copied()).collect();
            let self_loop =
                members.len() == 1 && members.first().is_some_and(|m| deps.binary_search(&(*m, *m)).is_ok());
            if members.len() > 1 || self_loop {
                self.report_cycle(&members, &deps);
            }
            order.extend(members);
        }
        order
    }

    fn report_cycle(&mut self, members: &[ItemId], deps: &[(ItemId, ItemId)]) {
        let in_cycle: BTreeSet<ItemId> = members.iter().copied().collect();
        let Some(&start) = members.iter().min_by_key(|m| self.policy.item(**m).map(|i| (i.span.file, i.span.start)))
        else {
            return;
        };
        // Walk from `start` to find one concrete path back to it: user → dependency edges.
        let users_of = |x: ItemId| -> Vec<ItemId> {
            in_cycle.iter().copied().filter(|u| deps.binary_search(&(*u, x)).is_ok()).collect()
        };
        let mut parent: BTreeMap<ItemId, ItemId> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut cycle = vec![start];
        'search: while let Some(x) = queue.pop_front() {
            for u in users_of(x) {
                if u == start {
                    // `start` depends on `x`, which depends on its parent, … back to `start`.
                    let mut cur = x;
                    while cur != start {
                        cycle.push(cur);
                        cur = parent.get(&cur).copied().unwrap_or(start);
                    }
                    break 'search;
                }
                if let std::collections::btree_map::Entry::Vacant(slot) = parent.entry(u) {
                    slot.insert(x);
                    queue.push_back(u);
                }
            }
        }
        cycle.push(start);
        let name = |id: ItemId| self.policy.item(id).map_or("?".to_string(), |i| i.qualified.clone());
        let chain: Vec<String> = cycle.iter().map(|&i| format!("`{}`", name(i))).collect();
        let others: Vec<String> =
            members.iter().filter(|m| !cycle.contains(m)).map(|&m| format!("`{}`", name(m))).collect();
        let mut msg = format!(
            "these {} rules depend on each other in a circle (→ means \"depends on\"): {}",
            members.len(),
            chain.join(" → ")
        );
        if members.len() == 1 {
            msg = format!("`{}` depends on itself", name(start));
        }
        if !others.is_empty() {
            msg.push_str(&format!(" (also in the circle: {})", others.join(", ")));
        }
        let Some(span) = self.policy.item(start).map(|i| i.span) else { return };
        let mut d = Diagnostic::error(Code::Cycle, span, msg)
            .label("part of a cycle")
            .help("a rule cannot depend on itself, directly or through others; break the circle by rewriting one condition in terms of facts")
            .in_context(self.context(start).as_ref());
        for &m in members.iter().filter(|&&m| m != start) {
            if let Some(s) = self.policy.item(m).map(|i| i.span) {
                d = d.related(s, format!("`{}` is in the cycle", name(m)));
            }
        }
        self.push(d);
    }

    /// Builds the policy's graph of facts and rules from the dependencies found while typing.
    pub(super) fn build_graph(&mut self, order: Vec<ItemId>) {
        let mut g: DiGraph<Node, ()> = DiGraph::new();
        let facts: Vec<NodeIndex> =
            (0..self.policy.facts.len()).map(|i| g.add_node(Node::Fact(crate::model::FactId(i as u32)))).collect();
        let items: Vec<NodeIndex> =
            (0..self.policy.items.len()).map(|i| g.add_node(Node::Item(ItemId(i as u32)))).collect();
        let index = |n: &Node| match n {
            Node::Fact(f) => facts.get(f.0 as usize).copied(),
            Node::Item(i) => items.get(i.0 as usize).copied(),
        };
        for (user, d) in &self.deps {
            if let (Some(a), Some(&b)) = (index(d), items.get(user.0 as usize)) {
                g.update_edge(a, b, ());
            }
        }
        for (i, item) in self.policy.items.iter().enumerate() {
            for e in &item.exceptions {
                if let (Some(&a), Some(&b)) = (items.get(e.0 as usize), items.get(i)) {
                    g.update_edge(a, b, ());
                }
            }
        }
        self.policy.graph = g;
        self.policy.order = order;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pairs_are_sorted_by_rule_then_entry_without_repeats() {
        let r = ItemId;
        let pairs = [(r(2), 5), (r(0), 3), (r(2), 1), (r(0), 3), (r(1), 9), (r(2), 5)];
        assert_eq!(by_rule(&pairs, 3), vec![(r(0), 3), (r(1), 9), (r(2), 1), (r(2), 5)]);
        assert!(by_rule::<u32>(&[], 0).is_empty());
    }

    proptest! {
        #[test]
        fn by_rule_sorts_as_a_sort_does(raw in proptest::collection::vec((0u32..20, 0u32..8), 0..200)) {
            let pairs: Vec<(ItemId, u32)> = raw.iter().map(|&(r, x)| (ItemId(r), x)).collect();
            let mut want = pairs.clone();
            want.sort();
            want.dedup();
            prop_assert_eq!(by_rule(&pairs, 20), want);
        }
    }
}
