#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Differential test of the evaluator: random rule sets, written as Norma source text and checked
//! by the checker, are evaluated against random facts both by `Evaluator::run` and by a plain
//! reference evaluator written here from the language's definition. Every definition's value and
//! every exception's holding must agree.
//!
//! The reference shares nothing with the engine but the checked model: it has its own truth
//! tables, evaluates a rule by recursing into the rules it mentions (no memo, no dependency
//! order), finds the exceptions to a rule from the exceptions' `targets`, and applies them by
//! walking them in priority order and collecting the values the rule could take.
//!
//! `NORMA_DIFF_SEED` and `NORMA_DIFF_SETS` change the seed and the number of rule sets.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use norma::diagnostics::{Diagnostic, Severity};
use norma::eval::{Evaluator, Options};
use norma::facts::Facts;
use norma::model::{Expr, ExprKind, FactId, ItemId, Policy, Type};
use norma::source::Sources;
use norma::syntax::ast::{BinaryOp, ItemKind};
use norma::value::Value;

// ---------------------------------------------------------------------------------------------
// The reference evaluator
// ---------------------------------------------------------------------------------------------

/// A value as the reference sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Val {
    T,
    F,
    U,
    N(f64),
}

/// How deep the reference may recurse before it gives up (a cycle would otherwise loop).
const RECURSION_BOUND: u32 = 2_000;

/// Kleene conjunction, written out as a table.
fn and_table(a: Val, b: Val) -> Val {
    use Val::{F, T, U};
    match (a, b) {
        (T, T) => T,
        (T, F) => F,
        (T, U) => U,
        (F, T) => F,
        (F, F) => F,
        (F, U) => F,
        (U, T) => U,
        (U, F) => F,
        (U, U) => U,
        (x, y) => panic!("`and` of non-truth values {x:?}, {y:?}"),
    }
}

/// Kleene disjunction, written out as a table.
fn or_table(a: Val, b: Val) -> Val {
    use Val::{F, T, U};
    match (a, b) {
        (T, T) => T,
        (T, F) => T,
        (T, U) => T,
        (F, T) => T,
        (F, F) => F,
        (F, U) => U,
        (U, T) => T,
        (U, F) => U,
        (U, U) => U,
        (x, y) => panic!("`or` of non-truth values {x:?}, {y:?}"),
    }
}

/// Kleene negation.
fn not_table(a: Val) -> Val {
    match a {
        Val::T => Val::F,
        Val::F => Val::T,
        Val::U => Val::U,
        Val::N(x) => panic!("`not` of a number {x}"),
    }
}

/// A comparison of two numbers; unknown when either side is.
fn compare(op: BinaryOp, a: Val, b: Val) -> Val {
    let (x, y) = match (a, b) {
        (Val::N(x), Val::N(y)) => (x, y),
        (Val::U, _) | (_, Val::U) => return Val::U,
        other => panic!("comparison of non-numbers {other:?}"),
    };
    let truth = match op {
        BinaryOp::Eq => x == y,
        BinaryOp::Ne => x != y,
        BinaryOp::Lt => x < y,
        BinaryOp::Gt => x > y,
        other => panic!("operator {other:?} is not generated"),
    };
    if truth { Val::T } else { Val::F }
}

struct Reference<'a> {
    policy: &'a Policy,
    facts: &'a Facts,
    /// The exceptions to each rule, found from the exceptions' own `targets`.
    exceptions_to: Vec<Vec<ItemId>>,
    /// How many definitions came out known although an exception to them was undecided.
    agreements: Cell<u64>,
}

impl<'a> Reference<'a> {
    fn new(policy: &'a Policy, facts: &'a Facts) -> Self {
        let mut exceptions_to = vec![Vec::new(); policy.items.len()];
        for (i, item) in policy.items.iter().enumerate() {
            for t in &item.targets {
                exceptions_to[t.0 as usize].push(ItemId(i as u32));
            }
        }
        Reference { policy, facts, exceptions_to, agreements: Cell::new(0) }
    }

