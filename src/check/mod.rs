//! Checking: resolves every name, types every expression, builds the rule graph and reports
//! what a lawyer would want to know before the rules are used: unknown names with a "did you
//! mean", type errors, duplicates, cycles, missing citations, inverted date ranges, exceptions to
//! missing rules, conflicting rules of equal rank, unused facts and unreachable norms.
//!
//! The passes: [`declare`] registers modules, facts and rules; [`graph`] orders rules by their
//! dependencies and reports cycles; [`expr`] resolves and types expressions in that order;
//! [`scenario`] checks the tests; [`ledger`] checks the ledger's annotations against the rules'
//! citations; [`rules`] runs the whole-set checks.

pub mod bounds;
mod catalog;
mod clauses;
mod declare;
mod expr;
mod graph;
mod items;
mod ledger;
mod rules;
mod scenario;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{self, Code, Context, Diagnostic};
use crate::model::{FactId, ItemId, ModuleId, Node, Policy};
use crate::source::{FileId, Sources};
use crate::syntax::ast;

/// Checks parsed modules and returns the checked policy with every finding, sorted by place.
/// `broken` names declarations that failed to parse: references to them are not reported again.
pub fn check(sources: &Sources, modules: Vec<ast::Module>, broken: &[String]) -> (Policy, Vec<Diagnostic>) {
    let mut c = Checker::new(sources);
    c.broken = broken.iter().cloned().collect();
    c.declare(modules);
    let order = c.order_and_cycles();
    c.type_items(&order);
    c.scenarios();
    c.crosswalks();
    c.standard_references();
    c.ledger_checks();
    c.build_graph(order);
    c.whole_set_checks(broken.is_empty());
    c.policy.program = crate::eval::Program::compile(&c.policy);
    let mut diags = c.diags;
    diagnostics::sort(&mut diags);
    (c.policy, diags)
}

/// A table of names: every reference is looked up here, so it hashes (with a fixed seed) rather
/// than compares strings along a tree. Nothing iterates it in its own order. The names are
/// borrowed from the policy files where they are written as they are spelled.
type NameMap<'a, V> = HashMap<Cow<'a, str>, V, foldhash::fast::FixedState>;

