//! Definitions compiled to a compact program: each true/false definition without exceptions whose
//! condition reads only facts, other true/false rules, the assessment date and literals becomes a
//! small tree of fixed-size nodes over one-byte truth values (the operands of each `and` and `or`
//! side by side). Every test of the facts a condition makes (a true/false fact, a comparison) is
//! kept once and decided once per document, kind by kind, before the conditions run; a leaf then
//! only reads a truth value from its slot, a rule's or a test's, so no leaf branches on its kind.
//! The evaluator runs these instead of walking the expression tree;
//! its values and (with traces on) the inputs that decided them are the same as the tree's, which
//! `tests.rs` checks on every shipped example and on the benchmark's workload.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::expr::binary;
use super::{Evaluator, Input};
use crate::model::{EnumId, Expr, ExprKind, FactId, ItemId, Policy, Type};
use crate::syntax::ast::{BinaryOp, ItemKind};
use crate::value::{Duration, TimeUnit, Value};

/// Kleene's three truth values in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Truth {
    Unknown,
    True,
    False,
}

impl Truth {
    pub(super) fn of(v: &Value) -> Truth {
        match v {
            Value::Bool(true) => Truth::True,
            Value::Bool(false) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// The truth of a value kept as a rule's result: `None` for a value that is not true, false or
    /// unknown.
    pub(super) fn kept(v: &Value) -> Option<Truth> {
        match v {
            Value::Bool(true) => Some(Truth::True),
            Value::Bool(false) => Some(Truth::False),
            Value::Unknown => Some(Truth::Unknown),
            _ => None,
        }
    }

    pub(super) fn value(self) -> Value {
        match self {
            Truth::True => Value::Bool(true),
            Truth::False => Value::Bool(false),
            Truth::Unknown => Value::Unknown,
        }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

fn truth(b: bool) -> Truth {
    if b { Truth::True } else { Truth::False }
}

/// A fact's value in the compact form the steps read: one per fact, built once per document.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell {
    Unknown,
    Bool(bool),
    Number(f64),
    Variant(u32),
    /// Any other value (read from the facts when needed).
    Other,
}

impl Cell {
    pub(super) fn of(v: &Value) -> Cell {
        match v {
            Value::Unknown => Cell::Unknown,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n, _) => Cell::Number(*n),
            Value::Enum(_, i) => Cell::Variant(*i),
            _ => Cell::Other,
        }
    }
}

/// An operand of a comparison.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum Load {
    /// A fact's value (an input).
    Fact(FactId),
    /// The assessment date (an input).
    AsOf,
    /// A literal, by its index in [`Program::consts`].
    Const(u32),
}

/// Which junction: `and` (decided by an operand that is false) or `or` (by one that is true).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Junction {
    And,
    Or,
}

impl Junction {
    /// The operand value that decides the junction alone.
    fn decisive(self) -> Truth {
        match self {
            Junction::And => Truth::False,
            Junction::Or => Truth::True,
        }
    }
}

/// What a node computes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum Op {
    Truth(Truth),
    /// A truth value read from its slot: below [`Program::items`] a rule's value, from there on
    /// the value of a [`Test`] of the facts (slot `items + k` for `tests[k]`).
    Slot(u32),
    /// A junction of the `count` nodes from `first` in [`Program::nodes`].
    Junction(Junction, u32, u32),
    /// The same, when every operand is a leaf (evaluated without a call).
    Leaves(Junction, u32, u32),
}

/// A test of the facts, decided once per document before any condition runs (its truth value in a
/// slot), so that every leaf of a condition is one read.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum Test {
    /// A true/false fact.
    Fact(FactId),
    /// A number fact compared with a number literal (by its index in [`Program::numbers`]): true
    /// when their order is in the set (see [`orders`]).
    Number(FactId, u8, BinaryOp, u32),
    /// Whether an enumeration fact is (or, negated, is not) one value.
    Variant(FactId, u32, bool),
    /// Another comparison, by its index in [`Program::compares`].
    Compare(u32),
}

/// A node of a compiled condition: its operation, negated when `negate` is set.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Node {
    op: Op,
    negate: bool,
}