    fn expr(&self, e: &Expr, depth: u32) -> Val {
        assert!(depth < RECURSION_BOUND, "recursion bound reached");
        match &e.kind {
            ExprKind::Bool(true) => Val::T,
            ExprKind::Bool(false) => Val::F,
            ExprKind::Unknown => Val::U,
            ExprKind::Number { value, unit: None } => Val::N(*value),
            ExprKind::Fact(f) => match self.facts.values.get(f) {
                None => Val::U,
                Some(Value::Bool(true)) => Val::T,
                Some(Value::Bool(false)) => Val::F,
                Some(other) => panic!("fact value {other:?} is not generated"),
            },
            ExprKind::Item(i) => self.item(*i, depth + 1),
            ExprKind::Not(x) => not_table(self.expr(x, depth + 1)),
            ExprKind::IsKnown(x) => {
                if self.expr(x, depth + 1) == Val::U {
                    Val::F
                } else {
                    Val::T
                }
            }
            ExprKind::And(xs) => xs.iter().fold(Val::T, |acc, x| and_table(acc, self.expr(x, depth + 1))),
            ExprKind::Or(xs) => xs.iter().fold(Val::F, |acc, x| or_table(acc, self.expr(x, depth + 1))),
            ExprKind::Binary(op, l, r) => compare(*op, self.expr(l, depth + 1), self.expr(r, depth + 1)),
            other => panic!("expression {other:?} is not generated"),
        }
    }

    /// A definition's value, or whether an exception holds.
    fn item(&self, id: ItemId, depth: u32) -> Val {
        assert!(depth < RECURSION_BOUND, "recursion bound reached");
        let item = &self.policy.items[id.0 as usize];
        match item.kind {
            ItemKind::Define => self.definition(id, depth),
            ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation => self.holds(id, depth),
            other => panic!("{other:?} is not generated"),
        }
    }

    /// An exception holds when its `when` holds, its `unless` does not and no exception to it holds.
    fn holds(&self, id: ItemId, depth: u32) -> Val {
        let item = &self.policy.items[id.0 as usize];
        assert!(item.from.is_empty() && item.until.is_empty(), "dates are not generated");
        let when = item.when.as_ref().map_or(Val::T, |w| self.expr(w, depth + 1));
        let unless = item.unless.as_ref().map_or(Val::F, |u| self.expr(u, depth + 1));
        let mut excepted = Val::F;
        for &e in &self.exceptions_to[id.0 as usize] {
            excepted = or_table(excepted, self.item(e, depth + 1));
        }
        and_table(when, and_table(not_table(unless), not_table(excepted)))
    }

    /// A definition's value: its own value, then its exceptions from the highest priority down.
    /// The first that holds decides; one that may hold adds the value it would give to the values
    /// the definition could take; the result is known only when all those values agree.
    fn definition(&self, id: ItemId, depth: u32) -> Val {
        let item = &self.policy.items[id.0 as usize];
        let mut exceptions = self.exceptions_to[id.0 as usize].clone();
        exceptions.sort_by(|a, b| {
            let (pa, pb) = (self.policy.items[a.0 as usize].priority, self.policy.items[b.0 as usize].priority);
            pb.cmp(&pa)
        });
        let mut possible = Vec::new();
        let mut decided = false;
        for e in exceptions {
            let holds = self.item(e, depth + 1);
            if holds == Val::F {
                continue;
            }
            let exception = &self.policy.items[e.0 as usize];
            let gives = match &exception.gives {
                Some(g) => self.expr(g, depth + 1),
                None => {
                    assert!(
                        matches!(item.ty, Type::Bool | Type::Any),
                        "an exception without `gives` to a definition that is not true/false"
                    );
                    Val::F
                }
            };
            possible.push(gives);
            if holds == Val::T {
                decided = true;
                break;
            }
        }
        if !decided {
            let own = item.value.as_ref().map_or(Val::U, |v| self.expr(v, depth + 1));
            possible.push(own);
        }
        let first = possible[0];
        if first != Val::U && possible.iter().all(|v| *v == first) {
            if possible.len() > 1 {
                self.agreements.set(self.agreements.get() + 1);
            }
            first
        } else {
            Val::U
        }
    }
}