/// State shared by the passes.
struct Checker<'a> {
    sources: &'a Sources,
    policy: Policy,
    diags: Vec<Diagnostic>,
    /// Modules by id (only the first of duplicates).
    module_ids: BTreeMap<String, ModuleId>,
    /// The syntax tree of each file checked (modules first, then their parts); shared, so that a
    /// pass can walk it while it adds to the policy.
    asts: std::rc::Rc<Vec<ast::Module>>,
    /// The module each entry of `asts` belongs to.
    ast_module: Vec<ModuleId>,
    /// Facts by dotted name.
    fact_ids: NameMap<'a, FactId>,
    /// Rules, roles and evidence by module (index), then name (looked up without allocating).
    item_ids: Vec<NameMap<'a, ItemId>>,
    /// For each item, the module index and item index in `asts`.
    item_ast: Vec<(usize, usize)>,
    /// For each module (by id), the names (own id, imported ids, aliases) that qualify its references.
    qualifiers: Vec<BTreeMap<String, ModuleId>>,
    /// Facts used by some rule.
    used_facts: Marks,
    /// Rules whose type is final (definitions are typed in dependency order).
    typed: Marks,
    /// Each rule and one thing it depends on, collected while typing (then sorted, without
    /// repeats).
    deps: Vec<(ItemId, Node)>,
    /// Files whose module imports a module that is not loaded.
    incomplete: BTreeSet<FileId>,
    /// Facts declared more than once.
    duplicate_facts: BTreeSet<String>,
    /// Names of declarations that failed to parse.
    broken: BTreeSet<String>,
    /// The declaration being checked (no rule for a test), for dependencies, and its context for
    /// diagnostics, made when a diagnostic first needs it.
    current: Option<(Option<ItemId>, OnceCell<Option<Context>>)>,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a Sources) -> Self {
        Checker {
            sources,
            policy: Policy::default(),
            diags: Vec::new(),
            module_ids: BTreeMap::new(),
            asts: std::rc::Rc::new(Vec::new()),
            ast_module: Vec::new(),
            fact_ids: NameMap::default(),
            item_ids: Vec::new(),
            item_ast: Vec::new(),
            qualifiers: Vec::new(),
            used_facts: Marks::default(),
            typed: Marks::default(),
            deps: Vec::new(),
            current: None,
            broken: BTreeSet::new(),
            incomplete: BTreeSet::new(),
            duplicate_facts: BTreeSet::new(),
        }
    }

    fn push(&mut self, d: Diagnostic) {
        let about_a_name = matches!(
            d.code,
            Code::UnknownName
                | Code::UnknownRole
                | Code::UnknownEvidence
                | Code::UnknownFamily
                | Code::MissingTarget
                | Code::UnknownModule
        );
        if about_a_name && d.span.is_some_and(|s| self.is_broken(self.sources.slice(s))) {
            return; // already reported as a syntax error in its declaration
        }
        let in_incomplete = d.span.is_some_and(|s| self.incomplete.contains(&s.file));
        if about_a_name && d.code != Code::UnknownModule && in_incomplete {
            return; // the module imports one that is missing: the name may well be declared there
        }
        self.diags.push(d);
    }

    /// Whether `name` (or its last part) was declared by a declaration that failed to parse.
    fn is_broken(&self, name: &str) -> bool {
        !self.broken.is_empty()
            && (self.broken.contains(name) || name.rsplit_once('.').is_some_and(|(_, last)| self.broken.contains(last)))
    }

    /// The context of the declaration being checked.
    fn ctx(&self) -> Option<&Context> {
        let (item, context) = self.current.as_ref()?;
        context.get_or_init(|| item.and_then(|id| self.context(id))).as_ref()
    }

    /// The name `ident` as a key of a table of names: the text of the file where it is written
    /// as it is spelled (it always is, as names are written without spaces or escapes).
    fn name_key(&self, ident: &ast::Ident) -> Cow<'a, str> {
        let written = self.sources.slice(ident.span);
        if written == ident.name { Cow::Borrowed(written) } else { Cow::Owned(ident.name.clone()) }
    }

    /// Starts checking rule `id`.
    fn begin(&mut self, id: ItemId) {
        self.current = Some((Some(id), OnceCell::new()));
    }

    /// The context (kind, name, first citation) of rule `id`, for its diagnostics.
    fn context(&self, id: ItemId) -> Option<Context> {
        let &(mi, ii) = self.item_ast.get(id.0 as usize)?;
        self.asts.get(mi)?.items.get(ii).map(context_of)
    }
}

/// A set of rules or facts by index, one flag each.
#[derive(Default)]
struct Marks(Vec<bool>);

impl Marks {
    fn insert(&mut self, index: u32) {
        let at = index as usize;
        if self.0.len() <= at {
            self.0.resize(at + 1, false);
        }
        if let Some(flag) = self.0.get_mut(at) {
            *flag = true;
        }
    }

    fn contains(&self, index: u32) -> bool {
        self.0.get(index as usize).copied().unwrap_or(false)
    }
}

/// The context of a declaration for its diagnostics: its kind, name and first citation.
fn context_of(item: &ast::Item) -> Context {
    Context {
        kind: item.kind.noun().to_string(),
        id: item.name.name.clone(),
        cite: item
            .clauses
            .iter()
            .filter_map(|c| match &c.kind {
                ast::ClauseKind::Cite(list) => list.first().map(|t| t.value.clone()),
                _ => None,
            })
            .next(),
    }
}

#[cfg(test)]
mod catalog_tests;
#[cfg(test)]
mod tests;
