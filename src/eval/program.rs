//! Definitions compiled to a flat program: each true/false definition without exceptions whose
//! condition reads only facts, other true/false rules, the assessment date and literals becomes a
//! run of operations in postfix order over one-byte truth values. The evaluator runs it instead of
//! walking the expression tree; results and (with traces on) the inputs that decided them are the
//! same as the tree's, which `tests.rs` checks on every shipped example and on the benchmark's
//! workload.

use std::collections::BTreeSet;

use super::expr::binary;
use super::{Evaluator, Input};
use crate::model::{Expr, ExprKind, FactId, ItemId, Policy, Type};
use crate::syntax::ast::{BinaryOp, ItemKind};
use crate::value::{Duration, TimeUnit, Value};

/// Kleene's three truth values in one byte: a bit for true, a bit for false, neither for unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Truth {
    Unknown = 0,
    True = 1,
    False = 2,
}

impl Truth {
    fn of(v: &Value) -> Truth {
        match v {
            Value::Bool(true) => Truth::True,
            Value::Bool(false) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    fn value(self) -> Value {
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

/// An operand of a comparison.
#[derive(Debug, Clone, Copy)]
enum Load {
    /// A fact's value (an input).
    Fact(FactId),
    /// The assessment date (an input).
    AsOf,
    /// A literal, by its index in [`Program::consts`].
    Const(u32),
}

/// One operation. Each pushes one truth value; `Not` replaces the top one; `And` and `Or` replace
/// the top `n` with their junction.
#[derive(Debug, Clone, Copy)]
enum Op {
    Truth(Truth),
    Fact(FactId),
    Rule(ItemId),
    Compare(BinaryOp, Load, Load),
    /// A number fact compared with a number literal (the literal's index in `consts`, for values
    /// that are not plain numbers).
    CompareNumber(FactId, BinaryOp, f64, u32),
    /// Whether an enumeration fact is (or, negated, is not) one value.
    IsVariant(FactId, u32, bool, u32),
    Not,
    And(u32),
    Or(u32),
}

/// The compiled definitions of a policy.
#[derive(Debug, Clone, Default)]
pub struct Program {
    ops: Vec<Op>,
    consts: Vec<Value>,
    /// For each item, where its operations are in `ops` (an empty range: not compiled).
    code: Vec<(u32, u32)>,
}

impl Program {
    /// Compiles every definition of `policy` that the flat program can express.
    pub fn compile(policy: &Policy) -> Program {
        let mut p = Program { ops: Vec::new(), consts: Vec::new(), code: vec![(0, 0); policy.items.len()] };
        for (i, item) in policy.items.iter().enumerate() {
            let Some(value) = item.value.as_ref() else { continue };
            if item.kind != ItemKind::Define || !item.exceptions.is_empty() || value.ty != Type::Bool {
                continue;
            }
            let (ops, consts) = (p.ops.len(), p.consts.len());
            if p.expr(value).is_some()
                && let (Ok(start), Ok(end)) = (u32::try_from(ops), u32::try_from(p.ops.len()))
                && let Some(slot) = p.code.get_mut(i)
            {
                *slot = (start, end);
            } else {
                p.ops.truncate(ops);
                p.consts.truncate(consts);
            }
        }
        p
    }

    /// How many definitions are compiled.
    pub fn len(&self) -> usize {
        self.code.iter().filter(|(a, b)| a < b).count()
    }

    /// Whether no definition is compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Literal number `k`.
    fn constant(&self, k: u32) -> &Value {
        self.consts.get(k as usize).unwrap_or(&UNKNOWN)
    }

    /// The operations of item `id`, when it is compiled.
    fn code(&self, id: ItemId) -> Option<&[Op]> {
        let &(a, b) = self.code.get(id.0 as usize)?;
        if a < b { self.ops.get(a as usize..b as usize) } else { None }
    }

    /// Compiles a true/false expression (depth bounded by the parser); `None` for what the
    /// program does not express.
    fn expr(&mut self, e: &Expr) -> Option<()> {
        let op = match &e.kind {
            ExprKind::Bool(b) => Op::Truth(if *b { Truth::True } else { Truth::False }),
            ExprKind::Unknown => Op::Truth(Truth::Unknown),
            ExprKind::Fact(f) if e.ty == Type::Bool => Op::Fact(*f),
            ExprKind::Item(i) if e.ty == Type::Bool => Op::Rule(*i),
            ExprKind::Not(x) => {
                self.expr(x)?;
                Op::Not
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                for x in xs {
                    self.expr(x)?;
                }
                let n = u32::try_from(xs.len()).ok()?;
                if matches!(e.kind, ExprKind::And(_)) { Op::And(n) } else { Op::Or(n) }
            }
            ExprKind::Binary(op, l, r) if is_comparison(*op) => match (self.load(l)?, self.load(r)?) {
                (Load::Fact(f), Load::Const(k)) => match (*op, self.consts.get(k as usize)) {
                    (
                        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge,
                        Some(Value::Number(n, _)),
                    ) => Op::CompareNumber(f, *op, *n, k),
                    (BinaryOp::Eq | BinaryOp::Ne, Some(Value::Enum(_, v))) => {
                        Op::IsVariant(f, *v, *op == BinaryOp::Ne, k)
                    }
                    _ => Op::Compare(*op, Load::Fact(f), Load::Const(k)),
                },
                (a, b) => Op::Compare(*op, a, b),
            },
            _ => return None,
        };
        self.ops.push(op);
        Some(())
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

fn truth(b: bool) -> Truth {
    if b { Truth::True } else { Truth::False }
}

/// Whether `op` gives a truth value from two operands.
fn is_comparison(op: BinaryOp) -> bool {
    !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div)
}

/// The value of a literal that is missing (never, for a compiled program).
static UNKNOWN: Value = Value::Unknown;

impl Evaluator<'_> {
    /// Runs the compiled code of definition `id`, when it has some: its value, with the inputs
    /// that decided it appended to `out` when `TRACE` is on. `stack` is scratch space.
    pub(super) fn run_compiled<const TRACE: bool>(
        &self,
        id: ItemId,
        stack: &mut Vec<(Truth, u32)>,
        out: &mut Vec<Input>,
    ) -> Option<Value> {
        let program = &self.policy.program;
        let code = program.code(id)?;
        stack.clear();
        for op in code {
            let start = out.len() as u32;
            let truth = match *op {
                Op::Truth(t) => t,
                Op::Fact(f) => {
                    if TRACE {
                        out.push(Input::Fact(f));
                    }
                    Truth::of(self.fact(f))
                }
                Op::Rule(i) => {
                    if TRACE {
                        out.push(Input::Rule(i));
                    }
                    Truth::of(self.state.values.get(i.0 as usize).unwrap_or(&UNKNOWN))
                }
                Op::Compare(op, l, r) => {
                    let a = self.load::<TRACE>(l, out);
                    let b = self.load::<TRACE>(r, out);
                    Truth::of(&binary(op, a, b, self.state.as_of))
                }
                Op::CompareNumber(f, op, n, k) => {
                    if TRACE {
                        out.push(Input::Fact(f));
                    }
                    match self.fact(f) {
                        Value::Number(x, _) => match x.partial_cmp(&n) {
                            None => Truth::Unknown,
                            Some(o) => truth(match op {
                                BinaryOp::Eq => o.is_eq(),
                                BinaryOp::Ne => o.is_ne(),
                                BinaryOp::Lt => o.is_lt(),
                                BinaryOp::Le => o.is_le(),
                                BinaryOp::Gt => o.is_gt(),
                                _ => o.is_ge(),
                            }),
                        },
                        Value::Unknown => Truth::Unknown,
                        other => Truth::of(&binary(op, other, program.constant(k), self.state.as_of)),
                    }
                }
                Op::IsVariant(f, v, negated, k) => {
                    if TRACE {
                        out.push(Input::Fact(f));
                    }
                    match self.fact(f) {
                        Value::Enum(_, x) => truth((*x == v) != negated),
                        Value::Unknown => Truth::Unknown,
                        other => {
                            let op = if negated { BinaryOp::Ne } else { BinaryOp::Eq };
                            Truth::of(&binary(op, other, program.constant(k), self.state.as_of))
                        }
                    }
                }
                Op::Not => {
                    if let Some(top) = stack.last_mut() {
                        top.0 = top.0.not();
                    }
                    continue;
                }
                Op::And(n) | Op::Or(n) => {
                    let is_and = matches!(op, Op::And(_));
                    let from = stack.len().saturating_sub(n as usize);
                    let operands = stack.get(from..).unwrap_or(&[]);
                    let (truth, base) = if TRACE {
                        junction(operands, if is_and { Truth::False } else { Truth::True }, out)
                    } else {
                        (fold(operands, is_and), start)
                    };
                    stack.truncate(from);
                    stack.push((truth, base));
                    continue;
                }
            };
            stack.push((truth, start));
        }
        stack.last().map(|(t, _)| t.value())
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
                &self.as_of_value
            }
            Load::Const(k) => self.policy.program.constant(k),
        }
    }
}

/// The junction (`and` when `decisive` is false, `or` when true) of `operands`, each a truth value
/// and where its inputs start in `out`; the inputs of the operands follow one another to the end of
/// `out`. As the tree evaluator does: an operand with the decisive value decides alone (the first
/// one); all operands with the other value decide together; otherwise the result is unknown,
/// decided by the operands without that other value. Returns the result and where its inputs
/// start.
fn junction(operands: &[(Truth, u32)], decisive: Truth, out: &mut Vec<Input>) -> (Truth, u32) {
    let base = operands.first().map_or(out.len(), |(_, s)| *s as usize);
    let end_of = |k: usize, out: &Vec<Input>| operands.get(k + 1).map_or(out.len(), |(_, s)| *s as usize);
    if let Some(k) = operands.iter().position(|(t, _)| *t == decisive) {
        let (from, to) = (operands.get(k).map_or(base, |(_, s)| *s as usize), end_of(k, out));
        out.copy_within(from..to, base);
        out.truncate(base + (to - from));
        return (decisive, base as u32);
    }
    if operands.iter().all(|(t, _)| *t != Truth::Unknown) {
        return (decisive.not(), base as u32);
    }
    // Keep the inputs of the unknown operands only.
    let mut write = base;
    for (k, (t, s)) in operands.iter().enumerate() {
        if *t == Truth::Unknown {
            let (from, to) = (*s as usize, end_of(k, out));
            out.copy_within(from..to, write);
            write += to - from;
        }
    }
    out.truncate(write);
    (Truth::Unknown, base as u32)
}

/// The junction of `operands` without inputs, on the bits of their truth values: `and` is false
/// when a false bit is set, else true when every true bit is; `or` alike with the bits swapped.
fn fold(operands: &[(Truth, u32)], is_and: bool) -> Truth {
    let (mut all, mut any) = (Truth::True as u8 | Truth::False as u8, 0u8);
    for (t, _) in operands {
        all &= *t as u8;
        any |= *t as u8;
    }
    let (decisive, other) = if is_and { (Truth::False, Truth::True) } else { (Truth::True, Truth::False) };
    if any & decisive as u8 != 0 {
        decisive
    } else if all & other as u8 != 0 {
        other
    } else {
        Truth::Unknown
    }
}