/// The engine's value in the reference's terms.
fn from_engine(v: &Value) -> Val {
    match v {
        Value::Bool(true) => Val::T,
        Value::Bool(false) => Val::F,
        Value::Unknown => Val::U,
        Value::Number(x, None) => Val::N(*x),
        other => panic!("the engine gave {other:?}, which the generated rules cannot produce"),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking and running one rule set
// ---------------------------------------------------------------------------------------------

fn check(src: &str) -> Result<Policy, Vec<Diagnostic>> {
    let mut sources = Sources::new();
    sources.add("generated.norma", src);
    let (policy, diags) = norma::check_sources(&sources);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    if errors.is_empty() { Ok(policy) } else { Err(errors) }
}

fn fact_id(policy: &Policy, name: &str) -> FactId {
    let i = policy.facts.iter().position(|f| f.name == name).unwrap_or_else(|| panic!("no fact `{name}`"));
    FactId(i as u32)
}

/// Facts from `(name, value)` pairs; a fact not listed (or listed as `None`) is unknown.
fn facts_of(policy: &Policy, given: &[(String, Option<bool>)]) -> Facts {
    let mut facts = Facts::default();
    for (name, v) in given {
        if let Some(b) = v {
            facts.values.insert(fact_id(policy, name), Value::Bool(*b));
        }
    }
    facts
}

fn options() -> Options {
    Options { as_of: jiff::civil::date(2026, 1, 1), roles: Default::default(), traces: true }
}

fn is_rule(kind: ItemKind) -> bool {
    matches!(kind, ItemKind::Define | ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation)
}

/// Every definition and exception: (name, engine's value, reference's value), and how often the
/// reference found an undecided exception that did not matter.
fn both(policy: &Policy, facts: &Facts) -> (Vec<(String, Val, Val)>, u64) {
    let ev = Evaluator::run(policy, facts, &options());
    let reference = Reference::new(policy, facts);
    let results = policy
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| is_rule(item.kind))
        .map(|(i, item)| {
            let id = ItemId(i as u32);
            (item.name.clone(), from_engine(&ev.value(id)), reference.item(id, 0))
        })
        .collect();
    (results, reference.agreements.get())
}

fn show_facts(given: &[(String, Option<bool>)]) -> String {
    given
        .iter()
        .map(|(n, v)| format!("{n}: {}", v.map_or("unknown (missing)".to_string(), |b| b.to_string())))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Num,
    Exception,
}

struct GenItem {
    name: String,
    kind: Kind,
    /// The definition (index in `items`) this item belongs to: itself for a definition, the
    /// definition its chain of exceptions ends at for an exception.
    root: usize,
    /// Rules it modifies (indices in `items`).
    targets: Vec<usize>,
    /// The size of its own clauses, counting what they mention.
    own: u64,
    /// Roughly the work of evaluating it without a memo.
    cost: u64,
}

/// An exception already written for a (target, priority): what it gives (`false` when nothing)
/// and the fact its `when` is guarded by, if any.
struct GroupEntry {
    gives: String,
    guard: Option<(usize, bool)>,
}

/// Items costlier than this are not mentioned by later rules, so that the memo-less reference
/// stays fast.
const REF_COST_LIMIT: u64 = 60;
const NUMBERS: [&str; 4] = ["0", "50", "100", "150"];

#[derive(Default, Debug)]
struct Coverage {
    numeric: usize,
    exceptions: usize,
    to_exceptions: usize,
    several_targets: usize,
    guarded_pairs: usize,
    gives_expr: usize,
    unless: usize,
}

struct Generator {
    rng: Rng,
    facts: usize,
    items: Vec<GenItem>,
    decls: Vec<String>,
    groups: BTreeMap<(usize, usize), Vec<GroupEntry>>,
    coverage: Coverage,
}

/// A generated rule set: its source and its fact names.
struct RuleSet {
    source: String,
    facts: Vec<String>,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: Rng(seed),
            facts: 0,
            items: Vec::new(),
            decls: Vec::new(),
            groups: BTreeMap::new(),
            coverage: Coverage::default(),
        }
    }

    /// Items that a rule of root `limit` may mention: those of earlier roots, cheap enough, of
    /// one of `kinds`.
    fn candidates(&self, limit: usize, kinds: &[Kind]) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| {
                let it = &self.items[i];
                it.root < limit && it.cost <= REF_COST_LIMIT && kinds.contains(&it.kind)
            })
            .collect()
    }

    fn fact(&mut self) -> (String, u64) {
        (format!("f{}", self.rng.below(self.facts)), 1)
    }

    fn reference(&mut self, limit: usize, kinds: &[Kind]) -> Option<(String, u64)> {
        let c = self.candidates(limit, kinds);
        if c.is_empty() {
            return None;
        }
        let i = self.rng.pick(&c);
        Some((self.items[i].name.clone(), 1 + self.items[i].cost))
    }

    fn number(&mut self, limit: usize, percent_ref: u64) -> (String, u64) {
        if self.rng.chance(percent_ref)
            && let Some(r) = self.reference(limit, &[Kind::Num])
        {
            return r;
        }
        (self.rng.pick(&NUMBERS).to_string(), 1)
    }

    fn leaf(&mut self, limit: usize) -> (String, u64) {
        let r = self.rng.below(100);
        let picked = match r {
            0..=16 => self.reference(limit, &[Kind::Bool]),
            17..=26 => self.reference(limit, &[Kind::Exception]),
            27..=36 => self.reference(limit, &[Kind::Num]).map(|(l, lc)| {
                let op = self.rng.pick(&["=", "!=", "<", ">"]);
                let (rhs, rc) = self.number(limit, 30);
                (format!("({l} {op} {rhs})"), 1 + lc + rc)
            }),
            37..=41 => Some((self.rng.pick(&["true", "false"]).to_string(), 1)),
            42..=44 => Some(("unknown".to_string(), 1)),
            45..=49 => {
                let inner = self.reference(limit, &[Kind::Bool, Kind::Num, Kind::Exception]);
                let (x, c) = inner.unwrap_or_else(|| self.fact());
                Some((format!("({x} is known)"), 1 + c))
            }
            _ => None,
        };
        picked.unwrap_or_else(|| self.fact())
    }

    /// A true/false expression of at most `depth` levels of operators, mentioning facts and the
    /// rules of roots before `limit`.
    fn condition(&mut self, depth: u32, limit: usize) -> (String, u64) {
        if depth == 0 || self.rng.chance(30) {
            return self.leaf(limit);
        }
        match self.rng.below(10) {
            0 | 1 => {
                let (s, c) = self.condition(depth - 1, limit);
                (format!("not {s}"), 1 + c)
            }
            r => {
                let n = 2 + self.rng.below(2);
                let parts: Vec<(String, u64)> = (0..n).map(|_| self.condition(depth - 1, limit)).collect();
                let op = if r < 6 { " and " } else { " or " };
                let text = parts.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join(op);
                (format!("({text})"), 1 + parts.iter().map(|(_, c)| c).sum::<u64>())
            }
        }
    }

    fn definition(&mut self) -> usize {
        let k = self.items.len();
        let numeric = self.rng.chance(25);
        let (name, kind, (value, own)) = if numeric {
            self.coverage.numeric += 1;
            (format!("n{k}"), Kind::Num, self.number(k, 30))
        } else {
            (format!("d{k}"), Kind::Bool, self.condition(3, k))
        };
        self.decls.push(format!("define {name}\n  title en \"{name}\"\n  title ko \"{name}\"\n  = {value}\n"));
        self.items.push(GenItem { name, kind, root: k, targets: Vec::new(), own, cost: own });
        k
    }

    /// Whether an exception giving `gives` with `guard` may join every `(target, priority)` group
    /// without a conflict: each exception there gives the same, or their guards exclude each other.
    fn fits(&self, targets: &[usize], priority: usize, gives: &str, guard: Option<(usize, bool)>) -> bool {
        targets.iter().all(|&t| {
            self.groups.get(&(t, priority)).is_none_or(|entries| {
                entries.iter().all(|e| {
                    e.gives == gives
                        || matches!((e.guard, guard), (Some((f1, p1)), Some((f2, p2))) if f1 == f2 && p1 != p2)
                })
            })
        })
    }

    fn exception(&mut self, root: usize) {
        let k = self.items.len();
        let root_kind = self.items[root].kind;
        let chain: Vec<usize> = (root + 1..k).filter(|&i| self.items[i].root == root).collect();
        let mut targets = Vec::new();
        if !chain.is_empty() && self.rng.chance(40) {
            targets.push(self.rng.pick(&chain));
            if self.rng.chance(30) {
                if root_kind == Kind::Bool && self.rng.chance(50) {
                    targets.push(root);
                } else {
                    targets.push(self.rng.pick(&chain));
                }
            }
        } else {
            targets.push(root);
        }
        targets.sort_unstable();
        targets.dedup();
        let to_exception = targets.iter().any(|&t| self.items[t].kind == Kind::Exception);
        let mut chosen = None;
        for _ in 0..8 {
            // Often join a priority already used for this target, where conflicts are possible.
            let used: Vec<usize> = self.groups.keys().filter(|(t, _)| *t == targets[0]).map(|(_, p)| *p).collect();
            let priority =
                if !used.is_empty() && self.rng.chance(50) { self.rng.pick(&used) } else { self.rng.below(3) };
            let (gives, gives_cost) = if to_exception {
                (None, 0)
            } else if root_kind == Kind::Num {
                let (g, c) = self.number(root, 30);
                (Some(g), c)
            } else {
                match self.rng.below(10) {
                    0..=4 => (None, 0),
                    5 => (Some("false".to_string()), 1),
                    6 | 7 => (Some("true".to_string()), 1),
                    _ => {
                        let (g, c) = self.condition(1, root);
                        (Some(g), c)
                    }
                }
            };
            let key = gives.clone().unwrap_or_else(|| "false".to_string());
            let mut guard = self.rng.chance(40).then(|| (self.rng.below(self.facts), self.rng.chance(50)));
            // Sometimes guard against an exception that gives something else, to make them exclusive.
            let other = self
                .groups
                .get(&(targets[0], priority))
                .and_then(|es| es.iter().find(|e| e.gives != key && e.guard.is_some()))
                .and_then(|e| e.guard);
            if let Some((f, p)) = other
                && self.rng.chance(70)
            {
                guard = Some((f, !p));
            }
            if self.fits(&targets, priority, &key, guard) {
                chosen = Some((priority, gives, gives_cost, key, guard));
                break;
            }
        }
        let Some((priority, gives, gives_cost, key, guard)) = chosen else { return };
        for &t in &targets {
            let entries = self.groups.entry((t, priority)).or_default();
            if entries.iter().any(|e| e.gives != key) {
                self.coverage.guarded_pairs += 1;
            }
            entries.push(GroupEntry { gives: key.clone(), guard });
        }
        let (when, when_cost) = self.condition(2, root);
        let when = match guard {
            Some((f, true)) => format!("f{f} and {when}"),
            Some((f, false)) => format!("(not f{f}) and {when}"),
            None => when,
        };
        let name = format!("e{k}");
        let keyword = self.rng.pick(&["exception", "exception", "exemption", "derogation"]);
        let names: Vec<&str> = targets.iter().map(|&t| self.items[t].name.as_str()).collect();
        let mut text = format!("{keyword} {name} to {}\n  cite \"Art. {k}\"\n  when {when}\n", names.join(", "));
        let mut own = 1 + when_cost + gives_cost;
        if self.rng.chance(40) {
            let (u, c) = self.condition(1, root);
            own += c;
            self.coverage.unless += 1;
            let _ = writeln!(text, "  unless {u}");
        }
        if let Some(g) = &gives {
            if !matches!(g.as_str(), "true" | "false") && !NUMBERS.contains(&g.as_str()) {
                self.coverage.gives_expr += 1;
            }
            let _ = writeln!(text, "  gives {g}");
        }
        if priority > 0 || self.rng.chance(50) {
            let _ = writeln!(text, "  priority {priority}");
        }
        self.coverage.exceptions += 1;
        if to_exception {
            self.coverage.to_exceptions += 1;
        }
        if targets.len() > 1 {
            self.coverage.several_targets += 1;
        }
        self.decls.push(text);
        self.items.push(GenItem { name, kind: Kind::Exception, root, targets, own, cost: own });
    }

    /// Recomputes the costs of a definition and its exceptions once they are all written.
    fn settle_costs(&mut self, root: usize) {
        let members: Vec<usize> = (root..self.items.len()).filter(|&i| self.items[i].root == root).collect();
        for &m in members.iter().rev() {
            let extra: u64 =
                members.iter().filter(|&&x| self.items[x].targets.contains(&m)).map(|&x| self.items[x].cost).sum();
            self.items[m].cost = self.items[m].own + extra;
        }
    }

    fn rule_set(mut self) -> (RuleSet, Coverage) {
        self.facts = 3 + self.rng.below(6);
        let definitions = 2 + self.rng.below(11);
        let exceptions = self.rng.below(7);
        let mut per_definition = vec![0usize; definitions];
        for _ in 0..exceptions {
            let d = self.rng.below(definitions);
            per_definition[d] += 1;
        }
        for count in per_definition {
            let root = self.definition();
            for _ in 0..count {
                self.exception(root);
            }
            self.settle_costs(root);
        }
        let fact_names: Vec<String> = (0..self.facts).map(|i| format!("f{i}")).collect();
        let mut decls: Vec<String> =
            fact_names.iter().map(|f| format!("fact {f} : bool\n  question en \"?\"\n  question ko \"?\"\n")).collect();
        decls.append(&mut self.decls);
        // Half the time, declare everything in a random order: the checker, not the text, orders rules.
        if self.rng.chance(50) {
            for i in (1..decls.len()).rev() {
                let j = self.rng.below(i + 1);
                decls.swap(i, j);
            }
        }
        let mut source = String::from("instrument diff.t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n");
        for d in decls {
            source.push('\n');
            source.push_str(&d);
        }
        (RuleSet { source, facts: fact_names }, self.coverage)
    }
}