/// The compiled definitions of a policy: each condition a small tree of nodes, the operands of a
/// junction side by side.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Program {
    nodes: Vec<Node>,
    consts: Vec<Value>,
    /// The number literals that facts are compared with.
    numbers: Vec<f64>,
    compares: Vec<(BinaryOp, Load, Load)>,
    /// The tests of the facts, each once, grouped by kind.
    tests: Vec<Test>,
    /// The number of items: the first slot of a test.
    items: u32,
    /// For each item, its condition's root in `nodes`, when it is compiled.
    roots: Vec<Option<u32>>,
}

impl Program {
    /// Compiles every definition of `policy` that the flat program can express.
    pub fn compile(policy: &Policy) -> Program {
        let items = u32::try_from(policy.items.len()).unwrap_or(u32::MAX);
        let mut p = Program { roots: vec![None; policy.items.len()], items, ..Program::default() };
        let mut operands = Vec::new();
        for (i, item) in policy.items.iter().enumerate() {
            let Some(value) = item.value.as_ref() else { continue };
            if item.kind != ItemKind::Define || !item.exceptions.is_empty() || value.ty != Type::Bool {
                continue;
            }
            let (nodes, consts, compares, numbers, tests) =
                (p.nodes.len(), p.consts.len(), p.compares.len(), p.numbers.len(), p.tests.len());
            let root = p.node(value, 0, &mut operands).and_then(|node| {
                let at = u32::try_from(p.nodes.len()).ok()?;
                p.nodes.push(node);
                Some(at)
            });
            match (root, p.roots.get_mut(i)) {
                (Some(at), Some(slot)) => *slot = Some(at),
                _ => {
                    p.nodes.truncate(nodes);
                    p.consts.truncate(consts);
                    p.compares.truncate(compares);
                    p.numbers.truncate(numbers);
                    p.tests.truncate(tests);
                }
            }
        }
        p.group_tests();
        p
    }

    /// Keeps each test once, in an order by kind and fact (so that deciding them for a document
    /// runs through one kind after another), and points the slots at their new places.
    fn group_tests(&mut self) {
        let key = |t: &Test| match *t {
            Test::Fact(f) => (0, f.0, 0, 0),
            Test::Variant(f, v, negated) => (1, f.0, v, u64::from(negated)),
            Test::Number(f, set, _, at) => {
                (2, f.0, u32::from(set), self.numbers.get(at as usize).map_or(0, |n| n.to_bits()))
            }
            Test::Compare(c) => (3, c, 0, 0),
        };
        let mut order: Vec<(_, usize)> = self.tests.iter().map(key).zip(0..).collect();
        order.sort_unstable();
        let mut tests = Vec::new();
        let mut place = vec![0u32; self.tests.len()];
        let mut last = None;
        for (k, old) in order {
            if last != Some(k) {
                tests.extend(self.tests.get(old).copied());
                last = Some(k);
            }
            if let Some(p) = place.get_mut(old) {
                *p = tests.len().saturating_sub(1) as u32;
            }
        }
        for node in &mut self.nodes {
            if let Op::Slot(slot) = &mut node.op
                && let Some(k) = slot.checked_sub(self.items)
            {
                *slot = self.items + place.get(k as usize).copied().unwrap_or(0);
            }
        }
        self.tests = tests;
    }

    /// A leaf reading the value of `test`.
    fn test(&mut self, test: Test) -> Option<Op> {
        let slot = self.items.checked_add(u32::try_from(self.tests.len()).ok()?)?;
        self.tests.push(test);
        Some(Op::Slot(slot))
    }

    /// How many definitions are compiled.
    pub fn len(&self) -> usize {
        self.roots.iter().flatten().count()
    }

    /// Whether no definition is compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many tests of the facts it decides for each document.
    pub(super) fn tests(&self) -> usize {
        self.tests.len()
    }

    /// Literal number `k`.
    fn constant(&self, k: u32) -> &Value {
        self.consts.get(k as usize).unwrap_or(&UNKNOWN)
    }

