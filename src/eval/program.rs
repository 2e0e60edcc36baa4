//! Definitions compiled to a compact program: each true/false definition without exceptions whose
//! condition reads only facts, other true/false rules, the assessment date and literals becomes a
//! small tree of fixed-size nodes over one-byte truth values (the operands of each `and` and `or`
//! side by side, facts read from a table built once per document, comparisons with literals
//! resolved at compile time). The evaluator runs these instead of walking the expression tree;
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
    Fact(FactId),
    Rule(ItemId),
    /// A comparison, by its index in [`Program::compares`].
    Compare(u32),
    /// A number fact compared with a number literal (by its index in [`Program::numbers`]): true
    /// when their order is in the set (see [`orders`]).
    Number(FactId, u8, BinaryOp, u32),
    /// Whether an enumeration fact is (or, negated, is not) one value.
    Variant(FactId, u32, bool),
    /// A junction of the `count` nodes from `first` in [`Program::nodes`].
    Junction(Junction, u32, u32),
    /// The same, when every operand is a leaf (evaluated without a call).
    Leaves(Junction, u32, u32),
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
    /// For each item, its condition's root in `nodes`, when it is compiled.
    roots: Vec<Option<u32>>,
}

impl Program {
    /// Compiles every definition of `policy` that the flat program can express.
    pub fn compile(policy: &Policy) -> Program {
        let mut p = Program { roots: vec![None; policy.items.len()], ..Program::default() };
        for (i, item) in policy.items.iter().enumerate() {
            let Some(value) = item.value.as_ref() else { continue };
            if item.kind != ItemKind::Define || !item.exceptions.is_empty() || value.ty != Type::Bool {
                continue;
            }
            let (nodes, consts, compares, numbers) = (p.nodes.len(), p.consts.len(), p.compares.len(), p.numbers.len());
            let root = p.node(value, 0).and_then(|node| {
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
                }
            }
        }
        p
    }

    /// How many definitions are compiled.
    pub fn len(&self) -> usize {
        self.roots.iter().flatten().count()
    }

    /// Whether no definition is compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    fn node(&mut self, e: &Expr, depth: usize) -> Option<Node> {
        if depth > crate::limits::MAX_EXPR_DEPTH {
            return None;
        }
        match &e.kind {
            ExprKind::Not(x) => {
                let node = self.node(x, depth + 1)?;
                Some(Node { negate: !node.negate, ..node })
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                let junction = if matches!(e.kind, ExprKind::And(_)) { Junction::And } else { Junction::Or };
                if xs.is_empty() {
                    return Some(Node { op: Op::Truth(junction.decisive().not()), negate: false });
                }
                let operands = xs.iter().map(|x| self.node(x, depth + 1)).collect::<Option<Vec<Node>>>()?;
                let first = u32::try_from(self.nodes.len()).ok()?;
                let count = u32::try_from(operands.len()).ok()?;
                let leaves = operands.iter().all(|o| !matches!(o.op, Op::Junction(..) | Op::Leaves(..)));
                self.nodes.extend(operands);
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
            ExprKind::Fact(f) if e.ty == Type::Bool => return Some(Op::Fact(*f)),
            ExprKind::Item(i) if e.ty == Type::Bool => return Some(Op::Rule(*i)),
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
                    return Some(Op::Number(f, orders(op), op, at));
                }
                (BinaryOp::Eq | BinaryOp::Ne, Some(Value::Enum(_, v))) => {
                    return Some(Op::Variant(f, *v, op == BinaryOp::Ne));
                }
                _ => {}
            }
        }
        let at = u32::try_from(self.compares.len()).ok()?;
        self.compares.push((op, l, r));
        Some(Op::Compare(at))
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
            Op::Truth(t) => t,
            Op::Fact(f) => {
                if TRACE {
                    out.push(Input::Fact(f));
                }
                match self.cells.get(f.0 as usize) {
                    Some(Cell::Bool(b)) => truth(*b),
                    _ => Truth::Unknown,
                }
            }
            Op::Rule(i) => {
                if TRACE {
                    out.push(Input::Rule(i));
                }
                match truths.get(i.0 as usize) {
                    Some(Some(t)) => *t,
                    // A rule whose value is not true/false (never, once checked).
                    _ => Truth::Unknown,
                }
            }
            Op::Compare(c) => self.compare::<TRACE>(c, out),
            Op::Number(f, set, op, at) => {
                if TRACE {
                    out.push(Input::Fact(f));
                }
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
            Op::Variant(f, v, negated) => {
                if TRACE {
                    out.push(Input::Fact(f));
                }
                match self.cells.get(f.0 as usize) {
                    Some(Cell::Variant(x)) => truth((*x == v) != negated),
                    Some(Cell::Unknown) | None => Truth::Unknown,
                    Some(_) => {
                        // Not a value of an enumeration: which enumeration the literal belongs to
                        // cannot change how it compares with one.
                        let op = if negated { BinaryOp::Ne } else { BinaryOp::Eq };
                        self.other(op, f, &Value::Enum(EnumId(0), v))
                    }
                }
            }
            Op::Junction(..) | Op::Leaves(..) => Truth::Unknown,
        }
    }

    /// A comparison of two operands that are not both literals.
    #[inline(never)]
    fn compare<const TRACE: bool>(&self, c: u32, out: &mut Vec<Input>) -> Truth {
        let Some(&(op, l, r)) = self.program.compares.get(c as usize) else { return Truth::Unknown };
        let a = self.load::<TRACE>(l, out);
        let b = self.load::<TRACE>(r, out);
        Truth::of(&binary(op, a, b, self.as_of))
    }

    /// Fact `f` compared with a literal when the fact holds a value of another kind.
    #[cold]
    fn other(&self, op: BinaryOp, f: FactId, literal: &Value) -> Truth {
        Truth::of(&binary(op, self.fact(f), literal, self.as_of))
    }

    fn fact(&self, f: FactId) -> &Value {
        self.slots.get(f.0 as usize).copied().unwrap_or(&UNKNOWN)
    }

    /// The value of an operand, its input recorded when `TRACE` is on.
    fn load<const TRACE: bool>(&self, l: Load, out: &mut Vec<Input>) -> &Value {
        match l {
            Load::Fact(f) => {
                if TRACE {
                    out.push(Input::Fact(f));
                }
                self.fact(f)
            }
            Load::AsOf => {
                if TRACE {
                    out.push(Input::AsOf);
                }
                self.as_of_value
            }
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