fn random_facts(rng: &mut Rng, names: &[String]) -> Vec<(String, Option<bool>)> {
    names
        .iter()
        .map(|n| {
            let v = match rng.below(3) {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            };
            (n.clone(), v)
        })
        .collect()
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn engine_agrees_with_reference_on_random_rule_sets() {
    let seed = env_u64("NORMA_DIFF_SEED", 0x4E6F_726D_6121);
    let sets = env_u64("NORMA_DIFF_SETS", 500);
    const FACT_SETS: usize = 10;
    let mut rng = Rng(seed);
    let (mut accepted, mut rejected, mut pairs, mut compared) = (0u64, 0u64, 0u64, 0u64);
    let mut outcomes: BTreeMap<&str, u64> = BTreeMap::new();
    let mut coverage = Coverage::default();
    let mut mismatches: Vec<String> = Vec::new();
    let mut mismatch_count = 0u64;
    let mut agreements = 0u64;
    for n in 0..sets {
        let set_seed = rng.next();
        let (set, cov) = Generator::new(set_seed).rule_set();
        let policy = match check(&set.source) {
            Ok(p) => p,
            Err(errors) => {
                rejected += 1;
                if rejected <= 3 {
                    let codes: Vec<String> =
                        errors.iter().map(|e| format!("{}: {}", e.code.as_str(), e.message)).collect();
                    eprintln!("rule set {n} (seed {set_seed:#x}) rejected: {codes:?}\n{}", set.source);
                }
                continue;
            }
        };
        accepted += 1;
        coverage.numeric += cov.numeric;
        coverage.exceptions += cov.exceptions;
        coverage.to_exceptions += cov.to_exceptions;
        coverage.several_targets += cov.several_targets;
        coverage.guarded_pairs += cov.guarded_pairs;
        coverage.gives_expr += cov.gives_expr;
        coverage.unless += cov.unless;
        for _ in 0..FACT_SETS {
            let given = random_facts(&mut rng, &set.facts);
            let facts = facts_of(&policy, &given);
            pairs += 1;
            let (results, agreed) = both(&policy, &facts);
            agreements += agreed;
            for (name, engine, reference) in results {
                compared += 1;
                let word = match reference {
                    Val::T => "true",
                    Val::F => "false",
                    Val::U => "unknown",
                    Val::N(_) => "number",
                };
                *outcomes.entry(word).or_default() += 1;
                if engine != reference {
                    mismatch_count += 1;
                    if mismatches.len() < 3 {
                        mismatches.push(format!(
                            "rule `{name}`: engine {engine:?}, reference {reference:?}\nfacts: {}\nrule set {n} (seed {set_seed:#x}):\n{}",
                            show_facts(&given),
                            set.source
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "differential: {accepted} rule sets accepted, {rejected} rejected; {pairs} (rule set, facts) pairs; \
         {compared} results compared; reference outcomes {outcomes:?}; {agreements} evaluations where an \
         undecided exception did not matter; {coverage:?}"
    );
    assert!(
        mismatches.is_empty(),
        "{mismatch_count} results differ between the engine and the reference; the first:\n\n{}",
        mismatches.join("\n-----\n")
    );
    assert!(
        accepted * 10 >= (accepted + rejected) * 9,
        "only {accepted} of {} rule sets were accepted",
        accepted + rejected
    );
    if sets >= 300 {
        assert!(pairs >= 3_000, "too few pairs: {pairs}");
        assert!(outcomes.get("unknown").copied().unwrap_or(0) > 0 && outcomes.get("number").copied().unwrap_or(0) > 0);
        assert!(agreements > 0 && coverage.guarded_pairs > 0 && coverage.to_exceptions > 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases that pin the semantics
// ---------------------------------------------------------------------------------------------

fn module(facts: &[&str], rules: &str) -> String {
    let mut s = String::from("instrument pin.t\n  title en \"T\"\n  title ko \"T\"\n  jurisdiction EU\n");
    for f in facts {
        let _ = write!(s, "\nfact {f} : bool\n  question en \"?\"\n  question ko \"?\"\n");
    }
    s.push_str(rules);
    s
}

fn define(name: &str, value: &str) -> String {
    format!("\ndefine {name}\n  title en \"{name}\"\n  title ko \"{name}\"\n  = {value}\n")
}

fn exception(name: &str, target: &str, when: &str, more: &str) -> String {
    let mut s = format!("\nexception {name} to {target}\n  cite \"x\"\n  when {when}\n");
    for line in more.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(s, "  {}", line.trim());
    }
    s
}

/// Evaluates `src` against `given` and asserts that the engine and the reference both give
/// `expected` for each named rule.
fn pin(src: &str, given: &[(&str, Option<bool>)], expected: &[(&str, Val)]) {
    let policy = check(src)
        .unwrap_or_else(|e| panic!("rejected: {:?}\n{src}", e.iter().map(|d| &d.message).collect::<Vec<_>>()));
    let given: Vec<(String, Option<bool>)> = given.iter().map(|(n, v)| (n.to_string(), *v)).collect();
    let facts = facts_of(&policy, &given);
    let (results, _) = both(&policy, &facts);
    for (name, want) in expected {
        let (_, engine, reference) = results.iter().find(|(n, _, _)| n == name).unwrap();
        assert_eq!(*reference, *want, "reference, rule `{name}`, facts {}\n{src}", show_facts(&given));
        assert_eq!(*engine, *want, "engine, rule `{name}`, facts {}\n{src}", show_facts(&given));
    }
}

#[test]
fn kleene_logic() {
    let rules = [
        define("and_false", "f0 and f1"),
        define("and_true", "f0 and f2"),
        define("or_true", "f0 or f2"),
        define("or_false", "f0 or f1"),
        define("not_unknown", "not f0"),
        define("known", "f0 is known"),
        define("nested", "(f0 or f2) and not (f0 and f1)"),
        define("literal", "unknown and false"),
    ]
    .concat();
    let src = module(&["f0", "f1", "f2"], &rules);
    pin(
        &src,
        &[("f0", None), ("f1", Some(false)), ("f2", Some(true))],
        &[
            ("and_false", Val::F),
            ("and_true", Val::U),
            ("or_true", Val::T),
            ("or_false", Val::U),
            ("not_unknown", Val::U),
            ("known", Val::F),
            ("nested", Val::T),
            ("literal", Val::F),
        ],
    );
}

#[test]
fn undecided_exception_that_gives_the_same_value_does_not_make_the_result_unknown() {
    let rules = [
        define("cap", "100"),
        exception("hi", "cap", "f0", "gives 50\npriority 2"),
        exception("lo", "cap", "f1", "gives 50\npriority 1"),
    ]
    .concat();
    let src = module(&["f0", "f1"], &rules);
    // `hi` is undecided but would give 50, which `lo` gives anyway.
    pin(&src, &[("f0", None), ("f1", Some(true))], &[("hi", Val::U), ("lo", Val::T), ("cap", Val::N(50.0))]);
    // Without `lo` the value would be 100, so whether `hi` holds matters.
    pin(&src, &[("f0", None), ("f1", Some(false))], &[("cap", Val::U)]);
    // Both undecided: 50 or 100.
    pin(&src, &[("f0", None), ("f1", None)], &[("cap", Val::U)]);
    // A true/false definition: an undecided exception sets it to false, which it already is.
    let rules = [define("d", "f1"), exception("x", "d", "f0", "")].concat();
    let src = module(&["f0", "f1"], &rules);
    pin(&src, &[("f0", None), ("f1", Some(false))], &[("d", Val::F)]);
    pin(&src, &[("f0", None), ("f1", Some(true))], &[("d", Val::U)]);
    pin(&src, &[("f0", Some(false)), ("f1", Some(true))], &[("d", Val::T)]);
}

#[test]
fn the_highest_priority_exception_that_holds_decides() {
    let rules = [
        define("cap", "100"),
        exception("hi", "cap", "f0", "gives 10\npriority 2"),
        exception("lo", "cap", "f1", "gives 20\npriority 1"),
    ]
    .concat();
    let src = module(&["f0", "f1"], &rules);
    pin(&src, &[("f0", Some(true)), ("f1", Some(true))], &[("cap", Val::N(10.0))]);
    // A lower exception that may hold does not matter once a higher one holds.
    pin(&src, &[("f0", Some(true)), ("f1", None)], &[("cap", Val::N(10.0))]);
    // A higher exception whose `when` is false is skipped.
    pin(&src, &[("f0", Some(false)), ("f1", Some(true))], &[("cap", Val::N(20.0))]);
    pin(&src, &[("f0", Some(false)), ("f1", Some(false))], &[("cap", Val::N(100.0))]);
    // An undecided higher exception that would give something else leaves it unknown.
    pin(&src, &[("f0", None), ("f1", Some(true))], &[("cap", Val::U)]);
}

#[test]
fn exceptions_to_exceptions_and_unless() {
    let rules = [
        define("d", "f0"),
        exception("e1", "d", "f1", "unless f3"),
        exception("e2", "e1", "f2", ""),
        define("uses_exception", "e1 or f3"),
    ]
    .concat();
    let src = module(&["f0", "f1", "f2", "f3"], &rules);
    let base = [("f0", Some(true)), ("f1", Some(true)), ("f3", Some(false))];
    // `e2` holds, so `e1` does not, so `d` keeps its own value.
    let with = |f2: Option<bool>| base.iter().copied().chain([("f2", f2)]).collect::<Vec<_>>();
    pin(&src, &with(Some(true)), &[("e2", Val::T), ("e1", Val::F), ("d", Val::T), ("uses_exception", Val::F)]);
    pin(&src, &with(Some(false)), &[("e2", Val::F), ("e1", Val::T), ("d", Val::F), ("uses_exception", Val::T)]);
    // Whether `e2` holds is unknown, so is whether `e1` holds, and `d` would be true or false.
    pin(&src, &with(None), &[("e2", Val::U), ("e1", Val::U), ("d", Val::U), ("uses_exception", Val::U)]);
    // An undecided `unless` leaves the exception undecided.
    pin(
        &src,
        &[("f0", Some(true)), ("f1", Some(true)), ("f2", Some(false)), ("f3", None)],
        &[("e1", Val::U), ("d", Val::U), ("uses_exception", Val::U)],
    );
}

#[test]
fn numeric_definitions_and_comparisons() {
    let rules = [
        define("base", "100"),
        exception("lower", "base", "f0", "gives 50"),
        define("other", "base"),
        define("above", "base > 60"),
        define("equal", "base = other"),
        define("unequal", "base != 100"),
    ]
    .concat();
    let src = module(&["f0"], &rules);
    pin(
        &src,
        &[("f0", Some(true))],
        &[("base", Val::N(50.0)), ("above", Val::F), ("equal", Val::T), ("unequal", Val::T)],
    );
    pin(&src, &[("f0", Some(false))], &[("base", Val::N(100.0)), ("above", Val::T), ("unequal", Val::F)]);
    pin(&src, &[("f0", None)], &[("base", Val::U), ("other", Val::U), ("above", Val::U), ("equal", Val::U)]);
}