    /// The root node of item `id`'s condition, when it is compiled.
    fn root(&self, id: ItemId) -> Option<&Node> {
        let at = (*self.roots.get(id.0 as usize)?)?;
        self.nodes.get(at as usize)
    }

    /// Compiles a true/false expression into a node (its operands' nodes pushed to `nodes`);
    /// `None` for what the program does not express. `depth` is bounded as the parser bounds
    /// expressions.
    fn node(&mut self, e: &Expr, depth: usize, operands: &mut Vec<Node>) -> Option<Node> {
        if depth > crate::limits::MAX_EXPR_DEPTH {
            return None;
        }
        match &e.kind {
            ExprKind::Not(x) => {
                let node = self.node(x, depth + 1, operands)?;
                Some(Node { negate: !node.negate, ..node })
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                let junction = if matches!(e.kind, ExprKind::And(_)) { Junction::And } else { Junction::Or };
                if xs.is_empty() {
                    return Some(Node { op: Op::Truth(junction.decisive().not()), negate: false });
                }
                // The operands wait on the stack `operands` (shared by the nesting junctions)
                // until all are compiled, then move into place together.
                let mark = operands.len();
                for x in xs {
                    match self.node(x, depth + 1, operands) {
                        Some(node) => operands.push(node),
                        None => {
                            operands.truncate(mark);
                            return None;
                        }
                    }
                }
                let first = u32::try_from(self.nodes.len()).ok()?;
                let count = u32::try_from(xs.len()).ok()?;
                let leaves = operands.iter().skip(mark).all(|o| !matches!(o.op, Op::Junction(..) | Op::Leaves(..)));
                self.nodes.extend(operands.drain(mark..));
                let op = if leaves { Op::Leaves(junction, first, count) } else { Op::Junction(junction, first, count) };
                Some(Node { op, negate: false })
            }
            _ => Some(Node { op: self.leaf(e)?, negate: false }),
        }
    }

    /// A leaf: a literal, a true/false fact or rule, or a comparison.
    fn leaf(&mut self, e: &Expr) -> Option<Op> {
        let (op, l, r) = match &e.kind {
            ExprKind::Bool(b) => return Some(Op::Truth(truth(*b))),
            ExprKind::Unknown => return Some(Op::Truth(Truth::Unknown)),
            ExprKind::Fact(f) if e.ty == Type::Bool => return self.test(Test::Fact(*f)),
            ExprKind::Item(i) if e.ty == Type::Bool && i.0 < self.items => return Some(Op::Slot(i.0)),
            ExprKind::Binary(op, l, r) if is_comparison(*op) => (*op, self.load(l)?, self.load(r)?),
            _ => return None,
        };
        if let (Load::Fact(f), Load::Const(k)) = (l, r) {
            match (op, self.consts.get(k as usize)) {
                (
                    BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge,
                    Some(Value::Number(n, _)),
                ) => {
                    let at = u32::try_from(self.numbers.len()).ok()?;
                    self.numbers.push(*n);
                    return self.test(Test::Number(f, orders(op), op, at));
                }
                (BinaryOp::Eq | BinaryOp::Ne, Some(Value::Enum(_, v))) => {
                    return self.test(Test::Variant(f, *v, op == BinaryOp::Ne));
                }
                _ => {}
            }
        }
        let at = u32::try_from(self.compares.len()).ok()?;
        self.compares.push((op, l, r));
        self.test(Test::Compare(at))
    }

    /// An operand of a comparison: a fact, the assessment date or a literal.
    fn load(&mut self, e: &Expr) -> Option<Load> {
        let value = match &e.kind {
            ExprKind::Fact(f) => return Some(Load::Fact(*f)),
            ExprKind::AsOf => return Some(Load::AsOf),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Unknown => Value::Unknown,
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Text(t) => Value::Text(t.clone()),
            ExprKind::Variant(en, i) => Value::Enum(*en, *i),
            ExprKind::Number { value, unit } => match unit.as_deref().and_then(TimeUnit::from_word) {
                Some(u) => super::expr::whole(*value).map_or(Value::Unknown, |n| Value::Duration(Duration::of(n, u))),
                None => Value::Number(*value, unit.clone()),
            },
            ExprKind::Set(items) => {
                let Type::Set(en) = e.ty else { return None };
                let variants = items
                    .iter()
                    .map(|x| if let ExprKind::Variant(_, i) = x.kind { Some(i) } else { None })
                    .collect::<Option<BTreeSet<u32>>>()?;
                Value::Set(en, variants)
            }
            _ => return None,
        };
        let at = u32::try_from(self.consts.len()).ok()?;
        self.consts.push(value);
        Some(Load::Const(at))
    }
}

/// The orders of two numbers for which comparison `op` holds, as a set of bits (less, equal,
/// greater).
fn orders(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Eq => EQUAL,
        BinaryOp::Ne => LESS | GREATER,
        BinaryOp::Lt => LESS,
        BinaryOp::Le => LESS | EQUAL,
        BinaryOp::Gt => GREATER,
        _ => GREATER | EQUAL,
    }
}

const LESS: u8 = 1;
const EQUAL: u8 = 2;
const GREATER: u8 = 4;

/// Whether `op` gives a truth value from two operands.
fn is_comparison(op: BinaryOp) -> bool {
    !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div)
}

/// The value of a literal that is missing (never, for a compiled program).
static UNKNOWN: Value = Value::Unknown;

/// What the compiled conditions of one document read, besides the rules' truth values: its facts
/// and the date.
struct Reads<'r> {
    program: &'r Program,
    cells: &'r [Cell],
    slots: &'r [&'r Value],
    as_of: jiff::civil::Date,
    as_of_value: &'r Value,
}

impl Evaluator<'_> {
    /// Decides the tests of the facts that compiled conditions read, for this document.
    pub(super) fn decide_tests(&mut self) {
        let reads = Reads {
            program: &self.policy.program,
            cells: &self.cells,
            slots: &self.slots,
            as_of: self.state.as_of,
            as_of_value: &self.as_of_value,
        };
        reads.decide_tests(&mut self.state.truths);
    }

    /// Evaluates the rules `ids` in turn: those compiled by running their compiled condition,
    /// the others as [`Evaluator::rule`] does.
    pub(super) fn rules(&mut self, ids: impl IntoIterator<Item = ItemId>) {
        let mut ids = ids.into_iter().peekable();
        while ids.peek().is_some() {
            self.compiled_run(&mut ids);
            if let Some(id) = ids.next() {
                self.rule(id);
            }
        }
    }

    /// Evaluates the rules from `ids` while they are compiled, recording each value (and, with
    /// traces on, the inputs that decided it); stops before the first that is not.
    fn compiled_run(&mut self, ids: &mut std::iter::Peekable<impl Iterator<Item = ItemId>>) {
        let program = &self.policy.program;
        let state = &mut self.state;
        let reads = Reads {
            program,
            cells: &self.cells,
            slots: &self.slots,
            as_of: state.as_of,
            as_of_value: &self.as_of_value,
        };
        let (truths, arena, spans) = (&mut state.truths, &mut state.arena, &mut state.spans);
        while let Some(&id) = ids.peek() {
            let Some(root) = program.root(id) else { return };
            ids.next();
            let i = id.0 as usize;
            let start = arena.len();
            let now = if self.traces {
                let now = reads.node::<true>(root, truths, arena);
                dedup_tail(arena, start);
                now
            } else {
                reads.node::<false>(root, truths, arena)
            };
            if let Some(t) = truths.get_mut(i) {
                *t = Some(now);
            }
            if let Some(span) = spans.get_mut(i) {
                *span = (start as u32, arena.len() as u32);
            }
        }
    }
}

impl Reads<'_> {
    /// The value of a node, with (when `TRACE` is on) the inputs that decided it appended to
    /// `out`. `truths` are the rules' values so far.
    #[inline(always)]
    fn node<const TRACE: bool>(&self, node: &Node, truths: &[Option<Truth>], out: &mut Vec<Input>) -> Truth {
        let now = match node.op {
            Op::Junction(j, first, count) => self.junction::<TRACE, false>(j, first, count, truths, out),
            Op::Leaves(j, first, count) => self.junction::<TRACE, true>(j, first, count, truths, out),
            leaf => self.leaf::<TRACE>(leaf, truths, out),
        };
        if node.negate { now.not() } else { now }
    }

    /// [`Reads::junction`] of operands that are not all leaves, out of line (it recurses).
    #[inline(never)]
    fn nested<const TRACE: bool>(
        &self,
        junction: Junction,
        first: u32,
        count: u32,
        truths: &[Option<Truth>],
        out: &mut Vec<Input>,
    ) -> Truth {
        self.junction::<TRACE, false>(junction, first, count, truths, out)
    }

    /// The value of a junction of the `count` nodes from `first`. As the tree evaluator does: the
    /// first operand with the deciding value decides alone (the rest are not evaluated); all
    /// operands with the other value decide together; otherwise the result is unknown, decided
    /// by the unknown operands. `LEAVES`: every operand is a leaf.
    #[inline(always)]
    fn junction<const TRACE: bool, const LEAVES: bool>(
        &self,
        junction: Junction,
        first: u32,
        count: u32,
        truths: &[Option<Truth>],
        out: &mut Vec<Input>,
    ) -> Truth {
        let operands = self.program.nodes.get(first as usize..first as usize + count as usize).unwrap_or(&[]);
        let decisive = junction.decisive();
        let base = out.len();
        let mut unknown = false;
        for operand in operands {
            let next = out.len();
            let now = match operand.op {
                Op::Junction(j, f, c) if !LEAVES => self.nested::<TRACE>(j, f, c, truths, out),
                Op::Leaves(j, f, c) if !LEAVES => self.junction::<TRACE, true>(j, f, c, truths, out),
                leaf => self.leaf::<TRACE>(leaf, truths, out),
            };
            let now = if operand.negate { now.not() } else { now };
            if now == decisive {
                if TRACE {
                    keep_from(out, next, base);
                }
                return decisive;
            }
            if now == Truth::Unknown {
                if !unknown {
                    // The first unknown operand: the others' inputs no longer decide anything.
                    if TRACE {
                        keep_from(out, next, base);
                    }
                    unknown = true;
                }
            } else if unknown && TRACE {
                out.truncate(next);
            }
        }
        if unknown { Truth::Unknown } else { decisive.not() }
    }

    /// The value of a leaf, its inputs recorded when `TRACE` is on.
    #[inline(always)]
    fn leaf<const TRACE: bool>(&self, op: Op, truths: &[Option<Truth>], out: &mut Vec<Input>) -> Truth {
        match op {
            Op::Slot(slot) => {
                if TRACE {
                    self.inputs(slot, out);
                }
                match truths.get(slot as usize) {
                    Some(Some(t)) => *t,
                    // A rule whose value is not true/false (never, once checked).
                    _ => Truth::Unknown,
                }
            }
            Op::Truth(t) => t,
            Op::Junction(..) | Op::Leaves(..) => Truth::Unknown,
        }
    }

    /// Records the inputs of the value in `slot`: the rule, or the facts (and date) its test
    /// reads.
    #[inline(always)]
    fn inputs(&self, slot: u32, out: &mut Vec<Input>) {
        let Some(k) = slot.checked_sub(self.program.items) else {
            out.push(Input::Rule(ItemId(slot)));
            return;
        };
        match self.program.tests.get(k as usize) {
            Some(Test::Fact(f) | Test::Number(f, ..) | Test::Variant(f, ..)) => out.push(Input::Fact(*f)),
            Some(Test::Compare(c)) => self.compared(*c, out),
            None => {}
        }
    }

    /// Records the facts (and date) that comparison `c` reads.
    #[inline(never)]
    fn compared(&self, c: u32, out: &mut Vec<Input>) {
        if let Some(&(_, l, r)) = self.program.compares.get(c as usize) {
            for load in [l, r] {
                match load {
                    Load::Fact(f) => out.push(Input::Fact(f)),
                    Load::AsOf => out.push(Input::AsOf),
                    Load::Const(_) => {}
                }
            }
        }
    }

    /// Decides every test of the facts into its slot of `truths` (which grows to hold them).
    fn decide_tests(&self, truths: &mut Vec<Option<Truth>>) {
        let first = self.program.items as usize;
        if truths.len() < first + self.program.tests.len() {
            truths.resize(first + self.program.tests.len(), Some(Truth::Unknown));
        }
        let slots = truths.get_mut(first..).unwrap_or(&mut []);
        for (slot, test) in slots.iter_mut().zip(&self.program.tests) {
            *slot = Some(self.decide(*test));
        }
    }

    /// The truth value of one test of the facts.
    #[inline(always)]
    fn decide(&self, test: Test) -> Truth {
        match test {
            Test::Fact(f) => match self.cells.get(f.0 as usize) {
                Some(Cell::Bool(b)) => truth(*b),
                _ => Truth::Unknown,
            },
            Test::Number(f, set, op, at) => {
                let n = self.program.numbers.get(at as usize).copied().unwrap_or(f64::NAN);
                match self.cells.get(f.0 as usize) {
                    Some(Cell::Number(x)) => match x.partial_cmp(&n) {
                        None => Truth::Unknown,
                        Some(o) => {
                            let bit = match o {
                                std::cmp::Ordering::Less => LESS,
                                std::cmp::Ordering::Equal => EQUAL,
                                std::cmp::Ordering::Greater => GREATER,
                            };
                            truth(set & bit != 0)
                        }
                    },
                    Some(Cell::Unknown) | None => Truth::Unknown,
                    // Not a number: units cannot change how it compares with one.
                    Some(_) => self.other(op, f, &Value::Number(n, None)),
                }
            }
            Test::Variant(f, v, negated) => match self.cells.get(f.0 as usize) {
                Some(Cell::Variant(x)) => truth((*x == v) != negated),
                Some(Cell::Unknown) | None => Truth::Unknown,
                Some(_) => {
                    // Not a value of an enumeration: which enumeration the literal belongs to
                    // cannot change how it compares with one.
                    let op = if negated { BinaryOp::Ne } else { BinaryOp::Eq };
                    self.other(op, f, &Value::Enum(EnumId(0), v))
                }
            },
            Test::Compare(c) => self.compare(c),
        }
    }

    /// A comparison of two operands that are not both literals.
    #[inline(never)]
    fn compare(&self, c: u32) -> Truth {
        let Some(&(op, l, r)) = self.program.compares.get(c as usize) else { return Truth::Unknown };
        Truth::of(&binary(op, self.load(l), self.load(r), self.as_of))
    }

    /// Fact `f` compared with a literal when the fact holds a value of another kind.
    #[cold]
    fn other(&self, op: BinaryOp, f: FactId, literal: &Value) -> Truth {
        Truth::of(&binary(op, self.fact(f), literal, self.as_of))
    }

    fn fact(&self, f: FactId) -> &Value {
        self.slots.get(f.0 as usize).copied().unwrap_or(&UNKNOWN)
    }

    /// The value of an operand of a comparison.
    fn load(&self, l: Load) -> &Value {
        match l {
            Load::Fact(f) => self.fact(f),
            Load::AsOf => self.as_of_value,
            Load::Const(k) => self.program.constant(k),
        }
    }
}

/// Moves the inputs from `from` to the end of `out` down to `to`, dropping those between.
fn keep_from(out: &mut Vec<Input>, from: usize, to: usize) {
    if from > to && from <= out.len() {
        let n = out.len() - from;
        out.copy_within(from.., to);
        out.truncate(to + n);
    }
}

/// Removes the repeated inputs from `arena[start..]`, keeping each first occurrence in place.
fn dedup_tail(arena: &mut Vec<Input>, start: usize) {
    let mut write = start;
    for read in start..arena.len() {
        let Some(&input) = arena.get(read) else { break };
        if !arena.get(start..write).is_some_and(|kept| kept.contains(&input)) {
            if let Some(slot) = arena.get_mut(write) {
                *slot = input;
            }
            write += 1;
        }
    }
    arena.truncate(write);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_node_fits_in_sixteen_bytes() {
        assert!(std::mem::size_of::<super::Node>() <= 16, "{}", std::mem::size_of::<super::Node>());
    }
}
